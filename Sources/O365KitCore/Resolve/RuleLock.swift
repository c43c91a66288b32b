import Foundation

/// `mappings/rules.lock.json`: the Wazuh rule id of every key that ever had a rule.
///
/// Ids are assigned once and never move: a key that disappears stays in the lock as
/// `retired`, so its id is never handed to another key, and gets the same id back if it
/// returns. The tool rewrites the lock on `build`; people review it in pull requests.
public struct RuleLock: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case active, retired
    }

    public struct Entry: Sendable, Equatable, Codable {
        public var id: Int
        public var status: Status
    }

    public var format: Int
    public var rules: [String: Entry]

    public init(rules: [String: Entry] = [:]) {
        self.format = 1
        self.rules = rules
    }

    /// The lock as committed: sorted keys, two-space indentation, trailing newline.
    public func encoded() -> String {
        encodeJSON(self)
    }
}

/// Reads the lock; a missing file is an empty lock (a new project).
func loadRuleLock(_ url: URL, diagnostics: DiagnosticCollector) -> RuleLock? {
    guard FileManager.default.fileExists(atPath: url.path) else { return RuleLock() }
    let path = displayPath(url)
    guard let data = FileManager.default.contents(atPath: url.path) else {
        diagnostics.emit(.error("bad-lock", "cannot read the lock file", at: SourceLocation(path: path)))
        return nil
    }
    do {
        let lock = try JSONDecoder().decode(RuleLock.self, from: data)
        guard lock.format == 1 else {
            diagnostics.emit(.error("bad-lock", "unsupported lock format \(lock.format); this o365kit reads format 1", at: SourceLocation(path: path, line: 1, column: 1)))
            return nil
        }
        var owners: [Int: String] = [:]
        for (key, entry) in lock.rules.sorted(by: { $0.key < $1.key }) {
            if let other = owners[entry.id] {
                diagnostics.emit(.error("bad-lock", "rule id \(entry.id) is locked to both '\(other)' and '\(key)'; a merge went wrong: give one of them a fresh id by deleting its entry", at: SourceLocation(path: path, line: lineOf(key, in: data), column: 1)))
                return nil
            }
            owners[entry.id] = key
        }
        return lock
    } catch {
        diagnostics.emit(.error("bad-lock", "the lock file is not valid: \(error); restore it from git rather than editing by hand", at: SourceLocation(path: path, line: 1, column: 1)))
        return nil
    }
}

/// The line of a key in the lock's JSON text, for pointing at a bad entry.
private func lineOf(_ key: String, in data: Data) -> Int {
    let text = String(decoding: data, as: UTF8.self)
    let needle = encodeJSON([key]).dropFirst(4).prefix { $0 != "\n" }
    var line = 1
    for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if l.contains(needle) { return line }
        line += 1
    }
    return 1
}
