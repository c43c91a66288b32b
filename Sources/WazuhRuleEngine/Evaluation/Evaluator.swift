import Foundation

/// Evaluates decoded events against a `RuleSet` the way analysisd's rule phase does,
/// keeping correlation state (`if_matched_sid`, `frequency`, `ignore`) across events.
///
/// Per event: top-level rules are tried in order; a matching rule tries its children (sorted
/// by level, level 0 first) depth-first and the first match wins; a matching `noalert` rule
/// with no matching child lets its next sibling be tried. A condition on a missing field
/// fails, even negated. `if_matched_sid` counts earlier events, newest first, within
/// `timeframe` seconds of the current one, whose final rule was that sid.
public struct Evaluator: Sendable {
    private let program: EvaluationProgram
    private var state: CorrelationState

    /// Prepares `ruleSet` for evaluation.
    public init(ruleSet: RuleSet) {
        program = EvaluationProgram(ruleSet)
        state = CorrelationState(program)
    }

    /// Evaluates one event received at `time` and returns the rule it ends at, or nil
    /// when no rule matches. Events must be given in time order.
    public mutating func evaluate(_ event: DecodedEvent, at time: Date) -> Alert? {
        let now = Int64(time.timeIntervalSince1970.rounded(.down))
        let walk = Walk(program: program, event: event, now: now)
        guard let path = walk.run(&state), let last = path.last else { return nil }
        let ruleIndex = Int(program.nodeRule[Int(last)])
        let rule = program.rules[ruleIndex]
        let chain = path.map { program.rules[Int(program.nodeRule[Int($0)])].id }
        func alert(_ generates: Bool) -> Alert {
            Alert(ruleID: rule.id, level: rule.level, description: rule.description.expand(event),
                  groups: rule.groups, mitreIDs: rule.mitreIDs, chain: chain, generatesAlert: generates)
        }
        // As analysisd: level 0 ends here; `ignore` may suppress; then the event is remembered
        // for rules that correlate on this one.
        if rule.level == 0 { return alert(false) }
        if rule.ignore > 0 {
            if let since = state.timeIgnored[ruleIndex] {
                if now - since < rule.ignore { return alert(false) }
                state.timeIgnored[ruleIndex] = nil
            } else {
                state.timeIgnored[ruleIndex] = now
            }
        }
        if program.keepsHistory[ruleIndex] {
            state.record(walk.currentEntry(), in: ruleIndex, program: program, now: now)
        }
        return alert(true)
    }
}

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
                        .init(slot: slots.slot(condition.field), lookup: condition.lookup,
                              checkValue: condition.checkValue, list: $0)
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
    }
}

/// One event's pass through the tree: slot values gathered once into a byte buffer.
private final class Walk {
    let program: EvaluationProgram
    let event: DecodedEvent
    let now: Int64
    /// Per slot: where its value sits in the event's storage (-1 when missing).
    private let slotStart: [Int32]
    private let slotLength: [Int32]
    private let fieldIndex: [Int32]
    private var entry: CorrelationEntry?

    init(program: EvaluationProgram, event: DecodedEvent, now: Int64) {
        self.program = program
        self.event = event
        self.now = now
        var slotStart = [Int32](repeating: -1, count: program.slotCount)
        var slotLength = [Int32](repeating: 0, count: program.slotCount)
        var fieldIndex = [Int32](repeating: -1, count: program.slotCount)
        event.storage.withUnsafeBufferPointer { storage in
            for (i, entry) in event.entries.enumerated() {
                let key = UnsafeBufferPointer(rebasing: storage[Int(entry.keyStart)..<Int(entry.keyStart + entry.keyCount)])
                let slot = program.slotTable.slot(for: key)
                guard slot >= 0, slotStart[slot] < 0 else { continue }
                slotStart[slot] = entry.valueStart
                slotLength[slot] = entry.valueCount
                fieldIndex[slot] = Int32(i)
            }
        }
        self.slotStart = slotStart
        self.slotLength = slotLength
        self.fieldIndex = fieldIndex
    }

