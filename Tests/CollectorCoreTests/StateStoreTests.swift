import CollectorCore
import CollectorTestSupport
import Foundation
import Logging
import Testing

@Suite struct StateStoreTests {
    @Test func aCommittedBlobSurvivesAReopenAndARolledBackOneLeavesNoTrace() throws {
        let s = Scratch()
        let url = s.url.appendingPathComponent("t.sqlite")
        let store = try StateStore(url: url, durable: true)
        try store.beginDelivery()
        #expect(try store.insert(DedupeKey(second: 10, hash: 1), legacy: nil))
        #expect(try store.insert(DedupeKey(second: 10, hash: 2), legacy: nil))
        #expect(try !store.insert(DedupeKey(second: 10, hash: 1), legacy: nil))  // repeated within the blob
        #expect(try store.insert(DedupeKey(second: 11, hash: 1), legacy: nil))  // same hash, another second
        try store.commitDelivery(contentId: "blob 1%", day: 20_000, sinkOffsets: [("jsonl:/x y", 42)])
        try store.beginDelivery()
        #expect(try store.insert(DedupeKey(second: 10, hash: 3), legacy: nil))
        store.rollback()
        try store.commitCheckpoint(contentType: "Audit.Exchange", listingStart: 1_234)

        let reopened = try StateStore(url: url, durable: false)
        #expect(try reopened.recordKeyCount() == 3)
        #expect(try reopened.isSettled(contentId: "blob 1%") && !reopened.isSettled(contentId: "blob 2"))
        #expect(try reopened.sinkOffsets() == ["jsonl:/x y": 42])
        #expect(try StateStore.sinkOffsets(at: url) == ["jsonl:/x y": 42])
        #expect(try reopened.checkpoint(contentType: "Audit.Exchange") == 1_234)
        #expect(try reopened.checkpoint(contentType: "DLP.All") == nil)
        try reopened.beginDelivery()
        #expect(try !reopened.insert(DedupeKey(second: 10, hash: 2), legacy: nil))
        #expect(try reopened.insert(DedupeKey(second: 10, hash: 3), legacy: nil))  // the rolled-back key is new
        reopened.rollback()
        for f in try FileManager.default.contentsOfDirectory(atPath: s.path) {
            #expect((try FileManager.default.attributesOfItem(atPath: s.url.appendingPathComponent(f).path)[.posixPermissions] as? Int) == 0o600, "\(f)")
        }
    }

    @Test func expiryDropsMinutesWhoseNewestKeyIsOlderThanTheHorizonOncePerDay() throws {
        let s = Scratch()
        let store = try StateStore(url: s.url.appendingPathComponent("t.sqlite"), durable: false)
        // Minute 1 (seconds 60…119) first delivered on day 100; minute 2 on day 100 and again
        // (a new key) on day 105.
        try store.beginDelivery()
        _ = try store.insert(DedupeKey(second: 61, hash: 1), legacy: nil)
        _ = try store.insert(DedupeKey(second: 119, hash: 1), legacy: nil)
        _ = try store.insert(DedupeKey(second: 120, hash: 1), legacy: nil)
        try store.commitDelivery(contentId: "old", day: 100, sinkOffsets: [])
        try store.beginDelivery()
        _ = try store.insert(DedupeKey(second: 179, hash: 2), legacy: nil)
        try store.commitDelivery(contentId: "new", day: 105, sinkOffsets: [])
        #expect(try store.expire(before: 101, today: 109) == 2)
        #expect(try store.recordKeyCount() == 2)
        #expect(try !store.isSettled(contentId: "old") && store.isSettled(contentId: "new"))
        // Already expired today: nothing more happens until tomorrow.
        #expect(try store.expire(before: 106, today: 109) == 0)
        #expect(try store.expire(before: 106, today: 110) == 2)
        #expect(try store.recordKeyCount() == 0)
    }

