//! Exporting the whole register, for moving to another system or keeping an archive: every
//! table of records as a CSV file and all of them in one JSON file, with a data dictionary
//! that says what each column holds and what its codes mean. Administrators only; audited.
//!
//! What is left out: the search index and "recently viewed" (rebuilt from the records), the
//! audit trail (its own export keeps each entry's hash: `audit_export`), and the database's
//! internal version table. Pictures (passport photos, the card logo) are written as files
//! beside the tables, and the tables name the file.
//!
//! The export is written into a hidden `.partial` folder and renamed only when every file is
//! written, so a failed export leaves nothing that looks complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::subject;

/// Arguments of `register_export`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    /// An existing folder: the export is written to a new folder inside it,
    /// `carers-desk-export-YYYY-MM-DD` (with `-2`, `-3` … when that name is taken).
    pub folder: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Exported {
    /// The new folder holding the export.
    pub folder: String,
    /// Every file written, relative to `folder`.
    pub files: Vec<String>,
    /// How many rows each table holds, in the order written.
    pub tables: Vec<TableRows>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TableRows {
    pub name: String,
    pub rows: u64,
}

/// Tables not exported: rebuilt from the records, internal, or exported on their own.
const LEFT_OUT: &[&str] = &["meta", "recent_views", "audit_log"];
/// Columns that are the register's key bookkeeping, not anyone's data (public keys the
/// database key is sealed to, a re-key due: of no use in another system), and the secret keys as
/// wrapped by each passphrase, which must never leave the encrypted register: an export is a
/// plain folder, and a wrapped secret there could be attacked offline by guessing passphrases.
const LEFT_OUT_COLUMNS: &[&str] =
    &["public_key", "key_secret", "recovery_public_key", "recovery_key_secret", "rekey_due"];

/// The order tables are written in (people first); any table not named here follows in
/// alphabetical order, so a table added later is still exported.
const ORDER: &[&str] = &[
    "carers",
    "cared_for",
    "cared_for_conditions",
    "caring_links",
    "caring_link_kinds",
    "notes",
    "assessments",
    "assessment_needs",
    "support_plans",
    "plan_needs",
    "plan_outcomes",
    "plan_actions",
    "plan_reviews",
    "schools",
    "school_links",
    "adjustments",
    "milestones_done",
    "handovers",
    "young_carer_cards",
    "passports",
    "passport_events",
    "passport_asks",
    "support_catalogue",
    "import_mappings",
    "staff",
    "settings",
];

/// What each table holds, for the data dictionary.
fn table_meaning(table: &str) -> &'static str {
    match table {
        "carers" => "The carers register: one row per carer, open or closed.",
        "cared_for" => "People cared for: one row per person, whoever cares for them.",
        "cared_for_conditions" => "A cared-for person's conditions: one row per condition.",
        "caring_links" => "Who cares for whom: one row per carer and cared-for person.",
        "caring_link_kinds" => "The kinds of care a carer gives a cared-for person: one row per kind.",
        "notes" => "Case notes on a carer's timeline.",
        "assessments" => "Carers' assessments (adult, young carer, parent carer, transition): one row per version.",
        "assessment_needs" => "The needs an assessment identified, with their eligibility.",
        "support_plans" => "Support plans and their contingency plans: one row per version.",
        "plan_needs" => "The needs a support plan covers.",
        "plan_outcomes" => "The outcomes a carer wants, in a support plan.",
        "plan_actions" => "A support plan's actions: what will happen, who does it, by when, progress.",
        "plan_reviews" => "Reviews of support plans (planned and unplanned).",
        "schools" => "Schools young carers attend.",
        "school_links" => "A young carer's school: year group, tutor group, census code, contact.",
        "adjustments" => "Adjustments a school agreed for a young carer.",
        "milestones_done" => "Transition to adulthood milestones recorded as done.",
        "handovers" => "Handovers of young carers to the adult carers service.",
        "young_carer_cards" => "What a young carer's card says.",
        "passports" => "Carer passports and young carer cards issued.",
        "passport_events" => "A passport's history: issued, renewed, reissued, revoked, changed.",
        "passport_asks" => "What holders of each passport type may ask for (the organisation's lists).",
        "support_catalogue" => "The organisation's support catalogue that plan actions are chosen from.",
        "import_mappings" => "Saved column mappings for importing spreadsheets.",
        "staff" => "Staff accounts: username, name, role (no passphrases: those are never stored).",
        "settings" => "The organisation's settings.",
        _ => "",
    }
}

