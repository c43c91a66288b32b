import ArgumentParser
import Foundation
import O365KitCore
import O365KitDeploy

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy the generated pack to a SIEM.",
        discussion: helpText("""
            Examples:
              o365kit deploy wazuh --url https://manager:55000 --user wazuh-wui \\
                  --password-file ~/.wazuh-pass --dry-run
            """),
        subcommands: [DeployWazuhCommand.self]
    )
}

struct DeployWazuhCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wazuh",
        abstract: "Upload the rule files and CDB lists to a Wazuh 4.x manager, register the lists, prove the pack there, and load it.",
        discussion: helpText("""
            Uses the Wazuh server API: authenticates, refuses Wazuh 5.x, downloads the
            manager's copies of our files and its ossec.conf (every node's, in a cluster),
            uploads new and changed lists, registers them in ossec.conf (<ruleset><list>),
            uploads the rule files, validates the configuration, proves the pack on the
            manager's own engine (every case of the package's tests/ through PUT /logtest must
            end at its rule, and no loader warning may name our rules or files), then
            hot-reloads analysisd (4.13+; a reload that warns about our rules fails) or restarts
            the manager and waits until it answers again (the cluster endpoints when clustered).
            On any failure every change is undone, newest first, and the manager's rules, lists
            and ossec.conf are as they were. The password comes from --password-file or the
            WAZUH_API_PASSWORD environment variable, never from the command line.

            TLS certificates are verified (against --ca-file when given); --insecure turns that
            off. http:// is accepted for loopback addresses only (tests).

            Exit codes: 0 deployed (or nothing to change, or --dry-run); 1 failed, the manager is
            as it was; 2 failed and the rollback failed too: check the manager; 64 bad usage.

            Examples:
              # What would change, without changing anything
              WAZUH_API_PASSWORD=… o365kit deploy wazuh --url https://manager:55000 \\
                  --user wazuh-wui --dry-run
              # Deploy, verifying the manager's certificate against its CA
              o365kit deploy wazuh --url https://manager:55000 --user wazuh-wui \\
                  --password-file pass.txt --ca-file root-ca.pem
              # For a pipeline: a JSON report on stdout, restart instead of hot reload
              o365kit deploy wazuh --url https://manager:55000 --password-file pass.txt \\
                  --restart --format json
            """)
    )

    @Option(help: "The manager's API address, e.g. https://manager:55000.")
    var url: String

    @OptionGroup var connection: ManagerOptions

    @Flag(help: "Print the plan (files, sizes, sha256, lists to register, what changes on the manager) and change nothing.")
    var dryRun = false

    @Flag(help: "Restart the manager to load the pack (waiting until it answers again) instead of analysisd's hot reload.")
    var restart = false

    @Option(help: "Seconds to wait for a restarted manager's API and logtest.")
    var restartTimeout: Int = 300

    @Option(help: "text (plan on stdout, progress on stderr) or json (one report on stdout).")
    var format: ReportFormat = .text

    @Option(help: "The build's output folder (its wazuh/rules and wazuh/lists are deployed).")
    var output: String = "output"

    enum ReportFormat: String, ExpressibleByArgument { case text, json }

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
        let deployment = WazuhDeployment(files: files, testCases: testCases, dryRun: dryRun, activation: restart ? .restart : .automatic,
                                         restartTimeout: TimeInterval(restartTimeout)) { printError($0 + "\n") }
        let report = await deployment.run(client)
        try? await transport.shutdown()

        if format == .json {
            print(String(decoding: DeployPlanReport.json(report, dryRun: dryRun), as: UTF8.self))
        } else if !report.plan.isEmpty {
            print(DeployPlanReport.text(report.plan, registrations: report.registrations), terminator: "")
        }
        switch report.outcome {
        case .deployed:
            let changing = report.plan.filter { $0.change != .unchanged }.count
            printError(dryRun ? "dry run: \(changing) file(s) and \(report.registrations.count) configuration(s) would change\n"
                       : report.casesProven > 0 ? "deployed: \(report.casesProven) test cases proven on the manager\n" : "deployed\n")
        case .failed:
            printError("deploy failed: \(report.error.map(String.init(describing:)) ?? "")\n")
            if !report.plan.isEmpty { printError("the manager's rules, lists and configuration are as they were\n") }
        case .rollbackFailed:
            printError("deploy failed: \(report.error.map(String.init(describing:)) ?? "")\n")
            printError("and the rollback failed: check the manager's etc/rules, etc/lists and etc/ossec.conf\n")
            for error in report.rollbackErrors { printError("  \(error)\n") }
        }
        if report.outcome != .deployed { throw ExitCode(report.outcome.rawValue) }
    }
}
