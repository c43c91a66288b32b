import Foundation

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
    /// The detections' saved searches, when any detection supports Splunk.
    public static func savedSearches(_ appID: String) -> String { root(appID) + "default/savedsearches.conf" }
    public static let savedSearchesTemplate = "splunk/savedsearches.conf.mustache"
}

extension PackagePaths {
    public static func splunk(_ settings: ProjectSettings) -> String {
        folder + "\(settings.packageName)-\(settings.packageVersion).tgz"
    }
}
