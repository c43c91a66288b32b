import Foundation
import NIOHTTP1

/// The Office 365 Management Activity API of one tenant: subscriptions, listings, blobs.
///
/// Every request goes to the configured API origin only; a contentUri or NextPageUri on any other
/// host is refused before anything is sent. 429, 403 AF429, 5xx and transport failures are
/// retried with backoff and jitter, honouring Retry-After; a 401 renews the token once.
public struct ManagementAPI: Sendable {
    public let tenant: TenantConfig
    let http: HTTPTransport
    let tokens: TokenProvider
    let retry: RetryPolicy
    let log: CollectorLog
    /// The API's clock, learned from the `Date` header of every answer.
    public let clock: ServerClock

    public init(tenant: TenantConfig, http: HTTPTransport, tokens: TokenProvider, retry: RetryPolicy, clock: ServerClock, log: CollectorLog) {
        self.tenant = tenant
        self.http = http
        self.tokens = tokens
        self.retry = retry
        self.clock = clock
        self.log = log
    }

    /// `{api}/api/v1.0/{tenant}/activity/feed/`
    var feedBase: URL {
        tenant.apiEndpoint.appendingPathComponent("api/v1.0").appendingPathComponent(tenant.tenantID).appendingPathComponent("activity/feed")
    }

    func feedURL(_ operation: String, _ query: [(String, String)]) -> URL {
        var c = URLComponents(url: feedBase.appendingPathComponent(operation), resolvingAgainstBaseURL: false)!
        c.percentEncodedQueryItems = (query + [("PublisherIdentifier", tenant.tenantID)]).map {
            URLQueryItem(name: $0.0, value: $0.1.addingPercentEncoding(withAllowedCharacters: FormEncoding.allowed))
        }
        return c.url!
    }

    /// Starts the subscriptions of `contentTypes` that are not enabled (AF20024 "already enabled" is success).
    public func ensureSubscriptions(_ contentTypes: [String]) async throws {
        let r = try await call(.GET, feedURL("subscriptions/list", []), what: "subscriptions/list")
        var enabled: Set<String> = []
        if let list = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [[String: Any]] {
            for s in list where (s["status"] as? String)?.lowercased() == "enabled" {
                if let ct = s["contentType"] as? String { enabled.insert(ct) }
            }
        }
        for ct in contentTypes where !enabled.contains(ct) {
            do {
                _ = try await call(.POST, feedURL("subscriptions/start", [("contentType", ct)]), what: "subscriptions/start \(ct)")
                log.notice("subscription started; Microsoft may take up to 12 h to publish the first content", ["tenant": tenant.name, "content_type": ct])
            } catch CollectorError.api(_, "AF20024", _, _) {
                // Already enabled: what we wanted.
            }
        }
    }

    /// Every blob listed for `contentType` with startTime <= contentCreated < endTime, following NextPageUri.
    public func listContent(_ contentType: String, start: Int64, end: Int64) async throws -> [ContentDescriptor] {
        var url = feedURL("subscriptions/content", [("contentType", contentType), ("startTime", UTCTime.format(start)), ("endTime", UTCTime.format(end))])
        var result: [ContentDescriptor] = []
        var pages = 0
        while true {
            pages += 1
            let r = try await call(.GET, url, what: "list \(contentType) page \(pages)")
            do {
                result += try JSONDecoder().decode([ContentDescriptor].self, from: Data(r.body))
            } catch {
                throw CollectorError.api(status: r.status, code: "", message: "the listing is not a JSON array of content descriptors", what: "list \(contentType) page \(pages)")
            }
            // Both spellings have been documented; HTTPHeaders lookup is case-insensitive.
            guard let next = (r.headers.first(name: "NextPageUri") ?? r.headers.first(name: "NextPageUrl"))?.trimmingCharacters(in: .whitespaces),
                  !next.isEmpty else { break }
            guard let nextURL = URL(string: next) else {
                throw CollectorError.api(status: r.status, code: "", message: "unreadable NextPageUri", what: "list \(contentType)")
            }
            url = nextURL
            guard pages < 10_000 else { throw CollectorError.api(status: r.status, code: "", message: "more than 10000 pages; giving up", what: "list \(contentType)") }
        }
        return result
    }

    /// The bytes of one blob.
    public func fetchBlob(_ d: ContentDescriptor) async throws -> [UInt8] {
        guard var c = URLComponents(string: d.contentUri), c.url?.host != nil else {
            throw CollectorError.api(status: 0, code: "", message: "unreadable contentUri", what: "content \(d.contentId)")
        }
        if !(c.queryItems ?? []).contains(where: { $0.name.caseInsensitiveCompare("PublisherIdentifier") == .orderedSame }) {
            c.queryItems = (c.queryItems ?? []) + [URLQueryItem(name: "PublisherIdentifier", value: tenant.tenantID)]
        }
        return try await call(.GET, c.url!, what: "content \(d.contentId)").body
    }

    /// One API request with the bearer token, retried as described above.
    func call(_ method: HTTPMethod, _ url: URL, what: String) async throws -> HTTPExchange {
        guard EndpointPolicy.isSameOrigin(url, as: tenant.apiEndpoint) else {
            throw CollectorError.foreignHost(what: what, host: url.port.map { "\(url.host ?? "?"):\($0)" } ?? url.host ?? "?")
        }
        var attempt = 0
        var renewed = false
        while true {
            attempt += 1
            try Task.checkCancellation()
            let token = try await tokens.token()
            var failure: String
            var retryAfter: Double?
            do {
                let r = try await http.send(method, url, headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")])
                clock.observe(dateHeader: r.headers.first(name: "Date"))
                if (200..<300).contains(r.status) { return r }
                let err = r.apiError
                if r.status == 401 && !renewed {
                    renewed = true
                    await tokens.invalidate(token)
                    attempt -= 1
                    log.info("token refused (401); renewing it", ["tenant": tenant.name, "request": what])
                    continue
                }
                let throttled = r.status == 429 || (r.status == 403 && err?.code == "AF429")
                let transient = throttled || r.status >= 500 || err?.code == "AF20050" || err?.code.hasPrefix("AF5") == true
                guard transient else {
                    throw CollectorError.api(status: r.status, code: err?.code ?? "", message: err?.message ?? "", what: what)
                }
                failure = "HTTP \(r.status)\(err.map { " \($0.code)" } ?? "")"
                retryAfter = r.retryAfter
                guard attempt < retry.maxAttempts else {
                    throw CollectorError.api(status: r.status, code: err?.code ?? "", message: "\(err?.message ?? "") (after \(attempt) attempts)", what: what)
                }
            } catch let e as CollectorError {
                throw e
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = "\(error)"
                guard attempt < retry.maxAttempts else { throw CollectorError.transport(what: what, detail: "\(failure) (after \(attempt) attempts)") }
            }
            let delay = retry.delay(attempt: attempt, retryAfter: retryAfter)
            log.warning("request failed; retrying", ["tenant": tenant.name, "request": what, "error": failure, "attempt": "\(attempt)",
                                                     "retry_in": String(format: "%.2fs", delay)])
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }
}
