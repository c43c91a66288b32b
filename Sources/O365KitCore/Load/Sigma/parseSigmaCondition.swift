/// Parses a Sigma condition (`selection and not (filter1 or 1 of filter_*)`) into a tree
/// over selection names. `1 of x*`, `all of x*`, `1 of them` and `all of them` are expanded
/// here. Anything else Sigma allows (pipes, `near`, `N of` with N > 1) is refused with the
/// column of the offending token.
///
/// Inputs are bounded so a hostile pull request cannot crash `check`, `build` or `diff`:
/// a condition is at most `maxLength` characters and nests at most `maxDepth` parentheses;
/// a run of `not`s is folded without recursion.
struct SigmaConditionParser {
    static let maxLength = 4_096
    static let maxDepth = 32

    enum Token: Equatable {
        case word(String), open, close
    }

    struct Failure: Error {
        var message: String
        /// 0-based offset into the condition text.
        var offset: Int
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private let selections: [String]
    private let text: String

    private var depth = 0

    init(_ text: String, selections: [String]) throws(Failure) {
        self.text = text
        self.selections = selections
        if text.count > Self.maxLength {
            throw Failure(message: "condition is \(text.count) characters long; the limit is \(Self.maxLength)", offset: 0)
        }
        var current = ""
        var start = 0
        var offset = 0
        func flush() {
            if !current.isEmpty { tokens.append((.word(current), start)) }
            current = ""
        }
        for ch in text {
            switch ch {
            case "(":
                flush(); tokens.append((.open, offset))
            case ")":
                flush(); tokens.append((.close, offset))
            case " ", "\t", "\n":
                flush()
            case "|":
                throw Failure(message: "aggregation pipes in conditions ('| count() …') are not supported; write a correlation rule", offset: offset)
            default:
                if current.isEmpty { start = offset }
                current.append(ch)
            }
            offset += 1
        }
        flush()
    }

    mutating func parse() throws(Failure) -> SigmaCondition {
        let result = try parseOr()
        if position < tokens.count { throw Failure(message: "unexpected '\(describe(tokens[position].token))' in condition", offset: tokens[position].offset) }
        return result
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let w): return w
        case .open: return "("
        case .close: return ")"
        }
    }

    private var end: Int { text.count }

    private mutating func parseOr() throws(Failure) -> SigmaCondition {
        var terms = [try parseAnd()]
        while position < tokens.count, tokens[position].token == .word("or") {
            position += 1
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(Failure) -> SigmaCondition {
        var terms = [try parseNot()]
        while position < tokens.count, tokens[position].token == .word("and") {
            position += 1
            terms.append(try parseNot())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseNot() throws(Failure) -> SigmaCondition {
        var negations = 0
        while position < tokens.count, tokens[position].token == .word("not") {
            position += 1
            negations += 1
        }
        let atom = try parseAtom()
        return negations % 2 == 0 ? atom : .not(atom)
    }

    private mutating func parseAtom() throws(Failure) -> SigmaCondition {
        guard position < tokens.count else { throw Failure(message: "condition ends too early", offset: end) }
        let (token, offset) = tokens[position]
        position += 1
        switch token {
        case .open:
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else {
                throw Failure(message: "condition nests more than \(Self.maxDepth) parentheses deep", offset: offset)
            }
            let inner = try parseOr()
            guard position < tokens.count, tokens[position].token == .close else { throw Failure(message: "missing ')'", offset: position < tokens.count ? tokens[position].offset : end) }
            position += 1
            return inner
        case .close:
            throw Failure(message: "unexpected ')'", offset: offset)
        case .word(let word):
            if word == "1" || word == "all" || Int(word) != nil {
                guard word == "1" || word == "all" else { throw Failure(message: "'\(word) of' is not supported; use '1 of' or 'all of'", offset: offset) }
                guard position + 1 < tokens.count + 1, position < tokens.count, tokens[position].token == .word("of") else {
                    throw Failure(message: "expected 'of' after '\(word)'", offset: position < tokens.count ? tokens[position].offset : end)
                }
                position += 1
                guard position < tokens.count, case .word(let target) = tokens[position].token else { throw Failure(message: "expected a selection pattern or 'them' after 'of'", offset: end) }
                let targetOffset = tokens[position].offset
                position += 1
                let names = try expand(target, offset: targetOffset)
                let terms = names.map { SigmaCondition.selection($0) }
                if terms.count == 1 { return terms[0] }
                return word == "1" ? .or(terms) : .and(terms)
            }
            if ["and", "or", "not", "of", "them"].contains(word) { throw Failure(message: "unexpected '\(word)' in condition", offset: offset) }
            if word == "near" { throw Failure(message: "'near' is not supported", offset: offset) }
            if word.contains("*") { throw Failure(message: "a selection pattern needs '1 of' or 'all of' in front", offset: offset) }
            guard selections.contains(word) else { throw Failure(message: "condition names '\(word)', which is not a selection of this rule", offset: offset) }
            return .selection(word)
        }
    }

    private func expand(_ pattern: String, offset: Int) throws(Failure) -> [String] {
        if pattern == "them" { return selections }
        let names: [String]
        if pattern.hasSuffix("*"), !pattern.dropLast().contains("*") {
            let prefix = pattern.dropLast()
            names = selections.filter { $0.hasPrefix(prefix) }
        } else if !pattern.contains("*") {
            names = selections.filter { $0 == pattern }
        } else {
            throw Failure(message: "only a trailing '*' is supported in selection patterns", offset: offset)
        }
        guard !names.isEmpty else { throw Failure(message: "'\(pattern)' matches no selection of this rule", offset: offset) }
        return names
    }
}
