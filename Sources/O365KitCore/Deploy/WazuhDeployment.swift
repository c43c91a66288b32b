import Foundation

/// `o365kit deploy wazuh`: puts the generated rule files and CDB lists on a Wazuh 4.x
/// manager through its server API, validated and loaded, or leaves the manager's files as
/// they were.
///
/// Steps: authenticate → read the version (refuse 5.x, which has no XML ruleset) → cluster
/// status → download the manager's copies of our files (the plan; `dryRun` stops here) →
/// upload new and changed files → validate the configuration → prove the pack on the
/// manager's own engine (the logtest gate) → hot-reload analysisd (4.13+) or restart. Any
/// failure after the first upload restores every uploaded file from its downloaded copy, or
/// deletes it when it was new.
///
/// The gate exists because a manager accepts, validates and reloads a pack whose rules it
/// drops: loader warnings (an `if_sid` parent that loads later, a list not in ossec.conf) do
/// not fail an upload or validation. Every packaged test case goes through `PUT /logtest` in a
/// new session (which loads the rule files from disk, uploads included) and must end at its
/// rule and level; a loader warning or error that names one of our rules or files fails too.
public struct WazuhDeployment: Sendable {
    /// How a run ended; the raw value is the CLI's exit code.
    public enum Outcome: Int32, Sendable, Codable {
        /// Deployed and loaded, or nothing to change, or a dry run.
        case deployed = 0
        /// Failed; the manager's files are as they were (rolled back, or never touched).
        case failed = 1
        /// Failed, and restoring the previous files failed too: the manager needs a look.
        case rollbackFailed = 2
    }

    public struct Report: Sendable {
        public var outcome: Outcome
        public var version: String?
        public var clustered: Bool
        public var plan: [DeployPlanItem]
        /// The failure, when the outcome is not `deployed`.
        public var error: WazuhAPIError?
        public var rollbackErrors: [WazuhAPIError]
    }

    public var files: [DeployFile]
    /// Rule file names of older releases, deleted from the manager when present.
    public var retiredRuleFiles: [String]
    /// The package's test cases (`DeployTestCases`), replayed on the manager before reloading.
    public var testCases: [WazuhSequenceCase]
    public var dryRun: Bool
    /// Progress lines for a person (never holds the password or token).
    public var log: @Sendable (String) -> Void

    public init(files: [DeployFile], testCases: [WazuhSequenceCase] = [], retiredRuleFiles: [String] = WazuhPackPaths.retiredRuleFiles,
                dryRun: Bool, log: @escaping @Sendable (String) -> Void) {
        self.files = files
        self.retiredRuleFiles = retiredRuleFiles.filter { name in !files.contains { $0.kind == .rules && $0.name == name } }
        self.testCases = testCases
        self.dryRun = dryRun
        self.log = log
    }

    public func run(_ client: WazuhAPIClient) async -> Report {
        var client = client
        var report = Report(outcome: .failed, version: nil, clustered: false, plan: [], error: nil, rollbackErrors: [])
        // Files already sent (or retired files deleted), with the manager's previous copy
        // (nil: the file was new).
        var uploaded: [(file: DeployFile, previous: Data?)] = []
        var reloadRequested = false
        do {
            try await client.authenticate()
            let version = try await managerVersion(&client)
            report.version = version.text
            log("manager: Wazuh \(version.text)")
            guard version.major == 4 else {
                throw WazuhAPIError(step: "version", message: "Wazuh \(version.text) is not supported: only 4.x has the XML ruleset and the /rules and /lists endpoints")
            }
            report.clustered = try await isClustered(&client)
            if report.clustered { log("cluster: enabled; using the cluster endpoints") }

            var previous: [String: Data?] = [:]
            for file in files {
                let current = try await download(file, &client)
                previous[file.managerPath] = current
                report.plan.append(DeployPlanItem(file: file, current: current))
            }
            let changes = zip(files, report.plan).filter { $0.1.change != .unchanged }.map(\.0)
            var retired: [(file: DeployFile, current: Data)] = []
            for name in retiredRuleFiles {
                let file = DeployFile(kind: .rules, name: name, data: Data())
                guard let current = try await download(file, &client) else { continue }
                retired.append((file, current))
                report.plan.append(DeployPlanItem(retiring: name, current: current))
            }
            if dryRun || (changes.isEmpty && retired.isEmpty) {
                log(changes.isEmpty && retired.isEmpty ? "nothing to deploy: the manager has these files already" : "dry run: nothing sent")
                report.outcome = .deployed
                return report
            }

            for (file, current) in retired {
                log("delete: \(file.managerPath), an older release's rule file")
                try await client.call(WazuhAPIRequest(.DELETE, file.apiPath), step: "delete \(file.managerPath)")
                uploaded.append((file, current))
            }

            for file in changes {
                log("upload: \(file.managerPath) (\(file.data.count) bytes)")
                // A rejected upload is undone by the API itself (4.9+ restores its backup),
                // so only accepted ones are rolled back here.
                try await client.call(WazuhAPIRequest(.PUT, file.apiPath + "?overwrite=true",
                                                      headers: [("Content-Type", "application/octet-stream")], body: file.data),
                                      step: "upload \(file.managerPath)")
                uploaded.append((file, previous[file.managerPath] ?? nil))
            }
            try await validate(&client, clustered: report.clustered)
            log("validation: OK")
            try await proveOnManager(&client)
            reloadRequested = true
            try await reload(&client, version: version, clustered: report.clustered)
            report.outcome = .deployed
            return report
        } catch {
            let failure = error as? WazuhAPIError ?? WazuhAPIError(step: "deploy", message: "\(error)")
            report.error = failure
            log("failed: \(failure)")
        }
        guard !uploaded.isEmpty else { return report }
        report.rollbackErrors = await rollBack(uploaded, &client, reload: reloadRequested, report: report)
        report.outcome = report.rollbackErrors.isEmpty ? .failed : .rollbackFailed
        return report
    }

