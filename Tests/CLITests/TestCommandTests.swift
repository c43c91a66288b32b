import Foundation
import Testing

/// `o365kit test` end to end: the real executable on a built copy of the project.
@Suite struct TestCommandTests {
    static func ruleID(_ key: String, in root: URL) throws -> Int {
        let lock = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("mappings/rules.lock.json"))) as? [String: Any]
        let rules = try #require(lock?["rules"] as? [String: [String: Any]])
        return try #require(rules[key]?["id"] as? Int)
    }

    static func builtProject() throws -> URL {
        let root = try temporaryProject()
        let build = try run("o365kit", ["build"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        return root
    }

    static let role = #"{"CreationTime":"2026-11-30T10:00:02","Id":"r1","Operation":"Add member to role.","RecordType":8,"UserId":"alice@contoso.example","Workload":"AzureActiveDirectory"}"#
    static let locked = #"{"integration":"office365","office365":{"CreationTime":"2026-11-30T10:00:01","Id":"l1","Operation":"UserLoginFailed","RecordType":15,"LogonError":"IdsLocked","UserId":"bob@contoso.example","Workload":"AzureActiveDirectory"}}"#

    @Test func printsEachRecordsRuleAndPassesExpectations() throws {
        let root = try Self.builtProject()
        let role = try Self.ruleID("operation:Add member to role.", in: root)
        let locked = try Self.ruleID("logon-error:IdsLocked", in: root)
        try Data((Self.role + "\n" + Self.locked + "\n").utf8).write(to: root.appendingPathComponent("events.jsonl"))
        try Data("{\"line\": 1, \"rule\": \(role)}\n{\"id\": \"l1\", \"rule\": \(locked)}\n".utf8).write(to: root.appendingPathComponent("expect.jsonl"))

        let result = try run("o365kit", ["test", "--events", "events.jsonl", "--expect", "expect.jsonl", "--output", "tests"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("events.jsonl:2: rule \(locked) (level "), "CreationTime order: \(lines)")
        #expect(lines[1].hasPrefix("events.jsonl:1: rule \(role) (level "))
        #expect(lines[1].contains("[T1098.003]"))
        #expect(result.stderr.contains("2 record(s): 2 alert(s); 2 at generated rules, 0 at native rules, 0 at no rule; 2 expectation(s), 0 failed"))
        let ini = try String(contentsOf: root.appendingPathComponent("tests/events.ini"), encoding: .utf8)
        #expect(ini.contains("rule = \(role)\n"))
        #expect(ini.contains("log 1 pass = \(Self.locked)\n"))
    }

    @Test func mismatchesAndBadLinesExitOneWithLocations() throws {
        let root = try Self.builtProject()
        try Data((Self.role + "\n{oops\n").utf8).write(to: root.appendingPathComponent("events.jsonl"))
        try Data("{\"line\": 1, \"rule\": 91545}\n{\"line\": 7, \"rule\": 91545}\n".utf8).write(to: root.appendingPathComponent("expect.jsonl"))
        let role = try Self.ruleID("operation:Add member to role.", in: root)

        let result = try run("o365kit", ["test", "--events", "events.jsonl", "--expect", "expect.jsonl"], in: root)
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 3, "\(result.stderr)")
        #expect(errors.contains { $0.hasPrefix("events.jsonl:2: error: invalid JSON") })
        #expect(errors.contains("expect.jsonl:1: error: events.jsonl:1 (Id r1): expected rule 91545, got rule \(role) (level 6) [expectation-failed]"))
        #expect(errors.contains("expect.jsonl:2: error: no record on line 7 of the events file [unknown-record]"))
    }

    /// An expectation naming a rule nobody defines was written to the .ini as "expects no rule".
    @Test func anExpectationOnAnUnknownRuleIsAnError() throws {
        let root = try Self.builtProject()
        try Data((Self.role + "\n").utf8).write(to: root.appendingPathComponent("events.jsonl"))
        try Data("{\"line\": 1, \"rule\": 999999}\n".utf8).write(to: root.appendingPathComponent("expect.jsonl"))
        let result = try run("o365kit", ["test", "--events", "events.jsonl", "--expect", "expect.jsonl", "--output", "tests"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("expect.jsonl:1: error: rule 999999 is defined neither by Wazuh's office365 rules nor by the pack [unknown-rule]"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("tests").path))
    }

    /// An empty events file cost 7.5 s of CPU (the rule set was compiled for nothing).
    @Test func anEmptyEventsFileIsSaidAtOnce() throws {
        let root = try temporaryProject()
        try Data().write(to: root.appendingPathComponent("events.jsonl"))
        let result = try run("o365kit", ["test", "--events", "events.jsonl", "--format", "json"], in: root)
        #expect(result.status == 0)
        #expect(result.stderr.contains("events.jsonl:1:1: warning: the events file holds no records [no-records]"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(report.keys) == ["records", "summary", "mismatches", "diagnostics"])
    }

    @Test func jsonReportListsRecordsAndSummary() throws {
        let root = try Self.builtProject()
        try Data((Self.role + "\n").utf8).write(to: root.appendingPathComponent("events.jsonl"))
        let result = try run("o365kit", ["test", "--events", "events.jsonl", "--format", "json"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let records = try #require(object["records"] as? [[String: Any]])
        #expect(records.first?["id"] as? String == "r1")
        #expect(records.first?["mitre"] as? [String] == ["T1098.003"])
        #expect((records.first?["chain"] as? [Int])?.first == 91531)
        #expect((object["summary"] as? [String: Any])?["generated"] as? Int == 1)
    }

    @Test func missingRulesFolderIsReported() throws {
        let root = try temporaryProject()
        try Data((Self.role + "\n").utf8).write(to: root.appendingPathComponent("events.jsonl"))
        let result = try run("o365kit", ["test", "--events", "events.jsonl"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("output/wazuh/rules: error: no rule files here"))
    }
}

/// Every rule of the committed pack, proven through the command: one record that must
/// reach it and one near miss that must not, taken from `output/wazuh/o365kit-rule-map.csv`.
@Suite struct PackProofTests {
    /// RFC 4180 fields of one line (the rule map quotes names holding commas or quotes).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], field = "", quoted = false, chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(field); field = "" } else { field.append(c) }
            i += 1
        }
        out.append(field)
        return out
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func everyGeneratedRuleIsReachedByItsRecordAndMissedByANearMiss() throws {
        let map = try String(contentsOf: repositoryRoot.appendingPathComponent("output/wazuh/o365kit-rule-map.csv"), encoding: .utf8)
        // A rule under a native RecordType rule (an operation's rule for a louder RecordType it
        // really has) is reached by records of that RecordType only.
        let native = try String(contentsOf: repositoryRoot.appendingPathComponent("mappings/wazuh-native/0755-office365_rules.xml"), encoding: .utf8)
        var recordTypeOfRule: [Int: Int] = [:]
        for m in native.matches(of: /<rule id="(\d+)"[^>]*>\s*<if_sid>91532<\/if_sid>\s*<field name="office365.RecordType"[^>]*>\^(\d+)\$<\/field>/) {
            recordTypeOfRule[Int(m.1)!] = Int(m.2)!
        }
        #expect(recordTypeOfRule[91578] == 50)
        // A carried native correlation (no parent, `if_matched_sid`) needs a run of events.
        let rows = map.split(separator: "\n").dropFirst().map(Self.fields).filter { !$0[7].isEmpty }
        var events: [String] = [], expectations: [String] = []
        for row in rows {
            let (id, level, kind, name) = (try #require(Int(row[0])), try #require(Int(row[1])), row[2], row[3])
            var record: [String: Any] = ["CreationTime": "2026-11-30T10:00:00", "Id": "r\(id)", "UserId": "alice@contoso.example"]
            if kind == "logon-error" {
                record.merge(["Operation": "UserLoginFailed", "RecordType": 15, "LogonError": name]) { $1 }
            } else {
                let recordType = row[7].split(separator: ";").compactMap { Int($0).flatMap { recordTypeOfRule[$0] } }.first ?? 8
                record.merge(["Operation": name, "RecordType": recordType]) { $1 }
            }
            events.append(try Self.json(record))
            expectations.append(try Self.json(["line": events.count, "rule": id, "level": level]))
            record[kind == "logon-error" ? "LogonError" : "Operation"] = name + "x"
            events.append(try Self.json(record))
            expectations.append(try Self.json(["line": events.count, "not": id]))
        }
        #expect(rows.count > 100)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-proof-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data((events.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("pack.jsonl"))
        try Data((expectations.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("pack.expect.jsonl"))

        // The mapping rules alone: a detection rule refining one of them would otherwise be
        // the final match for some of these records.
        let rules = folder.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("output/wazuh/rules/9100-o365kit_mappings.xml"),
                                         to: rules.appendingPathComponent("9100-o365kit_mappings.xml"))
        let result = try run("o365kit", ["test", "--events", folder.appendingPathComponent("pack.jsonl").path,
                                         "--expect", folder.appendingPathComponent("pack.expect.jsonl").path,
                                         "--rules-dir", rules.path, "--output", folder.path], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stderr.prefix(4000))")
        #expect(result.stderr.contains("\(events.count) expectation(s), 0 failed"))
        let ini = try String(contentsOf: folder.appendingPathComponent("pack.ini"), encoding: .utf8)
        #expect(ini.split(separator: "\n").filter { $0.hasPrefix("[") }.count == events.count)
    }

    @Test func newCommandsShowExamplesInHelp() throws {
        for command in [["test", "--help"], ["diff", "--help"], ["deploy", "wazuh", "--help"]] {
            let result = try run("o365kit", command, in: repositoryRoot)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Examples:"), "\(command)")
            #expect(result.stdout.contains("Exit codes"), "\(command)")
        }
    }
}
