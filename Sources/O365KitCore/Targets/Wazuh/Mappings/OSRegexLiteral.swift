/// Operation names as OS_Regex literals, the pattern flavour Wazuh's native office365 rules
/// use. OS_Regex is case-insensitive, treats `.` as a literal dot (`\.` is "any
/// character"), anchors `^`/`$` per alternative, splits alternatives at `|`, and accepts
/// only a few literal escapes: `\( \) \\ \$ \|`. Anything else (`\+`, `\-`) fails to
/// compile and takes the whole ruleset down.
enum OSRegexLiteral {
    /// How each ASCII byte is written: 1 as itself, 2 behind a backslash, 0 not at all
    /// (`*` and `+` turn into quantifiers after an escape, `\\`, `^` and `<` are trouble).
    private static let byteClass: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 128)
        for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:,'/@#%=~?!;[]{}\"".utf8 { table[Int(c)] = 1 }
        for c in "()$|".utf8 { table[Int(c)] = 2 }
        return table
    }()

    /// `^name$` with the characters that need it escaped, or nil when the name holds a
    /// character OS_Regex cannot express exactly (the caller then uses PCRE2).
    static func exact(_ name: String) -> String? {
        var out: [UInt8] = [UInt8(ascii: "^")]
        out.reserveCapacity(name.utf8.count + 8)
        for byte in name.utf8 {
            switch byte < 128 ? byteClass[Int(byte)] : 0 {
            case 1: out.append(byte)
            case 2: out += [UInt8(ascii: "\\"), byte]
            default: return nil
            }
        }
        out.append(UInt8(ascii: "$"))
        return String(decoding: out, as: UTF8.self)
    }
}

/// Exact, case-insensitive PCRE2 for names OS_Regex cannot express: every byte that is not
/// a letter or digit is written as `\xHH`, which also keeps `<` and `&` out of the XML.
enum PCRE2Literal {
    static func exact(_ name: String) -> String {
        var out = "(?i)^"
        for byte in name.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber) {
                out.append(c)
            } else {
                out += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out + "$"
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
