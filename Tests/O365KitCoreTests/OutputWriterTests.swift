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
        // No temporary file is left behind.
        #expect(try listing(root) == ["MANIFEST.json", "a/one.txt", "c/three.txt"])
        let siblings = try FileManager.default.contentsOfDirectory(atPath: root.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".") }, "\(siblings)")
    }

    /// A stray file survived build and --check said "0 stale"; a symlinked subfolder was
    /// written through.
    @Test func theOutputFolderHoldsExactlyTheManifestAndLinksAreNotFollowed() throws {
        let root = try TestProject(copying: false).output
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: root.appendingPathComponent("9999-stray.xml"))
        let elsewhere = root.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: elsewhere.appendingPathComponent("x.txt"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("attack"), withDestinationURL: elsewhere)
        let writer = OutputWriter(root: root)
        let wanted = files([("x.txt", "x\n"), ("attack/x.txt", "new\n")])
        #expect(writer.changes(wanted) == [.removed("9999-stray.xml"), .added("MANIFEST.json"), .removed("attack"), .added("attack/x.txt"), .added("x.txt")])
        try writer.write(wanted)
        #expect(try listing(root) == ["MANIFEST.json", "attack/x.txt", "x.txt"])
        #expect(try String(contentsOf: elsewhere.appendingPathComponent("x.txt"), encoding: .utf8) == "keep\n", "the linked folder is untouched")
        #expect(writer.changes(wanted).isEmpty)
    }

    /// A failed write rewrote the lock and half the output before it stopped.
    @Test func aFailedWriteLeavesOutputAndLockAsTheyWere() throws {
        let project = try TestProject(copying: false)
        let writer = OutputWriter(root: project.output)
        try writer.write(files([("a.txt", "1\n")]))
        let lock = project.output.deletingLastPathComponent().appendingPathComponent("rules.lock.json")
        try Data("old lock\n".utf8).write(to: lock)
        // A name longer than the file system allows fails half way through the staging folder.
        let tooLong = String(repeating: "n", count: 300)
        #expect(throws: OutputWriter.WriteFailure.self) {
            try writer.write(files([("a.txt", "2\n"), ("z/\(tooLong).txt", "x\n")]), lock: (lock, "new lock\n"))
        }
        #expect(try String(contentsOf: project.output.appendingPathComponent("a.txt"), encoding: .utf8) == "1\n")
        #expect(try String(contentsOf: lock, encoding: .utf8) == "old lock\n")
        #expect(try listing(project.output) == ["MANIFEST.json", "a.txt"])
        let siblings = try FileManager.default.contentsOfDirectory(atPath: project.output.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.contains(".staging-") || $0.contains(".tmp-") }, "\(siblings)")
    }

    @Test func manifestRecordsSHA256OfEveryFile() throws {
        let manifest = try #require(files([("b.txt", "b\n"), ("a.txt", "")]).last)
        #expect(manifest.path == "MANIFEST.json")
        // sha256("") is well known; the entries are sorted by path.
        #expect(manifest.contents.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        #expect(manifest.contents.range(of: "a.txt")!.lowerBound < manifest.contents.range(of: "b.txt")!.lowerBound)
    }
}
