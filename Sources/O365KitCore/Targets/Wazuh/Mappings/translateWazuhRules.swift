/// Turns the validated tables into Wazuh rules.
///
/// Placement (native profile), chosen so the pack never silences a native alert of a
/// higher level than its own:
/// - an operation that has a native Operation rule (e.g. `Add user.` → 91709) becomes a
///   child of that rule, at no lower level than it, and so refines it;
/// - any other operation becomes a child of the native root 91531 at level ≥ 4, which
///   analysisd tries before 91532 (level 3), so the rule claims the event from the
///   RecordType chain; record types whose native rule has a higher level are excluded
///   with a negated RecordType field, leaving those events to Wazuh; for the louder ones
///   the operation really arrives with, a second rule under those RecordType rules, at
///   their level, adds the techniques (`OperationPlacement`).
/// - an operation whose native Operation rule feeds a native correlation (FileDownloaded →
///   91702, counted by 91724) refines it like any other, and the pack carries the same
///   correlation over its own rule: analysisd counts only events on which the counted rule
///   is the final match, so the native correlation no longer sees them. The build says so
///   with a note on the row.
/// LogonError rules are children of the failed-login operation's rule: the code refines
/// the operation.
/// A row marked `none` gets an informational rule at `levels.no_technique` that refines the
/// native alert of the same or a lower level: a child of the native Operation rule if there
/// is one, otherwise of the catch-all 91532 and of every RecordType rule at or below its level.
/// In the legacy profile the pack brings its own root rule, as the old script had none.
func translateWazuhRules(_ project: ValidatedProject, ids: ResolvedIDs, diagnostics: DiagnosticCollector) -> WazuhPack {
    let settings = project.settings
    let prefix = settings.profile.fieldPrefix
    var rules: [WazuhRule] = []

    var rootParent: Int
    switch settings.profile {
    case .native:
        rootParent = project.native.rootID
    case .legacyIntegration:
        rootParent = ids.id(for: legacyRootKey)
        rules.append(WazuhRule(
            id: rootParent, level: 3, parents: [], decodedAs: "json", location: "office_365",
            fields: [], description: "Office 365: $(office_365.Workload) $(office_365.Operation) operation.",
            groups: [], mitre: [], options: ["no_full_log"], origin: .init(key: legacyRootKey, row: nil)
        ))
    }

    var operationRules: [WazuhRule] = []
    var parentOfLogonErrors: Int?
    for mapping in project.operations {
        if let native = countedNativeRule(mapping, project) {
            let counters = (project.native.correlated[native.id] ?? []).sorted().map(String.init).joined(separator: ", ")
            guard case .techniques(let located) = mapping.assignment else {
                // An informational child would only starve the correlation.
                diagnostics.emit(Diagnostic(.note, "left-to-native", "no rule generated for '\(mapping.operation.value)': native rule \(native.id) claims it and feeds native correlation \(counters), which a child rule would starve", at: mapping.operation.location))
                continue
            }
            let carrying = correlationCarryingRules(mapping, techniques: located.map(\.value), native: native, project: project, ids: ids)
            let copies = carrying.dropFirst().map { String($0.id) }.joined(separator: ", ")
            diagnostics.emit(Diagnostic(.note, "native-correlation-carried", "'\(mapping.operation.value)' refines native rule \(native.id), which native correlation \(counters) counts only where \(native.id) is the final match; the pack carries that correlation over its own rule as \(copies)", at: mapping.operation.location))
            operationRules += carrying
            continue
        }
        if let louder = unreachableInformationalRecordTypes(mapping, project) {
            diagnostics.emit(Diagnostic(.note, "left-to-native", "no rule generated for '\(mapping.operation.value)': every RecordType it really has (\(louder.map(String.init).joined(separator: ", "))) meets a louder native rule, which keeps its alert; an informational rule would never be reached", at: mapping.operation.location))
            continue
        }
        let id = ids.id(for: mapping.key)
        if mapping.operation.value == settings.logonErrorOperation { parentOfLogonErrors = id }
        guard case .techniques(let located) = mapping.assignment else {
            operationRules.append(informationalOperationRule(mapping, id: id, project: project, rootParent: rootParent))
            continue
        }
        let techniques = located.map(\.value)
        let level = rowLevel(mapping, techniques: techniques, project: project)
        let operation = match(field: "\(prefix).Operation", mapping.operation.value)
        var placements = [OperationPlacement(key: mapping.key, parents: [rootParent], level: level, excludedRecordTypes: [], recordTypes: [])]
        if settings.profile == .native {
            placements = operationPlacements(mapping, level: level, project: project)
        }
        for placement in placements {
            var fields = [operation]
            if !placement.excludedRecordTypes.isEmpty {
                fields.append(.init(name: "\(prefix).RecordType", type: .osregex, negate: true,
                                    pattern: placement.excludedRecordTypes.map { "^\($0)$" }.joined(separator: "|")))
            }
            operationRules.append(WazuhRule(
                id: placement.key == mapping.key ? id : ids.id(for: placement.key), level: placement.level, parents: placement.parents,
                decodedAs: nil, location: nil, fields: fields,
                description: describe(operation: mapping.operation.value, prefix: prefix, techniques: techniques, catalog: project.catalog),
                groups: groups(techniques, project.catalog), mitre: techniques, options: ["no_full_log"],
                origin: .init(key: mapping.key, row: mapping.row), recordTypes: placement.recordTypes
            ))
        }
    }

    var logonRules: [WazuhRule] = []
    if let parent = parentOfLogonErrors {
        for mapping in project.logonErrors {
            let techniques = mapping.assignment.ids
            let level = mapping.level?.value ?? (mapping.assignment == .noTechnique
                ? settings.levels.noTechnique
                : settings.levels.level(forTactics: tactics(of: techniques, in: project.catalog)))
            let code = safeText(mapping.code.value) ?? "$(\(prefix).LogonError)"
            logonRules.append(WazuhRule(
                id: ids.id(for: mapping.key), level: level, parents: [parent], decodedAs: nil, location: nil,
                fields: [match(field: "\(prefix).LogonError", mapping.code.value)],
                description: "Office 365: \(settings.logonErrorOperation) with LogonError \(code) for $(\(prefix).UserId) - \(techniques.isEmpty ? informationalText : techniqueList(techniques, project.catalog))",
                groups: groups(techniques, project.catalog), mitre: techniques, options: ["no_full_log"],
                origin: .init(key: mapping.key, row: mapping.row)
            ))
        }
    }
    // Parents first: analysisd needs a rule loaded before its children, even in one file.
    rules += operationRules.sorted { $0.id < $1.id } + logonRules.sorted { $0.id < $1.id }
    return WazuhPack(rules: rules, profile: settings.profile)
}

