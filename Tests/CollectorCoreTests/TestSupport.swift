import CollectorCore
import CollectorTestSupport
import Foundation
import Logging

/// A scratch directory with a config file, removed at deinit.
final class Scratch {
    let url: URL

    init() {
        url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("collector-test-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ text: String) -> URL {
        let u = url.appendingPathComponent(name)
        try! text.write(to: u, atomically: true, encoding: .utf8)
        return u
    }

    var path: String { url.path }
}

enum TestLog {
    /// A logger for in-process runs; COLLECTOR_TEST_LOG=debug shows it.
    static let log: CollectorLog = {
        var l = Logger(label: "test", factory: { StreamLogHandler.standardError(label: $0) })
        l.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["COLLECTOR_TEST_LOG"] ?? "") ?? .critical
        return CollectorLog(l)
    }()
}

/// Fast retries for tests (Retry-After is still honoured).
let testRetry = RetryPolicy(maxAttempts: 4, baseDelay: 0.02, maxDelay: 0.1, maxRetryAfter: 2)

/// A config for one tenant against `emulator`, writing JSONL to `scratch/events.jsonl`.
func emulatorConfig(_ emulator: APIEmulator, scratch: Scratch, contentTypes: [String] = ["Audit.Exchange"],
                    auth: String? = nil, extraSinks: String = "", lookback: String = "24h") -> CollectorConfig {
    _ = scratch.write("secret.txt", "s3cr3t+&=value\n")
    let yaml = """
    state_dir: ./state
    poll_interval: 1s
    initial_lookback: \(lookback)
    tenants:
      - name: contoso
        tenant_id: \(emulator.tenantID)
        client_id: \(emulator.clientID)
        auth:
    \(auth ?? "      client_secret_file: ./secret.txt")
        endpoints:
          login: \(emulator.baseURL)
          api: \(emulator.baseURL)
        content_types: [\(contentTypes.joined(separator: ", "))]
    sinks:
      - type: jsonl
        path: ./events.jsonl
    \(extraSinks)
    """
    let file = scratch.write("config.yaml", yaml)
    return try! ConfigLoader.load(path: file.path)
}

/// The Ids in a JSONL file, in order.
func jsonlIds(_ url: URL) -> [String] {
    guard let data = try? Data(contentsOf: url) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
        let obj = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        return obj["Id"] as! String
    }
}

/// Runs one in-process pass.
func runOnce(_ config: CollectorConfig, environment: [String: String] = [:]) async -> Collector.Outcome {
    await Collector(config: config, environment: environment, retry: testRetry, log: TestLog.log).run(once: true)
}

let now = Int64(Date().timeIntervalSince1970)
