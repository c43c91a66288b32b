import Foundation

/// The generator, stage by stage. Each stage is a folder of this library:
///
/// ```
/// load       files → ParsedProject             every value keeps its SourceLocation
/// validate   ParsedProject → ValidatedProject  only validate() can create one
/// resolve    + RuleLock → ResolvedIDs          stable rule ids, retired ids never reused
/// translate  → WazuhPack                       rules as data, placed beside the native chain
/// render     + templates → [RenderedFile]      exact bytes, deterministic
/// verify     libxml2 + RELAX NG + Wazuh lints  findings point at output line and table row
/// targets    Splunk app, ATT&CK coverage,      lookups and conf files, Navigator layer, Wazuh
///            Wazuh tests + INSTALL             test cases (proven in tests); Splunk checks
/// package    tar + gzip of splunk/, wazuh/     reproducible archives and SHA256SUMS
/// emit       OutputWriter                      atomic, only changed files, MANIFEST.json
/// ```
///
/// Detections (Sigma, `mappings/detections/`, see docs/detections.md) run beside the tables:
/// loaded and validated with them, planned into Wazuh rules before ids are resolved (their
/// keys go into the same lock), placed under the mapping rules after translate, rendered to
/// `9200-o365kit_detections.xml`, CDB lists and Splunk's savedsearches.conf, and verified
/// like the mapping rules.
///
/// Every stage reports into one `DiagnosticCollector`; a stage that finds an error stops
/// the pipeline before anything is written, so a broken table never touches output/.
public struct Generation: Sendable {
    public var project: ValidatedProject
    public var pack: WazuhPack
    /// The detection definitions (Sigma) of `mappings/detections/`.
    public var detections: DetectionSet
    /// The detections' Wazuh rules (`9200-o365kit_detections.xml`).
    public var wazuhDetections: WazuhDetectionPack
    /// The detections' Splunk searches (`savedsearches.conf`).
    public var splunkSearches: [SplunkDetectionSearch]
    /// Every generated file, manifest included, sorted by path.
    public var files: [RenderedFile]
    /// The packaged correlation test cases (`wazuh/tests/o365kit-sequences.jsonl`).
    public var wazuhSequenceCases: [WazuhSequenceCase]
    /// The lock after this build's id assignments.
    public var lock: RuleLock
    /// ATT&CK techniques covered, by source; the Navigator layer is drawn from it.
    public var coverage: AttackCoverage
    /// Seconds spent in each stage, in pipeline order, for `--verbose`.
    public var timings: [(stage: String, seconds: Double)]
}

/// Measures the stages of one run.
struct StageClock {
    private(set) var timings: [(stage: String, seconds: Double)] = []
    private var last = Date()

    mutating func lap(_ stage: String) {
        let now = Date()
        timings.append((stage, now.timeIntervalSince(last)))
        last = now
    }
}

/// The rule files a manager loads for this pack: Wazuh's office365 rules (native profile)
/// and the pack's two files, in analysisd's order.
func wazuhLoadOrder(project: ValidatedProject, pack: WazuhPack, detections: WazuhDetectionPack) -> WazuhLoadOrder {
    var files = [WazuhLoadOrder.File(path: WazuhPackPaths.rules, ids: Set(pack.rules.map(\.id))),
                 WazuhLoadOrder.File(path: WazuhDetectionPaths.rules, ids: Set(detections.rules.map(\.id)))]
    if project.settings.profile == .native {
        files.append(WazuhLoadOrder.File(path: project.native.path, ids: project.native.ids))
    }
    return WazuhLoadOrder(files)
}

/// Loads the project's inputs; nil when any of them cannot be read.
public func loadProject(_ paths: ProjectPaths, diagnostics: DiagnosticCollector) -> ParsedProject? {
    let settings = loadSettings(paths.settings, diagnostics: diagnostics)
    let catalog = loadAttackCatalog(paths, diagnostics: diagnostics)
    let operations = loadOperations(paths.operations, diagnostics: diagnostics)
    let logonErrors = loadLogonErrors(paths.logonErrors, diagnostics: diagnostics)
    let lock = loadRuleLock(paths.lock, range: settings?.ruleIDs, diagnostics: diagnostics)
    let native = loadNativeRuleIndex(paths.nativeWazuhRules, diagnostics: diagnostics)
    guard let settings, let catalog, let operations, let logonErrors, let lock, let native else { return nil }
    return ParsedProject(settings: settings, catalog: catalog, operations: operations, logonErrors: logonErrors, lock: lock, native: native)
}

