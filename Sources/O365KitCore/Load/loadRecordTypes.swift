import Foundation

/// Reads `mappings/record-types.csv`: `operation`, `record_types` (integers separated by `;`)
/// and `source`. A project without the file has an empty, absent table.
func loadRecordTypes(_ url: URL, diagnostics: DiagnosticCollector) -> RecordTypeTable? {
    guard FileManager.default.fileExists(atPath: url.path) else { return RecordTypeTable(rows: [], isPresent: false) }
    guard let rows = loadRawTable(url, required: ["operation", "record_types", "source"], optional: [], diagnostics: diagnostics) else { return nil }
    var parsed: [RecordTypeTable.Row] = []
    var ok = true
    for row in rows {
        guard let operation = row["operation"], !trimmedSpaces(Substring(operation.value)).isEmpty else {
            diagnostics.emit(.error("empty-cell", "the row names no operation", at: row.location))
            ok = false
            continue
        }
        let cell = row["record_types"]!
        var values: [Int] = []
        for part in cell.value.split(separator: ";", omittingEmptySubsequences: false) {
            guard let value = Int(trimmedSpaces(part)), value >= 0 else {
                diagnostics.emit(.error("malformed-cell", "record_types holds RecordType numbers separated by ';' (e.g. 2;50), got '\(cell.value)'", at: cell.location))
                ok = false
                values = []
                break
            }
            values.append(value)
        }
        if values.isEmpty { continue }
        if values != values.sorted() || Set(values).count != values.count {
            diagnostics.emit(.warning("record-type-order", "list each RecordType once, in ascending order: \(Array(Set(values)).sorted().map(String.init).joined(separator: ";"))", at: cell.location))
        }
        if trimmedSpaces(Substring(row.value("source"))).isEmpty {
            diagnostics.emit(.warning("missing-source", "'\(operation.value)' names no source for its RecordTypes; give the schema page, an audit-activities page or a sample", at: operation.location))
        }
        parsed.append(.init(operation: operation, recordTypes: Array(Set(values)).sorted(), source: row.value("source")))
    }
    let byName = Dictionary(grouping: parsed, by: { $0.operation.value.lowercased() })
    for (_, same) in byName where same.count > 1 {
        for duplicate in same.dropFirst() {
            diagnostics.emit(.error("duplicate-key", "'\(duplicate.operation.value)' already has a row at line \(same[0].operation.location.line)", at: duplicate.operation.location))
            ok = false
        }
    }
    return ok ? RecordTypeTable(rows: parsed) : nil
}
