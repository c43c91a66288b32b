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

/// A site keeps its own Sigma rules (a SigmaHQ checkout, say) beside the project's and passes
/// the folders in; subfolders are read, as SigmaHQ files rules by service.
@Suite struct SiteDetectionFolderTests {
    static let rule = """
        title: Transport Rule Removed
        id: 5a1e0c2b-7d3f-4e8a-9b6c-1d2e3f4a5b6c
        status: experimental
        description: A transport rule is removed.
        tags: [attack.defense-impairment, attack.t1562]
        logsource: {product: m365, service: audit}
        detection:
          selection:
            Operation: Remove-TransportRule
          condition: selection
        falsepositives: [Mail flow changes]
        level: medium

        """

    @Test func aSiteFolderIsBuiltBesideTheProjectsRules() throws {
        let root = try temporaryProject()
        let site = root.appendingPathComponent("site/cloud/m365/exchange")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data(Self.rule.utf8).write(to: site.appendingPathComponent("m365_transport_rule_removed.yml"))

        let build = try run("o365kit", ["build", "--detections", "site"], in: root)
        #expect(build.status == 0, "\(build.stderr)")
        let searches = try String(contentsOf: root.appendingPathComponent("output/splunk/o365kit/default/savedsearches.conf"), encoding: .utf8)
        #expect(searches.contains("[o365kit - Transport Rule Removed]"))
        let rules = try String(contentsOf: root.appendingPathComponent("output/wazuh/rules/9200-o365kit_detections.xml"), encoding: .utf8)
        #expect(rules.contains("Remove\\x2DTransportRule"))
        let lock = try String(contentsOf: root.appendingPathComponent("mappings/rules.lock.json"), encoding: .utf8)
        #expect(lock.contains("detection:m365_transport_rule_removed"))
    }

    @Test func oneKeyIsOneRuleAcrossFoldersAndAMissingFolderIsAnError() throws {
        let root = try temporaryProject()
        let site = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data(Self.rule.utf8).write(to: site.appendingPathComponent("collection_forwarding_configured.yml"))
        let duplicate = try run("o365kit", ["check", "--detections", "site"], in: root)
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("site/collection_forwarding_configured.yml:1:1: error: collection_forwarding_configured is also defined by mappings/detections/collection_forwarding_configured.yml; rename one of the files [duplicate-detection-key]"), "\(duplicate.stderr)")

        let missing = try run("o365kit", ["check", "--detections", "nowhere"], in: root)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nowhere: error: --detections nowhere is not a folder"))
    }
}

/// A deployment keeps its placeholder values outside the repository and passes them in.
@Suite struct DetectionEnvironmentCLITests {
    @Test func anEnvironmentFileReplacesTheCommittedOne() throws {
        let root = try temporaryProject()
        let site = root.appendingPathComponent("site-environment.yaml")
        // A site's copy of the committed file with its own domain and attacker address.
        let committed = try String(contentsOf: root.appendingPathComponent("mappings/environment.yaml"), encoding: .utf8)
        let own = committed.replacingOccurrences(of: "contoso.onmicrosoft.com", with: "example.onmicrosoft.org")
            .replacingOccurrences(of: "contoso.example", with: "example.org")
            .replacingOccurrences(of: "203.0.113.66", with: "192.0.2.200")
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("198.51.100.23") }.joined(separator: "\n")
        #expect(own != committed)
        try Data(own.utf8).write(to: site)
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
