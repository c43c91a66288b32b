import Foundation

/// Why something could not be collected. Messages never contain a token or secret.
public enum CollectorError: Error, CustomStringConvertible, Sendable {
    /// The API answered with an error that retrying does not fix (or retries ran out).
    case api(status: Int, code: String, message: String, what: String)
    /// No usable answer after all retries (timeouts, connection failures).
    case transport(what: String, detail: String)
    /// A contentUri or NextPageUri pointed at a host other than the configured API; not fetched.
    case foreignHost(what: String, host: String)
    /// The token service refused the credential or could not be reached.
    case token(String)
    /// The credential could not be loaded.
    case credential(String)
    /// The blob is not a JSON array of objects.
    case malformedBlob(BlobFormatError)
    /// The blob expired (older than 7 days) before it could be fetched: its records are lost.
    case expired(contentId: String)

    public var description: String {
        switch self {
        case let .api(status, code, message, what):
            return "\(what): HTTP \(status)\(code.isEmpty ? "" : " \(code)")\(message.isEmpty ? "" : ": \(message.prefix(300))")"
        case let .transport(what, detail): return "\(what): \(detail)"
        case let .foreignHost(what, host): return "\(what): refusing to send the token to foreign host '\(host)'"
        case let .token(why): return "token request failed: \(why)"
        case let .credential(why): return "credential: \(why)"
        case let .malformedBlob(e): return "blob \(e)"
        case let .expired(id): return "content \(id) expired before it could be fetched; its records are lost"
        }
    }
}
