import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange with its whole body read: all the collector's requests go through here.
///
/// Redirects are never followed (a 3xx could otherwise carry the bearer token to another host).
public struct HTTPTransport: Sendable {
    public let client: HTTPClient

    /// A client set up for the collector: no redirects, a short connect timeout and a long read
    /// timeout.
    ///
    /// A failed connection attempt fails the request at once (`retryConnectionEstablishment`
    /// off): by default the pool would keep reconnecting until the connect timeout ran out, so a
    /// refused connection cost the whole timeout on every try. The collector's own `RetryPolicy`
    /// retries it with backoff instead. The connect timeout only bounds a connection that gets no
    /// answer at all (a black-holed address); 5 s is many round trips even across the world.
    public static func makeClient(connectTimeout: TimeAmount = .seconds(5)) -> HTTPClient {
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                              timeout: .init(connect: connectTimeout, read: .seconds(90)))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        config.connectionPool.retryConnectionEstablishment = false
        config.decompression = .enabled(limit: .ratio(50))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    public init(client: HTTPClient) { self.client = client }

    /// Sends one request and reads up to `maxBody` bytes of the answer.
    public func send(_ method: HTTPMethod, _ url: URL, headers: [(String, String)], body: [UInt8]? = nil,
                     timeout: TimeAmount = .seconds(120), maxBody: Int = 256 << 20) async throws -> HTTPExchange {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: maxBody)
        return HTTPExchange(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }
}

/// A finished HTTP exchange.
public struct HTTPExchange: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// `Retry-After` in seconds (delta-seconds or an HTTP date), if present.
    public var retryAfter: Double? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let s = Double(value) { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let d = f.date(from: value) { return max(0, d.timeIntervalSinceNow) }
        return nil
    }

    /// The API's error body `{"error":{"code":"AF…","message":"…"}}`, if it is one.
    public var apiError: (code: String, message: String)? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let err = obj["error"] as? [String: Any] else { return nil }
        return ((err["code"] as? String) ?? "", (err["message"] as? String) ?? "")
    }
}
