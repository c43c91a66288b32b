import CollectorCore
import Foundation
import Testing

@Suite struct ConfigLoaderTests {
    let base = URL(fileURLWithPath: "/etc/o365")

    func parse(_ yaml: String, env: [String: String] = ["SECRET": "x", "HEC": "t"]) throws -> CollectorConfig {
        try ConfigLoader.parse(yaml, path: "c.yaml", baseDirectory: base, environment: env)
    }

    func errors(_ yaml: String) -> [String] {
        do {
            _ = try parse(yaml)
            return []
        } catch let e as ConfigErrors {
            return e.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static let valid = """
    state_dir: ./state
    poll_interval: 300s
    initial_lookback: 24h
    tenants:
      - name: contoso
        tenant_id: 11111111-2222-3333-4444-555555555555
        client_id: AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee
        auth:
          client_secret_env: SECRET
        cloud: gcc-high
        content_types: [Audit.Exchange, DLP.All]
    sinks:
      - type: jsonl
        path: ./events.jsonl
      - type: wazuh
      - type: stdout
      - type: splunk_hec
        url: https://splunk.example:8088
        token_env: HEC
        index: o365
    """

    @Test func parsesTheIssueExample() throws {
        let c = try parse(Self.valid)
        #expect(c.stateDirectory.path == "/etc/o365/state")
        #expect(c.pollInterval == .seconds(300))
        #expect(c.initialLookback == .seconds(86_400))
        #expect(c.tenants[0].clientID == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
        #expect(c.tenants[0].apiEndpoint.absoluteString == "https://manage.office365.us")
        #expect(c.tenants[0].loginEndpoint.absoluteString == "https://login.microsoftonline.us")
        #expect(c.tenants[0].cloud.scope == "https://manage.office365.us/.default")
        #expect(c.tenants[0].contentTypes == ["Audit.Exchange", "DLP.All"])
        #expect(c.sinks == [.jsonl(path: URL(fileURLWithPath: "/etc/o365/events.jsonl")), .wazuh(socket: "/var/ossec/queue/sockets/queue"), .stdout,
                            .splunkHEC(url: URL(string: "https://splunk.example:8088")!, tokenEnv: "HEC", index: "o365", batchBytes: 1 << 20)])
    }

    @Test func reportsLineAndColumnOfEachProblem() {
        let yaml = """
        poll_interval: 5 minutes
        tenants:
          - name: contoso
            tenant_id: not-a-guid
            client_id: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
            auth: {client_secret_env: SECRET}
            colud: gcc
        sinks:
          - type: kafka
        """
        #expect(errors(yaml) == [
            "c.yaml:1:16: error: poll_interval '5 minutes' is not a duration; write a number with s, m, h or d (e.g. 300s, 24h, 7d)",
            "c.yaml:4:16: error: tenant_id 'not-a-guid' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
            "c.yaml:7:5: error: unknown key 'colud' in a tenant; expected one of: auth, client_id, cloud, content_types, endpoints, name, tenant_id",
            "c.yaml:9:11: error: unknown sink type 'kafka'; expected jsonl, wazuh, stdout or splunk_hec",
        ])
    }

    @Test func yamlSyntaxErrorsCarryTheirPosition() {
        let e = errors("tenants: [a, b\nsinks: x\n")
        #expect(e.count == 1)
        #expect(e[0].hasPrefix("c.yaml:2:"))
        #expect(e[0].contains("error: invalid YAML"))
    }

    @Test func plainHTTPOnlyForLoopback() {
        let yaml = Self.valid.replacingOccurrences(of: "    cloud: gcc-high\n", with: "    endpoints:\n      login: http://127.0.0.1:9\n      api: http://example.com:8080\n")
        #expect(errors(yaml) == ["c.yaml:12:12: error: endpoints.api 'http://example.com:8080' must use https (plain http is allowed only for loopback addresses)"])
    }

    @Test func lookbackIsAtMostSevenDays() {
        let yaml = Self.valid.replacingOccurrences(of: "initial_lookback: 24h", with: "initial_lookback: 8d")
        #expect(errors(yaml) == ["c.yaml:3:19: error: initial_lookback must be between 1m and 7d, not 8d"])
    }

    @Test func authNeedsExactlyOneCredentialAndItMustExist() {
        let both = Self.valid.replacingOccurrences(of: "      client_secret_env: SECRET\n", with: "      client_secret_env: SECRET\n      client_secret_file: /nonexistent\n")
        #expect(errors(both) == ["c.yaml:9:7: error: auth has both client_secret_file and client_secret_env; give exactly one credential"])
        let unset = Self.valid.replacingOccurrences(of: "client_secret_env: SECRET", with: "client_secret_env: NOPE")
        #expect(errors(unset) == ["c.yaml:9:26: error: environment variable NOPE (client_secret_env) is not set or empty"])
    }

    @Test func redactedOutputHasNoSecretValues() throws {
        let c = try ConfigLoader.parse(Self.valid, path: "c.yaml", baseDirectory: base, environment: ["SECRET": "hunter2-secret", "HEC": "hec-token-value"])
        let text = c.redactedYAML()
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("hec-token-value"))
        #expect(text.contains("client_secret: <redacted>"))
        #expect(text.contains("token_env: HEC"))
        // The printed form is itself a valid configuration with the same meaning.
        let again = try ConfigLoader.parse(text.replacingOccurrences(of: "      client_secret: <redacted>\n", with: "")
            .replacingOccurrences(of: "    token: <redacted>\n", with: ""), path: "c2.yaml", baseDirectory: base, environment: ["SECRET": "x", "HEC": "t"])
        #expect(again == c)
    }
}
