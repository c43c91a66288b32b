import Foundation
import O365KitCore
import WazuhRuleEngine

/// The rules `o365kit test` evaluates: Wazuh's native office365 rules and every `*.xml` of
/// the generated rules folder, loaded as analysisd loads them (all files sorted together by
/// file name, so a pack file named to sort before `0755-office365_rules.xml` loses its rules
/// here as on a manager), with the CDB lists of the sibling `lists/` folder registered as
/// `etc/lists/<name>`, the path generated rules use.
public struct RulePack: Sendable {
    public var ruleSet: RuleSet
    /// Ids of the rules from the generated files, to tell them from native ones.
    public var generatedIDs: Set<Int>
    /// Display paths of the loaded rule files, in load order.
    public var files: [String]
    /// Display paths of the loaded lists.
    public var lists: [String]

    /// Loads the pack; nil (with located errors) when a file cannot be read or a rule file
    /// has a fatal error. Ruleset warnings (unknown if_sid, duplicate id, …) become warnings.
    public static func load(native: URL, rulesDirectory: URL, listsDirectory: URL, diagnostics: DiagnosticCollector) -> RulePack? {
        let manager = FileManager.default
        var files: [(path: String, data: Data)] = []
        guard let nativeData = manager.contents(atPath: native.path) else {
            diagnostics.emit(.error("missing-file", "cannot read Wazuh's native office365 rules", at: SourceLocation(path: displayPath(native))))
            return nil
        }
        files.append((displayPath(native), nativeData))
        var generatedPaths: Set<String> = []
        let names = (try? manager.contentsOfDirectory(atPath: rulesDirectory.path)) ?? []
        if names.isEmpty {
            diagnostics.emit(.error("missing-file", "no rule files here; run `o365kit build` first or pass --rules-dir", at: SourceLocation(path: displayPath(rulesDirectory))))
            return nil
        }
        for name in names.sorted() where name.hasSuffix(".xml") {
            let url = rulesDirectory.appendingPathComponent(name)
            guard let data = manager.contents(atPath: url.path) else {
                diagnostics.emit(.error("missing-file", "cannot read rule file", at: SourceLocation(path: displayPath(url))))
                return nil
            }
            files.append((displayPath(url), data))
            generatedPaths.insert(displayPath(url))
        }
        var lists: [String: Data] = [:]
        var listPaths: [String] = []
        for name in ((try? manager.contentsOfDirectory(atPath: listsDirectory.path)) ?? []).sorted() where !name.hasPrefix(".") && !name.hasSuffix(".cdb") {
            let url = listsDirectory.appendingPathComponent(name)
            guard let data = manager.contents(atPath: url.path) else { continue }
            lists["etc/lists/\(name)"] = data
            listPaths.append(displayPath(url))
        }
        do {
            let ruleSet = try RuleSet(files: files, lists: lists)
            for warning in ruleSet.warnings {
                diagnostics.emit(.warning("ruleset", warning.message, at: SourceLocation(path: warning.path, line: warning.line)))
            }
            let generated = Set(ruleSet.rules.filter { generatedPaths.contains($0.source.path) }.map(\.id))
            return RulePack(ruleSet: ruleSet, generatedIDs: generated, files: files.map(\.path), lists: listPaths)
        } catch {
            for e in error.errors {
                diagnostics.emit(Diagnostic(e.severity == .error ? .error : .warning, "rule-file", e.message, at: SourceLocation(path: e.path, line: e.line)))
            }
            return nil
        }
    }
}
