/// The Splunk app's own checks, run on whatever the build generated below
/// `splunk/<app id>/` (so they cover the detections' `savedsearches.conf` too): every conf
/// file parses without duplicate stanzas or keys and without `\` + white space; every
/// saved search has balanced quotes and brackets, names only defined macros, and reads only
/// lookups that exist with the columns it names; every lookup definition points at a CSV
/// that parses; every automatic lookup names existing columns; no key has more rows than
/// `max_matches`. AppInspect checks none of these (../shared/research/splunk-sigma.md §3).
func verifySplunkApp(_ files: [RenderedFile], appID: String, outputRoot: String) -> [Diagnostic] {
    let root = SplunkAppPaths.root(appID)
    let byPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    var out: [Diagnostic] = []
    func located(_ path: String, _ line: Int, _ column: Int = 1) -> SourceLocation {
        SourceLocation(path: outputRoot + path, line: line, column: column)
    }

    var confs: [String: SplunkConf] = [:]
    for file in files where file.path.hasPrefix(root) && (file.path.hasSuffix(".conf") || file.path.hasSuffix(".meta")) {
        let conf = SplunkConf(file.contents, path: outputRoot + file.path)
        out += conf.problems
        confs[String(file.path.dropFirst(root.count))] = conf
    }

    // Lookup tables: definition name → CSV columns and rows.
    var tables: [String: (header: [String], rows: [[String]])] = [:]
    func readCSV(_ filename: String, from location: SourceLocation) -> (header: [String], rows: [[String]])? {
        let path = root + "lookups/" + filename
        guard let file = byPath[path] else {
            out.append(.error("splunk-lookup", "lookup file lookups/\(filename) is not generated", at: location))
            return nil
        }
        let diagnostics = DiagnosticCollector()
        guard let table = CSVReader(path: outputRoot + path).read(file.contents, diagnostics: diagnostics), !diagnostics.hasErrors else {
            out += diagnostics.sorted
            return nil
        }
        let header = table.header.map(\.value)
        if Set(header).count != header.count {
            out.append(.error("splunk-lookup", "lookups/\(filename) repeats a column name", at: located(path, 1)))
        }
        return (header, table.rows.map { $0.cells.map(\.value) })
    }
    var maxMatches: [String: Int] = [:]
    if let transforms = confs["default/transforms.conf"] {
        for stanza in transforms.stanzas {
            guard let filename = stanza.value("filename") else { continue }
            let line = stanza.settings.first { $0.key == "filename" }!.line
            tables[stanza.name] = readCSV(filename, from: located(root + "default/transforms.conf", line))
            maxMatches[stanza.name] = stanza.value("max_matches").flatMap(Int.init)
        }
    }
    for file in files where file.path.hasPrefix(root + "lookups/") && file.path.hasSuffix(".csv") {
        let filename = String(file.path.dropFirst((root + "lookups/").count))
        if tables[filename] == nil { tables[filename] = readCSV(filename, from: located(file.path, 1)) }
    }

    func checkColumns(_ table: String, _ fields: [String], at location: SourceLocation) {
        guard let columns = tables[table]?.header else {
            out.append(.error("splunk-lookup", "lookup '\(table)' is not defined in transforms.conf and is no file in lookups/", at: location))
            return
        }
        for field in fields where !columns.contains(field) {
            out.append(.error("splunk-lookup", "lookup '\(table)' has no column '\(field)' (columns: \(columns.joined(separator: ", ")))", at: location))
        }
    }

    if let props = confs["default/props.conf"] {
        for stanza in props.stanzas {
            for setting in stanza.settings where setting.key.hasPrefix("LOOKUP-") {
                guard let use = SPLText.lookups("lookup " + setting.value).first else { continue }
                let at = located(root + "default/props.conf", setting.line)
                checkColumns(use.table, use.fields, at: at)
                // Rows of one key beyond max_matches are dropped by Splunk without a word.
                if let table = tables[use.table], let limit = maxMatches[use.table] {
                    let keys = keyColumns(setting.value, header: table.header)
                    var counts: [[String]: Int] = [:]
                    for row in table.rows { counts[keys.map { row[$0].lowercased() }, default: 0] += 1 }
                    if let (key, count) = counts.max(by: { $0.value < $1.value }), count > limit {
                        out.append(.error("splunk-lookup", "\(count) rows of \(use.table) share the key \(key.joined(separator: ", ")), above max_matches = \(limit)", at: at))
                    }
                }
            }
        }
    }

    let macros = Set((confs["default/macros.conf"]?.stanzas ?? []).map(\.name))
    if let searches = confs["default/savedsearches.conf"] {
        let path = root + "default/savedsearches.conf"
        for stanza in searches.stanzas {
            guard let setting = stanza.settings.first(where: { $0.key == "search" }) else {
                out.append(.error("splunk-search", "saved search [\(stanza.name)] has no search", at: located(path, stanza.line)))
                continue
            }
            let search = setting.value
            func at(_ offset: Int) -> SourceLocation {
                let before = search.utf8.prefix(offset)
                let newlines = before.filter { $0 == UInt8(ascii: "\n") }.count
                let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
                return located(path, setting.line + newlines, newlines == 0 ? column + setting.column - 1 : column)
            }
            for problem in SPLText.imbalances(search) {
                out.append(.error("splunk-search", "[\(stanza.name)]: \(problem.message)", at: at(problem.offset)))
            }
            for use in SPLText.macros(search) {
                let name = use.arguments == 0 ? use.name : "\(use.name)(\(use.arguments))"
                if !macros.contains(name) {
                    out.append(.error("splunk-search", "[\(stanza.name)]: macro `\(name)` is not defined in macros.conf", at: located(path, setting.line)))
                }
            }
            for use in SPLText.lookups(search) {
                checkColumns(use.table, use.fields, at: located(path, setting.line))
            }
            if ["1", "true"].contains(stanza.value("enableSched")?.lowercased()) {
                for key in ["cron_schedule", "dispatch.earliest_time", "dispatch.latest_time"] where stanza.value(key) == nil {
                    out.append(.error("splunk-search", "scheduled search [\(stanza.name)] has no \(key)", at: located(path, stanza.line)))
                }
            }
        }
    }
    return out
}

/// The CSV column indexes a `LOOKUP-` setting matches on: the fields before OUTPUT.
private func keyColumns(_ setting: String, header: [String]) -> [Int] {
    var words = SPLText.commands(setting).first ?? []
    words.removeFirst()
    var keys: [Int] = []
    var skipNext = false
    for word in words {
        let upper = word.uppercased()
        if upper == "OUTPUT" || upper == "OUTPUTNEW" { break }
        if skipNext { skipNext = false; continue }
        if upper == "AS" { skipNext = true; continue }
        if let index = header.firstIndex(of: word) { keys.append(index) }
    }
    return keys
}
