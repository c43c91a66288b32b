import Foundation

/// The Splunk app's identity. The id is the package name and the version the package
/// version of `mappings/o365kit.yaml`, so every artifact carries one version.
struct SplunkAppInfo {
    var appID: String
    var version: String
    var label = "o365kit: Office 365 audit events enriched with MITRE ATT&CK"
    var author = "o365kit"
    var description = "Search-time MITRE ATT&CK enrichment of Office 365 Management Activity audit events, generated from the o365kit mapping tables."

    init(_ settings: ProjectSettings) {
        appID = settings.packageName
        version = settings.packageVersion
    }
}

/// Renders `splunk/<app id>/`: the conf files and README through `templates/splunk/`, the
/// lookup CSVs with `CSVWriter`. `savedsearches.conf`, rendered from the detections, is only
/// mentioned in the README here.
func renderSplunkApp(_ project: ValidatedProject, lookups: [SplunkLookup], templates: TemplateSet, hasSavedSearches: Bool) -> [RenderedFile] {
    let info = SplunkAppInfo(project.settings)
    let root = SplunkAppPaths.root(info.appID)
    let common: [String: Any] = [
        "appID": info.appID, "version": info.version, "label": info.label, "author": info.author,
        "description": info.description, "attackVersion": project.catalog.version,
        "sourcetype": SplunkAppPaths.sourcetype, "sourceMacro": SplunkAppPaths.sourceMacro,
        "sourceMacroDefinition": SplunkAppPaths.sourceMacroDefinition,
    ]
    func render(_ template: String, _ extra: [String: Any] = [:]) -> String {
        templates.render("splunk/\(template).mustache", common.merging(extra) { _, new in new })
    }
    var manifestValues = common
    for key in ["label", "author", "description", "appID", "version"] { manifestValues[key] = jsonEscaped(common[key] as! String) }

    let lookupValues: [[String: Any]] = lookups.map {
        ["name": $0.name, "filename": $0.filename, "caseSensitive": $0.caseSensitive ? "true" : "false",
         "maxMatches": String($0.maxMatches), "summary": $0.summary,
         "match": $0.matchFields.joined(separator: " "), "output": $0.outputFields.joined(separator: " "),
         "matchText": $0.matchFields.map { "`\($0)`" }.joined(separator: ", "),
         "outputText": $0.outputFields.map { "`\($0)`" }.joined(separator: ", "),
         "rowCount": String($0.rows.count), "automatic": $0.automatic]
    }
    let fieldMeanings: [String: String] = [
        "o365kit_technique_id": "ATT&CK technique ids of the Operation (multivalue)",
        "o365kit_technique_name": "their names, sub-techniques as `Parent: Name`",
        "o365kit_tactic": "the tactics of those techniques, in matrix order",
        "o365kit_assessment": "`attack`, or `none` for routine activity marked on purpose",
        "o365kit_rationale": "why the table maps the Operation so",
        "o365kit_logon_error_technique_id": "ATT&CK technique ids of the LogonError of a failed sign-in",
        "o365kit_logon_error_technique_name": "their names",
        "o365kit_logon_error_tactic": "their tactics",
        "o365kit_logon_error_assessment": "`attack` or `none`",
        "o365kit_logon_error_rationale": "why the table maps the code so",
    ]
    let fields: [[String: String]] = lookups.filter(\.automatic).flatMap { lookup in
        lookup.outputFields.map { ["field": $0, "lookup": lookup.name, "meaning": fieldMeanings[$0] ?? ""] }
    }

    var files = [
        RenderedFile(path: root + "default/app.conf", contents: render("app.conf")),
        RenderedFile(path: root + "app.manifest", contents: templates.render("splunk/app.manifest.mustache", manifestValues)),
        RenderedFile(path: root + "metadata/default.meta", contents: render("default.meta")),
        RenderedFile(path: root + "default/macros.conf", contents: render("macros.conf")),
        RenderedFile(path: root + "default/transforms.conf", contents: render("transforms.conf", ["lookups": lookupValues])),
        RenderedFile(path: root + "default/props.conf", contents: render("props.conf", ["automatic": lookupValues.filter { $0["automatic"] as? Bool == true }])),
        RenderedFile(path: root + "README.md", contents: render("README.md", ["lookups": lookupValues, "fields": fields, "hasSavedSearches": hasSavedSearches])),
    ]
    for lookup in lookups {
        files.append(RenderedFile(path: root + "lookups/" + lookup.filename, contents: CSVWriter.write(header: lookup.header, rows: lookup.rows)))
    }
    return files
}

/// The body of a JSON string literal (without the quotes).
func jsonEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out
}
