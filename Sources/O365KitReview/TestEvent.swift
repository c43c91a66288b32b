import Foundation
import O365KitCore
#if canImport(Glibc)
import Glibc
#endif
import WazuhRuleEngine

/// One audit record of an events file, as far as ordering needs it. The decoded event is
/// not kept (a large file would need gigabytes of decoded fields): `event` decodes the
/// line from the file's shared bytes when it is evaluated.
public struct TestEvent: Sendable {
    /// 1-based line in the events file.
    public var line: Int
    /// The record's `CreationTime` as written.
    public var creationTime: String
    /// `creationTime` in seconds since 1970; events are evaluated in this order.
    public var seconds: Int64
    /// The events file as shown in diagnostics.
    public var path: String
    /// The whole events file (shared, not copied) and this line's bytes in it.
    let source: Data
    let range: Range<Int>
    /// Whether the line is already in the wrapped form.
    let isWrapped: Bool

    /// The line as written.
    var raw: Data { Data(source[(source.startIndex + range.lowerBound)..<(source.startIndex + range.upperBound)]) }

    /// The event as the wodle sends it: `{"integration":"office365","office365":{…}}`.
    public var wrapped: Data {
        let bytes = source[(source.startIndex + range.lowerBound)..<(source.startIndex + range.upperBound)]
        return isWrapped ? Data(bytes) : TestEventReader.wrap(bytes)
    }

    /// The line decoded as analysisd's json decoder would.
    public var event: DecodedEvent { DecodedEvent(json: wrapped) }
}

/// Reads a JSON-lines file of audit records. Each line is either a bare Office 365 audit
/// record or the Wazuh-wrapped form `{"integration":"office365","office365":{…}}`; the form
/// is detected per line (a top-level `integration` key means wrapped). Blank lines are
/// skipped. Bad lines are reported as located errors and left out.
public enum TestEventReader {
    public static func read(_ data: Data, path: String, diagnostics: DiagnosticCollector) -> [TestEvent] {
        // Lines are cut first, then decoded on every core in contiguous chunks: decoding is
        // most of the cost of a large file, and records are independent until evaluation.
        var lines: [(number: Int, range: Range<Int>)] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            lines.reserveCapacity(bytes.count / 400 + 1)
            var number = 0
            var start = 0
            while start < bytes.count {
                number += 1
                let base = bytes.baseAddress!
                let end = memchr(base + start, 10, bytes.count - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
                var last = end
                while last > start && (bytes[last - 1] == 13 || bytes[last - 1] == 32 || bytes[last - 1] == 9) { last -= 1 }
                var first = start
                while first < last && (bytes[first] == 32 || bytes[first] == 9) { first += 1 }
                if first < last { lines.append((number, first..<last)) }
                start = end + 1
            }
        }
        let allLines = lines
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, lines.count / 10_000))
        let perChunk = (lines.count + chunks - 1) / max(chunks, 1)
        let results = ChunkResults(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let local = DiagnosticCollector()
            var events: [TestEvent] = []
            let slice = allLines[min(chunk * perChunk, allLines.count)..<min((chunk + 1) * perChunk, allLines.count)]
            events.reserveCapacity(slice.count)
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                for line in slice {
                    let text = UnsafeBufferPointer(rebasing: bytes[line.range])
                    if let event = decode(text, lineNumber: line.number, range: line.range, source: data, path: path, diagnostics: local) {
                        events.append(event)
                    }
                }
            }
            results.set(chunk, events, local.diagnostics)
        }
        var events: [TestEvent] = []
        events.reserveCapacity(lines.count)
        for (chunkEvents, chunkDiagnostics) in results.all {
            events += chunkEvents
            diagnostics.emit(chunkDiagnostics)
        }
        return events
    }

    /// Per-chunk results written from concurrent workers, each to its own slot.
    private final class ChunkResults: @unchecked Sendable {
        private var slots: [([TestEvent], [Diagnostic])]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: ([], []), count: count) }
        func set(_ index: Int, _ events: [TestEvent], _ diagnostics: [Diagnostic]) {
            lock.withLock { slots[index] = (events, diagnostics) }
        }
        var all: [([TestEvent], [Diagnostic])] { lock.withLock { slots } }
    }

    private static let creationTimeKey = Array("creationtime".utf8)
    private static let integrationKey = Array("\"integration\"".utf8)
    private static let wrapperHead = Array("{\"integration\":\"office365\",\"office365\":".utf8)

    /// Whether `bytes` contains `"integration"` (a cheap filter before decoding a line as
    /// the wrapped form).
    static func mentionsIntegration(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = integrationKey.count
        return integrationKey.withUnsafeBytes { key -> Bool in
            var offset = 0
            while offset + count <= bytes.count, let hit = memchr(base + offset, 34, bytes.count - offset - count + 1) {
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(base + at, key.baseAddress!, count) == 0 { return true }
                offset = at + 1
            }
            return false
        }
    }

    /// The wodle's wrapper around a bare record, built in one allocation.
    static func wrap<Bytes: Collection>(_ record: Bytes) -> Data where Bytes.Element == UInt8 {
        var wrapped = Data(capacity: wrapperHead.count + record.count + 1)
        wrapped.append(contentsOf: wrapperHead)
        wrapped.append(contentsOf: record)
        wrapped.append(UInt8(ascii: "}"))
        return wrapped
    }

    /// The largest record line read. Real audit records are a few KiB (analysisd itself cuts
    /// an event at 64 KiB); a line beyond this is an error, not a reason to run out of memory.
    static let maxLineBytes = 1 << 20

    static func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, range: Range<Int>, source: Data, path: String, diagnostics: DiagnosticCollector) -> TestEvent? {
        let at = SourceLocation(path: path, line: lineNumber)
        guard line.count <= maxLineBytes else {
            diagnostics.emit(.error("bad-event", "the record is \(line.count) bytes long; the limit is \(maxLineBytes)", at: at))
            return nil
        }
        guard line.first == UInt8(ascii: "{") else {
            diagnostics.emit(.error("bad-event", "expected a JSON object (an audit record, or {\"integration\":\"office365\",\"office365\":{…}})", at: at))
            return nil
        }
        if !mentionsIntegration(line), let time = CheapScan.topLevelString(line, key: creationTimeKey), let seconds = CreationTime.seconds(time) {
            // A bare record whose top-level CreationTime is a plain string: no need to
            // decode it twice (it is decoded when evaluated).
            return TestEvent(line: lineNumber, creationTime: time, seconds: seconds, path: path, source: source, range: range, isWrapped: false)
        }
        var event: DecodedEvent?
        var isWrapped = false
        if mentionsIntegration(line) {
            let asIs = DecodedEvent(json: Data(line))
            if asIs.field("integration") != nil {
                event = asIs
                isWrapped = true
            }
        }
        if event == nil {
            event = DecodedEvent(json: wrap(line))
        }
        // The flattener drops every field of malformed JSON, as cJSON does; the wrapper's
        // own `integration` key is then missing too.
        guard let event, event.field("integration") != nil else {
            diagnostics.emit(.error("bad-event", "invalid JSON: \(jsonError(Data(line)))", at: at))
            return nil
        }
        guard let time = event.field("office365.CreationTime") else {
            diagnostics.emit(.error("bad-event", "record has no CreationTime; events are evaluated in CreationTime order", at: at))
            return nil
        }
        guard let seconds = CreationTime.seconds(time) else {
            diagnostics.emit(.error("bad-event", "CreationTime '\(time)' is not a timestamp like 2026-11-30T10:00:00 (UTC)", at: at))
            return nil
        }
        return TestEvent(line: lineNumber, creationTime: time, seconds: seconds, path: path, source: source, range: range, isWrapped: isWrapped)
    }

    static func jsonError(_ line: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: line)
            return "not accepted by Wazuh's JSON decoder"
        } catch {
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return message ?? "not valid JSON"
        }
    }
}

