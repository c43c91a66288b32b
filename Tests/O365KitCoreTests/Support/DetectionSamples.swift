import Foundation
@testable import O365KitCore

/// The positive and negative sample records of one detection,
/// `mappings/detections/samples/<key>/{positive,negative}.jsonl`.
struct DetectionSamples {
    var positive: [AuditRecord]
    var negative: [AuditRecord]

    static let folder = repositoryRoot.appendingPathComponent("mappings/detections/samples")

    init(_ key: String) throws {
        let dir = Self.folder.appendingPathComponent(key)
        positive = try Self.read(dir.appendingPathComponent("positive.jsonl"))
        negative = try Self.read(dir.appendingPathComponent("negative.jsonl"))
    }

    static func read(_ url: URL) throws -> [AuditRecord] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try AuditRecord(data: Data($0.utf8)) }
    }
}

/// The project's own detections, loaded through the pipeline once.
enum ProjectDetections {
    static let generation: Generation? = {
        let project = try? TestProject()
        return project?.generate().0
    }()
}

extension Generation {
    /// o365kit's SPL for one Splunk rule: its own saved search, or, for a rule that only feeds
    /// a correlation, the filtering stages built the same way.
    func splunkFilterSearch(for key: String, _ detection: SigmaDetection) -> String {
        if let own = splunkSearches.first(where: { $0.key == key }) { return own.search }
        var condition = SPLCondition()
        let expression = condition.expression(detection.condition, detection)
        return "`o365kit_source`" + (condition.evals.isEmpty ? "" : " | eval " + condition.evals.joined(separator: ", ")) + " | where " + expression
    }
}
