import Foundation
import Yams

/// Reads a YAML configuration file into a `CollectorConfig`, collecting every problem with its position.
///
/// Relative paths in the file are resolved against the directory of the file, so that a service
/// and an operator's shell see the same state directory whatever their working directory.
public struct ConfigLoader {
    /// The content types the Management Activity API knows.
    public static let knownContentTypes = [
        "Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General", "DLP.All",
    ]
    /// Where Wazuh 4.2+ listens when a wazuh sink gives no socket.
    public static let defaultWazuhSocket = "/var/ossec/queue/sockets/queue"

    private let path: String
    private let baseDirectory: URL
    private let environment: [String: String]
    private var diagnostics: [ConfigDiagnostic] = []

    /// Loads and validates `path`; throws `ConfigErrors` listing every problem.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CollectorConfig {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigErrors(diagnostics: [ConfigDiagnostic(path: path, line: 0, column: 0, message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(text, path: path, baseDirectory: url.deletingLastPathComponent(), environment: environment)
    }

    /// Validates YAML text; `path` is only used in diagnostics, `baseDirectory` resolves relative paths.
    public static func parse(_ text: String, path: String, baseDirectory: URL, environment: [String: String] = [:]) throws -> CollectorConfig {
        var loader = ConfigLoader(path: path, baseDirectory: baseDirectory, environment: environment)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigErrors(diagnostics: [loader.diagnostic(for: error)])
        }
        guard let root = node else {
            throw ConfigErrors(diagnostics: [ConfigDiagnostic(path: path, line: 1, column: 1, message: "the file is empty; expected a mapping with tenants and sinks")])
        }
        let config = loader.root(root)
        if let config, loader.diagnostics.isEmpty { return config }
        throw ConfigErrors(diagnostics: loader.diagnostics.sorted())
    }

    // MARK: Sections

    private mutating func root(_ node: Node) -> CollectorConfig? {
        guard let map = mapping(node, "the configuration", keys: ["state_dir", "poll_interval", "initial_lookback", "relist_overlap", "max_concurrent_tenants", "tenants", "sinks"]) else { return nil }
        let stateDir = map["state_dir"].flatMap { pathValue($0, "state_dir") } ?? baseDirectory.appendingPathComponent("state")
        let poll = map["poll_interval"].flatMap { duration($0, "poll_interval", min: .seconds(1), max: .seconds(86_400)) } ?? .seconds(300)
        let lookback = map["initial_lookback"].flatMap { duration($0, "initial_lookback", min: .seconds(60), max: .seconds(7 * 86_400)) } ?? .seconds(86_400)
        let overlap = map["relist_overlap"].flatMap { duration($0, "relist_overlap", min: .seconds(0), max: .seconds(86_400)) } ?? .seconds(3_600)
        let concurrency = map["max_concurrent_tenants"].flatMap { integer($0, "max_concurrent_tenants", min: 1, max: 64) } ?? 4

        var tenants: [TenantConfig] = []
        if let node = map["tenants"] {
            if let items = sequence(node, "tenants", nonEmpty: true) {
                var seen: [String: Node] = [:]
                for item in items {
                    guard let tenant = tenant(item) else { continue }
                    if seen[tenant.name] != nil {
                        error(at: item, "tenant name '\(tenant.name)' is used twice; names key the state files and must be unique")
                    }
                    seen[tenant.name] = item
                    tenants.append(tenant)
                }
            }
        } else {
            error(at: node, "missing key 'tenants' (a list of tenants to collect)")
        }
        var sinks: [SinkConfig] = []
        if let node = map["sinks"] {
            if let items = sequence(node, "sinks", nonEmpty: true) {
                var jsonlPaths: Set<String> = []
                for item in items {
                    guard let sink = sink(item) else { continue }
                    if case .jsonl(let url) = sink, !jsonlPaths.insert(url.standardizedFileURL.path).inserted {
                        error(at: item, "two jsonl sinks write to the same file")
                    }
                    sinks.append(sink)
                }
            }
        } else {
            error(at: node, "missing key 'sinks' (where records go: jsonl, wazuh, stdout, splunk_hec)")
        }
        return CollectorConfig(stateDirectory: stateDir, pollInterval: poll, initialLookback: lookback, relistOverlap: overlap,
                               maxConcurrentTenants: concurrency, tenants: tenants, sinks: sinks)
    }

    private mutating func tenant(_ node: Node) -> TenantConfig? {
        guard let map = mapping(node, "a tenant", keys: ["name", "tenant_id", "client_id", "auth", "cloud", "endpoints", "content_types"]) else { return nil }
        let name = required(map, node, "name").flatMap { string($0, "name") }
        if let name, let nameNode = map["name"], name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) || name.hasPrefix(".") {
            error(at: nameNode, "tenant name '\(name)' must be letters, digits, '.', '_' or '-' (it names the state file)")
        }
        let tenantID = required(map, node, "tenant_id").flatMap { guid($0, "tenant_id") }
        let clientID = required(map, node, "client_id").flatMap { guid($0, "client_id") }
        let auth = required(map, node, "auth").flatMap { self.auth($0) }
        var cloud = Cloud.commercial
        if let cloudNode = map["cloud"], let value = string(cloudNode, "cloud") {
            if let parsed = Cloud(rawValue: value) { cloud = parsed } else {
                error(at: cloudNode, "unknown cloud '\(value)'; expected one of: \(Cloud.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var login = URL(string: "https://\(cloud.loginHost)")!
        var api = URL(string: "https://\(cloud.apiHost)")!
        if let endpointsNode = map["endpoints"], let endpoints = mapping(endpointsNode, "endpoints", keys: ["login", "api"]) {
            if let n = endpoints["login"], let u = endpoint(n, "endpoints.login") { login = u }
            if let n = endpoints["api"], let u = endpoint(n, "endpoints.api") { api = u }
        }
        var contentTypes = Self.knownContentTypes
        if let typesNode = map["content_types"], let items = sequence(typesNode, "content_types", nonEmpty: true) {
            contentTypes = []
            for item in items {
                guard let value = string(item, "content type") else { continue }
                if !Self.knownContentTypes.contains(value) {
                    error(at: item, "unknown content type '\(value)'; expected one of: \(Self.knownContentTypes.joined(separator: ", "))")
                } else if contentTypes.contains(value) {
                    error(at: item, "content type '\(value)' is listed twice")
                } else {
                    contentTypes.append(value)
                }
            }
        }
        guard let name, let tenantID, let clientID, let auth else { return nil }
        return TenantConfig(name: name, tenantID: tenantID, clientID: clientID, auth: auth, cloud: cloud,
                            loginEndpoint: login, apiEndpoint: api, contentTypes: contentTypes)
    }

    private mutating func auth(_ node: Node) -> AuthConfig? {
        guard let map = mapping(node, "auth", keys: ["client_secret_file", "client_secret_env", "certificate_file", "private_key_file", "assertion_algorithm"]) else { return nil }
        let forms = ["client_secret_file", "client_secret_env", "certificate_file"].filter { map[$0] != nil }
        guard forms.count == 1 else {
            error(at: node, forms.isEmpty
                  ? "auth needs one of client_secret_file, client_secret_env, or certificate_file with private_key_file"
                  : "auth has both \(forms.joined(separator: " and ")); give exactly one credential")
            return nil
        }
        switch forms[0] {
        case "client_secret_file":
            if map["private_key_file"] != nil { error(at: map["private_key_file"]!, "private_key_file goes with certificate_file, not with a client secret") }
            guard let n = map["client_secret_file"], let url = pathValue(n, "client_secret_file") else { return nil }
            if !FileManager.default.isReadableFile(atPath: url.path) {
                error(at: n, "client_secret_file '\(url.path)' does not exist or is not readable")
            }
            return .clientSecretFile(url)
        case "client_secret_env":
            guard let n = map["client_secret_env"], let name = string(n, "client_secret_env") else { return nil }
            if (environment[name] ?? "").isEmpty { error(at: n, "environment variable \(name) (client_secret_env) is not set or empty") }
            return .clientSecretEnv(name)
        default:
            guard let certNode = map["certificate_file"], let cert = pathValue(certNode, "certificate_file") else { return nil }
            guard let keyNode = map["private_key_file"] else {
                error(at: node, "certificate_file needs private_key_file (the PEM RSA key that signs the client assertion)")
                return nil
            }
            guard let key = pathValue(keyNode, "private_key_file") else { return nil }
            for (n, url, what) in [(certNode, cert, "certificate_file"), (keyNode, key, "private_key_file")] where !FileManager.default.isReadableFile(atPath: url.path) {
                error(at: n, "\(what) '\(url.path)' does not exist or is not readable")
            }
            var algorithm = AssertionAlgorithm.ps256
            if let n = map["assertion_algorithm"], let value = string(n, "assertion_algorithm") {
                if let a = AssertionAlgorithm(rawValue: value) { algorithm = a } else { error(at: n, "assertion_algorithm must be PS256 or RS256") }
            }
            return .certificate(certificate: cert, privateKey: key, algorithm: algorithm)
        }
    }

    private mutating func sink(_ node: Node) -> SinkConfig? {
        guard let map = mapping(node, "a sink", keys: ["type", "path", "socket", "url", "token_env", "index", "batch_bytes"]) else { return nil }
        guard let typeNode = required(map, node, "type"), let type = string(typeNode, "type") else { return nil }
        func only(_ allowed: Set<String>) {
            for key in map.keys.sorted() where !allowed.contains(key) && key != "type" {
                error(at: map[key]!, "'\(key)' does not apply to a \(type) sink")
            }
        }
        switch type {
        case "jsonl":
            only(["path"])
            guard let n = required(map, node, "path"), let url = pathValue(n, "path") else { return nil }
            return .jsonl(path: url)
        case "wazuh":
            only(["socket"])
            let socket = map["socket"].flatMap { string($0, "socket") } ?? Self.defaultWazuhSocket
            if let n = map["socket"], socket.utf8.count >= 108 { error(at: n, "socket path is longer than a unix socket address allows (107 bytes)") }
            return .wazuh(socket: socket.hasPrefix("/") ? socket : baseDirectory.appendingPathComponent(socket).path)
        case "stdout":
            only([])
            return .stdout
        case "splunk_hec":
            only(["url", "token_env", "index", "batch_bytes"])
            let url = required(map, node, "url").flatMap { endpoint($0, "url") }
            let tokenEnv = required(map, node, "token_env").flatMap { string($0, "token_env") }
            if let tokenEnv, let n = map["token_env"], (environment[tokenEnv] ?? "").isEmpty {
                error(at: n, "environment variable \(tokenEnv) (token_env) is not set or empty")
            }
            let index = map["index"].flatMap { string($0, "index") }
            let batch = map["batch_bytes"].flatMap { integer($0, "batch_bytes", min: 1024, max: 100 << 20) } ?? (1 << 20)
            guard let url, let tokenEnv else { return nil }
            return .splunkHEC(url: url, tokenEnv: tokenEnv, index: index, batchBytes: batch)
        default:
            error(at: typeNode, "unknown sink type '\(type)'; expected jsonl, wazuh, stdout or splunk_hec")
            return nil
        }
    }

    // MARK: Values

    private mutating func mapping(_ node: Node, _ what: String, keys: Set<String>) -> [String: Node]? {
        guard case .mapping(let m) = node else {
            error(at: node, "\(what) must be a mapping")
            return nil
        }
        var result: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.scalar?.string else { error(at: k, "keys must be plain strings"); continue }
            if !keys.contains(key) {
                error(at: k, "unknown key '\(key)' in \(what); expected one of: \(keys.sorted().joined(separator: ", "))")
                continue
            }
            if result[key] != nil { error(at: k, "key '\(key)' appears twice") }
            result[key] = v
        }
        return result
    }

    private mutating func required(_ map: [String: Node], _ parent: Node, _ key: String) -> Node? {
        if let n = map[key] { return n }
        error(at: parent, "missing key '\(key)'")
        return nil
    }

    private mutating func sequence(_ node: Node, _ what: String, nonEmpty: Bool) -> [Node]? {
        guard case .sequence(let s) = node else {
            error(at: node, "\(what) must be a list")
            return nil
        }
        if nonEmpty && s.isEmpty { error(at: node, "\(what) must not be empty"); return nil }
        return Array(s)
    }

    private mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node, s.tag.description != Tag.Name.null.rawValue, !(s.style == .plain && s.string.isEmpty) else {
            error(at: node, "\(what) must be a string")
            return nil
        }
        return s.string
    }

    private mutating func integer(_ node: Node, _ what: String, min: Int, max: Int) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text), value >= min, value <= max else {
            error(at: node, "\(what) must be a whole number from \(min) to \(max), not '\(text)'")
            return nil
        }
        return value
    }

    private mutating func duration(_ node: Node, _ what: String, min: Duration, max: Duration) -> Duration? {
        guard let text = string(node, what) else { return nil }
        guard let value = DurationText.parse(text) else {
            error(at: node, "\(what) '\(text)' is not a duration; write a number with s, m, h or d (e.g. 300s, 24h, 7d)")
            return nil
        }
        if value < min || value > max {
            error(at: node, "\(what) must be between \(DurationText.format(min)) and \(DurationText.format(max)), not \(text)")
            return nil
        }
        return value
    }

    private mutating func guid(_ node: Node, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        let hex = text.replacingOccurrences(of: "-", with: "")
        let shape = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        guard shape == [8, 4, 4, 4, 12], hex.allSatisfy(\.isHexDigit) else {
            error(at: node, "\(what) '\(text)' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
            return nil
        }
        return text.lowercased()
    }

    private mutating func pathValue(_ node: Node, _ what: String) -> URL? {
        guard let text = string(node, what) else { return nil }
        let expanded = (text as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded).standardizedFileURL
            : baseDirectory.appendingPathComponent(expanded).standardizedFileURL
    }

    private mutating func endpoint(_ node: Node, _ what: String) -> URL? {
        guard let text = string(node, what) else { return nil }
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), url.host != nil, url.query == nil else {
            error(at: node, "\(what) '\(text)' is not an absolute URL without a query")
            return nil
        }
        guard EndpointPolicy.isAllowedScheme(url) else {
            error(at: node, "\(what) '\(text)' must use https (plain http is allowed only for loopback addresses)")
            return nil
        }
        return url
    }

    // MARK: Diagnostics

    private mutating func error(at node: Node, _ message: String) {
        let mark = node.mark
        diagnostics.append(ConfigDiagnostic(path: path, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message))
    }

    private func diagnostic(for error: YamlError) -> ConfigDiagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ConfigDiagnostic(path: path, line: mark.line, column: mark.column, message: "invalid YAML: \(text)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ConfigDiagnostic(path: path, line: context.mark.line, column: context.mark.column, message: "key '\(duplicates.joined(separator: "', '"))' appears twice")
        default:
            return ConfigDiagnostic(path: path, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }
}
