import Foundation
import O365KitCore
import RealWazuhEngine
import Testing

/// `o365kit deploy wazuh` end to end: the built executable against the loopback fake.
@Suite struct DeployCommandTests {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the executable off the cooperative pool: the loopback server it talks to needs it.
    static func o365kit(_ arguments: [String], in directory: URL, environment: [String: String]) async throws -> Result {
        try await offThePool { try o365kitBlocking(arguments, in: directory, environment: environment) }
    }

    static func o365kitBlocking(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> Result {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var executable = binaries.appendingPathComponent("o365kit")
        if !FileManager.default.fileExists(atPath: executable.path) {
            executable = binaries.deletingLastPathComponent().appendingPathComponent("o365kit")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["WAZUH_API_PASSWORD"] = nil
        process.environment = env.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A folder with output/wazuh/{rules,lists} and a password file.
    static func workspace() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-deploy-\(UUID().uuidString)")
        try writeOutput(root, rules: WazuhDeploymentTests.rules.data)
        try Data((FakeWazuhManager.password + "\n").utf8).write(to: root.appendingPathComponent("password"))
        return root
    }

    /// `output/` as a build writes it: the files and their MANIFEST.json.
    static func writeOutput(_ root: URL, rules: Data) throws {
        try OutputWriter(root: root.appendingPathComponent("output")).write(OutputWriter.withManifest([
            RenderedFile(path: "wazuh/rules/\(WazuhDeploymentTests.rules.name)", data: rules),
            RenderedFile(path: "wazuh/lists/\(WazuhDeploymentTests.list.name)", data: WazuhDeploymentTests.list.data),
        ]))
    }

    /// A stray file or a hand-edited one in output/ was deployed; only what the build made is.
    @Test func onlyWhatTheBuildMadeIsDeployed() async throws {
        let root = try Self.workspace()
        try Data("<group name=\"x,\"></group>\n".utf8).write(to: root.appendingPathComponent("output/wazuh/rules/9999-stray.xml"))
        let edited = root.appendingPathComponent("output/wazuh/lists/\(WazuhDeploymentTests.list.name)")
        try Data("IdsLocked:T1078\n".utf8).write(to: edited)
        let result = try await Self.o365kit(["deploy", "wazuh", "--url", "http://127.0.0.1:9", "--user", "u", "--password-file", "password", "--dry-run"],
                                            in: root, environment: [:])
        #expect(result.status == 1)
        #expect(result.stderr.contains("output/wazuh/rules/9999-stray.xml is not in MANIFEST.json: o365kit build did not make it (remove it)"), "\(result.stderr)")
        #expect(result.stderr.contains("output/wazuh/lists/o365kit-logon-errors differs from what o365kit build made"), "\(result.stderr)")
    }

    @Test func deploysDryRunsAndRollsBackThroughTheExecutable() async throws {
        let root = try Self.workspace()
        let fake = FakeWazuhManager()
        let results = try await fake.serve { port in
            let base = ["deploy", "wazuh", "--url", "http://127.0.0.1:\(port)", "--user", FakeWazuhManager.user]
            let dry = try await Self.o365kit(base + ["--password-file", "password", "--dry-run"], in: root, environment: [:])
            let deploy = try await Self.o365kit(base, in: root, environment: ["WAZUH_API_PASSWORD": FakeWazuhManager.password])
            return [dry, deploy]
        }
        let (dry, deploy) = (results[0], results[1])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("rules etc/rules/9100-o365kit_mappings.xml  \(WazuhDeploymentTests.rules.data.count) bytes  sha256 \(WazuhDeploymentTests.rules.sha256)  new (2 rules)"))
        #expect(dry.stderr.contains("warning: plain http:// to 127.0.0.1"))
        #expect(dry.stderr.contains("dry run: 2 file(s) and 1 configuration(s) would change"))
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stderr.contains("reload: requested (/manager/analysisd/reload)"))
        for output in [dry, deploy] {
            #expect(!output.stdout.contains(FakeWazuhManager.password) && !output.stderr.contains(FakeWazuhManager.password))
        }
        #expect(await fake.rules[WazuhDeploymentTests.rules.name] == WazuhDeploymentTests.rules.data)

        // A broken pack: validation fails, the manager keeps the deployed files, exit 1.
        try Self.writeOutput(root, rules: Data("<group name=\"office365,\"><rule id=\"1\" level=\"3\">BROKEN</rule></group>\n".utf8))
        await fake.configure { $0.validationFailsOn = "BROKEN" }
        let failed = try await fake.serve { port in
            try await Self.o365kit(["deploy", "wazuh", "--url", "http://127.0.0.1:\(port)", "--user", FakeWazuhManager.user, "--password-file", "password"],
                             in: root, environment: [:])
        }
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("rollback: restored etc/rules/9100-o365kit_mappings.xml"))
        #expect(await fake.rules[WazuhDeploymentTests.rules.name] == WazuhDeploymentTests.rules.data)
    }

    @Test func usageErrorsExit64() async throws {
        let root = try Self.workspace()
        let noPassword = try await Self.o365kit(["deploy", "wazuh", "--url", "https://manager:55000", "--user", "u"], in: root, environment: [:])
        #expect(noPassword.status == 64)
        #expect(noPassword.stderr.contains("no password"))
        let plainRemote = try await Self.o365kit(["deploy", "wazuh", "--url", "http://manager:55000", "--user", "u"], in: root, environment: ["WAZUH_API_PASSWORD": "x"])
        #expect(plainRemote.status == 64)
        #expect(plainRemote.stderr.contains("only for loopback"))
        let noPasswordFlag = try await Self.o365kit(["deploy", "wazuh", "--url", "https://m", "--user", "u", "--password", "x"], in: root, environment: [:])
        #expect(noPasswordFlag.status == 64)
    }
}
