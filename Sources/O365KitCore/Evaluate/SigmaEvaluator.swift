import Foundation
import WazuhRuleEngine

/// The reference semantics of the supported subset, applied to raw audit records. Every
/// target's rendering is tested against it on the same sample records.
///
/// Matching is case-insensitive except for `re` (Sigma: regular expressions are
/// case-sensitive unless they say `(?i)`). A test on an absent field is false, so
/// `not selection` is true when the field is missing.
public struct SigmaEvaluator: Sendable {
    public let detections: DetectionSet
    private let regexes: [String: NSRegularExpression]

    public init(_ detections: DetectionSet) {
        self.detections = detections
        var regexes: [String: NSRegularExpression] = [:]
        for rule in detections.rules {
            guard case .detection(let d) = rule.body else { continue }
            for test in d.selections.flatMap({ $0.alternatives.flatMap { $0 } }) where test.match == .re {
                for v in test.values { regexes[v] = try? NSRegularExpression(pattern: v) }
            }
        }
        self.regexes = regexes
    }

    /// Whether a single-event rule matches one record.
    public func matches(_ rule: SigmaRule, _ record: AuditRecord) -> Bool {
        guard case .detection(let detection) = rule.body else { return false }
        return evaluate(detection.condition, detection, record)
    }

    private func evaluate(_ condition: SigmaCondition, _ detection: SigmaDetection, _ record: AuditRecord) -> Bool {
        switch condition {
        case .selection(let name):
            guard let selection = detection.selection(name) else { return false }
            return selection.alternatives.contains { tests in tests.allSatisfy { test($0, record) } }
        case .and(let terms): return terms.allSatisfy { evaluate($0, detection, record) }
        case .or(let terms): return terms.contains { evaluate($0, detection, record) }
        case .not(let inner): return !evaluate(inner, detection, record)
        }
    }

    func test(_ test: FieldTest, _ record: AuditRecord) -> Bool {
        let values = record.values(test.field)
        switch test.match {
        case .exists:
            return values.isEmpty == (test.values.first == "false")
        case .fieldref:
            let others = test.values.flatMap { parseFieldRef($0).map(record.values) ?? [] }.map { $0.lowercased() }
            return values.contains { others.contains($0.lowercased()) }
        default:
            guard !values.isEmpty else { return false }
            let check: (String) -> Bool = { pattern in values.contains { self.compare($0, pattern, test.match) } }
            return test.all ? test.values.allSatisfy(check) : test.values.contains(where: check)
        }
    }

    private func compare(_ value: String, _ pattern: String, _ kind: MatchKind) -> Bool {
        switch kind {
        case .equals: return value.lowercased() == pattern.lowercased()
        case .contains: return value.lowercased().contains(pattern.lowercased())
        case .startswith: return value.lowercased().hasPrefix(pattern.lowercased())
        case .endswith: return value.lowercased().hasSuffix(pattern.lowercased())
        case .re:
            guard let regex = regexes[pattern] else { return false }
            return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        case .cidr: return CIDR(pattern)?.contains(value) ?? false
        case .exists, .fieldref: return false
        }
    }

    /// Replays records in `CreationTime` order and returns, for every rule that alerts on
    /// its own, the indices (into `records`) of the records it alerts on. A correlation
    /// alerts on the record that completes it; once it has fired for a group, that group's
    /// window starts afresh.
    public func replay(_ records: [AuditRecord]) -> [String: [Int]] {
        let order = records.indices.sorted { (records[$0].creationTime ?? .distantPast, $0) < (records[$1].creationTime ?? .distantPast, $1) }
        var out: [String: [Int]] = [:]
        for rule in detections.rules {
            switch rule.body {
            case .detection:
                guard detections.alertsOnItsOwn(rule) else { continue }
                out[rule.key] = order.filter { matches(rule, records[$0]) }
            case .correlation(let c):
                out[rule.key] = correlate(c, records: records, order: order)
            }
        }
        return out
    }

    private func correlate(_ c: SigmaCorrelation, records: [AuditRecord], order: [Int]) -> [Int] {
        let bases = c.rules.compactMap { detections.rule($0.value) }
        struct Seen { var time: Date; var index: Int; var rule: String; var value: String? }
        var windows: [String: [Seen]] = [:]
        var fired: [Int] = []
        for i in order {
            let record = records[i]
            let time = record.creationTime ?? .distantPast
            for base in bases where matches(base, record) {
                let group = c.groupBy.map { g in record.values(parseFieldRef(g)!).first?.lowercased() ?? "" }.joined(separator: "\u{0}")
                var seen = windows[group, default: []]
                seen.removeAll { time.timeIntervalSince($0.time) > Double(c.timespan) }
                seen.append(Seen(time: time, index: i, rule: base.key, value: c.field.flatMap { f in record.values(parseFieldRef(f)!).first?.lowercased() }))
                let count: Int
                switch c.kind {
                case .eventCount: count = Set(seen.map { records[$0.index].json["Id"]?.text ?? "#\($0.index)" }).count
                case .valueCount: count = Set(seen.compactMap(\.value)).count
                case .temporal: count = Set(seen.map(\.rule)).count
                }
                if c.holds(count) {
                    if !fired.contains(i) { fired.append(i) }
                    seen = []
                }
                windows[group] = seen
            }
        }
        return fired
    }
}
