import Testing
@testable import O365KitCore

@Suite struct RuleLockTests {
    func resolve(_ keys: [String], _ lock: RuleLock, range: ClosedRange<Int> = 100...105) -> ResolvedIDs? {
        resolveRuleIDs(keys: keys, lock: lock, range: range, diagnostics: DiagnosticCollector(), lockPath: "lock")
    }

    @Test func newKeysTakeTheLowestFreeIdsInOrder() throws {
        let result = try #require(resolve(["a", "b", "c"], RuleLock()))
        #expect(result.ids == ["a": 100, "b": 101, "c": 102])
    }

    @Test func lockedIdsNeverMove() throws {
        let lock = RuleLock(rules: ["b": .init(id: 100, status: .active)])
        let result = try #require(resolve(["a", "b"], lock))
        #expect(result.ids == ["a": 101, "b": 100])
    }

    @Test func removedKeysAreRetiredAndTheirIdsNeverReused() throws {
        let first = try #require(resolve(["a", "b", "c"], RuleLock()))
        let second = try #require(resolve(["a", "c", "d"], first.lock))
        #expect(second.lock.rules["b"] == .init(id: 101, status: .retired))
        #expect(second.ids["d"] == 103)
        let third = try #require(resolve(["a", "b", "c", "d"], second.lock))
        #expect(third.ids["b"] == 101)
        #expect(third.lock.rules["b"]?.status == .active)
    }

    @Test func exhaustedRangeIsAnError() {
        let diagnostics = DiagnosticCollector()
        let result = resolveRuleIDs(keys: ["a", "b", "c"], lock: RuleLock(), range: 100...101, diagnostics: diagnostics, lockPath: "lock")
        #expect(result == nil)
        #expect(diagnostics.sorted.map(\.id) == ["id-range-exhausted"])
    }

    @Test func encodingIsSortedAndStable() throws {
        let result = try #require(resolve(["b", "a"], RuleLock()))
        let text = result.lock.encoded()
        #expect(text.range(of: "\"a\"")!.lowerBound < text.range(of: "\"b\"")!.lowerBound)
        #expect(text == result.lock.encoded())
        #expect(text.hasSuffix("}\n"))
    }

    @Test func aLockWithOneIdTwiceIsRejected() throws {
        let project = try TestProject()
        try project.write("mappings/rules.lock.json", #"{"format":1,"rules":{"operation:A":{"id":103000,"status":"active"},"operation:B":{"id":103000,"status":"retired"}}}"#)
        let (generation, diagnostics) = project.generate()
        #expect(generation == nil ? true : false, "expected the build to fail")
        #expect(diagnostics.sorted.map(\.id) == ["bad-lock"])
    }
}
