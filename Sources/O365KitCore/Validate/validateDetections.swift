/// Cross-rule checks of the detection definitions: ATT&CK tags through the same catalog
/// checks as the tables (`unknown-technique`, `revoked-technique`, `deprecated-technique`,
/// …), tactic tags, correlation references, unique ids and titles.
/// `failedKeys` are detection files that exist but did not load (their own errors are
/// reported); a correlation naming one is not reported again.
func validateDetections(_ rules: [SigmaRule], catalog: AttackCatalog, failedKeys: Set<String> = []) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let techniqueCheck = TechniqueValidator()
    let byKey = Dictionary(rules.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    var ids: [String: SigmaRule] = [:]
    for rule in rules {
        if let first = ids[rule.id.lowercased()] {
            out.append(.error("duplicate-detection-id", "id \(rule.id) is also used by \(first.key)", at: rule.location))
        }
        ids[rule.id.lowercased()] = rule
        var techniques: [Located<String>] = []
        for tag in rule.tags {
            let t = tag.value.lowercased()
            guard t.hasPrefix("attack.") else {
                // Sigma's other tag namespaces carry metadata o365kit does not use.
                let namespace = t.prefix { $0 != "." }
                if !sigmaTagNamespaces.contains(String(namespace)) {
                    out.append(.warning("unknown-tag", "tag '\(tag.value)' is in no namespace of the Sigma specification (attack, car, cve, detection, stp, tlp); it is kept as metadata", at: tag.location))
                }
                continue
            }
            let name = String(t.dropFirst("attack.".count))
            if name.first == "t", name.dropFirst().first?.isNumber == true {
                techniques.append(Located(name.uppercased(), at: tag.location))
            } else if catalog.tactic(shortname: name.replacingOccurrences(of: "_", with: "-")) == nil {
                if let release = laterTactics[name.replacingOccurrences(of: "_", with: "-")] {
                    out.append(.warning("newer-attack-tag", "'\(tag.value)' is a tactic of ATT&CK \(release), newer than the catalog (Enterprise \(catalog.version)); import that release with `o365kit attack import enterprise-attack-\(release.dropFirst()).json`", at: tag.location))
                } else {
                    out.append(.error("bad-tag", "'\(tag.value)' names no ATT&CK tactic or technique", at: tag.location))
                }
            }
        }
        for technique in techniques { out += techniqueCheck.check(technique, catalog: catalog) }
        // The project's own file names start with the tactic the rule reports, as in
        // elastic/detection-rules; rules from elsewhere keep theirs.
        let ruleTactics = tactics(of: techniques.map(\.value), in: catalog).map { $0.replacingOccurrences(of: "-", with: "_") }
        if rule.targetsDeclared, !ruleTactics.isEmpty, !ruleTactics.contains(where: { rule.key.hasPrefix($0 + "_") }) {
            out.append(.warning("detection-tactic-prefix", "\(rule.key) should start with the tactic of its techniques: \(ruleTactics.map { $0 + "_" }.joined(separator: ", "))", at: rule.location))
        }
        if techniques.isEmpty {
            out.append(.warning("missing-technique", "\(rule.key) has no attack.tXXXX tag, so its alerts carry no ATT&CK technique", at: rule.location))
        }
        if case .detection(let detection) = rule.body { out += unknownFields(detection, rule: rule) }
        guard case .correlation(let c) = rule.body else { continue }
        for ref in c.rules {
            guard let base = byKey[ref.value] else {
                if failedKeys.contains(ref.value) { continue }
                out.append(.error("unknown-correlated-rule", "correlation names '\(ref.value)', which is no detection's id, name or file stem", at: ref.location))
                continue
            }
            guard case .detection = base.body else {
                out.append(.error("unsupported-sigma", "a correlation of correlations is not supported ('\(ref.value)')", at: ref.location))
                continue
            }
            for target in rule.targets where rule.targetsDeclared && base.targetsDeclared && !base.supports(target.value) {
                out.append(.error("target-mismatch", "\(rule.key) declares target \(target.value.rawValue) but its rule \(base.key) does not", at: target.location))
            }
        }
    }
    return out
}

/// The tag namespaces of the Sigma specification besides `attack`.
private let sigmaTagNamespaces: Set<String> = ["car", "cve", "detection", "stp", "tlp"]

/// Tactics of ATT&CK releases after the bundled catalog, which SigmaHQ's rules already use:
/// v19 (April 2026) split Defense Evasion into Stealth and Defense Impairment.
private let laterTactics: [String: String] = ["stealth": "v19", "defense-impairment": "v19"]

/// Fields the records of the rule's logsource do not have: a warning with the likely
/// meant one (SigmaHQ's `eventName`/`status` rules are for another schema).
private func unknownFields(_ detection: SigmaDetection, rule: SigmaRule) -> [Diagnostic] {
    let known = AuditRecordSchema.fields(service: rule.logsource["service"])
    var reported: Set<String> = []
    var out: [Diagnostic] = []
    for selection in detection.selections {
        for test in selection.alternatives.joined() where !known.contains(test.field.root) && reported.insert(test.field.root).inserted {
            let hint = AuditRecordSchema.suggestion(for: test.field.root, in: known).map { "; did you mean '\($0)'?" } ?? ""
            let schema = rule.logsource["service"] == "message_trace" ? "message trace" : "Office 365 Management Activity"
            out.append(.warning("unknown-field", "'\(test.field.root)' is not a field of \(schema) records, so this test never matches\(hint)", at: test.location))
        }
    }
    return out
}