    struct Version {
        var text: String
        var major: Int
        var minor: Int
        var atLeast413: Bool { major > 4 || (major == 4 && minor >= 13) }
    }

    /// `GET /` (`data.api_version`), else `GET /manager/info` (`affected_items[0].version`).
    func managerVersion(_ client: inout WazuhAPIClient) async throws -> Version {
        var text = (try? await client.call(WazuhAPIRequest(.GET, "/"), step: "version"))?.data["api_version"] as? String
        if text == nil {
            let info = try await client.call(WazuhAPIRequest(.GET, "/manager/info"), step: "version")
            text = (info.affectedItems.first as? [String: Any])?["version"] as? String
        }
        guard let text else { throw WazuhAPIError(step: "version", message: "the manager did not say its version") }
        let numbers = text.drop { !$0.isNumber }.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        guard numbers.count >= 2 else { throw WazuhAPIError(step: "version", message: "unreadable version '\(text)'") }
        return Version(text: text, major: numbers[0], minor: numbers[1])
    }

    /// `GET /cluster/status`: `data.enabled` and `data.running` both "yes".
    func isClustered(_ client: inout WazuhAPIClient) async throws -> Bool {
        guard let status = try? await client.call(WazuhAPIRequest(.GET, "/cluster/status"), step: "cluster status") else { return false }
        return status.data["enabled"] as? String == "yes" && status.data["running"] as? String == "yes"
    }

