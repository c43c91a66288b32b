import AsyncHTTPClient
import CollectorCore
import CollectorTestSupport
import Foundation
import NIOCore
import Testing

/// Connect failures, clock skew, records without an Id.
@Suite(.serialized) struct KnownGapsTests {
    /// A loopback port nothing listens on (bound, read, closed).
    func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        close(fd)
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// With a 10-minute connect timeout, a refused connection must still fail at once (the pool
    /// does not keep reconnecting until the timeout), so the retry policy's backoff is what paces
    /// the tries. Were it waited out, the time limit would fail the test.
    @Test(.timeLimit(.minutes(1))) func aRefusedConnectionFailsAtOnceEveryTry() async throws {
        let http = HTTPTransport(client: HTTPTransport.makeClient(connectTimeout: .minutes(10)))
        let url = URL(string: "http://127.0.0.1:\(closedPort())/x")!
        for _ in 0..<3 {
            await #expect {
                _ = try await http.send(.GET, url, headers: [])
            } throws: { error in
                !"\(error)".contains("connectTimeout")
            }
        }
        try await http.client.shutdown()
    }

    /// Our clock 3 hours behind the API's, then 3 hours ahead: windows follow the API's clock,
    /// so a blob created 10 minutes ago is listed, and no window ends in the API's future.
    @Test(arguments: [-3 * 3_600.0, 3 * 3_600.0]) func windowsFollowTheAPIClock(localError: Double) async throws {
        let emu = APIEmulator()
        let blob = EmulatedBlob(contentId: "recent", created: now - 600, body: .generated(seed: 77, count: 5))
        emu.add([blob], contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let collector = Collector(config: emulatorConfig(emu, scratch: s), environment: [:], retry: testRetry,
                                  localClock: { Date().timeIntervalSince1970 + localError }, log: TestLog.log)
        #expect(await collector.run(once: true) == .complete)
        #expect(Set(jsonlIds(s.url.appendingPathComponent("events.jsonl"))) == Set(blob.generatedIds))
        #expect(emu.log.rejectedWindows == 0)
        let realNow = Int64(Date().timeIntervalSince1970)
        #expect(emu.log.windows.allSatisfy { $0.1 <= realNow + 5 })
    }

    @Test func recordsWithoutAnIdAreDeliveredOnceByTheirContent() async throws {
        let ct = formatTime(now - 900)
        let a = #"{"CreationTime":"\#(ct)","Operation":"Repeated","N":1}"#
        let b = #"{"CreationTime":"\#(ct)","Operation":"Other","N":2}"#
        let c = #"{"CreationTime":"\#(ct)","Operation":"Other","N":3}"#
        let emu = APIEmulator()
        emu.add([EmulatedBlob(contentId: "one", created: now - 800, body: .raw(Array("[\(a),\(b)]".utf8))),
                 EmulatedBlob(contentId: "two", created: now - 700, body: .raw(Array("[\(a),\(c),\(a)]".utf8)))],
                contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let config = emulatorConfig(emu, scratch: s)
        #expect(await runOnce(config) == .complete)
        #expect(await runOnce(config) == .complete)
        let lines = try String(contentsOf: s.url.appendingPathComponent("events.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.sorted() == [a, b, c].sorted())
    }
}

@Suite struct ServerClockTests {
    @Test func theDateHeaderCorrectsNowAndSmallSkewIsIgnored() {
        let local = 1_700_000_000.25
        let clock = ServerClock(local: { local }, log: TestLog.log)
        #expect(clock.now() == 1_700_000_000)
        clock.observe(dateHeader: "Tue, 14 Nov 2023 22:13:20 GMT")  // 1,700,000,000
        #expect(clock.skew == 0)
        clock.observe(dateHeader: "Wed, 15 Nov 2023 01:13:20 GMT")  // 3 h ahead
        #expect(clock.now() == 1_700_000_000 + 10_800)
        clock.observe(dateHeader: "not a date")
        #expect(clock.now() == 1_700_000_000 + 10_800)
        clock.observe(dateHeader: "Tue, 14 Nov 2023 22:12:20 GMT")  // 1 min behind
        #expect(clock.now() == 1_700_000_000 - 60)
    }
}

@Suite struct HTTPDateTests {
    static let oracle: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }()

    /// Property: every IMF-fixdate Foundation writes, from 1970 to 2199, parses back to its second.
    @Test func parsesWhatFoundationFormats() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let epoch = Int64.random(in: 0..<7_258_118_400, using: &rng)
            let text = Self.oracle.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
            #expect(HTTPDate.parse(text) == epoch, "\(text)")
        }
    }

    /// Property: changing any one character of a valid date gives nil or a date Foundation agrees with.
    @Test func mutationsAreRefusedOrAgreeWithFoundation() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789 ,:GMTJanFebXyz-+".utf8)
        for _ in 0..<5_000 {
            var b = Array(Self.oracle.string(from: Date(timeIntervalSince1970: TimeInterval(Int64.random(in: 0..<4_000_000_000, using: &rng)))).utf8)
            b[Int.random(in: 0..<b.count, using: &rng)] = alphabet.randomElement(using: &rng)!
            let text = String(decoding: b, as: UTF8.self)
            if let parsed = HTTPDate.parse(text), let expected = Self.oracle.date(from: text) {
                #expect(parsed == Int64(expected.timeIntervalSince1970), "\(text)")
            }
        }
        for bad in ["", "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                    "Sun, 06 Nov 1994 24:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT"] {
            #expect(HTTPDate.parse(bad) == nil, "\(bad)")
        }
    }
}
