import Foundation
import Testing
@testable import WazuhRuleEngine

@Suite("RuleSet tree")
struct RuleSetTests {
    private func native() throws -> (String, Data) { (NativeRuleset.rulesPath, try NativeRuleset.rulesData()) }

    @Test("the native tree: 91531 is the only root; 91532 and 91648 hang under it")
    func nativeShape() throws {
        let set = try RuleSet(files: [native()])
        #expect(set.rootIDs == [91531])
        #expect(set.childIDs(of: 91531) == [91532, 91648])
        #expect(set.childIDs(of: 91702) == [91724])
        #expect(set.childIDs(of: 91705) == [91725])
    }

    @Test("if_group attaches under every rule of the group; if_level under rules of that level or more")
    func groupsAndLevels() throws {
        let set = try RuleSet(files: [native(), ("g.xml", Data("""
            <group name="g,">
              <rule id="100300" level="3"><if_group>ThreatIntelligence</if_group><description>under 91556</description></rule>
              <rule id="100301" level="3"><if_level>14</if_level><description>under level 14+</description></rule>
              <rule id="100302" level="3"><if_group>NoSuchGroup</if_group><description>orphan</description></rule>
            </group>
            """.utf8))])
        #expect(set.childIDs(of: 91556).contains(100300))
        #expect(set.childIDs(of: 91700).contains(100301))
        #expect(set.childIDs(of: 91531).contains(100301))  // level 0 is stored as 99
        #expect(set.rule(id: 100302) == nil)
        #expect(set.warnings.contains { $0.message.hasPrefix("(7610)") })
    }

    @Test("overwrite replaces the body but keeps the parents and the position")
    func overwrite() throws {
        let set = try RuleSet(files: [native(), ("o.xml", Data("""
            <group name="office365,">
              <rule id="91545" level="7" overwrite="yes"><if_sid>91531</if_sid><field name="office365.RecordType" type="osregex">^15$</field><description>louder</description></rule>
            </group>
            """.utf8))])
        #expect(set.rule(id: 91545)?.level == 7)
        #expect(set.rule(id: 91545)?.ifSids == [91532])
        #expect(set.warnings.first?.message.hasPrefix("(7605)") == true)
        var evaluator = Evaluator(ruleSet: set)
        let alert = evaluator.evaluate(DecodedEvent(json: Data(#"{"integration":"office365","office365":{"RecordType":15}}"#.utf8)),
                                       at: Date(timeIntervalSince1970: 0))
        #expect(alert?.chain == [91531, 91532, 91545])
        #expect(alert?.description == "louder")
    }

    @Test("fatal problems of any file are reported with their path and line")
    func fatalAcrossFiles() throws {
        let nativeFile = try native()
        do {
            _ = try RuleSet(files: [nativeFile, ("generated/bad.xml", Data("""
                <group name="g,">
                  <rule id="100400" level="3">
                    <if_sid>91532</if_sid>
                    <field name="office365.Operation">^New\\-InboxRule$</field>
                    <description>bad escape</description>
                  </rule>
                </group>
                """.utf8))])
            Issue.record("expected a RuleLoadError")
        } catch {
            #expect(error.errors.map(\.description) == [
                "generated/bad.xml:4: error: (5107) syntax error on tag 'field' in rule '100400': unknown escape '\\-'",
            ])
        }
    }
}
