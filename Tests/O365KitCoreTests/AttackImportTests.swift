import Foundation
import Testing
@testable import O365KitCore

/// `o365kit attack import`: MITRE's STIX bundles (../shared/attack/stix, four releases) into
/// the catalog files, byte for byte as the bundled ones, and what a new release changes.
@Suite struct AttackImportTests {
    static let stix = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/attack/stix")

    static func bundle(_ release: String) -> URL {
        stix.appendingPathComponent("enterprise-attack-\(release)-subset.json.gz")
    }

    static func imported(_ release: String) throws -> ImportedAttackCatalog {
        let diagnostics = DiagnosticCollector()
        let catalog = importAttackCatalog(bundle(release), version: release, diagnostics: diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.sorted)")
        return try #require(catalog)
    }

    @Test func theBundledV18_1CatalogRoundTripsByteForByte() throws {
        let files = try Self.imported("18.1").files()
        for file in files {
            let committed = try Data(contentsOf: repositoryRoot.appendingPathComponent("mappings/attack/\(file.path)"))
            #expect(file.data == committed, "\(file.path) differs from the committed catalog")
        }
        #expect(Set(files.map(\.path)) == [AttackCatalogFiles.techniques, AttackCatalogFiles.tactics, AttackCatalogFiles.release])
    }

