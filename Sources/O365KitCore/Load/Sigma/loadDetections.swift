import Foundation
import Yams

/// Fields of the audit schema that hold arrays of objects. `Parameters[X]` reads the Value
/// of the entry named X; `Actor.ID` reads the ID of every entry.
let arrayOfObjectFields: Set<String> = [
    "Parameters", "OperationProperties", "ExtendedProperties", "ModifiedProperties", "DeviceProperties",
    "Actor", "Target", "AffectedItems",
]

/// Keys Sigma defines at the top of a rule that the subset accepts (metadata is carried,
/// not interpreted, except where noted), plus the project's own `o365kit` block.
private let topLevelKeys: Set<String> = [
    "title", "id", "name", "status", "description", "references", "author", "date", "modified", "tags", "level",
    "falsepositives", "logsource", "detection", "correlation", "fields", "license", "related", "o365kit",
]

/// Reads every `*.yml` of `folder` (one rule per file, key = file stem), expanding
/// placeholders from `environment`. Returns the rules that loaded; problems are reported.
func loadDetections(_ folder: URL, environment: DetectionEnvironment, diagnostics: DiagnosticCollector) -> [SigmaRule] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var rules: [SigmaRule] = []
    for name in files.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
        let url = folder.appendingPathComponent(name)
        if let rule = loadDetection(url, environment: environment, diagnostics: diagnostics) { rules.append(rule) }
    }
    return rules
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
    if key.wholeMatch(of: /[a-z]+(_[a-z0-9]+)+/) == nil {
        r.error("detection-file-name", "detection file names are '<tactic>_<name>.yml' in lower case with '_', got '\(key)'", at: SourceLocation(path: path, line: 1, column: 1))
    }
    var top: [String: Node] = [:]
    for (k, v) in r.pairs(root, what: "a rule") {
        if topLevelKeys.contains(k.value) {
            top[k.value] = v
        } else {
            r.unsupported("top-level key '\(k.value)' is not part of the supported Sigma subset", at: k.location)
        }
    }
    let title = r.string(top["title"], what: "title")
    let id = r.string(top["id"], what: "id")
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

    // The project's own block: targets and rationale.
    var targets: [Located<DetectionTarget>] = []
    var rationale: Located<String>?
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
        default:
            r.error("bad-detection", "unknown key 'o365kit.\(k.value)'; expected: rationale, targets", at: k.location)
        }
    }
    if ownBlock == nil || targets.isEmpty {
        r.error("bad-detection", "missing 'o365kit.targets': say which targets (wazuh, splunk) this rule supports", at: r.location(ownBlock ?? root))
    }
    if rationale == nil && ownBlock != nil {
        r.error("bad-detection", "missing 'o365kit.rationale': say why this rule exists", at: r.location(ownBlock))
    }

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
    guard !r.failed, let title, let id, let status, let description, let level, let rationale, let body else { return nil }
    return SigmaRule(key: key, path: path, title: title.value, id: id.value, status: status.value, description: description.value,
                     references: references, tags: tags, level: level, falsepositives: falsepositives, logsource: logsource,
                     body: body, targets: targets, rationale: rationale.value, location: SourceLocation(path: path, line: 1, column: 1))
}

