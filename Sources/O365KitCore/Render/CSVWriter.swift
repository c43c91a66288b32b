import Foundation

/// Writes CSV in the one style of every file the tool generates: RFC 4180 quoting only
/// where needed, `\n` line endings, UTF-8 without a byte order mark.
public enum CSVWriter {
    public static func escape(_ cell: String) -> String {
        let bytes = cell.utf8
        let needsQuotes = bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
            || bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard needsQuotes else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func write(header: [String], rows: [[String]]) -> String {
        var out = header.map(escape).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map(escape).joined(separator: ",") + "\n"
        }
        return out
    }
}
