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
