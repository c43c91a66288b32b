import Foundation
import Testing
@testable import O365KitCore
@testable import O365KitReview

/// Seeded mutation fuzzing of every reader a pull request feeds: the CSV reader and table
/// loaders, the YAML loaders (settings, environment, detections), the Sigma condition parser,
/// the rule lock and the events reader. Each case starts from a real input, applies a few
/// random edits (structural characters, deletions, duplications, swaps, control bytes,
/// invalid UTF-8) and must end without a crash, and with every problem a diagnostic located
/// in that input (its path, a line ≥ 1). A failure prints the seed and case to replay.
extension SeededGenerator {
    /// 0..<n (0 when n is 0).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}

@Suite struct FuzzTests {
    /// The differential test's SplitMix64 (`SeededGenerator`): the same sequence everywhere.
    typealias Random = SeededGenerator

    static let seed: UInt64 = 20_261_207
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Bytes that matter to the formats under test.
    static let alphabet: [[UInt8]] = ["\"", ",", "\n", "\r\n", ":", "-", " ", "\t", "{", "}", "[", "]", "(", ")", "|", "*", "%", "#", "'", "&", "!",
                                      "not ", " and ", " or ", "1 of ", "all of ", "them", "selection", "null", "~", "\\", "\u{FEFF}", "é", "103000"]
        .map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xE2, 0x82]]

    /// `input` with 1–4 random edits.
    static func mutate(_ input: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            let at = random.below(bytes.count + 1)
            switch random.below(5) {
            case 0: bytes.insert(contentsOf: alphabet[random.below(alphabet.count)], at: at)
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(40)))
            case 2:
                let end = min(bytes.count, at + 1 + random.below(200))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            case 3:
                let other = random.below(bytes.count + 1)
                let (a, b) = (min(at, other), max(at, other))
                if b > a { bytes[a..<b].reverse() }
            default:
                if !bytes.isEmpty { bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return bytes
    }

    /// Runs `body` on `cases` mutations of `input` written to a file named `name`.
    func fuzz(_ name: String, from input: Data, cases: Int, seed: UInt64 = seed,
              _ body: (URL, DiagnosticCollector) -> Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        var random = Random(state: seed)
        for index in 0..<cases {
            let bytes = Self.mutate(Array(input), &random)
            try Data(bytes).write(to: url)
            let diagnostics = DiagnosticCollector()
            let succeeded = body(url, diagnostics)
            let path = displayPath(url)
            let unlocated = diagnostics.diagnostics.filter { $0.location.path != path || $0.location.line < 1 }
            #expect(unlocated.isEmpty, "\(name) case \(index) (seed \(seed)): \(unlocated.prefix(3))")
            if !succeeded {
                #expect(diagnostics.hasErrors, "\(name) case \(index) (seed \(seed)): failed without an error")
            }
        }
    }

    static func file(_ path: String, lines: Int? = nil) throws -> Data {
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        guard let lines else { return data }
        return Data(String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).joined(separator: "\n").utf8)
    }

    @Test func csvTables() throws {
        try fuzz("operations.csv", from: try Self.file("mappings/operations.csv", lines: 30), cases: 3_000) { url, diagnostics in
            loadOperations(url, diagnostics: diagnostics) != nil
        }
        try fuzz("logon-errors.csv", from: try Self.file("mappings/logon-errors.csv", lines: 20), cases: 1_000) { url, diagnostics in
            loadLogonErrors(url, diagnostics: diagnostics) != nil
        }
    }

    @Test func yamlSettingsAndEnvironment() throws {
        try fuzz("o365kit.yaml", from: try Self.file("mappings/o365kit.yaml"), cases: 2_000) { url, diagnostics in
            loadSettings(url, diagnostics: diagnostics) != nil
        }
        try fuzz("environment.yaml", from: try Self.file("mappings/environment.yaml"), cases: 2_000) { url, diagnostics in
            loadDetectionEnvironment(url, diagnostics: diagnostics) != nil
        }
    }

    @Test func yamlDetections() throws {
        let diagnostics = DiagnosticCollector()
        let environment = try #require(loadDetectionEnvironment(Self.root.appendingPathComponent("mappings/environment.yaml"), diagnostics: diagnostics))
        for source in ["collection_sharepoint_mass_file_access.yml", "credential_access_lockouts_from_one_ip.yml", "collection_forwarding_configured.yml"] {
            try fuzz("collection_fuzzed_rule.yml", from: try Self.file("mappings/detections/" + source), cases: 1_000) { url, diagnostics in
                loadDetection(url, environment: environment, diagnostics: diagnostics) != nil
            }
        }
    }

    @Test func sigmaConditions() {
        let names = ["selection", "filter_a", "filter_b", "keywords"]
        let words = ["selection", "filter_a", "filter_*", "keywords", "and", "or", "not", "(", ")", "1", "all", "of", "them", "2", "near", "|", "count()", "x*y", "nope"]
        var random = Random(state: Self.seed)
        for index in 0..<5_000 {
            let text = (0..<(1 + random.below(12))).map { _ in words[random.below(words.count)] }.joined(separator: random.below(3) == 0 ? "" : " ")
            do {
                var parser = try SigmaConditionParser(text, selections: names)
                _ = try parser.parse()
            } catch {
                #expect((0...text.count).contains(error.offset), "case \(index): '\(text)' → \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func ruleLock() throws {
        try fuzz("rules.lock.json", from: try Self.file("mappings/rules.lock.json", lines: 60) + Data("\n  }\n}\n".utf8), cases: 3_000) { url, diagnostics in
            loadRuleLock(url, range: 103_000...106_099, diagnostics: diagnostics) != nil
        }
    }

    @Test func events() throws {
        let events = try Self.file("mappings/detections/samples/collection_forwarding_configured/positive.jsonl")
        try fuzz("events.jsonl", from: events, cases: 3_000) { url, diagnostics in
            let data = (try? Data(contentsOf: url)) ?? Data()
            _ = TestEventReader.read(data, path: displayPath(url), diagnostics: diagnostics)
            return true
        }
    }
}
