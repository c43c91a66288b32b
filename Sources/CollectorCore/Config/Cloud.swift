import Foundation

/// The Microsoft 365 plans, each with its own login and API hosts (o365-api.md §1, Hosts).
public enum Cloud: String, Sendable, Equatable, CaseIterable {
    case commercial
    case gcc
    case gccHigh = "gcc-high"
    case dod

    /// The Management Activity API host; the token scope is `https://<host>/.default`.
    public var apiHost: String {
        switch self {
        case .commercial: return "manage.office.com"
        case .gcc: return "manage-gcc.office.com"
        case .gccHigh: return "manage.office365.us"
        case .dod: return "manage.protection.apps.mil"
        }
    }

    /// The Entra login host.
    public var loginHost: String {
        switch self {
        case .commercial, .gcc: return "login.microsoftonline.com"
        case .gccHigh, .dod: return "login.microsoftonline.us"
        }
    }

    /// The OAuth scope that asks for a token for this cloud's API, whatever URL it is reached at.
    public var scope: String { "https://\(apiHost)/.default" }
}

/// Rules for endpoint URLs that apply everywhere a URL is configured or received.
public enum EndpointPolicy {
    /// Whether `host` is a loopback address, the only place plain http is allowed.
    public static func isLoopback(_ host: String?) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether `url` may be used: https anywhere, http only on loopback.
    public static func isAllowedScheme(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host != nil
        case "http": return isLoopback(url.host)
        default: return false
        }
    }

    /// Whether `url` points at the same origin (scheme, host, port) as `base`: the only place a bearer token may go.
    public static func isSameOrigin(_ url: URL, as base: URL) -> Bool {
        func port(_ u: URL) -> Int? { u.port ?? (u.scheme?.lowercased() == "https" ? 443 : u.scheme?.lowercased() == "http" ? 80 : nil) }
        return url.scheme?.lowercased() == base.scheme?.lowercased()
            && url.host?.lowercased() == base.host?.lowercased()
            && port(url) == port(base)
    }
}
