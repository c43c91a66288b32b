import CSQLite
import Foundation

/// A tenant's state in one SQLite database: checkpoints, the content ledger, the Id index and the
/// committed offsets of exactly-once file sinks.
///
/// The database is in WAL mode; with `durable` every commit is fsynced (`synchronous=FULL`), so a
/// commit that returned survives power loss, as the JSONL sink's `fdatasync` does. Its page cache
/// is bounded (`cacheKiB`) and memory-mapping stays off, so the process's memory does not grow
/// with the index: the index lives on disk and in the kernel's page cache.
///
/// A blob is delivered in one transaction: `beginDelivery`, `insert` each record key (which tells
/// whether it is new), deliver, then `commitDelivery` with the ledger entry and sink offsets, or
/// `rollback`. Every other change is its own transaction.
public final class StateStore {
    public let url: URL
    let db: SQLiteDatabase
    private let insertKey: SQLiteStatement
    private let findLegacy: SQLiteStatement
    private let touchMinute: SQLiteStatement
    private let settle: SQLiteStatement
    private let findSettled: SQLiteStatement
    private let setOffset: SQLiteStatement
    private let setCheckpoint: SQLiteStatement
    /// Whether Ids imported from a journal are still kept (they lack CreationTime; see `importJournal`).
    private var hasLegacyKeys: Bool
    /// Minutes (of CreationTime) that got new keys in the open delivery, for the expiry bookkeeping.
    private var minutesInTransaction: Set<Int64> = []
    private var lastMinuteInserted: Int64?

    /// The schema; `user_version` tells a later version what it is opening.
    static let schemaVersion = 1
    static let schema = """
    CREATE TABLE IF NOT EXISTS checkpoints(content_type TEXT PRIMARY KEY, listing_start INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ledger(content_id TEXT PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS record_keys(second INTEGER NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY(second, hash)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS minutes(minute INTEGER PRIMARY KEY, last_day INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS legacy_keys(hi INTEGER NOT NULL, lo INTEGER NOT NULL, day INTEGER NOT NULL, PRIMARY KEY(hi, lo)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS sink_offsets(sink TEXT PRIMARY KEY, offset INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    """

    /// Opens (creating, mode 0600) the database at `url`.
    public init(url: URL, durable: Bool, cacheKiB: Int = 8_192) throws {
        self.url = url
        db = try SQLiteDatabase(path: url.path, create: true)
        // busy_timeout: another process may be reading the sink offsets of this database at start.
        try db.execute("""
        PRAGMA busy_timeout=10000;
        PRAGMA journal_mode=WAL;
        PRAGMA synchronous=\(durable ? "FULL" : "OFF");
        PRAGMA cache_size=-\(cacheKiB);
        PRAGMA mmap_size=0;
        PRAGMA journal_size_limit=67108864;
        """)
        let version = try db.prepare("PRAGMA user_version")
        _ = try version.step()
        let found = version.int64(0)
        version.reset()
        guard found <= Self.schemaVersion else {
            throw StateError.database(url.path, "written by a newer o365-collector (schema \(found), this one knows \(Self.schemaVersion)); upgrade this collector")
        }
        if found < Self.schemaVersion {
            try db.execute("BEGIN IMMEDIATE; \(Self.schema) PRAGMA user_version=\(Self.schemaVersion); COMMIT;")
        }
        insertKey = try db.prepare("INSERT OR IGNORE INTO record_keys(second, hash) VALUES(?1, ?2)")
        findLegacy = try db.prepare("SELECT 1 FROM legacy_keys WHERE hi = ?1 AND lo = ?2")
        touchMinute = try db.prepare("INSERT INTO minutes(minute, last_day) VALUES(?1, ?2) ON CONFLICT(minute) DO UPDATE SET last_day = max(last_day, excluded.last_day)")
        settle = try db.prepare("INSERT OR REPLACE INTO ledger(content_id, day) VALUES(?1, ?2)")
        findSettled = try db.prepare("SELECT 1 FROM ledger WHERE content_id = ?1")
        setOffset = try db.prepare("INSERT OR REPLACE INTO sink_offsets(sink, offset) VALUES(?1, ?2)")
        setCheckpoint = try db.prepare("INSERT OR REPLACE INTO checkpoints(content_type, listing_start) VALUES(?1, ?2)")
        let legacy = try db.prepare("SELECT EXISTS(SELECT 1 FROM legacy_keys)")
        _ = try legacy.step()
        hasLegacyKeys = legacy.int64(0) != 0
        legacy.reset()
    }

