/// The deployment's values for `|expand` placeholders (`mappings/environment.yaml`): lists
/// such as `internal_domains` that differ per site. The committed file holds examples; a
/// deployment replaces it and rebuilds.
public struct DetectionEnvironment: Sendable {
    public var placeholders: [String: Located<[String]>]
    public var path: String

    public init(placeholders: [String: Located<[String]>], path: String) {
        self.placeholders = placeholders
        self.path = path
    }
}

/// Every detection definition of the project, validated together.
public struct DetectionSet: Sendable {
    /// Rules in key order.
    public var rules: [SigmaRule]
    public var environment: DetectionEnvironment

    public func rule(_ key: String) -> SigmaRule? { rules.first { $0.key == key } }

    /// Keys of the rules that a correlation counts.
    public var correlatedKeys: Set<String> {
        Set(rules.flatMap { rule -> [String] in
            if case .correlation(let c) = rule.body { return c.rules.map(\.value) }
            return []
        })
    }

    /// Whether a rule alerts on its own: not a correlation's base, or a base whose
    /// correlation asked for `generate: true`.
    public func alertsOnItsOwn(_ rule: SigmaRule) -> Bool {
        let referencing = rules.compactMap { other -> SigmaCorrelation? in
            if case .correlation(let c) = other.body, c.rules.contains(where: { $0.value == rule.key }) { return c }
            return nil
        }
        return referencing.isEmpty || referencing.contains { $0.generate }
    }
}
