import Foundation

/// A blob the emulator serves.
public struct EmulatedBlob: Sendable {
    public enum Body: Sendable {
        /// `count` generated records with Ids `RecordFactory.id(blob: seed, index: 0..<count)`.
        case generated(seed: Int, count: Int)
        /// These exact bytes (for malformed blobs and sample records).
        case raw([UInt8])
    }

    public var contentId: String
    /// contentCreated, seconds since 1970.
    public var created: Int64
    public var body: Body
    /// When set, the descriptor's contentUri points at this base URL instead of the emulator.
    public var foreignBase: String?
    /// When set, contentExpiration is this (seconds since 1970) instead of created + 7 days.
    public var expiration: Int64?
    /// The CreationTime of generated records (seconds since 1970); `created` when nil. A blob
    /// re-carrying records of an earlier blob sets it to that blob's, as a repeated record is the
    /// same record.
    public var recordsCreated: Int64?

    public init(contentId: String, created: Int64, body: Body, foreignBase: String? = nil, expiration: Int64? = nil, recordsCreated: Int64? = nil) {
        self.contentId = contentId
        self.created = created
        self.body = body
        self.foreignBase = foreignBase
        self.expiration = expiration
        self.recordsCreated = recordsCreated
    }

    /// The record Ids of a generated blob.
    public var generatedIds: [String] {
        guard case let .generated(seed, count) = body else { return [] }
        return (0..<count).map { RecordFactory.id(blob: seed, index: $0) }
    }
}

/// Faults the emulator injects, each counted down as it fires.
public struct EmulatorFaults: Sendable {
    /// contentId → how many fetches answer 429 with Retry-After: 1.
    public var throttle: [String: Int] = [:]
    /// contentId → how many fetches answer 403 AF429 (Microsoft's documented throttle form).
    public var throttleAF429: [String: Int] = [:]
    /// contentId → how many fetches answer 503.
    public var unavailable: [String: Int] = [:]
    /// After this many more authorized API requests, every token issued so far is revoked (401).
    public var revokeTokensAfter: Int?
    /// How many listing pages answer 503 before succeeding.
    public var listingUnavailable = 0
    /// Whether each listing page repeats its first entry (duplicate listing).
    public var duplicateListing = false
    /// Seconds to wait before serving each blob (to give a kill test time).
    public var blobDelay: Double = 0
    /// Header used for the next page link ("NextPageUri" or the old "NextPageUrl").
    public var nextPageHeader = "NextPageUri"
    /// Answer subscriptions/list with nothing enabled (so start is called and answers AF20024 when enabled).
    public var subscriptionsAlreadyEnabledAnswer = true

    public init() {}
}

/// What the emulator saw, for assertions.
public struct EmulatorLog: Sendable {
    public var tokenRequests = 0
    public var certificateTokens = 0
    public var unauthorized = 0
    public var blobFetches: [String: Int] = [:]
    /// Every `(startTime, endTime)` listed, in seconds since 1970.
    public var windows: [(Int64, Int64)] = []
    public var rejectedWindows = 0
    public var subscriptionStarts: [String] = []
    public var pagesServed = 0
    /// Every request path seen (with method), for the foreign-host check.
    public var requests: [String] = []
}
