/// Wazuh's own regular expressions (`OS_Regex`), the default `type` of `<field>` and `<regex>`.
///
/// The dialect is small and unlike POSIX or PCRE:
/// - matching is case-insensitive (ASCII only) and unanchored unless `^`/`$` are used;
/// - `.` is a literal dot and `\.` is any character; `[ ] ? { }` are literals;
/// - classes are `\d \w \s \p \D \W \S \. \t` (`\w` is `A-Za-z0-9-@_`, `\s` a single space);
///   literal escapes are `\( \) \\ \$ \| \<`; any other escape does not compile;
/// - `+` and `*` are quantifiers only right after a class escape, literals anywhere else;
/// - `|` splits the pattern into whole alternatives, each with its own `^` (first character)
///   and `$` (last character); `^`/`$` anywhere else are literals;
/// - `(` `)` capture, one level only, and `|` inside them does not compile.
///
/// Matching explores every way the quantifiers can split the input. Wazuh's matcher keeps at
/// most four backtracking points, so on contrived patterns (several quantified classes that
/// overlap) it can miss a match that this one finds; patterns of the form the generator emits
/// (anchored literals, `\d+`, `\s*`) behave identically.
public struct OSRegex: Sendable, Hashable, CustomStringConvertible {
    /// The pattern exactly as written in the rule.
    public let pattern: String
    let alternatives: [RegexAlternative]

    /// Compiles `pattern`, failing exactly where `OSRegex_Compile` fails.
    public init(_ pattern: String) throws(PatternError) {
        self.pattern = pattern
        self.alternatives = try RegexAlternative.compile(pattern)
    }

    /// Whether the pattern matches `s` (up to its first NUL, as Wazuh sees C strings).
    public func matches(_ s: String) -> Bool {
        s.withCStringBytes { matches(bytes: $0) }
    }

    /// Whether the pattern matches the bytes `s`.
    public func matches(bytes s: UnsafeBufferPointer<UInt8>) -> Bool {
        for alternative in alternatives where alternative.matches(s) { return true }
        return false
    }

    public var description: String { pattern }

    public static func == (a: OSRegex, b: OSRegex) -> Bool { a.pattern == b.pattern }
    public func hash(into h: inout Hasher) { h.combine(pattern) }
}

/// One compiled token: a lower-cased literal byte, or a class with an optional quantifier.
struct RegexToken: Sendable {
    enum Quantifier: UInt8, Sendable { case one, oneOrMore, zeroOrMore }
    /// The literal byte (lower-cased) when `cls` is 0, else unused.
    var literal: UInt8
    /// The `ByteClass` raw value, or 0 for a literal.
    var cls: UInt8
    var quantifier: Quantifier
}

/// One `|`-separated alternative of an OS_Regex.
struct RegexAlternative: Sendable {
    var anchoredAtStart: Bool
    var anchoredAtEnd: Bool
    var tokens: [RegexToken]
    /// Set when every token is a plain literal: matching is then a folded string comparison.
    var literal: [UInt8]?

