import Foundation
import WazuhRuleEngine

/// Paths of the Wazuh package's extra files, below the output folder.
public enum WazuhPackageFiles {
    /// Wazuh's ruleset test format (`ruleset/testing/tests/*.ini`, run by `runtests.py`).
    public static let tests = "wazuh/tests/o365kit.ini"
    public static let install = "wazuh/INSTALL"
    public static let installTemplate = "wazuh/INSTALL.mustache"
    /// Where a manager keeps CDB lists; a rule's `<list>` must name exactly this path.
    public static let listFolder = "etc/lists/"
}

/// One test case per generated rule: a record that fires it, in Wazuh's `.ini` format, so a
/// site can replay the pack on its own manager with Wazuh's test runner. Each record is
/// chosen here and proven through `WazuhRuleEngine` (native rules first, as on a manager):
/// a rule no candidate record fires is a build error, never a test that cannot pass.
///
/// Records carry the row's Workload and a typical RecordType of it; when that RecordType
/// is claimed by a louder native rule (which the pack never silences), RecordType 0, which
/// no native RecordType rule claims, is used instead, as in Wazuh's own GenericRule case.
/// The legacy profile's root rule requires location `office_365`, which the test runner
/// cannot set, so that profile gets no test file (a note says so).
func renderWazuhRulesetTests(_ pack: WazuhPack, project: ValidatedProject, nativeRules: URL, files: [RenderedFile], outputRoot: String, diagnostics: DiagnosticCollector) -> RenderedFile? {
    guard pack.profile == .native else {
        diagnostics.emit(Diagnostic(.note, "wazuh-tests", "no \(WazuhPackageFiles.tests) for the legacy-integration profile: its root rule needs location office_365, which Wazuh's ruleset test runner cannot set", at: project.settings.location))
        return nil
    }
    let ruleSet: RuleSet
    do {
        var ruleFiles: [(path: String, data: Data)] = [("0755-office365_rules.xml", try Data(contentsOf: nativeRules))]
        ruleFiles += files.filter { $0.path.hasPrefix("wazuh/rules/") && $0.path.hasSuffix(".xml") }.map { ($0.path, $0.data) }
        let lists = Dictionary(files.filter { $0.path.hasPrefix("wazuh/lists/") }.map {
            (WazuhPackageFiles.listFolder + $0.path.dropFirst("wazuh/lists/".count), $0.data)
        }, uniquingKeysWith: { a, _ in a })
        ruleSet = try RuleSet(files: ruleFiles, lists: lists)
    } catch {
        diagnostics.emit(.error("wazuh-tests", "the generated rules do not load beside the native ones: \(error)", at: SourceLocation(path: outputRoot + WazuhPackPaths.rules)))
        return nil
    }
    let operations = Dictionary(project.operations.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let errors = Dictionary(project.logonErrors.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let failedLogin = project.settings.logonErrorOperation

    var sections: [String] = []
    var evaluator = Evaluator(ruleSet: ruleSet)
    var clock: Double = 0
    for rule in pack.rules {
        var candidates: [[String: Any]] = []
        let comment: String
        if let mapping = operations[rule.origin.key] {
            let name = mapping.operation.value
            let typical = name == failedLogin ? 15 : typicalRecordType(workload: mapping.workload, operation: name)
            candidates = [typical, 0].map { testRecord(operation: name, workload: mapping.workload, recordType: $0, id: rule.id) }
            comment = "operation \(name)"
        } else if let mapping = errors[rule.origin.key] {
            var record = testRecord(operation: failedLogin, workload: "AzureActiveDirectory", recordType: 15, id: rule.id)
            record["LogonError"] = mapping.code.value
            record["ResultStatus"] = "Failed"
            candidates = [record]
            comment = "LogonError \(mapping.code.value)"
        } else {
            continue
        }
        var chosen: String?
        for candidate in candidates {
            let record = try! JSONSerialization.data(withJSONObject: candidate, options: [.sortedKeys, .withoutEscapingSlashes])
            let line = DecodedEvent.wrapping(record: record)
            // One evaluator for all cases (building one compiles the rule set); events a
            // million seconds apart cannot meet in any correlation timeframe, so each case
            // is judged alone, as in its own wazuh-logtest session.
            clock += 1_000_000
            if let alert = evaluator.evaluate(DecodedEvent(json: line, location: "stdin"), at: Date(timeIntervalSince1970: clock)),
               alert.ruleID == rule.id, alert.level == rule.level {
                chosen = String(decoding: line, as: UTF8.self)
                break
            }
        }
        guard let chosen else {
            diagnostics.emit(.error("wazuh-tests", "no test record fires rule \(rule.id) (\(rule.origin.key)); the rule is unreachable beside the native rules",
                                    at: rule.origin.row ?? SourceLocation(path: outputRoot + WazuhPackPaths.rules)))
            continue
        }
        sections.append("""
            [o365kit rule \(rule.id)]
            # \(comment.replacingOccurrences(of: "\n", with: " "))
            log 1 pass = \(chosen)
            rule = \(rule.id)
            alert = \(rule.level)
            decoder = json

            """)
    }
    let header = """
        # Generated by o365kit from mappings/ - do not edit; change the tables and run `make pack`.
        # Wazuh ruleset tests: one case per generated rule, a record that fires it. Copy this file to
        # ruleset/testing/tests/ of a Wazuh source tree and run ruleset/testing/runtests.py on a manager
        # that has the rules and lists of this package installed.


        """
    return RenderedFile(path: WazuhPackageFiles.tests, contents: header + sections.joined(separator: "\n"))
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
