import Foundation

/// A packaged test case of several events replayed in one logtest session (a correlation):
/// the last event must end at `rule`. Wazuh's `.ini` format cannot say this (its runner starts
/// a fresh session per line), so these cases go to `wazuh/tests/o365kit-sequences.jsonl`, one
/// JSON object per line, which `o365kit deploy wazuh` and the tests replay.
public struct WazuhSequenceCase: Sendable, Hashable, Codable {
    public var name: String
    public var rule: Int
    public var level: Int
    /// The events as the office365 module sends them, oldest first.
    public var events: [String]

    public init(name: String, rule: Int, level: Int, events: [String]) {
        self.name = name
        self.rule = rule
        self.level = level
        self.events = events
    }

    /// `o365kit-sequences.jsonl`: one case per line, keys sorted.
    static func render(_ cases: [WazuhSequenceCase]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return cases.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) + "\n" }.joined()
    }

    /// Reads `o365kit-sequences.jsonl`; a bad line becomes a located error.
    public static func read(_ data: Data, path: String, diagnostics: DiagnosticCollector) -> [WazuhSequenceCase] {
        var cases: [WazuhSequenceCase] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                cases.append(try JSONDecoder().decode(WazuhSequenceCase.self, from: Data(line)))
            } catch {
                diagnostics.emit(.error("bad-test-case", "expected {\"name\",\"rule\",\"level\",\"events\":[…]}", at: SourceLocation(path: path, line: index + 1)))
            }
        }
        return cases
    }
}
