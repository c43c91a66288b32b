import Crypto
import Foundation

/// What the Id index stores for a record: the second of its CreationTime and a 64-bit hash of its
/// Id (or, for a record without an Id, of its bytes).
///
/// A repeated record is the same audit record delivered again, so it carries the same Id and the
/// same CreationTime; keying the index by the time first keeps the records of one blob next to each
/// other in the database (a few pages, not one random page per record) and lets old minutes be
/// dropped as ranges. A 64-bit hash is enough because two keys only meet when they share a second:
/// at 20 M records a day (about 230 a second) the chance of any collision in 8 days is about 1 in
/// a billion, where 64 bits over the whole 160 M-Id window would be about 1 in 1,400.
public struct DedupeKey: Hashable, Sendable {
    /// Seconds since 1970 of CreationTime; `unknownSecond` when it is missing or unreadable.
    public var second: Int64
    public var hash: Int64

    /// The second used when a record has no readable CreationTime.
    public static let unknownSecond: Int64 = 0

    public init(second: Int64, hash: Int64) {
        self.second = second
        self.hash = hash
    }

    /// The minute of `second`, the unit in which the index expires.
    public var minute: Int64 { second >= 0 ? second / 60 : (second - 59) / 60 }

    /// The key of a scanned record of `blob`, and its 128-bit Id key when it has an Id.
    public static func keys(of r: ScannedRecord, in blob: UnsafeRawBufferPointer) -> (DedupeKey, RecordKey?) {
        var cache = SecondCache()
        return keys(of: r, in: blob, cache: &cache)
    }

    /// The last CreationTime prefix parsed and its second: the records of a blob often share a
    /// second, and comparing 19 bytes is cheaper than parsing them.
    public struct SecondCache {
        var start: Int?
        var second: Int64 = DedupeKey.unknownSecond
        public init() {}
        init(start: Int, second: Int64) {
            self.start = start
            self.second = second
        }
    }

    /// As `keys(of:in:)`, reusing the second of the previous record of the same blob whose
    /// CreationTime starts with the same 19 bytes.
    public static func keys(of r: ScannedRecord, in blob: UnsafeRawBufferPointer, cache: inout SecondCache) -> (DedupeKey, RecordKey?) {
        var second = unknownSecond
        if let ct = r.creationTime {
            // The second depends on `YYYY-MM-DDTHH:MM:SS`, the first 19 bytes, alone (so that the
            // key is a function of those bytes and a cached second is exactly what parsing would
            // give); a shorter value (no seconds, a bare date) is parsed whole.
            if ct.count >= 19 {
                if let last = cache.start, memcmp(blob.baseAddress! + ct.lowerBound, blob.baseAddress! + last, 19) == 0 {
                    second = cache.second
                } else {
                    if let epoch = UTCTime.parse(UnsafeRawBufferPointer(rebasing: blob[ct.lowerBound..<(ct.lowerBound + 19)])) {
                        second = Int64(epoch.rounded(.down))
                    }
                    cache = SecondCache(start: ct.lowerBound, second: second)
                }
            } else if let epoch = UTCTime.parse(UnsafeRawBufferPointer(rebasing: blob[ct])) {
                second = Int64(epoch.rounded(.down))
            }
        }
        if let id = r.id {
            let idKey = RecordKey(idBytes: UnsafeRawBufferPointer(rebasing: blob[id]))
            return (DedupeKey(second: second, hash: hash(idKey)), idKey)
        }
        // No Id: the record's own bytes are its identity (a record repeated byte for byte).
        return (DedupeKey(second: second, hash: hash(RecordKey(sha256Of: UnsafeRawBufferPointer(rebasing: blob[r.range])))), nil)
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
