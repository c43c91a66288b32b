import Foundation

/// A target's archive of what it generated: every file below `prefix`, moved into the
/// folder `root`. `TarArchive` + `Gzip` give the same bytes for the same files.
func archive(_ files: [RenderedFile], below prefix: String, into root: String, as path: String,
             outputRoot: String, diagnostics: DiagnosticCollector) -> RenderedFile? {
    let members = files.filter { $0.path.hasPrefix(prefix) }.map { (path: root + $0.path.dropFirst(prefix.count), data: $0.data) }
    do {
        return RenderedFile(path: path, data: try Gzip.compress(try TarArchive.make(members)))
    } catch {
        diagnostics.emit(.error("package", "cannot build \(path): \(error)", at: SourceLocation(path: outputRoot + path)))
        return nil
    }
}

/// `packages/SHA256SUMS` of every target's archive, in `sha256sum -c` format.
func checksums(of packages: [RenderedFile]) -> RenderedFile {
    let sums = packages.sorted { $0.path < $1.path }.map { "\(sha256Hex($0.data))  \($0.path.dropFirst(PackagePaths.folder.count))\n" }.joined()
    return RenderedFile(path: PackagePaths.checksums, contents: sums)
}
