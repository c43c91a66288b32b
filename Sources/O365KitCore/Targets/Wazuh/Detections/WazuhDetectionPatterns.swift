/// One element of a generated rule, already escaped for Wazuh's XML reader.
struct WazuhElement: Hashable, Sendable {
    var tag: String
    var text: String
    var attributes: [Attribute] = []

    struct Attribute: Hashable, Sendable {
        var name: String
        var value: String
    }
}

/// Why a test cannot be expressed as a Wazuh rule condition.
struct WazuhInexpressible: Error {
    var message: String
}

/// Turns field tests into `<field>`, `<list>`, `<match>` and `<regex>` elements that decide
/// exactly what the reference evaluator decides on the decoded event.
///
/// Everything is PCRE2 with `(?i)`, because Sigma compares case-insensitively and PCRE2 can
/// express every literal: bytes other than ASCII letters and digits are written `\xHH`, which
/// also keeps `<` and `&` out of the XML. Arrays of objects reach Wazuh as `cJSON_Print` text
/// (`[{\n\t\t"Name":\t"X",\n\t\t"Value":\t"v"\n\t}, …]`), so entry tests match that text with
/// JSON-escaped values; `(?:[^"\\]|\\.)*` stays inside one JSON string.
struct WazuhDetectionPatterns {
    var prefix: String
    /// Placeholder name → CDB list path (`etc/lists/o365kit-<name>`), for lists that are rendered.
    var lists: [String: String]

    func field(_ ref: FieldRef) -> String { prefix + "." + ref.path.joined(separator: ".") }

    func elements(_ literal: DetectionLiteral) throws(WazuhInexpressible) -> [WazuhElement] {
        switch literal.kind {
        case .test(let t): return try elements(t, negate: false)
        case .negated(let t): return try elements(t, negate: true)
        case .absent: return []   // rendered by the caller, which owns <match>/<regex>
        }
    }

    private func fieldElement(_ ref: FieldRef, _ pattern: String, negate: Bool) -> WazuhElement {
        var attributes = [WazuhElement.Attribute(name: "name", value: field(ref)), .init(name: "type", value: "pcre2")]
        if negate { attributes.append(.init(name: "negate", value: "yes")) }
        return WazuhElement(tag: "field", text: pattern, attributes: attributes)
    }

