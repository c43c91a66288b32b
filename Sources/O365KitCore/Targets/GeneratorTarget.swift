import Foundation

/// One output of the generator, a folder of `output/` (`wazuh/`, `splunk/<app>/`, `attack/`)
/// and its archive, built from the shared `GeneratorModel` in the steps below. The pipeline
/// runs every target of `GeneratorTargets.all` the same way; docs/adding-a-target.md walks
/// through writing one.
///
/// Every step reports into the run's `DiagnosticCollector`; a target whose steps report an
/// error produces nothing, and the run writes nothing.
public protocol GeneratorTarget: Sendable {
    /// What the target decides before rule ids exist: Wazuh plans its rules, whose lock keys
    /// must be resolved together with every other target's.
    associatedtype Plan: Sendable = Void
    /// The target's own model of its output (rules, searches), built with the ids.
    associatedtype Translation: Sendable

    /// Names the target in `--verbose` timings.
    var name: String { get }

    /// Nil when the plan reported an error.
    func plan(_ model: GeneratorModel, diagnostics: DiagnosticCollector) -> Plan?
    /// Lock keys needing stable rule ids (`operation:X`, `detection:Y`); most targets need none.
    func ruleKeys(_ plan: Plan) -> [String]
    func translate(_ plan: Plan, model: GeneratorModel, ids: ResolvedIDs, diagnostics: DiagnosticCollector) -> Translation
    /// The templates (below `templates/`) that `render` and `package` use; loaded first.
    func templates(_ translation: Translation) -> [String]
    /// Exact bytes, the same for the same model.
    func render(_ translation: Translation, model: GeneratorModel, templates: TemplateSet, diagnostics: DiagnosticCollector) -> [RenderedFile]
    /// Checks of the rendered files (schemas, lints), located at the output line and the
    /// table row behind it.
    func verify(_ files: [RenderedFile], _ translation: Translation, model: GeneratorModel, diagnostics: DiagnosticCollector)
    /// Runs once `verify` passed: what ships beside the files (test cases, INSTALL) and the
    /// archive of all of them. What packaging learns goes into the translation (Wazuh keeps
    /// its correlation test cases there).
    func package(_ files: [RenderedFile], _ translation: inout Translation, model: GeneratorModel, templates: TemplateSet,
                 diagnostics: DiagnosticCollector) -> TargetPackage
}

/// What a target's package step adds: files beside the rendered ones, and the archive
/// that goes to `packages/` with its checksum.
public struct TargetPackage: Sendable {
    public var files: [RenderedFile] = []
    public var archive: RenderedFile?
}

extension GeneratorTarget where Plan == Void {
    public func plan(_ model: GeneratorModel, diagnostics: DiagnosticCollector) -> Void? { () }
}

extension GeneratorTarget {
    public func ruleKeys(_ plan: Plan) -> [String] { [] }
    public func verify(_ files: [RenderedFile], _ translation: Translation, model: GeneratorModel, diagnostics: DiagnosticCollector) {}
    public func package(_ files: [RenderedFile], _ translation: inout Translation, model: GeneratorModel, templates: TemplateSet,
                        diagnostics: DiagnosticCollector) -> TargetPackage { TargetPackage() }
}
