import Foundation

/// Posts records to a Splunk HTTP Event Collector in batches.
///
/// Each record becomes `{"time":<CreationTime>,"sourcetype":"o365:management:activity",…,"event":<record bytes>}`
/// with the record spliced in as received. A batch is acknowledged only by HTTP 200 with HEC
/// code 0; 429, 503 (HEC busy) and other 5xx or connection failures are retried with backoff; any
/// other answer fails the blob, which is then retried on the next pass (its checkpoint does not move).
public final class SplunkHECSink: RecordSink, @unchecked Sendable {
    public static let sourcetype = "o365:management:activity"
    public let name: String
    private let url: URL
    private let token: Secret
    private let index: String?
    private let batchBytes: Int
    private let http: HTTPTransport
    private let retry: RetryPolicy
    private let log: CollectorLog

    public init(baseURL: URL, token: Secret, index: String?, batchBytes: Int, http: HTTPTransport, retry: RetryPolicy, log: CollectorLog) {
        self.url = baseURL.path.hasSuffix("/services/collector/event") ? baseURL : baseURL.appendingPathComponent("services/collector/event")
        self.name = "splunk_hec:\(url.host ?? "")"
        self.token = token
        self.index = index
        self.batchBytes = batchBytes
        self.http = http
        self.retry = retry
        self.log = log
    }

    /// The HEC event envelope of one record.
    public static func event(record: ArraySlice<UInt8>, creationTime: Double?, source: String, index: String?) -> [UInt8] {
        var head = "{"
        if let t = creationTime { head += "\"time\":" + String(format: "%.3f", t) + "," }
        head += "\"sourcetype\":\"\(sourcetype)\",\"source\":\"\(jsonEscaped(source))\","
        if let index { head += "\"index\":\"\(jsonEscaped(index))\"," }
        head += "\"event\":"
        var out = Array(head.utf8)
        out.append(contentsOf: record)
        out.append(UInt8(ascii: "}"))
        return out
    }

    public func deliver(_ batch: RecordBatch) async throws -> SinkReceipt {
        var body: [UInt8] = []
        body.reserveCapacity(min(batchBytes, batch.blob.count + batch.records.count * 160) + 256)
        let source = "o365:\(batch.tenant):\(batch.contentType)"
        for r in batch.records {
            let time = r.creationTime.flatMap { range in batch.blob[range].withUnsafeBytes { UTCTime.parse($0) } }
            let event = Self.event(record: batch.blob[r.range], creationTime: time, source: source, index: index)
            if !body.isEmpty && body.count + event.count > batchBytes {
                try await post(body, batch: batch)
                body.removeAll(keepingCapacity: true)
            }
            body.append(contentsOf: event)
            body.append(0x0A)
        }
        if !body.isEmpty { try await post(body, batch: batch) }
        return SinkReceipt()
    }

    private func post(_ body: [UInt8], batch: RecordBatch) async throws {
        try await retry.run(
            isPermanent: { $0 is SinkError },
            retrying: { failure, delay in
                log.warning("HEC post failed; retrying", ["sink": name, "tenant": batch.tenant, "content_type": batch.contentType,
                                                           "content_id": batch.contentId, "error": failure, "retry_in": String(format: "%.2fs", delay)])
            },
            exhausted: { failure, attempts in SinkError.failed(name, "\(failure) (after \(attempts) attempts)") }
        ) {
            let r = try await http.send(.POST, url, headers: [("Authorization", "Splunk \(token.value)"), ("Content-Type", "application/json")],
                                        body: body, timeout: .seconds(60), maxBody: 1 << 20)
            let code = (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["code"] as? Int
            if r.status == 200 && (code ?? 0) == 0 { return .success(()) }
            let text = (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["text"] as? String ?? ""
            let failure = "HTTP \(r.status) code \(code.map(String.init) ?? "-") \(text)"
            guard r.status == 429 || r.status >= 500 else { throw SinkError.failed(name, "HEC refused the batch: \(failure)") }
            return .transient(failure, retryAfter: r.retryAfter)
        }
    }
}
