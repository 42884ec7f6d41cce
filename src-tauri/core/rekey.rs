//! Changing the database key (re-keying) when an account is switched off or an administrator
//! resets its passphrase, or the recovery key is renewed (docs/security.md).
//!
//! Why: every account's passphrase opens the same database key. Removing an account's entry
//! from the key file is not enough: a copy of an older key file and the old passphrase would
//! still give the key, and with it the register. So the register is copied under a **new**
//! key, and the new key is sealed to the public key of every account that keeps access (and of
//! the recovery key): see [`crate::vault::Holder`]. The public keys are read from the encrypted
//! database, never from the key file.
//!
//! How, crash-safely (each step durable before the next):
//! 1. the new key, sealed to every holder, is written to the key file as a re-key under way
//!    ([`crate::vault::Rekey`]); the register is still under the old key;
//! 2. the register is copied under the new key (`sqlcipher_export`) to `<database>.rekeying`,
//!    checked (`quick_check`, every table's row count), and in the copy the re-key is marked
//!    done and audited;
//! 3. the register is closed (its write-ahead log checkpointed and emptied) and the copy renamed
//!    over it;
//! 4. the key file's re-key is made the current key ([`crate::vault::KeyFile::finish_rekey`]).
//!
//! A stop before step 3 leaves the register under the old key: the next sign-in drops the
//! half-made re-key and starts again (the database still says it is due). A stop after step 3
//! leaves the register under the new key: the next sign-in, whose account was given the new key
//! in step 1, opens it and finishes step 4.
//!
//! Why not `PRAGMA rekey`: it rewrites the pages of the live file in place while other
//! processes (a second window, a script, the organisation server) may have it open with the
//! old key; a process still writing with the old key after the rekey would mix pages under two
//! keys, and a write-ahead log written under one key would be replayed into a file under the
//! other. So nobody else may have the register open while its file is swapped: every process
//! holds a shared OS lock on `<database>.inuse` while it has the register open ([`InUse`]),
//! and the swap needs it exclusively. If another process has the register open, the re-key
//! waits (up to [`COMMAND_WAIT`]) and otherwise stays due, done at a later sign-in.
//!
//! Invariants: the register file is only ever replaced under the exclusive in-use lock; while
//! anyone is signed in no re-key is under way in the key file (a sign-in settles it first:
//! [`settle`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::vault::{self, AccountKey, KeyFile, KeyPair, Opened, Rekey};
use crate::{audit, db};

/// How long a command that needs a re-key waits for others to close the register.
pub const COMMAND_WAIT: Duration = Duration::from_secs(10);
/// How long signing in waits for a re-key or restore in another process to finish.
const SIGN_IN_WAIT: Duration = Duration::from_secs(120);

/// The in-use lock's file: `<database>.inuse`.
pub fn in_use_path(db: &Path) -> PathBuf {
    sibling(db, ".inuse")
}

/// The re-keyed copy while it is made: `<database>.rekeying`.
fn copy_path(db: &Path) -> PathBuf {
    sibling(db, ".rekeying")
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The gate's file: `<database>.inuse.gate` ([`InUse::try_exclusive`]).
fn gate_path(db: &Path) -> PathBuf {
    sibling(db, ".inuse.gate")
}

/// A shared OS lock on `<database>.inuse`, held by a process for as long as it has the
/// register open (released by the OS however the process ends). Replacing the register's file
/// (a re-key, a restore) needs it exclusively.
///
/// An OS lock cannot be turned from shared into exclusive in one step: it is let go and taken
/// again. While one process has let go of its shared lock to try for the exclusive one, a
/// second doing the same could be granted it, and replace the file under the first process's
/// open connection (whose writes would then be lost with the old file). So only the holder of
/// a second, exclusive lock (`<database>.inuse.gate`) may let go of its shared lock: everyone
/// else keeps theirs for as long as the register is open.
pub struct InUse {
    file: std::fs::File,
    gate: PathBuf,
}

/// Opens (creating, private) a lock file.
fn lock_file(path: &Path) -> Result<std::fs::File> {
    let fail = |e: std::io::Error| {
        Error::DatabaseLocation(format!(
            "the register's lock file {} could not be used ({e}): check you can write to the register's folder",
            path.display()
        ))
    };
    match crate::files::create_private(path) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::OpenOptions::new().read(true).write(true).open(path).map_err(fail)
        }
        Err(e) => Err(fail(e)),
    }
}

