//! Carers Desk core: the domain model, rules, storage and the command layer shared by the
//! desktop window and `carers-desk-cli`. No Tauri or webkit here: `cargo test` at the
//! workspace root builds and tests all of it.
//!
//! The one entry point is [`Desk::call`]: `(context, command name, JSON arguments) -> JSON
//! result or ApiError`. See `docs/commands.md` and the README's Architecture section.

pub mod app;
pub mod carers;
pub mod caring;
#[macro_use]
pub mod choices;
pub mod assessments;
pub mod catalogue;
pub mod commands;
pub mod context;
pub mod dates;
pub mod db;
pub mod demo;
pub mod eligibility;
pub mod error;
pub mod instruments;
pub mod location;
pub mod notes;
pub mod passports;
pub mod pdf;
pub mod plans;
pub mod reviews;
pub mod schools;
pub mod search;
pub mod settings;
pub mod transition;
pub mod validate;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, TransactionBehavior};

pub use context::{Actor, Context, Role};
pub use error::{ApiError, Error, FieldError};

/// An open Carers Desk database and the command layer over it.
pub struct Desk {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Desk {
    /// Opens (creating on first use) the database at `path`. Refuses network shares.
    pub fn open(path: &Path) -> Result<Desk, ApiError> {
        Ok(Desk { conn: Mutex::new(db::open(path)?), path: Some(path.to_path_buf()) })
    }

    /// A database in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Desk, ApiError> {
        Ok(Desk { conn: Mutex::new(db::open_in_memory()?), path: None })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs one command: the choke point every front end goes through.
    ///
    /// 1. finds the command (unknown names are an error);
    /// 2. checks the actor may run it ([`context::authorize`]);
    /// 3. runs it inside one transaction (IMMEDIATE for changes, so it never fails half-way
    ///    for a lock), decoding arguments with errors that name the argument;
    /// 4. records the person records it touched ([`context::record`]) in the same transaction;
    /// 5. commits (durable: WAL with synchronous=FULL) before returning; on any error,
    ///    rolls back, so a failed command changes nothing;
    /// 6. after a bulk command ([`commands::BULK`]), checkpoints the write-ahead log.
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

    fn run(
        &self,
        ctx: &Context,
        command: &str,
        args: serde_json::Value,
        progress: Option<context::Progress<'_>>,
    ) -> Result<serde_json::Value, ApiError> {
        let cmd = commands::find(command)?;
        context::authorize(ctx, cmd.name, cmd.access)?;
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let behaviour = if cmd.changes { TransactionBehavior::Immediate } else { TransactionBehavior::Deferred };
        let tx = conn.transaction_with_behavior(behaviour).map_err(Error::from)?;
        let mut run = context::Ctx { tx: &tx, context: ctx, touched: Vec::new(), progress };
        let out = (cmd.run)(&mut run, args)?;
        context::record(&run)?;
        drop(run);
        tx.commit().map_err(Error::from)?;
        if commands::BULK.contains(&cmd.name) {
            // Best effort: the data is already committed; a checkpoint that cannot finish now
            // (another reader) simply happens later.
            let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Ok(out)
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
}
