import Foundation

/// The manager address and password of `o365kit deploy wazuh`, checked before anything
/// is sent.
public struct DeployEndpoint: Sendable {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// `scheme://host:port` without a trailing slash.
    public var baseURL: String
    public var warnings: [String]

    /// https:// is required, except http:// for loopback addresses (127.0.0.0/8, ::1,
    /// localhost), which warns.
    public init(_ text: String) throws(Invalid) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let rawHost = components.host, !rawHost.isEmpty else {
            throw Invalid(description: "--url '\(text)' is not a URL like https://manager:55000")
        }
        guard components.user == nil && components.password == nil else {
            throw Invalid(description: "--url must not carry credentials; use --user and --password-file")
        }
        guard components.path.isEmpty || components.path == "/" else {
            throw Invalid(description: "--url must be the API root, like https://manager:55000")
        }
        // Foundation keeps the brackets of an IPv6 literal on some platforms and not others.
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        warnings = []
        switch scheme {
        case "https":
            break
        case "http":
            guard Self.isLoopback(host) else {
                throw Invalid(description: "--url: plain http:// is accepted only for loopback addresses; use https://")
            }
            warnings.append("plain http:// to \(host): credentials are not encrypted (accepted for loopback only)")
        default:
            throw Invalid(description: "--url: unsupported scheme '\(scheme)'; use https://")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        baseURL = "\(scheme)://\(hostPart)" + (components.port.map { ":\($0)" } ?? "")
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The first line of `file`, else `WAZUH_API_PASSWORD`.
    public static func password(file: String?, environment: [String: String]) throws(Invalid) -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Invalid(description: "cannot read --password-file \(file)")
            }
            // By scalars: "\r\n" is one Character, so a Character split never sees its "\n".
            let scalars = String(decoding: data, as: UTF8.self).unicodeScalars
            let line = scalars.prefix { $0 != "\n" }
            let password = String(String.UnicodeScalarView(line.last == "\r" ? line.dropLast() : line[...]))
            guard !password.isEmpty else { throw Invalid(description: "--password-file \(file) is empty") }
            return password
        }
        guard let password = environment["WAZUH_API_PASSWORD"], !password.isEmpty else {
            throw Invalid(description: "no password: pass --password-file FILE or set WAZUH_API_PASSWORD")
        }
        return password
    }
}