    /// The manager's copy of `file` (`GET …?raw=true`), or nil when it has none.
    func download(_ file: DeployFile, _ client: inout WazuhAPIClient) async throws -> Data? {
        let response = try await client.raw(WazuhAPIRequest(.GET, file.apiPath + "?raw=true"), step: "download \(file.managerPath)")
        switch response.status {
        case 200:
            // A JSON envelope instead of the raw file is the API saying it has no such file.
            if let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any], object["error"] != nil || object["data"] != nil {
                let envelope = WazuhEnvelope(object: object)
                if envelope.error != 0 { return nil }
            }
            return response.body
        case 400, 404:
            return nil
        default:
            throw WazuhAPIError(step: "download \(file.managerPath)", message: WazuhAPIClient.httpError(response))
        }
    }

    func validate(_ client: inout WazuhAPIClient, clustered: Bool) async throws {
        let path = clustered ? "/cluster/configuration/validation" : "/manager/configuration/validation"
        let envelope = try await client.call(WazuhAPIRequest(.GET, path), step: "validation")
        let bad = envelope.affectedItems.compactMap { $0 as? [String: Any] }.filter { ($0["status"] as? String) != "OK" }
        if !bad.isEmpty {
            throw WazuhAPIError(step: "validation", message: bad.map { "\($0["name"] ?? "node"): \($0["status"] ?? "not OK")" }.joined(separator: "; "))
        }
    }

    /// The logtest gate: every packaged case in a new session of the manager's own engine.
    func proveOnManager(_ client: inout WazuhAPIClient) async throws {
        let ours = Set(files.filter { $0.kind == .rules }.flatMap { DeployPlanItem.ruleIDs($0.data) }.map(String.init))
        let names = files.map(\.name)
        /// A loader message about our files or rules: a dropped rule, an unknown list.
        func concernsUs(_ message: String) -> Bool {
            message.hasPrefix("ERROR:") || message.hasPrefix("CRITICAL:")
                || names.contains { message.contains($0) } || message.matches(of: /\d{4,6}/).contains { ours.contains(String($0.0)) }
        }
        // An empty package still loads its rules in a session: one event proves they load.
        let cases = testCases.isEmpty
            ? [WazuhSequenceCase(name: "load check", rule: -1, level: -1, events: [#"{"integration":"office365","office365":{}}"#])]
            : testCases
        if testCases.isEmpty { log("logtest: the package has no test cases; checking only that its rules load") }
        var failures: [String] = []
        var loaderChecked = false
        for (index, testCase) in cases.enumerated() {
            var token: String?
            var last: LogtestResponse?
            for event in testCase.events {
                let response = try await LogtestAPI.process(LogtestRequest(event: event, token: token), with: &client)
                if !loaderChecked {
                    loaderChecked = true
                    let problems = response.loaderProblems.filter(concernsUs)
                    if !problems.isEmpty {
                        // 7616: a rule names a list that ossec.conf does not register.
                        let hint = problems.contains { $0.contains("(7616)") }
                            ? " (register each list in ossec.conf on every node, <ruleset><list>etc/lists/NAME</list>, as INSTALL says, then deploy again)" : ""
                        throw WazuhAPIError(step: "logtest", message: "the manager's engine does not load the pack cleanly (\(problems.count) loader messages)\(hint): "
                                            + problems.prefix(10).joined(separator: "; "))
                    }
                }
                token = response.token ?? token
                last = response
            }
            if let token { try? await LogtestAPI.endSession(token, with: &client) }
            if testCase.rule >= 0, last?.rule?.id != testCase.rule || last?.rule?.level != testCase.level {
                let got = last?.rule.map { "rule \($0.id) level \($0.level)" } ?? "no rule"
                failures.append("[\(testCase.name)] expected rule \(testCase.rule) level \(testCase.level), got \(got)")
            }
            if (index + 1) % 50 == 0 && index + 1 < cases.count { log("logtest: \(index + 1)/\(cases.count) cases") }
        }
        guard failures.isEmpty else {
            throw WazuhAPIError(step: "logtest", message: "\(failures.count) of \(cases.count) packaged test cases fail on the manager's engine: "
                                + failures.prefix(20).joined(separator: "; ") + (failures.count > 20 ? "; …" : ""))
        }
        if !testCases.isEmpty { log("logtest: \(cases.count) of \(cases.count) packaged test cases end at their rule on the manager") }
    }

    /// Hot reload (4.13+: the old ruleset stays if the new one fails to load), else restart.
    func reload(_ client: inout WazuhAPIClient, version: Version, clustered: Bool) async throws {
        let path: String
        switch (version.atLeast413, clustered) {
        case (true, false): path = "/manager/analysisd/reload"
        case (true, true): path = "/cluster/analysisd/reload"
        case (false, false): path = "/manager/restart"
        case (false, true): path = "/cluster/restart"
        }
        try await client.call(WazuhAPIRequest(.PUT, path), step: path.hasSuffix("reload") ? "reload" : "restart")
        log(path.hasSuffix("reload") ? "reload: requested (\(path))" : "restart: requested (\(path))")
    }

    /// Restores each uploaded file (newest first): the previous copy back, or the new file
    /// deleted. When a reload was already requested, requests one more so analysisd runs
    /// the restored files.
    func rollBack(_ uploaded: [(file: DeployFile, previous: Data?)], _ client: inout WazuhAPIClient, reload: Bool, report: Report) async -> [WazuhAPIError] {
        var errors: [WazuhAPIError] = []
        for (file, previous) in uploaded.reversed() {
            do {
                if let previous {
                    try await client.call(WazuhAPIRequest(.PUT, file.apiPath + "?overwrite=true",
                                                          headers: [("Content-Type", "application/octet-stream")], body: previous),
                                          step: "restore \(file.managerPath)")
                    log("rollback: restored \(file.managerPath)")
                } else {
                    try await client.call(WazuhAPIRequest(.DELETE, file.apiPath), step: "delete \(file.managerPath)")
                    log("rollback: deleted \(file.managerPath)")
                }
            } catch {
                let failure = error as? WazuhAPIError ?? WazuhAPIError(step: "rollback", message: "\(error)")
                errors.append(failure)
                log("rollback failed: \(failure)")
            }
        }
        if reload, errors.isEmpty, let text = report.version {
            let numbers = text.drop { !$0.isNumber }.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
            do {
                try await self.reload(&client, version: Version(text: text, major: numbers[0], minor: numbers.count > 1 ? numbers[1] : 0), clustered: report.clustered)
            } catch {
                errors.append(error as? WazuhAPIError ?? WazuhAPIError(step: "reload", message: "\(error)"))
            }
        }
        return errors
    }
}
