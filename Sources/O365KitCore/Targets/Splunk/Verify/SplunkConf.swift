import Foundation

/// A Splunk `.conf` file read the way splunkd reads it: `[stanza]` headers, `key = value`
/// settings, `#` comment lines, and a value continued onto the next line by a final `\`.
/// Keeps line numbers, and reports what splunkd would silently misread: a `\` followed by
/// white space (the line is *not* continued, AppInspect fails it), a stanza or key given twice.
struct SplunkConf {
    struct Setting {
        var key: String
        var value: String
        var line: Int
        /// The 1-based column where the value starts on its first line.
        var column: Int
    }

    struct Stanza {
        var name: String
        var line: Int
        var settings: [Setting]

        func value(_ key: String) -> String? { settings.first { $0.key == key }?.value }
    }

    var path: String
    var stanzas: [Stanza]
    var problems: [Diagnostic]

    func stanza(_ name: String) -> Stanza? { stanzas.first { $0.name == name } }

    init(_ text: String, path: String) {
        self.path = path
        var stanzas: [Stanza] = []
        var problems: [Diagnostic] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func at(_ line: Int, _ column: Int = 1) -> SourceLocation { SourceLocation(path: path, line: line, column: column) }
        var index = 0
        while index < lines.count {
            let number = index + 1
            let line = lines[index]
            index += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let slash = line.lastIndex(of: "\\"), line[line.index(after: slash)...].allSatisfy({ $0 == " " || $0 == "\t" }),
               line.index(after: slash) != line.endIndex {
                problems.append(.error("splunk-conf", "'\\' followed by white space does not continue the line; remove the trailing white space", at: at(number, line.distance(from: line.startIndex, to: slash) + 1)))
            }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else {
                    problems.append(.error("splunk-conf", "stanza header without a closing ']'", at: at(number)))
                    continue
                }
                let name = String(trimmed.dropFirst().dropLast())
                if let first = stanzas.first(where: { $0.name == name }) {
                    problems.append(.error("splunk-conf", "duplicate stanza [\(name)]; splunkd merges them silently", at: at(number),
                                           notes: [.init("first defined here", at: at(first.line))]))
                }
                stanzas.append(Stanza(name: name, line: number, settings: []))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append(.error("splunk-conf", "line is neither a stanza, a setting nor a comment", at: at(number)))
                continue
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let rest = line[line.index(after: equals)...]
            let valueStart = rest.firstIndex { $0 != " " && $0 != "\t" } ?? rest.endIndex
            let column = line.distance(from: line.startIndex, to: valueStart) + 1
            var value = String(rest).trimmingCharacters(in: .whitespaces)
            while value.hasSuffix("\\"), index < lines.count {
                value = String(value.dropLast()) + "\n" + lines[index]
                index += 1
            }
            if stanzas.isEmpty { stanzas.append(Stanza(name: "default", line: 0, settings: [])) }
            if let first = stanzas[stanzas.count - 1].settings.first(where: { $0.key == key }) {
                problems.append(.error("splunk-conf", "duplicate setting '\(key)' in [\(stanzas[stanzas.count - 1].name)]", at: at(number),
                                       notes: [.init("first set here", at: at(first.line))]))
            }
            stanzas[stanzas.count - 1].settings.append(Setting(key: key, value: value, line: number, column: column))
        }
        self.stanzas = stanzas
        self.problems = problems
    }
}
