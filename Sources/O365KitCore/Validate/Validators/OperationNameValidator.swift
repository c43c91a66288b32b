/// Keys must be matchable exactly: no control characters (tabs and newlines are never part
/// of an API value), no leading or trailing spaces unless the cell is quoted (unquoted, it
/// is almost always an editing slip that makes the rule silently never match; a few API
/// values really end in a space, and quoting says so), and short enough for Wazuh's
/// 2048-byte element limit once escaped.
struct OperationNameValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        project.operations.flatMap { check($0.operation, quoted: $0.keyIsQuoted, what: "operation") }
            + project.logonErrors.flatMap { check($0.code, quoted: $0.keyIsQuoted, what: "LogonError") }
    }

    private func check(_ key: Located<String>, quoted: Bool, what: String) -> [Diagnostic] {
        let name = key.value
        if let c = name.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return [.error("unsafe-name", "\(what) name contains the control character U+\(String(c.value, radix: 16, uppercase: true)), which cannot be matched safely", at: key.location)]
        }
        if !quoted && (name.first?.isWhitespace == true || name.last?.isWhitespace == true) {
            return [.error("unsafe-name", "\(what) name '\(name)' has leading or trailing white space, so the rule would match only values with it; remove it, or quote the cell if the API value really has it", at: key.location)]
        }
        if name.allSatisfy(\.isWhitespace) {
            return [.error("unsafe-name", "\(what) name is only white space", at: key.location)]
        }
        if name.utf8.count > 256 {
            return [.error("unsafe-name", "\(what) name is \(name.utf8.count) bytes long; the limit is 256", at: key.location)]
        }
        return []
    }
}
