/// A `[start, end)` span of contentCreated to list, in seconds since 1970.
public struct ListingWindow: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}

/// The windows one pass lists for a content type, and what can no longer be listed.
public struct WindowPlan: Sendable, Equatable {
    public var windows: [ListingWindow]
    /// Set when the checkpoint is older than the API lets us list: `[from, to)` is lost for good.
    public var lostSpan: ListingWindow?
}

/// Splits the span from the checkpoint to now into windows the API accepts.
///
/// The API lists at most 24 h per request and no start older than 7 days (o365-api.md §1, Time
/// windows). Each pass re-lists `overlap` behind the checkpoint so that blobs that appear late in
/// the listing are still seen; blobs already settled are skipped by the content ledger and records
/// already delivered by the Id index.
public enum WindowPlanner {
    /// The API's longest window.
    public static let maxWindow: Int64 = 86_400
    /// How far back a start may lie: 7 days less a 5-minute safety margin for clock skew.
    public static let horizon: Int64 = 7 * 86_400 - 300

    public static func plan(checkpoint: Int64?, now: Int64, initialLookback: Int64, overlap: Int64) -> WindowPlan {
        let earliest = now - horizon
        var start = checkpoint.map { $0 - overlap } ?? (now - initialLookback)
        var lost: ListingWindow?
        if let checkpoint, checkpoint < earliest {
            lost = ListingWindow(start: checkpoint, end: earliest)
        }
        start = max(start, earliest)
        var windows: [ListingWindow] = []
        while start < now {
            let end = min(start + maxWindow, now)
            windows.append(ListingWindow(start: start, end: end))
            start = end
        }
        return WindowPlan(windows: windows, lostSpan: lost)
    }
}
