/// A pattern that Wazuh would refuse to compile.
///
/// analysisd treats a rule whose pattern fails to compile as fatal ("(5107): Syntax error on
/// tag ..."), so the generator must never emit one. `reason` names the cause in words.
public struct PatternError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pattern flavour: `osregex`, `osmatch` or `pcre2`.
    public let flavour: PatternType
    /// The pattern text exactly as given.
    public let pattern: String
    /// Why the pattern was refused.
    public let reason: String

    /// Creates an error for `pattern` of `flavour`.
    public init(flavour: PatternType, pattern: String, reason: String) {
        self.flavour = flavour
        self.pattern = pattern
        self.reason = reason
    }

    public var description: String {
        "invalid \(flavour.rawValue) pattern '\(pattern)': \(reason)"
    }
}

/// The three pattern flavours of Wazuh's `type` attribute.
public enum PatternType: String, Hashable, Sendable, CaseIterable {
    case osregex
    case osmatch
    case pcre2
}

/// Longest pattern `OSRegex_Compile`/`OSMatch_Compile` accept (`OS_PATTERN_MAXSIZE`).
let osPatternMaxSize = 2048
