import Foundation

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The result of running a built executable.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an executable built by this package (`swift test` builds them all) in `directory`.
func run(_ product: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> CommandResult {
    let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var executable = binaries.appendingPathComponent(product)
    if !FileManager.default.fileExists(atPath: executable.path) {
        // XCTest on Linux runs from inside the .xctest bundle's folder.
        executable = binaries.deletingLastPathComponent().appendingPathComponent(product)
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting so a chatty process cannot block on a full pipe.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A temporary copy of the repository's mappings/ and templates/.
func temporaryProject() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("o365kit-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    for folder in ["mappings", "templates"] {
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
    }
    return root
}

/// Applies `change` to the text of `path` under `root`.
func editFile(_ root: URL, _ path: String, _ change: (String) -> String) throws {
    let url = root.appendingPathComponent(path)
    try Data(change(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
}
