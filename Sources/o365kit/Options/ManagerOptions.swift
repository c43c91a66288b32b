import ArgumentParser
import Foundation
import O365KitCore
import WazuhServerAPI

/// How to reach a manager's API: the credentials and TLS options of `deploy wazuh` and
/// `test --manager`. The address itself is each command's own option.
struct ManagerOptions: ParsableArguments {
    @Option(help: "API user.")
    var user: String = "wazuh-wui"

    @Option(help: "File holding the API password (first line). Default: $WAZUH_API_PASSWORD.")
    var passwordFile: String?

    @Option(help: "PEM file of the CA that signed the manager's certificate.")
    var caFile: String?

    @Flag(help: "Do not verify the manager's TLS certificate (prints a warning).")
    var insecure = false

    /// An API session with the manager at `url`, warnings printed; exit 64 when the address or
    /// the password cannot be used. The caller shuts the transport down.
    func connect(_ url: String) throws -> (client: WazuhAPIClient, transport: AsyncHTTPTransport) {
        let endpoint: DeployEndpoint
        let password: String
        do {
            endpoint = try DeployEndpoint(url)
            password = try DeployEndpoint.password(file: passwordFile, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("error: \(error)\n")
            throw ExitCode(64)
        }
        for warning in endpoint.warnings { printError("warning: \(warning)\n") }
        if insecure { printError("warning: --insecure: the manager's TLS certificate is not verified; anyone on the path can read the credentials\n") }
        let transport = try AsyncHTTPTransport(baseURL: endpoint.baseURL, caFile: caFile, insecure: insecure)
        return (WazuhAPIClient(transport: transport, user: user, password: password), transport)
    }
}
