import Foundation
import Testing
@testable import O365KitCore

/// The target interface: a target added to the list runs like the built-in ones, shares the
/// one lock, and cannot disturb another target's output.
@Suite struct GeneratorTargetTests {
    /// A target of the kind docs/adding-a-target.md describes: one rule key per operation,
    /// a file listing them with their ids, a check, an archive.
    struct OperationListTarget: GeneratorTarget {
        var refuse = false

        var name: String { "operation-list" }

        func plan(_ model: GeneratorModel, diagnostics: DiagnosticCollector) -> [String]? {
            model.project.operations.map { "list:\($0.operation.value)" }
        }

        func ruleKeys(_ plan: [String]) -> [String] { plan }

        func translate(_ plan: [String], model: GeneratorModel, ids: ResolvedIDs, diagnostics: DiagnosticCollector) -> [String] {
            plan.map { "\(ids.id(for: $0)) \($0)" }
        }

        func templates(_ translation: [String]) -> [String] { [] }

        func render(_ lines: [String], model: GeneratorModel, templates: TemplateSet, diagnostics: DiagnosticCollector) -> [RenderedFile] {
            [RenderedFile(path: "list/operations.txt", contents: lines.joined(separator: "\n") + "\n")]
        }

        func verify(_ files: [RenderedFile], _ translation: [String], model: GeneratorModel, diagnostics: DiagnosticCollector) {
            if refuse { diagnostics.emit(.error("list-check", "refused", at: SourceLocation(path: model.outputRoot + "list/operations.txt", line: 1))) }
        }

        func package(_ files: [RenderedFile], _ translation: inout [String], model: GeneratorModel, templates: TemplateSet,
                     diagnostics: DiagnosticCollector) -> TargetPackage {
            TargetPackage(archive: archive(files, below: "list/", into: "list/", as: PackagePaths.folder + "list.tar.gz",
                                           outputRoot: model.outputRoot, diagnostics: diagnostics))
        }
    }

    private func generate(_ project: TestProject, _ targets: [any GeneratorTarget]) -> (Generation?, DiagnosticCollector) {
        let diagnostics = DiagnosticCollector()
        return (O365KitCore.generate(project.paths, targets: targets, diagnostics: diagnostics), diagnostics)
    }

    @Test func anAddedTargetLeavesEveryOtherFileAsItWas() throws {
        let project = try TestProject(fixture: "native")
        let base = try #require(generate(project, GeneratorTargets.all).0)
        let extended = try #require(generate(project, GeneratorTargets.all + [OperationListTarget()]).0)

        let before = Dictionary(uniqueKeysWithValues: base.files.map { ($0.path, $0.data) })
        let after = Dictionary(uniqueKeysWithValues: extended.files.map { ($0.path, $0.data) })
        let changed = Set(after.keys).subtracting(before.keys).sorted()
        #expect(changed == ["list/operations.txt", "packages/list.tar.gz"])
        for (path, data) in before where ![PackagePaths.checksums, OutputWriter.manifestName].contains(path) {
            #expect(after[path] == data, "\(path) changed when a target was added")
        }
        let sums = String(decoding: try #require(after[PackagePaths.checksums]), as: UTF8.self)
        #expect(sums.contains("  list.tar.gz\n"))
        #expect(extended.translation(of: OperationListTarget.self)?.count == base.project.operations.count)
        #expect(extended.timings.contains { $0.stage == "operation-list/verify" })
    }

    @Test func allTargetsKeysShareOneLockWithoutCollisions() throws {
        let project = try TestProject(fixture: "native")
        let generation = try #require(generate(project, GeneratorTargets.all + [OperationListTarget()]).0)
        let listIDs = generation.lock.rules.filter { $0.key.hasPrefix("list:") }.map(\.value.id)
        #expect(listIDs.count == generation.project.operations.count)
        let wazuhIDs = Set(generation.pack.rules.map(\.id) + generation.wazuhDetections.rules.map(\.id))
        #expect(Set(listIDs).isDisjoint(with: wazuhIDs))
        #expect(listIDs.allSatisfy { generation.project.settings.ruleIDs.contains($0) })
    }

    @Test func aTargetsErrorStopsTheRunAndOtherTargetsStillReport() throws {
        let project = try TestProject(fixture: "native")
        // A Splunk template that does not parse, and a target that refuses its own file.
        try project.write("templates/splunk/macros.conf.mustache", "{{#broken}}\n")
        let (generation, diagnostics) = generate(project, GeneratorTargets.all + [OperationListTarget(refuse: true)])
        #expect(generation == nil)
        let ids = Set(diagnostics.sorted.map(\.id))
        #expect(ids.contains("bad-template"))
        #expect(ids.contains("list-check"))
    }

    @Test func aBuildWithoutAnOptionalTargetHasNoneOfItsFiles() throws {
        let project = try TestProject(fixture: "native")
        let generation = try #require(generate(project, [WazuhTarget()]).0)
        #expect(generation.files.allSatisfy { $0.path.hasPrefix("wazuh/") || $0.path.hasPrefix(PackagePaths.folder) || $0.path == OutputWriter.manifestName })
        #expect(generation.translation(of: SplunkTarget.self) == nil)
        #expect(!generation.pack.rules.isEmpty)
    }
}
