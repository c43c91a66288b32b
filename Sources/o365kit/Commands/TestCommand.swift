import ArgumentParser
import Foundation
import O365KitCore

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run audit records through the native and generated Wazuh rules and check expectations.",
        discussion: """
            Each line of --events is an audit record, bare or wrapped as the wodle sends it
            ({"integration":"office365","office365":{…}}). Records are evaluated in CreationTime
            order through Wazuh's native office365 rules and the generated rule files, with
            analysisd's semantics (WazuhRuleEngine). Each record's rule is printed on stdout,
            findings and the summary on stderr.

            Expectations (--expect) are JSON lines: {"line": 3, "rule": 103004},
            {"id": "<record Id>", "rule": 103004, "level": 6}, {"line": 4, "rule": null},
            {"line": 5, "not": 103004}. See docs/review-and-deploy.md.

            Exit codes: 0 every record read and every expectation met; 1 a bad line, an
            unknown record or a failed expectation; 64 bad usage.

            Examples:
              o365kit test --events samples.jsonl
              o365kit test --events samples.jsonl --expect samples.expect.jsonl
              o365kit test --events samples.jsonl --format json > results.json
              o365kit test --events samples.jsonl --expect samples.expect.jsonl --output output/wazuh/tests
            """
    )

    @Option(help: "JSON-lines file of audit records.")
    var events: String

    @Option(help: "JSON-lines file of expected rules per record (by line or by record Id).")
    var expect: String?

    @Option(help: "Report format: text (one line per record on stdout, summary on stderr) or json (on stdout).")
    var format: OutputFormat = .text

    @Option(help: "Folder to write a Wazuh ruleset test file (<events name>.ini) to.")
    var output: String?

    @Option(help: "Folder of the generated rule files (*.xml, loaded in name order after the native rules).")
    var rulesDir: String = "output/wazuh/rules"

    @Option(help: "Folder of CDB lists, registered as etc/lists/<name> (default: lists/ beside --rules-dir).")
    var listsDir: String?

    @Option(help: "Folder of the canonical tables (its wazuh-native/ holds Wazuh's office365 rules).")
    var mappings: String = "mappings"

    func run() throws {
        let diagnostics = DiagnosticCollector()
        let rulesURL = URL(fileURLWithPath: rulesDir)
        let listsURL = listsDir.map { URL(fileURLWithPath: $0) } ?? rulesURL.deletingLastPathComponent().appendingPathComponent("lists")
        let paths = ProjectPaths(mappings: URL(fileURLWithPath: mappings), templates: URL(fileURLWithPath: "templates"))
        let pack = RulePack.load(native: paths.nativeWazuhRules, rulesDirectory: rulesURL, listsDirectory: listsURL, diagnostics: diagnostics)

        let eventsURL = URL(fileURLWithPath: events)
        let eventsPath = displayPath(eventsURL)
        guard let eventData = FileManager.default.contents(atPath: eventsURL.path) else {
            throw ValidationError("cannot read --events \(events)")
        }
        var expectations: [TestExpectation] = []
        if let expect {
            let url = URL(fileURLWithPath: expect)
            guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read --expect \(expect)") }
            expectations = TestExpectationReader.read(data, path: displayPath(url), diagnostics: diagnostics)
        }
        let records = TestEventReader.read(eventData, path: eventsPath, diagnostics: diagnostics)
        guard let pack else {
            printError(DiagnosticFormatter.text(diagnostics.sorted))
            throw ExitCode.failure
        }
        let result = RuleTest.run(records, pack: pack, expectations: expectations, diagnostics: diagnostics)
        for mismatch in result.mismatches { diagnostics.emit(mismatch.diagnostic(eventsPath: eventsPath)) }

        if let output {
            let title = eventsURL.lastPathComponent
            let ini = RulesetTestIni.render(events: records, run: result, expectations: expectations, pack: pack, title: title)
            let folder = URL(fileURLWithPath: output)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writeAtomically(ini, to: folder.appendingPathComponent(RulesetTestIni.iniName(title) + ".ini"))
        }

        let sorted = diagnostics.sorted
        switch format {
        case .json:
            FileHandle.standardOutput.write(Data(RuleTestReport.json(result, pack: pack, diagnostics: sorted).utf8))
        case .text:
            FileHandle.standardOutput.write(Data(RuleTestReport.text(result, eventsPath: eventsPath).utf8))
            printError(DiagnosticFormatter.text(sorted))
            printError(RuleTestReport.summaryLine(result.summary(pack: pack)))
        }
        if diagnostics.hasErrors { throw ExitCode.failure }
    }
}
