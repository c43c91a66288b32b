import Crypto
import Foundation

/// Writes a build all or nothing: every file and `MANIFEST.json` go to a staging folder beside
/// the output folder, the rule lock to a temporary file beside it, and only when all of that
/// succeeded is the staging folder swapped in for the output folder and the lock renamed over
/// the old one. A failed write leaves the output folder and the lock as they were.
///
/// The output folder then holds exactly what the manifest lists: a file nobody generated (a
/// stray `9999-stray.xml`, a hand edit) is reported by `changes` and gone after the swap, and a
/// symbolic link inside it is never followed (a linked `attack/` is replaced by a real folder,
/// the folder it pointed to is left alone). Unchanged files are hard-linked into the staging
/// folder, so they keep their inode and modification time.
public struct OutputWriter {
    public static let manifestName = "MANIFEST.json"

    public enum Change: Equatable, Sendable {
        case added(String), modified(String), removed(String)

        public var path: String {
            switch self {
            case .added(let p), .modified(let p), .removed(let p): return p
            }
        }

        public var verb: String {
            switch self {
            case .added: return "missing"
            case .modified: return "differs"
            case .removed: return "not generated (remove it, or run o365kit build)"
            }
        }
    }

    /// A write that failed, said for a person: the path and the system's reason.
    public struct WriteFailure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason); output/ and the rule lock are unchanged" }
    }

    public var root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The files plus their manifest, sorted by path.
    public static func withManifest(_ files: [RenderedFile]) -> [RenderedFile] {
        let sorted = files.sorted { $0.path < $1.path }
        struct Manifest: Encodable {
            struct Entry: Encodable {
                var path: String
                var sha256: String
            }
            var generator = "o365kit"
            var files: [Entry]
        }
        let manifest = Manifest(files: sorted.map { .init(path: $0.path, sha256: sha256Hex($0.data)) })
        return sorted + [RenderedFile(path: manifestName, contents: encodeJSON(manifest))]
    }

    /// What writing `files` would change: files missing or different, and everything in the
    /// output folder that `files` does not hold (symbolic links included).
    public func changes(_ files: [RenderedFile]) -> [Change] {
        var out: [Change] = []
        let present = Set(presentFiles())
        for file in files {
            guard present.contains(file.path), let existing = FileManager.default.contents(atPath: root.appendingPathComponent(file.path).path) else {
                out.append(.added(file.path))
                continue
            }
            if existing != file.data { out.append(.modified(file.path)) }
        }
        let wanted = Set(files.map(\.path))
        for path in present where !wanted.contains(path) { out.append(.removed(path)) }
        return out.sorted { $0.path < $1.path }
    }

    /// Applies `changes(files)` and, when `lock` is given, writes it too, all or nothing.
    @discardableResult
    public func write(_ files: [RenderedFile], lock: (url: URL, text: String)? = nil) throws(WriteFailure) -> [Change] {
        let changes = changes(files)
        let fm = FileManager.default
        let target = resolvedRoot
        let parent = target.deletingLastPathComponent()
        let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).staging-\(tag)")
        let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(tag)")
        let lockTemporary = lock.map { $0.url.deletingLastPathComponent().appendingPathComponent(".\($0.url.lastPathComponent).tmp-\(tag)") }
        defer {
            try? fm.removeItem(at: staging)
            if let lockTemporary { try? fm.removeItem(at: lockTemporary) }
        }
        let unchanged = Set(files.map(\.path)).subtracting(changes.map(\.path))
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try make(staging)
            for file in files {
                let destination = staging.appendingPathComponent(file.path)
                try make(destination.deletingLastPathComponent())
                if unchanged.contains(file.path), link(target.appendingPathComponent(file.path).path, destination.path) == 0 { continue }
                try file.data.write(to: destination)
            }
            if let lock, let lockTemporary { try Data(lock.text.utf8).write(to: lockTemporary) }
        } catch {
            throw Self.failure(error, fallback: staging.path)
        }
        // The swap: two renames in one folder, then the lock; undone if the lock cannot move.
        let hadOutput = fm.fileExists(atPath: target.path)
        if hadOutput, rename(target.path, old.path) != 0 { throw Self.failure(path: target.path) }
        if rename(staging.path, target.path) != 0 {
            let failure = Self.failure(path: target.path)
            if hadOutput { _ = rename(old.path, target.path) }
            throw failure
        }
        if let lock, let lockTemporary, rename(lockTemporary.path, lock.url.path) != 0 {
            let failure = Self.failure(path: lock.url.path)
            _ = rename(target.path, staging.path)
            if hadOutput { _ = rename(old.path, target.path) }
            throw failure
        }
        if hadOutput { try? fm.removeItem(at: old) }
        return changes
    }

    /// The output folder itself when it is a symbolic link (a user's layout), else `root`.
    private var resolvedRoot: URL {
        let attributes = try? FileManager.default.attributesOfItem(atPath: root.path)
        return attributes?[.type] as? FileAttributeType == .typeSymbolicLink ? root.resolvingSymlinksInPath() : root.standardizedFileURL
    }

    /// Every file under the output folder, relative; symbolic links count as files and are
    /// not followed.
    func presentFiles() -> [String] {
        var out: [String] = []
        func walk(_ folder: URL, _ prefix: String) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() {
                let url = folder.appendingPathComponent(name)
                let type = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
                if type == .typeDirectory { walk(url, prefix + name + "/") } else { out.append(prefix + name) }
            }
        }
        walk(resolvedRoot, "")
        return out
    }

    private func make(_ folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    private static func failure(path: String) -> WriteFailure {
        WriteFailure(path: path, reason: String(cString: strerror(errno)))
    }

    private static func failure(_ error: Error, fallback: String) -> WriteFailure {
        let nsError = error as NSError
        let path = nsError.userInfo[NSFilePathErrorKey] as? String ?? fallback
        let underlying = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
        return WriteFailure(path: path, reason: underlying ?? nsError.localizedFailureReason ?? "the system refused the write")
    }
}

/// Writes `text` to a temporary file beside `url` and renames it into place, so a reader
/// never sees half a file and a crash never leaves one.
public func writeAtomically(_ text: String, to url: URL) throws {
    try writeAtomically(Data(text.utf8), to: url)
}

/// Writes `data` the same way.
public func writeAtomically(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    try data.write(to: temporary)
    if rename(temporary.path, url.path) != 0 {
        let code = errno
        try? FileManager.default.removeItem(at: temporary)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
    }
}

public func sha256Hex(_ text: String) -> String {
    sha256Hex(Data(text.utf8))
}

public func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
}