/// Runs every stage up to verify. `outputRoot` only names generated files in diagnostics.
public func generate(_ paths: ProjectPaths, outputRoot: String = "output/", diagnostics: DiagnosticCollector) -> Generation? {
    var clock = StageClock()
    // Rows that failed to load are left out, and validation still runs over the rest, so
    // one run reports every problem in the tables.
    guard let parsed = loadProject(paths, diagnostics: diagnostics) else { return nil }
    clock.lap("load")
    let detections = loadDetectionSet(paths, catalog: parsed.catalog, diagnostics: diagnostics)
    guard let project = validate(parsed, diagnostics: diagnostics), let detections, !diagnostics.hasErrors else { return nil }
    clock.lap("validate")
    let wazuhPlan = planWazuhDetections(detections, project: project, diagnostics: diagnostics)
    guard !diagnostics.hasErrors,
          let ids = resolveRuleIDs(keys: ruleKeys(project) + wazuhPlan.keys, lock: project.lock, range: project.settings.ruleIDs,
                                   diagnostics: diagnostics, lockPath: displayPath(paths.lock))
    else { return nil }

    clock.lap("resolve")
    var pack = translateWazuhRules(project, ids: ids, diagnostics: diagnostics)
    var wazuhDetections = translateWazuhDetections(wazuhPlan, pack: pack, project: project, detections: detections, ids: ids)
    if let catalog = loadManagerAttackCatalog(project.settings, mappings: paths.mappings, diagnostics: diagnostics) {
        adaptMitre(&pack, &wazuhDetections, to: catalog, settings: project.settings, diagnostics: diagnostics)
    }
    clock.lap("translate")

    var templates = TemplateSet(folder: paths.templates)
    let schemaURL = paths.templates.appendingPathComponent(WazuhPackPaths.schema)
    let splunkSearches = splunkDetectionSearches(detections, catalog: project.catalog)
    guard templates.load(WazuhPackPaths.template, diagnostics: diagnostics),
          splunkSearches.isEmpty || templates.load(SplunkDetectionPaths.template, diagnostics: diagnostics),
          templates.load(WazuhPackPaths.ruleTemplate, diagnostics: diagnostics),
          let schema = readText(schemaURL, diagnostics: diagnostics) else { return nil }
    let files = renderWazuhPack(pack, project: project, templates: templates)
        + renderWazuhDetections(wazuhDetections, project: project, templates: templates)
        + (splunkSearches.isEmpty ? [] : [renderSavedSearches(splunkSearches, templates: templates)])
    clock.lap("render")

    let root = outputRoot.hasSuffix("/") ? outputRoot : outputRoot + "/"
    let loadOrder = wazuhLoadOrder(project: project, pack: pack, detections: wazuhDetections)
    let detectionOrigins = Dictionary(wazuhDetections.rules.map { ($0.id, $0.origin) }, uniquingKeysWith: { a, _ in a })
    for file in files where file.path == WazuhPackPaths.rules || file.path == WazuhDetectionPaths.rules {
        diagnostics.emit(verifyWazuhRules(file, pack: pack, project: project, schema: schema, schemaPath: displayPath(schemaURL), outputRoot: root,
                                          loadOrder: loadOrder, origins: detectionOrigins))
    }
    clock.lap("verify")
    guard !diagnostics.hasErrors else { return nil }

    // Everything rendered so far (mapping rules, detection rules and searches) goes into the
    // Splunk app, the Wazuh package and the coverage layer.
    var targets = files
    var coverage = tableCoverage(project)
    for rule in detections.rules where !rule.techniques.isEmpty {
        coverage.add(.detections, key: rule.key, techniques: rule.techniques)
    }
    guard ([CoveragePaths.summaryTemplate, WazuhPackageFiles.installTemplate] + SplunkAppPaths.templates)
        .allSatisfy({ templates.load($0, diagnostics: diagnostics) }) else { return nil }
    targets += renderSplunkApp(project, lookups: splunkLookups(project), templates: templates, existing: targets)
    clock.lap("splunk")
    targets += renderCoverage(coverage, project: project, templates: templates)
    clock.lap("coverage")
    let detectionFiles = files.filter { $0.path == WazuhDetectionPaths.rules || ($0.path.hasPrefix("wazuh/lists/") && $0.path != WazuhPackPaths.logonErrorList) }
    let tests = renderWazuhRulesetTests(pack, detectionPack: wazuhDetections, detectionSet: detections, detections: detectionFiles,
                                        samples: paths.detectionSamples, project: project, templates: templates, diagnostics: diagnostics)
    targets += tests.files
    clock.lap("wazuh-tests")
    targets.append(renderWazuhInstall(targets, project: project, templates: templates))
    diagnostics.emit(verifySplunkApp(targets, appID: project.settings.packageName, outputRoot: root))
    clock.lap("splunk-verify")
    guard !diagnostics.hasErrors else { return nil }
    targets += buildPackages(targets, settings: project.settings, outputRoot: root, diagnostics: diagnostics)
    clock.lap("package")
    guard !diagnostics.hasErrors else { return nil }
    let withManifest = OutputWriter.withManifest(targets)
    clock.lap("manifest")
    return Generation(project: project, pack: pack, detections: detections, wazuhDetections: wazuhDetections, splunkSearches: splunkSearches,
                      files: withManifest, wazuhSequenceCases: tests.sequences, lock: ids.lock, coverage: coverage, timings: clock.timings)
}
