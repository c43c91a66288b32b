import Foundation
import Testing
@testable import WazuhRuleEngine

/// The sibling index must never change which rule wins, only how many are tried.
@Suite("Sibling dispatch")
struct SiblingDispatchTests {
    @Test("indexed and unindexed children keep their level order")
    func order() throws {
        var xml = "<group name=\"t,\">\n"
        // Interleave literal (indexed) and pattern (unindexed) children at several levels.
        xml += "<rule id=\"100200\" level=\"9\"><if_sid>91532</if_sid><field name=\"office365.Operation\">^Alpha$</field><description>9 alpha</description></rule>\n"
        xml += "<rule id=\"100201\" level=\"8\"><if_sid>91532</if_sid><field name=\"office365.Operation\" type=\"pcre2\">^Al</field><description>8 al*</description></rule>\n"
        xml += "<rule id=\"100202\" level=\"8\"><if_sid>91532</if_sid><field name=\"office365.Operation\">^ALPHA2$</field><description>8 alpha2</description></rule>\n"
        xml += "<rule id=\"100203\" level=\"7\"><if_sid>91532</if_sid><field name=\"office365.Workload\">^Beta$</field><field name=\"office365.Operation\">^Gamma$</field><description>7 beta gamma</description></rule>\n"
        xml += "<rule id=\"100204\" level=\"7\"><if_sid>91532</if_sid><field name=\"office365.Operation\" negate=\"yes\">^Gamma$</field><field name=\"office365.Workload\">^Beta$</field><description>7 beta not gamma</description></rule>\n"
        xml += "<rule id=\"100205\" level=\"6\"><if_sid>91532</if_sid><field name=\"office365.Operation\">^Gamma$</field><description>6 gamma</description></rule>\n"
        xml += "</group>\n"
        let set = try RuleSet(files: [(NativeRuleset.rulesPath, NativeRuleset.rulesData()), ("t.xml", Data(xml.utf8))])
        func winner(_ record: String) -> Int? {
            var evaluator = Evaluator(ruleSet: set)
            return evaluator.evaluate(DecodedEvent(json: DecodedEvent.wrapping(record: Data(record.utf8))),
                                      at: Date(timeIntervalSince1970: 0))?.ruleID
        }
        #expect(winner(#"{"RecordType":0,"Operation":"alpha"}"#) == 100200)
        #expect(winner(#"{"RecordType":0,"Operation":"Alpha2"}"#) == 100201)  // pcre2 level 8 loaded first
        #expect(winner(#"{"RecordType":0,"Operation":"alpha2"}"#) == 100202)  // pcre2 is case-sensitive
        #expect(winner(#"{"RecordType":0,"Operation":"Gamma","Workload":"Beta"}"#) == 100203)
        #expect(winner(#"{"RecordType":0,"Operation":"Delta","Workload":"beta"}"#) == 100204)
        #expect(winner(#"{"RecordType":0,"Operation":"GAMMA","Workload":"Other"}"#) == 100205)
        #expect(winner(#"{"RecordType":0,"Operation":"FileMalwareDetected"}"#) == 91700)
        #expect(winner(#"{"RecordType":15,"Operation":"Zeta"}"#) == 91545)
        #expect(winner(#"{"RecordType":"15","Operation":"Zeta"}"#) == 91545)
    }
}
