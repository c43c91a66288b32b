/// Keys must be matchable exactly: no control characters (tabs and newlines cannot be
/// expressed in OS_Regex and are never part of an API value), no leading or trailing
/// spaces (an editing slip that would make the rule silently never match), and short
/// enough for Wazuh's 2048-byte element limit once escaped.
struct OperationNameValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        project.operations.flatMap { check($0.operation, what: "operation") }
            + project.logonErrors.flatMap { check($0.code, what: "LogonError") }
    }

    private func check(_ key: Located<String>, what: String) -> [Diagnostic] {
        let name = key.value
        if let c = name.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return [.error("unsafe-name", "\(what) name contains the control character U+\(String(c.value, radix: 16, uppercase: true)), which cannot be matched safely", at: key.location)]
        }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            return [.error("unsafe-name", "\(what) name '\(name)' has leading or trailing white space; API values never do, so the rule would never match", at: key.location)]
        }
        if name.utf8.count > 256 {
            return [.error("unsafe-name", "\(what) name is \(name.utf8.count) bytes long; the limit is 256", at: key.location)]
        }
        return []
    }
}
