import Foundation
import Testing
@testable import O365KitCore
@testable import O365KitDeploy
@testable import WazuhServerAPI

/// `WazuhDeployment` against the loopback fake manager: the happy path, the plan, and
/// every failure that must leave the manager's files as they were.
@Suite struct WazuhDeploymentTests {
    /// Small rule files that Wazuh's own engine loads (the fake's logtest runs it).
    static func ruleFile(_ rules: [(id: Int, level: Int)]) -> Data {
        Data(("<group name=\"office365,o365kit,\">\n" + rules.map { rule in
            "  <rule id=\"\(rule.id)\" level=\"\(rule.level)\">\n    <if_sid>91531</if_sid>\n    <field name=\"office365.Operation\" type=\"pcre2\">^Op\(rule.id)$</field>\n    <description>test rule \(rule.id)</description>\n  </rule>\n"
        }.joined() + "</group>\n").utf8)
    }
    static let rules = DeployFile(kind: .rules, name: "9100-o365kit_mappings.xml", data: ruleFile([(103000, 6), (103001, 6)]))
    static let list = DeployFile(kind: .lists, name: "o365kit-logon-errors", data: Data("IdsLocked:T1110\n".utf8))
    static let oldRules = ruleFile([(103000, 5), (103099, 5)])

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func deploy(_ fake: FakeWazuhManager, files: [DeployFile] = [rules, list], dryRun: Bool = false,
                       password: String = FakeWazuhManager.password) async throws -> (WazuhDeployment.Report, [String]) {
        let lines = Lines()
        let report = try await fake.serve { port in
            let transport = try AsyncHTTPTransport(baseURL: "http://127.0.0.1:\(port)", caFile: nil, insecure: false)
            let client = WazuhAPIClient(transport: transport, user: FakeWazuhManager.user, password: password)
            let report = await WazuhDeployment(files: files, dryRun: dryRun) { lines.add($0) }.run(client)
            try await transport.shutdown()
            return report
        }
        return (report, lines.all)
    }

