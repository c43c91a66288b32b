import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// Reading and writing the manager's `ossec.conf` through the API, per node in a cluster
/// (`ossec.conf` is not synchronised by the cluster; rules and lists are).
extension WazuhDeployment {
    /// The registration each node needs for `lists` (empty `added` where nothing is missing).
    func planRegistrations(_ lists: [String], _ client: inout WazuhAPIClient, clustered: Bool) async throws -> [ListRegistration] {
        var plans: [ListRegistration] = []
        for node in try await configurationNodes(&client, clustered: clustered) {
            let configuration = try await readConfiguration(node: node, &client)
            plans.append(try ListRegistration.plan(lists, in: configuration, node: node))
        }
        return plans
    }

    /// nil for a standalone manager, else every node name of `GET /cluster/nodes`.
    func configurationNodes(_ client: inout WazuhAPIClient, clustered: Bool) async throws -> [String?] {
        guard clustered else { return [nil] }
        let envelope = try await client.call(WazuhAPIRequest(.GET, "/cluster/nodes"), step: "cluster nodes")
        let names = envelope.affectedItems.compactMap { ($0 as? [String: Any])?["name"] as? String }
        guard !names.isEmpty else { throw WazuhAPIError(step: "cluster nodes", message: "the cluster listed no nodes") }
        return names
    }

    /// `GET /manager/configuration?raw=true` or `GET /cluster/{node}/configuration?raw=true`:
    /// the file's bytes.
    func readConfiguration(node: String?, _ client: inout WazuhAPIClient) async throws -> Data {
        let path = node.map { "/cluster/\($0)/configuration" } ?? "/manager/configuration"
        let step = "read " + (node.map { "etc/ossec.conf (node \($0))" } ?? "etc/ossec.conf")
        let response = try await client.raw(WazuhAPIRequest(.GET, path + "?raw=true"), step: step)
        guard response.status == 200 else { throw WazuhAPIError(step: step, message: WazuhAPIClient.httpError(response)) }
        if let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] {
            throw WazuhAPIError(step: step, message: WazuhEnvelope(object: object).failureText)
        }
        return response.body
    }

    /// `PUT /manager/configuration` (or the node's): the API checks the XML, writes the file,
    /// runs the configuration check and puts the old file back when it fails.
    func putConfiguration(_ data: Data, node: String?, _ client: inout WazuhAPIClient) async throws {
        let path = node.map { "/cluster/\($0)/configuration" } ?? "/manager/configuration"
        try await client.call(WazuhAPIRequest(.PUT, path, headers: [("Content-Type", "application/octet-stream")], body: data),
                              step: "write " + (node.map { "etc/ossec.conf (node \($0))" } ?? "etc/ossec.conf"))
    }
}
