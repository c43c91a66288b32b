import Foundation

/// Paths of the packages, below the output folder.
public enum PackagePaths {
    public static let folder = "packages/"
    public static let checksums = "packages/SHA256SUMS"

    public static func splunk(_ settings: ProjectSettings) -> String {
        folder + "\(settings.packageName)-\(settings.packageVersion).tgz"
    }

    public static func wazuh(_ settings: ProjectSettings) -> String {
        folder + "\(settings.packageName)-wazuh-\(settings.packageVersion).tar.gz"
    }

    /// The folder every entry of the Wazuh archive sits in.
    public static func wazuhRoot(_ settings: ProjectSettings) -> String {
        "\(settings.packageName)-wazuh-\(settings.packageVersion)/"
    }
}

/// The last stage before the manifest: archives of what the build generated, so they
/// include whatever earlier stages added (the detections' saved searches and rules too).
///
/// - `o365kit-<version>.tgz`: every file below `splunk/<app id>/`, in the folder `<app id>/`
///   as Splunk requires;
/// - `o365kit-wazuh-<version>.tar.gz`: every file below `wazuh/` (rules, lists, the ruleset
///   test file, INSTALL, the rule map) in `o365kit-wazuh-<version>/`;
/// - `SHA256SUMS` of both, in `sha256sum -c` format.
///
/// Archives are `TarArchive` + `Gzip`: the same files give the same bytes.
func buildPackages(_ files: [RenderedFile], settings: ProjectSettings, outputRoot: String, diagnostics: DiagnosticCollector) -> [RenderedFile] {
    func archive(_ prefix: String, into root: String, path: String) -> RenderedFile? {
        let members = files.filter { $0.path.hasPrefix(prefix) }.map { (path: root + $0.path.dropFirst(prefix.count), data: $0.data) }
        do {
            return RenderedFile(path: path, data: try Gzip.compress(try TarArchive.make(members)))
        } catch {
            diagnostics.emit(.error("package", "cannot build \(path): \(error)", at: SourceLocation(path: outputRoot + path)))
            return nil
        }
    }
    let appID = settings.packageName
    let packages = [
        archive(SplunkAppPaths.root(appID), into: appID + "/", path: PackagePaths.splunk(settings)),
        archive("wazuh/", into: PackagePaths.wazuhRoot(settings), path: PackagePaths.wazuh(settings)),
    ].compactMap { $0 }
    let sums = packages.sorted { $0.path < $1.path }.map { "\(sha256Hex($0.data))  \($0.path.dropFirst(PackagePaths.folder.count))\n" }.joined()
    return packages + [RenderedFile(path: PackagePaths.checksums, contents: sums)]
}

/// `wazuh/INSTALL`: the files of the Wazuh package and the `ossec.conf` lines every node needs.
func renderWazuhInstall(_ files: [RenderedFile], project: ValidatedProject, templates: TemplateSet) -> RenderedFile {
    let wazuh = files.map(\.path).filter { $0.hasPrefix("wazuh/") } + [WazuhPackageFiles.install]
    let values: [String: Any] = [
        "version": project.settings.packageVersion,
        "attackVersion": project.catalog.version,
        "profile": project.settings.profile.rawValue,
        "files": wazuh.map { String($0.dropFirst("wazuh/".count)) }.sorted(),
        "rules": wazuh.filter { $0.hasPrefix("wazuh/rules/") }.map { String($0.dropFirst("wazuh/rules/".count)) }.sorted(),
        "lists": wazuh.filter { $0.hasPrefix("wazuh/lists/") }.map { String($0.dropFirst("wazuh/lists/".count)) }.sorted(),
    ]
    return RenderedFile(path: WazuhPackageFiles.install, contents: templates.render(WazuhPackageFiles.installTemplate, values))
}
