//! Backups: made, verified, listed, pruned and restored (docs/backups.md).
//!
//! - A backup is a copy of the database file made with SQLite's online backup (one step of
//!   every page), encrypted with the same key, in the backup folder (setting `backup_folder`,
//!   else [`settings::default_backup_folder`]) as `carers-desk-backup-YYYYMMDD-HHMMSS.sqlite3` (local time), with
//!   the key file copied beside it as `<backup>.keys`. The newest `backup_keep` are kept.
//! - The copy is written under a temporary name, closed, reopened and checked (`quick_check`,
//!   `cipher_integrity_check`, every table's row count equal to the database's) before it gets
//!   its real name: a file with a backup's name is always a whole, checked backup.
//! - Restoring ([`restore_files`]) keeps the replaced database aside as
//!   `<database>.replaced-YYYYMMDD-HHMMSS` and puts it back if anything fails.
//!
//! Invariants: nothing here writes outside the backup folder and the database's own folder;
//! pruning removes only files whose names are backups' names (and their `.keys`); a backup is
//! never in WAL mode (one file, easy to copy).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::args::NoArgs;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::vault::{self, VaultInfo};
use crate::{db, settings};

/// Backup file names: `carers-desk-backup-YYYYMMDD-HHMMSS.sqlite3`, with `-2`, `-3`, ... before
/// the extension when two are made in the same second.
pub const PREFIX: &str = "carers-desk-backup-";
pub const EXTENSION: &str = ".sqlite3";
/// The temporary name's ending while a backup is written and checked.
const PARTIAL: &str = ".partial";

/// The backup folder: the setting, else [`settings::default_backup_folder`].
pub fn folder(conn: &Connection, db_path: &Path) -> Result<PathBuf> {
    let set: Option<String> =
        conn.query_row("SELECT backup_folder FROM settings WHERE id = 1", [], |r| r.get(0)).optional()?.flatten();
    Ok(match set.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        Some(f) => PathBuf::from(f),
        None => settings::default_backup_folder(db_path),
    })
}

/// The places a file the user chose must not be written for this database (the register and
/// its companion files, the key file, the backups, the app's data folder): see
/// [`crate::files::Protected`]. Every command that writes a file at a user's request checks its
/// path against this.
pub fn protected(ctx: &Ctx<'_>) -> Result<crate::files::Protected> {
    let Some(vault) = ctx.vault else { return Ok(crate::files::Protected::new(None, None)) };
    let backups = folder(ctx.tx, &vault.db_path)?;
    Ok(crate::files::Protected::new(Some(&vault.db_path), Some(&backups)))
}

/// How many backups to keep (setting `backup_keep`).
fn keep(conn: &Connection) -> Result<u32> {
    let n: Option<i64> =
        conn.query_row("SELECT backup_keep FROM settings WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(n.unwrap_or(14).clamp(1, 365) as u32)
}

/// What a backup holds, in words people use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counts {
    pub carers: i64,
    pub cared_for: i64,
    pub assessments: i64,
    pub plans: i64,
    pub passports: i64,
    pub notes: i64,
    pub staff: i64,
    pub audit_entries: i64,
}

impl Counts {
    fn from_tables(tables: &[(String, i64)]) -> Counts {
        let n = |name: &str| tables.iter().find(|(t, _)| t == name).map(|(_, n)| *n).unwrap_or(0);
        Counts {
            carers: n("carers"),
            cared_for: n("cared_for"),
            assessments: n("assessments"),
            plans: n("support_plans"),
            passports: n("passports"),
            notes: n("notes"),
            staff: n("staff"),
            audit_entries: n("audit_log"),
        }
    }
}

/// A backup made and checked.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Made {
    pub path: String,
    /// Local time with its offset, e.g. `2026-11-23T14:05:09+00:00`.
    pub made_at: String,
    pub bytes: u64,
    /// Reopened with the key after writing: `quick_check` and `cipher_integrity_check` passed
    /// and every table holds as many rows as the database's.
    pub verified: bool,
    pub counts: Counts,
}

/// Arguments of `backup_now`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NowArgs {
    /// A folder other than the one in Settings (`carers-desk-cli backup --to`). The newest
    /// `backup_keep` backups in it are kept.
    #[serde(default)]
    pub folder: Option<PathBuf>,
}

/// `backup_now`: a backup into the backup folder, checked, then older ones pruned.
pub fn now(ctx: &mut Ctx<'_>, args: NowArgs) -> Result<Made> {
    let vault = ctx.vault()?.clone();
    let folder = match args.folder {
        Some(f) if !f.as_os_str().is_empty() => f,
        _ => folder(ctx.tx, &vault.db_path)?,
    };
    let keep = keep(ctx.tx)?;
    let made = make(ctx.tx, &vault, &folder, keep)?;
    ctx.tx.execute("UPDATE settings SET last_backup_at = ?1 WHERE id = 1", [&made.made_at])?;
    ctx.audit_detail = Some(file_name(Path::new(&made.path)));
    Ok(made)
}

