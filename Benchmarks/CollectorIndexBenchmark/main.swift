import CollectorCore
import Foundation

// The Id index on its own (docs/collector.md#benchmark): inserts IDS keys into a tenant database
// the way the collector does (one transaction per 1,000-record blob, keys in CreationTime order
// at PER_DAY records a day, random 64-bit Id hashes), then probes random keys that are present
// (duplicates) and absent (new records) across the whole window, then expires the oldest day.
// Prints rates, peak RSS and the database size. Run through Benchmarks/collector-index.sh.
//
//   collector-index-bench <dir> [ids] [per-day] [durable 0|1]

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: collector-index-bench <dir> [ids=160000000] [per-day=20000000] [durable=0]\n".utf8))
    exit(64)
}
let dir = URL(fileURLWithPath: args[1])
let total = args.count > 2 ? Int(args[2])! : 160_000_000
let perDay = args.count > 3 ? Int(args[3])! : 20_000_000
let durable = args.count > 4 && args[4] == "1"
let blob = 1_000
let probes = 200_000

func status(_ field: String) -> Double {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Double(line.split(separator: " ", omittingEmptySubsequences: true)[1])! / 1024
    }
    return 0
}
func size(_ url: URL) -> Double {
    let files = [url.path, url.path + "-wal"]
    return files.reduce(0.0) { $0 + Double((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) } / 1_048_576
}
func mix(_ x0: UInt64) -> UInt64 {
    var x = x0 &+ 0x9E37_79B9_7F4A_7C15
    x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
    x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
    return x ^ (x >> 31)
}
let startSecond: Int64 = 1_740_009_600  // 2025-02-20 00:00 UTC: day-aligned, so the oldest day holds a full day of keys
/// Key number i: the i-th record of the stream, in CreationTime order.
func key(_ i: Int) -> DedupeKey {
    DedupeKey(second: startSecond + Int64(i) * 86_400 / Int64(perDay), hash: Int64(bitPattern: mix(UInt64(i))))
}
func line(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let url = dir.appendingPathComponent("bench.sqlite")
try? FileManager.default.removeItem(at: url)
let store = try StateStore(url: url, durable: durable)
line("ids=\(total) per_day=\(perDay) blob=\(blob) durable=\(durable)")
line(String(format: "%-12@ %-12@ %-12@ %-12@ %-12@", "ids" as NSString, "ids/s" as NSString, "rss_MiB" as NSString, "peak_MiB" as NSString, "db_MiB" as NSString))
var done = 0
var lastReport = Date()
var lastDone = 0
let started = Date()
let reportEvery = max(blob, total / 16)
while done < total {
    try store.beginDelivery()
    let n = min(blob, total - done)
    for k in done..<(done + n) { guard try store.insert(key(k), legacy: nil) else { fatalError("key \(k) reported present") } }
    done += n
    try store.commitDelivery(contentId: "b\(done / blob)", day: key(done - 1).second / 86_400, sinkOffsets: [("jsonl:/bench", Int64(done))])
    if done % reportEvery == 0 || done == total {
        let now = Date()
        line(String(format: "%-12d %-12.0f %-12.1f %-12.1f %-12.0f", done, Double(done - lastDone) / now.timeIntervalSince(lastReport),
                    status("VmRSS"), status("VmHWM"), size(url)))
        lastReport = now
        lastDone = done
    }
}
let insertSeconds = Date().timeIntervalSince(started)
line(String(format: "inserted %d ids in %.1f s: %.0f ids/s", total, insertSeconds, Double(total) / insertSeconds))

// Probes the way delivery does (insert in an open transaction, then roll back): present keys
// must come back as duplicates, absent ones as new.
var rng = SystemRandomNumberGenerator()
var t0 = Date()
try store.beginDelivery()
for p in 0..<probes {
    let i = Int.random(in: 0..<total, using: &rng)
    guard try !store.insert(key(i), legacy: nil) else { fatalError("present key \(i) not found") }
    if p % blob == blob - 1 { store.rollback(); try store.beginDelivery() }
}
store.rollback()
let presentRate = Double(probes) / Date().timeIntervalSince(t0)
t0 = Date()
try store.beginDelivery()
var inBatch: Set<Int> = []
for p in 0..<probes {
    var i = Int.random(in: 0..<total, using: &rng)
    // An absent key probed twice in one transaction is present the second time: draw again.
    while !inBatch.insert(i).inserted { i = Int.random(in: 0..<total, using: &rng) }
    // Same second as a present key, a hash no key has (keys use mix(i); this is mix(i) + 1).
    let k = key(i)
    guard try store.insert(DedupeKey(second: k.second, hash: k.hash &+ 1), legacy: nil) else { fatalError("absent key found") }
    if p % blob == blob - 1 { store.rollback(); try store.beginDelivery(); inBatch.removeAll(keepingCapacity: true) }
}
store.rollback()
let absentRate = Double(probes) / Date().timeIntervalSince(t0)
line(String(format: "probes over the whole window: present %.0f/s, absent %.0f/s (%d each, random)", presentRate, absentRate, probes))

// Expiry of the oldest day (a day of keys).
t0 = Date()
let firstDay = startSecond / 86_400
let dropped = try store.expire(before: firstDay + 1, today: firstDay + 9)
line(String(format: "expired the oldest day: %d keys in %.1f s", dropped, Date().timeIntervalSince(t0)))
line(String(format: "peak RSS %.1f MiB, database %.0f MiB (%.1f bytes/id)", status("VmHWM"), size(url), size(url) * 1_048_576 / Double(total)))
