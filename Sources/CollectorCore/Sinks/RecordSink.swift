/// A place records go. Every sink gets every new record of a blob, and the blob counts as
/// delivered only when all sinks have returned from `deliver`.
///
/// Sinks are driven one blob at a time by `DeliveryCoordinator`, never concurrently, so an
/// implementation needs no locking of its own.
public protocol RecordSink: AnyObject, Sendable {
    /// For logs: the sink type and where it writes.
    var name: String { get }
    /// Delivers `batch`; returns only when every record was accepted (or deliberately skipped,
    /// as counted in the receipt). Throws when the sink could not take the blob after its retries.
    func deliver(_ batch: RecordBatch) async throws -> SinkReceipt
    /// The exactly-once position to commit with the blob, for sinks that have one.
    var commitPosition: (key: String, offset: Int64)? { get }
    /// Called at start with the committed position: drop what was written after it.
    func recover(committedOffset: Int64?) throws
    /// Called when another sink failed: undo what `deliver` wrote since the last commit.
    func rollback() throws
    /// Called after the journal recorded `commitPosition`: that position is now the rollback point.
    func didCommit()
    /// Flushes and releases resources.
    func close() async
}

extension RecordSink {
    public var commitPosition: (key: String, offset: Int64)? { nil }
    public func recover(committedOffset: Int64?) throws {}
    public func rollback() throws {}
    public func didCommit() {}
    public func close() async {}
}

/// What a sink reports about a blob it accepted.
public struct SinkReceipt: Sendable {
    /// Records the sink chose not to deliver (e.g. over the Wazuh datagram limit), already logged.
    public var skipped: Int
    public init(skipped: Int = 0) { self.skipped = skipped }
}

/// The new records of one blob, as byte ranges into the blob exactly as received.
public struct RecordBatch: Sendable {
    public var tenant: String
    public var contentType: String
    public var contentId: String
    /// The blob's bytes.
    public var blob: [UInt8]
    /// The records to deliver, in blob order, duplicates already removed.
    public var records: [ScannedRecord]

    public init(tenant: String, contentType: String, contentId: String, blob: [UInt8], records: [ScannedRecord]) {
        self.tenant = tenant
        self.contentType = contentType
        self.contentId = contentId
        self.blob = blob
        self.records = records
    }

    /// The records as lines: each record's bytes with CR/LF between tokens turned into spaces
    /// (JSON strings cannot hold a raw line break, so this never touches a value), then `\n`.
    public func jsonLines() -> [UInt8] {
        var total = 0
        for r in records { total += r.range.count + 1 }
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            blob.withUnsafeBufferPointer { src in
                var at = 0
                for r in records {
                    let n = r.range.count
                    (out.baseAddress! + at).initialize(from: src.baseAddress! + r.range.lowerBound, count: n)
                    if r.hasLineBreaks {
                        for k in at..<(at + n) where out[k] == 0x0A || out[k] == 0x0D { out[k] = 0x20 }
                    }
                    out[at + n] = 0x0A
                    at += n + 1
                }
                initialized = at
            }
        }
    }

    /// The record's `Id` as text, for log lines.
    public func idText(_ r: ScannedRecord) -> String {
        guard let id = r.id else { return "-" }
        return String(decoding: blob[id], as: UTF8.self)
    }
}
