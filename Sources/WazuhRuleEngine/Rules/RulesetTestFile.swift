/// A Wazuh ruleset test file (`ruleset/testing/tests/*.ini`), read the way `runtests.py`
/// reads it with `RawConfigParser`: `[section]` headers, `key = value` (or `key: value`)
/// split at the first delimiter, `#`/`;` comment lines, indented continuation lines, keys
/// lower-cased. A repeated key extends its value with a new line.
public struct RulesetTestFile: Sendable {
    /// One `log N pass|fail` entry of a section with the section's expectations.
    public struct Case: Hashable, Sendable {
        /// The section name.
        public let section: String
        /// The key, e.g. `log 1 pass`.
        public let key: String
        /// Event lines fed to one logtest session; the last one is judged.
        public let events: [String]
        /// `pass` expects the rule/level/decoder; `fail` expects a mismatch.
        public let expectsMatch: Bool
        /// Expected rule id (`rule =`).
        public let rule: String?
        /// Expected level (`alert =`).
        public let level: String?
        /// Expected decoder name (`decoder =`).
        public let decoder: String?
    }

    /// The cases in file order.
    public let cases: [Case]

    /// Parses the text of a test file.
    public init(text: String) {
        var sections: [(name: String, entries: [(key: String, value: String)])] = []
        var lastKey: String?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let stripped = line.trimmingCharacters(in: " \t")
            if stripped.isEmpty { continue }
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            if line.first == " " || line.first == "\t", let key = lastKey, !sections.isEmpty {
                let s = sections.count - 1
                if let e = sections[s].entries.lastIndex(where: { $0.key == key }) {
                    sections[s].entries[e].value += "\n" + stripped
                }
                continue
            }
            if stripped.hasPrefix("["), stripped.hasSuffix("]") {
                sections.append((String(stripped.dropFirst().dropLast()), []))
                lastKey = nil
                continue
            }
            guard !sections.isEmpty, let delimiter = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<delimiter].trimmingCharacters(in: " \t").lowercased()
            let value = line[line.index(after: delimiter)...].trimmingCharacters(in: " \t")
            let s = sections.count - 1
            if let e = sections[s].entries.firstIndex(where: { $0.key == key }) {
                sections[s].entries[e].value += "\n" + value
            } else {
                sections[s].entries.append((key, value))
            }
            lastKey = key
        }
        var cases: [Case] = []
        for section in sections {
            func value(_ key: String) -> String? { section.entries.first { $0.key == key }?.value }
            for entry in section.entries where entry.key.hasPrefix("log ") {
                let words = entry.key.split(separator: " ")
                cases.append(Case(
                    section: section.name, key: entry.key,
                    events: entry.value.split(separator: "\n").map(String.init),
                    expectsMatch: words.last != "fail",
                    rule: value("rule"), level: value("alert"), decoder: value("decoder")))
            }
        }
        self.cases = cases
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
