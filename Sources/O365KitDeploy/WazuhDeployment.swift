import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// `o365kit deploy wazuh`: puts the generated rule files and CDB lists on a Wazuh 4.x
/// manager through its server API, registers the lists in its configuration, proves the pack
/// on the manager's own engine and loads it, or leaves the manager byte-identical to before.
///
/// Steps: authenticate → read the version (refuse 5.x, which has no XML ruleset) → cluster
/// status → download the manager's copies of our files and its `ossec.conf` (of every node
/// in a cluster) (the plan; `dryRun` stops here) → delete retired files → upload lists →
/// register them in `ossec.conf` → upload rules → validate the configuration → prove the pack
/// on the manager's own engine (the logtest gate, `WazuhDeployment+Gate.swift`) →
/// hot-reload analysisd (4.13+) or restart and wait for the manager to come back; a reload
/// answer with loader warnings about our files fails too. Any failure after the first change
/// undoes every change, newest first (`WazuhDeployment+Rollback.swift`).
///
/// A manager accepts, validates and reloads a pack whose rules it drops (loader warnings do
/// not fail an upload or a validation), so success is only what the manager's engine shows.
public struct WazuhDeployment: Sendable {
    /// How a run ended; the raw value is the CLI's exit code.
    public enum Outcome: Int32, Sendable, Codable {
        /// Deployed and loaded, or nothing to change, or a dry run.
        case deployed = 0
        /// Failed; the manager's files and configuration are as they were (rolled back, or never touched).
        case failed = 1
        /// Failed, and restoring the previous state failed too: the manager needs a look.
        case rollbackFailed = 2
    }

    public struct Report: Sendable {
        public var outcome: Outcome
        public var version: String?
        public var clustered: Bool
        public var plan: [DeployPlanItem]
        /// `<list>` lines added to (or, on a dry run, missing from) each node's ossec.conf.
        public var registrations: [ListRegistration]
        /// Loader warnings of the reload that are not about the pack (the manager's own).
        public var managerWarnings: [String]
        /// Packaged test cases proven on the manager's engine.
        public var casesProven: Int
        /// The failure, when the outcome is not `deployed`.
        public var error: WazuhAPIError?
        public var rollbackErrors: [WazuhAPIError]
    }

    /// How the manager loads the new ruleset.
    public enum Activation: String, Sendable {
        /// Hot reload on 4.13+ (analysisd keeps the old ruleset if the new one fails),
        /// restart on older managers.
        case automatic
        /// Always restart the manager (and wait until its API and logtest answer again).
        case restart
    }

    public var files: [DeployFile]
    /// Rule file names of older releases, deleted from the manager when present.
    public var retiredRuleFiles: [String]
    /// The package's test cases (`DeployTestCases`), replayed on the manager before loading.
    public var testCases: [WazuhSequenceCase]
    public var dryRun: Bool
    public var activation: Activation
    /// How long to wait for a restarted manager (its API, then its logtest).
    public var restartTimeout: TimeInterval
    /// Progress lines for a person (never holds the password or token).
    public var log: @Sendable (String) -> Void

    public init(files: [DeployFile], testCases: [WazuhSequenceCase] = [], retiredRuleFiles: [String] = WazuhPackPaths.retiredRuleFiles,
                dryRun: Bool, activation: Activation = .automatic, restartTimeout: TimeInterval = 300, log: @escaping @Sendable (String) -> Void) {
        self.files = files
        self.retiredRuleFiles = retiredRuleFiles.filter { name in !files.contains { $0.kind == .rules && $0.name == name } }
        self.testCases = testCases
        self.dryRun = dryRun
        self.activation = activation
        self.restartTimeout = restartTimeout
        self.log = log
    }

    /// One change made on the manager, with what undoes it.
    enum Change {
        /// A file written or deleted; `previous` nil when the manager had none.
        case file(DeployFile, previous: Data?)
        case configuration(ListRegistration)
    }

