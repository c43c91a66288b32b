import Foundation

/// A JSON value of an audit record, decoded without Foundation's number/bool ambiguity.
public enum JSONValue: Sendable, Hashable, Decodable {
    case string(String), number(Double), bool(Bool), null
    case array([JSONValue]), object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The text Sigma compares: strings as they are, integral numbers without a fraction,
    /// booleans as true/false. Arrays, objects and null have none.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// One raw Management Activity record, as the API delivers it.
public struct AuditRecord: Sendable {
    public let json: JSONValue
    /// The record's bytes as read (replayed verbatim into Wazuh).
    public let data: Data

    /// `CreationTime` (UTC, no zone suffix, optional fraction), or nil when absent or malformed.
    public let creationTime: Date?

    public init(data: Data) throws {
        self.data = data
        json = try JSONDecoder().decode(JSONValue.self, from: data)
        creationTime = json["CreationTime"]?.text.flatMap(AuditRecord.parseTime)
    }

    /// `yyyy-MM-ddTHH:mm:ss` in UTC; a fraction or zone suffix after the seconds is ignored.
    static func parseTime(_ text: String) -> Date? {
        let parts = text.prefix(19).split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard text.count >= 19, parts.count == 6 else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        (components.hour, components.minute, components.second) = (parts[3], parts[4], parts[5])
        return AuditRecord.utc.date(from: components)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The texts a field reference reads; empty when the field is absent or not a scalar.
    public func values(_ ref: FieldRef) -> [String] {
        var node: JSONValue? = json
        for key in ref.path { node = node?[key] }
        guard let node else { return [] }
        switch ref.kind {
        case .plain:
            return node.text.map { [$0] } ?? []
        case .namedEntry(let name, let valueKey):
            guard case .array(let entries) = node else { return [] }
            return entries.compactMap { entry in
                guard entry["Name"]?.text?.lowercased() == name.lowercased() else { return nil }
                return entry[valueKey]?.text
            }
        case .entryKey(let key):
            guard case .array(let entries) = node else { return [] }
            return entries.compactMap { $0[key]?.text }
        case .anyEntry:
            guard case .array(let entries) = node else { return node.text.map { [$0] } ?? [] }
            let keys = arrayEntryKeys[ref.root] ?? []
            return entries.flatMap { entry in keys.compactMap { entry[$0]?.text } }
        }
    }
}
