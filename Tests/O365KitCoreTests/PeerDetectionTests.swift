import Foundation
import Testing
@testable import O365KitCore

/// Every detection of the public libraries that runs on Management Activity data
/// (`mappings/peers/peer-detections.csv`) is covered by an o365kit detection or mapping rule,
/// or says why not; o365kit has more detections than any one library; docs/peer-detections.md
/// states the figures as they are.
@Suite struct PeerDetectionTests {
    struct Row {
        var library, file, scope, outReason, behaviour, reason: String
        var covers: [String]
        var line: Int
    }

    struct Figures: Equatable {
        var inScope = 0, byDetection = 0, byMappingRule = 0, explained = 0, outOfScope = 0
    }

    static let libraries = [("splunk", "Splunk security_content"), ("elastic", "Elastic detection-rules"), ("sigma", "SigmaHQ"),
                            ("sentinel", "Microsoft Sentinel"), ("panther", "Panther"), ("wazuh", "Wazuh ruleset")]

    static func rows() throws -> [Row] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("mappings/peers/peer-detections.csv"), encoding: .utf8)
        let diagnostics = DiagnosticCollector()
        let table = try #require(CSVReader(path: "peer-detections.csv").read(text, diagnostics: diagnostics), "\(diagnostics.sorted)")
        func column(_ name: String) throws -> Int { try #require(table.column(named: name), "column \(name)") }
        let (library, file, scope, outReason, behaviour, covers, reason) =
            (try column("library"), try column("file"), try column("scope"), try column("out_reason"), try column("behaviour"), try column("o365kit"), try column("reason"))
        return table.rows.map { row in
            Row(library: row.cells[library].value, file: row.cells[file].value, scope: row.cells[scope].value, outReason: row.cells[outReason].value,
                behaviour: row.cells[behaviour].value, reason: row.cells[reason].value,
                covers: row.cells[covers].value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                line: row.location.line)
        }
    }

    static func figures() throws -> [String: Figures] {
        var figures: [String: Figures] = [:]
        for row in try rows() {
            var f = figures[row.library, default: Figures()]
            if row.scope == "out" {
                f.outOfScope += 1
            } else {
                f.inScope += 1
                if row.covers.contains(where: { !$0.hasPrefix("operation:") }) { f.byDetection += 1 }
                else if !row.covers.isEmpty { f.byMappingRule += 1 }
                else { f.explained += 1 }
            }
            figures[row.library] = f
        }
        return figures
    }

    /// Detections that alert on their own: base rules that only feed a correlation do not count.
    static func alertingDetections() throws -> [SigmaRule] {
        try #require(ProjectDetections.generation).detections.rules.filter { $0.volume != .feeder }
    }

    @Test func everyInScopePeerRuleIsCoveredOrExplained() throws {
        let generation = try #require(ProjectDetections.generation)
        let keys = Set(generation.detections.rules.map(\.key))
        let rows = try Self.rows()
        #expect(Set(rows.map(\.library)) == Set(Self.libraries.map(\.0)))
        for row in rows {
            let at = "peer-detections.csv:\(row.line) (\(row.file))"
            #expect(["in", "out"].contains(row.scope), "\(at): scope '\(row.scope)'")
            if row.scope == "out" {
                #expect(!row.outReason.isEmpty && row.covers.isEmpty, "\(at): an out-of-scope rule names its reason and nothing that covers it")
                continue
            }
            #expect(!row.behaviour.isEmpty, "\(at): no behaviour")
            #expect(!row.covers.isEmpty || !row.reason.isEmpty, "\(at): neither covered nor explained")
            for cover in row.covers {
                if cover.hasPrefix("operation:") {
                    let operation = String(cover.dropFirst("operation:".count))
                    let mapping = generation.project.operationsByFoldedName[operation.lowercased()]
                    var mapped = false
                    if case .techniques(let ids)? = mapping?.assignment { mapped = !ids.isEmpty }
                    #expect(mapped, "\(at): '\(operation)' has no mapping row with techniques")
                } else {
                    #expect(keys.contains(cover), "\(at): no detection '\(cover)'")
                }
            }
        }
    }

    @Test func o365kitHasMoreDetectionsThanAnyOneLibrary() throws {
        let largest = try Self.figures().values.map(\.inScope).max() ?? 0
        #expect(try Self.alertingDetections().count > largest)
    }

    @Test func theDocumentStatesTheCurrentFigures() throws {
        let figures = try Self.figures()
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/peer-detections.md"), encoding: .utf8)
        var total = Figures()
        for (key, label) in Self.libraries {
            let f = try #require(figures[key], "\(key)")
            #expect(doc.contains("| \(label) | \(f.inScope) | \(f.byDetection) | \(f.byMappingRule) | \(f.explained) | \(f.outOfScope) |"),
                    "\(label): | \(f.inScope) | \(f.byDetection) | \(f.byMappingRule) | \(f.explained) | \(f.outOfScope) |")
            total.inScope += f.inScope; total.byDetection += f.byDetection; total.byMappingRule += f.byMappingRule
            total.explained += f.explained; total.outOfScope += f.outOfScope
        }
        #expect(doc.contains("| **all libraries** | **\(total.inScope)** | **\(total.byDetection)** | **\(total.byMappingRule)** | **\(total.explained)** | **\(total.outOfScope)** |"))
        let detections = try Self.alertingDetections().count
        #expect(doc.contains("o365kit has **\(detections)** detections that alert on their own"), "\(detections) detections")
    }
}
