//! Signing in: setting up an organisation, unlocking, recovery, locking, passphrases
//! (docs/security.md). These commands are in the command table like every other
//! (`crate::commands`, access [`crate::context::Access::Session`] or, for restoring,
//! administrators only) and come through the same [`crate::Desk::call`]; they run outside a
//! transaction because they open and close the database themselves.
//!
//! States of a database file:
//! - **setup**: no key file yet. Either a new database, or an unencrypted one from an earlier
//!   version, which setup encrypts ([`encrypt_plaintext`]);
//! - **locked**: a key file and an encrypted database; nothing is in memory;
//! - **open**: someone signed in; the connection, the key and their [`Session`] are held.
//!
//! Encrypting or creating the database is crash-safe: the new file is written beside the
//! database (`.encrypting`), verified and closed; then the key file is written; then the file
//! is renamed into place and any old unencrypted file shredded. [`finish_interrupted`] completes
//! those last steps at the next start if the computer stopped in between.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rand::seq::IndexedRandom;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::args::NoArgs;
use crate::context::{Actor, Context, Role};
use crate::error::{Error, Result};
use crate::vault::{self, AccountKey, Kdf, Key, KeyFile, KeyPair, VaultInfo};
use crate::{audit, catalogue, db, integrity, rekey, staff};

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Session {
    pub staff_id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub school_id: Option<i64>,
    /// The computer this account signed in from, when it came through carers-desk-server
    /// (see [`Context::computer`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer: Option<String>,
}

impl Session {
    /// Who this account is, for "created by" and the audit trail.
    pub fn actor(&self) -> Actor {
        Actor { id: format!("staff:{}", self.staff_id), name: self.name.clone(), role: self.role }
    }

    /// The context every command runs with while this account is signed in.
    pub fn context(&self, today: NaiveDate) -> Context {
        Context { actor: self.actor(), today, school_scope: self.school_id, computer: self.computer.clone() }
    }
}

/// What is open right now: the state the desk keeps between commands.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) conn: Option<Connection>,
    pub(crate) vault: Option<VaultInfo>,
    pub(crate) session: Option<Session>,
    /// The shared in-use lock, held while `conn` is open ([`rekey::InUse`]).
    pub(crate) in_use: Option<rekey::InUse>,
    /// Setup begun (`session_setup_begin`): the new database key and recovery key, in memory
    /// until the administrator finishes.
    pub(crate) pending: Option<Pending>,
    /// Commands refused in this session, written to the trail without flooding it
    /// ([`audit::Refusals`]).
    pub(crate) refusals: audit::Refusals,
    /// Commands refused while nobody was signed in, written at the next sign-in.
    pub(crate) refused_while_locked: audit::Refusals,
    /// The computer the current call came from ([`Context::computer`]), for the session
    /// commands' audit entries.
    pub(crate) computer: Option<String>,
    /// Whether to check the register in the background each time someone signs in (the
    /// window and the server; a one-command script does not wait for it).
    pub(crate) check_on_sign_in: bool,
    /// The background check of the register opened ([`integrity::Background`]).
    pub(crate) check: Option<integrity::Background>,
    /// What the sign-in's own check found ([`integrity::lost_changes`]).
    pub(crate) findings: Vec<integrity::Finding>,
}

