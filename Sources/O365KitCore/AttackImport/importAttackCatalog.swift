import Foundation

/// Reads an ATT&CK Enterprise STIX bundle (`enterprise-attack-18.1.json`, plain or gzip,
/// STIX 2.0 or 2.1) into the catalog `mappings/attack/` holds, following the steps that
/// `mappings/attack/README.md` documents, so the bundled v18.1 catalog round-trips byte for byte.
///
/// Tactics come from the matrix (`x-mitre-matrix.tactic_refs`) in its order, so a release that
/// adds or splits tactics (v19 split Defense Evasion into Stealth and Defense Impairment) needs
/// no code change. The release is the `x-mitre-collection`'s version; `version` is required
/// for bundles without one (`mitre/cti` and the test subsets).
public func importAttackCatalog(_ url: URL, version: String? = nil, diagnostics: DiagnosticCollector) -> ImportedAttackCatalog? {
    let path = displayPath(url)
    let at = SourceLocation(path: path)
    guard var data = FileManager.default.contents(atPath: url.path) else {
        diagnostics.emit(.error("bad-bundle", "cannot read \(path)", at: at))
        return nil
    }
    let sha256 = sha256Hex(data)
    if data.starts(with: [0x1F, 0x8B]) {
        do { data = try Gzip.decompress(data) } catch {
            diagnostics.emit(.error("bad-bundle", "\(path) is not a readable gzip file: \(error)", at: at))
            return nil
        }
    }
    let bundle: STIXBundle
    do {
        bundle = try JSONDecoder().decode(STIXBundle.self, from: data)
    } catch let error as DecodingError {
        diagnostics.emit(.error("bad-bundle", "\(path) is not a STIX bundle: \(describe(error))", at: at))
        return nil
    } catch {
        diagnostics.emit(.error("bad-bundle", "\(path) is not a STIX bundle: \(error)", at: at))
        return nil
    }
    guard bundle.type == "bundle" else {
        diagnostics.emit(.error("bad-bundle", "\(path): type is '\(bundle.type)', expected 'bundle'", at: at))
        return nil
    }
    let importer = STIXCatalogReader(bundle: bundle, path: path, diagnostics: diagnostics)
    guard let release = importer.release(override: version),
          let tactics = importer.tactics(),
          let techniques = importer.techniques(tactics: tactics) else { return nil }
    return ImportedAttackCatalog(version: release, tactics: tactics, techniques: techniques,
                                 source: .init(file: url.lastPathComponent, bundleID: bundle.id ?? "", sha256: sha256))
}

/// `objects[12].name: expected String` rather than Foundation's description of the error.
private func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    switch error {
    case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
    case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
    case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is missing".trimmingCharacters(in: CharacterSet(charactersIn: "."))
    case .dataCorrupted(let context): return "not JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))"
    @unknown default: return "\(error)"
    }
}

/// The bundle's objects by kind, and the conversions of each kind.
private struct STIXCatalogReader {
    let path: String
    let diagnostics: DiagnosticCollector
    var attackPatterns: [STIXObject] = []
    var tacticObjects: [STIXObject] = []
    var matrices: [STIXObject] = []
    var collections: [STIXObject] = []
    var relationships: [STIXObject] = []
    var byID: [String: STIXObject] = [:]

    init(bundle: STIXBundle, path: String, diagnostics: DiagnosticCollector) {
        self.path = path
        self.diagnostics = diagnostics
        for object in bundle.objects {
            // A full bundle of another domain (mobile, ics) or an object of several: keep Enterprise's.
            if let domains = object.domains, !domains.isEmpty, !domains.contains("enterprise-attack") { continue }
            switch object.type {
            case "attack-pattern": attackPatterns.append(object)
            case "x-mitre-tactic": tacticObjects.append(object)
            case "x-mitre-matrix": matrices.append(object)
            case "x-mitre-collection": collections.append(object)
            case "relationship": relationships.append(object)
            default: continue
            }
            byID[object.id] = object
        }
    }

    private func error(_ message: String) {
        diagnostics.emit(.error("bad-bundle", "\(path): \(message)", at: SourceLocation(path: path)))
    }

    private func warning(_ message: String) {
        diagnostics.emit(.warning("bundle-data", "\(path): \(message)", at: SourceLocation(path: path)))
    }

