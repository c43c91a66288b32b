import Foundation
import WazuhRuleEngine
@testable import O365KitCore

/// A small model of how Splunk evaluates the SPL this project emits for single events, so
/// the searches can be run on the sample records: fields as `KV_MODE = json` extracts them
/// (`A{}.K` multivalue for arrays of objects, dotted paths for objects), the
/// `Operation IN (…)` prefilter, `| eval x=mvzip(…)` and the `| where` expression with
/// `isnotnull`, `isnull`, `mvfind` (PCRE, any value), `cidrmatch`, `lower(a)==lower(b)`,
/// `AND`, `OR`, `NOT` and parentheses. Anything else fails the test as unsupported.
struct SPLModel {
    struct Unsupported: Error, CustomStringConvertible { var description: String }

    indirect enum Value { case null, values([String]), bool(Bool), string(String) }

    static func fields(_ json: JSONValue) -> [String: [String]] {
        var out: [String: [String]] = [:]
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case .object(let o): for (k, x) in o { walk(x, path.isEmpty ? k : path + "." + k) }
            case .array(let items): for item in items { walk(item, path + "{}") }
            case .null: break
            default: out[path, default: []].append(v.text!)
            }
        }
        walk(json, "")
        return out
    }

    /// Whether the search (everything up to `| table`) keeps the record.
    static func keeps(_ search: String, _ record: AuditRecord) throws -> Bool {
        var fields = Self.fields(record.json)
        return try keeps(search, record, fields: &fields)
    }

    static func keeps(_ search: String, _ record: AuditRecord, fields: inout [String: [String]]) throws -> Bool {
        let stages = try splitPipes(search)
        let head = stages[0]
        if let range = head.range(of: "Operation IN (") {
            let list = head[range.upperBound...].dropLast()
            let wanted = try strings(in: String(list)).map { $0.lowercased() }
            guard let op = fields["Operation"]?.first?.lowercased(), wanted.contains(op) else { return false }
        }
        for stage in stages.dropFirst() {
            let s = stage.trimmingCharacters(in: .whitespacesAndNewlines)
            if s.hasPrefix("search ") {
                if !(try SPLSearchModel.holds(String(s.dropFirst(7)), fields)) { return false }
            } else if s.hasPrefix("eval ") {
                for assignment in try splitTop(String(s.dropFirst(5)), ",") {
                    guard let eq = assignment.firstIndex(of: "=") else { throw Unsupported(description: s) }
                    let name = assignment[..<eq].trimmingCharacters(in: .whitespaces)
                    var parser = try Parser(String(assignment[assignment.index(after: eq)...]))
                    if case .values(let v) = try parser.parse().evaluate(fields) { fields[name] = v } else { fields[name] = nil }
                }
            } else if s.hasPrefix("where ") {
                var parser = try Parser(String(s.dropFirst(6)))
                guard case .bool(let keep) = try parser.parse().evaluate(fields) else { throw Unsupported(description: "where is not boolean") }
                if !keep { return false }
            } else if s.hasPrefix("regex "), let m = s.wholeMatch(of: /regex ([A-Za-z0-9_.{}]+)(!?=)(".*")/) {
                // Splunk's regex command: a case-sensitive PCRE over the field's values (any one
                // of them), the pattern an SPL string whose backslashes are doubled.
                guard let pattern = try strings(in: String(m.3)).first else { throw Unsupported(description: s) }
                let compiled = try PCRE2Pattern(pattern)
                let hit = (fields[String(m.1)] ?? []).contains { compiled.matches($0) }
                if hit != (m.2 == "=") { return false }
            } else if s.hasPrefix("table ") {
                break
            } else {
                throw Unsupported(description: "stage '\(s)'")
            }
        }
        return true
    }

    static func splitPipes(_ text: String) throws -> [String] { try splitTop(text, "|") }

    /// Runs a correlation search over records: the filtering stages per record, then
    /// `bin _time span=…`, `stats dc(Id) as event_count` or `dc(o365kit_value) as value_count`
    /// `by _time, …` and the final `where`. Returns how many (bucket, group) rows pass.
    static func rows(_ search: String, _ records: [AuditRecord]) throws -> Int {
        let stages = try splitPipes(search)
        guard let binIndex = stages.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("bin _time span=") }) else {
            throw Unsupported(description: "no bin stage")
        }
        let filter = stages[..<binIndex].joined(separator: "|")
        let spanText = stages[binIndex].trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("bin _time span=".count)
        let unit = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(spanText.last!)]!
        let span = Int(spanText.dropLast())! * unit
        // o365kit: `stats dc(Id) as event_count by _time, A` ; pySigma: `stats count as event_count by _time A`.
        let stats = stages[binIndex + 1].trimmingCharacters(in: .whitespacesAndNewlines)
        guard let s = stats.prefixMatch(of: /stats (count|dc\(([A-Za-z0-9_.{}]+)\)) as (event_count|value_count)/),
              let byRange = stats.range(of: " by _time") else {
            throw Unsupported(description: stats)
        }
        let by = stats[byRange.upperBound...].split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        let final = stages[binIndex + 2].trimmingCharacters(in: .whitespacesAndNewlines)
        guard let m = final.wholeMatch(of: /(?:where|search) (event_count|value_count) (>=|>) ([0-9]+)/), m.1 == s.3 else { throw Unsupported(description: final) }
        let threshold = Int(m.3)!
        var groups: [String: Set<String>] = [:]
        for (index, record) in records.enumerated() {
            var fields = Self.fields(record.json)
            guard try keeps(filter, record, fields: &fields) else { continue }
            let bucket = Int(record.creationTime!.timeIntervalSince1970) / span
            let key = "\(bucket)|" + by.map { fields[$0]?.first ?? "" }.joined(separator: "|")
            // `count` counts events; `dc(F)` distinct values of F (a record without F adds none).
            if let counted = s.2.map(String.init) {
                guard let value = fields[counted]?.first else { continue }
                groups[key, default: []].insert(value)
            } else {
                groups[key, default: []].insert("#\(index)")
            }
        }
        return groups.values.filter { m.2 == ">=" ? $0.count >= threshold : $0.count > threshold }.count
    }

    /// Splits at `separator` outside strings and parentheses.
    static func splitTop(_ text: String, _ separator: Character) throws -> [String] {
        var parts: [String] = [], current = "", depth = 0, inString: Character? = nil, escaped = false
        for c in text {
            if let q = inString {
                current.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { inString = nil }
                continue
            }
            if c == "\"" || c == "'" { inString = c }
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == separator && depth == 0 { parts.append(current); current = ""; continue }
            current.append(c)
        }
        parts.append(current)
        return parts
    }

    static func strings(in text: String) throws -> [String] {
        let parser = try Parser(text)
        return parser.tokens.compactMap { if case .string(let s) = $0 { return s }; return nil }
    }

    enum Token: Equatable { case open, close, comma, eq, word(String), string(String), field(String) }

    indirect enum Expr {
        case call(String, [Expr]), field(String), string(String), and(Expr, Expr), or(Expr, Expr), not(Expr), eq(Expr, Expr)

        func evaluate(_ fields: [String: [String]]) throws -> Value {
            switch self {
            case .field(let name): return fields[name].map { .values($0) } ?? .null
            case .string(let s): return .string(s)
            case .and(let a, let b): return .bool(try a.truth(fields) && b.truth(fields))
            case .or(let a, let b): return .bool(try a.truth(fields) || b.truth(fields))
            case .not(let a): return .bool(!(try a.truth(fields)))
            case .eq(let a, let b):
                guard case .values(let x) = try a.evaluate(fields), case .values(let y) = try b.evaluate(fields) else { return .bool(false) }
                return .bool(x.first == y.first)
            case .call(let name, let args):
                let values = try args.map { try $0.evaluate(fields) }
                switch (name, values.count) {
                case ("isnotnull", 1): if case .null = values[0] { return .bool(false) }; return .bool(true)
                case ("isnull", 1): if case .null = values[0] { return .bool(true) }; return .bool(false)
                case ("lower", 1):
                    if case .values(let v) = values[0] { return .values(v.map { $0.lowercased() }) }
                    return .null
                case ("mvfind", 2):
                    guard case .values(let v) = values[0], case .string(let re) = values[1] else { return .null }
                    let pattern = try PCRE2Pattern(re)
                    return v.contains(where: { pattern.matches($0) }) ? .values(["0"]) : .null
                case ("mvappend", _):
                    // Null arguments are skipped; nothing at all is null.
                    let all = values.flatMap { value -> [String] in if case .values(let v) = value { return v }; return [] }
                    return all.isEmpty ? .null : .values(all)
                case ("mvzip", 3):
                    guard case .values(let a) = values[0], case .values(let b) = values[1], case .string(let sep) = values[2] else { return .null }
                    return .values(zip(a, b).map { $0 + sep + $1 })
                case ("case", _) where values.count % 2 == 0:
                    // Splunk: case(condition1, value1, condition2, value2, …), the first true one's value.
                    for pair in stride(from: 0, to: values.count, by: 2) {
                        guard case .bool(let holds) = values[pair] else { throw Unsupported(description: "case() condition \(pair / 2 + 1) is not a boolean") }
                        if holds, case .string(let label) = values[pair + 1] { return .values([label]) }
                    }
                    return .null
                case ("cidrmatch", 2):
                    guard case .string(let block) = values[0], case .values(let v) = values[1], let c = CIDR(block), let first = v.first else { return .bool(false) }
                    return .bool(c.contains(first))
                default: throw Unsupported(description: "function \(name)/\(values.count)")
                }
            }
        }

        func truth(_ fields: [String: [String]]) throws -> Bool {
            guard case .bool(let b) = try evaluate(fields) else { throw Unsupported(description: "not a boolean: \(self)") }
            return b
        }
    }

    struct Parser {
        var tokens: [Token] = []
        var position = 0

        init(_ text: String) throws {
            var chars = Array(text)[...]
            while let c = chars.first {
                if c == " " { chars = chars.dropFirst(); continue }
                if c == "(" { tokens.append(.open); chars = chars.dropFirst(); continue }
                if c == ")" { tokens.append(.close); chars = chars.dropFirst(); continue }
                if c == "," { tokens.append(.comma); chars = chars.dropFirst(); continue }
                if c == "=" && chars.dropFirst().first == "=" { tokens.append(.eq); chars = chars.dropFirst(2); continue }
                if c == "=" { tokens.append(.eq); chars = chars.dropFirst(); continue }
                if c == "\"" || c == "'" {
                    chars = chars.dropFirst()
                    var s = "", escaped = false
                    while let d = chars.first {
                        chars = chars.dropFirst()
                        if c == "\"" && escaped { s.append(d); escaped = false; continue }
                        if c == "\"" && d == "\\" { escaped = true; continue }
                        if d == c { break }
                        s.append(d)
                    }
                    tokens.append(c == "\"" ? .string(s) : .field(s))
                    continue
                }
                var w = ""
                while let d = chars.first, d.isLetter || d.isNumber || d == "_" || d == "." { w.append(d); chars = chars.dropFirst() }
                guard !w.isEmpty else { throw Unsupported(description: "character '\(c)'") }
                tokens.append(.word(w))
            }
        }

        mutating func parse() throws -> Expr {
            let e = try or()
            guard position == tokens.count else { throw Unsupported(description: "trailing \(tokens[position...])") }
            return e
        }

        private mutating func next() -> Token? { position < tokens.count ? tokens[position] : nil }

        private mutating func or() throws -> Expr {
            var e = try and()
            while next() == .word("OR") { position += 1; e = .or(e, try and()) }
            return e
        }

        private mutating func and() throws -> Expr {
            var e = try not()
            while next() == .word("AND") { position += 1; e = .and(e, try not()) }
            return e
        }

        private mutating func not() throws -> Expr {
            if next() == .word("NOT") { position += 1; return .not(try not()) }
            var e = try primary()
            if next() == .eq { position += 1; e = .eq(e, try primary()) }
            return e
        }

        private mutating func primary() throws -> Expr {
            guard let t = next() else { throw Unsupported(description: "end of expression") }
            position += 1
            switch t {
            case .open:
                let e = try or()
                guard next() == .close else { throw Unsupported(description: "missing )") }
                position += 1
                return e
            case .string(let s): return .string(s)
            case .field(let f): return .field(f)
            case .word(let w):
                guard next() == .open else { return .field(w) }
                position += 1
                var args: [Expr] = []
                while next() != .close {
                    args.append(try or())
                    if next() == .comma { position += 1 }
                }
                position += 1
                return .call(w, args)
            default: throw Unsupported(description: "token \(t)")
            }
        }
    }
}
