import Foundation
import Testing
import RealWazuhEngine
@testable import O365KitCore
@testable import O365KitDeploy
@testable import WazuhServerAPI

/// The logtest gate: after upload and validation, every packaged test case goes through the
/// manager's `PUT /logtest`, here backed by Wazuh's own engine over the uploaded files, and a
/// pack that does not prove itself is rolled back before any reload.
@Suite(.enabled(if: RealWazuhEngine.isRequired, "the real Wazuh engine's sources (../shared/wazuh-engine) are not beside the repository"))
struct DeployLogtestGateTests {
    static let output = RealWazuhEngine.repositoryRoot.appendingPathComponent("output")

    /// The package's cases counted from its files as text, apart from the code that reads them:
    /// each `rule = ` line of the .ini and each line of the sequences file.
    static func packagedCaseCount(_ output: URL) throws -> Int {
        let tests = output.appendingPathComponent("wazuh/tests")
        let ini = try String(contentsOf: tests.appendingPathComponent("o365kit.ini"), encoding: .utf8)
        let sequences = try String(contentsOf: tests.appendingPathComponent("o365kit-sequences.jsonl"), encoding: .utf8)
        return ini.split(separator: "\n").filter { $0.hasPrefix("rule = ") }.count + sequences.split(separator: "\n").count
    }

    static func deploy(_ fake: FakeWazuhManager, files: [DeployFile], cases: [WazuhSequenceCase]) async throws -> (WazuhDeployment.Report, [String]) {
        let lines = WazuhDeploymentTests.Lines()
        let report = try await fake.serve { port in
            let transport = try AsyncHTTPTransport(baseURL: "http://127.0.0.1:\(port)", caFile: nil, insecure: false)
            let client = WazuhAPIClient(transport: transport, user: FakeWazuhManager.user, password: FakeWazuhManager.password)
            let report = await WazuhDeployment(files: files, testCases: cases, dryRun: false) { lines.add($0) }.run(client)
            try await transport.shutdown()
            return report
        }
        await fake.logtestSessions?.shutdown()
        return (report, lines.all)
    }

    @Test func theGeneratedPackIsProvenOnTheManagersEngineBeforeTheReload() async throws {
        let files = try DeployFile.collect(output: Self.output)
        let cases = try DeployTestCases.collect(output: Self.output)
        let packaged = try Self.packagedCaseCount(Self.output)
        #expect(cases.count == packaged)
        let fake = FakeWazuhManager()
        let (report, log) = try await Self.deploy(fake, files: files, cases: cases)
        #expect(report.outcome == .deployed, "\(log.suffix(5))")
        #expect(log.contains("logtest: \(packaged) of \(packaged) packaged test cases end at their rule on the manager"), "\(log.suffix(5))")
        let requests = await fake.requests
        let firstLogtest = try #require(requests.firstIndex(of: "PUT /logtest"))
        #expect(firstLogtest > requests.firstIndex(of: "GET /manager/configuration/validation")!)
        #expect(firstLogtest < requests.firstIndex(of: "PUT /manager/analysisd/reload")!)
        // Single-event cases share one session; each sequence case has its own.
        #expect(requests.filter { $0.hasPrefix("DELETE /logtest/sessions/") }.count == cases.filter { $0.events.count > 1 }.count + 1)
    }

    /// The bug behind issue 10: files that sort before 0755-office365_rules.xml are accepted and
    /// validated by a manager that drops every rule in them. The gate sees it and rolls back.
    @Test func aPackThatLoadsBeforeTheStockRulesIsRolledBack() async throws {
        let files = try DeployFile.collect(output: Self.output).map { file in
            var file = file
            file.name = file.name.replacingOccurrences(of: "9100-", with: "0100-").replacingOccurrences(of: "9200-", with: "0200-")
            return file
        }
        let fake = FakeWazuhManager()
        let (report, log) = try await Self.deploy(fake, files: files, cases: try DeployTestCases.collect(output: Self.output))
        #expect(report.outcome == .failed)
        let error = try #require(report.error)
        #expect(error.step == "logtest")
        #expect(error.message.contains("does not load the pack cleanly") && error.message.contains("(7617)"), "\(error.message.prefix(500))")
        #expect(await fake.rules.isEmpty, "new files are deleted again")
        #expect(await fake.lists.isEmpty)
        #expect(await fake.reloads == 0)
        #expect(log.contains { $0.hasPrefix("rollback: deleted etc/rules/0100-o365kit_mappings.xml") })
    }

