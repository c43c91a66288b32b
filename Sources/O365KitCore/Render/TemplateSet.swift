import Foundation
import Mustache

/// The Mustache templates of `templates/`, each parsed once. Templates get values that
/// are already sorted and escaped, so they hold no logic beyond loops.
public struct TemplateSet: Sendable {
    public var folder: URL
    private var templates: [String: ShapeCachedTemplate] = [:]

    init(folder: URL) {
        self.folder = folder
    }

    /// Loads `name` (e.g. `wazuh/rules.xml.mustache`), reporting a parse error at its line.
    mutating func load(_ name: String, diagnostics: DiagnosticCollector) -> Bool {
        let url = folder.appendingPathComponent(name)
        guard let text = readText(url, diagnostics: diagnostics) else { return false }
        do {
            templates[name] = ShapeCachedTemplate(try MustacheTemplate(string: text))
            return true
        } catch let error as MustacheTemplate.ParserError {
            diagnostics.emit(.error("bad-template", "template error: \(error.error)", at: SourceLocation(path: displayPath(url), line: error.context.lineNumber, column: error.context.columnNumber)))
        } catch {
            diagnostics.emit(.error("bad-template", "template error: \(error)", at: SourceLocation(path: displayPath(url))))
        }
        return false
    }

    func render(_ name: String, _ values: TemplateValue) -> String {
        // load(_:) succeeded for every name a renderer uses before it renders.
        templates[name]!.render(values)
    }

    /// Renders a one-off file (a conf file, a summary) straight through Mustache: the shape
    /// cache pays off only for templates rendered many times, like a rule.
    func render(_ name: String, _ values: [String: Any]) -> String {
        templates[name]!.renderDirectly(values)
    }

    /// Renders without the shape cache; tests compare the two.
    func renderDirectly(_ name: String, _ values: TemplateValue) -> String {
        templates[name]!.renderDirectly(values)
    }

    func path(_ name: String) -> String {
        displayPath(folder.appendingPathComponent(name))
    }
}
