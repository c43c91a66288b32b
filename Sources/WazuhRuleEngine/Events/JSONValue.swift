/// A parsed JSON value that keeps object members in document order, duplicates included,
/// the way cJSON does. Order matters: arrays reach the rules as `cJSON_Print` text.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string([UInt8])
    case array([JSONValue])
    case object([(key: [UInt8], value: JSONValue)])
}

/// A small JSON reader over bytes with cJSON's leniencies: leading whitespace is any byte
/// up to 0x20, trailing bytes after the value are ignored, numbers are whatever `strtod` reads.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var pos = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int = 0) {
        self.bytes = bytes
        self.pos = pos
    }

    /// Parses the first JSON value in `bytes`, or returns nil where `cJSON_Parse` fails.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var reader = JSONReader(bytes)
        return reader.value(depth: 0)
    }

    /// Parses the value starting at `pos`; returns it and the position after it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int, depth: Int) -> (JSONValue, Int)? {
        var reader = JSONReader(bytes, at: pos)
        guard let v = reader.value(depth: depth) else { return nil }
        return (v, reader.pos)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count && bytes[pos] <= 32 { pos += 1 }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        // cJSON refuses nesting deeper than CJSON_NESTING_LIMIT (1000).
        if depth > 1000 { return nil }
        skipWhitespace()
        guard pos < bytes.count else { return nil }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    private mutating func literal(_ word: StaticString, _ result: JSONValue) -> JSONValue? {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return nil }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { return nil }
        pos += n
        return result
    }

    private mutating func number() -> JSONValue? {
        let start = pos
        while pos < bytes.count && Self.isNumberByte(bytes[pos]) { pos += 1 }
        // strtod takes the longest valid prefix; shrink until Swift's parser agrees.
        var end = pos
        while end > start {
            if let d = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) {
                pos = end
                return .number(d)
            }
            end -= 1
        }
        return nil
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 101 || b == 69 || b == 46
    }

    private mutating func string() -> [UInt8]? {
        pos += 1  // opening quote
        var out: [UInt8] = []
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; return out }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { return nil }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if scalar >= 0xDC00 && scalar <= 0xDFFF { return nil }
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                    else { return nil }
                    pos += 2
                    guard let low = hex4(), low >= 0xDC00 && low <= 0xDFFF else { return nil }
                    scalar = 0x10000 + (((scalar & 0x3FF) << 10) | (low & 0x3FF))
                }
                Self.appendUTF8(scalar, to: &out)
            default:
                return nil
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard pos + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case 48...57: d = UInt32(b - 48)
            case 65...70: d = UInt32(b - 55)
            case 97...102: d = UInt32(b - 87)
            default: return nil
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            guard let v = value(depth: depth + 1) else { return nil }
            items.append(v)
            skipWhitespace()
            guard pos < bytes.count else { return nil }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            return nil
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        pos += 1
        var members: [(key: [UInt8], value: JSONValue)] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return nil }
            pos += 1
            guard let v = value(depth: depth + 1) else { return nil }
            members.append((key, v))
            skipWhitespace()
            guard pos < bytes.count else { return nil }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            return nil
        }
    }
}
