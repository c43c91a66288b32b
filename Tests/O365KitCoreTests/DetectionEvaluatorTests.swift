import Foundation
import Testing
@testable import O365KitCore

/// The reference evaluator against every detection's own samples: a single-event rule
/// matches each positive record and no negative one; a correlation fires on the record
/// that completes its positive sequence and never on its negative sequence.
@Suite struct DetectionEvaluatorTests {
    static var keys: [String] { ProjectDetections.generation?.detections.rules.map(\.key) ?? [] }

    @Test func theProjectHasItsDetections() throws {
        let detections = try #require(ProjectDetections.generation).detections
        #expect(detections.rules.count >= 25)
        for rule in detections.rules {
            #expect(FileManager.default.fileExists(atPath: DetectionSamples.folder.appendingPathComponent(rule.key).path), "\(rule.key) has no samples")
            // A base rule feeds a correlation and alerts at no level of its own; nothing else does.
            #expect(rule.volume != nil, "\(rule.key) states no volume")
            #expect((rule.volume == .feeder) == (rule.level.value == .informational), "\(rule.key): feeder exactly when informational")
        }
        let volumes = DetectionVolumes(detections)
        #expect(volumes.groups.map(\.rules).reduce(0, +) == detections.rules.count)
        #expect(volumes.groups.map(\.volume) == volumes.groups.map(\.volume).sorted { DetectionVolume(rawValue: $0)! < DetectionVolume(rawValue: $1)! })
    }

    @Test(arguments: keys)
    func samplesMatchTheReferenceSemantics(key: String) throws {
        let detections = try #require(ProjectDetections.generation).detections
        let rule = try #require(detections.rule(key))
        let samples = try DetectionSamples(key)
        let evaluator = SigmaEvaluator(detections)
        #expect(!samples.positive.isEmpty && !samples.negative.isEmpty)
        switch rule.body {
        case .detection:
            for (i, record) in samples.positive.enumerated() { #expect(evaluator.matches(rule, record), "positive #\(i + 1) of \(key)") }
            for (i, record) in samples.negative.enumerated() { #expect(!evaluator.matches(rule, record), "negative #\(i + 1) of \(key)") }
        case .correlation:
            let fired = evaluator.replay(samples.positive)[key] ?? []
            #expect(fired == [samples.positive.count - 1], "\(key) fired on \(fired)")
            #expect((evaluator.replay(samples.negative)[key] ?? []).isEmpty)
        }
    }
}

/// A temporal correlation: every named rule within the timespan, per group, in any order.
@Suite struct TemporalCorrelationTests {
    @Test func temporalFiresWhenEveryRuleMatchedInTheWindow() throws {
        let project = try TestProject()
        try project.write("mappings/detections/credential_access_fail_then_success.yml", """
            title: Failed password and sign-in from one address
            id: 7a0c7c2e-1111-4a3b-9f2e-000000000009
            status: test
            description: Both within ten minutes.
            tags: [attack.t1110.001]
            level: high
            correlation:
              type: temporal
              rules: [credential_access_failed_password, initial_access_sign_in_base]
              group-by: [ClientIP]
              timespan: 10m
            o365kit:
              targets: [splunk]
              rationale: Test.

            """)
        try project.write("mappings/detections/initial_access_sign_in_base.yml", """
            title: Sign-in
            id: 7a0c7c2e-1111-4a3b-9f2e-00000000000a
            status: test
            description: Base.
            tags: [attack.t1078.004]
            level: informational
            logsource: {product: m365, service: audit}
            detection:
              selection:
                Operation: UserLoggedIn
              condition: selection
            o365kit:
              targets: [wazuh, splunk]
              rationale: Test.

            """)
        let (generation, diagnostics) = project.generate()
        let built = try #require(generation, "\(DiagnosticFormatter.text(diagnostics.sorted))")
        func record(_ op: String, _ ip: String, _ minute: Int, error: String? = nil) throws -> AuditRecord {
            var r: [String: Any] = ["Id": UUID().uuidString, "Operation": op, "ClientIP": ip, "RecordType": 15,
                                    "CreationTime": String(format: "2026-11-30T10:%02d:00", minute)]
            if let error { r["LogonError"] = error }
            return try AuditRecord(data: JSONSerialization.data(withJSONObject: r))
        }
        let evaluator = SigmaEvaluator(built.detections)
        let key = "credential_access_fail_then_success"
        // Success first, failure later: temporal is unordered.
        let fires = [try record("UserLoggedIn", "203.0.113.1", 0), try record("UserLoginFailed", "203.0.113.1", 5, error: "InvalidUserNameOrPassword")]
        #expect(evaluator.replay(fires)[key] == [1])
        let apart = [try record("UserLoggedIn", "203.0.113.1", 0), try record("UserLoginFailed", "203.0.113.1", 20, error: "InvalidUserNameOrPassword")]
        #expect(evaluator.replay(apart)[key] == [])
        let otherIP = [try record("UserLoggedIn", "203.0.113.1", 0), try record("UserLoginFailed", "203.0.113.2", 1, error: "InvalidUserNameOrPassword")]
        #expect(evaluator.replay(otherIP)[key] == [])
        let search = try #require(built.splunkSearches.first { $0.key == key }).search
        #expect(search.contains("| stats dc(o365kit_rule) as rule_count, values(o365kit_rule) as rules by _time, ClientIP | where rule_count >= 2"))
        // Wazuh cannot chain an unordered pair: declaring it is an error.
        try project.write("mappings/detections/credential_access_fail_then_success.yml",
                          try project.read("mappings/detections/credential_access_fail_then_success.yml").replacingOccurrences(of: "targets: [splunk]", with: "targets: [wazuh, splunk]"))
        let (_, refused) = project.generate()
        #expect(refused.sorted.filter { $0.severity == .error }.map(\.id) == ["wazuh-inexpressible"])
    }
}
