/// Where one rule of an operation row hangs, for the RecordTypes it stands for.
///
/// An operation without a native Operation rule is claimed under the native root (91531) at
/// its own level, with the record types whose native rule is louder excluded, so that the
/// pack never silences a louder native alert. Records of those louder types would then end
/// at the native RecordType rule without the row's techniques. So for each louder native
/// level among the RecordTypes the operation really has (`record-types.csv`), the row gets
/// one more rule: a child of those RecordType rules, at their level, that only adds the
/// techniques. `MailItemsAccessed` (RecordType 50, native 91578 at level 5, row level 4)
/// is the case that showed it.
struct OperationPlacement: Sendable, Hashable {
    /// The lock key: the row's own for its first rule, `<row key>@level-<n>` for the others.
    var key: String
    var parents: [Int]
    var level: Int
    /// Record types excluded with a negated RecordType field (root placement only).
    var excludedRecordTypes: [Int]
    /// The row's real RecordTypes this rule is for; empty when the table has no row.
    var recordTypes: [Int]
}

/// The rules of a row that has techniques (native profile), in lock-key order: the row's
/// own rule, under its native Operation rule or under the native root, then one per louder
/// native level among its real RecordTypes. A native Operation rule is tried after louder
/// RecordType rules, exactly like a rule of ours under the root.
func operationPlacements(_ mapping: OperationMapping, level rowLevel: Int, project: ValidatedProject) -> [OperationPlacement] {
    let own: OperationPlacement
    if let native = project.nativeRule(of: mapping) {
        own = OperationPlacement(key: mapping.key, parents: [native.id], level: max(rowLevel, native.level), excludedRecordTypes: [], recordTypes: [])
    } else {
        let level = max(rowLevel, minimumLevelUnderNativeRoot)
        own = OperationPlacement(key: mapping.key, parents: [project.native.rootID], level: level,
                                 excludedRecordTypes: project.native.recordTypes(above: level), recordTypes: [])
    }
    guard let real = project.recordTypes.recordTypes(of: mapping.operation.value) else { return [own] }
    var quiet: [Int] = []
    var louder: [Int: [(type: Int, rule: Int)]] = [:]
    for type in real {
        if let native = project.native.recordTypeRule(for: type), native.level > own.level {
            louder[native.level, default: []].append((type, native.id))
        } else {
            quiet.append(type)
        }
    }
    var placements: [OperationPlacement] = []
    if !quiet.isEmpty {
        var placement = own
        placement.recordTypes = quiet
        placements.append(placement)
    }
    for nativeLevel in louder.keys.sorted() {
        let group = louder[nativeLevel]!
        placements.append(OperationPlacement(key: placements.isEmpty ? mapping.key : "\(mapping.key)@level-\(nativeLevel)",
                                             parents: group.map(\.rule).sorted(), level: nativeLevel, excludedRecordTypes: [],
                                             recordTypes: group.map(\.type)))
    }
    return placements
}

/// The lock keys of every rule generated for a row (one, unless it needs louder placements).
func ruleKeys(of mapping: OperationMapping, project: ValidatedProject) -> [String] {
    guard project.settings.profile == .native, case .techniques(let located) = mapping.assignment else {
        return [mapping.key]
    }
    return operationPlacements(mapping, level: rowLevel(mapping, techniques: located.map(\.value), project: project), project: project).map(\.key)
}

/// The level a row asks for: its own, or its tactics' from the level policy.
func rowLevel(_ mapping: OperationMapping, techniques: [String], project: ValidatedProject) -> Int {
    mapping.level?.value ?? project.settings.levels.level(forTactics: tactics(of: techniques, in: project.catalog))
}

/// For a `none` row: its real RecordTypes when every one of them has a native rule louder
/// than the informational rule would be, so that rule could never be reached; else nil.
func unreachableInformationalRecordTypes(_ mapping: OperationMapping, _ project: ValidatedProject) -> [Int]? {
    guard project.settings.profile == .native, mapping.assignment == .noTechnique,
          let real = project.recordTypes.recordTypes(of: mapping.operation.value), !real.isEmpty else { return nil }
    var level = mapping.level?.value ?? project.settings.levels.noTechnique
    if let native = project.nativeRule(of: mapping) { level = max(level, native.level) }
    let louder = real.filter { (project.native.recordTypeRule(for: $0)?.level ?? 0) > level }
    return louder.count == real.count ? real : nil
}
