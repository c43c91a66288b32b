import ArgumentParser
import O365KitCore

@main
struct O365Kit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "o365kit",
        abstract: "Validate Office 365 ATT&CK mapping tables and generate Wazuh rules, a Splunk app and ATT&CK coverage from them.",
        discussion: helpText("""
            Exit codes: 0 success; 1 findings (errors, or warnings with --strict) or stale output; 64 bad usage.

            Examples:
              o365kit check                  # validate the tables
              o365kit build                  # regenerate output/
              o365kit build --check          # fail if output/ is stale
              o365kit test --events samples.jsonl --expect samples.expect.jsonl
              o365kit diff origin/main       # what this branch changes, as Markdown
              o365kit deploy wazuh --url https://manager:55000 --user wazuh-wui --dry-run
              o365kit attack import enterprise-attack-18.1.json   # a new ATT&CK release
            """),
        version: o365kitVersion,
        subcommands: [BuildCommand.self, CheckCommand.self, TestCommand.self, DiffCommand.self, DeployCommand.self, AttackCommand.self]
    )
}
