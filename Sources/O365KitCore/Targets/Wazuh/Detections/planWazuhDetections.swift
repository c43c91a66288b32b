/// A detection rule for the Wazuh pack before ids are known: its lock key, conditions and
/// where it hangs (by lock key or native id).
struct PlannedDetectionRule {
    enum Parent: Hashable {
        /// A rule of the mapping pack, by lock key (`operation:X`, `logon-error:Y`).
        case key(String)
        /// A native rule that is not counted by a native correlation.
        case native(Int)
        /// No rule claims the operation: the native catch-all and every RecordType rule at
        /// or below the detection's level, as informational rules do.
        case nativeChain
    }

    struct Correlation {
        var baseKey: String
        var frequency: Int
        var timeframe: Int
        var sameFields: [String]
        var differentFields: [String]
    }

    var key: String
    var rule: SigmaRule
    var parents: [Parent]
    var elements: [WazuhElement]
    var correlation: Correlation?
    /// Alerts at its Sigma level; a correlation base that does not alert on its own refines
    /// its parent at the parent's level.
    var alerts: Bool
}

/// The Wazuh side of the detections: rules, CDB lists, and the placeholders that became lists.
struct WazuhDetectionPlan {
    var rules: [PlannedDetectionRule]
    /// List path → placeholder name.
    var lists: [String: String]

    var keys: [String] { rules.map(\.key) }
}

/// Plans the Wazuh rules of every detection that declares the wazuh target, and reports
/// what cannot be expressed (an error: the definition must drop the target) or is left out.
func planWazuhDetections(_ detections: DetectionSet, project: ValidatedProject, diagnostics: DiagnosticCollector) -> WazuhDetectionPlan {
    let prefix = project.settings.profile.fieldPrefix
    var lists: [String: String] = [:]
    for (name, values) in detections.environment.placeholders where values.value.allSatisfy({ $0.wholeMatch(of: /[0-9.]+/) != nil }) {
        // CDB keys are exact and case-sensitive, so only case-free values (IPv4) go to lists.
        lists[name] = "etc/lists/o365kit-" + name.replacingOccurrences(of: "_", with: "-")
    }
    let patterns = WazuhDetectionPatterns(prefix: prefix, lists: lists)
    var planned: [PlannedDetectionRule] = []
    var correlations: [PlannedDetectionRule] = []
    var usedLists: [String: String] = [:]

    for rule in detections.rules {
        guard rule.supports(.wazuh) else {
            let targets = rule.targets.map(\.value.rawValue).joined(separator: ", ")
            diagnostics.emit(Diagnostic(.note, "target-omitted", "\(rule.key) is not rendered for Wazuh: the definition supports \(targets) only", at: rule.location))
            continue
        }
        let wazuhTarget = rule.targets.first { $0.value == .wazuh }!.location
        // A rule that names its targets must be expressible in each; one that does not (a
        // SigmaHQ rule as it is) is rendered where it can be, and the rest is a note.
        func refuse(_ message: String, at location: SourceLocation) {
            if rule.targetsDeclared {
                diagnostics.emit(.error("wazuh-inexpressible", "\(message); remove wazuh from o365kit.targets or change the rule", at: location, notes: [.init("the rule declares the wazuh target here", at: wazuhTarget)]))
            } else {
                diagnostics.emit(.note("target-omitted", "\(rule.key) is not rendered for Wazuh: \(message)", at: location))
            }
        }
        switch rule.body {
        case .detection(let detection):
            guard let conjunctions = DetectionDNF.conjunctions(detection.condition, detection) else {
                refuse("the condition expands to more than \(DetectionDNF.limit) Wazuh rules", at: detection.conditionLocation)
                continue
            }
            var rules: [PlannedDetectionRule] = []
            var failed = false
            for conjunction in conjunctions {
                do throws(WazuhInexpressible) {
                    let parents = try placement(conjunction, project: project)
                    var elements: [WazuhElement] = []
                    for literal in conjunction { elements += try patterns.elements(literal) }
                    let absent = conjunction.compactMap { l -> FieldRef? in if case .absent(let f) = l.kind { return f }; return nil }
                    guard absent.count <= 2 else { throw WazuhInexpressible(message: "a branch needs more than two fields to be absent, and Wazuh has only <match> and <regex> to test that") }
                    for (tag, ref) in zip(["match", "regex"], absent) {
                        // The raw event is compact JSON: a key is present exactly when `"Key":` occurs.
                        elements.append(WazuhElement(tag: tag, text: "\"\(ref.path.last!)\":", attributes: [.init(name: "negate", value: "yes")]))
                    }
                    for element in elements where element.tag == "list" { usedLists[element.text] = lists.first { $0.value == element.text }?.key }
                    let key = rules.isEmpty ? "detection:\(rule.key)" : "detection:\(rule.key)#\(rules.count + 1)"
                    rules.append(PlannedDetectionRule(key: key, rule: rule, parents: parents, elements: elements, correlation: nil, alerts: detections.alertsOnItsOwn(rule)))
                } catch {
                    let at = conjunction.compactMap { l -> SourceLocation? in
                        switch l.kind {
                        case .test(let t), .negated(let t): return t.location
                        case .absent: return nil
                        }
                    }.first ?? detection.conditionLocation
                    refuse(error.message, at: at)
                    failed = true
                    break
                }
            }
            if !failed { planned += rules }
        case .correlation(let c):
            switch c.kind {
            case .temporal:
                refuse("a temporal correlation is unordered, and Wazuh can only chain rules in order (if_matched_sid)", at: c.location)
                continue
            case .valueCount:
                diagnostics.emit(Diagnostic(.note, "wazuh-approximation", "\(rule.key): Wazuh's different_field counts earlier events whose \(c.field ?? "") differs from the current event's, not distinct values, so repeated values can reach the threshold sooner (docs/detections.md)", at: c.location))
            case .eventCount:
                break
            }
            guard c.rules.count == 1 else {
                refuse("Wazuh counts the matches of one rule (if_matched_sid); this correlation names \(c.rules.count)", at: c.location)
                continue
            }
            let frequency = c.comparison == .gt ? c.threshold + 1 : c.threshold
            guard (2...9999).contains(frequency) else {
                refuse("Wazuh's frequency must be 2-9999, this threshold needs \(frequency)", at: c.location)
                continue
            }
            correlations.append(PlannedDetectionRule(
                key: "detection:\(rule.key)", rule: rule, parents: [], elements: [],
                correlation: .init(baseKey: "detection:\(c.rules[0].value)", frequency: frequency, timeframe: c.timespan,
                                   sameFields: c.groupBy.map { "\(prefix).\($0)" }, differentFields: c.field.map { ["\(prefix).\($0)"] } ?? []),
                alerts: true))
        }
    }
    // A base must be one rule, and the final rule of the events it counts.
    var result = planned
    for correlation in correlations {
        let base = correlation.correlation!.baseKey
        let baseRules = planned.filter { $0.key == base || $0.key.hasPrefix(base + "#") }
        guard baseRules.count == 1 else {
            if baseRules.isEmpty && !correlation.rule.targetsDeclared {
                diagnostics.emit(.note("target-omitted", "\(correlation.rule.key) is not rendered for Wazuh: the rule it counts, \(base.dropFirst("detection:".count)), is not", at: correlation.rule.location))
            }
            if !baseRules.isEmpty {
                let message = "\(correlation.rule.key) counts \(base.dropFirst("detection:".count)), which becomes \(baseRules.count) Wazuh rules; if_matched_sid counts one"
                diagnostics.emit(correlation.rule.targetsDeclared ? .error("wazuh-inexpressible", message, at: correlation.rule.location)
                                                                  : .note("target-omitted", "\(correlation.rule.key) is not rendered for Wazuh: \(message)", at: correlation.rule.location))
            }
            continue
        }
        result.append(correlation)
    }
    return WazuhDetectionPlan(rules: result, lists: usedLists.compactMapValues { $0 })
}

