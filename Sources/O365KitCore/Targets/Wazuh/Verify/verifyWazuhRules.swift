/// Checks the rendered rule XML the way analysisd and the Wazuh API will read it, and
/// points every finding at the generated line and at the table row behind the rule.
///
/// libxml2's streaming reader parses the file (inside a synthetic root) and validates it
/// against the RELAX NG schema of the subset we emit; the lints, run rule by rule as the
/// reader goes, cover what a schema cannot say. `loadOrder` holds every rule file of the
/// manager that this one may hang under, this one included: a parent must be defined by a
/// file that analysisd loads earlier, or earlier in this file.
func verifyWazuhRules(_ file: RenderedFile, pack: WazuhPack, project: ValidatedProject, schema: String, schemaPath: String, outputRoot: String,
                      loadOrder: WazuhLoadOrder, origins extraOrigins: [Int: WazuhRule.Origin] = [:]) -> [Diagnostic] {
    let path = outputRoot + file.path
    var out: [Diagnostic] = []
    let origins = Dictionary(pack.rules.map { ($0.id, $0.origin) }, uniquingKeysWith: { a, _ in a }).merging(extraOrigins) { a, _ in a }
    func at(_ line: Int) -> SourceLocation { SourceLocation(path: path, line: line, column: 1) }
    func notes(_ id: Int?) -> [Diagnostic.Note] {
        guard let id, let origin = origins[id], let row = origin.row else { return [] }
        return [.init("rule \(id) is generated from this row (\(origin.key))", at: row)]
    }

    out += forbiddenMarkup(in: file.contents).map { line, message in .error("wazuh-xml", message, at: at(line)) }

    let lockedIDs = Set(project.lock.rules.values.map(\.id))
    var defined = loadOrder.defined(before: file.path)
    let fileName = WazuhLoadOrder.name(file.path)
    /// Why `parent` is not there when analysisd reaches rule `id`.
    func missing(_ element: String, _ parent: Int, of id: Int, at line: SourceLocation) -> Diagnostic {
        if let later = loadOrder.file(defining: parent), parent != id {
            let laterName = WazuhLoadOrder.name(later.path)
            let reason = laterName == fileName
                ? "rule \(parent) is defined further down this file"
                : "rule \(parent) is defined in \(laterName), which analysisd loads after \(fileName): the rule files of every folder load sorted by file name (src/config/rules-config.c)"
            return .error("wazuh-load-order", "\(element) \(parent): \(reason); Wazuh would drop rule \(id)", at: line, notes: notes(id))
        }
        return .error("wazuh-parent", "\(element) \(parent) is not a native rule or a rule defined earlier; Wazuh would drop rule \(id)", at: line, notes: notes(id))
    }
    let nativeRoot = project.settings.profile == .native ? project.native.rootID : nil
    out += streamRuleFile(file.contents, path: path, relaxNG: schema, schemaPath: schemaPath) { event in
        switch event {
        case .group(let name, let line):
            if !isGroupList(name ?? "") {
                out.append(.error("wazuh-group", "a group name must be a list of names each followed by ',' (rule groups are appended to it), got '\(name ?? "")'", at: at(line)))
            }
        case .rule(let rule):
            out += lint(rule)
        }
    }
    return out

    func lint(_ rule: StreamedRule) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let here = at(rule.line)
        guard let id = rule.id.flatMap(Int.init), let level = rule.level.flatMap(Int.init) else {
            return [.error("wazuh-rule", "rule without a numeric id and level", at: here)]
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
        for element in rule.children {
            let line = at(element.line)
            if element.text.utf8.count >= 2048 {
                out.append(.error("wazuh-length", "<\(element.name)> text is \(element.text.utf8.count) bytes; Wazuh's limit is 2047", at: line, notes: notes(id)))
            }
            switch element.name {
            case "if_sid":
                let parts = element.text.split(whereSeparator: { $0 == "," || $0 == " " })
                if parts.isEmpty || parts.contains(where: { Int($0) == nil || $0.count > 6 }) {
                    out.append(.error("wazuh-parent", "if_sid must list rule ids separated by ', ', got '\(element.text)'", at: line, notes: notes(id)))
                }
                for parent in parts.compactMap({ Int($0) }) {
                    if !defined.contains(parent) || parent == id {
                        out.append(missing("if_sid", parent, of: id, at: line))
                    }
                    if parent == nativeRoot && level < minimumLevelUnderNativeRoot {
                        out.append(.error("wazuh-never-fires", "rule \(id) is a level-\(level) child of \(parent): analysisd tries 91532 (level 3) first, so it would never fire; use level 4 or more", at: here, notes: notes(id)))
                    }
                }
            case "if_matched_sid":
                if let counted = Int(element.text), !defined.contains(counted) || counted == id {
                    out.append(missing("if_matched_sid", counted, of: id, at: line))
                }
            case "description" where element.text.utf8.count >= 1024:
                out.append(.error("wazuh-description", "description is \(element.text.utf8.count) bytes; Wazuh falls back to the raw template at 1024", at: line, notes: notes(id)))
            case "group" where !isGroupList(element.text):
                out.append(.error("wazuh-group", "<group> must be a list of names each followed by ',', got '\(element.text)'", at: line, notes: notes(id)))
            case "list" where element.text.wholeMatch(of: /etc\/lists\/[A-Za-z0-9_\-]+/) == nil:
                out.append(.error("wazuh-list", "a CDB list path must be etc/lists/NAME with NAME of [A-Za-z0-9_-] (the API refuses dots), got '\(element.text)'", at: line, notes: notes(id)))
            case "field":
                if let problem = WazuhPatternCheck.error(type: element.attributes["type"] ?? "osregex", pattern: element.text) {
                    out.append(.error("wazuh-regex", "\(problem) in '\(element.text)'", at: line, notes: notes(id)))
                }
            default:
                break
            }
        }
        for (mitre, line) in rule.mitre where !isTechniqueIDShaped(mitre) {
            out.append(.error("wazuh-mitre", "'\(mitre)' is not an ATT&CK technique id; Wazuh would drop it", at: at(line), notes: notes(id)))
        }
        return out
    }
}

/// `a,b-c,d.e,`: names of letters, digits, `_`, `-` and `.`, each followed by a comma.
private func isGroupList(_ text: String) -> Bool {
    guard text.utf8.last == UInt8(ascii: ","), text.utf8.count > 1 else { return false }
    var previousComma = true
    for byte in text.utf8 {
        if byte == UInt8(ascii: ",") {
            if previousComma { return false }
            previousComma = true
        } else if (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") {
            previousComma = false
        } else {
            return false
        }
    }
    return true
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
