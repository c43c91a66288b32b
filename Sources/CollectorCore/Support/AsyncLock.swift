/// A lock held across `await`s: unlike an actor, it does not let a second caller in while the
/// first is suspended, which delivery needs (one blob's sink writes and commit must not interleave
/// with another's).
public actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func unlock() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }
}
