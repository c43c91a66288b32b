import Foundation
import O365KitCore
import WazuhServerAPI

/// A manager's logtest through its server API: `PUT /logtest` with the request parameters as
/// the body (a new session loads the rule files from disk), `DELETE /logtest/sessions/{token}`.
/// The answer is the logtest answer the socket gives.
public actor LogtestAPI: LogtestClient {
    private var client: WazuhAPIClient
    public nonisolated let endpoint: String

    public init(client: WazuhAPIClient, endpoint: String) {
        self.client = client
        self.endpoint = endpoint
    }

    public func process(_ request: LogtestRequest) async throws -> LogtestResponse {
        // The client keeps the JWT; the copy carries a renewed one back.
        var session = client
        defer { client = session }
        return try await Self.process(request, with: &session)
    }

    public func endSession(_ token: String) async throws {
        var session = client
        defer { client = session }
        try await Self.endSession(token, with: &session)
    }

    /// One request through an API session (deploy's logtest gate shares its session).
    public static func process(_ request: LogtestRequest, with client: inout WazuhAPIClient) async throws -> LogtestResponse {
        let body = try JSONSerialization.data(withJSONObject: request.parameters, options: [.sortedKeys])
        let response = try await client.raw(WazuhAPIRequest(.PUT, "/logtest", headers: [("Content-Type", "application/json")], body: body), step: "logtest")
        guard (200..<300).contains(response.status) else {
            throw WazuhAPIError(step: "logtest", message: WazuhAPIClient.httpError(response))
        }
        return try LogtestResponse(json: response.body)
    }

    public static func endSession(_ token: String, with client: inout WazuhAPIClient) async throws {
        try await client.call(WazuhAPIRequest(.DELETE, "/logtest/sessions/\(token)"), step: "end logtest session")
    }
}
