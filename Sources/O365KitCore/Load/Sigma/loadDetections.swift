import Foundation
import Yams

/// Fields of the audit schema that hold arrays of objects. `Parameters[X]` reads the Value
/// of the entry named X; `Actor.ID` reads the ID of every entry.
let arrayOfObjectFields: Set<String> = Set(arrayEntryKeys.keys)

/// The arrays whose entries are Name/Value pairs, where `Array.Name` reads a Value by Name.
let nameValueArrays: Set<String> = Set(arrayEntryKeys.filter { $0.value == ["Name", "Value"] }.keys)

/// The arrays whose entries hold a Name and several values (`ModifiedProperties`: NewValue and
/// OldValue), where `Array.Name.Key` reads one value key of the entry named Name.
let namedMultiValueArrays: Set<String> = Set(arrayEntryKeys.filter { $0.value.first == "Name" && $0.value.count > 2 }.keys)

/// The keys of the entries of each such array, which a test of the whole array reads.
let arrayEntryKeys: [String: [String]] = [
    "Parameters": ["Name", "Value"], "OperationProperties": ["Name", "Value"], "ExtendedProperties": ["Name", "Value"],
    "DeviceProperties": ["Name", "Value"], "ModifiedProperties": ["Name", "NewValue", "OldValue"],
    "Actor": ["ID", "Type"], "Target": ["ID", "Type"], "AffectedItems": ["Id", "Subject", "InternetMessageId"],
]

/// Keys Sigma defines at the top of a rule that the subset accepts (metadata is carried,
/// not interpreted, except where noted), plus the project's own `o365kit` block.
private let topLevelKeys: Set<String> = [
    "title", "id", "name", "status", "description", "references", "author", "date", "modified", "tags", "level",
    "falsepositives", "logsource", "detection", "correlation", "fields", "license", "related", "taxonomy", "scope",
    "o365kit",
]

/// Reads every `*.yml` below `folder` (one rule per file, key = file stem), expanding
/// placeholders from `environment`. Returns the rules that loaded; problems are reported.
func loadDetections(_ folder: URL, environment: DetectionEnvironment, diagnostics: DiagnosticCollector) -> [SigmaRule] {
    detectionFiles(in: folder).compactMap { loadDetection($0, environment: environment, diagnostics: diagnostics) }
}

/// The rule files below `folder`, subfolders included (SigmaHQ files `rules/cloud/m365` by
/// service), in path order.
func detectionFiles(in folder: URL) -> [URL] {
    let paths = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
    return paths.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0) }
}

