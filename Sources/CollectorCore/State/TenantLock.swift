import Foundation

/// The right to collect one tenant: an exclusive `flock` on `tenants/<name>.lock`.
///
/// The kernel drops the lock when its holder exits or dies (even by `kill -9`), so a crashed
/// collector never leaves a tenant stuck, and another process sharing the state directory takes
/// the tenant over at its next pass. `flock` (not `fcntl`) because an `fcntl` lock belongs to the
/// process and is dropped when *any* descriptor of the file is closed, and SQLite, which uses
/// `fcntl` locks on its own files, is in the same process.
public final class TenantLock: @unchecked Sendable {
    public let url: URL
    private let fd: Int32

    private init(url: URL, fd: Int32) {
        self.url = url
        self.fd = fd
    }

    deinit { close(fd) }

    /// Takes the lock without waiting; nil when another process (or another lock object) holds it.
    public static func acquire(_ url: URL) throws -> TenantLock? {
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot open \(url.path)", errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw StateError.io("cannot lock \(url.path)", code)
        }
        return TenantLock(url: url, fd: fd)
    }
}
