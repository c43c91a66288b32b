import ArgumentParser
import O365KitCore

@main
struct O365Kit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "o365kit",
        abstract: "Validate Office 365 ATT&CK mapping tables and generate Wazuh rules, a Splunk app and ATT&CK coverage from them.",
        discussion: """
            Exit codes: 0 success; 1 findings (errors, or warnings with --strict) or stale output; 64 bad usage.

            Examples:
              o365kit check                      validate mappings/ against the bundled ATT&CK catalog
              o365kit build                      regenerate output/ from mappings/ and templates/
              o365kit build --check              fail if output/ or the rule lock is out of date
            """,
        version: o365kitVersion,
        subcommands: [BuildCommand.self, CheckCommand.self]
    )
}