func loadDetection(_ url: URL, environment: DetectionEnvironment, diagnostics: DiagnosticCollector) -> SigmaRule? {
    let path = displayPath(url)
    let key = url.deletingPathExtension().lastPathComponent
    guard let text = readText(url, diagnostics: diagnostics) else { return nil }
    let root: Node
    do {
        // Root by root: `compose_all`'s sequence ends quietly at a syntax error, which read as
        // an empty file.
        let parser = try Parser(yaml: text)
        var nodes: [Node] = []
        while let node = try parser.nextRoot() { nodes.append(node) }
        guard let first = nodes.first else {
            diagnostics.emit(.error("bad-detection", "detection file is empty", at: SourceLocation(path: path, line: 1, column: 1)))
            return nil
        }
        if nodes.count > 1 {
            diagnostics.emit(.error("unsupported-sigma", "several YAML documents in one file (rule collections); put one rule per file", at: SourceLocation(path: path, line: nodes[1].mark?.line ?? 1, column: 1)))
            return nil
        }
        root = first
    } catch {
        diagnostics.emit(yamlDiagnostic(error, path: path, text: text))
        return nil
    }
    var r = YAMLNodeReader(path: path, diagnostics: diagnostics)
    var top: [String: Node] = [:]
    for (k, v) in r.pairs(root, what: "a rule") {
        if !topLevelKeys.contains(k.value) {
            r.warning("unknown-sigma-key", "top-level key '\(k.value)' is not defined by the Sigma specification; it is ignored", at: k.location)
        }
        top[k.value] = v
    }
    let title = r.string(top["title"], what: "title")
    let id = r.string(top["id"], what: "id")
    let name = top["name"].flatMap { r.string($0, what: "name") }
    if let id, UUID(uuidString: id.value) == nil {
        r.error("bad-detection", "id must be a UUID, got '\(id.value)'", at: id.location)
    }
    let status = r.string(top["status"], what: "status")
    let description = r.string(top["description"], what: "description")
    let references = r.strings(top["references"], what: "references").map(\.value)
    let falsepositives = r.strings(top["falsepositives"], what: "falsepositives").map(\.value)
    let tags = r.strings(top["tags"], what: "tags")
    var level: Located<SigmaLevel>?
    if let text = r.string(top["level"], what: "level") {
        if let value = SigmaLevel(rawValue: text.value) {
            level = Located(value, at: text.location)
        } else {
            r.error("bad-detection", "level must be one of \(SigmaLevel.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text.value)'", at: text.location)
        }
    }
    var logsource: [String: String] = [:]
    for (k, v) in r.pairs(top["logsource"], what: "logsource") {
        guard ["product", "service", "category", "definition"].contains(k.value) else {
            r.unsupported("logsource key '\(k.value)' is not supported", at: k.location)
            continue
        }
        if let s = r.string(v, what: "logsource.\(k.value)") { logsource[k.value] = s.value }
    }

    // The project's own block: targets, rationale and volume.
    var targets: [Located<DetectionTarget>] = []
    var rationale: Located<String>?
    var volume: DetectionVolume?
    let ownBlock = top["o365kit"]
    for (k, v) in r.pairs(ownBlock, what: "o365kit") {
        switch k.value {
        case "targets":
            for t in r.strings(v, what: "o365kit.targets") {
                if let target = DetectionTarget(rawValue: t.value) {
                    targets.append(Located(target, at: t.location))
                } else {
                    r.error("bad-detection", "unknown target '\(t.value)'; expected one of: \(DetectionTarget.allCases.map(\.rawValue).joined(separator: ", "))", at: t.location)
                }
            }
        case "rationale":
            rationale = r.string(v, what: "o365kit.rationale")
        case "volume":
            if let text = r.string(v, what: "o365kit.volume") {
                volume = DetectionVolume(rawValue: text.value)
                if volume == nil {
                    r.error("bad-detection", "unknown volume '\(text.value)'; expected one of: \(DetectionVolume.allCases.map(\.rawValue).joined(separator: ", "))", at: text.location)
                }
            }
        default:
            r.error("bad-detection", "unknown key 'o365kit.\(k.value)'; expected: rationale, targets, volume", at: k.location)
        }
    }
    let targetsDeclared = !targets.isEmpty
    // The project's naming convention binds its own rules (those with an o365kit block), not
    // rules taken from elsewhere.
    if ownBlock != nil && key.wholeMatch(of: /[a-z]+(_[a-z0-9]+)+/) == nil {
        r.warning("detection-file-name", "o365kit's detection files are named '<tactic>_<name>.yml' in lower case with '_'; '\(key)' is used as the rule's key as it is", at: SourceLocation(path: path, line: 1, column: 1))
    }
    if ownBlock != nil && !targetsDeclared {
        r.error("bad-detection", "missing 'o365kit.targets': say which targets (wazuh, splunk) this rule supports, or drop the o365kit block to try every target", at: r.location(ownBlock))
    }
    if targetsDeclared && rationale == nil {
        r.error("bad-detection", "missing 'o365kit.rationale': say why this rule exists", at: r.location(ownBlock))
    }
    if targetsDeclared && volume == nil && ownBlock?["volume"] == nil {
        r.warning("missing-volume", "missing 'o365kit.volume': say how often it fires on an ordinary tenant (rare, occasional, noisy; feeder for a base rule that only feeds a correlation), so a site can enable the rare ones first", at: r.location(ownBlock))
    }
    if !targetsDeclared {
        targets = DetectionTarget.allCases.map { Located($0, at: SourceLocation(path: path, line: 1, column: 1)) }
    }
    checkLogsource(logsource, at: top["logsource"] ?? root, reader: &r)

    var body: SigmaRule.Body?
    switch (top["detection"], top["correlation"]) {
    case (let d?, nil):
        if logsource.isEmpty { r.error("bad-detection", "missing 'logsource'", at: root) }
        body = readDetection(d, reader: &r, environment: environment).map { .detection($0) }
    case (nil, let c?):
        body = readCorrelation(c, reader: &r).map { .correlation($0) }
    case (nil, nil):
        r.error("bad-detection", "a rule needs 'detection' or 'correlation'", at: root)
    case (_, let c?):
        r.error("bad-detection", "a rule has either 'detection' or 'correlation', not both", at: c)
    }
    guard !r.failed, let title, let id, let status, let description, let level, let body else { return nil }
    return SigmaRule(key: key, path: path, title: title.value, id: id.value, name: name?.value, status: status.value, description: description.value,
                     references: references, tags: tags, level: level, falsepositives: falsepositives, logsource: logsource,
                     body: body, targets: targets, targetsDeclared: targetsDeclared, rationale: rationale?.value ?? description.value, volume: volume,
                     location: SourceLocation(path: path, line: 1, column: 1))
}

/// o365kit reads Office 365 Management Activity records, Sigma's `product: m365`. A rule for
/// other data (Azure Monitor's sign-in logs, AWS, Windows) would become a search that never
/// fires, so it is refused where its logsource says so.
private func checkLogsource(_ logsource: [String: String], at node: Node, reader r: inout YAMLNodeReader) {
    guard let product = logsource["product"] else { return }
    guard product.lowercased() == "m365" else {
        let what = [logsource["service"], logsource["category"]].compactMap { $0 }.joined(separator: "/")
        r.error("foreign-logsource", "logsource product '\(product)'\(what.isEmpty ? "" : " (\(what))") is not Office 365 Management Activity data (product: m365), which is all o365kit reads; this rule would never fire", at: node)
        return
    }
}
