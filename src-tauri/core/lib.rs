//! Carers Desk core: the domain model, rules, storage and the command layer shared by the
//! desktop window and `carers-desk-cli`. No Tauri or webkit here: `cargo test` at the
//! workspace root builds and tests all of it.
//!
//! The one entry point is [`Desk::call`]: `(context, command name, JSON arguments) -> JSON
//! result or ApiError`. See `docs/commands.md` and the README's Architecture section.

pub mod app;
pub mod args;
pub mod carers;
pub mod caring;
#[macro_use]
pub mod choices;
pub mod assessments;
pub mod audit;
pub mod backup;
pub mod card_stock;
pub mod catalogue;
pub mod commands;
pub mod context;
pub mod dates;
pub mod db;
pub mod demo;
pub mod eligibility;
pub mod error;
pub mod export;
pub mod files;
pub mod import;
pub mod in_school;
pub mod instruments;
pub mod integrity;
pub mod location;
pub mod notes;
pub mod passports;
pub mod pdf;
pub mod plans;
pub mod register;
pub mod rekey;
pub mod remote;
pub mod reports;
pub mod reviews;
pub mod schools;
pub mod search;
pub mod session;
pub mod settings;
pub mod staff;
pub mod subject;
pub mod transition;
pub mod validate;
pub mod vault;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::NaiveDate;
use rusqlite::TransactionBehavior;
use serde_json::{json, Value};

pub use context::{Actor, Context, Role};
pub use error::{ApiError, Error, FieldError};
pub use session::Session;

/// An open Carers Desk database and the command layer over it.
///
/// A database file is encrypted; until someone signs in the desk is *locked* and only the
/// session commands run (those with [`context::Access::Session`] in [`commands::COMMANDS`]).
/// A database in memory (tests, benchmarks) is always open and trusts the [`Context`] it is
/// given.
pub struct Desk {
    inner: Mutex<session::State>,
    path: Option<PathBuf>,
}

impl Desk {
    /// Opens the database at `path`, locked: someone must sign in (or, on first use, set up
    /// the organisation) before any other command runs. Refuses network shares, and finishes
    /// an encryption that was interrupted (see `session::finish_interrupted`).
    pub fn open(path: &Path) -> Result<Desk, ApiError> {
        db::ensure_folder(path)?;
        session::finish_interrupted(path)?;
        if !vault::keys_path(path).exists() && path.exists() && !db::is_plaintext(path) {
            return Err(Error::Key {
                code: "key_file",
                field: None,
                message: format!(
                    "the key file {} is missing, so the encrypted database cannot be opened: put back the .keys file (every backup has one beside it)",
                    vault::keys_path(path).display()
                ),
            }
            .into());
        }
        Ok(Desk { inner: Mutex::new(session::State::default()), path: Some(path.to_path_buf()) })
    }

    /// Checks the register in the background each time someone signs in
    /// ([`integrity::Background`]; its result is `register_check` in `session_status`). For the
    /// window and the server; a script that runs one command and exits does not need it.
    pub fn check_on_sign_in(&self) {
        self.inner().check_on_sign_in = true;
    }

    /// Waits for the background check of the register (tests and benchmarks); `None` when none
    /// was started.
    pub fn wait_for_register_check(&self) -> Option<integrity::Status> {
        session::wait_for_check(&mut self.inner())
    }

