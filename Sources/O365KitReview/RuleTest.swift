import Foundation
import O365KitCore
import WazuhRuleEngine

/// `o365kit test`: replays audit records through a rule pack in CreationTime order (ties
/// in file order), as analysisd would receive them from the wodle, and checks the rule each
/// record ends at against the expectations.
public struct RuleTest: Sendable {
    /// The outcome for one record.
    public struct Outcome: Sendable {
        public var line: Int
        public var recordID: String?
        public var creationTime: String
        public var operation: String?
        /// The rule the record ends at, nil when no rule matches.
        public var alert: Alert?
    }

    /// An expectation that the outcome did not meet.
    public struct Mismatch: Sendable, Hashable {
        public var expectation: TestExpectation
        public var line: Int
        public var recordID: String?
        public var actualRule: Int?
        public var actualLevel: Int?

        /// `expect.jsonl:4: error: events.jsonl:3 (Id …): expected rule 103004, got rule 91545 (level 3)`.
        public func diagnostic(eventsPath: String) -> Diagnostic {
            let got = actualRule.map { "rule \($0) (level \(actualLevel ?? 0))" } ?? "no rule"
            let id = recordID.map { " (Id \($0))" } ?? ""
            return .error("expectation-failed", "\(eventsPath):\(line)\(id): expected \(expectation.summary), got \(got)", at: expectation.location)
        }
    }

    /// Outcomes in evaluation order.
    public var outcomes: [Outcome]
    public var mismatches: [Mismatch]
    /// Expectations that were checked (those that selected at least one record).
    public var checked: Int

    /// Runs `events` through `pack` and checks `expectations`. An expectation selecting no
    /// record is reported as an error into `diagnostics`.
    public static func run(_ events: [TestEvent], pack: RulePack, expectations: [TestExpectation], diagnostics: DiagnosticCollector) -> RuleTest {
        var order = Array(events.indices)
        let sorted = zip(events, events.dropFirst()).allSatisfy { $0.seconds <= $1.seconds }
        if !sorted {
            order.sort { (events[$0].seconds, events[$0].line) < (events[$1].seconds, events[$1].line) }
        }
        var evaluator = Evaluator(ruleSet: pack.ruleSet)
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(events.count)
        // Evaluation is sequential (correlation state); decoding is not, so the next
        // batches are decoded on other cores while this one is evaluated.
        let batchSize = 2048
        let sortedOrder = order
        let batches = (events.count + batchSize - 1) / batchSize
        let ahead = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var pending: [Int: (DispatchGroup, BatchBox)] = [:]
        func schedule(_ k: Int) {
            guard k < batches, pending[k] == nil else { return }
            let box = BatchBox(), group = DispatchGroup()
            DispatchQueue.global().async(group: group) {
                box.events = sortedOrder[(k * batchSize)..<min((k + 1) * batchSize, sortedOrder.count)].map { events[$0].event }
            }
            pending[k] = (group, box)
        }
        for k in 0..<batches {
            for next in k...(k + ahead) { schedule(next) }
            let (group, box) = pending.removeValue(forKey: k)!
            group.wait()
            for (offset, decoded) in box.events.enumerated() {
                let event = events[sortedOrder[k * batchSize + offset]]
                // Lines whose time was found without decoding are only now checked whole.
                guard decoded.field("integration") != nil else {
                    diagnostics.emit(.error("bad-event", "invalid JSON: \(TestEventReader.jsonError(event.raw))", at: SourceLocation(path: event.path, line: event.line)))
                    continue
                }
                let alert = evaluator.evaluate(decoded, at: Date(timeIntervalSince1970: TimeInterval(event.seconds)))
                outcomes.append(Outcome(line: event.line, recordID: decoded.field("office365.Id"), creationTime: event.creationTime,
                                        operation: decoded.field("office365.Operation"), alert: alert))
            }
        }

        return check(outcomes, expectations: expectations, diagnostics: diagnostics)
    }

