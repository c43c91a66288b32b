import CollectorCore
import Crypto
import _CryptoExtras
import Foundation
import Testing

@Suite struct ClientAssertionTests {
    @Test(arguments: AssertionAlgorithm.allCases)
    func assertionVerifiesWithThePublicKey(algorithm: AssertionAlgorithm) throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let der: [UInt8] = Array("not really a certificate, but thumbprints only hash the DER".utf8)
        let signer = ClientAssertionSigner(clientID: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", certificateDER: der, key: key, algorithm: algorithm)
        let jwt = try signer.assertion(audience: "https://login.microsoftonline.com/t/oauth2/v2.0/token", now: 1_700_000_000, jti: "j1")
        let parts = jwt.split(separator: ".")
        #expect(parts.count == 3)
        let header = try JSONSerialization.jsonObject(with: Data(Base64URL.decode(parts[0])!)) as! [String: Any]
        let claims = try JSONSerialization.jsonObject(with: Data(Base64URL.decode(parts[1])!)) as! [String: Any]
        #expect(header["alg"] as? String == algorithm.rawValue)
        #expect(header["typ"] as? String == "JWT")
        #expect(header["x5t"] as? String == Base64URL.encode(Array(Insecure.SHA1.hash(data: der))))
        #expect(header["x5t#S256"] as? String == Base64URL.encode(Array(SHA256.hash(data: der))))
        #expect(claims["aud"] as? String == "https://login.microsoftonline.com/t/oauth2/v2.0/token")
        #expect(claims["iss"] as? String == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
        #expect(claims["sub"] as? String == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
        #expect(claims["jti"] as? String == "j1")
        #expect(claims["nbf"] as? Int == 1_700_000_000)
        #expect(claims["exp"] as? Int == 1_700_000_600)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: Base64URL.decode(parts[2])!)
        let input = Array("\(parts[0]).\(parts[1])".utf8)
        let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
        #expect(key.publicKey.isValidSignature(signature, for: input, padding: padding))
        // A different key must not verify it.
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(!other.publicKey.isValidSignature(signature, for: input, padding: padding))
        #expect(!base64Contains(jwt, "BEGIN"))
    }

    func base64Contains(_ s: String, _ needle: String) -> Bool { s.contains(needle) }
}
