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
            #expect(WazuhPatternCheck.osRegexError(pattern) == nil)
        }
    }

    @Test func pcre2FallbackEscapesEveryNonAlphanumericByte() {
        #expect(PCRE2Literal.exact("a<b&c") == "(?i)^a\\x3Cb\\x26c$")
        #expect(PCRE2Literal.exact("–") == "(?i)^\\xE2\\x80\\x93$")
        #expect(WazuhPatternCheck.pcre2Error(PCRE2Literal.exact("a<b&c d.e")) == nil)
    }

    @Test func nativeOperationPatternsAreEvaluatedPerAlternative() {
        #expect(OSRegexLiteral.matches(pattern: "^Add user.$", "add user."))
        #expect(!OSRegexLiteral.matches(pattern: "^Add user.$", "Add user"))
        #expect(OSRegexLiteral.matches(pattern: "^SendAs|SendOnBehalf$", "SendAs"))
        #expect(OSRegexLiteral.matches(pattern: "^SendAs|SendOnBehalf$", "SendOnBehalf"))
        #expect(OSRegexLiteral.matches(pattern: "^SendAs|SendOnBehalf$", "SendAsX"))
        #expect(!OSRegexLiteral.matches(pattern: "^Send$", "SendAs"))
    }

    @Test func osRegexCompileErrorsAreCaught() {
        #expect(WazuhPatternCheck.osRegexError("^a\\+b$") != nil)
        #expect(WazuhPatternCheck.osRegexError("(a|b)") != nil)
        #expect(WazuhPatternCheck.osRegexError("^a(b$") != nil)
        #expect(WazuhPatternCheck.osRegexError("^\\d+$|^x\\.y$") == nil)
    }
}
