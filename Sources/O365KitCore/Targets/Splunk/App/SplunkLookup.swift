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