pub fn register_export(ctx: &mut Ctx<'_>, args: ExportArgs) -> Result<Exported> {
    let parent = subject::check_folder(&args.folder)?;
    crate::backup::protected(ctx)?.check_folder("folder", &parent)?;
    let today = ctx.today();
    let name = free_name(&parent, &format!("carers-desk-export-{today}"));
    let partial = parent.join(format!(".{name}.partial"));
    let cannot = |e: std::io::Error| {
        Error::field(
            "folder",
            format!("the export could not be written in {} ({e}): choose a folder you can write to", parent.display()),
        )
    };
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(cannot)?;
    }
    crate::files::create_dir_private(&partial).map_err(cannot)?;
    let written = write_all(ctx, &partial, &name).and_then(|out| {
        let target = parent.join(&name);
        crate::files::rename_replacing(&partial, &target).map_err(cannot)?;
        Ok(Exported { folder: target.display().to_string(), ..out })
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    let out = written?;
    let carers = out.tables.iter().find(|t| t.name == "carers").map_or(0, |t| t.rows);
    let people = out.tables.iter().find(|t| t.name == "cared_for").map_or(0, |t| t.rows);
    ctx.audit_detail = Some(format!(
        "whole register ({carers} carers, {people} cared-for people, {} tables) to {}",
        out.tables.len(),
        out.folder
    ));
    Ok(out)
}

/// `base`, or `base-2`, `base-3` … whichever is not yet taken in `parent`.
fn free_name(parent: &Path, base: &str) -> String {
    (1..)
        .map(|n| if n == 1 { base.to_string() } else { format!("{base}-{n}") })
        .find(|n| !parent.join(n).exists())
        .expect("some name is free")
}

/// The tables exported, in [`ORDER`], then any others alphabetically.
fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT LIKE 'carer_search%' ORDER BY name",
    )?;
    let mut all: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?
        .into_iter()
        .filter(|t| !LEFT_OUT.contains(&t.as_str()))
        .collect();
    all.sort_by_key(|t| (ORDER.iter().position(|o| o == t).unwrap_or(ORDER.len()), t.clone()));
    Ok(all)
}

