/// One check over the loaded project. Each lives in its own file under `Validators/`,
/// has a stable id that appears in its messages, and returns findings as data.
protocol ProjectValidator: Sendable {
    func check(_ project: ParsedProject) -> [Diagnostic]
}

/// The checks `o365kit check` and `o365kit build` run, in no particular order: the
/// diagnostics are sorted afterwards.
let projectValidators: [any ProjectValidator] = [
    TechniqueValidator(),
    DuplicateKeyValidator(),
    OperationNameValidator(),
    RationaleValidator(),
    LogonErrorParentValidator(),
    SettingsValidator(),
    RowOrderValidator(),
    RecordTypeValidator(),
]

/// Runs every validator. Returns the validated project only when no check found an error.
public func validate(_ project: ParsedProject, diagnostics: DiagnosticCollector) -> ValidatedProject? {
    var errors = false
    for validator in projectValidators {
        let findings = validator.check(project)
        errors = errors || findings.contains { $0.severity == .error }
        diagnostics.emit(findings)
    }
    return errors ? nil : ValidatedProject(project)
}