    func value(_ slot: Int) -> String? {
        let i = fieldIndex[slot]
        return i < 0 ? nil : event.value(of: event.entries[Int(i)])
    }

    /// This event as a correlation entry (created once, on first need).
    func currentEntry() -> CorrelationEntry {
        if let entry { return entry }
        var values = [String?](repeating: nil, count: program.slotCount)
        for slot in program.correlationSlots { values[slot] = value(slot) }
        let created = CorrelationEntry(time: now, values: values)
        entry = created
        return created
    }

    /// The unsafe views the hot loop reads; valid only inside `run`.
    private struct Views {
        let values: UnsafeBufferPointer<UInt8>
        let slotStart: UnsafeBufferPointer<Int32>
        let slotLength: UnsafeBufferPointer<Int32>
        let checks: UnsafeBufferPointer<FieldCheck>
        let pool: UnsafeBufferPointer<UInt8>
        let fieldStart: UnsafeBufferPointer<Int32>
        let fieldEnd: UnsafeBufferPointer<Int32>
        let fieldsOnly: UnsafeBufferPointer<Bool>
        let noalert: UnsafeBufferPointer<Bool>
        let nodeRule: UnsafeBufferPointer<Int32>
        let childStart: UnsafeBufferPointer<Int32>
        let childEnd: UnsafeBufferPointer<Int32>
        let childList: UnsafeBufferPointer<Int32>
    }

    /// Returns the node path of the final rule, or nil.
    func run(_ state: inout CorrelationState) -> [Int32]? {
        var path: [Int32] = []
        path.reserveCapacity(8)
        let p = program
        let found = event.storage.withUnsafeBufferPointer { values in
            slotStart.withUnsafeBufferPointer { slotStart in
            slotLength.withUnsafeBufferPointer { slotLength in
            p.fieldChecks.withUnsafeBufferPointer { checks in
            p.literalPool.withUnsafeBufferPointer { pool in
            p.fieldStart.withUnsafeBufferPointer { fieldStart in
            p.fieldEnd.withUnsafeBufferPointer { fieldEnd in
            p.fieldsOnly.withUnsafeBufferPointer { fieldsOnly in
            p.noalert.withUnsafeBufferPointer { noalert in
            p.nodeRule.withUnsafeBufferPointer { nodeRule in
            p.childStart.withUnsafeBufferPointer { childStart in
            p.childEnd.withUnsafeBufferPointer { childEnd in
            p.childList.withUnsafeBufferPointer { childList in
                let views = Views(values: values, slotStart: slotStart, slotLength: slotLength, checks: checks,
                                  pool: pool, fieldStart: fieldStart, fieldEnd: fieldEnd, fieldsOnly: fieldsOnly,
                                  noalert: noalert, nodeRule: nodeRule, childStart: childStart,
                                  childEnd: childEnd, childList: childList)
                return p.roots.contains { check($0, views, &state, &path) }
            }}}}}}}}}}}}
        }
        return found ? path : nil
    }

    private func check(_ node: Int32, _ v: Views, _ state: inout CorrelationState, _ path: inout [Int32]) -> Bool {
        let ruleIndex = Int(v.nodeRule[Int(node)])
        guard fieldsMatch(ruleIndex, v) else { return false }
        if !v.fieldsOnly[ruleIndex] {
            guard otherConditionsMatch(program.rules[ruleIndex], ruleIndex, &state) else { return false }
        }
        path.append(node)
        let first = Int(v.childStart[Int(node)])
        let end = Int(v.childEnd[Int(node)])
        let dispatchSlots = program.dispatch.slots[Int(node)]
        if dispatchSlots.isEmpty {
            var c = first
            while c < end {
                if check(v.childList[c], v, &state, &path) { return true }
                c += 1
            }
        } else {
            for position in candidates(node, dispatchSlots, v) {
                if check(v.childList[first + Int(position)], v, &state, &path) { return true }
            }
        }
        if v.noalert[ruleIndex] {
            path.removeLast()
            return false
        }
        return true
    }

