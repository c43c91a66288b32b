import Foundation
import O365KitCore

/// One side of `o365kit diff`: a mappings/ folder on disk, or the mappings/ tree of a git
/// revision extracted into a temporary folder.
public struct MappingSource: Sendable {
    /// How the side is named in the report (the argument as given, or `working tree`).
    public var label: String
    /// The mappings folder to load.
    public var mappings: URL
    /// A temporary folder to delete when done.
    public var temporary: URL?

    public init(label: String, mappings: URL, temporary: URL? = nil) {
        self.label = label
        self.mappings = mappings
        self.temporary = temporary
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Resolves `argument`: an existing folder holding `mappings/` (or a mappings folder
    /// itself, recognised by its o365kit.yaml), otherwise a git revision of the repository
    /// around `directory`, whose `mappingsPath` (relative to `directory`) is extracted
    /// with `git archive`.
    public static func resolve(_ argument: String, mappingsPath: String, directory: URL) throws(Failure) -> MappingSource {
        let manager = FileManager.default
        let candidate = URL(fileURLWithPath: argument, relativeTo: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
            if manager.fileExists(atPath: candidate.appendingPathComponent("o365kit.yaml").path) {
                return MappingSource(label: argument, mappings: candidate)
            }
            let inner = candidate.appendingPathComponent("mappings")
            guard manager.fileExists(atPath: inner.appendingPathComponent("o365kit.yaml").path) else {
                throw Failure(description: "\(argument): a folder, but it holds neither mappings/ nor o365kit.yaml")
            }
            return MappingSource(label: argument, mappings: inner)
        }
        return try revision(argument, mappingsPath: mappingsPath, directory: directory)
    }

    static func revision(_ revision: String, mappingsPath: String, directory: URL) throws(Failure) -> MappingSource {
        guard !revision.hasPrefix("-") else { throw Failure(description: "\(revision): not a folder or a git revision") }
        guard let commit = try? git(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: directory).trimmingCharacters(in: .whitespacesAndNewlines),
              !commit.isEmpty else {
            throw Failure(description: "\(revision): not a folder, and not a git revision of the repository here")
        }
        let prefix = ((try? git(["rev-parse", "--show-prefix"], in: directory)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var path = URL(fileURLWithPath: "/" + prefix + mappingsPath).standardizedFileURL.path
        path.removeFirst()
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-diff-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            let listing = try git(["ls-tree", "--name-only", commit, path], in: directory)
            guard !listing.isEmpty else {
                try? FileManager.default.removeItem(at: temporary)
                throw Failure(description: "\(revision): has no \(path)/ folder")
            }
            let tar = temporary.appendingPathComponent("tree.tar")
            _ = try git(["archive", "--format=tar", "-o", tar.path, commit, path], in: directory)
            _ = try runTool("/usr/bin/env", ["tar", "-xf", tar.path, "-C", temporary.path], in: directory)
            try FileManager.default.removeItem(at: tar)
        } catch let failure as Failure {
            throw failure
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(description: "\(revision): cannot extract \(path)/: \(error)")
        }
        return MappingSource(label: revision, mappings: temporary.appendingPathComponent(path), temporary: temporary)
    }

    /// Deletes the extracted tree, if any.
    public func cleanUp() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }

    static func git(_ arguments: [String], in directory: URL) throws -> String {
        try runTool("/usr/bin/env", ["git"] + arguments, in: directory)
    }

    /// Runs a tool; throws with its stderr when it exits non-zero.
    static func runTool(_ executable: String, _ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: outData, as: UTF8.self)
    }
}
