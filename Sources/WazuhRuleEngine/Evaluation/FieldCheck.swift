/// A `<field>` condition in a form the hot loop can test without touching reference types:
/// literal comparisons (the common `^Name$` case) read from a shared byte pool, anything else
/// refers to a compiled pattern by index.
struct FieldCheck: Sendable {
    enum Kind: UInt8, Sendable {
        case generic, equal, prefix, suffix, contains, always
    }
    var slot: Int32
    var negate: Bool
    var kind: Kind
    /// Lower-cased literal in the pool (for the literal kinds).
    var literalStart: Int32
    var literalCount: Int32
    /// Index into the generic patterns (for `.generic`).
    var generic: Int32

    /// Builds the check for `pattern`, adding literals to `pool` and others to `generics`.
    static func make(slot: Int, pattern: FieldPattern, negate: Bool,
                     pool: inout [UInt8], generics: inout [FieldPattern]) -> FieldCheck {
        var kind = Kind.generic
        var literal: [UInt8] = []
        switch pattern {
        case .osregex(let regex):
            if regex.alternatives.count == 1, let alternative = regex.alternatives.first,
               let text = alternative.literal, !text.isEmpty {
                literal = text
                switch (alternative.anchoredAtStart, alternative.anchoredAtEnd) {
                case (true, true): kind = .equal
                case (true, false): kind = .prefix
                case (false, true): kind = .suffix
                case (false, false): kind = .contains
                }
            }
        case .osmatch(let match):
            if !match.negated, match.alternatives.count == 1, let alternative = match.alternatives.first {
                literal = alternative.text
                switch alternative.kind {
                case .equal: kind = .equal
                case .prefix: kind = .prefix
                case .suffix: kind = .suffix
                case .substring: kind = .contains
                case .always: kind = .always
                case .caseSensitiveSubstring: kind = .generic
                }
            }
        case .pcre2:
            break
        }
        var check = FieldCheck(slot: Int32(slot), negate: negate, kind: kind,
                               literalStart: Int32(pool.count), literalCount: Int32(literal.count), generic: -1)
        if kind == .generic {
            check.literalCount = 0
            check.generic = Int32(generics.count)
            generics.append(pattern)
        } else {
            pool += literal
        }
        return check
    }

    /// Whether `value` satisfies the check (before negation) for the literal kinds.
    @inline(__always)
    func literalMatches(_ value: UnsafeBufferPointer<UInt8>, _ pool: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = Int(literalCount)
        let lit = UnsafeBufferPointer(rebasing: pool[Int(literalStart)..<(Int(literalStart) + n)])
        switch kind {
        case .always: return true
        case .equal: return value.count == n && Self.equalFolded(lit, value, at: 0)
        case .prefix: return value.count >= n && Self.equalFolded(lit, value, at: 0)
        case .suffix: return value.count >= n && Self.equalFolded(lit, value, at: value.count - n)
        case .contains:
            if n > value.count { return false }
            if n == 0 { return true }
            var i = 0
            while i <= value.count - n {
                if Self.equalFolded(lit, value, at: i) { return true }
                i += 1
            }
            return false
        case .generic: return false
        }
    }

    @inline(__always)
    private static func equalFolded(_ lit: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        var i = 0
        while i < lit.count {
            if asciiLower(s[at + i]) != lit[i] { return false }
            i += 1
        }
        return true
    }
}
