import CollectorCore
import CollectorTestSupport
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

@Suite struct SinkTests {
    let blobText = #"[{"Id":"5d3a0b8e-1f2c-4a5b-9c8d-7e6f5a4b3c2d","CreationTime":"2020-02-10T15:13:13","Operation":"UserLoggedIn","N":1.50},{},{"Id":"6d3a0b8e-1f2c-4a5b-9c8d-7e6f5a4b3c2d","Big":"@BIG@"}]"#

    func batch(big: Int = 10) throws -> RecordBatch {
        let blob = Array(blobText.replacingOccurrences(of: "@BIG@", with: String(repeating: "x", count: big)).utf8)
        return RecordBatch(tenant: "contoso", contentType: "Audit.AzureActiveDirectory", contentId: "c1", blob: blob, records: try RecordScanner.scan(blob))
    }

    @Test func wazuhDatagramsUseTheNativeFormatAndSkipOversizeRecords() async throws {
        let s = Scratch()
        let path = s.url.appendingPathComponent("queue").path
        let listener = try DatagramListener(path: path)
        let sink = WazuhSink(socketPath: path, log: TestLog.log, retry: testRetry)
        let receipt = try await sink.deliver(try batch(big: 70_000))
        #expect(receipt.skipped == 1)
        let got = await listener.receive(count: 2)
        #expect(got == [
            #"1:office365:{"integration":"office365","office365":{"Id":"5d3a0b8e-1f2c-4a5b-9c8d-7e6f5a4b3c2d","CreationTime":"2020-02-10T15:13:13","Operation":"UserLoggedIn","N":1.50,"Subscription":"Audit.AzureActiveDirectory"}}"#,
            #"1:office365:{"integration":"office365","office365":{"Subscription":"Audit.AzureActiveDirectory"}}"#,
        ])
        // Every message is valid JSON after the prefix.
        for m in got { #expect((try? JSONSerialization.jsonObject(with: Data(m.dropFirst("1:office365:".count).utf8))) != nil) }
        // Under the limit, the big record goes through too.
        let r2 = try await sink.deliver(try batch(big: 60_000))
        #expect(r2.skipped == 0)
        #expect(await listener.receive(count: 3).last?.count ?? 0 > 60_000)
    }

    @Test func wazuhSinkFailsWhenNothingListens() async throws {
        let s = Scratch()
        let sink = WazuhSink(socketPath: s.url.appendingPathComponent("none").path, log: TestLog.log, retry: testRetry)
        await #expect(throws: (any Error).self) { _ = try await sink.deliver(try batch()) }
    }

    @Test func hecBatchesRetriesAndCarriesCreationTime() async throws {
        let hec = try await HECListener.start(failFirst: 1)
        defer { Task { await hec.stop() } }
        let http = HTTPTransport(client: HTTPTransport.makeClient())
        let sink = SplunkHECSink(baseURL: URL(string: hec.baseURL)!, token: Secret("tok-123"), index: "o365", batchBytes: 1_024,
                                 http: http, retry: testRetry, log: TestLog.log)
        _ = try await sink.deliver(try batch())
        try await http.client.shutdown()
        let requests = hec.requests
        #expect(requests.count >= 2)  // one 503, then the events
        #expect(requests.allSatisfy { $0.path == "/services/collector/event" && $0.auth == "Splunk tok-123" })
        let events = requests.dropFirst().flatMap { $0.body.split(separator: "\n") }.map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(events.count == 3)
        #expect(events[0]["time"] as? Double == 1_581_347_593)
        #expect(events[0]["sourcetype"] as? String == "o365:management:activity")
        #expect(events[0]["index"] as? String == "o365")
        #expect((events[0]["event"] as? [String: Any])?["Operation"] as? String == "UserLoggedIn")
        #expect(events[1]["time"] == nil)
        // The record is spliced in as received (1.50 keeps its spelling).
        #expect(requests[1].body.contains(#""N":1.50}"#))
    }

    @Test func hecRefusalFailsTheBlob() async throws {
        let hec = try await HECListener.start(failFirst: 0, status: .forbidden)
        defer { Task { await hec.stop() } }
        let http = HTTPTransport(client: HTTPTransport.makeClient())
        let sink = SplunkHECSink(baseURL: URL(string: hec.baseURL)!, token: Secret("bad"), index: nil, batchBytes: 1 << 20, http: http, retry: testRetry, log: TestLog.log)
        await #expect(throws: SinkError.self) { _ = try await sink.deliver(try batch()) }
        try await http.client.shutdown()
    }

    @Test func jsonlRecoversToTheCommittedOffsetAndRollsBack() async throws {
        let s = Scratch()
        let url = s.url.appendingPathComponent("e.jsonl")
        let committed: Int64
        do {  // the sink closes (and unlocks the file) at the end of this scope, like a process exiting
            let sink = try JSONLSink(url: url, durable: false, log: TestLog.log)
            try sink.recover(committedOffset: nil)
            _ = try await sink.deliver(try batch())
            sink.didCommit()
            committed = sink.commitPosition!.offset
            _ = try await sink.deliver(try batch())
            try sink.rollback()
            #expect(try Data(contentsOf: url).count == Int(committed))
        }
        // Uncommitted bytes left by a crash are cut at start.
        try (try Data(contentsOf: url) + Data("{\"partial".utf8)).write(to: url)
        let reopened = try JSONLSink(url: url, durable: false, log: TestLog.log)
        try reopened.recover(committedOffset: committed)
        #expect(try Data(contentsOf: url).count == Int(committed))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == "{}")
    }
}

