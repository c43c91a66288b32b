/// Renders the detection rules through the same templates as the mapping pack, and each
/// CDB list as `key:placeholder` lines (no blank or comment lines: the API rejects them).
func renderWazuhDetections(_ pack: WazuhDetectionPack, project: ValidatedProject, templates: TemplateSet) -> [RenderedFile] {
    guard !pack.rules.isEmpty else { return [] }
    let rules = pack.rules.map { rule -> String in
        func element(_ tag: String, _ attributes: String, _ text: String) -> TemplateValue {
            .object([("tag", .string(tag)), ("attributes", .string(attributes)), ("text", .string(text))])
        }
        let elements = rule.elements.map { e in
            element(e.tag, e.attributes.map { " \($0.name)=\"\($0.value)\"" }.joined(), e.text)
        }
        let values: TemplateValue = .object([
            ("id", .string(String(rule.id))), ("level", .string(String(rule.level))),
            ("ruleAttributes", .string(rule.ruleAttributes.map { " \($0.name)=\"\($0.value)\"" }.joined())),
            ("elements", .list(elements + [element("description", "", rule.description)])),
            ("hasMitre", .flag(!rule.mitre.isEmpty)), ("mitre", .list(rule.mitre.map { .string($0) })),
            ("options", .list(["no_full_log"])),
            ("hasGroups", true), ("groups", .string(rule.groups.joined(separator: ",") + ",")),
        ])
        return templates.render(WazuhPackPaths.ruleTemplate, values)
    }
    let values: TemplateValue = .object([
        ("groupName", .string("\(project.settings.profile.fieldPrefix),o365kit,o365kit_detections,")),
        ("packageName", .string(project.settings.packageName)),
        ("packageVersion", .string(project.settings.packageVersion)),
        ("attackVersion", .string(project.catalog.version)),
        ("profile", .string(project.settings.profile.rawValue)),
        ("rules", .string(String(rules.joined().dropLast()))),
    ])
    var files = [RenderedFile(path: WazuhDetectionPaths.rules, contents: templates.render(WazuhPackPaths.template, values))]
    for (path, keys) in pack.lists.sorted(by: { $0.key < $1.key }) {
        let name = String(path.dropFirst("etc/lists/o365kit-".count))
        files.append(RenderedFile(path: WazuhDetectionPaths.list(path), contents: keys.map { "\($0):\(name)\n" }.joined()))
    }
    return files
}
