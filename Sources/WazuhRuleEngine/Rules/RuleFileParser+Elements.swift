/// Parsing of the child elements that need more than their text.
extension RuleFileParser {
    /// The `type` attribute; an invalid value is a warning and the default applies.
    mutating func patternType(_ element: RuleXMLElement, default fallback: PatternType, ruleName: String) -> PatternType {
        guard let raw = element.attribute("type") else { return fallback }
        if let type = PatternType(rawValue: raw.lowercased()) { return type }
        warnings.append(.warning(at(element), "invalid type '\(raw)' in <\(element.name)> of \(ruleName); using \(fallback.rawValue)"))
        return fallback
    }

    /// The `negate` attribute; an invalid value is a warning and `no` applies.
    mutating func negation(_ element: RuleXMLElement, ruleName: String) -> Bool {
        guard let raw = element.attribute("negate") else { return false }
        switch raw.lowercased() {
        case "yes": return true
        case "no": return false
        default:
            warnings.append(.warning(at(element), "invalid negate '\(raw)' in <\(element.name)> of \(ruleName); using no"))
            return false
        }
    }

    mutating func compile(_ text: String, type: PatternType, element: RuleXMLElement, ruleName: String) -> FieldPattern? {
        do {
            return try FieldPattern(text, type: type)
        } catch {
            errors.append(.error(at(element), "(5107) syntax error on tag '\(element.name)' in \(ruleName): \(error.reason)"))
            return nil
        }
    }

    mutating func parseList(_ element: RuleXMLElement, content: String, ruleName: String) -> ListCondition? {
        let here = at(element)
        guard let lookupText = element.attribute("lookup"), let lookup = ListLookup(rawValue: lookupText) else {
            errors.append(.error(here, "<list> in \(ruleName) needs a lookup of: \(ListLookup.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        guard let field = element.attribute("field"), !field.isEmpty else {
            errors.append(.error(here, "<list> in \(ruleName) needs a 'field' attribute"))
            return nil
        }
        for attribute in element.attributes where !["field", "lookup", "check_value"].contains(attribute.name.lowercased()) {
            errors.append(.error(here, "invalid attribute '\(attribute.name)' on <list> in \(ruleName)"))
            return nil
        }
        var checkValue: OSMatch?
        if let raw = element.attribute("check_value") {
            do { checkValue = try OSMatch(raw) } catch {
                errors.append(.error(here, "(5107) syntax error on check_value in \(ruleName): \(error.reason)"))
                return nil
            }
        }
        return ListCondition(field: field, lookup: lookup, checkValue: checkValue, path: content)
    }

    /// `<mitre>`: old form `<id>` (repeatable) or new form `<tacticID>`+`<techniqueID>`;
    /// mixing forms or empty ids drops the block with a warning, as analysisd does.
    mutating func parseMitre(_ element: RuleXMLElement, ruleName: String, ids: inout [String], tactics: inout [String]) {
        var oldIDs: [String] = [], newTechniques: [String] = [], newTactics: [String] = []
        for child in element.children {
            let text = child.text
            switch child.name.lowercased() {
            case "id": oldIDs.append(text)
            case "techniqueid": newTechniques.append(text)
            case "tacticid": newTactics.append(text)
            default:
                errors.append(.error(at(child), "invalid option '\(child.name)' in <mitre> of \(ruleName)"))
                return
            }
        }
        let all = oldIDs + newTechniques + newTactics
        if all.isEmpty || all.contains(where: \.isEmpty) {
            warnings.append(.warning(at(element), "empty MITRE information in \(ruleName); block ignored"))
            return
        }
        if !oldIDs.isEmpty && !(newTechniques.isEmpty && newTactics.isEmpty) {
            warnings.append(.warning(at(element), "MITRE <id> mixed with tacticID/techniqueID in \(ruleName); block ignored"))
            return
        }
        for id in oldIDs + newTechniques where !ids.contains(id) { ids.append(id) }
        for tactic in newTactics where !tactics.contains(tactic) { tactics.append(tactic) }
    }
}
