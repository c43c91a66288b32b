import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// Undoing a failed deployment so that the manager's files and configuration are byte-identical
/// to what they were.
extension WazuhDeployment {
    /// Undoes `changes` newest first. Each is checked against what the manager holds now, so a
    /// change the API already undid itself (a refused upload restores the old file or removes
    /// the new one) is left alone. When the ruleset was already (re)loaded, loads it once more
    /// so analysisd runs the restored files.
    func rollBack(_ changes: [Change], _ client: inout WazuhAPIClient, reactivate version: Version?, clustered: Bool) async -> [WazuhAPIError] {
        var errors: [WazuhAPIError] = []
        for change in changes.reversed() {
            do {
                switch change {
                case .file(let file, let previous):
                    try await restore(file, to: previous, &client)
                case .configuration(let registration):
                    let current = try await readConfiguration(node: registration.node, &client)
                    guard current != registration.before else { continue }
                    try await putConfiguration(registration.before, node: registration.node, &client)
                    log("rollback: restored \(registration.label)")
                }
            } catch {
                let failure = error as? WazuhAPIError ?? WazuhAPIError(step: "rollback", message: "\(error)")
                errors.append(failure)
                log("rollback failed: \(failure)")
            }
        }
        if let version, errors.isEmpty {
            do {
                _ = try await activate(&client, version: version, clustered: clustered, judged: false)
            } catch {
                errors.append(error as? WazuhAPIError ?? WazuhAPIError(step: "reload", message: "\(error)"))
            }
        }
        return errors
    }

    private func restore(_ file: DeployFile, to previous: Data?, _ client: inout WazuhAPIClient) async throws {
        let current = try await download(file, &client)
        guard current != previous else { return }
        if let previous {
            try await client.call(WazuhAPIRequest(.PUT, file.apiPath + "?overwrite=\(current != nil)",
                                                  headers: [("Content-Type", "application/octet-stream")], body: previous),
                                  step: "restore \(file.managerPath)")
            log("rollback: restored \(file.managerPath)")
        } else {
            try await client.call(WazuhAPIRequest(.DELETE, file.apiPath), step: "delete \(file.managerPath)")
            log("rollback: deleted \(file.managerPath)")
        }
    }
}
