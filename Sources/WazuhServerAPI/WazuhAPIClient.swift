import Foundation

/// A failed API step, with what the manager said.
public struct WazuhAPIError: Error, Sendable, CustomStringConvertible {
    public var step: String
    public var message: String
    public init(step: String, message: String) {
        self.step = step
        self.message = message
    }
    public var description: String { "\(step): \(message)" }
}

/// The response envelope of the Wazuh API (`framework/wazuh/core/results.py`):
/// `{"data":{"affected_items":[…],"failed_items":[{"error":{"code","message"},"id":[…]}],…},"message":…,"error":0|1|2}`.
/// Failures arrive inside HTTP 200 with `error` 1 (all failed) or 2 (partial).
public struct WazuhEnvelope: @unchecked Sendable {
    public var object: [String: Any]

    public init(object: [String: Any]) {
        self.object = object
    }

    public var error: Int { (object["error"] as? NSNumber)?.intValue ?? 0 }
    public var data: [String: Any] { object["data"] as? [String: Any] ?? [:] }
    public var affectedItems: [Any] { data["affected_items"] as? [Any] ?? [] }
    public var failedItems: [[String: Any]] { data["failed_items"] as? [[String: Any]] ?? [] }

    /// `1908 Error validating configuration: …; 1113 …`, or the envelope's message.
    public var failureText: String {
        let items = failedItems.map { item -> String in
            let error = item["error"] as? [String: Any] ?? [:]
            let code = (error["code"] as? NSNumber).map { "\($0.intValue) " } ?? ""
            let ids = (item["id"] as? [Any])?.map { "\($0)" }.joined(separator: ", ")
            return code + ((error["message"] as? String) ?? "failed") + (ids.map { " (\($0))" } ?? "")
        }
        if !items.isEmpty { return items.joined(separator: "; ") }
        return (object["message"] as? String) ?? (object["detail"] as? String) ?? "error \(error)"
    }
}

/// A session with one Wazuh 4.x manager: Basic authentication for a JWT, Bearer on every
/// call, one re-authentication when a call answers 401 (the token lives 900 s by default),
/// and envelope checks. The password is held only to re-authenticate and is never printed.
public struct WazuhAPIClient: Sendable {
    public let transport: any WazuhAPITransport
    private let user: String
    private let password: String
    private var token: String?
    /// Told when a call waits out the API's rate limit.
    public var notice: (@Sendable (String) -> Void)?
    /// The longest wait for the rate limit's window to pass (Wazuh counts requests in a fixed
    /// 60 s window, `access.max_request_per_minute`, 300 by default).
    public var rateLimitPatience: TimeInterval = 75
    var rateLimitPoll: TimeInterval = 5

    public init(transport: any WazuhAPITransport, user: String, password: String) {
        self.transport = transport
        self.user = user
        self.password = password
    }

    /// `POST /security/user/authenticate` with Basic credentials.
    public mutating func authenticate() async throws {
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        let response = try await send(WazuhAPIRequest(.POST, "/security/user/authenticate", headers: [("Authorization", "Basic \(basic)")]), step: "authenticate")
        guard response.status == 200 else {
            let detail = response.status == 401 ? "invalid credentials for user '\(user)'" : Self.httpError(response)
            throw WazuhAPIError(step: "authenticate", message: detail)
        }
        let envelope = try Self.envelope(response, step: "authenticate")
        guard envelope.error == 0, let token = envelope.data["token"] as? String, !token.isEmpty else {
            throw WazuhAPIError(step: "authenticate", message: "no token in the answer: \(envelope.failureText)")
        }
        self.token = token
    }

    /// An authenticated call; re-authenticates once on 401. Returns the raw response of
    /// any status, for callers that interpret it (file downloads).
    public mutating func raw(_ request: WazuhAPIRequest, step: String) async throws -> WazuhAPIResponse {
        if token == nil { try await authenticate() }
        var response = try await send(authorized(request), step: step)
        if response.status == 401 {
            try await authenticate()
            response = try await send(authorized(request), step: step)
        }
        return response
    }

    /// An authenticated call that must succeed: HTTP 2xx and envelope `error` 0 with no
    /// failed items.
    @discardableResult
    public mutating func call(_ request: WazuhAPIRequest, step: String) async throws -> WazuhEnvelope {
        let response = try await raw(request, step: step)
        guard (200..<300).contains(response.status) else {
            throw WazuhAPIError(step: step, message: Self.httpError(response))
        }
        let envelope = try Self.envelope(response, step: step)
        guard envelope.error == 0, envelope.failedItems.isEmpty else {
            let kind = envelope.error == 2 ? "partly failed" : "failed"
            throw WazuhAPIError(step: step, message: "\(kind): \(envelope.failureText)")
        }
        return envelope
    }

    private func authorized(_ request: WazuhAPIRequest) -> WazuhAPIRequest {
        var request = request
        request.headers.append(("Authorization", "Bearer \(token ?? "")"))
        return request
    }

    /// Sends `request`, waiting out HTTP 429 (error 6001, the API's requests-per-minute limit):
    /// a deploy's logtest gate alone sends one request per packaged test case.
    private func send(_ request: WazuhAPIRequest, step: String) async throws -> WazuhAPIResponse {
        var response = try await sendOnce(request, step: step)
        let started = Date()
        var told = false
        while response.status == 429, Date().timeIntervalSince(started) < rateLimitPatience {
            if !told {
                notice?("rate limit: the API allows max_request_per_minute requests a minute; waiting for the next minute")
                told = true
            }
            try await Task.sleep(nanoseconds: UInt64(rateLimitPoll * 1_000_000_000))
            response = try await sendOnce(request, step: step)
        }
        return response
    }

    private func sendOnce(_ request: WazuhAPIRequest, step: String) async throws -> WazuhAPIResponse {
        do {
            return try await transport.send(request)
        } catch let failure as TransportFailure {
            throw WazuhAPIError(step: step, message: failure.description)
        } catch {
            throw WazuhAPIError(step: step, message: "request failed: \(error)")
        }
    }

    public static func envelope(_ response: WazuhAPIResponse, step: String) throws -> WazuhEnvelope {
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw WazuhAPIError(step: step, message: "HTTP \(response.status) without a JSON answer")
        }
        return WazuhEnvelope(object: object)
    }

    /// `HTTP 400: title: detail (code n)` from the API's problem JSON, or the status alone.
    public static func httpError(_ response: WazuhAPIResponse) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            return "HTTP \(response.status)"
        }
        let parts = [object["title"] as? String, object["detail"] as? String].compactMap { $0 }
        let code = (object["error"] as? NSNumber).map { " (code \($0.intValue))" } ?? ""
        return "HTTP \(response.status)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ": ")) + code
    }
}
