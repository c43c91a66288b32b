import CPCRE2
import Foundation

/// A `type="pcre2"` pattern, compiled by the real PCRE2 library the way Wazuh does it:
/// options 0, i.e. case-sensitive, unanchored, not UTF (the subject is matched as bytes).
///
/// Use `(?i)` for case-insensitive matching. Instances are immutable and safe to share.
public final class PCRE2Pattern: @unchecked Sendable, Hashable, CustomStringConvertible {
    /// The pattern exactly as written in the rule.
    public let pattern: String
    private let code: OpaquePointer
    /// One match block reused under a lock: creating one per match costs an allocation.
    private let matchData: OpaquePointer?
    private let lock = NSLock()

    /// Compiles `pattern`, failing where `pcre2_compile` fails, with PCRE2's own message.
    public init(_ pattern: String) throws(PatternError) {
        self.pattern = pattern
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled: OpaquePointer? = pattern.withCString { ptr in
            ptr.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
                // Wazuh passes PCRE2_ZERO_TERMINATED, so the pattern ends at its first NUL.
                pcre2_compile_8(bytes, Int(bitPattern: UInt(bitPattern: -1)), 0, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
            let message = n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "error \(errorCode)"
            throw PatternError(flavour: .pcre2, pattern: pattern, reason: "\(message) at offset \(errorOffset)")
        }
        code = compiled
        matchData = pcre2_match_data_create_8(1, nil)
        // JIT is an optimisation only; when unavailable the interpreter gives the same answers.
        _ = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE))
    }

    deinit {
        if let matchData { pcre2_match_data_free_8(matchData) }
        pcre2_code_free_8(code)
    }

    /// Whether the pattern matches anywhere in `s` (up to its first NUL).
    public func matches(_ s: String) -> Bool {
        s.withCStringBytes { matches(bytes: $0) }
    }

    /// Whether the pattern matches anywhere in the bytes `s`.
    public func matches(bytes s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let matchData else { return false }
        lock.lock()
        defer { lock.unlock() }
        let empty: [UInt8] = [0]
        let rc = empty.withUnsafeBufferPointer { fallback in
            pcre2_match_8(code, s.baseAddress ?? fallback.baseAddress, s.count, 0, 0, matchData, nil)
        }
        // 0 means "matched, but the one-pair vector was too small for the groups": still a match.
        return rc >= 0
    }

    public var description: String { pattern }

    public static func == (a: PCRE2Pattern, b: PCRE2Pattern) -> Bool { a.pattern == b.pattern }
    public func hash(into h: inout Hasher) { h.combine(pattern) }
}
