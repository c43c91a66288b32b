/// The native Operation rule of a row that a native correlation counts (91702, counted by
/// 91724). analysisd counts only events on which the counted rule is the final match, so a
/// child of ours would starve the correlation: the pack then carries an equivalent
/// correlation over its own child (`correlationCarryingRules`).
func countedNativeRule(_ mapping: OperationMapping, _ project: ValidatedProject) -> NativeRuleIndex.Rule? {
    guard project.settings.profile == .native,
          let native = project.nativeRule(of: mapping),
          project.native.correlated[native.id] != nil else { return nil }
    return native
}

/// The lock key of the pack's copy of native correlation `counter`.
func carriedCorrelationKey(_ mapping: OperationMapping, counter: Int) -> String { "\(mapping.key)@correlation-\(counter)" }

/// A row whose native rule a native correlation counts: the child that adds the techniques,
/// then, per native correlation, the same correlation over that child, with the native
/// rule's level, terms, description and ATT&CK ids, plus the row's.
func correlationCarryingRules(_ mapping: OperationMapping, techniques: [String], native: NativeRuleIndex.Rule,
                                      project: ValidatedProject, ids: ResolvedIDs) -> [WazuhRule] {
    let id = ids.id(for: mapping.key)
    let prefix = project.settings.profile.fieldPrefix
    let level = max(rowLevel(mapping, techniques: techniques, project: project), native.level)
    var rules = [WazuhRule(
        id: id, level: level, parents: [native.id], decodedAs: nil, location: nil,
        fields: [match(field: "\(prefix).Operation", mapping.operation.value)],
        description: describe(operation: mapping.operation.value, prefix: prefix, techniques: techniques, catalog: project.catalog),
        groups: groups(techniques, project.catalog), mitre: techniques, options: ["no_full_log"],
        origin: .init(key: mapping.key, row: mapping.row)
    )]
    for counter in (project.native.correlated[native.id] ?? []).sorted() {
        guard let original = project.native.rules[counter], var correlation = original.correlation else { continue }
        correlation.matchedSID = id
        let mitre = original.mitre + techniques.filter { !original.mitre.contains($0) }
        rules.append(WazuhRule(
            id: ids.id(for: carriedCorrelationKey(mapping, counter: counter)), level: original.level, parents: [], decodedAs: nil, location: nil,
            fields: [], description: original.description + " (o365kit, as native \(counter))",
            groups: original.groups + groups(techniques, project.catalog).filter { !original.groups.contains($0) }, mitre: mitre,
            options: ["no_full_log"], origin: .init(key: mapping.key, row: mapping.row), correlation: correlation
        ))
    }
    return rules
}
