import Foundation
import O365KitCore
#if canImport(Glibc)
import Glibc
#endif

/// A local manager's logtest socket, `/var/ossec/queue/sockets/logtest` (readable by root and
/// the wazuh group): the one `wazuh-logtest` talks to. Each message is a 4-byte little-endian
/// length and JSON (`OS_SendSecureTCP`); a request is
/// `{"version":1,"origin":{…},"command":"log_processing","parameters":{…}}`.
public struct LogtestSocket: LogtestClient {
    public let path: String
    public var endpoint: String { path }
    /// analysisd's logtest messages are at most 64 KiB (`OS_MAXSTR`); answers may be larger.
    static let maximumAnswer = 16 << 20

    public init(path: String) {
        self.path = path
    }

    public func process(_ request: LogtestRequest) async throws -> LogtestResponse {
        try LogtestResponse(json: exchange(command: "log_processing", parameters: request.parameters))
    }

    public func endSession(_ token: String) async throws {
        _ = try exchange(command: "remove_session", parameters: ["token": token])
    }

    /// One connection per request, as `wazuh-logtest` does.
    func exchange(command: String, parameters: [String: Any]) throws -> Data {
        let body = try JSONSerialization.data(withJSONObject: [
            "version": 1, "origin": ["name": "o365kit", "module": "o365kit"], "command": command, "parameters": parameters,
        ] as [String: Any])
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LogtestError.transport("\(path): cannot create a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw LogtestError.transport("\(path): socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            throw LogtestError.transport("cannot connect to the logtest socket \(path): \(reason) (is wazuh-analysisd running, and are you root or in the wazuh group?)")
        }
        var length = UInt32(body.count).littleEndian
        var message = Data(bytes: &length, count: 4)
        message.append(body)
        try writeAll(fd, message)
        let header = try readExactly(fd, 4)
        let size = Int(UInt32(littleEndian: header.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        guard size <= Self.maximumAnswer else { throw LogtestError.transport("\(path): answer of \(size) bytes is too large") }
        return try readExactly(fd, size)
    }

    private func writeAll(_ fd: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw LogtestError.transport("\(path): write failed: \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
    }

    private func readExactly(_ fd: Int32, _ count: Int) throws -> Data {
        var data = Data(count: count)
        var offset = 0
        try data.withUnsafeMutableBytes { raw in
            while offset < count {
                let n = recv(fd, raw.baseAddress! + offset, count - offset, 0)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw LogtestError.transport("\(path): the manager closed the connection after \(offset) of \(count) bytes") }
                offset += n
            }
        }
        return data
    }
}
