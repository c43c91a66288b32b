/// The little of SPL that the generator's own checks need: where quotes and brackets
/// open and close, the commands between top-level pipes, and the macros and lookups a
/// search names. AppInspect checks none of this (see docs/packages.md).
enum SPLText {
    /// An unbalanced quote or bracket, at a UTF-8 offset of the search.
    struct Imbalance: Equatable {
        var message: String
        var offset: Int
    }

    /// Double quotes (with `\` escapes inside), single quotes (eval field names), backticks
    /// (macros), and `()`, `[]`, `{}` outside quotes must all close, in order.
    static func imbalances(_ search: String) -> [Imbalance] {
        let bytes = Array(search.utf8)
        var stack: [(UInt8, Int)] = []
        var quote: (UInt8, Int)? = nil
        var out: [Imbalance] = []
        let pairs: [UInt8: UInt8] = [UInt8(ascii: ")"): UInt8(ascii: "("), UInt8(ascii: "]"): UInt8(ascii: "["), UInt8(ascii: "}"): UInt8(ascii: "{")]
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if let (q, _) = quote {
                if b == UInt8(ascii: "\\"), q == UInt8(ascii: "\"") { i += 2; continue }
                if b == q { quote = nil }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
                quote = (b, i)
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                stack.append((b, i))
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                if let (open, _) = stack.last, open == pairs[b] {
                    stack.removeLast()
                } else {
                    out.append(Imbalance(message: "'\(Character(Unicode.Scalar(b)))' closes nothing", offset: i))
                }
            default:
                break
            }
            i += 1
        }
        if let (q, at) = quote { out.append(Imbalance(message: "\(Character(Unicode.Scalar(q))) opened here is never closed", offset: at)) }
        for (open, at) in stack { out.append(Imbalance(message: "'\(Character(Unicode.Scalar(open)))' opened here is never closed", offset: at)) }
        return out
    }

    /// The search split at top-level `|` (outside quotes and brackets), each command as words
    /// (quoted strings kept whole, commas separate words).
    static func commands(_ search: String) -> [[String]] {
        var commands: [[String]] = [[]]
        var word = ""
        var depth = 0
        var quote: Character? = nil
        var escaped = false
        func endWord() {
            if !word.isEmpty { commands[commands.count - 1].append(word) }
            word = ""
        }
        for c in search {
            if let q = quote {
                word.append(c)
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'", "`":
                quote = c
                word.append(c)
            case "(", "[", "{":
                depth += 1
                word.append(c)
            case ")", "]", "}":
                depth -= 1
                word.append(c)
            case "|" where depth == 0:
                endWord()
                commands.append([])
            case " ", "\t", "\n", "\r", ",":
                endWord()
            default:
                word.append(c)
            }
        }
        endWord()
        return commands.filter { !$0.isEmpty }
    }

    /// Macro uses: `` `name` `` → ("name", 0), `` `name(a, b)` `` → ("name", 2).
    static func macros(_ search: String) -> [(name: String, arguments: Int)] {
        let parts = search.split(separator: "`", omittingEmptySubsequences: false)
        return stride(from: 1, to: parts.count - 1, by: 2).map { index in
            let body = parts[index]
            guard let open = body.firstIndex(of: "("), body.hasSuffix(")") else { return (String(body), 0) }
            let args = body[body.index(after: open)..<body.index(before: body.endIndex)]
            return (String(body[..<open]), args.trimmingCharacters(in: .whitespaces).isEmpty ? 0 : args.split(separator: ",").count)
        }
    }

    /// A `lookup` or `inputlookup` use: the table and the lookup-side field names it reads.
    struct LookupUse: Equatable {
        var table: String
        var fields: [String]
    }

    static func lookups(_ search: String) -> [LookupUse] {
        var uses: [LookupUse] = []
        for command in commands(search) {
            guard let verb = command.first?.lowercased() else { continue }
            let args = command.dropFirst().filter { !$0.contains("=") }
            if verb == "inputlookup", let table = args.first {
                uses.append(LookupUse(table: table, fields: []))
            } else if verb == "lookup", let table = args.first {
                // lookup <table> (<field> [AS <event field>])+ [OUTPUT|OUTPUTNEW (<field> [AS <event field>])+]
                var fields: [String] = []
                var skipNext = false
                for word in args.dropFirst() {
                    if skipNext { skipNext = false; continue }
                    let upper = word.uppercased()
                    if upper == "AS" { skipNext = true; continue }
                    if upper == "OUTPUT" || upper == "OUTPUTNEW" { continue }
                    fields.append(word)
                }
                uses.append(LookupUse(table: table, fields: fields))
            }
        }
        return uses
    }
}

import Foundation
