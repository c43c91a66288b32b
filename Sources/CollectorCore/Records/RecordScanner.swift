/// Finds the records of a content blob without decoding them.
///
/// A blob must be a JSON array of objects. The scanner checks the whole blob against the JSON
/// grammar (so a truncated or otherwise broken blob fails as a unit and nothing of it is
/// delivered), and for each element notes its byte range and the raw bytes of its top-level `Id`
/// and `CreationTime` strings. Sinks then forward the record's own bytes: nothing is re-encoded,
/// so key order, number spelling and unknown fields reach the SIEM exactly as Microsoft sent them.
public enum RecordScanner {
    /// Nesting deeper than this is rejected rather than risking the stack on a hostile blob.
    public static let maxDepth = 256

    /// Scans `bytes`; throws `BlobFormatError` when they are not a JSON array of objects.
    public static func scan(_ bytes: UnsafeRawBufferPointer) throws -> [ScannedRecord] {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw BlobFormatError(offset: 0, message: "the blob is empty")
        }
        var cursor = ScanCursor(p: base, n: bytes.count)
        return try cursor.blob()
    }

    /// Scans a byte array (convenience for tests and small inputs).
    public static func scan(_ bytes: [UInt8]) throws -> [ScannedRecord] {
        try bytes.withUnsafeBytes { try scan($0) }
    }
}

/// One record found in a blob: where it is, and where its identifying fields are.
public struct ScannedRecord: Sendable, Equatable {
    /// From the opening `{` to the closing `}` inclusive.
    public var range: Range<Int>
    /// The bytes between the quotes of the top-level `"Id"` string, if there is one.
    public var id: Range<Int>?
    /// Whether the Id string contains a backslash escape (then it is hashed as written).
    public var idHasEscapes: Bool
    /// The bytes between the quotes of the top-level `"CreationTime"` string, if there is one.
    public var creationTime: Range<Int>?
    /// Whether the object is `{}` (the Wazuh splice then needs no comma).
    public var isEmptyObject: Bool
    /// Whether a CR or LF appears between tokens; line-oriented sinks turn those into spaces.
    public var hasLineBreaks: Bool
}

/// Why a blob is not a JSON array of objects; `offset` is the byte where scanning stopped.
public struct BlobFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "not a JSON array of objects: \(message) at byte \(offset)" }
}

/// The scanning state: a pointer walk over the blob's bytes.
struct ScanCursor {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    var sawLineBreak = false

    init(p: UnsafePointer<UInt8>, n: Int) {
        self.p = p
        self.n = n
    }

    mutating func blob() throws -> [ScannedRecord] {
        skipWhitespace()
        guard i < n, p[i] == UInt8(ascii: "[") else { throw fail("expected '['") }
        i += 1
        skipWhitespace()
        var records: [ScannedRecord] = []
        if i < n, p[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                guard i < n else { throw fail("unexpected end of blob inside the array") }
                guard p[i] == UInt8(ascii: "{") else { throw fail("element \(records.count + 1) is not an object") }
                records.append(try record())
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of blob inside the array") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    continue
                }
                if p[i] == UInt8(ascii: "]") { i += 1; break }
                throw fail("expected ',' or ']' after element \(records.count)")
            }
        }
        skipWhitespace()
        guard i == n else { throw fail("unexpected data after the array") }
        return records
    }

    /// A top-level element: an object whose `Id` and `CreationTime` are noted.
    mutating func record() throws -> ScannedRecord {
        let start = i
        sawLineBreak = false
        var rec = ScannedRecord(range: start..<start, id: nil, idHasEscapes: false, creationTime: nil, isEmptyObject: false, hasLineBreaks: false)
        i += 1
        skipWhitespace()
        if i < n, p[i] == UInt8(ascii: "}") {
            i += 1
            rec.isEmptyObject = true
        } else {
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a key string") }
                let (key, _) = try string()
                skipWhitespace()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of blob") }
                if p[i] == UInt8(ascii: "\""), isKey(key, "Id") {
                    let (value, escaped) = try string()
                    rec.id = value
                    rec.idHasEscapes = escaped
                } else if p[i] == UInt8(ascii: "\""), isKey(key, "CreationTime") {
                    rec.creationTime = try string().0
                } else {
                    try value(depth: 2)
                }
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of blob inside an object") }
                if p[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}' in an object")
            }
        }
        rec.range = start..<i
        rec.hasLineBreaks = sawLineBreak
        return rec
    }

    @inline(__always)
    func isKey(_ r: Range<Int>, _ name: StaticString) -> Bool {
        guard r.count == name.utf8CodeUnitCount else { return false }
        let s = name.utf8Start
        for k in 0..<r.count where p[r.lowerBound + k] != s[k] { return false }
        return true
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let c = p[i]
            if c == 0x20 || c == 0x09 { i += 1 } else if c == 0x0A || c == 0x0D { sawLineBreak = true; i += 1 } else { return }
        }
    }

    /// Any JSON value at `depth`.
    mutating func value(depth: Int) throws {
        guard depth <= RecordScanner.maxDepth else { throw fail("nesting deeper than \(RecordScanner.maxDepth)") }
        guard i < n else { throw fail("unexpected end of blob, expected a value") }
        switch p[i] {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            i += 1
            skipWhitespace()
            if i < n, p[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a key string") }
                _ = try string()
                skipWhitespace()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of blob inside an object") }
                if p[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
                if p[i] == UInt8(ascii: "}") { i += 1; return }
                throw fail("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            i += 1
            skipWhitespace()
            if i < n, p[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                try value(depth: depth + 1)
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of blob inside an array") }
                if p[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
                if p[i] == UInt8(ascii: "]") { i += 1; return }
                throw fail("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
        default:
            throw fail("unexpected character")
        }
    }

    /// A string starting at the opening quote; returns the range between the quotes.
    @inline(__always)
    mutating func string() throws -> (Range<Int>, Bool) {
        i += 1
        let start = i
        var escaped = false
        while i < n {
            let c = p[i]
            if c == 0x22 {
                let r = start..<i
                i += 1
                return (r, escaped)
            }
            if c == 0x5C {
                escaped = true
                i += 1
                guard i < n else { break }
                switch p[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    guard i + 4 < n, (1...4).allSatisfy({ isHex(p[i + $0]) }) else { throw fail("bad \\u escape") }
                    i += 5
                default:
                    throw fail("bad escape in a string")
                }
                continue
            }
            if c < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        throw fail("unterminated string")
    }

    @inline(__always)
    func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66)
    }

    mutating func number() throws {
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(p[i]) else { throw fail("bad number") }
        if p[i] == UInt8(ascii: "0") { i += 1 } else { while i < n, isDigit(p[i]) { i += 1 } }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(p[i]) else { throw fail("bad number") }
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(p[i]) else { throw fail("bad number") }
            while i < n, isDigit(p[i]) { i += 1 }
        }
    }

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    mutating func literal(_ word: StaticString) throws {
        let w = word.utf8Start
        let len = word.utf8CodeUnitCount
        guard i + len <= n else { throw fail("unexpected end of blob") }
        for k in 0..<len where p[i + k] != w[k] { throw fail("unexpected character") }
        i += len
    }

    func fail(_ message: String) -> BlobFormatError {
        BlobFormatError(offset: i, message: message)
    }
}