impl InUse {
    /// Takes the shared lock, waiting while another process replaces the register's file.
    pub fn shared(db: &Path) -> Result<InUse> {
        let path = in_use_path(db);
        let file = lock_file(&path)?;
        let started = Instant::now();
        loop {
            match file.try_lock_shared() {
                Ok(()) => return Ok(InUse { file, gate: gate_path(db) }),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < SIGN_IN_WAIT => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Conflict(
                        "the register is being re-keyed or restored by another Carers Desk on this computer: try again in a minute"
                            .into(),
                    ))
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::DatabaseLocation(format!(
                        "the register's lock file {} could not be used ({e}): check you can write to the register's folder",
                        path.display()
                    )))
                }
            }
        }
    }

    /// Trades the shared lock for the exclusive one, waiting up to `wait` for others to close
    /// the register: `Some` (hold it until the file is replaced, then
    /// [`InUse::back_to_shared`]) or `None` (still shared) when they did not. Only one process
    /// at a time tries (the gate, held by the returned [`Exclusive`]).
    pub fn try_exclusive(&self, wait: Duration) -> Option<Exclusive> {
        let started = Instant::now();
        let gate = lock_file(&self.gate).ok()?;
        loop {
            match gate.try_lock() {
                Ok(()) => break,
                Err(_) if started.elapsed() < wait => std::thread::sleep(Duration::from_millis(50)),
                Err(_) => return None,
            }
        }
        // Holding the gate, nobody else can take the exclusive lock while ours is let go.
        let _ = self.file.unlock();
        loop {
            match self.file.try_lock() {
                Ok(()) => return Some(Exclusive { _gate: gate }),
                Err(_) if started.elapsed() < wait => std::thread::sleep(Duration::from_millis(50)),
                Err(_) => {
                    // Only the gate's holder (us) can hold it exclusively: this does not wait.
                    let _ = self.file.lock_shared();
                    return None;
                }
            }
        }
    }

    /// Goes back to the shared lock after [`InUse::try_exclusive`], letting go of the gate.
    pub fn back_to_shared(&self, exclusive: Exclusive) {
        let _ = self.file.unlock();
        let _ = self.file.lock_shared();
        drop(exclusive);
    }
}

/// The exclusive in-use lock, held (with the gate) while the register's file is replaced.
pub struct Exclusive {
    _gate: std::fs::File,
}

/// What became of a re-key that was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was due.
    NotDue,
    /// The register is now under a new key.
    Done,
    /// Another process has the register open: it stays due.
    Busy,
    /// The recovery key was made by a version before key pairs, so the new key cannot be
    /// given to it: it waits until the recovery key is next used (which gives it a key pair).
    NeedsRecoveryKey,
}

/// After a passphrase (or the recovery key) opened `opened`, under the shared in-use lock:
/// finishes or drops a re-key left under way by a stop, and returns the key the register opens
/// with now. Nobody can be swapping the file while we hold the shared lock, so a re-key
/// under way whose new key does not open the register never got that far, and is dropped (the
/// database still says it is due, so it is made again).
pub fn settle(db: &Path, keys: &Path, file: &KeyFile, opened: &Opened) -> Result<vault::Key> {
    // A copy a stopped re-key left (nobody is making one while we hold the shared lock).
    let copy = copy_path(db);
    for p in [sibling(&copy, "-journal"), copy] {
        let _ = std::fs::remove_file(p);
    }
    if file.rekey.is_none() {
        return Ok(opened.key.clone());
    }
    if let Some(next) = &opened.next {
        if vault::open_encrypted(db, next).is_ok() {
            KeyFile::update(keys, |f| {
                f.finish_rekey();
                Ok(())
            })?;
            return Ok(next.clone());
        }
    }
    if vault::open_encrypted(db, &opened.key).is_ok() {
        KeyFile::update(keys, |f| {
            f.rekey = None;
            Ok(())
        })?;
        return Ok(opened.key.clone());
    }
    Err(Error::Key {
        code: "key_file",
        field: None,
        message: "the register's key was changed, and this account was not given the new key: ask an administrator to set a new passphrase for you".into(),
    })
}

