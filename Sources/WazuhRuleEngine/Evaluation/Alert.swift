/// The outcome of one event: the rule analysisd would report for it.
public struct Alert: Hashable, Sendable {
    /// The id of the rule that fired (the last rule of `chain`).
    public let ruleID: Int
    /// Its level.
    public let level: Int
    /// The description with every `$(field)` expanded (a missing field becomes "").
    public let description: String
    /// The rule's groups, enclosing group name first.
    public let groups: [String]
    /// MITRE ATT&CK technique ids of the rule.
    public let mitreIDs: [String]
    /// Rule ids from the root to the rule that fired, e.g. `[91531, 91532, 91545]`.
    public let chain: [Int]
    /// False when analysisd would not write an alert although this rule matched:
    /// a level-0 rule, or a repeat within the rule's `ignore` window.
    public let generatesAlert: Bool

    /// An alert as another engine reported it (a real manager's logtest).
    public init(ruleID: Int, level: Int, description: String, groups: [String], mitreIDs: [String], chain: [Int], generatesAlert: Bool) {
        self.ruleID = ruleID
        self.level = level
        self.description = description
        self.groups = groups
        self.mitreIDs = mitreIDs
        self.chain = chain
        self.generatesAlert = generatesAlert
    }
}
