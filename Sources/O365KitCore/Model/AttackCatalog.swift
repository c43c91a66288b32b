/// An ATT&CK tactic, in matrix order.
public struct Tactic: Hashable, Sendable, Codable {
    public var id: String
    /// The kill-chain phase name used in technique rows and rule groups, e.g. `credential-access`.
    public var shortname: String
    public var name: String
    public var order: Int
}

/// One ATT&CK Enterprise technique or sub-technique, active or not.
public struct Technique: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    /// Tactic shortnames, in matrix order.
    public var tactics: [String]
    public var parentID: String?
    public var platforms: [String]
    public var deprecated: Bool
    public var revoked: Bool
    public var revokedBy: String?

    public var isActive: Bool { !deprecated && !revoked }
}

/// The bundled ATT&CK catalog (mappings/attack/), the reference every table is checked against.
public struct AttackCatalog: Sendable {
    public var version: String
    public var tactics: [Tactic]
    public var techniques: [String: Technique]

    public init(version: String, tactics: [Tactic], techniques: [String: Technique]) {
        self.version = version
        self.tactics = tactics
        self.techniques = techniques
    }

    public func tactic(shortname: String) -> Tactic? {
        tactics.first { $0.shortname == shortname }
    }

    /// Follows `revoked_by` until it reaches a technique that is not revoked, because a few
    /// revocations point at techniques that were themselves revoked later.
    public func replacement(for id: String) -> Technique? {
        var seen: Set<String> = [id]
        var current = techniques[id]
        while let t = current, t.revoked, let next = t.revokedBy {
            guard seen.insert(next).inserted else { return nil }
            current = techniques[next]
        }
        return current?.id == id ? nil : current
    }

    /// The display name, with the parent's name in front for a sub-technique
    /// ("Create Account: Cloud Account"), as ATT&CK itself shows it.
    public func displayName(of id: String) -> String {
        guard let t = techniques[id] else { return id }
        if let parent = t.parentID, let p = techniques[parent] {
            return "\(p.name): \(t.name)"
        }
        return t.name
    }

    /// The platforms through which an Office 365 audit event can be evidence.
    public static let cloudPlatforms: Set<String> = ["SaaS", "Office Suite", "Identity Provider", "IaaS", "Office 365", "Azure AD"]
}

/// The tactics of the techniques, in matrix order.
func tactics(of techniques: [String], in catalog: AttackCatalog) -> [String] {
    let wanted = Set(techniques.flatMap { catalog.techniques[$0]?.tactics ?? [] })
    return catalog.tactics.map(\.shortname).filter(wanted.contains)
}

/// ATT&CK ids in numeric order (T1001, T1001.001, …, T1003), as the catalog file sorts them.
func attackOrder(_ a: String, _ b: String) -> Bool {
    func parts(_ id: String) -> (Int, Int) {
        let pieces = id.dropFirst().split(separator: ".")
        return (Int(pieces.first ?? "") ?? 0, pieces.count > 1 ? Int(pieces[1]) ?? 0 : -1)
    }
    let (x, y) = (parts(a), parts(b))
    return x != y ? x < y : a < b
}
