/// One `<rule>` as written in a rule file, with its patterns already compiled.
///
/// This is the file's view of the rule; `RuleSet` turns definitions into the evaluation tree.
public struct RuleDefinition: Hashable, Sendable {
    /// The `id` attribute.
    public var id: Int
    /// The `level` attribute, 0–16.
    public var level: Int
    /// The `frequency` attribute as written (2–9999), if any.
    public var frequency: Int?
    /// The `timeframe` attribute in seconds, if any (analysisd defaults to 360).
    public var timeframe: Int?
    /// The `ignore` attribute in seconds, if any.
    public var ignore: Int?
    /// The `noalert` attribute: a matching rule with no matching child lets siblings be tried.
    public var noalert: Bool
    /// The `overwrite="yes"` attribute.
    public var overwrite: Bool

    /// Parent rule ids from `<if_sid>` (comma or space separated).
    public var ifSids: [Int]
    /// `<if_group>`: the rule is a child of every rule carrying this group.
    public var ifGroup: String?
    /// `<if_level>`: the rule is a child of every rule of at least this level.
    public var ifLevel: Int?
    /// `<if_matched_sid>`: correlation with earlier events that ended at this rule.
    public var ifMatchedSid: Int?
    /// `<if_matched_group>` (parsed; not evaluated).
    public var ifMatchedGroup: String?

    /// `<field>` conditions, all of which must hold.
    public var fields: [FieldCondition]
    /// `<match>` on the full log.
    public var match: PatternCondition?
    /// `<regex>` on the full log.
    public var regex: PatternCondition?
    /// `<location>` on the event location.
    public var location: PatternCondition?
    /// `<decoded_as>`: the decoder name the event must have.
    public var decodedAs: String?
    /// `<list>` CDB lookups, all of which must hold.
    public var lists: [ListCondition]
    /// `<same_field>` names: earlier events must carry the same value.
    public var sameFields: [String]
    /// `<different_field>`/`<not_same_field>` names: earlier events must carry another value.
    public var differentFields: [String]

    /// `<description>` text (a template: `$(field)` is expanded per alert).
    public var description: String
    /// Groups: the enclosing `<group name>` followed by the rule's `<group>` text, split on `,`.
    public var groups: [String]
    /// MITRE ATT&CK technique ids from `<mitre>` (old `<id>` or new `<techniqueID>` form).
    public var mitreIDs: [String]
    /// MITRE tactic ids from the new `<tacticID>` form.
    public var mitreTactics: [String]
    /// `<options>` values, e.g. `no_full_log`.
    public var options: [String]
    /// Elements that are valid for Wazuh but that this evaluator does not implement; a rule
    /// with any of them never matches here (`RuleSet` warns about it).
    public var unsupported: [String]

    /// Where the `<rule>` element starts.
    public var source: SourceLocation
}

/// A `<field>`, `<match>`, `<regex>` or `<location>` condition.
public struct PatternCondition: Hashable, Sendable {
    /// The compiled pattern (its `type` is the `type` attribute or the element's default).
    public let pattern: FieldPattern
    /// `negate="yes"`.
    public let negate: Bool
}

/// A `<field name="…">` condition on a dynamic (decoded) field.
public struct FieldCondition: Hashable, Sendable {
    /// The field name, e.g. `office365.Operation` (looked up case-insensitively).
    public let name: String
    /// The compiled pattern (default type `osregex`).
    public let pattern: FieldPattern
    /// `negate="yes"`; a missing field still fails the rule.
    public let negate: Bool

    /// The pattern type.
    public var type: PatternType { pattern.type }
}

/// How a `<list>` condition looks its key up.
public enum ListLookup: String, Hashable, Sendable, CaseIterable {
    case matchKey = "match_key"
    case notMatchKey = "not_match_key"
    case matchKeyValue = "match_key_value"
    case addressMatchKey = "address_match_key"
    case notAddressMatchKey = "not_address_match_key"
    case addressMatchKeyValue = "address_match_key_value"
}

/// A `<list field lookup check_value>path</list>` condition.
public struct ListCondition: Hashable, Sendable {
    /// The field whose value is the key.
    public let field: String
    /// The lookup kind.
    public let lookup: ListLookup
    /// `check_value`, an OS_Match on the stored value (for the `*_value` lookups).
    public let checkValue: OSMatch?
    /// The list path exactly as written; it must equal a configured list path.
    public let path: String
}