/// Where the rule of one conjunction hangs: under the rule that is final for the events it
/// can match, so that it refines that alert. The conjunction must name its operations.
private func placement(_ conjunction: [DetectionLiteral], project: ValidatedProject) throws(WazuhInexpressible) -> [PlannedDetectionRule.Parent] {
    func equalsValues(_ field: String) -> [String]? {
        for literal in conjunction {
            if case .test(let t) = literal.kind, t.field.kind == .plain, t.field.path == [field], t.match == .equals, !t.all { return t.values }
        }
        return nil
    }
    guard let operations = equalsValues("Operation") else {
        throw WazuhInexpressible(message: "a Wazuh rule needs a parent, so every branch must name its Operation values")
    }
    let settings = project.settings
    var parents: [PlannedDetectionRule.Parent] = []
    for operation in operations {
        if let mapping = project.operationsByFoldedName[operation.lowercased()] {
            if let native = countedNativeRule(mapping, project) {
                throw WazuhInexpressible(message: "'\(operation)' feeds a correlation (native \(native.id)'s, which the pack carries over its own rule); a child rule would starve it")
            }
            if let louder = unreachableInformationalRecordTypes(mapping, project) {
                // No rule of ours: its records end at the louder native RecordType rules.
                parents += louder.compactMap { project.native.recordTypeRule(for: $0)?.id }.map { .native($0) }
            } else if mapping.operation.value == settings.logonErrorOperation, let codes = equalsValues("LogonError") {
                for code in codes {
                    if let error = project.logonErrorsByFoldedCode[code.lowercased()] {
                        parents.append(.key(error.key))
                    } else {
                        parents.append(.key(mapping.key))
                    }
                }
            } else {
                // Every rule of the row: records of a louder RecordType end at its second rule.
                parents += ruleKeys(of: mapping, project: project).map { .key($0) }
            }
            // A native refinement of the operation's native rule (91725, FullAccess under
            // 91705) is tried before the row's rule: the events it matches end there, so the
            // detection hangs under it too.
            if let native = project.nativeRule(of: mapping) {
                parents += project.native.refinements(of: native.id).map { .native($0) }
            }
            // A rule of ours under the native root leaves louder RecordTypes to Wazuh (and an
            // informational one refines only quieter ones): those events end at the native
            // RecordType rule, so the detection hangs there too. When the operation's real
            // RecordTypes are known, its own rules already cover each of them.
            if settings.profile == .native && project.nativeRule(of: mapping) == nil
                && project.recordTypes.recordTypes(of: mapping.operation.value) == nil {
                parents.append(.nativeChain)
            }
        } else if settings.profile == .legacyIntegration {
            parents.append(.key(legacyRootKey))
        } else if let native = project.native.operationRule(for: operation) {
            if project.native.correlated[native.id] != nil {
                throw WazuhInexpressible(message: "'\(operation)' ends at native rule \(native.id), which a native correlation counts; a child rule would silence it")
            }
            parents.append(.native(native.id))
            parents += project.native.refinements(of: native.id).map { .native($0) }
        } else {
            parents.append(.nativeChain)
        }
    }
    var seen = Set<PlannedDetectionRule.Parent>()
    return parents.filter { seen.insert($0).inserted }
}