    @Test func aNewerSchemaIsRefusedWithTheFileNamed() throws {
        let s = Scratch()
        let url = s.url.appendingPathComponent("t.sqlite")
        do { _ = try StateStore(url: url, durable: false) }  // closed here: the WAL is folded into the file
        // Write a later schema version into the header (user_version: 4 bytes big-endian at offset 60).
        let fh = try FileHandle(forUpdating: url)
        try fh.seek(toOffset: 60)
        try fh.write(contentsOf: Data([0, 0, 0, 99]))
        try fh.close()
        #expect {
            _ = try StateStore(url: url, durable: false)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("newer o365-collector")
        }
    }

    @Test func anOldJournalIsImportedOnceAndItsIdsStillDedupe() async throws {
        let s = Scratch()
        let dir = try StateDirectory(url: s.url.appendingPathComponent("state"))
        let journal = try StateJournal(url: dir.journalURL(tenant: "contoso"), durable: false)
        _ = try journal.load()
        var t = StateTransaction(time: now)
        t.contentIds = ["blob-a"]
        t.recordKeys = [RecordKey(id: "11111111-2222-3333-4444-555555555555")]
        t.sinkOffsets = [("jsonl:/elsewhere", 99)]
        t.checkpoints = [("Audit.Exchange", now - 60)]
        try journal.commit(t)
        let coordinator = try DeliveryCoordinator(directory: dir, sinks: [], durable: false, now: now, log: TestLog.log)
        #expect(!FileManager.default.fileExists(atPath: dir.journalURL(tenant: "contoso").path))
        #expect(FileManager.default.fileExists(atPath: dir.journalURL(tenant: "contoso").path + ".imported"))
        #expect(try await coordinator.acquire(tenant: "contoso"))
        #expect(try await coordinator.isSettled(tenant: "contoso", contentId: "blob-a"))
        #expect(try await coordinator.checkpoint(tenant: "contoso", contentType: "Audit.Exchange") == now - 60)
        let blob = Array(#"[{"Id":"11111111-2222-3333-4444-555555555555","CreationTime":"2026-01-01T00:00:00"},{"Id":"x","CreationTime":"2026-01-01T00:00:00"}]"#.utf8)
        let outcome = try await coordinator.deliver(tenant: "contoso", contentType: "Audit.Exchange", contentId: "blob-b", blob: blob,
                                                    records: try RecordScanner.scan(blob))
        #expect(outcome.duplicates == 1 && outcome.delivered == 1)
        #expect(try StateStore.sinkOffsets(at: dir.databaseURL(tenant: "contoso")) == ["jsonl:/elsewhere": 99])
        await coordinator.close()
    }

    @Test func aTenantIsHeldByOneLockAtATimeAndFreedWhenReleased() async throws {
        let s = Scratch()
        let dir = try StateDirectory(url: s.url.appendingPathComponent("state"))
        let first = try DeliveryCoordinator(directory: dir, sinks: [], durable: false, now: now, log: TestLog.log)
        let second = try DeliveryCoordinator(directory: dir, sinks: [], durable: false, now: now, log: TestLog.log)
        #expect(try await first.acquire(tenant: "t"))
        #expect(try await !second.acquire(tenant: "t"))
        #expect(try await second.acquire(tenant: "u"))
        await first.release(tenant: "t")
        #expect(try await second.acquire(tenant: "t"))
    }

    @Test func aJSONLFileHasOneWriter() throws {
        let s = Scratch()
        let url = s.url.appendingPathComponent("events.jsonl")
        let sink = try JSONLSink(url: url, durable: false, log: TestLog.log)
        #expect {
            _ = try JSONLSink(url: url, durable: false, log: TestLog.log)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("another o365-collector")
        }
        _ = sink
    }
}