    // MARK: Reading

    /// The listing start of the next pass of `contentType`, if it has one.
    public func checkpoint(contentType: String) throws -> Int64? {
        let q = try db.prepare("SELECT listing_start FROM checkpoints WHERE content_type = ?1")
        q.bind(1, contentType)
        defer { q.reset() }
        return try q.step() ? q.int64(0) : nil
    }

    /// Every checkpoint.
    public func checkpoints() throws -> [String: Int64] {
        let q = try db.prepare("SELECT content_type, listing_start FROM checkpoints")
        var result: [String: Int64] = [:]
        while try q.step() { result[q.text(0)] = q.int64(1) }
        return result
    }

    /// Whether the blob `contentId` was settled (delivered or given up as lost).
    public func isSettled(contentId: String) throws -> Bool {
        findSettled.bind(1, contentId)
        defer { findSettled.reset() }
        return try findSettled.step()
    }

    /// The committed end offset of each exactly-once file sink.
    public func sinkOffsets() throws -> [String: Int64] {
        try Self.sinkOffsets(in: db)
    }

    static func sinkOffsets(in db: SQLiteDatabase) throws -> [String: Int64] {
        let q = try db.prepare("SELECT sink, offset FROM sink_offsets")
        var result: [String: Int64] = [:]
        while try q.step() { result[q.text(0)] = q.int64(1) }
        return result
    }

    /// The sink offsets of the database at `url` without setting it up (it may be another
    /// process's tenant, in use): empty if it has no such table yet.
    public static func sinkOffsets(at url: URL) throws -> [String: Int64] {
        let db = try SQLiteDatabase(path: url.path, create: false)
        try db.execute("PRAGMA busy_timeout=10000;")
        let exists = try db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sink_offsets'")
        guard try exists.step() else { return [:] }
        exists.reset()
        return try sinkOffsets(in: db)
    }

    /// How many record keys are kept (a full count: for tests and the benchmark, not the hot path).
    public func recordKeyCount() throws -> Int {
        let q = try db.prepare("SELECT count(*) FROM record_keys")
        _ = try q.step()
        return Int(q.int64(0))
    }

    // MARK: Delivering a blob

    /// Opens the blob's transaction.
    public func beginDelivery() throws {
        minutesInTransaction.removeAll(keepingCapacity: true)
        lastMinuteInserted = nil
        try db.execute("BEGIN IMMEDIATE")
    }

    /// Adds `key` to the index; false when it was already there (a duplicate), also within this blob.
    /// `legacy` is the record's 128-bit Id key, checked against Ids imported from a journal.
    public func insert(_ key: DedupeKey, legacy: RecordKey?) throws -> Bool {
        if hasLegacyKeys, let legacy {
            findLegacy.bind(1, Int64(bitPattern: legacy.hi))
            findLegacy.bind(2, Int64(bitPattern: legacy.lo))
            let found = try findLegacy.step()
            findLegacy.reset()
            if found { return false }
        }
        insertKey.bind(1, key.second)
        insertKey.bind(2, key.hash)
        try insertKey.run()
        guard db.changes > 0 else { return false }
        // A blob's records mostly share a minute: skip the set when it is the last one seen.
        if key.minute != lastMinuteInserted {
            minutesInTransaction.insert(key.minute)
            lastMinuteInserted = key.minute
        }
        return true
    }

    /// Records the blob as settled on `day` with the sinks' offsets, and commits the transaction.
    public func commitDelivery(contentId: String, day: Int64, sinkOffsets: [(String, Int64)]) throws {
        for minute in minutesInTransaction {
            touchMinute.bind(1, minute)
            touchMinute.bind(2, day)
            try touchMinute.run()
        }
        settle.bind(1, contentId)
        settle.bind(2, day)
        try settle.run()
        for (sink, offset) in sinkOffsets {
            setOffset.bind(1, sink)
            setOffset.bind(2, offset)
            try setOffset.run()
        }
        try db.execute("COMMIT")
    }

    /// Abandons the open transaction, if any.
    public func rollback() {
        if db.inTransaction { try? db.execute("ROLLBACK") }
    }

    // MARK: Other changes

    /// Settles a blob that can never be fetched (expired).
    public func settleLost(contentId: String, day: Int64) throws {
        settle.bind(1, contentId)
        settle.bind(2, day)
        try settle.run()
    }

