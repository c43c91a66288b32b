import Foundation
import Testing
import WazuhRuleEngine
@testable import O365KitCore
@testable import O365KitReview

/// `o365kit test`'s core: reading events and expectations, CreationTime order, the pack
/// (native + generated rules), mismatches and the ruleset .ini file.
@Suite struct RuleTestTests {
    /// A built copy of the project and its pack.
    struct Built {
        var project: TestProject
        var generation: Generation
        var pack: RulePack

        init() throws {
            project = try TestProject()
            generation = try #require(try project.build())
            let diagnostics = DiagnosticCollector()
            pack = try #require(RulePack.load(native: project.paths.nativeWazuhRules,
                                              rulesDirectory: project.url("output/wazuh/rules"),
                                              listsDirectory: project.url("output/wazuh/lists"), diagnostics: diagnostics))
            #expect(diagnostics.sorted.isEmpty, "\(diagnostics.sorted)")
        }

        func id(_ key: String) throws -> Int { try #require(generation.lock.rules[key]?.id) }
    }

    static func record(_ operation: String, time: String = "2026-11-30T10:00:00", id: String = UUID().uuidString, recordType: Int = 8, extra: String = "") -> String {
        #"{"CreationTime":"\#(time)","Id":"\#(id)","Operation":"\#(operation)","RecordType":\#(recordType),"UserId":"alice@contoso.example","Workload":"AzureActiveDirectory"\#(extra)}"#
    }

    static func read(_ text: String) -> ([TestEvent], DiagnosticCollector) {
        let diagnostics = DiagnosticCollector()
        return (TestEventReader.read(Data(text.utf8), path: "events.jsonl", diagnostics: diagnostics), diagnostics)
    }

    @Test func creationTimesParseAsUTC() {
        #expect(CreationTime.seconds("1970-01-01T00:00:00") == 0)
        #expect(CreationTime.seconds("2026-11-30T10:00:00") == 1_796_032_800)
        #expect(CreationTime.seconds("2026-11-30T10:00:00.1234567Z") == 1_796_032_800)
        #expect(CreationTime.seconds("2026-11-30T12:00:00+02:00") == 1_796_032_800)
        #expect(CreationTime.seconds("2024-02-29T00:00:00") == 1_709_164_800)
        for bad in ["", "2026-11-30", "2026-13-01T00:00:00", "2026-11-30T10:00:00 x", "30/11/2026 10:00"] {
            #expect(CreationTime.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test func bareAndWrappedLinesAreDetectedPerLine() throws {
        let bare = Self.record("Add member to role.", id: "a")
        let wrapped = #"{"integration":"office365","office365":\#(Self.record("Send", id: "b", recordType: 2))}"#
        let (events, diagnostics) = Self.read(bare + "\n\n" + wrapped + "\n")
        #expect(diagnostics.sorted.isEmpty)
        #expect(events.map(\.line) == [1, 3])
        #expect(events.map { $0.event.field("office365.Id") } == ["a", "b"])
        for event in events {
            #expect(event.event.field("integration") == "office365")
        }
        #expect(events[0].event.field("office365.Operation") == "Add member to role.")
        #expect(events[1].event.field("office365.Operation") == "Send")
        #expect(String(decoding: events[1].wrapped, as: UTF8.self) == wrapped)
    }

    @Test func creationTimeFoundWithoutDecodingAgreesWithTheDecoder() {
        // The reader takes CreationTime by a scan when it can; these lines must end up with
        // the value the json decoder's field lookup gives (first top-level, any case).
        let lines = [
            #"{"Nested":{"CreationTime":"2030-01-01T00:00:00"},"CreationTime":"2026-11-30T10:00:03","Id":"n"}"#,
            #"{"creationtime" : "2026-11-30T10:00:02","CreationTime":"2031-01-01T00:00:00","Id":"l"}"#,
            #"{"Note":"say \"CreationTime\":\"2032-01-01T00:00:00\"","CreationTime":"2026-11-30T10:00:01","Id":"q"}"#,
            #"{"CreationTime":"2026-11-30T10:00:0\u0034","Id":"e"}"#,
            #"{"integration":"office365","office365":{"CreationTime":"2026-11-30T10:00:05","Id":"w"}}"#,
        ]
        let (events, diagnostics) = Self.read(lines.joined(separator: "\n"))
        #expect(diagnostics.sorted.isEmpty)
        #expect(events.map(\.creationTime) == ["2026-11-30T10:00:03", "2026-11-30T10:00:02", "2026-11-30T10:00:01", "2026-11-30T10:00:04", "2026-11-30T10:00:05"])
        for event in events {
            #expect(event.event.field("office365.CreationTime") == event.creationTime)
        }
        // Malformed after the time: caught when the record is decoded for evaluation.
        let (bad, _) = Self.read(#"{"CreationTime":"2026-11-30T10:00:00","Operation":"Send" oops}"#)
        #expect(bad.count == 1)
    }

    @Test func badLinesAreLocatedErrors() {
        let text = [Self.record("Send"), "{\"CreationTime\": ", "[1,2]", #"{"Operation":"Send"}"#, #"{"CreationTime":"yesterday"}"#].joined(separator: "\n")
        let (events, diagnostics) = Self.read(text)
        #expect(events.count == 1)
        let lines = diagnostics.sorted.map { "\($0.location): \($0.severity.rawValue) [\($0.id)]" }
        #expect(lines == ["events.jsonl:2: error [bad-event]", "events.jsonl:3: error [bad-event]",
                          "events.jsonl:4: error [bad-event]", "events.jsonl:5: error [bad-event]"])
        #expect(diagnostics.sorted[0].message.hasPrefix("invalid JSON"))
        #expect(diagnostics.sorted[2].message.contains("no CreationTime"))
    }

    @Test func expectationsAreReadWithLocatedErrors() {
        let text = """
            {"line": 1, "rule": 103004}
            # comment
            {"id": "abc", "rule": 91545, "level": 3}
            {"line": 4, "rule": null}
            {"line": 5, "not": 103004}
            {"line": 6}
            {"line": 1, "id": "x", "rule": 1}
            {"line": 1, "rule": 1, "colour": "red"}
            not json
            {"line": 1, "not": 1, "level": 3}
            """
        let diagnostics = DiagnosticCollector()
        let expectations = TestExpectationReader.read(Data(text.utf8), path: "expect.jsonl", diagnostics: diagnostics)
        #expect(expectations.map(\.selector) == [.line(1), .recordID("abc"), .line(4), .line(5)])
        #expect(expectations.map(\.outcome) == [.rule(103004), .rule(91545), .rule(nil), .not(103004)])
        #expect(expectations[1].level == 3)
        #expect(diagnostics.sorted.map(\.location.line) == [6, 7, 8, 9, 10])
        #expect(diagnostics.sorted.allSatisfy { $0.id == "bad-expectation" })
    }

    @Test func recordsEndAtTheirGeneratedRulesInCreationTimeOrder() throws {
        let built = try Built()
        let role = try built.id("operation:Add member to role.")
        let idsLocked = try built.id("logon-error:IdsLocked")
        let lines = [
            Self.record("Add member to role.", time: "2026-11-30T10:00:05", id: "late"),
            Self.record("UserLoginFailed", time: "2026-11-30T10:00:01", id: "early", recordType: 15, extra: #","LogonError":"IdsLocked""#),
            Self.record("NoSuchOperationAnywhere", time: "2026-11-30T10:00:03", id: "plain"),
        ]
        let (events, readDiagnostics) = Self.read(lines.joined(separator: "\n") + "\n")
        #expect(readDiagnostics.sorted.isEmpty)
        let expectText = """
            {"line": 1, "rule": \(role)}
            {"id": "early", "rule": \(idsLocked), "level": 7}
            {"line": 3, "rule": 91539}
            {"line": 3, "not": 91539}
            {"line": 9, "rule": 1}
            """
        let diagnostics = DiagnosticCollector()
        let expectations = TestExpectationReader.read(Data(expectText.utf8), path: "expect.jsonl", diagnostics: diagnostics)
        let result = RuleTest.run(events, pack: built.pack, expectations: expectations, diagnostics: diagnostics)

        #expect(result.outcomes.map(\.line) == [2, 3, 1], "CreationTime order")
        #expect(result.outcomes.map { $0.alert?.ruleID } == [idsLocked, 91539, role])
        let roleAlert = try #require(result.outcomes[2].alert)
        #expect(roleAlert.mitreIDs == ["T1098.003"])
        #expect(roleAlert.chain.first == 91531)
        #expect(!roleAlert.description.contains("$("), "fields expanded: \(roleAlert.description)")
        #expect(result.mismatches.map(\.expectation.location.line) == [4])
        #expect(result.mismatches.first?.diagnostic(eventsPath: "events.jsonl").message == "events.jsonl:3 (Id plain): expected any rule but 91539, got rule 91539 (level 3)")
        #expect(diagnostics.sorted.map { "\($0.location) [\($0.id)]" } == ["expect.jsonl:5 [unknown-record]"])
        #expect(result.checked == 4)

        let summary = result.summary(pack: built.pack)
        #expect(summary == RuleTest.Summary(records: 3, alerts: 3, generated: 2, native: 1, unmatched: 0, expectations: 4, failed: 1))
        let text = RuleTestReport.text(result, eventsPath: "events.jsonl")
        #expect(text.split(separator: "\n")[2].hasPrefix("events.jsonl:1: rule \(role) (level "))
        #expect(text.contains("[T1098.003]"))
    }

    @Test func frequencyRulesCountRecordsInCreationTimeOrder() throws {
        // Native 91724 counts 91702 (FileDownloaded) matches for one user within 60 s; the
        // file lists them newest first, so they must be sorted before evaluation.
        let built = try Built()
        #expect(built.pack.ruleSet.rule(id: 91724)?.frequency == 100)
        var lines: [String] = []
        for i in (0..<120).reversed() {
            lines.append(Self.record("FileDownloaded", time: String(format: "2026-11-30T10:00:%02d", i / 3), recordType: 6))
        }
        let (events, _) = Self.read(lines.joined(separator: "\n"))
        let result = RuleTest.run(events, pack: built.pack, expectations: [], diagnostics: DiagnosticCollector())
        let ids = result.outcomes.compactMap { $0.alert?.ruleID }
        #expect(ids.count == 120)
        // The pack refines 91702 and carries 91724 over its own rule (rule-map: the row's key).
        let child = try #require(built.pack.ruleSet.rule(id: ids.first!)?.ifSids.first)
        #expect(child == 91702)
        #expect(ids.contains { built.pack.ruleSet.rule(id: $0)?.frequency == 100 && $0 != 91724 })
        #expect(result.outcomes.first?.line == 118, "the three 10:00:00 records come first, in file order")
    }

    @Test func iniFileRecordsExpectationsInWazuhFormat() throws {
        let built = try Built()
        let role = try built.id("operation:Add member to role.")
        let lines = [Self.record("Add member to role.", id: "r"), Self.record("Send", id: "s", recordType: 2)]
        let (events, _) = Self.read(lines.joined(separator: "\n"))
        let expectations = TestExpectationReader.read(Data(#"{"line": 1, "rule": \#(role)}"#.utf8 + Data("\n{\"line\": 2, \"not\": \(role)}\n".utf8)),
                                                      path: "e.jsonl", diagnostics: DiagnosticCollector())
        let result = RuleTest.run(events, pack: built.pack, expectations: expectations, diagnostics: DiagnosticCollector())
        let ini = RulesetTestIni.render(events: events, run: result, expectations: expectations, pack: built.pack, title: "samples.jsonl")
        let level = try #require(built.pack.ruleSet.rule(id: role)?.level)
        #expect(ini.contains("""
            [samples.jsonl line 1 Add member to role.]
            log 1 pass = {"integration":"office365","office365":\(lines[0])}
            rule = \(role)
            alert = \(level)
            decoder = json
            """))
        #expect(ini.contains("[samples.jsonl line 2 Send]\nlog 1 fail = "))
        // Every section parses back with the engine's reader of Wazuh's format.
        let parsed = RulesetTestFile(text: ini)
        #expect(parsed.cases.count == 2)
        #expect(parsed.cases.map(\.expectsMatch) == [true, false])
        #expect(RulesetTestIni.iniName("my samples.jsonl") == "my_samples")
    }
}