/// A new key pair for an account, its secret wrapped under `passphrase` (Argon2id: slow, so
/// done before the change's transaction is committed, not after) and the current database key
/// sealed to it. Stores its public key and wrapped secret in the register (`conn`: the change's
/// transaction); the caller puts the entry in the key file once that has committed.
pub fn new_account_key(
    conn: &Connection,
    vault: &vault::VaultInfo,
    staff_id: i64,
    username: &str,
    passphrase: &str,
) -> Result<AccountKey> {
    let kdf = KeyFile::load(&vault.keys_path)?.kdf;
    let entry = AccountKey::with_pair(&vault.key, &KeyPair::generate(), staff_id, username, passphrase, kdf)?;
    store_account_key(conn, &entry)?;
    Ok(entry)
}

/// Writes an account's public key and wrapped secret to the register.
pub fn store_account_key(conn: &Connection, entry: &AccountKey) -> Result<()> {
    let Some(holder) = &entry.holder else { return Ok(()) };
    conn.execute(
        "UPDATE staff SET public_key = ?2, key_secret = ?3 WHERE id = ?1",
        rusqlite::params![entry.staff_id, holder.public_key, serde_json::to_string(&holder.secret).expect("JSON")],
    )?;
    Ok(())
}

/// Writes the recovery key's public key and wrapped secret to the register.
pub fn store_recovery_key(conn: &Connection, holder: &vault::Holder) -> Result<()> {
    conn.execute(
        "UPDATE settings SET recovery_public_key = ?1, recovery_key_secret = ?2 WHERE id = 1",
        rusqlite::params![holder.public_key, serde_json::to_string(&holder.secret).expect("JSON")],
    )?;
    Ok(())
}

/// What the register says the key file should hold ([`reconcile`]).
struct Wanted {
    /// Switched-on accounts with a key pair: id, username, public key, wrapped secret.
    on: Vec<(i64, String, String, vault::Wrapped)>,
    /// Switched-off accounts.
    off: Vec<i64>,
    /// The recovery key's public key and wrapped secret.
    recovery: Option<(String, vault::Wrapped)>,
}

fn wanted(conn: &Connection) -> Result<Wanted> {
    type Row = (i64, String, bool, Option<String>, Option<String>);
    let rows: Vec<Row> = {
        let mut stmt = conn.prepare("SELECT id, username, active, public_key, key_secret FROM staff")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let recovery: (Option<String>, Option<String>) =
        conn.query_row("SELECT recovery_public_key, recovery_key_secret FROM settings WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let secret = |json: &str| -> Result<vault::Wrapped> {
        serde_json::from_str(json).map_err(|_| Error::Conflict("a key stored in the register is damaged".into()))
    };
    let mut w = Wanted { on: Vec::new(), off: Vec::new(), recovery: None };
    for (id, username, active, public_key, key_secret) in rows {
        match (active, public_key, key_secret) {
            (false, _, _) => w.off.push(id),
            (true, Some(pk), Some(s)) => w.on.push((id, username, pk, secret(&s)?)),
            _ => {}
        }
    }
    if let (Some(pk), Some(s)) = recovery {
        w.recovery = Some((pk, secret(&s)?));
    }
    Ok(w)
}

impl Wanted {
    /// Whether `file` differs from what the register says.
    fn differs(&self, file: &KeyFile) -> bool {
        let same = |id: i64, pk: &str, s: &vault::Wrapped| {
            file.accounts
                .iter()
                .any(|a| a.staff_id == id && a.holder.as_ref().is_some_and(|h| h.public_key == pk && &h.secret == s))
        };
        self.on.iter().any(|(id, _, pk, s)| !same(*id, pk, s))
            || self.off.iter().any(|id| file.accounts.iter().any(|a| a.staff_id == *id))
            || self.recovery.as_ref().is_some_and(|(pk, s)| {
                file.recovery_holder.as_ref().is_none_or(|h| &h.public_key != pk || &h.secret != s)
            })
    }

    /// Makes `file` hold what the register says, sealing `key` to entries it adds.
    fn apply(self, file: &mut KeyFile, key: &[u8; 32]) -> Result<()> {
        for id in &self.off {
            file.remove_account(*id);
        }
        for (id, username, pk, s) in self.on {
            let current = file
                .accounts
                .iter()
                .any(|a| a.staff_id == id && a.holder.as_ref().is_some_and(|h| h.public_key == pk && h.secret == s));
            if !current {
                let sealed = vault::seal(key, &pk)?;
                let holder = vault::Holder { public_key: pk, secret: s, sealed };
                file.put_account(AccountKey { staff_id: id, username, wrapped: None, holder: Some(holder) });
            }
        }
        if let Some((pk, s)) = self.recovery {
            if file.recovery_holder.as_ref().is_none_or(|h| h.public_key != pk || h.secret != s) {
                let sealed = vault::seal(key, &pk)?;
                file.recovery_holder = Some(vault::Holder { public_key: pk, secret: s, sealed });
                file.recovery = None;
            }
        }
        Ok(())
    }
}

/// Puts the key file right from the register (signed in, under the shared in-use lock, with
/// the database key `key`): every switched-on account the register holds a key pair for has that
/// entry (its secret as wrapped by its passphrase, the key sealed to it), every switched-off
/// account none, and the recovery key its holder. So a key file change lost between a commit
/// and the key file write (a crash), or an entry edited into the key file, does not last.
/// Accounts from before key pairs keep the entry they have until they sign in.
///
/// The register is read again under the key file's lock before anything is written: a change
/// committed meanwhile by another process (a passphrase reset) has either had its entry written
/// already, and is read here too, or writes its entry after this, so an older entry read
/// before the lock never replaces a newer one.
pub fn reconcile(conn: &Connection, key: &[u8; 32], keys: &Path) -> Result<()> {
    if !wanted(conn)?.differs(&KeyFile::load(keys)?) {
        return Ok(());
    }
    KeyFile::update(keys, |f| wanted(conn)?.apply(f, key))
}

/// The register open in this process, for [`ensure`].
pub struct Open<'a> {
    pub conn: &'a mut Option<Connection>,
    pub vault: &'a mut vault::VaultInfo,
    pub in_use: &'a InUse,
    /// Who is signed in (the audit entry's actor).
    pub actor: audit::Entry,
}

