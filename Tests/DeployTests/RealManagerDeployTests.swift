import CollectorTestSupport
import Crypto
import Foundation
import RealWazuhEngine
import Testing
@testable import O365KitCore
@testable import O365KitReview
@testable import O365KitDeploy
@testable import WazuhServerAPI

/// `o365kit deploy wazuh` against Wazuh 4.14.7's own server API, analysisd and execd on
/// loopback (`../shared/wazuh-manager`, installed by `make manager`): the generated pack is
/// deployed and proven there, `o365-collector` feeds the running analysisd, and every failure
/// path leaves the manager's rules, lists and ossec.conf byte-identical, read back through the API.
///
/// The manager here cannot show a cluster, Wazuh 5.x, a pre-4.13 manager, an expiring token or
/// a refused delete: `WazuhDeploymentTests` covers those against the fake.
@Suite(.serialized, .enabled(if: RealWazuhManager.isRequired, "Wazuh's server API sources (../shared/wazuh-manager) are not beside the repository"))
struct RealManagerDeployTests {
    static let root = RealWazuhEngine.repositoryRoot
    static let output = root.appendingPathComponent("output")

    /// The installed manager, started (about 25 s the first time) and put back as installed.
    static func manager() async throws -> RealWazuhManager {
        let manager = try RealWazuhManager.located()
        try await offThePool {
            try manager.start()
            try manager.reset()
        }
        return manager
    }

    static func deploy(_ manager: RealWazuhManager, files: [DeployFile], cases: [WazuhSequenceCase] = [],
                       activation: WazuhDeployment.Activation = .automatic) async throws -> (WazuhDeployment.Report, [String]) {
        let lines = WazuhDeploymentTests.Lines()
        let transport = try AsyncHTTPTransport(baseURL: manager.baseURL, caFile: manager.caFile, insecure: false)
        let client = WazuhAPIClient(transport: transport, user: RealWazuhManager.user, password: RealWazuhManager.password)
        let report = await WazuhDeployment(files: files, testCases: cases, dryRun: false, activation: activation) { lines.add($0) }.run(client)
        try await transport.shutdown()
        return (report, lines.all)
    }

    /// sha256 of every file in etc/rules and etc/lists and of etc/ossec.conf, as the API serves them.
    static func snapshot(_ manager: RealWazuhManager) async throws -> [String: String] {
        let transport = try AsyncHTTPTransport(baseURL: manager.baseURL, caFile: manager.caFile, insecure: false)
        defer { Task { try? await transport.shutdown() } }
        var client = WazuhAPIClient(transport: transport, user: RealWazuhManager.user, password: RealWazuhManager.password)
        var hashes: [String: String] = [:]
        for kind in ["rules", "lists"] {
            let listing = try await client.call(WazuhAPIRequest(.GET, "/\(kind)/files?relative_dirname=etc/\(kind)&limit=500"), step: "list \(kind)")
            for item in listing.affectedItems.compactMap({ $0 as? [String: Any] }) {
                let name = try #require(item["filename"] as? String)
                hashes["etc/\(kind)/\(name)"] = DeployFile.sha256(try await raw("/\(kind)/files/\(name)?raw=true", &client))
            }
        }
        hashes["etc/ossec.conf"] = DeployFile.sha256(try await raw("/manager/configuration?raw=true", &client))
        return hashes
    }