/// A unix datagram socket standing in for Wazuh's analysisd queue.
final class DatagramListener: @unchecked Sendable {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (k, b) in path.utf8.enumerated() { buf[k] = b }
        }
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0 else { throw SinkError.failed("listener", "bind failed") }
    }

    deinit { close(fd) }

    /// Receives on a dispatch thread, so that a blocking recv never holds a cooperative-pool thread.
    func receive(count: Int) async -> [String] {
        await withCheckedContinuation { c in
            DispatchQueue.global().async { c.resume(returning: self.receiveBlocking(count: count)) }
        }
    }

    func receiveBlocking(count: Int) -> [String] {
        var out: [String] = []
        var buf = [UInt8](repeating: 0, count: 1 << 17)
        for _ in 0..<count {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(String(decoding: buf[0..<n], as: UTF8.self))
        }
        return out
    }
}

/// A loopback HTTP server standing in for Splunk HEC.
final class HECListener: Sendable {
    struct Seen: Sendable { var path: String; var auth: String; var body: String }
    private let seen = NIOLockedValueBox<[Seen]>([])
    private let failures: NIOLockedValueBox<Int>
    private let status: HTTPResponse.Status
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)
    private let portBox = NIOLockedValueBox(0)

    var requests: [Seen] { seen.withLockedValue { $0 } }
    var baseURL: String { "http://127.0.0.1:\(portBox.withLockedValue { $0 })" }

    init(failFirst: Int, status: HTTPResponse.Status) {
        failures = NIOLockedValueBox(failFirst)
        self.status = status
    }

    static func start(failFirst: Int, status: HTTPResponse.Status = .ok) async throws -> HECListener {
        let l = HECListener(failFirst: failFirst, status: status)
        let (stream, cont) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 16 << 20)
                l.seen.withLockedValue { $0.append(Seen(path: request.uri.path, auth: request.headers[.authorization] ?? "", body: String(buffer: body))) }
                let fail = l.failures.withLockedValue { n -> Bool in defer { n -= 1 }; return n > 0 }
                if fail { return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: #"{"text":"Server is busy","code":9}"#))) }
                if l.status != .ok { return Response(status: l.status, body: .init(byteBuffer: ByteBuffer(string: #"{"text":"Invalid token","code":4}"#))) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"text":"Success","code":0}"#)))
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ch in cont.yield(ch.localAddress?.port ?? 0); cont.finish() },
            logger: { var x = Logger(label: "hec"); x.logLevel = .critical; return x }()
        )
        let g = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "hec")))
        l.group.withLockedValue { $0 = g }
        Task { try? await g.run() }
        for await p in stream { l.portBox.withLockedValue { $0 = p } }
        return l
    }

    func stop() async {
        if let g = group.withLockedValue({ $0 }) { await g.triggerGracefulShutdown() }
    }
}
