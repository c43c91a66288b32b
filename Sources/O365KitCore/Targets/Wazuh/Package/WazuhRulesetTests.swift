import Foundation
import WazuhRuleEngine

/// One test case per generated rule: a record that fires it, in Wazuh's `.ini` format, so a
/// site can replay the pack on its own manager with Wazuh's test runner; correlations, which
/// need several events in one session, in `o365kit-sequences.jsonl`.
///
/// Mapping rules get a record built from their row; detection rules the first positive sample
/// of their detection that ends at them (`detectionTestCases`).
///
/// Records carry the row's Workload and a RecordType the operation really has
/// (`record-types.csv`) that ends at the rule. Without a row there, the workload's usual
/// RecordType, or 0 (no native RecordType rule claims it, as in Wazuh's own GenericRule
/// case) when that one's native rule is louder than the generated rule.
/// `WazuhPackageTests` replays every case through `WazuhRuleEngine` (native rules first, as on a
/// manager). The proof runs in the tests, not in the build: loading 100,000 rules into the
/// engine would cost the build more than everything else together.
/// The legacy profile's root rule requires location `office_365`, which the test runner
/// cannot set, so that profile gets no test file (a note says so).
///
/// A detection rule can refine a mapping rule (a correlation's base rule under the rule of
/// `UserLoginFailed` with one LogonError, say); for such a rule's record the manager reports
/// the detection rule. Only direct parents of detection rules can be refined, so just their
/// records are replayed, through the native rules, those mapping rules with their ancestors,
/// and the detection rules, and the case expects what the engine reports.
func renderWazuhRulesetTests(_ pack: WazuhPack, detectionPack: WazuhDetectionPack, detectionSet: DetectionSet, detections: [RenderedFile], samples: [URL],
                             project: ValidatedProject, templates: TemplateSet, diagnostics: DiagnosticCollector) -> (files: [RenderedFile], sequences: [WazuhSequenceCase]) {
    guard pack.profile == .native else {
        diagnostics.emit(Diagnostic(.note, "wazuh-tests", "no \(WazuhPackageFiles.tests) for the legacy-integration profile: its root rule needs location office_365, which Wazuh's ruleset test runner cannot set", at: project.settings.location))
        return ([], [])
    }
    let operations = RowIndex(project.operations) { $0.key }
    let errors = Dictionary(project.logonErrors.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let failedLogin = project.settings.logonErrorOperation
    var nativeLevel: [Int: Int] = [:]
    for rule in project.native.rules.values { if let type = rule.recordType { nativeLevel[type] = rule.level } }

    var cases: [(rule: WazuhRule, record: Data, comment: String)] = []
    // A carried native correlation needs a run of events, not one; the test suite replays
    // that run in Wazuh's own engine.
    for rule in pack.rules where rule.correlation == nil {
        var record: [String: Any]
        let comment: String
        if let mapping = operations[rule.origin.key] {
            let name = mapping.operation.value
            let type: Int
            if let real = project.recordTypes.recordTypes(of: name) {
                // A RecordType the operation really has, and that ends at this rule: the
                // rule's own, or one whose native rule is not louder than it.
                let candidates = rule.recordTypes.isEmpty ? real : rule.recordTypes
                guard let chosen = candidates.first(where: { (nativeLevel[$0] ?? 0) <= rule.level }) else {
                    diagnostics.emit(Diagnostic(.note, "wazuh-tests", "rule \(rule.id) (\(rule.origin.key)) ends no record of the RecordTypes '\(name)' really has (\(real.map(String.init).joined(separator: ", "))): their native rules are louder, so the package has no test case for it", at: mapping.operation.location))
                    continue
                }
                type = chosen
            } else {
                // No row in record-types.csv (check warns): the workload's usual RecordType,
                // or 0, which no native RecordType rule claims, when that one is louder.
                let typical = name == failedLogin ? 15 : typicalRecordType(workload: mapping.workload, operation: name)
                type = (nativeLevel[typical] ?? 0) > rule.level ? 0 : typical
            }
            record = testRecord(operation: name, workload: mapping.workload, recordType: type, id: rule.id)
            comment = "operation \(name), RecordType \(type)"
        } else if let mapping = errors[rule.origin.key] {
            record = testRecord(operation: failedLogin, workload: "AzureActiveDirectory", recordType: 15, id: rule.id)
            record["LogonError"] = mapping.code.value
            record["ResultStatus"] = "Failed"
            comment = "LogonError \(mapping.code.value)"
        } else {
            continue
        }
        // Compact JSON with sorted keys, written directly: JSONSerialization took most of
        // this stage's time on large tables.
        let members = record.keys.sorted().map { key -> String in
            let value = record[key]!
            return "\"\(key)\":" + (value is Int ? String(value as! Int) : "\"\(jsonEscaped(value as! String))\"")
        }
        cases.append((rule, Data(("{" + members.joined(separator: ",") + "}").utf8), comment))
    }
    let model = detectionModel(pack: pack, detections: detections, project: project, templates: templates)
    let refined = refiningAlerts(cases.map { ($0.rule.id, $0.record) }, model: model)
    var singles = cases.map { testCase -> WazuhSingleCase in
        var expected = (id: testCase.rule.id, level: testCase.rule.level)
        var comment = testCase.comment
        if let alert = refined[testCase.rule.id], alert.ruleID != testCase.rule.id {
            expected = (alert.ruleID, alert.level)
            comment += "; the manager reports detection rule \(alert.ruleID), which refines rule \(testCase.rule.id)"
        }
        return WazuhSingleCase(name: "o365kit rule \(testCase.rule.id)", rule: expected.id, level: expected.level,
                               event: DecodedEvent.wrapping(record: testCase.record), comment: comment)
    }
    // A mapping rule whose own record a detection rule claims still needs a case that ends
    // at it: a detection sample that the detection does not claim, where there is one.
    if let model {
        let claimed = cases.map(\.rule).filter { rule in refined[rule.id].map { $0.ruleID != rule.id } ?? false }
        singles += unclaimedCases(for: claimed, model: model.ruleSet, samples: samples, diagnostics: diagnostics)
    }
    let detectionCases = detectionTestCases(detectionPack, detections: detectionSet, model: model?.ruleSet, samples: samples, diagnostics: diagnostics)
    singles += detectionCases.single
    // One text, sized once: a section per case, joined after the fact, held the file three
    // times over at 200,000 rows.
    var text = """
        # Generated by o365kit from mappings/ - do not edit; change the tables and run `make pack`.
        # Wazuh ruleset tests: one case per generated rule, a record that fires it. Copy this file to
        # ruleset/testing/tests/ of a Wazuh source tree and run ruleset/testing/runtests.py on a manager
        # that has the rules and lists of this package installed.


        """
    text.reserveCapacity(text.utf8.count + singles.reduce(0) { $0 + $1.event.count + $1.comment.utf8.count + 120 })
    for (i, testCase) in singles.enumerated() {
        if i > 0 { text += "\n" }
        text += "[\(testCase.name)]\n# \(testCase.comment.replacingOccurrences(of: "\n", with: " "))\n"
        text += "log 1 pass = \(String(decoding: testCase.event, as: UTF8.self))\n"
        text += "rule = \(testCase.rule)\nalert = \(testCase.level)\ndecoder = json\n"
    }
    var files = [RenderedFile(path: WazuhPackageFiles.tests, contents: text)]
    if !detectionCases.sequences.isEmpty {
        files.append(RenderedFile(path: WazuhPackageFiles.sequences, contents: WazuhSequenceCase.render(detectionCases.sequences)))
    }
    return (files, detectionCases.sequences)
}

/// The rules that decide where detection samples and refined mapping records end: the native
/// rules, the mapping rules detection rules hang under (with their ancestors) and the detection
/// rules, with their lists. Loading the whole mapping pack would cost large tables more than
/// the rest of the build.
private struct DetectionModel {
    var ruleSet: RuleSet
    /// Mapping rules that detection rules hang under.
    var refined: Set<Int>
}

private func detectionModel(pack: WazuhPack, detections: [RenderedFile], project: ValidatedProject, templates: TemplateSet) -> DetectionModel? {
    guard let detectionRules = detections.first(where: { $0.path.hasSuffix(".xml") }) else { return nil }
    let byID = Dictionary(pack.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    let detectionParents = Set(WazuhRuleFileIDs.parents(in: detectionRules.contents)).filter { byID[$0] != nil }
    // The refined rules and their ancestors in the pack, in pack order (parents first).
    var needed = Set<Int>()
    var queue = Array(detectionParents)
    while let id = queue.popLast() {
        guard needed.insert(id).inserted, let rule = byID[id] else { continue }
        queue += rule.parents.filter { byID[$0] != nil }
    }
    let subset = WazuhPack(rules: pack.rules.filter { needed.contains($0.id) }, profile: pack.profile)
    guard let subsetXML = renderWazuhPack(subset, project: project, templates: templates).first(where: { $0.path == WazuhPackPaths.rules }),
          let native = try? Data(contentsOf: URL(fileURLWithPath: project.native.path)) else { return nil }
    let lists = Dictionary(detections.filter { $0.path.hasPrefix("wazuh/lists/") }.map {
        (WazuhPackageFiles.listFolder + $0.path.dropFirst("wazuh/lists/".count), Data($0.contents.utf8))
    }, uniquingKeysWith: { a, _ in a })
    guard let ruleSet = try? RuleSet(files: [(project.native.path, native), (WazuhPackPaths.rules, Data(subsetXML.contents.utf8)),
                                            (detectionRules.path, Data(detectionRules.contents.utf8))], lists: lists) else { return nil }
    return DetectionModel(ruleSet: ruleSet, refined: detectionParents)
}

/// For each of `rules`, the first detection sample (any detection, positive or negative) that
/// ends at it in a fresh session; a note for a rule no sample ends at (a detection rule claims
/// all its records, so it is never the final rule while the detection rules are installed).
private func unclaimedCases(for rules: [WazuhRule], model: RuleSet, samples folders: [URL], diagnostics: DiagnosticCollector) -> [WazuhSingleCase] {
    guard !rules.isEmpty else { return [] }
    let files = folders.flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().flatMap { key in
            ["positive", "negative"].map { (key: key, kind: $0, url: folder.appendingPathComponent(key).appendingPathComponent("\($0).jsonl")) }
        }
    }
    var wanted = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var found: [WazuhSingleCase] = []
    for file in files where !wanted.isEmpty {
        for (index, record) in readSampleRecords(file.url).enumerated() where !wanted.isEmpty {
            let event = DecodedEvent.wrapping(record: record)
            var evaluator = Evaluator(ruleSet: model)
            guard let alert = evaluator.evaluate(DecodedEvent(json: event), at: Date(timeIntervalSince1970: 0)),
                  let rule = wanted.removeValue(forKey: alert.ruleID) else { continue }
            found.append(WazuhSingleCase(name: "o365kit rule \(rule.id) unrefined", rule: rule.id, level: alert.level, event: event,
                                         comment: "\(rule.origin.key), not claimed by a detection: sample \(index + 1) of samples/\(file.key)/\(file.kind).jsonl"))
        }
    }
    for rule in rules where wanted[rule.id] != nil {
        diagnostics.emit(Diagnostic(.note, "wazuh-tests", "rule \(rule.id) (\(rule.origin.key)) is never the final rule while the detection rules are installed: a detection rule claims every record of it that the samples hold; its test case ends at that detection rule, which hangs under it",
                                    at: SourceLocation(path: displayPath(folders[0]))))
    }
    return found.sorted { $0.rule < $1.rule }
}

/// What the engine reports for the records of mapping rules that detection rules hang under.
private func refiningAlerts(_ records: [(id: Int, record: Data)], model: DetectionModel?) -> [Int: Alert] {
    guard let model else { return [:] }
    var alerts: [Int: Alert] = [:]
    for (id, record) in records where model.refined.contains(id) {
        // Each case is its own logtest session on a manager: no correlation state carries over.
        var evaluator = Evaluator(ruleSet: model.ruleSet)
        if let alert = evaluator.evaluate(DecodedEvent(auditRecord: record), at: Date(timeIntervalSince1970: 0)) { alerts[id] = alert }
    }
    return alerts
}

/// Rule ids named by `if_sid` and `if_matched_sid` in a generated rule file.
enum WazuhRuleFileIDs {
    static func parents(in xml: String) -> [Int] {
        var ids: [Int] = []
        for tag in ["<if_sid>", "<if_matched_sid>"] {
            var rest = Substring(xml)
            while let start = rest.range(of: tag) {
                rest = rest[start.upperBound...]
                guard let end = rest.firstIndex(of: "<") else { break }
                ids += rest[..<end].split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { Int($0) }
            }
        }
        return ids
    }
}

private func testRecord(operation: String, workload: String, recordType: Int, id: Int) -> [String: Any] {
    var record: [String: Any] = [
        "CreationTime": "2026-01-01T00:00:00", "Id": "00000000-0000-0000-0000-000000\(id)",
        "Operation": operation, "OrganizationId": "00000000-0000-0000-0000-000000000000",
        "RecordType": recordType, "ResultStatus": "Succeeded", "UserId": "user@contoso.example",
        "UserType": 0,
    ]
    if !workload.isEmpty { record["Workload"] = workload }
    return record
}

/// The RecordType most records of a workload carry (Microsoft's AuditLogRecordType list).
/// Exchange cmdlets (`Verb-Noun`) are admin records, other Exchange operations mailbox ones.
private func typicalRecordType(workload: String, operation: String) -> Int {
    switch workload {
    case "AzureActiveDirectory": return 8
    case "Exchange": return operation.contains("-") ? 1 : 2
    case "SharePoint": return 4
    case "OneDrive": return 7
    case "SecurityComplianceCenter": return 18
    case "PowerBI": return 20
    case "Yammer": return 22
    case "SkypeForBusiness": return 23
    case "MicrosoftTeams": return 25
    case "MicrosoftFlow": return 30
    case "MicrosoftStream": return 32
    case "Project": return 35
    case "PowerApps": return 45
    case "MicrosoftForms": return 66
    case "Aip": return 95
    case "MyAnalytics": return 105
    default: return 0
    }
}