    @Test func uploadsValidatesAndHotReloads() async throws {
        let fake = FakeWazuhManager()
        let (report, log) = try await Self.deploy(fake)
        #expect(report.outcome == .deployed, "\(log)")
        #expect(await fake.rules == [Self.rules.name: Self.rules.data])
        #expect(await fake.lists == [Self.list.name: Self.list.data])
        // Without packaged test cases the logtest gate still loads the rules in one session.
        #expect(await fake.requests.map { $0.hasPrefix("DELETE /logtest/sessions/") ? "DELETE /logtest/sessions/…" : $0 } == [
            "POST /security/user/authenticate", "GET /", "GET /cluster/status",
            "GET /rules/files/9100-o365kit_mappings.xml?raw=true", "GET /lists/files/o365kit-logon-errors?raw=true",
            "GET /rules/files/0100-o365kit_mappings.xml?raw=true", "GET /rules/files/0200-o365kit_detections.xml?raw=true",
            "GET /manager/configuration?raw=true",
            "PUT /lists/files/o365kit-logon-errors?overwrite=false", "PUT /manager/configuration",
            "PUT /rules/files/9100-o365kit_mappings.xml?overwrite=false",
            "GET /manager/configuration/validation", "PUT /logtest", "DELETE /logtest/sessions/…", "PUT /manager/analysisd/reload",
        ])
        #expect(report.plan.map(\.change) == [.new, .new])
        // The list is registered after the last <list> line; the commented-out one does not count.
        let configuration = String(decoding: await fake.configurations["master-node"]!, as: UTF8.self)
        #expect(configuration.contains("    <list>etc/lists/audit-keys</list>\n    <list>etc/lists/o365kit-logon-errors</list>\n    <!-- <list>etc/lists/o365kit-logon-errors</list> -->"),
                "\(configuration)")
        #expect(report.registrations.map(\.added) == [["etc/lists/o365kit-logon-errors"]])
        #expect(!log.joined().contains(FakeWazuhManager.password))

        // A second run finds nothing to change and sends nothing.
        let (again, _) = try await Self.deploy(fake)
        #expect(again.outcome == .deployed)
        #expect(again.plan.map(\.change) == [.unchanged, .unchanged])
        #expect(again.registrations.isEmpty)
        #expect(await fake.reloads == 1)
    }

    @Test func dryRunShowsThePlanAndChangesNothing() async throws {
        let fake = FakeWazuhManager()
        await fake.configure { $0.rules = [Self.rules.name: Self.oldRules] }
        let (report, _) = try await Self.deploy(fake, dryRun: true)
        #expect(report.outcome == .deployed)
        #expect(await fake.rules == [Self.rules.name: Self.oldRules])
        #expect(await fake.requests.allSatisfy { !$0.hasPrefix("PUT") && !$0.hasPrefix("DELETE") })
        let rules = try #require(report.plan.first)
        #expect(rules.change == .changed)
        #expect(rules.rulesAdded == [103001])
        #expect(rules.rulesRemoved == [103099])
        #expect(rules.managerSHA256 == DeployFile.sha256(Self.oldRules))
        #expect(rules.sha256 == Self.rules.sha256)
        let text = DeployPlanReport.text(report.plan)
        #expect(text.contains("rules etc/rules/9100-o365kit_mappings.xml  \(Self.rules.data.count) bytes  sha256 \(Self.rules.sha256)  changed (manager: \(Self.oldRules.count) bytes"))
        #expect(text.contains("rules added: 103001; rules removed: 103099"))
        #expect(text.contains("lists etc/lists/o365kit-logon-errors  16 bytes"))
    }

    @Test func validationFailureRestoresTheOldFilesAndDeletesNewOnes() async throws {
        let fake = FakeWazuhManager()
        await fake.configure {
            $0.rules = [Self.rules.name: Self.oldRules]
            $0.validationFailsOn = "103001"
        }
        let (report, log) = try await Self.deploy(fake)
        #expect(report.outcome == .failed)
        #expect(report.error?.step == "validation")
        #expect(report.error?.message.contains("1908") == true)
        #expect(await fake.rules == [Self.rules.name: Self.oldRules])
        #expect(await fake.lists.isEmpty)
        #expect(await fake.reloads == 0)
        #expect(log.contains("rollback: restored etc/rules/9100-o365kit_mappings.xml"))
        #expect(log.contains("rollback: deleted etc/lists/o365kit-logon-errors"))
    }

    /// 0.1.0's file names sorted before the stock rules; a manager that still holds them gets
    /// them deleted, and back when the deploy fails.
    @Test func olderReleasesFilesAreRetiredAndRestoredOnFailure() async throws {
        let retired = "0100-o365kit_mappings.xml"
        let fake = FakeWazuhManager()
        await fake.configure { $0.rules = [retired: Self.oldRules] }
        let (dry, _) = try await Self.deploy(fake, dryRun: true)
        #expect(dry.plan.map(\.change) == [.new, .new, .retired])
        #expect(DeployPlanReport.text(dry.plan).contains("rules etc/rules/0100-o365kit_mappings.xml  retired: deleted (manager: \(Self.oldRules.count) bytes"))
        #expect(await fake.rules == [retired: Self.oldRules])

        await fake.configure { $0.validationFailsOn = "103001" }
        let (failed, log) = try await Self.deploy(fake)
        #expect(failed.outcome == .failed)
        #expect(await fake.rules == [retired: Self.oldRules], "the retired file is restored")
        #expect(log.contains("rollback: restored etc/rules/0100-o365kit_mappings.xml"))

        await fake.configure { $0.validationFailsOn = nil }
        let (deployed, _) = try await Self.deploy(fake)
        #expect(deployed.outcome == .deployed)
        #expect(await fake.rules == [Self.rules.name: Self.rules.data])
    }

    /// Each node's ossec.conf gets the list; a node that refuses its configuration rolls the
    /// others back (files and configurations), and the refusal names the node.
    @Test func clusterNodesEachGetTheListRegisteredOrNoneDoes() async throws {
        let fake = FakeWazuhManager()
        await fake.configure {
            $0.clustered = true
            $0.rejectConfiguration = ["worker-1"]
        }
        let (failed, _) = try await Self.deploy(fake)
        #expect(failed.outcome == .failed)
        #expect(failed.error?.description == "write etc/ossec.conf (node worker-1): failed: 1125 Invalid ossec configuration (worker-1)")
        #expect(await fake.configurations == ["master-node": FakeWazuhManager.ossecConf, "worker-1": FakeWazuhManager.ossecConf])
        #expect(await fake.lists.isEmpty)
        #expect(await fake.rules.isEmpty)

        await fake.configure { $0.rejectConfiguration = [] }
        let (report, _) = try await Self.deploy(fake)
        #expect(report.outcome == .deployed)
        #expect(report.registrations.map(\.label) == ["etc/ossec.conf (node master-node)", "etc/ossec.conf (node worker-1)"])
        for node in ["master-node", "worker-1"] {
            #expect(String(decoding: await fake.configurations[node]!, as: UTF8.self).contains("<list>etc/lists/o365kit-logon-errors</list>\n"))
        }
        #expect(DeployPlanReport.text(report.plan, registrations: report.registrations)
            .contains("config etc/ossec.conf (node worker-1)  register lists: etc/lists/o365kit-logon-errors"))
    }

    /// The real API joins the reload's loader warnings into `msg` (format seen on 4.14.7): one
    /// that names a pack rule fails the deploy, which is rolled back and reloaded again.
    @Test func reloadWarningsAboutThePackFailTheDeploy() async throws {
        let fake = FakeWazuhManager()
        await fake.configure {
            $0.reloadMessage = "(7617): Signature ID '91531' was not found and will be ignored in the 'if_sid' option of rule '103001'., (7619): Empty 'if_sid' value. Rule '103001' will be ignored."
        }
        let (report, log) = try await Self.deploy(fake)
        #expect(report.outcome == .failed)
        #expect(report.error?.message.hasPrefix("the manager reloaded with 2 loader warnings about the pack: (7617)") == true, "\(String(describing: report.error))")
        #expect(await fake.rules.isEmpty)
        #expect(await fake.lists.isEmpty)
        #expect(await fake.reloads == 2)
        #expect(log.contains { $0.hasPrefix("reload: the ruleset has 2 loader warnings;") }, "the rollback's reload reports them only")

        // Warnings about other rules are the manager's own: reported, not failed.
        await fake.configure { $0.reloadMessage = "(7617): Signature ID '1' was not found and will be ignored in the 'if_sid' option of rule '100200'." }
        let (deployed, _) = try await Self.deploy(fake)
        #expect(deployed.outcome == .deployed)
        #expect(deployed.managerWarnings.count == 1)
    }

    @Test func partlyFailedClusterReloadRollsBackAndReloadsAgain() async throws {
        let fake = FakeWazuhManager()
        await fake.configure {
            $0.clustered = true
            $0.reloadPartlyFails = true
            $0.rules = [Self.rules.name: Self.oldRules]
        }
        let (report, _) = try await Self.deploy(fake)
        #expect(report.outcome == .failed)
        #expect(report.error?.message.hasPrefix("partly failed: 1914 Error reloading ruleset (worker-1)") == true, "\(String(describing: report.error))")
        #expect(await fake.rules == [Self.rules.name: Self.oldRules])
        let requests = await fake.requests
        #expect(requests.contains("GET /cluster/configuration/validation"))
        #expect(requests.filter { $0 == "PUT /cluster/analysisd/reload" }.count == 2)
    }

    @Test func failedRollbackIsReportedAsSuch() async throws {
        let fake = FakeWazuhManager()
        await fake.configure {
            $0.validationFailsOn = "103001"
            $0.rejectDeletes = [Self.rules.name]
        }
        let (report, _) = try await Self.deploy(fake)
        #expect(report.outcome == .rollbackFailed)
        #expect(report.rollbackErrors.map(\.step) == ["delete etc/rules/9100-o365kit_mappings.xml"])
        #expect(await fake.lists.isEmpty, "the other file is still rolled back")
    }

    @Test func expiredTokenIsRenewedOnce() async throws {
        let fake = FakeWazuhManager()
        await fake.configure { $0.tokenLifetimeCalls = 10 }
        let (report, log) = try await Self.deploy(fake)
        #expect(report.outcome == .deployed, "\(log)")
        // 14 authorized calls: the token runs out once.
        #expect(await fake.authentications == 2)
        #expect(await fake.rules[Self.rules.name] == Self.rules.data)
    }

    @Test func wazuh5IsRefusedBeforeAnyChange() async throws {
        let fake = FakeWazuhManager()
        await fake.configure { $0.version = "5.0.0" }
        let (report, _) = try await Self.deploy(fake)
        #expect(report.outcome == .failed)
        #expect(report.error?.message.contains("Wazuh 5.0.0 is not supported") == true)
        #expect(await fake.requests == ["POST /security/user/authenticate", "GET /"])
    }

    @Test func before413TheManagerIsRestarted() async throws {
        let fake = FakeWazuhManager()
        await fake.configure { $0.version = "v4.12.0" }
        let (report, _) = try await Self.deploy(fake)
        #expect(report.outcome == .deployed)
        #expect(await fake.restarts == 1)
        #expect(await fake.reloads == 0)
    }

    @Test func wrongPasswordFailsWithoutChanges() async throws {
        let fake = FakeWazuhManager()
        let (report, _) = try await Self.deploy(fake, password: "wrong")
        #expect(report.outcome == .failed)
        #expect(report.error?.description == "authenticate: invalid credentials for user 'wazuh-deployer'")
        #expect(report.plan.isEmpty)
    }

    @Test func endpointsAndPasswordsAreChecked() throws {
        #expect(try DeployEndpoint("https://manager:55000").baseURL == "https://manager:55000")
        #expect(try DeployEndpoint("https://manager:55000/").warnings.isEmpty)
        #expect(try DeployEndpoint("http://127.0.0.1:55000").warnings.count == 1)
        #expect(try DeployEndpoint("http://[::1]:55000").baseURL == "http://[::1]:55000")
        #expect(throws: DeployEndpoint.Invalid.self) { try DeployEndpoint("http://manager:55000") }
        #expect(throws: DeployEndpoint.Invalid.self) { try DeployEndpoint("http://10.0.0.1:55000") }
        #expect(throws: DeployEndpoint.Invalid.self) { try DeployEndpoint("https://user:pw@manager:55000") }
        #expect(throws: DeployEndpoint.Invalid.self) { try DeployEndpoint("ftp://manager") }
        #expect(try DeployEndpoint.password(file: nil, environment: ["WAZUH_API_PASSWORD": "x"]) == "x")
        #expect(throws: DeployEndpoint.Invalid.self) { try DeployEndpoint.password(file: nil, environment: [:]) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
        try Data("p a:ss\n".utf8).write(to: file)
        #expect(try DeployEndpoint.password(file: file.path, environment: ["WAZUH_API_PASSWORD": "x"]) == "p a:ss")
        // A file saved on Windows: CRLF line endings (the password was sent with "\r\n" in it).
        try Data("p a:ss\r\nsecond line\r\n".utf8).write(to: file)
        #expect(try DeployEndpoint.password(file: file.path, environment: [:]) == "p a:ss")
        try Data("p a:ss\r\n".utf8).write(to: file)
        #expect(try DeployEndpoint.password(file: file.path, environment: [:]) == "p a:ss")
    }

    @Test func fileNamesTheAPIRejectsAreCaughtLocally() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("wazuh/rules"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("wazuh/lists"), withIntermediateDirectories: true)
        try OutputWriter(root: root).write(OutputWriter.withManifest([RenderedFile(path: "wazuh/rules/a.xml", contents: "x")]))
        #expect(try DeployFile.collect(output: root).map(\.managerPath) == ["etc/rules/a.xml"])
        try OutputWriter(root: root).write(OutputWriter.withManifest([RenderedFile(path: "wazuh/rules/a.xml", contents: "x"),
                                                                      RenderedFile(path: "wazuh/lists/bad.name", contents: "x")]))
        #expect(throws: WazuhAPIError.self) { try DeployFile.collect(output: root) }
    }
}
