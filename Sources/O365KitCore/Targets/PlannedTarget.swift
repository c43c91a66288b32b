import Foundation

/// A target after its plan step: the rule keys it needs, and its remaining steps, which run
/// once the ids of every target are resolved. Holds the target's own types behind closures
/// so the pipeline can keep targets of any kind in one list.
struct PlannedTarget: Sendable {
    var name: String
    var type: ObjectIdentifier
    var ruleKeys: [String]
    var plan: any Sendable
    var build: @Sendable (GeneratorModel, ResolvedIDs, DiagnosticCollector, inout StageClock) -> BuiltTarget?

    init?<T: GeneratorTarget>(_ target: T, model: GeneratorModel, diagnostics: DiagnosticCollector) {
        guard let plan = target.plan(model, diagnostics: diagnostics) else { return nil }
        name = target.name
        type = ObjectIdentifier(T.self)
        ruleKeys = target.ruleKeys(plan)
        self.plan = plan
        build = { model, ids, diagnostics, clock in runSteps(target, plan: plan, model: model, ids: ids, diagnostics: diagnostics, clock: &clock) }
    }

    /// The plan of the target of type `T`, if this is it.
    func plan<T: GeneratorTarget>(of _: T.Type) -> T.Plan? {
        type == ObjectIdentifier(T.self) ? plan as? T.Plan : nil
    }
}

/// What a target built: its files, its archive, and its translation for the API's users
/// (tests, `o365kit test`, `deploy`).
struct BuiltTarget: Sendable {
    var type: ObjectIdentifier
    var files: [RenderedFile]
    var archive: RenderedFile?
    var translation: any Sendable
}

/// translate → render → verify → package, timing each step.
private func runSteps<T: GeneratorTarget>(_ target: T, plan: T.Plan, model: GeneratorModel, ids: ResolvedIDs,
                                          diagnostics: DiagnosticCollector, clock: inout StageClock) -> BuiltTarget? {
    let errorsBefore = diagnostics.count(.error)
    func failed() -> Bool { diagnostics.count(.error) > errorsBefore }

    var translation = target.translate(plan, model: model, ids: ids, diagnostics: diagnostics)
    clock.lap("\(target.name)/translate")
    var templates = model.templates
    for name in target.templates(translation) { _ = templates.load(name, diagnostics: diagnostics) }
    guard !failed() else { return nil }
    let files = target.render(translation, model: model, templates: templates, diagnostics: diagnostics)
    clock.lap("\(target.name)/render")
    target.verify(files, translation, model: model, diagnostics: diagnostics)
    clock.lap("\(target.name)/verify")
    guard !failed() else { return nil }
    let package = target.package(files, &translation, model: model, templates: templates, diagnostics: diagnostics)
    clock.lap("\(target.name)/package")
    guard !failed() else { return nil }
    return BuiltTarget(type: ObjectIdentifier(T.self), files: files + package.files, archive: package.archive, translation: translation)
}
