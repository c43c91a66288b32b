import Foundation
import O365KitCore

/// The semantic difference between two mapping trees, as a reviewer reads it: what is
/// mapped, to what, at which level, with which rule id, which ATT&CK techniques are
/// covered per tactic, and which findings the change brings. Every list is sorted.
public struct MappingDiff: Sendable, Codable, Hashable {
    /// A technique with the names a reviewer needs.
    public struct TechniqueRef: Sendable, Codable, Hashable, Comparable {
        public var id: String
        public var name: String
        public var tactics: [String]
        public static func < (a: Self, b: Self) -> Bool { a.id < b.id }
    }

    /// An entry present on one side only.
    public struct Entry: Sendable, Codable, Hashable {
        public var kind: String
        public var key: String
        public var name: String
        public var ruleID: Int?
        public var level: Int?
        public var techniques: [TechniqueRef]
    }

    /// An entry on both sides whose meaning changed.
    public struct Change: Sendable, Codable, Hashable {
        public var kind: String
        public var key: String
        public var name: String
        public var ruleID: Int?
        /// Set when the techniques changed.
        public var techniquesBefore: [TechniqueRef]?
        public var techniquesAfter: [TechniqueRef]?
        /// Set when the level changed.
        public var levelBefore: Int?
        public var levelAfter: Int?
        /// Other attributes that changed (detections), by name, with both values.
        public var attributes: [AttributeChange]
    }

    public struct AttributeChange: Sendable, Codable, Hashable {
        public var name: String
        public var before: String?
        public var after: String?
    }

    public struct RuleID: Sendable, Codable, Hashable {
        public var key: String
        public var id: Int
    }

    /// A key whose rule id changed: alerts, dashboards and site rules that name the old id
    /// break, so a move counts as a removal.
    public struct RuleIDMove: Sendable, Codable, Hashable {
        public var key: String
        public var before: Int
        public var after: Int
    }

    /// Techniques gained and lost under one tactic.
    public struct Coverage: Sendable, Codable, Hashable {
        public var tactic: String
        public var gained: [TechniqueRef]
        public var lost: [TechniqueRef]
    }

    public struct Finding: Sendable, Codable, Hashable {
        public var severity: String
        public var id: String
        public var message: String
        public var location: String
    }

