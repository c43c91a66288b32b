import Foundation
import Testing
import WazuhRuleEngine
@testable import O365KitCore

/// The reference case with detections (Tests/Fixtures/reference/detections) exercises every
/// construct: `1 of`, `and`/`or`/`not`, `|all`, `re`, Name/Value entries, placeholders as
/// patterns, lists and CIDR blocks, absence. Every combination of present, absent, matching
/// and near-miss values is replayed through the reference evaluator and the generated Wazuh
/// rules, which must agree on each record.
@Suite struct DetectionEquivalenceTests {
    static func project() throws -> (Generation, RuleSet) {
        let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/detections")
        let project = try TestProject(copying: false)
        let fm = FileManager.default
        try fm.copyItem(at: fixture.appendingPathComponent("mappings"), to: project.url("mappings"))
        try fm.copyItem(at: repositoryRoot.appendingPathComponent("templates"), to: project.url("templates"))
        for shared in ["attack", "wazuh-native"] {
            try fm.copyItem(at: repositoryRoot.appendingPathComponent("mappings/\(shared)"), to: project.url("mappings/\(shared)"))
        }
        let (built, diagnostics) = project.generate()
        let generation = try #require(built, "\(DiagnosticFormatter.text(diagnostics.sorted))")
        var files: [(path: String, data: Data)] = [("0755-office365_rules.xml", try Data(contentsOf: project.paths.nativeWazuhRules))]
        for path in [WazuhPackPaths.rules, WazuhDetectionPaths.rules] {
            files.append((path, Data(try #require(generation.files.first { $0.path == path }).contents.utf8)))
        }
        var lists: [String: Data] = [:]
        for path in generation.wazuhDetections.lists.keys {
            lists[path] = Data(try #require(generation.files.first { $0.path == WazuhDetectionPaths.list(path) }).contents.utf8)
        }
        let ruleSet = try RuleSet(files: files, lists: lists)
        #expect(ruleSet.warnings.isEmpty, "\(ruleSet.warnings)")
        return (generation, ruleSet)
    }

    static func record(_ fields: [String: Any]) throws -> AuditRecord {
        var base: [String: Any] = ["CreationTime": "2026-11-30T10:00:00", "Id": UUID().uuidString, "RecordType": 2,
                                   "Workload": "Exchange", "UserId": "alice@contoso.example", "OrganizationId": "o"]
        for (k, v) in fields { base[k] = v }
        return try AuditRecord(data: JSONSerialization.data(withJSONObject: base, options: [.sortedKeys]))
    }

    func agree(on records: [AuditRecord], keys: [String], _ generation: Generation, _ ruleSet: RuleSet) {
        let evaluator = SigmaEvaluator(generation.detections)
        var verdicts: [String: Set<Bool>] = [:]
        defer {
            // Both verdicts occur for every rule, or the comparison proves little.
            for key in keys { #expect(verdicts[key] == [true, false], "\(key) saw only \(verdicts[key] ?? [])") }
        }
        for record in records {
            var wazuh = Evaluator(ruleSet: ruleSet)
            let fired = wazuh.evaluate(DecodedEvent(auditRecord: record.data, location: "office365"), at: record.creationTime!)?.ruleID
            let detection = generation.wazuhDetections.rules.first { $0.id == fired }?.detection
            for key in keys {
                let expected = evaluator.matches(generation.detections.rule(key)!, record)
                verdicts[key, default: []].insert(expected)
                #expect((detection == key) == expected, "\(key): reference \(expected), Wazuh ended at \(fired ?? 0) for \(String(decoding: record.data, as: UTF8.self))")
            }
        }
    }

    @Test func nameValueEntriesNegationAndAbsenceAgree() throws {
        let (generation, ruleSet) = try Self.project()
        let operations = ["Send & <Receive>", "Odd (name) $1|2", "Odd (name) $1", "Other"]
        let subjects: [String?] = [nil, #"a"b and c\d"#, #"a"b only"#, "invoice 12 & <due>", "Invoice 12 & <due>", "hello"]
        let parameters: [[[String: String]]?] = [
            nil, [],
            [["Name": "To", "Value": "bob@contoso.example"]],
            [["Name": "to", "Value": "eve@fabrikam.example"]],
            [["Name": "Cc", "Value": "x<y@fabrikam.example"]],
            [["Name": "Org", "Value": "fabrikam ltd"]],
            [["Name": "To", "Value": "bob@contoso.example"], ["Name": "Org", "Value": "Fabrikam Ltd"]],
            [["Name": "Subject", "Value": "bob@contoso.example"]],
        ]
        var records: [AuditRecord] = []
        for operation in operations {
            for subject in subjects {
                for params in parameters {
                    var fields: [String: Any] = ["Operation": operation]
                    if let subject { fields["Subject"] = subject }
                    if let params { fields["Parameters"] = params }
                    records.append(try Self.record(fields))
                }
            }
        }
        agree(on: records, keys: ["collection_odd_send"], generation, ruleSet)
    }

    /// SigmaHQ tests a whole Name/Value array (`Parameters|contains`): any Name or Value, or the
    /// field itself when Exchange sends it as one string. Wazuh, Splunk and the reference agree.
    @Test func wholeArrayContainsAgreesInWazuhAndSplunk() throws {
        let (generation, ruleSet) = try Self.project()
        let key = "m365_forwarding_anywhere"
        let parameters: [Any?] = [
            nil, [], "-Identity bob -ForwardingSmtpAddress smtp:eve@fabrikam.example", "-Identity bob",
            [["Name": "ForwardingSmtpAddress", "Value": "smtp:eve@contoso.example"]],
            [["Name": "Identity", "Value": "bob"], ["Name": "Notes", "Value": "moved to FABRIKAM.example"]],
            [["Name": "Identity", "Value": "bob"]],
            [["Name": "Identity", "Value": "ForwardingSmtp\"quoted\""]],
            [["Name": "Identity", "Value": "Name ForwardingSmtpX"], ["Name": "Value", "Value": "x"]],
        ]
        var records: [AuditRecord] = []
        for operation in ["Set-Mailbox", "New-InboxRule"] {
            for params in parameters {
                var fields: [String: Any] = ["Operation": operation, "RecordType": 1]
                if let params { fields["Parameters"] = params }
                records.append(try Self.record(fields))
            }
        }
        agree(on: records, keys: [key], generation, ruleSet)
        let search = try #require(generation.splunkSearches.first { $0.key == key }).search
        let evaluator = SigmaEvaluator(generation.detections)
        for record in records {
            let expected = evaluator.matches(generation.detections.rule(key)!, record)
            #expect(try SPLModel.keeps(search, record) == expected, "\(String(decoding: record.data, as: UTF8.self))")
        }
    }

    @Test func cidrListsAndAbsentAddressesAgree() throws {
        let (generation, ruleSet) = try Self.project()
        var records: [AuditRecord] = []
        for ip in [nil, "192.0.2.5", "192.0.2.127", "192.0.2.128", "10.0.0.1", "192.0.2.5:4433", "2001:db8::1"] as [String?] {
            var role: [String: Any] = ["Operation": "Add member to role.", "RecordType": 8, "Workload": "AzureActiveDirectory"]
            if let ip { role["ClientIP"] = ip }
            records.append(try Self.record(role))
            var login: [String: Any] = ["Operation": "UserLoggedIn", "RecordType": 15, "Workload": "AzureActiveDirectory"]
            if let ip { login["ClientIP"] = ip }
            records.append(try Self.record(login))
        }
        records.append(try Self.record(["Operation": "UserLoggedIn", "RecordType": 15, "ClientIP": "203.0.113.5"]))
        records.append(try Self.record(["Operation": "userloggedin", "RecordType": 15, "ClientIP": "203.0.113.5"]))
        records.append(try Self.record(["Operation": "UserLoggedIn", "RecordType": 15, "ClientIP": "203.0.113.50"]))
        agree(on: records, keys: ["persistence_role_member_added_untrusted", "initial_access_known_ip"], generation, ruleSet)
    }

    @Test func actorEntriesAgree() throws {
        let (generation, ruleSet) = try Self.project()
        var records: [AuditRecord] = []
        for actor in [nil, [], [["ID": "Unknown", "Type": 1]], [["ID": "unknown", "Type": 1]], [["ID": "x", "Type": 0], ["ID": "alice@contoso.example", "Type": 5]], [["Type": 5]]] as [[[String: Any]]?] {
            for code in ["IdsLocked", "InvalidUserNameOrPassword"] {
                var fields: [String: Any] = ["Operation": "UserLoginFailed", "RecordType": 15, "LogonError": code, "ClientIP": "203.0.113.9"]
                if let actor { fields["Actor"] = actor }
                records.append(try Self.record(fields))
            }
        }
        agree(on: records, keys: ["credential_access_lockout"], generation, ruleSet)
    }
}
