import Foundation

/// Renders the rule XML through its templates (one for the file, one for a rule), and the
/// lookup data in code (CSV and CDB have one escaping rule each and nothing for a template
/// to shape). Rules are rendered in parallel chunks and joined in order, so the bytes do
/// not depend on scheduling.
func renderWazuhPack(_ pack: WazuhPack, project: ValidatedProject, templates: TemplateSet) -> [RenderedFile] {
    let rules = pack.rules
    let chunkCount = min(max(1, rules.count / 256), ProcessInfo.processInfo.activeProcessorCount * 4)
    let chunkSize = (rules.count + chunkCount - 1) / max(chunkCount, 1)
    let chunks = ConcurrentResults<String>(count: chunkCount)
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
        let slice = rules[min(chunk * chunkSize, rules.count)..<min((chunk + 1) * chunkSize, rules.count)]
        chunks[chunk] = slice.map { templates.render(WazuhPackPaths.ruleTemplate, ruleValues($0)) }.joined()
    }
    let values: TemplateValue = .object([
        ("groupName", .string("\(pack.profile.fieldPrefix),o365kit,")),
        ("packageName", .string(project.settings.packageName)),
        ("packageVersion", .string(project.settings.packageVersion)),
        ("attackVersion", .string(project.catalog.version)),
        ("profile", .string(pack.profile.rawValue)),
        // The rule template starts each rule with a blank line; the file template adds the
        // newline before </group>.
        ("rules", .string(String(chunks.values.joined().dropLast()))),
    ])
    let xml = RenderedFile(path: WazuhPackPaths.rules, contents: templates.render(WazuhPackPaths.template, values))
    return [xml, renderRuleMap(pack, project), renderLogonErrorList(project)]
}

/// What the rule template sees: every value already a finished, escaped string.
func ruleValues(_ rule: WazuhRule) -> TemplateValue {
    var elements: [TemplateValue] = []
    func element(_ tag: String, _ text: String, _ attributes: String = "") {
        elements.append(.object([("tag", .string(tag)), ("attributes", .string(attributes)), ("text", .string(text))]))
    }
    if !rule.parents.isEmpty { element("if_sid", rule.parents.map(String.init).joined(separator: ", ")) }
    var attributes = ""
    if let c = rule.correlation {
        attributes = " frequency=\"\(c.frequency)\" timeframe=\"\(c.timeframe)\"" + (c.ignore.map { " ignore=\"\($0)\"" } ?? "")
        element("if_matched_sid", String(c.matchedSID))
        for field in c.sameFields { element("same_field", field) }
        for field in c.differentFields { element("different_field", field) }
    }
    if let decoder = rule.decodedAs { element("decoded_as", decoder) }
    if let location = rule.location { element("location", location) }
    for field in rule.fields {
        element("field", field.pattern, " name=\"\(field.name)\" type=\"\(field.type.rawValue)\"" + (field.negate ? " negate=\"yes\"" : ""))
    }
    element("description", rule.description)
    return .object([
        ("id", .string(String(rule.id))),
        ("level", .string(String(rule.level))),
        ("ruleAttributes", .string(attributes)),
        ("elements", .list(elements)),
        ("hasMitre", .flag(!rule.mitre.isEmpty)),
        ("mitre", .list(rule.mitre.map { .string($0) })),
        ("options", .list(rule.options.map { .string($0) })),
        ("hasGroups", .flag(!rule.groups.isEmpty)),
        ("groups", .string(rule.groups.isEmpty ? "" : rule.groups.joined(separator: ",") + ",")),
    ])
}

/// `o365kit-rule-map.csv`: rule id → what it means, for dashboards and for joining alerts
/// back to the tables.
private func renderRuleMap(_ pack: WazuhPack, _ project: ValidatedProject) -> RenderedFile {
    let rows = pack.rules.sorted { $0.id < $1.id }.map { rule -> [String] in
        let (kind, name) = splitKey(rule.origin.key)
        return [
            String(rule.id), String(rule.level), kind, name,
            rule.mitre.joined(separator: ";"),
            rule.mitre.map { project.catalog.displayName(of: $0) }.joined(separator: ";"),
            tactics(of: rule.mitre, in: project.catalog).joined(separator: ";"),
            rule.parents.map(String.init).joined(separator: ";"),
        ]
    }
    let csv = CSVWriter.write(header: ["rule_id", "level", "kind", "name", "technique_ids", "technique_names", "tactics", "parent_rule_ids"], rows: rows)
    return RenderedFile(path: WazuhPackPaths.ruleMap, contents: csv)
}

/// A CDB list `LogonError:technique ids`, for rules of a site's own that want to test a
/// code against the mapped set (`<list field="office365.LogonError" lookup="match_key">`).
/// The API accepts only `[\w-]` keys and values without `:` or quotes, which ids and
/// codes satisfy; other codes are left out of the list.
private func renderLogonErrorList(_ project: ValidatedProject) -> RenderedFile {
    let lines = project.logonErrors.compactMap { mapping -> String? in
        guard mapping.assignment != .noTechnique, mapping.code.value.wholeMatch(of: /[A-Za-z0-9_\-]+/) != nil else { return nil }
        return "\(mapping.code.value):\(mapping.assignment.description)"
    }
    return RenderedFile(path: WazuhPackPaths.logonErrorList, contents: lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
}

func splitKey(_ key: String) -> (kind: String, name: String) {
    guard let colon = key.firstIndex(of: ":") else { return ("", key) }
    return (String(key[..<colon]), String(key[key.index(after: colon)...]))
}
