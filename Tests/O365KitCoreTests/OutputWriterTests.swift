import Foundation
import Testing
@testable import O365KitCore

@Suite struct OutputWriterTests {
    func files(_ pairs: [(String, String)]) -> [RenderedFile] {
        OutputWriter.withManifest(pairs.map { RenderedFile(path: $0.0, contents: $0.1) })
    }

    func listing(_ root: URL) throws -> [String] {
        let base = root.standardizedFileURL.path + "/"
        return try FileManager.default.subpathsOfDirectory(atPath: root.path).filter {
            var directory: ObjCBool = false
            FileManager.default.fileExists(atPath: base + $0, isDirectory: &directory)
            return !directory.boolValue
        }.sorted()
    }

    @Test func writesOnlyWhatChangedAndRemovesWhatIsNoLongerGenerated() throws {
        let root = try TestProject(copying: false).output
        let writer = OutputWriter(root: root)
        let first = try writer.write(files([("a/one.txt", "1\n"), ("b/two.txt", "2\n")]))
        #expect(first.map(\.path) == ["MANIFEST.json", "a/one.txt", "b/two.txt"])

        let untouched = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("a/one.txt").path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.01)
        let second = try writer.write(files([("a/one.txt", "1\n"), ("c/three.txt", "3\n")]))
        #expect(second == [.modified("MANIFEST.json"), .removed("b/two.txt"), .added("c/three.txt")])
        #expect(try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("a/one.txt").path)[.modificationDate] as? Date == untouched)
        // No temporary file is left behind, and a file not in the manifest is never touched.
        #expect(try listing(root) == ["MANIFEST.json", "a/one.txt", "c/three.txt"])
    }

    @Test func filesTheManifestNeverListedAreLeftAlone() throws {
        let root = try TestProject(copying: false).output
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: root.appendingPathComponent("notes.txt"))
        try OutputWriter(root: root).write(files([("x.txt", "x\n")]))
        try OutputWriter(root: root).write(files([]))
        #expect(try listing(root) == ["MANIFEST.json", "notes.txt"])
    }

    @Test func manifestRecordsSHA256OfEveryFile() throws {
        let manifest = try #require(files([("b.txt", "b\n"), ("a.txt", "")]).last)
        #expect(manifest.path == "MANIFEST.json")
        // sha256("") is well known; the entries are sorted by path.
        #expect(manifest.contents.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        #expect(manifest.contents.range(of: "a.txt")!.lowerBound < manifest.contents.range(of: "b.txt")!.lowerBound)
    }
}
