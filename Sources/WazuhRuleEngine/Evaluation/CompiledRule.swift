/// A rule prepared for fast evaluation: field names resolved to slots, lists resolved,
/// correlation parameters normalised the way analysisd stores them. A class, so the hot loop
/// passes one reference instead of copying a struct full of references.
final class CompiledRule: Sendable {
    struct Field: Sendable {
        let slot: Int
        let pattern: FieldPattern
        let negate: Bool
    }
    struct List: Sendable {
        let slot: Int
        /// Set when `field` names a static field (`srcip`, `user`, …): the keys of the decoded
        /// event's static fields to try, in order.
        let staticKeys: [String]?
        let lookup: ListLookup
        let checkValue: OSMatch?
        let list: CDBList
    }

    /// `<list field>` names that analysisd reads from static fields, and the json decoder keys
    /// that fill them (`user` is the source user, else the destination user).
    static let staticListFields: [String: [String]] = [
        "srcip": ["srcip"], "srcport": ["srcport"], "dstip": ["dstip"], "dstport": ["dstport"],
        "user": ["srcuser", "dstuser"], "url": ["url"], "id": ["id"], "status": ["status"],
        "action": ["action"], "system_name": ["systemname"], "protocol": ["protocol"], "data": ["data"],
        "hostname": [], "program_name": [], "extra_data": [],
    ]

    let id: Int
    let level: Int
    let noalert: Bool
    let decodedAs: String?
    let match: PatternCondition?
    let regex: PatternCondition?
    let location: PatternCondition?
    let fields: [Field]
    let lists: [List]
    /// Never matches: uses an element this evaluator does not implement.
    let unsupported: Bool

    /// Index of the rule whose history `if_matched_sid` searches, if any.
    let matchedHistory: Int?
    /// `frequency - 2` as analysisd stores it (0 without the attribute): the number of
    /// earlier qualifying events to skip before the one that completes the count.
    let frequencySkip: Int
    /// Seconds; analysisd's default timeframe is 360.
    let timeframe: Int64
    let sameSlots: [Int]
    let differentSlots: [Int]
    let ignore: Int64

    let description: DescriptionTemplate
    let groups: [String]
    let mitreIDs: [String]

    static let defaultTimeframe: Int64 = 360

    init(id: Int, level: Int, noalert: Bool, decodedAs: String?, match: PatternCondition?,
         regex: PatternCondition?, location: PatternCondition?, fields: [Field], lists: [List],
         unsupported: Bool, matchedHistory: Int?, frequencySkip: Int, timeframe: Int64,
         sameSlots: [Int], differentSlots: [Int], ignore: Int64, description: DescriptionTemplate,
         groups: [String], mitreIDs: [String]) {
        self.id = id
        self.level = level
        self.noalert = noalert
        self.decodedAs = decodedAs
        self.match = match
        self.regex = regex
        self.location = location
        self.fields = fields
        self.lists = lists
        self.unsupported = unsupported
        self.matchedHistory = matchedHistory
        self.frequencySkip = frequencySkip
        self.timeframe = timeframe
        self.sameSlots = sameSlots
        self.differentSlots = differentSlots
        self.ignore = ignore
        self.description = description
        self.groups = groups
        self.mitreIDs = mitreIDs
    }
}

/// Interns the field names that rules refer to, so each event resolves them once.
/// Names compare ASCII case-insensitively, like Wazuh's `strcasecmp` in `FindField`.
struct FieldSlots: Sendable {
    private(set) var names: [[UInt8]] = []
    private var slotByName: [[UInt8]: Int] = [:]

    var count: Int { names.count }

    mutating func slot(_ name: String) -> Int {
        let key = name.utf8.map(asciiLower)
        if let slot = slotByName[key] { return slot }
        names.append(key)
        slotByName[key] = names.count - 1
        return names.count - 1
    }
}

/// An open-addressing table from lower-cased field name bytes to slots, probed straight from
/// an event's key bytes without building strings.
struct SlotTable: Sendable {
    private let names: [[UInt8]]
    private let table: [Int32]
    private let mask: Int

    init(_ slots: FieldSlots) {
        names = slots.names
        var size = 16
        while size < names.count * 4 { size *= 2 }
        var table = [Int32](repeating: -1, count: size)
        for (slot, name) in names.enumerated() {
            var i = Self.hash(name.withUnsafeBufferPointer { $0 }) & (size - 1)
            while table[i] >= 0 { i = (i + 1) & (size - 1) }
            table[i] = Int32(slot)
        }
        self.table = table
        self.mask = size - 1
    }

    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf29ce484222325
        for b in key { h = (h ^ UInt64(asciiLower(b))) &* 0x100000001b3 }
        return Int(truncatingIfNeeded: h >> 1)
    }

    /// The slot of the field named by `key` (any case), or -1.
    @inline(__always)
    func slot(for key: UnsafeBufferPointer<UInt8>) -> Int {
        var i = Self.hash(key) & mask
        while true {
            let slot = Int(table[i])
            if slot < 0 { return -1 }
            let name = names[slot]
            if name.count == key.count {
                var same = true
                var j = 0
                while j < key.count {
                    if asciiLower(key[j]) != name[j] { same = false; break }
                    j += 1
                }
                if same { return slot }
            }
            i = (i + 1) & mask
        }
    }
}
