import WazuhRuleEngine

/// Would analysisd compile this pattern? A pattern it rejects is fatal for the whole
/// ruleset ("(5107): Syntax error on tag"), so the generated pack is checked with the rule
/// engine's compilers, which fail exactly where Wazuh's do (PCRE2 is the real library).
enum WazuhPatternCheck {
    static func error(type: String, pattern: String) -> String? {
        guard let flavour = PatternType(rawValue: type) else { return "unknown pattern type '\(type)'" }
        do {
            _ = try FieldPattern(pattern, type: flavour)
            return nil
        } catch {
            return error.reason
        }
    }
}
