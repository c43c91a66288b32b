import Foundation
import Testing
import RealWazuhEngine

/// SigmaHQ's rules, unchanged (Tests/Fixtures/sigmahq), built beside the project's with
/// `--detections` as a site would, and replayed through Wazuh's own analysisd on the project's
/// own records: the positive records end at the rule's Wazuh rule, the negative ones do not.
@Suite(.enabled(if: RealWazuhEngine.isRequired, "the real Wazuh engine's sources (../shared/wazuh-engine) are not beside the repository"))
struct SigmaHQRealEngineTests {
    static let rules = repositoryRoot.appendingPathComponent("Tests/Fixtures/sigmahq/rules")
    static let titles = [
        "microsoft365_suspicious_email_delivered": "Suspicious Email Delivered In Microsoft 365",
        "microsoft365_susp_inbox_rule_creation_or_update_activity": "Inbox Rules Creation Or Update Activity in O365",
        "microsoft365_bypass_conditional_access": "Azure Login Bypassing Conditional Access Policies",
    ]

    @Test func sigmaHQRulesGiveTheirVerdictsInWazuhsOwnEngine() async throws {
        let project = try temporaryProject()
        defer { try? FileManager.default.removeItem(at: project) }
        // Wazuh ends each event at one rule: the project's own detection of the behaviour of
        // SigmaHQ's suspicious_email_delivered would take its records first, so it is left out.
        let own = project.appendingPathComponent("mappings/detections/initial_access_malicious_email_delivered.yml")
        #expect(FileManager.default.fileExists(atPath: own.path))
        try? FileManager.default.removeItem(at: own)
        let build = try await offThePool { try run("o365kit", ["build", "--detections", Self.rules.path], in: project) }
        #expect(build.status == 0, "\(build.stderr.suffix(2000))")
        // The rule that can never match on real records says so where it tests the field.
        #expect(build.stderr.contains("microsoft365_bypass_conditional_access.yml:25:9: warning: 'RequestType' is not a field"), "\(build.stderr.suffix(3000))")

        let xml = try String(contentsOf: project.appendingPathComponent("output/wazuh/rules/9200-o365kit_detections.xml"), encoding: .utf8)
        for (key, title) in Self.titles {
            #expect(xml.contains("o365kit detection: \(title)"), "\(key) has no Wazuh rule")
        }
        // The site's positive samples became packaged test cases too.
        let tests = try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("output/wazuh/tests").path)
        let ini = try tests.filter { $0.hasSuffix(".ini") }.map { try String(contentsOf: project.appendingPathComponent("output/wazuh/tests/\($0)"), encoding: .utf8) }.joined()
        #expect(ini.contains("detection microsoft365_suspicious_email_delivered, sample 1"))
        #expect(ini.contains("detection microsoft365_susp_inbox_rule_creation_or_update_activity, sample 1"))

        var events = "", expected: [(key: String, positive: Bool)] = []
        for key in Self.titles.keys.sorted() {
            for kind in ["positive", "negative"] {
                let url = Self.rules.appendingPathComponent("samples/\(key)/\(kind).jsonl")
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                events += text
                expected += text.split(separator: "\n").map { _ in (key, kind == "positive") }
            }
        }
        let eventsFile = project.appendingPathComponent("sigmahq-events.jsonl")
        try Data(events.utf8).write(to: eventsFile)

        let engine = try RealWazuhEngine.located()
        let root = project.appendingPathComponent("manager")
        let daemon = try await offThePool {
            try engine.startAnalysisd(try engine.makeHome(pack: project.appendingPathComponent("output/wazuh"), at: root.appendingPathComponent("home")))
        }
        defer { daemon.stop() }
        let real = try await offThePool {
            try run("o365kit", ["test", "--events", eventsFile.path, "--format", "json", "--logtest-socket", daemon.logtestSocket], in: project)
        }
        #expect(real.status == 0, "\(real.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(real.stdout.utf8)) as? [String: Any])
        let records = try #require(object["records"] as? [[String: Any]]).sorted { ($0["line"] as! Int) < ($1["line"] as! Int) }
        #expect(records.count == expected.count)
        for (record, expectation) in zip(records, expected) {
            let description = record["description"] as? String ?? ""
            let fired = description.hasPrefix("o365kit detection: \(Self.titles[expectation.key]!)")
            #expect(fired == expectation.positive, "line \(record["line"]!) (\(expectation.key), \(expectation.positive ? "positive" : "negative")) ended at \(record["rule"] ?? "no rule"): \(description)")
        }
    }
}
