import ArgumentParser
import Foundation
import O365KitCore
import O365KitReview

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run audit records through the native and generated Wazuh rules and check expectations.",
        discussion: helpText("""
            Each line of --events is an audit record, bare or wrapped as the wodle sends it
            ({"integration":"office365","office365":{…}}). Records are evaluated in CreationTime
            order through Wazuh's native office365 rules and the generated rule files, with
            analysisd's semantics (WazuhRuleEngine). Each record's rule is printed on stdout,
            findings and the summary on stderr.

            With --logtest-socket (a local manager, as root or the wazuh group) or --manager (its
            server API, PUT /logtest), the records go instead through that manager's own engine,
            in one logtest session, with the same output and --expect semantics: prove a pack on
            your manager before deploying it. The manager uses the rules installed on it, and
            stamps each record with the time it arrives (not CreationTime); its loader warnings
            are reported. --rules-dir then only tells the pack's rule ids from native ones.

            Expectations (--expect) are JSON lines: {"line": 3, "rule": 103004},
            {"id": "<record Id>", "rule": 103004, "level": 6}, {"line": 4, "rule": null},
            {"line": 5, "not": 103004}. See docs/review-and-deploy.md.

            Exit codes: 0 every record read and every expectation met; 1 a bad line, an
            unknown record or a failed expectation; 64 bad usage.

            Examples:
              o365kit test --events samples.jsonl
              o365kit test --events samples.jsonl --expect samples.expect.jsonl
              o365kit test --events samples.jsonl --format json > results.json
              o365kit test --events samples.jsonl --expect samples.expect.jsonl \\
                  --output output/wazuh/tests
              sudo o365kit test --events samples.jsonl --expect samples.expect.jsonl \\
                  --logtest-socket /var/ossec/queue/sockets/logtest
              WAZUH_API_PASSWORD=… o365kit test --events samples.jsonl \\
                  --manager https://manager:55000 --user wazuh-wui --ca-file root-ca.pem
            """)
    )

    @Option(help: "JSON-lines file of audit records.")
    var events: String

    @Option(help: "JSON-lines file of expected rules per record (by line or by record Id).")
    var expect: String?

    @Option(help: "Report format: text (one line per record on stdout, summary on stderr) or json (on stdout).")
    var format: OutputFormat = .text

    @Option(help: "Folder to write a Wazuh ruleset test file (<events name>.ini) to.")
    var output: String?

    @Option(help: "Folder of the generated rule files (*.xml, loaded with the native rules in analysisd's order: by file name).")
    var rulesDir: String = "output/wazuh/rules"

    @Option(help: "Folder of CDB lists, registered as etc/lists/<name> (default: lists/ beside --rules-dir).")
    var listsDir: String?

    @Option(help: "Folder of the canonical tables (its wazuh-native/ holds Wazuh's office365 rules).")
    var mappings: String = "mappings"

    @Option(help: "A local manager's logtest socket (e.g. /var/ossec/queue/sockets/logtest): use its engine.")
    var logtestSocket: String?

    @Option(help: "A manager's API address (e.g. https://manager:55000): use its engine through PUT /logtest.")
    var manager: String?

    @OptionGroup(title: "With --manager") var connection: ManagerOptions

    func validate() throws {
        if logtestSocket != nil && manager != nil { throw ValidationError("give --logtest-socket or --manager, not both") }
    }

    func run() async throws {
        let diagnostics = DiagnosticCollector()
        let rulesURL = URL(fileURLWithPath: rulesDir)
        let listsURL = listsDir.map { URL(fileURLWithPath: $0) } ?? rulesURL.deletingLastPathComponent().appendingPathComponent("lists")
        let paths = ProjectPaths(mappings: URL(fileURLWithPath: mappings), templates: URL(fileURLWithPath: "templates"))

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
        // Nothing to run: say so without compiling the rule set (seconds of CPU).
        if records.isEmpty && expectations.isEmpty && !diagnostics.hasErrors {
            diagnostics.emit(.warning("no-records", "the events file holds no records", at: SourceLocation(path: eventsPath, line: 1, column: 1)))
            printError(DiagnosticFormatter.text(diagnostics.sorted))
            if format == .json { print(RuleTestReport.emptyJSON(diagnostics: diagnostics.sorted), terminator: "") }
            return
        }
        let pack = RulePack.load(native: paths.nativeWazuhRules, rulesDirectory: rulesURL, listsDirectory: listsURL, diagnostics: diagnostics)
        guard let pack else {
            printError(DiagnosticFormatter.text(diagnostics.sorted))
            throw ExitCode.failure
        }
        // Reported with the run's other findings; the .ini is then not written.
        let unknown = TestExpectation.unknownRules(expectations, in: pack)
        diagnostics.emit(unknown)
        let result: RuleTest
        if let engine = try logtestClient() {
            do {
                result = try await RuleTest.run(records, logtest: engine.client, expectations: expectations, diagnostics: diagnostics)
            } catch {
                try? await engine.shutdown()
                printError("error: \(error)\n")
                throw ExitCode.failure
            }
            try? await engine.shutdown()
        } else {
            result = RuleTest.run(records, pack: pack, expectations: expectations, diagnostics: diagnostics)
        }
        for mismatch in result.mismatches { diagnostics.emit(mismatch.diagnostic(eventsPath: eventsPath)) }

        if let output, unknown.isEmpty {
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

    /// The real engine asked for, if any, and how to release it.
    private func logtestClient() throws -> (client: any LogtestClient, shutdown: () async throws -> Void)? {
        if let logtestSocket { return (LogtestSocket(path: logtestSocket), {}) }
        guard let manager else { return nil }
        let (client, transport) = try connection.connect(manager)
        return (LogtestAPI(client: client, endpoint: manager), { try await transport.shutdown() })
    }
}
