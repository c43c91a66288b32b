import Foundation

/// Writes one raw record per line to standard output (logs go to standard error).
public final class StdoutSink: RecordSink, @unchecked Sendable {
    public let name = "stdout"
    public init() {}

    public func deliver(_ batch: RecordBatch) async throws -> SinkReceipt {
        let lines = batch.jsonLines()
        var done = 0
        try lines.withUnsafeBytes { buf in
            while done < buf.count {
                let n = write(1, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SinkError.failed(name, "write: \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
        return SinkReceipt()
    }
}