private func readDetection(_ node: Node, reader r: inout YAMLNodeReader, environment: DetectionEnvironment) -> SigmaDetection? {
    var selections: [SigmaSelection] = []
    var failedSelections = false
    var condition: Located<String>?
    var conditionNode: Node?
    for (k, v) in r.pairs(node, what: "detection") {
        if k.value == "condition" {
            if v.sequence != nil {
                r.unsupported("a list of conditions is not supported; join them with 'or'", at: v)
                continue
            }
            condition = r.string(v, what: "detection.condition")
            conditionNode = v
            continue
        }
        if k.value == "timeframe" {
            r.unsupported("'timeframe' in a detection is not supported; write a correlation rule with 'timespan'", at: k.location)
            continue
        }
        if let selection = readSelection(name: k.value, v, at: k.location, reader: &r, environment: environment) {
            selections.append(selection)
        } else {
            failedSelections = true
        }
    }
    // The condition would only repeat that a selection is missing.
    if failedSelections { return nil }
    guard let condition, let conditionNode else {
        r.error("bad-detection", "missing 'detection.condition'", at: node)
        return nil
    }
    do {
        var parser = try SigmaConditionParser(condition.value, selections: selections.map(\.name))
        let tree = try parser.parse()
        return SigmaDetection(selections: selections, condition: tree, conditionLocation: condition.location)
    } catch {
        // Plain and quoted scalars on one line: the offset maps onto the column.
        let quoted = conditionNode.scalar?.style == .singleQuoted || conditionNode.scalar?.style == .doubleQuoted
        var at = condition.location
        at.column += error.offset + (quoted ? 1 : 0)
        r.error(error.message.contains("not supported") ? "unsupported-sigma" : "bad-detection", error.message, at: at)
        return nil
    }
}

private func readSelection(name: String, _ node: Node, at location: SourceLocation, reader r: inout YAMLNodeReader, environment: DetectionEnvironment) -> SigmaSelection? {
    if node.mapping != nil {
        guard let tests = readTests(node, reader: &r, environment: environment) else { return nil }
        return SigmaSelection(name: name, alternatives: [tests], location: location)
    }
    if let sequence = node.sequence {
        var alternatives: [[FieldTest]] = []
        for item in sequence {
            guard item.mapping != nil else {
                r.unsupported("keyword selections (plain values searched in the whole event) are not supported; name the field", at: item)
                return nil
            }
            guard let tests = readTests(item, reader: &r, environment: environment) else { return nil }
            alternatives.append(tests)
        }
        return SigmaSelection(name: name, alternatives: alternatives, location: location)
    }
    r.unsupported("keyword selections (plain values searched in the whole event) are not supported; name the field", at: node)
    return nil
}

private let matchModifiers: [String: MatchKind] = [
    "contains": .contains, "startswith": .startswith, "endswith": .endswith, "re": .re, "cidr": .cidr,
    "exists": .exists, "fieldref": .fieldref,
]

