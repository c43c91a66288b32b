import Foundation

/// `output/wazuh/`: the mapping rules (`9100-o365kit_mappings.xml`), the detection rules
/// (`9200-o365kit_detections.xml`), their CDB lists, the rule map, the ruleset test cases,
/// INSTALL, and the package `o365kit-wazuh-<version>.tar.gz`.
public struct WazuhTarget: GeneratorTarget {
    /// The rules the pack needs, before their ids are known.
    public struct Plan: Sendable {
        /// Mapping rules: the tables' rows that get a rule of their own.
        var mappingKeys: [String]
        var detections: WazuhDetectionPlan
    }

    /// The Wazuh pack as data.
    public struct Translation: Sendable {
        public var pack: WazuhPack
        public var detections: WazuhDetectionPack
        /// The packaged correlation test cases (`wazuh/tests/o365kit-sequences.jsonl`).
        public var sequenceCases: [WazuhSequenceCase] = []
    }

    public var name: String { "wazuh" }

    public init() {}

    public func plan(_ model: GeneratorModel, diagnostics: DiagnosticCollector) -> Plan? {
        let detections = planWazuhDetections(model.detections, project: model.project, diagnostics: diagnostics)
        return Plan(mappingKeys: mappingRuleKeys(model.project), detections: detections)
    }

    public func ruleKeys(_ plan: Plan) -> [String] { plan.mappingKeys + plan.detections.keys }

    public func translate(_ plan: Plan, model: GeneratorModel, ids: ResolvedIDs, diagnostics: DiagnosticCollector) -> Translation {
        let project = model.project
        var pack = translateWazuhRules(project, ids: ids, diagnostics: diagnostics)
        var detections = translateWazuhDetections(plan.detections, pack: pack, project: project, detections: model.detections, ids: ids)
        if let catalog = loadManagerAttackCatalog(project.settings, mappings: model.paths.mappings, diagnostics: diagnostics) {
            adaptMitre(&pack, &detections, to: catalog, settings: project.settings, diagnostics: diagnostics)
        }
        return Translation(pack: pack, detections: detections)
    }

    public func templates(_ translation: Translation) -> [String] {
        [WazuhPackPaths.template, WazuhPackPaths.ruleTemplate, WazuhPackageFiles.installTemplate]
    }

    public func render(_ translation: Translation, model: GeneratorModel, templates: TemplateSet, diagnostics: DiagnosticCollector) -> [RenderedFile] {
        renderWazuhPack(translation.pack, project: model.project, templates: templates)
            + renderWazuhDetections(translation.detections, project: model.project, templates: templates)
    }

    /// Both rule files against the schema and the lints, in the load order of a manager
    /// that has Wazuh's office365 rules.
    public func verify(_ files: [RenderedFile], _ translation: Translation, model: GeneratorModel, diagnostics: DiagnosticCollector) {
        let schemaURL = model.paths.templates.appendingPathComponent(WazuhPackPaths.schema)
        guard let schema = readText(schemaURL, diagnostics: diagnostics) else { return }
        let loadOrder = WazuhLoadOrder(project: model.project, translation: translation)
        let detectionOrigins = Dictionary(translation.detections.rules.map { ($0.id, $0.origin) }, uniquingKeysWith: { a, _ in a })
        for file in files where file.path.hasSuffix(".xml") {
            diagnostics.emit(verifyWazuhRules(file, pack: translation.pack, project: model.project, schema: schema, schemaPath: displayPath(schemaURL),
                                              outputRoot: model.outputRoot, loadOrder: loadOrder, origins: detectionOrigins))
        }
    }

    /// The ruleset test cases, proven against the verified rules, INSTALL, and the archive.
    public func package(_ files: [RenderedFile], _ translation: inout Translation, model: GeneratorModel, templates: TemplateSet,
                        diagnostics: DiagnosticCollector) -> TargetPackage {
        let detectionPaths = Set([WazuhDetectionPaths.rules] + translation.detections.lists.keys.map(WazuhDetectionPaths.list))
        let tests = renderWazuhRulesetTests(translation.pack, detectionPack: translation.detections, detectionSet: model.detections,
                                            detections: files.filter { detectionPaths.contains($0.path) }, samples: model.paths.sampleFolders,
                                            project: model.project, templates: templates, diagnostics: diagnostics)
        translation.sequenceCases = tests.sequences
        let shipped = tests.files + [renderWazuhInstall(files + tests.files, project: model.project, templates: templates)]
        let settings = model.project.settings
        let archive = !model.archives ? nil : O365KitCore.archive(files + shipped, below: "wazuh/", into: PackagePaths.wazuhRoot(settings), as: PackagePaths.wazuh(settings),
                                          outputRoot: model.outputRoot, diagnostics: diagnostics)
        return TargetPackage(files: shipped, archive: archive)
    }
}

extension Generation {
    /// The Wazuh target's translation; every default build has one.
    public var wazuh: WazuhTarget.Translation {
        guard let translation = translation(of: WazuhTarget.self) else { preconditionFailure("this build ran without the Wazuh target") }
        return translation
    }

    public var pack: WazuhPack { wazuh.pack }
    /// The detections' Wazuh rules (`9200-o365kit_detections.xml`).
    public var wazuhDetections: WazuhDetectionPack { wazuh.detections }
    public var wazuhSequenceCases: [WazuhSequenceCase] { wazuh.sequenceCases }
}
