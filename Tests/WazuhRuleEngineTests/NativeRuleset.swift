import Foundation

/// Locates `mappings/wazuh-native/` from this source file, so tests run from any directory.
enum NativeRuleset {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("mappings/wazuh-native")

    static let rulesPath = "mappings/wazuh-native/0755-office365_rules.xml"

    static func rulesData() throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("0755-office365_rules.xml"))
    }

    static func testsText() throws -> String {
        try String(contentsOf: directory.appendingPathComponent("office365.ini"), encoding: .utf8)
    }
}
