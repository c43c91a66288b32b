import Foundation

/// Appends one raw record per line to a file, exactly once even across `kill -9`.
///
/// The file's end offset is committed in the tenant journal together with the blob's Ids. At
/// start the file is cut back to the highest committed offset: bytes past it belong to a blob
/// whose commit never happened, and that blob will be fetched and written again.
public final class JSONLSink: RecordSink, @unchecked Sendable {
    public let name: String
    private let url: URL
    private let fd: Int32
    private var committed: Int64 = 0
    private var end: Int64 = 0
    private let durable: Bool
    private let log: CollectorLog

    /// Opens (creating, 0600) the file.
    public init(url: URL, durable: Bool, log: CollectorLog) throws {
        self.url = url
        self.name = "jsonl:\(url.path)"
        self.durable = durable
        self.log = log
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot open \(url.path)", errno) }
        // Two writers would each cut the other's records as an uncommitted tail at their next
        // start; the kernel drops this lock when the process dies.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Foundation.close(fd)
            if code == EWOULDBLOCK { throw StateError.sinkInUse(url.path) }
            throw StateError.io("cannot lock \(url.path)", code)
        }
        var st = stat()
        fstat(fd, &st)
        end = Int64(st.st_size)
        committed = end
    }

    deinit { Foundation.close(fd) }

    public var commitPosition: (key: String, offset: Int64)? { (name, end) }

    public func recover(committedOffset: Int64?) throws {
        guard let offset = committedOffset else {
            // Nothing of ours committed yet: keep whatever the file holds and append after it.
            committed = end
            return
        }
        if end > offset {
            log.notice("cutting uncommitted tail from previous run", ["sink": name, "bytes": "\(end - offset)", "offset": "\(offset)"])
            guard ftruncate(fd, off_t(offset)) == 0 else { throw StateError.io("cannot truncate \(url.path)", errno) }
            end = offset
        } else if end < offset {
            log.warning("file is shorter than the committed offset (rotated or truncated by someone else?); appending at its end",
                        ["sink": name, "size": "\(end)", "offset": "\(offset)"])
        }
        committed = end
    }

    public func deliver(_ batch: RecordBatch) async throws -> SinkReceipt {
        let lines = batch.jsonLines()
        try lines.withUnsafeBytes { try writeAll(fd: fd, bytes: $0, at: end) }
        end += Int64(lines.count)
        if durable { fdatasync(fd) }
        return SinkReceipt()
    }

    public func rollback() throws {
        guard end != committed else { return }
        _ = ftruncate(fd, off_t(committed))
        end = committed
    }

    public func didCommit() { committed = end }
}
