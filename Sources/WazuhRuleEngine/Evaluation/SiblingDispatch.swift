/// An index over a long sibling list so that an event only visits the children that can match.
///
/// Most children require one field to equal a literal (`^FileDownloaded$`). Such a child can
/// only match when the event's value, folded to lower case, equals that literal, so children
/// are bucketed by (slot, hash of the folded literal). At run time the candidates are the
/// buckets for the event's values plus the children without such a requirement, visited in
/// their original order; each candidate is still checked in full, so a hash collision only
/// costs a check, never a wrong answer.
struct SiblingDispatch: Sendable {
    struct Key: Hashable, Sendable {
        var node: Int32
        var slot: Int32
        var hash: UInt64
    }
    /// Per node: the slots its buckets use (empty when the node has no index).
    let slots: [[Int32]]
    /// Per node: positions (into its child list) of children without a literal requirement.
    let unconstrained: [[Int32]]
    let buckets: [Key: [Int32]]

    /// Below this many children a plain scan is as fast.
    static let minimumChildren = 8

    init(childLists: [[Int32]], nodeRule: [Int32], fieldStart: [Int32], fieldEnd: [Int32],
         checks: [FieldCheck], pool: [UInt8]) {
        var slots = [[Int32]](repeating: [], count: childLists.count)
        var unconstrained = [[Int32]](repeating: [], count: childLists.count)
        var buckets: [Key: [Int32]] = [:]
        for (node, children) in childLists.enumerated() where children.count >= Self.minimumChildren {
            var nodeSlots = Set<Int32>()
            for (position, child) in children.enumerated() {
                let rule = Int(nodeRule[Int(child)])
                let requirement = checks[Int(fieldStart[rule])..<Int(fieldEnd[rule])].first { $0.kind == .equal && !$0.negate }
                guard let requirement else {
                    unconstrained[node].append(Int32(position))
                    continue
                }
                let literal = pool[Int(requirement.literalStart)..<Int(requirement.literalStart + requirement.literalCount)]
                let key = Key(node: Int32(node), slot: requirement.slot, hash: Self.hash(literal))
                buckets[key, default: []].append(Int32(position))
                nodeSlots.insert(requirement.slot)
            }
            slots[node] = nodeSlots.sorted()
        }
        self.slots = slots
        self.unconstrained = unconstrained
        self.buckets = buckets
    }

    /// FNV-1a of the bytes folded to ASCII lower case.
    @inline(__always)
    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(asciiLower(b))) &* 0x100000001b3 }
        return h
    }
}
