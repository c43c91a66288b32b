import Testing
@testable import WazuhRuleEngine

@Suite("OS_Regex")
struct OSRegexTests {
    private func matches(_ pattern: String, _ s: String) throws -> Bool {
        try OSRegex(pattern).matches(s)
    }

    @Test("an anchored operation name matches exactly, case-insensitively")
    func anchoredLiteral() throws {
        #expect(try matches("^Add user.$", "Add user."))
        #expect(try matches("^Add user.$", "add USER."))
        #expect(try !matches("^Add user.$", "Add users"))  // '.' is a literal dot
        #expect(try !matches("^Add user.$", "Add user.x"))
        #expect(try matches("^Get-ComplianceSearchAction$", "Get-ComplianceSearchAction"))
        #expect(try !matches("^Get-ComplianceSearchAction$", "Get-ComplianceSearchActions"))
        #expect(try matches("^Update user\\.$", "Update user!"))  // '\.' is any character
    }

    @Test("classes follow Wazuh's tables")
    func classes() throws {
        #expect(try matches("\\d+", "abc123"))
        #expect(try matches("^\\d+$", "15"))
        #expect(try !matches("^\\d+$", "15a"))
        #expect(try matches("^a\\sb$", "a b"))
        #expect(try !matches("^a\\sb$", "a\tb"))  // \s is a space only
        #expect(try matches("^a\\tb$", "a\tb"))
        #expect(try matches("^\\w+$", "user-1@contoso_x"))
        #expect(try !matches("^\\w+$", "a.b"))
        #expect(try matches("^\\p$", "|"))
        #expect(try !matches("^\\p$", "/"))
        #expect(try matches("^\\W$", "."))
        #expect(try matches("^\\S+$", "a.b"))
        #expect(try matches("^\\D\\D$", "ab"))
    }

    @Test("quantifiers act only after a class escape")
    func quantifiers() throws {
        #expect(try matches("^ab*c$", "ab*c"))
        #expect(try !matches("^ab*c$", "abbc"))
        #expect(try matches("^a+$", "a+"))
        #expect(try matches("^a\\s*b$", "ab"))
        #expect(try matches("^a\\s*b$", "a   b"))
        #expect(try matches("^\\w+ \\w+$", "hello world"))
        #expect(try matches("^\\d+\\d$", "12"))
    }

    @Test("anchors apply per alternative and elsewhere are literal")
    func anchors() throws {
        #expect(try matches("^SendAs|SendOnBehalf$", "SendAsX"))
        #expect(try matches("^SendAs|SendOnBehalf$", "XSendOnBehalf"))
        #expect(try !matches("^SendAs|SendOnBehalf$", "XSendAsX"))
        #expect(try matches("^x$y$", "x$y"))
        #expect(try matches("x$y", "ax$yb"))
        #expect(try matches("a^b", "a^b"))
        #expect(try matches("^p|q$", "p"))
        #expect(try matches("p|q", "xqx"))
        #expect(try !matches("^p|q$", "qx"))
        #expect(try matches("^a\\$$", "a$"))
        #expect(try matches("^a\\|b$", "a|b"))
    }

    @Test("parentheses capture and consume nothing")
    func parentheses() throws {
        #expect(try matches("^a(b)c$", "abc"))
        #expect(try !matches("^a(b)c$", "a(b)c"))
        #expect(try matches("^a\\(b\\)c$", "a(b)c"))
        #expect(try matches("^(\\d+)$", "42"))
    }

    @Test("names with spaces and punctuation")
    func spaces() throws {
        #expect(try matches("^Set-Mailbox$", "set-mailbox"))
        #expect(try matches("^Add member to role.$", "Add member to role."))
        #expect(try matches("^Update StsRefreshTokenValidFrom Timestamp.$", "Update StsRefreshTokenValidFrom Timestamp."))
        #expect(try !matches("^Add member to role.$", "Add member to group."))
    }

    @Test("stacked quantifiers on a long input stay fast")
    func noBlowUp() throws {
        let long = String(repeating: "a", count: 2000)
        #expect(try !matches("^\\w+\\w+\\w+\\w+\\w+\\w+x$", long))
        #expect(try matches("\\w+\\w+\\w+\\w+a", long))
    }

    @Test("an empty alternative never matches")
    func empty() throws {
        #expect(try !matches("", "anything"))
        #expect(try !matches("^$", ""))
        #expect(try matches("a|", "a"))
        #expect(try !matches("a|", "b"))
    }

    @Test("compile errors are exactly Wazuh's", arguments: [
        "\\+", "a\\*b", "\\&", "\\-", "a\\", "(a|b)", "((a))", "a)", "(a", "\\x3c",
    ])
    func compileErrors(pattern: String) {
        #expect(throws: PatternError.self) { try OSRegex(pattern) }
    }

    @Test("valid patterns compile", arguments: [
        "^Add user.$", "a(b)c", "x$y", "p|q", "(a)|(b)", "\\(\\)\\\\\\$\\|\\<", "[a]?{b}", "^$", "",
    ])
    func validPatterns(pattern: String) throws {
        _ = try OSRegex(pattern)
    }
}
