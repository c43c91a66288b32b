/// A compiled pattern of any of the three flavours, as used by rule conditions.
public enum FieldPattern: Sendable, Hashable, CustomStringConvertible {
    case osregex(OSRegex)
    case osmatch(OSMatch)
    case pcre2(PCRE2Pattern)

    /// Compiles `pattern` as `type`, failing where Wazuh would.
    public init(_ pattern: String, type: PatternType) throws(PatternError) {
        switch type {
        case .osregex: self = .osregex(try OSRegex(pattern))
        case .osmatch: self = .osmatch(try OSMatch(pattern))
        case .pcre2: self = .pcre2(try PCRE2Pattern(pattern))
        }
    }

    /// The flavour of this pattern.
    public var type: PatternType {
        switch self {
        case .osregex: .osregex
        case .osmatch: .osmatch
        case .pcre2: .pcre2
        }
    }

    /// The pattern text as written.
    public var pattern: String {
        switch self {
        case .osregex(let p): p.pattern
        case .osmatch(let p): p.pattern
        case .pcre2(let p): p.pattern
        }
    }

    /// Whether the pattern matches `s`.
    public func matches(_ s: String) -> Bool {
        s.withCStringBytes { matches(bytes: $0) }
    }

    /// Whether the pattern matches the bytes `s`.
    @inline(__always)
    public func matches(bytes s: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .osregex(let p): p.matches(bytes: s)
        case .osmatch(let p): p.matches(bytes: s)
        case .pcre2(let p): p.matches(bytes: s)
        }
    }

    public var description: String { "\(type.rawValue):\(pattern)" }
}
