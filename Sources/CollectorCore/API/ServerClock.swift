import Foundation
import NIOConcurrencyHelpers

/// The API's idea of now: the local clock corrected by the offset seen in the answers' `Date`
/// headers.
///
/// Windows are listed in the API's time. A local clock that is behind would ask for starts the
/// API finds older than 7 days (AF20055) and end windows before content the API already has; one
/// that is ahead would move checkpoints past content not yet published. Skew under 2 s is
/// ignored: `Date` has whole seconds and the answer took time to arrive.
public final class ServerClock: Sendable {
    private let local: @Sendable () -> Double
    private let offset = NIOLockedValueBox<Double>(0)
    private let log: CollectorLog

    public init(local: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }, log: CollectorLog) {
        self.local = local
        self.log = log
    }

    /// Now on the API's clock, in whole seconds since 1970.
    public func now() -> Int64 { Int64((local() + offset.withLockedValue { $0 }).rounded(.down)) }

    /// How far the API's clock is ahead of ours, in seconds (negative: behind).
    public var skew: Double { offset.withLockedValue { $0 } }

    /// Takes in the `Date` header of an answer received just now.
    public func observe(dateHeader: String?) {
        guard let dateHeader, let server = HTTPDate.parse(dateHeader) else { return }
        // The header is truncated to the second: its true value is half a second later on average.
        let seen = Double(server) + 0.5 - local()
        let corrected = abs(seen) < 2 ? 0 : seen.rounded()
        let previous = offset.withLockedValue { old -> Double in
            defer { old = corrected }
            return old
        }
        if abs(corrected - previous) >= 2 {
            log.warning("the local clock differs from the API's; listing windows follow the API's clock",
                        ["api_ahead_by_s": String(format: "%.0f", corrected)])
        }
    }
}