    /// Runs `events` through a real Wazuh engine (a manager's logtest) in one session, in
    /// CreationTime order, and checks `expectations` as `run` does. The manager stamps events
    /// with the time they arrive, so a correlation over a timeframe sees the whole file as
    /// arriving at once. Loader warnings of the session become warnings.
    public static func run(_ events: [TestEvent], logtest: any LogtestClient, expectations: [TestExpectation], diagnostics: DiagnosticCollector) async throws -> RuleTest {
        let order = events.indices.sorted { (events[$0].seconds, events[$0].line) < (events[$1].seconds, events[$1].line) }
        var decoded: [(TestEvent, DecodedEvent)] = []
        for index in order {
            let event = events[index], parsed = event.event
            guard parsed.field("integration") != nil else {
                diagnostics.emit(.error("bad-event", "invalid JSON: \(TestEventReader.jsonError(event.raw))", at: SourceLocation(path: event.path, line: event.line)))
                continue
            }
            decoded.append((event, parsed))
        }
        let responses = try await logtest.replay(decoded.map { String(decoding: $0.0.wrapped, as: UTF8.self) })
        for message in responses.first?.loaderProblems ?? [] where !message.contains("Mitre Technique ID") {
            diagnostics.emit(.warning("logtest", message, at: SourceLocation(path: logtest.endpoint)))
        }
        let outcomes = zip(decoded, responses).map { item, response in
            Outcome(line: item.0.line, recordID: item.1.field("office365.Id"), creationTime: item.0.creationTime,
                    operation: item.1.field("office365.Operation"),
                    alert: response.rule.map { Alert(ruleID: $0.id, level: $0.level, description: $0.description, groups: [], mitreIDs: $0.mitre,
                                                     chain: [$0.id], generatesAlert: response.alert) })
        }
        return check(outcomes, expectations: expectations, diagnostics: diagnostics)
    }

    /// Checks `expectations` against outcomes; an expectation selecting no record is an error.
    static func check(_ outcomes: [Outcome], expectations: [TestExpectation], diagnostics: DiagnosticCollector) -> RuleTest {
        var byLine: [Int: Int] = [:]
        var byID: [String: [Int]] = [:]
        if !expectations.isEmpty {
            for (i, outcome) in outcomes.enumerated() {
                byLine[outcome.line] = i
                if let id = outcome.recordID { byID[id, default: []].append(i) }
            }
        }
        var mismatches: [Mismatch] = []
        var checked = 0
        for expectation in expectations {
            let selected: [Int]
            switch expectation.selector {
            case .line(let n): selected = byLine[n].map { [$0] } ?? []
            case .recordID(let id): selected = byID[id] ?? []
            }
            guard !selected.isEmpty else {
                let what: String
                switch expectation.selector {
                case .line(let n): what = "no record on line \(n) of the events file"
                case .recordID(let id): what = "no record with Id '\(id)' in the events file"
                }
                diagnostics.emit(.error("unknown-record", what, at: expectation.location))
                continue
            }
            checked += 1
            for i in selected {
                let outcome = outcomes[i]
                if !expectation.accepts(ruleID: outcome.alert?.ruleID, level: outcome.alert?.level) {
                    mismatches.append(Mismatch(expectation: expectation, line: outcome.line, recordID: outcome.recordID,
                                               actualRule: outcome.alert?.ruleID, actualLevel: outcome.alert?.level))
                }
            }
        }
        mismatches.sort { ($0.expectation.location, $0.line) < ($1.expectation.location, $1.line) }
        return RuleTest(outcomes: outcomes, mismatches: mismatches, checked: checked)
    }

    /// Counts for the summary line.
    public struct Summary: Sendable, Codable, Hashable {
        public var records: Int
        /// Records whose rule writes an alert (level > 0, not ignored).
        public var alerts: Int
        /// Records that end at a rule of the generated files.
        public var generated: Int
        /// Records that end at a native rule.
        public var native: Int
        /// Records no rule matches.
        public var unmatched: Int
        public var expectations: Int
        public var failed: Int
    }

    public func summary(pack: RulePack) -> Summary {
        var s = Summary(records: outcomes.count, alerts: 0, generated: 0, native: 0, unmatched: 0, expectations: checked, failed: mismatches.count)
        for outcome in outcomes {
            guard let alert = outcome.alert else { s.unmatched += 1; continue }
            if alert.generatesAlert { s.alerts += 1 }
            if pack.generatedIDs.contains(alert.ruleID) { s.generated += 1 } else { s.native += 1 }
        }
        return s
    }
}


/// A decoded batch handed from a decoding worker to the evaluating thread; the group's
/// wait orders the write before the read.
private final class BatchBox: @unchecked Sendable {
    var events: [DecodedEvent] = []
}