    /// Child positions of `node` that can match this event, in their original order.
    private func candidates(_ node: Int32, _ dispatchSlots: [Int32], _ v: Views) -> [Int32] {
        var result = program.dispatch.unconstrained[Int(node)]
        for slot in dispatchSlots {
            let start = Int(v.slotStart[Int(slot)])
            if start < 0 { continue }
            let value = UnsafeBufferPointer(rebasing: v.values[start..<(start + Int(v.slotLength[Int(slot)]))])
            let key = SiblingDispatch.Key(node: node, slot: slot, hash: SiblingDispatch.hash(value))
            if let bucket = program.dispatch.buckets[key] { result += bucket }
        }
        if dispatchSlots.count > 1 || !program.dispatch.unconstrained[Int(node)].isEmpty { result.sort() }
        return result
    }

    @inline(__always)
    private func fieldsMatch(_ ruleIndex: Int, _ v: Views) -> Bool {
        var i = Int(v.fieldStart[ruleIndex])
        let end = Int(v.fieldEnd[ruleIndex])
        while i < end {
            let check = v.checks[i]
            i += 1
            let start = Int(v.slotStart[Int(check.slot)])
            if start < 0 { return false }  // a missing field fails, negated or not
            let value = UnsafeBufferPointer(rebasing: v.values[start..<(start + Int(v.slotLength[Int(check.slot)]))])
            let hit: Bool
            if check.kind == .generic {
                hit = program.genericPatterns[Int(check.generic)].matches(bytes: value)
            } else {
                hit = check.literalMatches(value, v.pool)
            }
            if hit == check.negate { return false }
        }
        return true
    }

    /// Everything but `<field>`: decoder, full-log patterns, location, lists, correlation.
    private func otherConditionsMatch(_ rule: CompiledRule, _ ruleIndex: Int, _ state: inout CorrelationState) -> Bool {
        if rule.unsupported { return false }
        if let decoder = rule.decodedAs, decoder != event.decoder { return false }
        if let match = rule.match, matchesLog(match.pattern) == match.negate { return false }
        if let regex = rule.regex, matchesLog(regex.pattern) == regex.negate { return false }
        if let location = rule.location, location.pattern.matches(event.location) == location.negate { return false }
        for list in rule.lists {
            guard let key = value(list.slot), Self.lookup(list, key) else { return false }
        }
        if let history = rule.matchedHistory {
            return state.search(history, for: rule, at: ruleIndex, walk: self)
        }
        return true
    }

    /// The full log as a C string (up to its first NUL).
    private func matchesLog(_ pattern: FieldPattern) -> Bool {
        event.logBytes.withUnsafeBufferPointer { log in
            let end = log.firstIndex(of: 0) ?? log.count
            return pattern.matches(bytes: UnsafeBufferPointer(rebasing: log[..<end]))
        }
    }

    private static func lookup(_ condition: CompiledRule.List, _ key: String) -> Bool {
        let list = condition.list
        switch condition.lookup {
        case .matchKey: return list.value(for: key) != nil
        case .notMatchKey: return list.value(for: key) == nil
        case .addressMatchKey: return list.value(forAddress: key) != nil
        case .notAddressMatchKey: return list.value(forAddress: key) == nil
        case .matchKeyValue:
            guard let value = list.value(for: key) else { return false }
            return condition.checkValue?.matches(value) ?? true
        case .addressMatchKeyValue:
            guard let value = list.value(forAddress: key) else { return false }
            return condition.checkValue?.matches(value) ?? true
        }
    }
}

/// An earlier event remembered for correlation; `matched` is shared and mutable as in analysisd.
final class CorrelationEntry: @unchecked Sendable {
    let time: Int64
    /// Values of the correlation slots (nil when the field is missing).
    let values: [String?]
    var matched = 0

    init(time: Int64, values: [String?]) {
        self.time = time
        self.values = values
    }
}

/// A time-ordered list of entries that drops its oldest ones cheaply.
struct EntryQueue: Sendable {
    private(set) var items: [CorrelationEntry] = []
    private(set) var head = 0

