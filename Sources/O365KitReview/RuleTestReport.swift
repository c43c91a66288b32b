import Foundation
import O365KitCore
import WazuhRuleEngine

/// How `o365kit test` prints a run: one line per record in evaluation order, then a
/// summary (text), or one JSON document.
public enum RuleTestReport {
    /// `events.jsonl:3: rule 103004 (level 6) [T1098]: Office 365: …`, one line per record.
    public static func text(_ run: RuleTest, eventsPath: String) -> String {
        var out = ""
        out.reserveCapacity(run.outcomes.count * 120)
        for outcome in run.outcomes {
            out += eventsPath
            out += ":"
            out += String(outcome.line)
            guard let alert = outcome.alert else {
                out += ": no rule\n"
                continue
            }
            out += ": rule "
            out += String(alert.ruleID)
            out += " (level "
            out += String(alert.level)
            out += alert.generatesAlert ? ")" : ", no alert)"
            if !alert.mitreIDs.isEmpty {
                out += " ["
                out += alert.mitreIDs.joined(separator: ",")
                out += "]"
            }
            out += ": "
            out += alert.description
            out += "\n"
        }
        return out
    }

    /// The summary line: `12 records: 9 alerts; 7 at generated rules, 4 at native rules, 1 at no rule; 5 expectations, 0 failed`.
    public static func summaryLine(_ s: RuleTest.Summary) -> String {
        "\(s.records) record(s): \(s.alerts) alert(s); \(s.generated) at generated rules, \(s.native) at native rules, \(s.unmatched) at no rule; \(s.expectations) expectation(s), \(s.failed) failed\n"
    }

    struct JSONRecord: Encodable {
        var line: Int
        var id: String?
        var creationTime: String
        var operation: String?
        var rule: Int?
        var level: Int?
        var alert: Bool
        var description: String?
        var mitre: [String]
        var chain: [Int]
    }

    struct JSONMismatch: Encodable {
        var expectation: String
        var line: Int
        var id: String?
        var expected: String
        var actualRule: Int?
        var actualLevel: Int?
    }

    struct JSONReport: Encodable {
        var records: [JSONRecord]
        var summary: RuleTest.Summary
        var mismatches: [JSONMismatch]
        var diagnostics: [Diagnostic]
    }

    /// The report of a run over no records (the rule set is not even loaded), same shape.
    public static func emptyJSON(diagnostics: [Diagnostic]) -> String {
        encodeJSON(JSONReport(records: [], summary: RuleTest.Summary(records: 0, alerts: 0, generated: 0, native: 0, unmatched: 0, expectations: 0, failed: 0),
                              mismatches: [], diagnostics: diagnostics))
    }

    /// `{"records":[…],"summary":{…},"mismatches":[…],"diagnostics":[…]}` with sorted keys.
    public static func json(_ run: RuleTest, pack: RulePack, diagnostics: [Diagnostic]) -> String {
        let records = run.outcomes.map { o in
            JSONRecord(line: o.line, id: o.recordID, creationTime: o.creationTime, operation: o.operation,
                       rule: o.alert?.ruleID, level: o.alert?.level, alert: o.alert?.generatesAlert ?? false,
                       description: o.alert?.description, mitre: o.alert?.mitreIDs ?? [], chain: o.alert?.chain ?? [])
        }
        let mismatches = run.mismatches.map { m in
            JSONMismatch(expectation: m.expectation.location.description, line: m.line, id: m.recordID,
                         expected: m.expectation.summary, actualRule: m.actualRule, actualLevel: m.actualLevel)
        }
        return encodeJSON(JSONReport(records: records, summary: run.summary(pack: pack), mismatches: mismatches, diagnostics: diagnostics))
    }
}
