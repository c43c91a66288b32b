/// An earlier event remembered for correlation; `matched` is shared and mutable as in analysisd.
final class CorrelationEntry: @unchecked Sendable {
    let time: Int64
    /// Values of the correlation slots (nil when the field is missing).
    let values: [String?]
    var matched = 0
    /// Its place in the event memory (`EventMemory`), once remembered.
    var sequence = Int.max

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

/// analysisd's event memory (`EventList`, `eventinfo_list.c`): every event that ends at a rule
/// of level > 0 (and is not ignored) is remembered, at most `memory_size` of them (8192 by
/// default, `<global><memory_size>`). When one more arrives, at least the 10 oldest go, and
/// then every one older than `_max_freq` seconds; a forgotten event also leaves every
/// `if_matched_sid` list, so correlations only ever see the newest ~8,000 alerts.
struct EventMemory: Sendable {
    static let defaultSize = 8192
    let size: Int
    let maxFrequency: Int64
    /// Times of the remembered events, oldest first from `head`.
    private var times: [Int64] = []
    private var head = 0
    /// Sequence number of the next remembered event; those below `forgottenBefore` are gone.
    private(set) var next = 0
    private(set) var forgottenBefore = 0

    init(size: Int, maxFrequency: Int64) {
        // analysisd raises a smaller memory_size to 2048.
        self.size = max(size, 2048)
        self.maxFrequency = maxFrequency
    }

    /// Remembers the current event (after its rules were matched, as `OS_AddEvent` runs last).
    mutating func remember(_ entry: CorrelationEntry?, now: Int64) {
        entry?.sequence = next
        next += 1
        times.append(now)
        guard next - forgottenBefore > size else { return }
        var dropped = 0
        while forgottenBefore < next - 1, dropped < 10 || now - times[head] > maxFrequency {
            forgottenBefore += 1
            head += 1
            dropped += 1
        }
        if head > 4096 {
            times.removeFirst(head)
            head = 0
        }
    }
}

/// Per-evaluator memory of earlier events (`Search_LastSids` lists) and `ignore` times.
struct CorrelationState: Sendable {
    var memory: EventMemory
    /// Per rule: events whose final rule it was (only for rules something correlates on).
    var history: [EntryQueue]
    /// Per searching rule with `same_field`: the same history split by the same-field values.
    var buckets: [[String: EntryQueue]]
    var timeIgnored: [Int64?]
    private var recordsSinceSweep = 0

    init(_ program: EvaluationProgram, memorySize: Int = EventMemory.defaultSize) {
        memory = EventMemory(size: memorySize, maxFrequency: program.maxFrequency)
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

    /// `Search_LastSids`: walk earlier events newest first within the timeframe, skipping
    /// those that differ in a `same_field` or share a `different_field` value (a missing value
    /// never counts as shared); stop at one already counted for an alert of this level or
    /// higher; fire on the qualifying event that completes `frequency` (counting the current
    /// one). Firing marks the current event and the newest counted one, as analysisd does.
    /// Events the memory has forgotten are not there any more.
    ///
    /// Events that differ in a `same_field` are skipped without effect, so they are looked up
    /// in a per-value bucket instead of being walked over; the outcome is the same. All events
    /// are taken to come from one agent (the office365 wodle runs on the manager).
    mutating func search(_ index: Int, for rule: CompiledRule, at ruleIndex: Int, walk: Walk) -> Bool {
        let entries: EntryQueue
        if rule.sameSlots.isEmpty {
            entries = history[index]
        } else {
            guard let key = Self.key(rule.sameSlots, walk.value), let bucket = buckets[ruleIndex][key] else { return false }
            entries = bucket
        }
        var counted = 0
        var firstCounted: CorrelationEntry?
        var i = entries.items.count - 1
        while i >= entries.head {
            let entry = entries.items[i]
            i -= 1
            // Older entries are forgotten too: the memory drops the oldest first.
            if entry.sequence < memory.forgottenBefore { return false }
            if walk.now - entry.time > rule.timeframe { return false }
            var shared = false
            for slot in rule.differentSlots {
                if let a = entry.values[slot], let b = walk.value(slot), a == b { shared = true; break }
            }
            if shared { continue }
            if entry.matched >= rule.level { return false }
            if counted < rule.frequencySkip {
                counted += 1
                if firstCounted == nil { firstCounted = entry }
                continue
            }
            walk.currentEntry().matched = rule.level
            firstCounted?.matched = rule.level
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