    func release(override: String?) -> String? {
        let named = collections.compactMap(\.version).first
        if let override {
            guard override.wholeMatch(of: /[0-9]+(\.[0-9]+)?/) != nil else {
                error("--version '\(override)' is not an ATT&CK release like 18.1")
                return nil
            }
            if let named, named != override { warning("the bundle's collection says version \(named); --version \(override) is used") }
            return override
        }
        guard let named else {
            error("the bundle names no ATT&CK release (no x-mitre-collection object, as in mitre/cti); pass --version, e.g. --version 18.1")
            return nil
        }
        return named
    }

    func tactics() -> [Tactic]? {
        let matrix = matrices.first { $0.attackID == "enterprise-attack" } ?? matrices.first
        guard let matrix, let refs = matrix.tacticRefs, !refs.isEmpty else {
            error("no Enterprise x-mitre-matrix with tactic_refs: the tactic order is unknown")
            return nil
        }
        var tactics: [Tactic] = []
        for ref in refs {
            guard let object = byID[ref], object.type == "x-mitre-tactic", let id = object.attackID,
                  let shortname = object.shortname, let name = object.name else {
                error("the matrix names tactic \(ref), which the bundle does not hold with an id, shortname and name")
                return nil
            }
            tactics.append(Tactic(id: id, shortname: shortname, name: name, order: tactics.count + 1))
        }
        let listed = Set(refs)
        let unlisted = tacticObjects.filter { !listed.contains($0.id) && $0.revoked != true && $0.deprecated != true }.compactMap(\.attackID).sorted()
        if !unlisted.isEmpty { warning("tactics \(unlisted.joined(separator: ", ")) are not in the matrix and are left out") }
        return tactics
    }

    func techniques(tactics: [Tactic]) -> [ImportedAttackCatalog.TechniqueRow]? {
        let order = Dictionary(uniqueKeysWithValues: tactics.map { ($0.shortname, $0.order) })
        var attackIDs: [String: String] = [:]
        for object in attackPatterns {
            if let id = object.attackID { attackIDs[object.id] = id }
        }
        var revokedBy: [String: String] = [:]
        var parentOf: [String: String] = [:]
        for r in relationships {
            guard let source = r.sourceRef, let target = r.targetRef,
                  let from = attackIDs[source], let to = attackIDs[target] else { continue }
            switch r.relationshipType {
            case "revoked-by": revokedBy[from] = to
            case "subtechnique-of": parentOf[from] = to
            default: continue
            }
        }

        var rows: [String: ImportedAttackCatalog.TechniqueRow] = [:]
        var unknownPhases: Set<String> = []
        var failed = false
        for object in attackPatterns {
            guard let id = object.attackID else {
                warning("attack-pattern \(object.id) has no mitre-attack id and is left out")
                continue
            }
            guard let name = object.name, let modified = object.modified else {
                error("technique \(id) has no name or modified date")
                failed = true
                continue
            }
            guard rows[id] == nil else {
                error("technique \(id) appears twice")
                failed = true
                continue
            }
            var phases: [String] = []
            for phase in object.killChainPhases ?? [] where phase.killChainName == "mitre-attack" && !phases.contains(phase.phaseName) {
                if order[phase.phaseName] == nil { unknownPhases.insert(phase.phaseName) } else { phases.append(phase.phaseName) }
            }
            let isSub = object.isSubtechnique ?? id.contains(".")
            let parent = isSub ? String(id.prefix { $0 != "." }) : nil
            if let parent, let related = parentOf[id], related != parent {
                warning("\(id) is a subtechnique-of \(related) by relationship but of \(parent) by its id; the id is used")
            }
            let technique = Technique(
                id: id, name: name, tactics: phases.sorted { order[$0]! < order[$1]! }, parentID: parent,
                platforms: object.platforms ?? [], deprecated: object.deprecated ?? false, revoked: object.revoked ?? false,
                revokedBy: revokedBy[id])
            rows[id] = .init(technique: technique, isSubtechnique: isSub, modified: String(modified.prefix(10)))
        }
        if !unknownPhases.isEmpty {
            warning("kill-chain phases \(unknownPhases.sorted().joined(separator: ", ")) name no tactic of the matrix and are left out")
        }
        for (id, row) in rows {
            if let parent = row.technique.parentID, rows[parent] == nil { error("\(id) is a sub-technique of \(parent), which the bundle does not hold"); failed = true }
            if let target = row.technique.revokedBy, rows[target] == nil { error("\(id) is revoked by \(target), which the bundle does not hold"); failed = true }
        }
        guard !failed else { return nil }
        guard !rows.isEmpty else {
            error("no Enterprise attack-pattern objects")
            return nil
        }
        return rows.values.sorted { attackOrder($0.technique.id, $1.technique.id) }
    }
}
