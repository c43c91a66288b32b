import Foundation
import WazuhRuleEngine

/// What the generator must know about Wazuh's own office365 rules
/// (`mappings/wazuh-native/0755-office365_rules.xml`) to place its rules beside them
/// without silencing a native alert of higher level.
public struct NativeRuleIndex: Sendable {
    public struct Rule: Sendable, Hashable {
        public var id: Int
        public var level: Int
        public var parents: [Int]
        /// The `office365.Operation` pattern, for Operation rules (91700…).
        public var operationPattern: String?
        /// The RecordType number, for the per-RecordType rules (`^15$` → 15).
        public var recordType: Int?
        /// For a correlation rule (`if_matched_sid`): what it counts and how.
        public var correlation: Correlation?
        public var description: String = ""
        public var groups: [String] = []
        public var mitre: [String] = []
    }

    /// A native correlation rule's own terms, so the pack can carry an equivalent one over
    /// its own rule (91724: 100 downloads by one user in 60 s, ignore 30 s).
    public struct Correlation: Sendable, Hashable {
        public var matchedSID: Int
        public var frequency: Int
        public var timeframe: Int
        public var ignore: Int?
        public var sameFields: [String]
        public var differentFields: [String]
    }

    public let rules: [Int: Rule]
    /// The Operation rules in id order with their parsed patterns, kept apart because every
    /// table row is matched against them.
    private let operationRules: [(rule: Rule, pattern: FieldPattern)]
    /// The rule every office365 event passes first (91531).
    public let rootID: Int
    /// The catch-all child of the root for any event with a RecordType (91532).
    public let catchAllID: Int
    /// Rules that a native correlation rule counts through `if_matched_sid` (91702, counted
    /// by 91724). analysisd counts only events where such a rule is the final match, so a
    /// child of ours would starve the correlation: these rules get no children. Maps the
    /// counted rule to the correlation rules counting it.
    public let correlated: [Int: [Int]]
    public let path: String

    /// The RecordType rules by RecordType, and the record types louder than each level
    /// (0…16): every operation row asks both, so they are worked out once.
    private let byRecordType: [Int: Rule]
    private let louderThan: [[Int]]
    /// Native children of a rule that are not correlations (91725 FullAccess under 91705).
    private let refinementsByParent: [Int: [Int]]

    public init(rules: [Int: Rule], rootID: Int, catchAllID: Int, correlated: [Int: [Int]], path: String) {
        byRecordType = Dictionary(rules.values.compactMap { rule in rule.recordType.map { ($0, rule) } }, uniquingKeysWith: { a, b in a.id < b.id ? a : b })
        louderThan = (0...16).map { level in rules.values.compactMap { $0.level > level ? $0.recordType : nil }.sorted() }
        var refinements: [Int: [Int]] = [:]
        for rule in rules.values.sorted(by: { $0.id < $1.id }) where rule.correlation == nil {
            for parent in rule.parents { refinements[parent, default: []].append(rule.id) }
        }
        refinementsByParent = refinements
        self.rootID = rootID
        self.catchAllID = catchAllID
        self.correlated = correlated
        self.path = path
        self.rules = rules
        operationRules = rules.values.sorted { $0.id < $1.id }.compactMap { rule in
            rule.operationPattern.flatMap { try? FieldPattern($0, type: .osregex) }.map { (rule, $0) }
        }
    }

    public var ids: Set<Int> { Set(rules.keys) }

    /// The native Operation rule that would claim `operation`, if any.
    public func operationRule(for operation: String) -> Rule? {
        operationRules.first { $0.pattern.matches(operation) }?.rule
    }

    /// RecordType rules whose level is above `level`: a rule of ours that pre-empts the
    /// native chain must leave these record types alone.
    public func recordTypes(above level: Int) -> [Int] {
        louderThan[min(max(level, 0), 16)]
    }

    /// The native rules that refine rule `id` (its children that are not correlations).
    /// analysisd tries them before any rule of ours under the same parent, so the events
    /// they match end there.
    public func refinements(of id: Int) -> [Int] {
        refinementsByParent[id] ?? []
    }

    /// The native rule of one RecordType (`^50$` → 91578), if Wazuh has one.
    public func recordTypeRule(for recordType: Int) -> Rule? {
        byRecordType[recordType]
    }

    /// The ids of the RecordType rules whose level is at most `level`: an informational
    /// rule hangs under these (and under the catch-all) so that it refines the native
    /// alert of the same level instead of claiming the event.
    public func recordTypeRules(atMost level: Int) -> [Int] {
        rules.values.compactMap { $0.level <= level && $0.recordType != nil ? $0.id : nil }.sorted()
    }
}

/// Reads the native ruleset file.
func loadNativeRuleIndex(_ url: URL, diagnostics: DiagnosticCollector) -> NativeRuleIndex? {
    let path = displayPath(url)
    guard let text = readText(url, diagnostics: diagnostics) else { return nil }
    let (root, problems) = XMLChecker.check(text, path: path)
    diagnostics.emit(problems)
    guard let root else { return nil }
    var rules: [Int: NativeRuleIndex.Rule] = [:]
    var rootID: Int?
    var catchAllID: Int?
    var correlated: [Int: [Int]] = [:]
    for group in root.children(named: "group") {
        for element in group.children(named: "rule") {
            guard let id = element.attribute("id").flatMap(Int.init), let level = element.attribute("level").flatMap(Int.init) else { continue }
            let parents = element.children(named: "if_sid").flatMap { $0.text.split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { Int($0) } }
            var rule = NativeRuleIndex.Rule(id: id, level: level, parents: parents)
            for counted in element.children(named: "if_matched_sid") {
                if let sid = Int(counted.text.trimmingCharacters(in: .whitespaces)) {
                    correlated[sid, default: []].append(id)
                    rule.correlation = NativeRuleIndex.Correlation(
                        matchedSID: sid, frequency: element.attribute("frequency").flatMap(Int.init) ?? 2,
                        timeframe: element.attribute("timeframe").flatMap(Int.init) ?? 360, ignore: element.attribute("ignore").flatMap(Int.init),
                        sameFields: element.children(named: "same_field").map { $0.text.trimmingCharacters(in: .whitespaces) },
                        differentFields: element.children(named: "different_field").map { $0.text.trimmingCharacters(in: .whitespaces) })
                }
            }
            rule.description = element.children(named: "description").first?.text ?? ""
            rule.groups = (element.children(named: "group").first?.text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            rule.mitre = element.children(named: "mitre").flatMap { $0.children(named: "id") }.map { $0.text.trimmingCharacters(in: .whitespaces) }
            for field in element.children(named: "field") {
                switch field.attribute("name") {
                case "office365.Operation":
                    rule.operationPattern = field.text
                case "office365.RecordType":
                    if let match = field.text.wholeMatch(of: /\^([0-9]+)\$/) {
                        rule.recordType = Int(match.1)
                    } else if parents.count == 1 {
                        catchAllID = id
                    }
                case "integration" where parents.isEmpty:
                    rootID = id
                default:
                    break
                }
            }
            rules[id] = rule
        }
    }
    guard let rootID, let catchAllID, rules[catchAllID]?.parents == [rootID] else {
        diagnostics.emit(.error("bad-native-rules", "no root rule matching integration=office365 with a RecordType catch-all child found", at: SourceLocation(path: path)))
        return nil
    }
    return NativeRuleIndex(rules: rules, rootID: rootID, catchAllID: catchAllID, correlated: correlated, path: path)
}
