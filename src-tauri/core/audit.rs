//! The audit trail: who viewed, created, changed, closed, deleted, printed or exported which
//! person's record, and when (docs/security.md).
//!
//! Invariants:
//! - an entry is written in the same transaction as the access it records ([`crate::Desk`]
//!   calls [`record`] before committing), so there is no access without its entry and no entry
//!   for an access that was rolled back;
//! - the table is append-only: triggers (migration 0007) refuse UPDATE and DELETE;
//! - each entry's `hash` is SHA-256 over its content and the previous entry's hash, so changing
//!   or removing an entry in the middle breaks the chain, which [`verify`] finds. (Removing
//!   the newest entries leaves a shorter valid chain: compare with a backup or an export.)
//! - entries hold no personal details: record ids, command names and field names only.

use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::args::NoArgs;
use crate::context::{Access, Ctx, Touched};
use crate::error::{Error, Result};
use crate::validate::Check;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry, as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Entry {
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub role: String,
    /// `view`, `create`, `change`, `close`, `delete`, `print`, `export`, `anonymise`, `list`,
    /// `sign_in`, `sign_out`, `lock`, `setup`, `recover`, `passphrase`, `restore`.
    pub action: String,
    pub command: String,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub carer_id: Option<i64>,
    pub cared_for_id: Option<i64>,
    /// For changes: the names of the fields sent.
    pub fields: Vec<String>,
    pub detail: Option<String>,
}

fn hash(id: i64, prev: &str, e: &Entry, fields: &Option<String>) -> String {
    let content = serde_json::json!([
        id,
        prev,
        e.at,
        e.actor_id,
        e.actor_name,
        e.role,
        e.action,
        e.command,
        e.record_type,
        e.record_id,
        e.carer_id,
        e.cared_for_id,
        fields,
        e.detail
    ]);
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

fn fields_text(fields: &[String]) -> Option<String> {
    (!fields.is_empty()).then(|| serde_json::to_string(fields).expect("field names serialise"))
}

/// Appends an entry to the chain. Call inside the transaction of the access it records.
pub fn append(conn: &Connection, e: &Entry) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev) = match last {
        Some((id, h)) => (id + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let fields = fields_text(&e.fields);
    let h = hash(id, &prev, e, &fields);
    conn.execute(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, role, action, command, record_type, record_id,
                                carer_id, cared_for_id, fields, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            id,
            e.at,
            e.actor_id,
            e.actor_name,
            e.role,
            e.action,
            e.command,
            e.record_type,
            e.record_id,
            e.carer_id,
            e.cared_for_id,
            fields,
            e.detail,
            prev,
            h
        ],
    )?;
    Ok(())
}

/// What the audit trail needs to know about the command that ran.
pub struct Ran<'a> {
    pub command: &'a str,
    pub changes: bool,
    pub access: Access,
    /// The top-level argument names sent.
    pub fields: Vec<String>,
    /// The id of the record the command is about (see `Desk::run`).
    pub record_id: Option<i64>,
}

/// Whether a command's runs are written to the audit trail: everything that reads or changes
/// people's records, the organisation's settings or accounts (not version or choice lists, not
/// counts without names).
pub fn audited(access: Access) -> bool {
    !matches!(access, Access::App | Access::Counts)
}

