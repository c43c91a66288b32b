/// A generated detection rule with its id, level and parents resolved.
public struct WazuhDetectionRule: Sendable {
    public var id: Int
    public var level: Int
    public var key: String
    public var detection: String
    var parents: [Int]
    var elements: [WazuhElement]
    var ruleAttributes: [WazuhElement.Attribute]
    var description: String
    var groups: [String]
    public var mitre: [String]
    var origin: WazuhRule.Origin
}

/// The detection rules of one build (`9200-o365kit_detections.xml`) and the CDB lists they read.
public struct WazuhDetectionPack: Sendable {
    /// Parents first.
    public var rules: [WazuhDetectionRule]
    /// List path (`etc/lists/NAME`) → keys.
    public var lists: [String: [String]]
}

/// Gives the planned rules their ids and levels. A rule alerts at no lower level than any of
/// its parents (it refines their alert); a base that does not alert on its own takes the
/// parents' level, and a correlation at least its base's.
func translateWazuhDetections(_ plan: WazuhDetectionPlan, pack: WazuhPack, project: ValidatedProject, detections: DetectionSet, ids: ResolvedIDs) -> WazuhDetectionPack {
    let packLevels = Dictionary(pack.rules.map { ($0.id, $0.level) }, uniquingKeysWith: { a, _ in a })
    let prefix = project.settings.profile.fieldPrefix
    let packTechniques = Dictionary(pack.rules.map { ($0.id, $0.mitre) }, uniquingKeysWith: { a, _ in a })
    var levels: [String: (id: Int, level: Int)] = [:]
    var rules: [WazuhDetectionRule] = []
    for planned in plan.rules {
        let rule = planned.rule
        let sigmaLevel = rule.level.value.wazuhLevel
        var parents: [Int] = []
        var attributes: [WazuhElement.Attribute] = []
        var elements: [WazuhElement] = []
        var level: Int
        if let c = planned.correlation {
            let base = levels[c.baseKey]!
            level = max(sigmaLevel, base.level)
            attributes = [.init(name: "frequency", value: String(c.frequency)), .init(name: "timeframe", value: String(c.timeframe))]
            elements.append(WazuhElement(tag: "if_matched_sid", text: String(base.id)))
            elements += c.sameFields.map { WazuhElement(tag: "same_field", text: $0) }
            elements += c.differentFields.map { WazuhElement(tag: "different_field", text: $0) }
        } else {
            var parentLevel = 0
            for parent in planned.parents {
                switch parent {
                case .key(let key):
                    let id = ids.id(for: key)
                    parents.append(id)
                    parentLevel = max(parentLevel, packLevels[id] ?? 0)
                case .native(let id):
                    parents.append(id)
                    parentLevel = max(parentLevel, project.native.rules[id]?.level ?? 0)
                case .nativeChain:
                    let chainLevel = planned.alerts ? sigmaLevel : project.native.rules[project.native.catchAllID]?.level ?? 3
                    parents += [project.native.catchAllID] + project.native.recordTypeRules(atMost: chainLevel)
                    parentLevel = max(parentLevel, project.native.rules[project.native.catchAllID]?.level ?? 3)
                }
            }
            level = planned.alerts ? max(sigmaLevel, parentLevel) : max(parentLevel, 1)
            elements = planned.elements
        }
        let id = ids.id(for: planned.key)
        levels[planned.key] = (id, level)
        if !parents.isEmpty {
            var seen = Set<Int>()
            parents = parents.filter { seen.insert($0).inserted }
            elements.insert(WazuhElement(tag: "if_sid", text: parents.map(String.init).joined(separator: ", ")), at: 0)
        }
        // A rule that only feeds a correlation becomes the final match for its events, so it
        // carries the ATT&CK ids the mapping rule it refines would have given them.
        let refinedTechniques = parents.lazy.compactMap { packTechniques[$0] }.first ?? []
        let techniques = rule.techniques
        var description = "o365kit detection: \(plainText(rule.title))"
        if case .correlation(let c) = rule.body {
            let by = c.groupBy.isEmpty ? "" : " by \(c.groupBy.joined(separator: ", "))"
            let least = c.comparison == .gt ? c.threshold + 1 : c.threshold
            description += " (\(least) or more in \(c.timespanText)\(by), last $(\(prefix).UserId) from $(\(prefix).ClientIP))"
        } else {
            description += " - $(\(prefix).Operation) by $(\(prefix).UserId)"
        }
        if !planned.alerts { description += " (counted by a correlation)" }
        rules.append(WazuhDetectionRule(
            id: id, level: level, key: planned.key, detection: rule.key, parents: parents, elements: elements,
            ruleAttributes: attributes, description: description,
            groups: ["o365kit_detection", rule.key] + tactics(of: techniques, in: project.catalog),
            mitre: planned.alerts ? techniques : refinedTechniques, origin: .init(key: planned.key, row: rule.location)))
    }
    var lists: [String: [String]] = [:]
    for (path, name) in plan.lists {
        lists[path] = detections.environment.placeholders[name]?.value.sorted() ?? []
    }
    return WazuhDetectionPack(rules: rules, lists: lists)
}

/// Text that can stand in rule XML: no `<`, `&`, `>` and no `$(` (which Wazuh would expand).
private func plainText(_ text: String) -> String {
    text.replacingOccurrences(of: "<", with: "").replacingOccurrences(of: ">", with: "")
        .replacingOccurrences(of: "&", with: "and").replacingOccurrences(of: "$(", with: "$ (")
}
