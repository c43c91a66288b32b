import Crypto

/// The dedupe key of a record: its `Id` as 128 bits.
///
/// Ids are GUIDs, which are parsed into their 128 bits (so case and the text form don't matter and
/// the index needs 16 bytes a record). Anything else is hashed with SHA-256 and truncated to 128
/// bits; a collision between two different Ids is then as unlikely as a GUID collision.
public struct RecordKey: Hashable, Sendable, Comparable {
    public var hi: UInt64
    public var lo: UInt64

    public init(hi: UInt64, lo: UInt64) {
        self.hi = hi
        self.lo = lo
    }

    /// The key of an Id given as the raw bytes between its quotes.
    public init(idBytes: UnsafeRawBufferPointer) {
        if let guid = Self.parseGUID(idBytes) {
            self = guid
            return
        }
        self.init(sha256Of: idBytes)
    }

    /// The key of an Id given as a string.
    public init(id: String) {
        var s = id
        self = s.withUTF8 { RecordKey(idBytes: UnsafeRawBufferPointer($0)) }
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (any case) into 128 bits.
    static func parseGUID(_ b: UnsafeRawBufferPointer) -> RecordKey? {
        guard b.count == 36, b[8] == 0x2D, b[13] == 0x2D, b[18] == 0x2D, b[23] == 0x2D else { return nil }
        var hi: UInt64 = 0, lo: UInt64 = 0
        var nibbles = 0
        for k in 0..<36 where k != 8 && k != 13 && k != 18 && k != 23 {
            let c = b[k]
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x61...0x66: v = c - 0x61 + 10
            case 0x41...0x46: v = c - 0x41 + 10
            default: return nil
            }
            if nibbles < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
            nibbles += 1
        }
        return RecordKey(hi: hi, lo: lo)
    }

    /// 32 lowercase hex digits, the form kept in the state journal.
    public var hex: String {
        let h = String(hi, radix: 16), l = String(lo, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
    }

    /// Parses the journal form back.
    public init?(hex: Substring) {
        guard hex.utf8.count == 32, let hi = UInt64(hex.prefix(16), radix: 16), let lo = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(hi: hi, lo: lo)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.hi, a.lo) < (b.hi, b.lo) }
}
