import Foundation
import Testing
@testable import O365KitCore

/// Condition parsing (precedence, `1 of`/`all of`), CIDR blocks, and the DNF that Wazuh
/// rules are built from.
@Suite struct SigmaConditionTests {
    func parse(_ text: String, _ names: [String] = ["a", "b", "c", "filter_1", "filter_2"]) throws -> SigmaCondition {
        var parser = try SigmaConditionParser(text, selections: names)
        return try parser.parse()
    }

    @Test func notBindsTighterThanAndTighterThanOr() throws {
        #expect(try parse("a or not b and c") == .or([.selection("a"), .and([.not(.selection("b")), .selection("c")])]))
        #expect(try parse("(a or b) and c") == .and([.or([.selection("a"), .selection("b")]), .selection("c")]))
        #expect(try parse("a and not 1 of filter_*") == .and([.selection("a"), .not(.or([.selection("filter_1"), .selection("filter_2")]))]))
        #expect(try parse("all of filter_*") == .and([.selection("filter_1"), .selection("filter_2")]))
        #expect(try parse("1 of them", ["x", "y"]) == .or([.selection("x"), .selection("y")]))
    }

    @Test func errorsPointAtTheToken() {
        func offset(_ text: String) -> Int? {
            do {
                var parser = try SigmaConditionParser(text, selections: ["a", "b", "c", "filter_1", "filter_2"])
                _ = try parser.parse()
                return nil
            } catch {
                return error.offset
            }
        }
        #expect(offset("a and nope") == 6)
        #expect(offset("a and (b or c") == 13)
        #expect(offset("2 of filter_*") == 0)
        #expect(offset("a near b") == 2)
        #expect(offset("1 of zz*") == 5)
    }

    /// 5,000 parentheses or 20,000 `not`s crashed check, build and diff (stack overflow).
    @Test func deepOrLongConditionsAreRefusedWithTheLimit() throws {
        let deep = String(repeating: "(", count: 5_000) + "a" + String(repeating: ")", count: 5_000)
        #expect(throws: SigmaConditionParser.Failure.self) { try parse(deep) }
        let nested = failure(String(repeating: "(", count: 40) + "a" + String(repeating: ")", count: 40))
        #expect(nested?.message == "condition nests more than 32 parentheses deep")
        #expect(nested?.offset == 32)
        #expect(try parse(String(repeating: "(", count: 32) + "a" + String(repeating: ")", count: 32)) == .selection("a"))
        #expect(try parse(String(repeating: "not ", count: 1_000) + "a") == .selection("a"))
        #expect(try parse(String(repeating: "not ", count: 1_001) + "a") == .not(.selection("a")))
        #expect(failure(String(repeating: "not ", count: 20_000) + "a")?.message == "condition is 80001 characters long; the limit is 4096")
    }

    func failure(_ text: String) -> SigmaConditionParser.Failure? {
        do {
            var parser = try SigmaConditionParser(text, selections: ["a"])
            _ = try parser.parse()
            return nil
        } catch {
            return error
        }
    }

    @Test func cidrBlocks() throws {
        let v4 = try #require(CIDR("192.0.2.0/25"))
        #expect(v4.contains("192.0.2.127") && !v4.contains("192.0.2.128"))
        #expect(!v4.contains("192.0.2.1:5555"), "an address with a port is not an address")
        let v6 = try #require(CIDR("2001:db8::/32"))
        #expect(v6.contains("2001:db8:1::5") && !v6.contains("2001:db9::1") && !v6.contains("192.0.2.1"))
        #expect(CIDR("10.0.0.0/33") == nil && CIDR("nonsense") == nil)
        // The Wazuh pattern accepts exactly the block.
        let pattern = try PCRE2Check("^(?:" + WazuhDetectionPatterns.ipv4Pattern(try #require(CIDR("10.16.0.0/12"))) + ")$")
        #expect(pattern.matches("10.31.255.1") && pattern.matches("10.16.0.0"))
        #expect(!pattern.matches("10.32.0.1") && !pattern.matches("10.15.0.1") && !pattern.matches("10.16.0.1:80"))
    }

    @Test func negationSplitsIntoPresentAndAbsent() throws {
        let test = FieldTest(field: FieldRef(path: ["ClientIP"], kind: .plain), match: .equals, all: false, values: ["1.2.3.4"], placeholder: nil, location: SourceLocation(path: "x"))
        let op = FieldTest(field: FieldRef(path: ["Operation"], kind: .plain), match: .equals, all: false, values: ["X"], placeholder: nil, location: SourceLocation(path: "x"))
        let detection = SigmaDetection(selections: [SigmaSelection(name: "s", alternatives: [[op]], location: SourceLocation(path: "x")),
                                                    SigmaSelection(name: "f", alternatives: [[test]], location: SourceLocation(path: "x"))],
                                       condition: .and([.selection("s"), .not(.selection("f"))]), conditionLocation: SourceLocation(path: "x"))
        let branches = try #require(DetectionDNF.conjunctions(detection.condition, detection))
        #expect(branches.count == 2)
        #expect(branches.contains { $0.contains(DetectionLiteral(kind: .negated(test))) })
        #expect(branches.contains { $0.contains(DetectionLiteral(kind: .absent(test.field))) })
    }
}

import WazuhRuleEngine

/// PCRE2 the way Wazuh compiles it, for pattern tests.
struct PCRE2Check {
    let pattern: FieldPattern
    init(_ text: String) throws { pattern = try FieldPattern(text, type: .pcre2) }
    func matches(_ s: String) -> Bool { pattern.matches(s) }
}
