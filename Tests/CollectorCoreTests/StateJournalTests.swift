import CollectorCore
import Foundation
import Testing

@Suite struct StateJournalTests {
    @Test func committedTransactionsSurviveAReopen() throws {
        let s = Scratch()
        let url = s.url.appendingPathComponent("t.journal")
        let j = try StateJournal(url: url, durable: false)
        _ = try j.load()
        var t = StateTransaction(time: now)
        t.contentIds = ["blob 1%"]
        t.recordKeys = [RecordKey(id: "a"), RecordKey(id: "b")]
        t.sinkOffsets = [("jsonl:/x y", 42)]
        try j.commit(t)
        var c = StateTransaction(time: now)
        c.checkpoints = [("Audit.Exchange", 1234)]
        try j.commit(c)
        let state = try StateJournal(url: url, durable: false).load()
        #expect(state.ledger.keys.sorted() == ["blob 1%"])
        #expect(state.delivered.count == 2 && state.delivered.contains(RecordKey(id: "a")) && !state.delivered.contains(RecordKey(id: "c")))
        #expect(state.sinkOffsets == ["jsonl:/x y": 42])
        #expect(state.checkpoints == ["Audit.Exchange": 1234])
        let attrs = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aTornTailIsIgnoredAndCutOff() throws {
        let s = Scratch()
        let url = s.url.appendingPathComponent("t.journal")
        let j = try StateJournal(url: url, durable: false)
        _ = try j.load()
        var t = StateTransaction(time: now)
        t.contentIds = ["done"]
        try j.commit(t)
        let good = try Data(contentsOf: url)
        // A crash in the middle of the next append.
        let torn = good + Data("T \(now)\nB half\nI 0000".utf8)
        try torn.write(to: url)
        let j2 = try StateJournal(url: url, durable: false)
        let state = try j2.load()
        #expect(state.ledger.keys.sorted() == ["done"])
        #expect(try Data(contentsOf: url) == good)
        // And appending after recovery works.
        var t2 = StateTransaction(time: now)
        t2.contentIds = ["next"]
        try j2.commit(t2)
        #expect(try StateJournal(url: url, durable: false).load().ledger.keys.sorted() == ["done", "next"])
    }

    @Test func recordKeyIndexGrowsAndPrunes() {
        var index = RecordKeyIndex(capacity: 4)
        for i in 0..<10_000 { index.insert(RecordKey(id: "id-\(i)"), day: UInt16(i % 10)) }
        index.insert(RecordKey(hi: 0, lo: 0), day: 9)
        index.insert(RecordKey(id: "id-5"), day: 99)  // present: keeps its first day
        #expect(index.count == 10_001)
        #expect(index.day(of: RecordKey(id: "id-5")) == 5)
        #expect((0..<10_000).allSatisfy { index.contains(RecordKey(id: "id-\($0)")) })
        #expect(!index.contains(RecordKey(id: "id-10000")))
        #expect(index.removeAll(before: 5) == 5_000)
        #expect(index.count == 5_001 && !index.contains(RecordKey(id: "id-3")) && index.contains(RecordKey(id: "id-7")))
        #expect(index.contains(RecordKey(hi: 0, lo: 0)))
    }

    @Test func stateDirectoryIsPrivate() throws {
        let s = Scratch()
        let dirURL = s.url.appendingPathComponent("state")
        _ = try StateDirectory(url: dirURL)
        let attrs = try FileManager.default.attributesOfItem(atPath: dirURL.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o700)
    }
}

@Suite struct RetryPolicyTests {
    @Test func retryAfterIsAFloorAndBackoffIsBounded() {
        let p = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 30, maxRetryAfter: 120)
        for attempt in 1...6 {
            #expect(p.delay(attempt: attempt, retryAfter: 3) >= 3)
            #expect(p.delay(attempt: attempt, retryAfter: 500) >= 120 && p.delay(attempt: attempt, retryAfter: 500) <= 132)
            let d = p.delay(attempt: attempt, retryAfter: nil)
            let cap = min(30, 0.5 * Double(1 << (attempt - 1)))
            #expect(d >= cap / 2 && d <= cap)
        }
    }

    @Test func endpointPolicy() {
        #expect(EndpointPolicy.isLoopback("127.0.0.1") && EndpointPolicy.isLoopback("127.1.2.3") && EndpointPolicy.isLoopback("[::1]") && EndpointPolicy.isLoopback("localhost"))
        #expect(!EndpointPolicy.isLoopback("127.0.0.1.evil.com") && !EndpointPolicy.isLoopback("10.0.0.1"))
        let api = URL(string: "https://manage.office.com")!
        #expect(EndpointPolicy.isSameOrigin(URL(string: "https://manage.office.com:443/api/v1.0/x")!, as: api))
        #expect(!EndpointPolicy.isSameOrigin(URL(string: "https://manage.office.com.evil.com/api")!, as: api))
        #expect(!EndpointPolicy.isSameOrigin(URL(string: "http://manage.office.com/api")!, as: api))
        #expect(!EndpointPolicy.isSameOrigin(URL(string: "https://manage.office.com:8443/api")!, as: api))
    }
}
