import Foundation

/// The state directory, mode 0700: per tenant a database `tenants/<name>.sqlite` and a lock file
/// `tenants/<name>.lock`; `sinks.sqlite` holds the starting offset of file sinks seen for the
/// first time. Several collector processes on one machine may share it (tenant locks keep them
/// apart); see docs/collector.md, "Scaling out".
public struct StateDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// Creates the directory (0700) if needed and tightens its mode.
    public init(url: URL) throws {
        self.url = url
        for dir in [url, url.appendingPathComponent("tenants")] {
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StateError.io("cannot create the state directory \(dir.path)", (error as NSError).code == 0 ? EIO : Int32((error as NSError).code))
            }
            chmod(dir.path, 0o700)
        }
    }

    var tenantsURL: URL { url.appendingPathComponent("tenants") }

    /// The database of the tenant called `name`.
    public func databaseURL(tenant name: String) -> URL { tenantsURL.appendingPathComponent("\(name).sqlite") }

    /// The lock file of the tenant called `name`.
    public func lockURL(tenant name: String) -> URL { tenantsURL.appendingPathComponent("\(name).lock") }

    /// Where an older o365-collector kept the tenant's state (imported once, see `StateStore.importJournal`).
    public func journalURL(tenant name: String) -> URL { tenantsURL.appendingPathComponent("\(name).journal") }

    /// The database of first-seen file sink offsets.
    public var sinksDatabaseURL: URL { url.appendingPathComponent("sinks.sqlite") }

    /// Every tenant database present, including tenants no longer configured or collected by
    /// another process (their committed file offsets still count when recovering a JSONL sink).
    public func allDatabaseURLs() -> [URL] { files(withSuffix: ".sqlite") }

    /// Every tenant journal of an older version not imported yet.
    public func allJournalURLs() -> [URL] { files(withSuffix: ".journal") }

    private func files(withSuffix suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tenantsURL.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { tenantsURL.appendingPathComponent($0) }
    }

    /// The tenant name of a file in `tenants/`.
    static func tenantName(of file: URL) -> String { file.deletingPathExtension().lastPathComponent }
}
