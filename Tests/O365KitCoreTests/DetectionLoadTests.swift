import Foundation
import Testing
@testable import O365KitCore

/// Bad detection definitions fail the build with a located message naming the construct.
@Suite struct DetectionLoadTests {
    static let valid = """
        title: Test rule
        id: 0b7d7c1e-8a43-4a3b-9f2e-6c1d2e3f4a5b
        status: test
        description: A test rule.
        tags:
          - attack.t1114.003
        level: medium
        logsource:
          product: m365
          service: audit
        detection:
          selection:
            Operation: Set-Mailbox
          condition: selection
        o365kit:
          targets: [wazuh, splunk]
          volume: rare
          rationale: Testing.

        """

    func diagnostics(for text: String, file: String = "collection_test_rule.yml") throws -> [String] {
        let project = try TestProject()
        try project.write("mappings/detections/\(file)", text)
        let (generation, diagnostics) = project.generate()
        #expect(generation == nil || !diagnostics.hasErrors)
        return diagnostics.sorted.filter { $0.severity == .error }.map { d in
            "\(d.location.path.split(separator: "/").last!):\(d.location.line):\(d.location.column): \(d.message) [\(d.id)]"
        }
    }

    @Test func aValidRuleLoads() throws {
        #expect(try diagnostics(for: Self.valid).isEmpty)
    }

    /// A rule as SigmaHQ writes it: no o365kit block, a free file name, metadata keys and tags
    /// o365kit does not use. It loads with warnings, for every target that can express it.
    static let sigmaHQShaped = """
        title: Mailbox Audit Bypass Enabled
        id: 0b7d7c1e-8a43-4a3b-9f2e-6c1d2e3f4a99
        name: audit_bypass
        status: experimental
        description: An audit bypass association is created.
        author: Someone
        date: 2026-08-01
        scope: [server]
        tags:
          - attack.stealth
          - attack.t1562.008
          - detection.threat-hunting
          - cve.2026-0001
          - vendor.custom
        logsource:
          product: m365
          service: audit
        detection:
          selection:
            Operation: Set-MailboxAuditBypassAssociation
            Parameters[AuditBypassEnabled]: 'True'
            workload: Exchange
          condition: selection
        falsepositives:
          - Service accounts
        level: high

        """

