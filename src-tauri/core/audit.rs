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
//! - entries hold no personal details: record ids, command names and field names only;
//! - the chain's head (the newest entry's number and hash: an [`Anchor`]) is kept outside the
//!   database: appended to `<database>.anchors` after every change, print, export, backup and
//!   sign-in or sign-out ([`record_anchor`]); carried by every backup (its own trail), register
//!   export, subject access copy and monitoring report. [`verify_with`] checks the chain against
//!   every anchor it is given, so rewriting past entries, even by someone with a passphrase and
//!   the files who recomputes every hash, is found as long as one later anchor is out of their
//!   reach (docs/security.md says exactly what is and is not found).
//!
//! The organisation server (or any other place anchors are sent) is a second copy of the same
//! anchors: it keeps what [`head`] gives after each change and hands them back to
//! [`verify_with`]; nothing else is needed from this module.

use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::context::{Access, Ctx, Role, Touched};
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
    /// `sign_in`, `sign_out`, `lock`, `setup`, `recover`, `passphrase`, `restore`, `rekey`,
    /// `refused` ([`Refusal`]).
    pub action: String,
    pub command: String,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub carer_id: Option<i64>,
    pub cared_for_id: Option<i64>,
    /// For changes: the names of the fields sent.
    pub fields: Vec<String>,
    pub detail: Option<String>,
    /// The client's network address when the command came through carers-desk-server;
    /// `None` on the computer the register is on.
    pub computer: Option<String>,
}

fn hash(id: i64, prev: &str, e: &Entry, fields: &Option<String>) -> String {
    let mut content = serde_json::json!([
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
    // Hashed only when set: entries from before the column keep the hashes they were written with.
    if let (Some(computer), Some(list)) = (&e.computer, content.as_array_mut()) {
        list.push(computer.as_str().into());
    }
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

fn fields_text(fields: &[String]) -> Option<String> {
    (!fields.is_empty()).then(|| serde_json::to_string(fields).expect("field names serialise"))
}

/// Appends an entry to the chain. Call inside the transaction of the access it records.
pub fn append(conn: &Connection, e: &Entry) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev) = match last {
        Some((id, h)) => (id + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let fields = fields_text(&e.fields);
    let h = hash(id, &prev, e, &fields);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, role, action, command, record_type, record_id,
                                carer_id, cared_for_id, fields, detail, prev_hash, hash, computer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
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
        h,
        e.computer
    ])?;
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
    let now = ctx.clock();
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
        computer: ctx.context.computer.clone(),
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

/// The audit entry of a session command (signing in, locking, recovery, a passphrase change,
/// a restore): it is about the staff account itself.
pub fn session_entry(
    staff_id: i64,
    name: &str,
    role: Role,
    action: &str,
    command: &str,
    detail: Option<&str>,
) -> Entry {
    Entry {
        at: crate::context::clock(),
        actor_id: format!("staff:{staff_id}"),
        actor_name: name.to_string(),
        role: role.code().to_string(),
        action: action.to_string(),
        command: command.to_string(),
        record_type: Some("staff".into()),
        record_id: Some(staff_id),
        detail: detail.map(str::to_string),
        ..Default::default()
    }
}

/// Writes a session command's entry in its own transaction, and the chain's head outside the
/// register. Session commands open and close the register themselves, so they run outside
/// [`crate::Desk::call`]'s transaction and write their entry while the register it belongs in
/// is open: before a lock closes it; for a restore, one in the replaced register and one in
/// the restored one.
pub fn record_session(conn: &mut Connection, entry: &Entry) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    append(&tx, entry)?;
    tx.commit()?;
    if let Some(db) = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from) {
        let _ = record_anchor(conn, &db, &entry.command);
    }
    Ok(())
}

/// Why a command was refused, as the trail says it: fixed words, never the arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refusal {
    /// The account's role may not run the command.
    Role,
    /// The record belongs to another school than the school staff account's.
    School,
    /// Any other refusal by the command itself.
    NotPermitted,
    /// Nobody was signed in.
    Locked,
}

impl Refusal {
    /// The refusal a command's error is, if it is one.
    pub fn of(e: &Error) -> Option<Refusal> {
        match e {
            Error::NotPermitted(m) if m == crate::context::OTHER_SCHOOL => Some(Refusal::School),
            Error::NotPermitted(_) => Some(Refusal::NotPermitted),
            Error::Locked => Some(Refusal::Locked),
            _ => None,
        }
    }

