import Foundation

/// The validated collector configuration: what `run` and `check-config` work from.
///
/// Built only by `ConfigLoader`, which checks every rule of docs/collector.md and reports
/// problems as `path:line:col: error: message`.
public struct CollectorConfig: Sendable, Equatable {
    /// Where checkpoints, the content ledger and the dedupe index live (created 0700).
    public var stateDirectory: URL
    /// Pause between two passes when running without `--once`.
    public var pollInterval: Duration
    /// How far back the first pass of a content type starts (at most 7 days).
    public var initialLookback: Duration
    /// How far behind the checkpoint every pass re-lists, to catch blobs that were listed late.
    public var relistOverlap: Duration
    /// How many tenants are collected at the same time.
    public var maxConcurrentTenants: Int
    /// The tenants, in file order; names are unique.
    public var tenants: [TenantConfig]
    /// The sinks; every record goes to every sink.
    public var sinks: [SinkConfig]
}

/// One Entra tenant and the app registration that reads its audit feed.
public struct TenantConfig: Sendable, Equatable {
    /// A short label used in logs and as the name of the tenant's state file.
    public var name: String
    /// The tenant GUID (goes into the token URL, the API path and PublisherIdentifier).
    public var tenantID: String
    /// The app registration's client id.
    public var clientID: String
    /// How the app authenticates.
    public var auth: AuthConfig
    /// The national cloud: decides the default login and API hosts and the token scope.
    public var cloud: Cloud
    /// Base URL of the token service: `{login}/{tenant_id}/oauth2/v2.0/token`.
    public var loginEndpoint: URL
    /// Base URL of the Management Activity API: `{api}/api/v1.0/{tenant_id}/activity/feed/...`.
    public var apiEndpoint: URL
    /// The content types to subscribe to and collect.
    public var contentTypes: [String]
}

/// Where the app's credential comes from. Only locations are kept here, never a secret.
public enum AuthConfig: Sendable, Equatable {
    /// The client secret is read from a file (one trailing newline is stripped).
    case clientSecretFile(URL)
    /// The client secret is read from an environment variable.
    case clientSecretEnv(String)
    /// A client_assertion JWT signed with this key; the thumbprint comes from the certificate.
    case certificate(certificate: URL, privateKey: URL, algorithm: AssertionAlgorithm)
}

/// The signature scheme of a certificate client assertion.
public enum AssertionAlgorithm: String, Sendable, Equatable, CaseIterable {
    /// RSASSA-PSS with SHA-256, what current Entra documentation shows (header carries x5t#S256).
    case ps256 = "PS256"
    /// RSASSA-PKCS1-v1_5 with SHA-256, the older form ADAL used (header carries x5t).
    case rs256 = "RS256"
}

/// One output for records.
public enum SinkConfig: Sendable, Equatable {
    /// One raw record per line, appended; exactly-once (the offset is committed with the state).
    case jsonl(path: URL)
    /// Wazuh analysisd's unix datagram queue, native `1:office365:` format.
    case wazuh(socket: String)
    /// One raw record per line on standard output.
    case stdout
    /// Splunk HTTP Event Collector.
    case splunkHEC(url: URL, tokenEnv: String, index: String?, batchBytes: Int)

    /// The name used in logs and diagnostics.
    public var kind: String {
        switch self {
        case .jsonl: return "jsonl"
        case .wazuh: return "wazuh"
        case .stdout: return "stdout"
        case .splunkHEC: return "splunk_hec"
        }
    }
}
