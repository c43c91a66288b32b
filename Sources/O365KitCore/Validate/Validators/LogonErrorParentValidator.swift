/// LogonError rules refine the failed-login operation's rule, so that operation must be
/// in the table with a technique whenever there are LogonError rows (`missing-parent`).
struct LogonErrorParentValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        guard let firstCode = project.logonErrors.first else { return [] }
        let parent = project.settings.logonErrorOperation
        guard let row = project.operations.first(where: { $0.operation.value == parent }) else {
            return [.error("missing-parent", "LogonError rules refine the '\(parent)' operation (logon_errors.parent_operation), but operations.csv has no '\(parent)' row", at: firstCode.code.location)]
        }
        if row.assignment == .noTechnique {
            return [.error("missing-parent", "LogonError rules refine the '\(parent)' operation, which is marked 'none' and so has no rule", at: row.operation.location)]
        }
        return []
    }
}
