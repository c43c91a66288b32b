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
    private let ruleSet: RuleSet
    private let compiled: [CompiledRule]
    private let slots: FieldSlots
    /// For each rule index: whether some rule correlates on it (`if_matched_sid`).
    private let keepsHistory: [Bool]
    /// For each rule index with history: the longest timeframe that searches it.
    private let historyHorizon: [Int64]

    private var history: [[CorrelationEntry]]
    private var timeIgnored: [Int64?]

    /// Prepares `ruleSet` for evaluation.
    public init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        var slots = FieldSlots()
        var indexByID: [Int: Int] = [:]
        for (i, rule) in ruleSet.rules.enumerated() { indexByID[rule.id] = i }
        var compiled: [CompiledRule] = []
        var keeps = [Bool](repeating: false, count: ruleSet.rules.count)
        var horizon = [Int64](repeating: 0, count: ruleSet.rules.count)
        for rule in ruleSet.rules {
            let matchedHistory = rule.ifMatchedSid.flatMap { indexByID[$0] }
            let timeframe = Int64(rule.timeframe ?? Int(CompiledRule.defaultTimeframe))
            if let h = matchedHistory {
                keeps[h] = true
                horizon[h] = max(horizon[h], timeframe)
            }
            compiled.append(CompiledRule(
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
                timeframe: timeframe,
                sameSlots: rule.sameFields.map { slots.slot($0) },
                differentSlots: rule.differentFields.map { slots.slot($0) },
                ignore: Int64(rule.ignore ?? 0),
                description: DescriptionTemplate(rule.description),
                groups: rule.groups, mitreIDs: rule.mitreIDs))
        }
        self.compiled = compiled
        self.slots = slots
        self.keepsHistory = keeps
        self.historyHorizon = horizon
        self.history = Array(repeating: [], count: ruleSet.rules.count)
        self.timeIgnored = Array(repeating: nil, count: ruleSet.rules.count)
    }

    /// Evaluates one event received at `time` and returns the rule it ends at, or nil
    /// when no rule matches. Events must be given in time order.
    public mutating func evaluate(_ event: DecodedEvent, at time: Date) -> Alert? {
        let now = Int64(time.timeIntervalSince1970.rounded(.down))
        var view = EventView(event: event, slotCount: slots.count)
        for (i, field) in event.fields.enumerated() {
            if let slot = slots.slotByLowercasedName[field.lowercasedKey], view.slots[slot] < 0 {
                view.slots[slot] = Int32(i)
            }
        }
        let current = CorrelationEntry(time: now, view: view)

        var path: [Int] = []
        var final: [Int]?
        for root in ruleSet.roots {
            if check(node: root, view: view, current: current, now: now, path: &path) {
                final = path
                break
            }
        }
        guard let final, let last = final.last else { return nil }
        let ruleIndex = ruleSet.nodes[last].rule
        let rule = compiled[ruleIndex]
        let chain = final.map { compiled[ruleSet.nodes[$0].rule].id }
        func alert(_ generates: Bool) -> Alert {
            Alert(ruleID: rule.id, level: rule.level, description: rule.description.expand(event),
                  groups: rule.groups, mitreIDs: rule.mitreIDs, chain: chain, generatesAlert: generates)
        }
        if rule.level == 0 { return alert(false) }
        if rule.ignore > 0 {
            if let since = timeIgnored[ruleIndex] {
                if now - since < rule.ignore { return alert(false) }
                timeIgnored[ruleIndex] = nil
            } else {
                timeIgnored[ruleIndex] = now
            }
        }
        if keepsHistory[ruleIndex] { record(current, in: ruleIndex, now: now) }
        return alert(true)
    }

    /// Depth-first match of `node`; on success `path` holds the nodes from here to the final one.
    private func check(node: Int, view: EventView, current: CorrelationEntry, now: Int64, path: inout [Int]) -> Bool {
        let n = ruleSet.nodes[node]
        let rule = compiled[n.rule]
        guard matches(rule, view: view, current: current, now: now) else { return false }
        path.append(node)
        for child in n.children {
            if check(node: child, view: view, current: current, now: now, path: &path) { return true }
        }
        if rule.noalert {
            path.removeLast()
            return false
        }
        return true
    }

    private func matches(_ rule: CompiledRule, view: EventView, current: CorrelationEntry, now: Int64) -> Bool {
        if rule.unsupported { return false }
        let event = view.event
        if let decoder = rule.decodedAs, decoder != event.decoder { return false }
        if let match = rule.match, !test(match, event.log) { return false }
        if let regex = rule.regex, !test(regex, event.log) { return false }
        if let location = rule.location, !test(location, event.location) { return false }
        for field in rule.fields {
            guard let hit = view.withValue(field.slot, { field.pattern.matches(bytes: $0) }) else { return false }
            if hit == field.negate { return false }
        }
        for list in rule.lists {
            guard let value = view.string(list.slot) else { return false }
            if !Self.lookup(list, value) { return false }
        }
        if let history = rule.matchedHistory {
            return searchHistory(history, for: rule, current: current, now: now)
        }
        return true
    }

    private func test(_ condition: PatternCondition, _ s: String) -> Bool {
        condition.pattern.matches(s) != condition.negate
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

    /// `Search_LastSids`: walk earlier events newest first within the timeframe; stop at one
    /// already counted for an alert of this level or higher; fire on the qualifying event that
    /// completes `frequency` (counting the current one) and mark the events involved.
    private func searchHistory(_ index: Int, for rule: CompiledRule, current: CorrelationEntry, now: Int64) -> Bool {
        let entries = history[index]
        guard let newest = entries.last else { return false }
        var counted = 0
        for entry in entries.reversed() {
            if now - entry.time > rule.timeframe { return false }
            var qualifies = true
            for slot in rule.sameSlots {
                guard let a = entry.view.string(slot), let b = current.view.string(slot), a == b else { qualifies = false; break }
            }
            if qualifies {
                for slot in rule.differentSlots {
                    guard let a = entry.view.string(slot), let b = current.view.string(slot), a != b else { qualifies = false; break }
                }
            }
            if !qualifies { continue }
            if entry.matched >= rule.level { return false }
            if counted < rule.frequencySkip {
                counted += 1
                continue
            }
            current.matched = rule.level
            entry.matched = rule.level
            newest.matched = rule.level
            return true
        }
        return false
    }

    private mutating func record(_ entry: CorrelationEntry, in index: Int, now: Int64) {
        history[index].append(entry)
        // Forget what no timeframe can reach any more.
        let horizon = historyHorizon[index]
        if let firstKept = history[index].firstIndex(where: { now - $0.time <= horizon }), firstKept > 0 {
            history[index].removeFirst(firstKept)
        }
    }
}

/// An event with the rule field names resolved to positions in its field list.
struct EventView: Sendable {
    let event: DecodedEvent
    var slots: [Int32]

    init(event: DecodedEvent, slotCount: Int) {
        self.event = event
        self.slots = [Int32](repeating: -1, count: slotCount)
    }

    func string(_ slot: Int) -> String? {
        let i = slots[slot]
        return i < 0 ? nil : event.fields[Int(i)].value
    }

    /// Runs `body` over the UTF-8 bytes of the field in `slot`; nil when the field is missing.
    @inline(__always)
    func withValue<R>(_ slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let i = slots[slot]
        if i < 0 { return nil }
        var value = event.fields[Int(i)].value
        return value.withUTF8(body)
    }
}

/// An earlier event remembered for correlation; `matched` is shared and mutable as in analysisd.
final class CorrelationEntry: @unchecked Sendable {
    let time: Int64
    let view: EventView
    var matched = 0

    init(time: Int64, view: EventView) {
        self.time = time
        self.view = view
    }
}
