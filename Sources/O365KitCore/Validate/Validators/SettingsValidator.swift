/// Settings that only mean something against the catalog: a `levels.tactics` key must be an
/// ATT&CK tactic's short name, or its level silently never applies (`credential_access`
/// for `credential-access` dropped 9 rules from level 7 to 5).
struct SettingsValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        project.settings.levelTacticKeys.compactMap { key in
            guard project.catalog.tactic(shortname: key.value) == nil else { return nil }
            let near = project.catalog.tactics.map(\.shortname).first { $0 == key.value.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-") }
            return .error("bad-settings", "levels.tactics names '\(key.value)', which is no ATT&CK tactic" + (near.map { "; did you mean '\($0)'?" } ?? "; tactics are written as in ATT&CK, e.g. credential-access"), at: key.location)
        }
    }
}
