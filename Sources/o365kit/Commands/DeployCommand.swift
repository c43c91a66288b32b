import ArgumentParser
import Foundation
import O365KitCore

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy the generated pack to a SIEM.",
        discussion: """
            Examples:
              o365kit deploy wazuh --url https://manager:55000 --user wazuh-wui --password-file ~/.wazuh-pass --dry-run
            """,
        subcommands: [DeployWazuhCommand.self]
    )
}

struct DeployWazuhCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wazuh",
        abstract: "Upload the rule files and CDB lists to a Wazuh 4.x manager, validate, and reload.",
        discussion: """
            Uses the Wazuh server API: authenticates, refuses Wazuh 5.x, downloads the
            manager's copies of our files, uploads new and changed ones, validates the
            configuration, proves the pack on the manager's own engine (every case of the
            package's tests/ through PUT /logtest must end at its rule, and no loader warning
            may name our rules or files), then hot-reloads analysisd (4.13+) or restarts the
            manager (the cluster endpoints when clustered). On any failure every uploaded file is restored
            (or deleted when it was new). The password comes from --password-file or the
            WAZUH_API_PASSWORD environment variable, never from the command line.

            TLS certificates are verified (against --ca-file when given); --insecure turns that
            off. http:// is accepted for loopback addresses only (tests).

            Exit codes: 0 deployed (or nothing to change, or --dry-run); 1 failed, the manager's
            files are as they were; 2 failed and the rollback failed too: check the manager;
            64 bad usage.

            Examples:
              WAZUH_API_PASSWORD=… o365kit deploy wazuh --url https://manager:55000 --user wazuh-wui --dry-run
              o365kit deploy wazuh --url https://manager:55000 --user wazuh-wui --password-file pass.txt --ca-file root-ca.pem
            """
    )

    @Option(help: "The manager's API address, e.g. https://manager:55000.")
    var url: String

    @OptionGroup var connection: ManagerOptions

    @Flag(help: "Print the plan (files, sizes, sha256, what changes on the manager) and change nothing.")
    var dryRun = false

    @Option(help: "The build's output folder (its wazuh/rules and wazuh/lists are deployed).")
    var output: String = "output"

    func run() async throws {
        // Usage problems (exit 64) come before the output folder is read.
        let (client, transport) = try connection.connect(url)
        let files: [DeployFile]
        let testCases: [WazuhSequenceCase]
        do {
            files = try DeployFile.collect(output: URL(fileURLWithPath: output))
            testCases = try DeployTestCases.collect(output: URL(fileURLWithPath: output))
        } catch {
            try? await transport.shutdown()
            printError("error: \(error)\n")
            throw ExitCode.failure
        }
        let deployment = WazuhDeployment(files: files, testCases: testCases, dryRun: dryRun) { printError($0 + "\n") }
        let report = await deployment.run(client)
        try? await transport.shutdown()

        if !report.plan.isEmpty {
            print(DeployPlanReport.text(report.plan), terminator: "")
        }
        switch report.outcome {
        case .deployed:
            printError(dryRun ? "dry run: \(report.plan.filter { $0.change != .unchanged }.count) file(s) would change\n" : "deployed\n")
            if files.contains(where: { $0.kind == .lists }) {
                printError("note: each list must be registered in ossec.conf on every node: <ruleset><list>etc/lists/NAME</list></ruleset>\n")
            }
        case .failed:
            printError("deploy failed\(report.plan.isEmpty ? "" : "; the manager's files are as they were"): \(report.error.map(String.init(describing:)) ?? "")\n")
        case .rollbackFailed:
            printError("deploy failed and the rollback failed: check the manager's etc/rules and etc/lists\n")
            for error in report.rollbackErrors { printError("  \(error)\n") }
        }
        if report.outcome != .deployed { throw ExitCode(report.outcome.rawValue) }
    }
}
