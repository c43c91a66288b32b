/// One row per key. The same key twice is `duplicate-row` when the rows agree and
/// `conflicting-row` when they differ (as the seed's two `EditForm` rows do); keys that
/// differ only by case are `ambiguous-key`, because Wazuh matches them case-insensitively.
struct DuplicateKeyValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        let operations = project.operations.map {
            Keyed(key: $0.operation, table: "operation", content: [
                ("techniques", $0.assignment.description), ("workload", $0.workload), ("level", $0.level.map { "\($0.value)" } ?? ""),
            ])
        }
        let logonErrors = project.logonErrors.map {
            Keyed(key: $0.code, table: "LogonError", content: [
                ("techniques", $0.assignment.description), ("level", $0.level.map { "\($0.value)" } ?? ""),
            ])
        }
        return check(operations) + check(logonErrors)
    }

    struct Keyed {
        var key: Located<String>
        var table: String
        /// The cells that make two rows of one key agree or conflict, as (column, value).
        var content: [(String, String)]

        func differences(from other: Keyed) -> String {
            zip(other.content, content).filter { $0.1 != $1.1 }
                .map { "\($0.0) \($0.1.isEmpty ? "(empty)" : $0.1) vs \($1.1.isEmpty ? "(empty)" : $1.1)" }
                .joined(separator: ", ")
        }
    }

    private func check(_ rows: [Keyed]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var exact: [String: Keyed] = [:]
        var folded: [String: Keyed] = [:]
        for row in rows {
            let name = row.key.value
            if let first = exact[name] {
                let note = Diagnostic.Note("first \(row.table) '\(name)' row is here", at: first.key.location)
                if first.content.elementsEqual(row.content, by: ==) {
                    out.append(.error("duplicate-row", "\(row.table) '\(name)' is listed twice; delete this row", at: row.key.location, notes: [note]))
                } else {
                    out.append(.error("conflicting-row", "\(row.table) '\(name)' is mapped twice with different values (\(row.differences(from: first))); keep one row", at: row.key.location, notes: [note]))
                }
                continue
            }
            exact[name] = row
            if let first = folded[name.lowercased()] {
                out.append(.error("ambiguous-key", "\(row.table) '\(name)' differs from '\(first.key.value)' only by case; Wazuh matches case-insensitively, so both rules would claim the same events", at: row.key.location, notes: [.init("'\(first.key.value)' is here", at: first.key.location)]))
            }
            folded[name.lowercased()] = folded[name.lowercased()] ?? row
        }
        return out
    }
}

extension TechniqueAssignment: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noTechnique: return "none"
        case .techniques(let ids): return ids.map(\.value).joined(separator: ";")
        }
    }
}
