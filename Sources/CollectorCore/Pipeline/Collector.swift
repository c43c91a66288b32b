import AsyncHTTPClient
import Foundation

/// The whole collector: opens state and sinks, then runs passes over every tenant.
///
/// Tenants run concurrently, at most `max_concurrent_tenants` at a time; their records meet only
/// in `DeliveryCoordinator`. The HTTP client, state directory lock and sinks live as long as `run`.
public final class Collector: @unchecked Sendable {
    /// How `run` ended, as the process exit code.
    public enum Outcome: Int32, Sendable {
        /// Everything listed was delivered (or, without --once, stopped by a signal).
        case complete = 0
        /// Something could not be collected after retries; its checkpoint stays before it.
        case incomplete = 1
        /// The collector could not start (state directory, credentials, sinks).
        case fatal = 2
    }

    let config: CollectorConfig
    let environment: [String: String]
    let shutdown: ShutdownSignal
    let retry: RetryPolicy
    let durable: Bool
    let log: CollectorLog
    /// The local clock (seconds since 1970); tests set a wrong one to check skew correction.
    let localClock: @Sendable () -> Double

    public init(config: CollectorConfig, environment: [String: String] = ProcessInfo.processInfo.environment, shutdown: ShutdownSignal = ShutdownSignal(),
                retry: RetryPolicy = RetryPolicy(), durable: Bool = true, localClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                log: CollectorLog) {
        self.localClock = localClock
        self.config = config
        self.environment = environment
        self.shutdown = shutdown
        self.retry = retry
        self.durable = durable
        self.log = log
    }

    /// Runs one pass (`once`) or passes every poll_interval until a shutdown is requested.
    public func run(once: Bool) async -> Outcome {
        let client = HTTPTransport.makeClient()
        let outcome = await run(once: once, http: HTTPTransport(client: client))
        try? await client.shutdown()
        return outcome
    }

    func run(once: Bool, http: HTTPTransport) async -> Outcome {
        let directory: StateDirectory
        let coordinator: DeliveryCoordinator
        var collectors: [TenantCollector] = []
        do {
            directory = try StateDirectory(url: config.stateDirectory)
            let sinks = try makeSinks(http: http)
            coordinator = try DeliveryCoordinator(directory: directory, sinks: sinks, durable: durable, now: UTCTime.now(), log: log)
            for tenant in config.tenants {
                let tlog = log.with(["tenant": tenant.name])
                let credential = try Credential.load(tenant.auth, clientID: tenant.clientID, environment: environment)
                let tokens = TokenProvider(tenant: tenant, credential: credential, http: http, retry: retry, log: log)
                let api = ManagementAPI(tenant: tenant, http: http, tokens: tokens, retry: retry,
                                        clock: ServerClock(local: localClock, log: tlog), log: tlog)
                collectors.append(TenantCollector(tenant: tenant, api: api, coordinator: coordinator, config: config, shutdown: shutdown, log: log))
            }
        } catch {
            log.critical("cannot start", ["error": "\(error)"])
            return .fatal
        }
        _ = directory
        var pass = 0
        var lastComplete = true
        while true {
            pass += 1
            let started = Date()
            let stats = await runPass(collectors)
            let elapsed = Date().timeIntervalSince(started)
            lastComplete = stats.isComplete
            var summary = ["pass": "\(pass)", "tenants": "\(collectors.count)", "blobs": "\(stats.blobs)", "records": "\(stats.records)",
                           "duplicates": "\(stats.duplicates)", "skipped": "\(stats.skipped)", "failed": "\(stats.failures)",
                           "lost": "\(stats.lost)", "already_settled": "\(stats.blobsAlreadySettled)",
                           "held_elsewhere": "\(stats.tenantsHeldElsewhere)",
                           "seconds": String(format: "%.2f", elapsed),
                           "records_per_s": String(format: "%.0f", Double(stats.records) / max(elapsed, 0.001))]
            if let rss = peakRSSMiB() { summary["peak_rss_mib"] = String(format: "%.1f", rss) }
            if stats.isComplete { log.info("pass complete", summary) } else { log.warning("pass incomplete", summary) }
            if once || shutdown.isRequested { break }
            await shutdown.sleep(seconds: config.pollInterval.seconds)
            if shutdown.isRequested { break }
        }
        await coordinator.close()
        if !once { return .complete }
        return lastComplete && !shutdown.isRequested ? .complete : .incomplete
    }

    /// One pass over all tenants, `max_concurrent_tenants` at a time.
    func runPass(_ collectors: [TenantCollector]) async -> PassStatistics {
        await withTaskGroup(of: PassStatistics.self) { group in
            var total = PassStatistics()
            var iterator = collectors.makeIterator()
            for _ in 0..<config.maxConcurrentTenants {
                guard let c = iterator.next() else { break }
                group.addTask { await c.runPass() }
            }
            while let stats = await group.next() {
                total += stats
                if let c = iterator.next(), !shutdown.isRequested { group.addTask { await c.runPass() } }
            }
            return total
        }
    }

    func makeSinks(http: HTTPTransport) throws -> [RecordSink] {
        try config.sinks.map { sink -> RecordSink in
            switch sink {
            case .jsonl(let path):
                return try JSONLSink(url: path, durable: durable, log: log)
            case .wazuh(let socket):
                return WazuhSink(socketPath: socket, log: log, retry: retry)
            case .stdout:
                return StdoutSink()
            case let .splunkHEC(url, tokenEnv, index, batchBytes):
                guard let token = environment[tokenEnv], !token.isEmpty else {
                    throw CollectorError.credential("environment variable \(tokenEnv) (splunk_hec token_env) is not set")
                }
                return SplunkHECSink(baseURL: url, token: Secret(token), index: index, batchBytes: batchBytes, http: http, retry: retry, log: log)
            }
        }
    }
}
