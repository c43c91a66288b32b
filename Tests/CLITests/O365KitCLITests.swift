import Foundation
import Testing

/// End-to-end: the real `o365kit` executable, its exit codes and what it prints.
@Suite struct O365KitCLITests {
    @Test func committedOutputIsCurrent() throws {
        let result = try run("o365kit", ["build", "--check"], in: repositoryRoot)
        #expect(result.status == 0, "output/ is stale; run `make pack` and commit:\n\(result.stderr)")
    }

    @Test func verboseBuildReportsEveryStage() throws {
        let result = try run("o365kit", ["build", "--check", "--verbose"], in: repositoryRoot)
        #expect(result.status == 0)
        let stages = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("stages: ") })
        for stage in ["load", "validate", "resolve", "translate", "render", "verify", "package"] {
            #expect(stages.contains("\(stage) "), "\(stage) missing from: \(stages)")
        }
    }

    @Test func helpShowsExamplesOnEveryCommand() throws {
        for command in [["--help"], ["build", "--help"], ["check", "--help"]] {
            let result = try run("o365kit", command, in: repositoryRoot)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Examples:"), "\(command)")
        }
    }

    @Test func collectorHelpShowsExamplesOnEveryCommand() throws {
        for command in [["--help"], ["run", "--help"], ["check-config", "--help"]] {
            let result = try run("o365-collector", command, in: repositoryRoot)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Examples:"), "\(command)")
        }
    }

    @Test func badUsageExits64() throws {
        let result = try run("o365kit", ["check", "--no-such-flag"], in: repositoryRoot)
        #expect(result.status == 64)
    }

    @Test func checkReportsEachProblemLocatedAndWritesNothing() throws {
        let root = try temporaryProject()
        let table = root.appendingPathComponent("mappings/operations.csv")
        var text = try String(contentsOf: table, encoding: .utf8)
        text += "Zz Typo,Exchange,T151,,seed-style typo,test\n"
        text += "Zz Revoked,Exchange,T1086,,revoked,test\n"
        text += "Zz Twice,Exchange,T1078,,dup,test\nZz Twice,Exchange,T1078,,dup,test\n"
        text += "Zz Clash,Exchange,T1078,,one,test\nZz Clash,Exchange,T1098,,two,test\n"
        try Data(text.utf8).write(to: table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1

        let check = try run("o365kit", ["check"], in: root)
        #expect(check.status == 1)
        let errors = check.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors == [
            "mappings/operations.csv:\(lines - 5):18: error: unknown technique 'T151': not in ATT&CK Enterprise v18.1 [unknown-technique]",
            "mappings/operations.csv:\(lines - 4):21: error: technique T1086 'PowerShell' is revoked in ATT&CK v18.1; use T1059.001 'Command and Scripting Interpreter: PowerShell' [revoked-technique]",
            "mappings/operations.csv:\(lines - 2):1: error: operation 'Zz Twice' is listed twice; delete this row [duplicate-row]",
            "mappings/operations.csv:\(lines):1: error: operation 'Zz Clash' is mapped twice with different values (techniques T1078 vs T1098); keep one row [conflicting-row]",
        ])
        #expect(check.stderr.contains("mappings/operations.csv:\(lines - 1):1: note: first operation 'Zz Clash' row is here"))

        let build = try run("o365kit", ["build"], in: root)
        #expect(build.status == 1)
        #expect(build.stderr.contains("nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
    }

    @Test func jsonReportIsMachineReadable() throws {
        let root = try temporaryProject()
        let table = root.appendingPathComponent("mappings/operations.csv")
        try Data((try String(contentsOf: table, encoding: .utf8) + "Zz,Exchange,T9999,,x,test\n").utf8).write(to: table)
        let result = try run("o365kit", ["check", "--format", "json"], in: root)
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 1)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first { $0["id"] as? String == "unknown-technique" })
        #expect((first["location"] as? [String: Any])?["path"] as? String == "mappings/operations.csv")
    }

    @Test func buildThenCheckThenDetectStaleness() throws {
        let root = try temporaryProject()
        try? FileManager.default.removeItem(at: root.appendingPathComponent("mappings/rules.lock.json"))
        let build = try run("o365kit", ["build"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("rule lock updated"))
        #expect(try run("o365kit", ["build", "--check"], in: root).status == 0)

        let rules = root.appendingPathComponent("output/wazuh/rules/9100-o365kit_mappings.xml")
        try Data("edited by hand\n".utf8).write(to: rules)
        let stale = try run("o365kit", ["build", "--check"], in: root)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("stale: output/wazuh/rules/9100-o365kit_mappings.xml: differs"))
        #expect(try String(contentsOf: rules, encoding: .utf8) == "edited by hand\n", "--check must not write")

        let rebuild = try run("o365kit", ["build", "--format", "json"], in: root)
        #expect(rebuild.status == 0)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(rebuild.stdout.utf8)) as? [String: Any])
        #expect(summary["changed"] as? [String] == ["wazuh/rules/9100-o365kit_mappings.xml"])
        #expect((summary["rules"] as? Int ?? 0) >= 151)
        // One shape whatever the outcome: ok, the findings (warnings too) and their counts.
        #expect(summary["ok"] as? Bool == true)
        #expect((summary["warnings"] as? Int ?? 0) > 0 && (summary["diagnostics"] as? [Any])?.isEmpty == false)
        try editFile(root, "mappings/o365kit.yaml") { $0.replacingOccurrences(of: "name: o365kit", with: "name: a/b") }
        let failed = try run("o365kit", ["build", "--format", "json"], in: root)
        #expect(failed.status == 1)
        let failure = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any])
        #expect(failure["ok"] as? Bool == false && failure["errors"] as? Int == 1)
        #expect((failure["diagnostics"] as? [[String: Any]])?.contains { $0["id"] as? String == "bad-settings" } == true, "\(failed.stdout.prefix(800))")
        #expect(Set(summary.keys).isSuperset(of: failure.keys), "the failure's keys are a subset of the success's")
    }

    @Test func buildWritesBothPackagesAndCheckCoversThem() throws {
        let root = try temporaryProject()
        #expect(try run("o365kit", ["build"], in: root).status == 0)
        let packages = root.appendingPathComponent("output/packages")
        let names = try FileManager.default.contentsOfDirectory(atPath: packages.path).sorted()
        #expect(names == ["SHA256SUMS", "o365kit-0.1.0.tgz", "o365kit-wazuh-0.1.0.tar.gz"])
        let sums = try String(contentsOf: packages.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        #expect(sums.split(separator: "\n").count == 2)

        let archive = packages.appendingPathComponent("o365kit-0.1.0.tgz")
        var bytes = try Data(contentsOf: archive)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: archive)
        let stale = try run("o365kit", ["build", "--check"], in: root)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("stale: output/packages/o365kit-0.1.0.tgz: differs"))
    }

    @Test func customFoldersAreHonoured() throws {
        let root = try temporaryProject()
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-out-\(UUID().uuidString)")
        let result = try run("o365kit", ["build", "--mappings", root.appendingPathComponent("mappings").path,
                                          "--templates", root.appendingPathComponent("templates").path, "--output", elsewhere.path], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("wazuh/rules/9100-o365kit_mappings.xml").path))
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("MANIFEST.json").path))
    }

    /// Help was wrapped twice: single words on lines of their own, examples split mid-line.
    @Test func helpFitsEightyColumnsWithoutOrphanWords() throws {
        for (tool, commands) in [("o365kit", [[], ["build"], ["check"], ["test"], ["diff"], ["deploy"], ["deploy", "wazuh"], ["attack"], ["attack", "import"]]),
                                 ("o365-collector", [[], ["run"], ["check-config"]])] {
            for command in commands {
                let help = try run(tool, command + ["--help"], in: repositoryRoot).stdout
                let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let prose = lines.prefix { !$0.hasPrefix("USAGE:") }
                #expect(prose.allSatisfy { $0.count <= 80 }, "\(tool) \(command): \(prose.filter { $0.count > 80 })")
                // The symptom of wrapping twice: one word on a line, and the paragraph goes on.
                let prose2 = Array(prose)
                let orphans = zip(prose2, prose2.dropFirst()).filter { line, next in
                    !line.isEmpty && !line.hasPrefix(" ") && !line.contains(" ") && !next.isEmpty && !next.hasPrefix(" ")
                }
                #expect(orphans.isEmpty, "\(tool) \(command): \(orphans.map(\.0))")
                // An example too long for the width is wrapped onto a line of its own.
                let examples = prose2.drop { $0 != "Examples:" }.dropFirst().prefix { !$0.isEmpty }
                #expect(examples.allSatisfy { $0.hasPrefix("  ") }, "\(tool) \(command): \(examples.filter { !$0.hasPrefix("  ") })")
            }
        }
    }
}