/// Re-keys the register if it is due, waiting up to `wait` for other processes to close it.
/// See the module documentation.
pub fn ensure(open: Open<'_>, wait: Duration) -> Result<Outcome> {
    let conn = open.conn.as_ref().ok_or(Error::Locked)?;
    let Some(reason) = db::rekey_due(conn)? else { return Ok(Outcome::NotDue) };
    let recovery_public: Option<String> =
        conn.query_row("SELECT recovery_public_key FROM settings WHERE id = 1", [], |r| r.get(0))?;
    let Some(recovery_public) = recovery_public else { return Ok(Outcome::NeedsRecoveryKey) };
    let Some(exclusive) = open.in_use.try_exclusive(wait) else { return Ok(Outcome::Busy) };
    let db_path = open.vault.db_path.clone();
    let swapped = rekey_now(&open, &reason, &recovery_public).and_then(|next| {
        match swap(open.conn, &db_path) {
            Ok(()) => Ok(Some(next)),
            Err(e) => {
                // Not swapped: the register is as it was, under the old key.
                drop_copy(&db_path, &open.vault.keys_path);
                Err(e)
            }
        }
    });
    finish(open, exclusive, swapped)?;
    Ok(Outcome::Done)
}

/// Removes a copy that will not be used, and the re-key under way in the key file.
fn drop_copy(db_path: &Path, keys: &Path) {
    let copy = copy_path(db_path);
    for p in [copy.clone(), sibling(&copy, "-journal")] {
        let _ = std::fs::remove_file(p);
    }
    let _ = KeyFile::update(keys, |f| {
        f.rekey = None;
        Ok(())
    });
}

