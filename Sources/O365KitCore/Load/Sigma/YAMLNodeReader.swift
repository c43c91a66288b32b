import Yams

/// Located access to a composed YAML tree for detection files: every finding points at the
/// node's line and column.
struct YAMLNodeReader {
    var path: String
    var diagnostics: DiagnosticCollector
    private(set) var failed = false

    init(path: String, diagnostics: DiagnosticCollector) {
        self.path = path
        self.diagnostics = diagnostics
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: path, line: 1, column: 1) }
        return SourceLocation(path: path, line: mark.line, column: mark.column)
    }

    mutating func error(_ id: String, _ message: String, at node: Node?) {
        failed = true
        diagnostics.emit(.error(id, message, at: location(node)))
    }

    mutating func unsupported(_ message: String, at node: Node?) {
        error("unsupported-sigma", message, at: node)
    }

    mutating func unsupported(_ message: String, at location: SourceLocation) {
        error("unsupported-sigma", message, at: location)
    }

    mutating func error(_ id: String, _ message: String, at location: SourceLocation) {
        failed = true
        diagnostics.emit(.error(id, message, at: location))
    }

    func warning(_ id: String, _ message: String, at location: SourceLocation) {
        diagnostics.emit(.warning(id, message, at: location))
    }

    /// Key/value pairs of a mapping, in file order.
    mutating func pairs(_ node: Node?, what: String) -> [(key: Located<String>, value: Node)] {
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            error("bad-detection", "\(what) must be a mapping", at: node)
            return []
        }
        return mapping.map { (Located($0.key.string ?? "", at: location($0.key)), $0.value) }
    }

    mutating func string(_ node: Node?, what: String, required: Bool = true) -> Located<String>? {
        guard let node else {
            if required { error("bad-detection", "missing '\(what)'", at: SourceLocation(path: path, line: 1, column: 1)) }
            return nil
        }
        guard let s = node.scalar?.string, !s.isEmpty else {
            error("bad-detection", "'\(what)' must be a non-empty string", at: node)
            return nil
        }
        return Located(s, at: location(node))
    }

    /// A scalar or a list of scalars.
    mutating func strings(_ node: Node?, what: String) -> [Located<String>] {
        guard let node else { return [] }
        if node.scalar != nil { return string(node, what: what).map { [$0] } ?? [] }
        guard let sequence = node.sequence else {
            error("bad-detection", "'\(what)' must be a string or a list of strings", at: node)
            return []
        }
        return sequence.compactMap { string($0, what: what) }
    }
}
