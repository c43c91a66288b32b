import Foundation
import Yams

/// Reads `o365kit.yaml`. Every key is checked: an unknown or mistyped setting is a located
/// error rather than a default silently taking its place.
func loadSettings(_ url: URL, diagnostics: DiagnosticCollector) -> ProjectSettings? {
    let path = displayPath(url)
    guard let text = readText(url, diagnostics: diagnostics) else { return nil }
    let root: Node
    do {
        guard let node = try Yams.compose(yaml: text) else {
            diagnostics.emit(.error("bad-settings", "settings file is empty", at: SourceLocation(path: path, line: 1, column: 1)))
            return nil
        }
        root = node
    } catch {
        diagnostics.emit(yamlDiagnostic(error, path: path, text: text))
        return nil
    }
    var reader = SettingsReader(path: path, diagnostics: diagnostics)
    let errorsBefore = diagnostics.count(.error)
    let top = reader.mapping(root, allowed: ["package", "wazuh", "levels", "logon_errors"])
    let package = reader.mapping(top["package"], allowed: ["name", "version"], required: true)
    let wazuh = reader.mapping(top["wazuh"], allowed: ["profile", "rule_ids", "attack_ids"], required: true)
    let ids = reader.mapping(wazuh["rule_ids"], allowed: ["first", "last"], required: true)
    let levels = reader.mapping(top["levels"], allowed: ["default", "tactics", "no_technique"], required: true)
    let logon = reader.mapping(top["logon_errors"], allowed: ["parent_operation"], required: true)

    let name = reader.string(package["name"], key: "package.name")
    // The name is the Splunk app id and part of the package file names.
    if let n = name, n.value.wholeMatch(of: /[A-Za-z][A-Za-z0-9_.\-]*/) == nil {
        diagnostics.emit(.error("bad-settings", "package.name '\(n.value)' is not a valid app id: a letter, then letters, digits, '.', '_' or '-'", at: n.location))
    }
    let version = reader.string(package["version"], key: "package.version")
    if let v = version, v.value.split(separator: ".", omittingEmptySubsequences: false).count != 3
        || !v.value.split(separator: ".").allSatisfy({ Int($0) != nil }) {
        diagnostics.emit(.error("bad-settings", "package.version must be MAJOR.MINOR.PATCH, got '\(v.value)'", at: v.location))
    }
    let profileText = reader.string(wazuh["profile"], key: "wazuh.profile")
    var profile: WazuhFieldProfile?
    if let p = profileText {
        profile = WazuhFieldProfile(rawValue: p.value)
        if profile == nil {
            let choices = WazuhFieldProfile.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.emit(.error("bad-settings", "unknown wazuh.profile '\(p.value)'; expected one of: \(choices)", at: p.location))
        }
    }
    let first = reader.int(ids["first"], key: "wazuh.rule_ids.first", range: 100000...999999)
    let last = reader.int(ids["last"], key: "wazuh.rule_ids.last", range: 100000...999999)
    if let f = first, let l = last, f.value > l.value {
        diagnostics.emit(.error("bad-settings", "wazuh.rule_ids.first (\(f.value)) is above last (\(l.value))", at: f.location))
    }
    let defaultLevel = reader.int(levels["default"], key: "levels.default", range: 0...16)
    let noTechnique = reader.int(levels["no_technique"], key: "levels.no_technique", range: 0...16)
    var tacticLevels: [String: Int] = [:]
    var tacticKeys: [Located<String>] = []
    if let node = levels["tactics"] {
        for (key, value) in reader.pairs(node, key: "levels.tactics") {
            tacticKeys.append(key)
            if let level = reader.int(value, key: "levels.tactics.\(key.value)", range: 0...16) {
                tacticLevels[key.value] = level.value
            }
        }
    }
    let parent = reader.string(logon["parent_operation"], key: "logon_errors.parent_operation")
    let attackIDs = wazuh["attack_ids"].flatMap { reader.string($0, key: "wazuh.attack_ids") }

    guard let name, let version, let profile, let first, let last, let defaultLevel, let noTechnique, let parent,
          first.value <= last.value, !reader.failed, diagnostics.count(.error) == errorsBefore else { return nil }
    var settings = ProjectSettings(
        packageName: name.value,
        packageVersion: version.value,
        profile: profile,
        ruleIDs: first.value...last.value,
        levels: LevelPolicy(defaultLevel: defaultLevel.value, tactics: tacticLevels, noTechnique: noTechnique.value),
        logonErrorOperation: parent.value,
        managerAttackIDs: attackIDs,
        location: SourceLocation(path: path, line: 1, column: 1)
    )
    settings.levelTacticKeys = tacticKeys
    return settings
}

