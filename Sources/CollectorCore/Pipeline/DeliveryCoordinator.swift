import Foundation

/// The single place where records are delivered and state is committed.
///
/// For each blob, under one lock and in one transaction of the tenant's `StateStore`: add every
/// record's key to the Id index (a key already there is a duplicate and is dropped), hand the new
/// records to every sink, then commit with the blob's content id and every exactly-once file
/// offset. If a sink fails, the transaction is rolled back and the file sinks are cut back to
/// their committed offset: nothing of the blob counts and it will be fetched again. Blobs of all
/// tenants of this process pass through one lock, so a JSONL file's committed offset always
/// covers exactly the blobs that were committed.
///
/// A tenant's state is open only while this process holds the tenant's lock (`acquire` …
/// `release`), so several processes can share a state directory and each tenant is collected by
/// one of them at a time.
public final class DeliveryCoordinator: @unchecked Sendable {
    private let lock = AsyncLock()
    private let sinks: [RecordSink]
    private let directory: StateDirectory
    private let durable: Bool
    private let retentionDays: Int64
    private let cacheKiB: Int
    private struct Held {
        let lock: TenantLock
        let store: StateStore
    }
    private var held: [String: Held] = [:]
    private let log: CollectorLog

    /// Imports journals of an older version, recovers the file sinks to the highest offset any
    /// tenant database committed for them, and records the starting size of new files.
    public init(directory: StateDirectory, sinks: [RecordSink], durable: Bool, now: Int64,
                retentionDays: Int = 8, cacheKiB: Int = 8_192, log: CollectorLog) throws {
        self.sinks = sinks
        self.directory = directory
        self.durable = durable
        self.retentionDays = Int64(retentionDays)
        self.cacheKiB = cacheKiB
        self.log = log
        try LegacyJournalImport.importAll(in: directory, durable: durable, log: log)
        var offsets: [String: Int64] = [:]
        // Tenants collected by other processes sharing the directory hold offsets of their own
        // files only (each file is locked by its writer), so reading them is harmless and needed
        // for tenants this process wrote before another took them over.
        for url in directory.allDatabaseURLs() + [directory.sinksDatabaseURL] where FileManager.default.fileExists(atPath: url.path) {
            for (k, v) in try StateStore.sinkOffsets(at: url) { offsets[k] = max(offsets[k] ?? 0, v) }
        }
        for sink in sinks {
            try sink.recover(committedOffset: sink.commitPosition.flatMap { offsets[$0.key] })
        }
        // A file sink seen for the first time: commit its starting size now, so that a crash
        // before the first blob commit is cut back to it instead of being taken as committed.
        let fresh = sinks.compactMap { s -> (String, Int64)? in
            guard let p = s.commitPosition, offsets[p.key] == nil else { return nil }
            return (p.key, p.offset)
        }
        if !fresh.isEmpty {
            try StateStore(url: directory.sinksDatabaseURL, durable: durable, cacheKiB: 256).commitSinkOffsets(fresh)
        }
    }

    /// Takes the tenant's lock and opens its state, expiring what is older than the retention;
    /// false when another process holds the tenant.
    public func acquire(tenant: String, now: Int64 = UTCTime.now()) async throws -> Bool {
        await lock.lock()
        let result = Result { try acquireLocked(tenant: tenant, now: now) }
        await lock.unlock()
        return try result.get()
    }

    private func acquireLocked(tenant: String, now: Int64) throws -> Bool {
        if held[tenant] != nil { return true }
        guard let tenantLock = try TenantLock.acquire(directory.lockURL(tenant: tenant)) else { return false }
        let store = try StateStore(url: directory.databaseURL(tenant: tenant), durable: durable, cacheKiB: cacheKiB)
        let today = now / 86_400
        let dropped = try store.expire(before: today - retentionDays, today: today)
        if dropped > 0 { log.debug("expired old record keys", ["tenant": tenant, "keys": "\(dropped)"]) }
        held[tenant] = Held(lock: tenantLock, store: store)
        return true
    }

    /// Closes the tenant's state and lets another process take it.
    public func release(tenant: String) async {
        await lock.lock()
        held[tenant] = nil
        await lock.unlock()
    }

