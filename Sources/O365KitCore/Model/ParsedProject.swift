/// Everything the load stage read, before any cross-row check.
public struct ParsedProject: Sendable {
    public var settings: ProjectSettings
    public var catalog: AttackCatalog
    public var operations: [OperationMapping]
    public var logonErrors: [LogonErrorMapping]
    public var lock: RuleLock
    public var native: NativeRuleIndex
    public var recordTypes: RecordTypeTable
}

/// The tables after validation: keys are unique, every technique is active, and rows are
/// in key order. Only `validate(_:diagnostics:)` creates one, so later stages can rely on it.
public struct ValidatedProject: Sendable {
    public let settings: ProjectSettings
    public let catalog: AttackCatalog
    public let operations: [OperationMapping]
    public let logonErrors: [LogonErrorMapping]
    public let lock: RuleLock
    public let native: NativeRuleIndex
    /// The RecordTypes each operation really arrives with.
    public let recordTypes: RecordTypeTable
    /// Rows by lower-cased key: Wazuh matches keys case-insensitively, and validation has
    /// made lower-cased keys unique.
    public let operationsByFoldedName: RowIndex<OperationMapping>
    public let logonErrorsByFoldedCode: [String: LogonErrorMapping]
    /// The native Operation rule that claims each operation row, found once: every later
    /// stage asks, and matching a name against the native patterns is not free.
    private let nativeRules: [String: NativeRuleIndex.Rule]

    /// The native Operation rule that would claim this row's events, if any.
    public func nativeRule(of mapping: OperationMapping) -> NativeRuleIndex.Rule? {
        nativeRules[mapping.operation.value]
    }

    init(_ parsed: ParsedProject) {
        settings = parsed.settings
        catalog = parsed.catalog
        operations = parsed.operations.sorted { $0.operation.value < $1.operation.value }
        logonErrors = parsed.logonErrors.sorted { $0.code.value < $1.code.value }
        lock = parsed.lock
        native = parsed.native
        recordTypes = parsed.recordTypes
        var nativeRules: [String: NativeRuleIndex.Rule] = [:]
        for mapping in operations {
            nativeRules[mapping.operation.value] = native.operationRule(for: mapping.operation.value)
        }
        self.nativeRules = nativeRules
        operationsByFoldedName = RowIndex(operations) { $0.operation.value.lowercased() }
        logonErrorsByFoldedCode = Dictionary(logonErrors.map { ($0.code.value.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Rows by a key, the first of equal keys winning. It holds positions into the rows, not
/// copies of them: at 200,000 rows a dictionary of the rows themselves was 100 MB.
public struct RowIndex<Row: Sendable>: Sendable {
    private let rows: [Row]
    private let positions: [String: Int]

    init(_ rows: [Row], key: (Row) -> String) {
        self.rows = rows
        var positions: [String: Int] = [:]
        positions.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() where positions[key(row)] == nil { positions[key(row)] = i }
        self.positions = positions
    }

    public subscript(_ key: String) -> Row? { positions[key].map { rows[$0] } }
}
