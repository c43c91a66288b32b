/// A detection definition: one Sigma rule from `mappings/detections/<stem>.yml`, in the
/// subset documented in docs/detections.md. The loader only builds what it understood;
/// anything else is an `unsupported-sigma` error at its line and column.
public struct SigmaRule: Sendable {
    /// The file stem; the rule's key in the lock (`detection:<key>`) and in every output.
    public var key: String
    public var path: String
    public var title: String
    public var id: String
    /// Sigma's optional `name`, by which correlations may name the rule.
    public var name: String?
    public var status: String
    public var description: String
    public var references: [String]
    public var tags: [Located<String>]
    public var level: Located<SigmaLevel>
    public var falsepositives: [String]
    public var logsource: [String: String]
    public var body: Body
    /// Targets the definition says it supports (`o365kit.targets`), or every target when it
    /// has no `o365kit` block, as a rule taken unchanged from SigmaHQ.
    public var targets: [Located<DetectionTarget>]
    /// Whether `targets` were declared: a declared target that cannot express the rule is an
    /// error, a default one is left out with a note.
    public var targetsDeclared: Bool
    /// Why the rule exists (`o365kit.rationale`; the description when there is none).
    public var rationale: String
    /// How often the rule fires on an ordinary tenant (`o365kit.volume`); nil for a rule from
    /// elsewhere, which does not say.
    public var volume: DetectionVolume?
    /// Where the rule starts, for findings about the rule as a whole.
    public var location: SourceLocation

    public enum Body: Sendable {
        case detection(SigmaDetection)
        case correlation(SigmaCorrelation)
    }

    /// ATT&CK technique ids from `attack.tXXXX(.YYY)` tags, upper-cased, in tag order.
    public var techniques: [String] {
        tags.compactMap { tag in
            let t = tag.value.lowercased()
            guard t.hasPrefix("attack.t") else { return nil }
            return String(t.dropFirst("attack.".count)).uppercased()
        }
    }

    public func supports(_ target: DetectionTarget) -> Bool { targets.contains { $0.value == target } }
}

/// How often a detection fires on an ordinary tenant, so a site can enable the rare and loud
/// ones first. A base rule that only feeds a correlation is `feeder`: it never alerts alone.
public enum DetectionVolume: String, Sendable, CaseIterable, Comparable {
    case rare, occasional, noisy, feeder

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Where a detection can be rendered.
public enum DetectionTarget: String, Sendable, CaseIterable, Hashable {
    case wazuh, splunk
}

/// Sigma's `level`.
public enum SigmaLevel: String, Sendable, CaseIterable {
    case informational, low, medium, high, critical

    /// The Wazuh level a detection alerts at (raised to its parent's level when that is higher).
    public var wazuhLevel: Int {
        switch self {
        case .informational: return 3
        case .low: return 5
        case .medium: return 8
        case .high: return 11
        case .critical: return 13
        }
    }

    /// Splunk's `alert.severity` (1 debug … 6 fatal).
    public var splunkSeverity: Int {
        switch self {
        case .informational: return 2
        case .low: return 3
        case .medium: return 4
        case .high: return 5
        case .critical: return 6
        }
    }
}

/// The `detection` block: named selections and a condition over them.
public struct SigmaDetection: Sendable {
    /// Selections in file order.
    public var selections: [SigmaSelection]
    public var condition: SigmaCondition
    public var conditionLocation: SourceLocation

    public func selection(_ name: String) -> SigmaSelection? { selections.first { $0.name == name } }
}

/// A named selection: a map of field tests (all must hold) or a list of such maps (any).
public struct SigmaSelection: Sendable {
    public var name: String
    /// Alternatives; each is a conjunction of field tests.
    public var alternatives: [[FieldTest]]
    public var location: SourceLocation
}

/// Which value of a record a test looks at.
public struct FieldRef: Sendable, Hashable, CustomStringConvertible {
    /// The top-level field, e.g. `Parameters`, `Operation`, or a dotted path into objects.
    public var path: [String]
    public var kind: Kind

    public enum Kind: Sendable, Hashable {
        /// The value at `path` (objects walked by key).
        case plain
        /// `Parameters.X`: the `Value` of every entry of the array whose `Name` is X; for
        /// `ModifiedProperties.X.NewValue`, the named key (`NewValue`, `OldValue`) of those entries.
        case namedEntry(String, valueKey: String)
        /// `Actor.ID` where `Actor` is an array of objects: the key of every entry.
        case entryKey(String)
        /// `Parameters` as a whole, as SigmaHQ's rules test it: every value of every entry
        /// (Name and Value alike, `arrayEntryKeys`), or the field itself when a record carries
        /// it as one string.
        case anyEntry
    }

    /// The array or top-level field the ref reads.
    public var root: String { path[0] }

    public var description: String {
        switch kind {
        case .plain: return path.joined(separator: ".")
        case .namedEntry(let name, let valueKey):
            let head = "\(path.joined(separator: ".")).\(name)"
            return valueKey == "Value" ? head : "\(head).\(valueKey)"
        case .entryKey(let key): return "\(path.joined(separator: ".")).\(key)"
        case .anyEntry: return path.joined(separator: ".")
        }
    }
}

/// How a test compares.
public enum MatchKind: String, Sendable, Hashable {
    case equals, contains, startswith, endswith, re, cidr, exists, fieldref
}

/// One `field|modifiers: values` entry of a selection.
public struct FieldTest: Sendable, Hashable {
    public var field: FieldRef
    public var match: MatchKind
    /// `|all`: every value must match; otherwise any.
    public var all: Bool
    /// Values after placeholder expansion (for `exists`, "true"/"false"; for `fieldref`, field names).
    public var values: [String]
    /// The placeholder the values came from, when `|expand` was used.
    public var placeholder: String?
    public var location: SourceLocation
}

/// A condition over selection names, with `1 of x*` / `all of them` already expanded.
public indirect enum SigmaCondition: Sendable, Hashable {
    case selection(String)
    case and([SigmaCondition])
    case or([SigmaCondition])
    case not(SigmaCondition)
}

/// A Sigma correlation rule over the matches of other rules.
public struct SigmaCorrelation: Sendable {
    public enum Kind: String, Sendable { case eventCount = "event_count", valueCount = "value_count", temporal }
    public enum Comparison: String, Sendable, CaseIterable { case gt, gte, lt, lte, eq }

    public var kind: Kind
    /// Keys (file stems) of the rules it correlates.
    public var rules: [Located<String>]
    public var groupBy: [String]
    /// Seconds.
    public var timespan: Int
    public var timespanText: String
    /// event_count/value_count: the comparison and threshold.
    public var comparison: Comparison
    public var threshold: Int
    /// value_count: the field whose distinct values are counted.
    public var field: String?
    /// Whether the referenced rules also alert on their own.
    public var generate: Bool
    public var location: SourceLocation

    public func holds(_ count: Int) -> Bool {
        switch comparison {
        case .gt: return count > threshold
        case .gte: return count >= threshold
        case .lt: return count < threshold
        case .lte: return count <= threshold
        case .eq: return count == threshold
        }
    }
}
