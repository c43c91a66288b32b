import Foundation

/// What every target builds from, computed once by the shared stages: the validated
/// tables and detections and the ATT&CK coverage of both. A target reads it and never
/// another target's output.
public struct GeneratorModel: Sendable {
    public var paths: ProjectPaths
    public var project: ValidatedProject
    public var detections: DetectionSet
    /// Techniques covered by table rows and detections; Wazuh, Splunk and the Navigator
    /// layer all describe this one coverage.
    public var coverage: AttackCoverage
    /// How generated files are named in diagnostics (`output/`, or the `--output` folder).
    public var outputRoot: String
    /// Whether the targets pack their archives. `check` writes nothing and leaves them out:
    /// at 200,000 rows the tar and gzip buffers were a third of its peak memory.
    public var archives = true

    /// The templates folder, none loaded yet: each target loads the ones it renders.
    var templates: TemplateSet { TemplateSet(folder: paths.templates) }

    /// Resolves the rule ids of every target's keys against the one lock, so ids never
    /// move and are never handed out twice.
    func resolveIDs(_ keys: [String], diagnostics: DiagnosticCollector) -> ResolvedIDs? {
        resolveRuleIDs(keys: keys, lock: project.lock, range: project.settings.ruleIDs,
                       diagnostics: diagnostics, lockPath: displayPath(paths.lock))
    }
}
