/// One finding about the project's inputs or generated outputs.
///
/// Diagnostics are data: stages emit them into a collector instead of throwing, so a
/// single run reports every problem at once, sorted the way a compiler would.
public struct Diagnostic: Hashable, Comparable, Sendable, Codable {
    public enum Severity: String, Hashable, Comparable, Sendable, Codable {
        case note, warning, error

        public static func < (a: Severity, b: Severity) -> Bool {
            a.rank < b.rank
        }

        private var rank: Int {
            switch self {
            case .note: return 0
            case .warning: return 1
            case .error: return 2
            }
        }
    }

    /// A secondary location that helps explain the finding ("first defined here").
    public struct Note: Hashable, Sendable, Codable {
        public var location: SourceLocation
        public var message: String

        public init(_ message: String, at location: SourceLocation) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    /// A stable check id such as `unknown-technique`; printed in brackets.
    public var id: String
    public var message: String
    public var location: SourceLocation
    public var notes: [Note]

    public init(_ severity: Severity, _ id: String, _ message: String, at location: SourceLocation, notes: [Note] = []) {
        self.severity = severity
        self.id = id
        self.message = message
        self.location = location
        self.notes = notes
    }

    public static func error(_ id: String, _ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, id, message, at: location, notes: notes)
    }

    public static func warning(_ id: String, _ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, id, message, at: location, notes: notes)
    }

    public static func note(_ id: String, _ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.note, id, message, at: location, notes: notes)
    }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.location, a.id, a.message) < (b.location, b.id, b.message)
    }
}
