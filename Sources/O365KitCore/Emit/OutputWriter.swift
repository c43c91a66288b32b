import Crypto
import Foundation

/// Writes generated files so that output/ is always whole: each file goes to a temporary
/// name in its folder and is renamed over the old one, files whose bytes are unchanged are
/// not touched, and files the previous manifest listed but this build no longer makes are
/// removed. `MANIFEST.json` records the sha256 of every file.
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
            case .removed: return "no longer generated"
            }
        }
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

    /// What writing `files` would change on disk.
    public func changes(_ files: [RenderedFile]) -> [Change] {
        var out: [Change] = []
        let wanted = Set(files.map(\.path))
        for file in files {
            let url = root.appendingPathComponent(file.path)
            guard let existing = FileManager.default.contents(atPath: url.path) else {
                out.append(.added(file.path))
                continue
            }
            if existing != file.data { out.append(.modified(file.path)) }
        }
        for path in previousManifest() where !wanted.contains(path) {
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
                out.append(.removed(path))
            }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Applies `changes(files)` and returns them.
    @discardableResult
    public func write(_ files: [RenderedFile]) throws -> [Change] {
        let changes = changes(files)
        let byPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for change in changes {
            let url = root.appendingPathComponent(change.path)
            switch change {
            case .added, .modified:
                try writeAtomically(byPath[change.path]!.data, to: url)
            case .removed:
                try FileManager.default.removeItem(at: url)
            }
        }
        return changes
    }

    private func previousManifest() -> [String] {
        let url = root.appendingPathComponent(Self.manifestName)
        guard let data = FileManager.default.contents(atPath: url.path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = object["files"] as? [[String: Any]] else { return [] }
        return files.compactMap { $0["path"] as? String }
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