    private func elements(_ t: FieldTest, negate: Bool) throws(WazuhInexpressible) -> [WazuhElement] {
        if t.match == .fieldref {
            throw WazuhInexpressible(message: "'fieldref' compares two fields of one event, which a Wazuh rule cannot do")
        }
        if t.all && t.values.count > 1 {
            var single = t
            single.all = false
            var out: [WazuhElement] = []
            for v in t.values {
                single.values = [v]
                out += try elements(single, negate: negate)
            }
            return out
        }
        if case .plain = t.field.kind, t.match == .equals, let placeholder = t.placeholder, let path = lists[placeholder] {
            return [WazuhElement(tag: "list", text: path, attributes: [.init(name: "field", value: field(t.field)), .init(name: "lookup", value: negate ? "not_match_key" : "match_key")])]
        }
        let root = t.field.rootRef
        switch t.field.kind {
        case .plain:
            return [fieldElement(root, try plainPattern(t), negate: negate)]
        case .namedEntry(let name, let valueKey):
            let head = #"(?i)\{\s*"Name":\s*"\#(Self.literal(Self.jsonEscaped(name)))""#
            if t.match == .exists { return [fieldElement(root, head + #"\s*[,}]"#, negate: negate)] }
            if valueKey == "Value" {
                // Exchange writes Name, then Value.
                return [fieldElement(root, head + #",\s*"Value":\s*""# + (try stringBody(t)), negate: negate)]
            }
            // ModifiedProperties come as Name, NewValue, OldValue from the API but in other orders
            // from re-serialising collectors: Name and the tested key anywhere in one object. A
            // pair's value is a whole string or a scalar, so no match reaches into the next object.
            let pair = #""[A-Za-z]+":\s*(?:"(?:[^"\\]|\\.)*"|[^,{}\[\]"]*)"#
            let others = #"(?:\s*,\s*"# + pair + ")*?"
            let named = #""Name":\s*"\#(Self.literal(Self.jsonEscaped(name)))""#
            let tested = #""\#(Self.literal(valueKey))":\s*""# + (try stringBody(t))
            let pattern = #"(?i)\{(?:\s*"# + pair + #"\s*,)*?\s*(?:"# + named + others + #"\s*,\s*"# + tested
                + "|" + tested + others + #"\s*,\s*"# + named + ")"
            return [fieldElement(root, pattern, negate: negate)]
        case .anyEntry:
            // The decoded field holds the array as JSON text; a string value of any entry key.
            let keys = alternation((arrayEntryKeys[t.field.root] ?? []).map { Self.literal(Self.jsonEscaped($0)) })
            let head = #"(?i)""# + keys + #"":\s*""#
            if t.match == .exists { return [fieldElement(root, "^", negate: negate)] }
            // Or the field is one string (Exchange sends Parameters so at times): not JSON text.
            let values = alternation(t.values.map(Self.literal))
            let text: String
            switch t.match {
            case .equals: text = values + "$"
            case .contains: text = ".*" + values
            case .startswith: text = values
            case .endswith: text = ".*" + values + "$"
            default: throw WazuhInexpressible(message: "'\(t.match.rawValue)' on a whole array of objects has no Wazuh pattern (the array is JSON text)")
            }
            return [fieldElement(root, "(?:" + head + (try stringBody(t)) + #")|(?i:^(?!\s*\[)"# + text + ")", negate: negate)]
        case .entryKey(let key):
            let head = #"(?i)"\#(Self.literal(Self.jsonEscaped(key)))":\s*"#
            if t.match == .exists { return [fieldElement(root, head, negate: negate)] }
            var pattern = head + "\"" + (try stringBody(t))
            if t.match == .equals {
                // Numbers and booleans are printed without quotes.
                pattern = head + "(?:\"" + (try stringBody(t)) + "|" + alternation(t.values.map(Self.literal)) + #"[\s,}\]])"#
            }
            return [fieldElement(root, pattern, negate: negate)]
        }
    }

    private func alternation(_ parts: [String]) -> String {
        "(?:" + parts.joined(separator: "|") + ")"
    }

    private func plainPattern(_ t: FieldTest) throws(WazuhInexpressible) -> String {
        let literals = alternation(t.values.map(Self.literal))
        switch t.match {
        case .equals: return "(?i)^" + literals + "$"
        case .contains: return "(?i)" + literals
        case .startswith: return "(?i)^" + literals
        case .endswith: return "(?i)" + literals + "$"
        case .exists: return "^"
        case .re:
            return t.values.map { "(?:" + Self.xmlSafe($0) + ")" }.joined(separator: "|")
        case .cidr:
            var parts: [String] = []
            for value in t.values {
                guard let block = CIDR(value), block.isIPv4 else {
                    throw WazuhInexpressible(message: "'cidr' with the IPv6 block '\(value)' has no Wazuh pattern here (IPv4 only)")
                }
                parts.append(Self.ipv4Pattern(block))
            }
            return "^(?:" + parts.joined(separator: "|") + ")$"
        case .fieldref:
            throw WazuhInexpressible(message: "'fieldref' compares two fields of one event, which a Wazuh rule cannot do")
        }
    }

    /// The rest of a JSON string after its opening quote, for the test's kind.
    private func stringBody(_ t: FieldTest) throws(WazuhInexpressible) -> String {
        let any = #"(?:[^"\\]|\\.)*"#
        let values = alternation(t.values.map { Self.literal(Self.jsonEscaped($0)) })
        switch t.match {
        case .equals: return values + "\""
        case .contains: return any + values + any + "\""
        case .startswith: return values + any + "\""
        case .endswith: return any + values + "\""
        default:
            throw WazuhInexpressible(message: "'\(t.match.rawValue)' on an entry of an array of objects has no Wazuh pattern (the array is JSON text)")
        }
    }

    /// Matches exactly the dotted-quad addresses of an IPv4 block.
    static func ipv4Pattern(_ block: CIDR) -> String {
        var octets: [String] = []
        var remaining = block.prefix
        for byte in block.bytes {
            if remaining >= 8 {
                octets.append(String(byte))
            } else if remaining <= 0 {
                octets.append("[0-9]{1,3}")
            } else {
                let size = 1 << (8 - remaining)
                let first = Int(byte) & ~(size - 1)
                octets.append("(?:" + (first..<(first + size)).map(String.init).joined(separator: "|") + ")")
            }
            remaining -= 8
        }
        return octets.joined(separator: #"\x2E"#)
    }

    /// A literal for PCRE2: ASCII letters and digits as they are, every other byte `\xHH`.
    static func literal(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber) {
                out.append(c)
            } else {
                out += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The text a string has inside JSON (cJSON's escapes).
    static func jsonEscaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [92, b]
            case 92: bytes += [92, 92]
            case 10: bytes += [92, UInt8(ascii: "n")]
            case 13: bytes += [92, UInt8(ascii: "r")]
            case 9: bytes += [92, UInt8(ascii: "t")]
            default: bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A user regex with the two characters Wazuh's XML cannot hold replaced by escapes.
    static func xmlSafe(_ regex: String) -> String {
        regex.replacingOccurrences(of: "<", with: #"\x3C"#).replacingOccurrences(of: "&", with: #"\x26"#)
    }
}
