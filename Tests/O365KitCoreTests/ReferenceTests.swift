import Foundation
import Testing
@testable import O365KitCore

/// Golden files: each case under Tests/Fixtures/reference/<case>/ holds hand-written
/// tables (mappings/) and the exact output they must produce (expected/). The bundled
/// ATT&CK catalog and native Wazuh rules are added from the repository's mappings/.
/// Run with RECORD_SNAPSHOTS=1 to rewrite expected/; the test then fails, so a new
/// baseline is never accepted silently.
@Suite struct ReferenceTests {
    static let cases = ["native", "legacy", "detections", "detections-legacy"]

    @Test(arguments: cases)
    func outputMatchesTheGoldenFiles(name: String) throws {
        let fixture = TestProject.fixtureFolder(name)
        let project = try TestProject(fixture: name)
        let fm = FileManager.default
        let (generation, diagnostics) = project.generate()
        let built = try #require(generation, "\(DiagnosticFormatter.text(diagnostics.sorted))")
        // Archives are binary; SHA256SUMS, compared as text, pins their bytes.
        var actual = built.files.filter { !$0.path.hasSuffix(".gz") && !$0.path.hasSuffix(".tgz") }
            .map { (path: "output/\($0.path)", text: $0.contents) }
        actual.append((path: "rules.lock.json", text: built.lock.encoded()))

        let expected = fixture.appendingPathComponent("expected")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try? fm.removeItem(at: expected)
            for file in actual {
                let url = expected.appendingPathComponent(file.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: url)
            }
            Issue.record("recorded new golden files for '\(name)'; unset RECORD_SNAPSHOTS and review the diff")
            return
        }
        let recorded = try filesBelow(expected)
        #expect(recorded.sorted() == actual.map(\.path).sorted(), "a generated file was added or removed")
        for file in actual {
            let golden = try String(contentsOf: expected.appendingPathComponent(file.path), encoding: .utf8)
            #expect(golden == file.text, "\(file.path) differs from its golden file; run with RECORD_SNAPSHOTS=1 and review the diff")
        }
    }

    private func filesBelow(_ url: URL) throws -> [String] {
        let base = url.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walker.compactMap { item in
            guard let file = item as? URL, (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { return nil }
            return String(file.standardizedFileURL.path.dropFirst(base.count))
        }
    }
}
