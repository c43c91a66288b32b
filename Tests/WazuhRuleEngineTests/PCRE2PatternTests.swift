import Testing
@testable import WazuhRuleEngine

@Suite("PCRE2")
struct PCRE2PatternTests {
    @Test("case-sensitive and unanchored by default")
    func defaults() throws {
        let p = try PCRE2Pattern("Add user\\.")
        #expect(p.matches("xx Add user. yy"))
        #expect(!p.matches("add user."))
        #expect(try PCRE2Pattern("(?i)^add user\\.$").matches("ADD USER."))
    }

    @Test("grouped alternation and byte escapes")
    func grouping() throws {
        let p = try PCRE2Pattern("^(?:50126|50053)$")
        #expect(p.matches("50053"))
        #expect(!p.matches("500530"))
        #expect(try PCRE2Pattern("a\\x3cb").matches("a<b"))
        #expect(try PCRE2Pattern("\\\"Value\\\":\\s*\\\"FullAccess\\\"").matches("\"Value\":\t\"FullAccess\""))
        #expect(try PCRE2Pattern("^Get-ComplianceSearchAction$").matches("Get-ComplianceSearchAction"))
        #expect(try PCRE2Pattern("^p\\|q$").matches("p|q"))
        #expect(try PCRE2Pattern("^Add user$").matches("Add user"))
    }

    @Test("compile errors carry PCRE2's message", arguments: ["(", "a{2,1}", "[b", "\\"])
    func errors(pattern: String) {
        #expect(throws: PatternError.self) { try PCRE2Pattern(pattern) }
    }
}