/// The result of `backup_auto`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Auto {
    pub made: bool,
    pub reason: String,
    pub backup: Option<Made>,
}

/// `backup_auto`: the day's backup, unless one was made today (run after signing in and when
/// the window closes).
pub fn auto(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Auto> {
    if ctx.vault.is_none() {
        return Ok(Auto { made: false, reason: "a database in memory is not backed up".into(), backup: None });
    }
    let last: Option<String> =
        ctx.tx.query_row("SELECT last_backup_at FROM settings WHERE id = 1", [], |r| r.get(0)).optional()?.flatten();
    let last_day = last.as_deref().and_then(local_date);
    if let Some(day) = last_day.filter(|d| *d >= ctx.today()) {
        return Ok(Auto {
            made: false,
            reason: format!("a backup was already made today ({})", day.format("%d/%m/%Y")),
            backup: None,
        });
    }
    let reason = if last.is_none() { "the first backup" } else { "the day's backup" };
    let made = now(ctx, NowArgs::default())?;
    Ok(Auto { made: true, reason: reason.into(), backup: Some(made) })
}

/// The local date of a stored timestamp (RFC 3339, or a plain date and time taken as local).
fn local_date(stamp: &str) -> Option<NaiveDate> {
    if let Ok(t) = DateTime::parse_from_rfc3339(stamp) {
        return Some(t.with_timezone(&Local).date_naive());
    }
    NaiveDate::parse_from_str(stamp.get(..10)?, "%Y-%m-%d").ok()
}

/// One backup in the folder.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Listed {
    pub path: String,
    pub file_name: String,
    pub made_at: String,
    pub bytes: u64,
}

/// The result of `backup_list`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListResult {
    pub folder: String,
    pub keep: u32,
    /// Newest first.
    pub backups: Vec<Listed>,
}

/// `backup_list`: the backups in the backup folder, newest first.
pub fn list(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<ListResult> {
    let vault = ctx.vault()?;
    let folder = folder(ctx.tx, &vault.db_path)?;
    let backups = in_folder(&folder)?
        .into_iter()
        .map(|b| Listed {
            file_name: file_name(&b.path),
            bytes: std::fs::metadata(&b.path).map(|m| m.len()).unwrap_or(0),
            made_at: b.made_at(),
            path: b.path.to_string_lossy().into_owned(),
        })
        .collect();
    Ok(ListResult { folder: folder.to_string_lossy().into_owned(), keep: keep(ctx.tx)?, backups })
}

/// Arguments of `backup_verify`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyArgs {
    /// The backup file.
    pub path: PathBuf,
}

/// What a check of a backup found (also the restore preview).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Verified {
    pub ok: bool,
    /// `ok`, or what SQLite found wrong; `null` when the file could not be opened.
    pub quick_check: Option<String>,
    /// `ok`, or what SQLCipher found wrong (pages whose authentication failed).
    pub cipher_integrity_check: Option<String>,
    pub made_at: Option<String>,
    pub schema_version: Option<i64>,
    pub counts: Option<Counts>,
    /// The key file beside the backup (`<backup>.keys`), if it is there.
    pub keys_file: Option<String>,
    /// The backup was made before the register's key was last changed (an account switched
    /// off, a passphrase reset): it can be restored with the organisation's recovery key
    /// (`backup_restore`'s `recovery_key`), which opens the key file beside it.
    pub needs_recovery_key: bool,
    pub message: String,
}

/// `backup_verify`: opens a backup with this database's key and checks it; changes nothing.
pub fn verify(ctx: &mut Ctx<'_>, args: VerifyArgs) -> Result<Verified> {
    let vault = ctx.vault()?;
    if !args.path.is_file() {
        return Err(Error::field(
            "path",
            format!("there is no backup file at {}: choose one from the list", args.path.display()),
        ));
    }
    ctx.audit_detail = Some(file_name(&args.path));
    let mut checked = check_file(&args.path, &vault.key);
    let ours: Option<String> = ctx
        .tx
        .query_row("SELECT recovery_public_key FROM settings WHERE id = 1", [], |r| r.get(0))
        .optional()?
        .flatten();
    if checked.quick_check.is_none() && made_with_an_earlier_key(&args.path, ours.as_deref()) {
        checked.needs_recovery_key = true;
        checked.message = format!(
            "{} was made before the register's key was last changed (when an account was switched off or a passphrase reset), so this computer's key does not open it: it can be restored with the organisation's recovery key",
            file_name(&args.path)
        );
    }
    Ok(checked)
}

/// Whether a backup this register's key does not open is this organisation's, from before a
/// change of key: the key file beside it gives the key to the same recovery key pair as the
/// register's (`ours`), not to another organisation's.
fn made_with_an_earlier_key(path: &Path, ours: Option<&str>) -> bool {
    let Some(ours) = ours else { return false };
    vault::KeyFile::load(&vault::keys_path(path)).is_ok_and(|f| f.recovery_public_key() == Some(ours))
}

