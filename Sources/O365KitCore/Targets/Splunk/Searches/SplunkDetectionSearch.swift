/// One detection as a Splunk search: what `savedsearches.conf` is rendered from, and what
/// other tools (the packaging of the app, tests) read.
public struct SplunkDetectionSearch: Sendable, Equatable {
    /// The definition's key (file stem).
    public var key: String
    /// The saved search (and ES correlation search) name, `o365kit - <title>`.
    public var name: String
    public var title: String
    public var description: String
    /// The SPL, starting with the data macro (`o365kit_source`, or `o365kit_messagetrace_source`
    /// for message trace). Runs as is in the search bar.
    public var search: String
    /// What the schedule runs: single-event searches add an index-time window so that
    /// records arriving late (the API lags 60-90 minutes) are still seen exactly once.
    public var scheduledSearch: String
    public var techniques: [String]
    public var tactics: [String]
    public var level: SigmaLevel
    public var cron: String
    public var earliest: String
    public var latest: String
    /// Fields an alert is suppressed on for `suppressPeriod`, for correlations whose runs overlap.
    public var suppressFields: [String]
    public var suppressPeriod: String?
}

/// Macros of the Splunk app that the searches start with. The packaging defines them.
public enum SplunkMacros {
    public static let managementActivity = "o365kit_source"
    public static let messageTrace = "o365kit_messagetrace_source"
}

/// The Splunk searches of every detection that supports Splunk and alerts on its own, in key order.
public func splunkDetectionSearches(_ detections: DetectionSet, catalog: AttackCatalog) -> [SplunkDetectionSearch] {
    detections.rules.compactMap { rule -> SplunkDetectionSearch? in
        guard rule.supports(.splunk), detections.alertsOnItsOwn(rule) else { return nil }
        return splunkSearch(rule, detections, catalog)
    }
}

private func source(_ rule: SigmaRule) -> String {
    rule.logsource["service"] == "message_trace" ? "`\(SplunkMacros.messageTrace)`" : "`\(SplunkMacros.managementActivity)`"
}

/// `source [Operation IN (…)] [| eval …] | where <condition>`: the IN prefilter lets Splunk use
/// its index; the where clause decides.
private func filter(_ rule: SigmaRule, _ detection: SigmaDetection) -> (prefix: String, pipeline: String) {
    var condition = SPLCondition()
    let expression = condition.expression(detection.condition, detection)
    var prefix = source(rule)
    if let operations = requiredOperations(detection), operations.allSatisfy({ !$0.contains("*") }) {
        prefix += " Operation IN (" + operations.map(SPLCondition.string).joined(separator: ", ") + ")"
    }
    var pipeline = ""
    if !condition.evals.isEmpty { pipeline += " | eval " + condition.evals.joined(separator: ", ") }
    pipeline += " | where " + expression
    return (prefix, pipeline)
}

/// The Operation values every branch of the condition requires, if each branch names some.
private func requiredOperations(_ detection: SigmaDetection) -> [String]? {
    guard let branches = DetectionDNF.conjunctions(detection.condition, detection) else { return nil }
    var all: [String] = []
    for branch in branches {
        let values = branch.compactMap { l -> [String]? in
            if case .test(let t) = l.kind, t.field.kind == .plain, t.field.path == ["Operation"], t.match == .equals, !t.all { return t.values }
            return nil
        }.first
        guard let values else { return nil }
        for v in values where !all.contains(v) { all.append(v) }
    }
    return all.isEmpty ? nil : all
}

private func splunkSearch(_ rule: SigmaRule, _ detections: DetectionSet, _ catalog: AttackCatalog) -> SplunkDetectionSearch {
    let techniques = rule.techniques
    var search: String
    var scheduled: String
    var cron = "*/15 * * * *", earliest = "-24h@m", latest = "now"
    var suppressFields: [String] = []
    var suppressPeriod: String?
    let indexWindow = " _index_earliest=-15m@m _index_latest=@m"
    switch rule.body {
    case .detection(let detection):
        let (prefix, pipeline) = filter(rule, detection)
        let table = " | table _time, Id, Operation, Workload, UserId, ClientIP, ResultStatus"
        search = prefix + pipeline + table
        let macro = source(rule)
        scheduled = macro + indexWindow + String(prefix.dropFirst(macro.count)) + pipeline + table
    case .correlation(let c):
        let bases = c.rules.compactMap { detections.rule($0.value) }
        var conditions: [String] = []
        var evals: [String] = []
        var prefix = source(bases.first ?? rule)
        var operations: [String] = []
        for base in bases {
            guard case .detection(let d) = base.body else { continue }
            var condition = SPLCondition()
            // Splunk's case() takes each condition before the value it returns.
            conditions.append(condition.expression(d.condition, d) + ", " + SPLCondition.string(base.key))
            for e in condition.evals where !evals.contains(e) { evals.append(e) }
            operations += requiredOperations(d) ?? []
        }
        if !operations.isEmpty, bases.allSatisfy({ if case .detection(let d) = $0.body { return requiredOperations(d) != nil }; return false }) {
            prefix += " Operation IN (" + operations.map(SPLCondition.string).joined(separator: ", ") + ")"
        }
        var pipeline = ""
        if !evals.isEmpty { pipeline += " | eval " + evals.joined(separator: ", ") }
        pipeline += " | eval o365kit_rule=case(" + conditions.joined(separator: ", ") + ") | where isnotnull(o365kit_rule)"
        let by = ["_time"] + c.groupBy
        let byText = by.joined(separator: ", ")
        let span = " | bin _time span=\(c.timespanText)"
        let comparison = ["gt": ">", "gte": ">="][c.comparison.rawValue] ?? ">="
        switch c.kind {
        case .eventCount:
            // Distinct record Ids: the API re-delivers records, and a duplicate must not count.
            pipeline += span + " | stats dc(Id) as event_count, values(UserId) as users, values(ClientIP) as source_ips by \(byText) | where event_count \(comparison) \(c.threshold)"
        case .valueCount:
            let field = c.field ?? "UserId"
            pipeline += " | eval o365kit_value=lower(\(SPLCondition.fieldName(field)))" + span
                + " | stats dc(o365kit_value) as value_count, values(\(field)) as distinct_values, dc(Id) as event_count by \(byText) | where value_count \(comparison) \(c.threshold)"
        case .temporal:
            pipeline += span + " | stats dc(o365kit_rule) as rule_count, values(o365kit_rule) as rules by \(byText) | where rule_count >= \(bases.count)"
        }
        search = prefix + pipeline
        scheduled = search
        suppressFields = c.groupBy
        if c.timespan <= 3600 {
            cron = "10 * * * *"; earliest = "-3h@h"; latest = "-1h@h"; suppressPeriod = "3h"
        } else {
            cron = "20 4 * * *"; earliest = "-2d@d"; latest = "@d"; suppressPeriod = "2d"
        }
    }
    return SplunkDetectionSearch(
        key: rule.key, name: "o365kit - \(rule.title)", title: rule.title,
        description: rule.description.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces),
        search: search, scheduledSearch: scheduled, techniques: techniques,
        tactics: tactics(of: techniques, in: catalog), level: rule.level.value,
        cron: cron, earliest: earliest, latest: latest, suppressFields: suppressFields, suppressPeriod: suppressPeriod)
}
