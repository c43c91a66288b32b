import Foundation

/// The columns of the two canonical tables. `required` columns must exist in the header;
/// optional ones may be left out entirely.
enum MappingTableSchema {
    static let operations = (key: "operation", required: ["operation", "techniques", "rationale", "source"], optional: ["workload", "level"])
    static let logonErrors = (key: "logon_error", required: ["logon_error", "techniques", "rationale", "source"], optional: ["level"])
}

/// A table row as cells by column name, before any meaning is checked. The column index
/// is shared by all rows of a table (copy-on-write), so a row costs two arrays.
struct RawRow {
    var location: SourceLocation
    var columns: [String: Int]
    var row: CSVTable.Row

    subscript(_ column: String) -> Located<String>? { columns[column].map { row.cells[$0] } }
    func value(_ column: String) -> String { self[column]?.value ?? "" }
    func isQuoted(_ column: String) -> Bool { columns[column].map { row.quoted[$0] } ?? false }
}

/// Reads one canonical table and checks its header.
func loadRawTable(_ url: URL, required: [String], optional: [String], diagnostics: DiagnosticCollector) -> [RawRow]? {
    let path = displayPath(url)
    guard let text = readText(url, keepingBOM: true, diagnostics: diagnostics),
          let table = CSVReader(path: path).read(text, diagnostics: diagnostics) else { return nil }
    let known = Set(required + optional)
    var ok = true
    for name in required where table.column(named: name) == nil {
        diagnostics.emit(.error("missing-column", "the header has no '\(name)' column (columns: \(required.joined(separator: ", ")); optional: \(optional.joined(separator: ", ")))", at: SourceLocation(path: path, line: 1, column: 1)))
        ok = false
    }
    for cell in table.header where !known.contains(cell.value) {
        diagnostics.emit(.error("unknown-column", "unknown column '\(cell.value)'", at: cell.location))
        ok = false
    }
    guard ok else { return nil }
    let columns = Dictionary(table.header.enumerated().map { ($1.value, $0) }, uniquingKeysWith: { first, _ in first })
    return table.rows.map { RawRow(location: $0.location, columns: columns, row: $0) }
}

/// Parses a `techniques` cell: ids separated by `;`, or `none` for activity that is marked
/// as having no adversary meaning.
func parseAssignment(_ cell: Located<String>, diagnostics: DiagnosticCollector) -> TechniqueAssignment? {
    let text = cell.value
    if trimmedSpaces(Substring(text)).lowercased() == "none" { return TechniqueAssignment.noTechnique }
    var ids: [Located<String>] = []
    var offset = 0
    for part in text.split(separator: ";", omittingEmptySubsequences: false) {
        let leading = part.prefix { $0 == " " }.count
        let id = String(trimmedSpaces(part))
        var at = cell.location
        at.column += offset + leading
        if id.isEmpty {
            diagnostics.emit(.error("empty-cell", "empty technique id in the list", at: at))
        } else {
            ids.append(Located(id, at: at))
        }
        offset += part.unicodeScalars.count + 1
    }
    if ids.isEmpty {
        diagnostics.emit(.error("empty-cell", "no technique: write ATT&CK ids separated by ';', or 'none' for activity with no adversary meaning", at: cell.location))
        return nil
    }
    return .techniques(ids)
}

/// `text` without spaces and tabs at its ends; Foundation's trimming is slow on large tables.
func trimmedSpaces(_ text: Substring) -> Substring {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else { return "" }
    return text[first...last]
}

/// Parses an optional `level` cell (0–16).
func parseLevel(_ cell: Located<String>?, diagnostics: DiagnosticCollector) -> (ok: Bool, level: Located<Int>?) {
    guard let cell, !cell.value.isEmpty else { return (true, nil) }
    guard let level = Int(cell.value), (0...16).contains(level) else {
        diagnostics.emit(.error("malformed-cell", "level must be a whole number from 0 to 16, got '\(cell.value)'", at: cell.location))
        return (false, nil)
    }
    return (true, Located(level, at: cell.location))
}

/// Reports an empty required cell and tells whether the row may go on.
func requireCell(_ row: RawRow, _ column: String, diagnostics: DiagnosticCollector) -> Located<String>? {
    guard let cell = row[column] else { return nil }
    if cell.value.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
        diagnostics.emit(.error("empty-cell", "empty '\(column)' cell", at: cell.location))
        return nil
    }
    return cell
}

/// The cells every canonical table shares, parsed; nil (with diagnostics) when the row is unusable.
private func parseCommonCells(_ row: RawRow, key column: String, diagnostics: DiagnosticCollector)
    -> (key: Located<String>, assignment: TechniqueAssignment, level: Located<Int>?, source: String)? {
    guard let key = row[column], requireCell(row, column, diagnostics: diagnostics) != nil,
          let techniques = requireCell(row, "techniques", diagnostics: diagnostics),
          let assignment = parseAssignment(techniques, diagnostics: diagnostics),
          let source = requireCell(row, "source", diagnostics: diagnostics)
    else { return nil }
    let level = parseLevel(row["level"], diagnostics: diagnostics)
    guard level.ok else { return nil }
    return (key, assignment, level.level, source.value)
}

func loadOperations(_ url: URL, diagnostics: DiagnosticCollector) -> [OperationMapping]? {
    let schema = MappingTableSchema.operations
    guard let rows = loadRawTable(url, required: schema.required, optional: schema.optional, diagnostics: diagnostics) else { return nil }
    return rows.compactMap { row in
        guard let cells = parseCommonCells(row, key: schema.key, diagnostics: diagnostics) else { return nil }
        return OperationMapping(
            operation: cells.key, keyIsQuoted: row.isQuoted(schema.key), workload: row.value("workload"), assignment: cells.assignment,
            level: cells.level, rationale: row.value("rationale"), source: cells.source, row: row.location
        )
    }
}

func loadLogonErrors(_ url: URL, diagnostics: DiagnosticCollector) -> [LogonErrorMapping]? {
    let schema = MappingTableSchema.logonErrors
    guard let rows = loadRawTable(url, required: schema.required, optional: schema.optional, diagnostics: diagnostics) else { return nil }
    return rows.compactMap { row in
        guard let cells = parseCommonCells(row, key: schema.key, diagnostics: diagnostics) else { return nil }
        return LogonErrorMapping(
            code: cells.key, keyIsQuoted: row.isQuoted(schema.key), assignment: cells.assignment, level: cells.level,
            rationale: row.value("rationale"), source: cells.source, row: row.location
        )
    }
}
