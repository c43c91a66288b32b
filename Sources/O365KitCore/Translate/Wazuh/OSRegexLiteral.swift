/// Operation names as OS_Regex literals, the pattern flavour Wazuh's native office365 rules
/// use. OS_Regex is case-insensitive, treats `.` as a literal dot (`\.` is "any
/// character"), anchors `^`/`$` per alternative, splits alternatives at `|`, and accepts
/// only a few literal escapes: `\( \) \\ \$ \|`. Anything else (`\+`, `\-`) fails to
/// compile and takes the whole ruleset down.
enum OSRegexLiteral {
    /// Characters that stand for themselves in OS_Regex without an escape. `*` and `+`
    /// are left out: after an escape they turn into quantifiers.
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:,'/@#%=~?!;[]{}\"")
    private static let escaped: Set<Character> = ["(", ")", "$", "|"]

    /// `^name$` with the characters that need it escaped, or nil when the name holds a
    /// character OS_Regex cannot express exactly (the caller then uses PCRE2).
    static func exact(_ name: String) -> String? {
        var out = "^"
        for c in name {
            if plain.contains(c) {
                out.append(c)
            } else if escaped.contains(c) {
                out += "\\\(c)"
            } else {
                return nil
            }
        }
        return out + "$"
    }

    /// Evaluates an escape-free OS_Regex pattern such as the native `^SendAs|SendOnBehalf$`:
    /// used only to find which native Operation rule claims an operation name.
    static func matches(pattern: String, _ text: String) -> Bool {
        guard !pattern.contains("\\") else { return false }
        let subject = text.lowercased()
        return pattern.lowercased().split(separator: "|", omittingEmptySubsequences: false).contains { alternative in
            var body = Substring(alternative)
            let start = body.hasPrefix("^"), end = body.hasSuffix("$") && body.count > (start ? 1 : 0)
            if start { body = body.dropFirst() }
            if end { body = body.dropLast() }
            switch (start, end) {
            case (true, true): return subject == body
            case (true, false): return subject.hasPrefix(body)
            case (false, true): return subject.hasSuffix(body)
            case (false, false): return subject.contains(body)
            }
        }
    }
}

/// Exact, case-insensitive PCRE2 for names OS_Regex cannot express: every byte that is not
/// a letter or digit is written as `\xHH`, which also keeps `<` and `&` out of the XML.
enum PCRE2Literal {
    static func exact(_ name: String) -> String {
        var out = "(?i)^"
        for byte in name.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber) {
                out.append(c)
            } else {
                out += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out + "$"
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
