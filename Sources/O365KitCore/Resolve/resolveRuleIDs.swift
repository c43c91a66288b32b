/// The rule ids of one build, and the lock that records them.
public struct ResolvedIDs: Sendable {
    public var ids: [String: Int]
    public var lock: RuleLock

    public func id(for key: String) -> Int {
        // resolveRuleIDs assigns an id to every key it is given.
        ids[key]!
    }
}

/// Gives every key an id: its locked id if it has one (reviving a retired key with its old
/// id), otherwise the lowest id in the configured range that the lock has never used.
/// New keys are numbered in the order given, so callers pass them sorted and the result
/// is deterministic. Keys no longer present are retired, never deleted.
func resolveRuleIDs(keys: [String], lock: RuleLock, range: ClosedRange<Int>, diagnostics: DiagnosticCollector, lockPath: String) -> ResolvedIDs? {
    var lock = lock
    var used = Set(lock.rules.values.map(\.id))
    var next = range.lowerBound
    var ids: [String: Int] = [:]
    let wanted = Set(keys)
    for key in keys {
        if var entry = lock.rules[key] {
            entry.status = .active
            lock.rules[key] = entry
            ids[key] = entry.id
            continue
        }
        while used.contains(next) && next <= range.upperBound { next += 1 }
        guard next <= range.upperBound else {
            diagnostics.emit(.error("id-range-exhausted", "no free rule id left in \(range.lowerBound)-\(range.upperBound) for '\(key)'; widen wazuh.rule_ids in o365kit.yaml", at: SourceLocation(path: lockPath)))
            return nil
        }
        lock.rules[key] = RuleLock.Entry(id: next, status: .active)
        ids[key] = next
        used.insert(next)
    }
    for (key, entry) in lock.rules where !wanted.contains(key) && entry.status == .active {
        lock.rules[key]?.status = .retired
    }
    return ResolvedIDs(ids: ids, lock: lock)
}
