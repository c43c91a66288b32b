import Foundation

/// A manager's logtest through its server API: `PUT /logtest` with the request parameters as
/// the body (a new session loads the rule files from disk), `DELETE /logtest/sessions/{token}`.
/// The answer's `data` is the logtest answer the socket gives.
public actor LogtestAPI: LogtestClient {
    private var client: WazuhAPIClient
    public nonisolated let endpoint: String

    public init(client: WazuhAPIClient, endpoint: String) {
        self.client = client
        self.endpoint = endpoint
    }

    public func process(_ request: LogtestRequest) async throws -> LogtestResponse {
        let body = try JSONSerialization.data(withJSONObject: request.parameters, options: [.sortedKeys])
        // The client keeps the JWT; a copy carries a renewed one back.
        var session = client
        let response = try await session.raw(WazuhAPIRequest(.PUT, "/logtest", headers: [("Content-Type", "application/json")], body: body), step: "logtest")
        client = session
        guard (200..<300).contains(response.status) else {
            throw WazuhAPIError(step: "logtest", message: WazuhAPIClient.httpError(response))
        }
        return try LogtestResponse(json: response.body)
    }

    public func endSession(_ token: String) async throws {
        var session = client
        try await session.call(WazuhAPIRequest(.DELETE, "/logtest/sessions/\(token)"), step: "end logtest session")
        client = session
    }
}
