import Foundation
import RealWazuhEngine
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A loopback stand-in for the Wazuh 4.x server API with the response shapes of Wazuh's
/// `framework/wazuh/core/results.py` envelope (failures inside HTTP 200 with `error` 1 or 2),
/// and switches for the failures a deployment must survive.
///
/// Deploy is proven against Wazuh's real API and engine in `RealManagerDeployTests`; this fake
/// stays only for what that manager cannot show here: a cluster (nodes, per-node
/// configuration, a reload that reaches some nodes), Wazuh 5.x and pre-4.13 managers, an
/// expiring token, a delete the manager refuses (a rollback that fails). Its logtest is Wazuh's
/// own engine over the uploaded files, with every uploaded list registered.
actor FakeWazuhManager {
    var version = "4.14.0"
    var clustered = false
    var rules: [String: Data] = [:]
    var lists: [String: Data] = [:]
    /// Validation fails while any rule file contains this text.
    var validationFailsOn: String?
    /// Uploads of these file names are rejected (error 1, code 1113).
    var rejectUploads: Set<String> = []
    /// Deleting these file names fails (error 1).
    var rejectDeletes: Set<String> = []
    /// The cluster reload reaches the master only (error 2, code 1914 for the worker).
    var reloadPartlyFails = false
    /// A token stops being accepted after this many authenticated calls (answers 401).
    var tokenLifetimeCalls: Int?
    /// Each node's ossec.conf (`master-node`, and `worker-1` when clustered).
    var configurations: [String: Data] = ["master-node": FakeWazuhManager.ossecConf, "worker-1": FakeWazuhManager.ossecConf]
    /// Writing the configuration of these nodes fails (error 1, code 1125, as a failed check).
    var rejectConfiguration: Set<String> = []
    /// What the reload answers in `affected_items[0].msg` (the real API joins loader warnings there).
    var reloadMessage = "Ruleset reload request sent successfully."
    /// Every request as `METHOD /path?query`, in order.
    var requests: [String] = []
    var authentications = 0
    var reloads = 0
    var restarts = 0
    var restartedAt: Date?

    private var token = ""
    private var callsWithToken = 0
    static let user = "wazuh-deployer"
    /// The ruleset section as Wazuh's installer writes it, in a short ossec.conf.
    static let ossecConf = Data("""
        <ossec_config>
          <global>
            <jsonout_output>yes</jsonout_output>
          </global>

          <ruleset>
            <!-- Default ruleset -->
            <decoder_dir>ruleset/decoders</decoder_dir>
            <rule_dir>ruleset/rules</rule_dir>
            <rule_exclude>0215-policy_rules.xml</rule_exclude>
            <list>etc/lists/audit-keys</list>
            <!-- <list>etc/lists/o365kit-logon-errors</list> -->

            <!-- User-defined ruleset -->
            <decoder_dir>etc/decoders</decoder_dir>
            <rule_dir>etc/rules</rule_dir>
          </ruleset>
        </ossec_config>

        """.utf8)
    static let password = "s3cret pass"

    func configure(_ change: @Sendable (isolated FakeWazuhManager) -> Void) { change(self) }

    /// Runs `body` with the server listening on a loopback port.
    func serve<Value: Sendable>(_ body: @Sendable (Int) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("/security/user/authenticate") { request, _ in await self.authenticate(request) }
        router.get("/") { request, _ in
            await self.authorized(request) { manager in
                // A restarting manager's API answers 500, error 1017, for a while (12–14 s on 4.14.7; 2 s here).
                if let restarted = manager.restartedAt, Date().timeIntervalSince(restarted) < 2 {
                    return FakeReply(status: .internalServerError, json: ["title": "Wazuh Error", "detail": "Some Wazuh daemons are not ready yet in node \"manager\" (wazuh-analysisd->restarting)", "error": 1017])
                }
                return .ok(["data": ["title": "Wazuh API REST", "api_version": manager.version, "revision": 41400, "hostname": "wazuh-master"], "error": 0])
            }
        }
        router.get("/cluster/status") { request, _ in
            await self.authorized(request) { manager in
                .ok(["data": ["enabled": manager.clustered ? "yes" : "no", "running": manager.clustered ? "yes" : "no"], "error": 0])
            }
        }
        for kind in ["rules", "lists"] {
            router.get("/\(kind)/files/:name") { request, context in
                let name = context.parameters.get("name") ?? ""
                return await self.authorized(request) { manager in manager.read(kind, name) }
            }
            router.put("/\(kind)/files/:name") { request, context in
                var request = request
                let name = context.parameters.get("name") ?? ""
                let body = try await request.collectBody(upTo: 10 << 20)
                let type = request.headers[.contentType]
                let overwrite = request.uri.queryParameters.get("overwrite") == "true"
                return await self.authorized(request) { manager in
                    manager.upload(kind, name, Data(body.readableBytesView), contentType: type, overwrite: overwrite)
                }
            }
            router.delete("/\(kind)/files/:name") { request, context in
                let name = context.parameters.get("name") ?? ""
                return await self.authorized(request) { manager in manager.delete(kind, name) }
            }
        }
        // Logtest is Wazuh's own engine (../shared/wazuh-engine) over the files uploaded here,
        // run off the cooperative pool (it waits on processes).
        router.put("/logtest") { request, _ in
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let state = await self.logtestState(request)
            guard let (sessions, rules, lists) = state.engine else { return state.refusal!.response }
            let reply = try await offThePool {
                do {
                    return FakeReply(status: .ok, raw: try sessions.process(body: body, rules: rules, lists: lists), contentType: "application/json")
                } catch {
                    return FakeReply(status: .internalServerError, json: ["title": "Internal Server Error", "detail": "\(error)", "error": 1000])
                }
            }
            return reply.response
        }
        router.delete("/logtest/sessions/:token") { request, context in
            let token = context.parameters.get("token") ?? ""
            let state = await self.logtestState(request)
            guard let (sessions, _, _) = state.engine else { return state.refusal!.response }
            let removed = try await offThePool { sessions.remove(token) }
            return (removed
                ? FakeReply.ok(["data": ["affected_items": [token], "total_affected_items": 1, "failed_items": []], "message": "Logtest session removed", "error": 0])
                : FakeReply.failed(code: 7004, message: "Invalid token", id: token, error: 1)).response
        }
        router.get("/cluster/nodes") { request, _ in
            await self.authorized(request) { manager in
                let nodes: [[String: Any]] = [["name": "master-node", "type": "master"]] + (manager.clustered ? [["name": "worker-1", "type": "worker"]] : [])
                return .ok(["data": ["affected_items": nodes, "total_affected_items": nodes.count, "total_failed_items": 0, "failed_items": []], "error": 0])
            }
        }
        for path in ["/manager/configuration", "/cluster/:node/configuration"] {
            router.get(RouterPath(path)) { request, context in
                let node = context.parameters.get("node") ?? "master-node"
                return await self.authorized(request) { manager in
                    manager.configurations[node].map { FakeReply(status: .ok, raw: $0, contentType: "application/xml") }
                        ?? .failed(code: 1730, message: "Node does not exist", id: node, error: 1)
                }
            }
            router.put(RouterPath(path)) { request, context in
                var request = request
                let node = context.parameters.get("node") ?? "master-node"
                let body = Data(try await request.collectBody(upTo: 10 << 20).readableBytesView)
                return await self.authorized(request) { manager in
                    guard !manager.rejectConfiguration.contains(node) else {
                        return .failed(code: 1125, message: "Invalid ossec configuration", id: node, error: 1)
                    }
                    manager.configurations[node] = body
                    return .ok(["data": ["affected_items": [node], "total_affected_items": 1, "total_failed_items": 0, "failed_items": []],
                                "message": "Configuration was successfully updated", "error": 0])
                }
            }
        }
        for prefix in ["manager", "cluster"] {
            router.get("/\(prefix)/configuration/validation") { request, _ in
                await self.authorized(request) { manager in manager.validation() }
            }
            router.put("/\(prefix)/analysisd/reload") { request, _ in
                await self.authorized(request) { manager in manager.reload(cluster: prefix == "cluster") }
            }
            router.put("/\(prefix)/restart") { request, _ in
                await self.authorized(request) { manager in
                    manager.restarts += 1
                    manager.restartedAt = Date()
                    return FakeReply(status: .accepted, json: ["data": ["affected_items": ["master-node"], "total_affected_items": 1, "total_failed_items": 0, "failed_items": []],
                                                                "message": "Restart request sent to all specified nodes", "error": 0])
                }
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(client.port!)
        }
    }

    private func log(_ request: Request) {
        requests.append("\(request.method.rawValue) \(request.uri.path)" + (request.uri.query.map { "?\($0)" } ?? ""))
    }

    private func authenticate(_ request: Request) -> Response {
        log(request)
        let expected = "Basic " + Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            return FakeReply(status: .unauthorized, json: ["title": "Unauthorized", "detail": "Invalid credentials", "error": 401]).response
        }
        authentications += 1
        token = "token-\(authentications)"
        callsWithToken = 0
        return FakeReply.ok(["data": ["token": token], "error": 0]).response
    }

    private func authorized(_ request: Request, _ handler: @Sendable (isolated FakeWazuhManager) -> FakeReply) -> Response {
        (authorize(request) ?? handler(self)).response
    }

    /// Logs the request and counts it against the token; the refusal when it is not valid.
    private func authorize(_ request: Request) -> FakeReply? {
        log(request)
        callsWithToken += 1
        let expired = tokenLifetimeCalls.map { callsWithToken > $0 } ?? false
        guard request.headers[.authorization] == "Bearer \(token)", !expired else {
            return FakeReply(status: .unauthorized, json: ["title": "Unauthorized", "detail": "Invalid token", "error": 6000])
        }
        return nil
    }

    private func store(_ kind: String) -> [String: Data] { kind == "rules" ? rules : lists }

    /// The real engine behind `PUT /logtest` (Wazuh's own, when its sources are beside the
    /// repository, as in CI); nil answers as a manager whose logtest is down.
    var logtestSessions: LogtestSessions? = RealWazuhEngine.isRequired ? (try? RealWazuhEngine.located()).map { LogtestSessions(engine: $0) } : nil

    /// The engine and the files a logtest request runs on, or the answer refusing it.
    private func logtestState(_ request: Request) -> (engine: (LogtestSessions, [String: Data], [String: Data])?, refusal: FakeReply?) {
        if let refusal = authorize(request) { return (nil, refusal) }
        guard let sessions = logtestSessions else {
            return (nil, FakeReply(status: .internalServerError, json: ["title": "Internal Server Error", "detail": "logtest is not available", "error": 1017]))
        }
        return ((sessions, rules, lists), nil)
    }

    private func read(_ kind: String, _ name: String) -> FakeReply {
        guard let data = store(kind)[name] else {
            return .failed(code: kind == "rules" ? 1415 : 1802, message: "File \(name) not found", id: name, error: 1)
        }
        return FakeReply(status: .ok, raw: data)
    }

    private func upload(_ kind: String, _ name: String, _ data: Data, contentType: String?, overwrite: Bool) -> FakeReply {
        guard contentType == "application/octet-stream" else {
            return FakeReply(status: .notAcceptable, json: ["title": "Not Acceptable", "detail": "Invalid content-type", "error": 6002])
        }
        if store(kind)[name] != nil && !overwrite {
            return .failed(code: 1905, message: "File already exists", id: name, error: 1)
        }
        if rejectUploads.contains(name) {
            // The real framework removes a refused new file only when overwrite is false.
            if overwrite && store(kind)[name] == nil {
                if kind == "rules" { rules[name] = data } else { lists[name] = data }
            }
            return .failed(code: 1113, message: "XML syntax error", id: name, error: 1)
        }
        if kind == "rules" { rules[name] = data } else { lists[name] = data }
        return .ok(["data": ["affected_items": ["etc/\(kind)/\(name)"], "total_affected_items": 1, "total_failed_items": 0, "failed_items": []],
                    "message": "File was successfully updated", "error": 0])
    }

    private func delete(_ kind: String, _ name: String) -> FakeReply {
        guard !rejectDeletes.contains(name), store(kind)[name] != nil else {
            return .failed(code: 1906, message: "File could not be deleted", id: name, error: 1)
        }
        if kind == "rules" { rules[name] = nil } else { lists[name] = nil }
        return .ok(["data": ["affected_items": ["etc/\(kind)/\(name)"], "total_affected_items": 1, "total_failed_items": 0, "failed_items": []],
                    "message": "File was successfully deleted", "error": 0])
    }

    private func validation() -> FakeReply {
        if let marker = validationFailsOn, rules.values.contains(where: { String(decoding: $0, as: UTF8.self).contains(marker) }) {
            return .failed(code: 1908, message: "Error validating configuration: wazuh-analysisd: ERROR: (1220): Error loading the rules", id: "master-node", error: 1)
        }
        return .ok(["data": ["affected_items": [["name": "master-node", "status": "OK"]], "total_affected_items": 1, "total_failed_items": 0, "failed_items": []],
                    "message": "Validation was successfully checked", "error": 0])
    }

    private func reload(cluster: Bool) -> FakeReply {
        reloads += 1
        let done: [String: Any] = ["name": "master-node", "msg": reloadMessage]
        if cluster && reloadPartlyFails && reloads == 1 {
            return .ok(["data": ["affected_items": [done], "total_affected_items": 1, "total_failed_items": 1,
                                 "failed_items": [["error": ["code": 1914, "message": "Error reloading ruleset"], "id": ["worker-1"]]]],
                        "message": "Reload request sent to some nodes", "error": 2])
        }
        return .ok(["data": ["affected_items": [done], "total_affected_items": 1, "total_failed_items": 0, "failed_items": []],
                    "message": "Reload request sent to all specified nodes", "error": 0])
    }
}

/// A response of the fake: JSON or raw bytes.
struct FakeReply: Sendable {
    var status: HTTPResponse.Status
    var body: Data
    var contentType: String

    init(status: HTTPResponse.Status, json: [String: Any]) {
        self.status = status
        body = try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        contentType = "application/json"
    }

    init(status: HTTPResponse.Status, raw: Data, contentType: String = "application/octet-stream") {
        self.status = status
        body = raw
        self.contentType = contentType
    }

    static func ok(_ json: [String: Any]) -> FakeReply { FakeReply(status: .ok, json: json) }

    /// HTTP 200 with every item failed (`error` 1), as the API reports framework errors.
    static func failed(code: Int, message: String, id: String, error: Int) -> FakeReply {
        .ok(["data": ["affected_items": [], "total_affected_items": 0, "total_failed_items": 1,
                      "failed_items": [["error": ["code": code, "message": message, "remediation": "see the Wazuh documentation"], "id": [id]]]],
             "message": "Could not complete the request", "error": error])
    }

    var response: Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
