/// The lookups of the Splunk app, made from the validated tables and the ATT&CK catalog.
///
/// Per key kind (Operation; Operation + LogonError) there are three tables, so that every
/// output field holds distinct values even when a key has several techniques spanning
/// several tactics: `…_attack` (one row per technique), `…_tactics` (one row per tactic)
/// and the key's own row (`assessment` = `attack` or `none`, and the rationale). Rows marked
/// `none` appear only in the last. LogonError lookups match Operation as well, because the
/// Wazuh rules refine only the failed-login operation. They write their own fields
/// (`o365kit_logon_error_*`), so no result depends on the order Splunk applies lookups in.
func splunkLookups(_ project: ValidatedProject) -> [SplunkLookup] {
    let catalog = project.catalog
    let failedLogin = project.settings.logonErrorOperation
    func tacticNames(_ ids: [String]) -> [String] {
        tactics(of: ids, in: catalog).compactMap { catalog.tactic(shortname: $0)?.name }
    }
    func assessment(_ a: TechniqueAssignment) -> String { a == .noTechnique ? "none" : "attack" }

    let operations = project.operations
    let errors = project.logonErrors
    var lookups: [SplunkLookup] = []
    func add(_ name: String, _ match: [String], _ output: [String], automatic: Bool, caseSensitive: Bool = false, _ summary: String, _ rows: [[String]]) {
        lookups.append(SplunkLookup(name: name, matchFields: match, outputFields: output, caseSensitive: caseSensitive,
                                    maxMatches: 25, automatic: automatic, summary: summary, rows: rows))
    }

    add("o365kit_operation_attack", ["Operation"], ["o365kit_technique_id", "o365kit_technique_name"], automatic: true,
        "Operation to ATT&CK techniques, one row per technique",
        operations.flatMap { m in m.assignment.ids.map { [m.operation.value, $0, catalog.displayName(of: $0)] } })
    add("o365kit_operation_tactics", ["Operation"], ["o365kit_tactic"], automatic: true,
        "Operation to ATT&CK tactics, one row per tactic",
        operations.flatMap { m in tacticNames(m.assignment.ids).map { [m.operation.value, $0] } })
    add("o365kit_operations", ["Operation"], ["o365kit_assessment", "o365kit_rationale"], automatic: true,
        "Operation to its assessment (attack or none) and the rationale of the mapping",
        operations.map { [$0.operation.value, assessment($0.assignment), $0.rationale] })
    add("o365kit_logon_error_attack", ["Operation", "LogonError"], ["o365kit_logon_error_technique_id", "o365kit_logon_error_technique_name"], automatic: true,
        "LogonError of a failed sign-in to ATT&CK techniques, one row per technique",
        errors.flatMap { m in m.assignment.ids.map { [failedLogin, m.code.value, $0, catalog.displayName(of: $0)] } })
    add("o365kit_logon_error_tactics", ["Operation", "LogonError"], ["o365kit_logon_error_tactic"], automatic: true,
        "LogonError of a failed sign-in to ATT&CK tactics, one row per tactic",
        errors.flatMap { m in tacticNames(m.assignment.ids).map { [failedLogin, m.code.value, $0] } })
    add("o365kit_logon_errors", ["Operation", "LogonError"], ["o365kit_logon_error_assessment", "o365kit_logon_error_rationale"], automatic: true,
        "LogonError of a failed sign-in to its assessment and rationale",
        errors.map { [failedLogin, $0.code.value, assessment($0.assignment), $0.rationale] })

    let techniques = catalog.techniques.values.sorted { attackOrder($0.id, $1.id) }
    add("o365kit_attack_techniques", ["technique_id"], ["technique_name", "tactics", "platforms", "is_subtechnique", "parent_id", "status", "replaced_by"],
        automatic: false, caseSensitive: true,
        "the ATT&CK Enterprise \(catalog.version) technique catalog (tactics and platforms separated by ';')",
        techniques.map { t in
            [t.id, catalog.displayName(of: t.id), tacticNames([t.id]).joined(separator: ";"), t.platforms.joined(separator: ";"),
             t.parentID == nil ? "false" : "true", t.parentID ?? "",
             t.revoked ? "revoked" : (t.deprecated ? "deprecated" : "active"), catalog.replacement(for: t.id)?.id ?? ""]
        })
    add("o365kit_attack_tactics", ["tactic_id"], ["tactic_shortname", "tactic_name", "tactic_order"], automatic: false, caseSensitive: true,
        "the ATT&CK Enterprise tactics in matrix order",
        catalog.tactics.map { [$0.id, $0.shortname, $0.name, String($0.order)] })
    return lookups
}
