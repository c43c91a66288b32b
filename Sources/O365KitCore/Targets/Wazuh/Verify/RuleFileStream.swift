import CLibXML2
import Foundation

/// One child element of a streamed rule (`<field>`, `<if_sid>`, …) with its verbatim text.
struct StreamedElement {
    var name: String
    var attributes: [String: String]
    var text: String
    var line: Int
}

/// A `<rule>` as the streaming reader saw it.
struct StreamedRule {
    var id: String?
    var level: String?
    var line: Int
    var children: [StreamedElement]
    /// The `<id>` texts inside `<mitre>`, with their lines.
    var mitre: [(id: String, line: Int)] = []
}

/// What the reader reports, in file order.
enum RuleFileEvent {
    case group(name: String?, line: Int)
    case rule(StreamedRule)
}

/// Reads a generated rule file with libxml2's streaming reader, validating it against the
/// RELAX NG schema as it goes, and hands each `<group>` and `<rule>` to `visit`.
///
/// Streaming keeps memory flat however large the pack is: the tree API holds a whole
/// 100,000-rule file (and a copy of it as Swift values) at once. As with `XMLChecker`, the
/// file sits inside a synthetic root on its first line, so reported lines are file lines.
func streamRuleFile(_ text: String, path: String, relaxNG schema: String, schemaPath: String, visit: (RuleFileEvent) -> Void) -> [Diagnostic] {
    let sink = XMLErrorSink(path: path)
    guard let compiled = compileRelaxNG(schema) else {
        return [.error("xml-schema", "the RELAX NG schema does not compile", at: SourceLocation(path: schemaPath, line: 1, column: 1))]
    }
    defer { xmlRelaxNGFree(compiled) }

    var bytes = Array(("<\(XMLChecker.syntheticRoot)>" + text + "</\(XMLChecker.syntheticRoot)>").utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
            guard let reader = xmlReaderForMemory(pointer, Int32(buffer.count), path, "UTF-8", options) else {
                sink.diagnostics.append(.error("xml-syntax", "libxml2 could not start reading the file", at: SourceLocation(path: path, line: 1, column: 1)))
                return
            }
            defer { xmlFreeTextReader(reader) }
            xmlTextReaderSetStructuredErrorHandler(reader, collectXMLError, Unmanaged.passUnretained(sink).toOpaque())
            guard xmlTextReaderRelaxNGSetSchema(reader, compiled) == 0 else {
                sink.diagnostics.append(.error("xml-schema", "libxml2 refused the RELAX NG schema for streaming", at: SourceLocation(path: schemaPath, line: 1, column: 1)))
                return
            }
            var rule: StreamedRule?
            var element: StreamedElement?
            var mitreID: (id: String, line: Int)?
            while xmlTextReaderRead(reader) == 1 {
                let depth = xmlTextReaderDepth(reader)
                let line = Int(xmlTextReaderGetParserLineNumber(reader))
                switch xmlTextReaderNodeType(reader) {
                case 1: // element start
                    let name = string(xmlTextReaderConstName(reader))
                    let empty = xmlTextReaderIsEmptyElement(reader) == 1
                    switch depth {
                    case 1 where name == "group":
                        visit(.group(name: attribute(reader, "name"), line: line))
                    case 2 where name == "rule":
                        rule = StreamedRule(id: attribute(reader, "id"), level: attribute(reader, "level"), line: line, children: [])
                        if empty, let done = rule { visit(.rule(done)); rule = nil }
                    case 3:
                        element = StreamedElement(name: name, attributes: attributes(reader), text: "", line: line)
                        if empty, let done = element { rule?.children.append(done); element = nil }
                    case 4 where name == "id" && element?.name == "mitre":
                        mitreID = ("", line)
                        if empty, let done = mitreID { rule?.mitre.append(done); mitreID = nil }
                    default:
                        break
                    }
                case 3, 4, 13, 14: // text, CDATA, white space: the element's own verbatim text
                    if depth == 4, element != nil { element!.text += string(xmlTextReaderConstValue(reader)) }
                    if depth == 5, mitreID != nil { mitreID!.id += string(xmlTextReaderConstValue(reader)) }
                case 15: // element end
                    if depth == 4, let done = mitreID {
                        rule?.mitre.append(done)
                        mitreID = nil
                    } else if depth == 3, let done = element {
                        rule?.children.append(done)
                        element = nil
                    } else if depth == 2, let done = rule {
                        visit(.rule(done))
                        rule = nil
                    }
                default:
                    break
                }
            }
        }
    }
    return sink.diagnostics
}

private func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

private func attribute(_ reader: xmlTextReaderPtr, _ name: String) -> String? {
    guard let raw = xmlTextReaderGetAttribute(reader, name) else { return nil }
    defer { free(raw) }  // malloc'd by libxml2's default allocator
    return String(cString: raw)
}

private func attributes(_ reader: xmlTextReaderPtr) -> [String: String] {
    var out: [String: String] = [:]
    guard xmlTextReaderHasAttributes(reader) == 1 else { return out }
    while xmlTextReaderMoveToNextAttribute(reader) == 1 {
        out[string(xmlTextReaderConstName(reader))] = string(xmlTextReaderConstValue(reader))
    }
    xmlTextReaderMoveToElement(reader)
    return out
}
