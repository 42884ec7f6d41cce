//! Who is calling, on what day, and the one place every command passes through.
//!
//! [`Context`] is built by a front end (the window, the CLI) for each call: the [`Actor`] and
//! "today". Rules never read the clock; they take `ctx.today`.
//!
//! [`Ctx`] is what a command handler gets: the open transaction, the context, and a list it
//! fills with the person records it viewed or changed. `Desk::call` (the choke point) checks
//! the actor may run the command ([`authorize`]) before the handler runs, and after it succeeds
//! writes what was touched ("recently viewed" and the audit trail, [`crate::audit::record`]) in
//! the same transaction.

use chrono::NaiveDate;
use rusqlite::Transaction;
use serde::Serialize;

use crate::error::{Error, Result};

/// What a member of staff may do: the role of their staff account (`staff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Settings, accounts, everything.
    Administrator,
    /// All carer records.
    SupportWorker,
    /// Counts and reports only, no names.
    Reporting,
    /// A school's pastoral staff: only the young carers linked to their own school (the
    /// context's `school_scope`) and their agreed adjustments.
    SchoolStaff,
}

/// The person (or script) making a call.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    /// Stable identifier, used for "recently viewed" and the audit trail: `staff:<id>` for a
    /// signed-in account.
    pub id: String,
    /// Shown as the author of notes and in "created by".
    pub name: String,
    pub role: Role,
}

/// What a command touches, for permission checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Version, choice lists: anyone.
    App,
    /// Counts without names.
    Counts,
    /// Reads or changes people's records.
    Records,
    /// Schools, their young carers and agreed adjustments: every school for staff of the
    /// organisation, one school for school staff (checked again inside the command).
    School,
    /// Organisation settings and bulk data loads.
    Admin,
    /// Signing in and out, the recovery key, one's own passphrase: anyone, also while the
    /// desk is locked (the session commands check for themselves what they need, such as a
    /// signed-in account to change its passphrase).
    Session,
}

/// Whether `role` may run a command needing `access`.
pub fn permits(role: Role, access: Access) -> bool {
    match (role, access) {
        (_, Access::App | Access::Session) => true,
        (Role::Administrator, _) => true,
        (Role::SupportWorker, Access::Counts | Access::Records | Access::School) => true,
        (Role::SupportWorker, Access::Admin) => false,
        (Role::Reporting, Access::Counts) => true,
        (Role::Reporting, _) => false,
        (Role::SchoolStaff, Access::School) => true,
        (Role::SchoolStaff, _) => false,
    }
}

/// Built by the front end for each call.
#[derive(Debug, Clone)]
pub struct Context {
    pub actor: Actor,
    pub today: NaiveDate,
    /// School staff see one school only: its id. `None` for everyone else (the whole
    /// organisation). Commands with [`Access::School`] filter and check by it.
    pub school_scope: Option<i64>,
    /// Which computer the call came from: the client's network address when the register is
    /// served by carers-desk-server (written in the audit trail); `None` on the computer the
    /// register is on.
    pub computer: Option<String>,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::SupportWorker => "support_worker",
            Role::Reporting => "reporting",
            Role::SchoolStaff => "school_staff",
        }
    }

    pub fn parse(field: &str, code: &str) -> Result<Role> {
        match code {
            "administrator" => Ok(Role::Administrator),
            "support_worker" => Ok(Role::SupportWorker),
            "reporting" => Ok(Role::Reporting),
            "school_staff" => Ok(Role::SchoolStaff),
            other => Err(Error::field(
                field,
                format!("choose administrator, support_worker, school_staff or reporting ('{other}' is not a role)"),
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::SupportWorker => "Support worker",
            Role::Reporting => "Reporting",
            Role::SchoolStaff => "School staff",
        }
    }
}

impl Context {
    /// The person at this computer for a database in memory (tests, benchmarks), where no one
    /// signs in. File databases take the actor from the signed-in account instead.
    pub fn desktop(today: NaiveDate) -> Context {
        let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "staff".to_string());
        Context {
            actor: Actor { id: format!("local:{user}"), name: user, role: Role::Administrator },
            today,
            school_scope: None,
            computer: None,
        }
    }

    /// A scripted call from `carers-desk-cli`.
    pub fn cli(today: NaiveDate) -> Context {
        let mut ctx = Context::desktop(today);
        ctx.actor.id = format!("cli:{}", ctx.actor.name);
        ctx
    }

    /// The same call, made from another computer (the server's client address).
    pub fn from_computer(mut self, computer: impl Into<String>) -> Context {
        self.computer = Some(computer.into());
        self
    }

    pub fn with_role(mut self, role: Role) -> Context {
        self.actor.role = role;
        self
    }

    /// A member of a school's staff, who sees only that school's young carers.
    pub fn school_staff(school_id: i64, name: &str, today: NaiveDate) -> Context {
        Context {
            actor: Actor { id: format!("school:{school_id}:{name}"), name: name.to_string(), role: Role::SchoolStaff },
            today,
            school_scope: Some(school_id),
            computer: None,
        }
    }
}

