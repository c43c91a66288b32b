import Foundation

/// A POSIX ustar archive written so that it depends only on the files' paths and bytes:
/// entries sorted by path (every folder before what it holds), modification time 0,
/// owner and group 0 with no names, mode 0644 for files and 0755 for folders, no `./`
/// prefix, no hidden entries, padded to whole 10240-byte records as GNU tar and Python's
/// tarfile do. No listed Swift package writes tar, so this does (ZIPFoundation writes zip,
/// compress-nio compresses streams only).
public struct TarArchive {
    public struct Entry: Equatable, Sendable {
        public var path: String
        public var isDirectory: Bool
        public var mode: Int
        public var uid: Int
        public var gid: Int
        public var mtime: Int
        public var owner: String
        public var group: String
        public var data: Data
    }

    public enum Failure: Error, CustomStringConvertible {
        case pathTooLong(String)
        case hiddenOrRelative(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .pathTooLong(let p): return "path too long for a ustar header: \(p)"
            case .hiddenOrRelative(let p): return "archive path has a hidden, empty, '.' or '..' component: \(p)"
            case .malformed(let why): return "malformed tar archive: \(why)"
            }
        }
    }

    static let block = 512
    static let record = 10240

    /// An archive of `files` (paths relative to the archive root, e.g. `o365kit/default/app.conf`),
    /// with an entry for every folder on the way.
    public static func make(_ files: [(path: String, data: Data)]) throws -> Data {
        var entries: [String: Data?] = [:]
        for file in files {
            let components = file.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !components.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else { throw Failure.hiddenOrRelative(file.path) }
            for depth in 1..<components.count {
                entries[components[0..<depth].joined(separator: "/") + "/"] = .some(nil)
            }
            entries[file.path] = .some(file.data)
        }
        // Sized once: growing a large archive by doubling briefly holds it twice.
        let size = entries.values.reduce(2 * block + record) { $0 + block + (($1?.count ?? 0) + block - 1) / block * block }
        var out = Data(capacity: size)
        for path in entries.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let data = entries[path]! ?? Data()
            let isDirectory = path.hasSuffix("/")
            out.append(try header(path: path, size: data.count, isDirectory: isDirectory))
            out.append(data)
            out.append(Data(count: (block - data.count % block) % block))
        }
        out.append(Data(count: 2 * block))
        out.append(Data(count: (record - out.count % record) % record))
        return out
    }

    private static func header(path: String, size: Int, isDirectory: Bool) throws -> Data {
        var h = [UInt8](repeating: 0, count: block)
        let (prefix, name) = try split(path)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, byte) in text.utf8.prefix(width).enumerated() { h[offset + i] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: width - 1 - digits.count) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(isDirectory ? 0o755 : 0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        h[156] = isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        octal(0, at: 329, width: 8)
        octal(0, at: 337, width: 8)
        put(prefix, at: 345, width: 155)
        // The checksum is summed with its own field as eight spaces.
        for i in 148..<156 { h[i] = UInt8(ascii: " ") }
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, at: 148, width: 6)
        h[154] = 0
        h[155] = UInt8(ascii: " ")
        return Data(h)
    }

    /// ustar keeps up to 100 bytes in `name` and 155 more in `prefix`, split at a slash.
    private static func split(_ path: String) throws -> (String, String) {
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return ("", path) }
        for (i, byte) in bytes.enumerated().reversed() where byte == UInt8(ascii: "/") && i <= 155 && bytes.count - i - 1 <= 100 && i < bytes.count - 1 {
            return (String(decoding: bytes[..<i], as: UTF8.self), String(decoding: bytes[(i + 1)...], as: UTF8.self))
        }
        throw Failure.pathTooLong(path)
    }

    /// Reads a ustar archive back, for tests and for checking a package against its files.
    public static func read(_ archive: Data) throws -> [Entry] {
        let bytes = [UInt8](archive)
        var entries: [Entry] = []
        var offset = 0
        func text(_ start: Int, _ width: Int) -> String {
            let field = bytes[(offset + start)..<(offset + start + width)]
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
        }
        func number(_ start: Int, _ width: Int) throws -> Int {
            let t = text(start, width).trimmingCharacters(in: CharacterSet(charactersIn: " "))
            guard let value = Int(t.isEmpty ? "0" : t, radix: 8) else { throw Failure.malformed("bad octal field '\(t)' at \(offset + start)") }
            return value
        }
        while offset + block <= bytes.count {
            if bytes[offset..<(offset + block)].allSatisfy({ $0 == 0 }) { break }
            var sum = 0
            for i in 0..<block { sum += (148..<156).contains(i) ? Int(UInt8(ascii: " ")) : Int(bytes[offset + i]) }
            guard try number(148, 8) == sum else { throw Failure.malformed("header checksum mismatch at \(offset)") }
            guard text(257, 6) == "ustar" else { throw Failure.malformed("not a ustar header at \(offset)") }
            let prefix = text(345, 155)
            let name = text(0, 100)
            let size = try number(124, 12)
            let start = offset + block
            guard start + size <= bytes.count else { throw Failure.malformed("entry \(name) runs past the end") }
            entries.append(Entry(
                path: prefix.isEmpty ? name : prefix + "/" + name,
                isDirectory: bytes[offset + 156] == UInt8(ascii: "5"),
                mode: try number(100, 8), uid: try number(108, 8), gid: try number(116, 8), mtime: try number(136, 12),
                owner: text(265, 32), group: text(297, 32),
                data: Data(bytes[start..<(start + size)])))
            offset = start + (size + block - 1) / block * block
        }
        return entries
    }
}