    fn words(self, role: &str) -> String {
        match self {
            Refusal::Role => format!("refused: not open to {role} accounts"),
            Refusal::School => "refused: a record outside the account's school".into(),
            Refusal::NotPermitted => "refused: not permitted for this account".into(),
            Refusal::Locked => "refused: nobody was signed in".into(),
        }
    }
}

/// The refusals in one session, so a flood of them (a script, a screen asking again and again)
/// does not bloat the trail: the first refusal of each command for each reason is written at
/// once ([`record_refusal`]); the rest are only counted, and written as one entry per command
/// and reason when the session ends ([`record_repeated_refusals`]). Nobody signed in: the
/// refusals are counted and written when someone next signs in.
#[derive(Debug, Default)]
pub struct Refusals {
    repeats: std::collections::BTreeMap<(String, Refusal), u32>,
}

impl Refusals {
    /// Counts a refusal; true when it is the first of its kind (to be written now).
    pub fn note(&mut self, command: &str, why: Refusal) -> bool {
        match self.repeats.get_mut(&(command.to_string(), why)) {
            Some(n) => {
                *n += 1;
                false
            }
            None => {
                self.repeats.insert((command.to_string(), why), 0);
                true
            }
        }
    }

    /// Refusals counted but not yet written (each kind's first was), and starts again.
    fn take(&mut self) -> Vec<(String, Refusal, u32)> {
        std::mem::take(&mut self.repeats).into_iter().filter(|(_, n)| *n > 0).map(|((c, w), n)| (c, w, n)).collect()
    }

    /// Every refusal counted (none was written), and starts again.
    fn take_all(&mut self) -> Vec<(String, Refusal, u32)> {
        std::mem::take(&mut self.repeats).into_iter().map(|((c, w), n)| (c, w, n + 1)).collect()
    }

    /// Whether anything is counted and not yet written.
    pub fn pending(&self) -> bool {
        self.repeats.values().any(|n| *n > 0)
    }
}

/// The entry for a refused command: who (the signed-in account, or nobody), which command and
/// record id, and why in fixed words; no argument values, no field names.
pub fn refusal_entry(
    actor: Option<&crate::context::Actor>,
    command: &str,
    record_id: Option<i64>,
    why: Refusal,
) -> Entry {
    let role = actor.map(|a| a.role.code().to_string()).unwrap_or_default();
    let role_words = actor.map(|a| a.role.label().to_lowercase()).unwrap_or_default();
    Entry {
        at: crate::context::clock(),
        actor_id: actor.map(|a| a.id.clone()).unwrap_or_default(),
        actor_name: actor.map(|a| a.name.clone()).unwrap_or_else(|| "nobody signed in".into()),
        role,
        action: "refused".into(),
        command: command.to_string(),
        record_type: record_id.and(record_type_for(command)).map(str::to_string),
        record_id,
        detail: Some(why.words(&role_words)),
        ..Default::default()
    }
}

/// Writes a refused command's entry in its own transaction (the command's own was rolled
/// back), if it is the first of its kind in `seen`.
pub fn record_refusal(conn: &mut Connection, seen: &mut Refusals, entry: Entry, why: Refusal) -> Result<()> {
    if seen.note(&entry.command, why) {
        record_session(conn, &entry)?;
    }
    Ok(())
}

/// Writes one entry for each command and reason refused more than once since the first was
/// written ("and 41 more times"), as `actor` (or nobody), and starts the counts again.
pub fn record_repeated_refusals(
    conn: &mut Connection,
    seen: &mut Refusals,
    actor: Option<&crate::context::Actor>,
) -> Result<()> {
    if !seen.pending() {
        *seen = Refusals::default();
        return Ok(());
    }
    let counted = seen.take();
    write_counted(conn, actor, counted, |n| {
        if n == 1 {
            "once more in the same session".to_string()
        } else {
            format!("{n} more times in the same session")
        }
    })
}

/// Writes the refusals counted while nobody was signed in (the register was closed), one entry
/// per command, when someone next signs in.
pub fn record_refused_while_locked(conn: &mut Connection, seen: &mut Refusals) -> Result<()> {
    if seen.repeats.is_empty() {
        return Ok(());
    }
    let counted = seen.take_all();
    write_counted(conn, None, counted, |n| if n == 1 { "once".to_string() } else { format!("{n} times") })
}

