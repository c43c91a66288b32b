import Foundation
import Testing
@testable import WazuhRuleEngine

@Suite("Evaluator")
struct EvaluatorTests {
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    private func ruleSet(_ generated: String, lists: [String: Data] = [:]) throws -> RuleSet {
        try RuleSet(files: [(NativeRuleset.rulesPath, NativeRuleset.rulesData()),
                            ("generated.xml", Data(generated.utf8))], lists: lists)
    }

    private func event(_ record: String) -> DecodedEvent {
        DecodedEvent(json: DecodedEvent.wrapping(record: Data(record.utf8)))
    }

    private func evaluate(_ set: RuleSet, _ record: String) -> Alert? {
        var evaluator = Evaluator(ruleSet: set)
        return evaluator.evaluate(event(record), at: t0)
    }

    private static let loginFailed = #"{"RecordType":15,"Workload":"AzureActiveDirectory","Operation":"UserLoginFailed","UserId":"a@b.c","LogonError":"IdsLocked"}"#

    @Test("siblings are ordered by level, level 0 first, equal levels in load order")
    func ordering() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100100" level="3"><if_sid>91532</if_sid><field name="office365.Operation">^UserLoginFailed$</field><description>l3</description></rule>
              <rule id="100101" level="0"><if_sid>91532</if_sid><field name="office365.Operation">^Nothing$</field><description>l0</description></rule>
            </group>
            """)
        let children = set.childIDs(of: 91532)
        #expect(children.first == 100101)
        #expect(children.firstIndex(of: 100100)! > children.firstIndex(of: 91545)!)
        #expect(children.firstIndex(of: 91700)! < children.firstIndex(of: 91545)!)  // 14 before 3
    }

    @Test("a level-3 child of 91532 never fires for a RecordType the native rules cover")
    func levelThreeLoses() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100100" level="3"><if_sid>91532</if_sid><field name="office365.Operation">^UserLoginFailed$</field><description>mine</description></rule>
            </group>
            """)
        let alert = try #require(evaluate(set, Self.loginFailed))
        #expect(alert.ruleID == 91545)
        #expect(alert.chain == [91531, 91532, 91545])
        // An uncovered RecordType reaches it.
        #expect(evaluate(set, #"{"RecordType":9999,"Operation":"UserLoginFailed"}"#)?.ruleID == 100100)
    }

    @Test("a level-4 child of 91531 pre-empts the native chain; a child of 91545 extends it")
    func preemption() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100101" level="5"><if_sid>91531</if_sid><field name="office365.Operation">^UserLoginFailed$</field><field name="office365.LogonError">^IdsLocked$</field><description>locked $(office365.UserId)$(office365.Missing)</description><mitre><id>T1110</id></mitre></rule>
              <rule id="100102" level="3"><if_sid>91545</if_sid><field name="office365.LogonError">^InvalidPassword$</field><description>bad password</description></rule>
            </group>
            """)
        let locked = try #require(evaluate(set, Self.loginFailed))
        #expect(locked.ruleID == 100101)
        #expect(locked.chain == [91531, 100101])
        #expect(locked.description == "locked a@b.c")
        #expect(locked.mitreIDs == ["T1110"])
        #expect(locked.groups == ["o365kit"])
        let wrong = try #require(evaluate(set, #"{"RecordType":15,"Operation":"UserLoginFailed","LogonError":"InvalidPassword"}"#))
        #expect(wrong.chain == [91531, 91532, 91545, 100102])
    }

    @Test("a negated condition on a missing field does not match")
    func negationWithMissingField() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100103" level="6"><if_sid>91545</if_sid><field name="office365.LogonError" negate="yes">^IdsLocked$</field><description>other error</description></rule>
            </group>
            """)
        #expect(evaluate(set, #"{"RecordType":15,"Operation":"UserLoginFailed"}"#)?.ruleID == 91545)
        #expect(evaluate(set, Self.loginFailed)?.ruleID == 91545)
        #expect(evaluate(set, #"{"RecordType":15,"LogonError":"Other"}"#)?.ruleID == 100103)
    }

    @Test("91724 fires on the 100th download by one user within 60 s, then resets")
    func nativeFrequency() throws {
        let set = try RuleSet(files: [(NativeRuleset.rulesPath, NativeRuleset.rulesData())])
        var evaluator = Evaluator(ruleSet: set)
        let download = #"{"RecordType":6,"Operation":"FileDownloaded","UserId":"u1"}"#
        var ids: [Int] = []
        for i in 0..<100 {
            ids.append(evaluator.evaluate(event(download), at: t0.addingTimeInterval(Double(i) * 0.5))?.ruleID ?? 0)
        }
        #expect(ids.dropLast().allSatisfy { $0 == 91702 })
        #expect(ids.last == 91724)
        // Right after, the counted events are spent.
        #expect(evaluator.evaluate(event(download), at: t0.addingTimeInterval(50))?.ruleID == 91702)
        // Another user's downloads do not count towards u1.
        var other = Evaluator(ruleSet: set)
        for i in 0..<99 {
            _ = other.evaluate(event(#"{"RecordType":6,"Operation":"FileDownloaded","UserId":"u\#(i % 2)"}"#), at: t0)
        }
        #expect(other.evaluate(event(download), at: t0)?.ruleID == 91702)
    }

    @Test("frequency, timeframe, same_field and different_field")
    func correlation() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100110" level="4"><if_sid>91545</if_sid><field name="office365.Operation">^UserLoginFailed$</field><description>failed</description></rule>
              <rule id="100111" level="10" frequency="3" timeframe="60"><if_matched_sid>100110</if_matched_sid><same_field>office365.UserId</same_field><different_field>office365.ClientIP</different_field><description>spray on $(office365.UserId)</description></rule>
            </group>
            """)
        var evaluator = Evaluator(ruleSet: set)
        func fail(_ user: String, _ ip: String, _ dt: Double) -> Int? {
            evaluator.evaluate(event(#"{"RecordType":15,"Operation":"UserLoginFailed","UserId":"\#(user)","ClientIP":"\#(ip)"}"#),
                               at: t0.addingTimeInterval(dt))?.ruleID
        }
        #expect(fail("a", "1", 0) == 100110)
        #expect(fail("a", "1", 1) == 100110)  // same IP: not counted against itself
        #expect(fail("b", "2", 2) == 100110)  // other user
        #expect(fail("a", "3", 3) == 100111)  // a@1 (x2, one differs from 3) + current = 3
        #expect(fail("a", "4", 100) == 100110)  // everything earlier is outside 60 s

        // A missing different_field value never counts as shared.
        var fresh = Evaluator(ruleSet: set)
        func noIP(_ dt: Double) -> Int? {
            fresh.evaluate(event(#"{"RecordType":15,"Operation":"UserLoginFailed","UserId":"c"}"#), at: t0.addingTimeInterval(dt))?.ruleID
        }
        #expect(noIP(0) == 100110)
        #expect(noIP(1) == 100110)
        #expect(noIP(2) == 100111)
        #expect(noIP(3) == 100110)  // the newest counted event was spent by the alert
    }

    @Test("a sequence is evaluated in order with shared state")
    func sequence() throws {
        let set = try RuleSet(files: [(NativeRuleset.rulesPath, NativeRuleset.rulesData())])
        var evaluator = Evaluator(ruleSet: set)
        let results = evaluator.evaluate([
            (event: DecodedEvent(auditRecord: Data(#"{"RecordType":15}"#.utf8)), time: t0),
            (event: DecodedEvent(auditRecord: Data(#"{"Operation":"Send"}"#.utf8)), time: t0),
            (event: DecodedEvent(json: Data("not json".utf8)), time: t0),
        ])
        #expect(results.map { $0?.ruleID } == [91545, 91531, nil])
        #expect(results[1]?.generatesAlert == false)  // level 0
    }

    @Test("noalert falls through to the next sibling")
    func noalert() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100120" level="8" noalert="1"><if_sid>91531</if_sid><field name="office365.Operation">^UserLoginFailed$</field><description>silent</description></rule>
            </group>
            """)
        #expect(evaluate(set, Self.loginFailed)?.chain == [91531, 91532, 91545])
    }

    @Test("ignore suppresses repeats within the window")
    func ignore() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100130" level="7" ignore="10"><if_sid>91545</if_sid><field name="office365.LogonError">^IdsLocked$</field><description>locked</description></rule>
            </group>
            """)
        var evaluator = Evaluator(ruleSet: set)
        let a = evaluator.evaluate(event(Self.loginFailed), at: t0)
        let b = evaluator.evaluate(event(Self.loginFailed), at: t0.addingTimeInterval(5))
        let c = evaluator.evaluate(event(Self.loginFailed), at: t0.addingTimeInterval(11))
        #expect(a?.ruleID == 100130 && a?.generatesAlert == true)
        #expect(b?.ruleID == 100130 && b?.generatesAlert == false)
        #expect(c?.generatesAlert == true)
    }

    @Test("CDB list lookups")
    func lists() throws {
        let list = Data("10.0.0.:internal\nadmin@b.c:\n\"a:b\":quoted\nno colon line\n".utf8)
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="100140" level="9"><if_sid>91545</if_sid><list field="office365.UserId" lookup="match_key">etc/lists/admins</list><description>admin</description></rule>
              <rule id="100141" level="8"><if_sid>91545</if_sid><list field="office365.ClientIP" lookup="not_address_match_key">etc/lists/admins</list><description>external</description></rule>
              <rule id="100142" level="7"><if_sid>91545</if_sid><list field="office365.ClientIP" lookup="match_key_value" check_value="^internal$">etc/lists/admins</list><description>internal</description></rule>
              <rule id="100144" level="6"><if_sid>91545</if_sid><list field="office365.ClientIP" lookup="address_match_key_value" check_value="^internal$">etc/lists/admins</list><description>inverted by analysisd</description></rule>
              <rule id="100143" level="12"><if_sid>91545</if_sid><list field="office365.UserId" lookup="match_key">etc/lists/missing</list><description>never loaded</description></rule>
            </group>
            """, lists: ["etc/lists/admins": list])
        #expect(set.rule(id: 100143) == nil)
        #expect(set.warnings.contains { $0.message.hasPrefix("(7616)") })
        #expect(evaluate(set, #"{"RecordType":15,"UserId":"admin@b.c","ClientIP":"10.0.0.5"}"#)?.ruleID == 100140)
        #expect(evaluate(set, #"{"RecordType":15,"UserId":"x@b.c","ClientIP":"8.8.8.8"}"#)?.ruleID == 100141)
        #expect(evaluate(set, #"{"RecordType":15,"UserId":"x@b.c","ClientIP":"10.0.0."}"#)?.ruleID == 100142)
        // address_match_key_value holds when the value does NOT pass check_value (analysisd quirk).
        #expect(evaluate(set, #"{"RecordType":15,"UserId":"x@b.c","ClientIP":"10.0.0.5"}"#)?.ruleID == 91545)
        #expect(evaluate(set, #"{"RecordType":15,"UserId":"x@b.c"}"#)?.ruleID == 91545)
    }

    @Test("a list on a static field reads the json decoder's static keys")
    func staticList() throws {
        let set = try RuleSet(files: [("s.xml", Data("""
            <group name="s,">
              <rule id="100170" level="5"><decoded_as>json</decoded_as><list field="srcip" lookup="address_match_key">etc/lists/bad</list><description>bad ip</description></rule>
            </group>
            """.utf8))], lists: ["etc/lists/bad": Data("192.0.2.:\n".utf8)])
        var evaluator = Evaluator(ruleSet: set)
        #expect(evaluator.evaluate(DecodedEvent(json: Data(#"{"srcip":"192.0.2.7"}"#.utf8)), at: t0)?.ruleID == 100170)
        #expect(evaluator.evaluate(DecodedEvent(json: Data(#"{"srcip":"198.51.100.1"}"#.utf8)), at: t0) == nil)
        #expect(evaluator.evaluate(DecodedEvent(json: Data(#"{"x":{"srcip":"192.0.2.7"}}"#.utf8)), at: t0) == nil)
    }

    @Test("duplicate ids and unknown parents are warnings, and the rule is skipped")
    func loadWarnings() throws {
        let set = try ruleSet("""
            <group name="o365kit,">
              <rule id="91545" level="12"><if_sid>91532</if_sid><description>dup</description></rule>
              <rule id="100150" level="5"><if_sid>123456</if_sid><description>orphan</description></rule>
              <rule id="100151" level="5"><if_sid>123456, 91545</if_sid><match>UserLoginFailed</match><description>half orphan</description></rule>
            </group>
            """)
        #expect(set.rule(id: 91545)?.level == 3)
        #expect(set.rule(id: 100150) == nil)
        #expect(set.rule(id: 100151) != nil)
        #expect(set.warnings.map { String($0.message.prefix(6)) } == ["(7612)", "(7617)", "(7619)", "(7617)"])
        #expect(set.warnings[0].description.hasPrefix("generated.xml:2: warning:"))
        #expect(evaluate(set, Self.loginFailed)?.ruleID == 100151)
    }

    @Test("decoded_as and location")
    func decodedAsAndLocation() throws {
        let set = try RuleSet(files: [("x.xml", Data("""
            <group name="x,">
              <rule id="100160" level="3"><decoded_as>json</decoded_as><location>^office365$</location><description>json</description></rule>
            </group>
            """.utf8))])
        var evaluator = Evaluator(ruleSet: set)
        #expect(evaluator.evaluate(DecodedEvent(json: Data("{\"a\":1}".utf8), location: "office365"), at: t0)?.ruleID == 100160)
        #expect(evaluator.evaluate(DecodedEvent(json: Data("{\"a\":1}".utf8), location: "stdin"), at: t0) == nil)
        #expect(evaluator.evaluate(DecodedEvent(json: Data("text".utf8), location: "office365"), at: t0) == nil)
    }
}