/// Checks a backup file with `key`: opens read-only, `quick_check`, `cipher_integrity_check`,
/// schema version, counts. Never fails: what went wrong is in the result.
pub fn check_file(path: &Path, key: &[u8; 32]) -> Verified {
    let keys = vault::keys_path(path);
    let mut out = Verified {
        ok: false,
        quick_check: None,
        cipher_integrity_check: None,
        made_at: BackupName::parse(path).map(|n| n.made_at()),
        schema_version: None,
        counts: None,
        keys_file: keys.is_file().then(|| keys.to_string_lossy().into_owned()),
        needs_recovery_key: false,
        message: String::new(),
    };
    let conn = match open_read_only(path, key) {
        Ok(c) => c,
        Err(_) => {
            out.message = format!(
                "{} cannot be opened with this organisation's key: it was made with another key (restore it with the organisation's recovery key, with its .keys file beside it), or it is not a Carers Desk backup, or it is damaged",
                path.display()
            );
            return out;
        }
    };
    let checked = (|| -> Result<()> {
        out.quick_check = Some(quick_check(&conn)?);
        out.cipher_integrity_check = Some(cipher_check(&conn)?);
        out.schema_version = Some(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?);
        out.counts = Some(Counts::from_tables(&db::table_counts(&conn)?));
        if out.made_at.is_none() {
            out.made_at = conn
                .query_row("SELECT last_backup_at FROM settings WHERE id = 1", [], |r| r.get(0))
                .optional()
                .ok()
                .flatten()
                .flatten();
        }
        Ok(())
    })();
    let newer = out.schema_version.is_some_and(|v| v > db::schema_version() as i64);
    out.ok = checked.is_ok()
        && out.quick_check.as_deref() == Some("ok")
        && out.cipher_integrity_check.as_deref() == Some("ok")
        && !newer;
    out.message = match checked {
        Err(e) => format!("the backup could not be read to the end ({e}): it is damaged; choose another backup"),
        Ok(()) if out.quick_check.as_deref() != Some("ok") || out.cipher_integrity_check.as_deref() != Some("ok") => {
            "the backup is damaged: choose another backup".into()
        }
        Ok(()) if newer => {
            "the backup was made by a newer version of Carers Desk: update Carers Desk first, then restore it".into()
        }
        Ok(()) => "the backup opens with this organisation's key and is intact".into(),
    };
    out
}

/// Opens a database file read-only with `key`; an error when the key does not open it.
fn open_read_only(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    vault::apply_key(&conn, key)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    vault::readable(&conn)?;
    Ok(conn)
}

fn quick_check(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(if rows == ["ok"] { "ok".into() } else { rows.into_iter().take(5).collect::<Vec<_>>().join("; ") })
}

/// SQLCipher's check of every page's authentication code: no rows when all is well.
fn cipher_check(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(if rows.is_empty() { "ok".into() } else { rows.into_iter().take(5).collect::<Vec<_>>().join("; ") })
}

/// A backup file's name taken apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct BackupName {
    /// `YYYYMMDD-HHMMSS`, then the same-second number: sorts oldest first.
    stamp: String,
    n: u32,
    path: PathBuf,
}

impl BackupName {
    fn parse(path: &Path) -> Option<BackupName> {
        let name = path.file_name()?.to_str()?;
        let rest = name.strip_prefix(PREFIX)?.strip_suffix(EXTENSION)?;
        let (stamp, n) = match rest.get(15..) {
            Some("") => (rest, 1),
            Some(more) => (&rest[..15], more.strip_prefix('-')?.parse::<u32>().ok().filter(|n| *n >= 2)?),
            None => return None,
        };
        NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()?;
        Some(BackupName { stamp: stamp.to_string(), n, path: path.to_path_buf() })
    }

    fn made_at(&self) -> String {
        let naive = NaiveDateTime::parse_from_str(&self.stamp, "%Y%m%d-%H%M%S").expect("checked when parsed");
        match Local.from_local_datetime(&naive).earliest() {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            None => naive.format("%Y-%m-%dT%H:%M:%S").to_string(),
        }
    }
}

/// The backup files in a folder, newest first (none if the folder does not exist).
pub fn backups_in(folder: &Path) -> Result<Vec<PathBuf>> {
    Ok(in_folder(folder)?.into_iter().map(|b| b.path).collect())
}

/// The backups in a folder, newest first (none if the folder does not exist).
fn in_folder(folder: &Path) -> Result<Vec<BackupName>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::Io(std::io::Error::new(
                e.kind(),
                format!("the backup folder {} could not be read ({e}): check it in Settings", folder.display()),
            )))
        }
    };
    let mut found: Vec<BackupName> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| BackupName::parse(&e.path()))
        .filter(|b| b.path.is_file())
        .collect();
    found.sort();
    found.reverse();
    Ok(found)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(e.kind(), format!("{what} {} ({e})", path.display())))
}

