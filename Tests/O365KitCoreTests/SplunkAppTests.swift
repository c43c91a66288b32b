import Foundation
import Testing
@testable import O365KitCore

/// The Splunk app: conf values, CSV lookups that round-trip, enrichment of sample events
/// through the shipped props/transforms/CSVs, and the checks AppInspect does not make.
@Suite struct SplunkAppTests {
    static let generation: Generation? = {
        guard let project = try? TestProject() else { return nil }
        return project.generate().0
    }()

    func built() throws -> Generation { try #require(Self.generation) }

    func text(_ generation: Generation, _ relative: String) throws -> String {
        let path = SplunkAppPaths.root(generation.project.settings.packageName) + relative
        return try #require(generation.files.first { $0.path == path }, "\(path)").contents
    }

    @Test func appConfCarriesTheOneVersionAndTheAppInspectSettings() throws {
        let generation = try built()
        let settings = generation.project.settings
        let conf = SplunkConf(try text(generation, "default/app.conf"), path: "app.conf")
        #expect(conf.problems.isEmpty)
        #expect(conf.stanza("package")?.value("id") == settings.packageName)
        #expect(conf.stanza("package")?.value("check_for_updates") == "false")
        #expect(conf.stanza("id")?.value("version") == settings.packageVersion)
        #expect(conf.stanza("launcher")?.value("version") == settings.packageVersion)
        #expect(conf.stanza("install")?.value("is_configured") == "false")
        let label = try #require(conf.stanza("ui")?.value("label"))
        #expect((5...80).contains(label.count))
        let manifest = try JSONSerialization.jsonObject(with: Data(try text(generation, "app.manifest").utf8)) as? [String: Any]
        let id = (manifest?["info"] as? [String: Any])?["id"] as? [String: Any]
        #expect(id?["name"] as? String == settings.packageName)
        #expect(id?["version"] as? String == settings.packageVersion)
        #expect(manifest?["schemaVersion"] as? String == "2.0.0")
        let meta = SplunkConf(try text(generation, "metadata/default.meta"), path: "default.meta")
        #expect(meta.stanza("")?.value("access") == "read : [ * ], write : [ admin, sc_admin ]")
        let macros = SplunkConf(try text(generation, "default/macros.conf"), path: "macros.conf")
        #expect(macros.stanza("o365kit_source")?.value("definition") == #"(index=o365 sourcetype="o365:management:activity")"#)
    }

    @Test func everyLookupCSVRoundTrips() throws {
        let generation = try built()
        let lookups = splunkLookups(generation.project)
        #expect(lookups.count == 8)
        for lookup in lookups {
            let csv = try text(generation, "lookups/" + lookup.filename)
            #expect(csv.hasSuffix("\n") && !csv.contains("\r"))
            let diagnostics = DiagnosticCollector()
            let table = try #require(CSVReader(path: lookup.filename).read(csv, diagnostics: diagnostics))
            #expect(diagnostics.sorted.isEmpty)
            #expect(table.header.map(\.value) == lookup.header)
            #expect(table.rows.map { $0.cells.map(\.value) } == lookup.rows, "\(lookup.name)")
        }
        // Quoting, embedded quotes, commas, line breaks and edge spaces survive.
        let tricky = [["a,b", "say \"hi\"", " padded ", "line\nbreak", "Ünïcödé – ok", ""]]
        let diagnostics = DiagnosticCollector()
        let back = try #require(CSVReader(path: "t.csv").read(CSVWriter.write(header: ["1", "2", "3", "4", "5", "6"], rows: tricky), diagnostics: diagnostics))
        #expect(back.rows.map { $0.cells.map(\.value) } == tricky)
    }

    @Test func automaticLookupsEnrichSampleEvents() throws {
        let generation = try built()
        let lookups = try #require(SplunkLookupEmulator(files: generation.files, appID: generation.project.settings.packageName))
        #expect(lookups.lookups.count == 6)

        // An operation with two techniques spanning two tactics, matched without regard to case.
        let rule = try #require(generation.project.operations.first { $0.operation.value == "New-InboxRule" })
        #expect(rule.assignment.ids == ["T1114.003", "T1564.008"])
        for operation in ["New-InboxRule", "new-inboxrule"] {
            let event = lookups.enrich(["Operation": operation, "Workload": "Exchange"])
            #expect(event["o365kit_technique_id"] == ["T1114.003", "T1564.008"])
            #expect(event["o365kit_technique_name"] == ["Email Collection: Email Forwarding Rule", "Hide Artifacts: Email Hiding Rules"])
            #expect(event["o365kit_tactic"] == ["Defense Evasion", "Collection"])
            #expect(event["o365kit_assessment"] == ["attack"])
            #expect(event["o365kit_rationale"]?.count == 1)
            #expect(event["o365kit_logon_error_technique_id"] == nil)
        }

        // A failed sign-in: the operation's meaning plus the code's.
        let failed = lookups.enrich(["Operation": "UserLoginFailed", "LogonError": "AuthenticationFailedSasError"])
        #expect(failed["o365kit_technique_id"] == ["T1110"])
        #expect(failed["o365kit_logon_error_technique_id"] == ["T1621"])
        #expect(failed["o365kit_logon_error_tactic"] == ["Credential Access"])
        #expect(failed["o365kit_logon_error_assessment"] == ["attack"])
        // The code alone, on another operation, means nothing: the Wazuh rules refine only failed sign-ins.
        #expect(lookups.enrich(["Operation": "UserLoggedIn", "LogonError": "AuthenticationFailedSasError"])["o365kit_logon_error_technique_id"] == nil)

        // Routine activity: assessed, but no technique.
        let routine = lookups.enrich(["Operation": "Access"])
        #expect(routine["o365kit_assessment"] == ["none"])
        #expect(routine["o365kit_technique_id"] == nil && routine["o365kit_tactic"] == nil)

        // Exact otherwise: the trailing space of this API value is part of it.
        let spaced = "Update application – Certificates and secrets management "
        #expect(lookups.enrich(["Operation": spaced])["o365kit_technique_id"] != nil)
        #expect(lookups.enrich(["Operation": String(spaced.dropLast())])["o365kit_technique_id"] == nil)
        #expect(lookups.enrich(["Operation": "NoSuchOperation"]).count == 1)
        #expect(lookups.enrich(["Workload": "Exchange"]).count == 1)
    }

    @Test func everyMappedRowEnrichesItsEvents() throws {
        let generation = try built()
        let project = generation.project
        let lookups = try #require(SplunkLookupEmulator(files: generation.files, appID: project.settings.packageName))
        for row in project.operations {
            let event = lookups.enrich(["Operation": row.operation.value])
            #expect((event["o365kit_technique_id"] ?? []) == row.assignment.ids, "\(row.operation.value)")
            #expect(event["o365kit_assessment"] == [row.assignment == .noTechnique ? "none" : "attack"])
        }
        for row in project.logonErrors {
            let event = lookups.enrich(["Operation": project.settings.logonErrorOperation, "LogonError": row.code.value])
            #expect((event["o365kit_logon_error_technique_id"] ?? []) == row.assignment.ids, "\(row.code.value)")
        }
    }

    @Test func theAppsOwnChecksCatchWhatAppInspectMisses() throws {
        let generation = try built()
        let appID = generation.project.settings.packageName
        let base = generation.files.filter { !$0.path.hasPrefix(PackagePaths.folder) }
        func findings(_ searches: String) -> [String] {
            let file = RenderedFile(path: SplunkAppPaths.savedSearches(appID), contents: searches)
            return verifySplunkApp(base + [file], appID: appID, outputRoot: "output/").map { "\($0.location.line): \($0.message)" }
        }
        #expect(findings("[ok]\nsearch = `o365kit_source` | stats count by Operation\n").isEmpty)
        #expect(findings("[a]\nsearch = `o365kit_source` Operation=\"New-InboxRule | stats count\n") == ["2: [a]: \" opened here is never closed"])
        #expect(findings("[a]\nsearch = `o365kit_source` | where (x > 1\n") == ["2: [a]: '(' opened here is never closed"])
        #expect(findings("[a]\nsearch = `o365kit_source` | eval x=mvindex('Parameters{}.Value', 0))\n") == ["2: [a]: ')' closes nothing"])
        #expect(findings("[a]\nsearch = `o365kit_source` \\  \n| stats count\n").contains { $0.hasPrefix("2: '\\' followed by white space") })
        #expect(findings("[a]\nsearch = `o365kit_source`\n[a]\nsearch = `o365kit_source`\n") == ["3: duplicate stanza [a]; splunkd merges them silently"])
        #expect(findings("[a]\nsearch = `o365kit_src` | stats count\n") == ["2: [a]: macro `o365kit_src` is not defined in macros.conf"])
        #expect(findings("[a]\nsearch = `o365kit_source` | lookup o365kit_nope Operation OUTPUT x\n").first?.contains("lookup 'o365kit_nope' is not defined") == true)
        #expect(findings("[a]\nsearch = `o365kit_source` | lookup o365kit_operation_attack Operation AS op OUTPUT technique\n")
            == ["2: lookup 'o365kit_operation_attack' has no column 'technique' (columns: Operation, o365kit_technique_id, o365kit_technique_name)"])
        #expect(findings("[a]\nsearch = `o365kit_source` | inputlookup o365kit_attack_tactics\n").isEmpty)
        #expect(findings("[a]\nsearch = `o365kit_source`\nenableSched = 1\ncron_schedule = 0 * * * *\n") == ["1: scheduled search [a] has no dispatch.earliest_time", "1: scheduled search [a] has no dispatch.latest_time"])
        // Findings point at the column of the quote, also when the value is not after "search = ".
        let file = RenderedFile(path: SplunkAppPaths.savedSearches(appID), contents: "[a]\nsearch   =   `o365kit_source` x=\"y\n")
        let quote = verifySplunkApp(base + [file], appID: appID, outputRoot: "output/").first?.location
        #expect(quote?.line == 2 && quote?.column == 33)
        // A multi-line search: the finding points at the line it is on.
        #expect(findings("[a]\nsearch = `o365kit_source` \\\n| where (x > 1\n") == ["3: [a]: '(' opened here is never closed"])
    }
}
