import Foundation
import Yams

/// Reads `mappings/environment.yaml`: `placeholders:` maps each name to a list of values.
func loadDetectionEnvironment(_ url: URL, diagnostics: DiagnosticCollector) -> DetectionEnvironment? {
    let path = displayPath(url)
    guard let text = readText(url, diagnostics: diagnostics) else { return nil }
    let root: Node
    do {
        guard let node = try Yams.compose(yaml: text) else {
            diagnostics.emit(.error("bad-environment", "environment file is empty", at: SourceLocation(path: path, line: 1, column: 1)))
            return nil
        }
        root = node
    } catch {
        diagnostics.emit(yamlDiagnostic(error, path: path, text: text))
        return nil
    }
    var reader = YAMLNodeReader(path: path, diagnostics: diagnostics)
    var placeholders: [String: Located<[String]>] = [:]
    for (key, value) in reader.pairs(root, what: "environment file") {
        guard key.value == "placeholders" else {
            reader.error("bad-environment", "unknown key '\(key.value)'; expected: placeholders", at: key.location)
            continue
        }
        for (name, list) in reader.pairs(value, what: "placeholders") {
            guard name.value.wholeMatch(of: /[a-z][a-z0-9_]*/) != nil else {
                reader.error("bad-environment", "placeholder name '\(name.value)' must be lower-case letters, digits and '_'", at: name.location)
                continue
            }
            guard list.sequence != nil else {
                reader.error("bad-environment", "placeholder '\(name.value)' must be a list of values", at: list)
                continue
            }
            let located = reader.strings(list, what: "placeholders.\(name.value)")
            // `*_ips` lists become CDB lists of exact addresses; anything else would turn
            // the list into a pattern that matches something else, or nothing.
            if name.value.hasSuffix("_ips") {
                for value in located where !isIPAddress(value.value) {
                    reader.error("bad-environment", "'\(value.value)' in \(name.value) is not an IP address (one IPv4 or IPv6 address per entry, no mask)", at: value.location)
                }
            }
            let values = located.map(\.value)
            if values.isEmpty {
                reader.error("bad-environment", "placeholder '\(name.value)' has no values; a rule using it could never match", at: list)
            }
            placeholders[name.value] = Located(values, at: name.location)
        }
    }
    return reader.failed ? nil : DetectionEnvironment(placeholders: placeholders, path: path)
}

/// Whether `text` is one IPv4 (dotted quad) or IPv6 address, as `inet_pton` reads them.
func isIPAddress(_ text: String) -> Bool {
    var v4 = in_addr(), v6 = in6_addr()
    return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
}
