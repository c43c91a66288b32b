import Testing
@testable import CollectorCore

/// The one retry loop every collector request uses.
@Suite struct RetryRunTests {
    struct Permanent: Error {}
    struct Exhausted: Error { var failure: String; var attempts: Int }

    let fast = RetryPolicy(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.002, maxRetryAfter: 0.002)

    @Test func transientFailuresAreRetriedUntilSuccess() async throws {
        var tries = 0
        var waits: [String] = []
        let value = try await fast.run(isPermanent: { $0 is Permanent }, retrying: { failure, _ in waits.append(failure) },
                                       exhausted: { Exhausted(failure: $0, attempts: $1) }) { () async throws -> TryOutcome<Int> in
            tries += 1
            return tries < 3 ? .transient("HTTP 503 #\(tries)", retryAfter: nil) : .success(42)
        }
        #expect(value == 42)
        #expect(waits == ["HTTP 503 #1", "HTTP 503 #2"])
    }

    @Test func permanentErrorsStopAtOnceAndOtherErrorsAreRetried() async throws {
        var tries = 0
        await #expect(throws: Permanent.self) {
            _ = try await fast.run(isPermanent: { $0 is Permanent }, retrying: { _, _ in },
                                   exhausted: { Exhausted(failure: $0, attempts: $1) }) { () async throws -> TryOutcome<Int> in
                tries += 1
                if tries == 1 { throw TransportError() }
                throw Permanent()
            }
        }
        #expect(tries == 2)
    }

    @Test func theLastFailureIsReportedWhenAttemptsRunOut() async throws {
        do {
            _ = try await fast.run(isPermanent: { $0 is Permanent }, retrying: { _, _ in },
                                   exhausted: { Exhausted(failure: $0, attempts: $1) }) { () async throws -> TryOutcome<Int> in
                .transient("HTTP 429", retryAfter: 0)
            }
            Issue.record("expected the attempts to run out")
        } catch let error as Exhausted {
            #expect(error.failure == "HTTP 429")
            #expect(error.attempts == 3)
        }
    }

    /// A transport error (a timeout, a refused connection): not permanent, so retried.
    struct TransportError: Error {}
}
