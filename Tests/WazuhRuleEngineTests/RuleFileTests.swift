import Foundation
import Testing
@testable import WazuhRuleEngine

@Suite("Rule file parsing")
struct RuleFileTests {
    private func parse(_ xml: String) throws -> RuleFile {
        try RuleFile(data: Data(xml.utf8), path: "test.xml")
    }

    private func errors(_ xml: String) -> [String] {
        do {
            _ = try parse(xml)
            return []
        } catch {
            return (error as? RuleLoadError)?.errors.map(\.description) ?? ["\(error)"]
        }
    }

    @Test("the native office365 file has 128 rules")
    func native() throws {
        let file = try RuleFile(data: NativeRuleset.rulesData(), path: NativeRuleset.rulesPath)
        #expect(file.rules.count == 128)
        #expect(file.warnings.isEmpty)
        let r91531 = try #require(file.rules.first { $0.id == 91531 })
        #expect(r91531.level == 0)
        #expect(r91531.decodedAs == "json")
        #expect(r91531.fields.first?.name == "integration")
        #expect(r91531.fields.first?.type == .osregex)
        #expect(r91531.options == ["no_full_log"])
        #expect(r91531.groups == ["office365"])
        #expect(r91531.source.line == 15)
        let r91724 = try #require(file.rules.first { $0.id == 91724 })
        #expect(r91724.frequency == 100 && r91724.timeframe == 60 && r91724.ignore == 30)
        #expect(r91724.ifMatchedSid == 91702 && r91724.ifSids == [91702])
        #expect(r91724.sameFields == ["office365.UserId"])
        #expect(r91724.mitreIDs == ["T1213.002"])
        #expect(r91724.groups == ["office365", "OneDrive", "SharePoint"])
        let r91725 = try #require(file.rules.first { $0.id == 91725 })
        #expect(r91725.fields.first?.type == .pcre2)
    }

    @Test("text is verbatim: entities are not decoded, raw & and \\< are accepted")
    func verbatim() throws {
        let file = try parse("""
            <group name="g,">
              <rule id="100001" level="5">
                <field name="a">^x&amp;y&z\\<$</field>
                <description>d &lt; $(a)
            second line
            third</description>
              </rule>
            </group>
            """)
        let rule = try #require(file.rules.first)
        #expect(rule.fields[0].pattern.pattern == "^x&amp;y&z\\<$")
        #expect(rule.description == "d &lt; $(a) second line\nthird")
    }

    @Test("XML declarations and CDATA are fatal")
    func declarations() {
        #expect(errors("<?xml version=\"1.0\"?>\n<group name=\"g,\"><rule id=\"1\" level=\"1\"><description>d</description></rule></group>")
            .first?.hasPrefix("test.xml:1: error: XML declarations") == true)
        #expect(!errors("<group name=\"g,\">\n<rule id=\"1\" level=\"1\"><description><![CDATA[x]]></description></rule></group>").isEmpty)
    }

    @Test("fatal constructs are located at their rule")
    func fatal() {
        let xml = """
            <group name="g,">
              <rule id="100001" level="5">
                <field name="office365.Operation">^Add\\+$</field>
                <description>d</description>
              </rule>
              <rule id="100002" level="17">
                <description>d</description>
              </rule>
              <rule id="100003" level="3" foo="1">
                <description>d</description>
              </rule>
              <rule id="100004" level="3">
                <field name="a">x</field>
              </rule>
              <rule id="100005" level="3">
                <bogus>x</bogus>
                <description>d</description>
              </rule>
              <rule id="100006" level="3">
                <options>nope</options>
                <description>d</description>
              </rule>
              <rule id="100007" level="3" frequency="5">
                <description>d</description>
              </rule>
              <rule id="100008" level="3">
                <field name="srcip">x</field>
                <description>d</description>
              </rule>
            </group>
            """
        let found = errors(xml)
        #expect(found.count == 8)
        #expect(found[0].hasPrefix("test.xml:3: error: (5107)"))
        #expect(found[1].hasPrefix("test.xml:6: error: invalid level"))
        #expect(found[2].hasPrefix("test.xml:9: error: invalid attribute 'foo'"))
        #expect(found[3].hasPrefix("test.xml:12: error: no description"))
        #expect(found[4].hasPrefix("test.xml:16: error: invalid option 'bogus'"))
        #expect(found[5].hasPrefix("test.xml:20: error: invalid option 'nope'"))
        #expect(found[6].hasPrefix("test.xml:23: error: invalid use of frequency"))
        #expect(found[7].hasPrefix("test.xml:27: error: field name 'srcip'"))
    }

    @Test("bad roots and groups are fatal")
    func roots() {
        #expect(!errors("<rule id=\"1\" level=\"1\"><description>d</description></rule>").isEmpty)
        #expect(!errors("<group name=\"g,\" x=\"y\"><rule id=\"1\" level=\"1\"><description>d</description></rule></group>").isEmpty)
        #expect(!errors("<group name=\"g,\"></group>").isEmpty)
        #expect(!errors("<group name=\"g,\"><rule id=\"1\" level=\"1\"><description>d</description></rule>").isEmpty)
    }

    @Test("soft problems are warnings")
    func warnings() throws {
        let file = try parse("""
            <group name="g,">
              <rule id="100001" level="5" noalert="yes">
                <field name="a" type="glob" negate="maybe">x</field>
                <description>d</description>
              </rule>
            </group>
            """)
        #expect(file.warnings.count == 3)
        #expect(file.rules[0].fields[0].type == .osregex)
        #expect(file.rules[0].fields[0].negate == false)
    }

    @Test("variables are substituted only when the file defines them")
    func variables() throws {
        let file = try parse("""
            <var name="OPS">^Send$|^SendAs$</var>
            <group name="g,">
              <rule id="100001" level="5">
                <field name="office365.Operation">$OPS</field>
                <description>$(office365.UserId) sent</description>
              </rule>
            </group>
            """)
        #expect(file.rules[0].fields[0].pattern.pattern == "^Send$|^SendAs$")
        #expect(file.rules[0].description == "$(office365.UserId) sent")
        #expect(!errors("<var name=\"A\">x</var><group name=\"g,\"><rule id=\"1\" level=\"1\"><field name=\"f\">$B</field><description>d</description></rule></group>").isEmpty)
    }
}
