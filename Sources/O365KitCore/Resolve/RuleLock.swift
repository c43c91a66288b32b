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

/// Reads the lock; a missing file is an empty lock (a new project). An active id outside
/// `range` (`wazuh.rule_ids`) is an error: such an id was written by hand, and an id like
/// 100001 collides with the first id most sites use in `local_rules.xml`.
func loadRuleLock(_ url: URL, range: ClosedRange<Int>? = nil, diagnostics: DiagnosticCollector) -> RuleLock? {
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
        var outside = false
        for (key, entry) in lock.rules.sorted(by: { $0.key < $1.key }) {
            if let range, entry.status == .active, !range.contains(entry.id) {
                diagnostics.emit(.error("bad-lock", "rule id \(entry.id) of '\(key)' is outside wazuh.rule_ids \(range.lowerBound)–\(range.upperBound); restore the lock from git (ids are assigned by o365kit build, never by hand)", at: SourceLocation(path: path, line: lineOf(key, in: data), column: 1)))
                outside = true
            }
            if let other = owners[entry.id] {
                diagnostics.emit(.error("bad-lock", "rule id \(entry.id) is locked to both '\(other)' and '\(key)'; a merge went wrong: give one of them a fresh id by deleting its entry", at: SourceLocation(path: path, line: lineOf(key, in: data), column: 1)))
                return nil
            }
            owners[entry.id] = key
        }
        return outside ? nil : lock
    } catch let error as DecodingError {
        let (message, key) = describe(error)
        diagnostics.emit(.error("bad-lock", "the lock file is not valid: \(message); restore it from git rather than editing by hand",
                                at: SourceLocation(path: path, line: key.map { lineOf($0, in: data) } ?? 1, column: 1)))
        return nil
    } catch {
        diagnostics.emit(.error("bad-lock", "the lock file is not valid; restore it from git rather than editing by hand", at: SourceLocation(path: path, line: 1, column: 1)))
        return nil
    }
}

/// A decoding error said in the lock's own terms (`rules."operation:X".id: expected a number`),
/// with the rule key it is about, if any.
private func describe(_ error: DecodingError) -> (String, String?) {
    func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.enumerated().map { index, key in
            if let number = key.intValue { return "[\(number)]" }
            let plain = key.stringValue.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            return plain ? (index == 0 ? "" : ".") + key.stringValue : "[\"\(key.stringValue)\"]"
        }.joined()
    }
    func key(_ codingPath: [any CodingKey]) -> String? {
        codingPath.count >= 2 && codingPath[0].stringValue == "rules" ? codingPath[1].stringValue : nil
    }
    switch error {
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
        let expected = type == Int.self ? "a number" : type == String.self ? "a string" : "\(type)"
        return ("\(path(context.codingPath)): expected \(expected)", key(context.codingPath))
    case .keyNotFound(let missing, let context):
        return ("\(path(context.codingPath + [missing])) is missing", key(context.codingPath))
    case .dataCorrupted(let context):
        if context.codingPath.isEmpty { return ("it is not JSON", nil) }
        return ("\(path(context.codingPath)): \(context.debugDescription)", key(context.codingPath))
    @unknown default:
        return ("\(error)", nil)
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
