import Crypto
import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// One file to deploy: a rule file (`etc/rules/<name>`) or a CDB list (`etc/lists/<name>`).
public struct DeployFile: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable { case rules, lists }
    public var kind: Kind
    public var name: String
    public var data: Data

    public init(kind: Kind, name: String, data: Data) {
        self.kind = kind
        self.name = name
        self.data = data
    }

    public var sha256: String { Self.sha256(data) }

    /// The API path of the file (`/rules/files/<name>` or `/lists/files/<name>`).
    var apiPath: String { "/\(kind.rawValue)/files/\(name)" }

    /// Where the manager keeps it.
    public var managerPath: String { "etc/\(kind.rawValue)/\(name)" }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The rule files (`*.xml`) of `wazuh/rules/` and lists of `wazuh/lists/` under a
    /// build's output folder, sorted. Names are checked against the API's own patterns
    /// (`^[\w\-]+\.xml$` for rules, `^[\-\w]+$` for lists) before anything is sent. Only what
    /// the build made is deployed: every file must be listed in the folder's `MANIFEST.json`
    /// with the same sha256 (a stray file or a hand edit is refused, all of them named).
    public static func collect(output: URL) throws(WazuhAPIError) -> [DeployFile] {
        let manifest = try readManifest(output)
        var files: [DeployFile] = []
        for kind in [Kind.rules, .lists] {
            let folder = output.appendingPathComponent("wazuh/\(kind.rawValue)")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
            for name in names where !name.hasPrefix(".") {
                if kind == .rules && !name.hasSuffix(".xml") { continue }
                if kind == .lists && name.hasSuffix(".cdb") { continue }
                guard validName(name, kind: kind) else {
                    throw WazuhAPIError(step: "plan", message: "\(folder.path)/\(name): the Wazuh API accepts only \(kind == .rules ? "names like x_y-z.xml" : "names of letters, digits, _ and - (no dot)")")
                }
                guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                    throw WazuhAPIError(step: "plan", message: "cannot read \(folder.path)/\(name)")
                }
                files.append(DeployFile(kind: kind, name: name, data: data))
            }
        }
        let problems = files.compactMap { file -> String? in
            let path = "wazuh/\(file.kind.rawValue)/\(file.name)"
            guard let sha = manifest[path] else { return "\(output.path)/\(path) is not in MANIFEST.json: o365kit build did not make it (remove it)" }
            return sha == file.sha256 ? nil : "\(output.path)/\(path) differs from what o365kit build made (edited by hand? change the tables and build again)"
        }
        guard problems.isEmpty else { throw WazuhAPIError(step: "plan", message: problems.joined(separator: "; ")) }
        guard files.contains(where: { $0.kind == .rules }) else {
            throw WazuhAPIError(step: "plan", message: "no rule files in \(output.path)/wazuh/rules; run `o365kit build` first")
        }
        return files
    }

    /// path → sha256 of the build's `MANIFEST.json`.
    static func readManifest(_ output: URL) throws(WazuhAPIError) -> [String: String] {
        let url = output.appendingPathComponent(OutputWriter.manifestName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw WazuhAPIError(step: "plan", message: "no \(url.path): deploy only what o365kit build made; run `o365kit build` first")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let entries = object["files"] as? [[String: Any]] else {
            throw WazuhAPIError(step: "plan", message: "\(url.path) is not a build manifest; run `o365kit build` again")
        }
        var manifest: [String: String] = [:]
        for entry in entries {
            if let path = entry["path"] as? String, let sha = entry["sha256"] as? String { manifest[path] = sha }
        }
        return manifest
    }

    static func validName(_ name: String, kind: Kind) -> Bool {
        let stem = kind == .rules ? (name.hasSuffix(".xml") ? String(name.dropLast(4)) : "") : name
        return !stem.isEmpty && stem.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" }
    }
}

/// What deploying a file changes on the manager.
public struct DeployPlanItem: Sendable, Codable, Hashable {
    /// `retired`: a file of an older release under a name the pack no longer uses; deploy
    /// deletes it (0100-/0200- files load before the stock rules and only add warnings).
    public enum Change: String, Sendable, Codable { case new, changed, unchanged, retired }
    public var kind: DeployFile.Kind
    public var name: String
    public var size: Int
    public var sha256: String
    public var change: Change
    /// The manager's copy, when it has one.
    public var managerSize: Int?
    public var managerSHA256: String?
    /// For rule files: rule ids only in ours, and only in the manager's copy.
    public var rulesAdded: [Int]
    public var rulesRemoved: [Int]

    init(file: DeployFile, current: Data?) {
        kind = file.kind
        name = file.name
        size = file.data.count
        sha256 = file.sha256
        managerSize = current?.count
        managerSHA256 = current.map(DeployFile.sha256)
        change = current == nil ? .new : current == file.data ? .unchanged : .changed
        rulesAdded = []
        rulesRemoved = []
        if file.kind == .rules {
            let ours = Self.ruleIDs(file.data), theirs = current.map(Self.ruleIDs) ?? []
            rulesAdded = ours.subtracting(theirs).sorted()
            rulesRemoved = theirs.subtracting(ours).sorted()
        }
    }

    /// A manager's file that the pack retires.
    init(retiring name: String, current: Data) {
        kind = .rules
        self.name = name
        size = 0
        sha256 = ""
        change = .retired
        managerSize = current.count
        managerSHA256 = DeployFile.sha256(current)
        rulesAdded = []
        rulesRemoved = Self.ruleIDs(current).sorted()
    }

    /// The `id="…"` of every `<rule` element, by a plain scan (the files are ours).
    static func ruleIDs(_ data: Data) -> Set<Int> {
        let text = String(decoding: data, as: UTF8.self)
        var ids: Set<Int> = []
        var rest = text[...]
        while let open = rest.range(of: "<rule ") {
            rest = rest[open.upperBound...]
            guard let end = rest.firstIndex(of: ">") else { break }
            let tag = rest[..<end]
            if let idRange = tag.range(of: "id=\"") {
                let digits = tag[idRange.upperBound...].prefix { $0.isNumber }
                if let id = Int(digits) { ids.insert(id) }
            }
        }
        return ids
    }
}
