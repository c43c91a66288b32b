import Foundation

/// What `o365kit attack import` tells a person: the release read, and what it changes for the
/// project's tables and detections compared with the catalog they use now.
public struct AttackImportReport: Encodable, Sendable {
    public var previousVersion: String?
    public var version: String
    public var techniques: Int
    public var active: Int
    public var deprecated: Int
    public var revoked: Int
    public var tactics: [String]
    /// The whole catalog's changes from the release in use.
    public var release: AttackReleaseDelta?
    /// Located at the rows and detections that use a changed technique.
    public var changes: [Diagnostic]

    enum CodingKeys: String, CodingKey {
        case previousVersion = "previous_version", version, techniques, active, deprecated, revoked, tactics, release, changes
    }

    /// Compares `imported` with the catalog the project at `paths` uses now. A project whose
    /// tables do not load gets the release's figures only.
    public init(_ imported: ImportedAttackCatalog, project paths: ProjectPaths) {
        let new = imported.catalog
        let rows = imported.techniques.map(\.technique)
        version = new.version
        techniques = rows.count
        active = rows.filter(\.isActive).count
        deprecated = rows.filter(\.deprecated).count
        revoked = rows.filter(\.revoked).count
        tactics = new.tactics.map(\.shortname)
        changes = []
        let quiet = DiagnosticCollector()
        guard let project = loadProject(paths, diagnostics: quiet) else { return }
        previousVersion = project.catalog.version
        release = AttackReleaseDelta(from: project.catalog, to: new)
        var detections: [SigmaRule] = []
        if let environment = loadDetectionEnvironment(paths.environment, diagnostics: quiet) {
            detections = paths.detectionFolders.flatMap { loadDetections($0, environment: environment, diagnostics: quiet) }
        }
        changes = attackReleaseChanges(from: project.catalog, to: new, project: project, detections: detections).sorted()
    }

    public var text: String {
        var out = "ATT&CK Enterprise \(version): \(techniques) techniques (\(active) active, \(deprecated) deprecated, \(revoked) revoked), \(tactics.count) tactics\n"
        if let previousVersion, let release {
            out += "compared with the catalog in use (\(previousVersion)): \(release.summary)\n"
            out += changes.isEmpty ? "  no technique the tables or detections use changes\n"
                : "  \(changes.count) change(s) to techniques the tables and detections use (listed above)\n"
        }
        return out
    }
}
