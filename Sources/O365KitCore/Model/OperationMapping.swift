/// What a table row says about the ATT&CK meaning of an event.
public enum TechniqueAssignment: Hashable, Sendable {
    /// One or more techniques, in the order the row lists them.
    case techniques([Located<String>])
    /// Normal activity with no adversary meaning, marked on purpose (`none`).
    case noTechnique
}

/// One row of `mappings/operations.csv`: an O365 `Operation` value and its techniques.
public struct OperationMapping: Hashable, Sendable {
    /// The exact `Operation` string the API emits, trailing dot included.
    public var operation: Located<String>
    /// A quoted key may keep white space at its ends, as a few API values do.
    public var keyIsQuoted: Bool
    public var workload: String
    public var assignment: TechniqueAssignment
    /// An explicit Wazuh level overriding the tactic policy.
    public var level: Located<Int>?
    public var rationale: String
    public var source: String
    public var row: SourceLocation

    /// The natural key used by the lock file.
    public var key: String { "operation:\(operation.value)" }
}

/// One row of `mappings/logon-errors.csv`: an Entra ID `LogonError` code of a failed
/// sign-in and its techniques. It refines the rule of the failed-login operation.
public struct LogonErrorMapping: Hashable, Sendable {
    public var code: Located<String>
    public var keyIsQuoted: Bool
    public var assignment: TechniqueAssignment
    public var level: Located<Int>?
    public var rationale: String
    public var source: String
    public var row: SourceLocation

    public var key: String { "logon-error:\(code.value)" }
}

extension TechniqueAssignment {
    public var ids: [String] {
        if case .techniques(let list) = self { return list.map(\.value) }
        return []
    }
}
