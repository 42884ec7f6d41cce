//! Staff accounts (administrators only). The account and its role live in the encrypted
//! database; the passphrase is never stored: the account's copy of the database key, wrapped
//! by it, goes to the key file once the command commits (`KeyChange`).
//!
//! Invariants: there is always at least one active administrator; nobody switches off their
//! own account; a switched-off account has no entry in the key file, and switching it off or
//! resetting a passphrase changes the database key (`rekey`), so an old copy of the key file and
//! the old passphrase open nothing current.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::args::NoArgs;
use crate::context::{Ctx, KeyChange, Role};
use crate::error::{Error, Result};
use crate::validate::Check;

/// The rules for a passphrase (argument `passphrase`, typed again in `passphrase_again`): at
/// least 10 characters (three random words make a good one), at most 200, not the username,
/// typed the same twice.
pub fn check_passphrase(check: &mut Check, passphrase: &str, again: &str, username: &str) {
    let (field, again_field) = ("passphrase", "passphrase_again");
    let n = passphrase.chars().count();
    if n < 10 {
        check.fail(
            field,
            "use at least 10 characters: three random words, such as \"kettle orbit meadow\", are easy to remember and hard to guess",
        );
    } else if n > 200 {
        check.fail(field, "use at most 200 characters");
    } else if !username.trim().is_empty() && passphrase.trim().eq_ignore_ascii_case(username.trim()) {
        check.fail(field, "the passphrase must not be the username: choose something else");
    } else if passphrase != again {
        check.fail(again_field, "the two passphrases are not the same: type it again");
    }
}

/// The rules for a username: 2 to 32 letters, digits, dots, dashes or underscores.
pub fn check_username(check: &mut Check, field: &str, username: &str) {
    let u = username.trim();
    if u.is_empty() {
        check.fail(field, "enter a username, such as amy.shah");
    } else if u.chars().count() < 2 || u.chars().count() > 32 {
        check.fail(field, "use 2 to 32 characters for the username");
    } else if !u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
        check.fail(field, "use only letters, digits, dots, dashes and underscores in the username");
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub role_label: String,
    pub school_id: Option<i64>,
    pub school_name: Option<String>,
    pub active: bool,
    pub created_at: String,
    /// For a switched-on account the database key cannot be given to when it is next changed
    /// (switching someone off, resetting a passphrase): `sign_in_first` when it has not signed
    /// in since key pairs came in (it would be left out: it should sign in once first), or
    /// `new_passphrase` when a change of key has left it out (an administrator sets it a new
    /// passphrase). Absent for every other account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_warning: Option<&'static str>,
}

const SELECT: &str = "SELECT s.id, s.username, s.name, s.role, s.school_id, sc.name, s.active, s.created_at
                      FROM staff s LEFT JOIN schools sc ON sc.id = s.school_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    let role = Role::parse("role", &r.get::<_, String>(3)?).unwrap_or(Role::Reporting);
    Ok(Staff {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        role,
        role_label: role.label().to_string(),
        school_id: r.get(4)?,
        school_name: r.get(5)?,
        active: r.get(6)?,
        created_at: r.get(7)?,
        key_warning: None,
    })
}

fn load(ctx: &Ctx<'_>, id: i64) -> Result<Staff> {
    ctx.tx
        .query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { what: "that staff account" })
}

