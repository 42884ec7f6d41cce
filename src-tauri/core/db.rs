//! Opening the database: location check, key, pragmas, migrations.
//!
//! Invariants: every database file is encrypted (SQLCipher, raw key: see `vault`); temporary
//! tables and indexes stay in memory so nothing unencrypted reaches a temporary file; WAL journal, `synchronous = FULL` (a committed change survives a power cut, so
//! "saved" is true when the window says it), foreign keys on, every migration in its own
//! transaction (rusqlite_migration), migrations are `.sql` files in `migrations/` and a
//! shipped file is never edited.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};

use crate::error::{Error, Result};

/// The schema, oldest first. Append only.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_register.sql"),
    include_str!("migrations/0002_search_speed.sql"),
    include_str!("migrations/0003_assessments.sql"),
    include_str!("migrations/0004_support_plans.sql"),
    include_str!("migrations/0005_young_carers.sql"),
    include_str!("migrations/0006_passports.sql"),
    include_str!("migrations/0007_security.sql"),
    include_str!("migrations/0008_reports_import.sql"),
    include_str!("migrations/0009_home_counts.sql"),
    include_str!("migrations/0010_school_referrals.sql"),
    include_str!("migrations/0011_rekeying.sql"),
    include_str!("migrations/0012_audit_computer.sql"),
    include_str!("migrations/0013_home_counts_current.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Rows a database needs once its schema is up to date (the shipped support catalogue,
/// `catalogue::seed`), given by whoever opens a database for use, so storage knows nothing of
/// the modules above it. It runs before the query planner's statistics are refreshed.
pub type Fill = fn(&Connection) -> Result<()>;

fn nothing(_: &Connection) -> Result<()> {
    Ok(())
}

/// Opens (creating if needed) the encrypted database at `path` with `key` and brings its
/// schema up to date.
pub fn open(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    open_filled(path, key, nothing)
}

/// [`open`], then `fill`.
pub fn open_filled(path: &Path, key: &[u8; 32], fill: Fill) -> Result<Connection> {
    ensure_folder(path)?;
    make_private_files(path)?;
    let mut conn = Connection::open(path).map_err(|e| {
        Error::DatabaseLocation(format!(
            "the database {} could not be opened ({e}): check the file is a Carers Desk database and that you can write to its folder",
            path.display()
        ))
    })?;
    crate::vault::apply_key(&conn, key)?;
    if crate::vault::readable(&conn).is_err() {
        return Err(Error::Key {
            code: "wrong_key",
            field: None,
            message: format!(
                "the register {} does not open with the key its key file gives: the key file beside it belongs to another register or to an older copy of this one (put back the .keys file that was beside this register), or the register file is damaged at its start. Nothing was changed: ask your administrator",
                path.display()
            ),
        });
    }
    configure(&mut conn, fill)?;
    // SQLite made any -wal and -shm with the database file's own (private) mode.
    make_private_files(path)?;
    Ok(conn)
}

/// The register and its companion files readable by this user only (see `files`): a new
/// register file is created private before SQLite opens it, and files left readable by
/// others by an earlier version are tightened.
fn make_private_files(path: &Path) -> Result<()> {
    let cannot = |p: &Path, e: std::io::Error| {
        Error::DatabaseLocation(format!(
            "the permissions of {} could not be set to this user only ({e}): check you own the file",
            p.display()
        ))
    };
    if !path.exists() {
        match crate::files::create_private(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(cannot(path, e)),
        }
    }
    let mut name = path.as_os_str().to_owned();
    let base = name.clone();
    for suffix in ["", "-wal", "-shm", ".keys"] {
        name.clone_from(&base);
        name.push(suffix);
        let p = Path::new(&name);
        // Another process may checkpoint a -wal or -shm away between the look and the change:
        // a file gone by then needs no permissions.
        match crate::files::make_private(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(cannot(p, e)),
            _ => {}
        }
    }
    Ok(())
}

/// Checks a database path can be used: not on a network share, and its folder exists (it is
/// created if need be).
pub fn ensure_folder(path: &Path) -> Result<()> {
    crate::location::check(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_dir_private(dir).map_err(|e| {
            Error::DatabaseLocation(format!(
                "the folder {} could not be created ({e}): choose a folder you can write to",
                dir.display()
            ))
        })?;
    }
    Ok(())
}

/// Whether `path` is an old, unencrypted Carers Desk database (readable without a key).
pub fn is_plaintext(path: &Path) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'carers'", [], |r| r.get::<_, i64>(0)).is_ok()
}

/// An in-memory database with the full schema, for tests and benchmarks.
/// The steps of SQLite's plan for `sql` with `params`, for tests that a query reads what it
/// should.
#[cfg(test)]
pub(crate) fn query_plan(conn: &Connection, sql: &str, params: &[&str]) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map(rusqlite::params_from_iter(params), |r| r.get(3)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

/// Whether every table a plan reads is read through a covering index (no row is read).
#[cfg(test)]
pub(crate) fn reads_indexes_only(plan: &[String]) -> bool {
    plan.iter().filter(|s| s.starts_with("SEARCH") || s.starts_with("SCAN")).all(|s| s.contains("COVERING INDEX"))
}

pub fn open_in_memory() -> Result<Connection> {
    open_in_memory_filled(nothing)
}

/// [`open_in_memory`], then `fill`.
pub fn open_in_memory_filled(fill: Fill) -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&mut conn, fill)?;
    Ok(conn)
}

/// The page cache of every connection, in KiB.
pub const CACHE_KIB: i64 = 32_768;
/// The page cache while a bulk command (demo data, an import) runs, in KiB: 256 MiB at most,
/// taken only as pages are written.
pub const BULK_CACHE_KIB: i64 = 262_144;

