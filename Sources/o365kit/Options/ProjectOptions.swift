import ArgumentParser
import Foundation
import O365KitCore

/// Where the tables and templates are; shared by every command that reads a project.
struct ProjectOptions: ParsableArguments {
    @Option(help: "Folder of the canonical tables, settings and rule lock.")
    var mappings: String = "mappings"

    @Option(help: "Folder of the output templates.")
    var templates: String = "templates"

    @Option(help: "A deployment's placeholder values for the detections (default: <mappings>/environment.yaml).")
    var environment: String?

    @Option(name: .customLong("detections"), help: "A folder of the site's own Sigma rules, loaded beside <mappings>/detections (repeatable).")
    var detectionFolders: [String] = []

    var paths: ProjectPaths {
        var paths = ProjectPaths(mappings: URL(fileURLWithPath: mappings), templates: URL(fileURLWithPath: templates))
        paths.environmentOverride = environment.map { URL(fileURLWithPath: $0) }
        paths.extraDetections = detectionFolders.map { URL(fileURLWithPath: $0) }
        return paths
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// How findings are reported: `--strict` and `--format`.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Report format: text (compiler style, on stderr) or json (on stdout).")
    var format: OutputFormat = .text

    /// Whether these diagnostics fail the command.
    func fails(_ diagnostics: DiagnosticCollector) -> Bool {
        diagnostics.hasErrors || (strict && diagnostics.count(.warning) > 0)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
