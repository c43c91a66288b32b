import Foundation

/// One request to the Wazuh server API, path and query included (`/rules/files/x.xml?overwrite=true`).
public struct WazuhAPIRequest: Sendable, Hashable {
    public enum Method: String, Sendable { case GET, POST, PUT, DELETE }
    public var method: Method
    public var path: String
    public var headers: [(String, String)]
    public var body: Data?

    public init(_ method: Method, _ path: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.method == b.method && a.path == b.path && a.body == b.body && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }

    public func hash(into h: inout Hasher) {
        h.combine(method)
        h.combine(path)
        h.combine(body)
    }
}

/// The HTTP status and body of a response.
public struct WazuhAPIResponse: Sendable {
    public var status: Int
    public var body: Data
    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// Sends requests to one manager; `AsyncHTTPTransport` is the real one.
public protocol WazuhAPITransport: Sendable {
    func send(_ request: WazuhAPIRequest) async throws -> WazuhAPIResponse
    func shutdown() async throws
}