/// Step 4 and reopening, once [`rekey_now`] has swapped the file (or failed before it).
fn finish(open: Open<'_>, exclusive: Exclusive, swapped: Result<Option<vault::Key>>) -> Result<()> {
    let Open { conn, vault, in_use, .. } = open;
    let out = match swapped {
        Ok(Some(next)) => {
            // The register is under the new key from here on, whatever happens to the key file.
            let finished = KeyFile::update(&vault.keys_path, |f| {
                f.finish_rekey();
                Ok(())
            });
            vault.key = next;
            finished
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    if conn.is_none() {
        let reopened = db::open(&vault.db_path, &vault.key);
        in_use.back_to_shared(exclusive);
        *conn = Some(reopened?);
    } else {
        in_use.back_to_shared(exclusive);
    }
    if let Some(c) = conn.as_ref() {
        let _ = audit::record_anchor(c, &vault.db_path, "rekey");
    }
    out
}

/// Steps 1 and 2: returns the new key, the copy made under it. On an error the register is as
/// it was (still open, under the old key) and the half-made re-key is removed.
fn rekey_now(open: &Open<'_>, reason: &str, recovery_public: &str) -> Result<vault::Key> {
    let conn = open.conn.as_ref().ok_or(Error::Locked)?;
    let db_path = open.vault.db_path.clone();
    let copy = copy_path(&db_path);
    // The key file as the register says it should be, before the new key is sealed to it.
    reconcile(conn, &open.vault.key, &open.vault.keys_path)?;
    let next = vault::random_key();
    // Step 1: the new key for every account that keeps access, from the public keys in the
    // register (not the key file).
    let holders: Vec<(i64, Option<String>)> = {
        let mut stmt = conn.prepare("SELECT id, public_key FROM staff WHERE active = 1 ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut rekey = Rekey::default();
    for (id, public_key) in &holders {
        if let Some(pk) = public_key {
            rekey.accounts.insert(*id, vault::seal(&next, pk)?);
        }
    }
    rekey.recovery = Some(vault::seal(&next, recovery_public)?);
    KeyFile::update(&open.vault.keys_path, |f| {
        f.rekey = Some(rekey.clone());
        Ok(())
    })?;
    let made = (|| -> Result<()> {
        // Step 2.
        for p in [copy.clone(), sibling(&copy, "-journal"), sibling(&copy, "-wal"), sibling(&copy, "-shm")] {
            let _ = std::fs::remove_file(p);
        }
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let before = db::table_counts(conn)?;
        drop(crate::files::create_private(&copy)?);
        let target = copy.to_string_lossy().replace('\'', "''");
        conn.execute_batch(&format!(
            "ATTACH DATABASE '{target}' AS rekeyed KEY {};
             SELECT sqlcipher_export('rekeyed');
             PRAGMA rekeyed.user_version = {version};
             DETACH DATABASE rekeyed;",
            vault::key_pragma(&next).as_str()
        ))?;
        let mut c = vault::open_encrypted(&copy, &next)?;
        let ok: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if ok != "ok" || db::table_counts(&c)? != before {
            return Err(Error::Conflict(format!(
                "the copy under the new key did not match the register ({ok}), so the register was left as it was"
            )));
        }
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("UPDATE settings SET rekey_due = NULL WHERE id = 1", [])?;
        let left_out = holders.iter().filter(|(_, pk)| pk.is_none()).count();
        let detail = match left_out {
            0 => format!("new database key ({reason})"),
            n => format!("new database key ({reason}); {n} account(s) not given it need a new passphrase"),
        };
        let entry = audit::Entry {
            action: "rekey".into(),
            command: "rekey".into(),
            detail: Some(detail),
            record_type: None,
            record_id: None,
            ..open.actor.clone()
        };
        audit::append(&tx, &entry)?;
        tx.commit()?;
        c.close().map_err(|(_, e)| Error::from(e))?;
        // Through a handle that may write: Windows flushes only through such a handle.
        crate::files::sync_file(&copy)?;
        Ok(())
    })();
    if let Err(e) = made {
        drop_copy(&db_path, &open.vault.keys_path);
        return Err(e);
    }
    Ok(next)
}

/// Step 3: closes the register and renames the copy over it.
fn swap(conn: &mut Option<Connection>, db_path: &Path) -> Result<()> {
    if let Some(c) = conn.take() {
        let _ = c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        c.close().map_err(|(_, e)| Error::from(e))?;
    }
    // Empty after the checkpoint, and nobody else has the register open: a log left here would
    // be replayed into the new file, written under the other key.
    for p in [sibling(db_path, "-wal"), sibling(db_path, "-shm")] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    crate::files::rename_replacing(&copy_path(db_path), db_path)?;
    crate::files::sync_dir(db_path);
    Ok(())
}