    public var base: String
    public var head: String
    public var added: [Entry]
    public var removed: [Entry]
    /// Techniques changed (remapped), level changed, or detection attributes changed.
    public var changed: [Change]
    public var allocated: [RuleID]
    public var retired: [RuleID]
    /// Retired keys that came back with their old id.
    public var revived: [RuleID]
    /// Keys whose id differs between the sides (a hand-edited or deleted lock).
    public var moved: [RuleIDMove]
    public var coverage: [Coverage]
    /// Findings on head that base did not have, and findings base had that head does not.
    public var introduced: [Finding]
    public var resolved: [Finding]

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && changed.isEmpty && allocated.isEmpty && retired.isEmpty && revived.isEmpty && moved.isEmpty
            && coverage.isEmpty && introduced.isEmpty && resolved.isEmpty
    }

    /// Compares two snapshots. Technique names and tactics come from each side's own
    /// ATT&CK catalog.
    public init(base: MappingSnapshot, head: MappingSnapshot, baseLabel: String, headLabel: String) {
        self.base = baseLabel
        self.head = headLabel
        func refs(_ ids: [String], _ side: MappingSnapshot) -> [TechniqueRef] {
            ids.map { id in
                let t = side.catalog?.techniques[id]
                return TechniqueRef(id: id, name: side.catalog?.displayName(of: id) ?? id, tactics: t?.tactics ?? [])
            }
        }
        func entry(_ e: MappingSnapshot.Entry, _ side: MappingSnapshot) -> Entry {
            Entry(kind: e.kind, key: e.key, name: e.name, ruleID: side.lock.rules[e.key]?.id, level: e.level, techniques: refs(e.techniques, side))
        }
        added = head.entries.keys.filter { base.entries[$0] == nil }.sorted().map { entry(head.entries[$0]!, head) }
        removed = base.entries.keys.filter { head.entries[$0] == nil }.sorted().map { entry(base.entries[$0]!, base) }
        changed = base.entries.keys.sorted().compactMap { key -> Change? in
            guard let old = base.entries[key], let new = head.entries[key] else { return nil }
            var change = Change(kind: new.kind, key: key, name: new.name, ruleID: head.lock.rules[key]?.id ?? base.lock.rules[key]?.id, attributes: [])
            if old.techniques != new.techniques {
                change.techniquesBefore = refs(old.techniques, base)
                change.techniquesAfter = refs(new.techniques, head)
            }
            // A level is unknown on a side whose detections or tables do not validate; that
            // side's findings say why, and an unknown level is no change.
            if old.level != new.level, old.level != nil, new.level != nil {
                change.levelBefore = old.level
                change.levelAfter = new.level
            }
            for name in Set(old.attributes.keys).union(new.attributes.keys).sorted() where old.attributes[name] != new.attributes[name] {
                change.attributes.append(AttributeChange(name: name, before: old.attributes[name], after: new.attributes[name]))
            }
            let same = change.techniquesBefore == nil && change.levelBefore == nil && change.levelAfter == nil && change.attributes.isEmpty
            return same ? nil : change
        }

        var allocated: [RuleID] = [], retired: [RuleID] = [], revived: [RuleID] = [], moved: [RuleIDMove] = []
        for key in Set(base.lock.rules.keys).union(head.lock.rules.keys).sorted() {
            let old = base.lock.rules[key], new = head.lock.rules[key]
            if let old, let new, old.id != new.id {
                moved.append(RuleIDMove(key: key, before: old.id, after: new.id))
                continue
            }
            switch (old?.status, new?.status) {
            case (nil, .active?): allocated.append(RuleID(key: key, id: new!.id))
            case (.active?, .retired?): retired.append(RuleID(key: key, id: new!.id))
            case (.active?, nil): retired.append(RuleID(key: key, id: old!.id))
            case (.retired?, .active?): revived.append(RuleID(key: key, id: new!.id))
            default: break
            }
        }
        self.allocated = allocated
        self.retired = retired
        self.revived = revived
        self.moved = moved

        func covered(_ side: MappingSnapshot) -> [String: Set<String>] {
            var byTactic: [String: Set<String>] = [:]
            for e in side.entries.values {
                // An id the side's catalog does not know covers nothing (its finding is reported).
                for id in e.techniques {
                    for tactic in side.catalog?.techniques[id]?.tactics ?? [] { byTactic[tactic, default: []].insert(id) }
                }
            }
            return byTactic
        }
        let before = covered(base), after = covered(head)
        let order = Dictionary((head.catalog?.tactics ?? base.catalog?.tactics ?? []).map { ($0.shortname, $0.order) }, uniquingKeysWith: { a, _ in a })
        coverage = Set(before.keys).union(after.keys)
            .sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
            .compactMap { tactic in
                let old = before[tactic] ?? [], new = after[tactic] ?? []
                let gained = refs(new.subtracting(old).sorted(), head), lost = refs(old.subtracting(new).sorted(), base)
                return gained.isEmpty && lost.isEmpty ? nil : Coverage(tactic: tactic, gained: gained, lost: lost)
            }

        // Findings compare without line numbers, which shift with every edit above them.
        func key(_ d: Diagnostic) -> String { "\(d.severity.rawValue)\u{1}\(d.id)\u{1}\(d.message)\u{1}\(d.location.path)" }
        func finding(_ d: Diagnostic) -> Finding {
            Finding(severity: d.severity.rawValue, id: d.id, message: d.message, location: d.location.description)
        }
        let baseKeys = Set(base.findings.map(key)), headKeys = Set(head.findings.map(key))
        introduced = head.findings.filter { $0.severity != .note && !baseKeys.contains(key($0)) }.map(finding)
        resolved = base.findings.filter { $0.severity != .note && !headKeys.contains(key($0)) }.map(finding)
    }

    /// Whether a `--fail-on` gate trips: `error` (an error finding introduced), `warning`
    /// (an error or warning introduced), `removal` (an entry removed or a rule id retired).
    public func fails(on gate: String) -> Bool {
        switch gate {
        case "error": return introduced.contains { $0.severity == "error" }
        case "warning": return introduced.contains { $0.severity == "error" || $0.severity == "warning" }
        case "removal": return !removed.isEmpty || !retired.isEmpty || !moved.isEmpty
        default: return false
        }
    }
}
