/// Checks every technique id of both tables against the bundled ATT&CK catalog:
/// `malformed-technique-id`, `unknown-technique`, `revoked-technique` (naming the end of
/// the revocation chain), `deprecated-technique`, `platform-mismatch`, `redundant-technique`.
struct TechniqueValidator: ProjectValidator {
    func check(_ project: ParsedProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let rows = project.operations.map(\.assignment) + project.logonErrors.map(\.assignment)
        for assignment in rows {
            guard case .techniques(let ids) = assignment else { continue }
            out += ids.flatMap { check($0, catalog: project.catalog) }
            out += redundancy(ids, catalog: project.catalog)
        }
        return out
    }

    func check(_ id: Located<String>, catalog: AttackCatalog) -> [Diagnostic] {
        let text = id.value
        guard isTechniqueIDShaped(text) else {
            return [.error("malformed-technique-id", "'\(text)' is not an ATT&CK technique id (expected T#### or T####.###)", at: id.location)]
        }
        guard let technique = catalog.techniques[text] else {
            return [.error("unknown-technique", "unknown technique '\(text)': not in ATT&CK Enterprise \(catalog.version)", at: id.location)]
        }
        if technique.revoked {
            if let replacement = catalog.replacement(for: text) {
                return [.error("revoked-technique", "technique \(text) '\(technique.name)' is revoked in ATT&CK \(catalog.version); use \(replacement.id) '\(catalog.displayName(of: replacement.id))'", at: id.location)]
            }
            return [.error("revoked-technique", "technique \(text) '\(technique.name)' is revoked in ATT&CK \(catalog.version)", at: id.location)]
        }
        if technique.deprecated {
            return [.warning("deprecated-technique", "technique \(text) '\(technique.name)' is deprecated in ATT&CK \(catalog.version) and has no replacement; Wazuh drops deprecated ids from alerts", at: id.location)]
        }
        if Set(technique.platforms).isDisjoint(with: AttackCatalog.cloudPlatforms) {
            let platforms = technique.platforms.isEmpty ? "none" : technique.platforms.joined(separator: ", ")
            return [.warning("platform-mismatch", "technique \(text) '\(catalog.displayName(of: text))' lists no SaaS, Office Suite, Identity Provider or IaaS platform (platforms: \(platforms))", at: id.location)]
        }
        return []
    }

    private func redundancy(_ ids: [Located<String>], catalog: AttackCatalog) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        for id in ids {
            if let first = seen[id.value] {
                out.append(.warning("redundant-technique", "technique \(id.value) is listed twice in this row", at: id.location, notes: [.init("first listed here", at: first)]))
            }
            seen[id.value] = seen[id.value] ?? id.location
        }
        for id in ids {
            if let parent = catalog.techniques[id.value]?.parentID, let at = seen[parent] {
                out.append(.warning("redundant-technique", "row lists both \(parent) and its sub-technique \(id.value); keep the sub-technique", at: at))
            }
        }
        return out
    }
}

/// `T` followed by digits, optionally a dot and more digits; hand-rolled because this runs
/// for every cell of very large tables.
func isTechniqueIDShaped(_ text: String) -> Bool {
    var bytes = text.utf8.makeIterator()
    guard bytes.next() == UInt8(ascii: "T") else { return false }
    var digits = 0, afterDot = -1
    while let b = bytes.next() {
        if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
            if afterDot >= 0 { afterDot += 1 } else { digits += 1 }
        } else if b == UInt8(ascii: "."), afterDot < 0, digits > 0 {
            afterDot = 0
        } else {
            return false
        }
    }
    return digits > 0 && afterDot != 0
}