/// Makes a backup of the database `source` is a transaction or connection on, into `folder`,
/// checks it, and prunes the folder to the newest `keep`.
///
/// `source` is only read for row counts: the copy itself is read through a second connection
/// to the file, because SQLite's online backup cannot read from a connection in a write
/// transaction. Commands run in an IMMEDIATE transaction, so nobody can commit between the
/// copy and the counts: both see the same data.
pub fn make(source: &Connection, vault: &VaultInfo, folder: &Path, keep: u32) -> Result<Made> {
    crate::files::create_dir_private(folder).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!(
                "the backup folder {} could not be created ({e}): choose another folder in Settings",
                folder.display()
            ),
        ))
    })?;
    let now = Local::now();
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    // Made in the same second as another: numbered after the newest of that second, so it
    // sorts newest (and pruning never takes it for an old one).
    let same_second = in_folder(folder)?.into_iter().filter(|b| b.stamp == stamp).map(|b| b.n).max();
    let mut n = same_second.map_or(1, |n| n + 1);
    let name = |n: u32| match n {
        1 => folder.join(format!("{PREFIX}{stamp}{EXTENSION}")),
        n => folder.join(format!("{PREFIX}{stamp}-{n}{EXTENSION}")),
    };
    while name(n).exists() || vault::keys_path(&name(n)).exists() {
        n += 1;
    }
    let path = name(n);
    // Never over the register's own files (a register named like a backup, in this folder).
    let own = crate::files::Protected::new(Some(&vault.db_path), None);
    own.check_file("folder", &path)?;
    own.check_file("folder", &vault::keys_path(&path))?;
    let tmp = with_suffix(&path, PARTIAL);
    let result = write_checked(source, vault, &tmp, &path);
    if result.is_err() {
        for p in [tmp.clone(), with_suffix(&tmp, "-journal"), vault::keys_path(&path)] {
            let _ = std::fs::remove_file(p);
        }
    }
    let counts = result?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    prune(folder, keep, &own)?;
    Ok(Made {
        path: path.to_string_lossy().into_owned(),
        made_at: now.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        bytes,
        verified: true,
        counts,
    })
}

fn write_checked(source: &Connection, vault: &VaultInfo, tmp: &Path, path: &Path) -> Result<Counts> {
    let _ = std::fs::remove_file(tmp);
    let expected = db::table_counts(source)?;
    {
        let reader = vault::open_encrypted(&vault.db_path, &vault.key)?;
        reader.busy_timeout(Duration::from_secs(5))?;
        // Made private before SQLite writes to it (and its journal gets the same mode).
        drop(crate::files::create_private(tmp).map_err(|e| io_error("the backup could not be started:", tmp, e))?);
        let mut dest = Connection::open(tmp)?;
        vault::apply_key(&dest, &vault.key)?;
        {
            let backup = rusqlite::backup::Backup::new(&reader, &mut dest)?;
            let mut tries = 0;
            loop {
                match backup.step(-1)? {
                    rusqlite::backup::StepResult::Done => break,
                    _ if tries < 50 => {
                        tries += 1;
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    _ => {
                        return Err(Error::Conflict(
                            "the database was busy for too long to back up: try again in a moment".into(),
                        ))
                    }
                }
            }
        }
        // The copy carries the database's WAL flag: make it a single self-contained file.
        vault::readable(&dest)?;
        let mode: String = dest.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if mode != "delete" {
            return Err(Error::Conflict(format!(
                "the backup could not be made a single file (journal mode {mode}): try again"
            )));
        }
        dest.close().map_err(|(_, e)| Error::from(e))?;
    }
    crate::files::sync_file(tmp).map_err(|e| io_error("the backup could not be saved:", tmp, e))?;
    let check = check_file(tmp, &vault.key);
    let counts = open_read_only(tmp, &vault.key).and_then(|c| db::table_counts(&c))?;
    if !check.ok || counts != expected {
        return Err(Error::Conflict(format!(
            "the backup did not check out after writing ({}), so it was removed: try again, and if it keeps happening choose another backup folder",
            if check.ok { "the row counts differ".to_string() } else { check.message }
        )));
    }
    copy_synced(&vault.keys_path, &vault::keys_path(path))?;
    crate::files::rename_replacing(tmp, path).map_err(|e| io_error("the backup could not be named", path, e))?;
    crate::files::sync_dir(path);
    Ok(Counts::from_tables(&expected))
}

/// Copies a file so that `to` is either absent or whole: to a temporary name, synced, renamed.
fn copy_synced(from: &Path, to: &Path) -> Result<()> {
    let tmp = with_suffix(to, PARTIAL);
    let done = (|| -> std::io::Result<()> {
        std::fs::copy(from, &tmp)?;
        crate::files::make_private(&tmp)?;
        crate::files::sync_file(&tmp)?;
        crate::files::rename_replacing(&tmp, to)
    })();
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(&format!("{} could not be copied to", from.display()), to, e));
    }
    crate::files::sync_dir(to);
    Ok(())
}

