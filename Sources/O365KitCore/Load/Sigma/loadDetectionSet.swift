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
    diagnostics.emit(validateDetections(rules, catalog: catalog, failedKeys: keys.subtracting(rules.map(\.key))))
    guard diagnostics.count(.error) == before else { return nil }
    return DetectionSet(rules: rules.sorted { $0.key < $1.key }, environment: environment)
}
