import Foundation
import O365KitCore

/// Wazuh's answer to one logtest request (`wazuh-logtest`, the logtest socket, the API's
/// `PUT /logtest`): `{"error":0,"data":{"codemsg":…,"messages":[…],"token":…,"output":{…},"alert":…}}`.
public struct LogtestResponse: Sendable, Hashable {
    /// The rule an event ended at, as the manager reports it.
    public struct Rule: Sendable, Hashable {
        public var id: Int
        public var level: Int
        /// With `$(field)` already expanded.
        public var description: String
        /// ATT&CK ids: `rule.mitre.id` where the manager's MITRE database filled it, else the
        /// ids the rule declares (`rw_rule_mitre`, which only the test driver adds).
        public var mitre: [String]
    }

    /// The top-level `error` (0 when the request was processed).
    public var error: Int
    /// 0 ok, 1 ok with warnings in `messages`, -1 processing error (e.g. the ruleset did not
    /// load), -2 input error.
    public var codemsg: Int
    /// Loader messages of a new session (the newest 50 on a real manager) and session notes.
    public var messages: [String]
    /// The session, to reuse for stateful rules.
    public var token: String?
    /// The rule the event ended at; nil when no rule matched or nothing was processed.
    public var rule: Rule?
    /// Whether a manager would write an alert (level ≥ `log_alert_level`).
    public var alert: Bool
    /// The rule trace ("Trying rule: …", "*Rule N matched") when it was asked for.
    public var rulesDebug: [String]

    /// Parses a response; throws when it is not one.
    public init(json: Data) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw LogtestError.malformed(String(decoding: json.prefix(200), as: UTF8.self))
        }
        error = (object["error"] as? NSNumber)?.intValue ?? -1
        let data = object["data"] as? [String: Any] ?? [:]
        codemsg = (data["codemsg"] as? NSNumber)?.intValue ?? (error == 0 ? 0 : -1)
        messages = data["messages"] as? [String] ?? (object["message"] as? String).map { [$0] } ?? []
        token = data["token"] as? String
        alert = (data["alert"] as? Bool) ?? false
        rulesDebug = data["rules_debug"] as? [String] ?? []
        rule = nil
        guard let output = data["output"] as? [String: Any], let rule = output["rule"] as? [String: Any],
              let id = Self.int(rule["id"]), let level = Self.int(rule["level"]) else { return }
        let declared = (output["rw_rule_mitre"] as? [String: Any])?["id"] as? [String]
        let known = (rule["mitre"] as? [String: Any])?["id"] as? [String]
        self.rule = Rule(id: id, level: level, description: rule["description"] as? String ?? "", mitre: known ?? declared ?? [])
    }

    /// Wazuh writes rule ids as strings and levels as numbers.
    private static func int(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        return (value as? String).flatMap { Int($0) }
    }

    /// Loader warnings and errors (`WARNING:`/`ERROR:`/`CRITICAL:` lines) of the session.
    public var loaderProblems: [String] {
        messages.filter { $0.hasPrefix("WARNING:") || $0.hasPrefix("ERROR:") || $0.hasPrefix("CRITICAL:") }
    }
}

public enum LogtestError: Error, CustomStringConvertible, Sendable {
    case malformed(String)
    case transport(String)

    public var description: String {
        switch self {
        case .malformed(let text): return "not a logtest response: \(text)"
        case .transport(let text): return text
        }
    }
}
