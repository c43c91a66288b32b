import Foundation

/// The state format of o365-collector before the SQLite store: an append-only journal of
/// transactions, one file per tenant. Kept to import such files once (`StateStore.importJournal`)
/// and, in tests, to write them.
///
/// Format (text, one entry per line, so an operator can read it with `less`):
/// ```
/// T <unix-time>              begin
/// K <content-type> <unix>    checkpoint
/// B <content-id>             content settled (ledger)
/// I <32 hex digits>          record Id delivered
/// O <sink-key> <offset>      exactly-once file sink now ends here
/// E                          end: everything since T takes effect together
/// ```
/// A transaction is appended with a single `write`, so a crash leaves at most one incomplete
/// transaction at the tail; loading ignores it and cuts it off. Text fields are %-escaped (space, %, newline).
public final class StateJournal {
    /// The journal file.
    public let url: URL
    private var fd: Int32 = -1
    private var size: Int64 = 0
    /// How many transactions the file holds; compaction resets it.
    public private(set) var transactionCount = 0
    /// Whether each commit is flushed to stable storage before it counts (fsync).
    public var durable: Bool

    /// Opens (creating, mode 0600) and replays the journal into `state`.
    public init(url: URL, durable: Bool = true) throws {
        self.url = url
        self.durable = durable
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot open \(url.path)", errno) }
        fchmod(fd, 0o600)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Reads every complete transaction; cuts off a torn tail left by a crash.
    public func load() throws -> TenantState {
        var state = TenantState()
        let data = try readAll()
        var pending: StateTransaction?
        var committedEnd = 0
        var lineStart = 0
        var count = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var k = 0
            while k < bytes.count {
                guard let nl = (k..<bytes.count).first(where: { bytes[$0] == 0x0A }) else { break }
                let line = Substring(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<nl]), as: UTF8.self)
                k = nl + 1
                defer { lineStart = k }
                guard let tag = line.first else { continue }
                let fields = line.split(separator: " ", omittingEmptySubsequences: false)
                switch tag {
                case "T":
                    guard fields.count == 2, let t = Int64(fields[1]) else { throw StateError.corrupt(url.path, line: String(line)) }
                    pending = StateTransaction(time: t)
                case "E":
                    if let t = pending { state.apply(t); count += 1 }
                    pending = nil
                    committedEnd = k
                case "K":
                    guard fields.count == 3, let t = Int64(fields[2]) else { throw StateError.corrupt(url.path, line: String(line)) }
                    pending?.checkpoints.append((Self.unescape(fields[1]), t))
                case "B":
                    guard fields.count == 2 else { throw StateError.corrupt(url.path, line: String(line)) }
                    pending?.contentIds.append(Self.unescape(fields[1]))
                case "I":
                    guard fields.count == 2, let key = RecordKey(hex: fields[1]) else { throw StateError.corrupt(url.path, line: String(line)) }
                    pending?.recordKeys.append(key)
                case "O":
                    guard fields.count == 3, let o = Int64(fields[2]) else { throw StateError.corrupt(url.path, line: String(line)) }
                    pending?.sinkOffsets.append((Self.unescape(fields[1]), o))
                case "#":
                    break
                default:
                    throw StateError.corrupt(url.path, line: String(line))
                }
            }
        }
        if committedEnd < data.count {
            // A crash mid-append: the incomplete transaction never took effect.
            guard ftruncate(fd, off_t(committedEnd)) == 0 else { throw StateError.io("cannot truncate \(url.path)", errno) }
        }
        size = Int64(committedEnd)
        transactionCount = count
        return state
    }

    /// Appends one transaction and, when durable, flushes it before returning.
    public func commit(_ t: StateTransaction) throws {
        var head = "T \(t.time)\n"
        for (ct, time) in t.checkpoints { head += "K \(Self.escape(ct)) \(time)\n" }
        for id in t.contentIds { head += "B \(Self.escape(id))\n" }
        var tail = ""
        for (sink, offset) in t.sinkOffsets { tail += "O \(Self.escape(sink)) \(offset)\n" }
        tail += "E\n"
        // Ids are most of the bytes: write them as hex without going through String.
        var bytes = [UInt8]()
        bytes.reserveCapacity(head.utf8.count + t.recordKeys.count * 35 + tail.utf8.count)
        bytes.append(contentsOf: head.utf8)
        for key in t.recordKeys { Self.appendIdLine(key, to: &bytes) }
        bytes.append(contentsOf: tail.utf8)
        try bytes.withUnsafeBytes { try writeAll(fd: fd, bytes: $0, at: size) }
        if durable { fsync(fd) }
        size += Int64(bytes.count)
        transactionCount += 1
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `I <32 hex digits>\n`.
    static func appendIdLine(_ key: RecordKey, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "I"))
        bytes.append(UInt8(ascii: " "))
        for word in [key.hi, key.lo] {
            for shift in stride(from: 60, through: 0, by: -4) { bytes.append(hexDigits[Int((word >> UInt64(shift)) & 0xf)]) }
        }
        bytes.append(0x0A)
    }

    private func readAll() throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 { throw StateError.io("cannot read \(url.path)", errno) }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
        return data
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == " " || $0 == "%" || $0 == "\n" || $0 == "\r" }) else { return s }
        return s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: "\r", with: "%0D")
    }

    static func unescape(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        return String(s).replacingOccurrences(of: "%20", with: " ").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
    }
}

/// Writes all of `text` at `offset` (pwrite loops over short writes).
func writeAll(fd: Int32, text: String, at offset: Int64) throws {
    var t = text
    try t.withUTF8 { try writeAll(fd: fd, bytes: UnsafeRawBufferPointer($0), at: offset) }
}

/// Writes all of `bytes` at `offset`.
func writeAll(fd: Int32, bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
    var done = 0
    while done < bytes.count {
        let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
        if n < 0 {
            if errno == EINTR { continue }
            throw StateError.io("write failed", errno)
        }
        done += n
    }
}

/// Flushes a directory entry change (a rename) to disk.
func fsyncDirectory(_ dir: URL) {
    let dfd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dfd >= 0 { fsync(dfd); close(dfd) }
}

/// Problems with the state directory or its files.
public enum StateError: Error, CustomStringConvertible, Sendable {
    case io(String, Int32)
    case corrupt(String, line: String)
    /// SQLite refused: the database file and SQLite's message.
    case database(String, String)
    /// Another process writes this exactly-once file.
    case sinkInUse(String)

    public var description: String {
        switch self {
        case let .io(what, code): return "\(what): \(String(cString: strerror(code)))"
        case let .corrupt(path, line): return "\(path): unreadable journal line '\(line.prefix(80))'; move the file away to start this tenant afresh"
        case let .database(path, message): return "\(path): \(message)"
        case let .sinkInUse(path): return "\(path) is being written by another o365-collector; give each collector process its own jsonl path"
        }
    }
}