/// A person's record a command viewed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched {
    ViewedCarer(i64),
    ChangedCarer(i64),
    ViewedCaredFor(i64),
    ChangedCaredFor(i64),
}

/// Told how far a long command has got: `(done, total)`.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// A change to the key file a command asks for, made after its transaction commits.
pub enum KeyChange {
    /// Put this account's entry (made and stored in the database by the command: see
    /// [`crate::rekey::new_account_key`]) in the key file.
    Put(Box<crate::vault::AccountKey>),
    /// Remove the account's entry (account switched off).
    Remove { staff_id: i64 },
    /// Change the database key ([`crate::rekey`]): marked due in the command's transaction by
    /// [`Ctx::rekey`].
    Rekey,
}

/// What a command handler runs with.
pub struct Ctx<'a> {
    pub tx: &'a Transaction<'a>,
    pub context: &'a Context,
    pub touched: Vec<Touched>,
    /// Where a long command reports its progress (the window's progress bar), if anywhere.
    pub progress: Option<Progress<'a>>,
    /// The database's file and key (backups, staff accounts); `None` in memory.
    pub vault: Option<&'a crate::vault::VaultInfo>,
    /// Key file changes to make once the transaction has committed.
    pub key_changes: Vec<KeyChange>,
    /// Extra words for the audit entry (never personal details).
    pub audit_detail: Option<String>,
    /// The fields a change really changed ([`Ctx::note_changes`]); otherwise the audit entry
    /// lists the argument names sent.
    pub audit_fields: Option<Vec<String>>,
}

impl<'a> Ctx<'a> {
    pub fn today(&self) -> NaiveDate {
        self.context.today
    }

    pub fn actor(&self) -> &Actor {
        &self.context.actor
    }

    /// A timestamp for what a record says happened (`created_at`, `updated_at`,
    /// `completed_at`): the context's day, so that the day a record was made agrees with
    /// "today" in the rules and the reports (also when a front end sets the day, as
    /// `--today` does), with the local time of day and its offset from UTC
    /// (`2026-11-23T14:05:09.123+00:00`). Its first ten characters are that day. Not used by
    /// any rule.
    pub fn now(&self) -> String {
        stamp(self.today(), chrono::Local::now())
    }

    /// The real time, in UTC: when someone did something, for the audit trail and "recently
    /// viewed".
    pub fn clock(&self) -> String {
        clock()
    }

    /// Reports progress on long work (batch printing); does nothing when nobody listens.
    pub fn progress(&self, done: u64, total: u64) {
        if let Some(report) = self.progress {
            report(done, total);
        }
    }

    pub fn touch(&mut self, t: Touched) {
        self.touched.push(t);
    }

    /// Records, for the audit trail, which fields differ between a record before and after a
    /// change (top-level names; bookkeeping such as `updated_at` left out).
    pub fn note_changes(&mut self, before: &impl Serialize, after: &impl Serialize) {
        let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) =
            (serde_json::to_value(before), serde_json::to_value(after))
        else {
            return;
        };
        let skip = ["updated_at", "updated_by", "created_at", "created_by"];
        let mut changed: Vec<String> = a
            .iter()
            .filter(|(k, v)| !skip.contains(&k.as_str()) && b.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        changed.sort();
        self.audit_fields = Some(changed);
    }

