import Foundation
import WazuhRuleEngine

/// Would analysisd compile this pattern? A pattern it rejects is fatal for the whole
/// ruleset ("(5107): Syntax error on tag"), so the generated pack is checked with the rule
/// engine's compilers, which fail exactly where Wazuh's do (PCRE2 is the real library).
enum WazuhPatternCheck {
    /// Results by (type, pattern): large packs repeat the same RecordType exclusions.
    private static let cache = PatternResultCache()

    static func error(type: String, pattern: String) -> String? {
        if let known = cache[type + "\u{0}" + pattern] { return known.error }
        let result = compile(type: type, pattern: pattern)
        cache[type + "\u{0}" + pattern] = PatternResult(error: result)
        return result
    }

    private static func compile(type: String, pattern: String) -> String? {
        guard let flavour = PatternType(rawValue: type) else { return "unknown pattern type '\(type)'" }
        do {
            _ = try FieldPattern(pattern, type: flavour)
            return nil
        } catch {
            return error.reason
        }
    }
}

private struct PatternResult {
    var error: String?
}

/// A lock-protected memo; verification may run on several threads.
private final class PatternResultCache: @unchecked Sendable {
    private var results: [String: PatternResult] = [:]
    private let lock = NSLock()

    subscript(key: String) -> PatternResult? {
        get { lock.withLock { results[key] } }
        set { lock.withLock { results[key] = newValue } }
    }
}
