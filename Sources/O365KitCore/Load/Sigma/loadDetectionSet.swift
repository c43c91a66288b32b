import Foundation

/// Loads and validates `mappings/detections/` with `mappings/environment.yaml`. A project
/// without a detections folder has no detections; nil means an error was reported.
func loadDetectionSet(_ paths: ProjectPaths, catalog: AttackCatalog, diagnostics: DiagnosticCollector) -> DetectionSet? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: paths.detections.path, isDirectory: &isFolder), isFolder.boolValue else {
        return DetectionSet(rules: [], environment: DetectionEnvironment(placeholders: [:], path: displayPath(paths.environment)))
    }
    guard let environment = loadDetectionEnvironment(paths.environment, diagnostics: diagnostics) else { return nil }
    let before = diagnostics.count(.error)
    let rules = loadDetections(paths.detections, environment: environment, diagnostics: diagnostics)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: paths.detections.path)) ?? []
    let keys = Set(files.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
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