    @Test func aSigmaHQShapedRuleLoadsForEveryTargetWithWarningsOnly() throws {
        let project = try TestProject()
        try project.write("mappings/detections/microsoft365_audit_bypass.yml", Self.sigmaHQShaped)
        let (generation, diagnostics) = project.generate()
        let built = try #require(generation, "\(diagnostics.sorted.filter { $0.severity == .error })")
        let rule = try #require(built.detections.rule("microsoft365_audit_bypass"))
        #expect(!rule.targetsDeclared && rule.supports(.wazuh) && rule.supports(.splunk))
        #expect(rule.rationale == "An audit bypass association is created.")
        #expect(built.splunkSearches.contains { $0.key == rule.key })
        #expect(built.wazuhDetections.rules.contains { $0.detection == rule.key })
        let found = diagnostics.sorted.filter { $0.location.path.hasSuffix("microsoft365_audit_bypass.yml") }
        #expect(found.allSatisfy { $0.severity != .error })
        let ids = Set(found.map(\.id))
        for id in ["newer-attack-tag", "unknown-tag", "unknown-field"] { #expect(ids.contains(id), "\(id) missing: \(found)") }
        // The project's naming conventions bind only its own rules.
        #expect(ids.isDisjoint(with: ["detection-file-name", "detection-tactic-prefix"]), "\(found)")
        let field = try #require(found.first { $0.id == "unknown-field" })
        #expect(field.message.contains("'workload' is not a field") && field.message.contains("did you mean 'Workload'?"))
        #expect(field.location.line == 22)
        #expect(found.filter { $0.id == "unknown-tag" }.count == 1, "only vendor.custom is outside Sigma's namespaces")
    }

    /// SigmaHQ names placeholders in mixed case (`%HomeTenantID%`); a site defines them as written.
    @Test func placeholdersOfAnyCaseExpand() throws {
        let project = try TestProject()
        let rule = Self.sigmaHQShaped.replacingOccurrences(of: "    Operation: Set-MailboxAuditBypassAssociation\n",
                                                           with: "    Operation: Set-MailboxAuditBypassAssociation\n    OrganizationId|expand: '%HomeTenantID%'\n")
        #expect(rule.contains("%HomeTenantID%"))
        try project.write("mappings/detections/microsoft365_audit_bypass.yml", rule)
        let environment = try String(contentsOf: project.root.appendingPathComponent("mappings/environment.yaml"), encoding: .utf8)
        try project.write("mappings/environment.yaml", environment.replacingOccurrences(
            of: "vars:\n", with: "vars:\n  HomeTenantID:\n    - \"4a7c8238-5799-4e51-9b3b-1a4e5f8f2c10\"\n"))
        let (generation, diagnostics) = project.generate()
        let built = try #require(generation, "\(diagnostics.sorted.filter { $0.severity == .error })")
        let search = try #require(built.splunkSearches.first { $0.key == "microsoft365_audit_bypass" }).search
        #expect(search.contains("4a7c8238-5799-4e51-9b3b-1a4e5f8f2c10"))
    }

    @Test func theProjectsOwnRulesKeepItsNamingConvention() throws {
        let project = try TestProject()
        try project.write("mappings/detections/MailboxForwarding.yml", Self.valid)
        let (generation, diagnostics) = project.generate()
        #expect(generation != nil)
        let found = diagnostics.sorted.filter { $0.location.path.hasSuffix("MailboxForwarding.yml") }.map(\.id)
        #expect(found.contains("detection-file-name") && found.contains("detection-tactic-prefix"), "\(found)")
    }

    @Test func aDefaultTargetThatCannotExpressTheRuleIsANoteAndADeclaredOneAnError() throws {
        let noOperation = Self.sigmaHQShaped.replacingOccurrences(of: "    Operation: Set-MailboxAuditBypassAssociation\n", with: "")
        let project = try TestProject()
        try project.write("mappings/detections/microsoft365_audit_bypass.yml", noOperation)
        let (generation, diagnostics) = project.generate()
        #expect(generation != nil)
        #expect(diagnostics.sorted.contains { $0.id == "target-omitted" && $0.severity == .note && $0.message.contains("not rendered for Wazuh: a Wazuh rule needs a parent") })
        #expect(generation?.splunkSearches.contains { $0.key == "microsoft365_audit_bypass" } == true)

        let declared = noOperation + "o365kit:\n  targets: [wazuh, splunk]\n  rationale: Testing.\n"
        try project.write("mappings/detections/microsoft365_audit_bypass.yml", declared)
        let (again, errors) = project.generate()
        #expect(again == nil)
        #expect(errors.sorted.contains { $0.id == "wazuh-inexpressible" && $0.severity == .error })
    }

    @Test func aRuleForOtherDataIsRefusedWhereItsLogsourceSaysSo() throws {
        let azure = Self.sigmaHQShaped.replacingOccurrences(of: "  product: m365\n  service: audit", with: "  product: azure\n  service: signinlogs")
        let errors = try diagnostics(for: azure, file: "azure_rule.yml")
        #expect(errors == ["azure_rule.yml:16:3: logsource product 'azure' (signinlogs) is not Office 365 Management Activity data (product: m365), which is all o365kit reads; this rule would never fire [foreign-logsource]"])
    }

    @Test func correlationsNameTheirRulesByIdOrNameAsSigmaSays() throws {
        for reference in ["audit_bypass", "0b7d7c1e-8a43-4a3b-9f2e-6c1d2e3f4a99", "microsoft365_audit_bypass"] {
            let project = try TestProject()
            try project.write("mappings/detections/microsoft365_audit_bypass.yml", Self.sigmaHQShaped)
            try project.write("mappings/detections/microsoft365_audit_bypass_repeated.yml", """
                title: Audit Bypass Enabled Repeatedly
                id: 0b7d7c1e-8a43-4a3b-9f2e-6c1d2e3f4a98
                status: experimental
                description: Three audit bypasses by one user.
                tags: [attack.t1562.008]
                level: high
                correlation:
                  type: event_count
                  rules: [\(reference)]
                  group-by: [UserId]
                  timespan: 1h
                  condition: {gte: 3}

                """)
            let (generation, diagnostics) = project.generate()
            let built = try #require(generation, "\(reference): \(diagnostics.sorted.filter { $0.severity == .error })")
            let correlation = try #require(built.detections.rule("microsoft365_audit_bypass_repeated"))
            guard case .correlation(let c) = correlation.body else { Issue.record("not a correlation"); continue }
            #expect(c.rules.map(\.value) == ["microsoft365_audit_bypass"], "\(reference)")
            #expect(built.wazuhDetections.rules.contains { $0.detection == "microsoft365_audit_bypass_repeated" }, "\(reference)")
        }
    }

    /// SigmaHQ tags with ATT&CK v19's tactics; the bundled catalog is v18.1.
    @Test func aTacticOfANewerReleaseIsAWarningNamingTheImport() throws {
        let project = try TestProject()
        try project.write("mappings/detections/collection_test_rule.yml", Self.valid.replacingOccurrences(of: "  - attack.t1114.003", with: "  - attack.stealth\n  - attack.t1114.003\n  - attack.defense_impairment"))
        let (generation, diagnostics) = project.generate()
        #expect(generation != nil, "\(diagnostics.sorted)")
        let warnings = diagnostics.sorted.filter { $0.id == "newer-attack-tag" }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.message.contains("ATT&CK v19, newer than the catalog (Enterprise v18.1)") && $0.message.contains("o365kit attack import") })
        #expect(warnings.first?.location.line == 6)
    }

    @Test func anUnsupportedModifierIsALocatedError() throws {
        let text = Self.valid.replacingOccurrences(of: "    Operation: Set-Mailbox", with: "    Operation|base64offset|contains: Set-Mailbox")
        #expect(try diagnostics(for: text) == [
            "collection_test_rule.yml:13:5: modifier 'base64offset' is not supported (supported: contains, startswith, endswith, re, all, cidr, exists, expand, fieldref) [unsupported-sigma]",
        ])
    }

    @Test func anAggregationInTheConditionPointsAtItsColumn() throws {
        let text = Self.valid.replacingOccurrences(of: "condition: selection", with: "condition: selection | count() > 5")
        #expect(try diagnostics(for: text) == [
            "collection_test_rule.yml:14:24: aggregation pipes in conditions ('| count() …') are not supported; write a correlation rule [unsupported-sigma]",
        ])
    }

    @Test func keywordsWildcardsAndNullsAreRefused() throws {
        let keywords = Self.valid.replacingOccurrences(of: "    Operation: Set-Mailbox", with: "    - Set-Mailbox")
        #expect(try diagnostics(for: keywords).first?.hasSuffix("[unsupported-sigma]") == true)
        let wildcard = Self.valid.replacingOccurrences(of: "Operation: Set-Mailbox", with: "Operation: 'Set-*'")
        #expect(try diagnostics(for: wildcard) == ["collection_test_rule.yml:13:16: wildcards ('*', '?') in values are not supported; use contains, startswith or endswith [unsupported-sigma]"])
        let null = Self.valid.replacingOccurrences(of: "Operation: Set-Mailbox", with: "Operation: null")
        #expect(try diagnostics(for: null) == ["collection_test_rule.yml:13:16: null values are not supported; write 'Operation|exists: false' [unsupported-sigma]"])
    }

    @Test func volumeIsStatedFromItsListAndItsAbsenceIsAWarning() throws {
        let unknown = Self.valid.replacingOccurrences(of: "volume: rare", with: "volume: often")
        #expect(try diagnostics(for: unknown) == [
            "collection_test_rule.yml:17:11: unknown volume 'often'; expected one of: rare, occasional, noisy, feeder [bad-detection]",
        ])
        let project = try TestProject()
        try project.write("mappings/detections/collection_test_rule.yml", Self.valid.replacingOccurrences(of: "  volume: rare\n", with: ""))
        let (generation, diagnostics) = project.generate()
        #expect(generation != nil)
        #expect(diagnostics.sorted.filter { $0.id == "missing-volume" }.map { "\($0.location.line):\($0.location.column)" } == ["16:3"])
    }

    @Test func modifiedPropertiesAreReadByNameAndValueKey() throws {
        #expect(parseFieldRef("ModifiedProperties.StrongAuthenticationMethod.OldValue") ==
                FieldRef(path: ["ModifiedProperties"], kind: .namedEntry("StrongAuthenticationMethod", valueKey: "OldValue")))
        // Entry names hold dots; the value key is the last part.
        #expect(parseFieldRef("ModifiedProperties.Role.DisplayName.NewValue") ==
                FieldRef(path: ["ModifiedProperties"], kind: .namedEntry("Role.DisplayName", valueKey: "NewValue")))
        #expect(parseFieldRef("ModifiedProperties.NewValue") == FieldRef(path: ["ModifiedProperties"], kind: .entryKey("NewValue")))
        #expect(parseFieldRef("Parameters.ForwardTo") == FieldRef(path: ["Parameters"], kind: .namedEntry("ForwardTo", valueKey: "Value")))
        #expect(parseFieldRef("Parameters[ForwardTo]") == parseFieldRef("Parameters.ForwardTo"))
        #expect(parseFieldRef("ModifiedProperties.Role.DisplayName.NewValue")?.description == "ModifiedProperties.Role.DisplayName.NewValue")

        // A ModifiedProperties entry without NewValue/OldValue names no value.
        let bare = Self.valid.replacingOccurrences(of: "    Operation: Set-Mailbox", with: "    ModifiedProperties.StrongAuthenticationMethod: x")
        #expect(try diagnostics(for: bare) == [
            "collection_test_rule.yml:13:5: field name 'ModifiedProperties.StrongAuthenticationMethod' is not supported; use Field, Object.Field, Array.Key, Parameters.Name or ModifiedProperties.Name.NewValue|OldValue [unsupported-sigma]",
        ])
    }

    @Test func anUndefinedPlaceholderIsAnError() throws {
        let text = Self.valid.replacingOccurrences(of: "Operation: Set-Mailbox", with: "UserId|endswith|expand: '%partner_domains%'")
        let found = try diagnostics(for: text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("collection_test_rule.yml:13:29: placeholder '%partner_domains%' is not defined in ") == true)
        #expect(found.first?.hasSuffix("environment.yaml [undefined-placeholder]") == true)
    }

    @Test func tagsGoThroughTheCatalogChecks() throws {
        let revoked = Self.valid.replacingOccurrences(of: "attack.t1114.003", with: "attack.t1086")
        let found = try diagnostics(for: revoked)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("collection_test_rule.yml:6:5: technique T1086") == true)
        #expect(found.first?.contains("use T1059.001") == true)
        #expect(found.first?.hasSuffix("[revoked-technique]") == true)
        let unknown = Self.valid.replacingOccurrences(of: "attack.t1114.003", with: "attack.t9999")
        #expect(try diagnostics(for: unknown).first?.hasSuffix("[unknown-technique]") == true)
    }

    @Test func aCorrelationMustNameAnExistingRule() throws {
        let text = """
            title: Test correlation
            id: 1b7d7c1e-8a43-4a3b-9f2e-6c1d2e3f4a5b
            status: test
            description: A test correlation.
            tags: [attack.t1110]
            level: high
            correlation:
              type: event_count
              rules: [credential_access_no_such_rule]
              group-by: [UserId]
              timespan: 1h
              condition:
                gte: 3
            o365kit:
              targets: [splunk]
              rationale: Testing.

            """
        #expect(try diagnostics(for: text, file: "credential_access_test.yml") == [
            "credential_access_test.yml:9:11: correlation names 'credential_access_no_such_rule', which is no detection's id, name or file stem [unknown-correlated-rule]",
        ])
        let lt = text.replacingOccurrences(of: "rules: [credential_access_no_such_rule]", with: "rules: [credential_access_failed_password]").replacingOccurrences(of: "gte: 3", with: "lt: 3")
        #expect(try diagnostics(for: lt, file: "credential_access_test.yml").first?.contains(":13:5: correlation condition 'lt' is not supported") == true)
    }
}