@Suite struct DedupeKeyTests {
    func keys(_ json: String) throws -> [DedupeKey] {
        let blob = Array(json.utf8)
        return try blob.withUnsafeBytes { raw in try RecordScanner.scan(blob).map { DedupeKey.keys(of: $0, in: raw).0 } }
    }

    @Test func theSameIdAndSecondMakeTheSameKeyWhateverTheRestOfTheRecord() throws {
        let k = try keys(#"""
        [{"Id":"AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee","CreationTime":"2026-03-01T10:20:30","Operation":"A"},
         {"CreationTime":"2026-03-01T10:20:30.999Z","Operation":"B","Id":"aaaaaaaa-BBBB-cccc-dddd-eeeeeeeeeeee"},
         {"Id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","CreationTime":"2026-03-01T10:21:00"},
         {"Id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeef","CreationTime":"2026-03-01T10:20:30"},
         {"Id":"x","CreationTime":"not a time"}]
        """#)
        #expect(k[0] == k[1])
        #expect(k[0].second == Int64(UTCTime.parse("2026-03-01T10:20:30")!))
        #expect(k[0].minute == Int64(UTCTime.parse("2026-03-01T10:20:00")! / 60))
        #expect(k[2].second == k[0].second + 30 && k[2].hash == k[0].hash)
        #expect(k[3].second == k[0].second && k[3].hash != k[0].hash)
        #expect(k[4].second == DedupeKey.unknownSecond)
    }

    @Test func recordsWithoutAnIdAreKeyedByTheirBytes() throws {
        let k = try keys(#"[{"CreationTime":"2026-03-01T10:20:30","Operation":"A"},{"CreationTime":"2026-03-01T10:20:30","Operation":"A"},{"CreationTime":"2026-03-01T10:20:30","Operation":"B"}]"#)
        #expect(k[0] == k[1] && k[0] != k[2])
    }

    /// Property: the second cached across a blob's records gives exactly the keys each record
    /// gets alone, whatever the mix of CreationTimes (including malformed ones and bare dates).
    @Test func theSecondCacheNeverChangesAKey() throws {
        let times = ["2026-03-01T10:20:30", "2026-03-01T10:20:30.123Z", "2026-03-01T10:20:59", "2026-03-01T10:21:00", "2026-03-01T10:20:3x",
                     "2026-03-01T10:20", "2026-03-01", "2026-13-01T10:20:30", "garbage-garbage-garbage", "2026-03-01T10:2"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let records = (0..<20).map { i in #"{"Id":"id-\#(i % 7)","CreationTime":"\#(times.randomElement(using: &rng)!)"}"# }
            let blob = Array("[\(records.joined(separator: ","))]".utf8)
            let scanned = try RecordScanner.scan(blob)
            blob.withUnsafeBytes { raw in
                var cache = DedupeKey.SecondCache()
                for r in scanned {
                    #expect(DedupeKey.keys(of: r, in: raw, cache: &cache).0 == DedupeKey.keys(of: r, in: raw).0)
                }
            }
        }
    }

    /// Property: Ids that differ in a single bit, as generated and sequential Ids do, never fold
    /// to the same 64-bit hash (the fold is a bijection of each half, mixed).
    @Test func nearbyIdsDoNotCollide() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let base = RecordKey(hi: rng.next(), lo: rng.next())
            var seen: Set<Int64> = [DedupeKey.hash(base)]
            for bit in 0..<64 {
                #expect(seen.insert(DedupeKey.hash(RecordKey(hi: base.hi ^ (1 << UInt64(bit)), lo: base.lo))).inserted)
                #expect(seen.insert(DedupeKey.hash(RecordKey(hi: base.hi, lo: base.lo ^ (1 << UInt64(bit))))).inserted)
            }
        }
        var all: Set<Int64> = []
        for blob in 0..<200 { for i in 0..<500 { all.insert(DedupeKey.hash(RecordKey(id: RecordFactory.id(blob: blob, index: i)))) } }
        #expect(all.count == 100_000)
    }
}
