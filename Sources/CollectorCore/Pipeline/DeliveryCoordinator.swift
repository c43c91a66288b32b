import Foundation

/// The single place where records are delivered and state is committed.
///
/// For each blob, under one lock: drop records whose Id was already delivered (or repeats within
/// the blob), hand the rest to every sink, then append one journal transaction holding the blob's
/// content id, its new Ids and every exactly-once file offset. If a sink fails, the file sinks are
/// rolled back to their committed offset and nothing is committed: the blob will be fetched again.
/// Blobs of all tenants pass through one lock, so a JSONL file's committed offset always covers
/// exactly the blobs that were committed.
public final class DeliveryCoordinator: @unchecked Sendable {
    private let lock = AsyncLock()
    private let sinks: [RecordSink]
    /// Per tenant; a class so that committing mutates the Id index in place (a struct copy would
    /// copy the whole index on every blob).
    private final class Store {
        let journal: StateJournal
        var state: TenantState
        init(journal: StateJournal, state: TenantState) {
            self.journal = journal
            self.state = state
        }
    }
    private var stores: [String: Store] = [:]
    private let log: CollectorLog

    /// Opens every tenant journal in `directory`, recovers the file sinks to their committed offsets,
    /// prunes what is older than `retentionDays`, and compacts journals that grew.
    public init(directory: StateDirectory, tenants: [String], sinks: [RecordSink], durable: Bool, now: Int64,
                retentionDays: Int = 8, log: CollectorLog) throws {
        self.sinks = sinks
        self.log = log
        var offsets: [String: Int64] = [:]
        let configured = Set(tenants.map { directory.journalURL(tenant: $0).standardizedFileURL.path })
        // Journals of tenants no longer configured still hold file offsets that must count.
        for url in directory.allJournalURLs() where !configured.contains(url.standardizedFileURL.path) {
            let state = try StateJournal(url: url, durable: durable).load()
            for (k, v) in state.sinkOffsets { offsets[k] = max(offsets[k] ?? 0, v) }
        }
        let horizon = TenantState.day(of: now) &- TenantState.Day(retentionDays)
        for name in tenants {
            let journal = try StateJournal(url: directory.journalURL(tenant: name), durable: durable)
            var state = try journal.load()
            for (k, v) in state.sinkOffsets { offsets[k] = max(offsets[k] ?? 0, v) }
            let pruned = state.prune(before: horizon)
            if pruned > 0 || journal.transactionCount > 64 {
                try journal.compact(state, now: now)
                log.debug("state compacted", ["tenant": name, "pruned": "\(pruned)", "ids": "\(state.delivered.count)"])
            }
            stores[name] = Store(journal: journal, state: state)
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
        if !fresh.isEmpty, let first = tenants.first, let store = stores[first] {
            var t = StateTransaction(time: now)
            t.sinkOffsets = fresh
            try store.journal.commit(t)
            store.state.apply(t)
        }
    }

    /// The checkpoint of `contentType`, if it has one.
    public func checkpoint(tenant: String, contentType: String) async -> Int64? {
        await lock.lock()
        let value = stores[tenant]?.state.checkpoints[contentType]
        await lock.unlock()
        return value
    }

    /// Whether the blob `contentId` was already settled (delivered or given up).
    public func isSettled(tenant: String, contentId: String) async -> Bool {
        await lock.lock()
        let value = stores[tenant]?.state.ledger[contentId] != nil
        await lock.unlock()
        return value
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
        guard let store = stores[tenant] else { preconditionFailure("unknown tenant \(tenant)") }
        var fresh: [ScannedRecord] = []
        var keys: [RecordKey] = []
        var seenHere: Set<RecordKey> = []
        var outcome = DeliveryOutcome()
        fresh.reserveCapacity(records.count)
        keys.reserveCapacity(records.count)
        blob.withUnsafeBytes { raw in
            for r in records {
                guard let idRange = r.id else {
                    // No Id: nothing to dedupe on, so always deliver (at-least-once for such records).
                    outcome.withoutId += 1
                    fresh.append(r)
                    continue
                }
                let key = RecordKey(idBytes: UnsafeRawBufferPointer(rebasing: raw[idRange]))
                if store.state.delivered.contains(key) || !seenHere.insert(key).inserted {
                    outcome.duplicates += 1
                    continue
                }
                keys.append(key)
                fresh.append(r)
            }
        }
        if !fresh.isEmpty {
            let batch = RecordBatch(tenant: tenant, contentType: contentType, contentId: contentId, blob: blob, records: fresh)
            do {
                for sink in sinks {
                    let receipt = try await sink.deliver(batch)
                    outcome.skipped += receipt.skipped
                }
            } catch {
                for sink in sinks { try? sink.rollback() }
                throw error
            }
        }
        var t = StateTransaction(time: now)
        t.contentIds = [contentId]
        t.recordKeys = keys
        t.sinkOffsets = sinks.compactMap { $0.commitPosition.map { ($0.key, $0.offset) } }
        do {
            try store.journal.commit(t)
        } catch {
            for sink in sinks { try? sink.rollback() }
            throw error
        }
        store.state.apply(t)
        for sink in sinks { sink.didCommit() }
        outcome.delivered = fresh.count
        return outcome
    }

    /// Records that `contentId` can never be fetched (expired): it is settled without records.
    public func settleLost(tenant: String, contentId: String, now: Int64 = UTCTime.now()) async throws {
        var t = StateTransaction(time: now)
        t.contentIds = [contentId]
        try await commit(tenant: tenant, t)
    }

    /// Moves the checkpoint of `contentType` to `time`.
    public func commitCheckpoint(tenant: String, contentType: String, time: Int64, now: Int64 = UTCTime.now()) async throws {
        var t = StateTransaction(time: now)
        t.checkpoints = [(contentType, time)]
        try await commit(tenant: tenant, t)
    }

    private func commit(tenant: String, _ t: StateTransaction) async throws {
        await lock.lock()
        do {
            guard let store = stores[tenant] else { preconditionFailure("unknown tenant \(tenant)") }
            try store.journal.commit(t)
            store.state.apply(t)
            await lock.unlock()
        } catch {
            await lock.unlock()
            throw error
        }
    }

    /// Prunes and compacts journals that grew; called between passes of a long run.
    public func maintain(now: Int64, retentionDays: Int = 8) async {
        await lock.lock()
        let horizon = TenantState.day(of: now) &- TenantState.Day(retentionDays)
        for (name, store) in stores {
            let pruned = store.state.prune(before: horizon)
            if pruned > 0 || store.journal.transactionCount > 4_096 {
                do { try store.journal.compact(store.state, now: now) } catch {
                    log.warning("state compaction failed; will retry next pass", ["tenant": name, "error": "\(error)"])
                }
            }
        }
        await lock.unlock()
    }

    /// Closes every sink.
    public func close() async {
        for sink in sinks { await sink.close() }
    }
}

/// What happened to one blob's records.
public struct DeliveryOutcome: Sendable, Equatable {
    /// Records handed to the sinks.
    public var delivered = 0
    /// Records dropped because their Id was already delivered.
    public var duplicates = 0
    /// Records a sink deliberately skipped (over the Wazuh size limit).
    public var skipped = 0
    /// Records without an Id (delivered, but not deduplicated).
    public var withoutId = 0
    public init() {}
}
