import Foundation
import RealWazuhEngine
import WazuhRuleEngine
@testable import O365KitCore

/// The project's pack, generated once, installed into a manager home of Wazuh's own engine as
/// INSTALL says, and loaded into `WazuhRuleEngine` (the model) from the same files.
struct RealEnginePack: Sendable {
    let engine: RealWazuhEngine
    let home: ManagerHome
    /// The generated `wazuh/` folder as installed.
    let packFolder: URL
    let generation: Generation
    let model: RuleSet

    /// One per test process: the ruleset files do not change while tests run.
    nonisolated(unsafe) static let shared: Result<RealEnginePack, Error>? = {
        guard RealWazuhEngine.isRequired else { return nil }
        return Result { try RealEnginePack() }
    }()

    /// The pack, or nil when the real engine's sources are not beside the repository (the
    /// tests that need it are then skipped; `make test` and CI always have it).
    static func get() throws -> RealEnginePack? {
        try shared?.get()
    }

    private init() throws {
        engine = try RealWazuhEngine.located()
        guard let generation = ProjectDetections.generation else { throw RealEngineError("the project does not build") }
        self.generation = generation
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-real-\(UUID().uuidString)")
        packFolder = root.appendingPathComponent("pack/wazuh")
        for file in generation.files where file.path.hasPrefix("wazuh/") {
            let url = root.appendingPathComponent("pack").appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
        home = try engine.makeHome(pack: packFolder, at: root.appendingPathComponent("home"))
        model = try Self.modelRuleSet(generation)
    }

    /// Wazuh's office365 rules and the pack's files, with the pack's lists.
    static func modelRuleSet(_ generation: Generation) throws -> RuleSet {
        var files: [(path: String, data: Data)] = [(generation.project.native.path, try Data(contentsOf: URL(fileURLWithPath: generation.project.native.path)))]
        var lists: [String: Data] = [:]
        for file in generation.files {
            if file.path.hasPrefix("wazuh/rules/") { files.append((file.path, Data(file.contents.utf8))) }
            if file.path.hasPrefix("wazuh/lists/") { lists[WazuhPackageFiles.listFolder + file.path.dropFirst("wazuh/lists/".count)] = Data(file.contents.utf8) }
        }
        return try RuleSet(files: files, lists: lists)
    }

    /// What each engine reports for `events` (wrapped office365 lines) replayed in one
    /// session; a line per disagreement.
    func disagreements(_ events: [String], label: String) throws -> [String] {
        let real = try engine.logtest(home, events: events, sessions: .shared)
        var evaluator = Evaluator(ruleSet: model)
        var out: [String] = []
        for (index, event) in events.enumerated() {
            let ours = evaluator.evaluate(DecodedEvent(json: Data(event.utf8), location: "office365"), at: Date())
            let theirs = real[index].rule
            let a = ours.map { Verdict(id: $0.ruleID, level: $0.level, text: $0.description, mitre: $0.mitreIDs.sorted()) }
            let b = theirs.map { Verdict(id: $0.id, level: $0.level, text: $0.description, mitre: $0.mitre.sorted()) }
            if a != b {
                out.append("\(label) event \(index + 1): WazuhRuleEngine \(a?.summary ?? "no rule"), Wazuh \(b?.summary ?? "no rule"); event \(event.prefix(300))")
            }
        }
        return out
    }

    /// What an engine reports for one event.
    struct Verdict: Equatable {
        var id: Int
        var level: Int
        /// The expanded description.
        var text: String
        var mitre: [String]
        var summary: String { "rule \(id) level \(level) \"\(text)\" mitre \(mitre)" }
    }
}