/// Turns a Yams error into `path:line:column: error: …`. `text` (the file) lets a duplicate
/// key be located at its second occurrence.
func yamlDiagnostic(_ error: Error, path: String, text: String = "") -> Diagnostic {
    if let yamlError = error as? YamlError {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .error("bad-yaml", "invalid YAML: \(problem)", at: SourceLocation(path: path, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams points at the mapping and quotes all of it; point at the repeated key instead.
            let at = secondOccurrence(of: duplicates.sorted().first ?? "", in: text, after: context.mark.line)
                ?? SourceLocation(path: path, line: context.mark.line, column: context.mark.column)
            return .error("bad-yaml", "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in one mapping",
                          at: SourceLocation(path: path, line: at.line, column: at.column))
        default:
            break
        }
    }
    return .error("bad-yaml", "invalid YAML: \(error)", at: SourceLocation(path: path, line: 1, column: 1))
}

/// The line and column of the second `key:` at one indentation, from line `from` on.
private func secondOccurrence(of key: String, in text: String, after from: Int) -> SourceLocation? {
    guard !key.isEmpty else { return nil }
    var seen: [Int: Int] = [:]
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= from {
        let body = line.drop { $0 == " " }
        let indent = line.count - body.count
        let entry = body.hasPrefix("- ") ? body.dropFirst(2) : body
        let column = indent + (body.count - entry.count)
        for candidate in [key, "\"\(key)\"", "'\(key)'"] where entry.hasPrefix(candidate + ":") {
            seen[column, default: 0] += 1
            if seen[column] == 2 { return SourceLocation(path: "", line: index + 1, column: column + 1) }
        }
    }
    return nil
}

/// Typed, located access to a composed YAML tree, reporting every problem it meets.
struct SettingsReader {
    var path: String
    var diagnostics: DiagnosticCollector
    var failed = false

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: path, line: 1, column: 1) }
        return SourceLocation(path: path, line: mark.line, column: mark.column)
    }

    mutating func fail(_ message: String, at node: Node?) {
        failed = true
        diagnostics.emit(.error("bad-settings", message, at: location(node)))
    }

    mutating func pairs(_ node: Node?, key: String) -> [(Located<String>, Node)] {
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            fail("\(key) must be a mapping", at: node)
            return []
        }
        return mapping.map { (Located($0.key.string ?? "", at: location($0.key)), $0.value) }
    }

    /// A mapping's values by key, reporting keys outside `allowed`.
    mutating func mapping(_ node: Node?, allowed: Set<String>, required: Bool = false) -> [String: Node] {
        guard let node else { return [:] }
        var result: [String: Node] = [:]
        for (key, value) in pairs(node, key: "settings") {
            if allowed.contains(key.value) {
                result[key.value] = value
            } else {
                failed = true
                diagnostics.emit(.error("bad-settings", "unknown setting '\(key.value)'; expected one of: \(allowed.sorted().joined(separator: ", "))", at: key.location))
            }
        }
        return result
    }

    mutating func string(_ node: Node?, key: String) -> Located<String>? {
        guard let node else {
            failed = true
            diagnostics.emit(.error("bad-settings", "missing setting '\(key)'", at: SourceLocation(path: path, line: 1, column: 1)))
            return nil
        }
        guard let s = node.scalar?.string, !s.isEmpty else {
            fail("\(key) must be a non-empty string", at: node)
            return nil
        }
        return Located(s, at: location(node))
    }

    mutating func int(_ node: Node?, key: String, range: ClosedRange<Int>) -> Located<Int>? {
        guard let s = string(node, key: key) else { return nil }
        guard let value = Int(s.value), range.contains(value) else {
            fail("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(s.value)'", at: node)
            return nil
        }
        return Located(value, at: s.location)
    }
}
