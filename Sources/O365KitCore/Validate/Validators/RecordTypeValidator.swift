/// Every mapped operation should say where it really arrives (`unknown-record-type`): the
/// Wazuh rules are placed by the native RecordType rules the events meet, and an operation
/// with no known RecordType is placed blind. A row for an operation the mapping table does
/// not have is most likely a misspelling (`record-type-unmapped`).
struct RecordTypeValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        guard project.recordTypes.isPresent else { return [] }
        var out: [Diagnostic] = []
        let mapped = Set(project.operations.map { $0.operation.value.lowercased() })
        for mapping in project.operations where project.recordTypes.recordTypes(of: mapping.operation.value) == nil {
            out.append(.warning("unknown-record-type", "'\(mapping.operation.value)' has no row in record-types.csv; add the RecordTypes it is emitted with, and their source", at: mapping.operation.location))
        }
        for row in project.recordTypes.rows.values.sorted(by: { $0.operation.location.line < $1.operation.location.line }) where !mapped.contains(row.operation.value.lowercased()) {
            out.append(.warning("record-type-unmapped", "'\(row.operation.value)' is not an operation of operations.csv", at: row.operation.location))
        }
        return out
    }
}
