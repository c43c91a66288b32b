/// One CSV lookup of the Splunk app: its table and how `transforms.conf` defines it and
/// `props.conf` applies it. The conf files, the CSVs and the lookup emulator that tests
/// the enrichment are all made from this one value, so they cannot drift apart.
public struct SplunkLookup: Sendable, Equatable {
    /// The `transforms.conf` stanza name; the CSV is `lookups/<name>.csv`.
    public var name: String
    /// Event fields that must all equal the row's cells (the CSV columns of the same name).
    public var matchFields: [String]
    /// Columns copied into the event; each becomes a multivalue field when several rows match.
    public var outputFields: [String]
    /// `case_sensitive_match`. The Wazuh rules match Operation and LogonError without regard
    /// to case, so the automatic lookups do too.
    public var caseSensitive: Bool
    /// `max_matches`: rows of one key in file order; the build checks no key has more.
    public var maxMatches: Int
    /// Whether `props.conf` applies it automatically to the audit sourcetype.
    public var automatic: Bool
    /// What the lookup holds, for transforms.conf and the README.
    public var summary: String
    public var rows: [[String]]

    public var filename: String { name + ".csv" }
    public var header: [String] { matchFields + outputFields }
}

/// Where the Splunk app's files go, below the output folder.
public enum SplunkAppPaths {
    /// The Splunk add-on for Microsoft Office 365 indexes Management Activity records as this.
    public static let sourcetype = "o365:management:activity"
    /// The macro every o365kit search starts with; a site overrides it in local/macros.conf.
    public static let sourceMacro = "o365kit_source"
    public static let sourceMacroDefinition = #"(index=o365 sourcetype="o365:management:activity")"#
    public static let templates = ["app.conf", "app.manifest", "default.meta", "macros.conf", "props.conf", "transforms.conf", "README.md"]
        .map { "splunk/\($0).mustache" }

    public static func root(_ appID: String) -> String { "splunk/\(appID)/" }
    /// The saved searches file the detections stage renders, when it exists.
    public static func savedSearches(_ appID: String) -> String { root(appID) + "default/savedsearches.conf" }
}
