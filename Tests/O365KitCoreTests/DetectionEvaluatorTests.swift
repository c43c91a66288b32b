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
        }
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
