import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// The logtest gate: the packaged test cases through the manager's `PUT /logtest`, after
/// upload and validation, before the ruleset is loaded.
extension WazuhDeployment {
    /// Proves the pack on the manager's engine; returns how many cases passed (all, or throws).
    ///
    /// A new logtest session loads the whole ruleset from disk (about 0.4 s on a manager with
    /// the stock rules), so single-event cases share one session; a case that does not end at
    /// its rule there is tried again in a session of its own before it counts as failed (an
    /// earlier event of the shared session can only add correlation the case did not expect).
    /// Sequence cases always get their own session.
    func proveOnManager(_ client: inout WazuhAPIClient) async throws -> Int {
        // An empty package still loads its rules in a session: one event proves they load.
        let cases = testCases.isEmpty
            ? [WazuhSequenceCase(name: "load check", rule: -1, level: -1, events: [#"{"integration":"office365","office365":{}}"#])]
            : testCases
        if testCases.isEmpty { log("logtest: the package has no test cases; checking only that its rules load") }
        var shared: String?
        var loaderChecked = false
        var failures: [String] = []
        do {
            for (index, testCase) in cases.enumerated() {
                var outcome: LogtestResponse?
                if testCase.events.count == 1 {
                    let response = try await LogtestAPI.process(LogtestRequest(event: testCase.events[0], token: shared), with: &client)
                    if !loaderChecked { try checkLoader(response); loaderChecked = true }
                    shared = response.token ?? shared
                    outcome = response
                }
                if outcome == nil || !testCase.isMet(by: outcome) {
                    outcome = try await ownSession(testCase, &client, loaderChecked: &loaderChecked)
                }
                if !testCase.isMet(by: outcome) {
                    let got = outcome?.rule.map { "rule \($0.id) level \($0.level)" } ?? "no rule"
                    failures.append("[\(testCase.name)] expected rule \(testCase.rule) level \(testCase.level), got \(got)")
                }
                if (index + 1) % 100 == 0 && index + 1 < cases.count { log("logtest: \(index + 1)/\(cases.count) cases") }
            }
        } catch {
            if let shared { try? await LogtestAPI.endSession(shared, with: &client) }
            throw error
        }
        if let shared { try? await LogtestAPI.endSession(shared, with: &client) }
        guard failures.isEmpty else {
            throw WazuhAPIError(step: "logtest", message: "\(failures.count) of \(cases.count) packaged test cases fail on the manager's engine: "
                                + failures.prefix(20).joined(separator: "; ") + (failures.count > 20 ? "; …" : ""))
        }
        if !testCases.isEmpty { log("logtest: \(cases.count) of \(cases.count) packaged test cases end at their rule on the manager") }
        return testCases.count
    }

    /// Every event of `testCase` in a new session, which is then ended; the last answer.
    private func ownSession(_ testCase: WazuhSequenceCase, _ client: inout WazuhAPIClient, loaderChecked: inout Bool) async throws -> LogtestResponse? {
        var token: String?
        var last: LogtestResponse?
        for event in testCase.events {
            let response = try await LogtestAPI.process(LogtestRequest(event: event, token: token), with: &client)
            if !loaderChecked { try checkLoader(response); loaderChecked = true }
            token = response.token ?? token
            last = response
        }
        if let token { try? await LogtestAPI.endSession(token, with: &client) }
        return last
    }

    /// A new session's answer carries the loader's newest 50 messages (ours load last, so
    /// they are among them): any that concern the pack fail the deploy.
    private func checkLoader(_ response: LogtestResponse) throws {
        if response.codemsg == -1 && response.rule == nil {
            throw WazuhAPIError(step: "logtest", message: "the manager's engine does not load its ruleset: " + response.messages.prefix(10).joined(separator: "; "))
        }
        let problems = response.loaderProblems.filter(concernsPack)
        guard !problems.isEmpty else { return }
        throw WazuhAPIError(step: "logtest", message: "the manager's engine does not load the pack cleanly (\(problems.count) loader messages)\(Self.hint(problems)): "
                            + problems.prefix(10).joined(separator: "; "))
    }

    /// Whether a loader message is about the pack: an error, or a warning naming one of our
    /// files or rule ids (a dropped rule, an unknown list).
    func concernsPack(_ message: String) -> Bool {
        if message.hasPrefix("ERROR:") || message.hasPrefix("CRITICAL:") { return true }
        let ours = Set(files.filter { $0.kind == .rules }.flatMap { DeployPlanItem.ruleIDs($0.data) }.map(String.init))
        return files.contains { message.contains($0.name) } || message.matches(of: /\d{4,6}/).contains { ours.contains(String($0.0)) }
    }

    static func hint(_ problems: [String]) -> String {
        // 7616: a rule names a list that ossec.conf does not register (deploy registers the
        // package's own lists; this one is not in the package).
        problems.contains { $0.contains("(7616)") }
            ? " (a rule names a list that ossec.conf does not register: deploy registers the package's lists; add any other list to <ruleset> on every node)" : ""
    }
}

extension WazuhSequenceCase {
    /// Whether the last answer of the case ended at its rule and level (`rule` -1: any).
    func isMet(by response: LogtestResponse?) -> Bool {
        rule < 0 || (response?.rule?.id == rule && response?.rule?.level == level)
    }
}
