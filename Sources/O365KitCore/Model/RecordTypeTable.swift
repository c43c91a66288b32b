/// Where each operation really arrives: the RecordType values the Management Activity API
/// emits it with (`mappings/record-types.csv`), each row with its source. Wazuh's native
/// office365 rules sort events by RecordType first, so the RecordType decides which native
/// rule an operation's events meet, and with it where the pack's rule must hang.
public struct RecordTypeTable: Sendable {
    public struct Row: Sendable {
        public var operation: Located<String>
        public var recordTypes: [Int]
        public var source: String
    }

    /// Rows by lower-cased operation: Wazuh matches operation names case-insensitively.
    public var rows: [String: Row]
    /// Whether the project has the table at all; a project without it (made before the
    /// table existed) gets the placement it always had, and no warnings.
    public var isPresent: Bool

    public init(rows: [Row], isPresent: Bool = true) {
        self.isPresent = isPresent
        self.rows = Dictionary(rows.map { ($0.operation.value.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The RecordTypes of an operation; nil when the table has no row for it.
    public func recordTypes(of operation: String) -> [Int]? { rows[operation.lowercased()]?.recordTypes }
}