/// The writes after a command succeeds, in its transaction: "recently viewed", and one audit
/// entry per person touched (or one for the command when it touched no one).
pub fn record(ctx: &Ctx<'_>, ran: &Ran<'_>) -> Result<()> {
    let now = ctx.now();
    for t in &ctx.touched {
        if let Touched::ViewedCarer(id) | Touched::ChangedCarer(id) = *t {
            ctx.tx.execute(
                "INSERT INTO recent_views (actor, carer_id, viewed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (actor, carer_id) DO UPDATE SET viewed_at = excluded.viewed_at",
                rusqlite::params![ctx.context.actor.id, id, now],
            )?;
        }
    }
    if !audited(ran.access) {
        return Ok(());
    }
    let actor = &ctx.context.actor;
    let base = Entry {
        at: now,
        actor_id: actor.id.clone(),
        actor_name: actor.name.clone(),
        role: actor.role.code().to_string(),
        action: action_for(ran.command, ran.changes).to_string(),
        command: ran.command.to_string(),
        record_type: record_type_for(ran.command).map(str::to_string),
        record_id: ran.record_id,
        fields: match (&ctx.audit_fields, ran.changes) {
            (Some(changed), _) => changed.clone(),
            (None, true) => ran.fields.iter().filter(|f| *f != "id").cloned().collect(),
            (None, false) => Vec::new(),
        },
        detail: ctx.audit_detail.clone(),
        ..Default::default()
    };
    let mut people: Vec<(Option<i64>, Option<i64>)> = Vec::new();
    for t in &ctx.touched {
        let person = match *t {
            Touched::ViewedCarer(id) | Touched::ChangedCarer(id) => (Some(id), None),
            Touched::ViewedCaredFor(id) | Touched::ChangedCaredFor(id) => (None, Some(id)),
        };
        if !people.contains(&person) {
            people.push(person);
        }
    }
    if people.is_empty() {
        people.push((None, None));
    }
    for (carer_id, cared_for_id) in people {
        append(ctx.tx, &Entry { carer_id, cared_for_id, ..base.clone() })?;
    }
    Ok(())
}

/// What a command does to a record, from its name (the command table is the list of names).
pub fn action_for(command: &str, changes: bool) -> &'static str {
    let has = |part: &str| command.split('_').any(|w| w == part);
    if has("anonymise") {
        "anonymise"
    } else if command.contains("print") {
        "print"
    } else if has("export") || command.starts_with("backup") {
        "export"
    } else if !changes {
        match command {
            "home" | "carer_search" | "cared_for_search" | "plans_due" | "transitions" | "passports_expiring"
            | "school_list" | "staff_list" | "audit_list" | "retention_due" | "note_list" | "assessment_list"
            | "plan_list" | "passport_list" | "backup_list" => "list",
            "import_mapping_list" => "list",
            _ => "view",
        }
    } else if has("close") || has("end") || has("revoke") {
        "close"
    } else if has("remove") || has("discard") || has("clear") || has("delete") {
        "delete"
    } else if has("create") || has("add") || has("issue") || has("start") || command == "import_commit" {
        "create"
    } else {
        "change"
    }
}

/// The kind of record a command is about, from its name.
pub fn record_type_for(command: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("cared_for_", "cared_for"),
        ("carer_", "carer"),
        ("caring_link_", "caring_link"),
        ("note_", "carer"),
        ("assessment_", "assessment"),
        ("plan_review_", "plan_review"),
        ("plan_action_", "plan_action"),
        ("plan_", "plan"),
        ("school_link_", "carer"),
        ("school_", "school"),
        ("adjustment_", "adjustment"),
        ("young_carer_", "carer"),
        ("milestone_", "carer"),
        ("handover_", "carer"),
        ("passport_", "passport"),
        ("staff_", "staff"),
        ("subject_", "person"),
    ];
    PREFIXES.iter().find(|(p, _)| command.starts_with(p)).map(|(_, t)| *t)
}

/// The result of checking the chain.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Verified {
    pub ok: bool,
    pub entries: i64,
    pub first_bad_id: Option<i64>,
    pub message: String,
}

