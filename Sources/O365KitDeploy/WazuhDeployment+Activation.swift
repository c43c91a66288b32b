import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// Loading the deployed ruleset: analysisd's hot reload, or a manager restart waited out.
extension WazuhDeployment {
    static let reloadedCleanly = "Ruleset reload request sent successfully."

    /// Loads the new ruleset; returns the reload's loader warnings that are not about the pack.
    /// `judged` false (a rollback's reload) only reports the warnings: they are then about the
    /// files the manager had before.
    func activate(_ client: inout WazuhAPIClient, version: Version, clustered: Bool, judged: Bool = true) async throws -> [String] {
        if activation == .restart || !version.atLeast413 {
            try await restart(&client, clustered: clustered)
            return []
        }
        let path = clustered ? "/cluster/analysisd/reload" : "/manager/analysisd/reload"
        let envelope = try await client.call(WazuhAPIRequest(.PUT, path), step: "reload")
        log("reload: requested (\(path))")
        // `msg` is the success sentence only for a ruleset without warnings; otherwise it is the
        // loader's warnings joined with ", " (framework/wazuh/core/analysis.py).
        let warnings = envelope.affectedItems.compactMap { ($0 as? [String: Any])?["msg"] as? String }
            .filter { $0 != Self.reloadedCleanly && !$0.isEmpty }
            .flatMap(Self.splitWarnings)
        let ours = judged ? warnings.filter(concernsPack) : []
        if !ours.isEmpty {
            throw WazuhAPIError(step: "reload", message: "the manager reloaded with \(ours.count) loader warnings about the pack\(Self.hint(ours)): "
                                + ours.prefix(10).joined(separator: "; "))
        }
        if !warnings.isEmpty {
            log("reload: the ruleset has \(warnings.count) loader warnings\(judged ? ", none about the pack" : ""); first: \(warnings[0])")
        }
        return warnings
    }

    /// `"(7617): … rule '100500'., (7619): …"` → one message each.
    static func splitWarnings(_ text: String) -> [String] {
        text.split(separator: /, (?=\(\d{4}\): )/).map(String.init)
    }

    /// `PUT /manager/restart` (or the cluster's), then waits until the API has gone down and
    /// answers again, and a new logtest session loads the ruleset: the API restarts with the
    /// manager (12–14 s on 4.14) and analysisd's logtest comes last.
    func restart(_ client: inout WazuhAPIClient, clustered: Bool) async throws {
        let path = clustered ? "/cluster/restart" : "/manager/restart"
        try await client.call(WazuhAPIRequest(.PUT, path), step: "restart")
        log("restart: requested (\(path)); waiting for the manager to come back")
        let started = Date()
        let deadline = started.addingTimeInterval(restartTimeout)
        // The API keeps answering for a few seconds before it stops; a restart that never took
        // the API down within 30 s is taken as done (a cluster restarts its workers first).
        var wentDown = false
        while Date() < deadline, Date().timeIntervalSince(started) < 30 {
            if !(await answers(&client)) { wentDown = true; break }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        if wentDown { log("restart: the API is down") }
        while Date() < deadline {
            if await answers(&client) {
                let probe = try? await LogtestAPI.process(LogtestRequest(event: #"{"integration":"office365","office365":{}}"#, token: nil), with: &client)
                if let probe, probe.codemsg >= 0 || probe.rule != nil {
                    if let token = probe.token { try? await LogtestAPI.endSession(token, with: &client) }
                    log("restart: the manager answers again after \(Int(Date().timeIntervalSince(started))) s")
                    return
                }
                if let probe, probe.codemsg == -1, probe.messages.contains(where: { $0.contains("(7311)") }) {
                    throw WazuhAPIError(step: "restart", message: "the restarted manager does not load its ruleset: " + probe.messages.prefix(10).joined(separator: "; "))
                }
            }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        throw WazuhAPIError(step: "restart", message: "the manager did not answer within \(Int(restartTimeout)) s of the restart request")
    }

    /// Whether `GET /` answers with HTTP 200 and error 0 (a restarting API answers 500, error 1017).
    private func answers(_ client: inout WazuhAPIClient) async -> Bool {
        guard let response = try? await client.raw(WazuhAPIRequest(.GET, "/"), step: "restart") else { return false }
        guard response.status == 200, let envelope = try? WazuhAPIClient.envelope(response, step: "restart") else { return false }
        return envelope.error == 0
    }
}
