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

    @Test func operationsFeedingANativeCorrelationAreLeftToWazuh() throws {
        let pack = try pack(["FileDownloaded,,T1213.002,,x,t", "UserLoginFailed,,T1110,,x,t"])
        #expect(!pack.rules.contains { $0.origin.key == "operation:FileDownloaded" })
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
