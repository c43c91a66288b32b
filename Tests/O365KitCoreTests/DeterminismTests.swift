import Foundation
import Testing
@testable import O365KitCore

/// Same input, same bytes; one new row, one new rule.
@Suite struct DeterminismTests {
    @Test func buildingTwiceGivesIdenticalBytes() throws {
        let project = try TestProject()
        let first = try #require(try project.build())
        let second = try #require(project.generate().0)
        #expect(first.files == second.files)
        #expect(try OutputWriter(root: project.output).changes(second.files).isEmpty)
    }

    @Test func addingARowChangesExactlyOneRule() throws {
        let project = try TestProject()
        let before = try #require(try project.build())
        var table = try project.read("mappings/operations.csv")
        table += "Zz-Test-NewOperation,Exchange,T1564.008,,a row added by the test,test\n"
        try project.write("mappings/operations.csv", table)
        let after = try #require(try project.build())

        let oldRules = ruleBlocks(before), newRules = ruleBlocks(after)
        #expect(newRules.subtracting(oldRules).count == 1)
        #expect(oldRules.subtracting(newRules).isEmpty)
        let added = try #require(newRules.subtracting(oldRules).first)
        #expect(added.contains("^Zz-Test-NewOperation$"))
        // Every pre-existing rule keeps its id.
        for (key, entry) in before.lock.rules {
            #expect(after.lock.rules[key]?.id == entry.id)
        }
    }

    @Test func removingARowRetiresItsIdForGood() throws {
        let project = try TestProject()
        let before = try #require(try project.build())
        let table = try project.read("mappings/operations.csv")
        try project.write("mappings/operations.csv", table.split(separator: "\n").filter { !$0.hasPrefix("HeartBeat,") }.joined(separator: "\n") + "\n")
        let after = try #require(try project.build())
        let retired = try #require(after.lock.rules["operation:HeartBeat"])
        #expect(retired.status == .retired)
        #expect(retired.id == before.lock.rules["operation:HeartBeat"]?.id)
        #expect(ruleBlocks(before).count == ruleBlocks(after).count + 1)
    }

    /// The `<rule>…</rule>` blocks of the rule file.
    private func ruleBlocks(_ generation: Generation) -> Set<String> {
        let xml = generation.files.first { $0.path == WazuhPackPaths.rules }!.contents
        return Set(xml.components(separatedBy: "<rule ").dropFirst().map { $0.components(separatedBy: "</rule>")[0] })
    }
}
