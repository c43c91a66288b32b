/// The set of delivered record Ids, with the day each was first delivered, in about 18 bytes a record.
///
/// An open-addressing table with linear probing over two flat arrays (keys, days), grown by half
/// when it is 85 % full. A `Dictionary<RecordKey, UInt16>` needs about twice that at the same size,
/// and four times at the moment it doubles; this index is the one structure of the collector that
/// grows with volume (it holds 8 days of Ids), so its size decides peak memory.
public struct RecordKeyIndex: Sendable {
    /// (0, 0) marks an empty slot; the real key (0, 0) is tracked on the side.
    private var keys: [RecordKey]
    private var days: [UInt16]
    private var zeroKeyDay: UInt16?
    /// How many keys are stored.
    public private(set) var count = 0

    public init(capacity: Int = 1_024) {
        let slots = max(16, Int(Double(capacity) / 0.85) + 1)
        keys = [RecordKey](repeating: RecordKey(hi: 0, lo: 0), count: slots)
        days = [UInt16](repeating: 0, count: slots)
    }

    @inline(__always)
    private static func slot(_ key: RecordKey, _ n: Int) -> Int {
        // Ids are GUIDs or SHA-256 prefixes, so mixing the halves and reducing by a multiply
        // (Lemire) spreads them well without a full Hasher.
        let h = (key.hi ^ (key.lo &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return Int(h.multipliedFullWidth(by: UInt64(n)).high)
    }

    /// The day `key` was first delivered, or nil if it never was.
    public func day(of key: RecordKey) -> UInt16? {
        if key.hi == 0 && key.lo == 0 { return zeroKeyDay }
        let n = keys.count
        var i = Self.slot(key, n)
        while true {
            let k = keys[i]
            if k == key { return days[i] }
            if k.hi == 0 && k.lo == 0 { return nil }
            i += 1
            if i == n { i = 0 }
        }
    }

    /// Whether `key` was delivered.
    public func contains(_ key: RecordKey) -> Bool { day(of: key) != nil }

    /// Adds `key` with `day` unless it is present (then its first day is kept).
    public mutating func insert(_ key: RecordKey, day: UInt16) {
        if key.hi == 0 && key.lo == 0 {
            if zeroKeyDay == nil { zeroKeyDay = day; count += 1 }
            return
        }
        if count + 1 > Int(Double(keys.count) * 0.85) { grow(to: keys.count + keys.count / 2) }
        let n = keys.count
        var i = Self.slot(key, n)
        while true {
            let k = keys[i]
            if k == key { return }
            if k.hi == 0 && k.lo == 0 {
                keys[i] = key
                days[i] = day
                count += 1
                return
            }
            i += 1
            if i == n { i = 0 }
        }
    }

    private mutating func grow(to slots: Int) {
        let oldKeys = keys, oldDays = days
        keys = [RecordKey](repeating: RecordKey(hi: 0, lo: 0), count: slots)
        days = [UInt16](repeating: 0, count: slots)
        let zero = zeroKeyDay
        count = 0
        zeroKeyDay = nil
        for j in 0..<oldKeys.count where !(oldKeys[j].hi == 0 && oldKeys[j].lo == 0) { insert(oldKeys[j], day: oldDays[j]) }
        if let zero { insert(RecordKey(hi: 0, lo: 0), day: zero) }
    }

    /// Every key with its day.
    public func forEach(_ body: (RecordKey, UInt16) -> Void) {
        if let z = zeroKeyDay { body(RecordKey(hi: 0, lo: 0), z) }
        for j in 0..<keys.count where !(keys[j].hi == 0 && keys[j].lo == 0) { body(keys[j], days[j]) }
    }

    /// Drops keys first delivered before `horizon`; returns how many.
    @discardableResult
    public mutating func removeAll(before horizon: UInt16) -> Int {
        var kept = RecordKeyIndex(capacity: count)
        forEach { k, d in if d >= horizon { kept.insert(k, day: d) } }
        let removed = count - kept.count
        if removed > 0 { self = kept }
        return removed
    }
}
