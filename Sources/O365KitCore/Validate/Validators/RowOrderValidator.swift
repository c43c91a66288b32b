/// Rows are sorted by key (byte order), as the README says, so that a new row lands where a
/// reviewer looks for it and two branches adding rows rarely conflict: `unsorted-row` at the
/// first row that breaks the order.
struct RowOrderValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        check(project.operations.map(\.operation), table: "operations") + check(project.logonErrors.map(\.code), table: "LogonErrors")
    }

    private func check(_ keys: [Located<String>], table: String) -> [Diagnostic] {
        for (previous, key) in zip(keys, keys.dropFirst()) where Array(key.value.utf8).lexicographicallyPrecedes(Array(previous.value.utf8)) {
            return [.warning("unsorted-row", "'\(key.value)' comes after '\(previous.value)' but sorts before it; keep the \(table) sorted by key (byte order)", at: key.location)]
        }
        return []
    }
}
