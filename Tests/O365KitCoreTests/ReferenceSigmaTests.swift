import Foundation
import Testing
@testable import O365KitCore

/// The reference Sigma toolchain judges the bundled detections (`sigma/run`: sigma-cli 3.1 and
/// pySigma 1.5 from PyPI in a venv under .build/, offline). `sigma check` finds no error and,
/// with the validators docs/sigma.md justifies left out, no issue; and pySigma's Splunk
/// conversion through the o365kit_splunk pipeline and mappings/environment.yaml keeps and drops
/// exactly the sample records o365kit's own SPL keeps and drops, both run through `SPLModel`.
@Suite(.serialized) struct ReferenceSigmaTests {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func sigma(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("sigma/run")
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        // stderr to a file, so neither stream can fill up and block the child.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// pySigma's Splunk queries of every detection, by key.
    static let converted: Result<[String: [String]], Error> = Result(catching: {
        let run = try sigma(["convert-json", "mappings/environment.yaml", "mappings/detections"])
        guard run.status == 0 else { throw SPLModel.Unsupported(description: "sigma/run convert-json exited \(run.status): \(run.stderr)") }
        return try JSONDecoder().decode([String: [String]].self, from: Data(run.stdout.utf8))
    })

    @Test func sigmaCheckFindsNothingOnTheBundledDetections() throws {
        let run = try Self.sigma(["check", "-c", "sigma/check.yml", "--fail-on-issues", "mappings/detections"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("Found 0 errors, 0 condition errors and 0 issues."), "\(run.stdout)")
    }

    @Test func pySigmaConvertsEveryDetection() throws {
        let queries = try Self.converted.get()
        let generation = try #require(ProjectDetections.generation)
        let keys = generation.detections.rules.filter { $0.supports(.splunk) }.map(\.key)
        #expect(keys.count >= 20)
        for key in keys { #expect(queries[key]?.count == 1, "\(key): \(queries[key] ?? [])") }
    }

    @Test(arguments: ProjectDetections.generation?.detections.rules.filter { $0.supports(.splunk) }.map(\.key) ?? [])
    func pySigmaAndO365kitGiveTheSameVerdicts(key: String) throws {
        let generation = try #require(ProjectDetections.generation)
        let rule = try #require(generation.detections.rule(key))
        let reference = try #require(try Self.converted.get()[key]?.first, "pySigma gave no query for \(key)")
        let samples = try DetectionSamples(key)
        guard case .detection(let detection) = rule.body else {
            let ours = try #require(generation.splunkSearches.first { $0.key == key }).search
            for (name, records) in [("positive", samples.positive), ("negative", samples.negative)] {
                let o = try SPLModel.rows(ours, records), p = try SPLModel.rows(reference, records)
                #expect((o > 0) == (p > 0), "\(key) \(name): o365kit \(o) rows, pySigma \(p)\n\(reference)")
            }
            #expect(try SPLModel.rows(reference, samples.positive) >= 1)
            return
        }
        let ours = generation.splunkFilterSearch(for: key, detection)
        for (expected, records) in [(true, samples.positive), (false, samples.negative)] {
            for (i, record) in records.enumerated() {
                let o = try SPLModel.keeps(ours, record), p = try SPLModel.keeps(reference, record)
                #expect(o == p, "\(key) \(expected ? "positive" : "negative") #\(i + 1): o365kit \(o), pySigma \(p)\n\(reference)")
                #expect(p == expected, "\(key) \(expected ? "positive" : "negative") #\(i + 1): pySigma \(p)")
            }
        }
    }
}

/// The `search` language model itself, on the points pySigma's output relies on.
@Suite struct SPLSearchModelTests {
    let fields: [String: [String]] = ["Operation": ["Set-Mailbox"], "kv": ["Identity=bob", "ForwardTo=eve@evil.example"], "ClientIP": ["10.1.2.3"]]

    @Test func orBindsTighterThanJuxtaposition() throws {
        // Splunk reads `a b OR c` as `a AND (b OR c)`.
        #expect(try SPLSearchModel.holds(#"Operation="New-InboxRule" kv="x" OR kv="ForwardTo=*""#, fields) == false)
        #expect(try SPLSearchModel.holds(#"Operation="Set-Mailbox" kv="x" OR kv="ForwardTo=*""#, fields))
    }

    @Test func multivalueAndMissingFields() throws {
        #expect(try SPLSearchModel.holds(#"kv="forwardto=*@EVIL.example""#, fields))
        #expect(try SPLSearchModel.holds(#"NOT Missing="x""#, fields))
        #expect(try SPLSearchModel.holds(#"Missing=*"#, fields) == false)
        #expect(try SPLSearchModel.holds(#"kv IN ("a", "Identity=b*")"#, fields))
    }

    @Test func cidrValuesAndEscapes() throws {
        #expect(try SPLSearchModel.holds(#"ClientIP IN ("192.0.2.0/24", "10.0.0.0/8")"#, fields))
        #expect(try SPLSearchModel.holds(#"ClientIP="10.0.0.0/16""#, fields) == false)
        #expect(try SPLSearchModel.holds(#"kv="Identity=b\*""#, fields) == false)
        #expect(throws: SPLModel.Unsupported.self) { try SPLSearchModel.holds("bareword", fields) }
    }

    @Test func wildcardsSpanLineBreaksAndRegexStagesFilter() throws {
        var multiline = fields
        multiline["kv"] = ["AvailableToOtherTenants=[\r\n  true\r\n]"]
        #expect(try SPLSearchModel.holds(#"kv="AvailableToOtherTenants=*true*""#, multiline))
        // `| regex` as pySigma writes it: the pattern's backslashes doubled in the SPL string.
        let record = try AuditRecord(data: Data(#"{"Operation":"New-InboxRule","ObjectId":"contoso\\bob\\..."}"#.utf8))
        #expect(try SPLModel.keeps(#"`o365kit_source` | search Operation="New-InboxRule" | regex ObjectId="\\\\[.]+$""#, record))
        #expect(try SPLModel.keeps(#"`o365kit_source` | search Operation="New-InboxRule" | regex ObjectId!="\\\\[.]+$""#, record) == false)
        #expect(try SPLModel.keeps(#"`o365kit_source` | search Operation="New-InboxRule" | regex ObjectId="^[a-z]+$""#, record) == false)
    }
}