    public func run(_ client: WazuhAPIClient) async -> Report {
        var client = client
        client.notice = client.notice ?? log
        var report = Report(outcome: .failed, version: nil, clustered: false, plan: [], registrations: [], managerWarnings: [],
                            casesProven: 0, error: nil, rollbackErrors: [])
        var changes: [Change] = []
        var activationRequested = false
        var version = Version(text: "", major: 0, minor: 0)
        do {
            try await client.authenticate()
            version = try await managerVersion(&client)
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
            let changed = zip(files, report.plan).filter { $0.1.change != .unchanged }.map(\.0)
            var retired: [(file: DeployFile, current: Data)] = []
            for name in retiredRuleFiles {
                let file = DeployFile(kind: .rules, name: name, data: Data())
                guard let current = try await download(file, &client) else { continue }
                retired.append((file, current))
                report.plan.append(DeployPlanItem(retiring: name, current: current))
            }
            let lists = files.filter { $0.kind == .lists }.map(\.name)
            if !lists.isEmpty {
                report.registrations = try await planRegistrations(lists, &client, clustered: report.clustered).filter { !$0.added.isEmpty }
            }
            let nothing = changed.isEmpty && retired.isEmpty && report.registrations.isEmpty
            if dryRun || nothing {
                log(nothing ? "nothing to deploy: the manager has these files and lists already" : "dry run: nothing sent")
                report.outcome = .deployed
                return report
            }

            for (file, current) in retired {
                log("delete: \(file.managerPath), an older release's rule file")
                changes.append(.file(file, previous: current))
                try await client.call(WazuhAPIRequest(.DELETE, file.apiPath), step: "delete \(file.managerPath)")
            }
            // Lists before their registration, registration before the rules that use them:
            // analysisd never sees a registered list without its file.
            for file in changed where file.kind == .lists {
                try await upload(file, previous: previous[file.managerPath] ?? nil, clustered: report.clustered, &client, changes: &changes)
            }
            for registration in report.registrations {
                log("configuration: registering \(registration.added.joined(separator: ", ")) in \(registration.label)")
                changes.append(.configuration(registration))
                try await putConfiguration(registration.after, node: registration.node, &client)
            }
            for file in changed where file.kind == .rules {
                try await upload(file, previous: previous[file.managerPath] ?? nil, clustered: report.clustered, &client, changes: &changes)
            }
            try await validate(&client, clustered: report.clustered)
            log("validation: OK")
            report.casesProven = try await proveOnManager(&client)
            activationRequested = true
            report.managerWarnings = try await activate(&client, version: version, clustered: report.clustered)
            report.outcome = .deployed
            return report
        } catch {
            report.error = error as? WazuhAPIError ?? WazuhAPIError(step: "deploy", message: "\(error)")
        }
        guard !changes.isEmpty else { return report }
        report.rollbackErrors = await rollBack(changes, &client, reactivate: activationRequested ? version : nil, clustered: report.clustered)
        report.outcome = report.rollbackErrors.isEmpty ? .failed : .rollbackFailed
        return report
    }

    /// Uploads one file. A new file goes with `overwrite=false`: the API deletes a refused new
    /// file only then (with `overwrite=true` it stays on the manager); a changed one with
    /// `overwrite=true`, whose refusal the API undoes from its backup.
    func upload(_ file: DeployFile, previous: Data?, clustered: Bool, _ client: inout WazuhAPIClient, changes: inout [Change]) async throws {
        log("upload: \(file.managerPath) (\(file.data.count) bytes)")
        changes.append(.file(file, previous: previous))
        do {
            try await client.call(WazuhAPIRequest(.PUT, file.apiPath + "?overwrite=\(previous != nil)",
                                                  headers: [("Content-Type", "application/octet-stream")], body: file.data),
                                  step: "upload \(file.managerPath)")
        } catch var failure as WazuhAPIError where file.kind == .rules && failure.message.contains("1113") {
            // The API's dummy logtest loads every rule file: one file analysisd refuses, ours
            // or not, fails every rule upload. Validation names it.
            if let reason = try? await validationFailure(&client, clustered: clustered) {
                failure.message += "; the manager's configuration check says: \(reason)"
                    + " (a rule file the manager cannot load refuses every rule upload: fix or delete it, then deploy again)"
            }
            throw failure
        }
    }

    struct Version {
        var text: String
        var major: Int
        var minor: Int
        var atLeast413: Bool { major > 4 || (major == 4 && minor >= 13) }

        init(text: String, major: Int, minor: Int) {
            self.text = text
            self.major = major
            self.minor = minor
        }

        init?(_ text: String) {
            let numbers = text.drop { !$0.isNumber }.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
            guard numbers.count >= 2 else { return nil }
            self.init(text: text, major: numbers[0], minor: numbers[1])
        }
    }

    /// `GET /` (`data.api_version`), else `GET /manager/info` (`affected_items[0].version`).
    func managerVersion(_ client: inout WazuhAPIClient) async throws -> Version {
        var text = (try? await client.call(WazuhAPIRequest(.GET, "/"), step: "version"))?.data["api_version"] as? String
        if text == nil {
            let info = try await client.call(WazuhAPIRequest(.GET, "/manager/info"), step: "version")
            text = (info.affectedItems.first as? [String: Any])?["version"] as? String
        }
        guard let text else { throw WazuhAPIError(step: "version", message: "the manager did not say its version") }
        guard let version = Version(text) else { throw WazuhAPIError(step: "version", message: "unreadable version '\(text)'") }
        return version
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
        if let reason = try await validationFailure(&client, clustered: clustered) {
            throw WazuhAPIError(step: "validation", message: reason)
        }
    }

    /// What the manager's configuration check reports, or nil when every node is OK.
    func validationFailure(_ client: inout WazuhAPIClient, clustered: Bool) async throws -> String? {
        let path = clustered ? "/cluster/configuration/validation" : "/manager/configuration/validation"
        let response = try await client.raw(WazuhAPIRequest(.GET, path), step: "validation")
        guard (200..<300).contains(response.status) else { throw WazuhAPIError(step: "validation", message: WazuhAPIClient.httpError(response)) }
        let envelope = try WazuhAPIClient.envelope(response, step: "validation")
        let bad = envelope.affectedItems.compactMap { $0 as? [String: Any] }.filter { ($0["status"] as? String) != "OK" }
        if envelope.error != 0 || !envelope.failedItems.isEmpty { return envelope.failureText }
        if !bad.isEmpty { return bad.map { "\($0["name"] ?? "node"): \($0["status"] ?? "not OK")" }.joined(separator: "; ") }
        return nil
    }
}
