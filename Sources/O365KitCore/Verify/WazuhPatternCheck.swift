import Foundation

/// Would analysisd compile this pattern? A pattern it rejects is fatal for the whole
/// ruleset ("(5107): Syntax error on tag"), so the generated pack is checked before it
/// is written.
enum WazuhPatternCheck {
    static func error(type: String, pattern: String) -> String? {
        switch type {
        case "osregex": return osRegexError(pattern)
        case "pcre2": return pcre2Error(pattern)
        case "osmatch": return nil
        default: return "unknown pattern type '\(type)'"
        }
    }

    /// OS_Regex accepts only these escapes; `|` may not stand inside a group, and groups
    /// do not nest.
    static func osRegexError(_ pattern: String) -> String? {
        let allowed: Set<Character> = ["d", "w", "s", "t", "p", "W", "D", "S", ".", "(", ")", "\\", "$", "|", "<"]
        var depth = 0
        var chars = pattern.makeIterator()
        while let c = chars.next() {
            switch c {
            case "\\":
                guard let next = chars.next() else { return "pattern ends with a lone backslash" }
                guard allowed.contains(next) else { return "OS_Regex has no escape '\\\(next)'" }
            case "(":
                depth += 1
                if depth > 1 { return "OS_Regex groups cannot nest" }
            case ")":
                depth -= 1
                if depth < 0 { return "unbalanced ')'" }
            case "|" where depth > 0:
                return "OS_Regex does not allow '|' inside a group"
            default:
                break
            }
        }
        return depth == 0 ? nil : "unbalanced '('"
    }

    static func pcre2Error(_ pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "PCRE2 pattern does not compile"
        }
    }
}
