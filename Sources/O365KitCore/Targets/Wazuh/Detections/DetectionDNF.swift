/// One test of a conjunction: a field test, possibly negated, or "the field is absent".
struct DetectionLiteral: Hashable {
    enum Kind: Hashable {
        case test(FieldTest)
        case negated(FieldTest)
        /// The record has no such field (Sigma: a test on it is false).
        case absent(FieldRef)
    }
    var kind: Kind
}

/// A condition as an OR of ANDs, the shape Wazuh rules have: each conjunction becomes one
/// rule, and sibling rules under the same parents give the OR.
///
/// `not` is pushed down with De Morgan. A negated `|all` test becomes an OR of single
/// negations. Each negated test `¬t` on field F splits into "F present and ¬t" (Wazuh's
/// `negate="yes"`, which fails when F is missing) or "F absent", because Sigma's `not` is
/// also true when the field is missing.
enum DetectionDNF {
    /// Above this, a rule is refused for Wazuh rather than rendered as hundreds of rules.
    static let limit = 32

    static func conjunctions(_ condition: SigmaCondition, _ detection: SigmaDetection) -> [[DetectionLiteral]]? {
        guard let raw = dnf(condition, negated: false, detection) else { return nil }
        var out: [[DetectionLiteral]] = []
        for conjunction in raw {
            guard let expanded = splitNegations(conjunction) else { return nil }
            out += expanded
            if out.count > limit { return nil }
        }
        // Drop contradictions (a test on a field and its absence) and duplicates.
        var seen = Set<[DetectionLiteral]>()
        return out.compactMap { c -> [DetectionLiteral]? in
            let absent = Set(c.compactMap { l -> FieldRef? in if case .absent(let f) = l.kind { return f.rootRef }; return nil })
            for l in c {
                switch l.kind {
                case .test(let t) where absent.contains(t.field.rootRef): return nil
                default: break
                }
            }
            return seen.insert(c).inserted ? c : nil
        }
    }

    private static func dnf(_ c: SigmaCondition, negated: Bool, _ d: SigmaDetection) -> [[DetectionLiteral]]? {
        switch (c, negated) {
        case (.selection(let name), false):
            return d.selection(name)?.alternatives.map { $0.map { DetectionLiteral(kind: .test($0)) } }
        case (.selection(let name), true):
            // ¬(A1 ∨ A2 …) = ∧ ¬Ai, and ¬(t1 ∧ t2 …) = ∨ ¬tj.
            guard let alternatives = d.selection(name)?.alternatives else { return nil }
            let terms = alternatives.map { tests in tests.flatMap(negate).map { [$0] } }
            return product(terms)
        case (.and(let terms), false), (.or(let terms), true):
            let parts = terms.map { dnf($0, negated: negated, d) }
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            return product(parts.map { $0! })
        case (.or(let terms), false), (.and(let terms), true):
            var out: [[DetectionLiteral]] = []
            for term in terms {
                guard let part = dnf(term, negated: negated, d) else { return nil }
                out += part
            }
            return out.count > limit ? nil : out
        case (.not(let inner), _):
            return dnf(inner, negated: !negated, d)
        }
    }

    /// ¬t as a disjunction of literals.
    private static func negate(_ t: FieldTest) -> [DetectionLiteral] {
        if t.match == .exists {
            var flipped = t
            flipped.values = [t.values == ["true"] ? "false" : "true"]
            return [DetectionLiteral(kind: .test(flipped))]
        }
        if t.all && t.values.count > 1 {
            return t.values.map { v in
                var single = t
                single.all = false
                single.values = [v]
                return DetectionLiteral(kind: .negated(single))
            }
        }
        return [DetectionLiteral(kind: .negated(t))]
    }

    private static func product(_ factors: [[[DetectionLiteral]]]) -> [[DetectionLiteral]]? {
        var result: [[DetectionLiteral]] = [[]]
        for factor in factors {
            var next: [[DetectionLiteral]] = []
            for a in result { for b in factor { next.append(a + b) } }
            if next.count > limit { return nil }
            result = next
        }
        return result
    }

    /// Splits each negated test into "present and not" / "absent"; `exists: false` is absence.
    private static func splitNegations(_ conjunction: [DetectionLiteral]) -> [[DetectionLiteral]]? {
        var result: [[DetectionLiteral]] = [[]]
        for literal in conjunction {
            switch literal.kind {
            case .negated(let t):
                result = result.flatMap { [$0 + [literal], $0 + [DetectionLiteral(kind: .absent(t.field.rootRef))]] }
            case .test(let t) where t.match == .exists && t.values == ["false"]:
                if t.field.kind == .plain {
                    result = result.map { $0 + [DetectionLiteral(kind: .absent(t.field))] }
                } else {
                    // No entry of that name: the array lacks it, or there is no array.
                    var present = t
                    present.values = ["true"]
                    result = result.flatMap { [$0 + [DetectionLiteral(kind: .negated(present))], $0 + [DetectionLiteral(kind: .absent(t.field.rootRef))]] }
                }
            default:
                result = result.map { $0 + [literal] }
            }
            if result.count > limit { return nil }
        }
        return result.map { Array(Set($0)).sorted { "\($0)" < "\($1)" } }
    }
}

extension FieldRef {
    /// What Wazuh sees as one decoded field: the array for entry refs, the path otherwise.
    var rootRef: FieldRef {
        switch kind {
        case .plain: return self
        case .namedEntry, .entryKey, .anyEntry: return FieldRef(path: path, kind: .plain)
        }
    }
}
