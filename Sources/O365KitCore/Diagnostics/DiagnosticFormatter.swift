import Foundation

/// Prints diagnostics for people (compiler style) or machines (JSON).
public enum DiagnosticFormatter {
    /// `path:line:column: severity: message [id]`, each note on its own line after it.
    public static func text(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            out += "\(d.location): \(d.severity.rawValue): \(d.message) [\(d.id)]\n"
            for note in d.notes {
                out += "\(note.location): note: \(note.message)\n"
            }
        }
        return out
    }

    /// A JSON document `{"diagnostics":[…],"errors":n,"warnings":n}` with sorted keys, plus
    /// `coverage` when given.
    public static func json(_ diagnostics: [Diagnostic], coverage: CoverageStatistics? = nil) -> String {
        struct Report: Encodable {
            var diagnostics: [Diagnostic]
            var errors: Int
            var warnings: Int
            var coverage: CoverageStatistics?
        }
        let report = Report(
            diagnostics: diagnostics,
            errors: diagnostics.filter { $0.severity == .error }.count,
            warnings: diagnostics.filter { $0.severity == .warning }.count,
            coverage: coverage
        )
        return encodeJSON(report)
    }
}

/// Encodes with sorted keys, pretty-printed, and a trailing newline: the one JSON style
/// of every file and report the tool writes.
public func encodeJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    // Encoding our own plain structs cannot fail.
    let data = try! encoder.encode(value)
    return String(decoding: data, as: UTF8.self) + "\n"
}
