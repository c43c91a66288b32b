import Foundation
@testable import O365KitCore

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A throw-away copy of the project's mappings/ and templates/ in a temporary folder,
/// which a test may edit freely.
struct TestProject {
    let root: URL

    init(copying: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if copying {
            for folder in ["mappings", "templates"] {
                try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
            }
        }
    }

    /// A project made of a reference fixture's tables (Tests/Fixtures/reference/<name>/mappings)
    /// plus the repository's templates, ATT&CK catalog and native Wazuh rules.
    init(fixture name: String) throws {
        try self.init(copying: false)
        let fm = FileManager.default
        try fm.copyItem(at: Self.fixtureFolder(name).appendingPathComponent("mappings"), to: url("mappings"))
        try fm.copyItem(at: repositoryRoot.appendingPathComponent("templates"), to: url("templates"))
        for shared in ["attack", "wazuh-native"] {
            try fm.copyItem(at: repositoryRoot.appendingPathComponent("mappings/\(shared)"), to: url("mappings/\(shared)"))
        }
    }

    static func fixtureFolder(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/\(name)")
    }

    var paths: ProjectPaths {
        ProjectPaths(mappings: root.appendingPathComponent("mappings"), templates: root.appendingPathComponent("templates"))
    }

    var output: URL { root.appendingPathComponent("output") }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    func read(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    func write(_ relative: String, _ text: String) throws {
        try FileManager.default.createDirectory(at: url(relative).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url(relative))
    }

    /// Replaces the operations table with a header plus `rows`.
    /// Replaces the operations table. The repository's record-types.csv describes the
    /// repository's operations, not these, so it goes too (RecordTypeTests cover it).
    func setOperations(_ rows: [String]) throws {
        try write("mappings/operations.csv", (["operation,workload,techniques,level,rationale,source"] + rows).joined(separator: "\n") + "\n")
        try? FileManager.default.removeItem(at: root.appendingPathComponent("mappings/record-types.csv"))
    }

    func setLogonErrors(_ rows: [String]) throws {
        try write("mappings/logon-errors.csv", (["logon_error,techniques,level,rationale,source"] + rows).joined(separator: "\n") + "\n")
    }

    func removeLock() throws {
        try? FileManager.default.removeItem(at: url("mappings/rules.lock.json"))
    }

    /// Runs the pipeline; returns the generation (nil on errors) and the diagnostics.
    func generate() -> (Generation?, DiagnosticCollector) {
        let diagnostics = DiagnosticCollector()
        let generation = O365KitCore.generate(paths, outputRoot: "output/", diagnostics: diagnostics)
        return (generation, diagnostics)
    }

    /// Runs the pipeline and writes output and lock as `o365kit build` does.
    @discardableResult
    func build() throws -> Generation? {
        let (generation, _) = generate()
        guard let generation else { return nil }
        try writeAtomically(generation.lock.encoded(), to: paths.lock)
        try OutputWriter(root: output).write(generation.files)
        return generation
    }
}

/// Diagnostics as `path:line:column: severity: id` with the temp folder stripped, for assertions.
func summary(_ diagnostics: DiagnosticCollector, root: URL) -> [String] {
    let prefix = root.standardizedFileURL.path + "/"
    return diagnostics.sorted.map { d in
        let path = d.location.path.hasPrefix(prefix) ? String(d.location.path.dropFirst(prefix.count)) : d.location.path
        return "\(path):\(d.location.line):\(d.location.column): \(d.severity.rawValue): \(d.id)"
    }
}
