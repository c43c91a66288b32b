import Foundation
import Testing
import RealWazuhEngine
import WazuhRuleEngine
@testable import O365KitCore

/// The pack in Wazuh 4.14.7's own engine, installed as INSTALL says: it must load with no
/// loader message, pass every packaged test case, and agree with `WazuhRuleEngine` on every
/// event (the model is wrong wherever they differ).
@Suite(.enabled(if: RealWazuhEngine.isRequired, "the real Wazuh engine's sources (../shared/wazuh-engine) are not beside the repository"))
struct RealEngineTests {
    /// Every engine run happens off the cooperative pool (`offThePool`); results are checked here.
    func pack() async throws -> RealEnginePack { try #require(try await offThePool { try RealEnginePack.get() }) }

    @Test func thePackLoadsWithNoLoaderWarning() async throws {
        let pack = try await pack()
        let (test, messages) = try await offThePool { (try pack.engine.configurationTest(pack.home), try pack.engine.loaderMessages(pack.home)) }
        #expect(test.status == 0)
        #expect(test.lines.isEmpty, "wazuh-analysisd -t:\n\(test.lines.joined(separator: "\n"))")
        let problems = messages.filter { !$0.hasPrefix("INFO:") }
        #expect(problems.isEmpty, "\(problems.count) loader messages, e.g.\n\(problems.prefix(20).joined(separator: "\n"))")
    }

    @Test func everyGeneratedRuleIsLoaded() async throws {
        // analysisd does not list the rules it kept; a dropped rule always leaves a loader
        // warning, which the test above forbids. The model must keep every rule as well.
        let pack = try await pack()
        let generated = pack.generation.files.filter { $0.path.hasPrefix("wazuh/rules/") }
            .flatMap { file in file.contents.matches(of: /<rule id="(\d+)"/).map { Int($0.1)! } }
        let loaded = Set(generated.filter { pack.model.rule(id: $0) != nil })
        #expect(loaded.count == generated.count)
        #expect(pack.model.warnings.isEmpty, "\(pack.model.warnings)")
    }

    /// Wazuh's ruleset-test semantics (a fresh session per case, each loading the whole stock
    /// ruleset: about a second), by the shared runner, in two halves at once.
    @Test func everyPackagedTestCasePasses() async throws {
        let pack = try await pack()
        let ini = pack.packFolder.appendingPathComponent("tests/o365kit.ini")
        let text = try String(contentsOf: ini, encoding: .utf8)
        let sections = text.components(separatedBy: "\n[").dropFirst().map { "[" + $0 }
        let halves = [sections.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
                      sections.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)]
        let results = ConcurrentOutputs(count: halves.count)
        try await offThePool { DispatchQueue.concurrentPerform(iterations: halves.count) { index in
            let part = pack.packFolder.deletingLastPathComponent().appendingPathComponent("part\(index).ini")
            do {
                try Data(halves[index].joined(separator: "\n").utf8).write(to: part)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", pack.engine.shared.appendingPathComponent("run_ini.py").path, pack.engine.driver.path, pack.home.url.path, part.path]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                try process.run()
                let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                results.set(index, (process.terminationStatus, printed))
            } catch {
                results.set(index, (-1, "\(error)"))
            }
        } }
        var passed = 0
        for (status, printed) in results.values {
            #expect(status == 0, "\(printed.suffix(4000))")
            #expect(printed.contains("failed: 0"), "\(printed.suffix(4000))")
            passed += printed.firstMatch(of: /passed: (\d+)/).map { Int($0.1)! } ?? 0
        }
        #expect(passed == sections.count)

        // Every generated rule is the expected end of at least one case.
        let expected = Set(text.matches(of: /(?m)^rule = (\d+)$/).map { Int($0.1)! })
        let generated = pack.generation.files.filter { $0.path.hasPrefix("wazuh/rules/") }
            .flatMap { file in file.contents.matches(of: /<rule id="(\d+)"/).map { Int($0.1)! } }
        // Carried native correlations are replayed in theModelAgreesOnCorrelationSequences.
        let sequences = Set(pack.generation.wazuhSequenceCases.map(\.rule))
            .union(pack.generation.pack.rules.filter { $0.correlation != nil }.map(\.id))
        let uncovered = generated.filter { !expected.contains($0) && !sequences.contains($0) }
        // A rule that a detection rule refines in every record still has a case of its own:
        // Wazuh's trace must show it matched before the detection rule below it claimed the event.
        for id in uncovered {
            let section = try #require(sections.first { $0.hasPrefix("[o365kit rule \(id)]") }, "rule \(id) has no case at all")
            let log = String(try #require(section.firstMatch(of: /(?m)^log 1 pass = (.*)$/)).1)
            let response = try #require(try await offThePool { try pack.engine.logtest(pack.home, events: [log], sessions: .fresh, trace: true) }.first)
            #expect(response.rulesDebug.contains("*Rule \(id) matched"), "rule \(id) did not match in its own case")
            let child = try #require(response.rule?.id)
            #expect(pack.generation.wazuhDetections.rules.contains { $0.id == child }, "rule \(id)'s case ended at \(child), not at a detection rule")
        }
    }

    /// The packaged correlation cases (several events in one session) through the real engine.
    @Test func everyPackagedSequenceCasePasses() async throws {
        let pack = try await pack()
        #expect(!pack.generation.wazuhSequenceCases.isEmpty)
        for sequence in pack.generation.wazuhSequenceCases {
            let responses = try await offThePool { try pack.engine.logtest(pack.home, events: sequence.events, sessions: .shared) }
            let last = responses.last?.rule
            #expect(last?.id == sequence.rule && last?.level == sequence.level,
                    "\(sequence.name): expected rule \(sequence.rule) level \(sequence.level), Wazuh gave \(last.map { "rule \($0.id) level \($0.level)" } ?? "no rule")")
        }
    }

