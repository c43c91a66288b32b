/// Splunk's automatic CSV lookups, reduced to what the app's definitions use, read from
/// the generated `props.conf`, `transforms.conf` and CSVs (not from the model they were
/// made from), so tests check the shipped text.
///
/// Semantics assumed, as transforms.conf.spec and props.conf.spec describe them:
/// - a row matches when every match field equals the event's field of that name: byte for
///   byte with `case_sensitive_match = true`, ignoring case otherwise; white space is
///   compared as is (Splunk keeps quoted CSV cells whole);
/// - an event without one of the match fields matches nothing;
/// - the first `max_matches` matching rows in file order are used, and each output field
///   gets their non-empty values in that order (a multivalue field when more than one);
/// - `OUTPUT` replaces an existing field of that name; an empty result adds nothing.
/// Only single-valued input fields are modelled, which is what audit records carry in
/// `Operation` and `LogonError`.
public struct SplunkLookupEmulator {
    struct Lookup {
        var name: String
        var match: [(table: String, event: String)]
        var output: [(table: String, event: String)]
        var caseSensitive: Bool
        var maxMatches: Int
        var header: [String]
        var rows: [[String]]
    }

    var lookups: [Lookup] = []

    /// Reads the automatic lookups of `[sourcetype]` in `splunk/<app id>/`.
    public init?(files: [RenderedFile], appID: String, sourcetype: String = SplunkAppPaths.sourcetype) {
        let root = SplunkAppPaths.root(appID)
        let byPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        guard let props = byPath[root + "default/props.conf"], let transforms = byPath[root + "default/transforms.conf"] else { return nil }
        let definitions = SplunkConf(transforms.contents, path: "transforms.conf")
        guard let stanza = SplunkConf(props.contents, path: "props.conf").stanza(sourcetype) else { return nil }
        for setting in stanza.settings.sorted(by: { $0.key < $1.key }) where setting.key.hasPrefix("LOOKUP-") {
            var words = SPLText.commands(setting.value).first ?? []
            guard !words.isEmpty, let definition = definitions.stanza(words.removeFirst()),
                  let filename = definition.value("filename"),
                  let csv = byPath[root + "lookups/" + filename] else { return nil }
            let diagnostics = DiagnosticCollector()
            guard let table = CSVReader(path: filename).read(csv.contents, diagnostics: diagnostics) else { return nil }
            var match: [(String, String)] = [], output: [(String, String)] = []
            var inOutput = false
            var i = 0
            while i < words.count {
                let word = words[i]
                if ["OUTPUT", "OUTPUTNEW"].contains(word.uppercased()) { inOutput = true; i += 1; continue }
                var pair = (word, word)
                if i + 2 < words.count, words[i + 1].uppercased() == "AS" {
                    pair.1 = words[i + 2]
                    i += 2
                }
                if inOutput { output.append(pair) } else { match.append(pair) }
                i += 1
            }
            lookups.append(Lookup(
                name: definition.name, match: match, output: output,
                caseSensitive: definition.value("case_sensitive_match") != "false",
                maxMatches: definition.value("max_matches").flatMap(Int.init) ?? 100,
                header: table.header.map(\.value), rows: table.rows.map { $0.cells.map(\.value) }))
        }
    }

    /// The event with every automatic lookup applied.
    public func enrich(_ event: [String: String]) -> [String: [String]] {
        var result = event.mapValues { [$0] }
        for lookup in lookups {
            let keys = lookup.match.map { (column: lookup.header.firstIndex(of: $0.table), value: event[$0.event]) }
            guard keys.allSatisfy({ $0.column != nil && $0.value != nil }) else { continue }
            let matching = lookup.rows.filter { row in
                keys.allSatisfy { key in
                    let cell = row[key.column!]
                    return lookup.caseSensitive ? cell == key.value! : cell.lowercased() == key.value!.lowercased()
                }
            }.prefix(lookup.maxMatches)
            for (column, field) in lookup.output {
                guard let index = lookup.header.firstIndex(of: column) else { continue }
                let values = matching.map { $0[index] }.filter { !$0.isEmpty }
                if !values.isEmpty { result[field] = values }
            }
        }
        return result
    }
}