@Suite("CDB lists")
struct CDBListTests {
    @Test("parsing and address prefixes")
    func parsing() {
        let list = CDBList(data: Data("192.168.:lan\n10.1.2.3:host\r\n\"a:b\":\"c:d\"\nplain:\nnocolon\nplain:second\n".utf8))
        #expect(list.value(for: "a:b") == "c:d")
        #expect(list.value(for: "plain") == "")
        #expect(list.value(for: "nocolon") == nil)
        #expect(list.value(forAddress: "10.1.2.3") == "host")
        #expect(list.value(forAddress: "192.168.7.9") == "lan")
        #expect(list.value(forAddress: "192.169.7.9") == nil)
        #expect(list.value(forAddress: "fe80::1") == nil)
    }
}

@Suite("analysisd's event memory and file order")
struct EventMemoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let rules = """
        <group name="m,">
          <rule id="100200" level="3"><decoded_as>json</decoded_as><field name="kind">base</field><description>base</description></rule>
          <rule id="100201" level="3"><decoded_as>json</decoded_as><field name="kind">other</field><description>other</description></rule>
          <rule id="100202" level="10" frequency="2" timeframe="3600"><if_matched_sid>100200</if_matched_sid><description>two bases</description></rule>
        </group>
        """

    /// Wazuh keeps the newest `memory_size` alerts (at least 2048); a correlation cannot count
    /// an event the memory has dropped, however recent.
    @Test("a correlation does not see an event the memory has forgotten")
    func forgotten() throws {
        let set = try RuleSet(files: [("m.xml", Data(Self.rules.utf8))])
        let base = DecodedEvent(json: Data(#"{"kind":"base"}"#.utf8)), other = DecodedEvent(json: Data(#"{"kind":"other"}"#.utf8))
        for (fillers, fires) in [(2047, true), (2048, false)] {
            var evaluator = Evaluator(ruleSet: set, memorySize: 2048)
            #expect(evaluator.evaluate(base, at: Self.t0)?.ruleID == 100200)
            for _ in 0..<fillers { _ = evaluator.evaluate(other, at: Self.t0) }
            // Matching happens before the event is remembered; the 2049th remembered event (the
            // 2048th filler) pushes out the ten oldest, the first base among them.
            #expect((evaluator.evaluate(base, at: Self.t0)?.ruleID == 100202) == fires, "after \(fillers) other alerts")
        }
    }

    @Test("rule files load sorted by file name, whatever their folder")
    func fileOrder() throws {
        let parent = ("ruleset/rules/0500-parent.xml", Data(#"<group name="p,"><rule id="100300" level="3"><decoded_as>json</decoded_as><description>p</description></rule></group>"#.utf8))
        let early = ("etc/rules/0100-child.xml", Data(#"<group name="c,"><rule id="100301" level="5"><if_sid>100300</if_sid><description>c</description></rule></group>"#.utf8))
        let late = ("etc/rules/0900-child.xml", early.1)
        let dropped = try RuleSet(files: [parent, early])
        #expect(dropped.rule(id: 100301) == nil)
        #expect(dropped.warnings.map { String($0.message.prefix(6)) } == ["(7617)", "(7619)"])
        let loaded = try RuleSet(files: [late, parent])
        #expect(loaded.rule(id: 100301) != nil)
        #expect(loaded.warnings.isEmpty)
        #expect(RuleSet.loadOrder(["b/x", "a/y", "c/x"], path: { $0 }) == ["b/x", "c/x", "a/y"])
    }
}
