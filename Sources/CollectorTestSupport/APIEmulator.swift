import Crypto
import _CryptoExtras
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// A loopback HTTP server that behaves like the Office 365 Management Activity API and the Entra
/// token endpoint, with fault injection. Tests and the benchmark point a collector's `endpoints`
/// at `baseURL`.
///
/// It enforces the documented rules: tokens must be fresh and issued to the URL's tenant;
/// startTime/endTime both or neither, at most 24 h apart, start less than 7 days back and before
/// end (AF20030/AF20055); listings page through `NextPageUri`.
public final class APIEmulator: Sendable {
    public let tenantID: String
    public let clientID: String
    /// The accepted client secret (nil: secrets refused).
    public let clientSecret: String?
    /// The certificate's SHA-256 thumbprint and public key accepted for client assertions.
    public let certificate: (x5tS256: String, key: _RSA.Signing.PublicKey)?
    /// Token lifetime announced in expires_in.
    public let tokenLifetime: Int
    /// Descriptors per listing page.
    public let pageSize: Int
    /// Whether generated records are the ~190-byte kind (RecordFactory.smallTemplate).
    public let smallRecords: Bool

    struct State {
        var blobs: [String: [EmulatedBlob]] = [:]
        /// contentId → blob, so serving a blob does not scan every content type (benchmarks serve tens of thousands).
        var byContentId: [String: EmulatedBlob] = [:]
        var faults = EmulatorFaults()
        var log = EmulatorLog()
        var tokens: [String: Double] = [:]  // token → expiry
        var enabled: Set<String> = []
        var port = 0
    }
    private let state = NIOLockedValueBox(State())
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)

    public init(tenantID: String = "11111111-2222-3333-4444-555555555555", clientID: String = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                clientSecret: String? = "s3cr3t+&=value", certificate: (x5tS256: String, key: _RSA.Signing.PublicKey)? = nil,
                tokenLifetime: Int = 3_600, pageSize: Int = 50, smallRecords: Bool = false) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.certificate = certificate
        self.tokenLifetime = tokenLifetime
        self.pageSize = pageSize
        self.smallRecords = smallRecords
    }

    /// `http://127.0.0.1:<port>`, valid after `start()`.
    public var baseURL: String { "http://127.0.0.1:\(state.withLockedValue { $0.port })" }
    public var port: Int { state.withLockedValue { $0.port } }

    /// Adds blobs to a content type.
    public func add(_ blobs: [EmulatedBlob], contentType: String) {
        state.withLockedValue { s in
            s.blobs[contentType, default: []] += blobs
            for b in blobs where s.byContentId[b.contentId] == nil { s.byContentId[b.contentId] = b }
        }
    }

    /// Changes the faults.
    public func faults(_ change: (inout EmulatorFaults) -> Void) {
        state.withLockedValue { change(&$0.faults) }
    }

    /// What the emulator saw so far.
    public var log: EmulatorLog { state.withLockedValue { $0.log } }

    /// Starts listening on a free loopback port.
    public func start() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { [self] request, _ in try await self.handle(request) },
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "o365-api-emulator"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: { var l = Logger(label: "o365-api-emulator"); l.logLevel = .critical; return l }()
        )
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "emulator-group")))
        group.withLockedValue { $0 = serviceGroup }
        Task { try? await serviceGroup.run() }
        var port = 0
        for await p in stream { port = p }
        state.withLockedValue { $0.port = port }
    }

    /// Stops the server.
    public func stop() async {
        if let g = group.withLockedValue({ $0 }) { await g.triggerGracefulShutdown() }
    }

    // MARK: Handling

    func handle(_ request: Request) async throws -> Response {
        var request = request
        let path = request.uri.path
        state.withLockedValue { $0.log.requests.append("\(request.method) \(path)") }
        if request.method == .post && path == "/\(tenantID)/oauth2/v2.0/token" {
            let body = try await request.collectBody(upTo: 1 << 20)
            return token(form: String(buffer: body))
        }
        let prefix = "/api/v1.0/\(tenantID)/activity/feed/"
        guard path.hasPrefix(prefix) else {
            if path.hasPrefix("/api/v1.0/") { return apiError(.forbidden, "AF20010", "The tenant in the URL does not match the token.") }
            return Response(status: .notFound)
        }
        // Authorization.
        let auth = request.headers[.authorization] ?? ""
        let now = Date().timeIntervalSince1970
        let authorized: Bool = state.withLockedValue { s in
            guard auth.hasPrefix("Bearer "), let exp = s.tokens[String(auth.dropFirst(7))], exp > now else {
                s.log.unauthorized += 1
                return false
            }
            if let n = s.faults.revokeTokensAfter {
                if n <= 0 {
                    s.tokens.removeAll()
                    s.faults.revokeTokensAfter = nil
                    s.log.unauthorized += 1
                    return false
                }
                s.faults.revokeTokensAfter = n - 1
            }
            return true
        }
        guard authorized else { return apiError(.unauthorized, "", "Authorization has been denied for this request.") }
        let op = String(path.dropFirst(prefix.count))
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters where query[String(k)] == nil { query[String(k)] = String(v).removingPercentEncoding ?? String(v) }
        if op == "subscriptions/list" {
            let enabled = state.withLockedValue { $0.enabled }
            let items = enabled.sorted().map { "{\"contentType\":\"\($0)\",\"status\":\"enabled\",\"webhook\":null}" }
            return json(.ok, "[" + items.joined(separator: ",") + "]")
        }
        if op == "subscriptions/start", request.method == .post {
            let ct = query["contentType"] ?? ""
            let already: Bool = state.withLockedValue { s in
                s.log.subscriptionStarts.append(ct)
                return !s.enabled.insert(ct).inserted
            }
            if already { return apiError(.badRequest, "AF20024", "The subscription is already enabled. No property change.") }
            return json(.ok, "{\"contentType\":\"\(ct)\",\"status\":\"enabled\",\"webhook\":null}")
        }
        if op == "subscriptions/content" {
            return listing(query: query)
        }
        if op.hasPrefix("audit/") {
            return try await blob(id: String(op.dropFirst("audit/".count)))
        }
        return apiError(.badRequest, "AF20001", "Unknown operation.")
    }

    func token(form: String) -> Response {
        var fields: [String: String] = [:]
        for pair in form.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        func refuse(_ code: String, _ desc: String) -> Response {
            json(.unauthorized, "{\"error\":\"\(code)\",\"error_description\":\"\(desc)\"}")
        }
        guard fields["grant_type"] == "client_credentials", fields["client_id"] == clientID else { return refuse("unauthorized_client", "AADSTS700016: unknown client") }
        guard fields["scope"] == "https://manage.office.com/.default" else { return json(.badRequest, "{\"error\":\"invalid_scope\"}") }
        var viaCertificate = false
        if let secret = fields["client_secret"] {
            guard secret == clientSecret else { return refuse("invalid_client", "AADSTS7000215: Invalid client secret provided.") }
        } else if let assertion = fields["client_assertion"],
                  fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
            let audience = "\(baseURL)/\(tenantID)/oauth2/v2.0/token"
            if let why = verifyAssertion(assertion, audience: audience) { return refuse("invalid_client", "AADSTS700027: \(why)") }
            viaCertificate = true
        } else {
            return refuse("invalid_client", "AADSTS7000216: client_assertion or client_secret is required.")
        }
        let token = UUID().uuidString + UUID().uuidString
        let lifetime = tokenLifetime
        state.withLockedValue { s in
            s.tokens[token] = Date().timeIntervalSince1970 + Double(lifetime)
            s.log.tokenRequests += 1
            if viaCertificate { s.log.certificateTokens += 1 }
        }
        return json(.ok, "{\"token_type\":\"Bearer\",\"expires_in\":\(lifetime),\"ext_expires_in\":\(lifetime),\"access_token\":\"\(token)\"}")
    }

    /// Checks a client assertion as Entra does; returns why it is refused, or nil.
    func verifyAssertion(_ jwt: String, audience: String) -> String? {
        guard let cert = certificate else { return "no certificate registered" }
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = b64url(parts[0]), let c = b64url(parts[1]), let sig = b64url(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: Data(h)) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: Data(c)) as? [String: Any] else { return "malformed JWT" }
        guard header["x5t#S256"] as? String == cert.x5tS256 else { return "unknown certificate thumbprint" }
        let input = Array("\(parts[0]).\(parts[1])".utf8)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: sig)
        let valid: Bool
        switch header["alg"] as? String {
        case "PS256": valid = cert.key.isValidSignature(signature, for: input, padding: .PSS)
        case "RS256": valid = cert.key.isValidSignature(signature, for: input, padding: .insecurePKCS1v1_5)
        default: return "unsupported alg"
        }
        guard valid else { return "signature invalid" }
        let now = Date().timeIntervalSince1970
        guard claims["aud"] as? String == audience else { return "wrong audience" }
        guard claims["iss"] as? String == clientID, claims["sub"] as? String == clientID else { return "wrong issuer" }
        guard let exp = claims["exp"] as? Double, exp > now, let nbf = claims["nbf"] as? Double, nbf <= now + 60 else { return "expired" }
        guard claims["jti"] is String else { return "no jti" }
        return nil
    }

    func listing(query: [String: String]) -> Response {
        let ct = query["contentType"] ?? ""
        let startText = query["startTime"]
        let endText = query["endTime"]
        let now = Int64(Date().timeIntervalSince1970)
        var start = now - 86_400
        var end = now
        if startText != nil || endText != nil {
            guard let s = startText.flatMap(parseTime), let e = endText.flatMap(parseTime) else {
                state.withLockedValue { $0.log.rejectedWindows += 1 }
                return apiError(.badRequest, "AF20030", "Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart.")
            }
            guard s < e, e - s <= 86_400, s >= now - 7 * 86_400 - 3_600 else {
                state.withLockedValue { $0.log.rejectedWindows += 1 }
                return apiError(.badRequest, "AF20055", "Start time and end time must both be specified (or both omitted) and they must be more than 0 hours apart and no more than 24 hours apart, with the start time no more than 7 days in the past.")
            }
            start = s
            end = e
        }
        let offset = Int(query["nextPage"] ?? "0") ?? 0
        let (page, header, fail) = state.withLockedValue { s -> ([EmulatedBlob], String, Bool) in
            if s.faults.listingUnavailable > 0 {
                s.faults.listingUnavailable -= 1
                return ([], "", true)
            }
            s.log.windows.append((start, end))
            s.log.pagesServed += 1
            guard s.enabled.contains(ct) else { return ([], "", false) }
            let all = (s.blobs[ct] ?? []).filter { $0.created >= start && $0.created < end }
            return (Array(all.dropFirst(offset).prefix(pageSize)), all.count > offset + pageSize ? s.faults.nextPageHeader : "", false)
        }
        if fail { return apiError(.serviceUnavailable, "AF50000", "An internal error occurred.") }
        guard state.withLockedValue({ $0.enabled.contains(ct) }) else {
            return apiError(.badRequest, "AF20022", "No subscription found for the specified content type")
        }
        var items = page.map { descriptor($0, contentType: ct) }
        if state.withLockedValue({ $0.faults.duplicateListing }), let first = items.first { items.append(first) }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if !header.isEmpty {
            let next = "\(baseURL)/api/v1.0/\(tenantID)/activity/feed/subscriptions/content?contentType=\(ct)&startTime=\(startText ?? "")&endTime=\(endText ?? "")&nextPage=\(offset + pageSize)"
            headers[HTTPFields.Element.Name(header)!] = next
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "[" + items.joined(separator: ",") + "]")))
    }

    func descriptor(_ b: EmulatedBlob, contentType: String) -> String {
        let uri = "\(b.foreignBase ?? baseURL)/api/v1.0/\(tenantID)/activity/feed/audit/\(b.contentId)"
        return "{\"contentType\":\"\(contentType)\",\"contentId\":\"\(b.contentId)\",\"contentUri\":\"\(uri)\",\"contentCreated\":\"\(formatTime(b.created)).000Z\",\"contentExpiration\":\"\(formatTime(b.expiration ?? b.created + 7 * 86_400)).000Z\"}"
    }

    func blob(id: String) async throws -> Response {
        enum Answer { case notFound, throttle, af429, unavailable, body(EmulatedBlob, Double) }
        let answer: Answer = state.withLockedValue { s in
            s.log.blobFetches[id, default: 0] += 1
            if let n = s.faults.throttle[id], n > 0 { s.faults.throttle[id] = n - 1; return .throttle }
            if let n = s.faults.throttleAF429[id], n > 0 { s.faults.throttleAF429[id] = n - 1; return .af429 }
            if let n = s.faults.unavailable[id], n > 0 { s.faults.unavailable[id] = n - 1; return .unavailable }
            if let b = s.byContentId[id] { return .body(b, s.faults.blobDelay) }
            return .notFound
        }
        switch answer {
        case .notFound: return apiError(.badRequest, "AF20052", "Content ID in the URL is invalid.")
        case .throttle:
            var r = apiError(.tooManyRequests, "AF429", "Too many requests. Method=GetBlob, PublisherId=\(tenantID)")
            r.headers[.retryAfter] = "1"
            return r
        case .af429: return apiError(.forbidden, "AF429", "Too many requests. Method=GetBlob, PublisherId=\(tenantID)")
        case .unavailable: return apiError(.serviceUnavailable, "AF50000", "An internal error occurred.")
        case let .body(b, delay):
            if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
            let bytes: [UInt8]
            switch b.body {
            case .raw(let raw): bytes = raw
            case let .generated(seed, count): bytes = RecordFactory.blob(blob: seed, count: count, creationTime: formatTime(b.recordsCreated ?? b.created), small: smallRecords)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    // MARK: Helpers

    func apiError(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(status, "{\"error\":{\"code\":\"\(code)\",\"message\":\"\(message)\"}}")
    }

    func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func b64url(_ s: Substring) -> [UInt8]? {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return Data(base64Encoded: t).map { Array($0) }
    }
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC.
public func formatTime(_ epoch: Int64) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    return f.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
}

/// Parses the API's accepted time forms `YYYY-MM-DD[THH:MM[:SS]]`.
func parseTime(_ text: String) -> Int64? {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
        f.dateFormat = format
        if let d = f.date(from: text) { return Int64(d.timeIntervalSince1970) }
    }
    return nil
}
