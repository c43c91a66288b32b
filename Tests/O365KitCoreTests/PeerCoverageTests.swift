import Foundation
import Testing
@testable import O365KitCore

/// The operations the public detection libraries key on (`mappings/peers/peer-operations.csv`)
/// against the mapping table: at least 95% of their union has a row, and docs/peer-coverage.md
/// states the figures as they are.
@Suite struct PeerCoverageTests {
    struct Figures { var keyed: Int; var covered: Int }

    static func figures() throws -> (libraries: [String: Figures], union: Figures) {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("mappings/peers/peer-operations.csv"), encoding: .utf8)
        let table = try #require(CSVReader(path: "peer-operations.csv").read(text, diagnostics: DiagnosticCollector()))
        let project = try #require(ProjectDetections.generation).project
        var libraries: [String: Figures] = [:]
        var union = Figures(keyed: 0, covered: 0)
        let operationColumn = try #require(table.column(named: "operation")), librariesColumn = try #require(table.column(named: "libraries"))
        for row in table.rows {
            let operation = row.cells[operationColumn].value
            let covered = project.operationsByFoldedName[operation.lowercased()] != nil
            let names = row.cells[librariesColumn].value.split(separator: ";").map(String.init)
            for name in names {
                libraries[name, default: Figures(keyed: 0, covered: 0)].keyed += 1
                if covered { libraries[name]!.covered += 1 }
            }
            if names.contains(where: { $0 != "microsoft-docs" }) {
                union.keyed += 1
                if covered { union.covered += 1 }
            }
        }
        return (libraries, union)
    }

    @Test func theUnionOfThePeerLibrariesIsCovered() throws {
        let (libraries, union) = try Self.figures()
        #expect(union.keyed >= 100)
        #expect(Double(union.covered) >= 0.95 * Double(union.keyed), "\(union.covered) of \(union.keyed)")
        // More than any single library detects on.
        #expect(union.covered > libraries.filter { $0.key != "microsoft-docs" }.map(\.value.keyed).max() ?? 0)
    }

    @Test func theDocumentStatesTheCurrentFigures() throws {
        let (libraries, union) = try Self.figures()
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/peer-coverage.md"), encoding: .utf8)
        func percent(_ f: Figures) -> Int { Int((Double(f.covered) * 100 / Double(f.keyed)).rounded()) }
        let rows = [("splunk", "Splunk security_content"), ("elastic", "Elastic detection-rules"), ("sentinel", "Microsoft Sentinel"),
                    ("sigma", "SigmaHQ"), ("wazuh", "Wazuh ruleset"), ("microsoft-docs", "Microsoft audit-activities lists (security-relevant)")]
        for (key, label) in rows {
            let f = try #require(libraries[key], "\(key)")
            #expect(doc.contains("| \(label) | \(f.keyed) | \(f.covered) | \(percent(f))% |"), "\(label): \(f.keyed) / \(f.covered)")
        }
        #expect(doc.contains("| **union of the libraries** | **\(union.keyed)** | **\(union.covered)** | **\(percent(union))%** |"))
    }
}
