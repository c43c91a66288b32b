import Foundation

/// One flattened field of a decoded event, as Wazuh's json decoder stores it.
public struct DecodedField: Hashable, Sendable {
    /// The dotted key, e.g. `office365.Operation`.
    public let key: String
    /// The value as text: strings verbatim, numbers and booleans printed, arrays as
    /// `cJSON_Print` text.
    public let value: String
}

/// An event after Wazuh's decoding phase: the full log, its location, the decoder that
/// claimed it and the fields that decoder extracted.
///
/// Decoding follows `0006-json_decoders.xml`: `json-msgraph` claims logs containing
/// `"integration":"ms-graph"` (and drops nulls); `json` claims logs starting with `{`, spaces
/// and a quote. Nested objects are flattened with `.`; numbers become `%i`/`%f` text;
/// booleans `true`/`false`; null the string `null`; arrays the multi-line `cJSON_Print` text.
/// A handful of top-level keys (`srcip`, `id`, `data`, …) fill Wazuh's static fields
/// instead of dynamic ones, as in `json_decoder.c`.
public struct DecodedEvent: Sendable {
    /// The full log line (the JSON text) that `<match>`/`<regex>` see.
    public var log: String { String(decoding: logBytes, as: UTF8.self) }
    /// The event location (`office365` for the wodle).
    public let location: String
    /// The decoder name, or nil when no decoder matched.
    public let decoder: String?
    /// Static fields filled by well-known top-level keys.
    public let staticFields: [String: String]

    let logBytes: [UInt8]
    /// Keys and values of all dynamic fields, back to back.
    let storage: [UInt8]
    /// Dynamic fields in document order (duplicates kept; lookups use the first).
    let entries: [FieldEntry]

    /// Decodes one event line the way analysisd would for `location`.
    public init(json: Data, location: String = "office365") {
        let bytes = [UInt8](json)
        self.logBytes = bytes
        self.location = location
        var flattened: JSONFlattener?
        let decoder = bytes.withUnsafeBufferPointer { buf -> String? in
            let name: String
            let dropNulls: Bool
            if DecodedEvent.msGraphPrematch.matches(bytes: buf) {
                name = "json-msgraph"; dropNulls = true
            } else if DecodedEvent.jsonPrematch.matches(bytes: buf) {
                name = "json"; dropNulls = false
            } else {
                return nil
            }
            flattened = JSONFlattener.flatten(buf, dropNulls: dropNulls)
            return name
        }
        self.decoder = decoder
        self.storage = flattened?.storage ?? []
        self.entries = flattened?.entries ?? []
        self.staticFields = flattened?.statics ?? [:]
    }

    /// Decodes a bare Office 365 audit record as the wodle would deliver it: wrapped in
    /// `{"integration":"office365","office365":…}` (see `wrapping(record:)`).
    public init(auditRecord: Data, location: String = "office365") {
        self.init(json: Self.wrapping(record: auditRecord), location: location)
    }

    /// Dynamic fields in document order (duplicates kept).
    public var fields: [DecodedField] {
        entries.map { DecodedField(key: key(of: $0), value: value(of: $0)) }
    }

    /// Wraps a bare Office 365 audit record the way the wodle sends it:
    /// `{"integration":"office365","office365":<record>}`. The record bytes are kept as given.
    public static func wrapping(record: Data) -> Data {
        var out = Data("{\"integration\":\"office365\",\"office365\":".utf8)
        var trimmed = record[...]
        while let last = trimmed.last, last == 10 || last == 13 || last == 32 || last == 9 { trimmed = trimmed.dropLast() }
        out.append(contentsOf: trimmed)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The value of dynamic field `name` (ASCII case-insensitive, first occurrence), or nil.
    public func field(_ name: String) -> String? {
        let wanted = Array(name.utf8)
        for entry in entries where Int(entry.keyCount) == wanted.count {
            let start = Int(entry.keyStart)
            var same = true
            for i in 0..<wanted.count where asciiLower(storage[start + i]) != asciiLower(wanted[i]) {
                same = false
                break
            }
            if same { return value(of: entry) }
        }
        return nil
    }

    func key(of entry: FieldEntry) -> String {
        String(decoding: storage[Int(entry.keyStart)..<Int(entry.keyStart + entry.keyCount)], as: UTF8.self)
    }

    func value(of entry: FieldEntry) -> String {
        String(decoding: storage[Int(entry.valueStart)..<Int(entry.valueStart + entry.valueCount)], as: UTF8.self)
    }

    private static let jsonPrematch = try! OSRegex("^{\\s*\"")
    private static let msGraphPrematch = try! OSRegex("\"integration\":\"ms-graph\"")
}

/// Keys that `json_decoder.c` routes to static fields (exact, case-sensitive, full dotted key).
let jsonStaticKeys: Set<String> = [
    "srcip", "dstip", "dstport", "srcport", "protocol", "action", "srcuser", "dstuser",
    "id", "status", "command", "url", "data", "systemname",
]
