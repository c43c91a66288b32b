import Foundation

/// Writes CSV in the one style of every file the tool generates: RFC 4180 quoting only
/// where needed, `\n` line endings, UTF-8 without a byte order mark.
public enum CSVWriter {
    public static func escape(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || cell.hasPrefix(" ") || cell.hasSuffix(" ") else {
            return cell
        }
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
