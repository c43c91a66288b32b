import Foundation

/// An ATT&CK Enterprise release read from MITRE's STIX data, as the files of
/// `mappings/attack/` hold it.
public struct ImportedAttackCatalog: Sendable {
    /// One row of `enterprise-techniques.csv`.
    public struct TechniqueRow: Sendable, Equatable {
        public var technique: Technique
        public var isSubtechnique: Bool
        /// Date of the object's last change (`2025-10-24`).
        public var modified: String
    }

    /// The release, `18.1`.
    public var version: String
    public var tactics: [Tactic]
    /// In ATT&CK id order.
    public var techniques: [TechniqueRow]
    /// Where it came from, for `catalog.json`.
    public var source: Source

    public struct Source: Sendable, Codable, Equatable {
        public var file: String
        public var bundleID: String
        public var sha256: String

        enum CodingKeys: String, CodingKey { case file, bundleID = "bundle_id", sha256 }
    }

    /// The catalog the generator checks tables against.
    public var catalog: AttackCatalog {
        AttackCatalog(version: "v" + version, tactics: tactics,
                      techniques: Dictionary(techniques.map { ($0.technique.id, $0.technique) }, uniquingKeysWith: { a, _ in a }))
    }

    /// `enterprise-techniques.csv`, `tactics.csv` and `catalog.json`, relative to the catalog folder.
    public func files() -> [RenderedFile] {
        let techniqueRows = techniques.map { row -> [String] in
            let t = row.technique
            return [t.id, t.name, t.tactics.joined(separator: ";"), String(row.isSubtechnique), t.parentID ?? "",
                    t.platforms.joined(separator: ";"), String(t.deprecated), String(t.revoked), t.revokedBy ?? "", row.modified]
        }
        let tacticRows = tactics.map { [$0.id, $0.shortname, $0.name, String($0.order)] }
        struct Release: Encodable {
            var attackVersion: String
            var source: Source
            var techniques: Int
            var tactics: Int
            enum CodingKeys: String, CodingKey { case attackVersion = "attack_version", source, techniques, tactics }
        }
        return [
            RenderedFile(path: AttackCatalogFiles.techniques,
                         contents: CSVWriter.write(header: ["id", "name", "tactics", "is_subtechnique", "parent_id", "platforms", "deprecated", "revoked", "revoked_by", "modified"], rows: techniqueRows)),
            RenderedFile(path: AttackCatalogFiles.tactics, contents: CSVWriter.write(header: ["id", "shortname", "name", "order"], rows: tacticRows)),
            RenderedFile(path: AttackCatalogFiles.release,
                         contents: encodeJSON(Release(attackVersion: version, source: source, techniques: techniques.count, tactics: tactics.count))),
        ]
    }

    /// What a Wazuh 4.x manager's MITRE database holds when built from this release: `id,name`
    /// of every technique that is not revoked (deprecated ones included, as Wazuh keeps them).
    public func managerCatalog() -> String {
        CSVWriter.write(header: ["id", "name"], rows: techniques.filter { !$0.technique.revoked }.map { [$0.technique.id, $0.technique.name] })
    }
}

/// The files of `mappings/attack/`.
public enum AttackCatalogFiles {
    public static let techniques = "enterprise-techniques.csv"
    public static let tactics = "tactics.csv"
    /// The release and where it was imported from; `version` is read from here.
    public static let release = "catalog.json"
}
