import Testing
@testable import O365KitCore

/// Where rules hang in the native chain, and what they carry.
@Suite struct TranslateTests {
    func pack(_ rows: [String], logonErrors: [String]? = nil) throws -> WazuhPack {
        let project = try TestProject()
        try project.setOperations(rows)
        if let logonErrors { try project.setLogonErrors(logonErrors) }
        try project.removeLock()
        let (generation, diagnostics) = project.generate()
        return try #require(generation, "\(DiagnosticFormatter.text(diagnostics.sorted))").pack
    }

    func rule(_ pack: WazuhPack, _ key: String) throws -> WazuhRule {
        try #require(pack.rules.first { $0.origin.key == key })
    }

    @Test func operationWithANativeRuleRefinesItAtNoLowerLevel() throws {
        let pack = try pack(["Add user.,,T1136.003,4,x,t", "UserLoginFailed,,T1110,,x,t"])
        let rule = try rule(pack, "operation:Add user.")
        #expect(rule.parents == [91709])
        #expect(rule.level == 6)
        #expect(rule.fields.count == 1)
    }

    @Test func otherOperationsClaimFromTheRootButLeaveHigherRecordTypesAlone() throws {
        let pack = try pack(["UserLoginFailed,,T1110,,x,t"], logonErrors: [])
        let rule = try rule(pack, "operation:UserLoginFailed")
        #expect(rule.parents == [91531])
        #expect(rule.level == 7)
        let negated = try #require(rule.fields.first { $0.negate })
        #expect(negated.name == "office365.RecordType")
        // Native RecordType rules above level 7: ThreatIntelligence (28, level 12) and friends.
        #expect(negated.pattern == "^28$|^47$|^65$")
    }

    /// 91724 counts 91702 only where 91702 is the final match; a child of 91702 would starve
    /// it, so the pack carries the same correlation over its own child.
    @Test func operationsFeedingANativeCorrelationCarryItOverTheirOwnRule() throws {
        let pack = try pack(["FileDownloaded,,T1213.002,,x,t", "UserLoginFailed,,T1110,,x,t"])
        let child = try rule(pack, "operation:FileDownloaded")
        #expect(child.parents == [91702])
        #expect(child.mitre == ["T1213.002"])
        let copy = try #require(pack.rules.first { $0.correlation?.matchedSID == child.id })
        #expect(copy.level == 10)
        #expect(copy.correlation == NativeRuleIndex.Correlation(matchedSID: child.id, frequency: 100, timeframe: 60, ignore: 30,
                                                                sameFields: ["office365.UserId"], differentFields: []))
        #expect(copy.mitre == ["T1213.002"])
        #expect(copy.description.hasPrefix("Office 365: Suspicious download activity by user: $(office365.UserId)"))
        // An informational row still leaves the native rule alone.
        let informational = try self.pack(["FileDownloaded,,none,,x,t", "UserLoginFailed,,T1110,,x,t"])
        #expect(!informational.rules.contains { $0.origin.key == "operation:FileDownloaded" })
    }

    @Test func levelsBelowFourAreRaisedUnderTheNativeRoot() throws {
        let pack = try pack(["ListForms,,T1213,3,x,t", "UserLoginFailed,,T1110,,x,t"])
        #expect(try rule(pack, "operation:ListForms").level == 4)
    }

    @Test func logonErrorRulesRefineTheFailedLoginRule() throws {
        let pack = try pack(["UserLoginFailed,,T1110,,x,t"], logonErrors: ["IdsLocked,T1110,10,x,t", "KmsiInterrupt,none,,x,t"])
        let parent = try rule(pack, "operation:UserLoginFailed")
        let child = try rule(pack, "logon-error:IdsLocked")
        #expect(child.parents == [parent.id])
        #expect(child.level == 10)
        #expect(child.fields.map(\.pattern) == ["^IdsLocked$"])
        // A code with no adversary meaning lowers our own failed-login alert to informational.
        let routine = try rule(pack, "logon-error:KmsiInterrupt")
        #expect(routine.parents == [parent.id])
        #expect(routine.level == 3)
        let order = pack.rules.map(\.id)
        #expect(order.firstIndex(of: parent.id)! < order.firstIndex(of: child.id)!)
    }

    @Test func noTechniqueRowsRefineTheNativeAlertOfTheSameLevel() throws {
        let pack = try pack(["HeartBeat,,none,,keep-alive,t", "Send,,none,,routine mail,t", "UserLoginFailed,,T1110,,x,t"])
        let heartbeat = try rule(pack, "operation:HeartBeat")
        #expect(heartbeat.level == 3)
        #expect(heartbeat.mitre.isEmpty)
        #expect(heartbeat.groups == ["o365kit", "o365kit_informational"])
        // Under the catch-all and every level-3 RecordType rule (e.g. 91545, STS logons), never
        // under a louder one (91556, ThreatIntelligence, level 12).
        #expect(heartbeat.parents.first == 91532)
        #expect(heartbeat.parents.contains(91545))
        #expect(!heartbeat.parents.contains(91556))
        // An operation with its own native rule refines that rule at its level.
        let send = try rule(pack, "operation:Send")
        #expect(send.parents == [91707])
        #expect(send.level == 4)
    }

    @Test func groupsAndMitreComeFromTheCatalog() throws {
        let pack = try pack(["UserLoginFailed,,T1110.003;T1078.004,,x,t"])
        let rule = try rule(pack, "operation:UserLoginFailed")
        #expect(rule.mitre == ["T1110.003", "T1078.004"])
        #expect(rule.groups == ["o365kit", "initial-access", "persistence", "privilege-escalation", "defense-evasion", "credential-access"])
        #expect(rule.description.contains("T1110.003 Brute Force: Password Spraying"))
    }
}

