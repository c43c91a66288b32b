/// The HTTP `Date` header's form (IMF-fixdate, RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
///
/// Parsed by hand because it is read on every API answer and `DateFormatter` costs tens of
/// microseconds a call. The obsolete RFC 850 and asctime forms, and years before 1970, give nil.
public enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since 1970, or nil when `text` is not an IMF-fixdate.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 29, b[3] == UInt8(ascii: ","), b[4] == 0x20, b[7] == 0x20, b[11] == 0x20, b[16] == 0x20,
              b[19] == UInt8(ascii: ":"), b[22] == UInt8(ascii: ":"), b[25] == 0x20, b[26...28].elementsEqual("GMT".utf8) else { return nil }
        func num(_ at: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for k in at..<(at + len) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[k] - 0x30)
            }
            return v
        }
        let monthText = String(decoding: b[8..<11], as: UTF8.self)
        guard let day = num(5, 2), let monthIndex = months.firstIndex(of: monthText), let year = num(12, 4),
              let h = num(17, 2), let m = num(20, 2), let s = num(23, 2),
              (1...31).contains(day), year >= 1970, h < 24, m < 60, s < 61 else { return nil }
        return UTCTime.days(fromCivil: year, Int64(monthIndex + 1), day) * 86_400 + h * 3_600 + m * 60 + s
    }
}
