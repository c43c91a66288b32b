import Foundation
import Testing
import WazuhRuleEngine
@testable import O365KitCore

/// The SPL of every detection: structurally sound (AppInspect does not read SPL), over the
/// data macro, with the fields, values and thresholds of its definition; and the
/// savedsearches.conf stanzas Splunk needs.
@Suite struct SplunkDetectionSearchTests {
    static var generation: Generation { ProjectDetections.generation! }

    /// Quotes, parentheses and backticks balance outside string literals; no empty pipe segment.
    static func structuralProblems(_ spl: String) -> [String] {
        var problems: [String] = []
        var inString = false, escaped = false, depth = 0, backticks = 0
        for c in spl {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "(": depth += 1
            case ")": depth -= 1; if depth < 0 { problems.append("unbalanced ')'") }
            case "`": backticks += 1
            default: break
            }
        }
        if inString { problems.append("unterminated string") }
        if depth != 0 { problems.append("unbalanced parentheses") }
        if backticks % 2 != 0 { problems.append("unbalanced backticks") }
        if spl.split(separator: "|").contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) { problems.append("empty pipe segment") }
        return problems
    }

    @Test func everySplunkDetectionHasASearch() {
        let searches = Self.generation.splunkSearches
        let expected = Self.generation.detections.rules.filter { $0.supports(.splunk) && Self.generation.detections.alertsOnItsOwn($0) }.map(\.key)
        #expect(searches.map(\.key) == expected)
        #expect(searches.count >= 20)
    }

    @Test(arguments: ProjectDetections.generation?.splunkSearches.map(\.key) ?? [])
    func theSearchCarriesItsDefinition(key: String) throws {
        let search = try #require(Self.generation.splunkSearches.first { $0.key == key })
        let rule = try #require(Self.generation.detections.rule(key))
        #expect(Self.structuralProblems(search.search).isEmpty, "\(Self.structuralProblems(search.search))")
        #expect(Self.structuralProblems(search.scheduledSearch).isEmpty)
        let macro = rule.logsource["service"] == "message_trace" || (Self.baseRules(rule).first?.logsource["service"] == "message_trace")
            ? "`o365kit_messagetrace_source`" : "`o365kit_source`"
        #expect(search.search.hasPrefix(macro))
        #expect(search.techniques == rule.techniques)
        // Every value of every test appears, escaped as SPL regex text in an SPL string.
        for base in Self.baseRules(rule) {
            guard case .detection(let d) = base.body else { continue }
            for test in d.selections.flatMap({ $0.alternatives.flatMap { $0 } }) {
                let field = test.field.kind == .plain ? test.field.path.joined(separator: ".") : test.field.root
                #expect(search.search.contains(field), "\(key): field \(field)")
                guard test.match != .exists && test.match != .fieldref else { continue }
                // An empty value leaves nothing to find; a regular expression is used as written.
                for value in test.values where !value.isEmpty {
                    let regex = test.match == .re ? value : SPLCondition.escape(value)
                    let text = test.match == .cidr ? value : regex.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    #expect(search.search.contains(text), "\(key): value \(value)")
                }
            }
        }
        if case .correlation(let c) = rule.body {
            #expect(search.search.contains(" | bin _time span=\(c.timespanText) | stats "))
            #expect(search.search.contains(" by " + (["_time"] + c.groupBy).joined(separator: ", ") + " | where "))
            switch c.kind {
            case .eventCount:
                #expect(search.search.contains("dc(Id) as event_count"))
                #expect(search.search.hasSuffix("| where event_count >= \(c.threshold)"))
            case .valueCount:
                #expect(search.search.contains("eval o365kit_value=lower('\(c.field!)')"))
                #expect(search.search.hasSuffix("| where value_count >= \(c.threshold)"))
            case .temporal:
                #expect(search.search.contains("dc(o365kit_rule)"))
            }
        } else {
            #expect(search.scheduledSearch.contains(" _index_earliest=-15m@m _index_latest=@m "))
        }
    }

    /// Splunk's regular expressions are PCRE: every one the searches use must compile.
    @Test func everyRegexCompiles() throws {
        var count = 0
        for search in Self.generation.splunkSearches {
            for match in search.search.matches(of: /mvfind\([^,]+, "((?:[^"\\]|\\.)*)"\)/) {
                let literal = String(match.1)
                var regex = "", escaped = false
                for c in literal {
                    if escaped { regex.append(c); escaped = false } else if c == "\\" { escaped = true } else { regex.append(c) }
                }
                #expect(throws: Never.self, "\(search.key): \(regex)") { _ = try PCRE2Pattern(regex) }
                count += 1
            }
        }
        #expect(count > 40)
    }

    static func baseRules(_ rule: SigmaRule) -> [SigmaRule] {
        if case .correlation(let c) = rule.body { return c.rules.compactMap { generation.detections.rule($0.value) } }
        return [rule]
    }

    @Test func nameValueArraysAreReadThroughMvzip() throws {
        let search = try #require(Self.generation.splunkSearches.first { $0.key == "collection_transport_rule_external_redirect" }).search
        #expect(search.contains(#"| eval o365kit_kv_Parameters=mvzip('Parameters{}.Name', 'Parameters{}.Value', "=")"#))
        #expect(search.contains(#"NOT isnotnull(mvfind(o365kit_kv_Parameters, "(?is)^RedirectMessageTo=.*(?:@contoso\\.example|@contoso\\.onmicrosoft\\.com)$"))"#))
    }

    @Test func savedSearchesConfIsWellFormed() throws {
        let file = try #require(Self.generation.files.first { $0.path == SplunkAppPaths.savedSearches("o365kit") })
        var stanzas: [String] = []
        var keys: Set<String> = []
        var current: [String: String] = [:]
        func close() {
            guard !stanzas.isEmpty else { return }
            for required in ["search", "description", "cron_schedule", "dispatch.earliest_time", "dispatch.latest_time", "enableSched",
                             "action.correlationsearch.annotations", "alert.severity"] {
                #expect(current[required] != nil, "\(stanzas.last!) lacks \(required)")
            }
            #expect(current["enableSched"] == "0")
            let annotations = try? JSONSerialization.jsonObject(with: Data((current["action.correlationsearch.annotations"] ?? "").utf8)) as? [String: [String]]
            #expect(annotations?["mitre_attack"]?.isEmpty == false)
        }
        for line in file.contents.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(!line.hasSuffix("\\") && !line.hasSuffix(" "), "line ends in a continuation or space: \(line)")
            if line.hasPrefix("[") {
                close()
                let name = String(line.dropFirst().dropLast())
                #expect(name.count < 100)
                #expect(!stanzas.contains(name), "duplicate stanza \(name)")
                stanzas.append(name)
                current = [:]
                keys = []
            } else if let eq = line.range(of: " = ") {
                let key = String(line[..<eq.lowerBound])
                #expect(keys.insert(key).inserted, "duplicate key \(key)")
                current[key] = String(line[eq.upperBound...])
            }
        }
        close()
        #expect(stanzas.count == Self.generation.splunkSearches.count)
    }
}

