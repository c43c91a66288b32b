/// The immutable, flattened form of a `RuleSet` that the evaluator walks.
final class EvaluationProgram: Sendable {
    let rules: [CompiledRule]
    let nodeRule: [Int32]
    let childStart: [Int32]
    let childEnd: [Int32]
    let childList: [Int32]
    let roots: [Int32]
    let slotTable: SlotTable
    let slotCount: Int
    /// Slots whose values correlation compares (`same_field`/`different_field`).
    let correlationSlots: [Int]
    /// Per rule: whether some rule correlates on it (`if_matched_sid`).
    let keepsHistory: [Bool]
    /// Per rule with history: the longest timeframe that searches it.
    let historyHorizon: [Int64]
    /// Per rule with history: the searching rules that use `same_field` (indexed by value).
    let sameFieldSearchers: [[Int]]
    /// Field checks of all rules back to back; rule `r` owns `fieldStart[r]..<fieldEnd[r]`.
    let fieldChecks: [FieldCheck]
    let fieldStart: [Int32]
    let fieldEnd: [Int32]
    let literalPool: [UInt8]
    let genericPatterns: [FieldPattern]
    /// Per rule: only `<field>` conditions, so the fast path decides alone.
    let fieldsOnly: [Bool]
    let noalert: [Bool]
    let dispatch: SiblingDispatch
    /// analysisd's `_max_freq` of the event memory: the largest stored `frequency` (the
    /// attribute minus 2) of all rules, in seconds when eviction compares event times to it.
    let maxFrequency: Int64

    init(_ ruleSet: RuleSet) {
        var slots = FieldSlots()
        var indexByID: [Int: Int] = [:]
        for (i, rule) in ruleSet.rules.enumerated() { indexByID[rule.id] = i }
        var rules: [CompiledRule] = []
        var keeps = [Bool](repeating: false, count: ruleSet.rules.count)
        var horizon = [Int64](repeating: 0, count: ruleSet.rules.count)
        var searchers = [[Int]](repeating: [], count: ruleSet.rules.count)
        var correlationSlots = Set<Int>()
        for (index, rule) in ruleSet.rules.enumerated() {
            let matchedHistory = rule.ifMatchedSid.flatMap { indexByID[$0] }
            let timeframe = Int64(rule.timeframe ?? Int(CompiledRule.defaultTimeframe))
            let sameSlots = rule.sameFields.map { slots.slot($0) }
            let differentSlots = rule.differentFields.map { slots.slot($0) }
            correlationSlots.formUnion(sameSlots + differentSlots)
            if let h = matchedHistory {
                keeps[h] = true
                horizon[h] = max(horizon[h], timeframe)
                if !sameSlots.isEmpty { searchers[h].append(index) }
            }
            rules.append(CompiledRule(
                id: rule.id, level: rule.level, noalert: rule.noalert, decodedAs: rule.decodedAs,
                match: rule.match, regex: rule.regex, location: rule.location,
                fields: rule.fields.map { .init(slot: slots.slot($0.name), pattern: $0.pattern, negate: $0.negate) },
                lists: rule.lists.compactMap { condition in
                    ruleSet.lists[condition.path].map {
                        .init(slot: slots.slot(condition.field),
                              staticKeys: CompiledRule.staticListFields[condition.field],
                              lookup: condition.lookup, checkValue: condition.checkValue, list: $0)
                    }
                },
                unsupported: !rule.unsupported.isEmpty,
                matchedHistory: matchedHistory,
                frequencySkip: rule.frequency.map { $0 - 2 } ?? 0,
                timeframe: timeframe, sameSlots: sameSlots, differentSlots: differentSlots,
                ignore: Int64(rule.ignore ?? 0), description: DescriptionTemplate(rule.description),
                groups: rule.groups, mitreIDs: rule.mitreIDs))
        }
        var checks: [FieldCheck] = [], fieldStart: [Int32] = [], fieldEnd: [Int32] = []
        var pool: [UInt8] = [], generics: [FieldPattern] = []
        for rule in rules {
            fieldStart.append(Int32(checks.count))
            for field in rule.fields {
                checks.append(.make(slot: field.slot, pattern: field.pattern, negate: field.negate,
                                    pool: &pool, generics: &generics))
            }
            fieldEnd.append(Int32(checks.count))
        }
        self.fieldChecks = checks
        self.fieldStart = fieldStart
        self.fieldEnd = fieldEnd
        self.literalPool = pool
        self.genericPatterns = generics
        self.fieldsOnly = rules.map {
            !$0.unsupported && $0.decodedAs == nil && $0.match == nil && $0.regex == nil && $0.location == nil
                && $0.lists.isEmpty && $0.matchedHistory == nil
        }
        self.noalert = rules.map(\.noalert)
        var childStart: [Int32] = [], childEnd: [Int32] = [], childList: [Int32] = []
        for node in ruleSet.nodes {
            childStart.append(Int32(childList.count))
            childList += node.children.map(Int32.init)
            childEnd.append(Int32(childList.count))
        }
        self.rules = rules
        self.nodeRule = ruleSet.nodes.map { Int32($0.rule) }
        self.childStart = childStart
        self.childEnd = childEnd
        self.childList = childList
        self.dispatch = SiblingDispatch(
            childLists: ruleSet.nodes.map { $0.children.map(Int32.init) }, nodeRule: ruleSet.nodes.map { Int32($0.rule) },
            fieldStart: fieldStart, fieldEnd: fieldEnd, checks: checks, pool: pool)
        self.roots = ruleSet.roots.map(Int32.init)
        self.slotTable = SlotTable(slots)
        self.slotCount = slots.count
        self.correlationSlots = correlationSlots.sorted()
        self.keepsHistory = keeps
        self.historyHorizon = horizon
        self.sameFieldSearchers = searchers
        self.maxFrequency = Int64(max(0, rules.map { $0.frequencySkip }.max() ?? 0))
    }
}
