import CollectorCore
import CollectorTestSupport
import Crypto
import _CryptoExtras
import Foundation
import Testing

/// The collector in-process against the loopback API emulator, with faults.
@Suite(.serialized) struct CollectorEmulatorTests {
    func blobs(_ n: Int, records: Int, seedBase: Int = 1, prefix: String = "b", ageSeconds: Int64 = 7_200) -> [EmulatedBlob] {
        (0..<n).map { EmulatedBlob(contentId: "\(prefix)\($0)", created: now - ageSeconds + Int64($0), body: .generated(seed: seedBase + $0, count: records)) }
    }

    func expectedIds(_ blobs: [EmulatedBlob]) -> Set<String> { Set(blobs.flatMap(\.generatedIds)) }

    @Test func happyPathWithPaginationDeliversEverythingOnce() async throws {
        let emu = APIEmulator(pageSize: 7)
        let all = blobs(30, records: 20)
        emu.add(all, contentType: "Audit.Exchange")
        emu.faults { $0.nextPageHeader = "NextPageUrl" }  // the old spelling
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let config = emulatorConfig(emu, scratch: s)
        #expect(await runOnce(config) == .complete)
        let ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(ids.count == 600)
        #expect(Set(ids) == expectedIds(all))
        #expect(emu.log.pagesServed >= 5)
        #expect(emu.log.rejectedWindows == 0)
        #expect(emu.log.subscriptionStarts == ["Audit.Exchange"])
        #expect(emu.log.windows.allSatisfy { $0.1 - $0.0 <= 86_400 })
        // Records are the blob's bytes, not re-encoded: the escaped \r\n of OriginatingServer survives as written.
        let text = try String(contentsOf: s.url.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(text.contains(#""OriginatingServer":"DM6PR11MB1234 (15.20.4200.000)\r\n","#))
        // A second pass re-lists the overlap and delivers nothing new.
        #expect(await runOnce(config) == .complete)
        #expect(jsonlIds(s.url.appendingPathComponent("events.jsonl")).count == 600)
        #expect(emu.log.blobFetches.values.allSatisfy { $0 == 1 })
        // State files (database, its WAL, locks) are private and hold no secret.
        let tenants = s.url.appendingPathComponent("state/tenants")
        let files = try FileManager.default.contentsOfDirectory(atPath: tenants.path)
        #expect(files.contains("contoso.sqlite"))
        for f in files {
            let url = tenants.appendingPathComponent(f)
            #expect((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) == 0o600, "\(f)")
            #expect((try Data(contentsOf: url)).range(of: Data("s3cr3t".utf8)) == nil, "\(f)")
        }
    }

    @Test func throttlingAndServerErrorsAreRetried() async throws {
        let emu = APIEmulator()
        let all = blobs(6, records: 5)
        emu.add(all, contentType: "Audit.Exchange")
        emu.faults {
            $0.throttle["b0"] = 1          // 429 + Retry-After: 1
            $0.throttleAF429["b1"] = 2     // 403 AF429
            $0.unavailable["b2"] = 2       // 503
            $0.listingUnavailable = 1
        }
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let started = Date()
        #expect(await runOnce(emulatorConfig(emu, scratch: s)) == .complete)
        #expect(Date().timeIntervalSince(started) >= 1.0)  // Retry-After was honoured
        #expect(Set(jsonlIds(s.url.appendingPathComponent("events.jsonl"))) == expectedIds(all))
        #expect(emu.log.blobFetches["b0"] == 2 && emu.log.blobFetches["b1"] == 3 && emu.log.blobFetches["b2"] == 3)
    }

    @Test func persistentFailureLeavesTheCheckpointAndExitsNonZero() async throws {
        let emu = APIEmulator()
        let all = blobs(3, records: 4)
        emu.add(all, contentType: "Audit.Exchange")
        emu.faults { $0.unavailable["b1"] = 100 }
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let config = emulatorConfig(emu, scratch: s)
        #expect(await runOnce(config) == .incomplete)
        #expect(jsonlIds(s.url.appendingPathComponent("events.jsonl")).count == 8)
        // Once the service recovers, the next pass picks up exactly what was missing.
        emu.faults { $0.unavailable = [:] }
        #expect(await runOnce(config) == .complete)
        let ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(ids.count == 12 && Set(ids) == expectedIds(all))
        #expect(emu.log.blobFetches["b0"] == 1)
    }

    @Test func tokenRevokedMidRunIsRenewedOnce() async throws {
        let emu = APIEmulator()
        let all = blobs(10, records: 3)
        emu.add(all, contentType: "Audit.Exchange")
        emu.faults { $0.revokeTokensAfter = 5 }
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        #expect(await runOnce(emulatorConfig(emu, scratch: s)) == .complete)
        #expect(emu.log.tokenRequests == 2)
        #expect(emu.log.unauthorized >= 1)
        #expect(Set(jsonlIds(s.url.appendingPathComponent("events.jsonl"))) == expectedIds(all))
    }

    @Test func malformedBlobFailsOnlyThatBlob() async throws {
        let emu = APIEmulator()
        let good = blobs(4, records: 5)
        emu.add(good, contentType: "Audit.Exchange")
        emu.add([EmulatedBlob(contentId: "bad1", created: now - 3_000, body: .raw(Array(#"{"error":"not an array"}"#.utf8))),
                 EmulatedBlob(contentId: "bad2", created: now - 2_900, body: .raw(Array(#"[{"Id":"x"},{"Id":"#.utf8)))],
                contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        #expect(await runOnce(emulatorConfig(emu, scratch: s)) == .incomplete)
        let ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(Set(ids) == expectedIds(good) && ids.count == 20)
    }

    @Test func duplicatesAcrossListingsAndBlobsAreDroppedAndLateBlobsFound() async throws {
        let emu = APIEmulator(pageSize: 3)
        let first = blobs(5, records: 4)
        // A blob re-carrying records already delivered (Microsoft does this: same Id, same
        // CreationTime) plus new ones.
        let again = EmulatedBlob(contentId: "again", created: now - 5_000, body: .generated(seed: 1, count: 6), recordsCreated: first[0].created)
        emu.add(first + [again], contentType: "Audit.Exchange")
        emu.faults { $0.duplicateListing = true }
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let config = emulatorConfig(emu, scratch: s)
        #expect(await runOnce(config) == .complete)
        var ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(ids.count == Set(ids).count)
        #expect(Set(ids) == expectedIds(first + [again]))
        // A late blob: created before the checkpoint, listed only now.
        let late = EmulatedBlob(contentId: "late", created: now - 60, body: .generated(seed: 500, count: 7))
        emu.add([late], contentType: "Audit.Exchange")
        #expect(await runOnce(config) == .complete)
        ids = jsonlIds(s.url.appendingPathComponent("events.jsonl"))
        #expect(ids.count == Set(ids).count)
        #expect(Set(ids) == expectedIds(first + [again, late]))
    }

    @Test func foreignHostContentURIIsNeverFetched() async throws {
        let emu = APIEmulator()
        let foreign = APIEmulator()  // a second server standing in for another host
        try await foreign.start()
        let good = blobs(2, records: 3)
        emu.add(good + [EmulatedBlob(contentId: "evil", created: now - 100, body: .generated(seed: 99, count: 3), foreignBase: foreign.baseURL)],
                contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop(); await foreign.stop() } }
        let s = Scratch()
        #expect(await runOnce(emulatorConfig(emu, scratch: s)) == .incomplete)
        #expect(foreign.log.requests.isEmpty)
        #expect(emu.log.blobFetches["evil"] == nil)
        #expect(Set(jsonlIds(s.url.appendingPathComponent("events.jsonl"))) == expectedIds(good))
    }

    @Test func expiredBlobIsReportedLost() async throws {
        let emu = APIEmulator()
        emu.add([EmulatedBlob(contentId: "gone", created: now - 500, body: .generated(seed: 1, count: 2), expiration: now - 10)], contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        #expect(await runOnce(emulatorConfig(emu, scratch: s)) == .incomplete)
        #expect(emu.log.blobFetches["gone"] == nil)
    }

    @Test func certificateAuthentication() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certDER = Array("a certificate's DER bytes".utf8)
        let emu = APIEmulator(clientSecret: nil, certificate: (Base64URL.encode(Array(SHA256.hash(data: certDER))), key.publicKey))
        let all = blobs(2, records: 3)
        emu.add(all, contentType: "Audit.General")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        _ = s.write("cert.pem", "-----BEGIN CERTIFICATE-----\n\(Data(certDER).base64EncodedString())\n-----END CERTIFICATE-----\n")
        _ = s.write("key.pem", key.pemRepresentation)
        for algorithm in ["PS256", "RS256"] {
            let config = emulatorConfig(emu, scratch: s, contentTypes: ["Audit.General"],
                                        auth: "      certificate_file: ./cert.pem\n      private_key_file: ./key.pem\n      assertion_algorithm: \(algorithm)")
            #expect(await runOnce(config) == .complete)
        }
        #expect(emu.log.certificateTokens == 2)
        #expect(Set(jsonlIds(s.url.appendingPathComponent("events.jsonl"))) == expectedIds(all))
    }

    @Test func wrongSecretFailsWithoutLeakingIt() async throws {
        let emu = APIEmulator(clientSecret: "the-right-one")
        emu.add(blobs(1, records: 1), contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        #expect(await runOnce(emulatorConfig(emu, scratch: s)) == .incomplete)
        #expect(jsonlIds(s.url.appendingPathComponent("events.jsonl")).isEmpty)
    }

    @Test func oldCheckpointIsClampedToTheSevenDayHorizon() async throws {
        let emu = APIEmulator()
        let all = blobs(3, records: 2, ageSeconds: 6 * 86_400)
        emu.add(all, contentType: "Audit.Exchange")
        try await emu.start()
        defer { Task { await emu.stop() } }
        let s = Scratch()
        let config = emulatorConfig(emu, scratch: s, lookback: "7d")
        #expect(await runOnce(config) == .complete)
        #expect(emu.log.rejectedWindows == 0)
        #expect(emu.log.windows.count >= 7)
        #expect(Set(jsonlIds(s.url.appendingPathComponent("events.jsonl"))) == expectedIds(all))
    }
}