    /// The database's file and key, for commands that need them (backups); an error for a
    /// database in memory.
    pub fn vault(&self) -> Result<&'a crate::vault::VaultInfo> {
        self.vault.ok_or_else(|| {
            Error::Conflict("this database is in memory, so it has no file to back up or key to use".into())
        })
    }

    /// Asks for the database key to be changed once this command has committed (an account
    /// switched off, a passphrase reset): marked due in this transaction, so it happens even if
    /// the computer stops first (`rekey.rs`). `reason` holds no personal details.
    pub fn rekey(&mut self, reason: &str) -> Result<()> {
        if self.vault.is_none() {
            return Ok(());
        }
        crate::db::mark_rekey_due(self.tx, reason)?;
        if !self.key_changes.iter().any(|c| matches!(c, KeyChange::Rekey)) {
            self.key_changes.push(KeyChange::Rekey);
        }
        Ok(())
    }

    /// The school this caller is limited to, if any.
    pub fn school_scope(&self) -> Option<i64> {
        self.context.school_scope
    }

    /// Refuses a school outside the caller's scope.
    pub fn check_school(&self, school_id: i64) -> Result<()> {
        match self.school_scope() {
            Some(own) if own != school_id => Err(Error::NotPermitted(OTHER_SCHOOL.into())),
            _ => Ok(()),
        }
    }

    /// Refuses a young carer who is not linked to the caller's school (school staff only).
    pub fn check_pupil(&self, carer_id: i64) -> Result<()> {
        let Some(own) = self.school_scope() else { return Ok(()) };
        let linked: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM school_links l JOIN carers c ON c.id = l.carer_id
                            WHERE l.carer_id = ?1 AND l.school_id = ?2 AND c.status = 'open')",
            rusqlite::params![carer_id, own],
            |r| r.get(0),
        )?;
        if linked {
            Ok(())
        } else {
            Err(Error::NotPermitted(OTHER_SCHOOL.into()))
        }
    }
}

/// The real time, in UTC (`2026-11-23T14:05:09.123Z`): see [`Ctx::clock`].
pub fn clock() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A record's timestamp: `day` with the time of day and UTC offset of `at`.
pub fn stamp(day: NaiveDate, at: chrono::DateTime<chrono::Local>) -> String {
    format!("{}T{}", day.format("%Y-%m-%d"), at.format("%H:%M:%S%.3f%:z"))
}

/// What school staff are told about a record outside their school (it says nothing about
/// whether the record exists).
pub const OTHER_SCHOOL: &str = "you can see only the young carers linked to your own school: ask the carers service";

/// The checks before a command runs.
pub fn authorize(ctx: &Context, access: Access) -> Result<()> {
    if ctx.actor.role == Role::SchoolStaff && ctx.school_scope.is_none() {
        return Err(Error::NotPermitted(
            "a school staff account must belong to a school: ask an administrator to set it".into(),
        ));
    }
    if permits(ctx.actor.role, access) {
        return Ok(());
    }
    // What the account cannot do, in the words of the work: never the command's internal name.
    let what = match access {
        Access::Admin => "change accounts, settings, backups or the audit trail: only an administrator can",
        Access::Records => "open or change people's records",
        Access::School => "open young carers' school records",
        Access::Counts => "see the organisation's figures",
        Access::App | Access::Session => "do this",
    };
    Err(Error::NotPermitted(format!(
        "your account ({}) cannot {what}: ask an administrator if you need this",
        ctx.actor.role.label().to_lowercase()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_matrix() {
        use Access::*;
        use Role::*;
        let table = [
            (Administrator, [true, true, true, true, true]),
            (SupportWorker, [true, true, true, false, true]),
            (Reporting, [true, true, false, false, false]),
            (SchoolStaff, [true, false, false, false, true]),
        ];
        for (role, allowed) in table {
            for (access, want) in [App, Counts, Records, Admin, School].into_iter().zip(allowed) {
                assert_eq!(permits(role, access), want, "{role:?} {access:?}");
            }
        }
    }
}
