/// Counters of one pass, per content type and summed over everything.
public struct PassStatistics: Sendable, Equatable {
    /// Blobs delivered (including those whose records were all duplicates).
    public var blobs = 0
    /// Blobs skipped because the ledger says they were settled in an earlier pass.
    public var blobsAlreadySettled = 0
    /// Records handed to the sinks.
    public var records = 0
    /// Records dropped as already delivered.
    public var duplicates = 0
    /// Records a sink skipped on purpose (oversize for Wazuh).
    public var skipped = 0
    /// Blobs or listings that failed after retries: their checkpoint did not move.
    public var failures = 0
    /// Blobs that expired before they could be fetched: their records are lost.
    public var lost = 0
    /// Tenants skipped because another collector process holds them (it collects them).
    public var tenantsHeldElsewhere = 0

    public init() {}

    public static func += (a: inout Self, b: Self) {
        a.blobs += b.blobs
        a.blobsAlreadySettled += b.blobsAlreadySettled
        a.records += b.records
        a.duplicates += b.duplicates
        a.skipped += b.skipped
        a.failures += b.failures
        a.lost += b.lost
        a.tenantsHeldElsewhere += b.tenantsHeldElsewhere
    }

    /// Whether everything listed was delivered.
    public var isComplete: Bool { failures == 0 && lost == 0 }
}
