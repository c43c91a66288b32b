/// A Wazuh rule as data, before it becomes text. Everything here is already valid for
/// analysisd: patterns are escaped for their flavour and no text holds `<` or `&`.
public struct WazuhRule: Sendable, Hashable {
    public enum PatternType: String, Sendable, Hashable {
        case osregex, pcre2
    }

    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: PatternType
        public var negate: Bool
        public var pattern: String
    }

    /// Where a rule came from, so verify-stage findings can point at the table row.
    public struct Origin: Sendable, Hashable {
        public var key: String
        public var row: SourceLocation?
    }

    public var id: Int
    public var level: Int
    public var parents: [Int]
    public var decodedAs: String?
    public var location: String?
    public var fields: [Field]
    public var description: String
    public var groups: [String]
    public var mitre: [String]
    public var options: [String]
    public var origin: Origin
    /// For an operation's rule: the RecordTypes it really arrives with that this rule is
    /// placed for (`record-types.csv`); empty when unknown or not an operation rule.
    public var recordTypes: [Int] = []
    /// For the pack's equivalent of a native correlation: what it counts and how.
    public var correlation: NativeRuleIndex.Correlation?
}

/// The generated Wazuh content of one build, ready to render.
public struct WazuhPack: Sendable {
    /// Rules in file order: parents before children.
    public var rules: [WazuhRule]
    public var profile: WazuhFieldProfile
}
