/// Wazuh's simple string matcher (`OS_Match`), the default `type` of `<match>` and `<location>`.
///
/// - A leading `!` negates the whole pattern.
/// - `|` separates alternatives; there are no escapes, so a literal `|` cannot be written.
/// - Per alternative: `^x$` is equality, `^x` a prefix, `x$` a suffix, plain `x` a substring,
///   and an empty alternative matches everything.
/// - Comparison is ASCII case-insensitive, except for alternatives in a pattern that contains the
///   byte 0xE3 (CJK text), which Wazuh compares case-sensitively with `strstr`.
public struct OSMatch: Sendable, Hashable, CustomStringConvertible {
    /// The pattern exactly as written in the rule.
    public let pattern: String
    let negated: Bool
    let alternatives: [MatchAlternative]

    /// Compiles `pattern`; like `OSMatch_Compile` this only fails on over-long patterns.
    public init(_ pattern: String) throws(PatternError) {
        self.pattern = pattern
        var bytes = Array(pattern.utf8)
        if bytes.count > osPatternMaxSize {
            throw PatternError(flavour: .osmatch, pattern: pattern, reason: "longer than \(osPatternMaxSize) bytes")
        }
        if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
        negated = bytes.first == UInt8(ascii: "!")
        if negated { bytes.removeFirst() }
        let caseSensitive = bytes.contains(0xE3)
        alternatives = bytes.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).map {
            MatchAlternative(Array($0), caseSensitiveSubstring: caseSensitive)
        }
    }

    /// Whether the pattern matches `s` (up to its first NUL).
    public func matches(_ s: String) -> Bool {
        s.withCStringBytes { matches(bytes: $0) }
    }

    /// Whether the pattern matches the bytes `s`.
    public func matches(bytes s: UnsafeBufferPointer<UInt8>) -> Bool {
        var hit = false
        for alternative in alternatives where alternative.matches(s) { hit = true; break }
        return hit != negated
    }

    public var description: String { pattern }

    public static func == (a: OSMatch, b: OSMatch) -> Bool { a.pattern == b.pattern }
    public func hash(into h: inout Hasher) { h.combine(pattern) }
}

/// One `|`-separated alternative of an OS_Match pattern.
struct MatchAlternative: Sendable {
    enum Kind: Sendable { case equal, prefix, suffix, substring, caseSensitiveSubstring, always }
    var kind: Kind
    var text: [UInt8]

    init(_ raw: [UInt8], caseSensitiveSubstring: Bool) {
        let caret = raw.first == UInt8(ascii: "^")
        let dollar = raw.last == UInt8(ascii: "$")
        var body = caret ? Array(raw.dropFirst()) : raw
        if caret && dollar && !body.isEmpty {
            body.removeLast()
            kind = .equal
        } else if raw.isEmpty {
            kind = .always
        } else if dollar {
            if !caret { body.removeLast() }
            kind = .suffix
        } else if caret {
            kind = .prefix
        } else {
            kind = caseSensitiveSubstring ? .caseSensitiveSubstring : .substring
        }
        // The pattern is always lower-cased; only the 0xE3 case compares the input unfolded.
        text = body.map(asciiLower)
    }

    func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .always: return true
        case .equal: return text.count == s.count && asciiEqualFolded(text, s, at: 0)
        case .prefix: return asciiEqualFolded(text, s, at: 0)
        case .suffix: return asciiEqualFolded(text, s, at: s.count - text.count)
        case .substring: return asciiContainsFolded(text, in: s)
        case .caseSensitiveSubstring:
            if text.isEmpty { return true }
            if text.count > s.count { return false }
            for i in 0...(s.count - text.count) where s[i] == text[0] {
                var j = 1
                while j < text.count && s[i + j] == text[j] { j += 1 }
                if j == text.count { return true }
            }
            return false
        }
    }
}
