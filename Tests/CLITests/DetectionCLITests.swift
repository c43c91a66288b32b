import Foundation
import Testing

/// `o365kit check` and `build` report problems in detection definitions, located, and a
/// definition using a construct outside the supported subset fails the build.
@Suite struct DetectionCLITests {
    @Test func anUnsupportedConstructFailsCheckAndBuild() throws {
        let root = try temporaryProject()
        let file = root.appendingPathComponent("mappings/detections/credential_access_account_locked.yml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "    LogonError: IdsLocked\n", with: "    LogonError|windash: IdsLocked\n")
        try Data(text.utf8).write(to: file)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("windash") }! + 1

        let check = try run("o365kit", ["check"], in: root)
        #expect(check.status == 1)
        let errors = check.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.first == "mappings/detections/credential_access_account_locked.yml:\(line):5: error: modifier 'windash' is not supported (supported: contains, startswith, endswith, re, all, cidr, exists, expand, fieldref) [unsupported-sigma]")

        let build = try run("o365kit", ["build"], in: root)
        #expect(build.status == 1)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
    }

    @Test func aConstructWazuhCannotExpressMustDropTheTarget() throws {
        let root = try temporaryProject()
        let file = root.appendingPathComponent("mappings/detections/defense_evasion_mailbox_items_deleted_by_non_owner.yml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "targets: [splunk]", with: "targets: [wazuh, splunk]")
        try Data(text.utf8).write(to: file)
        let check = try run("o365kit", ["check"], in: root)
        #expect(check.status == 1)
        #expect(check.stderr.contains("error: 'fieldref' compares two fields of one event, which a Wazuh rule cannot do; remove wazuh from o365kit.targets or change the rule [wazuh-inexpressible]"))
    }
}

/// A deployment keeps its placeholder values outside the repository and passes them in.
@Suite struct DetectionEnvironmentCLITests {
    @Test func anEnvironmentFileReplacesTheCommittedOne() throws {
        let root = try temporaryProject()
        let site = root.appendingPathComponent("site-environment.yaml")
        try Data("""
            placeholders:
              internal_domains: ["@example.org"]
              known_attacker_ips: ["192.0.2.200"]
              trusted_networks: ["198.51.100.0/24"]

            """.utf8).write(to: site)
        let build = try run("o365kit", ["build", "--environment", site.path], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        let list = try String(contentsOf: root.appendingPathComponent("output/wazuh/lists/o365kit-known-attacker-ips"), encoding: .utf8)
        #expect(list == "192.0.2.200:known-attacker-ips\n")
        let searches = try String(contentsOf: root.appendingPathComponent("output/splunk/o365kit/default/savedsearches.conf"), encoding: .utf8)
        #expect(searches.contains(#"@example\\.org"#) && !searches.contains("contoso"))

        try Data("placeholders:\n  internal_domains: [\"@example.org\"]\n".utf8).write(to: site)
        let missing = try run("o365kit", ["check", "--environment", site.path], in: root)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("placeholder '%known_attacker_ips%' is not defined in site-environment.yaml [undefined-placeholder]"))
    }
}
