import Foundation
import Testing
@testable import O365KitCore

/// The verify stage catches what a template or translator bug would ship, and points at
/// the generated line and the table row.
@Suite struct VerifyTests {
    func generate(template name: String = WazuhPackPaths.ruleTemplate, _ edit: (String) -> String) throws -> (Generation?, DiagnosticCollector, TestProject) {
        let project = try TestProject()
        let path = "templates/\(name)"
        try project.write(path, edit(try project.read(path)))
        let (generation, diagnostics) = project.generate()
        return (generation, diagnostics, project)
    }

    @Test func anAmpersandInTheOutputIsRejected() throws {
        let (generation, diagnostics, _) = try generate(template: WazuhPackPaths.template) { $0.replacingOccurrences(of: "MITRE ATTACK", with: "MITRE ATT&amp;CK") }
        #expect(generation == nil ? true : false, "expected the build to fail")
        #expect(diagnostics.sorted.contains { $0.id == "wazuh-xml" && $0.location.path == "output/wazuh/rules/9100-o365kit_mappings.xml" && $0.location.line == 3 })
    }

    @Test func anElementOutsideTheSchemaIsRejectedWithTheTableRow() throws {
        let (generation, diagnostics, _) = try generate { $0.replacingOccurrences(of: "    <options>{{{.}}}</options>", with: "    <option>{{{.}}}</option>") }
        #expect(generation == nil ? true : false, "expected the build to fail")
        let finding = try #require(diagnostics.sorted.first { $0.id == "xml-schema" })
        #expect(finding.location.path == "output/wazuh/rules/9100-o365kit_mappings.xml")
        #expect(finding.location.line > 5)
    }

    @Test func lintsPointBackAtTheRow() throws {
        // A level-3 rule under 91531 would never fire; the template is edited to emit one.
        let (generation, diagnostics, project) = try generate { $0.replacingOccurrences(of: "level=\"{{level}}\"", with: "level=\"3\"") }
        #expect(generation == nil ? true : false, "expected the build to fail")
        let finding = try #require(diagnostics.sorted.first { $0.id == "wazuh-never-fires" })
        let note = try #require(finding.notes.first)
        #expect(note.location.path.hasSuffix("mappings/operations.csv"))
        #expect(note.location.path.hasPrefix(project.root.path) || note.location.path.hasPrefix("/"))
        #expect(note.message.contains("operation:"))
    }

    /// The bug that left 0 of 267 rules loaded on a real manager: files named to sort before
    /// 0755-office365_rules.xml hang under rules that do not exist yet when they load.
    @Test func aRuleFileThatLoadsBeforeItsParentsIsRejected() throws {
        let project = try TestProject()
        let (built, _) = project.generate()
        let generation = try #require(built)
        let schema = try project.read("templates/\(WazuhPackPaths.schema)")
        let early = "wazuh/rules/0100-o365kit_mappings.xml"
        let file = try #require(generation.files.first { $0.path == WazuhPackPaths.rules })
        let order = WazuhLoadOrder([.init(path: early, ids: Set(generation.pack.rules.map(\.id))),
                                    .init(path: generation.project.native.path, ids: generation.project.native.ids)])
        let findings = verifyWazuhRules(RenderedFile(path: early, contents: file.contents), pack: generation.pack, project: generation.project,
                                        schema: schema, schemaPath: "rules.rng", outputRoot: "output/", loadOrder: order)
        let loadOrder = findings.filter { $0.id == "wazuh-load-order" }
        #expect(!loadOrder.isEmpty)
        let first = try #require(loadOrder.first)
        #expect(first.location.path == "output/" + early)
        #expect(first.message.contains("0755-office365_rules.xml, which analysisd loads after 0100-o365kit_mappings.xml"))
        // Under the shipped name nothing is out of order.
        let shipped = verifyWazuhRules(file, pack: generation.pack, project: generation.project, schema: schema, schemaPath: "rules.rng",
                                       outputRoot: "output/", loadOrder: WazuhLoadOrder(project: generation.project, translation: generation.wazuh))
        #expect(shipped.isEmpty, "\(shipped)")
    }

