import Crypto
import Foundation

/// What the Id index stores for a record: the minute of its CreationTime and a 64-bit hash of its
/// Id (or, for a record without an Id, of its bytes).
///
/// A repeated record is the same audit record delivered again, so it carries the same Id and the
/// same CreationTime; keying the index by the minute first keeps the records of one blob next to
/// each other in the database (a few pages, not one random page per record) and lets old minutes
/// be dropped as a range. A 64-bit hash is enough because two keys only meet when they share a
/// minute: at 20 M records a day (about 14,000 a minute) the chance of any collision in 8 days is
/// about 1 in 16 million, where 64 bits over the whole 160 M-Id window would be about 1 in 1,400.
public struct DedupeKey: Hashable, Sendable {
    /// Minutes since 1970 of CreationTime; `unknownMinute` when it is missing or unreadable.
    public var minute: Int64
    public var hash: Int64

    /// The minute used when a record has no readable CreationTime.
    public static let unknownMinute: Int64 = 0

    public init(minute: Int64, hash: Int64) {
        self.minute = minute
        self.hash = hash
    }

    /// The key of a scanned record of `blob`, and its 128-bit Id key when it has an Id.
    public static func keys(of r: ScannedRecord, in blob: UnsafeRawBufferPointer) -> (DedupeKey, RecordKey?) {
        var cache = MinuteCache()
        return keys(of: r, in: blob, cache: &cache)
    }

    /// The last CreationTime prefix parsed and its minute: the records of a blob mostly share a
    /// minute, and comparing 16 bytes is cheaper than parsing them.
    public struct MinuteCache {
        var start: Int?
        var minute: Int64 = DedupeKey.unknownMinute
        public init() {}
        init(start: Int, minute: Int64) {
            self.start = start
            self.minute = minute
        }
    }

    /// As `keys(of:in:)`, reusing the minute of an earlier record of the same blob whose
    /// CreationTime starts with the same 16 bytes.
    public static func keys(of r: ScannedRecord, in blob: UnsafeRawBufferPointer, cache: inout MinuteCache) -> (DedupeKey, RecordKey?) {
        var minute = unknownMinute
        if let ct = r.creationTime {
            // The minute depends on `YYYY-MM-DDTHH:MM`, the first 16 bytes, alone (so that the key
            // is a function of those bytes and a cached minute is exactly what parsing would give);
            // a shorter value (a bare date) is parsed whole.
            if ct.count >= 16 {
                if let last = cache.start, memcmp(blob.baseAddress! + ct.lowerBound, blob.baseAddress! + last, 16) == 0 {
                    minute = cache.minute
                } else {
                    if let epoch = UTCTime.parse(UnsafeRawBufferPointer(rebasing: blob[ct.lowerBound..<(ct.lowerBound + 16)])) {
                        minute = Int64((epoch / 60).rounded(.down))
                    }
                    cache = MinuteCache(start: ct.lowerBound, minute: minute)
                }
            } else if let epoch = UTCTime.parse(UnsafeRawBufferPointer(rebasing: blob[ct])) {
                minute = Int64((epoch / 60).rounded(.down))
            }
        }
        if let id = r.id {
            let idKey = RecordKey(idBytes: UnsafeRawBufferPointer(rebasing: blob[id]))
            return (DedupeKey(minute: minute, hash: hash(idKey)), idKey)
        }
        // No Id: the record's own bytes are its identity (a record repeated byte for byte).
        return (DedupeKey(minute: minute, hash: hash(RecordKey(sha256Of: UnsafeRawBufferPointer(rebasing: blob[r.range])))), nil)
    }

    /// Folds the 128-bit key to 64 bits. Each half goes through a bijective mixer (splitmix64's
    /// finalizer) first, so Ids that differ in only a few bits (as generated ones do) still differ
    /// everywhere and do not cancel out.
    public static func hash(_ key: RecordKey) -> Int64 {
        Int64(bitPattern: mix(key.hi) ^ (mix(key.lo ^ 0x9E37_79B9_7F4A_7C15) &* 0x94D0_49BB_1331_11EB))
    }

    static func mix(_ x0: UInt64) -> UInt64 {
        var x = x0
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }
}

extension RecordKey {
    /// The first 128 bits of the SHA-256 of `bytes`.
    init(sha256Of bytes: UnsafeRawBufferPointer) {
        let digest = SHA256.hash(data: bytes)
        var hi: UInt64 = 0, lo: UInt64 = 0
        digest.withUnsafeBytes { d in
            for k in 0..<8 { hi = hi << 8 | UInt64(d[k]) }
            for k in 8..<16 { lo = lo << 8 | UInt64(d[k]) }
        }
        self.init(hi: hi, lo: lo)
    }
}
