import Foundation
import Testing
@testable import O365KitCore

/// The archives: reproducible tar + gzip, the right members, checksums that match.
@Suite struct PackagingTests {
    static func build() throws -> (TestProject, Generation) {
        let project = try TestProject()
        let (generation, diagnostics) = project.generate()
        return (project, try #require(generation, "\(DiagnosticFormatter.text(diagnostics.sorted))"))
    }

    func file(_ generation: Generation, _ path: String) throws -> RenderedFile {
        try #require(generation.files.first { $0.path == path }, "\(path) not generated")
    }

    @Test func gzipHasAFixedHeaderAndRoundTrips() throws {
        let input = Data("o365kit\n".utf8) + Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let compressed = try Gzip.compress(input)
        // magic, deflate, no name/comment flags, mtime 0, XFL 2, OS 3
        #expect(Array(compressed.prefix(10)) == [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 3])
        #expect(try Gzip.decompress(compressed) == input)
        #expect(try Gzip.compress(input) == compressed)
        var corrupt = compressed
        corrupt[corrupt.count - 6] ^= 0xFF
        #expect(throws: (any Error).self) { try Gzip.decompress(corrupt) }
    }

    @Test func systemGunzipAndTarReadOurArchives() throws {
        let (project, generation) = try Self.build()
        let package = try file(generation, PackagePaths.splunk(generation.project.settings))
        let url = project.url("app.tgz")
        try package.data.write(to: url)
        let listing = try run("tar", ["-tzf", url.path])
        let entries = try TarArchive.read(try Gzip.decompress(package.data))
        #expect(listing.split(separator: "\n").map(String.init) == entries.map(\.path))
        #expect(try run("gzip", ["-t", url.path]) == "")
    }

    @Test func splunkPackageHoldsExactlyTheAppFolder() throws {
        let (_, generation) = try Self.build()
        let settings = generation.project.settings
        let entries = try TarArchive.read(try Gzip.decompress(try file(generation, PackagePaths.splunk(settings)).data))
        let root = SplunkAppPaths.root(settings.packageName)
        let expected = generation.files.filter { $0.path.hasPrefix(root) }
        let members = entries.filter { !$0.isDirectory }
        #expect(members.map(\.path) == expected.map { "o365kit/" + $0.path.dropFirst(root.count) }.sorted())
        for member in members {
            #expect(member.data == expected.first { "o365kit/" + $0.path.dropFirst(root.count) == member.path }?.data)
        }
        #expect(entries.map(\.path) == entries.map(\.path).sorted())
        #expect(entries.first?.path == "o365kit/")
        for entry in entries {
            #expect(entry.mtime == 0 && entry.uid == 0 && entry.gid == 0 && entry.owner.isEmpty && entry.group.isEmpty)
            #expect(entry.mode == (entry.isDirectory ? 0o755 : 0o644))
            #expect(!entry.path.hasPrefix("./") && !entry.path.split(separator: "/").contains { $0.hasPrefix(".") })
        }
        for required in ["o365kit/default/app.conf", "o365kit/app.manifest", "o365kit/metadata/default.meta", "o365kit/README.md",
                         "o365kit/default/macros.conf", "o365kit/default/props.conf", "o365kit/default/transforms.conf"] {
            #expect(members.contains { $0.path == required }, "\(required)")
        }
    }

    @Test func wazuhPackageHoldsRulesListsTestsAndInstall() throws {
        let (_, generation) = try Self.build()
        let settings = generation.project.settings
        let entries = try TarArchive.read(try Gzip.decompress(try file(generation, PackagePaths.wazuh(settings)).data))
        let paths = Set(entries.filter { !$0.isDirectory }.map(\.path))
        let root = PackagePaths.wazuhRoot(settings)
        #expect(paths == Set(generation.files.filter { $0.path.hasPrefix("wazuh/") }.map { root + $0.path.dropFirst("wazuh/".count) }))
        for member in ["INSTALL", "rules/9100-o365kit_mappings.xml", "lists/o365kit-logon-errors", "tests/o365kit.ini"] {
            #expect(paths.contains(root + member), "\(member)")
        }
        let install = try file(generation, WazuhPackageFiles.install).contents
        #expect(install.contains("<list>etc/lists/o365kit-logon-errors</list>"))
        #expect(install.contains("PUT /rules/files/9100-o365kit_mappings.xml?overwrite=true"))
    }

    @Test func sameInputSameBytesAndChecksumsMatch() throws {
        let (project, first) = try Self.build()
        let second = try #require(project.generate().0)
        let settings = first.project.settings
        for path in [PackagePaths.splunk(settings), PackagePaths.wazuh(settings), PackagePaths.checksums] {
            #expect(try file(first, path).data == file(second, path).data, "\(path)")
        }
        let sums = try file(first, PackagePaths.checksums).contents
        for path in [PackagePaths.splunk(settings), PackagePaths.wazuh(settings)] {
            let name = String(path.dropFirst(PackagePaths.folder.count))
            #expect(sums.contains("\(sha256Hex(try file(first, path).data))  \(name)\n"))
        }
        // A new row changes both packages; the version in their names comes from o365kit.yaml.
        try project.write("mappings/operations.csv", try project.read("mappings/operations.csv") + "Zz-Test-NewOperation,Exchange,T1564.008,,a row added by the test,test\n")
        try project.write("mappings/o365kit.yaml", try project.read("mappings/o365kit.yaml").replacingOccurrences(of: "version: 0.1.0", with: "version: 0.2.0"))
        let third = try #require(project.generate().0)
        #expect(third.files.contains { $0.path == "packages/o365kit-0.2.0.tgz" })
        #expect(third.files.contains { $0.path == "packages/o365kit-wazuh-0.2.0.tar.gz" })
        #expect(!third.files.contains { $0.path == PackagePaths.splunk(settings) })
        let app = try TarArchive.read(try Gzip.decompress(try file(third, "packages/o365kit-0.2.0.tgz").data))
        let conf = try #require(app.first { $0.path == "o365kit/default/app.conf" })
        #expect(String(decoding: conf.data, as: UTF8.self).contains("version = 0.2.0"))
    }

    @Test func savedSearchesOfTheDetectionsStageAreShippedAndChecked() throws {
        let (_, generation) = try Self.build()
        let settings = generation.project.settings
        let searches = RenderedFile(path: SplunkAppPaths.savedSearches(settings.packageName), contents: """
            [o365kit - Test detection]
            search = `o365kit_source` Operation="New-InboxRule" \\
            | lookup o365kit_operation_attack Operation OUTPUT o365kit_technique_id
            cron_schedule = */10 * * * *
            dispatch.earliest_time = -20m@m
            dispatch.latest_time = -10m@m
            enableSched = 1

            """)
        let files = generation.files.filter { !$0.path.hasPrefix(PackagePaths.folder) && $0.path != OutputWriter.manifestName } + [searches]
        #expect(verifySplunkApp(files, appID: settings.packageName, outputRoot: "output/").isEmpty)
        let diagnostics = DiagnosticCollector()
        var translation = try #require(generation.translation(of: SplunkTarget.self))
        let package = SplunkTarget().package(files, &translation, model: generation.model, templates: generation.model.templates, diagnostics: diagnostics)
        let app = try #require(package.archive)
        #expect(app.path == PackagePaths.splunk(settings))
        let member = try TarArchive.read(try Gzip.decompress(app.data)).first { $0.path == "o365kit/default/savedsearches.conf" }
        #expect(member?.data == searches.data)
    }

    @Test func hiddenOrDotPathsAreRefused() {
        #expect(throws: (any Error).self) { try TarArchive.make([(path: "o365kit/.DS_Store", data: Data())]) }
        #expect(throws: (any Error).self) { try TarArchive.make([(path: "./o365kit/a", data: Data())]) }
        #expect(throws: (any Error).self) { try TarArchive.make([(path: "o365kit//a", data: Data())]) }
    }

    @Test func longPathsUseTheUstarPrefix() throws {
        let path = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 90) + ".csv"
        let entries = try TarArchive.read(try TarArchive.make([(path: path, data: Data("x".utf8))]))
        #expect(entries.last?.path == path)
        #expect(entries.last?.data == Data("x".utf8))
    }
}

/// Runs a system tool and returns its standard output; fails on a non-zero exit.
func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return String(decoding: data, as: UTF8.self)
}