/// One column as the database declares it.
struct ColumnInfo {
    name: String,
    kind: String,
    required: bool,
    primary_key: bool,
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<ColumnInfo>> {
    let mut stmt = conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols: Vec<ColumnInfo> = stmt
        .query_map([table], |r| {
            Ok(ColumnInfo {
                name: r.get(0)?,
                kind: r.get::<_, String>(1)?.to_uppercase(),
                // A primary key is always there, whatever the declaration says.
                required: r.get::<_, i64>(2)? != 0 || r.get::<_, i64>(3)? != 0,
                primary_key: r.get::<_, i64>(3)? != 0,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(cols.into_iter().filter(|c| !LEFT_OUT_COLUMNS.contains(&c.name.as_str())).collect())
}

/// `column` → `table.column` it refers to.
fn references(conn: &Connection, table: &str) -> Result<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare("SELECT \"from\", \"table\", coalesce(\"to\", 'id') FROM pragma_foreign_key_list(?1)")?;
    let refs = stmt
        .query_map([table], |r| {
            Ok((r.get::<_, String>(0)?, format!("{}.{}", r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(refs)
}

fn csv_writer(path: &Path) -> Result<csv::Writer<BufWriter<File>>> {
    let mut file = BufWriter::new(crate::files::create_private(path).map_err(|e| io(path, e))?);
    // A byte-order mark, so Excel opens the UTF-8 file with the right characters (é, £, ’).
    file.write_all("\u{feff}".as_bytes()).map_err(|e| io(path, e))?;
    Ok(csv::Writer::from_writer(file))
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::field(
        "folder",
        format!(
            "the export could not write {} ({e}): check there is space and you can write to the folder",
            path.display()
        ),
    )
}

/// A picture's file extension from its first bytes.
fn picture_extension(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        "jpg"
    } else {
        "bin"
    }
}

/// Writes every table, the JSON file, the data dictionary and the read-me into `dir`.
// Long: the export's files written in the order the read-me lists them, each a few lines.
fn write_all(ctx: &Ctx<'_>, dir: &Path, name: &str) -> Result<Exported> {
    let conn: &Connection = ctx.tx;
    let list = tables(conn)?;
    let total = list.len() as u64 + 2;
    let mut files = Vec::new();
    let mut counts = Vec::new();

    let json_path = dir.join("register.json");
    let mut json_out = BufWriter::new(crate::files::create_private(&json_path).map_err(|e| io(&json_path, e))?);
    let schema = crate::db::schema_version();
    let organisation = crate::settings::load(conn)?.organisation_name;
    let head = json!({
        "format": "carers-desk-register-export",
        "format_version": 1,
        "schema_version": schema,
        "exported_on": ctx.today().to_string(),
        "exported_at": ctx.now(),
        "exported_by": ctx.context.actor.name,
        // Where the audit trail stood: `carers-desk-cli audit verify --anchor` compares it.
        "audit_anchor": crate::audit::head(conn)?,
        "organisation": organisation,
    });
    // The header's fields, then "tables": { name: [rows…], … }, streamed row by row.
    let head_text = serde_json::to_string(&head).expect("JSON");
    let j = |r: std::io::Result<()>| r.map_err(|e| io(&json_path, e));
    j(write!(json_out, "{},\n\"tables\": {{", &head_text[..head_text.len() - 1]))?;

    let pictures = dir.join("pictures");
    for (t, table) in list.iter().enumerate() {
        ctx.progress(t as u64, total);
        let cols = columns(conn, table)?;
        let csv_name = format!("{table}.csv");
        let csv_path = dir.join(&csv_name);
        let mut csv = csv_writer(&csv_path)?;
        csv.write_record(cols.iter().map(|c| c.name.as_str())).map_err(|e| io(&csv_path, e))?;
        j(write!(json_out, "{}\n{}: [", if t == 0 { "" } else { "," }, Value::String(table.clone())))?;

        let names = cols.iter().map(|c| format!("\"{}\"", c.name.replace('"', "\"\""))).collect::<Vec<_>>().join(", ");
        let mut stmt = conn
            .prepare(&format!("SELECT {names} FROM \"{table}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT {names} FROM \"{table}\"")))?;
        let mut rows = stmt.query([])?;
        let mut n: u64 = 0;
        let mut cells: Vec<String> = Vec::with_capacity(cols.len());
        while let Some(r) = rows.next()? {
            cells.clear();
            let mut object = serde_json::Map::new();
            for (i, col) in cols.iter().enumerate() {
                let (cell, value) = match r.get_ref(i)? {
                    ValueRef::Null => (String::new(), Value::Null),
                    ValueRef::Integer(v) => (v.to_string(), json!(v)),
                    ValueRef::Real(v) => (v.to_string(), json!(v)),
                    ValueRef::Text(t) => {
                        let s = String::from_utf8_lossy(t).into_owned();
                        let v = if subject::JSON_COLUMNS.contains(&col.name.as_str()) {
                            serde_json::from_str(&s).unwrap_or_else(|_| Value::String(s.clone()))
                        } else {
                            Value::String(s.clone())
                        };
                        (s, v)
                    }
                    ValueRef::Blob(b) => {
                        crate::files::create_dir_private(&pictures).map_err(|e| io(&pictures, e))?;
                        let file = format!("{table}-{}-{}.{}", col.name, n + 1, picture_extension(b));
                        let path = pictures.join(&file);
                        crate::files::write_replace(&path, b).map_err(|e| io(&path, e))?;
                        let rel = format!("pictures/{file}");
                        files.push(rel.clone());
                        (rel.clone(), Value::String(rel))
                    }
                };
                cells.push(cell);
                object.insert(col.name.clone(), value);
            }
            csv.write_record(&cells).map_err(|e| io(&csv_path, e))?;
            j(writeln!(json_out, "{}", if n == 0 { "" } else { "," }))?;
            serde_json::to_writer(&mut json_out, &object).map_err(|e| io(&json_path, e))?;
            n += 1;
        }
        j(write!(json_out, "]"))?;
        csv.flush().map_err(|e| io(&csv_path, e))?;
        files.push(csv_name);
        counts.push(TableRows { name: table.clone(), rows: n });
    }
    j(writeln!(json_out, "\n}}}}"))?;
    json_out.flush().map_err(|e| io(&json_path, e))?;
    json_out.into_inner().map_err(|e| io(&json_path, e.error()))?.sync_all().map_err(|e| io(&json_path, e))?;
    files.push("register.json".into());

    ctx.progress(list.len() as u64, total);
    let dictionary = dir.join("data-dictionary.csv");
    write_dictionary(conn, &list, &dictionary)?;
    files.push("data-dictionary.csv".into());

    let readme = dir.join("README.txt");
    crate::files::write_replace(&readme, read_me(ctx, name, organisation.as_deref(), &counts).as_bytes())
        .map_err(|e| io(&readme, e))?;
    files.push("README.txt".into());
    ctx.progress(total, total);
    files.sort();
    Ok(Exported { folder: dir.display().to_string(), files, tables: counts })
}

/// `data-dictionary.csv`: one row per column of every table exported.
fn write_dictionary(conn: &Connection, list: &[String], path: &Path) -> Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(["table", "table_holds", "column", "meaning", "stored_as", "required", "key", "values"])
        .map_err(|e| io(path, e))?;
    for table in list {
        let refs = references(conn, table)?;
        for col in columns(conn, table)? {
            let (meaning, list_name) = match col.name.as_str() {
                "id" => ("The row's number: other tables refer to it by this".to_string(), None),
                _ => subject::column_meaning(table, &col.name),
            };
            let list_name = list_name.or_else(|| extra_list(table, &col.name));
            let key = if col.primary_key {
                "primary key".to_string()
            } else {
                refs.iter()
                    .find(|(from, _)| *from == col.name)
                    .map(|(_, to)| format!("refers to {to}"))
                    .unwrap_or_default()
            };
            let values = match list_name.and_then(subject::list_choices) {
                Some(choices) => choices.iter().map(|(c, l)| format!("{c} = {l}")).collect::<Vec<_>>().join("; "),
                None => format_hint(&col),
            };
            let stored = if col.kind.is_empty() { "ANY".to_string() } else { col.kind.clone() };
            w.write_record([
                table.as_str(),
                table_meaning(table),
                col.name.as_str(),
                meaning.as_str(),
                stored.as_str(),
                if col.required { "yes" } else { "no" },
                key.as_str(),
                values.as_str(),
            ])
            .map_err(|e| io(path, e))?;
        }
    }
    w.flush().map_err(|e| io(path, e))?;
    Ok(())
}

/// Choice lists of columns the subject access labels do not cover.
fn extra_list(table: &str, column: &str) -> Option<&'static str> {
    Some(match (table, column) {
        ("carers", "referral_outcome") => "referral_outcome",
        ("cared_for_conditions", "condition") => "condition",
        ("caring_link_kinds", "kind") => "care_kind",
        ("notes", "kind") => "note_kind",
        ("school_links", "year_group") => "year_group",
        ("school_links", "census_code") => "census_code",
        ("adjustments", "kind") => "adjustment_kind",
        ("milestones_done", "milestone") => "milestone",
        _ => return None,
    })
}

/// How a column's values are written, when it is not a code.
fn format_hint(col: &ColumnInfo) -> String {
    let n = col.name.as_str();
    if subject::JSON_COLUMNS.contains(&n) {
        "JSON".into()
    } else if n == "role" {
        "administrator, support_worker, school_staff or reporting".into()
    } else if n.ends_with("_at") {
        "date and time, UTC (YYYY-MM-DDTHH:MM:SS)".into()
    } else if n == "date"
        || n.ends_with("_date")
        || n.ends_with("_on")
        || n == "date_of_birth"
        || n.ends_with("_due")
        || n == "valid_until"
    {
        "date (YYYY-MM-DD)".into()
    } else if n == "since" {
        "date (YYYY-MM-DD), or month (YYYY-MM) or year (YYYY) when only that is known".into()
    } else if n.ends_with("_pence") {
        "money in pence".into()
    } else if col.kind == "BLOB" {
        "a picture file in the pictures folder".into()
    } else if col.kind == "INTEGER"
        && (n.starts_with("consent_")
            || n.starts_with("is_")
            || n == "active"
            || n.ends_with("_needed")
            || n.ends_with("_together")
            || n == "parent_carer"
            || n == "light_touch"
            || n == "planned"
            || n == "direct_payment")
    {
        "1 = yes, 0 = no".into()
    } else {
        String::new()
    }
}

fn read_me(ctx: &Ctx<'_>, name: &str, organisation: Option<&str>, counts: &[TableRows]) -> String {
    let org = organisation.unwrap_or("this organisation");
    let mut text = format!(
        "Carers Desk: export of the whole register\r\n\
         ==========================================\r\n\r\n\
         Organisation: {org}\r\n\
         Exported: {} by {}\r\n\
         Folder: {name}\r\n\
         Database schema version: {}\r\n\r\n\
         THIS FOLDER HOLDS SPECIAL CATEGORY PERSONAL DATA (health information about adults and\r\n\
         children) WITHOUT ENCRYPTION. Keep it on an encrypted drive, share it only with the\r\n\
         system it is moving to, and delete it when the move is done.\r\n\r\n\
         What is here\r\n\
         - One CSV file per table (UTF-8 with a byte-order mark, so Excel shows é, £ and ’).\r\n\
         - register.json: every table in one file, rows as objects; JSON columns as JSON.\r\n\
         - data-dictionary.csv: what every column holds, how it is written, and what each code means.\r\n\
         - pictures/: passport photos and the card logo, named in the tables' columns.\r\n\r\n\
         Not included: the audit trail (export it with its hashes from Settings > Audit trail),\r\n\
         the search index and the list of recently viewed records.\r\n\r\n\
         Rows per table\r\n",
        ctx.today().format("%d/%m/%Y"),
        ctx.context.actor.name,
        crate::db::schema_version(),
    );
    for t in counts {
        text.push_str(&format!("- {}: {}\r\n", t.name, t.rows));
    }
    if let Ok(Some(anchor)) = crate::audit::head(ctx.tx) {
        text.push_str(&format!(
            "\r\nAudit trail when exported: {} (keep this: Carers Desk can check the trail against it)\r\n",
            anchor.text()
        ));
    }
    text
}
