import ArgumentParser
import CollectorTestSupport
import Foundation

/// Serves a synthetic Management Activity API on loopback for the benchmark
/// (Benchmarks/collector.sh): `blobs` blobs of `records` generated records each, all in
/// Audit.Exchange, created over the last hour. Prints the port, then serves until killed.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "o365-api-emulator")

    @Option var blobs = 1_000
    @Option var records = 1_000
    @Option var secret = "bench-secret"
    @Flag(help: "~190-byte records instead of ~1.1 KB ones (for runs of tens of millions)") var small = false

    func run() async throws {
        let emulator = APIEmulator(clientSecret: secret, pageSize: 200, smallRecords: small)
        let now = Int64(Date().timeIntervalSince1970)
        emulator.add((0..<blobs).map { i in
            EmulatedBlob(contentId: "bench\(i)", created: now - 3_600 + Int64(i * 3_000 / max(blobs, 1)), body: .generated(seed: i + 1, count: records))
        }, contentType: "Audit.Exchange")
        try await emulator.start()
        FileHandle.standardOutput.write(Data("\(emulator.port)\n".utf8))
        while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
    }
}
