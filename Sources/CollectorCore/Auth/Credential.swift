import Crypto
import _CryptoExtras
import Foundation

/// The app's credential, loaded from where the configuration says.
public enum Credential: Sendable {
    case secret(Secret)
    case certificate(ClientAssertionSigner)

    /// Loads the credential; errors name the file or variable, never its content.
    public static func load(_ auth: AuthConfig, clientID: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Credential {
        switch auth {
        case .clientSecretFile(let url):
            guard var text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CollectorError.credential("cannot read client_secret_file \(url.path)")
            }
            // Editors add a final newline; it is never part of an Entra secret.
            if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else { throw CollectorError.credential("client_secret_file \(url.path) is empty") }
            return .secret(Secret(text))
        case .clientSecretEnv(let name):
            guard let value = environment[name], !value.isEmpty else { throw CollectorError.credential("environment variable \(name) is not set") }
            return .secret(Secret(value))
        case let .certificate(certURL, keyURL, algorithm):
            guard let certPEM = try? String(contentsOf: certURL, encoding: .utf8), let der = PEM.firstBlock("CERTIFICATE", in: certPEM) else {
                throw CollectorError.credential("certificate_file \(certURL.path) holds no PEM CERTIFICATE")
            }
            guard let keyPEM = try? String(contentsOf: keyURL, encoding: .utf8) else {
                throw CollectorError.credential("cannot read private_key_file \(keyURL.path)")
            }
            let key: _RSA.Signing.PrivateKey
            do { key = try _RSA.Signing.PrivateKey(pemRepresentation: keyPEM) } catch {
                throw CollectorError.credential("private_key_file \(keyURL.path) is not a PEM RSA private key of at least 2048 bits")
            }
            return .certificate(ClientAssertionSigner(clientID: clientID, certificateDER: der, key: key, algorithm: algorithm))
        }
    }
}

/// PEM decoding of the first block of a given label.
enum PEM {
    static func firstBlock(_ label: String, in text: String) -> [UInt8]? {
        guard let begin = text.range(of: "-----BEGIN \(label)-----"),
              let end = text.range(of: "-----END \(label)-----", range: begin.upperBound..<text.endIndex) else { return nil }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body)).map { Array($0) }
    }
}
