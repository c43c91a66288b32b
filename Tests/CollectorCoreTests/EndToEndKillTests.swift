import CollectorCore
import CollectorTestSupport
import Foundation
import Testing

/// Runs the built `o365-collector` binary, kills it with SIGKILL mid-run, restarts it, and checks
/// that the JSONL file holds every record Id exactly once.
@Suite(.serialized) struct EndToEndKillTests {
    /// The executable, built next to the test bundle.
    static var executable: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("o365-collector")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("o365-collector") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func launch(_ exe: URL, config: String, stderr: URL) throws -> Process {
        let p = Process()
        p.executableURL = exe
        p.arguments = ["run", "--config", config, "--once"]
        p.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: stderr)
        try p.run()
        return p
    }

    @Test func killNineMidRunThenRestartDeliversEveryIdExactlyOnce() async throws {
        let exe = try #require(Self.executable, "o365-collector must be built next to the tests")
        let emu = APIEmulator(pageSize: 25)
        let blobs = (0..<120).map { EmulatedBlob(contentId: "k\($0)", created: now - 5_000 + Int64($0), body: .generated(seed: 1_000 + $0, count: 50)) }
        emu.add(blobs, contentType: "Audit.SharePoint")
        emu.faults { $0.blobDelay = 0.01 }
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        _ = emulatorConfig(emu, scratch: s, contentTypes: ["Audit.SharePoint"])  // writes config.yaml and secret.txt
        let config = s.url.appendingPathComponent("config.yaml").path
        let events = s.url.appendingPathComponent("events.jsonl")

        var kills = 0
        // Kill at several points (between a JSONL write and its commit is the case that matters), then let it finish.
        for threshold in [10, 30, 55, 85] {
            let p = try launch(exe, config: config, stderr: s.url.appendingPathComponent("run\(kills).log"))
            let deadline = Date().addingTimeInterval(60)
            while p.isRunning && (emu.log.blobFetches.count < threshold) && Date() < deadline {
                try await Task.sleep(nanoseconds: 2_000_000)
            }
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
        }
        #expect(kills >= 1)
        let final = try launch(exe, config: config, stderr: s.url.appendingPathComponent("final.log"))
        final.waitUntilExit()
        #expect(final.terminationStatus == 0)
        let ids = jsonlIds(events)
        #expect(ids.count == 6_000)
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids) == Set(blobs.flatMap(\.generatedIds)))
        // The file is whole lines only: no torn record survived the kills.
        let data = try Data(contentsOf: events)
        #expect(data.last == 0x0A)
    }

    @Test func checkConfigReportsLocationsAndRedactsSecrets() throws {
        let exe = try #require(Self.executable)
        let s = Scratch()
        _ = s.write("secret.txt", "super-secret-value\n")
        let good = s.write("good.yaml", """
        tenants:
          - name: t1
            tenant_id: 11111111-2222-3333-4444-555555555555
            client_id: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
            auth: {client_secret_file: ./secret.txt}
        sinks: [{type: stdout}]
        """)
        let bad = s.write("bad.yaml", "tenants: []\nsinks:\n  - type: jsonl\n")
        func run(_ args: [String]) throws -> (Int32, String, String) {
            let p = Process()
            p.executableURL = exe
            p.arguments = args
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }
        let (rc, out, _) = try run(["check-config", "--config", good.path])
        #expect(rc == 0)
        #expect(out.contains("client_secret: <redacted>"))
        #expect(!out.contains("super-secret-value"))
        let (rc2, _, err2) = try run(["check-config", "--config", bad.path])
        #expect(rc2 == 2)
        #expect(err2.contains("\(bad.path):1:10: error: tenants must not be empty"))
        #expect(err2.contains("\(bad.path):3:5: error: missing key 'path'"))
    }
}
