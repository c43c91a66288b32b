import Foundation

/// Paths of the coverage artifacts, below the output folder.
public enum CoveragePaths {
    public static let layer = "attack/o365kit-layer.json"
    public static let summary = "attack/coverage.md"
    public static let summaryTemplate = "attack/coverage.md.mustache"
    /// The Navigator release whose layer format 4.5 this targets (its documented example
    /// pairs ATT&CK 18 with Navigator 5.2.0).
    public static let navigatorVersion = "5.2.0"
    public static let layerFormat = "4.5"
}

/// An ATT&CK Navigator layer (format 4.5) as data; encoded with sorted keys.
public struct NavigatorLayer: Codable, Equatable, Sendable {
    public struct Versions: Codable, Equatable, Sendable { public var attack, navigator, layer: String }
    public struct Filters: Codable, Equatable, Sendable { public var platforms: [String] }
    public struct Layout: Codable, Equatable, Sendable {
        public var layout = "side"
        public var showID = true
        public var showName = true
        public var showAggregateScores = false
        public var countUnscored = false
        public var aggregateFunction = "sum"
        public var expandedSubtechniques = "annotated"
    }
    public struct Metadata: Codable, Equatable, Sendable { public var name, value: String }
    public struct Technique: Codable, Equatable, Sendable {
        public var techniqueID: String
        public var score: Int?
        public var comment: String
        public var enabled: Bool
        public var metadata: [Metadata]
        public var showSubtechniques: Bool
    }
    public struct Gradient: Codable, Equatable, Sendable {
        public var colors: [String]
        public var minValue: Int
        public var maxValue: Int
    }
    public struct LegendItem: Codable, Equatable, Sendable { public var label, color: String }

    public var name: String
    public var versions: Versions
    public var domain: String
    public var description: String
    public var filters: Filters
    public var sorting: Int
    public var layout: Layout
    public var hideDisabled: Bool
    public var techniques: [Technique]
    public var gradient: Gradient
    public var legendItems: [LegendItem]
    public var showTacticRowBackground: Bool
    public var tacticRowBackground: String
    public var selectTechniquesAcrossTactics: Bool
    public var selectSubtechniquesWithParent: Bool
    public var selectVisibleTechniques: Bool
    public var metadata: [Metadata]
}

/// The layer: every covered technique scored by how many operations, LogonErrors and
/// detections cover it; parents of covered sub-techniques listed unscored with their
/// sub-techniques shown, so the matrix opens on what is covered.
func navigatorLayer(_ coverage: AttackCoverage, project: ValidatedProject) -> NavigatorLayer {
    let catalog = project.catalog
    let covered = coverage.techniqueIDs
    var techniques: [NavigatorLayer.Technique] = []
    let parentsShown = Set(covered.compactMap { catalog.techniques[$0]?.parentID })
    for id in Set(covered).union(parentsShown).sorted(by: attackOrder) {
        let score = coverage.score(id)
        let parts = AttackCoverage.Source.allCases.compactMap { source -> String? in
            let keys = coverage.keys[id]?[source] ?? []
            return keys.isEmpty ? nil : "\(source.title): \(keys.sorted().joined(separator: ", "))"
        }
        techniques.append(.init(
            techniqueID: id, score: score > 0 ? score : nil,
            comment: parts.isEmpty ? "Not covered itself; sub-techniques are." : parts.joined(separator: "\n"),
            enabled: true,
            metadata: AttackCoverage.Source.allCases.map { .init(name: $0.title, value: String(coverage.count(id, $0))) },
            showSubtechniques: parentsShown.contains(id)))
    }
    // Show the matrix of the platforms audit events come from; a covered technique with
    // none of them brings its own, so nothing covered is ever filtered out.
    var platforms = Set<String>()
    for id in covered {
        let own = catalog.techniques[id]?.platforms ?? []
        let cloud = own.filter(AttackCatalog.cloudPlatforms.contains)
        platforms.formUnion(cloud.isEmpty ? own : cloud)
    }
    let maxScore = max(2, covered.map(coverage.score).max() ?? 0)
    let major = catalog.version.drop { !$0.isNumber }.split(separator: ".").first.map(String.init) ?? catalog.version
    return NavigatorLayer(
        name: "\(project.settings.packageName) \(project.settings.packageVersion) coverage",
        versions: .init(attack: major, navigator: CoveragePaths.navigatorVersion, layer: CoveragePaths.layerFormat),
        domain: "enterprise-attack",
        description: "ATT&CK \(catalog.version) techniques covered by the o365kit Office 365 audit mappings; score = operations + LogonErrors + detections mapped to the technique. Generated from mappings/ - do not edit.",
        filters: .init(platforms: platforms.sorted()), sorting: 3, layout: .init(), hideDisabled: false,
        techniques: techniques,
        gradient: .init(colors: ["#d6eaff", "#1f6fc5"], minValue: 1, maxValue: maxScore),
        legendItems: [.init(label: "covered by 1 mapping", color: "#d6eaff"), .init(label: "covered by \(maxScore) or more", color: "#1f6fc5")],
        showTacticRowBackground: false, tacticRowBackground: "#dddddd",
        selectTechniquesAcrossTactics: true, selectSubtechniquesWithParent: false, selectVisibleTechniques: false,
        metadata: [.init(name: "generator", value: "o365kit \(project.settings.packageVersion)"),
                   .init(name: "ATT&CK", value: "Enterprise \(catalog.version)")])
}

