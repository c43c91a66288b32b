import Foundation
import O365KitCore

/// What one record of an events file must end at. Read from a JSON-lines expectations
/// file, one object per line:
///
/// ```
/// {"line": 3, "rule": 103004}                 the record on line 3 ends at rule 103004
/// {"id": "8d3c…", "rule": 103004, "level": 6} the record whose Id is 8d3c…, at that level
/// {"line": 4, "rule": null}                   no rule matches the record on line 4
/// {"line": 5, "not": 103004}                  anything but 103004 (a negative sample)
/// ```
///
/// Exactly one of `line` and `id` selects the record; exactly one of `rule` and `not` says
/// what is expected. Blank lines and lines starting with `#` are skipped.
public struct TestExpectation: Sendable, Hashable {
    public enum Selector: Sendable, Hashable {
        case line(Int)
        case recordID(String)
    }
    public enum Outcome: Sendable, Hashable {
        /// This rule id, or no rule at all when nil.
        case rule(Int?)
        /// Any outcome except this rule id.
        case not(Int)
    }
    public var selector: Selector
    public var outcome: Outcome
    public var level: Int?
    /// Where the expectation was written.
    public var location: O365KitCore.SourceLocation

    /// Whether `alert` meets this expectation.
    func accepts(ruleID: Int?, level actual: Int?) -> Bool {
        switch outcome {
        case .rule(let id):
            guard ruleID == id else { return false }
            return level == nil || level == actual
        case .not(let id):
            return ruleID != id
        }
    }

    /// The expectation in words, for mismatch reports.
    var summary: String {
        switch outcome {
        case .rule(nil): return "no rule"
        case .rule(let id?): return "rule \(id)" + (level.map { " (level \($0))" } ?? "")
        case .not(let id): return "any rule but \(id)"
        }
    }
}

extension TestExpectation {
    /// Expectations naming a rule id the rule set (native and generated) does not define: a
    /// typo would otherwise read as "no rule" and be written to the .ini as such.
    public static func unknownRules(_ expectations: [TestExpectation], in pack: RulePack) -> [Diagnostic] {
        expectations.compactMap { expectation in
            let id: Int?
            switch expectation.outcome {
            case .rule(let rule): id = rule
            case .not(let rule): id = rule
            }
            guard let id, pack.ruleSet.rule(id: id) == nil else { return nil }
            return .error("unknown-rule", "rule \(id) is defined neither by Wazuh's office365 rules nor by the pack", at: expectation.location)
        }
    }
}

public enum TestExpectationReader {
    /// Reads an expectations file; bad lines become located errors and are left out.
    public static func read(_ data: Data, path: String, diagnostics: DiagnosticCollector) -> [TestExpectation] {
        var result: [TestExpectation] = []
        let text = String(decoding: data, as: UTF8.self)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let at = SourceLocation(path: path, line: index + 1)
            func fail(_ message: String) { diagnostics.emit(.error("bad-expectation", message, at: at)) }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                fail("expected a JSON object such as {\"line\": 3, \"rule\": 103004}")
                continue
            }
            let known: Set<String> = ["line", "id", "rule", "not", "level"]
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                fail("unknown key '\(unknown)'; use line or id, rule or not, and optionally level")
                continue
            }
            let selector: TestExpectation.Selector
            switch (object["line"], object["id"]) {
            case (let n?, nil):
                guard let n = integer(n), n > 0 else { fail("'line' must be a positive line number of the events file"); continue }
                selector = .line(n)
            case (nil, let id?):
                guard let id = id as? String, !id.isEmpty else { fail("'id' must be a record Id (a string)"); continue }
                selector = .recordID(id)
            default:
                fail("give exactly one of 'line' and 'id'")
                continue
            }
            let outcome: TestExpectation.Outcome
            switch (object["rule"], object["not"]) {
            case (let rule?, nil):
                if rule is NSNull {
                    outcome = .rule(nil)
                } else if let id = integer(rule) ?? (rule as? String).flatMap({ Int($0) }), id >= 0 {
                    outcome = .rule(id)
                } else {
                    fail("'rule' must be a rule id or null"); continue
                }
            case (nil, let not?):
                guard let id = integer(not) ?? (not as? String).flatMap({ Int($0) }) else { fail("'not' must be a rule id"); continue }
                outcome = .not(id)
            default:
                fail("give exactly one of 'rule' and 'not'")
                continue
            }
            var level: Int?
            if let value = object["level"] {
                guard let n = integer(value), (0...16).contains(n), case .rule(.some) = outcome else {
                    fail("'level' must be 0–16 and goes with a 'rule' id"); continue
                }
                level = n
            }
            result.append(TestExpectation(selector: selector, outcome: outcome, level: level, location: at))
        }
        return result
    }

    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 1e9 else { return nil }
        return Int(double)
    }
}
