import Foundation
import Testing
@testable import WazuhRuleEngine

/// Replays Wazuh's own `office365.ini` against the native office365 rules.
@Suite("Native office365 test cases")
struct NativeTestCasesTests {
    @Test("every case of office365.ini reproduces the expected rule, level and decoder")
    func allCases() throws {
        let ruleSet = try RuleSet(files: [(NativeRuleset.rulesPath, NativeRuleset.rulesData())])
        #expect(ruleSet.rules.count == 128)
        #expect(ruleSet.warnings.isEmpty)
        let file = RulesetTestFile(text: try NativeRuleset.testsText())
        #expect(file.cases.count == 128)
        var passed = 0
        for testCase in file.cases {
            var evaluator = Evaluator(ruleSet: ruleSet)
            var last: (alert: Alert?, decoder: String?)
            last = (nil, nil)
            for (i, line) in testCase.events.enumerated() {
                let event = DecodedEvent(json: Data(line.utf8), location: "stdin")
                last = (evaluator.evaluate(event, at: Date(timeIntervalSince1970: 1_700_000_000 + Double(i))), event.decoder)
            }
            let got = [last.alert.map { String($0.ruleID) } ?? "", last.alert.map { String($0.level) } ?? "", last.decoder ?? ""]
            let want = [testCase.rule ?? "", testCase.level ?? "", testCase.decoder ?? ""]
            #expect((got == want) == testCase.expectsMatch, "[\(testCase.section)] \(testCase.key): expected \(want), got \(got)")
            if (got == want) == testCase.expectsMatch { passed += 1 }
        }
        // 128 cases cover 126 rules: 91700 and 91708 have two cases each; 91531 (level 0)
        // and 91724 (frequency, commented out upstream) have none.
        #expect(passed == 128)
    }
}
