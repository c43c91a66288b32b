import ArgumentParser
import CollectorCore

/// `check-config`: validates the file and prints it with defaults filled in and secrets redacted.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration and print it with secrets redacted.",
        discussion: helpText("""
        Problems are printed as path:line:column: error: message, all at once; exit 2 when any.

        Examples:
          o365-collector check-config --config /etc/o365-collector/collector.yaml
        """)
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        print(try options.load().redactedYAML(), terminator: "")
    }
}
