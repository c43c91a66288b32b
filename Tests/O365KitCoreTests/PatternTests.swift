import Testing
@testable import O365KitCore

@Suite struct PatternTests {
    @Test(arguments: [
        ("Add user.", "^Add user.$"),
        ("Get-ComplianceSearchAction", "^Get-ComplianceSearchAction$"),
        ("Set (x)", "^Set \\(x\\)$"),
        ("Pay$Day", "^Pay\\$Day$"),
        ("A|B", "^A\\|B$"),
        ("Update application – Certificates", nil),
        ("a<b", nil),
        ("x*y", nil),
        ("back\\slash", nil),
    ] as [(String, String?)])
    func osRegexLiteral(name: String, expected: String?) {
        #expect(OSRegexLiteral.exact(name) == expected)
        if let pattern = expected {
            #expect(WazuhPatternCheck.error(type: "osregex", pattern: pattern) == nil)
        }
    }

    @Test func pcre2FallbackEscapesEveryNonAlphanumericByte() {
        #expect(PCRE2Literal.exact("a<b&c") == "(?i)^a\\x3Cb\\x26c$")
        #expect(PCRE2Literal.exact("–") == "(?i)^\\xE2\\x80\\x93$")
        #expect(WazuhPatternCheck.error(type: "pcre2", pattern: PCRE2Literal.exact("a<b&c d.e")) == nil)
    }

    @Test func nativeOperationRulesAreFoundWithOSRegexSemantics() throws {
        let project = try TestProject()
        let native = try #require(project.generate().0).project.native
        #expect(native.operationRule(for: "Add user.")?.id == 91709)
        #expect(native.operationRule(for: "add USER.")?.id == 91709)
        #expect(native.operationRule(for: "Add user")?.id == nil)
        // 91708 is `^SendAs|SendOnBehalf$`: "starts with SendAs" or "ends with SendOnBehalf".
        #expect(native.operationRule(for: "SendAs")?.id == 91708)
        #expect(native.operationRule(for: "SendOnBehalf")?.id == 91708)
        #expect(native.operationRule(for: "Send")?.id == 91707)
    }

    @Test func generatedPatternsCompileWhereWazuhWould() {
        #expect(WazuhPatternCheck.error(type: "osregex", pattern: "^a\\+b$") != nil)
        #expect(WazuhPatternCheck.error(type: "osregex", pattern: "(a|b)") != nil)
        #expect(WazuhPatternCheck.error(type: "pcre2", pattern: "(?i)^a(") != nil)
        #expect(WazuhPatternCheck.error(type: "osregex", pattern: "^\\d+$|^x\\.y$") == nil)
        #expect(WazuhPatternCheck.error(type: "regex", pattern: "x") != nil)
    }
}
