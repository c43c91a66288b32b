import Foundation

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