    @Test func theManagerCatalogOfV13_1IsWazuhsDatabase() throws {
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("mappings/attack/wazuh-mitre-v13.1.csv"), encoding: .utf8)
        #expect(try Self.imported("13.1").managerCatalog() == committed)
    }

    @Test(arguments: [("13.1", 750, 14), ("17.1", 823, 14), ("18.0", 835, 14), ("18.1", 835, 14)])
    func everyReleaseImportsTheSameBytesTwice(release: String, techniques: Int, tactics: Int) throws {
        let first = try Self.imported(release), second = try Self.imported(release)
        #expect(first.files() == second.files())
        #expect(first.techniques.count == techniques)
        #expect(first.tactics.count == tactics)
        #expect(first.catalog.version == "v" + release)
        // Every row the loader reads back is the one imported.
        let project = try TestProject()
        for file in first.files() { try project.write("mappings/attack/\(file.path)", file.contents) }
        let loaded = try #require(loadAttackCatalog(project.paths, diagnostics: DiagnosticCollector()))
        #expect(loaded.techniques == first.catalog.techniques)
        #expect(loaded.tactics == first.tactics)
        #expect(loaded.version == "v" + release)
    }

    @Test func v17_1ToV18_1ChangesAreReported() throws {
        let delta = AttackReleaseDelta(from: try Self.imported("17.1").catalog, to: try Self.imported("18.1").catalog)
        #expect(delta.added == ["T1036.012", "T1059.013", "T1204.005", "T1213.006", "T1518.002", "T1546.018", "T1562.013",
                                "T1677", "T1678", "T1679", "T1680", "T1681"])
        #expect(delta.renamed == ["T1497.003", "T1552.003"])
        #expect(delta.removed.isEmpty && delta.movedBetweenTactics.isEmpty && delta.newlyRevoked.isEmpty && delta.newlyDeprecated.isEmpty)
        #expect(delta.platformsChanged.count == 148)
        #expect(delta.addedTactics.isEmpty && delta.removedTactics.isEmpty)
    }

    @Test func goingBackToV13_1NamesEveryRowThatBreaks() throws {
        let project = try #require(loadProject(TestProject().paths, diagnostics: DiagnosticCollector()))
        let changes = attackReleaseChanges(from: project.catalog, to: try Self.imported("13.1").catalog, project: project, detections: [])
        let gone = changes.filter { $0.id == "attack-removed" }
        #expect(Set(gone.compactMap { $0.message.firstMatch(of: /T[0-9.]+/).map { String($0.output) } }) == ["T1213.005", "T1656", "T1671"])
        #expect(gone.allSatisfy { $0.severity == .error && $0.location.path.hasSuffix("operations.csv") && $0.location.line > 1 })
        #expect(changes.contains { $0.id == "attack-tactics-changed" && $0.message.contains("T1098 moves from tactics persistence, privilege-escalation to persistence") })
        #expect(changes.contains { $0.id == "attack-renamed" && $0.message.contains("'Disable or Modify Cloud Logs' is now 'Disable Cloud Logs'") })
    }

    @Test func aRevokedTechniqueAndASplitTacticAreReportedWhereTheyAreUsed() throws {
        let test = try TestProject()
        let project = try #require(loadProject(test.paths, diagnostics: DiagnosticCollector()))
        var next = project.catalog
        next.techniques["T1098"]?.revoked = true
        next.techniques["T1098"]?.revokedBy = "T1078"
        next.tactics.removeAll { $0.shortname == "defense-evasion" }
        next.version = "v19"
        let changes = attackReleaseChanges(from: project.catalog, to: next, project: project, detections: [])
        let revoked = try #require(changes.first { $0.id == "attack-revoked" })
        #expect(revoked.message.contains("T1098 'Account Manipulation' is revoked; use T1078 'Valid Accounts'"))
        #expect(project.settings.levelTacticKeys.contains { $0.value == "defense-evasion" })
        #expect(changes.contains { $0.id == "attack-tactic-removed" && $0.location.path.hasSuffix("o365kit.yaml") && $0.location.line > 1 })
    }

    /// A STIX 2.1 bundle as attack-stix-data publishes it, shaped like v19: the collection names
    /// the release, Defense Evasion is split in two, and objects of other types are ignored.
    @Test func aStix21BundleWithSplitTacticsImportsWithoutCodeChanges() throws {
        let project = try TestProject(copying: false)
        try project.write("v19.json", Self.v19Bundle)
        let diagnostics = DiagnosticCollector()
        let imported = try #require(importAttackCatalog(project.url("v19.json"), diagnostics: diagnostics))
        #expect(imported.version == "19.0")
        #expect(imported.tactics.map(\.shortname) == ["persistence", "stealth", "defense-impairment"])
        let techniques = Dictionary(uniqueKeysWithValues: imported.techniques.map { ($0.technique.id, $0.technique) })
        #expect(techniques["T1098"]?.tactics == ["persistence", "stealth"])
        #expect(techniques["T1562"]?.tactics == ["defense-impairment"])
        #expect(techniques["T1562.008"]?.parentID == "T1562")
        #expect(techniques["T1000"]?.revokedBy == "T1098")
        // A phase the matrix does not list is left out with a warning, not a failure.
        #expect(diagnostics.sorted.contains { $0.id == "bundle-data" && $0.message.contains("defense-evasion") })
    }

    @Test func unreadableBundlesAreLocatedErrors() throws {
        let project = try TestProject(copying: false)
        try project.write("not.json", "{\"type\": \"bundle\", \"objects\": [{\"type\": \"attack-pattern\", \"id\": 3}]}")
        try project.write("nover.json", "{\"type\": \"bundle\", \"objects\": []}")
        var truncated = try Data(contentsOf: Self.bundle("13.1"))
        truncated = truncated.prefix(truncated.count / 2)
        try truncated.write(to: project.url("cut.json.gz"))
        for (file, fragment) in [("not.json", "objects[0].id: expected String"), ("nover.json", "pass --version"),
                                 ("cut.json.gz", "not a readable gzip file"), ("missing.json", "cannot read")] {
            let diagnostics = DiagnosticCollector()
            #expect(importAttackCatalog(project.url(file), diagnostics: diagnostics) == nil)
            let error = try #require(diagnostics.sorted.first { $0.severity == .error }, "\(file)")
            #expect(error.message.contains(fragment), "\(file): \(error.message)")
            #expect(error.location.path.hasSuffix(file))
        }
    }

    /// Seeded mutations of a real bundle: a result or located errors, never a crash.
    @Test func mutatedBundlesNeverCrash() throws {
        let project = try TestProject(copying: false)
        var random = SeededGenerator(state: 20_261_207)
        let source = Array(Self.v19Bundle.utf8)
        for round in 0..<300 {
            let mutated = FuzzTests.mutate(source, &random)
            try Data(mutated).write(to: project.url("fuzz.json"))
            let diagnostics = DiagnosticCollector()
            if importAttackCatalog(project.url("fuzz.json"), diagnostics: diagnostics) == nil {
                #expect(diagnostics.hasErrors, "round \(round): no result and no error")
            }
            #expect(diagnostics.sorted.allSatisfy { $0.location.path.hasSuffix("fuzz.json") }, "round \(round)")
        }
    }

    static let v19Bundle = """
        {"type": "bundle", "id": "bundle--v19", "spec_version": "2.1", "objects": [
          {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "spec_version": "2.1", "name": "Enterprise ATT&CK", "x_mitre_version": "19.0"},
          {"type": "intrusion-set", "id": "intrusion-set--1", "spec_version": "2.1", "name": "APT0"},
          {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "spec_version": "2.1", "name": "Enterprise ATT&CK",
           "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}],
           "tactic_refs": ["x-mitre-tactic--p", "x-mitre-tactic--s", "x-mitre-tactic--d"]},
          {"type": "x-mitre-tactic", "id": "x-mitre-tactic--p", "name": "Persistence", "x_mitre_shortname": "persistence",
           "external_references": [{"source_name": "mitre-attack", "external_id": "TA0003"}]},
          {"type": "x-mitre-tactic", "id": "x-mitre-tactic--s", "name": "Stealth", "x_mitre_shortname": "stealth",
           "external_references": [{"source_name": "mitre-attack", "external_id": "TA0044"}]},
          {"type": "x-mitre-tactic", "id": "x-mitre-tactic--d", "name": "Defense Impairment", "x_mitre_shortname": "defense-impairment",
           "external_references": [{"source_name": "mitre-attack", "external_id": "TA0045"}]},
          {"type": "attack-pattern", "id": "attack-pattern--a", "spec_version": "2.1", "name": "Account Manipulation", "modified": "2026-04-20T00:00:00.000Z",
           "x_mitre_platforms": ["SaaS", "Identity Provider"], "x_mitre_domains": ["enterprise-attack"],
           "external_references": [{"source_name": "mitre-attack", "external_id": "T1098"}],
           "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "stealth"}, {"kill_chain_name": "mitre-attack", "phase_name": "persistence"}]},
          {"type": "attack-pattern", "id": "attack-pattern--i", "name": "Impair Defenses", "modified": "2026-04-20T00:00:00.000Z",
           "external_references": [{"source_name": "mitre-attack", "external_id": "T1562"}],
           "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "defense-impairment"}, {"kill_chain_name": "mitre-attack", "phase_name": "defense-evasion"}]},
          {"type": "attack-pattern", "id": "attack-pattern--c", "name": "Disable or Modify Cloud Logs", "modified": "2026-04-20T00:00:00.000Z",
           "x_mitre_is_subtechnique": true, "external_references": [{"source_name": "mitre-attack", "external_id": "T1562.008"}],
           "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "defense-impairment"}]},
          {"type": "attack-pattern", "id": "attack-pattern--o", "name": "Old", "modified": "2019-01-01T00:00:00.000Z", "revoked": true,
           "external_references": [{"source_name": "mitre-attack", "external_id": "T1000"}]},
          {"type": "attack-pattern", "id": "attack-pattern--m", "name": "Mobile only", "modified": "2026-04-20T00:00:00.000Z", "x_mitre_domains": ["mobile-attack"],
           "external_references": [{"source_name": "mitre-attack", "external_id": "T1400"}]},
          {"type": "relationship", "id": "relationship--1", "relationship_type": "revoked-by", "source_ref": "attack-pattern--o", "target_ref": "attack-pattern--a"},
          {"type": "relationship", "id": "relationship--2", "relationship_type": "subtechnique-of", "source_ref": "attack-pattern--c", "target_ref": "attack-pattern--i"}
        ]}
        """
}
