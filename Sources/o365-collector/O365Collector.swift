import ArgumentParser

/// `o365-collector`: the Office 365 Management Activity API collector (docs/collector.md).
@main
struct O365Collector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "o365-collector",
        abstract: "Collect Office 365 audit records into JSONL, Wazuh, stdout or Splunk HEC: no loss, no duplicates.",
        discussion: helpText("""
        Examples:
          o365-collector check-config --config collector.yaml
          o365-collector run --config collector.yaml --once    # one pass, then exit
          o365-collector run --config collector.yaml           # poll until SIGTERM
        """),
        subcommands: [RunCommand.self, CheckConfigCommand.self]
    )
}