/// Finds a top-level string member of a JSON object without decoding it, the way the json
/// decoder's field lookup would (first occurrence, ASCII case-insensitive key). Returns nil
/// whenever it is not certain (escapes in a key or the value, a non-string value, malformed
/// text), and the caller then decodes the line.
enum CheapScan {
    static func topLevelString(_ b: UnsafeBufferPointer<UInt8>, key: [UInt8]) -> String? {
        var i = 0
        let n = b.count
        var depth = 0
        func skipSpace(_ j: inout Int) { while j < n && b[j] <= 32 { j += 1 } }
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                var j = i + 1
                var escaped = false
                while j < n && b[j] != UInt8(ascii: "\"") {
                    if b[j] == UInt8(ascii: "\\") { escaped = true; j += 2 } else { j += 1 }
                }
                guard j < n else { return nil }
                let start = i + 1, end = j
                i = j + 1
                guard depth == 1 else { continue }
                var k = i
                skipSpace(&k)
                guard k < n, b[k] == UInt8(ascii: ":") else { continue }
                // A key of the root object.
                if escaped { return nil }
                guard end - start == key.count else { continue }
                var same = true
                for m in 0..<key.count where b[start + m] | 0x20 != key[m] {
                    same = false
                    break
                }
                guard same else { continue }
                k += 1
                skipSpace(&k)
                guard k < n, b[k] == UInt8(ascii: "\"") else { return nil }
                var v = k + 1
                while v < n && b[v] != UInt8(ascii: "\"") {
                    if b[v] == UInt8(ascii: "\\") { return nil }
                    v += 1
                }
                guard v < n else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: b[(k + 1)..<v]), as: UTF8.self)
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
            i += 1
        }
        return nil
    }
}
