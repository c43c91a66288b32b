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
        let response = try await client.execute(http, timeout: .seconds(120))
        // 10 MiB is the API's own upload limit; answers are smaller.
        let buffer = try await response.body.collect(upTo: 32 << 20)
        return WazuhAPIResponse(status: Int(response.status.code), body: Data(buffer.readableBytesView))
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}
