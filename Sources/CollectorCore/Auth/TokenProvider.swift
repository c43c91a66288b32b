import Foundation
import NIOHTTP1

/// Gets and caches a tenant's OAuth v2 client-credentials token.
///
/// The token is renewed before it expires (a margin of a tenth of its lifetime, 1–5 min) and
/// again when the API answers 401 (`invalidate`); concurrent callers share one request.
public actor TokenProvider {
    private let tenant: TenantConfig
    private let credential: Credential
    private let http: HTTPTransport
    private let retry: RetryPolicy
    private let log: CollectorLog
    private var cached: (token: String, refreshAt: Double)?
    private var inflight: Task<(String, Double), Error>?
    /// How many tokens were fetched (for tests and the pass summary).
    public private(set) var fetchCount = 0

    public init(tenant: TenantConfig, credential: Credential, http: HTTPTransport, retry: RetryPolicy, log: CollectorLog) {
        self.tenant = tenant
        self.credential = credential
        self.http = http
        self.retry = retry
        self.log = log
    }

    /// The token URL: `{login}/{tenant_id}/oauth2/v2.0/token`.
    public var tokenURL: URL {
        tenant.loginEndpoint.appendingPathComponent(tenant.tenantID).appendingPathComponent("oauth2/v2.0/token")
    }

    /// A token valid for a while yet.
    public func token() async throws -> String {
        if let c = cached, Date().timeIntervalSince1970 < c.refreshAt { return c.token }
        if let task = inflight { return try await task.value.0 }
        let task = Task { try await self.fetch() }
        inflight = task
        defer { inflight = nil }
        let result = try await task.value
        cached = result
        return result.0
    }

    /// Forgets `token` after the API refused it, so the next `token()` fetches a new one.
    public func invalidate(_ token: String) {
        if cached?.token == token { cached = nil }
    }

    private func fetch() async throws -> (String, Double) {
        var form = [("client_id", tenant.clientID), ("scope", tenant.cloud.scope), ("grant_type", "client_credentials")]
        switch credential {
        case .secret(let s):
            form.append(("client_secret", s.value))
        case .certificate(let signer):
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", try signer.assertion(audience: tokenURL.absoluteString)))
        }
        let body = Array(form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&").utf8)
        return try await retry.run(
            isPermanent: { $0 is CollectorError },
            retrying: { failure, delay in
                log.warning("token request failed; retrying", ["tenant": tenant.name, "error": failure, "retry_in": String(format: "%.2fs", delay)])
            },
            exhausted: { failure, attempts in CollectorError.token("\(failure) (after \(attempts) attempts)") }
        ) {
            let r = try await http.send(.POST, tokenURL, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                        body: body, timeout: .seconds(60), maxBody: 1 << 20)
            if r.status == 200 {
                guard let obj = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any],
                      let token = obj["access_token"] as? String, !token.isEmpty else {
                    throw CollectorError.token("the token service answered 200 without an access_token")
                }
                // v2 sends a number, v1 a string ("3599"); accept both.
                let lifetime = (obj["expires_in"] as? Double) ?? (obj["expires_in"] as? String).flatMap(Double.init) ?? 3_600
                let margin = min(300, max(60, lifetime / 10))
                fetchCount += 1
                log.debug("token acquired", ["tenant": tenant.name, "expires_in": "\(Int(lifetime))s"])
                return .success((token, Date().timeIntervalSince1970 + max(1, lifetime - margin)))
            }
            let failure = Self.describe(r)
            guard r.status == 429 || r.status >= 500 else { throw CollectorError.token(failure) }
            return .transient(failure, retryAfter: r.retryAfter)
        }
    }

    /// The Entra error (`error`, first line of `error_description`) without echoing the request.
    static func describe(_ r: HTTPExchange) -> String {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else { return "HTTP \(r.status)" }
        let code = (obj["error"] as? String) ?? ""
        let desc = ((obj["error_description"] as? String) ?? "").split(separator: "\n").first.map(String.init) ?? ""
        return "HTTP \(r.status) \(code) \(desc.prefix(200))".trimmingCharacters(in: .whitespaces)
    }
}

/// application/x-www-form-urlencoded escaping (the Wazuh module sends secrets unescaped, which
/// breaks secrets containing `+` or `&`).
enum FormEncoding {
    static let allowed: CharacterSet = {
        var s = CharacterSet.alphanumerics
        s.insert(charactersIn: "-._*")
        return s
    }()

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