fn write_counted(
    conn: &mut Connection,
    actor: Option<&crate::context::Actor>,
    counted: Vec<(String, Refusal, u32)>,
    times: impl Fn(u32) -> String,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (command, why, n) in counted {
        let mut entry = refusal_entry(actor, &command, None, why);
        entry.detail = entry.detail.map(|d| format!("{d} ({})", times(n)));
        append(&tx, &entry)?;
    }
    tx.commit()?;
    if let Some(db) = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from) {
        let _ = record_anchor(conn, &db, "refused");
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
    /// Each anchor compared with the chain (empty when none were given).
    #[serde(default)]
    pub anchors: Vec<AnchorCheck>,
    /// What the full check of the register file found (`integrity_check` and SQLCipher's
    /// check of every page): empty when it is sound, or when only the chain was checked.
    #[serde(default)]
    pub register_problems: Vec<String>,
}

/// Where the chain stood at a moment: the newest entry's number and hash, kept outside the
/// database (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Anchor {
    /// The newest entry's number.
    pub entry: i64,
    /// Its hash, in hex: all 64 characters, or at least the first 16 when typed from a print.
    pub hash: String,
    /// When it was taken (UTC), if known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
    /// What took it: a command (`backup_now`, `session_unlock` ...) or the file it was read from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

impl Anchor {
    /// The hash as printed for people to compare: the first 16 hex digits in groups of four.
    pub fn fingerprint(&self) -> String {
        let h: String = self.hash.chars().take(16).collect();
        h.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
    }

    /// One line for a document or a read-me: "entry 1234, fingerprint 3f2a 9c01 …".
    pub fn text(&self) -> String {
        format!("entry {}, fingerprint {}", self.entry, self.fingerprint())
    }
}

/// One anchor compared with the chain.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AnchorCheck {
    pub source: String,
    pub entry: i64,
    pub at: String,
    pub ok: bool,
    pub message: String,
}

/// The newest entry as an anchor (`None` for an empty trail).
pub fn head(conn: &Connection) -> Result<Option<Anchor>> {
    Ok(conn
        .query_row("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
            Ok(Anchor { entry: r.get(0)?, hash: r.get(1)?, at: r.get(2)?, source: String::new() })
        })
        .optional()?)
}

/// The anchor file beside a register: `<database>.anchors`, one JSON anchor a line.
pub fn anchors_path(db: &std::path::Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".anchors");
    PathBuf::from(name)
}

/// Appends the chain's head to the register's anchor file (made private if new). Called after
/// the transaction that wrote the entries committed. A failure is reported but changes
/// nothing already saved.
pub fn record_anchor(conn: &Connection, db: &std::path::Path, source: &str) -> Result<()> {
    let Some(mut anchor) = head(conn)? else { return Ok(()) };
    anchor.source = source.to_string();
    append_anchor(&anchors_path(db), &anchor)
}

fn append_anchor(path: &std::path::Path, anchor: &Anchor) -> Result<()> {
    use std::io::Write;
    let line = format!("{}\n", serde_json::to_string(anchor).expect("anchors serialise"));
    let open = || std::fs::OpenOptions::new().append(true).open(path);
    let mut file = match open() {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            drop(crate::files::create_private(path).or_else(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => open(),
                _ => Err(e),
            })?);
            open()?
        }
        Err(e) => return Err(e.into()),
    };
    // One write of one line: appends from several processes do not interleave within a line.
    file.write_all(line.as_bytes())?;
    Ok(())
}

/// The anchors in a register's anchor file (lines that cannot be read are reported as
/// anchors that fail).
pub fn local_anchors(db: &std::path::Path) -> Vec<std::result::Result<Anchor, String>> {
    let path = anchors_path(db);
    let Ok(text) = std::fs::read_to_string(&path) else { return Vec::new() };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            serde_json::from_str::<Anchor>(l)
                .map_err(|_| format!("line {} of {} cannot be read", n + 1, path.display()))
        })
        .collect()
}

