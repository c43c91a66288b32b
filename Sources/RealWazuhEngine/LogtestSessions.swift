import Foundation

/// Logtest sessions of Wazuh's own engine for a test server that stands in for a manager's
/// API (`PUT /logtest`, `DELETE /logtest/sessions/{token}`): each session is one
/// `wz-logtest-driver -s` process, which loads the rule files present when it starts (as a new
/// analysisd logtest session does) and keeps correlation state across its events.
public final class LogtestSessions: @unchecked Sendable {
    private let engine: RealWazuhEngine
    private let stock: RealWazuhEngine.StockRules
    private let lock = NSLock()
    private var sessions: [String: DriverSession] = [:]
    private var homes: [String: ManagerHome] = [:]
    private let root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-logtest-\(UUID().uuidString)")

    /// `stock: .o365` keeps a new session under 0.2 s (only 0010 and 0755 of the stock rules).
    public init(engine: RealWazuhEngine, stock: RealWazuhEngine.StockRules = .o365) {
        self.engine = engine
        self.stock = stock
    }

    /// Answers a `PUT /logtest` body (`{"event","log_format","location"[,"token"]}`) with the
    /// manager's answer, for the rule files and lists the server holds now.
    public func process(body: Data, rules: [String: Data], lists: [String: Data]) throws -> Data {
        guard let request = try JSONSerialization.jsonObject(with: body) as? [String: Any], let event = request["event"] as? String else {
            return Data(#"{"error":0,"data":{"codemsg":-2,"messages":["ERROR: (7308): 'event' JSON field not found"]}}"#.utf8)
        }
        lock.lock()
        defer { lock.unlock() }
        let session: DriverSession
        if let token = request["token"] as? String, let open = sessions[token] {
            session = open
        } else {
            session = try DriverSession(engine: engine, home: try home(rules: rules, lists: lists),
                                        location: request["location"] as? String ?? "stdin", logFormat: request["log_format"] as? String ?? "syslog")
        }
        let answer = try session.send(event)
        if let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any], let data = object["data"] as? [String: Any],
           let token = data["token"] as? String {
            sessions[token] = session
        }
        return answer
    }

    /// Ends a session; false when there is none.
    public func remove(_ token: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let session = sessions.removeValue(forKey: token) else { return false }
        session.close()
        return true
    }

    /// Ends every session and removes the homes.
    public func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        for session in sessions.values { session.close() }
        sessions = [:]
        try? FileManager.default.removeItem(at: root)
    }

    /// A manager home with these files, laid out once per distinct set of files.
    private func home(rules: [String: Data], lists: [String: Data]) throws -> ManagerHome {
        var hasher = [String]()
        for (name, data) in rules.sorted(by: { $0.key < $1.key }) { hasher.append("r:\(name):\(data.hashValue)") }
        for (name, data) in lists.sorted(by: { $0.key < $1.key }) { hasher.append("l:\(name):\(data.hashValue)") }
        let key = hasher.joined(separator: "|")
        if let home = homes[key] { return home }
        let folder = root.appendingPathComponent("pack-\(homes.count)")
        for (sub, files) in [("rules", rules), ("lists", lists)] {
            let dir = folder.appendingPathComponent(sub)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, data) in files { try data.write(to: dir.appendingPathComponent(name)) }
        }
        let home = try engine.makeHome(pack: folder, at: root.appendingPathComponent("home-\(homes.count)"), stock: stock)
        homes[key] = home
        return home
    }
}

/// One `wz-logtest-driver -s` process: a line in, Wazuh's answer line out.
final class DriverSession: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(engine: RealWazuhEngine, home: ManagerHome, location: String, logFormat: String) throws {
        process.executableURL = engine.driver
        process.arguments = ["-D", home.url.path, "-s", "-l", location, "-f", logFormat]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ event: String) throws -> Data {
        input.fileHandleForWriting.write(Data((event.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw RealEngineError("wz-logtest-driver ended without an answer") }
            buffer.append(chunk)
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