pub fn list(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<Staff>> {
    let mut list: Vec<Staff> = {
        let mut stmt = ctx.tx.prepare(&format!("{SELECT} ORDER BY s.active DESC, s.name COLLATE NOCASE"))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let without_pair: Vec<i64> = {
        let mut stmt = ctx.tx.prepare("SELECT id FROM staff WHERE active AND public_key IS NULL")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if let (Some(vault), false) = (ctx.vault, without_pair.is_empty()) {
        let file = crate::vault::KeyFile::load(&vault.keys_path)?;
        for s in list.iter_mut().filter(|s| without_pair.contains(&s.id)) {
            let has_entry = file.accounts.iter().any(|a| a.staff_id == s.id);
            s.key_warning = Some(if has_entry { "sign_in_first" } else { "new_passphrase" });
        }
    }
    Ok(list)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    pub username: String,
    pub name: String,
    /// `administrator`, `support_worker`, `school_staff` or `reporting`.
    pub role: String,
    /// For school staff: their school.
    pub school_id: Option<i64>,
    /// A first passphrase, told to the person, who changes it with `passphrase_change`.
    pub passphrase: String,
    pub passphrase_again: String,
}

fn check_school(ctx: &Ctx<'_>, check: &mut Check, role: Option<Role>, school_id: Option<i64>) -> Result<()> {
    match (role, school_id) {
        (Some(Role::SchoolStaff), None) => check.fail("school_id", "choose the school this person works at"),
        (Some(Role::SchoolStaff), Some(id)) => {
            let exists: bool =
                ctx.tx.query_row("SELECT EXISTS (SELECT 1 FROM schools WHERE id = ?1)", [id], |r| r.get(0))?;
            if !exists {
                check.fail("school_id", "that school is not on the list: add it under Schools first");
            }
        }
        (Some(_), Some(_)) => check.fail("school_id", "only school staff accounts belong to a school: leave it empty"),
        _ => {}
    }
    Ok(())
}

pub fn create(ctx: &mut Ctx<'_>, args: CreateArgs) -> Result<Staff> {
    let mut check = Check::new("");
    check_username(&mut check, "username", &args.username);
    let username = args.username.trim().to_string();
    if !username.is_empty() {
        let taken: bool =
            ctx.tx.query_row("SELECT EXISTS (SELECT 1 FROM staff WHERE username = ?1)", [&username], |r| r.get(0))?;
        if taken {
            check.fail("username", format!("there is already an account called '{username}': choose another username"));
        }
    }
    let name = check.text("name", "Name", &Some(args.name.clone()), crate::validate::NAME_MAX);
    if name.is_none() && check.errors.iter().all(|e| e.field != "name") {
        check.fail("name", "enter the person's name as colleagues know it");
    }
    let role = check.absorb(Role::parse("role", &args.role));
    check_school(ctx, &mut check, role, args.school_id)?;
    check_passphrase(&mut check, &args.passphrase, &args.passphrase_again, &username);
    check.finish()?;
    let role = role.expect("checked");
    let now = ctx.now();
    ctx.tx.execute(
        "INSERT INTO staff (username, name, role, school_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![username, name, role.code(), args.school_id, now],
    )?;
    let id = ctx.tx.last_insert_rowid();
    give_key(ctx, id, &username, &args.passphrase)?;
    load(ctx, id)
}

/// A new key pair for the account under `passphrase`: stored in the register in this
/// transaction, put in the key file once it commits (on a database in memory, nothing: no one
/// signs in).
fn give_key(ctx: &mut Ctx<'_>, staff_id: i64, username: &str, passphrase: &str) -> Result<()> {
    let Some(vault) = ctx.vault else { return Ok(()) };
    let entry = crate::rekey::new_account_key(ctx.tx, vault, staff_id, username, passphrase)?;
    ctx.key_changes.push(KeyChange::Put(Box::new(entry)));
    Ok(())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    pub id: i64,
    pub name: Option<String>,
    pub role: Option<String>,
    /// Sent as `null` to clear (when the role stops being school staff).
    #[serde(default, deserialize_with = "crate::validate::present")]
    pub school_id: Option<Option<i64>>,
    /// Switch the account off (`false`: it can no longer sign in) or on again (`true`: then
    /// set a passphrase with `staff_set_passphrase`).
    pub active: Option<bool>,
}

fn other_active_admins(ctx: &Ctx<'_>, id: i64) -> Result<i64> {
    Ok(ctx.tx.query_row(
        "SELECT count(*) FROM staff WHERE role = 'administrator' AND active = 1 AND id <> ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// The account making the call, if it is a staff account.
fn own_id(ctx: &Ctx<'_>) -> Option<i64> {
    ctx.actor().id.strip_prefix("staff:").and_then(|n| n.parse().ok())
}

pub fn update(ctx: &mut Ctx<'_>, args: UpdateArgs) -> Result<Staff> {
    let before = load(ctx, args.id)?;
    let mut check = Check::new("");
    let role = match &args.role {
        Some(r) => check.absorb(Role::parse("role", r)),
        None => Some(before.role),
    };
    let school_id = match args.school_id {
        Some(s) => s,
        None if role == Some(Role::SchoolStaff) => before.school_id,
        None => None,
    };
    check_school(ctx, &mut check, role, school_id)?;
    let name = check.text("name", "Name", &args.name, crate::validate::NAME_MAX);
    if args.name.is_some() && name.is_none() && check.errors.iter().all(|e| e.field != "name") {
        check.fail("name", "enter the person's name as colleagues know it");
    }
    let active = args.active.unwrap_or(before.active);
    let was_admin = before.role == Role::Administrator && before.active;
    let stays_admin = role == Some(Role::Administrator) && active;
    if was_admin && !stays_admin && other_active_admins(ctx, args.id)? == 0 {
        check.fail(
            if active { "role" } else { "active" },
            "this is the only administrator: make someone else an administrator first",
        );
    }
    if !active && own_id(ctx) == Some(args.id) {
        check.fail("active", "you cannot switch off your own account: ask another administrator");
    }
    check.finish()?;
    let role = role.expect("checked");
    ctx.tx.execute(
        "UPDATE staff SET name = ?2, role = ?3, school_id = ?4, active = ?5, updated_at = ?6 WHERE id = ?1",
        params![args.id, name.as_deref().unwrap_or(&before.name), role.code(), school_id, active, ctx.now()],
    )?;
    if before.active && !active {
        // Its entry goes from the key file, and the database key is changed, so an old copy of
        // the key file and the old passphrase open nothing current.
        ctx.key_changes.push(KeyChange::Remove { staff_id: args.id });
        ctx.rekey(&format!("account {} switched off", args.id))?;
    }
    load(ctx, args.id)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassphraseArgs {
    pub id: i64,
    pub passphrase: String,
    pub passphrase_again: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Done {}

/// An administrator sets someone's passphrase (they forgot it, or their account was switched
/// on again). The person should change it at their next sign-in.
pub fn set_passphrase(ctx: &mut Ctx<'_>, args: SetPassphraseArgs) -> Result<Done> {
    let staff = load(ctx, args.id)?;
    if !staff.active {
        return Err(Error::field("id", "this account is switched off: switch it on first"));
    }
    let mut check = Check::new("");
    check_passphrase(&mut check, &args.passphrase, &args.passphrase_again, &staff.username);
    check.finish()?;
    // A new key pair, and a new database key: the old passphrase, with an old copy of the key
    // file, opens nothing current.
    give_key(ctx, staff.id, &staff.username, &args.passphrase)?;
    ctx.rekey(&format!("passphrase of account {} reset by an administrator", staff.id))?;
    Ok(Done {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_rules() {
        let table = [
            ("kettle orbit meadow", "kettle orbit meadow", "amy", None),
            ("short", "short", "amy", Some("passphrase")),
            ("amy.shah.2026", "amy.shah.2026", "AMY.SHAH.2026", Some("passphrase")),
            ("kettle orbit meadow", "kettle orbit meadoW", "amy", Some("passphrase_again")),
            ("ééééééééééé", "ééééééééééé", "amy", None),
        ];
        for (p, again, user, want) in table {
            let mut check = Check::new("");
            check_passphrase(&mut check, p, again, user);
            let got = check.finish().err().map(|e| crate::ApiError::from(e).field.unwrap());
            assert_eq!(got.as_deref(), want, "{p:?}");
        }
    }

    #[test]
    fn username_rules() {
        for (u, ok) in
            [("amy.shah", true), ("a", false), ("amy shah", false), ("", false), ("o'neil", false), ("pat_2", true)]
        {
            let mut check = Check::new("");
            check_username(&mut check, "username", u);
            assert_eq!(check.finish().is_ok(), ok, "{u:?}");
        }
    }
}
