import Foundation

/// The generator. Shared stages build one model; then every target turns it into its
/// folder of `output/`:
///
/// ```
/// load       files → ParsedProject, DetectionSet   every value keeps its SourceLocation
/// validate   → ValidatedProject                    only validate() can create one
///            → GeneratorModel                      + the ATT&CK coverage of tables and detections
/// plan       each target: the rule keys it needs   (Wazuh: mapping and detection rules)
/// resolve    + RuleLock → ResolvedIDs              all targets' keys against one lock
/// targets    translate → render → verify → package, per target (Targets/: Wazuh, Splunk, Attack)
/// package    SHA256SUMS of the targets' archives
/// emit       OutputWriter                          atomic, only changed files, MANIFEST.json
/// ```
///
/// Every stage reports into one `DiagnosticCollector`; a stage that finds an error stops
/// the pipeline before anything is written, so a broken table never touches output/.
/// Targets run even when an earlier one failed, so one run reports every problem.
public struct Generation: Sendable {
    public var model: GeneratorModel
    /// Every generated file, manifest included, sorted by path.
    public var files: [RenderedFile]
    /// The lock after this build's id assignments.
    public var lock: RuleLock
    /// Seconds spent in each stage, in pipeline order, for `--verbose`.
    public var timings: [(stage: String, seconds: Double)]
    var translations: [ObjectIdentifier: any Sendable]

    public var project: ValidatedProject { model.project }
    /// The detection definitions (Sigma) of `mappings/detections/`.
    public var detections: DetectionSet { model.detections }
    /// ATT&CK techniques covered, by source; the Navigator layer is drawn from it.
    public var coverage: AttackCoverage { model.coverage }

    /// What the target of type `T` translated, when it ran in this build.
    public func translation<T: GeneratorTarget>(of _: T.Type) -> T.Translation? {
        translations[ObjectIdentifier(T.self)] as? T.Translation
    }
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

/// Loads the project's inputs; nil when any of them cannot be read.
public func loadProject(_ paths: ProjectPaths, diagnostics: DiagnosticCollector) -> ParsedProject? {
    let settings = loadSettings(paths.settings, diagnostics: diagnostics)
    let catalog = loadAttackCatalog(paths, diagnostics: diagnostics)
    let operations = loadOperations(paths.operations, diagnostics: diagnostics)
    let logonErrors = loadLogonErrors(paths.logonErrors, diagnostics: diagnostics)
    let lock = loadRuleLock(paths.lock, range: settings?.ruleIDs, diagnostics: diagnostics)
    let native = loadNativeRuleIndex(paths.nativeWazuhRules, diagnostics: diagnostics)
    let recordTypes = loadRecordTypes(paths.recordTypes, diagnostics: diagnostics)
    guard let settings, let catalog, let operations, let logonErrors, let lock, let native, let recordTypes else { return nil }
    return ParsedProject(settings: settings, catalog: catalog, operations: operations, logonErrors: logonErrors, lock: lock, native: native,
                         recordTypes: recordTypes)
}

/// The shared stages: load, validate, coverage. Nil when any of them reported an error.
func loadModel(_ paths: ProjectPaths, outputRoot: String, diagnostics: DiagnosticCollector, clock: inout StageClock) -> GeneratorModel? {
    // Rows that failed to load are left out, and validation still runs over the rest, so
    // one run reports every problem in the tables.
    guard let parsed = loadProject(paths, diagnostics: diagnostics) else { return nil }
    clock.lap("load")
    return makeModel(parsed, paths: paths, outputRoot: outputRoot, diagnostics: diagnostics, clock: &clock)
}

/// Validates a loaded project with its detections and computes their coverage.
func makeModel(_ parsed: ParsedProject, paths: ProjectPaths, outputRoot: String, diagnostics: DiagnosticCollector,
               clock: inout StageClock) -> GeneratorModel? {
    let detections = loadDetectionSet(paths, catalog: parsed.catalog, diagnostics: diagnostics)
    guard let project = validate(parsed, diagnostics: diagnostics), let detections, !diagnostics.hasErrors else { return nil }
    var coverage = tableCoverage(project)
    for rule in detections.rules where !rule.techniques.isEmpty {
        coverage.add(.detections, key: rule.key, techniques: rule.techniques)
    }
    clock.lap("validate")
    return GeneratorModel(paths: paths, project: project, detections: detections, coverage: coverage,
                          outputRoot: outputRoot.hasSuffix("/") ? outputRoot : outputRoot + "/")
}

/// Every target after its plan step, with the rule ids of all of them resolved together
/// against the one lock: what `generate` builds on, and what `diff` compares.
public struct PlannedTargets: Sendable {
    public var ids: ResolvedIDs
    var planned: [PlannedTarget]

    /// The plan of the target of type `T`, when it is one of them.
    public func plan<T: GeneratorTarget>(of type: T.Type) -> T.Plan? {
        planned.lazy.compactMap { $0.plan(of: type) }.first
    }
}

extension GeneratorModel {
    /// The shared stages after loading: validation, detections, coverage. Nil when they
    /// reported an error.
    public init?(validating parsed: ParsedProject, paths: ProjectPaths, outputRoot: String = "output/", diagnostics: DiagnosticCollector) {
        var clock = StageClock()
        guard let model = makeModel(parsed, paths: paths, outputRoot: outputRoot, diagnostics: diagnostics, clock: &clock) else { return nil }
        self = model
    }

    /// Plans every target and resolves all their rule keys at once; nil when a plan or the
    /// lock reported an error.
    public func planTargets(_ targets: [any GeneratorTarget] = GeneratorTargets.all, diagnostics: DiagnosticCollector) -> PlannedTargets? {
        let planned = targets.compactMap { PlannedTarget($0, model: self, diagnostics: diagnostics) }
        guard planned.count == targets.count, !diagnostics.hasErrors,
              let ids = resolveIDs(planned.flatMap(\.ruleKeys), diagnostics: diagnostics) else { return nil }
        return PlannedTargets(ids: ids, planned: planned)
    }
}

/// Runs every stage up to the manifest; `emit` (OutputWriter) writes the result.
/// `outputRoot` only names generated files in diagnostics.
public func generate(_ paths: ProjectPaths, outputRoot: String = "output/", targets: [any GeneratorTarget] = GeneratorTargets.all,
                     archives: Bool = true, diagnostics: DiagnosticCollector) -> Generation? {
    var clock = StageClock()
    guard var model = loadModel(paths, outputRoot: outputRoot, diagnostics: diagnostics, clock: &clock) else { return nil }
    model.archives = archives
    guard let targets = model.planTargets(targets, diagnostics: diagnostics) else { return nil }
    clock.lap("resolve")

    let built = targets.planned.compactMap { $0.build(model, targets.ids, diagnostics, &clock) }
    guard built.count == targets.planned.count, !diagnostics.hasErrors else { return nil }
    let archives = built.compactMap(\.archive)
    let files = built.flatMap(\.files) + archives + (archives.isEmpty ? [] : [checksums(of: archives)])
    let withManifest = OutputWriter.withManifest(files)
    clock.lap("manifest")
    return Generation(model: model, files: withManifest, lock: targets.ids.lock, timings: clock.timings,
                      translations: Dictionary(built.map { ($0.type, $0.translation) }, uniquingKeysWith: { a, _ in a }))
}
