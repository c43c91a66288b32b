import Logging

/// A swift-log logger with string metadata, the only way the collector reports anything.
///
/// Every message names its tenant, content type and content id where it has them, and never a
/// secret: secrets are held only by `Secret`, whose description is redacted.
public struct CollectorLog: Sendable {
    public var logger: Logger

    public init(_ logger: Logger) { self.logger = logger }

    /// A copy that adds `metadata` to every line.
    public func with(_ metadata: [String: String]) -> CollectorLog {
        var l = logger
        for (k, v) in metadata { l[metadataKey: k] = .string(v) }
        return CollectorLog(l)
    }

    public func debug(_ message: String, _ metadata: [String: String] = [:]) { log(.debug, message, metadata) }
    public func info(_ message: String, _ metadata: [String: String] = [:]) { log(.info, message, metadata) }
    public func notice(_ message: String, _ metadata: [String: String] = [:]) { log(.notice, message, metadata) }
    public func warning(_ message: String, _ metadata: [String: String] = [:]) { log(.warning, message, metadata) }
    public func error(_ message: String, _ metadata: [String: String] = [:]) { log(.error, message, metadata) }
    public func critical(_ message: String, _ metadata: [String: String] = [:]) { log(.critical, message, metadata) }

    private func log(_ level: Logger.Level, _ message: String, _ metadata: [String: String]) {
        guard logger.logLevel <= level else { return }
        logger.log(level: level, "\(message)", metadata: metadata.mapValues { .string($0) })
    }
}

/// A secret value: usable by the code that sends it, but printed only as `<redacted>`.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value; read it only where it goes on the wire.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