/// Setup begun: the keys wait in memory until the administrator has typed back the recovery
/// key.
pub(crate) struct Pending {
    key: Key,
    recovery: Zeroizing<String>,
    check: [usize; 2],
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupArgs {
    pub organisation: Option<String>,
    pub username: String,
    /// The administrator's name as shown on notes and in the audit trail.
    pub name: String,
    pub passphrase: String,
    pub passphrase_again: String,
    /// The recovery key's groups asked for by `session_setup_begin` (`check_groups`), by
    /// number: `{"3": "ABCD", "7": "WXYZ"}`.
    #[serde(default)]
    pub recovery_check: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlockArgs {
    pub username: String,
    pub passphrase: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverArgs {
    pub recovery_key: String,
    pub username: String,
    pub passphrase: String,
    pub passphrase_again: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeArgs {
    pub current: String,
    pub passphrase: String,
    pub passphrase_again: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreArgs {
    /// The backup file.
    pub path: PathBuf,
    /// The organisation's recovery key: needed only for a backup made before the database key
    /// was last changed (its own key file, beside it, gives its key to the recovery key).
    #[serde(default)]
    pub recovery_key: Option<String>,
}

/// What a session command works on: the desk's state between commands (it opens and closes
/// the database itself, so it runs outside any transaction). [`crate::Desk::call`] makes one
/// after finding the command in the table and checking its access.
pub(crate) struct Call<'a> {
    /// The database file; `None` for a database in memory, which has no sign-in.
    pub(crate) path: Option<&'a Path>,
    pub(crate) state: &'a mut State,
    pub(crate) today: NaiveDate,
}

impl Call<'_> {
    fn file(&self) -> Result<PathBuf> {
        self.path.map(Path::to_path_buf).ok_or_else(|| Error::Conflict("a database in memory has no sign-in".into()))
    }

    /// The state after a command: set up, locked or open, and who is signed in.
    fn status(&self) -> Result<Value> {
        status(&self.file()?, self.state)
    }
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// The username typed on the sign-in screen: `retry_after_seconds` is that account's wait
    /// (without it, the last account signed in's).
    #[serde(default)]
    pub username: Option<String>,
}

/// `session_status`.
pub(crate) fn status_command(call: &mut Call<'_>, args: StatusArgs) -> Result<Value> {
    match call.path {
        None => Ok(in_memory_status()),
        Some(path) => status_for(path, call.state, args.username.as_deref()),
    }
}

/// `session_setup_begin`.
pub(crate) fn setup_begin_command(call: &mut Call<'_>, _: NoArgs) -> Result<Value> {
    setup_begin(&call.file()?, call.state)
}

/// `session_setup_finish`.
pub(crate) fn setup_finish_command(call: &mut Call<'_>, args: SetupArgs) -> Result<Value> {
    setup_finish(&call.file()?, call.state, call.today, args)?;
    call.status()
}

/// `session_unlock`.
pub(crate) fn unlock_command(call: &mut Call<'_>, args: UnlockArgs) -> Result<Value> {
    unlock(&call.file()?, call.state, args)?;
    call.status()
}

/// `session_recover`.
pub(crate) fn recover_command(call: &mut Call<'_>, args: RecoverArgs) -> Result<Value> {
    recover(&call.file()?, call.state, args)?;
    call.status()
}

/// `session_lock`.
pub(crate) fn lock_command(call: &mut Call<'_>, _: NoArgs) -> Result<Value> {
    call.file()?;
    close(call.state, "lock")?;
    call.status()
}

/// `session_sign_out`.
pub(crate) fn sign_out_command(call: &mut Call<'_>, _: NoArgs) -> Result<Value> {
    call.file()?;
    close(call.state, "sign_out")?;
    call.status()
}

/// `passphrase_change`.
pub(crate) fn passphrase_change_command(call: &mut Call<'_>, args: ChangeArgs) -> Result<Value> {
    call.file()?;
    change_passphrase(call.state, args)?;
    Ok(json!({}))
}

/// `backup_restore` (only administrators: [`crate::Desk::call`] checks the access).
pub(crate) fn restore_command(call: &mut Call<'_>, args: RestoreArgs) -> Result<Value> {
    call.file()?;
    restore(call.state, &args.path, args.recovery_key.as_deref())
}

/// The wait before `username` (or, without one, the last account signed in) may try again.
fn retry_after_for(file: &KeyFile, username: Option<&str>) -> u64 {
    let now = vault::unix_now();
    let account = username.or(file.last_username.as_deref()).and_then(|u| file.account(u));
    match account {
        Some(a) => file.retry_after(&vault::account_label(a.staff_id), now),
        None => file.register_retry_after(now),
    }
}

fn in_memory_status() -> Value {
    json!({
        "state": "open", "legacy_plaintext": false, "demo": false, "demo_accounts": [],
        "retry_after_seconds": 0, "last_username": null, "user": null, "auto_lock_minutes": 10,
        "organisation": null, "key_renewal_due": null,
        "register_check": {"state": "not_checked", "findings": []},
    })
}

fn status(path: &Path, inner: &State) -> Result<Value> {
    status_for(path, inner, None)
}

fn status_for(path: &Path, inner: &State, username: Option<&str>) -> Result<Value> {
    let keys = vault::keys_path(path);
    let file = if keys.exists() { Some(KeyFile::load(&keys)?) } else { None };
    let mut key_renewal_due = Value::Null;
    let (state, user, auto_lock, organisation) = match (&inner.session, &inner.conn) {
        (Some(s), Some(conn)) => {
            key_renewal_due = db::rekey_due(conn)?.map(Value::String).unwrap_or(Value::Null);
            let (minutes, organisation): (i64, Option<String>) =
                conn.query_row("SELECT auto_lock_minutes, organisation_name FROM settings WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let school_name: Option<String> = match s.school_id {
                Some(id) => conn.query_row("SELECT name FROM schools WHERE id = ?1", [id], |r| r.get(0)).optional()?,
                None => None,
            };
            let user = json!({
                "staff_id": s.staff_id, "username": s.username, "name": s.name, "role": s.role,
                "role_label": s.role.label(), "school_id": s.school_id, "school_name": school_name,
            });
            ("open", user, minutes, organisation)
        }
        _ if file.is_some() => ("locked", Value::Null, 10, None),
        _ => ("setup", Value::Null, 10, None),
    };
    let demo_accounts = file.as_ref().map(|f| f.demo_accounts.clone()).unwrap_or_default();
    Ok(json!({
        "state": state,
        "legacy_plaintext": state == "setup" && path.exists(),
        "demo": !demo_accounts.is_empty(),
        "demo_accounts": demo_accounts,
        "retry_after_seconds": file.as_ref().map_or(0, |f| retry_after_for(f, username)),
        "last_username": file.as_ref().and_then(|f| f.last_username.clone()),
        "user": user,
        "auto_lock_minutes": auto_lock,
        "organisation": organisation,
        "key_renewal_due": key_renewal_due,
        "register_check": register_check(inner),
    }))
}

/// How the checks of the register opened stand ([`integrity::Status`]).
fn register_check(inner: &State) -> Value {
    let status = match (&inner.check, &inner.session) {
        (_, None) => integrity::Status { state: "not_checked", findings: Vec::new() },
        (Some(check), Some(_)) => check.status(),
        (None, Some(_)) => integrity::Status {
            state: if inner.findings.is_empty() { "not_checked" } else { "problems" },
            findings: inner.findings.clone(),
        },
    };
    serde_json::to_value(status).unwrap_or(Value::Null)
}

/// Starts the background check of the register just opened, if this desk checks on sign-in.
fn start_check(inner: &mut State) {
    if let Some(mut old) = inner.check.take() {
        old.stop();
    }
    let (Some(vault), Some(session)) = (inner.vault.as_ref(), inner.session.as_ref()) else { return };
    if !inner.check_on_sign_in {
        return;
    }
    let entry = session_entry(session, "check", "register_check", None);
    inner.check = Some(integrity::Background::start(&vault.db_path, &vault.key, inner.findings.clone(), entry));
}

/// Stops the background check (the register is about to be closed or replaced); whether one
/// was running.
fn stop_check(inner: &mut State) -> bool {
    match inner.check.take() {
        Some(mut check) => {
            check.stop();
            true
        }
        None => false,
    }
}

/// Waits for the background check of the register (tests and benchmarks).
pub(crate) fn wait_for_check(inner: &mut State) -> Option<integrity::Status> {
    inner.check.as_mut().map(integrity::Background::wait)
}

fn setup_begin(path: &Path, inner: &mut State) -> Result<Value> {
    if vault::keys_path(path).exists() {
        return Err(Error::Conflict("this database is already set up: sign in instead".into()));
    }
    let recovery = vault::new_recovery_key();
    let mut groups: Vec<usize> = (1..=8).collect::<Vec<_>>().choose_multiple(&mut rand::rng(), 2).copied().collect();
    groups.sort_unstable();
    let check = [groups[0], groups[1]];
    let out = json!({ "recovery_key": recovery.as_str(), "check_groups": check });
    inner.pending = Some(Pending { key: vault::random_key(), recovery, check });
    Ok(out)
}

fn encrypting_path(path: &Path) -> PathBuf {
    sibling(path, ".encrypting")
}

fn plaintext_old_path(path: &Path) -> PathBuf {
    sibling(path, ".plaintext-old")
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The SQLite companion files of a database: `-wal` and `-shm`.
fn companions(path: &Path) -> [PathBuf; 2] {
    [sibling(path, "-wal"), sibling(path, "-shm")]
}

fn remove_with_companions(path: &Path) -> Result<()> {
    for p in std::iter::once(path.to_path_buf()).chain(companions(path)) {
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

/// Completes an encryption or setup the computer stopped in the middle of (see the module
/// documentation), and shreds an old unencrypted file once the encrypted one is in place.
pub fn finish_interrupted(path: &Path) -> Result<()> {
    let keys = vault::keys_path(path);
    let tmp = encrypting_path(path);
    let old = plaintext_old_path(path);
    if !keys.exists() {
        // Setup never finished: the half-made file is of no use.
        if tmp.exists() {
            remove_with_companions(&tmp)?;
        }
        return Ok(());
    }
    if tmp.exists() {
        if path.exists() {
            // The unencrypted database being replaced: its companions hold no data after the
            // checkpoint, but must not sit beside the new file.
            for c in companions(path) {
                vault::shred(&c)?;
            }
            std::fs::rename(path, &old)?;
        }
        std::fs::rename(&tmp, path)?;
        crate::files::sync_dir(path);
    }
    if old.exists() && path.exists() {
        vault::shred(&old)?;
        for c in companions(&old) {
            vault::shred(&c)?;
        }
    }
    Ok(())
}

/// Copies an unencrypted database into a new encrypted file (SQLCipher's `sqlcipher_export`),
/// keeping its schema version, and checks the copy: it opens with the key, passes
/// `quick_check`, and every table has the same number of rows.
pub fn encrypt_plaintext(plain: &Path, encrypted: &Path, key: &[u8; 32]) -> Result<()> {
    let conn = Connection::open(plain)?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let before = db::table_counts(&conn)?;
    let target = encrypted.to_string_lossy().replace('\'', "''");
    conn.execute_batch(&format!(
        "ATTACH DATABASE '{target}' AS encrypted KEY {};
         SELECT sqlcipher_export('encrypted');
         PRAGMA encrypted.user_version = {version};
         DETACH DATABASE encrypted;",
        vault::key_pragma(key).as_str()
    ))?;
    drop(conn);
    let copy = vault::open_encrypted(encrypted, key)?;
    let ok: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    let after = db::table_counts(&copy)?;
    let copied_version: i64 = copy.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if ok != "ok" || after != before || copied_version != version {
        return Err(Error::DatabaseLocation(
            "the encrypted copy of the database did not match the original, so the original was left as it was: try again, and if it keeps happening report it"
                .into(),
        ));
    }
    Ok(())
}

/// An account to create at setup.
pub(crate) struct NewAdmin<'a> {
    pub organisation: Option<&'a str>,
    pub username: &'a str,
    pub name: &'a str,
    pub passphrase: &'a str,
}

fn setup_finish(path: &Path, inner: &mut State, _today: NaiveDate, args: SetupArgs) -> Result<()> {
    if vault::keys_path(path).exists() {
        return Err(Error::Conflict("this database is already set up: sign in instead".into()));
    }
    let mut check = crate::validate::Check::new("");
    staff::check_username(&mut check, "username", &args.username);
    if args.name.trim().is_empty() {
        check.fail("name", "enter your name as colleagues know it");
    }
    staff::check_passphrase(&mut check, &args.passphrase, &args.passphrase_again, &args.username);
    match &inner.pending {
        None => check.fail("recovery_check", "the recovery key was not made yet: go back a step and start again"),
        Some(p) => {
            for g in p.check {
                let typed = args.recovery_check.get(&g.to_string()).map(|t| vault::normalise_recovery(t));
                let want = vault::recovery_group(&p.recovery, g).map(|w| vault::normalise_recovery(&w));
                if typed.is_none() || typed != want {
                    check.fail(
                        "recovery_check",
                        format!(
                            "group {g} does not match the recovery key: check what you wrote down and type it again"
                        ),
                    );
                    break;
                }
            }
        }
    }
    check.finish()?;
    let pending = inner.pending.take().expect("checked above");
    let admin = NewAdmin {
        organisation: args.organisation.as_deref(),
        username: args.username.trim(),
        name: args.name.trim(),
        passphrase: &args.passphrase,
    };
    create(path, inner, &pending.key, &pending.recovery, &admin, Vec::new())
}

/// Creates (or encrypts) the database with its first administrator and key file, and signs
/// them in.
pub(crate) fn create(
    path: &Path,
    inner: &mut State,
    key: &Key,
    recovery: &str,
    admin: &NewAdmin<'_>,
    demo_accounts: Vec<vault::DemoAccount>,
) -> Result<()> {
    let tmp = encrypting_path(path);
    remove_with_companions(&tmp)?;
    if path.exists() {
        encrypt_plaintext(path, &tmp, key)?;
    }
    // The key pairs are kept in the register too (public key, secret as wrapped): see `rekey`.
    let mut file = KeyFile::new(key, recovery, Kdf::STANDARD)?;
    let admin_pair = KeyPair::generate();
    let (session, admin_entry) = {
        let mut conn = open_database(&tmp, key)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now = now();
        tx.execute(
            "INSERT INTO staff (username, name, role, created_at, updated_at) VALUES (?1, ?2, 'administrator', ?3, ?3)",
            params![admin.username, admin.name, now],
        )?;
        let staff_id = tx.last_insert_rowid();
        let entry = AccountKey::with_pair(key, &admin_pair, staff_id, admin.username, admin.passphrase, file.kdf)?;
        rekey::store_account_key(&tx, &entry)?;
        if let Some(holder) = &file.recovery_holder {
            rekey::store_recovery_key(&tx, holder)?;
        }
        if let Some(org) = admin.organisation.map(str::trim).filter(|o| !o.is_empty()) {
            tx.execute("UPDATE settings SET organisation_name = ?1 WHERE id = 1", [org])?;
        }
        let session = Session {
            staff_id,
            username: admin.username.into(),
            name: admin.name.into(),
            role: Role::Administrator,
            school_id: None,
            computer: None,
        };
        let detail = if path.exists() { "encrypted the existing database" } else { "new database" };
        audit::append(&tx, &session_entry(&session, "setup", "session_setup_finish", Some(detail)))?;
        tx.commit()?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        (session, entry)
    };
    file.put_account(admin_entry);
    file.last_username = Some(admin.username.to_string());
    file.demo_accounts = demo_accounts;
    file.save(&vault::keys_path(path))?;
    finish_interrupted(path)?;
    let in_use = rekey::InUse::shared(path)?;
    open_as(path, inner, key, session, in_use)
}

fn now() -> String {
    crate::context::clock()
}

fn session_entry(s: &Session, action: &str, command: &str, detail: Option<&str>) -> audit::Entry {
    audit::Entry {
        computer: s.computer.clone(),
        ..audit::session_entry(s.staff_id, &s.name, s.role, action, command, detail)
    }
}

fn log(conn: &mut Connection, s: &Session, action: &str, command: &str, detail: Option<&str>) -> Result<()> {
    audit::record_session(conn, &session_entry(s, action, command, detail))
}

/// Opens the database file for use: [`db::open`] (pragmas, migrations) with the shipped
/// support catalogue filled in the first time ([`catalogue::seed`]).
fn open_database(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    db::open_filled(path, key, catalogue::seed)
}

/// Opens the register as `session`, holding the shared in-use lock ([`rekey::InUse`]) for as
/// long as it is open.
fn open_as(path: &Path, inner: &mut State, key: &Key, session: Session, in_use: rekey::InUse) -> Result<()> {
    let conn = open_database(path, key)?;
    inner.vault = Some(VaultInfo { db_path: path.to_path_buf(), keys_path: vault::keys_path(path), key: key.clone() });
    inner.conn = Some(conn);
    inner.session = Some(session);
    inner.in_use = Some(in_use);
    inner.pending = None;
    Ok(())
}

/// Changes the database key if it is due ([`rekey::ensure`]), waiting up to `wait` for other
/// processes to close the register.
pub(crate) fn rekey_if_due(inner: &mut State, wait: std::time::Duration) -> Result<rekey::Outcome> {
    let due = match inner.conn.as_ref() {
        Some(conn) => db::rekey_due(conn)?.is_some(),
        None => false,
    };
    if !due {
        return Ok(rekey::Outcome::NotDue);
    }
    // The check's own connection must not hold the file while it is replaced.
    let checking = stop_check(inner);
    let outcome = rekey_now(inner, wait);
    if checking {
        start_check(inner);
    }
    outcome
}

fn rekey_now(inner: &mut State, wait: std::time::Duration) -> Result<rekey::Outcome> {
    let State { conn, vault, session, in_use, .. } = inner;
    let (Some(vault), Some(session), Some(in_use)) = (vault.as_mut(), session.as_ref(), in_use.as_ref()) else {
        return Ok(rekey::Outcome::NotDue);
    };
    let actor = session_entry(session, "rekey", "rekey", None);
    rekey::ensure(rekey::Open { conn, vault, in_use, actor }, wait)
}

/// The account's row, if it exists and is switched on.
fn load_staff(conn: &Connection, by: StaffBy<'_>) -> Result<Option<(Session, bool)>> {
    let (sql, value): (&str, rusqlite::types::Value) = match by {
        StaffBy::Id(id) => ("id = ?1", id.into()),
        StaffBy::Username(u) => ("username = ?1", u.trim().to_string().into()),
    };
    conn.query_row(
        &format!("SELECT id, username, name, role, school_id, active FROM staff WHERE {sql}"),
        [value],
        |r| {
            let role: String = r.get(3)?;
            Ok((
                Session {
                    staff_id: r.get(0)?,
                    username: r.get(1)?,
                    name: r.get(2)?,
                    role: Role::parse("role", &role).unwrap_or(Role::Reporting),
                    school_id: r.get(4)?,
                    computer: None,
                },
                r.get::<_, bool>(5)?,
            ))
        },
    )
    .optional()
    .map_err(Error::from)
}

enum StaffBy<'a> {
    Id(i64),
    Username(&'a str),
}

fn switched_off() -> Error {
    Error::NotPermitted("this account is switched off: ask an administrator to switch it on".into())
}

/// Writes, in the register just opened, what was refused while it was closed: wrong
/// passphrases for other accounts and wrong recovery keys not yet in its trail (one entry for
/// each account, however many tries), and commands sent while nobody was signed in. Best
/// effort: the sign-in has succeeded.
fn record_refused_sign_ins(conn: &mut Connection, locked: &mut audit::Refusals, tries: Vec<vault::Unrecorded>) {
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    let entries: Vec<audit::Entry> = tries
        .into_iter()
        .map(|t| {
            let staff_id = t.who.strip_prefix("staff:").and_then(|id| id.parse::<i64>().ok());
            let (what, command) = match staff_id {
                Some(_) => ("wrong passphrase", "session_unlock"),
                None => ("wrong recovery key", "session_recover"),
            };
            let mut detail = Vec::new();
            if t.wrong > 0 {
                let when = t
                    .last_at
                    .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                    .map(|t| format!(", the last at {}", t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M")))
                    .unwrap_or_default();
                detail.push(format!("{} {what}{}{when}", t.wrong, plural(t.wrong)));
            }
            if t.while_waiting > 0 {
                detail.push(format!(
                    "{} tr{} while it had to wait (not checked)",
                    t.while_waiting,
                    if t.while_waiting == 1 { "y" } else { "ies" }
                ));
            }
            audit::Entry {
                record_type: staff_id.map(|_| "staff".to_string()),
                record_id: staff_id,
                detail: Some(format!("refused: {}", detail.join("; "))),
                ..audit::refusal_entry(None, command, None, audit::Refusal::NotPermitted)
            }
        })
        .collect();
    if !entries.is_empty() {
        let written = (|| -> Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for e in &entries {
                audit::append(&tx, e)?;
            }
            tx.commit()?;
            Ok(())
        })();
        let _ = written;
    }
    let _ = audit::record_refused_while_locked(conn, locked);
}

/// Records a wrong passphrase or recovery key for `who` in the key file (the sign-in delay),
/// under the key file's lock so a change made meanwhile by another process is kept, and tries
/// made at once from several places all count. Returns the wait it starts.
fn count_failure(keys: &Path, who: &str) -> Result<u64> {
    KeyFile::update(keys, |file| Ok(file.count_failure(who, vault::unix_now())))
}

/// Refuses a try at `who` (an account or the recovery key) while it must wait; the error is
/// on `field`. The try is not checked and does not lengthen the wait, but is counted for the
/// audit trail ([`KeyFile::waited`]).
fn refuse_while_waiting(keys: &Path, file: &KeyFile, who: &str, field: &'static str) -> Result<()> {
    let now = vault::unix_now();
    let wait = file.retry_after(who, now);
    if wait == 0 {
        return Ok(());
    }
    KeyFile::update(keys, |f| {
        f.count_waiting_try(who);
        Ok(())
    })?;
    let seconds = format!("{wait} second{}", if wait == 1 { "" } else { "s" });
    let message = if who == vault::RECOVERY_LABEL {
        format!("too many wrong recovery keys: wait {seconds}, then try again")
    } else if file.register_retry_after(now) == wait {
        format!(
            "too many wrong passphrases on this register, for several accounts: wait {seconds}, then try again; if this was not your colleagues, tell your administrator"
        )
    } else {
        format!(
            "too many wrong passphrases for this account: wait {seconds}, then try again (a forgotten passphrase can be reset with the organisation's recovery key)"
        )
    };
    Err(Error::Key { code: "wait", field: Some(field), message })
}

pub(crate) fn unlock(path: &Path, inner: &mut State, args: UnlockArgs) -> Result<()> {
    let keys = vault::keys_path(path);
    if !keys.exists() {
        return Err(Error::Conflict("this database is not set up yet: set it up first".into()));
    }
    if inner.session.is_some() {
        close(inner, "lock")?;
    }
    // Nobody replaces the register's file (a re-key, a restore) while we read the key file
    // and open it.
    let in_use = rekey::InUse::shared(path)?;
    crate::backup::finish_interrupted_restore(path);
    // Read without the key file's lock: the slow Argon2id derivation below must not hold up
    // others. What is written afterwards is written under the lock, to the file as it is by then.
    let file = KeyFile::load(&keys)?;
    let Some(account) = file.account(&args.username).cloned() else {
        let message = match args.username.trim() {
            "" => "enter your username".to_string(),
            u if file.left_out.iter().any(|l| l.eq_ignore_ascii_case(u)) => format!(
                "the register's key was changed when '{u}' had not signed in since this version of Carers Desk was installed, so this account could not be given the new key: ask an administrator to set you a new passphrase (Settings, Staff accounts)"
            ),
            u => format!(
                "there is no account called '{u}' on this computer: check the spelling, or ask an administrator"
            ),
        };
        return Err(Error::field("username", message));
    };
    let who = vault::account_label(account.staff_id);
    refuse_while_waiting(&keys, &file, &who, "passphrase")?;
    let Some(opened) = file.open_account(&account, &args.passphrase)? else {
        let wait = count_failure(&keys, &who)?;
        let then = if wait > 0 { format!("; wait {wait} seconds before the next try") } else { String::new() };
        return Err(Error::Key {
            code: "wrong_passphrase",
            field: Some("passphrase"),
            message: format!("wrong passphrase: check Caps Lock and try again{then}"),
        });
    };
    let key = rekey::settle(path, &keys, &file, &opened)?;
    let mut conn = open_database(path, &key)?;
    let Some((mut session, active)) = load_staff(&conn, StaffBy::Id(account.staff_id))? else {
        return Err(Error::NotPermitted("this account no longer exists: ask an administrator".into()));
    };
    if !active {
        return Err(switched_off());
    }
    session.computer = inner.computer.clone();
    // An account from before key pairs gets one now (its passphrase is at hand); then the key
    // file is put right from the register (`rekey::reconcile`).
    let stored: bool =
        conn.query_row("SELECT key_secret IS NOT NULL FROM staff WHERE id = ?1", [session.staff_id], |r| r.get(0))?;
    if !stored {
        let pair = opened.pair.unwrap_or_else(KeyPair::generate);
        let entry =
            AccountKey::with_pair(&key, &pair, session.staff_id, &session.username, &args.passphrase, file.kdf)?;
        rekey::store_account_key(&conn, &entry)?;
    }
    rekey::reconcile(&conn, &key, &keys)?;
    // Before this sign-in writes to the trail: were the register's last changes lost?
    let lost = integrity::lost_changes(&conn, path).unwrap_or(None);
    let (failures, elsewhere) = KeyFile::update(&keys, |file| {
        file.last_username = Some(session.username.clone());
        let mine = file.clear_failures(&who);
        Ok((mine, file.take_unrecorded()))
    })?;
    let detail =
        (failures > 0).then(|| format!("after {failures} wrong passphrase{}", if failures == 1 { "" } else { "s" }));
    record_refused_sign_ins(&mut conn, &mut inner.refused_while_locked, elsewhere);
    log(&mut conn, &session, "sign_in", "session_unlock", detail.as_deref())?;
    record_lost_changes(&mut conn, &session, &lost);
    drop(conn);
    open_as(path, inner, &key, session, in_use)?;
    inner.findings = lost.into_iter().collect();
    // A re-key left due (another process had the register open) is done now if nobody has.
    let _ = rekey_if_due(inner, std::time::Duration::ZERO);
    start_check(inner);
    Ok(())
}

fn recover(path: &Path, inner: &mut State, args: RecoverArgs) -> Result<()> {
    let keys = vault::keys_path(path);
    let in_use = rekey::InUse::shared(path)?;
    crate::backup::finish_interrupted_restore(path);
    let file = KeyFile::load(&keys)?;
    refuse_while_waiting(&keys, &file, vault::RECOVERY_LABEL, "recovery_key")?;
    let mut check = crate::validate::Check::new("");
    staff::check_username(&mut check, "username", &args.username);
    staff::check_passphrase(&mut check, &args.passphrase, &args.passphrase_again, &args.username);
    check.finish()?;
    let Some(opened) = file.open_recovery(&args.recovery_key)? else {
        count_failure(&keys, vault::RECOVERY_LABEL)?;
        return Err(Error::Key {
            code: "wrong_recovery_key",
            field: Some("recovery_key"),
            message: "that is not this organisation's recovery key: check each group of four and try again".into(),
        });
    };
    let key = rekey::settle(path, &keys, &file, &opened)?;
    if inner.session.is_some() {
        close(inner, "lock")?;
    }
    let mut conn = open_database(path, &key)?;
    let Some((mut session, active)) = load_staff(&conn, StaffBy::Username(&args.username))? else {
        return Err(Error::field(
            "username",
            format!("there is no account called '{}': check the spelling", args.username.trim()),
        ));
    };
    if !active {
        return Err(switched_off());
    }
    session.computer = inner.computer.clone();
    // The account gets a new key pair under its new passphrase; a recovery key from before key
    // pairs gets one now (typed right, it is at hand). Both are kept in the register first.
    let entry = AccountKey::with_pair(
        &key,
        &KeyPair::generate(),
        session.staff_id,
        &session.username,
        &args.passphrase,
        file.kdf,
    )?;
    rekey::store_account_key(&conn, &entry)?;
    if file.recovery_holder.is_none() {
        let holder = vault::Holder::new(
            &key,
            &KeyPair::generate(),
            vault::normalise_recovery(&args.recovery_key).as_bytes(),
            file.kdf.for_new(),
            vault::RECOVERY_LABEL,
        )?;
        rekey::store_recovery_key(&conn, &holder)?;
    }
    rekey::reconcile(&conn, &key, &keys)?;
    let lost = integrity::lost_changes(&conn, path).unwrap_or(None);
    let elsewhere = KeyFile::update(&keys, |file| {
        file.clear_failures(vault::RECOVERY_LABEL);
        file.clear_failures(&vault::account_label(session.staff_id));
        file.last_username = Some(session.username.clone());
        Ok(file.take_unrecorded())
    })?;
    record_refused_sign_ins(&mut conn, &mut inner.refused_while_locked, elsewhere);
    log(&mut conn, &session, "recover", "session_recover", Some("new passphrase set with the recovery key"))?;
    record_lost_changes(&mut conn, &session, &lost);
    drop(conn);
    open_as(path, inner, &key, session, in_use)?;
    inner.findings = lost.into_iter().collect();
    let _ = rekey_if_due(inner, std::time::Duration::ZERO);
    start_check(inner);
    Ok(())
}

/// Writes what the sign-in's check found to the trail (best effort: the sign-in has succeeded,
/// and the window shows it).
fn record_lost_changes(conn: &mut Connection, session: &Session, lost: &Option<integrity::Finding>) {
    if let Some(found) = lost {
        let _ = log(conn, session, "check", "register_check", Some(&format!("register check: {}", found.message)));
    }
}

/// Locks or signs out: writes the audit entry, then closes the database and drops the key.
fn close(inner: &mut State, action: &str) -> Result<()> {
    stop_check(inner);
    inner.findings.clear();
    if let (Some(conn), Some(session)) = (inner.conn.as_mut(), inner.session.as_ref()) {
        let actor = session.actor();
        // Best effort: a refusal count that cannot be written does not keep anyone signed in.
        let _ = audit::record_repeated_refusals(conn, &mut inner.refusals, Some(&actor));
        let command = if action == "lock" { "session_lock" } else { "session_sign_out" };
        log(conn, session, action, command, None)?;
    }
    inner.refusals = audit::Refusals::default();
    if let Some(conn) = inner.conn.take() {
        // Everything committed moves into the database file and the log is emptied; closing
        // the last connection then removes it. A failure (another process reading) leaves
        // it for next time: nothing in it is lost.
        let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        let _ = conn.close();
    }
    inner.in_use = None;
    inner.vault = None;
    inner.session = None;
    Ok(())
}

/// [`crate::Desk::close`]: signs out if someone is signed in, checkpoints and closes.
pub(crate) fn close_for_exit(inner: &mut State) -> Result<()> {
    close(inner, "sign_out")
}

fn open_parts(inner: &mut State) -> Result<(&mut Connection, &VaultInfo, &Session)> {
    match (inner.conn.as_mut(), inner.vault.as_ref(), inner.session.as_ref()) {
        (Some(c), Some(v), Some(s)) => Ok((c, v, s)),
        _ => Err(Error::Locked),
    }
}

fn change_passphrase(inner: &mut State, args: ChangeArgs) -> Result<()> {
    let (conn, vault, session) = open_parts(inner)?;
    let file = KeyFile::load(&vault.keys_path)?;
    let mut check = crate::validate::Check::new("");
    staff::check_passphrase(&mut check, &args.passphrase, &args.passphrase_again, &session.username);
    check.finish()?;
    let current_ok = match file.accounts.iter().find(|a| a.staff_id == session.staff_id).cloned() {
        Some(account) => file.unlock(&account, &args.current)?.is_some(),
        None => false,
    };
    if !current_ok {
        return Err(Error::Key {
            code: "wrong_passphrase",
            field: Some("current"),
            message: "your current passphrase is not right: type it again".into(),
        });
    }
    // A new key pair under the new passphrase: an old copy of the key file and the old
    // passphrase give a secret key that no later database key is sealed to. The register
    // first: if the key file cannot be written, the next sign-in puts it right.
    let entry = AccountKey::with_pair(
        &vault.key,
        &KeyPair::generate(),
        session.staff_id,
        &session.username,
        &args.passphrase,
        file.kdf,
    )?;
    rekey::store_account_key(conn, &entry)?;
    KeyFile::update(&vault.keys_path, |file| {
        file.put_account(entry);
        Ok(())
    })?;
    let session = session.clone();
    log(conn, &session, "passphrase", "passphrase_change", None)
}

fn restore(inner: &mut State, from: &Path, recovery_key: Option<&str>) -> Result<Value> {
    let (conn, vault, session) = open_parts(inner)?;
    let vault = vault.clone();
    let session = session.clone();
    // Who may sign in afterwards is decided by the register as it is now, not by the backup.
    let accounts = crate::backup::Accounts::read(conn)?;
    // Checked before anything changes: the backup must open (with this key, or the recovery
    // key for one made before the key was changed) and be sound.
    let backup_key = crate::backup::backup_key(&vault, from, recovery_key)?;
    crate::backup::check_restorable(&vault, from, &backup_key)?;
    // Nobody else may have the register open while its file is replaced.
    let in_use = inner.in_use.take().ok_or(Error::Locked)?;
    let Some(exclusive) = in_use.try_exclusive(rekey::COMMAND_WAIT) else {
        inner.in_use = Some(in_use);
        return Err(Error::Conflict(
            "someone else has this register open (another Carers Desk window or a script): ask them to close it, then restore again"
                .into(),
        ));
    };
    let conn = inner.conn.as_mut().ok_or(Error::Locked)?;
    log(conn, &session, "restore", "backup_restore", Some(&format!("restoring {}", from.display())))?;
    close(inner, "sign_out")?;
    let restored = crate::backup::restore_files(&vault, from, &backup_key, &accounts)?;
    // The restored database's own trail says it was restored, and by whom.
    let mut conn = open_database(&vault.db_path, &vault.key)?;
    log(&mut conn, &session, "restore", "backup_restore", Some(&restored_detail(from, &restored)))?;
    drop(conn);
    drop(in_use);
    drop(exclusive);
    Ok(restored)
}

fn restored_detail(from: &Path, restored: &Value) -> String {
    let kept = restored.get("replaced_kept_at").and_then(Value::as_str);
    let mut detail = format!("restored from {}", from.display());
    if let Some(kept) = kept {
        detail.push_str(&format!("; the replaced database is kept at {kept}"));
    }
    if restored["accounts_kept"] == true {
        detail.push_str("; staff accounts and keys as they were before the restore");
    }
    detail
}

/// `carers-desk-cli restore --recovery-key`: restores a backup with the organisation's recovery
/// key, nobody signed in (the register lost, or no administrator can sign in). The backup's
/// key comes from its own key file. If the register and its key file are here, the recovery key
/// must open them too: their accounts and key are kept (as an administrator's restore keeps
/// them) and the restore is recorded in both trails; only when they are lost or unreadable does
/// the backup's own key file come back with it.
pub fn restore_with_recovery_key(path: &Path, from: &Path, recovery_key: &str) -> Result<Value> {
    let backup_key = crate::backup::key_by_recovery(from, recovery_key)?;
    let check = crate::backup::check_file(from, &backup_key);
    if !check.ok {
        return Err(Error::field("path", check.message));
    }
    db::ensure_folder(path)?;
    let keys = vault::keys_path(path);
    let in_use = rekey::InUse::shared(path)?;
    crate::backup::finish_interrupted_restore(path);
    let Some(exclusive) = in_use.try_exclusive(rekey::COMMAND_WAIT) else {
        return Err(Error::Conflict(
            "someone else has this register open (a Carers Desk window or a script): ask them to close it, then restore again"
                .into(),
        ));
    };
    let current = match (path.exists(), KeyFile::load(&keys)) {
        (true, Ok(file)) => match file.open_recovery(recovery_key)? {
            Some(opened) => Some(opened.key),
            None => {
                return Err(Error::Key {
                    code: "wrong_recovery_key",
                    field: Some("recovery_key"),
                    message: "that recovery key opens the backup but not the register it would replace: use the register's recovery key, or restore as an administrator".into(),
                })
            }
        },
        _ => None,
    };
    let actor = audit::Entry {
        at: crate::context::clock(),
        actor_id: "recovery_key".into(),
        actor_name: "the organisation's recovery key".into(),
        action: "restore".into(),
        command: "backup_restore".into(),
        ..Default::default()
    };
    let restored = match &current {
        Some(key) => {
            let accounts = {
                let mut conn = open_database(path, key)?;
                let accounts = crate::backup::Accounts::read(&conn)?;
                let entry = audit::Entry { detail: Some(format!("restoring {}", from.display())), ..actor.clone() };
                audit::record_session(&mut conn, &entry)?;
                let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
                accounts
            };
            let keep = crate::backup::Keep { key, accounts: &accounts };
            crate::backup::replace_database(path, from, &backup_key, None, Some(&keep))?
        }
        None => crate::backup::replace_database(path, from, &backup_key, Some(&vault::keys_path(from)), None)?,
    };
    let key = current.unwrap_or(backup_key);
    let mut conn = open_database(path, &key)?;
    let entry = audit::Entry { detail: Some(restored_detail(from, &restored)), ..actor };
    audit::record_session(&mut conn, &entry)?;
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    drop(conn);
    drop(exclusive);
    drop(in_use);
    Ok(restored)
}

/// Makes the key file changes a command asked for, after its transaction committed (the
/// entries were made, and kept in the register, by the command: nothing slow here).
pub(crate) fn apply_key_changes(vault: &VaultInfo, changes: Vec<crate::context::KeyChange>) -> Result<()> {
    if changes.iter().all(|c| matches!(c, crate::context::KeyChange::Rekey)) {
        return Ok(());
    }
    KeyFile::update(&vault.keys_path, |file| {
        for change in changes {
            match change {
                crate::context::KeyChange::Put(entry) => file.put_account(*entry),
                crate::context::KeyChange::Remove { staff_id } => file.remove_account(staff_id),
                crate::context::KeyChange::Rekey => {}
            }
        }
        Ok(())
    })
}

/// Demo accounts: made-up data only, so their passphrases are shown on the sign-in screen.
pub const DEMO_ACCOUNTS: &[(&str, &str, &str, Role)] = &[
    ("demo", "Demo Administrator", "demo passphrase", Role::Administrator),
    ("support", "Sam Support", "support passphrase", Role::SupportWorker),
    ("school", "Pat Pastoral", "school passphrase", Role::SchoolStaff),
    ("reports", "Rory Reports", "reports passphrase", Role::Reporting),
];
