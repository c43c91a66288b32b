/// What an old tenant journal (`StateJournal`) holds, read into memory once to be imported into
/// the tenant's `StateStore`.
public struct TenantState: Sendable {
    /// Days since 1970 (UTC); the unit in which ids and ledger entries age out.
    public typealias Day = UInt16

    /// Per content type: the listing start of the next pass (seconds since 1970).
    public var checkpoints: [String: Int64] = [:]
    /// Content ids already delivered (or given up as lost), with the day they were settled.
    public var ledger: [String: Day] = [:]
    /// Record Ids already delivered, with the day they were first delivered.
    public var delivered = RecordKeyIndex()
    /// The committed end offset of each exactly-once file sink, keyed by `jsonl:<path>`.
    public var sinkOffsets: [String: Int64] = [:]

    public init() {}

    /// Applies a committed transaction.
    public mutating func apply(_ t: StateTransaction) {
        let day = Self.day(of: t.time)
        for (ct, time) in t.checkpoints { checkpoints[ct] = time }
        for id in t.contentIds { ledger[id] = day }
        for key in t.recordKeys { delivered.insert(key, day: day) }
        for (sink, offset) in t.sinkOffsets { sinkOffsets[sink] = offset }
    }

    /// The day number of `epoch` seconds.
    public static func day(of epoch: Int64) -> Day { Day(clamping: max(0, epoch / 86_400)) }
}

/// One atomic change to a tenant's state: usually "this blob is delivered, with these Ids, and the
/// files now end here"; or "this content type's checkpoint moves".
public struct StateTransaction: Sendable, Equatable {
    /// When it was committed (seconds since 1970); decides the day its Ids age from.
    public var time: Int64
    public var checkpoints: [(String, Int64)] = []
    public var contentIds: [String] = []
    public var recordKeys: [RecordKey] = []
    public var sinkOffsets: [(String, Int64)] = []

    public init(time: Int64) { self.time = time }

    public static func == (a: Self, b: Self) -> Bool {
        a.time == b.time && a.checkpoints.elementsEqual(b.checkpoints, by: ==) && a.contentIds == b.contentIds
            && a.recordKeys == b.recordKeys && a.sinkOffsets.elementsEqual(b.sinkOffsets, by: ==)
    }
}
