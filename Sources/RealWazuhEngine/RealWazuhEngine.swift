import Foundation
import O365KitCore
import O365KitReview

/// Wazuh 4.14.7's own rule engine (analysisd's loader and logtest path, compiled from Wazuh's
/// C sources by `../shared/wazuh-engine/build.sh` into `.build/wazuh-engine/`; `make engine`
/// does it), driven the way a manager runs it. The tests use it as the judge of every rule
/// the pack ships: where it and `WazuhRuleEngine` disagree, `WazuhRuleEngine` is wrong.
///
/// Nothing of Wazuh's is copied into this project: this type only runs the programs and the
/// home-layout script of the shared folder.
public struct RealWazuhEngine: Sendable {
    /// `../shared/wazuh-engine`, the sources, `setup_home.sh` and `run_ini.py`.
    public let shared: URL
    /// `wazuh-analysisd` (Wazuh's own main).
    public let analysisd: URL
    /// `wz-logtest-driver`: stdin lines to Wazuh's `w_logtest_process_request()`.
    public let driver: URL

    /// The repository this package was built from.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether the real engine must be used: its sources are beside the repository (as on
    /// every developer machine and in CI, where `make test` builds it first), or
    /// `O365KIT_REAL_ENGINE=required`. Without the sources the tests that need it are skipped.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["O365KIT_REAL_ENGINE"] == "required"
            || FileManager.default.fileExists(atPath: sharedFolder.appendingPathComponent("build.sh").path)
    }

    static var sharedFolder: URL {
        if let path = ProcessInfo.processInfo.environment["O365KIT_WAZUH_ENGINE_SOURCE"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/wazuh-engine")
    }

    /// The built engine; throws with what to run when it is missing.
    public static func located() throws -> RealWazuhEngine {
        let bin = ProcessInfo.processInfo.environment["O365KIT_WAZUH_ENGINE_BIN"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.appendingPathComponent(".build/wazuh-engine/bin")
        let engine = RealWazuhEngine(shared: sharedFolder, analysisd: bin.appendingPathComponent("wazuh-analysisd"),
                                     driver: bin.appendingPathComponent("wz-logtest-driver"))
        for program in [engine.analysisd, engine.driver] where !FileManager.default.isExecutableFile(atPath: program.path) {
            throw RealEngineError("\(program.path) is missing: run `make engine` (builds ../shared/wazuh-engine into .build/wazuh-engine)")
        }
        return engine
    }

    /// Lays out a manager home as `output/wazuh/INSTALL` tells a user to install the pack:
    /// the stock 4.14.7 ruleset, the pack's rules in `etc/rules/` and lists in `etc/lists/`
    /// under their own names, one `<list>` per list in `ossec.conf` (`setup_home.sh`).
    public func makeHome(pack: URL, at home: URL, stock: StockRules = .full) throws -> ManagerHome {
        let result = try run(shared.appendingPathComponent("setup_home.sh"), [home.path, pack.path, stock.rawValue])
        guard result.status == 0 else { throw RealEngineError("setup_home.sh failed (exit \(result.status)): \(result.stderr)") }
        return ManagerHome(url: home.standardizedFileURL)
    }

    public enum StockRules: String, Sendable {
        /// Every stock rule file, as on a real manager.
        case full
        /// Only `0010-rules_config.xml` and `0755-office365_rules.xml`: faster session loads,
        /// for tests that replay thousands of fresh sessions.
        case o365
    }

    /// `wazuh-analysisd -t`: its exit code and every line it printed.
    public func configurationTest(_ home: ManagerHome) throws -> (status: Int32, lines: [String]) {
        let result = try run(analysisd, ["-t", "-D", home.url.path])
        let lines = (result.stdout + result.stderr).split(separator: "\n").map(String.init)
            // A container cannot raise RLIMIT_NOFILE; analysisd says so on every start.
            .filter { !$0.contains("Could not set resource limit for file descriptors") }
        return (result.status, lines)
    }

    /// Every loader message of a new logtest session (uncapped: Wazuh keeps only the newest 50).
    public func loaderMessages(_ home: ManagerHome) throws -> [String] {
        let result = try run(driver, ["-D", home.url.path, "-L", "-U"])
        guard let response = try? LogtestResponse(json: Data(result.stdout.utf8)) else {
            throw RealEngineError("wz-logtest-driver -L gave no response: \(result.stderr)")
        }
        return response.messages
    }

    public enum Sessions: Sendable {
        /// One logtest session for all events, like one `wazuh-logtest` process: correlation
        /// rules see the earlier events.
        case shared
        /// A fresh session per event, like Wazuh's `runtests.py`: the ruleset loads each time.
        case fresh
    }

    /// Sends every event (one JSON line each, as the office365 module writes it) through
    /// Wazuh's logtest with location `location` and the json decoder.
    /// With `trace`, each response holds the rule trace (`rules_debug`).
    public func logtest(_ home: ManagerHome, events: [String], sessions: Sessions, location: String = "office365", trace: Bool = false) throws -> [LogtestResponse] {
        var arguments = ["-D", home.url.path, "-l", location, "-f", "json"]
        if sessions == .shared { arguments.append("-s") }
        if trace { arguments.append("-r") }
        let input = events.map { $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
        let result = try run(driver, arguments, input: Data(input.utf8))
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.count == events.count else {
            throw RealEngineError("wz-logtest-driver answered \(lines.count) of \(events.count) events (exit \(result.status)): \(result.stderr.suffix(2000))")
        }
        return try lines.map { try LogtestResponse(json: Data($0.utf8)) }
    }

    /// Starts Wazuh's own `wazuh-analysisd` as a daemon (in the foreground, `-f`) on `home` and
    /// returns once its logtest socket answers. analysisd first retries wazuh-db (not running
    /// here) for about 15 s, then starts the logtest thread.
    public func startAnalysisd(_ home: ManagerHome, timeout: TimeInterval = 90) throws -> RunningAnalysisd {
        let fm = FileManager.default
        for folder in ["queue/alerts", "queue/db", "queue/fts", "queue/rids", "queue/logcollector", "logs/alerts", "logs/archives", "logs/firewall", "stats", "var/db"] {
            try fm.createDirectory(at: home.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let socket = home.url.appendingPathComponent("queue/sockets/logtest").path
        try? fm.removeItem(atPath: socket)
        let process = Process()
        process.executableURL = analysisd
        process.arguments = ["-f", "-D", home.url.path]
        let log = home.url.appendingPathComponent("logs/analysisd.out")
        fm.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let running = RunningAnalysisd(process: process, logtestSocket: socket, log: log)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw RealEngineError("wazuh-analysisd exited (\(process.terminationStatus)): \((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
            }
            // analysisd writes its own log unbuffered; its stdout is block-buffered in a file.
            if fm.fileExists(atPath: socket), let text = try? String(contentsOf: home.url.appendingPathComponent("logs/ossec.log"), encoding: .utf8),
               text.contains("(7200): Logtest started") {
                return running
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        running.stop()
        throw RealEngineError("wazuh-analysisd's logtest socket did not come up within \(Int(timeout)) s")
    }

    func run(_ program: URL, _ arguments: [String], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inp
        try process.run()
        // Read both pipes while writing, so a large answer cannot block the child.
        let group = DispatchGroup()
        let collected = Collected()
        DispatchQueue.global().async(group: group) { collected.stdout = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { collected.stderr = err.fileHandleForReading.readDataToEndOfFile() }
        if let input {
            inp.fileHandleForWriting.write(input)
            try? inp.fileHandleForWriting.close()
        }
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: collected.stdout, as: UTF8.self), String(decoding: collected.stderr, as: UTF8.self))
    }
}

private final class Collected: @unchecked Sendable {
    var stdout = Data()
    var stderr = Data()
}

/// A `wazuh-analysisd` daemon started by the tests; stop it when done.
public struct RunningAnalysisd: @unchecked Sendable {
    let process: Process
    /// `HOME/queue/sockets/logtest`.
    public let logtestSocket: String
    /// What the daemon printed.
    public let log: URL

    /// SIGTERM, then SIGKILL after 5 s: analysisd's exit handler can wait on threads that
    /// are still retrying wazuh-db.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A manager home laid out by `setup_home.sh` (absolute: analysisd's `-D` needs it).
public struct ManagerHome: Sendable {
    public let url: URL
}

public struct RealEngineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs blocking work (engine processes, their pipes, waiting for a daemon) on a Dispatch
/// thread, so tests never hold a thread of Swift's cooperative pool: on 2 cores that pool has
/// two, and the loopback servers of other tests need them.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
