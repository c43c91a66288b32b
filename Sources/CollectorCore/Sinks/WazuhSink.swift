import Foundation

/// Sends records to Wazuh analysisd's queue socket in the native office365 wodle format.
///
/// Each datagram is `1:office365:{"integration":"office365","office365":{…record…,"Subscription":"Audit.X"}}`,
/// built by splicing bytes: the record's own bytes up to its closing brace, then the
/// Subscription member. Wazuh cuts messages at 64 KiB (OS_MAXSTR) without notice, which would
/// hand a broken JSON to the decoder; a record that does not fit is therefore not sent to this
/// sink, is logged with its Id, and still goes to every other sink (docs/collector.md).
public final class WazuhSink: RecordSink, @unchecked Sendable {
    /// analysisd's buffer is OS_MAXSTR = 65536 bytes including the terminating NUL.
    public static let maxMessageBytes = 65_535
    public let name: String
    private let socketPath: String
    private var fd: Int32 = -1
    private let log: CollectorLog
    private let retry: RetryPolicy

    public init(socketPath: String, log: CollectorLog, retry: RetryPolicy) {
        self.socketPath = socketPath
        self.name = "wazuh:\(socketPath)"
        self.log = log
        self.retry = retry
    }

    deinit { if fd >= 0 { Foundation.close(fd) } }

    /// The datagram for one record, or nil when `record` is not an object.
    public static func message(for record: ArraySlice<UInt8>, isEmptyObject: Bool, contentType: String) -> [UInt8] {
        let head = Array("1:office365:{\"integration\":\"office365\",\"office365\":".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(head.count + record.count + contentType.utf8.count + 24)
        out.append(contentsOf: head)
        out.append(contentsOf: record.dropLast())  // everything but the record's closing '}'
        if !isEmptyObject { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: "\"Subscription\":\"".utf8)
        out.append(contentsOf: jsonEscaped(contentType).utf8)
        out.append(contentsOf: "\"}}".utf8)
        return out
    }

    public func deliver(_ batch: RecordBatch) async throws -> SinkReceipt {
        var skipped = 0
        for r in batch.records {
            let msg = Self.message(for: batch.blob[r.range], isEmptyObject: r.isEmptyObject, contentType: batch.contentType)
            if msg.count > Self.maxMessageBytes {
                skipped += 1
                log.warning("record too large for the Wazuh queue; not sent to this sink (other sinks still get it)",
                            ["sink": name, "tenant": batch.tenant, "content_type": batch.contentType,
                             "content_id": batch.contentId, "record_id": batch.idText(r), "bytes": "\(msg.count)"])
                continue
            }
            try await send(msg, batch: batch)
        }
        return SinkReceipt(skipped: skipped)
    }

    /// How long a full analysisd queue may hold up delivery before the blob fails.
    static let maxBackpressureSeconds = 60.0

    private func send(_ msg: [UInt8], batch: RecordBatch) async throws {
        var attempt = 0
        var waited = 0.0
        while true {
            if fd < 0 { try connectSocket() }
            let n = msg.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n == msg.count { return }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK || code == ENOBUFS {
                // analysisd's queue is full: wait for it (the socket is non-blocking so that a full
                // queue never blocks a thread), but not forever.
                guard waited < Self.maxBackpressureSeconds else {
                    throw SinkError.failed(name, "the Wazuh queue stayed full for \(Int(waited)) s")
                }
                let pause = min(0.05, 0.001 * Double(1 << min(attempt, 6)))
                attempt += 1
                waited += pause
                try await Task.sleep(nanoseconds: UInt64(pause * 1e9))
                continue
            }
            // ECONNREFUSED/ENOENT: analysisd is down or restarting. Reconnect with backoff.
            Foundation.close(fd)
            fd = -1
            attempt += 1
            guard attempt < retry.maxAttempts else {
                throw SinkError.failed(name, "send failed after \(attempt) attempts: \(String(cString: strerror(code)))")
            }
            let delay = retry.delay(attempt: attempt, retryAfter: nil)
            log.warning("wazuh socket send failed; retrying", ["sink": name, "tenant": batch.tenant, "content_type": batch.contentType,
                                                                 "content_id": batch.contentId, "error": String(cString: strerror(code)),
                                                                 "retry_in": String(format: "%.2fs", delay)])
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }

    private func connectSocket() throws {
        let s = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw SinkError.failed(name, "socket(): \(String(cString: strerror(errno)))") }
        var size: Int32 = 1 << 20
        setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw SinkError.failed(name, "socket path too long") }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (k, b) in path.enumerated() { buf[k] = b }
            buf[path.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let code = errno
            Foundation.close(s)
            throw SinkError.failed(name, "connect: \(String(cString: strerror(code)))")
        }
        fd = s
    }
}

/// A sink could not take a blob.
public enum SinkError: Error, CustomStringConvertible, Sendable {
    case failed(String, String)
    public var description: String {
        switch self { case let .failed(sink, why): return "\(sink): \(why)" }
    }
}

/// `s` escaped for use inside a JSON string literal.
func jsonEscaped(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out
}