    @Test func theModelAgreesOnEveryDetectionFixture() async throws {
        let pack = try await pack()
        var disagreements: [String] = []
        for file in try jsonlFiles(below: repositoryRoot.appendingPathComponent("mappings/detections/samples")) {
            let events = try records(file).map { String(decoding: DecodedEvent.wrapping(record: Data($0.utf8)), as: UTF8.self) }
            let label = file.path.replacingOccurrences(of: repositoryRoot.path + "/", with: "")
            disagreements += try await offThePool { try pack.disagreements(events, label: label) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(20).joined(separator: "\n"))")
    }

    @Test func theModelAgreesOnEveryPublicSample() async throws {
        let pack = try await pack()
        let folder = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/o365-samples")
        let files = try jsonlFiles(below: folder)
        #expect(!files.isEmpty, "no samples in \(folder.path)")
        var disagreements: [String] = []
        var count = 0
        for file in files {
            // Each record alone, as runtests.py would, and the file in one session.
            let events = try records(file).map { String(decoding: DecodedEvent.wrapping(record: Data($0.utf8)), as: UTF8.self) }
            count += events.count
            let label = file.lastPathComponent
            disagreements += try await offThePool { try pack.disagreements(events, label: label) }
        }
        #expect(count >= 166)
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(count) disagree:\n\(disagreements.prefix(20).joined(separator: "\n"))")
    }

    @Test func theModelAgreesOnTenThousandGeneratedRecords() async throws {
        let pack = try await pack()
        var samples: [[String: Any]] = []
        for file in try jsonlFiles(below: repositoryRoot.appendingPathComponent("mappings/detections/samples")) {
            for line in try records(file) {
                if let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { samples.append(object) }
            }
        }
        var generator = GeneratedRecords(random: SeededGenerator(state: 20261207))
        let events = generator.events(10_000, generation: pack.generation, samples: samples)
        let disagreements = try await offThePool { try pack.disagreements(events, label: "seed 20261207") }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(events.count) disagree:\n\(disagreements.prefix(20).joined(separator: "\n"))")
    }

    /// Frequency, timeframe, same_field and different_field: each correlation's sequence as
    /// written, one event short, with the grouping field varied, and twice over.
    @Test func theModelAgreesOnCorrelationSequences() async throws {
        let pack = try await pack()
        var disagreements: [String] = []
        var sequences = 0
        for detection in pack.generation.detections.rules {
            guard case .correlation = detection.body else { continue }
            let folder = repositoryRoot.appendingPathComponent("mappings/detections/samples/\(detection.key)")
            let positive = try records(folder.appendingPathComponent("positive.jsonl")).map { String(decoding: DecodedEvent.wrapping(record: Data($0.utf8)), as: UTF8.self) }
            let variants: [(String, [String])] = [
                ("as written", positive),
                ("one short", Array(positive.dropLast())),
                ("twice", positive + positive),
                ("other user and IP", positive.enumerated().map { i, e in i % 2 == 0 ? e : e.replacingOccurrences(of: "@contoso.example", with: "@fabrikam.example").replacingOccurrences(of: "203.0.113.", with: "198.51.100.") }),
            ]
            for (name, events) in variants where !events.isEmpty {
                sequences += 1
                let label = "\(detection.key) \(name)"
                disagreements += try await offThePool { try pack.disagreements(events, label: label) }
            }
        }
        // Wazuh's own correlation: 91724 after 100 downloads (91702) by one user.
        let download = #"{"integration":"office365","office365":{"CreationTime":"2026-11-30T09:00:00","Id":"ID","Operation":"FileDownloaded","RecordType":6,"UserId":"alice@contoso.example","Workload":"SharePoint","ClientIP":"203.0.113.40","ObjectId":"https://contoso.sharepoint.com/sites/x/f.docx"}}"#
        let downloads = (1...101).map { download.replacingOccurrences(of: "\"ID\"", with: "\"\($0)\"") }
        disagreements += try await offThePool { try pack.disagreements(downloads, label: "91724 downloads") }
        // The pack refines 91702 with T1213.002 and carries 91724 over its own rule, so the
        // burst still alerts, at 91724's level, with the techniques.
        let carried = try #require(pack.generation.pack.rules.first { $0.correlation != nil && $0.origin.key == "operation:FileDownloaded" })
        let burst = try await offThePool { try pack.engine.logtest(pack.home, events: downloads, sessions: .shared) }
        let ends = burst.compactMap { response in response.rule }
        let alert = ends.first { $0.id == carried.id }
        #expect(alert != nil, "no event of the burst ended at \(carried.id)")
        #expect(alert?.level == 10)
        #expect(ends.first?.mitre == ["T1213.002"])
        #expect(sequences >= 5)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(20).joined(separator: "\n"))")
    }

    /// Enrichment is never lost: every mapped operation with techniques, on a record of each
    /// RecordType it really has (`record-types.csv`), ends in Wazuh's own engine with its
    /// techniques, and at no lower level than the native RecordType rule would have given.
    @Test func everyMappedOperationKeepsItsTechniquesOnEveryRealRecordType() async throws {
        let pack = try await pack()
        let project = pack.generation.project
        let rulesByID = Dictionary(pack.generation.pack.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var events: [String] = []
        var cases: [(operation: String, recordType: Int, key: String, floor: Int)] = []
        for mapping in project.operations {
            guard case .techniques = mapping.assignment, let real = project.recordTypes.recordTypes(of: mapping.operation.value) else { continue }
            for type in real {
                let n = cases.count
                var record: [String: Any] = [
                    "CreationTime": "2026-11-30T09:00:00", "Id": "00000000-0000-4000-8000-\(String(format: "%012d", n))",
                    "Operation": mapping.operation.value, "OrganizationId": "4a7c8238-5799-4e51-9b3b-1a4e5f8f2c10", "RecordType": type,
                    "ResultStatus": "Succeeded", "UserId": "user\(n)@contoso.example", "UserType": 0, "ClientIP": "203.0.113.40",
                ]
                if !mapping.workload.isEmpty { record["Workload"] = mapping.workload }
                let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                events.append(String(decoding: DecodedEvent.wrapping(record: data), as: UTF8.self))
                cases.append((mapping.operation.value, type, mapping.key, project.native.recordTypeRule(for: type)?.level ?? 0))
            }
        }
        #expect(cases.count >= 120)
        let lines = events
        let real = try await offThePool { try pack.engine.logtest(pack.home, events: lines, sessions: .shared) }
        var lost: [String] = []
        for (index, c) in cases.enumerated() {
            let rule = real[index].rule
            let ours = rule.flatMap { rulesByID[$0.id] }
            // A detection rule that refines the operation's rule also carries the record; the
            // mapping rule must be ours otherwise, with the row's techniques.
            let detection = rule.map { r in pack.generation.wazuhDetections.rules.contains { $0.id == r.id } } ?? false
            guard let rule, detection || ours?.origin.key == c.key, !rule.mitre.isEmpty || ours?.mitre.isEmpty == true else {
                lost.append("\(c.operation) RecordType \(c.recordType): ended at \(rule.map { "rule \($0.id) level \($0.level) mitre \($0.mitre)" } ?? "no rule")")
                continue
            }
            if rule.level < c.floor {
                lost.append("\(c.operation) RecordType \(c.recordType): rule \(rule.id) at level \(rule.level) silences the native level \(c.floor)")
            }
        }
        #expect(lost.isEmpty, "\(lost.count) of \(cases.count) operation × RecordType records lose their techniques or level:\n\(lost.prefix(40).joined(separator: "\n"))")
    }

    private func jsonlFiles(below folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
    }

    private func records(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

/// Results of concurrent workers, one slot each.
final class ConcurrentOutputs: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(Int32, String)]
    init(count: Int) { slots = Array(repeating: (-1, ""), count: count) }
    func set(_ index: Int, _ value: (Int32, String)) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [(Int32, String)] { lock.lock(); defer { lock.unlock() }; return slots }
}
