import Crypto
import _CryptoExtras
import Foundation

/// Builds the signed JWT that replaces a client secret in a certificate-based token request.
///
/// The header carries both thumbprints of the certificate (`x5t`, SHA-1, which RS256/ADAL-era
/// Entra expects; `x5t#S256`, SHA-256, which current Entra documentation shows with PS256), so
/// either algorithm works with the same configuration.
public struct ClientAssertionSigner: Sendable {
    public let clientID: String
    public let algorithm: AssertionAlgorithm
    /// base64url SHA-1 of the certificate DER.
    public let x5t: String
    /// base64url SHA-256 of the certificate DER.
    public let x5tS256: String
    private let key: _RSA.Signing.PrivateKey

    public init(clientID: String, certificateDER: [UInt8], key: _RSA.Signing.PrivateKey, algorithm: AssertionAlgorithm) {
        self.clientID = clientID
        self.algorithm = algorithm
        self.key = key
        x5t = Base64URL.encode(Array(Insecure.SHA1.hash(data: certificateDER)))
        x5tS256 = Base64URL.encode(Array(SHA256.hash(data: certificateDER)))
    }

    /// A JWT for `audience` (the exact token URL), valid from `now` for 10 minutes.
    public func assertion(audience: String, now: Int64 = UTCTime.now(), jti: String = UUID().uuidString.lowercased()) throws -> String {
        let header = "{\"alg\":\"\(algorithm.rawValue)\",\"typ\":\"JWT\",\"x5t\":\"\(x5t)\",\"x5t#S256\":\"\(x5tS256)\"}"
        let claims = "{\"aud\":\"\(jsonEscaped(audience))\",\"iss\":\"\(clientID)\",\"sub\":\"\(clientID)\",\"jti\":\"\(jti)\",\"nbf\":\(now),\"iat\":\(now),\"exp\":\(now + 600)}"
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
        let signature = try key.signature(for: Array(signingInput.utf8), padding: padding)
        return signingInput + "." + Base64URL.encode(Array(signature.rawRepresentation))
    }
}

/// base64url without padding (RFC 7515 §2).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: Substring) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { Array($0) }
    }
}
