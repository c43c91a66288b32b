#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Character classes of OS_Regex, indexed by the escape letter's class number and the byte.
///
/// These mirror `regexmap` in Wazuh's `os_regex_maps.c`: the classes are ASCII-only and compare
/// the raw byte (no case folding), and `\s` is a single space, not any whitespace.
enum ByteClass: UInt8, Sendable {
    case digit = 1, word, space, punctuation, openParen, closeParen, backslash
    case notDigit, notWord, notSpace, any, tab, dollar, pipe, lessThan

    /// The class for the letter after a backslash, or nil when Wazuh rejects the escape.
    init?(escape: UInt8) {
        switch escape {
        case UInt8(ascii: "d"): self = .digit
        case UInt8(ascii: "w"): self = .word
        case UInt8(ascii: "s"): self = .space
        case UInt8(ascii: "p"): self = .punctuation
        case UInt8(ascii: "("): self = .openParen
        case UInt8(ascii: ")"): self = .closeParen
        case UInt8(ascii: "\\"): self = .backslash
        case UInt8(ascii: "D"): self = .notDigit
        case UInt8(ascii: "W"): self = .notWord
        case UInt8(ascii: "S"): self = .notSpace
        case UInt8(ascii: "."): self = .any
        case UInt8(ascii: "t"): self = .tab
        case UInt8(ascii: "$"): self = .dollar
        case UInt8(ascii: "|"): self = .pipe
        case UInt8(ascii: "<"): self = .lessThan
        default: return nil
        }
    }

    /// Membership table: `table[class * 256 + byte]`.
    static let table: [Bool] = {
        var t = [Bool](repeating: false, count: 16 * 256)
        func isDigit(_ b: Int) -> Bool { b >= 48 && b <= 57 }
        func isWord(_ b: Int) -> Bool {
            isDigit(b) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
                || b == 45 || b == 64 || b == 95  // - @ _
        }
        let punctuation = Set("!\"#$%&'()*+,-.:;<=>?[]{|}".utf8.map(Int.init))
        for b in 0..<256 {
            t[Int(ByteClass.digit.rawValue) * 256 + b] = isDigit(b)
            t[Int(ByteClass.word.rawValue) * 256 + b] = isWord(b)
            t[Int(ByteClass.space.rawValue) * 256 + b] = b == 32
            t[Int(ByteClass.punctuation.rawValue) * 256 + b] = punctuation.contains(b)
            t[Int(ByteClass.openParen.rawValue) * 256 + b] = b == 40
            t[Int(ByteClass.closeParen.rawValue) * 256 + b] = b == 41
            t[Int(ByteClass.backslash.rawValue) * 256 + b] = b == 92
            t[Int(ByteClass.notDigit.rawValue) * 256 + b] = !isDigit(b)
            t[Int(ByteClass.notWord.rawValue) * 256 + b] = !isWord(b)
            t[Int(ByteClass.notSpace.rawValue) * 256 + b] = b != 32
            t[Int(ByteClass.any.rawValue) * 256 + b] = true
            t[Int(ByteClass.tab.rawValue) * 256 + b] = b == 9
            t[Int(ByteClass.dollar.rawValue) * 256 + b] = b == 36
            t[Int(ByteClass.pipe.rawValue) * 256 + b] = b == 124
            t[Int(ByteClass.lessThan.rawValue) * 256 + b] = b == 60
        }
        return t
    }()
}

/// ASCII lower-casing, the only case folding OS_Regex and OS_Match do (`charmap`).
@inline(__always)
func asciiLower(_ b: UInt8) -> UInt8 {
    (b >= 65 && b <= 90) ? b | 0x20 : b
}

/// Case-insensitive (ASCII) comparison of `pattern` with `s[at..<at+pattern.count]`.
@inline(__always)
func asciiEqualFolded(_ loweredPattern: [UInt8], _ s: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
    if at < 0 || at + loweredPattern.count > s.count { return false }
    var i = 0
    while i < loweredPattern.count {
        if asciiLower(s[at + i]) != loweredPattern[i] { return false }
        i += 1
    }
    return true
}

/// Case-insensitive substring search; an empty needle is found.
@inline(__always)
func asciiContainsFolded(_ loweredNeedle: [UInt8], in s: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = loweredNeedle.count
    if n == 0 { return true }
    if n > s.count { return false }
    let first = loweredNeedle[0]
    let last = s.count - n
    guard let base = s.baseAddress else { return false }
    if first < 97 || first > 122 {
        // The first byte has no case: let memchr find the candidates.
        var i = 0
        while i <= last {
            guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return false }
            i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if asciiEqualFolded(loweredNeedle, s, at: i) { return true }
            i += 1
        }
        return false
    }
    var i = 0
    while i <= last {
        if asciiLower(s[i]) == first && asciiEqualFolded(loweredNeedle, s, at: i) { return true }
        i += 1
    }
    return false
}

extension String {
    /// Runs `body` over the UTF-8 bytes up to the first NUL, the way a C string would be seen.
    @inline(__always)
    func withCStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = self
        return copy.withUTF8 { buf in
            if let nul = buf.firstIndex(of: 0) {
                return body(UnsafeBufferPointer(rebasing: buf[..<nul]))
            }
            return body(buf)
        }
    }
}
