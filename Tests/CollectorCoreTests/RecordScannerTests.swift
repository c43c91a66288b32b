import CollectorCore
import Foundation
import Testing

@Suite struct RecordScannerTests {
    func scan(_ s: String) throws -> [ScannedRecord] { try RecordScanner.scan(Array(s.utf8)) }

    func fails(_ s: String) -> Bool {
        (try? scan(s)) == nil
    }

    @Test func findsRecordsIdsAndCreationTimeAsBytes() throws {
        let text = #" [ {"Id":"5D3A0B8E-1F2C-4A5B-9C8D-7E6F5A4B3C2D","Nested":{"Id":"inner"},"CreationTime":"2020-02-10T15:13:13"} ,{"x":[1,-2.5e3,true,null,"\u00e9\""]},{}]"#
        let bytes = Array(text.utf8)
        let records = try RecordScanner.scan(bytes)
        #expect(records.count == 3)
        #expect(String(decoding: bytes[records[0].range], as: UTF8.self).hasPrefix(#"{"Id":"5D3A"#))
        #expect(String(decoding: bytes[records[0].range], as: UTF8.self).hasSuffix(#""2020-02-10T15:13:13"}"#))
        #expect(String(decoding: bytes[records[0].id!], as: UTF8.self) == "5D3A0B8E-1F2C-4A5B-9C8D-7E6F5A4B3C2D")
        #expect(String(decoding: bytes[records[0].creationTime!], as: UTF8.self) == "2020-02-10T15:13:13")
        #expect(records[1].id == nil)
        #expect(records[2].isEmptyObject)
        #expect(!records[0].hasLineBreaks)
    }

    @Test func onlyTopLevelIdCounts() throws {
        let r = try scan(#"[{"Actor":[{"Id":"nested"}],"Id":"top"}]"#)
        let bytes = Array(#"[{"Actor":[{"Id":"nested"}],"Id":"top"}]"#.utf8)
        #expect(String(decoding: bytes[r[0].id!], as: UTF8.self) == "top")
    }

    @Test func rejectsWhatIsNotAnArrayOfObjects() {
        #expect(fails(""))
        #expect(fails(#"{"Id":"a"}"#))
        #expect(fails(#"[{"Id":"a"}, 3]"#))
        #expect(fails(#"[{"Id":"a"}"#))               // truncated
        #expect(fails(#"[{"Id":"a}]"#))               // unterminated string
        #expect(fails(#"[{"Id":"a"} {"Id":"b"}]"#))   // missing comma
        #expect(fails(#"[{"Id":01}]"#))               // bad number
        #expect(fails(#"[{"Id":tru}]"#))
        #expect(fails(#"[{"a":"\q"}]"#))              // bad escape
        #expect(fails("[{\"a\":\"line\nbreak\"}]"))   // raw control character in a string
        #expect(fails(#"[{"a":1}] trailing"#))
        #expect(fails(String(repeating: "[", count: 300) + "{}" ))
        #expect(!fails("[]"))
        #expect(!fails(" [ ] \n"))
    }

    @Test func notesLineBreaksBetweenTokens() throws {
        let r = try scan("[{\"Id\": \"a\",\r\n  \"b\": 1}]")
        #expect(r[0].hasLineBreaks)
    }

    /// Real records (Microsoft docs, Wazuh and Elastic test fixtures) beside the repository.
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/o365-samples").standardizedFileURL

    @Test(.enabled(if: FileManager.default.fileExists(atPath: samples.path), "needs ../shared/o365-samples beside the repository"))
    func scansEveryPublishedSampleRecord() throws {
        let dir = Self.samples
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".jsonl") }
        var total = 0
        for f in files {
            let lines = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8).split(separator: "\n").map(String.init)
            let blob = "[" + lines.joined(separator: ",") + "]"
            let bytes = Array(blob.utf8)
            let records = try RecordScanner.scan(bytes)
            #expect(records.count == lines.count)
            for (r, line) in zip(records, lines) {
                // Byte-identical to the input: nothing re-encoded.
                #expect(Array(bytes[r.range]) == Array(line.utf8))
                let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let id = obj?["Id"] as? String, r.id != nil, !r.idHasEscapes {
                    #expect(String(decoding: bytes[r.id!], as: UTF8.self) == id)
                }
            }
            total += records.count
        }
        #expect(total > 100)
    }

    @Test func recordKeysIgnoreGUIDCaseAndHashOtherIds() {
        #expect(RecordKey(id: "5d3a0b8e-1f2c-4a5b-9c8d-7e6f5a4b3c2d") == RecordKey(id: "5D3A0B8E-1F2C-4A5B-9C8D-7E6F5A4B3C2D"))
        #expect(RecordKey(id: "5d3a0b8e-1f2c-4a5b-9c8d-7e6f5a4b3c2d").hex == "5d3a0b8e1f2c4a5b9c8d7e6f5a4b3c2d")
        #expect(RecordKey(id: "not-a-guid") != RecordKey(id: "not-a-guid2"))
        let k = RecordKey(id: "anything")
        #expect(RecordKey(hex: Substring(k.hex)) == k)
    }

    @Test func parsesCreationTimes() {
        #expect(UTCTime.parse("1970-01-01T00:00:00") == 0)
        #expect(UTCTime.parse("2020-02-10T15:13:13") == 1_581_347_593)
        #expect(UTCTime.parse("2020-02-10T15:13:13.5Z") == 1_581_347_593.5)
        #expect(UTCTime.parse("2020-02-10") == 1_581_292_800)
        #expect(UTCTime.parse("2020-13-10T00:00:00") == nil)
        #expect(UTCTime.format(1_581_347_593) == "2020-02-10T15:13:13")
    }
}

@Suite struct WindowPlannerTests {
    let now: Int64 = 1_700_000_000

    @Test func firstPassUsesTheLookbackInWindowsOfAtMostADay() {
        let plan = WindowPlanner.plan(checkpoint: nil, now: now, initialLookback: 3 * 86_400 + 10, overlap: 3_600)
        #expect(plan.windows.count == 4)
        #expect(plan.windows.first?.start == now - 3 * 86_400 - 10)
        #expect(plan.windows.last?.end == now)
        #expect(plan.windows.allSatisfy { $0.end - $0.start <= 86_400 && $0.end > $0.start })
        #expect(zip(plan.windows, plan.windows.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(plan.lostSpan == nil)
    }

    @Test func laterPassesRelistTheOverlap() {
        let plan = WindowPlanner.plan(checkpoint: now - 600, now: now, initialLookback: 86_400, overlap: 3_600)
        #expect(plan.windows == [ListingWindow(start: now - 4_200, end: now)])
    }

    @Test func oldCheckpointsAreClampedAndTheLostSpanNamed() {
        let plan = WindowPlanner.plan(checkpoint: now - 10 * 86_400, now: now, initialLookback: 86_400, overlap: 3_600)
        #expect(plan.lostSpan == ListingWindow(start: now - 10 * 86_400, end: now - WindowPlanner.horizon))
        #expect(plan.windows.first?.start == now - WindowPlanner.horizon)
        #expect(plan.windows.allSatisfy { now - $0.start <= 7 * 86_400 })
    }

    @Test func sevenDayLookbackIsNotALoss() {
        let plan = WindowPlanner.plan(checkpoint: nil, now: now, initialLookback: 7 * 86_400, overlap: 0)
        #expect(plan.lostSpan == nil)
        #expect(plan.windows.first!.start >= now - 7 * 86_400)
    }
}
