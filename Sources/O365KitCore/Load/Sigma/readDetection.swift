import Foundation
import Yams

/// The `detection:` block: its selections and condition; every problem is reported, located.
func readDetection(_ node: Node, reader r: inout YAMLNodeReader, environment: DetectionEnvironment) -> SigmaDetection? {
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

func readSelection(name: String, _ node: Node, at location: SourceLocation, reader r: inout YAMLNodeReader, environment: DetectionEnvironment) -> SigmaSelection? {
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

func readTests(_ node: Node, reader r: inout YAMLNodeReader, environment: DetectionEnvironment) -> [FieldTest]? {
    var tests: [FieldTest] = []
    var ok = true
    for (key, valueNode) in r.pairs(node, what: "selection") {
        let parts = key.value.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard let field = parseFieldRef(parts[0]) else {
            r.unsupported("field name '\(parts[0])' is not supported; use Field, Object.Field, Array.Key, Parameters.Name or ModifiedProperties.Name.NewValue|OldValue", at: key.location)
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
                guard let m = value.value.wholeMatch(of: /%([A-Za-z][A-Za-z0-9_]*)%/) else {
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
            // A network list compares as CIDR blocks: the portable spelling of `|cidr|expand`,
            // which pySigma cannot parse, and what Splunk's search does with a CIDR value.
            if match == .equals, let placeholder, isNetworkList(placeholder) { match = .cidr }
        } else {
            for value in values {
                if value.value.contains("%") && value.value.wholeMatch(of: /%[A-Za-z][A-Za-z0-9_]*%/) != nil {
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

/// `Field`, `Object.Field`, `Array` (every value of its entries), `Array.Key` (a key of the
/// entries, e.g. `Actor.ID`), or `Array.Name` for a Name/Value array (`Parameters.ForwardTo`:
/// the Value of the entry named ForwardTo), or `Array.Name.Key` for an array of entries with
/// several values (`ModifiedProperties.StrongAuthenticationMethod.OldValue`). The dotted form is the portable one: it is how
/// Elastic's integration flattens these arrays, and the o365kit pySigma pipeline (`sigma/`)
/// rewrites it for Splunk. `Array[Name]` is the older spelling of the same test.
func parseFieldRef(_ text: String) -> FieldRef? {
    if let m = text.wholeMatch(of: /([A-Za-z][A-Za-z0-9_]*)\[([A-Za-z0-9_.\-]+)\]/) {
        guard nameValueArrays.contains(String(m.1)) else { return nil }
        return FieldRef(path: [String(m.1)], kind: .namedEntry(String(m.2), valueKey: "Value"))
    }
    guard text.wholeMatch(of: /[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_\-]+)*/) != nil else { return nil }
    let path = text.split(separator: ".").map(String.init)
    guard let keys = arrayEntryKeys[path[0]] else {
        guard path.dropFirst().allSatisfy({ $0.first?.isLetter == true }) else { return nil }
        return FieldRef(path: path, kind: .plain)
    }
    if path.count == 1 { return FieldRef(path: path, kind: .anyEntry) }
    let rest = path.dropFirst().joined(separator: ".")
    if keys.contains(rest) { return FieldRef(path: [path[0]], kind: .entryKey(rest)) }
    if namedMultiValueArrays.contains(path[0]) {
        // Names hold dots themselves (`Role.DisplayName`), so the value key is the last part.
        guard path.count > 2, let valueKey = path.last, valueKey != "Name", keys.contains(valueKey) else { return nil }
        return FieldRef(path: [path[0]], kind: .namedEntry(path.dropFirst().dropLast().joined(separator: "."), valueKey: valueKey))
    }
    guard nameValueArrays.contains(path[0]) else { return nil }
    return FieldRef(path: [path[0]], kind: .namedEntry(rest, valueKey: "Value"))
}
