/// How failed requests are retried: exponential backoff with full jitter, and at least as long
/// as the server's `Retry-After` says.
public struct RetryPolicy: Sendable, Equatable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    /// The backoff cap before jitter of the first retry, in seconds; doubles with each retry.
    public var baseDelay: Double
    /// No backoff is longer than this, in seconds.
    public var maxDelay: Double
    /// A `Retry-After` longer than this is cut to it, so one answer cannot stall a pass for hours.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 6, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 120) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `attempt` (1-based).
    public func delay(attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter, retryAfter >= 0 {
            let floor = min(retryAfter, maxRetryAfter)
            return floor + Double.random(in: 0...max(0.05, floor * 0.1))
        }
        let cap = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 20)))
        return Double.random(in: (cap / 2)...cap)
    }
}
