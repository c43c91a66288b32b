/// Which ATT&CK techniques the project covers, and by what: table rows (Operations,
/// LogonErrors) and detections. Later stages add their own sources through `add`, e.g. the
/// detections stage: `coverage.add(.detections, key: definition.title, techniques: ids)`.
public struct AttackCoverage: Sendable {
    public enum Source: String, CaseIterable, Sendable {
        case operations, logonErrors = "logon_errors", detections

        /// A column heading.
        public var title: String {
            switch self {
            case .operations: return "Operations"
            case .logonErrors: return "LogonErrors"
            case .detections: return "Detections"
            }
        }
    }

    /// Technique id → source → the keys (operation names, codes, detection titles) covering it.
    public private(set) var keys: [String: [Source: [String]]] = [:]

    public init() {}

    public mutating func add(_ source: Source, key: String, techniques: [String]) {
        for id in Set(techniques) {
            keys[id, default: [:]][source, default: []].append(key)
        }
    }

    public func count(_ id: String, _ source: Source) -> Int { keys[id]?[source]?.count ?? 0 }

    /// How many table rows and detections cover the technique: the layer's score.
    public func score(_ id: String) -> Int { Source.allCases.reduce(0) { $0 + count(id, $1) } }

    public var techniqueIDs: [String] { keys.keys.sorted(by: attackOrder) }
}

/// The coverage of the mapping tables (rows marked `none` cover nothing).
func tableCoverage(_ project: ValidatedProject) -> AttackCoverage {
    var coverage = AttackCoverage()
    for row in project.operations { coverage.add(.operations, key: row.operation.value, techniques: row.assignment.ids) }
    for row in project.logonErrors { coverage.add(.logonErrors, key: row.code.value, techniques: row.assignment.ids) }
    return coverage
}