/// Anchors found in a file a user keeps: a backup (its own trail's newest entry), a register
/// export folder or its `register.json`, a subject access `.json`, a monitoring report `.json`,
/// an audit trail `.csv` export (every line), or an anchor file.
pub fn anchors_in_file(path: &std::path::Path, key: Option<&[u8; 32]>) -> std::result::Result<Vec<Anchor>, String> {
    let source = path.display().to_string();
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let tag = |mut a: Anchor| {
        a.source = source.clone();
        a
    };
    if path.is_dir() {
        return anchors_in_file(&path.join("register.json"), key);
    }
    if name.ends_with(".anchors") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{source} cannot be read ({e})"))?;
        return text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str::<Anchor>(l)
                    .map(&tag)
                    .map_err(|_| format!("{source} has a line that is not an anchor"))
            })
            .collect();
    }
    if name.ends_with(".json") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{source} cannot be read ({e})"))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| format!("{source} is not a JSON file"))?;
        let found = [&v["audit_anchor"], &v["about"]["audit_anchor"]]
            .into_iter()
            .find_map(|a| serde_json::from_value::<Anchor>(a.clone()).ok());
        return found.map(|a| vec![tag(a)]).ok_or_else(|| format!("{source} carries no audit anchor"));
    }
    if name.ends_with(".csv") {
        let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{source} cannot be read ({e})"))?;
        let headers = reader.headers().map_err(|e| format!("{source}: {e}"))?.clone();
        let col = |n: &str| headers.iter().position(|h| h == n);
        let (Some(id), Some(hash), at) = (col("id"), col("hash"), col("at")) else {
            return Err(format!("{source} is not an audit trail export"));
        };
        let mut out = Vec::new();
        for row in reader.records() {
            let row = row.map_err(|e| format!("{source}: {e}"))?;
            let entry =
                row.get(id).and_then(|v| v.parse().ok()).ok_or_else(|| format!("{source} has a row without an id"))?;
            out.push(tag(Anchor {
                entry,
                hash: row.get(hash).unwrap_or_default().to_string(),
                at: at.and_then(|i| row.get(i)).unwrap_or_default().to_string(),
                source: String::new(),
            }));
        }
        return Ok(out);
    }
    let key = key.ok_or_else(|| format!("{source} is a database: open Carers Desk to check it"))?;
    let conn = crate::vault::open_encrypted(path, key)
        .map_err(|_| format!("{source} cannot be opened with this register's key"))?;
    match head(&conn).map_err(|e| format!("{source}: {e}"))? {
        Some(a) => Ok(vec![tag(a)]),
        None => Ok(Vec::new()),
    }
}

/// Compares each anchor with the chain: the entry it names must be there with the same hash
/// (a hash that begins the same, for at least 16 digits typed from a print).
///
/// A restore starts the trail again from the backup's point: an anchor taken before a restore
/// recorded in the trail, naming an entry at or after the restore's own entry, belongs to the
/// register that was replaced, and is reported as such (a restore nobody remembers making is
/// itself something to report).
pub fn check_anchors(conn: &Connection, anchors: &[Anchor]) -> Result<Vec<AnchorCheck>> {
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0))?;
    let restores: Vec<(i64, String)> = {
        let mut stmt = conn.prepare("SELECT id, at FROM audit_log WHERE action = 'restore' ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::new();
    for a in anchors {
        let when = if a.at.is_empty() { String::new() } else { format!(" on {}", crate::dates::uk_text(&a.at)) };
        let replaced = restores.iter().find(|(id, at)| !a.at.is_empty() && a.at < *at && a.entry >= *id);
        if let Some((id, at)) = replaced {
            out.push(AnchorCheck {
                source: a.source.clone(),
                entry: a.entry,
                at: a.at.clone(),
                ok: true,
                message: format!(
                    "{} is from the register replaced by the restore on {} (entry {id})",
                    a.source,
                    crate::dates::uk_text(at)
                ),
            });
            continue;
        }
        let wanted = a.hash.trim().to_lowercase().replace(' ', "");
        let stored: Option<String> =
            conn.query_row("SELECT hash FROM audit_log WHERE id = ?1", [a.entry], |r| r.get(0)).optional()?;
        let (ok, message) = match stored {
            _ if wanted.len() < 16 || !wanted.bytes().all(|b| b.is_ascii_hexdigit()) => {
                (false, format!("the anchor from {} is not a fingerprint of at least 16 hex digits", a.source))
            }
            None if a.entry > last => (
                false,
                format!(
                    "the trail ends at entry {last}, but {} recorded entry {}{when}: the newest entries were removed (or the register's last changes were lost)",
                    a.source, a.entry
                ),
            ),
            None => (false, format!("entry {} recorded by {}{when} is missing from the trail", a.entry, a.source)),
            Some(h) if h.starts_with(&wanted) => (true, format!("entry {} matches {}{when}", a.entry, a.source)),
            Some(_) => (
                false,
                format!(
                    "entry {} or one before it was changed or removed after {} recorded it{when}",
                    a.entry, a.source
                ),
            ),
        };
        out.push(AnchorCheck { source: a.source.clone(), entry: a.entry, at: a.at.clone(), ok, message });
    }
    Ok(out)
}

/// [`verify`], then every anchor compared with the chain ([`check_anchors`]); `problems`
/// are anchors that could not be read, reported as failures.
pub fn verify_with(conn: &Connection, anchors: &[Anchor], problems: Vec<String>) -> Result<Verified> {
    let mut v = verify(conn)?;
    v.anchors = check_anchors(conn, anchors)?;
    v.anchors.extend(problems.into_iter().map(|p| AnchorCheck {
        source: String::new(),
        entry: 0,
        at: String::new(),
        ok: false,
        message: p,
    }));
    if let Some(bad) = v.anchors.iter().find(|a| !a.ok) {
        if v.ok {
            v.ok = false;
            v.first_bad_id = Some(bad.entry);
            v.message = format!(
                "the audit trail does not match what was recorded outside it: {}; keep this database, its backups and the anchor file, and report it",
                bad.message
            );
        }
    } else if v.ok && !v.anchors.is_empty() {
        v.message = format!("{}, and match {} anchors kept outside the register", v.message, v.anchors.len());
    }
    Ok(v)
}

/// Walks the chain from the first entry, recomputing every hash.
pub fn verify(conn: &Connection) -> Result<Verified> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor_id, actor_name, role, action, command, record_type, record_id, carer_id,
                cared_for_id, fields, detail, prev_hash, hash, computer FROM audit_log ORDER BY id",
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
            computer: r.get(15)?,
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
                anchors: Vec::new(),
                register_problems: Vec::new(),
            });
        }
        prev = stored;
        expected_id += 1;
        n += 1;
    }
    Ok(Verified {
        ok: true,
        entries: n,
        first_bad_id: None,
        message: format!("all {n} audit entries are intact"),
        anchors: Vec::new(),
        register_problems: Vec::new(),
    })
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
                cared_for_id, fields, detail, computer FROM audit_log WHERE {clause} ORDER BY id DESC"
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
                computer: r.get(13)?,
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
        "computer",
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
            e.computer.clone().unwrap_or_default(),
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

