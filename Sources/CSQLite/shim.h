#ifndef O365KIT_CSQLITE_SHIM_H
#define O365KIT_CSQLITE_SHIM_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import:
   these wrappers bind text and blobs that SQLite must copy before the call returns. */
static inline int o365kit_sqlite_bind_text(sqlite3_stmt *stmt, int index, const char *text, int bytes) {
    return sqlite3_bind_text(stmt, index, text, bytes, SQLITE_TRANSIENT);
}

#endif
