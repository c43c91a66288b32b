/// A problem found while loading rules, located at the `<rule>` (or element) that caused it.
///
/// Errors are the conditions that make analysisd exit ("(1220): Error loading the rules");
/// warnings are the ones where it logs, skips the rule (or a part of it) and carries on.
public struct RuleDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// How serious the problem is for a real manager.
    public enum Severity: String, Hashable, Sendable { case warning, error }

    /// Whether analysisd would refuse to start (`error`) or only log (`warning`).
    public let severity: Severity
    /// The rule file path as given to the loader.
    public let path: String
    /// The 1-based line of the element, or 0 when unknown.
    public let line: Int
    /// What is wrong, in words; Wazuh's message code is quoted where there is one.
    public let message: String

    /// Creates a diagnostic.
    public init(severity: Severity, path: String, line: Int, message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: severity: message`.
    public var description: String { "\(path):\(line): \(severity.rawValue): \(message)" }

    static func error(_ location: SourceLocation, _ message: String) -> RuleDiagnostic {
        RuleDiagnostic(severity: .error, path: location.path, line: location.line, message: message)
    }

    static func warning(_ location: SourceLocation, _ message: String) -> RuleDiagnostic {
        RuleDiagnostic(severity: .warning, path: location.path, line: location.line, message: message)
    }
}

/// Where something was written: a file path and a 1-based line.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The path as given to the loader.
    public let path: String
    /// The 1-based line number.
    public let line: Int

    /// Creates a location.
    public init(path: String, line: Int) {
        self.path = path
        self.line = line
    }

    public var description: String { "\(path):\(line)" }
}
