import O365KitCore

/// Review reads both the generator's tables and Wazuh's rule files; its locations are the
/// generator's (WazuhRuleEngine has a type of the same name for rule files).
typealias SourceLocation = O365KitCore.SourceLocation
