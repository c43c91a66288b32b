/// A problem found in a configuration file, printed as `path:line:col: error: message`.
public struct ConfigDiagnostic: Error, Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The file as given on the command line.
    public var path: String
    /// 1-based line, as Yams reports it (0 when unknown).
    public var line: Int
    /// 1-based column in Unicode scalars, as Yams reports it (0 when unknown).
    public var column: Int
    /// What is wrong, and where possible what to write instead.
    public var message: String

    public var description: String {
        line > 0 ? "\(path):\(line):\(column): error: \(message)" : "\(path): error: \(message)"
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.path, a.line, a.column, a.message) < (b.path, b.line, b.column, b.message)
    }
}

/// Every diagnostic of one load, thrown together so that the user fixes them in one go.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// Sorted by position.
    public var diagnostics: [ConfigDiagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
