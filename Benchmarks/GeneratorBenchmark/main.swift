import Foundation
import O365KitCore

// Measures `o365kit build` on the bundled tables and on synthetic operation tables of
// growing size (default 1,000 / 10,000 / 100,000 rows), one fresh process per size so
// peak memory is that size's own. Usage:
//   o365kit-bench                 run every size, one child process each
//   o365kit-bench --rows N        run one size in this process (what the children do)
//   o365kit-bench --rows bundled  the repository's own tables

let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// User + system CPU seconds of this process: steadier than wall time on a shared machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

/// A copy of the repository's project with `rows` synthetic operations, each mapped to a
/// cloud-relevant technique, plus the bundled LogonError table.
func syntheticProject(rows: Int) throws -> ProjectPaths {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-bench-\(rows)-\(getpid())")
    try? FileManager.default.removeItem(at: root)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    for folder in ["mappings", "templates"] {
        try FileManager.default.copyItem(at: repository.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
    }
    try? FileManager.default.removeItem(at: root.appendingPathComponent("mappings/rules.lock.json"))
    let techniques = ["T1078.004", "T1098.003", "T1136.003", "T1213.002", "T1114.003", "T1110.003", "T1530", "T1528"]
    var table = "operation,workload,techniques,level,rationale,source\n"
    table += "UserLoginFailed,AzureActiveDirectory,T1110,,failed sign-in,bench\n"
    for i in 0..<rows {
        table += "Synthetic-Operation-\(String(i).leftPad(7)),Exchange,\(techniques[i % techniques.count]),,synthetic row for the benchmark,bench\n"
    }
    try Data(table.utf8).write(to: root.appendingPathComponent("mappings/operations.csv"))
    // Wide enough for every synthetic row.
    let settingsURL = root.appendingPathComponent("mappings/o365kit.yaml")
    let settings = try String(contentsOf: settingsURL, encoding: .utf8).replacingOccurrences(of: "last: 106099", with: "last: 999999")
    try Data(settings.utf8).write(to: settingsURL)
    return ProjectPaths(mappings: root.appendingPathComponent("mappings"), templates: root.appendingPathComponent("templates"))
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

func measure(_ label: String, _ paths: ProjectPaths, output: URL) throws {
    let start = Date()
    let cpuStart = cpuSeconds()
    let diagnostics = DiagnosticCollector()
    guard let generation = generate(paths, diagnostics: diagnostics) else {
        print(DiagnosticFormatter.text(diagnostics.sorted))
        exit(1)
    }
    try OutputWriter(root: output).write(generation.files)
    let seconds = Date().timeIntervalSince(start)
    let cpu = cpuSeconds() - cpuStart
    if ProcessInfo.processInfo.environment["BENCH_STAGES"] != nil {
        print(generation.timings.map { String(format: "%@ %.2fs", $0.stage, $0.seconds) }.joined(separator: ", "))
    }
    let bytes = generation.files.reduce(0) { $0 + $1.contents.utf8.count }
    print(String(format: "%-9@ %7d rules  %6.2f s wall  %6.2f s CPU  %8.0f rules/s  peak RSS %6.1f MiB  output %6.1f MiB",
                 label, generation.pack.rules.count, seconds, cpu, Double(generation.pack.rules.count) / seconds, peakRSSMiB(), Double(bytes) / 1_048_576))
}

let arguments = CommandLine.arguments
if let i = arguments.firstIndex(of: "--rows"), i + 1 < arguments.count {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-bench-out-\(getpid())")
    defer { try? FileManager.default.removeItem(at: output) }
    if arguments[i + 1] == "bundled" {
        try measure("bundled", ProjectPaths(mappings: repository.appendingPathComponent("mappings"), templates: repository.appendingPathComponent("templates")), output: output)
    } else {
        let rows = Int(arguments[i + 1]) ?? 0
        let paths = try syntheticProject(rows: rows)
        defer { try? FileManager.default.removeItem(at: paths.mappings.deletingLastPathComponent()) }
        try measure(String(rows), paths, output: output)
    }
} else {
    print("o365kit build, release mode, one process per size (time includes load, validate, render, libxml2 verify and write)")
    for size in ["bundled", "1000", "10000", "100000"] {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: arguments[0])
        child.arguments = ["--rows", size]
        try child.run()
        child.waitUntilExit()
        if child.terminationStatus != 0 { exit(child.terminationStatus) }
    }
}
