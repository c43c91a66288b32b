import Foundation
import Mustache

/// A Mustache template rendered many times with values of a few recurring shapes.
///
/// swift-mustache looks every name up through dynamic casts, about 60 µs a rule, which
/// dominates a 100,000-row build. A rule's output depends on its values' *shape* (which
/// flags are set, how long each list is) and, past that, only on the leaf strings. So each
/// shape is rendered once with numbered sentinels in place of the strings, the output is cut
/// into literal pieces and holes, and every further value of that shape is assembled from
/// the pieces. A sentinel carries an `&` so that a hole Mustache HTML-escaped (`{{x}}`) is
/// told apart from a raw one (`{{{x}}}`) and escaped the same way. A shape whose sentinels do
/// not come back intact (a template that transforms a value) is rendered directly.
/// Values come as `TemplateValue`, so walking them needs no dynamic casts.
final class ShapeCachedTemplate: @unchecked Sendable {
    private enum Piece {
        case literal(String)
        case value(Int, escaped: Bool)
    }

    private let template: MustacheTemplate
    private let lock = NSLock()
    /// nil for a shape that must be rendered directly.
    private var shapes: [String: [Piece]?] = [:]

    init(_ template: MustacheTemplate) {
        self.template = template
    }

    func render(_ values: TemplateValue) -> String {
        var shape: [UInt8] = []
        var leaves: [String] = []
        let sentinels = Self.sentinelize(values, shape: &shape, leaves: &leaves)
        let key = String(decoding: shape, as: UTF8.self)
        let cached: [Piece]?? = lock.withLock { shapes[key] }
        let pieces: [Piece]?
        if let cached {
            pieces = cached
        } else {
            pieces = Self.pieces(of: template.render(sentinels.mustache), leafCount: leaves.count)
            lock.withLock { shapes[key] = pieces }
        }
        guard let pieces else { return template.render(values.mustache) }
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): out += text
            case .value(let index, let escaped): out += escaped ? Self.htmlEscape(leaves[index]) : leaves[index]
            }
        }
        return out
    }

    func renderDirectly(_ values: TemplateValue) -> String {
        template.render(values.mustache)
    }

    func renderDirectly(_ values: [String: Any]) -> String {
        template.render(values)
    }

    /// The same value tree with every string replaced by its sentinel; `shape` records
    /// everything but the strings (keys, flags, list lengths).
    private static func sentinelize(_ value: TemplateValue, shape: inout [UInt8], leaves: inout [String]) -> TemplateValue {
        switch value {
        case .string(let string):
            shape.append(UInt8(ascii: "s"))
            leaves.append(string)
            return .string("\u{1}\(leaves.count - 1)&\u{2}")
        case .flag(let flag):
            shape.append(flag ? UInt8(ascii: "T") : UInt8(ascii: "F"))
            return value
        case .list(let items):
            shape.append(UInt8(ascii: "["))
            let out = items.map { sentinelize($0, shape: &shape, leaves: &leaves) }
            shape.append(UInt8(ascii: "]"))
            return .list(out)
        case .object(let pairs):
            shape.append(UInt8(ascii: "{"))
            let out = pairs.map { key, child -> (String, TemplateValue) in
                shape += key.utf8
                shape.append(UInt8(ascii: ":"))
                return (key, sentinelize(child, shape: &shape, leaves: &leaves))
            }
            shape.append(UInt8(ascii: "}"))
            return .object(out)
        }
    }

    /// Cuts a sentinel rendering into pieces, or nil if a sentinel was altered.
    private static func pieces(of rendered: String, leafCount: Int) -> [Piece]? {
        var pieces: [Piece] = []
        var rest = Substring(rendered)
        while let start = rest.firstIndex(of: "\u{1}") {
            if start > rest.startIndex { pieces.append(.literal(String(rest[..<start]))) }
            let afterStart = rest.index(after: start)
            guard let end = rest[afterStart...].firstIndex(of: "\u{2}") else { return nil }
            let body = rest[afterStart..<end]
            let escaped: Bool
            let digits: Substring
            if body.hasSuffix("&amp;") {
                escaped = true
                digits = body.dropLast(5)
            } else if body.hasSuffix("&") {
                escaped = false
                digits = body.dropLast()
            } else {
                return nil
            }
            guard let index = Int(digits), index < leafCount else { return nil }
            pieces.append(.value(index, escaped: escaped))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }

    /// Mustache's HTML escaping, byte for byte.
    static func htmlEscape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