    var newest: CorrelationEntry? { items.count > head ? items[items.count - 1] : nil }
    var isEmpty: Bool { items.count == head }

    mutating func append(_ entry: CorrelationEntry) { items.append(entry) }

    /// Drops entries older than `horizon` seconds before `now`.
    mutating func prune(now: Int64, horizon: Int64) {
        while head < items.count, now - items[head].time > horizon { head += 1 }
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}

/// Per-evaluator memory of earlier events (`Search_LastSids` lists) and `ignore` times.
struct CorrelationState: Sendable {
    /// Per rule: events whose final rule it was (only for rules something correlates on).
    var history: [EntryQueue]
    /// Per searching rule with `same_field`: the same history split by the same-field values.
    var buckets: [[String: EntryQueue]]
    var timeIgnored: [Int64?]
    private var recordsSinceSweep = 0

    init(_ program: EvaluationProgram) {
        history = Array(repeating: EntryQueue(), count: program.rules.count)
        buckets = Array(repeating: [:], count: program.rules.count)
        timeIgnored = Array(repeating: nil, count: program.rules.count)
    }

    private static func key(_ slots: [Int], _ values: (Int) -> String?) -> String? {
        var key = ""
        for slot in slots {
            guard let v = values(slot) else { return nil }
            key += v
            key += "\u{0}"
        }
        return key
    }

    /// `Search_LastSids`: walk earlier events newest first within the timeframe; stop at one
    /// already counted for an alert of this level or higher; fire on the qualifying event that
    /// completes `frequency` (counting the current one) and mark the events involved.
    ///
    /// Events that differ in a `same_field` are skipped without effect, so they are looked up
    /// in a per-value bucket instead of being walked over; the outcome is the same.
    fileprivate mutating func search(_ index: Int, for rule: CompiledRule, at ruleIndex: Int, walk: Walk) -> Bool {
        guard let newest = history[index].newest else { return false }
        let entries: EntryQueue
        if rule.sameSlots.isEmpty {
            entries = history[index]
        } else {
            guard let key = Self.key(rule.sameSlots, walk.value), let bucket = buckets[ruleIndex][key] else { return false }
            entries = bucket
        }
        var counted = 0
        var i = entries.items.count - 1
        while i >= entries.head {
            let entry = entries.items[i]
            i -= 1
            if walk.now - entry.time > rule.timeframe { return false }
            var qualifies = true
            for slot in rule.differentSlots {
                guard let a = entry.values[slot], let b = walk.value(slot), a != b else { qualifies = false; break }
            }
            if !qualifies { continue }
            if entry.matched >= rule.level { return false }
            if counted < rule.frequencySkip {
                counted += 1
                continue
            }
            walk.currentEntry().matched = rule.level
            entry.matched = rule.level
            newest.matched = rule.level
            return true
        }
        return false
    }

    mutating func record(_ entry: CorrelationEntry, in index: Int, program: EvaluationProgram, now: Int64) {
        let horizon = program.historyHorizon[index]
        history[index].append(entry)
        history[index].prune(now: now, horizon: horizon)
        for searcher in program.sameFieldSearchers[index] {
            let rule = program.rules[searcher]
            guard let key = Self.key(rule.sameSlots, { entry.values[$0] }) else { continue }
            buckets[searcher][key, default: EntryQueue()].append(entry)
            buckets[searcher][key]?.prune(now: now, horizon: rule.timeframe)
        }
        // Now and then, drop buckets that only hold expired events.
        recordsSinceSweep += 1
        if recordsSinceSweep >= 10_000 {
            recordsSinceSweep = 0
            for searcher in program.sameFieldSearchers[index] {
                let timeframe = program.rules[searcher].timeframe
                buckets[searcher] = buckets[searcher].compactMapValues { queue in
                    var queue = queue
                    queue.prune(now: now, horizon: timeframe)
                    return queue.isEmpty ? nil : queue
                }
            }
        }
    }
}
