import Foundation

/// The plan of a deployment as text: one line per file.
public enum DeployPlanReport {
    /// `rules etc/rules/9100-o365kit_mappings.xml  144830 bytes  sha256 ab12…  changed (manager: 140000 bytes, sha256 cd34…; +3 rules, -1 rule)`.
    public static func text(_ plan: [DeployPlanItem]) -> String {
        var out = ""
        for item in plan {
            if item.change == .retired {
                out += "\(item.kind.rawValue) etc/\(item.kind.rawValue)/\(item.name)  retired: deleted (manager: \(item.managerSize ?? 0) bytes, sha256 \(item.managerSHA256 ?? "")"
                out += "; \(item.rulesRemoved.count) rules): an older release's name, which loads before Wazuh's office365 rules\n"
                continue
            }
            out += "\(item.kind.rawValue) etc/\(item.kind.rawValue)/\(item.name)  \(item.size) bytes  sha256 \(item.sha256)  \(item.change.rawValue)"
            if item.change == .changed, let size = item.managerSize, let sha = item.managerSHA256 {
                out += " (manager: \(size) bytes, sha256 \(sha)"
                if !item.rulesAdded.isEmpty { out += "; rules added: \(ids(item.rulesAdded))" }
                if !item.rulesRemoved.isEmpty { out += "; rules removed: \(ids(item.rulesRemoved))" }
                out += ")"
            } else if item.change == .new, item.kind == .rules {
                out += " (\(item.rulesAdded.count) rules)"
            }
            out += "\n"
        }
        return out
    }

    private static func ids(_ list: [Int]) -> String {
        list.count <= 12 ? list.map(String.init).joined(separator: ",") : "\(list.count) ids, \(list.first!)…\(list.last!)"
    }
}
