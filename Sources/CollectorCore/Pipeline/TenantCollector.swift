import Foundation

/// Collects one tenant: subscriptions, then each content type window by window, blob by blob.
public struct TenantCollector: Sendable {
    /// How many blobs are fetched ahead of the one being delivered (bounded memory: a blob each).
    public static let prefetch = 4

    let tenant: TenantConfig
    let api: ManagementAPI
    let coordinator: DeliveryCoordinator
    let config: CollectorConfig
    let shutdown: ShutdownSignal
    let log: CollectorLog

    public init(tenant: TenantConfig, api: ManagementAPI, coordinator: DeliveryCoordinator, config: CollectorConfig, shutdown: ShutdownSignal, log: CollectorLog) {
        self.tenant = tenant
        self.api = api
        self.coordinator = coordinator
        self.config = config
        self.shutdown = shutdown
        self.log = log.with(["tenant": tenant.name])
    }

    /// One pass over every content type of the tenant, holding the tenant's lock throughout;
    /// skipped when another process holds it.
    public func runPass() async -> PassStatistics {
        var total = PassStatistics()
        do {
            guard try await coordinator.acquire(tenant: tenant.name) else {
                log.notice("another o365-collector is collecting this tenant; skipping it this pass")
                total.tenantsHeldElsewhere += 1
                return total
            }
        } catch {
            log.error("cannot open the tenant's state; skipping the tenant this pass", ["error": "\(error)"])
            total.failures += 1
            return total
        }
        let result = await collectTenant()
        await coordinator.release(tenant: tenant.name)
        return result
    }

    func collectTenant() async -> PassStatistics {
        var total = PassStatistics()
        do {
            try await api.ensureSubscriptions(tenant.contentTypes)
        } catch {
            log.error("cannot check or start subscriptions; skipping the tenant this pass", ["error": "\(error)"])
            total.failures += 1
            return total
        }
        for ct in tenant.contentTypes {
            if shutdown.isRequested { break }
            total += await collect(contentType: ct)
        }
        return total
    }

    /// Lists and delivers everything of `contentType` from its checkpoint to now.
    func collect(contentType ct: String) async -> PassStatistics {
        let log = self.log.with(["content_type": ct])
        var stats = PassStatistics()
        // Windows follow the API's clock, not ours (see ServerClock).
        let now = api.clock.now()
        let checkpoint: Int64?
        do {
            checkpoint = try await coordinator.checkpoint(tenant: tenant.name, contentType: ct)
        } catch {
            log.error("cannot read the checkpoint", ["error": "\(error)"])
            stats.failures += 1
            return stats
        }
        let plan = WindowPlanner.plan(checkpoint: checkpoint, now: now, initialLookback: Int64(config.initialLookback.seconds),
                                      overlap: Int64(config.relistOverlap.seconds))
        if let lost = plan.lostSpan {
            log.warning("checkpoint is older than the 7 days the API can list; content created in this span is lost",
                        ["lost_from": UTCTime.format(lost.start), "lost_to": UTCTime.format(lost.end)])
        }
        var reached = checkpoint
        for window in plan.windows {
            if shutdown.isRequested { break }
            let wlog = log.with(["window": "\(UTCTime.format(window.start))/\(UTCTime.format(window.end))"])
            let listing: [ContentDescriptor]
            do {
                listing = try await api.listContent(ct, start: window.start, end: window.end)
            } catch {
                wlog.error("listing failed; checkpoint stays", ["error": "\(error)"])
                stats.failures += 1
                break
            }
            // The same blob can be listed twice (pages overlap, or Microsoft repeats it); fetch it once.
            var seen: Set<String> = []
            var pending: [ContentDescriptor] = []
            var ledgerFailed = false
            for d in listing.sorted(by: { $0.createdEpoch < $1.createdEpoch }) where seen.insert(d.contentId).inserted {
                let settled: Bool
                do { settled = try await coordinator.isSettled(tenant: tenant.name, contentId: d.contentId) } catch {
                    wlog.error("cannot read the content ledger; checkpoint stays", ["error": "\(error)"])
                    ledgerFailed = true
                    break
                }
                if settled {
                    stats.blobsAlreadySettled += 1
                    continue
                }
                if let exp = d.expirationEpoch, exp < Double(api.clock.now()) {
                    wlog.error("content expired before it was fetched; its records are lost", ["content_id": d.contentId, "expired": d.contentExpiration ?? ""])
                    try? await coordinator.settleLost(tenant: tenant.name, contentId: d.contentId)
                    stats.lost += 1
                    continue
                }
                pending.append(d)
            }
            if ledgerFailed {
                stats.failures += 1
                break
            }
            let windowStats = await deliver(pending, contentType: ct, log: wlog)
            stats += windowStats
            if windowStats.failures > 0 || shutdown.isRequested && windowStats.blobs < pending.count {
                break
            }
            do {
                try await coordinator.commitCheckpoint(tenant: tenant.name, contentType: ct, time: window.end)
                reached = window.end
            } catch {
                wlog.error("cannot commit checkpoint", ["error": "\(error)"])
                stats.failures += 1
                break
            }
        }
        let lag = reached.map { DurationText.humanize(Double(api.clock.now() - $0)) } ?? "-"
        log.info("progress", ["blobs": "\(stats.blobs)", "records": "\(stats.records)", "duplicates": "\(stats.duplicates)",
                              "skipped": "\(stats.skipped)", "failed": "\(stats.failures)", "lost": "\(stats.lost)",
                              "already_settled": "\(stats.blobsAlreadySettled)", "lag": lag])
        return stats
    }

