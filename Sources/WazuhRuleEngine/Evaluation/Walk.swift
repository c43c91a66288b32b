import Foundation

/// One event's pass through the tree: slot values gathered once into a byte buffer.
final class Walk {
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
            let key = list.staticKeys.map { keys in keys.lazy.compactMap { self.event.staticFields[$0] }.first } ?? value(list.slot)
            guard let key, Self.lookup(list, key) else { return false }
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
            return condition.checkValue?.matches(value) ?? false
        case .addressMatchKeyValue:
            // analysisd inverts this lookup (`OS_DBSearch` returns 1 when the search returned 0):
            // it holds when the address is absent or its value fails `check_value`.
            guard let value = list.value(forAddress: key) else { return true }
            return !(condition.checkValue?.matches(value) ?? false)
        }
    }
}
