import CSQLite
import Foundation

/// One connection to a SQLite database file, used by one task at a time (callers serialize).
///
/// Only what the state store needs: statements with integer and text parameters. Errors name the
/// file and SQLite's own message, never a bound value.
final class SQLiteDatabase {
    let path: String
    private var handle: OpaquePointer?

    /// Opens `path`, creating it with mode 0600 first when `create` is set: SQLite would create
    /// it with the umask's mode, and gives its -wal and -shm files the mode of the database.
    init(path: String, create: Bool) throws {
        self.path = path
        if create {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StateError.io("cannot create \(path)", errno) }
            fchmod(fd, 0o600)
            close(fd)
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            handle = nil
            throw StateError.database(path, message)
        }
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that take no parameters.
    func execute(_ sql: String) throws {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? lastError
            sqlite3_free(errmsg)
            throw StateError.database(path, message)
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK, let stmt else {
            throw StateError.database(path, lastError)
        }
        return SQLiteStatement(stmt, database: self)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// Whether a transaction is open.
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}

/// A prepared statement, reset after each use so it can be run again.
final class SQLiteStatement {
    private let stmt: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ stmt: OpaquePointer, database: SQLiteDatabase) {
        self.stmt = stmt
        self.database = database
    }

    deinit { sqlite3_finalize(stmt) }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(stmt, index, value)
    }

    func bind(_ index: Int32, _ value: String) {
        var v = value
        v.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = o365kit_sqlite_bind_text(stmt, index, $0.baseAddress, Int32($0.count)) }
        }
    }

    /// Steps once: true when a row is ready to read, false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(stmt) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = database.lastError
            sqlite3_reset(stmt)
            throw StateError.database(database.path, message)
        }
    }

    /// Runs the statement to its end and resets it.
    func run() throws {
        defer { sqlite3_reset(stmt) }
        while try step() {}
    }

    func reset() { sqlite3_reset(stmt) }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, column) else { return "" }
        return String(cString: p)
    }
}
