import Foundation

/// Loads and validates `mappings/detections/` and the site's own folders (`--detections`) with
/// `mappings/environment.yaml`. A project without detection folders has no detections; nil
/// means an error was reported.
func loadDetectionSet(_ paths: ProjectPaths, catalog: AttackCatalog, diagnostics: DiagnosticCollector) -> DetectionSet? {
    func isFolder(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }
    for folder in paths.extraDetections where !isFolder(folder) {
        diagnostics.emit(.error("bad-detection", "--detections \(displayPath(folder)) is not a folder", at: SourceLocation(path: displayPath(folder))))
        return nil
    }
    let folders = paths.detectionFolders.filter(isFolder)
    guard !folders.isEmpty else {
        return DetectionSet(rules: [], environment: DetectionEnvironment(placeholders: [:], path: displayPath(paths.environment)))
    }
    guard let environment = loadDetectionEnvironment(paths.environment, diagnostics: diagnostics) else { return nil }
    let before = diagnostics.count(.error)
    var rules: [SigmaRule] = []
    var keys: Set<String> = []
    var firstPath: [String: String] = [:]
    for folder in folders {
        for rule in loadDetections(folder, environment: environment, diagnostics: diagnostics) {
            // The key names the rule in the lock, so one key is one rule across all folders.
            if let first = firstPath[rule.key] {
                diagnostics.emit(.error("duplicate-detection-key", "\(rule.key) is also defined by \(first); rename one of the files", at: rule.location))
                continue
            }
            firstPath[rule.key] = rule.path
            rules.append(rule)
        }
        keys.formUnion(detectionFiles(in: folder).map { $0.deletingPathExtension().lastPathComponent })
    }
    let resolved = resolveCorrelationReferences(rules)
    diagnostics.emit(validateDetections(resolved, catalog: catalog, failedKeys: keys.subtracting(rules.map(\.key))))
    guard diagnostics.count(.error) == before else { return nil }
    return DetectionSet(rules: resolved.sorted { $0.key < $1.key }, environment: environment)
}

/// A correlation names its rules by `id` or `name`, as the Sigma specification says, or by
/// file stem, as o365kit's own rules did; from here on every reference is a file stem (the
/// rule's key). A name that matches nothing is left for validation to report.
func resolveCorrelationReferences(_ rules: [SigmaRule]) -> [SigmaRule] {
    var keys: [String: String] = [:]
    for rule in rules {
        keys[rule.key] = rule.key
        keys[rule.id.lowercased()] = keys[rule.id.lowercased()] ?? rule.key
        if let name = rule.name { keys[name] = keys[name] ?? rule.key }
    }
    return rules.map { rule in
        guard case .correlation(var c) = rule.body else { return rule }
        c.rules = c.rules.map { ref in Located(keys[ref.value] ?? keys[ref.value.lowercased()] ?? ref.value, at: ref.location) }
        var resolved = rule
        resolved.body = .correlation(c)
        return resolved
    }
}
