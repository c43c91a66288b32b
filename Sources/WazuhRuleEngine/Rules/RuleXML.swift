import CLibXML2
import Foundation

/// An XML element as Wazuh's own parser (`os_xml`) would hand it to the rule loader:
/// names as written, attribute values and text verbatim (no entity decoding).
struct RuleXMLElement {
    var name: String
    var attributes: [(name: String, value: String)]
    var children: [RuleXMLElement]
    /// The concatenated text directly inside the element, byte for byte.
    var text: String
    /// 1-based line of the start tag.
    var line: Int

    func attribute(_ name: String) -> String? {
        attributes.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Reads a Wazuh rule file into its top-level elements using libxml2, emulating `os_xml`:
/// several root elements are allowed, XML declarations and CDATA are rejected, entities
/// are not decoded, and a raw `&` or `\<` is accepted as text.
enum RuleXML {
    static let syntheticRoot = "wazuh-rule-file"

    static func read(_ data: Data, path: String) throws(RuleDiagnostic) -> [RuleXMLElement] {
        let raw = [UInt8](data)
        try rejectUnsupportedMarkup(raw, path: path)

        // Escape every '&' (so libxml2 gives the text back verbatim) and '\<' (which Wazuh
        // accepts as text, keeping the backslash). No newline is added, so lines still match.
        var prepared = Array("<\(syntheticRoot)>".utf8)
        prepared.reserveCapacity(raw.count + 64)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            if b == UInt8(ascii: "&") {
                prepared += Array("&amp;".utf8)
            } else if b == UInt8(ascii: "\\"), i + 1 < raw.count, raw[i + 1] == UInt8(ascii: "<") {
                prepared += Array("\\&lt;".utf8)
                i += 1
            } else {
                prepared.append(b)
            }
            i += 1
        }
        prepared += Array("</\(syntheticRoot)>".utf8)

        xmlResetLastError()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_BIG_LINES.rawValue)
        let doc = prepared.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(buf.count), path, "UTF-8", options)
            }
        }
        guard let doc else {
            var line = 0
            var message = "XML syntax error"
            if let err = xmlGetLastError() {
                line = Int(err.pointee.line)
                if let m = err.pointee.message {
                    message = String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            throw RuleDiagnostic(severity: .error, path: path, line: line, message: "XML syntax error: \(message)")
        }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return [] }
        var top: [RuleXMLElement] = []
        var child = root.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE {
                top.append(element(node))
            } else if node.pointee.type == XML_TEXT_NODE, !isBlank(text(of: node)) {
                throw RuleDiagnostic(severity: .error, path: path, line: Int(xmlGetLineNo(node)),
                                     message: "text outside of any element")
            }
            child = node.pointee.next
        }
        return top
    }

    /// `os_xml` refuses `<?…?>` and `<![CDATA[…]]>` (and any `<!` that is not a comment).
    private static func rejectUnsupportedMarkup(_ raw: [UInt8], path: String) throws(RuleDiagnostic) {
        var line = 1
        var inComment = false
        var i = 0
        while i < raw.count {
            let b = raw[i]
            if b == 10 { line += 1 }
            if inComment {
                if b == UInt8(ascii: "-"), i + 2 < raw.count, raw[i + 1] == UInt8(ascii: "-"), raw[i + 2] == UInt8(ascii: ">") {
                    inComment = false
                    i += 3
                    continue
                }
            } else if b == UInt8(ascii: "<"), i + 1 < raw.count, i == 0 || raw[i - 1] != UInt8(ascii: "\\") {
                let next = raw[i + 1]
                if next == UInt8(ascii: "?") {
                    throw RuleDiagnostic(severity: .error, path: path, line: line,
                                         message: "XML declarations and processing instructions are not accepted by Wazuh")
                }
                if next == UInt8(ascii: "!") {
                    if i + 3 < raw.count, raw[i + 2] == UInt8(ascii: "-"), raw[i + 3] == UInt8(ascii: "-") {
                        inComment = true
                        i += 4
                        continue
                    }
                    throw RuleDiagnostic(severity: .error, path: path, line: line,
                                         message: "CDATA sections and DOCTYPE declarations are not accepted by Wazuh")
                }
            }
            i += 1
        }
    }

    private static func element(_ node: xmlNodePtr) -> RuleXMLElement {
        var attributes: [(String, String)] = []
        var attr = node.pointee.properties
        while let a = attr {
            let name = String(cString: a.pointee.name)
            var value = ""
            var valueNode = a.pointee.children
            while let v = valueNode {
                value += text(of: v)
                valueNode = v.pointee.next
            }
            attributes.append((name, value))
            attr = a.pointee.next
        }
        var children: [RuleXMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE: children.append(element(c))
            case XML_TEXT_NODE: text += self.text(of: c)
            default: break
            }
            child = c.pointee.next
        }
        return RuleXMLElement(name: String(cString: node.pointee.name), attributes: attributes,
                              children: children, text: text, line: Int(xmlGetLineNo(node)))
    }

    private static func text(of node: xmlNodePtr) -> String {
        guard let content = node.pointee.content else { return "" }
        return String(cString: content)
    }

    private static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
    }
}
