import ArgumentParser
import Foundation
import O365KitCore
import O365KitReview

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change to the mappings means: remaps, levels, rule ids, ATT&CK coverage, findings.",
        discussion: helpText("""
            Each side is a folder (holding mappings/, or a mappings folder itself) or a git
            revision, whose mappings/ is extracted with git archive. The head defaults to the
            working tree. Both sides are loaded, validated and resolved (rule ids) as `build`
            would, and compared by meaning, not by text. Markdown on stdout by default.

            Exit codes: 0 (also when there are differences); 1 when a --fail-on gate trips;
            64 bad usage or a side that cannot be read.

            Examples:
              o365kit diff origin/main
              o365kit diff v0.1.0 HEAD --format json
              o365kit diff ../other-checkout ./ --fail-on error --fail-on removal
            """)
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, json }
    enum Gate: String, ExpressibleByArgument, CaseIterable { case error, warning, removal }

    @Argument(help: "Base side: a git revision or a folder.")
    var base: String

    @Argument(help: "Head side: a git revision or a folder (default: the working tree).")
    var head: String?

    @Option(help: "The mappings folder, relative to the working directory (also its path inside git revisions).")
    var mappings: String = "mappings"

    @Option(help: "Report format: markdown or json.")
    var format: Format = .markdown

    @Option(name: .customLong("fail-on"), help: "Exit 1 when the change introduces an error finding (error), an error or warning (warning), or removes an entry or retires a rule id (removal). Repeatable.")
    var failOn: [Gate] = []

    func run() throws {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let baseSource: MappingSource
        let headSource: MappingSource
        do {
            baseSource = try MappingSource.resolve(base, mappingsPath: mappings, directory: here)
            if let head {
                headSource = try MappingSource.resolve(head, mappingsPath: mappings, directory: here)
            } else {
                headSource = MappingSource(label: "working tree", mappings: URL(fileURLWithPath: mappings, relativeTo: here).standardizedFileURL)
            }
        } catch {
            printError("error: \(error)\n")
            throw ExitCode(64)
        }
        defer {
            baseSource.cleanUp()
            headSource.cleanUp()
        }
        let diff = MappingDiff(base: MappingSnapshot.load(mappings: baseSource.mappings),
                               head: MappingSnapshot.load(mappings: headSource.mappings),
                               baseLabel: baseSource.label, headLabel: headSource.label)
        switch format {
        case .markdown: print(MappingDiffReport.markdown(diff), terminator: "")
        case .json: print(MappingDiffReport.json(diff), terminator: "")
        }
        let tripped = failOn.filter { diff.fails(on: $0.rawValue) }
        if !tripped.isEmpty {
            printError("diff: --fail-on \(tripped.map(\.rawValue).joined(separator: ", ")) tripped\n")
            throw ExitCode.failure
        }
    }
}
