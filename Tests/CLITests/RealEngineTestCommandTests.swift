import Foundation
import Testing
import RealWazuhEngine

/// `o365kit test --logtest-socket` against Wazuh's own `wazuh-analysisd` running as a daemon on
/// a manager home with the committed pack installed as INSTALL says: the same outcomes as the
/// built-in engine, and the same expectation semantics.
@Suite(.enabled(if: RealWazuhEngine.isRequired, "the real Wazuh engine's sources (../shared/wazuh-engine) are not beside the repository"))
struct RealEngineTestCommandTests {
    /// Every blocking step (the daemon's start, the executables) runs off the cooperative pool.
    @Test func aLocalManagersEngineGivesTheBuiltInOutcomes() async throws {
        let engine = try RealWazuhEngine.located()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-socket-\(UUID().uuidString)")
        let daemon = try await offThePool {
            try engine.startAnalysisd(try engine.makeHome(pack: repositoryRoot.appendingPathComponent("output/wazuh"), at: root.appendingPathComponent("home")))
        }
        defer {
            daemon.stop()
            try? FileManager.default.removeItem(at: root)
        }

        let samples = repositoryRoot.appendingPathComponent("mappings/detections/samples")
        var events = ""
        for key in ["collection_forwarding_configured", "persistence_folder_permission_anonymous_or_default", "credential_access_mfa_denied"] {
            for kind in ["positive", "negative"] {
                events += try String(contentsOf: samples.appendingPathComponent("\(key)/\(kind).jsonl"), encoding: .utf8)
            }
        }
        let eventsFile = root.appendingPathComponent("events.jsonl")
        try Data(events.utf8).write(to: eventsFile)

        let builtIn = try await offThePool { try run("o365kit", ["test", "--events", eventsFile.path, "--format", "json"], in: repositoryRoot) }
        let real = try await offThePool { try run("o365kit", ["test", "--events", eventsFile.path, "--format", "json", "--logtest-socket", daemon.logtestSocket], in: repositoryRoot) }
        #expect(builtIn.status == 0, "\(builtIn.stderr)")
        #expect(real.status == 0, "\(real.stderr)")
        let ours = try outcomes(builtIn.stdout), theirs = try outcomes(real.stdout)
        #expect(ours.count == events.split(separator: "\n").count)
        #expect(theirs == ours)
        #expect(ours.contains { $0.rule == 103238 })

        // A wrong expectation fails the same way through the manager.
        let expect = root.appendingPathComponent("expect.jsonl")
        try Data(#"{"line": 1, "rule": 91545}"#.utf8).write(to: expect)
        let failed = try await offThePool { try run("o365kit", ["test", "--events", eventsFile.path, "--expect", expect.path, "--logtest-socket", daemon.logtestSocket], in: repositoryRoot) }
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("expected rule 91545, got rule 103238"), "\(failed.stderr)")
    }

    @Test func aSocketThatIsNotThereIsNamed() throws {
        let result = try run("o365kit", ["test", "--events", "mappings/detections/samples/collection_forwarding_configured/positive.jsonl",
                                         "--logtest-socket", "/nonexistent/logtest"], in: repositoryRoot)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot connect to the logtest socket /nonexistent/logtest"), "\(result.stderr)")
    }

    struct Outcome: Equatable { var line: Int; var rule: Int?; var level: Int?; var description: String? }

    private func outcomes(_ json: String) throws -> [Outcome] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let records = try #require(object["records"] as? [[String: Any]])
        return records.map { Outcome(line: $0["line"] as! Int, rule: $0["rule"] as? Int, level: $0["level"] as? Int, description: $0["description"] as? String) }
            .sorted { $0.line < $1.line }
    }
}
