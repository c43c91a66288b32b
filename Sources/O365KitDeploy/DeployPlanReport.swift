import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// The plan of a deployment as text: one line per file.
public enum DeployPlanReport {
    /// `rules etc/rules/9100-o365kit_mappings.xml  144830 bytes  sha256 ab12…  changed (manager: 140000 bytes, sha256 cd34…; +3 rules, -1 rule)`.
    /// A registration prints as `config etc/ossec.conf (node worker-1)  register lists: etc/lists/a, etc/lists/b`.
    public static func text(_ plan: [DeployPlanItem], registrations: [ListRegistration] = []) -> String {
        var out = ""
        for registration in registrations where !registration.added.isEmpty {
            out += "config \(registration.label)  register lists: \(registration.added.joined(separator: ", "))\n"
        }
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

    /// The report for `--format json`: outcome, manager, plan, registrations, proof and failure.
    public static func json(_ report: WazuhDeployment.Report, dryRun: Bool) -> Data {
        var object: [String: Any] = [
            "outcome": report.outcome == .deployed ? (dryRun ? "dry-run" : "deployed") : report.outcome == .failed ? "failed" : "rollback-failed",
            "exit_code": Int(report.outcome.rawValue),
            "clustered": report.clustered,
            "files": report.plan.map { item -> [String: Any] in
                var file: [String: Any] = ["kind": item.kind.rawValue, "path": "etc/\(item.kind.rawValue)/\(item.name)", "change": item.change.rawValue,
                                           "size": item.size, "sha256": item.sha256, "rules_added": item.rulesAdded, "rules_removed": item.rulesRemoved]
                if let size = item.managerSize { file["manager_size"] = size }
                if let sha = item.managerSHA256 { file["manager_sha256"] = sha }
                return file
            },
            "registrations": report.registrations.map { ["node": $0.node ?? "manager", "lists": $0.added] },
            "cases_proven": report.casesProven,
            "manager_warnings": report.managerWarnings,
        ]
        if let version = report.version { object["version"] = version }
        if let error = report.error { object["error"] = ["step": error.step, "message": error.message] }
        if !report.rollbackErrors.isEmpty { object["rollback_errors"] = report.rollbackErrors.map { ["step": $0.step, "message": $0.message] } }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
    }

    private static func ids(_ list: [Int]) -> String {
        list.count <= 12 ? list.map(String.init).joined(separator: ",") : "\(list.count) ids, \(list.first!)…\(list.last!)"
    }
}