/// Wazuh 4.x managers know ATT&CK v13.1 only (`wazuh.attack_ids`): newer ids would vanish from
/// alerts, so the pack carries the nearest known id and says so.
@Suite struct ManagerAttackCatalogTests {
    @Test func newerIdsBecomeTheirParentOrAGroupWithAWarning() throws {
        let project = try TestProject()
        let (built, diagnostics) = project.generate()
        let generation = try #require(built)
        let known = Set(try project.read("mappings/attack/wazuh-mitre-v13.1.csv").split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) })
        let mitre = generation.pack.rules.flatMap(\.mitre) + generation.wazuhDetections.rules.flatMap(\.mitre)
        #expect(!mitre.isEmpty)
        #expect(mitre.allSatisfy(known.contains), "\(Set(mitre).subtracting(known))")
        let warnings = diagnostics.sorted.filter { $0.id == "wazuh-mitre-substituted" }
        #expect(warnings.contains { $0.message.hasPrefix("T1213.005 is not in the manager's ATT&CK database") && $0.message.contains("carry its parent T1213") })
        #expect(warnings.contains { $0.message.hasPrefix("T1656 is not in the manager's ATT&CK database") && $0.message.contains("has no parent there") })
        #expect(warnings.allSatisfy { $0.location.path.hasSuffix(".csv") || $0.location.path.hasSuffix(".yml") })
        let substituted = try #require(generation.pack.rules.first { $0.groups.contains("attack_t1213.005") })
        #expect(substituted.mitre.contains("T1213"))
        #expect(substituted.description.contains("T1213.005"))
        // Splunk keeps the tables' ids.
        let lookup = try #require(generation.files.first { $0.path.hasSuffix("lookups/o365kit_operation_attack.csv") }).contents
        #expect(lookup.contains("T1213.005"))
    }

    @Test func withoutTheSettingTheTablesIdsStay() throws {
        let project = try TestProject()
        let settings = try project.read("mappings/o365kit.yaml")
        try project.write("mappings/o365kit.yaml", settings.replacingOccurrences(of: "  attack_ids: attack/wazuh-mitre-v13.1.csv\n", with: ""))
        let generation = try #require(project.generate().0)
        #expect(generation.pack.rules.contains { $0.mitre.contains("T1213.005") })
    }
}
