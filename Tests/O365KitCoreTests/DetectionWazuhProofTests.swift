import Foundation
import Testing
import WazuhRuleEngine
@testable import O365KitCore

/// Every detection that supports Wazuh, proven on its own samples through the rule engine:
/// the native office365 rules, the mapping rules and the detection rules are loaded in that
/// order with the CDB lists, and the samples are replayed in order with CreationTime as the
/// event time. The verdicts must be the reference evaluator's.
@Suite struct DetectionWazuhProofTests {
    static var keys: [String] {
        ProjectDetections.generation?.detections.rules.filter { $0.supports(.wazuh) }.map(\.key) ?? []
    }

    static let cachedRuleSet: RuleSet? = ProjectDetections.generation.flatMap { try? build($0) }

    static func ruleSet(_ generation: Generation) throws -> RuleSet {
        try #require(cachedRuleSet)
    }

    static func build(_ generation: Generation) throws -> RuleSet {
        let paths = try TestProject().paths
        var files: [(path: String, data: Data)] = [("0755-office365_rules.xml", try Data(contentsOf: paths.nativeWazuhRules))]
        for path in [WazuhPackPaths.rules, WazuhDetectionPaths.rules] {
            let file = try #require(generation.files.first { $0.path == path })
            files.append((path, Data(file.contents.utf8)))
        }
        var lists: [String: Data] = [:]
        for path in generation.wazuhDetections.lists.keys {
            let file = try #require(generation.files.first { $0.path == WazuhDetectionPaths.list(path) })
            lists[path] = Data(file.contents.utf8)
        }
        return try RuleSet(files: files, lists: lists)
    }

    static func replay(_ records: [AuditRecord], _ ruleSet: RuleSet) -> [Int?] {
        var evaluator = Evaluator(ruleSet: ruleSet)
        return records.map { evaluator.evaluate(DecodedEvent(auditRecord: $0.data, location: "office365"), at: $0.creationTime!)?.ruleID }
    }

    @Test(arguments: keys)
    func wazuhGivesTheReferenceVerdicts(key: String) throws {
        let generation = try #require(ProjectDetections.generation)
        let ruleSet = try Self.ruleSet(generation)
        let rule = try #require(generation.detections.rule(key))
        let ours = Set(generation.wazuhDetections.rules.filter { $0.detection == key }.map(\.id))
        #expect(!ours.isEmpty)
        let samples = try DetectionSamples(key)
        switch rule.body {
        case .detection:
            let evaluator = SigmaEvaluator(generation.detections)
            let level = generation.wazuhDetections.rules.first { $0.detection == key }!.level
            for (i, record) in samples.positive.enumerated() {
                let fired = Self.replay([record], ruleSet)[0]
                // Only one rule ends an event: a louder (or equally loud, earlier) detection that
                // also matches may claim it; that is the only accepted difference.
                let shadow = generation.wazuhDetections.rules.first { $0.id == fired && $0.detection != key }
                let shadowed = shadow.map { s in s.level >= level && evaluator.matches(generation.detections.rule(s.detection)!, record) } ?? false
                #expect(fired.map(ours.contains) == true || shadowed, "positive #\(i + 1) of \(key) ended at \(fired ?? 0)")
            }
            for (i, record) in samples.negative.enumerated() {
                let fired = Self.replay([record], ruleSet)[0]
                #expect(fired.map(ours.contains) != true, "negative #\(i + 1) of \(key) ended at \(fired ?? 0)")
            }
        case .correlation(let c):
            let positive = Self.replay(samples.positive, ruleSet)
            #expect(positive.last.flatMap { $0 }.map(ours.contains) == true, "\(key): last positive ended at \(positive.last.flatMap { $0 } ?? 0)")
            #expect(positive.dropLast().allSatisfy { $0.map(ours.contains) != true })
            if c.kind != .valueCount {
                #expect(Self.replay(samples.negative, ruleSet).allSatisfy { $0.map(ours.contains) != true })
            }
        }
    }

    /// The documented limit of value_count in Wazuh: different_field counts earlier events
    /// whose value differs from the current one, so four accounts locked twice each reach
    /// five "different" events although only four accounts are involved.
    @Test func valueCountOverCountsRepeatedValuesInWazuh() throws {
        let generation = try #require(ProjectDetections.generation)
        let ruleSet = try Self.ruleSet(generation)
        let key = "credential_access_lockouts_from_one_ip"
        let ours = try #require(generation.wazuhDetections.rules.first { $0.detection == key }).id
        let samples = try DetectionSamples(key)
        #expect((SigmaEvaluator(generation.detections).replay(samples.negative)[key] ?? []).isEmpty)
        #expect(Self.replay(samples.negative, ruleSet).contains(ours))
    }

    /// What the Wazuh API accepts for a list upload (`PUT /lists/files/{name}`).
    @Test func listsAreAcceptedByTheWazuhAPI() throws {
        let generation = try #require(ProjectDetections.generation)
        let lists = generation.files.filter { $0.path.hasPrefix("wazuh/lists/o365kit-") && $0.path != WazuhPackPaths.logonErrorList }
        #expect(!lists.isEmpty)
        for file in lists {
            #expect(file.path.split(separator: "/").last!.wholeMatch(of: /[\-\w]+/) != nil)
            #expect(file.contents.hasSuffix("\n"))
            for line in file.contents.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                #expect(line.wholeMatch(of: /(?:"[\w\-: ]+?"|[^:"\s]+):(?:"[\w\-: ]*?"|[^:"]*)/) != nil, "\(file.path): '\(line)'")
            }
        }
    }

    @Test func theRulesLoadWithoutWarnings() throws {
        let ruleSet = try Self.ruleSet(try #require(ProjectDetections.generation))
        #expect(ruleSet.warnings.isEmpty, "\(ruleSet.warnings)")
    }

    @Test func correlationBasesStayFinalAndNativeCorrelationsStayFed() throws {
        let generation = try #require(ProjectDetections.generation)
        let pack = generation.wazuhDetections
        let counted = Set(pack.rules.flatMap { $0.elements.filter { $0.tag == "if_matched_sid" }.compactMap { Int($0.text) } })
        for rule in pack.rules {
            #expect(counted.isDisjoint(with: rule.parents), "\(rule.key) hangs under a counted base rule")
            #expect(!rule.parents.contains { generation.project.native.correlated[$0] != nil }, "\(rule.key) hangs under a rule a native correlation counts")
        }
    }
}
