/// Checks the rendered rule XML the way analysisd and the Wazuh API will read it, and
/// points every finding at the generated line and at the table row behind the rule.
///
/// libxml2 parses the file (inside a synthetic root) and validates it against the RELAX
/// NG schema of the subset we emit; the lints then cover what a schema cannot say.
func verifyWazuhRules(_ file: RenderedFile, pack: WazuhPack, project: ValidatedProject, schema: String, schemaPath: String, outputRoot: String,
                      alsoDefined: Set<Int> = [], origins extraOrigins: [Int: WazuhRule.Origin] = [:]) -> [Diagnostic] {
    let path = outputRoot + file.path
    var out: [Diagnostic] = []
    let origins = Dictionary(pack.rules.map { ($0.id, $0.origin) }, uniquingKeysWith: { a, _ in a }).merging(extraOrigins) { a, _ in a }
    func at(_ line: Int) -> SourceLocation { SourceLocation(path: path, line: line, column: 1) }
    func notes(_ id: Int?) -> [Diagnostic.Note] {
        guard let id, let origin = origins[id], let row = origin.row else { return [] }
        return [.init("rule \(id) is generated from this row (\(origin.key))", at: row)]
    }

    out += forbiddenMarkup(in: file.contents).map { line, message in .error("wazuh-xml", message, at: at(line)) }

    let (root, problems) = XMLChecker.check(file.contents, path: path, relaxNG: schema, schemaPath: schemaPath)
    out += problems
    guard let root else { return out }

    let lockedIDs = Set(project.lock.rules.values.map(\.id))
    var defined: Set<Int> = (project.settings.profile == .native ? project.native.ids : []).union(alsoDefined)
    let nativeRoot = project.settings.profile == .native ? project.native.rootID : nil
    for group in root.children(named: "group") {
        if group.attribute("name")?.hasSuffix(",") != true {
            out.append(.error("wazuh-group", "a group name must end with ',' because rule groups are appended to it", at: at(group.line)))
        }
        for rule in group.children(named: "rule") {
            let id = rule.attribute("id").flatMap(Int.init)
            let level = rule.attribute("level").flatMap(Int.init)
            let here = at(rule.line)
            guard let id, let level else {
                out.append(.error("wazuh-rule", "rule without a numeric id and level", at: here))
                continue
            }
            if !project.settings.ruleIDs.contains(id) && !lockedIDs.contains(id) {
                out.append(.error("wazuh-id-range", "rule id \(id) is outside \(project.settings.ruleIDs.lowerBound)-\(project.settings.ruleIDs.upperBound)", at: here, notes: notes(id)))
            }
            if !defined.insert(id).inserted {
                out.append(.error("wazuh-duplicate-id", "rule id \(id) is defined twice (or clashes with a native rule); Wazuh keeps only the first", at: here, notes: notes(id)))
            }
            if !(0...16).contains(level) {
                out.append(.error("wazuh-level", "level \(level) is outside 0-16", at: here, notes: notes(id)))
            }
            for ifSid in rule.children(named: "if_sid") {
                for parent in ifSid.text.split(whereSeparator: { $0 == "," || $0 == " " }).compactMap({ Int($0) }) {
                    if !defined.contains(parent) || parent == id {
                        out.append(.error("wazuh-parent", "if_sid \(parent) is not a native rule or a rule defined earlier in the file; Wazuh would skip rule \(id)", at: at(ifSid.line), notes: notes(id)))
                    }
                    if parent == nativeRoot && level < minimumLevelUnderNativeRoot {
                        out.append(.error("wazuh-never-fires", "rule \(id) is a level-\(level) child of \(parent): analysisd tries 91532 (level 3) first, so it would never fire; use level 4 or more", at: here, notes: notes(id)))
                    }
                }
            }
            for description in rule.children(named: "description") where description.text.utf8.count >= 1024 {
                out.append(.error("wazuh-description", "description is \(description.text.utf8.count) bytes; Wazuh falls back to the raw template at 1024", at: at(description.line), notes: notes(id)))
            }
            for groupText in rule.children(named: "group") where !groupText.text.hasSuffix(",") {
                out.append(.error("wazuh-group", "<group> text must end with ','", at: at(groupText.line), notes: notes(id)))
            }
            for element in rule.children where element.text.utf8.count >= 2048 {
                out.append(.error("wazuh-length", "<\(element.name)> text is \(element.text.utf8.count) bytes; Wazuh's limit is 2047", at: at(element.line), notes: notes(id)))
            }
            for field in rule.children(named: "field") {
                if let problem = WazuhPatternCheck.error(type: field.attribute("type") ?? "osregex", pattern: field.text) {
                    out.append(.error("wazuh-regex", "\(problem) in '\(field.text)'", at: at(field.line), notes: notes(id)))
                }
            }
        }
    }
    return out
}

/// Lines holding what Wazuh cannot take: an XML declaration, CDATA, or any `&` (it decodes
/// no entities, and the API rejects a raw one). One pass over the bytes.
private func forbiddenMarkup(in text: String) -> [(Int, String)] {
    var found: [(Int, String)] = []
    var line = 1
    var previous: UInt8 = 0
    let cdata = Array("<![CDATA[".utf8)
    var matched = 0
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\n"):
            line += 1
        case UInt8(ascii: "&"):
            found.append((line, "'&' is not allowed: Wazuh decodes no entities and the API rejects a raw '&'"))
        case UInt8(ascii: "?") where previous == UInt8(ascii: "<"):
            found.append((line, "XML declarations and processing instructions make Wazuh reject the whole ruleset"))
        default:
            break
        }
        matched = byte == cdata[matched] ? matched + 1 : (byte == UInt8(ascii: "<") ? 1 : 0)
        if matched == cdata.count {
            found.append((line, "Wazuh's XML parser rejects CDATA"))
            matched = 0
        }
        previous = byte
    }
    return found
}