    /// The checkpoint of `contentType`, if it has one.
    public func checkpoint(tenant: String, contentType: String) async throws -> Int64? {
        try await withStore(tenant) { try $0.checkpoint(contentType: contentType) }
    }

    /// Whether the blob `contentId` was already settled (delivered or given up).
    public func isSettled(tenant: String, contentId: String) async throws -> Bool {
        try await withStore(tenant) { try $0.isSettled(contentId: contentId) }
    }

    /// Records that `contentId` can never be fetched (expired): it is settled without records.
    public func settleLost(tenant: String, contentId: String, now: Int64 = UTCTime.now()) async throws {
        try await withStore(tenant) { try $0.settleLost(contentId: contentId, day: now / 86_400) }
    }

    /// Moves the checkpoint of `contentType` to `time`.
    public func commitCheckpoint(tenant: String, contentType: String, time: Int64) async throws {
        try await withStore(tenant) { try $0.commitCheckpoint(contentType: contentType, listingStart: time) }
    }

    private func withStore<T>(_ tenant: String, _ body: (StateStore) throws -> T) async throws -> T {
        await lock.lock()
        guard let store = held[tenant]?.store else { preconditionFailure("tenant \(tenant) used without acquire") }
        let result = Result { try body(store) }
        await lock.unlock()
        return try result.get()
    }

    /// Delivers the blob's new records to every sink and commits; see the type comment.
    public func deliver(tenant: String, contentType: String, contentId: String, blob: [UInt8], records: [ScannedRecord],
                        now: Int64 = UTCTime.now()) async throws -> DeliveryOutcome {
        await lock.lock()
        do {
            let outcome = try await deliverLocked(tenant: tenant, contentType: contentType, contentId: contentId, blob: blob, records: records, now: now)
            await lock.unlock()
            return outcome
        } catch {
            await lock.unlock()
            throw error
        }
    }

    private func deliverLocked(tenant: String, contentType: String, contentId: String, blob: [UInt8], records: [ScannedRecord],
                               now: Int64) async throws -> DeliveryOutcome {
        guard let store = held[tenant]?.store else { preconditionFailure("tenant \(tenant) used without acquire") }
        var fresh: [ScannedRecord] = []
        var outcome = DeliveryOutcome()
        fresh.reserveCapacity(records.count)
        try store.beginDelivery()
        do {
            try blob.withUnsafeBytes { raw in
                var seconds = DedupeKey.SecondCache()
                for r in records {
                    let (key, idKey) = DedupeKey.keys(of: r, in: raw, cache: &seconds)
                    if idKey == nil { outcome.withoutId += 1 }
                    if try store.insert(key, legacy: idKey) {
                        fresh.append(r)
                    } else {
                        outcome.duplicates += 1
                    }
                }
            }
            if !fresh.isEmpty {
                let batch = RecordBatch(tenant: tenant, contentType: contentType, contentId: contentId, blob: blob, records: fresh)
                for sink in sinks {
                    let receipt = try await sink.deliver(batch)
                    outcome.skipped += receipt.skipped
                }
            }
            try store.commitDelivery(contentId: contentId, day: now / 86_400,
                                     sinkOffsets: sinks.compactMap { $0.commitPosition.map { ($0.key, $0.offset) } })
        } catch {
            store.rollback()
            for sink in sinks { try? sink.rollback() }
            throw error
        }
        for sink in sinks { sink.didCommit() }
        outcome.delivered = fresh.count
        return outcome
    }

    /// Releases every tenant and closes every sink.
    public func close() async {
        await lock.lock()
        held.removeAll()
        await lock.unlock()
        for sink in sinks { await sink.close() }
    }
}

/// What happened to one blob's records.
public struct DeliveryOutcome: Sendable, Equatable {
    /// Records handed to the sinks.
    public var delivered = 0
    /// Records dropped because they were already delivered (same Id, or for records without an
    /// Id the same bytes).
    public var duplicates = 0
    /// Records a sink deliberately skipped (over the Wazuh size limit).
    public var skipped = 0
    /// Records without an Id (deduplicated by a hash of their bytes).
    public var withoutId = 0
    public init() {}
}
