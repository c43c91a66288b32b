import ArgumentParser
import Foundation
import O365KitCore

struct AttackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attack",
        abstract: "Manage the bundled ATT&CK catalog (mappings/attack/).",
        subcommands: [AttackImportCommand.self]
    )
}

struct AttackImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Rewrite mappings/attack/ from a MITRE ATT&CK Enterprise STIX bundle.",
        discussion: helpText("""
            Reads MITRE's STIX bundle (STIX 2.0 from mitre/cti or 2.1 from
            mitre-attack/attack-stix-data, plain or .gz) and rewrites
            enterprise-techniques.csv, tactics.csv and catalog.json; the same bundle always
            gives the same bytes. Then lists what the new release changes for the techniques
            the tables and detections use: revoked (with the replacement), deprecated, gone,
            renamed, moved between tactics, and tactics of levels.tactics that no longer exist.
            Run `o365kit check` and `o365kit build` next; `o365kit diff` shows the result for review.

            With --wazuh-catalog FILE, writes instead the id,name list of a Wazuh manager's MITRE
            database built from that release (settings: wazuh.attack_ids).

            Exit codes: 0 imported, nothing the tables use breaks; 1 the bundle could not be read,
            or the new release breaks techniques the tables use (the files are still written,
            except with --dry-run); 64 bad usage.

            Examples:
              o365kit attack import enterprise-attack-18.1.json
              o365kit attack import attack-17.1.json.gz --version 17.1 --dry-run
              o365kit attack import attack-13.1.json --wazuh-catalog wazuh-mitre.csv
            """)
    )

    @Argument(help: "The STIX bundle (.json or .json.gz).")
    var bundle: String

    @Option(name: .customLong("version"), help: "The ATT&CK release, e.g. 18.1; required when the bundle has no x-mitre-collection object.")
    var release: String?

    @OptionGroup var project: ProjectOptions

    @Option(help: "Write a Wazuh manager's technique list (id,name) to this file instead of the catalog.")
    var wazuhCatalog: String?

    @Flag(help: "Report what would change; write nothing.")
    var dryRun = false

    @Option(help: "Report format: text (on stderr) or json (on stdout).")
    var format: OutputFormat = .text

    func run() throws {
        let diagnostics = DiagnosticCollector()
        guard let imported = importAttackCatalog(URL(fileURLWithPath: bundle), version: release, diagnostics: diagnostics) else {
            printError(DiagnosticFormatter.text(diagnostics.sorted))
            throw ExitCode.failure
        }
        var written: [String] = []
        var report: AttackImportReport?
        if let wazuhCatalog {
            if !dryRun {
                try writeAtomically(imported.managerCatalog(), to: URL(fileURLWithPath: wazuhCatalog))
                written.append(wazuhCatalog)
            }
        } else {
            report = AttackImportReport(imported, project: project.paths)
            if !dryRun {
                let folder = project.paths.attackFolder
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for file in imported.files() {
                    try writeAtomically(file.data, to: folder.appendingPathComponent(file.path))
                    written.append(displayPath(folder.appendingPathComponent(file.path)))
                }
            }
        }
        let findings = diagnostics.sorted + (report?.changes ?? [])
        switch format {
        case .json:
            struct Output: Encodable {
                var report: AttackImportReport?
                var written: [String]
                var diagnostics: [Diagnostic]
            }
            print(encodeJSON(Output(report: report, written: written, diagnostics: diagnostics.sorted)), terminator: "")
        case .text:
            printError(DiagnosticFormatter.text(findings))
            if let report { printError(report.text) }
            let active = imported.techniques.filter { !$0.technique.revoked }.count
            if wazuhCatalog != nil { printError("\(active) techniques of ATT&CK \(imported.version) that are not revoked\n") }
            printError(dryRun ? "dry run: nothing written\n" : written.map { "wrote \($0)\n" }.joined())
        }
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
    }
}
