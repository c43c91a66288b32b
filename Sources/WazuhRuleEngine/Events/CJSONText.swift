import Foundation

/// Text forms of JSON values exactly as Wazuh produces them (`JSONFlattener` writes the
/// surrounding `cJSON_Print` layout: tabs for indentation, `", "` between array items).
enum CJSONText {
    /// A number as the json decoder stores it: `%i` when the value is integral and fits an
    /// `int` (cJSON's saturated `valueint`), otherwise `%f`.
    static func decoderNumber(_ d: Double) -> String {
        let valueint = saturatedInt32(d)
        if Double(valueint) == d { return String(valueint) }
        return String(format: "%f", d)
    }

    private static func saturatedInt32(_ d: Double) -> Int32 {
        if d.isNaN { return 0 }
        if d >= Double(Int32.max) { return Int32.max }
        if d <= Double(Int32.min) { return Int32.min }
        return Int32(d)
    }

    /// cJSON's `print_number`: `%d` for integral int values, else `%1.15g` (or `%1.17g`
    /// when 15 digits do not round-trip); NaN and infinities print as `null`.
    static func printNumber(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        let valueint = saturatedInt32(d)
        if Double(valueint) == d { return String(valueint) }
        let short = String(format: "%1.15g", d)
        if let back = Double(short), back == d { return short }
        return String(format: "%1.17g", d)
    }

    static func writeString(_ s: [UInt8], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s {
            switch b {
            case UInt8(ascii: "\""): out += [92, b]
            case 92: out += [92, 92]
            case 8: out += [92, UInt8(ascii: "b")]
            case 12: out += [92, UInt8(ascii: "f")]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32: out += Array(String(format: "\\u%04x", b).utf8)
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
