/// A `<description>` split into text and `$(field)` references, expanded per alert.
struct DescriptionTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case field(String)
    }
    let raw: String
    let parts: [Part]

    /// analysisd falls back to the raw template when the expansion reaches `OS_COMMENT_MAX`.
    static let maxExpandedSize = 1024

    init(_ raw: String) {
        self.raw = raw
        var parts: [Part] = []
        var rest = Substring(raw)
        while let open = rest.range(of: "$(") {
            guard let close = rest[open.upperBound...].firstIndex(of: ")") else { break }
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            parts.append(.field(String(rest[open.upperBound..<close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    func expand(_ event: DecodedEvent) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .field(let name): out += event.field(name) ?? event.staticFields[name] ?? ""
            }
        }
        return out.utf8.count >= Self.maxExpandedSize ? raw : out
    }
}
