import Foundation

extension CollectorConfig {
    /// The configuration as `check-config` prints it: every default filled in, every path resolved,
    /// and no secret value, only where each secret comes from.
    public func redactedYAML() -> String {
        var out: [String] = []
        out.append("state_dir: \(quote(stateDirectory.path))")
        out.append("poll_interval: \(DurationText.format(pollInterval))")
        out.append("initial_lookback: \(DurationText.format(initialLookback))")
        out.append("relist_overlap: \(DurationText.format(relistOverlap))")
        out.append("max_concurrent_tenants: \(maxConcurrentTenants)")
        out.append("tenants:")
        for t in tenants {
            out.append("  - name: \(quote(t.name))")
            out.append("    tenant_id: \(t.tenantID)")
            out.append("    client_id: \(t.clientID)")
            out.append("    auth:")
            switch t.auth {
            case .clientSecretFile(let url):
                out.append("      client_secret_file: \(quote(url.path))")
                out.append("      client_secret: <redacted>")
            case .clientSecretEnv(let name):
                out.append("      client_secret_env: \(name)")
                out.append("      client_secret: <redacted>")
            case .certificate(let cert, let key, let algorithm):
                out.append("      certificate_file: \(quote(cert.path))")
                out.append("      private_key_file: \(quote(key.path))")
                out.append("      assertion_algorithm: \(algorithm.rawValue)")
            }
            out.append("    cloud: \(t.cloud.rawValue)")
            out.append("    endpoints:")
            out.append("      login: \(quote(t.loginEndpoint.absoluteString))")
            out.append("      api: \(quote(t.apiEndpoint.absoluteString))")
            out.append("    content_types: [\(t.contentTypes.joined(separator: ", "))]")
        }
        out.append("sinks:")
        for s in sinks {
            switch s {
            case .jsonl(let path):
                out.append("  - type: jsonl")
                out.append("    path: \(quote(path.path))")
            case .wazuh(let socket):
                out.append("  - type: wazuh")
                out.append("    socket: \(quote(socket))")
            case .stdout:
                out.append("  - type: stdout")
            case .splunkHEC(let url, let tokenEnv, let index, let batch):
                out.append("  - type: splunk_hec")
                out.append("    url: \(quote(url.absoluteString))")
                out.append("    token_env: \(tokenEnv)")
                out.append("    token: <redacted>")
                if let index { out.append("    index: \(quote(index))") }
                out.append("    batch_bytes: \(batch)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func quote(_ s: String) -> String {
        let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "/._-:".contains($0) } && !s.isEmpty && !s.hasPrefix("-")
        if plain && !s.contains(": ") { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
