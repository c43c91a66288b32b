import Testing
@testable import WazuhRuleEngine

@Suite("OS_Match")
struct OSMatchTests {
    private func matches(_ pattern: String, _ s: String) throws -> Bool {
        try OSMatch(pattern).matches(s)
    }

    @Test("substring, prefix, suffix and equality, case-insensitive")
    func kinds() throws {
        #expect(try matches("user", "Add USER."))
        #expect(try matches("^add", "Add user."))
        #expect(try !matches("^user", "Add user."))
        #expect(try matches("user.$", "Add user."))
        #expect(try matches("^Add user.$", "add user."))
        #expect(try !matches("^Add user.$", "Add user.s"))
        #expect(try matches("^$", ""))
        #expect(try !matches("^$", "x"))
    }

    @Test("no escapes: a backslash is literal and '.' is literal")
    func noEscapes() throws {
        #expect(try !matches("a\\.b", "a.b"))
        #expect(try matches("a\\.b", "xa\\.by"))
        #expect(try !matches("a.b", "axb"))
    }

    @Test("alternatives and negation")
    func alternativesAndNegation() throws {
        #expect(try matches("p|q", "xq"))
        #expect(try matches("^SendAs$|^SendOnBehalf$", "SendOnBehalf"))
        #expect(try !matches("!Send", "SendAs"))
        #expect(try matches("!Send", "Receive"))
        #expect(try matches("a|", "zzz"))  // an empty alternative matches everything
    }

    @Test("names with spaces and special characters")
    func names() throws {
        #expect(try matches("Get-ComplianceSearchAction", "Get-ComplianceSearchAction"))
        #expect(try matches("a(b)c", "a(b)c"))
        #expect(try matches("x$y", "x$y"))
    }
}