pub fn set_cache_kib(conn: &Connection, kib: i64) -> Result<()> {
    conn.pragma_update(None, "cache_size", -kib)?;
    Ok(())
}

fn configure(conn: &mut Connection, fill: Fill) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Deleted and replaced text (an anonymised record) is overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" && mode != "memory" {
        return Err(Error::DatabaseLocation(format!(
            "the database could not use write-ahead logging (journal mode is {mode}): move it to a folder on this computer's own disk"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // 32 MiB of page cache: the register's hot pages stay in memory for search-as-you-type.
    set_cache_kib(conn, CACHE_KIB)?;
    // Migrations run with foreign keys off (SQLite's documented way to rebuild a table others
    // refer to), then every reference is checked before foreign keys are turned on.
    // Only after a migration: the check reads every row of every table (14 s with 100,000
    // carers and 1,000,000 notes), and foreign keys are on at all other times.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let version = |conn: &Connection| conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    let before = version(conn)?;
    migrations().to_latest(conn)?;
    if version(conn)? != before {
        let broken: Option<String> = conn.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
        if let Some(table) = broken {
            return Err(Error::DatabaseLocation(format!(
                "the database has a broken link in the table {table} after updating it: restore the latest backup and report this"
            )));
        }
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    fill(conn)?;
    // Keeps the query planner's statistics fresh (cheap; SQLite's advice for long-lived connections).
    conn.execute_batch("PRAGMA optimize = 0x10002")?;
    Ok(())
}

/// Every table's row count: to check a copy holds what the original held.
pub fn table_counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let names: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    names
        .into_iter()
        .map(|n| {
            let count: i64 =
                conn.query_row(&format!("SELECT count(*) FROM \"{}\"", n.replace('"', "\"\"")), [], |r| r.get(0))?;
            Ok((n, count))
        })
        .collect()
}

/// What SQLite's checks say of a register: nothing when it is sound, otherwise the problems
/// they name (at most 20). `full`: `integrity_check` (every index against its table, every
/// constraint) and SQLCipher's check of every page's authentication code; otherwise
/// `quick_check`. A page that cannot be read at all is a problem, not an error; an
/// interrupted check is an error ([`rusqlite::ffi::ErrorCode::OperationInterrupted`]).
pub fn problems(conn: &Connection, full: bool) -> Result<Vec<String>> {
    let rows = |sql: &str| -> Result<Vec<String>> {
        let read = (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })();
        match read {
            Ok(rows) => Ok(rows),
            Err(e) if unreadable(&e) => Ok(vec![format!("part of the file cannot be read ({e})")]),
            Err(e) => Err(e.into()),
        }
    };
    let mut found = rows(if full { "PRAGMA integrity_check(20)" } else { "PRAGMA quick_check(20)" })?;
    found.retain(|r| r != "ok");
    if full {
        found.extend(rows("PRAGMA cipher_integrity_check")?);
    }
    found.truncate(20);
    Ok(found)
}

/// Whether a check's error means the file's pages cannot be read (damage: SQLCipher reports a
/// page whose authentication fails as corrupt, "not a database" or a plain error), rather than
/// something about this moment (busy, interrupted).
fn unreadable(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi::ErrorCode;
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if !matches!(f.code, ErrorCode::OperationInterrupted | ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// The schema version this build expects (the number of migrations).
pub fn schema_version() -> usize {
    MIGRATIONS.len()
}

/// Why the database key must be changed, if it must ([`crate::rekey`]): kept in the register so a
/// re-key asked for survives a stop. Here, beside the register's opening, so that the command
/// context can mark it without reaching up into the re-keying module.
pub fn rekey_due(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT rekey_due FROM settings WHERE id = 1", [], |r| r.get(0)).optional()?.flatten())
}

/// Marks a re-key due, in the transaction of the change that needs it.
pub fn mark_rekey_due(conn: &Connection, reason: &str) -> Result<()> {
    conn.execute("UPDATE settings SET rekey_due = ?1 WHERE id = 1", [reason])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn a_new_file_gets_wal_foreign_keys_and_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/carers.sqlite3");
        let key = crate::vault::random_key();
        let conn = open(&path, &key).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version as usize, schema_version());
        drop(conn);
        // Opening again is a no-op migration; another key cannot open it, nor can no key.
        open(&path, &key).unwrap();
        let other = crate::vault::random_key();
        let e = crate::ApiError::from(open(&path, &other).unwrap_err());
        assert_eq!(e.code, "wrong_key");
        // A key file that does not belong to the register is not a reason to restore a backup.
        assert!(e.message.contains("put back the .keys file") && !e.message.contains("restore"), "{}", e.message);
        assert!(!is_plaintext(&path));
    }

    #[test]
    fn references_are_checked_after_a_migration_and_not_on_every_open() {
        // A note that refers to no carer, written with foreign keys off.
        let orphan = |conn: &Connection| {
            conn.execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO notes (carer_id, date, kind, author, text, created_at)
                 VALUES (999, '2026-11-01', 'phone', 'Test', 'Orphan', '2026-11-01T09:00:00Z');",
            )
            .unwrap();
        };
        // One migration still to run: the check after it finds the broken link.
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, schema_version() - 1).unwrap();
        orphan(&conn);
        let e = configure(&mut conn, nothing).unwrap_err();
        assert!(e.to_string().contains("broken link in the table notes"), "{e}");
        // Up to date: nothing to migrate, so opening does not read every table again.
        let mut conn = open_in_memory().unwrap();
        orphan(&conn);
        configure(&mut conn, nothing).unwrap();
    }
}
