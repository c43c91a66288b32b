import Foundation
import Testing
import WazuhRuleEngine
@testable import O365KitCore

/// Every generated rule, proven on a record through Wazuh's rule semantics: the native
/// office365 ruleset is loaded first and the generated file after it, as on a manager, and
/// the rule engine (which reproduces all 128 of Wazuh's own office365 test cases) decides
/// which rule fires.
@Suite struct RuleProofTests {
    struct Pack {
        var generation: Generation
        var evaluator: Evaluator
        var profile: WazuhFieldProfile

        init(_ project: TestProject) throws {
            let (built, diagnostics) = project.generate()
            generation = try #require(built, "\(DiagnosticFormatter.text(diagnostics.sorted))")
            profile = generation.project.settings.profile
            let xml = try #require(generation.files.first { $0.path == WazuhPackPaths.rules })
            var files: [(path: String, data: Data)] = []
            if profile == .native {
                files.append(("0755-office365_rules.xml", try Data(contentsOf: project.paths.nativeWazuhRules)))
            }
            files.append((WazuhPackPaths.rules, Data(xml.contents.utf8)))
            let ruleSet = try RuleSet(files: files)
            #expect(ruleSet.warnings.isEmpty, "\(ruleSet.warnings)")
            evaluator = Evaluator(ruleSet: ruleSet)
        }

        func id(_ key: String) -> Int? { generation.lock.rules[key]?.id }

        mutating func fire(_ record: [String: Any]) throws -> Alert? {
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
            let event: DecodedEvent
            switch profile {
            case .native:
                event = DecodedEvent(auditRecord: data, location: "office365")
            case .legacyIntegration:
                let wrapped = Data(#"{"office_365":"#.utf8) + data + Data("}".utf8)
                event = DecodedEvent(json: wrapped, location: "office_365")
            }
            return evaluator.evaluate(event, at: Date())
        }
    }

    static func record(_ operation: String, recordType: Int = 8, logonError: String? = nil) -> [String: Any] {
        var record: [String: Any] = [
            "CreationTime": "2026-11-30T10:00:00", "Id": UUID().uuidString.lowercased(), "Operation": operation,
            "OrganizationId": "11111111-2222-3333-4444-555555555555", "RecordType": recordType,
            "UserId": "alice@contoso.example", "Workload": "AzureActiveDirectory", "ResultStatus": "Success",
        ]
        if let logonError { record["LogonError"] = logonError }
        return record
    }

    @Test func everyOperationRowFiresItsOwnRuleAndNothingElse() throws {
        var pack = try Pack(TestProject())
        let project = pack.generation.project
        for mapping in project.operations {
            let name = mapping.operation.value
            if countedNativeRule(mapping, project) != nil, mapping.assignment == .noTechnique { continue }
            #expect(pack.id(mapping.key) != nil)
            // Each rule of the row (one more per louder RecordType it really has), on a record
            // of a RecordType that rule stands for.
            for rule in pack.generation.pack.rules where rule.origin.key == mapping.key && rule.correlation == nil {
                let expected = rule.id
                let type = rule.recordTypes.first ?? 8
                let alert = try pack.fire(Self.record(name, recordType: type))
                #expect(alert?.ruleID == expected, "'\(name)' (RecordType \(type)) fired \(alert?.ruleID ?? 0), expected \(expected)")
                if case .techniques(let ids) = mapping.assignment {
                    // The table's ids, or their nearest ids in the manager's ATT&CK database.
                    #expect(alert?.mitreIDs == rule.mitre)
                    #expect(Set(rule.mitre).union(rule.groups.filter { $0.hasPrefix("attack_") }.map { $0.dropFirst(7).uppercased() })
                            .isSuperset(of: ids.map(\.value)))
                }
                // Wazuh matches case-insensitively, as the native rules do.
                #expect(try pack.fire(Self.record(name.uppercased(), recordType: type))?.ruleID == expected)
                // Anchored: neither a longer nor a shorter value reaches this rule.
                for near in [name + "x", "x" + name, String(name.dropLast())] where project.operations.allSatisfy({ $0.operation.value.lowercased() != near.lowercased() }) {
                    #expect(try pack.fire(Self.record(near, recordType: type))?.ruleID != expected, "'\(near)' must not match the rule of '\(name)'")
                }
            }
        }
    }

    @Test func everyLogonErrorRowRefinesTheFailedLoginRule() throws {
        var pack = try Pack(TestProject())
        let project = pack.generation.project
        let parent = try #require(pack.id("operation:\(project.settings.logonErrorOperation)"))
        for mapping in project.logonErrors {
            let alert = try pack.fire(Self.record(project.settings.logonErrorOperation, recordType: 15, logonError: mapping.code.value))
            #expect(alert?.ruleID == pack.id(mapping.key), "\(mapping.code.value)")
            #expect(alert?.chain.contains(parent) == true)
        }
        let unknown = try pack.fire(Self.record(project.settings.logonErrorOperation, recordType: 15, logonError: "SomeNewCode"))
        #expect(unknown?.ruleID == parent)
        let none = try pack.fire(Self.record(project.settings.logonErrorOperation, recordType: 15))
        #expect(none?.ruleID == parent)
    }

    @Test func aLouderNativeAlertIsNeverSilenced() throws {
        var pack = try Pack(TestProject())
        // ThreatIntelligence (RecordType 28) is level 12 natively; our failed-login rule is lower.
        let alert = try pack.fire(Self.record("UserLoginFailed", recordType: 28))
        #expect(alert?.ruleID == 91556)
        #expect(alert?.level == 12)
        // A record type whose native rule is louder than an informational rule keeps it too.
        let heartbeat = try pack.fire(Self.record("HeartBeat", recordType: 93))
        #expect(heartbeat?.ruleID == 91617)
        // Native 91724 (level 10, 100 in 60 s by one user) counts only events on which 91702 is
        // the final rule; the pack refines 91702 and carries 91724 over its own rule, so the
        // burst still alerts at level 10, now with the techniques.
        let child = try #require(pack.id("operation:FileDownloaded"))
        let carried = try #require(pack.id("operation:FileDownloaded@correlation-91724"))
        var alerts: [Alert] = []
        for _ in 0..<100 { alerts.append(try #require(try pack.fire(Self.record("FileDownloaded", recordType: 6)))) }
        #expect(alerts.dropLast().allSatisfy { $0.ruleID == child && $0.mitreIDs == ["T1213.002"] })
        #expect(alerts.last?.ruleID == carried)
        #expect(alerts.last?.level == 10)
    }

    @Test(arguments: ["native", "legacy"])
    func namesWithRegexSpecialsMatchExactly(fixture: String) throws {
        var pack = try Pack(TestProject(fixture: fixture))
        for name in ["Odd (name) $1|2", "Send & <Receive>", "Update application – Certificates and secrets management", "Add user.", "TeamsSessionStarted"] {
            let expected = try #require(pack.id("operation:\(name)"))
            #expect(try pack.fire(Self.record(name))?.ruleID == expected, "\(name)")
        }
        // `.` is literal in OS_Regex, `(`, `)`, `$`, `|` are escaped: near misses stay out.
        for near in ["Add userX", "Add user", "Odd (name) $1", "Odd name 1|2", "Odd (name) $1X2", "Send & <Receive", "Update application - Certificates and secrets management"] {
            let alert = try pack.fire(Self.record(near))
            let ours = pack.generation.pack.rules.first { $0.id == alert?.ruleID }
            #expect(ours == nil || ours?.origin.key == "root:legacy-integration", "'\(near)' matched \(ours?.origin.key ?? "")")
        }
    }
}
