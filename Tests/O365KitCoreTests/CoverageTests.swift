import Foundation
import Testing
@testable import O365KitCore

/// The ATT&CK Navigator layer and the coverage summary.
@Suite struct CoverageTests {
    @Test func layerHasEveryFieldNavigatorRequires() throws {
        let (generation, _) = try TestProject().generate()
        let built = try #require(generation)
        let text = try #require(built.files.first { $0.path == CoveragePaths.layer }).contents
        let layer = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        // Layer format 4.5: name and domain required; versions.navigator (≥ 4.9.0) and versions.layer ("4.5") required.
        #expect((layer["name"] as? String)?.isEmpty == false)
        #expect(layer["domain"] as? String == "enterprise-attack")
        let versions = try #require(layer["versions"] as? [String: Any])
        #expect(versions["layer"] as? String == "4.5")
        #expect(versions["attack"] as? String == "18")
        let navigator = try #require(versions["navigator"] as? String).split(separator: ".").compactMap { Int($0) }
        #expect(navigator.count == 3 && navigator.lexicographicallyPrecedes([4, 9, 0]) == false)
        let gradient = try #require(layer["gradient"] as? [String: Any])
        #expect((gradient["colors"] as? [String])?.count ?? 0 >= 2)
        #expect((gradient["maxValue"] as? Int ?? 0) > (gradient["minValue"] as? Int ?? 0))
        for item in layer["legendItems"] as? [[String: Any]] ?? [] {
            #expect(item["label"] is String && item["color"] is String)
        }
        let techniques = try #require(layer["techniques"] as? [[String: Any]])
        #expect(!techniques.isEmpty)
        // Every covered technique stays visible under the platform filter.
        let platforms = Set(try #require((layer["filters"] as? [String: Any])?["platforms"] as? [String]))
        for id in built.coverage.techniqueIDs {
            #expect(!platforms.isDisjoint(with: built.project.catalog.techniques[id]?.platforms ?? []), "\(id)")
        }
        let catalog = built.project.catalog
        for technique in techniques {
            let id = try #require(technique["techniqueID"] as? String)
            #expect(id.wholeMatch(of: /T[0-9]{4}(\.[0-9]{3})?/) != nil)
            #expect(catalog.techniques[id]?.isActive == true, "\(id)")
            if let score = technique["score"] { #expect(score is Int) }
            for item in technique["metadata"] as? [[String: Any]] ?? [] { #expect(item["name"] is String && item["value"] is String) }
        }
        // Scores count rows and detections: T1110 Brute Force comes from the UserLoginFailed and
        // LogonError rows and from detections tagged with it.
        let project = built.project
        let t1110 = try #require(techniques.first { $0["techniqueID"] as? String == "T1110" })
        let rows = project.operations.filter { $0.assignment.ids.contains("T1110") }.count + project.logonErrors.filter { $0.assignment.ids.contains("T1110") }.count
        let detections = built.detections.rules.filter { $0.techniques.contains("T1110") }.count
        #expect(t1110["score"] as? Int == rows + detections)
    }

    @Test func detectionsAddToTheScores() throws {
        let (generation, _) = try TestProject().generate()
        let built = try #require(generation)
        var coverage = built.coverage
        let before = coverage.score("T1114.003")
        coverage.add(.detections, key: "Forwarding to external recipient", techniques: ["T1114.003", "T1114.003"])
        coverage.add(.detections, key: "Brand-new technique", techniques: ["T1530"])
        #expect(coverage.score("T1114.003") == before + 1)
        #expect(coverage.count("T1530", .detections) == 1)
        let layer = navigatorLayer(coverage, project: built.project)
        #expect(layer.techniques.first { $0.techniqueID == "T1530" }?.score == 1)
        #expect(layer.techniques.first { $0.techniqueID == "T1114.003" }?.comment.contains("Detections: Forwarding to external recipient") == true)
        // The parent of a covered sub-technique is shown expanded, unscored.
        #expect(layer.techniques.first { $0.techniqueID == "T1114" }?.showSubtechniques == true)
    }

    @Test func summaryHasOneRowPerTactic() throws {
        let (generation, _) = try TestProject().generate()
        let built = try #require(generation)
        let text = try #require(built.files.first { $0.path == CoveragePaths.summary }).contents
        for tactic in built.project.catalog.tactics {
            #expect(text.contains("| \(tactic.name) (\(tactic.id)) |"), "\(tactic.name)")
        }
        #expect(text.contains("| T1110 | Brute Force |"))
    }
}