/// Arguments of `audit_verify`: anchors kept elsewhere, besides the register's own anchor file
/// and the backups in the backup folder (always compared).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyArgs {
    /// Anchors typed in, for example from a printed monitoring report or the server.
    #[serde(default)]
    pub anchors: Vec<Anchor>,
    /// Files that carry anchors: a backup, a register export folder, a subject access `.json`,
    /// a monitoring report `.json`, an audit trail `.csv` export, an anchor file.
    #[serde(default)]
    pub files: Vec<PathBuf>,
}

/// `audit_verify`: the register file (SQLite's full `integrity_check` and SQLCipher's check of
/// every page), the chain, then every anchor: the register's anchor file, each backup in the
/// backup folder, and those given.
pub fn verify_command(ctx: &mut Ctx<'_>, args: VerifyArgs) -> Result<Verified> {
    // On a connection of its own for a register file: SQLCipher leaves a connection that met a
    // damaged page unusable, and this one must still answer.
    let damage = match ctx.vault {
        Some(vault) => {
            let conn = crate::vault::open_encrypted(&vault.db_path, &vault.key);
            match conn {
                Ok(conn) => {
                    conn.busy_timeout(std::time::Duration::from_secs(5))?;
                    crate::db::problems(&conn, true)?
                }
                Err(e) => vec![e.to_string()],
            }
        }
        None => crate::db::problems(ctx.tx, true)?,
    };
    let mut v = verify_chain_and_anchors(ctx, args)?;
    if !damage.is_empty() {
        v.message = format!(
            "the register file is damaged ({}): some records may not open. Make no more changes; restore the newest backup that checks out (Backups, Check), and keep this file for whoever looks into it. The audit trail: {}",
            damage[0], v.message
        );
        v.ok = false;
        v.register_problems = damage;
    } else if v.ok {
        v.message = format!("the register file is intact and {}", v.message);
    }
    Ok(v)
}

fn verify_chain_and_anchors(ctx: &mut Ctx<'_>, args: VerifyArgs) -> Result<Verified> {
    let mut anchors = args.anchors;
    let mut problems = Vec::new();
    let key = ctx.vault.map(|v| *v.key);
    if let Some(vault) = ctx.vault {
        for a in local_anchors(&vault.db_path) {
            match a {
                Ok(mut a) => {
                    a.source = format!("the anchor file ({})", a.source);
                    anchors.push(a)
                }
                Err(p) => problems.push(p),
            }
        }
        let folder = crate::backup::folder(ctx.tx, &vault.db_path)?;
        for b in crate::backup::backups_in(&folder)? {
            // A backup made before the key was changed is not this key's to read: skipped.
            if let Ok(found) = anchors_in_file(&b, key.as_ref()) {
                anchors.extend(found);
            }
        }
    }
    for f in &args.files {
        match anchors_in_file(f, key.as_ref()) {
            Ok(found) => anchors.extend(found),
            Err(p) => problems.push(p),
        }
    }
    verify_with(ctx.tx, &anchors, problems)
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
