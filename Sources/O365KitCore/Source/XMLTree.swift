import CLibXML2
import Foundation

/// An element read back from generated XML: just what the lints need, with the line
/// libxml2 found it on.
public struct XMLNodeInfo: Sendable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    /// The element's own text, verbatim (Wazuh keeps surrounding white space).
    public var text: String
    public var line: Int
    public var children: [XMLNodeInfo]

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public func children(named name: String) -> [XMLNodeInfo] {
        children.filter { $0.name == name }
    }
}

/// libxml2, used the way Wazuh needs: rule files are a sequence of top-level elements, so
/// they are parsed inside a synthetic root placed on the first line, which keeps every
/// reported line equal to the line in the file.
public enum XMLChecker {
    /// The synthetic root's name; it appears in schema files too.
    public static let syntheticRoot = "o365kit-wazuh-rules"

    /// Parses `text` wrapped in the synthetic root and, when a RELAX NG schema is given,
    /// validates it. Problems come back as diagnostics at `path:line`.
    public static func check(_ text: String, path: String, relaxNG schema: String? = nil, schemaPath: String = "") -> (root: XMLNodeInfo?, diagnostics: [Diagnostic]) {
        let wrapped = "<\(syntheticRoot)>" + text + "</\(syntheticRoot)>"
        let sink = XMLErrorSink(path: path)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        xmlSetStructuredErrorFunc(context, collectXMLError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }

        let bytes = Array(wrapped.utf8)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        guard let doc = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                xmlReadMemory($0, Int32(bytes.count), path, "UTF-8", options)
            }
        }) else {
            if sink.diagnostics.isEmpty {
                sink.diagnostics.append(.error("xml-syntax", "libxml2 could not parse the file", at: SourceLocation(path: path, line: 1, column: 1)))
            }
            return (nil, sink.diagnostics)
        }
        defer { xmlFreeDoc(doc) }

        if let schema {
            validate(doc, schema: schema, schemaPath: schemaPath, sink: sink)
        }
        let root = xmlDocGetRootElement(doc).map(read)
        return (root, sink.diagnostics)
    }

    private static func validate(_ doc: xmlDocPtr, schema: String, schemaPath: String, sink: XMLErrorSink) {
        guard let compiled = compileRelaxNG(schema) else {
            sink.diagnostics.append(.error("xml-schema", "the RELAX NG schema does not compile", at: SourceLocation(path: schemaPath, line: 1, column: 1)))
            return
        }
        defer { xmlRelaxNGFree(compiled) }
        let validator = xmlRelaxNGNewValidCtxt(compiled)
        defer { xmlRelaxNGFreeValidCtxt(validator) }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        xmlRelaxNGSetValidStructuredErrors(validator, collectXMLError, context)
        _ = xmlRelaxNGValidateDoc(validator, doc)
    }

    private static func read(_ node: xmlNodePtr) -> XMLNodeInfo {
        var attributes: [(String, String)] = []
        var attr = node.pointee.properties
        while let a = attr {
            let name = String(cString: a.pointee.name)
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: raw)
                free(raw)  // xmlFree is malloc's free unless an app swaps allocators; ours never does
            }
            attributes.append((name, value))
            attr = a.pointee.next
        }
        var text = ""
        var children: [XMLNodeInfo] = []
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(read(c))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { text += String(cString: content) }
            default:
                break
            }
            child = c.pointee.next
        }
        return XMLNodeInfo(name: String(cString: node.pointee.name), attributes: attributes, text: text, line: Int(xmlGetLineNo(node)), children: children)
    }
}

/// Compiles a RELAX NG schema; the caller frees it with `xmlRelaxNGFree`.
func compileRelaxNG(_ schema: String) -> xmlRelaxNGPtr? {
    // The parser context only points at the schema bytes, so everything that reads them
    // happens inside this closure, while they are alive.
    var bytes = Array(schema.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
            let parser = xmlRelaxNGNewMemParserCtxt(pointer, Int32(buffer.count))
            defer { xmlRelaxNGFreeParserCtxt(parser) }
            return xmlRelaxNGParse(parser)
        }
    }
}

/// Receives libxml2's structured errors for one check.
final class XMLErrorSink {
    let path: String
    var diagnostics: [Diagnostic] = []

    init(path: String) {
        self.path = path
    }
}

func collectXMLError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error else { return }
    let sink = Unmanaged<XMLErrorSink>.fromOpaque(context).takeUnretainedValue()
    let message = error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown libxml2 error"
    let line = Int(error.pointee.line)
    let column = Int(error.pointee.int2)
    let domain = Int(error.pointee.domain)
    let kind = domain == Int(XML_FROM_RELAXNGV.rawValue) || domain == Int(XML_FROM_RELAXNGP.rawValue) ? "xml-schema" : "xml-syntax"
    sink.diagnostics.append(.error(kind, message.replacingOccurrences(of: XMLChecker.syntheticRoot, with: "(file root)"), at: SourceLocation(path: sink.path, line: max(line, 1), column: column)))
}
