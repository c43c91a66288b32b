import Foundation
import Testing
@testable import O365KitCore

/// The records the project proves its rules on carry RecordTypes the operations really have
/// (`mappings/record-types.csv`), so a rule that only works on a RecordType real records never
/// have cannot pass its tests. The MailItemsAccessed fixtures once used RecordType 2; real
/// records are 50, and the technique was lost on every one of them.
@Suite struct RecordTypeTests {
    static var table: RecordTypeTable { ProjectDetections.generation!.project.recordTypes }

    /// Records whose Operation has a row but whose RecordType is not in it.
    static func misplaced(_ lines: [Substring], label: String) throws -> [String] {
        var out: [String] = []
        for (index, line) in lines.enumerated() {
            guard var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if let inner = object["office365"] as? [String: Any] { object = inner }
            guard let operation = object["Operation"] as? String, let type = object["RecordType"] as? Int,
                  let real = table.recordTypes(of: operation), !real.contains(type) else { continue }
            out.append("\(label) #\(index + 1): \(operation) with RecordType \(type); it arrives as \(real)")
        }
        return out
    }

    @Test func everyMappedOperationHasARow() throws {
        let project = try #require(ProjectDetections.generation).project
        let missing = project.operations.filter { Self.table.recordTypes(of: $0.operation.value) == nil }.map(\.operation.value)
        #expect(missing.isEmpty, "no RecordType row: \(missing)")
        #expect(Self.table.recordTypes(of: "MailItemsAccessed") == [50])
    }

    @Test func everySampleRecordHasARealRecordType() throws {
        let folder = repositoryRoot.appendingPathComponent("mappings/detections/samples")
        var out: [String] = []
        for key in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            for kind in ["positive", "negative"] {
                let url = folder.appendingPathComponent("\(key)/\(kind).jsonl")
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                out += try Self.misplaced(text.split(separator: "\n"), label: "samples/\(key)/\(kind).jsonl")
            }
        }
        #expect(out.isEmpty, "\(out.joined(separator: "\n"))")
    }

    @Test func everyPackagedTestCaseHasARealRecordType() throws {
        let generation = try #require(ProjectDetections.generation)
        let ini = try #require(generation.files.first { $0.path == "wazuh/tests/o365kit.ini" }).contents
        let logs = ini.split(separator: "\n").compactMap { line -> Substring? in
            guard line.hasPrefix("log "), let eq = line.range(of: " = ") else { return nil }
            return line[eq.upperBound...]
        }
        #expect(logs.count >= 200)
        let out = try Self.misplaced(logs, label: "o365kit.ini case")
        #expect(out.isEmpty, "\(out.joined(separator: "\n"))")
    }
}