private func readTests(_ node: Node, reader r: inout YAMLNodeReader, environment: DetectionEnvironment) -> [FieldTest]? {
    var tests: [FieldTest] = []
    var ok = true
    for (key, valueNode) in r.pairs(node, what: "selection") {
        let parts = key.value.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard let field = parseFieldRef(parts[0]) else {
            r.unsupported("field name '\(parts[0])' is not supported; use Field, Object.Field, Array.Key or Array[Name]", at: key.location)
            ok = false
            continue
        }
        var match = MatchKind.equals
        var all = false, expand = false
        for modifier in parts.dropFirst() {
            if let kind = matchModifiers[modifier] {
                guard match == .equals else {
                    r.unsupported("modifiers '\(match.rawValue)' and '\(modifier)' cannot be combined", at: key.location)
                    ok = false
                    continue
                }
                match = kind
            } else if modifier == "all" {
                all = true
            } else if modifier == "expand" {
                expand = true
            } else {
                r.unsupported("modifier '\(modifier)' is not supported (supported: contains, startswith, endswith, re, all, cidr, exists, expand, fieldref)", at: key.location)
                ok = false
            }
        }
        if expand && [.re, .exists, .fieldref].contains(match) {
            r.unsupported("'expand' cannot be combined with '\(match.rawValue)'", at: key.location)
            ok = false
        }
        // Values: a scalar or a list of scalars; null means "field missing" in Sigma,
        // which the subset spells `|exists: false`.
        var values: [Located<String>] = []
        let items = valueNode.sequence.map(Array.init) ?? [valueNode]
        for item in items {
            guard let scalar = item.scalar else {
                r.unsupported("nested values are not supported; use a list of scalars", at: item)
                ok = false
                continue
            }
            if (scalar.style == .plain && ["null", "~", ""].contains(scalar.string)) {
                r.unsupported("null values are not supported; write '\(parts[0])|exists: false'", at: item)
                ok = false
                continue
            }
            values.append(Located(scalar.string, at: r.location(item)))
        }
        guard !values.isEmpty else {
            if ok { r.error("bad-detection", "'\(key.value)' has no values", at: valueNode) }
            ok = false
            continue
        }
        var placeholder: String?
        var expanded: [String] = []
        if expand {
            for value in values {
                guard let m = value.value.wholeMatch(of: /%([a-z][a-z0-9_]*)%/) else {
                    r.unsupported("'expand' needs a whole-value placeholder such as '%internal_domains%', got '\(value.value)'", at: value.location)
                    ok = false
                    continue
                }
                let name = String(m.1)
                guard let list = environment.placeholders[name] else {
                    r.error("undefined-placeholder", "placeholder '%\(name)%' is not defined in \(environment.path)", at: value.location)
                    ok = false
                    continue
                }
                if placeholder != nil {
                    r.unsupported("one placeholder per field test; split the test", at: value.location)
                    ok = false
                }
                placeholder = name
                expanded += list.value
            }
        } else {
            for value in values {
                if value.value.contains("%") && value.value.wholeMatch(of: /%[a-z][a-z0-9_]*%/) != nil {
                    r.error("bad-detection", "'\(value.value)' looks like a placeholder but the field has no '|expand' modifier", at: value.location)
                    ok = false
                }
                if [.equals, .contains, .startswith, .endswith].contains(match), value.value.contains(where: { $0 == "*" || $0 == "?" }) {
                    r.unsupported("wildcards ('*', '?') in values are not supported; use contains, startswith or endswith", at: value.location)
                    ok = false
                }
            }
            expanded = values.map(\.value)
        }
        switch match {
        case .exists:
            guard values.count == 1, ["true", "false"].contains(values[0].value.lowercased()) else {
                r.error("bad-detection", "'exists' takes true or false", at: valueNode)
                ok = false
                continue
            }
            expanded = [values[0].value.lowercased()]
        case .fieldref:
            for value in values where parseFieldRef(value.value) == nil {
                r.unsupported("fieldref names an unsupported field '\(value.value)'", at: value.location)
                ok = false
            }
        case .re:
            for value in values {
                if (try? NSRegularExpression(pattern: value.value)) == nil {
                    r.error("bad-detection", "invalid regular expression '\(value.value)'", at: value.location)
                    ok = false
                }
            }
        case .cidr:
            for value in expanded where CIDR(value) == nil {
                r.error("bad-detection", "'\(value)' is not an IPv4 or IPv6 CIDR block", at: values[0].location)
                ok = false
            }
        default:
            break
        }
        if all && expanded.count < 2 && !expand {
            r.error("bad-detection", "'all' needs a list of values", at: key.location)
            ok = false
        }
        tests.append(FieldTest(field: field, match: match, all: all, values: expanded, placeholder: placeholder, location: key.location))
    }
    return ok ? tests : nil
}