/// The searches run on the samples through `SPLModel` and give the reference verdicts: a
/// single-event search keeps its positive records and drops its negative ones; for a
/// correlation, the `case()` condition of its counted rule does the same on that rule's samples.
@Suite struct SplunkSampleTests {
    @Test(arguments: ProjectDetections.generation?.detections.rules.filter { $0.supports(.splunk) }.map(\.key) ?? [])
    func searchesKeepThePositiveSamples(key: String) throws {
        let generation = try #require(ProjectDetections.generation)
        let rule = try #require(generation.detections.rule(key))
        let samples = try DetectionSamples(key)
        guard case .detection(let detection) = rule.body else {
            // A correlation: some (bucket, group) row passes on the positive sequence, none on the negative.
            let search = try #require(generation.splunkSearches.first { $0.key == key }).search
            #expect(try SPLModel.rows(search, samples.positive) >= 1, "\(key) positive")
            #expect(try SPLModel.rows(search, samples.negative) == 0, "\(key) negative")
            return
        }
        let search = generation.splunkFilterSearch(for: key, detection)
        for (i, record) in samples.positive.enumerated() { #expect(try SPLModel.keeps(search, record), "positive #\(i + 1) of \(key)") }
        for (i, record) in samples.negative.enumerated() { #expect(try !SPLModel.keeps(search, record), "negative #\(i + 1) of \(key)") }
    }
}
