import Foundation

/// A Wazuh CDB list as loaded from its text source (`key:value` per line).
///
/// Follows `lists_make.c`: lines without `:` are skipped, CR/LF are stripped, and a key or
/// value containing `:` is written in double quotes. Lookups are exact and case-sensitive;
/// the first occurrence of a key wins.
public struct CDBList: Sendable, Hashable {
    /// The entries, key → value (an empty string for `key:`).
    public let entries: [String: String]

    /// Parses the text source of a list.
    public init(data: Data) {
        var entries: [String: String] = [:]
        let text = String(decoding: data, as: UTF8.self)
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = Substring(rawLine)
            while line.last == "\r" { line = line.dropLast() }
            guard let (key, value) = Self.split(line) else { continue }
            if entries[key] == nil { entries[key] = value }
        }
        self.entries = entries
    }

    private static func split(_ line: Substring) -> (String, String)? {
        var rest = line
        let key: Substring
        if rest.first == "\"" {
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else { return nil }
            key = rest[..<close]
            rest = rest[rest.index(after: close)...]
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst()
        } else {
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            key = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        }
        var value = rest
        if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
        return (String(key), String(value))
    }

    /// The value stored for `key`, if the key is present.
    public func value(for key: String) -> String? { entries[key] }

    /// The value for an address: the address itself, then its shorter dotted prefixes
    /// (`10.1.2.3`, `10.1.2`, `10.1`, `10`), as `address_match_key` does for IPv4.
    public func value(forAddress address: String) -> String? {
        if let v = entries[address] { return v }
        var key = Substring(address)
        while let dot = key.lastIndex(of: ".") {
            key = key[..<dot]
            if let v = entries[String(key)] { return v }
        }
        return nil
    }
}
