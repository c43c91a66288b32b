/// Everything the load stage read, before any cross-row check.
public struct ParsedProject: Sendable {
    public var settings: ProjectSettings
    public var catalog: AttackCatalog
    public var operations: [OperationMapping]
    public var logonErrors: [LogonErrorMapping]
    public var lock: RuleLock
    public var native: NativeRuleIndex
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

    init(_ parsed: ParsedProject) {
        settings = parsed.settings
        catalog = parsed.catalog
        operations = parsed.operations.sorted { $0.operation.value < $1.operation.value }
        logonErrors = parsed.logonErrors.sorted { $0.code.value < $1.code.value }
        lock = parsed.lock
        native = parsed.native
    }
}
