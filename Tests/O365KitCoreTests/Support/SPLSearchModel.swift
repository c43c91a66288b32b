import Foundation
@testable import O365KitCore

/// A model of the `search` command's expression language, as pySigma's Splunk backend writes
/// it: `field=value` (value case-insensitive, `*` a wildcard, a CIDR block matching the
/// addresses inside it), `field IN (…)`, `field>=n`, `NOT`, `OR`, juxtaposition as AND, and
/// parentheses. Splunk binds NOT tightest, then OR, then AND, so `a b OR c` is `a AND (b OR c)`;
/// pySigma relies on that. A multivalue field matches when any value does; `NOT` of a test is
/// true when no value matches, the field missing included. Anything else is unsupported.
struct SPLSearchModel {
    indirect enum Expr {
        case compare(field: String, op: String, value: String)
        case inList(field: String, values: [String])
        case and([Expr]), or([Expr]), not(Expr)

        func holds(_ fields: [String: [String]]) throws -> Bool {
            switch self {
            case .and(let items): return try items.allSatisfy { try $0.holds(fields) }
            case .or(let items): return try items.contains { try $0.holds(fields) }
            case .not(let e): return !(try e.holds(fields))
            case .inList(let field, let values):
                return try values.contains { try Expr.compare(field: field, op: "=", value: $0).holds(fields) }
            case .compare(let field, let op, let pattern):
                let values = fields[field] ?? []
                switch op {
                case "=": return values.contains { SPLSearchModel.matches($0, pattern) }
                case "!=": return !values.isEmpty && !values.contains { SPLSearchModel.matches($0, pattern) }
                default:
                    guard let threshold = Double(SPLSearchModel.unescape(pattern)) else {
                        throw SPLModel.Unsupported(description: "non-numeric comparison \(field)\(op)\(pattern)")
                    }
                    return values.compactMap(Double.init).contains { v in
                        switch op {
                        case ">=": return v >= threshold
                        case ">": return v > threshold
                        case "<=": return v <= threshold
                        default: return v < threshold
                        }
                    }
                }
            }
        }
    }

    /// `pattern` as the search command compares it: `\x` is x, `*` any text (line breaks too:
    /// Entra writes ModifiedProperties values over several lines), case-insensitive; a CIDR
    /// block (no wildcard) matches the addresses inside it.
    static func matches(_ value: String, _ pattern: String) -> Bool {
        if !pattern.contains("*"), pattern.contains("/"), let block = CIDR(unescape(pattern)) {
            return block.contains(value)
        }
        var regex = "^"
        var escaped = false
        for c in pattern {
            if escaped { regex += NSRegularExpression.escapedPattern(for: String(c)); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            regex += c == "*" ? "[\\s\\S]*" : NSRegularExpression.escapedPattern(for: String(c))
        }
        regex += "$"
        return value.range(of: regex, options: [.regularExpression, .caseInsensitive]) != nil
    }

    static func unescape(_ text: String) -> String {
        var out = "", escaped = false
        for c in text {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }

    enum Token: Equatable { case open, close, comma, op(String), word(String), quoted(String) }

    struct Parser {
        var tokens: [Token] = []
        var position = 0

        init(_ text: String) throws {
            var chars = Array(text)[...]
            while let c = chars.first {
                if c.isWhitespace { chars = chars.dropFirst(); continue }
                if c == "(" { tokens.append(.open); chars = chars.dropFirst(); continue }
                if c == ")" { tokens.append(.close); chars = chars.dropFirst(); continue }
                if c == "," { tokens.append(.comma); chars = chars.dropFirst(); continue }
                if "=!<>".contains(c) {
                    var op = String(c)
                    chars = chars.dropFirst()
                    if chars.first == "=" { op.append("="); chars = chars.dropFirst() }
                    guard op != "!" else { throw SPLModel.Unsupported(description: "'!' without '='") }
                    tokens.append(.op(op))
                    continue
                }
                if c == "\"" {
                    // Kept escaped: `\*` must stay a literal star for the matcher.
                    chars = chars.dropFirst()
                    var s = "", escaped = false, closed = false
                    while let d = chars.first {
                        chars = chars.dropFirst()
                        if escaped { s.append(d); escaped = false; continue }
                        if d == "\\" { s.append(d); escaped = true; continue }
                        if d == "\"" { closed = true; break }
                        s.append(d)
                    }
                    guard closed else { throw SPLModel.Unsupported(description: "unterminated string") }
                    tokens.append(.quoted(s))
                    continue
                }
                var w = ""
                while let d = chars.first, !d.isWhitespace, !"()=!<>,\"".contains(d) { w.append(d); chars = chars.dropFirst() }
                tokens.append(.word(w))
            }
        }

        mutating func parse() throws -> Expr {
            let e = try and()
            guard position == tokens.count else { throw SPLModel.Unsupported(description: "trailing \(tokens[position...])") }
            return e
        }

        private func next() -> Token? { position < tokens.count ? tokens[position] : nil }

        private mutating func and() throws -> Expr {
            var items = [try or()]
            while let t = next(), t != .close {
                if t == .word("AND") { position += 1 }
                items.append(try or())
            }
            return items.count == 1 ? items[0] : .and(items)
        }

        private mutating func or() throws -> Expr {
            var items = [try not()]
            while next() == .word("OR") { position += 1; items.append(try not()) }
            return items.count == 1 ? items[0] : .or(items)
        }

        private mutating func not() throws -> Expr {
            if next() == .word("NOT") { position += 1; return .not(try not()) }
            return try term()
        }

        private mutating func term() throws -> Expr {
            guard let t = next() else { throw SPLModel.Unsupported(description: "end of search") }
            position += 1
            switch t {
            case .open:
                let e = try and()
                guard next() == .close else { throw SPLModel.Unsupported(description: "missing )") }
                position += 1
                return e
            case .word(let field), .quoted(let field):
                if next() == .word("IN") {
                    position += 1
                    guard next() == .open else { throw SPLModel.Unsupported(description: "IN without (") }
                    position += 1
                    var values: [String] = []
                    while let v = next(), v != .close {
                        position += 1
                        switch v {
                        case .word(let s), .quoted(let s): values.append(s)
                        case .comma: continue
                        default: throw SPLModel.Unsupported(description: "IN list token \(v)")
                        }
                    }
                    position += 1
                    return .inList(field: field, values: values)
                }
                guard case .op(let op) = next() else {
                    throw SPLModel.Unsupported(description: "keyword term '\(field)' (no field)")
                }
                position += 1
                guard let v = next() else { throw SPLModel.Unsupported(description: "no value after \(field)\(op)") }
                position += 1
                switch v {
                case .word(let s), .quoted(let s): return .compare(field: field, op: op, value: s)
                default: throw SPLModel.Unsupported(description: "value token \(v)")
                }
            default:
                throw SPLModel.Unsupported(description: "token \(t)")
            }
        }
    }

    static func holds(_ search: String, _ fields: [String: [String]]) throws -> Bool {
        var parser = try Parser(search)
        return try parser.parse().holds(fields)
    }
}
