import ArgumentParser
import Foundation
import O365KitCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the mapping tables, settings and lock; write nothing.",
        discussion: """
            Every finding is printed as `path:line:column: error|warning: message [check-id]`,
            sorted, followed by a summary. Runs the whole pipeline in memory, so problems in
            the generated XML are reported too.

            Examples:
              o365kit check
              o365kit check --strict
              o365kit check --mappings /tmp/copy/mappings --format json
            """
    )

    @OptionGroup var project: ProjectOptions
    @OptionGroup var report: ReportOptions

    func run() throws {
        let diagnostics = DiagnosticCollector()
        let generation = generate(project.paths, diagnostics: diagnostics)
        let sorted = diagnostics.sorted
        switch report.format {
        case .json:
            print(DiagnosticFormatter.json(sorted), terminator: "")
        case .text:
            printError(DiagnosticFormatter.text(sorted))
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
