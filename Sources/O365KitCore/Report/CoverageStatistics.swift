import Foundation

/// What the tables cover, as `o365kit check` reports it: rows by source, techniques and rows
/// by tactic, and which operations of a sample of real events the tables do not know.
public struct CoverageStatistics: Encodable, Sendable {
    public struct TacticCount: Encodable, Sendable {
        public var tactic: String
        public var techniques: Int
        public var rows: Int
    }

    public struct EventCoverage: Encodable, Sendable {
        public var path: String
        public var records: Int
        /// Records without an `Operation` (the Wazuh fixtures have some).
        public var withoutOperation: Int
        public var operations: Int
        /// Operations of the file that no row names (compared case-insensitively, as Wazuh
        /// matches), with how many records carry each.
        public var unmapped: [String: Int]
    }

    public var operations: Int
    public var logonErrors: Int
    public var markedNone: Int
    public var rowsBySource: [String: Int]
    public var tactics: [TacticCount]
    public var events: EventCoverage?
}

extension CoverageStatistics {
    /// Counts over a validated project; `events` adds the coverage of a JSONL sample.
    public init(_ project: ValidatedProject, events: EventCoverage? = nil) {
        operations = project.operations.count
        logonErrors = project.logonErrors.count
        let assignments = project.operations.map(\.assignment) + project.logonErrors.map(\.assignment)
        markedNone = assignments.filter { $0 == .noTechnique }.count
        var sources: [String: Int] = [:]
        for source in project.operations.map(\.source) + project.logonErrors.map(\.source) { sources[source, default: 0] += 1 }
        rowsBySource = sources
        tactics = project.catalog.tactics.map { tactic in
            let rows = assignments.filter { $0.ids.contains { project.catalog.techniques[$0]?.tactics.contains(tactic.shortname) == true } }
            let techniques = Set(rows.flatMap(\.ids).filter { project.catalog.techniques[$0]?.tactics.contains(tactic.shortname) == true })
            return TacticCount(tactic: tactic.shortname, techniques: techniques.count, rows: rows.count)
        }
        self.events = events
    }

    /// Reads a JSONL file of audit records (bare, or wrapped as Wazuh's module sends them:
    /// `{"integration":"office365","office365":{…}}`) and finds the operations the tables
    /// do not name. A line that is not a JSON object is a located error.
    public static func eventCoverage(of url: URL, project: ValidatedProject, diagnostics: DiagnosticCollector) -> EventCoverage? {
        let path = displayPath(url)
        guard let text = readText(url, diagnostics: diagnostics) else { return nil }
        let known = Set(project.operations.map { $0.operation.value.lowercased() })
        var records = 0, withoutOperation = 0
        var seen: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                diagnostics.emit(.error("bad-event", "line is not a JSON object", at: SourceLocation(path: path, line: index + 1, column: 1)))
                continue
            }
            let record = (object["office365"] as? [String: Any]) ?? (object["office_365"] as? [String: Any]) ?? object
            records += 1
            guard let operation = record["Operation"] as? String else {
                withoutOperation += 1
                continue
            }
            seen[operation, default: 0] += 1
        }
        let unmapped = seen.filter { !known.contains($0.key.lowercased()) }
        return EventCoverage(path: path, records: records, withoutOperation: withoutOperation, operations: seen.count, unmapped: unmapped)
    }

    /// The statistics for people.
    public var text: String {
        var out = "coverage: \(operations) operations, \(logonErrors) LogonErrors, \(markedNone) marked none\n"
        out += "  rows by source: " + rowsBySource.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        out += "  by tactic (techniques/rows): " + tactics.filter { $0.rows > 0 }.map { "\($0.tactic) \($0.techniques)/\($0.rows)" }.joined(separator: ", ") + "\n"
        if let events {
            out += "events \(events.path): \(events.records) records, \(events.operations) distinct operations"
            out += events.withoutOperation > 0 ? " (\(events.withoutOperation) records without Operation)" : ""
            out += ", \(events.unmapped.count) not in the tables\n"
            for (operation, count) in events.unmapped.sorted(by: { $0.key < $1.key }) {
                out += "  unmapped: \(operation) (\(count) record\(count == 1 ? "" : "s"))\n"
            }
        }
        return out
    }
}
