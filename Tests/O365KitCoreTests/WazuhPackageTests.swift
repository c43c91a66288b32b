import Foundation
import Testing
import WazuhRuleEngine
@testable import O365KitCore

/// The ruleset test file of the Wazuh package, replayed through the rule engine as Wazuh's
/// runtests.py would replay it through wazuh-logtest.
@Suite struct WazuhPackageTests {
    @Test func everyGeneratedRuleHasACaseThatFiresIt() throws {
        let project = try TestProject()
        let (generation, diagnostics) = project.generate()
        let built = try #require(generation, "\(DiagnosticFormatter.text(diagnostics.sorted))")
        let ini = try #require(built.files.first { $0.path == WazuhPackageFiles.tests }).contents
        let file = RulesetTestFile(text: ini)
        #expect(file.cases.count == built.pack.rules.count)
        // One case per mapping rule; where a detection rule refines that rule, the case expects
        // the detection rule, as the manager reports it.
        #expect(Set(file.cases.compactMap { Int($0.section.split(separator: " ").last ?? "") }) == Set(built.pack.rules.map(\.id)))
        for testCase in file.cases {
            let mapping = try #require(Int(testCase.section.split(separator: " ").last ?? ""))
            let expected = try #require(testCase.rule.flatMap(Int.init))
            if expected != mapping {
                let refining = try #require(built.wazuhDetections.rules.first { $0.id == expected }, "[\(testCase.section)]")
                #expect(refining.parents.contains(mapping))
            }
        }

        var rules: [(path: String, data: Data)] = [("0755-office365_rules.xml", try Data(contentsOf: project.paths.nativeWazuhRules))]
        rules += built.files.filter { $0.path.hasPrefix("wazuh/rules/") }.map { ($0.path, $0.data) }
        let lists = Dictionary(uniqueKeysWithValues: built.files.filter { $0.path.hasPrefix("wazuh/lists/") }.map {
            ("etc/lists/" + $0.path.dropFirst("wazuh/lists/".count), $0.data)
        })
        let ruleSet = try RuleSet(files: rules, lists: lists)
        for testCase in file.cases {
            var evaluator = Evaluator(ruleSet: ruleSet)
            var last: (Alert?, String?) = (nil, nil)
            for line in testCase.events {
                let event = DecodedEvent(json: Data(line.utf8), location: "stdin")
                last = (evaluator.evaluate(event, at: Date(timeIntervalSince1970: 1_700_000_000)), event.decoder)
            }
            let got = [last.0.map { String($0.ruleID) } ?? "", last.0.map { String($0.level) } ?? "", last.1 ?? ""]
            #expect(got == [testCase.rule ?? "", testCase.level ?? "", testCase.decoder ?? ""], "[\(testCase.section)]")
            #expect(testCase.expectsMatch)
        }
    }
}
