import Foundation
import O365KitCore
import Yams

/// What one side of `o365kit diff` means: every mapped thing by lock key, with its
/// techniques, level and rule id, the lock after resolution, and the findings of
/// load + validate + resolve (+ translate, for levels). Built from a mappings/ folder.
public struct MappingSnapshot: Sendable {
    /// One row or detection: anything that owns a lock key.
    public struct Entry: Sendable, Hashable {
        /// `operation`, `logon-error` or `detection`.
        public var kind: String
        /// The lock key, e.g. `operation:Add member to role.` or `detection:mass-download`.
        public var key: String
        /// The key without its kind, as people read it.
        public var name: String
        /// Technique ids in the row's order; empty for `none` rows.
        public var techniques: [String]
        /// The Wazuh level the rule gets (after the level policy), nil when unknown.
        public var level: Int?
        /// Other attributes compared for changes (detections: every top-level YAML key).
        public var attributes: [String: String]
    }

    public var entries: [String: Entry]
    /// The lock after this side's rule ids were resolved (or as committed, if it failed
    /// validation).
    public var lock: RuleLock
    public var catalog: AttackCatalog?
    /// Findings with paths relative to the side's root, so both sides compare.
    public var findings: [Diagnostic]

    /// Loads `mappings` (its parent is the side's root for finding paths).
    public static func load(mappings: URL) -> MappingSnapshot {
        let diagnostics = DiagnosticCollector()
        let paths = ProjectPaths(mappings: mappings, templates: mappings.deletingLastPathComponent().appendingPathComponent("templates"))
        var snapshot = MappingSnapshot(entries: [:], lock: RuleLock(), catalog: nil, findings: [])
        var detections = loadDetections(mappings.appendingPathComponent("detections"), diagnostics: diagnostics)
        if let parsed = loadProject(paths, diagnostics: diagnostics) {
            snapshot.catalog = parsed.catalog
            snapshot.lock = parsed.lock
            // Rule ids are resolved exactly as `build` resolves them, and only when `build`
            // would get that far (no error before): a side with errors keeps its committed lock,
            // so an unrelated error never shows as retired ids. Levels are the Wazuh rules'.
            if let model = GeneratorModel(validating: parsed, paths: paths, diagnostics: diagnostics) {
                if let targets = model.planTargets(diagnostics: diagnostics), let plan = targets.plan(of: WazuhTarget.self) {
                    snapshot.lock = targets.ids.lock
                    let wazuh = WazuhTarget().translate(plan, model: model, ids: targets.ids, diagnostics: diagnostics)
                    var levels = Dictionary(wazuh.pack.rules.map { ($0.origin.key, $0.level) }, uniquingKeysWith: { a, _ in a })
                    for rule in wazuh.detections.rules {
                        levels["detection:\(rule.detection)"] = max(levels["detection:\(rule.detection)"] ?? 0, rule.level)
                    }
                    snapshot.add(model.project.operations, model.project.logonErrors, levels: levels)
                    for index in detections.indices { detections[index].level = levels[detections[index].key] }
                } else {
                    snapshot.add(model.project.operations, model.project.logonErrors, levels: [:])
                }
            } else {
                snapshot.add(parsed.operations, parsed.logonErrors, levels: [:])
            }
        }
        for detection in detections where snapshot.entries[detection.key] == nil {
            snapshot.entries[detection.key] = detection
        }
        let root = mappings.deletingLastPathComponent().standardizedFileURL.path
        snapshot.findings = diagnostics.sorted.map { relativize($0, root: root) }
        return snapshot
    }

    private mutating func add(_ operations: [OperationMapping], _ logonErrors: [LogonErrorMapping], levels: [String: Int]) {
        // Rows are unique after validation; with errors, the first row of a key stands.
        for row in operations where entries[row.key] == nil {
            entries[row.key] = Entry(kind: "operation", key: row.key, name: row.operation.value, techniques: row.assignment.ids,
                                     level: levels[row.key] ?? row.level?.value, attributes: [:])
        }
        for row in logonErrors where entries[row.key] == nil {
            entries[row.key] = Entry(kind: "logon-error", key: row.key, name: row.code.value, techniques: row.assignment.ids,
                                     level: levels[row.key] ?? row.level?.value, attributes: [:])
        }
    }

    /// `mappings/detections/*.yml` (Sigma): key `detection:<stem>`; techniques from the
    /// `attack.tXXXX` tags; every other top-level YAML key is an attribute compared for changes
    /// (the Wazuh level is filled in from the build's translation when the side validates).
    static func loadDetections(_ folder: URL, diagnostics: DiagnosticCollector) -> [Entry] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var result: [Entry] = []
        for name in names where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let url = folder.appendingPathComponent(name)
            let stem = String(name.prefix(upTo: name.lastIndex(of: ".")!))
            guard let text = readText(url, diagnostics: diagnostics) else { continue }
            let object: Any?
            do {
                object = try Yams.load(yaml: text)
            } catch {
                diagnostics.emit(.error("detection-yaml", "not valid YAML: \(error)", at: SourceLocation(path: displayPath(url))))
                continue
            }
            var attributes: [String: String] = [:]
            var techniques: [String] = []
            if let map = object as? [String: Any] {
                for (key, value) in map { attributes[key] = canonical(value) }
                let tags = (map["tags"] as? [Any] ?? []).map { "\($0)".lowercased() }
                techniques = tags.filter { $0.hasPrefix("attack.t") && $0.dropFirst("attack.".count).dropFirst().allSatisfy { $0.isNumber || $0 == "." } }
                    .map { String($0.dropFirst("attack.".count)).uppercased() }
            } else {
                attributes["document"] = object.map(canonical) ?? ""
            }
            attributes.removeValue(forKey: "tags")
            result.append(Entry(kind: "detection", key: "detection:\(stem)", name: stem, techniques: techniques, level: nil, attributes: attributes))
        }
        return result
    }

    /// A stable one-line text for a YAML value: maps with sorted keys, lists in order.
    static func canonical(_ value: Any) -> String {
        switch value {
        case let map as [String: Any]:
            return "{" + map.keys.sorted().map { "\($0): \(canonical(map[$0]!))" }.joined(separator: ", ") + "}"
        case let map as [AnyHashable: Any]:
            return "{" + map.map { ("\($0.key)", canonical($0.value)) }.sorted { $0.0 < $1.0 }.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        case let list as [Any]:
            return "[" + list.map(canonical).joined(separator: ", ") + "]"
        case is NSNull:
            return "null"
        default:
            return "\(value)"
        }
    }

    private static func relativize(_ d: Diagnostic, root: String) -> Diagnostic {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        func strip(_ l: SourceLocation) -> SourceLocation {
            var l = l
            let absolute = l.path.hasPrefix("/") ? l.path : URL(fileURLWithPath: l.path).standardizedFileURL.path
            if absolute.hasPrefix(prefix) { l.path = String(absolute.dropFirst(prefix.count)) }
            return l
        }
        var d = d
        d.location = strip(d.location)
        d.notes = d.notes.map { Diagnostic.Note($0.message, at: strip($0.location)) }
        return d
    }
}
