import Foundation
import Testing

/// What a hostile or careless pull request does to `check`, `build` and `diff`: a located,
/// actionable error and exit 1, never a crash or a misleading message.
@Suite struct BadInputTests {
    static let detection = "mappings/detections/collection_sharepoint_file_accessed.yml"

    /// 5,000 nested parentheses or 20,000 `not`s killed check, build and diff with SIGSEGV.
    @Test func aDeepOrHugeConditionIsALocatedErrorNotACrash() throws {
        for (condition, message) in [
            (String(repeating: "(", count: 40) + "selection" + String(repeating: ")", count: 40), ":20:46: error: condition nests more than 32 parentheses deep"),
            (String(repeating: "not ", count: 20_000) + "selection", ":20:14: error: condition is 80009 characters long; the limit is 4096"),
        ] {
            let project = try temporaryProject()
            try editFile(project, Self.detection) { $0.replacingOccurrences(of: "condition: selection", with: "condition: \(condition)") }
            for arguments in [["check"], ["build", "--output", project.appendingPathComponent("out").path],
                              ["diff", repositoryRoot.path, project.path, "--fail-on", "error"]] {
                let result = try run("o365kit", arguments, in: project)
                #expect(result.status == 1, "\(arguments[0]): \(result.stderr.suffix(500))")
                if arguments[0] != "diff" {
                    #expect(result.stderr.contains(Self.detection + message), "\(arguments[0]): \(result.stderr.prefix(800))")
                }
            }
        }
    }

