import Foundation

/// `output/attack/`: the model's ATT&CK coverage as a Navigator layer and a Markdown summary.
public struct AttackTarget: GeneratorTarget {
    public var name: String { "attack" }

    public init() {}

    /// The coverage is the model's; a layer needs nothing of its own.
    public func translate(_ plan: Void, model: GeneratorModel, ids: ResolvedIDs, diagnostics: DiagnosticCollector) -> AttackCoverage {
        model.coverage
    }

    public func templates(_ translation: AttackCoverage) -> [String] { [CoveragePaths.summaryTemplate] }

    public func render(_ coverage: AttackCoverage, model: GeneratorModel, templates: TemplateSet, diagnostics: DiagnosticCollector) -> [RenderedFile] {
        renderCoverage(coverage, project: model.project, templates: templates)
    }
}
