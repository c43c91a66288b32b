import Foundation
import Testing

/// `o365kit attack import` end to end: the real executable on MITRE's bundles, then `check`
/// and `build` on the catalog it wrote.
@Suite struct AttackImportCLITests {
    static let stix = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/attack/stix")

    @Test func anOlderReleaseIsImportedReportedAndThenBuiltAgainst() throws {
        let root = try temporaryProject()
        let bundle = Self.stix.appendingPathComponent("enterprise-attack-17.1-subset.json.gz").path
        let catalog = root.appendingPathComponent("mappings/attack/enterprise-techniques.csv")
        let before = try Data(contentsOf: catalog)

        let dry = try run("o365kit", ["attack", "import", bundle, "--version", "17.1", "--dry-run"], in: root)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("compared with the catalog in use (v18.1)"))
        #expect(dry.stderr.contains("dry run: nothing written"))
        #expect(try Data(contentsOf: catalog) == before)

        let real = try run("o365kit", ["attack", "import", bundle, "--version", "17.1"], in: root)
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stderr.contains("ATT&CK Enterprise v17.1: 823 techniques"))
        #expect(try Data(contentsOf: catalog) != before)

        let check = try run("o365kit", ["check"], in: root)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("against ATT&CK v17.1"))

        // And back: v17.1 → v18.1 names the release's changes.
        let forward = try run("o365kit", ["attack", "import", Self.stix.appendingPathComponent("enterprise-attack-18.1-subset.json.gz").path,
                                          "--version", "18.1", "--format", "json"], in: root)
        #expect(forward.status == 0, "\(forward.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(forward.stdout.utf8)) as? [String: Any])
        let report = try #require(json["report"] as? [String: Any])
        let release = try #require(report["release"] as? [String: Any])
        #expect((release["renamed"] as? [String]) == ["T1497.003", "T1552.003"])
        #expect((release["added"] as? [String])?.count == 12)
        #expect(try Data(contentsOf: catalog) == before, "importing v18.1 again restores the bundled catalog")
    }

    @Test func aReleaseThatBreaksTheTablesExitsOneAndSaysWhere() throws {
        let root = try temporaryProject()
        let bundle = Self.stix.appendingPathComponent("enterprise-attack-13.1-subset.json.gz").path
        let result = try run("o365kit", ["attack", "import", bundle, "--version", "13.1", "--dry-run"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("mappings/operations.csv:6:39: error: ATT&CK v18.1 → v13.1: T1671 'Cloud Application Integration' is gone"))
    }

    @Test func anUnreadableBundleIsALocatedError() throws {
        let root = try temporaryProject()
        try Data("{\"type\": \"bundle\"".utf8).write(to: root.appendingPathComponent("broken.json"))
        let result = try run("o365kit", ["attack", "import", "broken.json", "--version", "18.1"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("broken.json: error: broken.json is not a STIX bundle: not JSON"), "\(result.stderr)")
    }
}