    /// Moves the checkpoint of `contentType`.
    public func commitCheckpoint(contentType: String, listingStart: Int64) throws {
        setCheckpoint.bind(1, contentType)
        setCheckpoint.bind(2, listingStart)
        try setCheckpoint.run()
    }

    /// Records sink offsets on their own (a file sink seen for the first time).
    public func commitSinkOffsets(_ offsets: [(String, Int64)]) throws {
        try db.execute("BEGIN IMMEDIATE")
        do {
            for (sink, offset) in offsets {
                setOffset.bind(1, sink)
                setOffset.bind(2, offset)
                try setOffset.run()
            }
            try db.execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
    }

    // MARK: Expiry

    /// Forgets what was settled before `horizonDay`: index keys of CreationTime minutes whose
    /// newest key was first delivered before it (so every Id is kept at least that long after its
    /// first delivery), and ledger entries. Runs at most once a day; returns how many index keys
    /// were dropped.
    @discardableResult
    public func expire(before horizonDay: Int64, today: Int64) throws -> Int {
        let last = try db.prepare("SELECT value FROM meta WHERE key = 'expired_on'")
        let expiredOn = try last.step() ? last.int64(0) : -1
        last.reset()
        guard expiredOn < today else { return 0 }
        try db.execute("BEGIN IMMEDIATE")
        do {
            let expired = try db.prepare("SELECT minute FROM minutes WHERE last_day < ?1")
            expired.bind(1, horizonDay)
            var minutes: [Int64] = []
            while try expired.step() { minutes.append(expired.int64(0)) }
            expired.reset()
            // One range of the primary key per minute: pages are freed in order, no table scan.
            let keys = try db.prepare("DELETE FROM record_keys WHERE second >= ?1 AND second < ?2")
            var dropped = 0
            for minute in minutes {
                keys.bind(1, minute * 60)
                keys.bind(2, minute * 60 + 60)
                try keys.run()
                dropped += db.changes
            }
            for sql in ["DELETE FROM minutes WHERE last_day < ?1", "DELETE FROM ledger WHERE day < ?1", "DELETE FROM legacy_keys WHERE day < ?1"] {
                let s = try db.prepare(sql)
                s.bind(1, horizonDay)
                try s.run()
            }
            let mark = try db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('expired_on', ?1)")
            mark.bind(1, today)
            try mark.run()
            try db.execute("COMMIT")
            let legacy = try db.prepare("SELECT EXISTS(SELECT 1 FROM legacy_keys)")
            _ = try legacy.step()
            hasLegacyKeys = legacy.int64(0) != 0
            legacy.reset()
            return dropped
        } catch {
            rollback()
            throw error
        }
    }

    // MARK: Import

    /// Whether `importJournal` has run on this database.
    public func hasImportedJournal() throws -> Bool {
        let q = try db.prepare("SELECT 1 FROM meta WHERE key = 'journal_imported'")
        return try q.step()
    }

    /// Copies the state of an old journal (checkpoints, ledger, Ids, offsets) in one transaction.
    /// Journal Ids carry no CreationTime, so they go to `legacy_keys`, checked by Id alone until
    /// they age out 8 days after their delivery.
    public func importJournal(_ state: TenantState) throws {
        try db.execute("BEGIN IMMEDIATE")
        do {
            for (ct, time) in state.checkpoints {
                setCheckpoint.bind(1, ct)
                setCheckpoint.bind(2, time)
                try setCheckpoint.run()
            }
            for (id, day) in state.ledger {
                settle.bind(1, id)
                settle.bind(2, Int64(day))
                try settle.run()
            }
            let legacy = try db.prepare("INSERT OR IGNORE INTO legacy_keys(hi, lo, day) VALUES(?1, ?2, ?3)")
            var failure: Error?
            state.delivered.forEach { key, day in
                guard failure == nil else { return }
                legacy.bind(1, Int64(bitPattern: key.hi))
                legacy.bind(2, Int64(bitPattern: key.lo))
                legacy.bind(3, Int64(day))
                do { try legacy.run() } catch { failure = error }
            }
            if let failure { throw failure }
            for (sink, offset) in state.sinkOffsets {
                setOffset.bind(1, sink)
                setOffset.bind(2, offset)
                try setOffset.run()
            }
            try db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('journal_imported', 1); COMMIT")
            hasLegacyKeys = state.delivered.count > 0
        } catch {
            rollback()
            throw error
        }
    }
}
