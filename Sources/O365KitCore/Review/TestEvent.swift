import Foundation
import WazuhRuleEngine

/// One audit record of an events file, decoded the way analysisd would see it.
public struct TestEvent: Sendable {
    /// 1-based line in the events file.
    public var line: Int
    /// The record's `Id`, when it has one.
    public var recordID: String?
    /// The record's `CreationTime` as written.
    public var creationTime: String
    /// `creationTime` in seconds since 1970; events are evaluated in this order.
    public var seconds: Int64
    /// The event as the wodle sends it: `{"integration":"office365","office365":{…}}`.
    public var wrapped: Data
    /// The decoded event.
    public var event: DecodedEvent
}

/// Reads a JSON-lines file of audit records. Each line is either a bare Office 365 audit
/// record or the Wazuh-wrapped form `{"integration":"office365","office365":{…}}`; the form
/// is detected per line (a top-level `integration` key means wrapped). Blank lines are
/// skipped. Bad lines are reported as located errors and left out.
public enum TestEventReader {
    public static func read(_ data: Data, path: String, diagnostics: DiagnosticCollector) -> [TestEvent] {
        var events: [TestEvent] = []
        let bytes = [UInt8](data)
        events.reserveCapacity(bytes.count / 400 + 1)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            var last = end
            while last > start && (bytes[last - 1] == 13 || bytes[last - 1] == 32 || bytes[last - 1] == 9) { last -= 1 }
            var first = start
            while first < last && (bytes[first] == 32 || bytes[first] == 9) { first += 1 }
            if first < last {
                let line = Data(bytes[first..<last])
                if let event = decode(line, lineNumber: lineNumber, path: path, diagnostics: diagnostics) {
                    events.append(event)
                }
            }
            start = end + 1
        }
        return events
    }

    private static let integrationKey = Data("\"integration\"".utf8)

    static func decode(_ line: Data, lineNumber: Int, path: String, diagnostics: DiagnosticCollector) -> TestEvent? {
        let at = SourceLocation(path: path, line: lineNumber)
        guard line.first == UInt8(ascii: "{") else {
            diagnostics.emit(.error("bad-event", "expected a JSON object (an audit record, or {\"integration\":\"office365\",\"office365\":{…}})", at: at))
            return nil
        }
        var event: DecodedEvent?
        var wrapped = line
        if line.range(of: integrationKey) != nil {
            let asIs = DecodedEvent(json: line)
            if asIs.field("integration") != nil { event = asIs }
        }
        if event == nil {
            wrapped = DecodedEvent.wrapping(record: line)
            event = DecodedEvent(json: wrapped)
        }
        // The flattener drops every field of malformed JSON, as cJSON does; the wrapper's
        // own `integration` key is then missing too.
        guard let event, event.field("integration") != nil else {
            diagnostics.emit(.error("bad-event", "invalid JSON: \(jsonError(line))", at: at))
            return nil
        }
        let prefix = "office365."
        guard let time = event.field(prefix + "CreationTime") else {
            diagnostics.emit(.error("bad-event", "record has no CreationTime; events are evaluated in CreationTime order", at: at))
            return nil
        }
        guard let seconds = CreationTime.seconds(time) else {
            diagnostics.emit(.error("bad-event", "CreationTime '\(time)' is not a timestamp like 2026-11-30T10:00:00 (UTC)", at: at))
            return nil
        }
        return TestEvent(line: lineNumber, recordID: event.field(prefix + "Id"), creationTime: time, seconds: seconds, wrapped: wrapped, event: event)
    }

    private static func jsonError(_ line: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: line)
            return "not accepted by Wazuh's JSON decoder"
        } catch {
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return message ?? "not valid JSON"
        }
    }
}
