import Foundation
import Yams

/// The `correlation:` block of a Sigma correlation rule (event_count, value_count, temporal).
func readCorrelation(_ node: Node, reader r: inout YAMLNodeReader) -> SigmaCorrelation? {
    var kind: SigmaCorrelation.Kind?
    var rules: [Located<String>] = []
    var groupBy: [String] = []
    var timespan: (Int, String)?
    var comparison: (SigmaCorrelation.Comparison, Int)?
    var field: String?
    var generate = false
    var hasCondition = false
    for (k, v) in r.pairs(node, what: "correlation") {
        switch k.value {
        case "type":
            if let t = r.string(v, what: "correlation.type") {
                kind = SigmaCorrelation.Kind(rawValue: t.value)
                if kind == nil { r.unsupported("correlation type '\(t.value)' is not supported (supported: event_count, value_count, temporal)", at: v) }
            }
        case "rules":
            rules = r.strings(v, what: "correlation.rules")
        case "group-by":
            groupBy = r.strings(v, what: "correlation.group-by").map(\.value)
            for g in groupBy where parseFieldRef(g)?.kind != .plain {
                r.unsupported("group-by field '\(g)' must be a plain field", at: v)
            }
        case "timespan":
            if let t = r.string(v, what: "correlation.timespan") {
                if let m = t.value.wholeMatch(of: /([0-9]+)([smhd])/), let n = Int(m.1), n > 0 {
                    let unit = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(m.2)]!
                    timespan = (n * unit, t.value)
                } else {
                    r.error("bad-detection", "timespan must be a number and s, m, h or d (e.g. 1h), got '\(t.value)'", at: v)
                }
            }
        case "condition":
            hasCondition = true
            for (ck, cv) in r.pairs(v, what: "correlation.condition") {
                if ck.value == "field" {
                    field = r.string(cv, what: "correlation.condition.field")?.value
                } else if ["lt", "lte", "eq"].contains(ck.value) {
                    r.unsupported("correlation condition '\(ck.value)' is not supported: a detection fires when a threshold is reached (use gt or gte)", at: ck.location)
                } else if let c = SigmaCorrelation.Comparison(rawValue: ck.value) {
                    if let n = cv.scalar.flatMap({ Int($0.string) }), n >= 0 { comparison = (c, n) } else { r.error("bad-detection", "threshold must be a whole number", at: cv) }
                } else {
                    r.unsupported("correlation condition '\(ck.value)' is not supported (supported: gt, gte, lt, lte, eq, field)", at: ck.location)
                }
            }
        case "generate":
            generate = v.scalar?.string == "true"
        case "aliases":
            r.unsupported("correlation 'aliases' are not supported", at: k.location)
        default:
            r.unsupported("correlation key '\(k.value)' is not supported", at: k.location)
        }
    }
    guard let kind else { r.error("bad-detection", "missing 'correlation.type'", at: node); return nil }
    guard !rules.isEmpty else { r.error("bad-detection", "missing 'correlation.rules'", at: node); return nil }
    guard let timespan else { r.error("bad-detection", "missing 'correlation.timespan'", at: node); return nil }
    if kind == .temporal {
        if comparison != nil { r.unsupported("a temporal correlation takes no condition", at: node) }
        if rules.count < 2 { r.error("bad-detection", "a temporal correlation needs at least two rules", at: node) }
        comparison = comparison ?? (.gte, rules.count)
    } else {
        if comparison == nil {
            if !hasCondition { r.error("bad-detection", "missing 'correlation.condition' (e.g. gte: 5)", at: node) }
            return nil
        }
        if kind == .valueCount && field == nil { r.error("bad-detection", "value_count needs 'condition.field'", at: node) }
    }
    guard let comparison else { return nil }
    return SigmaCorrelation(kind: kind, rules: rules, groupBy: groupBy, timespan: timespan.0, timespanText: timespan.1,
                            comparison: comparison.0, threshold: comparison.1, field: field, generate: generate,
                            location: r.location(node))
}
