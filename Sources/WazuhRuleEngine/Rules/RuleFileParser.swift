/// Turns the elements of one rule file into `RuleDefinition`s, collecting diagnostics.
struct RuleFileParser {
    let path: String
    var errors: [RuleDiagnostic] = []
    var warnings: [RuleDiagnostic] = []
    private var variables: [String: String] = [:]

    init(path: String) { self.path = path }

    /// Longest text analysisd accepts for a concatenated element ("(1104) Maximum string size").
    static let maxStringSize = 2048

    mutating func parse(_ elements: [RuleXMLElement]) -> [RuleDefinition] {
        for element in elements where element.name.lowercased() == "var" {
            guard let name = element.attribute("name"), element.attributes.count == 1 else {
                errors.append(.error(at(element), "a <var> needs exactly one attribute, 'name'"))
                continue
            }
            variables[name] = element.text
        }
        var rules: [RuleDefinition] = []
        for element in elements {
            switch element.name.lowercased() {
            case "var":
                continue
            case "group":
                guard element.attributes.count == 1, let name = element.attribute("name") else {
                    errors.append(.error(at(element), "a top-level <group> needs exactly one attribute, 'name'"))
                    continue
                }
                let groupName = substitute(name, at: element)
                var count = 0
                for child in element.children {
                    guard child.name.lowercased() == "rule" else {
                        errors.append(.error(at(child), "invalid element <\(child.name)> in a group; only <rule> is allowed"))
                        continue
                    }
                    count += 1
                    if let rule = parseRule(child, groupName: groupName) { rules.append(rule) }
                }
                if count == 0 {
                    errors.append(.error(at(element), "group '\(groupName)' has no <rule>"))
                }
            default:
                errors.append(.error(at(element), "invalid root element <\(element.name)>; only <group> and <var> are allowed"))
            }
        }
        return rules
    }

    func at(_ element: RuleXMLElement) -> SourceLocation {
        SourceLocation(path: path, line: element.line)
    }

