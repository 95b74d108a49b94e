//! sqlite-vec: registered once per process as an auto-extension, so every connection has vec0.
use std::sync::Once;

static REGISTER: Once = Once::new();

pub fn register() {
    REGISTER.call_once(|| {
        // SAFETY: sqlite3_vec_init has exactly the signature SQLite expects of an extension entry point
        // (db, pzErrMsg, pApi) -> c_int; sqlite3_auto_extension only stores the pointer and calls it
        // for each new connection. This runs once, before any connection is opened.
        unsafe {
            rusqlite::ffi::sqlite3_auto_extension(Some(std::mem::transmute::<
                *const (),
                unsafe extern "C" fn(
                    *mut rusqlite::ffi::sqlite3,
                    *mut *mut std::os::raw::c_char,
                    *const rusqlite::ffi::sqlite3_api_routines,
                ) -> std::os::raw::c_int,
            >(
                sqlite_vec::sqlite3_vec_init as *const (),
            )));
        }
    });
}

/// The vec0 extension's version, proving it is loaded on this connection.
pub fn version(conn: &rusqlite::Connection) -> rusqlite::Result<String> {
    conn.query_row("SELECT vec_version()", [], |r| r.get(0))
}
