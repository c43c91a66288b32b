import Foundation
import O365KitCore

/// `o365kit diff` output: Markdown for a pull-request comment, or JSON.
public enum MappingDiffReport {
    public static func json(_ diff: MappingDiff) -> String { encodeJSON(diff) }

    public static func markdown(_ diff: MappingDiff) -> String {
        var out = "## o365kit diff: `\(diff.base)` → `\(diff.head)`\n\n"
        let remapped = diff.changed.filter { $0.techniquesBefore != nil }
        let levels = diff.changed.filter { $0.levelBefore != nil || $0.levelAfter != nil }
        let attributes = diff.changed.filter { !$0.attributes.isEmpty }
        let gained = diff.coverage.reduce(0) { $0 + $1.gained.count }, lost = diff.coverage.reduce(0) { $0 + $1.lost.count }
        guard !diff.isEmpty else { return out + "No semantic change to the mappings.\n" }
        out += "\(diff.added.count) added, \(diff.removed.count) removed, \(remapped.count) remapped, \(levels.count) level change(s), "
        out += "\(attributes.count) detection change(s); rule ids: \(diff.allocated.count) allocated, \(diff.retired.count) retired"
        out += diff.revived.isEmpty ? "" : ", \(diff.revived.count) revived"
        out += diff.moved.isEmpty ? "" : ", **\(diff.moved.count) moved**"
        out += "; ATT&CK coverage: +\(gained) / −\(lost) technique-tactic pair(s); findings: \(diff.introduced.count) introduced, \(diff.resolved.count) resolved.\n"

        if !remapped.isEmpty {
            out += "\n### Remapped\n\n| Kind | Key | Rule | Before | After |\n| --- | --- | --- | --- | --- |\n"
            for c in remapped {
                out += "| \(c.kind) | \(code(c.name)) | \(rule(c.ruleID)) | \(techniques(c.techniquesBefore ?? [])) | \(techniques(c.techniquesAfter ?? [])) |\n"
            }
        }
        for (title, entries) in [("Added", diff.added), ("Removed", diff.removed)] where !entries.isEmpty {
            out += "\n### \(title)\n\n| Kind | Key | Rule | Level | Techniques |\n| --- | --- | --- | --- | --- |\n"
            for e in entries {
                out += "| \(e.kind) | \(code(e.name)) | \(rule(e.ruleID)) | \(e.level.map(String.init) ?? "—") | \(techniques(e.techniques)) |\n"
            }
        }
        if !levels.isEmpty {
            out += "\n### Level changes\n\n| Kind | Key | Rule | Before | After |\n| --- | --- | --- | --- | --- |\n"
            for c in levels {
                out += "| \(c.kind) | \(code(c.name)) | \(rule(c.ruleID)) | \(c.levelBefore.map(String.init) ?? "—") | \(c.levelAfter.map(String.init) ?? "—") |\n"
            }
        }
        if !attributes.isEmpty {
            out += "\n### Detections changed\n\n| Key | Rule | Field | Before | After |\n| --- | --- | --- | --- | --- |\n"
            for c in attributes {
                for a in c.attributes {
                    out += "| \(code(c.name)) | \(rule(c.ruleID)) | \(a.name) | \(a.before.map(code) ?? "—") | \(a.after.map(code) ?? "—") |\n"
                }
            }
        }
        if !diff.allocated.isEmpty || !diff.retired.isEmpty || !diff.revived.isEmpty {
            out += "\n### Rule ids\n\n| Change | Rule | Key |\n| --- | --- | --- |\n"
            for (verb, list) in [("allocated", diff.allocated), ("retired", diff.retired), ("revived", diff.revived)] {
                for r in list { out += "| \(verb) | \(r.id) | \(code(r.key)) |\n" }
            }
        }
        if !diff.moved.isEmpty {
            out += "\n### Rule ids moved\n\nRule ids never move once assigned: alerts, dashboards and site rules that name the old id break."
            out += " Restore `mappings/rules.lock.json` from the base unless this is intended.\n\n| Key | Before | After |\n| --- | --- | --- |\n"
            for m in diff.moved { out += "| \(code(m.key)) | \(m.before) | \(m.after) |\n" }
        }
        if !diff.coverage.isEmpty {
            out += "\n### ATT&CK coverage\n\n| Tactic | Gained | Lost |\n| --- | --- | --- |\n"
            for c in diff.coverage {
                out += "| \(c.tactic) | \(techniqueNames(c.gained)) | \(techniqueNames(c.lost)) |\n"
            }
        }
        for (title, list) in [("Findings introduced", diff.introduced), ("Findings resolved", diff.resolved)] where !list.isEmpty {
            out += "\n### \(title)\n\n"
            for f in list { out += "- \(code("\(f.location): \(f.severity): \(f.message) [\(f.id)]"))\n" }
        }
        return out
    }

    private static func rule(_ id: Int?) -> String { id.map(String.init) ?? "—" }

    private static func techniques(_ list: [MappingDiff.TechniqueRef]) -> String {
        guard !list.isEmpty else { return "none" }
        return list.map { "\($0.id) \(cell($0.name)) (\($0.tactics.joined(separator: ", ")))" }.joined(separator: "<br>")
    }

    private static func techniqueNames(_ list: [MappingDiff.TechniqueRef]) -> String {
        list.isEmpty ? "—" : list.map { "\($0.id) \(cell($0.name))" }.joined(separator: "<br>")
    }

    /// Inline code that survives a table cell: backticks doubled around text holding one,
    /// pipes escaped.
    private static func code(_ text: String) -> String {
        let t = cell(text)
        return t.contains("`") ? "`` \(t) ``" : "`\(t)`"
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
