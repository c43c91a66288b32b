import Foundation

/// `savedsearches.conf`: one stanza per search, shipped unscheduled (`enableSched = 0`) so an
/// installed app alerts only once a site turns a search on. Values are single lines; nothing
/// ends in a backslash, which the conf reader would take as a continuation.
func renderSavedSearches(_ searches: [SplunkDetectionSearch], appID: String, templates: TemplateSet) -> RenderedFile {
    func line(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        while out.hasSuffix("\\") || out.hasSuffix(" ") { out.removeLast() }
        return out
    }
    let stanzas = searches.map { s -> TemplateValue in
        let annotations = "{\"mitre_attack\": [" + s.techniques.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
        return .object([
            ("name", .string(line(s.name))), ("description", .string(line(s.description))), ("search", .string(line(s.scheduledSearch))),
            ("cron", .string(s.cron)), ("earliest", .string(s.earliest)), ("latest", .string(s.latest)),
            ("severity", .string(String(s.level.splunkSeverity))), ("annotations", .string(annotations)), ("label", .string(line(s.name))),
            ("hasSuppress", .flag(s.suppressPeriod != nil)), ("suppressFields", .string(s.suppressFields.joined(separator: ","))),
            ("suppressPeriod", .string(s.suppressPeriod ?? "")),
        ])
    }
    return RenderedFile(path: SplunkAppPaths.savedSearches(appID), contents: templates.render(SplunkAppPaths.savedSearchesTemplate, .object([("searches", .list(stanzas))])))
}
