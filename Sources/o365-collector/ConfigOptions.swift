import ArgumentParser
import CollectorCore
import Foundation

/// The `--config` option shared by both subcommands.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    /// Loads the file, or prints every diagnostic (`path:line:col: error: message`) and exits 2.
    func load() throws -> CollectorConfig {
        do {
            return try ConfigLoader.load(path: config)
        } catch let errors as ConfigErrors {
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
