import Foundation
import WazuhRuleEngine

/// One event that must end at `rule` in a fresh logtest session (an `.ini` section).
struct WazuhSingleCase {
    /// The `.ini` section name.
    var name: String
    var rule: Int
    var level: Int
    /// The event as the office365 module sends it.
    var event: Data
    var comment: String
}

/// Test cases for the detection rules, from each detection's positive samples
/// (`samples/<key>/positive.jsonl` in the first detection folder that has them): for a single-event rule the first
/// sample that ends at it in a fresh session; for a correlation its whole positive sequence in
/// one session, ending at the correlation. What "ends at" means is computed with
/// `WazuhRuleEngine`; the test suite then proves every case in Wazuh's own engine.
///
/// A rule no sample ends at gets a `wazuh-tests` warning naming the samples file.
func detectionTestCases(_ detectionPack: WazuhDetectionPack, detections: DetectionSet, model: RuleSet?, samples folders: [URL],
                        diagnostics: DiagnosticCollector) -> (single: [WazuhSingleCase], sequences: [WazuhSequenceCase]) {
    guard let model, !detectionPack.rules.isEmpty else { return ([], []) }
    var single: [WazuhSingleCase] = []
    var sequences: [WazuhSequenceCase] = []
    let byDetection = Dictionary(grouping: detectionPack.rules, by: \.detection)
    // Logtest stamps every event with the time it arrives; a sequence arrives at once.
    let now = Date(timeIntervalSince1970: 0)
    for key in byDetection.keys.sorted() {
        let rules = byDetection[key]!
        // The first detection folder with samples for the key; the project's when none has.
        let candidates = folders.map { $0.appendingPathComponent(key).appendingPathComponent("positive.jsonl") }
        let file = candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
        let events = readSampleRecords(file).map { DecodedEvent.wrapping(record: $0) }
        var covered: Set<Int> = []
        if case .correlation? = detections.rule(key)?.body {
            var evaluator = Evaluator(ruleSet: model)
            var last: Alert?
            for event in events { last = evaluator.evaluate(DecodedEvent(json: event), at: now) }
            if let last, let rule = rules.first(where: { $0.id == last.ruleID }) {
                sequences.append(WazuhSequenceCase(name: "\(key) (\(events.count) events)", rule: rule.id, level: last.level,
                                                   events: events.map { String(decoding: $0, as: UTF8.self) }))
                covered.insert(rule.id)
            }
        } else {
            for (index, event) in events.enumerated() {
                var evaluator = Evaluator(ruleSet: model)
                guard let alert = evaluator.evaluate(DecodedEvent(json: event), at: now),
                      rules.contains(where: { $0.id == alert.ruleID }), covered.insert(alert.ruleID).inserted else { continue }
                single.append(WazuhSingleCase(name: "o365kit rule \(alert.ruleID)", rule: alert.ruleID, level: alert.level, event: event,
                                              comment: "detection \(key), sample \(index + 1) of samples/\(key)/positive.jsonl"))
            }
        }
        for rule in rules where !covered.contains(rule.id) {
            diagnostics.emit(.warning("wazuh-tests", "no positive sample of \(key) ends at Wazuh rule \(rule.id), so the package has no test case for it; add one",
                                      at: SourceLocation(path: displayPath(file))))
        }
    }
    return (single.sorted { $0.rule < $1.rule }, sequences.sorted { $0.rule < $1.rule })
}

/// The records of a samples file, one per non-empty line; none when it does not exist.
func readSampleRecords(_ url: URL) -> [Data] {
    guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
    return data.split(separator: UInt8(ascii: "\n")).map { Data($0) }.filter { !$0.allSatisfy { $0 == 32 || $0 == 13 || $0 == 9 } }
}