    /// Applies `<var>` substitution (`$name`) like `os_xml`; `$(…)` is left alone.
    /// With no `<var>` in the file, `$` is never touched.
    private mutating func substitute(_ text: String, at element: RuleXMLElement) -> String {
        guard !variables.isEmpty, text.utf8.contains(UInt8(ascii: "$")) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "$"), i + 1 < bytes.count, bytes[i + 1] != UInt8(ascii: "(") else {
                out.append(bytes[i]); i += 1
                continue
            }
            var j = i + 1
            while j < bytes.count, Self.isVariableByte(bytes[j]) { j += 1 }
            if j == i + 1 { out.append(bytes[i]); i += 1; continue }
            let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
            guard let value = variables[name] else {
                errors.append(.error(at(element), "unknown variable '$\(name)'"))
                out += bytes[i..<j]; i = j
                continue
            }
            out += Array(value.utf8)
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isVariableByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
    }

    // MARK: - <rule>

    /// Names analysisd refuses in `<field name>` because they are static fields.
    private static let staticFieldNames: Set<String> = [
        "srcip", "dstip", "srcport", "dstport", "user", "srcuser", "dstuser", "id", "url", "data",
        "extra_data", "status", "protocol", "system_name", "action", "srcgeoip", "dstgeoip",
    ]
    private static let staticConditionElements: Set<String> = [
        "srcip", "dstip", "srcport", "dstport", "user", "srcgeoip", "dstgeoip", "id", "url", "data",
        "extra_data", "hostname", "program_name", "status", "protocol", "system_name", "action",
        "time", "weekday", "category", "compiled_rule", "if_matched_regex", "if_matched_group",
        "if_fts", "check_diff", "global_frequency",
    ]
    private static let allowedOptions: Set<String> = [
        "alert_by_email", "no_email_alert", "log_alert", "no_log", "no_ar", "no_full_log", "no_counter",
    ]
    private static let staticContextSuffixes: Set<String> = [
        "srcip", "source_ip", "dstip", "srcport", "dstport", "protocol", "action", "id", "url", "data",
        "extra_data", "status", "system_name", "srcgeoip", "dstgeoip", "location", "srcuser", "user",
    ]

    private mutating func parseRule(_ element: RuleXMLElement, groupName: String) -> RuleDefinition? {
        let here = at(element)
        let errorsBefore = errors.count
        func fail(_ message: String) { errors.append(.error(here, message)) }

        // Attributes (`getattributes`).
        var id: Int?
        var level: Int?
        var frequency: Int?, timeframe: Int?, ignore: Int?
        var noalert = false, overwrite = false
        for (rawName, rawValue) in element.attributes {
            let value = substitute(rawValue, at: element)
            switch rawName.lowercased() {
            case "id":
                guard value.utf8.count <= 6, let v = Self.digits(value) else {
                    fail("invalid rule id '\(value)': must be digits, at most 6"); continue
                }
                id = v
            case "level":
                guard let v = Self.digits(value), (0...16).contains(v) else {
                    fail("invalid level '\(value)': must be 0 to 16"); continue
                }
                level = v
            case "frequency":
                guard let v = Self.digits(value), (2...9999).contains(v) else {
                    fail("invalid frequency '\(value)': must be 2 to 9999"); continue
                }
                frequency = v
            case "timeframe":
                guard let v = Self.digits(String(value.prefix(5))) else {
                    fail("invalid timeframe '\(value)': must be an integer"); continue
                }
                timeframe = v
            case "ignore":
                guard let v = Self.digits(String(value.prefix(6))) else {
                    fail("invalid ignore '\(value)': must be an integer (max 6 digits)"); continue
                }
                ignore = v
            case "maxsize", "accuracy":
                if Self.digits(value) == nil { fail("invalid \(rawName) '\(value)': must be an integer") }
            case "noalert":
                if value != "0" && value != "1" {
                    warnings.append(.warning(here, "invalid noalert '\(value)': use \"0\" or \"1\""))
                }
                noalert = value != "0"
            case "overwrite":
                switch value {
                case "yes": overwrite = true
                case "no": overwrite = false
                default: fail("invalid overwrite '\(value)': can only be 'yes' or 'no'")
                }
            default:
                fail("invalid attribute '\(rawName)'; only id, level, maxsize, accuracy, noalert, ignore, frequency, timeframe and overwrite are allowed")
            }
        }
        if id == nil && !element.attributes.contains(where: { $0.name.lowercased() == "id" }) { fail("rule without an id") }
        if level == nil && !element.attributes.contains(where: { $0.name.lowercased() == "level" }) {
            fail("rule \(id.map(String.init) ?? "?") has no level")
        }
        let ruleName = "rule '\(id.map(String.init) ?? "?")'"
        if element.children.isEmpty { fail("\(ruleName) has no options") }

        var ifSidText = "", descriptionText: String?, groupText = ""
        var matchText: String?, matchType = PatternType.osmatch, matchNegate = false
        var regexText: String?, regexType = PatternType.osregex, regexNegate = false
        var ifGroup: String?, ifLevel: Int?, ifMatchedSid: Int?, ifMatchedGroup: String?
        var fields: [FieldCondition] = []
        var location: PatternCondition?
        var decodedAs: String?
        var lists: [ListCondition] = []
        var sameFields: [String] = [], differentFields: [String] = []
        var mitreIDs: [String] = [], mitreTactics: [String] = []
        var options: [String] = []
        var unsupported: [String] = []
        var hasStaticContext = false

        for child in element.children {
            let name = child.name.lowercased()
            let content = substitute(child.text, at: child)
            let childAt = at(child)
            switch name {
            case "match":
                matchText = (matchText ?? "") + content
                matchType = patternType(child, default: .osmatch, ruleName: ruleName)
                matchNegate = negation(child, ruleName: ruleName)
            case "regex":
                regexText = (regexText ?? "") + content
                regexType = patternType(child, default: .osregex, ruleName: ruleName)
                regexNegate = negation(child, ruleName: ruleName)
            case "field":
                guard let fieldName = child.attribute("name").map({ substitute($0, at: child) }), !fieldName.isEmpty else {
                    errors.append(.error(childAt, "<field> without a 'name' attribute in \(ruleName)")); continue
                }
                if Self.staticFieldNames.contains(fieldName) {
                    errors.append(.error(childAt, "field name '\(fieldName)' is a static field and cannot be used in <field> (\(ruleName))"))
                    continue
                }
                let type = patternType(child, default: .osregex, ruleName: ruleName)
                if let compiled = compile(content, type: type, element: child, ruleName: ruleName) {
                    fields.append(FieldCondition(name: fieldName, pattern: compiled, negate: negation(child, ruleName: ruleName)))
                }
            case "location":
                let type = patternType(child, default: .osmatch, ruleName: ruleName)
                if let compiled = compile(content, type: type, element: child, ruleName: ruleName) {
                    location = PatternCondition(pattern: compiled, negate: negation(child, ruleName: ruleName))
                }
            case "decoded_as":
                if content.isEmpty { errors.append(.error(childAt, "empty <decoded_as> in \(ruleName)")) }
                decodedAs = content
            case "list":
                if let list = parseList(child, content: content, ruleName: ruleName) { lists.append(list) }
            case "if_sid":
                ifSidText += content
            case "if_group":
                ifGroup = content
            case "if_level":
                guard let v = Self.digits(content.trimmingSpaces) else {
                    errors.append(.error(childAt, "invalid <if_level> '\(content)' in \(ruleName)")); continue
                }
                ifLevel = v
            case "if_matched_sid":
                guard let v = Self.digits(content.trimmingSpaces) else {
                    warnings.append(.warning(childAt, "(7615) invalid <if_matched_sid> '\(content)' in \(ruleName); rule ignored"))
                    return nil
                }
                ifMatchedSid = v
            case "if_matched_group":
                ifMatchedGroup = content
                unsupported.append(name)
            case "same_field":
                sameFields.append(content)
            case "different_field", "not_same_field":
                differentFields.append(content)
            case "description":
                descriptionText = (descriptionText ?? "") + content
            case "group":
                groupText += content
            case "info", "cve", "ignore", "check_if_ignored":
                continue
            case "options":
                guard Self.allowedOptions.contains(content) else {
                    errors.append(.error(childAt, "invalid option '\(content)' for \(ruleName)")); continue
                }
                options.append(content)
            case "mitre":
                parseMitre(child, ruleName: ruleName, ids: &mitreIDs, tactics: &mitreTactics)
            default:
                if Self.staticConditionElements.contains(name) {
                    unsupported.append(name)
                } else if let suffix = Self.contextSuffix(name), Self.staticContextSuffixes.contains(suffix) {
                    unsupported.append(name)
                    hasStaticContext = true
                } else {
                    errors.append(.error(childAt, "invalid option '\(child.name)' for \(ruleName)"))
                }
            }
        }

        guard let description = descriptionText else {
            fail("no description in \(ruleName)")
            return nil
        }
        if (frequency != nil || !sameFields.isEmpty || !differentFields.isEmpty || hasStaticContext)
            && ifMatchedSid == nil && ifMatchedGroup == nil {
            fail("invalid use of frequency/context options: missing if_matched on \(ruleName)")
        }
        for (label, text) in [("match", matchText ?? ""), ("regex", regexText ?? ""), ("if_sid", ifSidText),
                              ("description", description), ("group", groupText)]
        where text.utf8.count >= Self.maxStringSize {
            fail("(1104) <\(label)> of \(ruleName) reaches the maximum string size (\(Self.maxStringSize))")
        }

        var match: PatternCondition?
        if let matchText, let compiled = compile(matchText, type: matchType, element: element, ruleName: ruleName) {
            match = PatternCondition(pattern: compiled, negate: matchNegate)
        }
        var regex: PatternCondition?
        if let regexText, let compiled = compile(regexText, type: regexType, element: element, ruleName: ruleName) {
            regex = PatternCondition(pattern: compiled, negate: regexNegate)
        }

        // if_sid: numbers separated by commas or spaces.
        var ifSids: [Int] = []
        for token in ifSidText.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" }) {
            guard let v = Self.digits(String(token)) else {
                warnings.append(.warning(here, "(7618) invalid if_sid '\(token)' in \(ruleName): must be an integer; rule ignored"))
                return nil
            }
            ifSids.append(v)
        }
        if let ifMatchedSid, ifSids.isEmpty, ifGroup == nil { ifSids = [ifMatchedSid] }

        guard errors.count == errorsBefore, let id, let level else { return nil }
        // Only the first newline of a description becomes a space.
        var finalDescription = description
        if let newline = finalDescription.firstIndex(of: "\n") {
            finalDescription.replaceSubrange(newline...newline, with: " ")
        }
        let groups = (groupName + groupText).split(separator: ",").map(String.init).filter { !$0.isEmpty }
        return RuleDefinition(
            id: id, level: level, frequency: frequency, timeframe: timeframe, ignore: ignore,
            noalert: noalert, overwrite: overwrite, ifSids: ifSids, ifGroup: ifGroup, ifLevel: ifLevel,
            ifMatchedSid: ifMatchedSid, ifMatchedGroup: ifMatchedGroup, fields: fields, match: match,
            regex: regex, location: location, decodedAs: decodedAs, lists: lists, sameFields: sameFields,
            differentFields: differentFields, description: finalDescription, groups: groups,
            mitreIDs: mitreIDs, mitreTactics: mitreTactics, options: options, unsupported: unsupported,
            source: here)
    }

    private static func contextSuffix(_ name: String) -> String? {
        for prefix in ["same_", "different_", "not_same_"] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return nil
    }

    private static func digits(_ s: String) -> Int? {
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(s)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
