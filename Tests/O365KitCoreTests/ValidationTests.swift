import Foundation
import Testing
@testable import O365KitCore

/// The checks of `o365kit check`, each proven on a table that breaks it.
@Suite struct ValidationTests {
    @Test func bundledTablesHaveNoErrors() throws {
        let project = try TestProject()
        let (generation, diagnostics) = project.generate()
        #expect(generation != nil ? true : false, "expected the build to succeed")
        #expect(!diagnostics.hasErrors, "\(DiagnosticFormatter.text(diagnostics.sorted))")
    }

    @Test func unknownRevokedDuplicateAndConflictAreEachReportedOnce() throws {
        let project = try TestProject()
        try project.setOperations([
            "Add user.,AzureActiveDirectory,T1136.003,,creates an account,test",
            "Typo,Exchange,T151,,seed-style typo,test",
            "Revoked,Exchange,T1086,,revoked id,test",
            "Add user.,AzureActiveDirectory,T1136.003,,creates an account,test",
            "UserLoginFailed,AzureActiveDirectory,T1110,,failed sign-in,test",
            "Conflict,Exchange,T1098,,first,test",
            "Conflict,Exchange,T1078,,second,test",
        ])
        let (generation, diagnostics) = project.generate()
        #expect(generation == nil ? true : false, "expected the build to fail")
        #expect(summary(diagnostics, root: project.root) == [
            "mappings/operations.csv:3:15: error: unknown-technique",
            "mappings/operations.csv:4:1: warning: unsorted-row",
            "mappings/operations.csv:4:18: error: revoked-technique",
            "mappings/operations.csv:5:1: error: duplicate-row",
            "mappings/operations.csv:8:1: error: conflicting-row",
        ])
        let revoked = try #require(diagnostics.sorted.first { $0.id == "revoked-technique" })
        #expect(revoked.message.contains("use T1059.001"))
        let conflict = try #require(diagnostics.sorted.first { $0.id == "conflicting-row" })
        #expect(conflict.notes.map(\.location.line) == [7])
    }

    @Test func revocationChainsAreFollowedToAnActiveTechnique() throws {
        let project = try TestProject()
        try project.setOperations(["UserLoginFailed,AzureActiveDirectory,T1073,,chain,test"])
        let (_, diagnostics) = project.generate()
        let message = try #require(diagnostics.sorted.first { $0.id == "revoked-technique" }).message
        #expect(message.contains("use T1574.001"))
    }

    @Test func malformedDeprecatedAndPlatformFindings() throws {
        let project = try TestProject()
        try project.setOperations([
            "A,,t1078,,lower case,test",
            "B,,T1064,,deprecated,test",
            "C,,T1083,,no cloud platform,test",
            "D,,T1098;T1098.003,,parent and sub,test",
            "UserLoginFailed,,T1110,,ok,test",
        ])
        let (_, diagnostics) = project.generate()
        #expect(summary(diagnostics, root: project.root) == [
            "mappings/operations.csv:2:4: error: malformed-technique-id",
            "mappings/operations.csv:3:4: warning: deprecated-technique",
            "mappings/operations.csv:4:4: warning: platform-mismatch",
            "mappings/operations.csv:5:4: warning: redundant-technique",
        ])
    }

    @Test func namesDifferingOnlyByCaseAreAmbiguous() throws {
        let project = try TestProject()
        try project.setOperations(["DlpRuleMatch,,T1213,,x,test", "DLPRuleMatch,,T1213,,y,test", "UserLoginFailed,,T1110,,ok,test"])
        let (_, diagnostics) = project.generate()
        #expect(summary(diagnostics, root: project.root) == ["mappings/operations.csv:3:1: error: ambiguous-key", "mappings/operations.csv:3:1: warning: unsorted-row"])
    }

    @Test func emptyCellsUnsafeNamesAndBadLevels() throws {
        let project = try TestProject()
        try project.setOperations([
            ",,T1078,,no name,test",
            "NoTechnique,,,,empty,test",
            " Padded,,T1078,,space,test",
            "Level,,T1078,17,too high,test",
            "NoSource,,T1078,,x,",
            "UserLoginFailed,,T1110,,ok,test",
        ])
        let (_, diagnostics) = project.generate()
        #expect(summary(diagnostics, root: project.root) == [
            "mappings/operations.csv:2:1: error: empty-cell",
            "mappings/operations.csv:3:14: error: empty-cell",
            "mappings/operations.csv:4:1: error: unsafe-name",
            "mappings/operations.csv:5:14: error: malformed-cell",
            "mappings/operations.csv:6:20: error: empty-cell",
        ])
    }

    @Test func aQuotedKeyMayKeepWhiteSpaceAtItsEnds() throws {
        let project = try TestProject()
        try project.setOperations(["\"Trailing \",,T1098.001,,the API value ends in a space,test", "UserLoginFailed,,T1110,,ok,test"])
        let (generation, diagnostics) = project.generate()
        #expect(!diagnostics.hasErrors, "\(DiagnosticFormatter.text(diagnostics.sorted))")
        let rule = try #require(generation?.pack.rules.first { $0.origin.key == "operation:Trailing " })
        #expect(rule.fields[0].pattern == "^Trailing $")
    }

    @Test func missingColumnAndMalformedCSV() throws {
        let project = try TestProject()
        try project.write("mappings/operations.csv", "operation,techniques,source\nX,T1078,test\n")
        try project.write("mappings/logon-errors.csv", "logon_error,techniques,rationale,source\nIdsLocked,\"T1110,x,test\n")
        let (generation, diagnostics) = project.generate()
        #expect(generation == nil ? true : false, "expected the build to fail")
        #expect(summary(diagnostics, root: project.root) == [
            "mappings/logon-errors.csv:2:11: error: malformed-csv",
            "mappings/operations.csv:1:1: error: missing-column",
        ])
    }

    @Test func logonErrorsNeedTheirParentOperation() throws {
        let project = try TestProject()
        try project.setOperations(["Add user.,,T1136.003,,x,test"])
        let (_, diagnostics) = project.generate()
        #expect(summary(diagnostics, root: project.root) == ["mappings/logon-errors.csv:2:1: error: missing-parent"])
    }

    @Test func missingRationaleIsAWarning() throws {
        let project = try TestProject()
        try project.setOperations(["UserLoginFailed,,T1110,,,test"])
        let (generation, diagnostics) = project.generate()
        #expect(generation != nil ? true : false, "expected the build to succeed")
        #expect(summary(diagnostics, root: project.root).contains("mappings/operations.csv:2:1: warning: missing-rationale"))
    }

    @Test func badSettingsAreLocated() throws {
        let project = try TestProject()
        var settings = try project.read("mappings/o365kit.yaml")
        settings = settings.replacingOccurrences(of: "profile: native", with: "profile: nativ")
        settings = settings.replacingOccurrences(of: "  default: 5", with: "  default: 5\n  colour: red")
        try project.write("mappings/o365kit.yaml", settings)
        let (generation, diagnostics) = project.generate()
        #expect(generation == nil ? true : false, "expected the build to fail")
        let lines = summary(diagnostics, root: project.root)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("mappings/o365kit.yaml:") && $0.hasSuffix("error: bad-settings") })
    }

    @Test func invalidYAMLPointsAtTheLine() throws {
        let project = try TestProject()
        try project.write("mappings/o365kit.yaml", "package:\n  name: [unclosed\n")
        let (_, diagnostics) = project.generate()
        let finding = try #require(diagnostics.sorted.first)
        #expect(finding.id == "bad-yaml")
        #expect(finding.location.line >= 2)
    }
}
