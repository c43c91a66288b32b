import CollectorCore
import CollectorTestSupport
import Foundation
import Testing

/// Waits for `p` without blocking a thread of the cooperative pool: the emulator serving the
/// child runs on that pool, and blocking it (waitUntilExit) can starve the emulator on 2 cores.
func waitForExit(_ p: Process) async {
    while p.isRunning { try? await Task.sleep(nanoseconds: 5_000_000) }
    p.waitUntilExit()
}

/// Runs the built `o365-collector` binary, kills it with SIGKILL mid-run, restarts it, and checks
/// that the JSONL file holds every record Id exactly once.
@Suite(.serialized) struct EndToEndKillTests {
    /// The executable, built next to the test bundle.
    static var executable: URL? { builtExecutable("o365-collector") }

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
            await waitForExit(p)
        }
        #expect(kills >= 1)
        let final = try launch(exe, config: config, stderr: s.url.appendingPathComponent("final.log"))
        await waitForExit(final)
        let finalLog = (try? String(contentsOf: s.url.appendingPathComponent("final.log"), encoding: .utf8)) ?? ""
        #expect(final.terminationStatus == 0, "\(finalLog.suffix(3_000))")
        let ids = jsonlIds(events)
        #expect(ids.count == 6_000)
        // The Id index committed exactly the delivered records: none lost to a rolled-back blob.
        let store = try StateStore(url: s.url.appendingPathComponent("state/tenants/contoso.sqlite"), durable: false)
        #expect(try store.recordKeyCount() == 6_000)
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids).symmetricDifference(blobs.flatMap(\.generatedIds)).count == 0)
        // The file is whole lines only: no torn record survived the kills.
        let data = try Data(contentsOf: events)
        #expect(data.last == 0x0A)
        // The secret never reaches the logs or the state.
        for f in try FileManager.default.contentsOfDirectory(atPath: s.path) where f.hasSuffix(".log") {
            #expect(!(try String(contentsOf: s.url.appendingPathComponent(f), encoding: .utf8)).contains("s3cr3t"))
        }
        let tenants = s.url.appendingPathComponent("state/tenants")
        for f in try FileManager.default.contentsOfDirectory(atPath: tenants.path) {
            #expect((try Data(contentsOf: tenants.appendingPathComponent(f))).range(of: Data("s3cr3t".utf8)) == nil, "\(f)")
        }
    }

    /// Two collector processes share a state directory and both list the same tenant, each with
    /// its own JSONL file. While one holds the tenant the other skips it; when the holder is
    /// killed with SIGKILL the other takes the tenant over; then both start at once and race.
    /// Across the two files every Id is delivered exactly once.
    @Test func twoProcessesNeverCollectTheSameTenantAtOnce() async throws {
        let exe = try #require(Self.executable, "o365-collector must be built next to the tests")
        let emu = APIEmulator(pageSize: 25)
        let blobs = (0..<120).map { EmulatedBlob(contentId: "r\($0)", created: now - 5_000 + Int64($0), body: .generated(seed: 3_000 + $0, count: 50)) }
        emu.add(blobs, contentType: "Audit.SharePoint")
        emu.faults { $0.blobDelay = 0.01 }
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        _ = emulatorConfig(emu, scratch: s, contentTypes: ["Audit.SharePoint"])
        let configA = s.url.appendingPathComponent("config.yaml").path
        let textA = try String(contentsOfFile: configA, encoding: .utf8)
        let configB = s.write("config-b.yaml", textA.replacingOccurrences(of: "./events.jsonl", with: "./events-b.jsonl")).path
        func log(_ name: String) -> String { (try? String(contentsOf: s.url.appendingPathComponent(name), encoding: .utf8)) ?? "" }

        // A holds the tenant; B, started meanwhile, skips it and exits 0 without writing a record.
        let a1 = try launch(exe, config: configA, stderr: s.url.appendingPathComponent("a1.log"))
        let deadline = Date().addingTimeInterval(60)
        while a1.isRunning && (emu.log.blobFetches.count < 20) && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
        #expect(a1.isRunning, "A finished before B could race it: \(log("a1.log").suffix(2_000))")
        let b1 = try launch(exe, config: configB, stderr: s.url.appendingPathComponent("b1.log"))
        await waitForExit(b1)
        #expect(b1.terminationStatus == 0, "\(log("b1.log").suffix(2_000))")
        #expect(log("b1.log").contains("another o365-collector is collecting this tenant"))
        #expect(jsonlIds(s.url.appendingPathComponent("events-b.jsonl")).isEmpty)
        // A dies holding the tenant; B takes it over.
        kill(a1.processIdentifier, SIGKILL)
        await waitForExit(a1)
        let b2 = try launch(exe, config: configB, stderr: s.url.appendingPathComponent("b2.log"))
        while b2.isRunning && (emu.log.blobFetches.count < 60) && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
        #expect(!log("b2.log").contains("another o365-collector is collecting this tenant"))
        // Now both at once: whoever loses the race skips; A also cuts its uncommitted tail.
        let a3 = try launch(exe, config: configA, stderr: s.url.appendingPathComponent("a3.log"))
        await waitForExit(b2)
        await waitForExit(a3)
        #expect(b2.terminationStatus == 0, "\(log("b2.log").suffix(2_000))")
        #expect(a3.terminationStatus == 0, "\(log("a3.log").suffix(2_000))")
        let a4 = try launch(exe, config: configA, stderr: s.url.appendingPathComponent("a4.log"))
        let b4 = try launch(exe, config: configB, stderr: s.url.appendingPathComponent("b4.log"))
        await waitForExit(a4)
        await waitForExit(b4)
        #expect(a4.terminationStatus == 0 && b4.terminationStatus == 0, "\(log("a4.log").suffix(1_000)) \(log("b4.log").suffix(1_000))")

        let idsA = jsonlIds(s.url.appendingPathComponent("events.jsonl")), idsB = jsonlIds(s.url.appendingPathComponent("events-b.jsonl"))
        #expect(!idsA.isEmpty && !idsB.isEmpty)
        let all = idsA + idsB
        #expect(all.count == 6_000)
        #expect(Set(all).count == all.count)
        #expect(Set(all) == Set(blobs.flatMap(\.generatedIds)))
    }

    @Test func withoutOnceItPollsUntilSIGTERMAndExitsZero() async throws {
        let exe = try #require(Self.executable)
        let emu = APIEmulator()
        emu.add([EmulatedBlob(contentId: "p0", created: now - 100, body: .generated(seed: 5, count: 3))], contentType: "Audit.General")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        _ = emulatorConfig(emu, scratch: s, contentTypes: ["Audit.General"])
        let p = Process()
        p.executableURL = exe
        p.arguments = ["run", "--config", s.url.appendingPathComponent("config.yaml").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // poll_interval is 1s: wait for the second pass to list, then ask it to stop.
        let deadline = Date().addingTimeInterval(30)
        while emu.log.pagesServed < 2 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(emu.log.pagesServed >= 2)
        kill(p.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(20)
        while p.isRunning && Date() < stopBy { try await Task.sleep(nanoseconds: 20_000_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        await waitForExit(p)
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        #expect(jsonlIds(s.url.appendingPathComponent("events.jsonl")).count == 3)
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
            let outURL = s.url.appendingPathComponent("out.txt"), errURL = s.url.appendingPathComponent("err.txt")
            FileManager.default.createFile(atPath: outURL.path, contents: nil)
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: outURL)
            p.standardError = try FileHandle(forWritingTo: errURL)
            try p.run()
            p.waitUntilExit()  // no server in this process needs the thread meanwhile
            return (p.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
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
