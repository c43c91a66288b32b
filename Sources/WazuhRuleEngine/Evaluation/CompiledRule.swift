/// A rule prepared for fast evaluation: field names resolved to slots, lists resolved,
/// correlation parameters normalised the way analysisd stores them.
struct CompiledRule: Sendable {
    struct Field: Sendable {
        let slot: Int
        let pattern: FieldPattern
        let negate: Bool
    }
    struct List: Sendable {
        let slot: Int
        let lookup: ListLookup
        let checkValue: OSMatch?
        let list: CDBList
    }

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
}

/// Interns the field names that rules refer to, so each event resolves them once.
struct FieldSlots: Sendable {
    private(set) var slotByLowercasedName: [String: Int] = [:]

    var count: Int { slotByLowercasedName.count }

    mutating func slot(_ name: String) -> Int {
        let key = name.lowercased()
        if let slot = slotByLowercasedName[key] { return slot }
        let slot = slotByLowercasedName.count
        slotByLowercasedName[key] = slot
        return slot
    }
}
