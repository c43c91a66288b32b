import Foundation

/// Where a project's inputs live. Everything is relative to the mappings and templates
/// folders the user points at, so a copy of the tables can be built anywhere.
public struct ProjectPaths: Sendable {
    public var mappings: URL
    public var templates: URL
    /// A deployment's own placeholder values, replacing `mappings/environment.yaml`.
    public var environmentOverride: URL?
    /// A site's own detection folders, loaded beside `mappings/detections/` (`--detections`):
    /// a checkout of SigmaHQ's `rules/cloud/m365`, say, kept in sync with git.
    public var extraDetections: [URL] = []

    public init(mappings: URL, templates: URL) {
        self.mappings = mappings
        self.templates = templates
    }

    public var settings: URL { mappings.appendingPathComponent("o365kit.yaml") }
    public var operations: URL { mappings.appendingPathComponent("operations.csv") }
    public var logonErrors: URL { mappings.appendingPathComponent("logon-errors.csv") }
    /// The RecordTypes each operation is emitted with, and their sources.
    public var recordTypes: URL { mappings.appendingPathComponent("record-types.csv") }
    public var lock: URL { mappings.appendingPathComponent("rules.lock.json") }
    public var attackTechniques: URL { mappings.appendingPathComponent("attack/enterprise-techniques.csv") }
    public var attackTactics: URL { mappings.appendingPathComponent("attack/tactics.csv") }
    public var attackReadme: URL { mappings.appendingPathComponent("attack/README.md") }
    public var attackFolder: URL { mappings.appendingPathComponent("attack") }
    /// The release of the catalog, written by `o365kit attack import`.
    public var attackRelease: URL { mappings.appendingPathComponent("attack/catalog.json") }
    /// Detection definitions (Sigma), one rule per file; optional.
    public var detections: URL { mappings.appendingPathComponent("detections") }
    /// Every folder detections are read from, the project's first.
    public var detectionFolders: [URL] { [detections] + extraDetections }
    /// Each detection's proof records, `samples/<key>/{positive,negative}.jsonl`: the build
    /// turns the positive ones into the Wazuh package's test cases.
    public var detectionSamples: URL { detections.appendingPathComponent("samples") }
    /// The samples folders of every detection folder: a site keeps its rules' records beside
    /// them (`site-rules/samples/<key>/…`), and the build turns those into test cases too.
    public var sampleFolders: [URL] { detectionFolders.map { $0.appendingPathComponent("samples") } }
    /// Placeholder values for the detections' `|expand` modifiers.
    public var environment: URL { environmentOverride ?? mappings.appendingPathComponent("environment.yaml") }
    public var nativeWazuhRules: URL { mappings.appendingPathComponent("wazuh-native/0755-office365_rules.xml") }
}

/// The path to show a person: relative to the working directory when the file is below
/// it, so diagnostics read `mappings/operations.csv:3:1` and paths stay clickable.
public func displayPath(_ url: URL) -> String {
    let path = url.standardizedFileURL.path
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
    let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
}

/// Reads a UTF-8 text file, or reports why it could not be read. Foundation's decoding drops a
/// leading byte order mark; `keepingBOM` keeps it for readers that warn about it (CSV).
public func readText(_ url: URL, keepingBOM: Bool = false, diagnostics: DiagnosticCollector) -> String? {
    guard let data = FileManager.default.contents(atPath: url.path) else {
        diagnostics.emit(.error("missing-file", "cannot read file", at: SourceLocation(path: displayPath(url))))
        return nil
    }
    guard let text = String(data: data, encoding: .utf8) else {
        diagnostics.emit(.error("encoding", "file is not valid UTF-8 (save it as UTF-8)", at: firstInvalidUTF8(data, path: displayPath(url))))
        return nil
    }
    return keepingBOM && data.starts(with: [0xEF, 0xBB, 0xBF]) ? String(decoding: data, as: UTF8.self) : text
}

/// Where the first byte that is not UTF-8 sits (line, and column in scalars).
func firstInvalidUTF8(_ data: Data, path: String) -> SourceLocation {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = data.makeIterator()
    var line = 1, column = 1
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar):
            if scalar.count == 1 && scalar.first == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        case .error:
            return SourceLocation(path: path, line: line, column: column)
        case .emptyInput:
            return SourceLocation(path: path, line: line, column: column)
        }
    }
}
