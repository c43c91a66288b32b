import Foundation

/// One flattened field of a decoded event, as Wazuh's json decoder stores it.
public struct DecodedField: Hashable, Sendable {
    /// The dotted key, e.g. `office365.Operation`.
    public let key: String
    /// The value as text: strings verbatim, numbers and booleans printed, arrays as
    /// `cJSON_Print` text.
    public let value: String
    /// `key` lower-cased; Wazuh looks dynamic fields up case-insensitively.
    let lowercasedKey: String
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
    public let log: String
    /// The event location (`office365` for the wodle).
    public let location: String
    /// The decoder name, or nil when no decoder matched.
    public let decoder: String?
    /// Dynamic fields in document order (duplicates kept; lookups use the first).
    public let fields: [DecodedField]
    /// Static fields filled by well-known top-level keys.
    public let staticFields: [String: String]

    /// Decodes one event line the way analysisd would for `location`.
    public init(json: Data, location: String = "office365") {
        let bytes = [UInt8](json)
        self.log = String(decoding: bytes, as: UTF8.self)
        self.location = location
        var fields: [DecodedField] = []
        var statics: [String: String] = [:]
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
            if case .object(let members)? = JSONReader.parse(buf) {
                Flattener(dropNulls: dropNulls).flatten(members, prefix: nil, fields: &fields, statics: &statics)
            }
            return name
        }
        self.decoder = decoder
        self.fields = fields
        self.staticFields = statics
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

    /// The value of dynamic field `name` (case-insensitive, first occurrence), or nil.
    public func field(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.lowercasedKey == lower }?.value
    }

    private static let jsonPrematch = try! OSRegex("^{\\s*\"")
    private static let msGraphPrematch = try! OSRegex("\"integration\":\"ms-graph\"")
}

/// Keys that `json_decoder.c` routes to static fields (exact, case-sensitive, full dotted key).
let jsonStaticKeys: Set<String> = [
    "srcip", "dstip", "dstport", "srcport", "protocol", "action", "srcuser", "dstuser",
    "id", "status", "command", "url", "data", "systemname",
]

/// Flattens a parsed JSON object into decoder fields.
private struct Flattener {
    let dropNulls: Bool

    func flatten(_ members: [(key: [UInt8], value: JSONValue)], prefix: [UInt8]?,
                 fields: inout [DecodedField], statics: inout [String: String]) {
        for member in members {
            var key = prefix ?? []
            if prefix != nil { key.append(UInt8(ascii: ".")) }
            key += member.key
            let text: [UInt8]
            switch member.value {
            case .object(let inner):
                flatten(inner, prefix: key, fields: &fields, statics: &statics)
                continue
            case .string(let s): text = s
            case .number(let d): text = Array(CJSONText.decoderNumber(d).utf8)
            case .bool(let b): text = Array((b ? "true" : "false").utf8)
            case .null:
                if dropNulls { continue }
                text = Array("null".utf8)
            case .array: text = CJSONText.print(member.value)
            }
            // Values are C strings in Wazuh: anything after a NUL is lost.
            let value = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
            let keyString = String(decoding: key.prefix { $0 != 0 }, as: UTF8.self)
            if jsonStaticKeys.contains(keyString) {
                statics[keyString] = value
            } else {
                fields.append(DecodedField(key: keyString, value: value, lowercasedKey: keyString.lowercased()))
            }
        }
    }
}