/// Walks the chain from the first entry, recomputing every hash.
pub fn verify(conn: &Connection) -> Result<Verified> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor_id, actor_name, role, action, command, record_type, record_id, carer_id,
                cared_for_id, fields, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_id = 1;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let fields: Option<String> = r.get(11)?;
        let e = Entry {
            at: r.get(1)?,
            actor_id: r.get(2)?,
            actor_name: r.get(3)?,
            role: r.get(4)?,
            action: r.get(5)?,
            command: r.get(6)?,
            record_type: r.get(7)?,
            record_id: r.get(8)?,
            carer_id: r.get(9)?,
            cared_for_id: r.get(10)?,
            fields: Vec::new(),
            detail: r.get(12)?,
        };
        let stored_prev: String = r.get(13)?;
        let stored: String = r.get(14)?;
        let problem = if id != expected_id {
            Some(format!("entry {expected_id} is missing"))
        } else if stored_prev != prev {
            Some(format!("entry {id} does not follow the entry before it"))
        } else if hash(id, &prev, &e, &fields) != stored {
            Some(format!("entry {id} has been changed since it was written"))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Ok(Verified {
                ok: false,
                entries: n,
                first_bad_id: Some(expected_id.min(id)),
                message: format!("the audit trail has been tampered with: {problem}; keep this database and its backups and report it"),
            });
        }
        prev = stored;
        expected_id += 1;
        n += 1;
    }
    Ok(Verified { ok: true, entries: n, first_bad_id: None, message: format!("all {n} audit entries are intact") })
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Entries on or after this day (DD/MM/YYYY or YYYY-MM-DD; the day in UTC).
    pub from: Option<String>,
    /// Entries on or before this day.
    pub to: Option<String>,
    /// Part of a staff member's name or account.
    pub actor: Option<String>,
    pub carer_id: Option<i64>,
    pub cared_for_id: Option<i64>,
    pub action: Option<String>,
    pub command: Option<String>,
    /// At most this many (default 200, at most 1,000).
    pub limit: Option<u32>,
    /// Only entries older than this one (for "load more").
    pub before_id: Option<i64>,
}

/// An entry as listed.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Listed {
    pub id: i64,
    #[serde(flatten)]
    pub entry: Entry,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ListResult {
    pub entries: Vec<Listed>,
    /// More entries match than were returned.
    pub more: bool,
}

/// The filters as SQL: (where clause, parameters).
fn filters(args: &ListArgs) -> Result<(String, Vec<rusqlite::types::Value>)> {
    use rusqlite::types::Value as V;
    let mut check = Check::new("");
    let from = check.date("from", &args.from);
    let to = check.date("to", &args.to);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            check.fail("to", "the end date is before the start date: swap them");
        }
    }
    check.finish()?;
    let mut clauses = vec!["1 = 1".to_string()];
    let mut values: Vec<V> = Vec::new();
    let mut add = |clause: &str, v: V| {
        values.push(v);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(f) = from {
        add("substr(at, 1, 10) >= ?", V::Text(crate::dates::iso(f)));
    }
    if let Some(t) = to {
        add("substr(at, 1, 10) <= ?", V::Text(crate::dates::iso(t)));
    }
    if let Some(a) = args.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        let like = format!("%{}%", a.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        // Both `?` become the same numbered parameter.
        add("(actor_name LIKE ? ESCAPE '\\' OR actor_id LIKE ? ESCAPE '\\')", V::Text(like));
    }
    if let Some(id) = args.carer_id {
        add("carer_id = ?", V::Integer(id));
    }
    if let Some(id) = args.cared_for_id {
        add("cared_for_id = ?", V::Integer(id));
    }
    if let Some(a) = args.action.as_deref().filter(|a| !a.is_empty()) {
        add("action = ?", V::Text(a.to_string()));
    }
    if let Some(c) = args.command.as_deref().filter(|c| !c.is_empty()) {
        add("command = ?", V::Text(c.to_string()));
    }
    if let Some(b) = args.before_id {
        add("id < ?", V::Integer(b));
    }
    Ok((clauses.join(" AND "), values))
}

