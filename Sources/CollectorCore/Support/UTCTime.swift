import Foundation

/// UTC timestamps in the two textual forms the API uses, converted without `DateFormatter`
/// (which is slow and locale-sensitive) because CreationTime is parsed once per record.
public enum UTCTime {
    /// `YYYY-MM-DDTHH:MM:SS`, the form `startTime`/`endTime` are sent in.
    public static func format(_ epoch: Int64) -> String {
        let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let secs = epoch - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return String(format: "%04lld-%02lld-%02lld", y, m, d) + "T" + String(format: "%02lld:%02lld:%02lld", secs / 3_600, (secs % 3_600) / 60, secs % 60)
    }

    /// Parses `YYYY-MM-DD[THH:MM[:SS[.fff…]]][Z]` (as in CreationTime and contentCreated) to seconds since 1970.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        func num(_ at: Int, _ len: Int) -> Int64? {
            guard at + len <= bytes.count else { return nil }
            var v: Int64 = 0
            for k in at..<(at + len) {
                let c = bytes[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), bytes.count >= 10, bytes[4] == 0x2D, let mo = num(5, 2), bytes[7] == 0x2D, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var h: Int64 = 0, mi: Int64 = 0, s: Int64 = 0
        var fraction = 0.0
        if bytes.count > 10 {
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), let hh = num(11, 2), bytes.count > 13, bytes[13] == 0x3A, let mm = num(14, 2) else { return nil }
            h = hh; mi = mm
            var k = 16
            if bytes.count > 16, bytes[16] == 0x3A {
                guard let ss = num(17, 2) else { return nil }
                s = ss
                k = 19
                if bytes.count > 19, bytes[19] == UInt8(ascii: ".") {
                    k = 20
                    var scale = 0.1
                    while k < bytes.count, bytes[k] >= 0x30, bytes[k] <= 0x39 {
                        fraction += Double(bytes[k] - 0x30) * scale
                        scale /= 10
                        k += 1
                    }
                }
            }
            if k < bytes.count {
                guard bytes[k] == UInt8(ascii: "Z"), k + 1 == bytes.count else { return nil }
            }
        }
        let epoch = days(fromCivil: y, mo, d) * 86_400 + h * 3_600 + mi * 60 + s
        return Double(epoch) + fraction
    }

    /// Parses a string form (convenience).
    public static func parse(_ text: String) -> Double? {
        var t = text
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Now, in whole seconds since 1970.
    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