/// `Field`, `Object.Field`, `Array.Key` (Array in `arrayOfObjectFields`) or `Array[Name]`.
func parseFieldRef(_ text: String) -> FieldRef? {
    if let m = text.wholeMatch(of: /([A-Za-z][A-Za-z0-9_]*)\[([A-Za-z0-9_.\-]+)\]/) {
        guard arrayOfObjectFields.contains(String(m.1)) else { return nil }
        return FieldRef(path: [String(m.1)], kind: .namedEntry(String(m.2)))
    }
    guard text.wholeMatch(of: /[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*/) != nil else { return nil }
    let path = text.split(separator: ".").map(String.init)
    if arrayOfObjectFields.contains(path[0]) {
        guard path.count == 2 else { return nil }
        return FieldRef(path: [path[0]], kind: .entryKey(path[1]))
    }
    return FieldRef(path: path, kind: .plain)
}

private func readCorrelation(_ node: Node, reader r: inout YAMLNodeReader) -> SigmaCorrelation? {
    var kind: SigmaCorrelation.Kind?
    var rules: [Located<String>] = []
    var groupBy: [String] = []
    var timespan: (Int, String)?
    var comparison: (SigmaCorrelation.Comparison, Int)?
    var field: String?
    var generate = false
    var hasCondition = false
    for (k, v) in r.pairs(node, what: "correlation") {
        switch k.value {
        case "type":
            if let t = r.string(v, what: "correlation.type") {
                kind = SigmaCorrelation.Kind(rawValue: t.value)
                if kind == nil { r.unsupported("correlation type '\(t.value)' is not supported (supported: event_count, value_count, temporal)", at: v) }
            }
        case "rules":
            rules = r.strings(v, what: "correlation.rules")
        case "group-by":
            groupBy = r.strings(v, what: "correlation.group-by").map(\.value)
            for g in groupBy where parseFieldRef(g)?.kind != .plain {
                r.unsupported("group-by field '\(g)' must be a plain field", at: v)
            }
        case "timespan":
            if let t = r.string(v, what: "correlation.timespan") {
                if let m = t.value.wholeMatch(of: /([0-9]+)([smhd])/), let n = Int(m.1), n > 0 {
                    let unit = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(m.2)]!
                    timespan = (n * unit, t.value)
                } else {
                    r.error("bad-detection", "timespan must be a number and s, m, h or d (e.g. 1h), got '\(t.value)'", at: v)
                }
            }
        case "condition":
            hasCondition = true
            for (ck, cv) in r.pairs(v, what: "correlation.condition") {
                if ck.value == "field" {
                    field = r.string(cv, what: "correlation.condition.field")?.value
                } else if ["lt", "lte", "eq"].contains(ck.value) {
                    r.unsupported("correlation condition '\(ck.value)' is not supported: a detection fires when a threshold is reached (use gt or gte)", at: ck.location)
                } else if let c = SigmaCorrelation.Comparison(rawValue: ck.value) {
                    if let n = cv.scalar.flatMap({ Int($0.string) }), n >= 0 { comparison = (c, n) } else { r.error("bad-detection", "threshold must be a whole number", at: cv) }
                } else {
                    r.unsupported("correlation condition '\(ck.value)' is not supported (supported: gt, gte, lt, lte, eq, field)", at: ck.location)
                }
            }
        case "generate":
            generate = v.scalar?.string == "true"
        case "aliases":
            r.unsupported("correlation 'aliases' are not supported", at: k.location)
        default:
            r.unsupported("correlation key '\(k.value)' is not supported", at: k.location)
        }
    }
    guard let kind else { r.error("bad-detection", "missing 'correlation.type'", at: node); return nil }
    guard !rules.isEmpty else { r.error("bad-detection", "missing 'correlation.rules'", at: node); return nil }
    guard let timespan else { r.error("bad-detection", "missing 'correlation.timespan'", at: node); return nil }
    if kind == .temporal {
        if comparison != nil { r.unsupported("a temporal correlation takes no condition", at: node) }
        if rules.count < 2 { r.error("bad-detection", "a temporal correlation needs at least two rules", at: node) }
        comparison = comparison ?? (.gte, rules.count)
    } else {
        if comparison == nil {
            if !hasCondition { r.error("bad-detection", "missing 'correlation.condition' (e.g. gte: 5)", at: node) }
            return nil
        }
        if kind == .valueCount && field == nil { r.error("bad-detection", "value_count needs 'condition.field'", at: node) }
    }
    guard let comparison else { return nil }
    return SigmaCorrelation(kind: kind, rules: rules, groupBy: groupBy, timespan: timespan.0, timespanText: timespan.1,
                            comparison: comparison.0, threshold: comparison.1, field: field, generate: generate,
                            location: r.location(node))
}
