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
