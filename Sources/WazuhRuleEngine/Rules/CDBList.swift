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
        // Split on bytes: as a String, "\r\n" is one Character and would not split on "\n".
        for rawLine in data.split(separator: 10, omittingEmptySubsequences: true) {
            let line = Substring(String(decoding: rawLine.filter { $0 != 13 }, as: UTF8.self))
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

    /// The value for an address, as `address_match_key` looks it up: the address itself,
    /// then each shorter prefix that ends with a dot, longest first (`10.1.2.3`, `10.1.2.`,
    /// `10.1.`, `10.`), so subnets are written as keys like `10.1.`.
    public func value(forAddress address: String) -> String? {
        if let v = entries[address] { return v }
        var key = Substring(address)
        while let dot = key.dropLast().lastIndex(of: ".") ?? (key.last == "." ? key.index(before: key.endIndex) : nil) {
            key = key[...dot]
            if let v = entries[String(key)] { return v }
            key = key.dropLast()
        }
        return nil
    }
}