    /// A tab in a detection was "detection file is empty" at 1:1, plus "no detection file" in
    /// the correlation that uses it; a duplicate key in o365kit.yaml printed the whole file.
    @Test func yamlSyntaxErrorsPointAtTheirLine() throws {
        let project = try temporaryProject()
        try editFile(project, Self.detection) { $0.replacingOccurrences(of: "  condition: selection", with: "\tcondition: selection") }
        let tab = try run("o365kit", ["check"], in: project)
        #expect(tab.status == 1)
        #expect(tab.stderr.contains(Self.detection + ":20:1: error: invalid YAML"), "\(tab.stderr)")
        #expect(!tab.stderr.contains("empty") && !tab.stderr.contains("no detection file"), "\(tab.stderr)")

        let settings = try temporaryProject()
        try editFile(settings, "mappings/o365kit.yaml") { $0 + "\npackage:\n  name: again\n" }
        let duplicate = try run("o365kit", ["check"], in: settings)
        #expect(duplicate.status == 1)
        let lines = try String(contentsOf: settings.appendingPathComponent("mappings/o365kit.yaml"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let second = lines.lastIndex { $0.hasPrefix("package:") }! + 1
        #expect(duplicate.stderr.contains("mappings/o365kit.yaml:\(second):1: error: duplicate key 'package' in one mapping [bad-yaml]"), "\(duplicate.stderr)")
        #expect(duplicate.stderr.split(separator: "\n").count < 5, "no file dump: \(duplicate.stderr)")
    }

    /// Settings and lock entries that were silently accepted.
    @Test func settingsAndLockThatWouldMisbuildAreRefused() throws {
        let key = "detection:collection_ediscovery_search_started_or_exported"
        for (file, from, to, message) in [
            ("mappings/o365kit.yaml", "credential-access: 7", "credential_access: 7",
             ":39:5: error: levels.tactics names 'credential_access', which is no ATT&CK tactic; did you mean 'credential-access'? [bad-settings]"),
            ("mappings/o365kit.yaml", "name: o365kit", "name: a/b",
             ":5:9: error: package.name 'a/b' is not a valid app id: a letter, then letters, digits, '.', '_' or '-' [bad-settings]"),
            ("mappings/rules.lock.json", "\"id\" : 103236", "\"id\" : 100001",
             ":LINE:1: error: rule id 100001 of '\(key)' is outside wazuh.rule_ids 103000–106099; restore the lock from git"),
            ("mappings/rules.lock.json", "\"id\" : 103236", "\"id\" : \"103236\"",
             ":LINE:1: error: the lock file is not valid: rules[\"\(key)\"].id: expected a number; restore it from git"),
        ] {
            let project = try temporaryProject()
            var message = message
            try editFile(project, file) { text in
                #expect(text.contains(from))
                // A lock finding is located at its key's line, which moves as keys are added.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if let i = lines.firstIndex(where: { $0.contains("\"\(key)\" :") }) {
                    message = message.replacingOccurrences(of: "LINE", with: String(i + 1))
                }
                return text.replacingOccurrences(of: from, with: to)
            }
            for command in ["check", "build"] {
                let result = try run("o365kit", [command, "--output", project.appendingPathComponent("out").path].prefix(command == "check" ? 1 : 3).map { $0 }, in: project)
                #expect(result.status == 1, "\(command) \(to): \(result.stderr.suffix(400))")
                #expect(result.stderr.contains(file + message), "\(command) \(to): \(result.stderr.prefix(600))")
            }
            #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("out").path), "nothing written")
        }
    }

    /// The documented csv-bom warning never fired (Foundation dropped the mark first); unsorted
    /// rows were accepted silently.
    @Test func aByteOrderMarkAndUnsortedRowsAreWarnedAbout() throws {
        let project = try temporaryProject()
        let url = project.appendingPathComponent("mappings/operations.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let moved = lines.remove(at: 2)
        lines.insert(moved, at: 5)
        try (Data([0xEF, 0xBB, 0xBF]) + Data(lines.joined(separator: "\n").utf8)).write(to: url)
        let result = try run("o365kit", ["check"], in: project)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("mappings/operations.csv:1:1: warning: file starts with a UTF-8 byte order mark"), "\(result.stderr)")
        let key = lines[5].hasPrefix("\"") ? String(lines[5].dropFirst().prefix { $0 != "\"" }) : String(lines[5].prefix { $0 != "," })
        #expect(result.stderr.contains("mappings/operations.csv:6:1: warning: '\(key)' comes after"), "\(result.stderr)")
    }

    /// A failed write rewrote the lock and part of output/ first, and printed a Cocoa dump; a
    /// stray file survived build and `build --check` said "0 stale".
    @Test func buildIsAllOrNothingAndOutputHoldsOnlyTheManifest() throws {
        let project = try temporaryProject()
        // A lock missing one entry: the build would write a new lock.
        let entry = "\"detection:collection_ediscovery_search_started_or_exported\" : {\n      \"id\" : 103236,\n      \"status\" : \"active\"\n    },\n"
        try editFile(project, "mappings/rules.lock.json") { text in
            #expect(text.contains(entry))
            return text.replacingOccurrences(of: entry, with: "")
        }
        let lock = try Data(contentsOf: project.appendingPathComponent("mappings/rules.lock.json"))
        let tooLong = project.appendingPathComponent(String(repeating: "o", count: 250)).path
        let failed = try run("o365kit", ["build", "--output", tooLong], in: project)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("error: cannot write") && failed.stderr.contains("output/ and the rule lock are unchanged"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("NSCocoaErrorDomain"))
        #expect(try Data(contentsOf: project.appendingPathComponent("mappings/rules.lock.json")) == lock)

        let built = try run("o365kit", ["build"], in: project)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try Data(contentsOf: project.appendingPathComponent("mappings/rules.lock.json")) != lock)
        try Data("<group name=\"x,\"></group>\n".utf8).write(to: project.appendingPathComponent("output/wazuh/rules/9999-stray.xml"))
        let check = try run("o365kit", ["build", "--check"], in: project)
        #expect(check.status == 1)
        #expect(check.stderr.contains("stale: output/wazuh/rules/9999-stray.xml: not generated"), "\(check.stderr)")
        #expect(try run("o365kit", ["build"], in: project).status == 0)
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("output/wazuh/rules/9999-stray.xml").path))
        #expect(try run("o365kit", ["build", "--check"], in: project).status == 0)
    }

    /// An attacker address with a typo turned the CDB list into a regex, silently.
    @Test func anInvalidAddressInAnIPListIsLocated() throws {
        let project = try temporaryProject()
        try editFile(project, "mappings/environment.yaml") { $0.replacingOccurrences(of: "\"198.51.100.23\"", with: "\"198.51.100.x\"") }
        let result = try run("o365kit", ["check"], in: project)
        #expect(result.status == 1)
        #expect(result.stderr.contains("mappings/environment.yaml:18:7: error: '198.51.100.x' in known_attacker_ips is not an IP address"), "\(result.stderr)")
    }
}
