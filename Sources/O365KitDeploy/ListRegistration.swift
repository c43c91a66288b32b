import Foundation
import O365KitCore
import O365KitReview
import WazuhServerAPI

/// The `<list>etc/lists/NAME</list>` lines a manager's `ossec.conf` needs so that analysisd
/// loads the package's CDB lists: a rule naming a list that `<ruleset>` does not register is
/// dropped with warning 7616, and the API's `PUT /lists/files` never registers one.
///
/// The file is edited as text, not re-serialised: `ossec.conf` is several `<ossec_config>`
/// roots (not one XML document), sites keep comments in it, and a rollback must put back
/// exactly the bytes that were there.
public struct ListRegistration: Sendable, Hashable, Codable {
    /// The cluster node whose configuration this is; nil on a standalone manager.
    public var node: String?
    /// The lists the configuration lacks, in the package's order (`etc/lists/NAME`).
    public var added: [String]
    /// The manager's configuration as it is, and with the lines added.
    public var before: Data
    public var after: Data

    /// What registering `names` changes in `configuration`; `added` is empty when every list
    /// is registered already. Throws when the file has no `<ruleset>` section to extend.
    public static func plan(_ names: [String], in configuration: Data, node: String?) throws(WazuhAPIError) -> ListRegistration {
        let text = String(decoding: configuration, as: UTF8.self)
        let present = registered(in: text)
        let missing = names.map { "etc/lists/\($0)" }.filter { !present.contains($0) }
        guard !missing.isEmpty else { return ListRegistration(node: node, added: [], before: configuration, after: configuration) }
        let live = uncommented(text)
        guard let close = live.range(of: "</ruleset>") else {
            throw WazuhAPIError(step: "configuration", message: "\(configurationName(node)) has no <ruleset> section to register the lists in; add "
                                + missing.map { "<list>\($0)</list>" }.joined(separator: " ") + " to its <ruleset> by hand")
        }
        let open = live[..<close.lowerBound].range(of: "<ruleset>", options: .backwards)?.upperBound ?? close.lowerBound
        // After the section's last <list> line, with its indentation; else before </ruleset>.
        let section = live[open..<close.lowerBound]
        let lastList = section.ranges(of: /[ \t]*<list[ >][^\n]*\n/).last
        let insertAt = lastList?.upperBound ?? live[..<close.lowerBound].lastIndex(of: "\n").map { live.index(after: $0) } ?? close.lowerBound
        let indent = lastList.map { String(live[$0].prefix { $0 == " " || $0 == "\t" }) } ?? "    "
        let lines = missing.map { "\(indent)<list>\($0)</list>\n" }.joined()
        // `live` has the same length and indices as `text`: comments are blanked, not removed.
        let offset = live.utf8.distance(from: live.startIndex, to: insertAt)
        let bytes = Array(text.utf8)
        let edited = Data(bytes[..<offset]) + Data(lines.utf8) + Data(bytes[offset...])
        return ListRegistration(node: node, added: missing, before: configuration, after: edited)
    }

    /// `etc/lists/…` paths of the `<list>` elements outside comments.
    static func registered(in text: String) -> Set<String> {
        Set(uncommented(text).matches(of: /<list>\s*([^<]*?)\s*<\/list>/).map { String($0.output.1) })
    }

    /// `text` with every `<!-- … -->` replaced by spaces of the same UTF-8 length, newlines
    /// kept, so positions in it are positions in `text`.
    static func uncommented(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var index = 0
        let open = Array("<!--".utf8), close = Array("-->".utf8)
        while index + open.count <= bytes.count {
            guard Array(bytes[index..<index + open.count]) == open else { index += 1; continue }
            var end = index + open.count
            while end + close.count <= bytes.count && Array(bytes[end..<end + close.count]) != close { end += 1 }
            end = min(end + close.count, bytes.count)
            for i in index..<end where bytes[i] != UInt8(ascii: "\n") { bytes[i] = UInt8(ascii: " ") }
            index = end
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func configurationName(_ node: String?) -> String {
        node.map { "the ossec.conf of node \($0)" } ?? "the manager's ossec.conf"
    }

    /// `etc/ossec.conf` or `etc/ossec.conf (node worker-1)`, for plans and logs.
    public var label: String { "etc/ossec.conf" + (node.map { " (node \($0))" } ?? "") }
}
