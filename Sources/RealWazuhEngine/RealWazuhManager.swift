import Foundation

/// Wazuh 4.14.7's own server API with its real `wazuh-analysisd` and `wazuh-execd`
/// (`../shared/wazuh-manager`), installed by `.ci/manager` into `.build/wazuh-manager-home`
/// and listening on loopback. The deploy tests run `o365kit deploy wazuh` against it.
///
/// What it is not (the shared folder's README): wazuh-db does not run, so alerts carry no
/// `rule.mitre` and logtest warns "Mitre Technique ID … not found"; no cluster; the daemons a
/// rule deployer does not use are stubs. Nothing of Wazuh's is copied here: this type runs the
/// installed manager's own `bin/wazuh-control` and reads its files.
public struct RealWazuhManager: Sendable {
    public let home: URL
    public let port: Int

    /// The API's self-signed certificate (created at its first start; names `localhost`).
    public var caFile: String { home.appendingPathComponent("api/configuration/ssl/server.crt").path }
    public var baseURL: String { "https://localhost:\(port)" }
    /// The 4.x defaults the API writes to its RBAC database at first start.
    public static let user = "wazuh"
    public static let password = "wazuh"

    /// Whether the real manager must be used: its sources are beside the repository (as on
    /// every developer machine and in CI, where `make test` installs it first), or
    /// `O365KIT_REAL_MANAGER=required`.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["O365KIT_REAL_MANAGER"] == "required"
            || FileManager.default.fileExists(atPath: RealWazuhEngine.repositoryRoot.deletingLastPathComponent()
                .appendingPathComponent("shared/wazuh-manager/build.sh").path)
    }

    /// The installed manager; throws with what to run when it is missing.
    public static func located() throws -> RealWazuhManager {
        let home = RealWazuhEngine.repositoryRoot.appendingPathComponent(".build/wazuh-manager-home")
        guard FileManager.default.fileExists(atPath: home.appendingPathComponent(".o365kit-installed").path) else {
            throw RealEngineError("\(home.path) is not installed: run `make manager` (installs ../shared/wazuh-manager there)")
        }
        let configuration = try String(contentsOf: home.appendingPathComponent("api/configuration/api.yaml"), encoding: .utf8)
        let port = configuration.firstMatch(of: /(?m)^port:\s*(\d+)/).flatMap { Int($0.output.1) } ?? 55000
        return RealWazuhManager(home: home, port: port)
    }

    /// Starts the manager unless it runs; returns when its API and logtest answer (about 25 s).
    public func start() throws {
        if try control("status").status == 0 { return }
        let result = try control("start")
        guard result.status == 0 else { throw RealEngineError("wazuh-control start failed (exit \(result.status)): \(result.output.suffix(2000))") }
    }

    /// Waits until the API and logtest answer again (after a restart requested through the API).
    public func waitUntilReady() throws {
        let result = try control("wait")
        guard result.status == 0 else { throw RealEngineError("wazuh-control wait failed (exit \(result.status)): \(result.output.suffix(2000))") }
    }

    public func stop() throws {
        _ = try control("stop")
    }

    /// Puts the manager's files back as installed: `etc/ossec.conf` as it was, no rule file
    /// but `local_rules.xml`, no list but the stock ones (with their compiled `.cdb`). The
    /// running analysisd keeps what it loaded until the next reload.
    public func reset() throws {
        let fm = FileManager.default
        let etc = home.appendingPathComponent("etc")
        for name in try fm.contentsOfDirectory(atPath: etc.appendingPathComponent("rules").path) where name != "local_rules.xml" {
            try fm.removeItem(at: etc.appendingPathComponent("rules/\(name)"))
        }
        let stockLists: Set<String> = ["amazon", "audit-keys", "audit-keys.cdb", "malicious-ioc", "security-eventchannel", "security-eventchannel.cdb"]
        for name in try fm.contentsOfDirectory(atPath: etc.appendingPathComponent("lists").path) where !stockLists.contains(name) {
            try fm.removeItem(at: etc.appendingPathComponent("lists/\(name)"))
        }
        let pristine = try Data(contentsOf: home.appendingPathComponent(".o365kit-pristine-ossec.conf"))
        try pristine.write(to: etc.appendingPathComponent("ossec.conf"))
    }

    /// Puts a file straight into the manager's `etc/rules` (owned by the wazuh user, as the API
    /// writes them): a file the API itself would refuse, left by an earlier hand edit.
    public func placeRuleFile(_ name: String, _ data: Data) throws {
        let url = home.appendingPathComponent("etc/rules/\(name)")
        try data.write(to: url)
        _ = try run(URL(fileURLWithPath: "/bin/chown"), ["wazuh:wazuh", url.path])
    }

    /// Alerts analysisd wrote (`logs/alerts/alerts.json`, one JSON object a line) after `offset`.
    public func alerts(after offset: UInt64) throws -> [[String: Any]] {
        let url = home.appendingPathComponent("logs/alerts/alerts.json")
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let data = try handle.readToEnd() ?? Data()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// The size of `logs/alerts/alerts.json` now (where the next alerts start).
    public func alertsOffset() -> UInt64 {
        let url = home.appendingPathComponent("logs/alerts/alerts.json")
        return ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// analysisd's event socket, where the office365 module (and `o365-collector`) write.
    public var queueSocket: String { home.appendingPathComponent("queue/sockets/queue").path }

    private func control(_ command: String) throws -> (status: Int32, output: String) {
        try run(home.appendingPathComponent("bin/wazuh-control"), [command])
    }

    /// Runs `program` and waits for it with `posix_spawn` and a blocking `waitpid`, not
    /// Foundation's `Process`: under a loaded parallel test run, `Process.waitUntilExit` missed
    /// the exit of `wazuh-control` (a zombie left unreaped, the test hung in CI). Through bash
    /// that closes every inherited descriptor above 2 first, so the daemons `start` leaves
    /// running never hold another test's pipe or socket open. Output goes to a file: the
    /// daemons keep their stdout open, so a pipe would not reach end-of-file while they live.
    private func run(_ program: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("wazuh-control-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let script = #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$0" "$@""#
        let argv = ["/bin/bash", "-c", script, program.path] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        cArguments.append(nil)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw RealEngineError("cannot run \(program.path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw RealEngineError("waiting for \(program.path): \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