    /// A list that ossec.conf does not register: analysisd drops the rule with 7616, the API
    /// accepts everything, and the gate says what the admin must do.
    @Test func aRuleOnAnUnregisteredListFailsWithWhatToDo() async throws {
        let rule = """
            <group name="office365,o365kit,">
              <rule id="103000" level="8">
                <if_sid>91531</if_sid>
                <list field="office365.ClientIP" lookup="address_match_key">etc/lists/o365kit-unregistered</list>
                <description>sign-in from a listed address</description>
              </rule>
            </group>

            """
        let fake = FakeWazuhManager()
        let (report, _) = try await Self.deploy(fake, files: [DeployFile(kind: .rules, name: "9100-o365kit_mappings.xml", data: Data(rule.utf8))], cases: [])
        #expect(report.outcome == .failed)
        let message = try #require(report.error?.message)
        #expect(message.contains("(7616)") && message.contains("add any other list to <ruleset> on every node"), "\(message)")
        #expect(await fake.rules.isEmpty)
    }

    @Test func aCaseThatEndsElsewhereFailsTheDeployAndNamesTheCase() async throws {
        let files = try DeployFile.collect(output: Self.output)
        var cases = Array(try DeployTestCases.collect(output: Self.output).prefix(3))
        cases[1].rule = 91545
        let fake = FakeWazuhManager()
        await fake.configure { $0.rules = [files[0].name: WazuhDeploymentTests.oldRules] }
        let (report, _) = try await Self.deploy(fake, files: files, cases: cases)
        #expect(report.outcome == .failed)
        let message = try #require(report.error?.message)
        #expect(message.contains("1 of 3 packaged test cases fail on the manager's engine: [\(cases[1].name)] expected rule 91545"), "\(message)")
        #expect(await fake.rules == [files[0].name: WazuhDeploymentTests.oldRules], "the previous file is restored")
    }
}

/// `o365kit test --manager`: records through a manager's `PUT /logtest` (here Wazuh's own engine
/// behind the loopback API) give the built-in engine's outcomes.
@Suite(.enabled(if: RealWazuhEngine.isRequired, "the real Wazuh engine's sources (../shared/wazuh-engine) are not beside the repository"))
struct TestCommandManagerTests {
    @Test func aManagersEngineThroughTheAPIGivesTheBuiltInOutcomes() async throws {
        let root = RealWazuhEngine.repositoryRoot
        let fake = FakeWazuhManager()
        var rules: [String: Data] = [:], lists: [String: Data] = [:]
        for file in try DeployFile.collect(output: root.appendingPathComponent("output")) {
            if file.kind == .rules { rules[file.name] = file.data } else { lists[file.name] = file.data }
        }
        await fake.configure { [rules, lists] in
            $0.rules = rules
            $0.lists = lists
        }
        let events = "mappings/detections/samples/collection_forwarding_configured/positive.jsonl"
        let environment = ["WAZUH_API_PASSWORD": FakeWazuhManager.password]
        let (builtIn, real, wrong) = try await fake.serve { port in
            let manager = ["--manager", "http://127.0.0.1:\(port)", "--user", FakeWazuhManager.user]
            let builtIn = try await DeployCommandTests.o365kit(["test", "--events", events, "--format", "json"], in: root, environment: [:])
            let real = try await DeployCommandTests.o365kit(["test", "--events", events, "--format", "json"] + manager, in: root, environment: environment)
            let wrong = try await DeployCommandTests.o365kit(["test", "--events", events] + manager + ["--password-file", "/nonexistent"], in: root, environment: [:])
            return (builtIn, real, wrong)
        }
        await fake.logtestSessions?.shutdown()
        #expect(builtIn.status == 0, "\(builtIn.stderr)")
        #expect(real.status == 0, "\(real.stderr)")
        #expect(try Self.rules(real.stdout) == Self.rules(builtIn.stdout))
        #expect(try Self.rules(real.stdout).contains(103238))
        #expect(await fake.requests.contains("PUT /logtest"))
        #expect(wrong.status == 64)
        #expect(!wrong.stderr.contains(FakeWazuhManager.password))
    }

    static func rules(_ json: String) throws -> [Int?] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let records = try #require(object["records"] as? [[String: Any]])
        return records.map { $0["rule"] as? Int }
    }
}