    @Test func aParentFurtherDownTheSameFileIsRejected() throws {
        let project = try TestProject()
        let generation = try #require(project.generate().0)
        let schema = try project.read("templates/\(WazuhPackPaths.schema)")
        let file = try #require(generation.files.first { $0.path == WazuhDetectionPaths.rules })
        // Move the first rule that another detection rule counts to the end of the file.
        let counted = try #require(WazuhRuleFileIDs.parents(in: file.contents).first { id in generation.wazuhDetections.rules.contains { $0.id == id } })
        var rules = file.contents.components(separatedBy: "\n\n  <rule ")
        let index = try #require(rules.firstIndex { $0.hasPrefix("id=\"\(counted)\"") })
        let moved = rules.remove(at: index)
        let last = rules.removeLast()
        let tail = last.components(separatedBy: "\n</group>")
        rules.append(tail[0])
        rules.append(moved + "\n</group>" + tail.dropFirst().joined(separator: "\n</group>"))
        let edited = RenderedFile(path: file.path, contents: rules.joined(separator: "\n\n  <rule "))
        let findings = verifyWazuhRules(edited, pack: generation.pack, project: generation.project, schema: schema, schemaPath: "rules.rng",
                                        outputRoot: "output/", loadOrder: WazuhLoadOrder(project: generation.project, translation: generation.wazuh))
        #expect(findings.contains { $0.id == "wazuh-load-order" && $0.message.contains("rule \(counted) is defined further down this file") }, "\(findings)")
    }

    @Test func templateSyntaxErrorsAreLocated() throws {
        let (generation, diagnostics, _) = try generate { $0 + "{{#elements}}\n" }
        #expect(generation == nil ? true : false, "expected the build to fail")
        #expect(diagnostics.sorted.contains { $0.id == "bad-template" && $0.location.path.hasSuffix("rule.xml.mustache") })
    }

    @Test func shapeCachedRenderingEqualsDirectRendering() throws {
        let project = try TestProject()
        var templates = TemplateSet(folder: project.paths.templates)
        let loaded = templates.load(WazuhPackPaths.ruleTemplate, diagnostics: DiagnosticCollector())
        #expect(loaded)
        let generation = try #require(project.generate().0)
        for rule in generation.pack.rules {
            let values = ruleValues(rule)
            #expect(templates.render(WazuhPackPaths.ruleTemplate, values) == templates.renderDirectly(WazuhPackPaths.ruleTemplate, values))
        }
        // A value with characters Mustache escapes in {{…}} holes is escaped the same way.
        var escaped = TemplateSet(folder: project.paths.templates)
        try project.write("templates/probe.mustache", "<a x=\"{{v}}\">{{{v}}}</a>{{#l}}[{{.}}]{{/l}}\n")
        let probeLoaded = escaped.load("probe.mustache", diagnostics: DiagnosticCollector())
        #expect(probeLoaded)
        for values: TemplateValue in [.object([("v", "a<b>&'\""), ("l", .list(["1", "2"]))]), .object([("v", "plain"), ("l", .list([]))])] {
            #expect(escaped.render("probe.mustache", values) == escaped.renderDirectly("probe.mustache", values))
        }
    }

    @Test func generatedXMLParsesAndValidates() throws {
        let project = try TestProject()
        let generation = try #require(project.generate().0)
        let xml = try #require(generation.files.first { $0.path == WazuhPackPaths.rules })
        let schema = try project.read("templates/\(WazuhPackPaths.schema)")
        let (root, problems) = XMLChecker.check(xml.contents, path: "x.xml", relaxNG: schema)
        #expect(problems.isEmpty)
        #expect(try #require(root).children(named: "group").first?.children(named: "rule").count == generation.pack.rules.count)
    }
}
