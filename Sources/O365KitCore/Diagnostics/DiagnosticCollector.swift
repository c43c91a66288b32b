/// Gathers diagnostics from every stage of a run.
///
/// A class, not a value, because every stage writes into the same one and the CLI reads
/// it at the end; runs are single-threaded, so it needs no lock.
public final class DiagnosticCollector: @unchecked Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public func emit(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    public func emit(_ list: [Diagnostic]) {
        diagnostics.append(contentsOf: list)
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Every diagnostic once, in (path, line, column, id) order.
    public var sorted: [Diagnostic] { Array(Set(diagnostics)).sorted() }

    public func count(_ severity: Diagnostic.Severity) -> Int {
        Set(diagnostics).filter { $0.severity == severity }.count
    }
}
