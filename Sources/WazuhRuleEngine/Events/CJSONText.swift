import Foundation

/// Text forms of JSON values exactly as Wazuh produces them.
enum CJSONText {
    /// A number as the json decoder stores it: `%i` when the value is integral and fits an
    /// `int` (cJSON's saturated `valueint`), otherwise `%f`.
    static func decoderNumber(_ d: Double) -> String {
        let valueint = saturatedInt32(d)
        if Double(valueint) == d { return String(valueint) }
        return String(format: "%f", d)
    }

    /// `cJSON_Print` (formatted) of `value`: tabs for indentation, `", "` between array items.
    static func print(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, depth: 0, into: &out)
        return out
    }

    private static func saturatedInt32(_ d: Double) -> Int32 {
        if d.isNaN { return 0 }
        if d >= Double(Int32.max) { return Int32.max }
        if d <= Double(Int32.min) { return Int32.min }
        return Int32(d)
    }

    private static func write(_ value: JSONValue, depth: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let d): out += Array(printNumber(d).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                write(item, depth: depth + 1, into: &out)
                if i + 1 < items.count { out += [UInt8(ascii: ","), UInt8(ascii: " ")] }
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            let inner = depth + 1
            out += [UInt8(ascii: "{"), 10]
            for (i, member) in members.enumerated() {
                out += [UInt8](repeating: 9, count: inner)
                writeString(member.key, into: &out)
                out += [UInt8(ascii: ":"), 9]
                write(member.value, depth: inner, into: &out)
                if i + 1 < members.count { out.append(UInt8(ascii: ",")) }
                out.append(10)
            }
            out += [UInt8](repeating: 9, count: inner - 1)
            out.append(UInt8(ascii: "}"))
        }
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
