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

/// What one try of a retried request came to, when it did not throw.
public enum TryOutcome<Value> {
    case success(Value)
    /// Worth another try (throttled, a 5xx): why, and the server's `Retry-After` if any.
    case transient(String, retryAfter: Double?)
}

extension RetryPolicy {
    /// Runs `body` until it succeeds, throws an error `isPermanent` accepts, or the attempts run
    /// out. Transient outcomes and any other error (a timeout, a refused connection) wait
    /// `delay(attempt:retryAfter:)`, after `retrying` has been told the failure and the wait (for
    /// the log); `exhausted` makes the error thrown after the last attempt. `body` runs in the
    /// caller's isolation, so an actor's request loop can use its own state.
    public func run<Value>(
        isolation: isolated (any Actor)? = #isolation,
        isPermanent: (any Error) -> Bool,
        retrying: (_ failure: String, _ delay: Double) -> Void,
        exhausted: (_ failure: String, _ attempts: Int) -> any Error,
        _ body: () async throws -> TryOutcome<Value>
    ) async throws -> Value {
        var attempt = 0
        while true {
            attempt += 1
            let failure: String
            var retryAfter: Double?
            do {
                switch try await body() {
                case .success(let value):
                    return value
                case .transient(let why, let after):
                    failure = why
                    retryAfter = after
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch let error where isPermanent(error) {
                throw error
            } catch {
                failure = "\(error)"
            }
            guard attempt < maxAttempts else { throw exhausted(failure, attempt) }
            let wait = delay(attempt: attempt, retryAfter: retryAfter)
            retrying(failure, wait)
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
    }
}
