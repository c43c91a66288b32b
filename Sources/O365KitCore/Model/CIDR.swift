import Foundation

/// An IPv4 or IPv6 block for the `cidr` modifier. A value with a port
/// (`1.2.3.4:63070`, as ClientIP sometimes carries) is not an address and never matches.
public struct CIDR: Sendable, Hashable {
    public var bytes: [UInt8]
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = CIDR.address(String(parts[0])) else { return nil }
        let bits = address.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.bytes = address
        self.prefix = prefix
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// The bytes of an IPv4 or IPv6 address, or nil.
    public static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            return withUnsafeBytes(of: storage) { Array($0) }
        }
        var storage = in_addr()
        guard text.split(separator: ".").count == 4, inet_pton(AF_INET, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: storage) { Array($0) }
    }

    public func contains(_ text: String) -> Bool {
        guard let other = CIDR.address(text), other.count == bytes.count else { return false }
        var remaining = prefix
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[i] & mask != other[i] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
