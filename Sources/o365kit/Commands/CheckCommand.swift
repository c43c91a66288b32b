import ArgumentParser
import Foundation
import O365KitCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the mapping tables, settings and lock; write nothing.",
        discussion: helpText("""
            Every finding is printed as `path:line:column: error|warning: message [check-id]`,
            sorted, followed by coverage statistics (rows by source, techniques and rows by
            tactic) and a summary. Runs the whole pipeline in memory, so problems in the
            generated XML are reported too. With --events, the operations of a JSONL file of
            audit records (bare or Wazuh-wrapped) that no row names are listed.

            Examples:
              o365kit check
              o365kit check --strict
              o365kit check --events samples.jsonl
              o365kit check --mappings /tmp/copy/mappings --format json
            """)
    )

    @OptionGroup var project: ProjectOptions
    @OptionGroup var report: ReportOptions

    @Option(help: "A JSONL file of audit records whose operations the tables should cover.")
    var events: String?

    func run() throws {
        let diagnostics = DiagnosticCollector()
        // Nothing is written, so the archives are not packed.
        let generation = generate(project.paths, archives: false, diagnostics: diagnostics)
        var coverage: CoverageStatistics?
        if let generation {
            let sample = events.flatMap { CoverageStatistics.eventCoverage(of: URL(fileURLWithPath: $0), project: generation.project, diagnostics: diagnostics) }
            coverage = CoverageStatistics(generation.project, events: sample)
        }
        let sorted = diagnostics.sorted
        switch report.format {
        case .json:
            print(DiagnosticFormatter.json(sorted, coverage: coverage), terminator: "")
        case .text:
            printError(DiagnosticFormatter.text(sorted))
            if let coverage { printError(coverage.text) }
            var summary = "\(diagnostics.count(.error)) error(s), \(diagnostics.count(.warning)) warning(s)"
            if let generation {
                let project = generation.project
                summary = "checked \(project.operations.count) operations, \(project.logonErrors.count) LogonErrors and \(generation.detections.rules.count) detection definitions against ATT&CK \(project.catalog.version): " + summary
            }
            printError(summary + "\n")
        }
        if report.fails(diagnostics) { throw ExitCode.failure }
    }
}
