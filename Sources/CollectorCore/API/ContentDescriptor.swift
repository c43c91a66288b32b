import Foundation

/// One entry of a content listing: a blob to fetch.
public struct ContentDescriptor: Sendable, Equatable, Decodable {
    public var contentType: String?
    public var contentId: String
    public var contentUri: String
    public var contentCreated: String?
    public var contentExpiration: String?

    public init(contentType: String? = nil, contentId: String, contentUri: String, contentCreated: String? = nil, contentExpiration: String? = nil) {
        self.contentType = contentType
        self.contentId = contentId
        self.contentUri = contentUri
        self.contentCreated = contentCreated
        self.contentExpiration = contentExpiration
    }

    /// contentCreated in seconds since 1970 (0 when missing or unreadable, which sorts first).
    public var createdEpoch: Double { contentCreated.flatMap { UTCTime.parse($0) } ?? 0 }
    /// contentExpiration in seconds since 1970, if given.
    public var expirationEpoch: Double? { contentExpiration.flatMap { UTCTime.parse($0) } }
}
