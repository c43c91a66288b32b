import ArgumentParser
import CollectorCore
import Foundation
import Logging

/// `run`: collect until SIGTERM/SIGINT, or one pass with `--once`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Collect audit records.",
        discussion: helpText("""
        Exit codes: 0 everything listed was delivered (or, without --once, stopped by SIGTERM/SIGINT); \
        1 something could not be collected after retries (--once); 2 the configuration, state directory \
        or a credential is unusable.

        Examples:
          o365-collector run --config collector.yaml --once
          o365-collector run --config collector.yaml --log-level debug
        """)
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Run one pass over every tenant and content type, then exit.")
    var once = false

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let config = try options.load()
        var logger = Logger(label: "o365-collector")
        logger.logLevel = level
        let shutdown = ShutdownSignal()
        shutdown.installSignalHandlers()
        // Benchmark aid only: O365_COLLECTOR_FSYNC=0 skips fsync (exactly-once across kill -9 still
        // holds; across power loss it does not).
        let durable = ProcessInfo.processInfo.environment["O365_COLLECTOR_FSYNC"] != "0"
        let outcome = await Collector(config: config, shutdown: shutdown, durable: durable, log: CollectorLog(logger)).run(once: once)
        if outcome != .complete { throw ExitCode(outcome.rawValue) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
