import ArgumentParser
import CollectorCore

/// `check-config`: validates the file and prints it with defaults filled in and secrets redacted.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a configuration and print it with secrets redacted.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        print(try options.load().redactedYAML(), terminator: "")
    }
}
