import Foundation
import Yams

/// Reads `mappings/environment.yaml`. The file is a pySigma processing pipeline, so the same
/// file gives pySigma's `sigma convert -p` the site's values: `vars:` maps each placeholder
/// name to a list of values (`placeholders:` is the older spelling), and pySigma's own keys
/// (`name`, `priority`, `transformations`, …) are left to pySigma.
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
        guard key.value == "vars" || key.value == "placeholders" else {
            if !pipelineKeys.contains(key.value) {
                reader.error("bad-environment", "unknown key '\(key.value)'; expected: vars, or a pySigma pipeline key (\(pipelineKeys.sorted().joined(separator: ", ")))", at: key.location)
            }
            continue
        }
        for (name, list) in reader.pairs(value, what: "placeholders") {
            // Any case: SigmaHQ writes placeholders such as %HomeTenantID%.
            guard name.value.wholeMatch(of: /[A-Za-z][A-Za-z0-9_]*/) != nil else {
                reader.error("bad-environment", "placeholder name '\(name.value)' must be a letter followed by letters, digits and '_'", at: name.location)
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
            // `*_networks` lists are compared as CIDR blocks (`ClientIP|expand: '%trusted_networks%'`),
            // as Splunk's search compares a CIDR value.
            if isNetworkList(name.value) {
                for value in located where CIDR(value.value) == nil || !value.value.contains("/") {
                    reader.error("bad-environment", "'\(value.value)' in \(name.value) is not a CIDR block (address/prefix length, e.g. 192.0.2.0/24)", at: value.location)
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

/// The keys pySigma reads in a processing pipeline file.
private let pipelineKeys: Set<String> = ["name", "priority", "transformations", "postprocessing", "finalizers", "allowed_backends"]

/// Whether a placeholder's values are networks, matched as CIDR blocks.
func isNetworkList(_ placeholder: String) -> Bool { placeholder.hasSuffix("_networks") }

/// Whether `text` is one IPv4 (dotted quad) or IPv6 address, as `inet_pton` reads them.
func isIPAddress(_ text: String) -> Bool {
    var v4 = in_addr(), v6 = in6_addr()
    return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
}
