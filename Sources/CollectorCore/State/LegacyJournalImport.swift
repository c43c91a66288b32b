import Foundation

/// The one-time move of tenant journals written by an older o365-collector into SQLite.
///
/// Each `tenants/<name>.journal` is read, copied into `tenants/<name>.sqlite` in one transaction
/// and then renamed `<name>.journal.imported`. A crash between the commit and the rename is
/// harmless: the database remembers the import and the next start only renames.
enum LegacyJournalImport {
    static func importAll(in directory: StateDirectory, durable: Bool, log: CollectorLog) throws {
        for journalURL in directory.allJournalURLs() {
            let name = StateDirectory.tenantName(of: journalURL)
            // Another process sharing the directory is importing or collecting this tenant.
            guard let tenantLock = try TenantLock.acquire(directory.lockURL(tenant: name)) else { continue }
            let store = try StateStore(url: directory.databaseURL(tenant: name), durable: durable, cacheKiB: 2_048)
            if try !store.hasImportedJournal() {
                let state = try StateJournal(url: journalURL, durable: durable).load()
                try store.importJournal(state)
                log.notice("imported the state journal of an older o365-collector", ["tenant": name, "ids": "\(state.delivered.count)",
                                                                                       "blobs": "\(state.ledger.count)", "file": journalURL.path])
            }
            let done = journalURL.appendingPathExtension("imported")
            guard rename(journalURL.path, done.path) == 0 else { throw StateError.io("cannot rename \(journalURL.path) to \(done.path)", errno) }
            fsyncDirectory(journalURL.deletingLastPathComponent())
            _ = tenantLock
        }
    }
}