    /// Fetches `pending` with a few blobs in flight and delivers them in order.
    func deliver(_ pending: [ContentDescriptor], contentType ct: String, log: CollectorLog) async -> PassStatistics {
        var stats = PassStatistics()
        // Each prefetch task fetches and scans its blob, so scanning runs beside delivery.
        var inflight: [(ContentDescriptor, Task<Result<([UInt8], Result<[ScannedRecord], BlobFormatError>), Error>, Never>)] = []
        var next = 0
        let api = self.api
        func launch() {
            while inflight.count < Self.prefetch && next < pending.count {
                let d = pending[next]
                next += 1
                inflight.append((d, Task {
                    do {
                        let bytes = try await api.fetchBlob(d)
                        do { return .success((bytes, .success(try RecordScanner.scan(bytes)))) } catch let e as BlobFormatError { return .success((bytes, .failure(e))) }
                    } catch {
                        return .failure(error)
                    }
                }))
            }
        }
        var waitNanos: UInt64 = 0
        let started = DispatchTime.now().uptimeNanoseconds
        defer {
            for (_, task) in inflight { task.cancel() }
            let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            // Where the time went: waiting for the network (fetch_wait) versus scanning and delivering.
            log.debug("window delivered", ["blobs": "\(pending.count)", "seconds": String(format: "%.2f", total),
                                           "fetch_wait_s": String(format: "%.2f", Double(waitNanos) / 1e9)])
        }
        while true {
            if shutdown.isRequested { break }
            launch()
            guard !inflight.isEmpty else { break }
            let (d, task) = inflight.removeFirst()
            let blog = log.with(["content_id": d.contentId])
            let bytes: [UInt8]
            let records: [ScannedRecord]
            let waitStart = DispatchTime.now().uptimeNanoseconds
            let result = await task.value
            waitNanos += DispatchTime.now().uptimeNanoseconds - waitStart
            switch result {
            case .success((let b, .success(let r))):
                bytes = b
                records = r
            case .success((let b, .failure(let e))):
                blog.error("blob is not a JSON array of objects; skipping this blob only, checkpoint stays before it",
                           ["error": e.description, "bytes": "\(b.count)"])
                stats.failures += 1
                continue
            case .failure(let error):
                blog.error("blob could not be fetched; checkpoint stays before it", ["error": "\(error)"])
                stats.failures += 1
                continue
            }
            do {
                let outcome = try await coordinator.deliver(tenant: tenant.name, contentType: ct, contentId: d.contentId, blob: bytes, records: records)
                stats.blobs += 1
                stats.records += outcome.delivered
                stats.duplicates += outcome.duplicates
                stats.skipped += outcome.skipped
                blog.debug("blob delivered", ["records": "\(outcome.delivered)", "duplicates": "\(outcome.duplicates)"])
            } catch {
                blog.error("delivery failed; blob will be fetched again", ["error": "\(error)"])
                stats.failures += 1
                // A sink that is down fails every blob; stop here rather than hammer it.
                break
            }
        }
        return stats
    }
}
