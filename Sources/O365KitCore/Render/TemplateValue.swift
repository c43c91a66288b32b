/// What a template is given: finished strings, flags for sections, lists and objects whose
/// keys keep the order they were written in. A concrete type (rather than `[String: Any]`)
/// lets the shape cache walk values without dynamic casts.
public indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    case flag(Bool)
    case list([TemplateValue])
    case object([(String, TemplateValue)])

    /// The value as swift-mustache reads it.
    var mustache: Any {
        switch self {
        case .string(let s): return s
        case .flag(let b): return b
        case .list(let items): return items.map(\.mustache)
        case .object(let pairs): return Dictionary(pairs.map { ($0.0, $0.1.mustache) }, uniquingKeysWith: { first, _ in first })
        }
    }

    public static func == (a: TemplateValue, b: TemplateValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.flag(let x), .flag(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.object(let x), .object(let y)): return x.elementsEqual(y) { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }
}