/// `o365kit check --events`: which operations of real records the tables do not cover.
@Suite struct CoverageCLITests {
    static let samples = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/o365-samples")

    @Test func unmappedOperationsAndBadLinesAreReported() throws {
        let root = try temporaryProject()
        let events = root.appendingPathComponent("events.jsonl")
        let lines = [
            #"{"Operation":"Add user.","RecordType":8,"Id":"1"}"#,
            #"{"integration":"office365","office365":{"Operation":"Brand-NewOperation","RecordType":1,"Id":"2"}}"#,
            #"{"Operation":"brand-newoperation","RecordType":1,"Id":"3"}"#,
            "not json",
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: events)
        let result = try run("o365kit", ["check", "--events", "events.jsonl"], in: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("events.jsonl:4:1: error: line is not a JSON object [bad-event]"))
        #expect(result.stderr.contains("unmapped: Brand-NewOperation (1 record)"))
        #expect(result.stderr.contains("unmapped: brand-newoperation (1 record)"))
        #expect(!result.stderr.contains("unmapped: Add user."))

        let json = try run("o365kit", ["check", "--events", "events.jsonl", "--format", "json"], in: root)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let coverage = try #require(object["coverage"] as? [String: Any])
        #expect((coverage["events"] as? [String: Any])?["records"] as? Int == 3)
        #expect((coverage["operations"] as? Int ?? 0) >= 121)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: samples.path), "needs ../shared/o365-samples beside the repository"))
    func everyOperationOfThePublicSamplesIsMappedOrMarked() throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: Self.samples.path).filter({ $0.hasSuffix(".jsonl") }).sorted() {
            let result = try run("o365kit", ["check", "--events", Self.samples.appendingPathComponent(file).path], in: repositoryRoot)
            #expect(result.status == 0, "\(file): \(result.stderr)")
            #expect(result.stderr.contains(", 0 not in the tables"), "\(file): \(result.stderr)")
        }
    }

}
