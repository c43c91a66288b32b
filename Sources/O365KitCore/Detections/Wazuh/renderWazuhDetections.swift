/// Output paths of the detection rules.
public enum WazuhDetectionPaths {
    /// Loads after `0100-o365kit_mappings.xml`, whose rules it refines.
    public static let rules = "wazuh/rules/0200-o365kit_detections.xml"
    /// `etc/lists/NAME` → `wazuh/lists/NAME` in the output.
    public static func list(_ path: String) -> String { "wazuh/lists/" + path.dropFirst("etc/lists/".count) }
}

/// Renders the detection rules through the same templates as the mapping pack, and each
/// CDB list as `key:placeholder` lines (no blank or comment lines: the API rejects them).
func renderWazuhDetections(_ pack: WazuhDetectionPack, project: ValidatedProject, templates: TemplateSet) -> [RenderedFile] {
    guard !pack.rules.isEmpty else { return [] }
    let rules = pack.rules.map { rule -> String in
        let elements = rule.elements.map { e -> [String: String] in
            ["tag": e.tag, "text": e.text, "attributes": e.attributes.map { " \($0.name)=\"\($0.value)\"" }.joined()]
        }
        let values: [String: Any] = [
            "id": String(rule.id), "level": String(rule.level),
            "ruleAttributes": rule.ruleAttributes.map { " \($0.name)=\"\($0.value)\"" }.joined(),
            "elements": elements + [["tag": "description", "text": rule.description, "attributes": ""]],
            "hasMitre": !rule.mitre.isEmpty, "mitre": rule.mitre,
            "hasGroups": true, "groups": rule.groups.joined(separator: ",") + ",",
            "options": ["no_full_log"],
        ]
        return templates.render(WazuhPackPaths.ruleTemplate, values)
    }
    let values: [String: Any] = [
        "groupName": "\(project.settings.profile.fieldPrefix),o365kit,o365kit_detections,",
        "packageName": project.settings.packageName,
        "packageVersion": project.settings.packageVersion,
        "attackVersion": project.catalog.version,
        "profile": project.settings.profile.rawValue,
        "rules": String(rules.joined().dropLast()),
    ]
    var files = [RenderedFile(path: WazuhDetectionPaths.rules, contents: templates.render(WazuhPackPaths.template, values))]
    for (path, keys) in pack.lists.sorted(by: { $0.key < $1.key }) {
        let name = String(path.dropFirst("etc/lists/o365kit-".count))
        files.append(RenderedFile(path: WazuhDetectionPaths.list(path), contents: keys.map { "\($0):\(name)\n" }.joined()))
    }
    return files
}
