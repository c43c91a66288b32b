import Foundation

/// The state directory: mode 0700, one journal per tenant, and a lock so two collectors never share it.
public final class StateDirectory: @unchecked Sendable {
    /// The directory.
    public let url: URL
    private var lockFD: Int32 = -1

    /// Creates the directory (0700) if needed, tightens its mode, and takes the instance lock.
    public init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(url.path, 0o700)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("tenants"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(url.appendingPathComponent("tenants").path, 0o700)
        let lockPath = url.appendingPathComponent("lock").path
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw StateError.io("cannot open \(lockPath)", errno) }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            close(lockFD)
            throw StateError.locked(url.path)
        }
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// The journal file of the tenant called `name`.
    public func journalURL(tenant name: String) -> URL {
        url.appendingPathComponent("tenants").appendingPathComponent("\(name).journal")
    }

    /// Every tenant journal present, including tenants no longer in the configuration
    /// (their committed file offsets still count when recovering a JSONL sink).
    public func allJournalURLs() -> [URL] {
        let dir = url.appendingPathComponent("tenants")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".journal") }.sorted().map { dir.appendingPathComponent($0) }
    }
}
