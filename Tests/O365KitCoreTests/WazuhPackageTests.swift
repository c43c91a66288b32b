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
        // One case per mapping rule; where a detection rule refines that rule, the case expects
        // the detection rule, as the manager reports it. Then one per single-event detection
        // rule, from its samples ("o365kit rule N"), and, for a mapping rule a detection claims,
        // a sample that ends at it where one exists ("o365kit rule N unrefined").
        let sections = file.cases.map(\.section)
        #expect(Set(sections).count == sections.count, "section names are unique")
        let detectionIDs = Set(built.wazuhDetections.rules.map(\.id))
        let named = Set(sections.compactMap { $0.firstMatch(of: /^o365kit rule (\d+)$/).map { Int($0.1)! } })
        // A carried native correlation needs a run of events (RealEngineTests replays one).
        let single = built.pack.rules.filter { $0.correlation == nil }.map(\.id)
        #expect(named == Set(single).union(detectionIDs.subtracting(built.wazuhSequenceCases.map(\.rule))))
        for testCase in file.cases where !testCase.section.hasSuffix("unrefined") {
            let section = try #require(Int(testCase.section.split(separator: " ").last ?? ""))
            let expected = try #require(testCase.rule.flatMap(Int.init))
            if expected != section {
                let refining = try #require(built.wazuhDetections.rules.first { $0.id == expected }, "[\(testCase.section)]")
                #expect(refining.parents.contains(section))
            }
        }
        #expect(built.wazuhSequenceCases.count == built.wazuhDetections.rules.filter { $0.elements.contains { $0.tag == "if_matched_sid" } }.count)

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
        // The correlation cases, each in one session.
        for sequence in built.wazuhSequenceCases {
            var evaluator = Evaluator(ruleSet: ruleSet)
            let last = sequence.events.map { evaluator.evaluate(DecodedEvent(json: Data($0.utf8)), at: Date(timeIntervalSince1970: 1_700_000_000)) }.last
            #expect(last??.ruleID == sequence.rule && last??.level == sequence.level, "\(sequence.name)")
        }
    }
}
