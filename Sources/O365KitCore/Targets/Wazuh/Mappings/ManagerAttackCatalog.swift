import Foundation

/// The ATT&CK technique ids a Wazuh manager's MITRE database knows (`wazuh.attack_ids` in
/// `o365kit.yaml`). Wazuh 4.x fills an alert's `rule.mitre` from wazuh-db, built from the ATT&CK
/// bundle it ships (Enterprise v13.1 in 4.14.7, `ruleset/mitre/enterprise-attack.json`), and
/// drops an id it does not know ("Mitre Technique ID 'X' not found in database").
struct ManagerAttackCatalog {
    /// As written in the settings, for messages.
    var path: String
    var ids: Set<String>
}

/// Reads the `id,name` CSV named by `wazuh.attack_ids` (relative to the mappings folder).
func loadManagerAttackCatalog(_ settings: ProjectSettings, mappings: URL, diagnostics: DiagnosticCollector) -> ManagerAttackCatalog? {
    guard let file = settings.managerAttackIDs else { return nil }
    let url = mappings.appendingPathComponent(file.value)
    guard let text = FileManager.default.contents(atPath: url.path).map({ String(decoding: $0, as: UTF8.self) }) else {
        diagnostics.emit(.error("bad-settings", "wazuh.attack_ids: cannot read \(displayPath(url))", at: file.location))
        return nil
    }
    var ids: Set<String> = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index > 0 && !line.isEmpty {
        let id = String(line.prefix { $0 != "," })
        guard isTechniqueIDShaped(id) else {
            diagnostics.emit(.error("bad-settings", "'\(id)' is not an ATT&CK technique id", at: SourceLocation(path: displayPath(url), line: index + 1, column: 1)))
            continue
        }
        ids.insert(id)
    }
    return ManagerAttackCatalog(path: file.value, ids: ids)
}

/// Makes every `<mitre>` id one the manager knows: a sub-technique it does not know becomes its
/// parent when the parent is known, any other unknown id is left out (the manager would drop
/// it). The original id stays in the rule's groups (`attack_t1213.005`) and, for mapping rules,
/// in the description; each change is a warning at the row or detection it comes from.
func adaptMitre(_ pack: inout WazuhPack, _ detections: inout WazuhDetectionPack, to catalog: ManagerAttackCatalog,
                settings: ProjectSettings, diagnostics: DiagnosticCollector) {
    var reported: Set<String> = []
    func adapt(_ mitre: [String], _ groups: inout [String], origin: WazuhRule.Origin) -> [String] {
        var out: [String] = []
        for id in mitre {
            if catalog.ids.contains(id) {
                if !out.contains(id) { out.append(id) }
                continue
            }
            let parent = id.split(separator: ".").first.map(String.init)
            let substitute = parent.flatMap { $0 != id && catalog.ids.contains($0) ? $0 : nil }
            if let substitute, !out.contains(substitute) { out.append(substitute) }
            let group = "attack_" + id.lowercased()
            if !groups.contains(group) { groups.append(group) }
            let message = substitute.map { "\(id) is not in the manager's ATT&CK database (\(catalog.path)); Wazuh rules carry its parent \($0) and the group \(group)" }
                ?? "\(id) is not in the manager's ATT&CK database (\(catalog.path)) and has no parent there; Wazuh rules leave it out of <mitre> and carry the group \(group)"
            let at = origin.row ?? settings.location
            if reported.insert("\(at)|\(id)").inserted {
                diagnostics.emit(.warning("wazuh-mitre-substituted", message, at: at))
            }
        }
        return out
    }
    for index in pack.rules.indices {
        pack.rules[index].mitre = adapt(pack.rules[index].mitre, &pack.rules[index].groups, origin: pack.rules[index].origin)
    }
    for index in detections.rules.indices {
        detections.rules[index].mitre = adapt(detections.rules[index].mitre, &detections.rules[index].groups, origin: detections.rules[index].origin)
    }
}
