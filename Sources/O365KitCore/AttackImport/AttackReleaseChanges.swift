/// What moving from one ATT&CK release to another changes for a project: every technique its
/// tables and detections use that the new release revokes, deprecates, removes, renames or moves
/// between tactics, and every tactic `levels.tactics` names that the new release lacks. Each is
/// a diagnostic at the first place that uses it, so a reviewer can go there.
public func attackReleaseChanges(from old: AttackCatalog, to new: AttackCatalog, project: ParsedProject,
                                 detections: [SigmaRule]) -> [Diagnostic] {
    var uses: [String: [SourceLocation]] = [:]
    var order: [String] = []
    func use(_ id: Located<String>) {
        if uses[id.value] == nil { order.append(id.value) }
        uses[id.value, default: []].append(id.location)
    }
    for row in project.operations { if case .techniques(let ids) = row.assignment { ids.forEach(use) } }
    for row in project.logonErrors { if case .techniques(let ids) = row.assignment { ids.forEach(use) } }
    for rule in detections {
        for tag in rule.tags {
            let t = tag.value.lowercased()
            guard t.hasPrefix("attack.t"), t.dropFirst("attack.t".count).first?.isNumber == true else { continue }
            use(Located(String(t.dropFirst("attack.".count)).uppercased(), at: tag.location))
        }
    }

    let release = "ATT&CK \(old.version) → \(new.version)"
    var out: [Diagnostic] = []
    for id in order {
        guard let before = old.techniques[id], let locations = uses[id], let at = locations.first else { continue }
        let more = locations.count > 1 ? " (used \(locations.count) times)" : ""
        guard let after = new.techniques[id] else {
            out.append(.error("attack-removed", "\(release): \(id) '\(before.name)' is gone\(more)", at: at))
            continue
        }
        if after.revoked && !before.revoked {
            let replacement = new.replacement(for: id).map { "; use \($0.id) '\(new.displayName(of: $0.id))'" } ?? ""
            out.append(.error("attack-revoked", "\(release): \(id) '\(before.name)' is revoked\(replacement)\(more)", at: at))
            continue
        }
        if after.deprecated && !before.deprecated {
            out.append(.warning("attack-deprecated", "\(release): \(id) '\(before.name)' is deprecated, with no replacement\(more)", at: at))
        }
        if after.name != before.name {
            out.append(.note("attack-renamed", "\(release): \(id) '\(before.name)' is now '\(after.name)'\(more)", at: at))
        }
        if after.tactics != before.tactics {
            let list = { (t: [String]) in t.isEmpty ? "none" : t.joined(separator: ", ") }
            out.append(.note("attack-tactics-changed", "\(release): \(id) moves from tactics \(list(before.tactics)) to \(list(after.tactics)); its rules' levels and groups follow\(more)", at: at))
        }
    }
    let newTactics = Set(new.tactics.map(\.shortname))
    for key in project.settings.levelTacticKeys where !newTactics.contains(key.value) {
        out.append(.error("attack-tactic-removed", "\(release): levels.tactics names '\(key.value)', which the new release has no tactic for (its tactics: \(new.tactics.map(\.shortname).joined(separator: ", ")))", at: key.location))
    }
    return out
}

/// What changes between two releases in the whole catalog, whether or not the project uses it.
public struct AttackReleaseDelta: Encodable, Sendable, Equatable {
    public var addedTactics: [String] = []
    public var removedTactics: [String] = []
    public var added: [String] = []
    public var removed: [String] = []
    public var renamed: [String] = []
    public var movedBetweenTactics: [String] = []
    public var newlyDeprecated: [String] = []
    public var newlyRevoked: [String] = []
    public var platformsChanged: [String] = []

    enum CodingKeys: String, CodingKey {
        case addedTactics = "added_tactics", removedTactics = "removed_tactics", added, removed, renamed
        case movedBetweenTactics = "moved_between_tactics", newlyDeprecated = "newly_deprecated", newlyRevoked = "newly_revoked"
        case platformsChanged = "platforms_changed"
    }

    public init(from old: AttackCatalog, to new: AttackCatalog) {
        let before = Set(old.tactics.map(\.shortname)), after = Set(new.tactics.map(\.shortname))
        addedTactics = new.tactics.map(\.shortname).filter { !before.contains($0) }
        removedTactics = old.tactics.map(\.shortname).filter { !after.contains($0) }
        for id in Set(old.techniques.keys).union(new.techniques.keys).sorted(by: attackOrder) {
            switch (old.techniques[id], new.techniques[id]) {
            case (nil, _?): added.append(id)
            case (_?, nil): removed.append(id)
            case let (a?, b?):
                if a.name != b.name { renamed.append(id) }
                if a.tactics != b.tactics { movedBetweenTactics.append(id) }
                if b.deprecated && !a.deprecated { newlyDeprecated.append(id) }
                if b.revoked && !a.revoked { newlyRevoked.append(id) }
                if a.platforms != b.platforms { platformsChanged.append(id) }
            default: continue
            }
        }
    }

    /// One line of counts, with the ids where there are few.
    public var summary: String {
        func part(_ ids: [String], _ what: String) -> String? {
            guard !ids.isEmpty else { return nil }
            return "\(ids.count) \(what)" + (ids.count <= 12 ? " (\(ids.joined(separator: ", ")))" : "")
        }
        let parts = [part(addedTactics, "new tactics"), part(removedTactics, "tactics gone"), part(added, "new techniques"),
                     part(removed, "techniques gone"), part(renamed, "renamed"), part(movedBetweenTactics, "moved between tactics"),
                     part(newlyDeprecated, "newly deprecated"), part(newlyRevoked, "newly revoked"), part(platformsChanged, "with other platforms")]
            .compactMap { $0 }
        return parts.isEmpty ? "no changes" : parts.joined(separator: "; ")
    }
}
