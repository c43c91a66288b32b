import Foundation
import Testing

/// `o365kit diff` end to end, on two real commits of a temporary git repository.
@Suite struct DiffCommandTests {
    static func git(_ arguments: [String], in root: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=o365kit test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"] + arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    /// A repository with the project's mappings as commit 1 and `edit` applied as commit 2.
    static func repository(_ edit: (URL) throws -> Void) throws -> URL {
        let root = try temporaryProject()
        try git(["init", "-q", "-b", "main"], in: root)
        try git(["add", "."], in: root)
        try git(["commit", "-q", "-m", "base"], in: root)
        try edit(root)
        try git(["add", "-A"], in: root)
        try git(["commit", "-q", "--allow-empty", "-m", "head"], in: root)
        return root
    }

    static func editTable(_ root: URL, _ name: String, _ change: (inout [String]) -> Void) throws {
        let url = root.appendingPathComponent("mappings/\(name)")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        change(&lines)
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
    }

    static func lockID(_ key: String, _ root: URL) throws -> Int {
        let lock = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("mappings/rules.lock.json"))) as? [String: Any]
        return try #require(((lock?["rules"] as? [String: Any])?[key] as? [String: Any])?["id"] as? Int)
    }

    @Test func remapShowsExactlyThatChangeWithTechniqueNames() throws {
        let root = try Self.repository { root in
            try Self.editTable(root, "operations.csv") { lines in
                let i = lines.firstIndex { $0.hasPrefix("Add member to group.,") }!
                lines[i] = lines[i].replacingOccurrences(of: "AzureActiveDirectory,T1098,", with: "AzureActiveDirectory,T1098.003,")
            }
        }
        let id = try Self.lockID("operation:Add member to group.", root)
        let result = try run("o365kit", ["diff", "HEAD~1", "HEAD"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            ## o365kit diff: `HEAD~1` → `HEAD`

            0 added, 0 removed, 1 remapped, 0 level change(s), 0 detection change(s); rule ids: 0 allocated, 0 retired; ATT&CK coverage: +0 / −0 technique-tactic pair(s); findings: 0 introduced, 0 resolved.

            ### Remapped

            | Kind | Key | Rule | Before | After |
            | --- | --- | --- | --- | --- |
            | operation | `Add member to group.` | \(id) | T1098 Account Manipulation (persistence, privilege-escalation) | T1098.003 Account Manipulation: Additional Cloud Roles (persistence, privilege-escalation) |

            """)
        // The working tree is the default head; base against itself is empty.
        let same = try run("o365kit", ["diff", "HEAD"], in: root)
        #expect(same.stdout.contains("No semantic change"), "\(same.stdout)\(same.stderr)")
    }

    @Test func addsRemovalsLevelsDetectionsCoverageAndFindings() throws {
        let root = try Self.repository { root in
            try Self.editTable(root, "operations.csv") { lines in
                lines.removeAll { $0.hasPrefix("Add device.,") }
                let i = lines.firstIndex { $0.hasPrefix("Update user.,") }!
                lines[i] = lines[i].replacingOccurrences(of: "AzureActiveDirectory,T1098,,", with: "AzureActiveDirectory,T1098,9,")
                lines.insert("Zz Export,Exchange,T1114.002,,,test", at: lines.count - 1)
            }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("mappings/detections"), withIntermediateDirectories: true)
            try Data("""
                title: Full sync of a OneDrive or SharePoint library
                id: 6f1c2d1e-0c55-4a53-9a43-1d1f3b1c2e10
                status: experimental
                description: A client synced a whole library down.
                tags:
                  - attack.t1530
                level: medium
                logsource:
                  product: m365
                  service: audit
                detection:
                  selection:
                    Operation: FileSyncDownloadedFull
                  condition: selection
                o365kit:
                  targets: [splunk]
                  volume: occasional
                  rationale: a test detection

                """.utf8).write(to: root.appendingPathComponent("mappings/detections/collection_full_library_sync.yml"))
        }
        let retiredID = try Self.lockID("operation:Add device.", root)
        let result = try run("o365kit", ["diff", "HEAD~1", "HEAD", "--format", "json"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let diff = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let added = try #require(diff["added"] as? [[String: Any]])
        #expect(added.map { $0["key"] as? String } == ["detection:collection_full_library_sync", "operation:Zz Export"])
        #expect((diff["removed"] as? [[String: Any]])?.map { $0["key"] as? String } == ["operation:Add device."])
        let changed = try #require(diff["changed"] as? [[String: Any]])
        // A detection under Update user. alerts at least at its parent's level, so it moves too.
        #expect(changed.map { $0["key"] as? String } == ["detection:persistence_mfa_method_registered", "operation:Update user."])
        #expect(changed.last?["levelAfter"] as? Int == 9)
        // The Splunk-only detection gets no Wazuh rule id, as in build.
        let allocated = try #require(diff["allocated"] as? [[String: Any]])
        #expect(allocated.map { $0["key"] as? String } == ["operation:Zz Export"])
        #expect((diff["retired"] as? [[String: Any]])?.map { $0["id"] as? Int } == [retiredID])
        let coverage = try #require(diff["coverage"] as? [[String: Any]])
        let collection = try #require(coverage.first { $0["tactic"] as? String == "collection" })
        // T1530 is new to the pack; T1114.002 was already covered by other rows.
        #expect((collection["gained"] as? [[String: Any]])?.map { $0["id"] as? String } == ["T1530"])
        let introduced = try #require(diff["introduced"] as? [[String: Any]])
        // The new row has no RecordType row yet, and the removed one's RecordType row is left over.
        #expect(introduced.map { $0["id"] as? String } == ["missing-rationale", "unknown-record-type", "record-type-unmapped"])
        #expect((introduced.first?["location"] as? String)?.hasPrefix("mappings/operations.csv:") == true)

        let gated = try run("o365kit", ["diff", "HEAD~1", "HEAD", "--fail-on", "removal"], in: root)
        #expect(gated.status == 1)
        #expect(gated.stdout.contains("| retired | \(retiredID) | `operation:Add device.` |"))
        #expect(gated.stdout.contains("| detection | `collection_full_library_sync` |"))
        #expect(try run("o365kit", ["diff", "HEAD~1", "HEAD", "--fail-on", "warning"], in: root).status == 1)
        #expect(try run("o365kit", ["diff", "HEAD~1", "HEAD", "--fail-on", "error"], in: root).status == 0)
    }

    @Test func detectionChangesListTheirFields() throws {
        let root = try Self.repository { root in
            try FileManager.default.createDirectory(at: root.appendingPathComponent("mappings/detections"), withIntermediateDirectories: true)
            try Data("title: Mass download\nthreshold: 100\n".utf8).write(to: root.appendingPathComponent("mappings/detections/collection_full_library_sync.yml"))
        }
        try Data("title: Mass download\nthreshold: 50\n".utf8).write(to: root.appendingPathComponent("mappings/detections/collection_full_library_sync.yml"))
        // Head defaults to the working tree; a folder side works the same way.
        let result = try run("o365kit", ["diff", "HEAD"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| threshold | `100` | `50` |"), "\(result.stdout)")
        let folder = try run("o365kit", ["diff", "HEAD", root.path], in: root)
        #expect(folder.stdout.contains("threshold"))
    }

    /// Swapping two keys' ids gave "No semantic change" even with --fail-on removal; deleting
    /// the lock re-ided every key without a word.
    @Test func ruleIDMovesAreReportedAndFailTheRemovalGate() throws {
        let first = "operation:Add device.", second = "operation:Add member to group."
        let root = try Self.repository { root in
            let url = root.appendingPathComponent("mappings/rules.lock.json")
            let a = try Self.lockID(first, root), b = try Self.lockID(second, root)
            let text = try String(contentsOf: url, encoding: .utf8)
                .replacingOccurrences(of: "\"id\" : \(a),", with: "\"id\" : SWAP,")
                .replacingOccurrences(of: "\"id\" : \(b),", with: "\"id\" : \(a),")
                .replacingOccurrences(of: "\"id\" : SWAP,", with: "\"id\" : \(b),")
            try Data(text.utf8).write(to: url)
        }
        let a = try Self.lockID(second, root), b = try Self.lockID(first, root)
        let swapped = try run("o365kit", ["diff", "HEAD~1", "HEAD", "--fail-on", "removal"], in: root)
        #expect(swapped.status == 1, "\(swapped.stdout)")
        #expect(swapped.stdout.contains("**2 moved**"))
        #expect(swapped.stdout.contains("| `\(first)` | \(a) | \(b) |") && swapped.stdout.contains("| `\(second)` | \(b) | \(a) |"), "\(swapped.stdout)")

        try FileManager.default.removeItem(at: root.appendingPathComponent("mappings/rules.lock.json"))
        let deleted = try run("o365kit", ["diff", "HEAD", "--fail-on", "removal", "--format", "json"], in: root)
        #expect(deleted.status == 1)
        let moved = (try JSONSerialization.jsonObject(with: Data(deleted.stdout.utf8)) as? [String: Any])?["moved"] as? [Any]
        #expect((moved?.count ?? 0) > 200, "a deleted lock re-ids the keys: \(moved?.count ?? 0) moved")
    }

    /// diff allocated ids for Splunk-only detections, which build never writes, and an
    /// unrelated error on head showed every detection id as retired.
    @Test func ruleIDsAreResolvedAsBuildResolvesThem() throws {
        let root = try Self.repository { root in
            let url = root.appendingPathComponent("mappings/detections/credential_access_splunk_only_probe.yml")
            try Data("""
                title: Splunk only probe
                id: 9f0c6a43-4c2e-4d7e-9a55-0f3b0f6f7d21
                status: experimental
                description: A detection only Splunk runs.
                level: medium
                tags:
                  - attack.credential-access
                  - attack.t1110
                logsource:
                  product: m365
                  service: audit
                detection:
                  selection:
                    Operation: UserLoginFailed
                  condition: selection
                o365kit:
                  targets: [splunk]
                  rationale: Probe.

                """.utf8).write(to: url)
        }
        let added = try run("o365kit", ["diff", "HEAD~1", "HEAD", "--format", "json"], in: root)
        let object = try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any]
        #expect((object?["allocated"] as? [Any])?.isEmpty == true, "\(added.stdout.prefix(2000))\(added.stderr)")

        // An error elsewhere on head (an unknown technique) retires nothing.
        try Self.editTable(root, "operations.csv") { lines in
            let i = lines.firstIndex { $0.hasPrefix("Add member to group.,") }!
            lines[i] = lines[i].replacingOccurrences(of: ",T1098,", with: ",T9999,")
        }
        let broken = try run("o365kit", ["diff", "HEAD", "--fail-on", "removal", "--format", "json"], in: root)
        let report = try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any]
        #expect((report?["retired"] as? [Any])?.isEmpty == true, "\(broken.stdout.prefix(2000))")
        #expect(broken.status == 0, "no removal: \(broken.stderr)")
        // …and the unknown id is no coverage gained.
        let coverage = (report?["coverage"] as? [[String: Any]]) ?? []
        #expect(!coverage.contains { ($0["gained"] as? [Any])?.contains { "\($0)".contains("T9999") } == true }, "\(coverage)")
    }

    @Test func unknownSideIsUsageError() throws {
        let root = try Self.repository { _ in }
        let result = try run("o365kit", ["diff", "no-such-rev"], in: root)
        #expect(result.status == 64)
        #expect(result.stderr.contains("no-such-rev: not a folder, and not a git revision"))
    }
}
