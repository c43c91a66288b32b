import Foundation

/// A Wazuh 4.x rule file: a sequence of `<group name="…">` (and `<var>`) elements.
///
/// Parsing applies the checks that make analysisd refuse to start (bad root, unknown
/// attribute or element, pattern that does not compile, missing description, …) and
/// reports each as a located error. Softer problems become `warnings`.
public struct RuleFile: Sendable {
    /// The path as given.
    public let path: String
    /// The rules in file order.
    public let rules: [RuleDefinition]
    /// Problems analysisd would only log.
    public let warnings: [RuleDiagnostic]

    /// Parses `data`, the content of the rule file at `path` (used only in messages).
    /// - Throws: `RuleLoadError` with every fatal problem found.
    public init(data: Data, path: String) throws(RuleLoadError) {
        var parser = RuleFileParser(path: path)
        let elements: [RuleXMLElement]
        do {
            elements = try RuleXML.read(data, path: path)
        } catch {
            throw RuleLoadError(errors: [error])
        }
        let rules = parser.parse(elements)
        if !parser.errors.isEmpty { throw RuleLoadError(errors: parser.errors) }
        self.path = path
        self.rules = rules
        self.warnings = parser.warnings
    }

    /// Parses `data` and returns its rules (warnings are dropped; use `init` to see them).
    public static func parse(data: Data, path: String) throws(RuleLoadError) -> [RuleDefinition] {
        try RuleFile(data: data, path: path).rules
    }
}

/// The fatal problems of one or more rule files.
public struct RuleLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every error, in file order.
    public let errors: [RuleDiagnostic]

    /// Creates an error from located diagnostics.
    public init(errors: [RuleDiagnostic]) { self.errors = errors }

    /// One `path:line: error: message` per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