    static func compile(_ pattern: String) throws(PatternError) -> [RegexAlternative] {
        let bytes = Array(pattern.utf8)
        func fail(_ reason: String) -> PatternError {
            PatternError(flavour: .osregex, pattern: pattern, reason: reason)
        }
        if bytes.count > osPatternMaxSize {
            throw fail("longer than \(osPatternMaxSize) bytes")
        }
        if bytes.contains(0) { throw fail("contains a NUL byte") }

        // Pass 1, as OSRegex_Compile: validate escapes and parentheses, cut alternatives.
        // An escaped byte is kept as (backslash, class) so it can never act as `|`, `$` or `(`.
        enum Unit { case byte(UInt8), escape(ByteClass) }
        var units: [[Unit]] = [[]]
        var depth = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { throw fail("trailing backslash") }
                guard let cls = ByteClass(escape: bytes[i + 1]) else {
                    throw fail("unknown escape '\\\(String(decoding: [bytes[i + 1]], as: UTF8.self))'")
                }
                units[units.count - 1].append(.escape(cls))
                i += 2
                continue
            }
            if b == UInt8(ascii: "(") { depth += 1 }
            if b == UInt8(ascii: ")") { depth -= 1 }
            if depth != 0 && depth != 1 { throw fail("unbalanced or nested parentheses") }
            if b == UInt8(ascii: "|") {
                if depth != 0 { throw fail("'|' inside parentheses") }
                units.append([])
            } else {
                units[units.count - 1].append(.byte(b))
            }
            i += 1
        }
        if depth != 0 { throw fail("unclosed parenthesis") }

        // Pass 2: anchors and tokens per alternative.
        return units.map { alt in
            var alt = alt[...]
            var start = false, end = false
            if case .byte(UInt8(ascii: "^")) = alt.first { start = true; alt = alt.dropFirst() }
            if case .byte(UInt8(ascii: "$")) = alt.last { end = true; alt = alt.dropLast() }
            var tokens: [RegexToken] = []
            var units = Array(alt)
            var k = 0
            while k < units.count {
                switch units[k] {
                case .escape(let cls):
                    var q = RegexToken.Quantifier.one
                    if k + 1 < units.count, case .byte(let next) = units[k + 1] {
                        if next == UInt8(ascii: "+") { q = .oneOrMore; k += 1 }
                        else if next == UInt8(ascii: "*") { q = .zeroOrMore; k += 1 }
                    }
                    tokens.append(RegexToken(literal: 0, cls: cls.rawValue, quantifier: q))
                case .byte(let b):
                    // Parentheses only mark captures; they consume nothing.
                    if b != UInt8(ascii: "(") && b != UInt8(ascii: ")") {
                        tokens.append(RegexToken(literal: asciiLower(b), cls: 0, quantifier: .one))
                    }
                }
                k += 1
            }
            units.removeAll()
            let literal: [UInt8]? = tokens.allSatisfy { $0.cls == 0 } ? tokens.map(\.literal) : nil
            return RegexAlternative(anchoredAtStart: start, anchoredAtEnd: end, tokens: tokens, literal: literal)
        }
    }

    func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        // An alternative with nothing to match never matches (`_OS_Regex` returns NULL).
        if tokens.isEmpty { return false }
        if let literal {
            switch (anchoredAtStart, anchoredAtEnd) {
            case (true, true): return literal.count == s.count && asciiEqualFolded(literal, s, at: 0)
            case (true, false): return asciiEqualFolded(literal, s, at: 0)
            case (false, true): return asciiEqualFolded(literal, s, at: s.count - literal.count)
            case (false, false): return asciiContainsFolded(literal, in: s)
            }
        }
        // With two or more quantifiers, remember failed (token, position) pairs so a long
        // input cannot make the search exponential; the answer is the same.
        let quantified = tokens.reduce(0) { $0 + ($1.quantifier == .one ? 0 : 1) }
        var failed = quantified >= 2 ? [Bool](repeating: false, count: (tokens.count + 1) * (s.count + 1)) : []
        return tokens.withUnsafeBufferPointer { toks in
            ByteClass.table.withUnsafeBufferPointer { table in
                failed.withUnsafeMutableBufferPointer { memo in
                    if anchoredAtStart { return match(toks, 0, s, 0, table, memo) }
                    var start = 0
                    while start <= s.count {
                        if match(toks, 0, s, start, table, memo) { return true }
                        start += 1
                    }
                    return false
                }
            }
        }
    }

    private func match(_ toks: UnsafeBufferPointer<RegexToken>, _ t: Int, _ s: UnsafeBufferPointer<UInt8>,
                       _ pos: Int, _ table: UnsafeBufferPointer<Bool>, _ memo: UnsafeMutableBufferPointer<Bool>) -> Bool {
        var t = t, pos = pos
        while t < toks.count {
            let tok = toks[t]
            if tok.cls == 0 {
                guard pos < s.count, asciiLower(s[pos]) == tok.literal else { return false }
                pos += 1; t += 1
                continue
            }
            let base = Int(tok.cls) * 256
            switch tok.quantifier {
            case .one:
                guard pos < s.count, table[base + Int(s[pos])] else { return false }
                pos += 1; t += 1
            case .oneOrMore, .zeroOrMore:
                var run = 0
                while pos + run < s.count && table[base + Int(s[pos + run])] { run += 1 }
                let least = tok.quantifier == .oneOrMore ? 1 : 0
                if run < least { return false }
                var k = run
                while k >= least {
                    let next = pos + k
                    let key = (t + 1) * (s.count + 1) + next
                    if memo.isEmpty || !memo[key] {
                        if match(toks, t + 1, s, next, table, memo) { return true }
                        if !memo.isEmpty { memo[key] = true }
                    }
                    k -= 1
                }
                return false
            }
        }
        return !anchoredAtEnd || pos == s.count
    }
}