/// The lock key of the legacy profile's own root rule.
let legacyRootKey = "root:legacy-integration"

/// analysisd tries children by level, highest first; 91532 has level 3, so a child of the
/// native root needs at least 4 to be tried before it.
let minimumLevelUnderNativeRoot = 4

/// The lock keys of the mapping rules, in the order new ids are handed out.
func mappingRuleKeys(_ project: ValidatedProject) -> [String] {
    var keys: [String] = []
    if project.settings.profile == .legacyIntegration { keys.append(legacyRootKey) }
    for mapping in project.operations {
        if let native = countedNativeRule(mapping, project) {
            guard case .techniques = mapping.assignment else { continue }
            keys += [mapping.key] + (project.native.correlated[native.id] ?? []).sorted().map { carriedCorrelationKey(mapping, counter: $0) }
        } else if unreachableInformationalRecordTypes(mapping, project) == nil {
            keys += ruleKeys(of: mapping, project: project)
        }
    }
    keys += project.logonErrors.map(\.key)
    return keys
}

/// What the description of an informational rule says instead of techniques.
private let informationalText = "no MITRE technique, routine activity"

private func informationalOperationRule(_ mapping: OperationMapping, id: Int, project: ValidatedProject, rootParent: Int) -> WazuhRule {
    let settings = project.settings
    let prefix = settings.profile.fieldPrefix
    var level = mapping.level?.value ?? settings.levels.noTechnique
    var parents = [rootParent]
    if settings.profile == .native {
        if let native = project.nativeRule(of: mapping) {
            parents = [native.id]
            level = max(level, native.level)
        } else {
            parents = [project.native.catchAllID] + project.native.recordTypeRules(atMost: level)
        }
    }
    let name = safeText(mapping.operation.value) ?? "$(\(prefix).Operation)"
    return WazuhRule(
        id: id, level: level, parents: parents, decodedAs: nil, location: nil,
        fields: [match(field: "\(prefix).Operation", mapping.operation.value)],
        description: "Office 365: \(name) by $(\(prefix).UserId) - \(informationalText)",
        groups: ["o365kit", "o365kit_informational"], mitre: [], options: ["no_full_log"],
        origin: .init(key: mapping.key, row: mapping.row)
    )
}

func match(field: String, _ value: String) -> WazuhRule.Field {
    if let pattern = OSRegexLiteral.exact(value) {
        return .init(name: field, type: .osregex, negate: false, pattern: pattern)
    }
    return .init(name: field, type: .pcre2, negate: false, pattern: PCRE2Literal.exact(value))
}

func groups(_ techniques: [String], _ catalog: AttackCatalog) -> [String] {
    ["o365kit"] + tactics(of: techniques, in: catalog)
}

private func techniqueList(_ techniques: [String], _ catalog: AttackCatalog) -> String {
    techniques.map { "\($0) \(catalog.displayName(of: $0))" }.joined(separator: "; ")
}

func describe(operation: String, prefix: String, techniques: [String], catalog: AttackCatalog) -> String {
    let name = safeText(operation) ?? "$(\(prefix).Operation)"
    return "Office 365: \(name) by $(\(prefix).UserId) - \(techniqueList(techniques, catalog))"
}

/// A table value that can stand literally in rule XML text: Wazuh decodes no entities, so
/// `<` and `&` cannot be written at all, and `$(` would be expanded as a field.
private func safeText(_ value: String) -> String? {
    var previous: UInt8 = 0
    for byte in value.utf8 {
        if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ">") { return nil }
        if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "(") { return nil }
        previous = byte
    }
    return value
}
