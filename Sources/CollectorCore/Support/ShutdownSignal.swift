@preconcurrency import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// Set by SIGTERM/SIGINT: the collector finishes the blob in hand, commits, and stops.
public final class ShutdownSignal: Sendable {
    private let requested = NIOLockedValueBox(false)

    public init() {}

    /// Whether a stop was asked for.
    public var isRequested: Bool { requested.withLockedValue { $0 } }

    /// Asks for a stop; a `sleep` in progress ends within a fifth of a second.
    public func request() { requested.withLockedValue { $0 = true } }

    /// Sleeps `seconds`, or less if a stop is asked for. (Polling keeps this free of races
    /// between the timer and the signal; five wake-ups a second cost nothing.)
    public func sleep(seconds: Double) async {
        let until = Date().timeIntervalSince1970 + seconds
        while !isRequested {
            let left = until - Date().timeIntervalSince1970
            if left <= 0 { return }
            try? await Task.sleep(nanoseconds: UInt64(min(left, 0.2) * 1e9))
        }
    }

    /// Routes SIGTERM and SIGINT to `request()`.
    public func installSignalHandlers() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in self.request() }
            source.resume()
            Self.sources.append(source)  // kept alive for the life of the process
        }
    }

    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
}

/// Peak resident memory of this process in MiB (VmHWM), or nil off Linux.
public func peakRSSMiB() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kb / 1024
}