    /// A database in memory, for tests and benchmarks: open, unencrypted, no sign-in.
    pub fn open_in_memory() -> Result<Desk, ApiError> {
        let conn = db::open_in_memory_filled(catalogue::seed)?;
        let inner = session::State { conn: Some(conn), ..session::State::default() };
        Ok(Desk { inner: Mutex::new(inner), path: None })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, session::State> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The signed-in account, if any.
    pub fn session(&self) -> Option<Session> {
        self.inner().session.clone()
    }

    /// Runs one command: the choke point every front end goes through.
    ///
    /// 1. finds the command in the table ([`commands::COMMANDS`]; unknown names are an error);
    /// 2. works out who runs it: on a database file the signed-in account, whatever `ctx` says
    ///    (only its "today" is used); while the desk is locked only the commands with
    ///    [`context::Access::Session`] (signing in, ...) run;
    /// 3. checks the actor may run it ([`context::authorize`]);
    ///    a session command ([`commands::Run::Session`]: it opens or closes the database
    ///    itself, and writes its own audit entry with [`audit::record_session`]) runs now, on
    ///    the desk's state; every other command
    /// 4. runs inside one transaction (IMMEDIATE for changes and audited reads, so it never
    ///    fails half-way for a lock), decoding arguments with errors that name the argument;
    /// 5. records the person records it touched and the audit entries ([`audit::record`]) in
    ///    the same transaction;
    /// 6. commits (durable: WAL with synchronous=FULL) before returning; on any error,
    ///    rolls back, so a failed command changes nothing;
    /// 7. makes the key file changes the command asked for (staff passphrases);
    /// 8. after a bulk command ([`commands::BULK`]), checkpoints the write-ahead log;
    /// 9. when the command asked for it (an account switched off, a passphrase reset), changes
    ///    the database key ([`rekey`]).
    pub fn call(&self, ctx: &Context, command: &str, args: serde_json::Value) -> Result<serde_json::Value, ApiError> {
        self.run(ctx, command, args, None)
    }

    /// [`Desk::call`], telling `progress` `(done, total)` as a long command (batch printing)
    /// goes along.
    pub fn call_with_progress(
        &self,
        ctx: &Context,
        command: &str,
        args: serde_json::Value,
        progress: context::Progress<'_>,
    ) -> Result<serde_json::Value, ApiError> {
        self.run(ctx, command, args, Some(progress))
    }

    // Long: the choke point: find, authorise, one transaction, run, audit, commit, in that order,
    // kept in one place to be read top to bottom (the README's invariants).
    fn run(
        &self,
        ctx: &Context,
        command: &str,
        args: serde_json::Value,
        progress: Option<context::Progress<'_>>,
    ) -> Result<serde_json::Value, ApiError> {
        let cmd = commands::find(command)?;
        let mut inner = self.inner();
        let inner = &mut *inner;
        // Who runs it: on a database file, the signed-in account whatever `ctx` says (only its
        // "today" is used). Session commands (signing in, ...) run also while locked.
        inner.computer = ctx.computer.clone();
        let context = match (&self.path, &inner.session) {
            (None, _) => Some(ctx.clone()),
            (Some(_), Some(session)) => Some(Context {
                computer: ctx.computer.clone().or_else(|| session.computer.clone()),
                ..session.context(ctx.today)
            }),
            (Some(_), None) if cmd.access == context::Access::Session => None,
            (Some(_), None) => {
                // Counted, and written to the trail when someone next signs in.
                inner.refused_while_locked.note(cmd.name, audit::Refusal::Locked);
                return Err(Error::Locked.into());
            }
        };
        // The record the command is about: its `id`, or for a command about a person (a note
        // added to a carer) the person's id; never another kind's id (`assessment_list` takes a
        // carer's id, which is not an assessment's).
        let record_id = args.get("id").and_then(|v| v.as_i64()).or_else(|| {
            let key = match audit::record_type_for(cmd.name) {
                Some("carer") => "carer_id",
                Some("cared_for") => "cared_for_id",
                _ => return None,
            };
            args.get(key).and_then(|v| v.as_i64())
        });
        if let Some(context) = &context {
            if cmd.access != context::Access::Session {
                if let Err(e) = context::authorize(context, cmd.access) {
                    let why = if let Error::NotPermitted(_) = e {
                        audit::Refusal::Role
                    } else {
                        audit::Refusal::NotPermitted
                    };
                    if let Some(conn) = inner.conn.as_mut() {
                        let entry = audit::Entry {
                            computer: context.computer.clone(),
                            ..audit::refusal_entry(Some(&context.actor), cmd.name, record_id, why)
                        };
                        let _ = audit::record_refusal(conn, &mut inner.refusals, entry, why);
                    }
                    return Err(e.into());
                }
            }
        }
        let handler = match cmd.run {
            commands::Run::InTransaction(handler) => handler,
            commands::Run::Session(handler) => {
                let mut call = session::Call { path: self.path.as_deref(), state: inner, today: ctx.today };
                return Ok(handler(&mut call, args)?);
            }
        };
        let context = context.ok_or(Error::Locked)?;
        let conn = inner.conn.as_mut().ok_or(Error::Locked)?;
        let ran = audit::Ran {
            command: cmd.name,
            changes: cmd.changes,
            access: cmd.access,
            fields: args.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default(),
            record_id,
        };
        let behaviour = if cmd.changes || audit::audited(cmd.access) {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        // A bulk command writes more pages than the usual cache holds: with the usual 32 MiB,
        // SQLite writes pages out to the log before the commit, encrypting them, and reads them
        // back, decrypting them, then writes them again (17 % of a 100,000-carer demo load's
        // CPU time: docs/benchmarks.md). The cache is given back when the command ends.
        let bulk = commands::BULK.contains(&cmd.name);
        if bulk {
            db::set_cache_kib(conn, db::BULK_CACHE_KIB)?;
        }
        let vault = inner.vault.as_ref();
        // `Err((error, true))`: the command itself failed.
        let ran_in_tx = (|| -> Result<_, (Error, bool)> {
            let tx = conn.transaction_with_behavior(behaviour).map_err(|e| (e.into(), false))?;
            let mut run = context::Ctx {
                tx: &tx,
                context: &context,
                touched: Vec::new(),
                progress,
                vault,
                key_changes: Vec::new(),
                audit_detail: None,
                audit_fields: None,
            };
            let out = handler(&mut run, args).map_err(|e| (e, true))?;
            audit::record(&run, &ran).map_err(|e| (e, false))?;
            let key_changes = std::mem::take(&mut run.key_changes);
            drop(run);
            tx.commit().map_err(|e| (e.into(), false))?;
            Ok((out, key_changes))
        })();
        if bulk {
            // Best effort: the command has already committed or rolled back.
            let _ = db::set_cache_kib(conn, db::CACHE_KIB);
        }
        let (out, key_changes) = match ran_in_tx {
            Ok(done) => done,
            Err((e, by_command)) => {
                // Rolled back; a refusal (another school's record, ...) is written on its own.
                if let Some(why) = audit::Refusal::of(&e).filter(|_| by_command) {
                    let entry = audit::Entry {
                        computer: context.computer.clone(),
                        ..audit::refusal_entry(Some(&context.actor), cmd.name, record_id, why)
                    };
                    let _ = audit::record_refusal(conn, &mut inner.refusals, entry, why);
                }
                return Err(e.into());
            }
        };
        let rekey = key_changes.iter().any(|c| matches!(c, context::KeyChange::Rekey));
        if let Some(vault) = &inner.vault {
            session::apply_key_changes(vault, key_changes)?;
            // The chain's head outside the register after every change, print and export
            // (docs/security.md). The command has committed: a failure here is not its failure.
            let action = audit::action_for(cmd.name, cmd.changes);
            if audit::audited(cmd.access) && (cmd.changes || matches!(action, "print" | "export")) {
                let _ = audit::record_anchor(conn, &vault.db_path, cmd.name);
            }
        }
        if bulk {
            // Best effort: the data is already committed; a checkpoint that cannot finish now
            // (another reader) simply happens later.
            let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        if rekey {
            // The command has committed and the re-key is marked due in it: if it cannot be
            // done now (someone else has the register open) it is done at a later sign-in.
            let _ = session::rekey_if_due(inner, rekey::COMMAND_WAIT);
        }
        Ok(out)
    }

    /// Closes the register as the app exits: the signed-in account is signed out (audited,
    /// its anchor recorded), the write-ahead log is checkpointed into the database file and
    /// truncated, and the connection closed, so no `-wal` with data in it is left behind
    /// (docs/security.md). Safe to call more than once.
    pub fn close(&self) -> Result<(), ApiError> {
        if self.path.is_none() {
            return Ok(());
        }
        let mut inner = self.inner();
        session::close_for_exit(&mut inner)?;
        Ok(())
    }

    /// Convenience for Rust callers (tests, the CLI): `call` with typed arguments.
    pub fn call_json(
        &self,
        ctx: &Context,
        command: &str,
        args: impl serde::Serialize,
    ) -> Result<serde_json::Value, ApiError> {
        self.call(ctx, command, serde_json::to_value(args).expect("arguments serialise"))
    }

    /// Sets up a demo organisation on a new database: encrypted like any other, made-up
    /// carers, and the [`session::DEMO_ACCOUNTS`] (signed in as `demo`). Used by `--demo-data` and
    /// `carers-desk-cli demo-data` on a new file.
    pub fn setup_demo(
        &self,
        today: NaiveDate,
        carers: Option<u32>,
        seed: Option<u64>,
    ) -> std::result::Result<Value, ApiError> {
        let path = self.path.clone().ok_or_else(|| Error::Conflict("a database in memory has no sign-in".into()))?;
        if path.exists() || vault::keys_path(&path).exists() {
            return Err(Error::Conflict(format!(
                "{} already exists: demo data is set up only on a new database file",
                path.display()
            ))
            .into());
        }
        let demo_accounts = session::DEMO_ACCOUNTS
            .iter()
            .map(|(u, _, p, r)| vault::DemoAccount {
                username: u.to_string(),
                passphrase: p.to_string(),
                role: r.code().into(),
            })
            .collect();
        {
            let mut inner = self.inner();
            let (username, name, passphrase, _) = session::DEMO_ACCOUNTS[0];
            let admin = session::NewAdmin { organisation: Some("Demo Carers Centre"), username, name, passphrase };
            let recovery = vault::new_recovery_key();
            session::create(&path, &mut inner, &vault::random_key(), &recovery, &admin, demo_accounts)?;
        }
        let ctx = Context::desktop(today);
        let counts = self.call(&ctx, "setup_choose", json!({ "choice": "demo", "carers": carers, "seed": seed }))?;
        let first_school = {
            let inner = self.inner();
            let conn = inner.conn.as_ref().ok_or(Error::Locked)?;
            conn.query_row("SELECT min(id) FROM schools", [], |r| r.get::<_, Option<i64>>(0)).map_err(Error::from)?
        };
        for (username, name, passphrase, role) in &session::DEMO_ACCOUNTS[1..] {
            let school_id = if *role == Role::SchoolStaff { first_school } else { None };
            if *role == Role::SchoolStaff && school_id.is_none() {
                continue;
            }
            self.call(
                &ctx,
                "staff_create",
                json!({
                    "username": username, "name": name, "role": role.code(), "school_id": school_id,
                    "passphrase": passphrase, "passphrase_again": passphrase,
                }),
            )?;
        }
        Ok(counts)
    }

    /// Signs in to a demo database as its administrator (`--demo-data` on a database made by
    /// [`Desk::setup_demo`]). Refuses any other database.
    pub fn sign_in_demo(&self) -> std::result::Result<(), ApiError> {
        let path = self.path.clone().ok_or_else(|| Error::Conflict("a database in memory has no sign-in".into()))?;
        let file = vault::KeyFile::load(&vault::keys_path(&path))?;
        let Some(admin) = file.demo_accounts.iter().find(|a| a.role == "administrator") else {
            return Err(Error::NotPermitted("this is not a demo database: sign in with your own account".into()).into());
        };
        let args = session::UnlockArgs { username: admin.username.clone(), passphrase: admin.passphrase.clone() };
        let mut inner = self.inner();
        session::unlock(&path, &mut inner, args)?;
        Ok(())
    }
}