    /// A file's bytes as the API serves them. An answer that is not the file (a busy API's
    /// HTTP 500, error 1017, under a loaded CI run) is asked again, and never hashed as if it
    /// were the file.
    static func raw(_ path: String, _ client: inout WazuhAPIClient) async throws -> Data {
        var last = ""
        for _ in 0..<10 {
            let response = try await client.raw(WazuhAPIRequest(.GET, path), step: "snapshot")
            let envelope = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
            if response.status == 200, envelope?["error"] == nil { return response.body }
            last = "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        throw RealEngineError("GET \(path) did not give the file: \(last)")
    }

    /// The snapshot now equals `before`; otherwise names every path that differs.
    static func expectUnchanged(_ manager: RealWazuhManager, _ before: [String: String], _ what: String) async throws {
        let now = try await snapshot(manager)
        let differing = Set(before.keys).union(now.keys).filter { before[$0] != now[$0] }.sorted()
        #expect(differing.isEmpty, "\(what): \(differing.map { "\($0) \(before[$0]?.prefix(12) ?? "absent") → \(now[$0]?.prefix(12) ?? "absent")" })")
    }

    static func passwordFile() throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wazuh-password-\(UUID().uuidString)")
        try Data("\(RealWazuhManager.password)\n".utf8).write(to: file)
        return file.path
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text.prefix(500))")
    }

    // MARK: - The generated pack

    @Test func theGeneratedPackIsDeployedProvenAndFedByTheCollector() async throws {
        let manager = try await Self.manager()
        let before = try await Self.snapshot(manager)
        let base = ["deploy", "wazuh", "--url", manager.baseURL, "--user", RealWazuhManager.user, "--password-file", try Self.passwordFile(),
                    "--ca-file", manager.caFile, "--output", Self.output.path]

        let dry = try await DeployCommandTests.o365kit(base + ["--dry-run", "--format", "json"], in: Self.root, environment: [:])
        #expect(dry.status == 0, "\(dry.stderr)")
        let plan = try Self.json(dry.stdout)
        #expect((plan["files"] as? [[String: Any]])?.map { $0["change"] as? String } == ["new", "new", "new", "new"])
        #expect((plan["registrations"] as? [[String: Any]])?.first?["lists"] as? [String] == ["etc/lists/o365kit-known-attacker-ips", "etc/lists/o365kit-logon-errors"])
        try await Self.expectUnchanged(manager, before, "a dry run changes nothing")

        let started = Date()
        let deployed = try await DeployCommandTests.o365kit(base + ["--format", "json"], in: Self.root, environment: [:])
        let seconds = Date().timeIntervalSince(started)
        #expect(deployed.status == 0, "\(deployed.stderr.suffix(3000))")
        let report = try Self.json(deployed.stdout)
        #expect(report["outcome"] as? String == "deployed")
        let packaged = try DeployLogtestGateTests.packagedCaseCount(Self.output)
        #expect(report["cases_proven"] as? Int == packaged)
        #expect((report["manager_warnings"] as? [String])?.isEmpty == true, "a clean reload: \(report["manager_warnings"] ?? "")")
        #expect(deployed.stderr.contains("reload: requested (/manager/analysisd/reload)"))
        print("real manager: deploy of the generated pack (\(packaged) cases through PUT /logtest) took \(Int(seconds)) s")

        let after = try await Self.snapshot(manager)
        for file in try DeployFile.collect(output: Self.output) {
            #expect(after[file.managerPath] == file.sha256, "\(file.managerPath) is on the manager as built")
        }
        let configuration = try String(contentsOf: manager.home.appendingPathComponent("etc/ossec.conf"), encoding: .utf8)
        #expect(configuration.contains("<list>etc/lists/o365kit-known-attacker-ips</list>\n    <list>etc/lists/o365kit-logon-errors</list>\n"))

        let again = try await DeployCommandTests.o365kit(base, in: Self.root, environment: [:])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("nothing to deploy"))
        try await Self.expectUnchanged(manager, after, "a second deploy changes nothing")

        try await collectorFeedsTheDeployedPack(manager)

        // `o365kit test --manager`: the same records through this manager's PUT /logtest give
        // the built-in engine's outcomes.
        let events = "mappings/detections/samples/collection_forwarding_configured/positive.jsonl"
        let builtIn = try await DeployCommandTests.o365kit(["test", "--events", events, "--format", "json"], in: Self.root, environment: [:])
        let onManager = try await DeployCommandTests.o365kit(["test", "--events", events, "--format", "json", "--manager", manager.baseURL,
                                                              "--user", RealWazuhManager.user, "--password-file", try Self.passwordFile(),
                                                              "--ca-file", manager.caFile], in: Self.root, environment: [:])
        #expect(onManager.status == 0, "\(onManager.stderr)")
        #expect(try TestCommandManagerTests.rules(onManager.stdout) == TestCommandManagerTests.rules(builtIn.stdout))
        #expect(try TestCommandManagerTests.rules(onManager.stdout).contains(103238))
    }

    /// `o365-collector` with its Wazuh sink writes to the running analysisd's queue socket;
    /// `logs/alerts/alerts.json` must hold one alert per record that reaches the alert level,
    /// exactly once, at the rule Wazuh's own logtest gives for the same events in the same
    /// order. Mapping alerts carry the rule map's ATT&CK ids in their description (`rule.mitre`
    /// stays empty on this manager: it runs no wazuh-db, so has no MITRE database).
    func collectorFeedsTheDeployedPack(_ manager: RealWazuhManager) async throws {
        let collector = try #require(EndToEndCollector.executable, "o365-collector must be built next to the tests")
        // Every single-event packaged case, as Microsoft would send it: the record alone, with a
        // fresh Id, in the content type of its workload.
        var byType: [String: [[String: Any]]] = [:]
        for testCase in try DeployTestCases.collect(output: Self.output) where testCase.events.count == 1 {
            let wrapper = try Self.json(testCase.events[0])
            var record = try #require(wrapper["office365"] as? [String: Any])
            record["Id"] = UUID().uuidString.lowercased()
            let contentType = record.removeValue(forKey: "Subscription") as? String ?? EndToEndCollector.contentType(record)
            byType[contentType, default: []].append(record)
        }
        let emulator = APIEmulator()
        for (contentType, records) in byType.sorted(by: { $0.key < $1.key }) {
            let body = try JSONSerialization.data(withJSONObject: records, options: [.sortedKeys])
            emulator.add([EmulatedBlob(contentId: "blob-\(contentType)", created: Int64(Date().timeIntervalSince1970) - 600, body: .raw(Array(body)))],
                         contentType: contentType)
        }
        try await emulator.start()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-collector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try Data("\(emulator.clientSecret!)\n".utf8).write(to: scratch.appendingPathComponent("secret.txt"))
        try Data("""
            state_dir: ./state
            poll_interval: 1s
            initial_lookback: 1h
            tenants:
              - name: contoso
                tenant_id: \(emulator.tenantID)
                client_id: \(emulator.clientID)
                auth:
                  client_secret_file: ./secret.txt
                endpoints:
                  login: \(emulator.baseURL)
                  api: \(emulator.baseURL)
                content_types: [\(byType.keys.sorted().joined(separator: ", "))]
            sinks:
              - type: jsonl
                path: ./events.jsonl
              - type: wazuh
                socket: \(manager.queueSocket)

            """.utf8).write(to: scratch.appendingPathComponent("config.yaml"))

        let offset = manager.alertsOffset()
        let run = try await EndToEndCollector.run(collector, config: scratch.appendingPathComponent("config.yaml").path)
        await emulator.stop()
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")

        // What Wazuh's engine gives for the delivered events, in delivery order, in one session.
        let delivered = String(decoding: try Data(contentsOf: scratch.appendingPathComponent("events.jsonl")), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        let total = byType.values.map(\.count).reduce(0, +)
        #expect(delivered.count == total)
        let events = try delivered.map { line -> String in
            let record = try Self.json(line)
            let type = try #require(byType.first { $0.value.contains { $0["Id"] as? String == record["Id"] as? String } }?.key)
            // The wrapper the sink writes: the record with its Subscription, under office365.
            return "{\"integration\":\"office365\",\"office365\":" + line.dropLast() + ",\"Subscription\":\"\(type)\"}}"
        }
        let engine = try RealWazuhEngine.located()
        let home = try engine.makeHome(pack: Self.output.appendingPathComponent("wazuh"),
                                       at: FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-alerts-\(UUID().uuidString)"))
        let expected = try await offThePool { try engine.logtest(home, events: events, sessions: .shared) }
        var expectedRule: [String: Int] = [:]
        for (line, response) in zip(delivered, expected) where response.alert {
            expectedRule[try Self.json(line)["Id"] as! String] = response.rule?.id
        }

        // analysisd writes alerts as it processes the queue; wait until they stop coming.
        var alerts: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let now = try manager.alerts(after: offset)
            if now.count == alerts.count && now.count >= expectedRule.count { break }
            alerts = now
            try await Task.sleep(nanoseconds: 2_000_000_000)
        }
        alerts = try manager.alerts(after: offset)
        var seen: [String: [Int]] = [:]
        var descriptions: [Int: String] = [:]
        for alert in alerts {
            guard let data = alert["data"] as? [String: Any], let record = data["office365"] as? [String: Any], let id = record["Id"] as? String,
                  let rule = alert["rule"] as? [String: Any], let ruleID = (rule["id"] as? String).flatMap(Int.init) else { continue }
            #expect(alert["location"] as? String == "office365")
            seen[id, default: []].append(ruleID)
            descriptions[ruleID] = rule["description"] as? String
        }
        #expect(seen.values.allSatisfy { $0.count == 1 }, "one alert per record: \(seen.filter { $0.value.count > 1 }.prefix(5))")
        #expect(seen.mapValues { $0[0] } == expectedRule, "alerts.json matches Wazuh's logtest for the same events")
        let packRules = seen.values.map { $0[0] }.filter { (103000..<104000).contains($0) }
        #expect(packRules.count >= 250, "\(packRules.count) of \(seen.count) alerts end on pack rules")
        print("real manager: \(total) records collected into analysisd → \(seen.count) alerts, \(packRules.count) on pack rules")

        let map = try String(contentsOf: Self.output.appendingPathComponent("wazuh/o365kit-rule-map.csv"), encoding: .utf8)
        for row in map.split(separator: "\n").dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count > 4, cells[2] != "detection", let rule = Int(cells[0]), let description = descriptions[rule] else { continue }
            for technique in cells[4].split(separator: ";") {
                #expect(description.contains(technique), "rule \(rule)'s alert names \(technique): \(description)")
            }
        }
    }

    // MARK: - Failure paths

    /// A small pack: one rule file, one list, one rule that uses the list, and its cases.
    static func pack(_ level: Int = 6, listEntries: String = "IdsLocked:T1110\n", ruleName: String = "9100-o365kit_mappings.xml",
                     extraRule: String = "") -> (files: [DeployFile], cases: [WazuhSequenceCase]) {
        let rules = """
            <group name="office365,o365kit,">
              <rule id="103000" level="\(level)">
                <if_sid>91531</if_sid>
                <field name="office365.Operation" type="pcre2">^Op103000$</field>
                <description>test rule 103000</description>
              </rule>
              <rule id="103001" level="\(level)">
                <if_sid>91531</if_sid>
                <list field="office365.LogonError" lookup="match_key">etc/lists/o365kit-logon-errors</list>
                <description>test rule 103001 on a listed logon error</description>
              </rule>
            \(extraRule)</group>

            """
        // No RecordType: stock rule 91532 (any RecordType) would take the event before ours.
        let event = { (fields: String) in #"{"integration":"office365","office365":{"Workload":"AzureActiveDirectory","UserId":"u@contoso.example",\#(fields)}}"# }
        return ([DeployFile(kind: .rules, name: ruleName, data: Data(rules.utf8)),
                 DeployFile(kind: .lists, name: "o365kit-logon-errors", data: Data(listEntries.utf8))],
                [WazuhSequenceCase(name: "operation", rule: 103000, level: level, events: [event(#""Operation":"Op103000""#)]),
                 WazuhSequenceCase(name: "listed error", rule: 103001, level: level, events: [event(#""Operation":"Op103001","LogonError":"IdsLocked""#)])])
    }

    @Test func everyFailureLeavesTheManagerByteIdentical() async throws {
        let manager = try await Self.manager()
        let previous = Self.pack(5)
        let (first, firstLog) = try await Self.deploy(manager, files: previous.files, cases: previous.cases)
        #expect(first.outcome == .deployed, "\(firstLog)")
        #expect(first.casesProven == 2)
        let state = try await Self.snapshot(manager)
        let next = Self.pack(6, listEntries: "IdsLocked:T1110\nInvalidPasswordExpiredPassword:T1110\n")

        // 1. A changed rule file analysisd refuses (an unknown option): the API answers 1113 and
        //    restores its old copy; the list and ossec.conf already changed are put back.
        var refused = next
        refused.files[0].data = Data(String(decoding: next.files[0].data, as: UTF8.self)
            .replacingOccurrences(of: "<description>test rule 103000</description>", with: "<no_such_option>x</no_such_option>").utf8)
        let (r1, log1) = try await Self.deploy(manager, files: refused.files, cases: refused.cases)
        #expect(r1.outcome == .failed)
        #expect(r1.error?.message.contains("1113") == true, "\(String(describing: r1.error))")
        #expect(r1.error?.message.contains("no_such_option") == true || r1.error?.message.contains("9100-o365kit_mappings.xml") == true)
        #expect(log1.contains("rollback: restored etc/lists/o365kit-logon-errors"))
        try await Self.expectUnchanged(manager, state, "refused changed file")

        // 2. A new rule file analysisd refuses: sent with overwrite=false, so the API removes it.
        let broken = DeployFile(kind: .rules, name: "9200-o365kit_detections.xml",
                                data: Data("<group name=\"o365kit,\">\n  <rule id=\"103900\" level=\"3\">\n    <no_such_option>x</no_such_option>\n  </rule>\n</group>\n".utf8))
        let (r2, _) = try await Self.deploy(manager, files: next.files + [broken], cases: next.cases)
        #expect(r2.outcome == .failed)
        #expect(r2.error?.step == "upload etc/rules/9200-o365kit_detections.xml")
        try await Self.expectUnchanged(manager, state, "refused new file")

        // 3. A rule file the manager already held and cannot load (left by a hand edit): every
        //    rule upload fails with 1113, and the message names that file.
        try manager.placeRuleFile("8000-hand_edit.xml", Data("<group name=\"x,\">\n  <rule id=\"100900\" level=\"3\">\n    <no_such_option>x</no_such_option>\n  </rule>\n</group>\n".utf8))
        // The API lists files with a short delay (seen in CI: absent from a listing taken at
        // once); the manager "already holds" the file once its API shows it.
        var withHandEdit = try await Self.snapshot(manager)
        for _ in 0..<30 where withHandEdit["etc/rules/8000-hand_edit.xml"] == nil {
            try await Task.sleep(nanoseconds: 1_000_000_000)
            withHandEdit = try await Self.snapshot(manager)
        }
        #expect(withHandEdit["etc/rules/8000-hand_edit.xml"] != nil)
        let (r3, _) = try await Self.deploy(manager, files: next.files, cases: next.cases)
        #expect(r3.outcome == .failed)
        #expect(r3.error?.message.contains("8000-hand_edit.xml") == true, "\(String(describing: r3.error))")
        #expect(r3.error?.message.contains("refuses every rule upload") == true)
        try await Self.expectUnchanged(manager, withHandEdit, "a manager holding a broken file")
        try FileManager.default.removeItem(at: manager.home.appendingPathComponent("etc/rules/8000-hand_edit.xml"))

        // 4. Loader warnings: 0.1.0's file names load before Wazuh's office365 rules, the API
        //    accepts and validates them, analysisd drops every rule (7617/7619).
        var early = next
        early.files[0].name = "0100-o365kit_mappings.xml"
        let (r4, _) = try await Self.deploy(manager, files: early.files, cases: early.cases)
        #expect(r4.outcome == .failed)
        #expect(r4.error?.step == "logtest")
        #expect(r4.error?.message.contains("(7617)") == true, "\(String(describing: r4.error))")
        try await Self.expectUnchanged(manager, state, "loader warnings")

        // 5. A case that ends elsewhere: the files load, the proof fails.
        var wrong = next
        wrong.cases[1].rule = 91545
        let (r5, _) = try await Self.deploy(manager, files: wrong.files, cases: wrong.cases)
        #expect(r5.outcome == .failed)
        #expect(r5.error?.message.contains("[listed error] expected rule 91545") == true, "\(String(describing: r5.error))")
        try await Self.expectUnchanged(manager, state, "a failing case")

        // 6. A list the manager must register but whose ossec.conf it refuses to rewrite is not
        //    something this manager can be made to do; an unregistered list the pack does not
        //    ship is: 7616 names it.
        let unregistered = DeployFile(kind: .rules, name: "9100-o365kit_mappings.xml", data: Data(String(decoding: next.files[0].data, as: UTF8.self)
            .replacingOccurrences(of: "etc/lists/o365kit-logon-errors", with: "etc/lists/o365kit-not-shipped").utf8))
        let (r6, _) = try await Self.deploy(manager, files: [unregistered, next.files[1]], cases: [next.cases[0]])
        #expect(r6.outcome == .failed)
        #expect(r6.error?.message.contains("(7616)") == true, "\(String(describing: r6.error))")
        try await Self.expectUnchanged(manager, state, "an unregistered list")

        // And the next release deploys over the previous one.
        let (r7, log7) = try await Self.deploy(manager, files: next.files, cases: next.cases)
        #expect(r7.outcome == .deployed, "\(log7)")
        #expect(r7.plan.map(\.change) == [.changed, .changed])
    }

    /// Connection problems are said once, with the URL and what to try; no library dump.
    @Test func connectionProblemsNameTheURLAndWhatToTry() async throws {
        let manager = try await Self.manager()
        let password = try Self.passwordFile()
        func deploy(_ url: String, _ extra: [String]) async throws -> DeployCommandTests.Result {
            try await DeployCommandTests.o365kit(["deploy", "wazuh", "--url", url, "--user", RealWazuhManager.user, "--password-file", password,
                                                  "--output", Self.output.path, "--dry-run"] + extra, in: Self.root, environment: [:])
        }
        let untrusted = try await deploy(manager.baseURL, [])
        let wrongName = try await deploy("https://127.0.0.1:\(manager.port)", ["--ca-file", manager.caFile])
        let refused = try await deploy("https://localhost:9", ["--ca-file", manager.caFile])
        #expect(untrusted.stderr.contains("cannot connect to \(manager.baseURL): the manager's certificate is not trusted; pass --ca-file"), "\(untrusted.stderr)")
        #expect(wrongName.stderr.contains("cannot connect to https://127.0.0.1:\(manager.port): the manager's certificate is not issued for that host name"), "\(wrongName.stderr)")
        #expect(refused.stderr.contains("cannot connect to https://localhost:9: connection refused"), "\(refused.stderr)")
        for result in [untrusted, wrongName, refused] {
            #expect(result.status == 1)
            #expect(result.stderr.components(separatedBy: "deploy failed").count == 2, "the failure is printed once: \(result.stderr)")
            #expect(!result.stderr.contains("BoringSSL") && !result.stderr.contains("NIOSSL") && !result.stderr.contains(".swift"))
        }
    }

    /// A restart instead of a hot reload: the API goes down with the manager and deploy waits
    /// until it and analysisd's logtest answer again.
    @Test func aRestartIsWaitedOut() async throws {
        let manager = try await Self.manager()
        let pack = Self.pack(7)
        let started = Date()
        let (report, log) = try await Self.deploy(manager, files: pack.files, cases: pack.cases, activation: .restart)
        #expect(report.outcome == .deployed, "\(log)")
        #expect(log.contains("restart: the API is down"), "\(log)")
        #expect(log.contains { $0.hasPrefix("restart: the manager answers again after") })
        print("real manager: deploy with restart took \(Int(Date().timeIntervalSince(started))) s")
        // The restarted manager runs the pack.
        let transport = try AsyncHTTPTransport(baseURL: manager.baseURL, caFile: manager.caFile, insecure: false)
        var client = WazuhAPIClient(transport: transport, user: RealWazuhManager.user, password: RealWazuhManager.password)
        let response = try await LogtestAPI.process(LogtestRequest(event: pack.cases[0].events[0], token: nil), with: &client)
        try await transport.shutdown()
        #expect(response.rule?.id == 103000 && response.rule?.level == 7)
    }
}

/// Runs the built `o365-collector` once.
enum EndToEndCollector {
    static var executable: URL? { builtExecutable("o365-collector") }

    /// The Management Activity content type a record of this workload is listed under.
    static func contentType(_ record: [String: Any]) -> String {
        switch record["Workload"] as? String {
        case "AzureActiveDirectory": return "Audit.AzureActiveDirectory"
        case "Exchange": return "Audit.Exchange"
        case "SharePoint", "OneDrive": return "Audit.SharePoint"
        default: return "Audit.General"
        }
    }

    static func run(_ executable: URL, config: String) async throws -> (status: Int32, stderr: String) {
        try await offThePool {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["run", "--config", config, "--once"]
            let log = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("collector.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            try? handle.close()
            return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
    }
}