/// The layer JSON and the Markdown summary (a table by tactic, then one row per technique).
func renderCoverage(_ coverage: AttackCoverage, project: ValidatedProject, templates: TemplateSet) -> [RenderedFile] {
    let catalog = project.catalog
    let covered = coverage.techniqueIDs
    let active = catalog.techniques.values.filter(\.isActive)
    let tacticRows: [[String: String]] = catalog.tactics.map { tactic in
        let ids = covered.filter { catalog.techniques[$0]?.tactics.contains(tactic.shortname) == true }
        func sum(_ source: AttackCoverage.Source) -> String { String(ids.reduce(0) { $0 + coverage.count($1, source) }) }
        return [
            "tactic": "\(tactic.name) (\(tactic.id))",
            "covered": "\(ids.count) of \(active.filter { $0.tactics.contains(tactic.shortname) }.count)",
            "operations": sum(.operations), "logonErrors": sum(.logonErrors), "detections": sum(.detections),
            "techniques": ids.isEmpty ? "-" : ids.map { "\($0) \(markdownCell(catalog.displayName(of: $0)))" }.joined(separator: "; "),
        ]
    }
    let techniqueRows: [[String: String]] = covered.map { id in
        [
            "id": id, "name": markdownCell(catalog.displayName(of: id)),
            "tactics": tactics(of: [id], in: catalog).compactMap { catalog.tactic(shortname: $0)?.name }.joined(separator: ", "),
            "operations": String(coverage.count(id, .operations)), "logonErrors": String(coverage.count(id, .logonErrors)),
            "detections": String(coverage.count(id, .detections)), "score": String(coverage.score(id)),
        ]
    }
    let values: [String: Any] = [
        "packageName": project.settings.packageName, "version": project.settings.packageVersion,
        "attackVersion": catalog.version, "coveredCount": String(covered.count), "activeCount": String(active.count),
        "tactics": tacticRows, "techniques": techniqueRows, "layer": CoveragePaths.layer,
    ]
    return [
        RenderedFile(path: CoveragePaths.layer, contents: encodeJSON(navigatorLayer(coverage, project: project))),
        RenderedFile(path: CoveragePaths.summary, contents: templates.render(CoveragePaths.summaryTemplate, values)),
    ]
}

/// Text safe inside a Markdown table cell.
private func markdownCell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
}
