import Foundation

/// Output paths of the Wazuh pack, below the output folder.
public enum WazuhPackPaths {
    /// analysisd sorts the rule files of all rule folders together by file name (strcmp), and
    /// a rule whose parent loads later is dropped. 9100 sorts after every stock file (0010 to
    /// 0999, 0755 holds the office365 rules these hang under) and before `local_rules.xml`,
    /// where a site refines our rules; the detection rules (9200) refine these.
    public static let rules = "wazuh/rules/9100-o365kit_mappings.xml"
    /// Names the pack's rule files had before; deploy removes them from a manager, where they
    /// would load before the stock rules and only add warnings.
    public static let retiredRuleFiles = ["0100-o365kit_mappings.xml", "0200-o365kit_detections.xml"]
    public static let ruleMap = "wazuh/o365kit-rule-map.csv"
    public static let logonErrorList = "wazuh/lists/o365kit-logon-errors"
    public static let template = "wazuh/rules.xml.mustache"
    public static let ruleTemplate = "wazuh/rule.xml.mustache"
    public static let schema = "wazuh/rules.rng"
}

/// Output paths of the detection rules.
public enum WazuhDetectionPaths {
    /// Loads after `9100-o365kit_mappings.xml`, whose rules it refines (see `WazuhPackPaths.rules`).
    public static let rules = "wazuh/rules/9200-o365kit_detections.xml"
    /// `etc/lists/NAME` → `wazuh/lists/NAME` in the output.
    public static func list(_ path: String) -> String { "wazuh/lists/" + path.dropFirst("etc/lists/".count) }
}

/// Paths of the Wazuh package's extra files, below the output folder.
public enum WazuhPackageFiles {
    /// Wazuh's ruleset test format (`ruleset/testing/tests/*.ini`, run by `runtests.py`).
    public static let tests = "wazuh/tests/o365kit.ini"
    /// Correlation cases, several events in one session (`WazuhSequenceCase`).
    public static let sequences = "wazuh/tests/o365kit-sequences.jsonl"
    public static let install = "wazuh/INSTALL"
    public static let installTemplate = "wazuh/INSTALL.mustache"
    /// Where a manager keeps CDB lists; a rule's `<list>` must name exactly this path.
    public static let listFolder = "etc/lists/"
}

extension PackagePaths {
    public static func wazuh(_ settings: ProjectSettings) -> String {
        folder + "\(settings.packageName)-wazuh-\(settings.packageVersion).tar.gz"
    }

    /// The folder every entry of the Wazuh archive sits in.
    public static func wazuhRoot(_ settings: ProjectSettings) -> String {
        "\(settings.packageName)-wazuh-\(settings.packageVersion)/"
    }
}