/// Removes all but the newest `keep` backups (and their key files), and any temporary files a
/// backup interrupted part-way left behind; never one of the register's own files (`own`).
fn prune(folder: &Path, keep: u32, own: &crate::files::Protected) -> Result<()> {
    for old in in_folder(folder)?.into_iter().skip(keep.max(1) as usize) {
        if own.check_file("folder", &old.path).is_err() {
            continue;
        }
        std::fs::remove_file(&old.path).map_err(|e| io_error("an old backup could not be removed:", &old.path, e))?;
        let _ = std::fs::remove_file(vault::keys_path(&old.path));
    }
    if let Ok(entries) = std::fs::read_dir(folder) {
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(PREFIX) && (name.ends_with(PARTIAL) || name.ends_with(".partial-journal")) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

/// The error for a backup this database's key cannot open.
fn other_key(from: &Path) -> Error {
    Error::Key {
        code: "wrong_key",
        field: Some("path"),
        message: format!(
            "this backup ({}) was made with an earlier key (before an account was switched off or a passphrase reset): restore it with the organisation's recovery key (its .keys file must be beside it)",
            file_name(from)
        ),
    }
}

/// Checks a backup can replace the database: it opens with this database's key and passes
/// its checks. Nothing is changed.
pub fn check_restorable(vault: &VaultInfo, from: &Path, key: &[u8; 32]) -> Result<()> {
    if !from.is_file() {
        return Err(Error::field(
            "path",
            format!("there is no backup file at {}: choose one from the list", from.display()),
        ));
    }
    if same_file(from, &vault.db_path) {
        return Err(Error::field("path", "that is the database itself, not a backup: choose a backup file"));
    }
    if open_read_only(from, key).is_err() {
        return Err(other_key(from));
    }
    let check = check_file(from, key);
    if !check.ok {
        return Err(Error::field("path", check.message));
    }
    Ok(())
}

/// The key a backup was made with: the register's own, or, for a backup made before the key
/// was changed (an account switched off, a passphrase reset), the one its key file
/// (`<backup>.keys`) gives to the organisation's recovery key. Never a passphrase: an old
/// passphrase opens an old key file, and must not bring back what it opened.
pub fn backup_key(vault: &VaultInfo, from: &Path, recovery_key: Option<&str>) -> Result<vault::Key> {
    if !from.is_file() {
        return Err(Error::field(
            "path",
            format!("there is no backup file at {}: choose one from the list", from.display()),
        ));
    }
    if open_read_only(from, &vault.key).is_ok() {
        return Ok(vault.key.clone());
    }
    match recovery_key.map(str::trim).filter(|k| !k.is_empty()) {
        None => Err(other_key(from)),
        Some(recovery) => key_by_recovery(from, recovery),
    }
}

/// The key a backup's own key file gives to the recovery key.
pub fn key_by_recovery(from: &Path, recovery: &str) -> Result<vault::Key> {
    let keys = vault::keys_path(from);
    if !keys.is_file() {
        return Err(Error::field(
            "path",
            format!(
                "the key file {} is not beside the backup: copy it from where the backup was made (each backup has one)",
                keys.display()
            ),
        ));
    }
    match vault::KeyFile::load(&keys)?.open_recovery(recovery)? {
        Some(opened) => Ok(opened.key),
        None => Err(Error::Key {
            code: "wrong_recovery_key",
            field: Some("recovery_key"),
            message: "that is not the recovery key of the organisation this backup came from: check each group of four and try again".into(),
        }),
    }
}

/// The accounts of the register a restore replaces, carried into the one restored: who may
/// sign in, with which key pair, and the recovery key's, are as the register says now, never
/// as the backup says. So an account switched off since the backup stays off, a passphrase
/// replaced since opens nothing, and an account that exists only in the backup is switched off.
#[derive(Debug, Clone)]
pub struct Accounts {
    staff: Vec<StaffRow>,
    recovery_public_key: Option<String>,
    recovery_key_secret: Option<String>,
    rekey_due: Option<String>,
}

#[derive(Debug, Clone)]
struct StaffRow {
    id: i64,
    username: String,
    name: String,
    role: String,
    school_id: Option<i64>,
    active: bool,
    public_key: Option<String>,
    key_secret: Option<String>,
    created_at: String,
    updated_at: String,
}

impl Accounts {
    /// Reads the accounts of an open register.
    pub fn read(conn: &Connection) -> Result<Accounts> {
        let mut stmt = conn.prepare(
            "SELECT id, username, name, role, school_id, active, public_key, key_secret, created_at, updated_at
             FROM staff ORDER BY id",
        )?;
        let staff = stmt
            .query_map([], |r| {
                Ok(StaffRow {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    name: r.get(2)?,
                    role: r.get(3)?,
                    school_id: r.get(4)?,
                    active: r.get(5)?,
                    public_key: r.get(6)?,
                    key_secret: r.get(7)?,
                    created_at: r.get(8)?,
                    updated_at: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let (recovery_public_key, recovery_key_secret, rekey_due) = conn.query_row(
            "SELECT recovery_public_key, recovery_key_secret, rekey_due FROM settings WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(Accounts { staff, recovery_public_key, recovery_key_secret, rekey_due })
    }

    /// Makes the restored copy's accounts these. A school staff account whose school is not in
    /// the backup is switched off (its school is not there to see). Returns how many accounts
    /// were switched off for that.
    fn apply(&self, conn: &Connection) -> Result<usize> {
        let ids: Vec<String> = self.staff.iter().map(|s| s.id.to_string()).collect();
        // Accounts the register does not have: switched off, with no key pair.
        conn.execute(
            &format!(
                "UPDATE staff SET active = 0, public_key = NULL, key_secret = NULL WHERE id NOT IN ({})",
                if ids.is_empty() { "NULL".to_string() } else { ids.join(",") }
            ),
            [],
        )?;
        let mut school_gone = 0;
        for s in &self.staff {
            let school_there = match s.school_id {
                Some(id) => {
                    conn.query_row("SELECT count(*) FROM schools WHERE id = ?1", [id], |r| r.get::<_, i64>(0))? > 0
                }
                None => true,
            };
            let (role, school_id, active) = if school_there {
                (s.role.as_str(), s.school_id, s.active)
            } else {
                school_gone += usize::from(s.active);
                ("reporting", None, false)
            };
            conn.execute(
                "INSERT INTO staff (id, username, name, role, school_id, active, public_key, key_secret, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name,
                   role = excluded.role, school_id = excluded.school_id, active = excluded.active,
                   public_key = excluded.public_key, key_secret = excluded.key_secret,
                   updated_at = excluded.updated_at",
                rusqlite::params![
                    s.id,
                    s.username,
                    s.name,
                    role,
                    school_id,
                    active,
                    s.public_key,
                    s.key_secret,
                    s.created_at,
                    s.updated_at
                ],
            )?;
        }
        conn.execute(
            "UPDATE settings SET recovery_public_key = ?1, recovery_key_secret = ?2, rekey_due = ?3 WHERE id = 1",
            rusqlite::params![self.recovery_public_key, self.recovery_key_secret, self.rekey_due],
        )?;
        Ok(school_gone)
    }
}

/// What a restore keeps of the register it replaces: its key (the restored copy is put under
/// it) and its accounts.
pub struct Keep<'a> {
    pub key: &'a [u8; 32],
    pub accounts: &'a Accounts,
}

/// Prepares the copy of the backup beside the register (`<database>.restoring`): migrations,
/// the register's accounts, and the register's key if the backup was made with another.
fn prepare_copy(incoming: &Path, backup_key: &[u8; 32], keep: &Keep<'_>) -> Result<usize> {
    let mut conn = db::open(incoming, backup_key)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let school_gone = keep.accounts.apply(&tx)?;
    tx.commit()?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    if backup_key[..] != keep.key[..] {
        let under = with_suffix(incoming, ".rekeyed");
        for p in with_companions(&under) {
            let _ = std::fs::remove_file(p);
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        drop(crate::files::create_private(&under)?);
        let target = under.to_string_lossy().replace('\'', "''");
        let exported = conn.execute_batch(&format!(
            "ATTACH DATABASE '{target}' AS rekeyed KEY {};
             SELECT sqlcipher_export('rekeyed');
             PRAGMA rekeyed.user_version = {version};
             DETACH DATABASE rekeyed;",
            vault::key_pragma(keep.key).as_str()
        ));
        conn.close().map_err(|(_, e)| Error::from(e))?;
        if let Err(e) = exported {
            let _ = std::fs::remove_file(&under);
            return Err(e.into());
        }
        for p in with_companions(incoming) {
            let _ = std::fs::remove_file(p);
        }
        std::fs::rename(&under, incoming)?;
    } else {
        conn.close().map_err(|(_, e)| Error::from(e))?;
    }
    crate::files::sync_file(incoming)?;
    Ok(school_gone)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `<database>.replaced-YYYYMMDD-HHMMSS` (with `-2`, ... if taken).
fn replaced_path(db_path: &Path) -> PathBuf {
    let stamp = Local::now().format("%Y%m%d-%H%M%S").to_string();
    let mut path = with_suffix(db_path, &format!(".replaced-{stamp}"));
    let mut n = 2;
    while path.exists() {
        path = with_suffix(db_path, &format!(".replaced-{stamp}-{n}"));
        n += 1;
    }
    path
}

/// A database file, its `-wal`/`-shm` and its audit anchors (which describe its own trail).
fn with_companions(path: &Path) -> [PathBuf; 4] {
    [path.to_path_buf(), with_suffix(path, "-wal"), with_suffix(path, "-shm"), with_suffix(path, ".anchors")]
}

/// Moves a database (and its `-wal`/`-shm`, if any) to `to`.
fn move_database(from: &Path, to: &Path) -> std::io::Result<()> {
    for (f, t) in with_companions(from).iter().zip(with_companions(to).iter()) {
        if f.exists() {
            std::fs::rename(f, t)?;
        }
    }
    crate::files::sync_dir(to);
    Ok(())
}

/// Finishes a restore the computer stopped in the middle of. Call holding the shared in-use lock
/// (so no restore is under way): a copy of the backup left beside the register
/// (`<database>.restoring`, written whole and synced before the register was moved aside) is put
/// in place if the register was already moved aside, and removed if it was not.
pub fn finish_interrupted_restore(db_path: &Path) {
    let incoming = with_suffix(db_path, ".restoring");
    if !incoming.exists() {
        return;
    }
    if db_path.exists() {
        let _ = std::fs::remove_file(&incoming);
    } else if std::fs::rename(&incoming, db_path).is_ok() {
        crate::files::sync_dir(db_path);
    }
}

/// Replaces the database file with the backup, keeping the replaced file aside. The database
/// is closed when this is called. `today` is the date of the restore (the kept file's name
/// carries the time it was replaced).
pub fn restore_files(vault: &VaultInfo, from: &Path, backup_key: &[u8; 32], accounts: &Accounts) -> Result<Value> {
    replace_database(&vault.db_path, from, backup_key, None, Some(&Keep { key: &vault.key, accounts }))
}

/// The work of a restore: the backup is copied beside the database and synced; the database
/// (and its key file, when `keys` gives a new one) moved aside; the copy renamed into place and
/// opened (migrations run). If anything fails, the old files are put back.
// Long: each step of a restore is undone in reverse if a later one fails; the steps and their
// undoing are kept side by side.
pub fn replace_database(
    db_path: &Path,
    from: &Path,
    backup_key: &[u8; 32],
    keys: Option<&Path>,
    keep: Option<&Keep<'_>>,
) -> Result<Value> {
    let incoming = with_suffix(db_path, ".restoring");
    for p in with_companions(&incoming) {
        let _ = std::fs::remove_file(p);
    }
    let copied = (|| -> std::io::Result<()> {
        std::fs::copy(from, &incoming)?;
        crate::files::make_private(&incoming)?;
        crate::files::sync_file(&incoming)
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&incoming);
        return Err(io_error("the backup could not be copied beside the database:", db_path, e));
    }
    let mut school_gone = 0;
    if let Some(keep) = keep {
        match prepare_copy(&incoming, backup_key, keep) {
            Ok(n) => school_gone = n,
            Err(e) => {
                for p in with_companions(&incoming) {
                    let _ = std::fs::remove_file(p);
                }
                return Err(Error::Conflict(format!(
                    "the backup could not be made ready ({e}), so nothing was replaced: try another backup"
                )));
            }
        }
    }
    let key = keep.map_or(backup_key, |k| k.key);
    let replaced = replaced_path(db_path);
    let had_db = db_path.exists();
    let db_keys = vault::keys_path(db_path);
    let had_keys = db_keys.exists();
    // Puts everything back as it was before the restore began.
    let undo = || {
        for p in with_companions(db_path) {
            let _ = std::fs::remove_file(p);
        }
        if had_db {
            let _ = move_database(&replaced, db_path);
        }
        if keys.is_some() {
            if had_keys {
                let _ = std::fs::rename(vault::keys_path(&replaced), &db_keys);
            } else {
                let _ = std::fs::remove_file(&db_keys);
            }
        } else {
            let _ = std::fs::remove_file(vault::keys_path(&replaced));
        }
        let _ = std::fs::remove_file(&incoming);
    };
    let moved = (|| -> Result<()> {
        if had_db {
            move_database(db_path, &replaced)
                .map_err(|e| io_error("the database could not be moved aside:", db_path, e))?;
        }
        if had_keys {
            match keys {
                // The kept database keeps its own key file beside it.
                Some(_) => std::fs::rename(&db_keys, vault::keys_path(&replaced)),
                None if had_db => std::fs::copy(&db_keys, vault::keys_path(&replaced)).map(|_| ()),
                None => Ok(()),
            }
            .map_err(|e| io_error("the key file could not be kept aside:", &db_keys, e))?;
        }
        if let Some(k) = keys {
            copy_synced(k, &db_keys)?;
        }
        std::fs::rename(&incoming, db_path)
            .map_err(|e| io_error("the backup could not be put in place:", db_path, e))?;
        crate::files::sync_dir(db_path);
        let conn = db::open(db_path, key)?;
        let ok = quick_check(&conn)?;
        if ok != "ok" {
            return Err(Error::Conflict(format!("the restored database did not check out ({ok})")));
        }
        conn.close().map_err(|(_, e)| Error::from(e))?;
        Ok(())
    })();
    if let Err(e) = moved {
        undo();
        return Err(match e {
            Error::Key { code, message, .. } => Error::Key { code, field: Some("path"), message },
            other => Error::Conflict(format!(
                "the backup could not be restored ({other}), so the database was put back as it was: try another backup"
            )),
        });
    }
    Ok(json!({
        "restored_from": from.to_string_lossy(),
        "replaced_kept_at": if had_db { Value::String(replaced.to_string_lossy().into_owned()) } else { Value::Null },
        "accounts_kept": keep.is_some(),
        "school_accounts_switched_off": school_gone,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_parse_and_sort_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "carers-desk-backup-20261123-140509.sqlite3",
            "carers-desk-backup-20261123-140509-2.sqlite3",
            "carers-desk-backup-20261122-235959.sqlite3",
            "carers-desk-backup-20261123-140509-10.sqlite3",
            "carers-desk-backup-20261123-140509.sqlite3.keys",
            "carers-desk-backup-20261123-140509-1.sqlite3",
            "carers-desk-backup-2026112-140509.sqlite3",
            "carers-desk-backup-20261399-140509.sqlite3",
            "carers-desk-backup-20261123-140510.sqlite3.partial",
            "other.sqlite3",
        ];
        for n in names {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        let found: Vec<String> = in_folder(dir.path()).unwrap().iter().map(|b| file_name(&b.path)).collect();
        assert_eq!(
            found,
            [
                "carers-desk-backup-20261123-140509-10.sqlite3",
                "carers-desk-backup-20261123-140509-2.sqlite3",
                "carers-desk-backup-20261123-140509.sqlite3",
                "carers-desk-backup-20261122-235959.sqlite3",
            ]
        );
        let b = BackupName::parse(Path::new("carers-desk-backup-20261123-140509.sqlite3")).unwrap();
        assert!(b.made_at().starts_with("2026-11-23T14:05:09"), "{}", b.made_at());
        assert!(in_folder(&dir.path().join("missing")).unwrap().is_empty());
        prune(dir.path(), 2, &crate::files::Protected::default()).unwrap();
        let left: Vec<String> = in_folder(dir.path()).unwrap().iter().map(|b| file_name(&b.path)).collect();
        assert_eq!(left.len(), 2);
        assert!(!dir.path().join("carers-desk-backup-20261123-140509.sqlite3.keys").exists());
        assert!(!dir.path().join("carers-desk-backup-20261123-140510.sqlite3.partial").exists());
        assert!(dir.path().join("other.sqlite3").exists());
        assert!(dir.path().join("carers-desk-backup-20261123-140509-1.sqlite3").exists());
    }

    #[test]
    fn the_local_date_of_a_stamp() {
        assert_eq!(local_date("2026-11-23T10:00:00"), NaiveDate::from_ymd_opt(2026, 11, 23));
        let t = Local::now();
        assert_eq!(local_date(&t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()), Some(t.date_naive()));
        assert_eq!(local_date("rubbish"), None);
    }

    #[test]
    fn a_backup_is_one_encrypted_file_that_checks_out_and_restores() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("desk.sqlite3");
        let key = vault::random_key();
        let conn = db::open(&db_path, &key).unwrap();
        std::fs::write(vault::keys_path(&db_path), b"{}").unwrap();
        let info = VaultInfo { db_path: db_path.clone(), keys_path: vault::keys_path(&db_path), key: key.clone() };
        conn.execute("INSERT INTO staff (username, name, role, created_at, updated_at) VALUES ('a', 'A', 'administrator', 'x', 'x')", []).unwrap();
        let folder = dir.path().join("backups");
        let tx = rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate).unwrap();
        let made = make(&tx, &info, &folder, 2).unwrap();
        tx.commit().unwrap();
        assert_eq!(made.counts.staff, 1);
        let path = PathBuf::from(&made.path);
        assert!(vault::keys_path(&path).exists());
        assert!(!with_suffix(&path, "-wal").exists());
        let header = std::fs::read(&path).unwrap();
        assert_ne!(&header[..16], b"SQLite format 3\0");
        let v = check_file(&path, &key);
        assert!(v.ok, "{v:?}");
        assert_eq!(v.schema_version, Some(db::schema_version() as i64));
        assert!(!check_file(&path, &vault::random_key()).ok);
        // Restore over a changed database: the old data comes back, the replaced file is kept.
        conn.execute("DELETE FROM staff", []).unwrap();
        let accounts = Accounts::read(&conn).unwrap();
        drop(conn);
        check_restorable(&info, &path, &key).unwrap();
        let out = restore_files(&info, &path, &key, &accounts).unwrap();
        let kept = PathBuf::from(out["replaced_kept_at"].as_str().unwrap());
        let back = db::open(&db_path, &key).unwrap();
        assert_eq!(back.query_row("SELECT count(*) FROM staff", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
        let old = vault::open_encrypted(&kept, &key).unwrap();
        assert_eq!(old.query_row("SELECT count(*) FROM staff", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    }
}
