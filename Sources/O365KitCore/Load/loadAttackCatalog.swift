import Foundation

/// Reads the bundled ATT&CK catalog (`attack/enterprise-techniques.csv`, `attack/tactics.csv`).
/// The version, which reports and generated files name, is `catalog.json`'s (written by
/// `o365kit attack import`), or for a catalog without one its README's "ATT&CK version" line.
func loadAttackCatalog(_ paths: ProjectPaths, diagnostics: DiagnosticCollector) -> AttackCatalog? {
    let techniquesPath = displayPath(paths.attackTechniques)
    let tacticsPath = displayPath(paths.attackTactics)
    guard let techniqueText = readText(paths.attackTechniques, keepingBOM: true, diagnostics: diagnostics),
          let tacticText = readText(paths.attackTactics, keepingBOM: true, diagnostics: diagnostics),
          let techniqueTable = CSVReader(path: techniquesPath).read(techniqueText, diagnostics: diagnostics),
          let tacticTable = CSVReader(path: tacticsPath).read(tacticText, diagnostics: diagnostics)
    else { return nil }

    func columns(_ table: CSVTable, _ names: [String]) -> [Int]? {
        var indexes: [Int] = []
        for name in names {
            guard let i = table.column(named: name) else {
                diagnostics.emit(.error("bad-catalog", "missing column '\(name)'", at: SourceLocation(path: table.path, line: 1, column: 1)))
                return nil
            }
            indexes.append(i)
        }
        return indexes
    }
    guard let tc = columns(tacticTable, ["id", "shortname", "name", "order"]),
          let cc = columns(techniqueTable, ["id", "name", "tactics", "parent_id", "platforms", "deprecated", "revoked", "revoked_by"])
    else { return nil }

    let tactics = tacticTable.rows.map { row in
        Tactic(id: row.cells[tc[0]].value, shortname: row.cells[tc[1]].value, name: row.cells[tc[2]].value, order: Int(row.cells[tc[3]].value) ?? 0)
    }.sorted { $0.order < $1.order }

    func list(_ s: String) -> [String] { s.split(separator: ";").map(String.init) }
    var techniques: [String: Technique] = [:]
    for row in techniqueTable.rows {
        let c = row.cells.map(\.value)
        let parent = c[cc[3]], revokedBy = c[cc[7]]
        techniques[c[cc[0]]] = Technique(
            id: c[cc[0]], name: c[cc[1]], tactics: list(c[cc[2]]),
            parentID: parent.isEmpty ? nil : parent, platforms: list(c[cc[4]]),
            deprecated: c[cc[5]] == "true", revoked: c[cc[6]] == "true",
            revokedBy: revokedBy.isEmpty ? nil : revokedBy
        )
    }
    var version = "unknown"
    if let data = FileManager.default.contents(atPath: paths.attackRelease.path) {
        guard let release = try? JSONDecoder().decode(AttackRelease.self, from: data) else {
            diagnostics.emit(.error("bad-catalog", "expected {\"attack_version\": \"18.1\", …}", at: SourceLocation(path: displayPath(paths.attackRelease), line: 1)))
            return nil
        }
        version = "v" + release.attackVersion
    } else if let readme = try? String(contentsOf: paths.attackReadme, encoding: .utf8),
       let range = readme.range(of: #"ATT&CK version: Enterprise v[0-9.]+"#, options: .regularExpression) {
        version = String(readme[range].split(separator: " ").last!)
    }
    return AttackCatalog(version: version, tactics: tactics, techniques: techniques)
}

/// The part of `catalog.json` the loader reads.
private struct AttackRelease: Decodable {
    var attackVersion: String
    enum CodingKeys: String, CodingKey { case attackVersion = "attack_version" }
}
