/// Which JSON layout the Wazuh manager sees, and so which fields and parents rules use.
public enum WazuhFieldProfile: String, Sendable, CaseIterable {
    /// Wazuh ≥ 4.3 office365 module: `{"integration":"office365","office365":{…}}`, rules
    /// hang under the native 91531 chain.
    case native
    /// The custom script of the 2020 Wazuh blog post: `{"office_365":{…}}` sent with location
    /// `office_365`; the pack brings its own root rule.
    case legacyIntegration = "legacy-integration"

    /// The prefix of every decoded audit field.
    public var fieldPrefix: String {
        switch self {
        case .native: return "office365"
        case .legacyIntegration: return "office_365"
        }
    }
}

/// How a rule's level is chosen: an explicit `level` cell wins; otherwise the highest
/// level of the tactics of the row's techniques; otherwise `default`.
public struct LevelPolicy: Sendable, Equatable {
    public var defaultLevel: Int
    public var tactics: [String: Int]
    /// The level of the informational rule of a row marked `none`.
    public var noTechnique: Int

    public func level(forTactics shortnames: [String]) -> Int {
        shortnames.compactMap { tactics[$0] }.max() ?? defaultLevel
    }
}

/// The committed project settings, `mappings/o365kit.yaml`.
public struct ProjectSettings: Sendable {
    public var packageName: String
    public var packageVersion: String
    public var profile: WazuhFieldProfile
    /// Ids the lock may hand out; ids outside it are never generated.
    public var ruleIDs: ClosedRange<Int>
    public var levels: LevelPolicy
    /// The operation whose rule the LogonError rules refine.
    public var logonErrorOperation: String
    /// `wazuh.attack_ids`: the file of technique ids the target manager's MITRE database knows
    /// (relative to the mappings folder); nil leaves `<mitre>` ids as the tables say.
    public var managerAttackIDs: Located<String>?
    /// Where the settings were read, for diagnostics about them.
    public var location: SourceLocation
    /// The keys of `levels.tactics` where they were written (checked against the catalog).
    public var levelTacticKeys: [Located<String>] = []
}
