import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The Wazuh API over AsyncHTTPClient: HTTPS with certificate verification by default
/// (against the system roots, or only `caFile` when given), or none with `insecure`.
public final class AsyncHTTPTransport: WazuhAPITransport {
    private let client: HTTPClient
    private let baseURL: String

    /// `baseURL` like `https://manager:55000` (no trailing slash needed).
    public init(baseURL: String, caFile: String?, insecure: Bool, timeoutSeconds: Int64 = 60) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            tls.trustRoots = .file(caFile)
        }
        if insecure {
            tls.certificateVerification = .none
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(timeoutSeconds))
        // The API answers each request on its own; never follow redirects with credentials.
        configuration.redirectConfiguration = .disallow
        // Wazuh's API (uvicorn) closes a keep-alive connection after 5 s idle; a pooled one
        // older than that fails with "I/O on closed channel" when reused.
        configuration.connectionPool = .init(idleTimeout: .seconds(3))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public func send(_ request: WazuhAPIRequest) async throws -> WazuhAPIResponse {
        var http = HTTPClientRequest(url: baseURL + request.path)
        switch request.method {
        case .GET: http.method = .GET
        case .POST: http.method = .POST
        case .PUT: http.method = .PUT
        case .DELETE: http.method = .DELETE
        }
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        if let body = request.body {
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            return try await execute(http)
        } catch let error as ChannelError where error == .ioOnClosedChannel {
            // The server closed a pooled connection as the request went out: nothing was sent.
            do { return try await execute(http) } catch { throw TransportFailure(baseURL: baseURL, underlying: error) }
        } catch let error as HTTPClientError where error == .remoteConnectionClosed {
            do { return try await execute(http) } catch { throw TransportFailure(baseURL: baseURL, underlying: error) }
        } catch {
            throw TransportFailure(baseURL: baseURL, underlying: error)
        }
    }

    private func execute(_ http: HTTPClientRequest) async throws -> WazuhAPIResponse {
        let response = try await client.execute(http, timeout: .seconds(120))
        // 10 MiB is the API's own upload limit; answers are smaller.
        let buffer = try await response.body.collect(upTo: 32 << 20)
        return WazuhAPIResponse(status: Int(response.status.code), body: Data(buffer.readableBytesView))
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}

/// A request that got no HTTP answer, said for a person: the address, what went wrong and
/// what to try; the library's own text (source paths, BoringSSL stacks) stays out.
public struct TransportFailure: Error, CustomStringConvertible {
    public var baseURL: String
    public var underlying: any Error

    public var description: String {
        let text = String(describing: underlying)
        let lower = text.lowercased()
        if lower.contains("hostname") {
            return "cannot connect to \(baseURL): the manager's certificate is not issued for that host name; use the name it was issued for in --url"
                + " (Wazuh's default self-signed certificate names localhost)"
        }
        if lower.contains("certificate") || lower.contains("handshake") || lower.contains("ssl") || underlying is NIOSSLError {
            let reason = lower.contains("verify") || lower.contains("certificate") ? "the manager's certificate is not trusted" : "the TLS handshake failed"
            return "cannot connect to \(baseURL): \(reason); pass --ca-file with the CA that signed the manager's certificate"
                + " (a default install's self-signed one is /var/ossec/api/configuration/ssl/server.crt), or --insecure for a test manager"
        }
        if lower.contains("refused") {
            return "cannot connect to \(baseURL): connection refused (is the API running and listening on that port?)"
        }
        if let error = underlying as? HTTPClientError, error == .connectTimeout || lower.contains("connecttimeout") {
            return "cannot connect to \(baseURL): no answer within 10 s (host, port or firewall?)"
        }
        if lower.contains("timeout") || lower.contains("timedout") {
            return "\(baseURL) did not answer in time"
        }
        if lower.contains("name") && (lower.contains("resolv") || lower.contains("lookup")) || lower.contains("unknownhost") {
            return "cannot connect to \(baseURL): the host name does not resolve"
        }
        return "cannot reach \(baseURL): \(text.prefix(200))"
    }
}