fn query(conn: &Connection, args: &ListArgs, limit: Option<u32>) -> Result<Vec<Listed>> {
    let (clause, mut values) = filters(args)?;
    let mut sql = format!(
        "SELECT id, at, actor_id, actor_name, role, action, command, record_type, record_id, carer_id,
                cared_for_id, fields, detail FROM audit_log WHERE {clause} ORDER BY id DESC"
    );
    if let Some(n) = limit {
        values.push(rusqlite::types::Value::Integer(n as i64));
        sql.push_str(&format!(" LIMIT ?{}", values.len()));
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
        let fields: Option<String> = r.get(11)?;
        Ok(Listed {
            id: r.get(0)?,
            entry: Entry {
                at: r.get(1)?,
                actor_id: r.get(2)?,
                actor_name: r.get(3)?,
                role: r.get(4)?,
                action: r.get(5)?,
                command: r.get(6)?,
                record_type: r.get(7)?,
                record_id: r.get(8)?,
                carer_id: r.get(9)?,
                cared_for_id: r.get(10)?,
                fields: fields.and_then(|f| serde_json::from_str(&f).ok()).unwrap_or_default(),
                detail: r.get(12)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Entries about one person (carer or cared-for), oldest first: for subject access.
pub fn about(conn: &Connection, carer_id: Option<i64>, cared_for_id: Option<i64>) -> Result<Vec<Listed>> {
    let args = ListArgs { carer_id, cared_for_id, ..Default::default() };
    let mut entries = query(conn, &args, None)?;
    entries.reverse();
    Ok(entries)
}

pub fn list(ctx: &mut Ctx<'_>, args: ListArgs) -> Result<ListResult> {
    let limit = args.limit.unwrap_or(200).clamp(1, 1000);
    let mut entries = query(ctx.tx, &args, Some(limit + 1))?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    Ok(ListResult { entries, more })
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    /// The CSV file to write.
    pub path: PathBuf,
    pub from: Option<String>,
    pub to: Option<String>,
    pub actor: Option<String>,
    pub carer_id: Option<i64>,
    pub cared_for_id: Option<i64>,
    pub action: Option<String>,
    pub command: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Exported {
    pub path: PathBuf,
    pub entries: usize,
}

/// Writes the matching entries, oldest first, to a CSV file (with each entry's hash, so the
/// export itself can later be checked against the database).
pub fn export(ctx: &mut Ctx<'_>, args: ExportArgs) -> Result<Exported> {
    if args.path.as_os_str().is_empty() || args.path.is_dir() {
        return Err(Error::field("path", "choose a file name for the audit trail's CSV file"));
    }
    crate::backup::protected(ctx)?.check_file("path", &args.path)?;
    let filter = ListArgs {
        from: args.from,
        to: args.to,
        actor: args.actor,
        carer_id: args.carer_id,
        cared_for_id: args.cared_for_id,
        action: args.action,
        command: args.command,
        ..Default::default()
    };
    let mut entries = query(ctx.tx, &filter, None)?;
    entries.reverse();
    let hashes: std::collections::HashMap<i64, String> = {
        let mut stmt = ctx.tx.prepare("SELECT id, hash FROM audit_log")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "at",
        "actor_id",
        "actor_name",
        "role",
        "action",
        "command",
        "record_type",
        "record_id",
        "carer_id",
        "cared_for_id",
        "fields",
        "detail",
        "hash",
    ];
    let csv_err = |e: csv::Error| Error::Io(std::io::Error::other(e));
    out.write_record(header).map_err(csv_err)?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for l in &entries {
        let e = &l.entry;
        out.write_record([
            l.id.to_string(),
            e.at.clone(),
            e.actor_id.clone(),
            e.actor_name.clone(),
            e.role.clone(),
            e.action.clone(),
            e.command.clone(),
            e.record_type.clone().unwrap_or_default(),
            opt(e.record_id),
            opt(e.carer_id),
            opt(e.cared_for_id),
            e.fields.join(" "),
            e.detail.clone().unwrap_or_default(),
            hashes.get(&l.id).cloned().unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = out.into_inner().map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    crate::files::write_replace(&args.path, &bytes).map_err(|e| {
        Error::field(
            "path",
            format!("the file {} could not be written ({e}): choose a folder you can write to", args.path.display()),
        )
    })?;
    Ok(Exported { path: args.path, entries: entries.len() })
}

pub fn verify_command(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Verified> {
    verify(ctx.tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_come_from_command_names() {
        let table = [
            ("carer_get", false, "view"),
            ("carer_search", false, "list"),
            ("carer_create", true, "create"),
            ("carer_add_cared_for", true, "create"),
            ("note_add", true, "create"),
            ("passport_issue", true, "create"),
            ("assessment_start", true, "create"),
            ("carer_update", true, "change"),
            ("assessment_save", true, "change"),
            ("carer_close", true, "close"),
            ("plan_end", true, "close"),
            ("adjustment_end", true, "close"),
            ("passport_revoke", true, "close"),
            ("caring_link_remove", true, "delete"),
            ("plan_discard", true, "delete"),
            ("passport_photo_clear", true, "delete"),
            ("import_mapping_delete", true, "delete"),
            ("import_commit", true, "create"),
            ("import_mapping_save", true, "change"),
            ("import_mapping_list", false, "list"),
            ("import_dry_run", false, "view"),
            ("plan_print", false, "print"),
            ("passports_print", false, "print"),
            ("subject_export", false, "export"),
            ("audit_export", false, "export"),
            ("backup_now", false, "export"),
            ("carer_anonymise", true, "anonymise"),
        ];
        for (command, changes, want) in table {
            assert_eq!(action_for(command, changes), want, "{command}");
        }
        assert_eq!(record_type_for("cared_for_get"), Some("cared_for"));
        assert_eq!(record_type_for("carer_get"), Some("carer"));
        assert_eq!(record_type_for("plan_review_get"), Some("plan_review"));
        assert_eq!(record_type_for("home"), None);
    }

    fn entry(n: i64) -> Entry {
        Entry {
            at: format!("2026-11-28T10:00:{n:02}.000Z"),
            actor_id: "staff:1".into(),
            actor_name: "Amy".into(),
            role: "administrator".into(),
            action: "view".into(),
            command: "carer_get".into(),
            record_type: Some("carer".into()),
            record_id: Some(n),
            carer_id: Some(n),
            fields: vec!["first_name".into()],
            ..Default::default()
        }
    }

    fn db() -> Connection {
        let conn = crate::db::open_in_memory().unwrap();
        for n in 1..=5 {
            append(&conn, &entry(n)).unwrap();
        }
        conn
    }

    #[test]
    fn the_chain_verifies_and_the_table_refuses_changes() {
        let conn = db();
        let v = verify(&conn).unwrap();
        assert!(v.ok, "{}", v.message);
        assert_eq!(v.entries, 5);
        let e = conn.execute("UPDATE audit_log SET actor_name = 'Bob' WHERE id = 3", []).unwrap_err();
        assert!(e.to_string().contains("cannot be changed"), "{e}");
        let e = conn.execute("DELETE FROM audit_log WHERE id = 3", []).unwrap_err();
        assert!(e.to_string().contains("cannot be deleted"), "{e}");
    }

    #[test]
    fn tampering_is_found_at_the_entry_tampered_with() {
        // Someone with the key drops the triggers and edits or removes a row.
        for (tamper, bad) in [
            ("UPDATE audit_log SET actor_name = 'Bob' WHERE id = 3", 3),
            ("UPDATE audit_log SET fields = NULL WHERE id = 2", 2),
            ("DELETE FROM audit_log WHERE id = 4", 4),
            ("UPDATE audit_log SET hash = 'x' WHERE id = 5", 5),
        ] {
            let conn = db();
            conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
            conn.execute(tamper, []).unwrap();
            let v = verify(&conn).unwrap();
            assert!(!v.ok, "{tamper}");
            assert_eq!(v.first_bad_id, Some(bad), "{tamper}: {}", v.message);
            assert!(v.message.contains("tampered"), "{}", v.message);
        }
    }
}
