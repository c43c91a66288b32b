import Foundation
import O365KitCore

/// One event for a logtest session, as `wazuh-logtest` and the API's `PUT /logtest` send it.
public struct LogtestRequest: Sendable, Hashable {
    /// The event line (for the office365 module: `{"integration":"office365","office365":{…}}`).
    public var event: String
    /// The session to continue (stateful rules see its earlier events); nil opens a new one.
    public var token: String?
    public var location: String = "office365"
    public var logFormat: String = "json"
    /// Ask for the rule trace (`rules_debug`).
    public var trace = false

    public init(event: String, token: String? = nil, trace: Bool = false) {
        self.event = event
        self.token = token
        self.trace = trace
    }

    /// The `parameters` object of the socket protocol, which is also the API's request body.
    var parameters: [String: Any] {
        var p: [String: Any] = ["event": event, "log_format": logFormat, "location": location]
        if let token { p["token"] = token }
        if trace { p["options"] = ["rules_debug": true] }
        return p
    }
}

/// A real Wazuh engine that answers logtest requests: a local manager's socket or a manager's
/// API. `o365kit test --logtest-socket/--manager` and `o365kit deploy wazuh` prove packs with it.
public protocol LogtestClient: Sendable {
    func process(_ request: LogtestRequest) async throws -> LogtestResponse
    /// Ends a session (a manager keeps at most 500, for 15 minutes each).
    func endSession(_ token: String) async throws
    /// Where the engine is, for messages.
    var endpoint: String { get }
}

extension LogtestClient {
    /// Sends `events` through one session, in order, and ends it; one response per event.
    public func replay(_ events: [String], trace: Bool = false) async throws -> [LogtestResponse] {
        var token: String?
        var responses: [LogtestResponse] = []
        responses.reserveCapacity(events.count)
        for event in events {
            let response = try await process(LogtestRequest(event: event, token: token, trace: trace))
            if response.codemsg < 0 && response.rule == nil && response.error != 0 {
                throw LogtestError.transport("\(endpoint): logtest refused the event: \(response.messages.joined(separator: "; "))")
            }
            token = response.token ?? token
            responses.append(response)
        }
        if let token { try? await endSession(token) }
        return responses
    }
}
