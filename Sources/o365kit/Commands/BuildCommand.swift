import ArgumentParser
import Foundation
import O365KitCore

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Generate the Wazuh rules, the Splunk app, the ATT&CK coverage and the packages in output/.",
        discussion: helpText("""
            Validates first; on any error nothing is written. New table keys get the next free
            rule id, recorded in mappings/rules.lock.json. The build is all or nothing: every
            file, the manifest and the lock are written beside output/ first and swapped in only
            when all succeeded; output/ then holds exactly what MANIFEST.json lists (--check
            reports anything else). Packaging is part of the build: output/packages/ holds the
            Splunk app (.tgz), the Wazuh package (.tar.gz) and SHA256SUMS, byte-identical for
            the same input, so --check covers them too.

            Examples:
              o365kit build
              # Exit 1 and list what is stale; write nothing
              o365kit build --check
              o365kit build --mappings my/mappings --output /tmp/pack
            """)
    )

    @OptionGroup var project: ProjectOptions
    @OptionGroup var report: ReportOptions

    @Option(help: "Folder to write the generated files to.")
    var output: String = "output"

    @Flag(help: "Regenerate in memory and fail if output/ or the rule lock differs from it.")
    var check = false

    @Flag(help: "Print how long each stage took (on large tables).")
    var verbose = false

    func run() throws {
        let diagnostics = DiagnosticCollector()
        let outputRoot = output.hasSuffix("/") ? output : output + "/"
        let generation = generate(project.paths, outputRoot: outputRoot, diagnostics: diagnostics)
        let failed = report.fails(diagnostics)
        // Findings go to stderr as text in either format when the build fails.
        if report.format == .text || generation == nil || failed {
            printError(DiagnosticFormatter.text(diagnostics.sorted))
        }
        guard let generation, !failed else {
            emit(BuildReport(ok: false, diagnostics: diagnostics), text: "build failed: \(diagnostics.count(.error)) error(s), \(diagnostics.count(.warning)) warning(s); nothing was written\n")
            throw ExitCode.failure
        }

        let writer = OutputWriter(root: URL(fileURLWithPath: output))
        let lockURL = project.paths.lock
        let currentLock = FileManager.default.contents(atPath: lockURL.path).map { String(decoding: $0, as: UTF8.self) }
        let newLock = generation.lock.encoded()
        let lockStale = currentLock != newLock
        var changes = writer.changes(generation.files)

        if check {
            var stale = changes.map { "\(outputRoot)\($0.path): \($0.verb)" }
            if lockStale { stale.insert("\(displayPath(lockURL)): rule ids would change", at: 0) }
            var result = BuildReport(ok: stale.isEmpty, diagnostics: diagnostics, generation: generation, changes: changes, lockChanged: lockStale, checkOnly: true)
            result.stale = stale
            emit(result, text: summary(generation, changes: changes, lockChanged: lockStale, checkOnly: true)
                 + (stale.isEmpty ? "" : stale.map { "stale: \($0)\n" }.joined() + "output is stale; run `make pack` (o365kit build) and commit the result\n"))
            if !stale.isEmpty { throw ExitCode.failure }
            return
        }

        do {
            changes = try writer.write(generation.files, lock: lockStale ? (lockURL, newLock) : nil)
        } catch {
            var result = BuildReport(ok: false, diagnostics: diagnostics)
            result.error = "\(error)"
            emit(result, text: "error: \(error)\n")
            throw ExitCode.failure
        }
        emit(BuildReport(ok: true, diagnostics: diagnostics, generation: generation, changes: changes, lockChanged: lockStale, checkOnly: false),
             text: summary(generation, changes: changes, lockChanged: lockStale, checkOnly: false))
    }

    /// The one report of `--format json`, whatever the outcome: `ok`, the diagnostics and
    /// their counts, and, when the build got that far, what it made and changed.
    struct BuildReport: Encodable {
        var ok: Bool
        var diagnostics: [Diagnostic]
        var errors: Int
        var warnings: Int
        var rules: Int?
        var operationRules: Int?
        var logonErrorRules: Int?
        var detectionVolumes: [DetectionVolumes.Group]?
        var files: [String]?
        var changed: [String]?
        var lockChanged: Bool?
        var checkOnly: Bool?
        var stale: [String]?
        var error: String?

        init(ok: Bool, diagnostics: DiagnosticCollector, generation: Generation? = nil, changes: [OutputWriter.Change] = [], lockChanged: Bool? = nil, checkOnly: Bool? = nil) {
            self.ok = ok
            self.diagnostics = diagnostics.sorted
            errors = diagnostics.count(.error)
            warnings = diagnostics.count(.warning)
            if let generation {
                let rules = generation.pack.rules
                self.rules = rules.count
                operationRules = rules.filter { $0.origin.key.hasPrefix("operation:") }.count
                logonErrorRules = rules.filter { $0.origin.key.hasPrefix("logon-error:") }.count
                detectionVolumes = DetectionVolumes(generation.detections).groups
                files = generation.files.map(\.path)
                changed = changes.map(\.path)
            }
            self.lockChanged = lockChanged
            self.checkOnly = checkOnly
        }
    }

    /// The JSON report on stdout, or `text` on stderr.
    private func emit(_ result: BuildReport, text: String) {
        if report.format == .json { print(encodeJSON(result), terminator: "") } else { printError(text) }
    }

    private func summary(_ generation: Generation, changes: [OutputWriter.Change], lockChanged: Bool, checkOnly: Bool) -> String {
        let rules = generation.pack.rules
        let operations = rules.filter { $0.origin.key.hasPrefix("operation:") }.count
        let logonErrors = rules.filter { $0.origin.key.hasPrefix("logon-error:") }.count
        let verb = checkOnly ? "checked" : "built"
        let detections = "\(generation.wazuhDetections.rules.count) Wazuh detection rules, \(generation.splunkSearches.count) Splunk searches"
        var text = "\(verb) \(rules.count) Wazuh rules (\(operations) operations, \(logonErrors) LogonErrors), \(detections) in \(generation.files.count) files; \(changes.count) file(s) \(checkOnly ? "stale" : "changed")\(lockChanged ? ", rule lock \(checkOnly ? "stale" : "updated")" : "")\n"
        text += DetectionVolumes(generation.detections).text + "\n"
        if verbose {
            text += "stages: " + generation.timings.map { String(format: "%@ %.2fs", $0.stage, $0.seconds) }.joined(separator: ", ") + "\n"
        }
        return text
    }
}
