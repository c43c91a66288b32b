import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI
import WazuhRuleEngine

/// The package's own test cases, which deploy replays through the manager's logtest before it
/// reloads: `wazuh/tests/o365kit.ini` (one event each, Wazuh's ruleset-test format) and
/// `wazuh/tests/o365kit-sequences.jsonl` (correlations, several events in one session).
public enum DeployTestCases {
    /// Every case of a build's output folder; none when the package has no tests (the legacy
    /// profile), an error when a file is there but unreadable.
    public static func collect(output: URL) throws(WazuhAPIError) -> [WazuhSequenceCase] {
        var cases: [WazuhSequenceCase] = []
        let ini = output.appendingPathComponent(WazuhPackageFiles.tests)
        if let data = FileManager.default.contents(atPath: ini.path) {
            for testCase in RulesetTestFile(text: String(decoding: data, as: UTF8.self)).cases where testCase.expectsMatch {
                guard let rule = testCase.rule.flatMap(Int.init), let level = testCase.level.flatMap(Int.init), !testCase.events.isEmpty else {
                    throw WazuhAPIError(step: "plan", message: "\(ini.path): [\(testCase.section)] names no rule and level")
                }
                cases.append(WazuhSequenceCase(name: testCase.section, rule: rule, level: level, events: testCase.events))
            }
        }
        let sequences = output.appendingPathComponent(WazuhPackageFiles.sequences)
        if let data = FileManager.default.contents(atPath: sequences.path) {
            let diagnostics = DiagnosticCollector()
            cases += WazuhSequenceCase.read(data, path: sequences.path, diagnostics: diagnostics)
            if let first = diagnostics.sorted.first {
                throw WazuhAPIError(step: "plan", message: "\(first.location): \(first.message)")
            }
        }
        return cases
    }
}
