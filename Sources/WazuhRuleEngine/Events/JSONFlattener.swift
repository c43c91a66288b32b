/// Where one decoded field's key and value sit in an event's byte storage.
struct FieldEntry: Sendable {
    var keyStart: Int32
    var keyCount: Int32
    var valueStart: Int32
    var valueCount: Int32
}

/// Wazuh's json decoder in one pass: reads the JSON bytes and writes each flattened
/// `key`/`value` pair into a single byte buffer, without building strings or a tree.
/// Arrays are re-printed as `cJSON_Print` text while they are read. Like `cJSON_Parse`,
/// leading bytes up to 0x20 are skipped, trailing bytes after the root are ignored, and
/// numbers are whatever `strtod` reads.
///
/// As with `cJSON_Parse`, any syntax error discards everything: the event has no fields.
struct JSONFlattener {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let dropNulls: Bool
    private var pos = 0
    private(set) var storage: [UInt8] = []
    private(set) var entries: [FieldEntry] = []
    private(set) var statics: [String: String] = [:]
    private var key: [UInt8] = []
    private var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, dropNulls: Bool) {
        self.bytes = bytes
        self.dropNulls = dropNulls
        storage.reserveCapacity(bytes.count + 256)
        entries.reserveCapacity(32)
    }

    /// Flattens `bytes`; returns nil when cJSON would reject them or the root is not an object.
    static func flatten(_ bytes: UnsafeBufferPointer<UInt8>, dropNulls: Bool) -> JSONFlattener? {
        var f = JSONFlattener(bytes, dropNulls: dropNulls)
        f.skipWhitespace()
        guard f.pos < bytes.count, bytes[f.pos] == UInt8(ascii: "{"), f.object(depth: 0, nested: false) else { return nil }
        return f
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < bytes.count && bytes[pos] <= 32 { pos += 1 }
    }

    private mutating func object(depth: Int, nested: Bool) -> Bool {
        if depth > 1000 { return false }
        pos += 1
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return true }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { return false }
            let saved = key.count
            if nested { key.append(UInt8(ascii: ".")) }
            guard Self.string(bytes, &pos, into: &key) else { return false }
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return false }
            pos += 1
            guard member(depth: depth + 1) else { return false }
            key.removeSubrange(saved...)
            skipWhitespace()
            guard pos < bytes.count else { return false }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return true }
            return false
        }
    }

    private mutating func member(depth: Int) -> Bool {
        skipWhitespace()
        guard pos < bytes.count else { return false }
        let valueStart = storage.count
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            return object(depth: depth, nested: true)
        case UInt8(ascii: "["):
            guard printValue(depth: depth, printDepth: 0) else { return false }
        case UInt8(ascii: "\""):
            guard Self.string(bytes, &pos, into: &storage) else { return false }
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            if dropNulls { return true }
            storage += [110, 117, 108, 108]
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            storage += [116, 114, 117, 101]
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            storage += [102, 97, 108, 115, 101]
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard number() else { return false }
        default:
            return false
        }
        emit(valueStart: valueStart)
        return true
    }

    /// Records the pair whose value was just written at `valueStart`.
    private mutating func emit(valueStart: Int) {
        // Keys and values are C strings in Wazuh: anything after a NUL is lost.
        let valueCount = storage.withUnsafeBufferPointer { s in
            var i = valueStart
            while i < s.count && s[i] != 0 { i += 1 }
            return i - valueStart
        }
        let keyCount = key.withUnsafeBufferPointer { k in
            var i = 0
            while i < k.count && k[i] != 0 { i += 1 }
            return i
        }
        if keyCount <= 10, let name = Self.staticKey(key[..<keyCount]) {
            statics[name] = String(decoding: storage[valueStart..<(valueStart + valueCount)], as: UTF8.self)
            storage.removeSubrange(valueStart...)
            return
        }
        let keyStart = storage.count
        storage += key[..<keyCount]
        entries.append(FieldEntry(keyStart: Int32(keyStart), keyCount: Int32(keyCount),
                                  valueStart: Int32(valueStart), valueCount: Int32(valueCount)))
    }

    private static func staticKey(_ key: ArraySlice<UInt8>) -> String? {
        let name = String(decoding: key, as: UTF8.self)
        return jsonStaticKeys.contains(name) ? name : nil
    }

    /// Parses the value at `pos` and writes it the way `cJSON_Print` would, straight into
    /// `storage` (used for arrays, whose text is what the rules see).
    private mutating func printValue(depth: Int, printDepth: Int) -> Bool {
        if depth > 1000 { return false }
        skipWhitespace()
        guard pos < bytes.count else { return false }
        switch bytes[pos] {
        case UInt8(ascii: "["):
            pos += 1
            storage.append(UInt8(ascii: "["))
            skipWhitespace()
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; storage.append(UInt8(ascii: "]")); return true }
            while true {
                guard printValue(depth: depth + 1, printDepth: printDepth + 1) else { return false }
                skipWhitespace()
                guard pos < bytes.count else { return false }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; storage += [44, 32]; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; storage.append(UInt8(ascii: "]")); return true }
                return false
            }
        case UInt8(ascii: "{"):
            pos += 1
            let inner = printDepth + 1
            storage += [UInt8(ascii: "{"), 10]
            skipWhitespace()
            var first = true
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
                pos += 1
            } else {
                while true {
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { return false }
                    if !first { storage.insert(UInt8(ascii: ","), at: storage.count - 1) }
                    first = false
                    storage += repeatElement(9, count: inner)
                    scratch.removeAll(keepingCapacity: true)
                    guard Self.string(bytes, &pos, into: &scratch) else { return false }
                    CJSONText.writeString(scratch, into: &storage)
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return false }
                    pos += 1
                    storage += [UInt8(ascii: ":"), 9]
                    guard printValue(depth: depth + 1, printDepth: inner) else { return false }
                    storage.append(10)
                    skipWhitespace()
                    guard pos < bytes.count else { return false }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
                    return false
                }
            }
            storage += repeatElement(9, count: inner - 1)
            storage.append(UInt8(ascii: "}"))
            return true
        case UInt8(ascii: "\""):
            scratch.removeAll(keepingCapacity: true)
            guard Self.string(bytes, &pos, into: &scratch) else { return false }
            CJSONText.writeString(scratch, into: &storage)
            return true
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            storage += [110, 117, 108, 108]
            return true
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            storage += [116, 114, 117, 101]
            return true
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            storage += [102, 97, 108, 115, 101]
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = pos
            while pos < bytes.count {
                let b = bytes[pos]
                guard (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 101 || b == 69 || b == 46 else { break }
                pos += 1
            }
            var end = pos
            while end > start {
                if let d = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) {
                    pos = end
                    storage += CJSONText.printNumber(d).utf8
                    return true
                }
                end -= 1
            }
            return false
        default:
            return false
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { return false }
        pos += n
        return true
    }

    private mutating func number() -> Bool {
        let start = pos
        while pos < bytes.count {
            let b = bytes[pos]
            guard (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 101 || b == 69 || b == 46 else { break }
            pos += 1
        }
        // Fast path: a plain integer that fits an int prints as itself (`%i`).
        var digits = UnsafeBufferPointer(rebasing: bytes[start..<pos])
        var negative = false
        if digits.first == UInt8(ascii: "-") { negative = true; digits = UnsafeBufferPointer(rebasing: digits.dropFirst()) }
        if !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            var v = 0
            for d in digits { v = v * 10 + Int(d - 48) }
            if negative { v = -v }
            storage += String(v).utf8
            return true
        }
        // Otherwise strtod's longest valid prefix, then the decoder's formatting.
        var end = pos
        while end > start {
            if let d = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) {
                pos = end
                storage += CJSONText.decoderNumber(d).utf8
                return true
            }
            end -= 1
        }
        return false
    }

    /// Decodes the JSON string at `pos` and appends its bytes to `out`.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ pos: inout Int, into out: inout [UInt8]) -> Bool {
        pos += 1
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; return true }
            if b != UInt8(ascii: "\\") {
                // Copy the run up to the next quote or backslash in one go.
                var end = pos + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") && bytes[end] != UInt8(ascii: "\\") { end += 1 }
                out += UnsafeBufferPointer(rebasing: bytes[pos..<end])
                pos = end
                continue
            }
            pos += 1
            guard pos < bytes.count else { return false }
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
                guard var scalar = hex4(bytes, &pos) else { return false }
                if scalar >= 0xDC00 && scalar <= 0xDFFF { return false }
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                    else { return false }
                    pos += 2
                    guard let low = hex4(bytes, &pos), low >= 0xDC00 && low <= 0xDFFF else { return false }
                    scalar = 0x10000 + (((scalar & 0x3FF) << 10) | (low & 0x3FF))
                }
                Self.appendUTF8(scalar, to: &out)
            default:
                return false
            }
        }
        return false
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
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

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ pos: inout Int) -> UInt32? {
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
}
