//! Subject rights and retention (UK GDPR Articles 15 and 17; docs/subject-rights.md).
//!
//! - [`export`] (`subject_export`): everything held about one carer or one cared-for person,
//!   and linked to them, as one pretty JSON file and one readable A4 PDF, written together.
//!   The JSON is read straight from the tables (`SELECT *`), so every column is there,
//!   including any a later migration adds; the PDF shows the same rows with labels and
//!   DD/MM/YYYY dates, and lists any column it has no label for under a plain name, so nothing
//!   is left out of either.
//! - [`anonymise_carer`] / [`anonymise_cared_for`] (`carer_anonymise`, `cared_for_anonymise`):
//!   erasure that keeps the counts. Rows stay (reports still count them); names become
//!   "Anonymised", contact details and every free-text field are removed or replaced, a date of
//!   birth becomes 1 July of its year and a postcode its outward code. Codes, statuses, dates
//!   of assessments, plans and contacts, hours bands and kinds of care stay.
//! - [`due`] (`retention_due`): the records past the organisation's retention periods.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine;
use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::assessments::forms::{self, Kind as AnswerKind, Question};
use crate::assessments::AssessmentType;
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::pdf::{self, Block, Column, DocumentInfo};
use crate::plans::print::organisation;
use crate::settings;

/// What replaces free text that cannot be left empty (the column is NOT NULL, or a check needs
/// a value).
pub const REMOVED: &str = "(removed when the record was anonymised)";
/// What names become.
pub const ANONYMISED: &str = "Anonymised";

// ---------------------------------------------------------------------------------------------
// Rows as read from the tables

/// One row (or a group of rows) in column order, serialised as a JSON object in that order.
#[derive(Debug, Clone, Default)]
pub struct Rec(Vec<(String, Node)>);

#[derive(Debug, Clone)]
enum Node {
    Value(Value),
    One(Option<Rec>),
    Many(Vec<Rec>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Node::Value(v) => v.serialize(s),
            Node::One(Some(r)) => r.serialize(s),
            Node::One(None) => s.serialize_none(),
            Node::Many(rows) => rows.serialize(s),
        }
    }
}

impl Serialize for Rec {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

static NULL: Value = Value::Null;

impl Rec {
    fn node(&mut self, key: &str, node: Node) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n = node,
            None => self.0.push((key.to_string(), node)),
        }
    }

    fn set(&mut self, key: &str, value: impl Into<Value>) -> &mut Rec {
        self.node(key, Node::Value(value.into()));
        self
    }

    fn one(&mut self, key: &str, rec: Option<Rec>) -> &mut Rec {
        self.node(key, Node::One(rec));
        self
    }

    fn many(&mut self, key: &str, rows: Vec<Rec>) -> &mut Rec {
        self.node(key, Node::Many(rows));
        self
    }

    /// A column's value (`null` if there is no such column).
    pub fn get(&self, key: &str) -> &Value {
        self.0
            .iter()
            .find_map(|(k, n)| match n {
                Node::Value(v) if k == key => Some(v),
                _ => None,
            })
            .unwrap_or(&NULL)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.get(key).as_str()
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.get(key).as_i64()
    }

    fn rows(&self, key: &str) -> &[Rec] {
        self.0
            .iter()
            .find_map(|(k, n)| match n {
                Node::Many(rows) if k == key => Some(rows.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    fn child(&self, key: &str) -> Option<&Rec> {
        self.0.iter().find_map(|(k, n)| match n {
            Node::One(r) if k == key => r.as_ref(),
            _ => None,
        })
    }

    fn values(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().filter_map(|(k, n)| match n {
            Node::Value(v) => Some((k.as_str(), v)),
            _ => None,
        })
    }
}

/// Columns holding JSON text: exported as JSON, not as a string of JSON.
pub(crate) const JSON_COLUMNS: &[&str] = &[
    "answers",
    "determination",
    "scores",
    "dp_needs",
    "cont_contacts",
    "outcome_progress",
    "action_progress",
    "asks",
    "fields",
];

/// A picture (a passport photo): whether one is held, its type and size, and the picture
/// itself as base64 (a subject access copy includes it; the PDF says only "held").
fn blob(bytes: &[u8]) -> Value {
    let kind = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else {
        "application/octet-stream"
    };
    json!({
        "held": true,
        "media_type": kind,
        "bytes": bytes.len(),
        "base64": base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Every row `sql` gives, every column, in order.
fn rows<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Vec<Rec>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut out = Vec::new();
    let mut q = stmt.query(params)?;
    while let Some(r) = q.next()? {
        let mut rec = Rec::default();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => json!(n),
                ValueRef::Real(f) => json!(f),
                ValueRef::Text(t) => {
                    let s = String::from_utf8_lossy(t).into_owned();
                    if JSON_COLUMNS.contains(&name.as_str()) {
                        serde_json::from_str(&s).unwrap_or(Value::String(s))
                    } else {
                        Value::String(s)
                    }
                }
                ValueRef::Blob(b) => blob(b),
            };
            rec.set(name, v);
        }
        out.push(rec);
    }
    Ok(out)
}

fn row<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Option<Rec>> {
    Ok(rows(conn, sql, params)?.into_iter().next())
}

fn strings<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let list = stmt.query_map(params, |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

// ---------------------------------------------------------------------------------------------
// Gathering what is held

/// Everything held about one carer and linked to them.
fn gather_carer(conn: &Connection, id: i64) -> Result<Rec> {
    let carer = row(conn, "SELECT * FROM carers WHERE id = ?1", [id])?.ok_or(Error::NotFound { what: "that carer" })?;

    let mut caring = rows(conn, "SELECT * FROM caring_links WHERE carer_id = ?1 ORDER BY id", [id])?;
    for link in &mut caring {
        let link_id = link.int("id").unwrap_or_default();
        let person_id = link.int("cared_for_id").unwrap_or_default();
        let kinds = strings(conn, "SELECT kind FROM caring_link_kinds WHERE link_id = ?1 ORDER BY kind", [link_id])?;
        link.set("kinds_of_care", kinds);
        link.one("cared_for", cared_for_row(conn, person_id)?);
    }

    let notes = rows(conn, "SELECT * FROM notes WHERE carer_id = ?1 ORDER BY date, id", [id])?;

    let mut assessments =
        rows(conn, "SELECT * FROM assessments WHERE carer_id = ?1 ORDER BY reference, version", [id])?;
    for a in &mut assessments {
        let aid = a.int("id").unwrap_or_default();
        a.many(
            "needs",
            rows(conn, "SELECT * FROM assessment_needs WHERE assessment_id = ?1 ORDER BY position", [aid])?,
        );
    }

    let mut plans = rows(conn, "SELECT * FROM support_plans WHERE carer_id = ?1 ORDER BY reference, version", [id])?;
    for p in &mut plans {
        let pid = p.int("id").unwrap_or_default();
        p.many("needs", rows(conn, "SELECT * FROM plan_needs WHERE plan_id = ?1 ORDER BY position", [pid])?);
        p.many("outcomes", rows(conn, "SELECT * FROM plan_outcomes WHERE plan_id = ?1 ORDER BY position", [pid])?);
        p.many(
            "actions",
            rows(
                conn,
                "SELECT a.*, (SELECT s.label FROM support_catalogue s WHERE s.code = a.support) AS support_label
                 FROM plan_actions a WHERE a.plan_id = ?1 ORDER BY a.position",
                [pid],
            )?,
        );
        p.many("reviews", rows(conn, "SELECT * FROM plan_reviews WHERE plan_id = ?1 ORDER BY id", [pid])?);
    }

    let mut passports = rows(
        conn,
        "SELECT p.*, (SELECT r.number FROM passports r WHERE r.id = p.replaces_id) AS replaces_number,
                (SELECT f.reference FROM cared_for f WHERE f.id = p.cared_for_id) AS cared_for_reference
         FROM passports p WHERE p.carer_id = ?1 ORDER BY p.issued_on, p.id",
        [id],
    )?;
    for p in &mut passports {
        let pid = p.int("id").unwrap_or_default();
        if p.get("photo").is_null() {
            p.set("photo", json!({ "held": false }));
        }
        p.many(
            "events",
            rows(conn, "SELECT * FROM passport_events WHERE passport_id = ?1 ORDER BY happened_on, id", [pid])?,
        );
    }

    let mut school = Rec::default();
    school
        .one(
            "school_link",
            row(
                conn,
                "SELECT l.*, s.name AS school_name FROM school_links l JOIN schools s ON s.id = l.school_id
                 WHERE l.carer_id = ?1",
                [id],
            )?,
        )
        .many("adjustments", rows(conn, "SELECT * FROM adjustments WHERE carer_id = ?1 ORDER BY agreed_on, id", [id])?)
        .many(
            "transition_milestones",
            rows(conn, "SELECT * FROM milestones_done WHERE carer_id = ?1 ORDER BY done_on", [id])?,
        )
        .one("handover", row(conn, "SELECT * FROM handovers WHERE carer_id = ?1", [id])?)
        .one("young_carer_card", row(conn, "SELECT * FROM young_carer_cards WHERE carer_id = ?1", [id])?);

    let audit = rows(conn, "SELECT * FROM audit_log WHERE carer_id = ?1 ORDER BY id", [id])?;

    let mut all = Rec::default();
    all.one("carer", Some(carer))
        .many("people_cared_for", caring)
        .many("case_notes", notes)
        .many("assessments", assessments)
        .many("support_plans", plans)
        .many("passports", passports)
        .one("school_and_transition", Some(school))
        .many("audit_entries", audit);
    Ok(all)
}

fn cared_for_row(conn: &Connection, id: i64) -> Result<Option<Rec>> {
    let Some(mut p) = row(conn, "SELECT * FROM cared_for WHERE id = ?1", [id])? else { return Ok(None) };
    let conditions =
        strings(conn, "SELECT condition FROM cared_for_conditions WHERE cared_for_id = ?1 ORDER BY condition", [id])?;
    p.set("conditions", conditions);
    Ok(Some(p))
}

/// Everything held about one cared-for person: their record, who cares for them (names and
/// the caring links only, not the carers' records), the cards that name them, and the audit
/// entries about them.
fn gather_cared_for(conn: &Connection, id: i64) -> Result<Rec> {
    let person = cared_for_row(conn, id)?.ok_or(Error::NotFound { what: "that cared-for person" })?;
    let mut carers = rows(
        conn,
        "SELECT l.*, c.reference AS carer_reference, c.first_name || ' ' || c.last_name AS carer_name
         FROM caring_links l JOIN carers c ON c.id = l.carer_id WHERE l.cared_for_id = ?1 ORDER BY l.id",
        [id],
    )?;
    for link in &mut carers {
        let link_id = link.int("id").unwrap_or_default();
        let kinds = strings(conn, "SELECT kind FROM caring_link_kinds WHERE link_id = ?1 ORDER BY kind", [link_id])?;
        link.set("kinds_of_care", kinds);
    }
    let cards = rows(
        conn,
        "SELECT p.number, p.kind, p.status, p.issued_on, p.valid_until, p.show_cared_for_name,
                c.reference AS holder_reference
         FROM passports p JOIN carers c ON c.id = p.carer_id WHERE p.cared_for_id = ?1 ORDER BY p.issued_on, p.id",
        [id],
    )?;
    let audit = rows(conn, "SELECT * FROM audit_log WHERE cared_for_id = ?1 ORDER BY id", [id])?;
    let mut all = Rec::default();
    all.one("cared_for", Some(person))
        .many("carers", carers)
        .many("passports_naming_them", cards)
        .many("audit_entries", audit);
    Ok(all)
}

// ---------------------------------------------------------------------------------------------
// Labels and formats for the PDF

/// Every choice list: list name → `(code, label)` in the list's order.
fn lists() -> &'static HashMap<String, Vec<(String, String)>> {
    static LISTS: OnceLock<HashMap<String, Vec<(String, String)>>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut all = crate::choices::all_options();
        all.extend(crate::plans::options());
        all.extend(crate::passports::options());
        all.extend(forms::lists());
        all.into_iter()
            .map(|(list, choices)| {
                let codes = choices
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| Some((c["code"].as_str()?.to_string(), c["label"].as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                (list, codes)
            })
            .collect()
    })
}

/// Every code of a choice list with its label, in the list's order (the register export's
/// data dictionary).
pub(crate) fn list_choices(list: &str) -> Option<&'static [(String, String)]> {
    lists().get(list).map(Vec::as_slice)
}

/// How a stored column reads to people: its label and, for a code, the choice list it comes
/// from. Columns the subject access PDF labels use the same words; others read as their name.
pub(crate) fn column_meaning(table: &str, column: &str) -> (String, Option<&'static str>) {
    let spec: Spec = match table {
        "carers" => CARER,
        "cared_for" => CARED_FOR,
        "caring_links" => LINK,
        "assessments" => ASSESSMENT,
        "support_plans" => PLAN,
        "plan_reviews" => REVIEW,
        "passports" => PASSPORT,
        "school_links" => SCHOOL_LINK,
        "handovers" => HANDOVER,
        "young_carer_cards" => CARD,
        _ => &[],
    };
    match spec.iter().find(|(c, _, _)| *c == column) {
        Some((_, label, F::List(list))) => (label.to_string(), Some(*list)),
        Some((_, label, _)) => (label.to_string(), None),
        None => (humanise(column), None),
    }
}

/// A code's label in a list (the code itself if the list does not have it).
fn label(list: &str, code: &str) -> String {
    lists()
        .get(list)
        .and_then(|l| l.iter().find(|(c, _)| c == code))
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| code.to_string())
}

/// Where a code comes in its list (unknown codes last), to print answers in the list's order.
fn position(list: &str, code: &str) -> usize {
    lists().get(list).and_then(|l| l.iter().position(|(c, _)| c == code)).unwrap_or(usize::MAX)
}

/// The entries of an answer keyed by code (outcomes, wellbeing areas), in the list's order.
fn in_list_order<'a>(list: &str, map: &'a Map<String, Value>) -> Vec<(&'a String, &'a Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
    entries.sort_by_key(|(code, _)| (position(list, code), code.to_string()));
    entries
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `closed_reason` → "Closed reason".
fn humanise(column: &str) -> String {
    capitalise(&column.replace('_', " "))
}

/// How a column prints.
#[derive(Clone, Copy)]
enum F {
    Text,
    Date,
    /// A stored UTC timestamp: DD/MM/YYYY HH:MM.
    Time,
    YesNo,
    /// A code from a choice list.
    List(&'static str),
    Pence,
    /// Text with its first letter capitalised (`completed` → "Completed").
    Capital,
    /// Shown elsewhere (or an internal number): not in the fields.
    Skip,
}

/// Columns that are internal numbers, or shown another way, in every table.
const NEVER_SHOWN: &[&str] = &[
    "id",
    "carer_id",
    "cared_for_id",
    "plan_id",
    "new_plan_id",
    "assessment_id",
    "previous_id",
    "passport_id",
    "link_id",
    "school_id",
    "replaces_id",
    "action_key",
    "need_position",
    "serial",
    "prev_hash",
    "hash",
];

fn timestamp(text: &str) -> String {
    let t = text.trim();
    match (t.get(..10).and_then(dates::from_iso), t.get(11..16)) {
        (Some(d), Some(hm)) if hm.as_bytes().get(2) == Some(&b':') => format!("{} {hm}", dates::uk(d)),
        _ => dates::uk_text(t),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty() && s != "0",
        _ => false,
    }
}

/// Any value as plain text: lists one item a line, objects `key: value` a line.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "Yes" } else { "No" }.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n"),
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", humanise(k), plain(v)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A value as printed; `None` for nothing recorded.
fn show(v: &Value, f: F) -> Option<String> {
    match v {
        Value::Null => return None,
        Value::String(s) if s.trim().is_empty() => return None,
        Value::Array(a) if a.is_empty() => return None,
        _ => {}
    }
    Some(match f {
        F::Text => plain(v),
        F::Date => v.as_str().map(dates::uk_text).unwrap_or_else(|| plain(v)),
        F::Time => v.as_str().map(timestamp).unwrap_or_else(|| plain(v)),
        F::YesNo => if truthy(v) { "Yes" } else { "No" }.to_string(),
        F::List(list) => match v {
            Value::String(code) => label(list, code),
            Value::Array(codes) => {
                codes.iter().filter_map(Value::as_str).map(|c| label(list, c)).collect::<Vec<_>>().join(", ")
            }
            other => plain(other),
        },
        F::Pence => v.as_i64().map(crate::plans::money_uk).unwrap_or_else(|| plain(v)),
        F::Capital => capitalise(&plain(v)),
        F::Skip => return None,
    })
}

type Spec = &'static [(&'static str, &'static str, F)];

/// The label/value pairs of a row: the columns in `spec` in its order, then any other column
/// with a value under a plain name (so a column added later still prints).
fn pairs(rec: &Rec, spec: Spec) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        spec.iter().filter_map(|(col, lbl, f)| show(rec.get(col), *f).map(|s| (lbl.to_string(), s))).collect();
    for (col, v) in rec.values() {
        if NEVER_SHOWN.contains(&col) || spec.iter().any(|(c, _, _)| *c == col) {
            continue;
        }
        if let Some(s) = show(v, F::Text) {
            out.push((humanise(col), s));
        }
    }
    out
}

fn fields(rec: &Rec, spec: Spec) -> Block {
    let p = pairs(rec, spec);
    if p.is_empty() {
        Block::Paragraph("Nothing recorded.".into())
    } else {
        Block::Fields(p)
    }
}

fn uk_opt(v: &Value) -> String {
    show(v, F::Date).unwrap_or_default()
}

fn or_blank(v: &Value) -> String {
    show(v, F::Text).unwrap_or_default()
}

fn none_held(what: &str) -> Block {
    Block::Paragraph(format!("No {what} held."))
}

const CARER: Spec = &[
    ("reference", "Reference", F::Text),
    ("title", "Title", F::Text),
    ("first_name", "First name", F::Text),
    ("last_name", "Last name", F::Text),
    ("preferred_name", "Preferred name", F::Text),
    ("date_of_birth", "Date of birth", F::Date),
    ("gender", "Gender", F::List("gender")),
    ("ethnicity", "Ethnicity", F::List("ethnicity")),
    ("main_language", "Main language", F::Text),
    ("interpreter_needed", "Interpreter needed", F::YesNo),
    ("address_line1", "Address line 1", F::Text),
    ("address_line2", "Address line 2", F::Text),
    ("town", "Town or city", F::Text),
    ("postcode", "Postcode", F::Text),
    ("phone", "Phone", F::Text),
    ("email", "Email", F::Text),
    ("preferred_contact", "Preferred contact", F::List("contact_method")),
    ("gp_practice", "GP practice", F::Text),
    ("nhs_number", "NHS number", F::Text),
    ("date_first_identified", "Date first identified as a carer", F::Date),
    ("referral_source", "Referred by", F::List("referral_source")),
    ("referral_outcome", "Outcome of the referral", F::List("referral_outcome")),
    ("referrer_name", "Referrer's name", F::Text),
    ("how_heard", "How they heard about us", F::Text),
    ("consent_given", "Consent to keep this record", F::YesNo),
    ("consent_date", "Consent date", F::Date),
    ("consent_recorded_by", "Consent recorded by", F::Text),
    ("consent_share_gp", "May share with their GP", F::YesNo),
    ("consent_share_school", "May share with their school", F::YesNo),
    ("consent_share_adult_services", "May share with adult services", F::YesNo),
    ("employment_status", "Work", F::List("employment")),
    ("disability", "Own disability or condition", F::List("disability")),
    ("parent_carer", "Parent carer", F::YesNo),
    ("status", "Record", F::List("status")),
    ("closed_reason", "Why closed", F::List("close_reason")),
    ("closed_date", "Date closed", F::Date),
    ("closed_note", "Note on closing", F::Text),
    ("anonymised_on", "Anonymised on", F::Date),
    ("created_at", "Record created", F::Time),
    ("created_by", "Created by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
];

const CARED_FOR: Spec = &[
    ("reference", "Reference", F::Text),
    ("first_name", "First name", F::Text),
    ("last_name", "Last name", F::Text),
    ("date_of_birth", "Date of birth", F::Date),
    ("approximate_age", "Approximate age", F::Text),
    ("age_recorded_on", "Age recorded on", F::Date),
    ("conditions", "Conditions", F::List("condition")),
    ("notes", "Notes", F::Text),
    ("anonymised_on", "Anonymised on", F::Date),
    ("created_at", "Record created", F::Time),
    ("updated_at", "Last changed", F::Time),
];

const LINK: Spec = &[
    ("relationship", "Who they are to the carer", F::List("relationship")),
    ("lives_together", "Lives with the carer", F::YesNo),
    ("hours_band", "Hours of care a week", F::List("hours_band")),
    ("kinds_of_care", "Kinds of care", F::List("care_kind")),
    ("since", "Caring since", F::Date),
    ("created_at", "Link recorded", F::Time),
    ("updated_at", "Link last changed", F::Time),
    ("carer_reference", "Carer's reference", F::Skip),
    ("carer_name", "Carer", F::Skip),
];

const ASSESSMENT: Spec = &[
    ("reference", "Reference", F::Text),
    ("type", "Type", F::List("assessment_type")),
    ("version", "Version", F::Text),
    ("status", "Status", F::Capital),
    ("assessed_on", "Assessed on", F::Date),
    ("age_warning", "Age warning confirmed", F::Text),
    ("created_at", "Started", F::Time),
    ("created_by", "Started by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
    ("completed_at", "Completed", F::Time),
    ("completed_by", "Completed by", F::Text),
    ("answers", "", F::Skip),
    ("determination", "", F::Skip),
    ("scores", "", F::Skip),
];

const PLAN: Spec = &[
    ("reference", "Reference", F::Text),
    ("version", "Version", F::Text),
    ("status", "Status", F::List("plan_status")),
    ("light_touch", "Light-touch support (no assessment)", F::YesNo),
    ("start_date", "Starts", F::Date),
    ("personal_budget_pence", "Personal budget", F::Pence),
    ("direct_payment", "Direct payment", F::YesNo),
    ("dp_amount_pence", "Direct payment amount", F::Pence),
    ("dp_frequency", "Direct payment frequency", F::List("dp_frequency")),
    ("dp_needs", "Needs the direct payment covers (need numbers)", F::Text),
    ("advice_given", "Advice and information given", F::Text),
    ("cared_for_involved", "Cared-for person involved", F::YesNo),
    ("others_involved", "Others involved", F::Text),
    ("agreed_on", "Agreed on", F::Date),
    ("agreement_method", "How it was agreed", F::List("agreement_method")),
    ("worker_name", "Worker", F::Text),
    ("review_due", "Next review due", F::Date),
    ("ended_on", "Ended on", F::Date),
    ("end_reason", "Why it ended", F::List("plan_end_reason")),
    ("end_note", "Note on ending", F::Text),
    ("cont_if_cannot_care", "Contingency: if the carer suddenly cannot care", F::Text),
    ("cont_essential_needs", "Contingency: essential needs", F::Text),
    ("cont_medication", "Contingency: medication", F::Text),
    ("cont_routines", "Contingency: routines", F::Text),
    ("cont_gp", "Contingency: GP", F::Text),
    ("cont_access", "Contingency: getting into the home", F::Text),
    ("cont_copies_held_by", "Contingency: copies held by", F::Text),
    ("created_at", "Created", F::Time),
    ("created_by", "Created by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
    ("determination", "", F::Skip),
    ("cont_contacts", "", F::Skip),
];

const REVIEW: Spec = &[
    ("status", "Status", F::Capital),
    ("planned", "Planned review", F::YesNo),
    ("reason", "Why (unplanned)", F::List("unplanned_reason")),
    ("review_date", "Review date", F::Date),
    ("caring_changes", "Changes in caring", F::Text),
    ("new_assessment_needed", "New assessment needed", F::YesNo),
    ("new_assessment_note", "About a new assessment", F::Text),
    ("next_review_due", "Next review due", F::Date),
    ("created_at", "Started", F::Time),
    ("created_by", "Started by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
    ("completed_at", "Completed", F::Time),
    ("completed_by", "Completed by", F::Text),
    ("outcome_progress", "", F::Skip),
    ("action_progress", "", F::Skip),
];

const PASSPORT: Spec = &[
    ("number", "Number", F::Text),
    ("kind", "Type", F::List("passport_kinds")),
    ("status", "Status", F::List("passport_statuses")),
    ("issued_on", "Issued on", F::Date),
    ("valid_until", "Valid until", F::Date),
    ("revoked_on", "Revoked on", F::Date),
    ("revoked_reason", "Why revoked", F::Text),
    ("replaces_number", "Replaces", F::Text),
    ("replace_reason", "Why replaced", F::List("passport_reissue_reasons")),
    ("setting", "Where it is used", F::Text),
    ("asks", "What the holder may ask for", F::Text),
    ("cared_for_reference", "Cared-for person on the card", F::Text),
    ("show_cared_for_name", "Shows the cared-for person's first name", F::YesNo),
    ("emergency_contact_name", "Emergency contact", F::Text),
    ("emergency_contact_relationship", "Emergency contact's relationship", F::Text),
    ("emergency_contact_phone", "Emergency contact's phone", F::Text),
    ("emergency_contact_consent", "Emergency contact agreed to be on the card", F::YesNo),
    ("photo", "", F::Skip),
    ("created_at", "Created", F::Time),
    ("created_by", "Created by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
];

const SCHOOL_LINK: Spec = &[
    ("school_name", "School", F::Text),
    ("year_group", "Year group", F::List("year_group")),
    ("tutor_group", "Tutor group", F::Text),
    ("census_code", "School census young carer code", F::List("census_code")),
    ("identified_on", "Identified on", F::Date),
    ("staff_contact", "Staff contact", F::Text),
    ("created_at", "Linked", F::Time),
    ("updated_at", "Last changed", F::Time),
];

const HANDOVER: Spec = &[
    ("receiving_service", "Receiving service", F::Text),
    ("worker", "Worker there", F::Text),
    ("handover_on", "Handover date", F::Date),
    ("consent_to_share", "Consent to share", F::YesNo),
    ("notes", "Notes", F::Text),
    ("recorded_at", "Recorded", F::Time),
    ("recorded_by", "Recorded by", F::Text),
];

const CARD: Spec = &[
    ("valid_until", "Valid until", F::Date),
    ("adjustments_summary", "Adjustments on the card", F::Text),
    ("emergency_contact_name", "Emergency contact", F::Text),
    ("emergency_contact_relationship", "Emergency contact's relationship", F::Text),
    ("emergency_contact_phone", "Emergency contact's phone", F::Text),
    ("show_cared_for_name", "Shows the cared-for person's first name", F::YesNo),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
];

fn person_name(rec: &Rec) -> String {
    let first = rec.text("first_name").unwrap_or_default();
    let last = rec.text("last_name").unwrap_or_default();
    format!("{first} {last}").trim().to_string()
}

// ---- Assessment answers, by the form's questions

fn answer_text(q: &Question, v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    let lines = |list: Vec<String>| (!list.is_empty()).then(|| list.join("\n"));
    match q.kind {
        AnswerKind::Text | AnswerKind::LongText | AnswerKind::Number => show(v, F::Text),
        AnswerKind::YesNo => show(v, F::YesNo),
        AnswerKind::Date | AnswerKind::PartialDate => show(v, F::Date),
        AnswerKind::Choice | AnswerKind::MultiChoice => {
            let one = |code: &str| {
                q.choices.iter().find(|c| c.code == code).map(|c| c.label.clone()).unwrap_or_else(|| code.to_string())
            };
            match v {
                Value::String(code) => Some(one(code)),
                Value::Array(codes) => lines(codes.iter().filter_map(Value::as_str).map(one).collect()),
                other => show(other, F::Text),
            }
        }
        AnswerKind::Outcomes => {
            let map = v.as_object()?;
            lines(
                in_list_order("eligibility_outcome", map)
                    .into_iter()
                    .map(|(code, a)| {
                        let mut line = capitalise(&label("eligibility_outcome", code));
                        match a.get("achieved").and_then(Value::as_bool) {
                            Some(true) => line.push_str(": achieved"),
                            Some(false) => line.push_str(": not achieved"),
                            None => line.push_str(": not answered"),
                        }
                        let reasons: Vec<String> = a
                            .get("reasons")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(Value::as_str).map(|c| label("unable_reason", c)).collect())
                            .unwrap_or_default();
                        if !reasons.is_empty() {
                            line.push_str(&format!(" ({})", reasons.join("; ")));
                        }
                        if let Some(note) = a.get("note").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) {
                            line.push_str(&format!(". {note}"));
                        }
                        line
                    })
                    .collect(),
            )
        }
        AnswerKind::Wellbeing => {
            let map = v.as_object()?;
            lines(
                in_list_order("wellbeing_area", map)
                    .into_iter()
                    .map(|(code, a)| {
                        let mut line = capitalise(&label("wellbeing_area", code));
                        if let Some(impact) = a.get("impact").and_then(Value::as_str) {
                            line.push_str(&format!(": {}", label("wellbeing_impact", impact).to_lowercase()));
                        }
                        if let Some(note) = a.get("note").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) {
                            line.push_str(&format!(". {note}"));
                        }
                        line
                    })
                    .collect(),
            )
        }
        AnswerKind::Instrument => {
            let map = v.as_object()?;
            let def = crate::instruments::find(q.instrument.as_deref().unwrap_or(&q.code));
            let mut items: Vec<(u32, String)> = map
                .iter()
                .filter_map(|(n, a)| {
                    let number: u32 = n.parse().ok()?;
                    let code = a.as_str()?;
                    let (item, answer) = match def {
                        Some(d) => (
                            d.items.iter().find(|i| i.number == number).map(|i| i.label.clone()).unwrap_or_default(),
                            d.scale.iter().find(|s| s.code == code).map(|s| s.label.clone()).unwrap_or(code.into()),
                        ),
                        None => (String::new(), code.to_string()),
                    };
                    Some((number, format!("{number}. {item}: {answer}")))
                })
                .collect();
            items.sort();
            lines(items.into_iter().map(|(_, l)| l).collect())
        }
    }
}

/// An assessment's answers: one two-column table per section of its form, then any answer
/// the form does not know under a plain name.
fn answer_blocks(kind: &str, answers: &Value) -> Vec<Block> {
    let Some(map) = answers.as_object().filter(|m| !m.is_empty()) else {
        return vec![Block::Paragraph("No answers recorded.".into())];
    };
    let mut blocks = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    if let Some(t) = AssessmentType::from_code(kind) {
        let form = forms::form(t);
        for section in &form.sections {
            let rows: Vec<Vec<String>> = section
                .questions
                .iter()
                .filter_map(|q| {
                    let v = map.get(&q.code)?;
                    seen.insert(q.code.as_str());
                    answer_text(q, v).map(|a| vec![q.label.clone(), a])
                })
                .collect();
            if !rows.is_empty() {
                blocks.push(Block::Table {
                    columns: vec![Column::new(section.title.clone(), 4.0), Column::new("Answer", 6.0)],
                    rows,
                });
            }
        }
    }
    let rest: Vec<Vec<String>> = map
        .iter()
        .filter(|(k, _)| !seen.contains(k.as_str()))
        .filter_map(|(k, v)| show(v, F::Text).map(|s| vec![humanise(k), s]))
        .collect();
    if !rest.is_empty() {
        blocks.push(Block::Table {
            columns: vec![Column::new("Other answers", 4.0), Column::new("Answer", 6.0)],
            rows: rest,
        });
    }
    blocks
}

fn determination_blocks(d: &Value, copied: bool) -> Vec<Block> {
    let Some(explanation) = d.get("explanation").and_then(Value::as_str) else { return vec![] };
    let indication = d.get("indication").and_then(Value::as_bool).unwrap_or(false);
    let title = match (indication, copied) {
        (true, _) => "Indication of eligibility at 18",
        (false, true) => "Eligibility determination (from the assessment)",
        (false, false) => "Eligibility determination",
    };
    vec![Block::Table { columns: vec![Column::new(title, 1.0)], rows: vec![vec![explanation.to_string()]] }]
}

fn score_blocks(scores: &Value) -> Vec<Block> {
    let Some(map) = scores.as_object().filter(|m| !m.is_empty()) else { return vec![] };
    let mut rows = Vec::new();
    for (code, s) in map {
        let name = crate::instruments::find(code).map(|d| d.name.clone()).unwrap_or_else(|| code.clone());
        let score = |v: &Value, max: &Value| match (v.as_u64(), max.as_u64()) {
            (Some(v), Some(m)) => format!("{v} out of {m}"),
            (Some(v), None) => v.to_string(),
            _ => "Not complete".to_string(),
        };
        let band = |b: &Value| b.get("label").and_then(Value::as_str).unwrap_or_default().to_string();
        if s.get("total_max").is_some_and(|m| !m.is_null()) {
            rows.push(vec![name.clone(), score(&s["total"], &s["total_max"]), band(&s["total_band"])]);
        }
        for sub in s.get("subscales").and_then(Value::as_array).into_iter().flatten() {
            let l = sub.get("label").and_then(Value::as_str).unwrap_or_default();
            rows.push(vec![format!("{name}: {l}"), score(&sub["score"], &sub["max"]), band(&sub["band"])]);
        }
    }
    if rows.is_empty() {
        return vec![];
    }
    vec![Block::Table {
        columns: vec![Column::new("Questionnaire score", 5.0), Column::new("Score", 2.0), Column::new("Band", 3.0)],
        rows,
    }]
}

// ---- The documents

fn carer_blocks(all: &Rec, intro: Vec<Block>) -> Vec<Block> {
    let empty = Rec::default();
    let carer = all.child("carer").unwrap_or(&empty);
    let mut b = intro;

    b.push(Block::Heading("Personal details".into()));
    b.push(fields(carer, CARER));

    b.push(Block::Heading("People they care for".into()));
    let caring = all.rows("people_cared_for");
    if caring.is_empty() {
        b.push(none_held("caring links"));
    }
    for link in caring {
        let person = link.child("cared_for").unwrap_or(&empty);
        b.push(Block::Subheading(format!(
            "{} ({})",
            person_name(person),
            person.text("reference").unwrap_or_default()
        )));
        let mut p = pairs(link, LINK);
        p.extend(pairs(person, CARED_FOR).into_iter().filter(|(l, _)| l != "Reference"));
        b.push(Block::Fields(p));
    }

    b.push(Block::Heading("Case notes".into()));
    let notes = all.rows("case_notes");
    if notes.is_empty() {
        b.push(none_held("case notes"));
    } else {
        b.push(Block::Table {
            columns: vec![
                Column::new("Date", 1.5),
                Column::new("Contact", 1.8),
                Column::new("Written by", 1.7),
                Column::new("Note", 6.0),
            ],
            rows: notes
                .iter()
                .map(|n| {
                    vec![
                        uk_opt(n.get("date")),
                        show(n.get("kind"), F::List("note_kind")).unwrap_or_default(),
                        or_blank(n.get("author")),
                        or_blank(n.get("text")),
                    ]
                })
                .collect(),
        });
    }

    b.push(Block::Heading("Assessments".into()));
    let assessments = all.rows("assessments");
    if assessments.is_empty() {
        b.push(none_held("assessments"));
    }
    for a in assessments {
        let kind = a.text("type").unwrap_or_default();
        b.push(Block::Subheading(format!(
            "{} {}, version {}",
            label("assessment_type", kind),
            a.text("reference").unwrap_or_default(),
            a.int("version").unwrap_or(1)
        )));
        b.push(fields(a, ASSESSMENT));
        b.extend(answer_blocks(kind, a.get("answers")));
        let needs = a.rows("needs");
        if !needs.is_empty() {
            b.push(Block::Table {
                columns: vec![
                    Column::new("Need identified", 5.0),
                    Column::new("Outcome", 2.5),
                    Column::new("Wellbeing area", 2.5),
                ],
                rows: needs
                    .iter()
                    .map(|n| {
                        vec![
                            or_blank(n.get("description")),
                            show(n.get("outcome"), F::List("eligibility_outcome"))
                                .map(|s| capitalise(&s))
                                .unwrap_or_default(),
                            show(n.get("wellbeing_area"), F::List("wellbeing_area"))
                                .map(|s| capitalise(&s))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect(),
            });
        }
        b.extend(determination_blocks(a.get("determination"), false));
        b.extend(score_blocks(a.get("scores")));
    }

    b.push(Block::Heading("Support plans".into()));
    let plans = all.rows("support_plans");
    if plans.is_empty() {
        b.push(none_held("support plans"));
    }
    for p in plans {
        b.extend(plan_blocks(p));
    }

    b.push(Block::Heading("Passports and cards".into()));
    let passports = all.rows("passports");
    if passports.is_empty() {
        b.push(none_held("passports or cards"));
    }
    for p in passports {
        b.push(Block::Subheading(format!(
            "{} {}",
            show(p.get("kind"), F::List("passport_kinds")).unwrap_or_default(),
            p.text("number").unwrap_or_default()
        )));
        let mut f = pairs(p, PASSPORT);
        let photo = p.get("photo");
        let held = photo.get("held").and_then(Value::as_bool).unwrap_or(false);
        f.push((
            "Photo held".into(),
            if held {
                let kb = photo.get("bytes").and_then(Value::as_u64).unwrap_or(0).div_ceil(1024);
                format!("Yes ({kb} KB; the picture is in the JSON copy)")
            } else {
                "No".into()
            },
        ));
        b.push(Block::Fields(f));
        let events = p.rows("events");
        if !events.is_empty() {
            b.push(Block::Table {
                columns: vec![
                    Column::new("Date", 1.5),
                    Column::new("What happened", 1.8),
                    Column::new("Note", 4.5),
                    Column::new("Recorded by", 2.2),
                ],
                rows: events
                    .iter()
                    .map(|e| {
                        vec![
                            uk_opt(e.get("happened_on")),
                            capitalise(e.text("event").unwrap_or_default()),
                            or_blank(e.get("note")),
                            format!("{}\n{}", or_blank(e.get("by")), show(e.get("at"), F::Time).unwrap_or_default()),
                        ]
                    })
                    .collect(),
            });
        }
    }

    b.push(Block::Heading("School and transition to adulthood".into()));
    let school = all.child("school_and_transition").unwrap_or(&empty);
    let mut any = false;
    if let Some(link) = school.child("school_link") {
        any = true;
        b.push(Block::Subheading("School".into()));
        b.push(fields(link, SCHOOL_LINK));
    }
    let adjustments = school.rows("adjustments");
    if !adjustments.is_empty() {
        any = true;
        b.push(Block::Subheading("Adjustments agreed by the school".into()));
        b.push(Block::Table {
            columns: vec![
                Column::new("Adjustment", 2.2),
                Column::new("Note", 3.4),
                Column::new("Agreed", 1.5),
                Column::new("Review", 1.5),
                Column::new("Ended", 1.5),
            ],
            rows: adjustments
                .iter()
                .map(|a| {
                    vec![
                        show(a.get("kind"), F::List("adjustment_kind")).unwrap_or_default(),
                        or_blank(a.get("note")),
                        uk_opt(a.get("agreed_on")),
                        uk_opt(a.get("review_on")),
                        uk_opt(a.get("ended_on")),
                    ]
                })
                .collect(),
        });
    }
    let milestones = school.rows("transition_milestones");
    if !milestones.is_empty() {
        any = true;
        b.push(Block::Subheading("Transition milestones done".into()));
        b.push(Block::Table {
            columns: vec![
                Column::new("Milestone", 3.0),
                Column::new("Done on", 1.4),
                Column::new("Note", 3.6),
                Column::new("Recorded by", 2.0),
            ],
            rows: milestones
                .iter()
                .map(|m| {
                    vec![
                        show(m.get("milestone"), F::List("milestone")).unwrap_or_default(),
                        uk_opt(m.get("done_on")),
                        or_blank(m.get("note")),
                        or_blank(m.get("recorded_by")),
                    ]
                })
                .collect(),
        });
    }
    if let Some(h) = school.child("handover") {
        any = true;
        b.push(Block::Subheading("Handover to the adult carers service".into()));
        b.push(fields(h, HANDOVER));
    }
    if let Some(c) = school.child("young_carer_card") {
        any = true;
        b.push(Block::Subheading("Young carer card".into()));
        b.push(fields(c, CARD));
    }
    if !any {
        b.push(none_held("school or transition records"));
    }

    audit_blocks(&mut b, all.rows("audit_entries"));
    b
}

fn plan_blocks(p: &Rec) -> Vec<Block> {
    let mut b = vec![Block::Subheading(format!(
        "Support plan {}, version {} ({})",
        p.text("reference").unwrap_or_default(),
        p.int("version").unwrap_or(1),
        show(p.get("status"), F::List("plan_status")).unwrap_or_default().to_lowercase()
    ))];
    b.push(fields(p, PLAN));
    b.extend(determination_blocks(p.get("determination"), true));
    let needs = p.rows("needs");
    if !needs.is_empty() {
        b.push(Block::Table {
            columns: vec![
                Column::new("Need", 4.0),
                Column::new("Eligible", 2.2),
                Column::new("Met?", 1.4),
                Column::new("How", 3.4),
            ],
            rows: needs
                .iter()
                .map(|n| {
                    let mut eligible = show(n.get("eligibility"), F::List("need_eligibility")).unwrap_or_default();
                    if let Some(note) = show(n.get("eligibility_note"), F::Text) {
                        eligible.push_str(&format!("\n{note}"));
                    }
                    vec![
                        or_blank(n.get("description")),
                        eligible,
                        show(n.get("will_meet"), F::List("will_meet")).unwrap_or_default(),
                        or_blank(n.get("how_met")),
                    ]
                })
                .collect(),
        });
    }
    let outcomes: Vec<String> = p.rows("outcomes").iter().filter_map(|o| show(o.get("text"), F::Text)).collect();
    if !outcomes.is_empty() {
        b.push(Block::Table {
            columns: vec![Column::new("Outcomes in the carer's own words", 1.0)],
            rows: outcomes.into_iter().map(|o| vec![o]).collect(),
        });
    }
    let actions = p.rows("actions");
    if !actions.is_empty() {
        b.push(Block::Table {
            columns: vec![
                Column::new("Action", 3.7),
                Column::new("Who", 2.0),
                Column::new("By", 1.7),
                Column::new("Status", 1.4),
                Column::new("Notes", 2.6),
            ],
            rows: actions
                .iter()
                .map(|a| {
                    let mut what = or_blank(a.get("description"));
                    if let Some(s) = show(a.get("support_label"), F::Text) {
                        what = format!("{s}: {what}");
                    }
                    vec![
                        what,
                        or_blank(a.get("who")),
                        uk_opt(a.get("due_on")),
                        show(a.get("status"), F::List("action_status")).unwrap_or_default(),
                        or_blank(a.get("notes")),
                    ]
                })
                .collect(),
        });
    }
    let contacts = p.get("cont_contacts").as_array().cloned().unwrap_or_default();
    if !contacts.is_empty() {
        let cell = |c: &Value, k: &str| c.get(k).map(plain).unwrap_or_default();
        b.push(Block::Table {
            columns: vec![
                Column::new("Emergency contact", 3.0),
                Column::new("Relationship", 2.2),
                Column::new("Phone", 2.2),
                Column::new("Notes", 3.6),
            ],
            rows: contacts
                .iter()
                .map(|c| vec![cell(c, "name"), cell(c, "relationship"), cell(c, "phone"), cell(c, "notes")])
                .collect(),
        });
    }
    for r in p.rows("reviews") {
        let mut f = pairs(r, REVIEW);
        let outcome_lines: Vec<String> = r
            .get("outcome_progress")
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                let mut l = o.get("text").map(plain).unwrap_or_default();
                if let Some(pr) = o.get("progress").and_then(Value::as_str) {
                    l.push_str(&format!(": {}", label("outcome_progress", pr).to_lowercase()));
                }
                if let Some(n) = o.get("note").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                    l.push_str(&format!(". {n}"));
                }
                l
            })
            .collect();
        if !outcome_lines.is_empty() {
            f.push(("Progress on outcomes".into(), outcome_lines.join("\n")));
        }
        let action_lines: Vec<String> = r
            .get("action_progress")
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                let mut l = a.get("description").map(plain).unwrap_or_default();
                if let Some(st) = a.get("status").and_then(Value::as_str) {
                    l.push_str(&format!(": {}", label("action_status", st).to_lowercase()));
                }
                if let Some(n) = a.get("note").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                    l.push_str(&format!(". {n}"));
                }
                l
            })
            .collect();
        if !action_lines.is_empty() {
            f.push(("Progress on actions".into(), action_lines.join("\n")));
        }
        f.insert(0, ("Review".into(), format!("A review of version {}", p.int("version").unwrap_or(1))));
        b.push(Block::Fields(f));
    }
    b
}

fn audit_blocks(b: &mut Vec<Block>, entries: &[Rec]) {
    b.push(Block::Heading("Who looked at or changed the record (audit trail)".into()));
    if entries.is_empty() {
        b.push(none_held("audit entries"));
        return;
    }
    b.push(Block::Table {
        columns: vec![Column::new("When", 2.0), Column::new("Who", 2.6), Column::new("What they did", 6.0)],
        rows: entries
            .iter()
            .map(|e| {
                let who = match (show(e.get("actor_name"), F::Text), show(e.get("role"), F::Text)) {
                    (Some(n), Some(r)) => format!("{n} ({})", r.replace('_', " ")),
                    (Some(n), None) => n,
                    (None, r) => r.unwrap_or_default(),
                };
                let mut what = audit_in_words(&or_blank(e.get("action")), &or_blank(e.get("command")));
                if let Value::Array(f) = e.get("fields") {
                    let names: Vec<String> =
                        f.iter().map(|v| plain(v).replace('_', " ")).filter(|n| !n.is_empty()).collect();
                    if !names.is_empty() {
                        what.push_str(&format!(" ({})", names.join(", ")));
                    }
                }
                if let Some(d) = show(e.get("detail"), F::Text) {
                    what.push_str(&format!("\n{d}"));
                }
                vec![show(e.get("at"), F::Time).unwrap_or_default(), who, what]
            })
            .collect(),
    });
}

/// An audit entry in words for the person who asked: "Looked at a support plan", "Changed the
/// record", not the command's internal name.
fn audit_in_words(action: &str, command: &str) -> String {
    let verb = match action {
        "view" => "Looked at",
        "list" => "Listed",
        "create" => "Added",
        "change" => "Changed",
        "close" => "Closed",
        "delete" => "Removed",
        "print" => "Printed",
        "export" => "Exported",
        "anonymise" => "Anonymised",
        _ => "Used",
    };
    let what = match crate::audit::record_type_for(command) {
        Some("carer") if command.starts_with("note_") => "a case note",
        Some("carer") if command.starts_with("school_link_") => "the school details",
        Some("carer") if command.starts_with("handover_") => "the handover to adult services",
        Some("carer") if command.starts_with("milestone_") => "a transition milestone",
        Some("carer") if command.starts_with("young_carer_") => "the young carer card details",
        Some("carer") => "the record",
        Some("cared_for") => "the record of someone cared for",
        Some("caring_link") => "who they care for",
        Some("assessment") => "an assessment",
        Some("plan") => "a support plan",
        Some("plan_review") => "a support plan review",
        Some("plan_action") => "a support plan action",
        Some("school") => "a school's records",
        Some("adjustment") => "a school adjustment",
        Some("passport") => "a carer passport",
        Some("person") => "the record (subject access or erasure)",
        Some("letter") => "a letter",
        Some("record_given") => "a written record",
        _ => "the record",
    };
    format!("{verb} {what}")
}

fn cared_for_blocks(all: &Rec, intro: Vec<Block>) -> Vec<Block> {
    let empty = Rec::default();
    let person = all.child("cared_for").unwrap_or(&empty);
    let mut b = intro;
    b.push(Block::Heading("Personal details".into()));
    b.push(fields(person, CARED_FOR));

    b.push(Block::Heading("Who cares for them".into()));
    let carers = all.rows("carers");
    if carers.is_empty() {
        b.push(none_held("caring links"));
    }
    for link in carers {
        b.push(Block::Subheading(format!(
            "{} ({})",
            link.text("carer_name").unwrap_or_default(),
            link.text("carer_reference").unwrap_or_default()
        )));
        b.push(fields(link, LINK));
    }

    let cards = all.rows("passports_naming_them");
    if !cards.is_empty() {
        b.push(Block::Heading("Carers' passports and cards linked to them".into()));
        b.push(Block::Table {
            columns: vec![
                Column::new("Number", 2.2),
                Column::new("Type", 2.6),
                Column::new("Holder", 1.6),
                Column::new("Valid until", 1.6),
                Column::new("Shows their first name", 2.0),
            ],
            rows: cards
                .iter()
                .map(|c| {
                    vec![
                        or_blank(c.get("number")),
                        show(c.get("kind"), F::List("passport_kinds")).unwrap_or_default(),
                        or_blank(c.get("holder_reference")),
                        uk_opt(c.get("valid_until")),
                        show(c.get("show_cared_for_name"), F::YesNo).unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    audit_blocks(&mut b, all.rows("audit_entries"));
    b
}

// ---------------------------------------------------------------------------------------------
// subject_export

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    /// The carer to export (give this or `cared_for_id`).
    pub carer_id: Option<i64>,
    /// The cared-for person to export (give this or `carer_id`).
    pub cared_for_id: Option<i64>,
    /// An existing folder: the two files are written there, named
    /// `subject-access-<reference>-<YYYY-MM-DD>.json` and `.pdf`.
    pub folder: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Exported {
    pub json_path: String,
    pub pdf_path: String,
    /// How many of each kind of record the export holds.
    pub counts: BTreeMap<String, usize>,
    pub pdf_pages: usize,
    /// Characters in the record no font can print (shown as a replacement mark in the PDF;
    /// the JSON has them as they are).
    pub unprintable: Vec<String>,
}

pub(crate) fn check_folder(folder: &Option<String>) -> Result<PathBuf> {
    let Some(f) = folder.as_deref().map(str::trim).filter(|f| !f.is_empty()) else {
        return Err(Error::field("folder", "choose the folder to save the export in"));
    };
    let path = PathBuf::from(f);
    if !path.is_dir() {
        return Err(Error::field(
            "folder",
            format!("the folder {f} was not found: choose a folder that exists, or make it first"),
        ));
    }
    Ok(path)
}

/// Writes both files, or neither: each goes to a temporary file first and is renamed into
/// place only when both are written.
fn write_both(json_path: &Path, json: &[u8], pdf_path: &Path, pdf: &[u8]) -> Result<()> {
    let cannot = |path: &Path, e: std::io::Error| {
        Error::field(
            "folder",
            format!("the export could not be saved to {} ({e}): choose a folder you can write to", path.display()),
        )
    };
    let part = |p: &Path| crate::files::temporary_beside(p);
    let (json_tmp, pdf_tmp) = (part(json_path), part(pdf_path));
    let clean = || {
        let _ = std::fs::remove_file(&json_tmp);
        let _ = std::fs::remove_file(&pdf_tmp);
    };
    let write = |tmp: &Path, bytes: &[u8], path: &Path| -> Result<()> {
        use std::io::Write;
        let mut f = crate::files::create_private(tmp).map_err(|e| cannot(path, e))?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| cannot(path, e))
    };
    if let Err(e) = write(&json_tmp, json, json_path).and_then(|_| write(&pdf_tmp, pdf, pdf_path)) {
        clean();
        return Err(e);
    }
    crate::files::rename_replacing(&json_tmp, json_path).map_err(|e| {
        clean();
        cannot(json_path, e)
    })?;
    crate::files::rename_replacing(&pdf_tmp, pdf_path).map_err(|e| {
        clean();
        let _ = std::fs::remove_file(json_path);
        cannot(pdf_path, e)
    })?;
    Ok(())
}

fn count(all: &Rec, out: &mut BTreeMap<String, usize>) {
    for (k, n) in &all.0 {
        match n {
            Node::Many(rows) => {
                out.insert(k.clone(), rows.len());
                for r in rows {
                    for (ck, cn) in &r.0 {
                        if let Node::Many(children) = cn {
                            *out.entry(format!("{k}.{ck}")).or_default() += children.len();
                        }
                    }
                }
            }
            Node::One(Some(r)) if k == "school_and_transition" => count(r, out),
            _ => {}
        }
    }
}

/// What the export holds, in the order it comes: how many rows of each kind, or whether a
/// single record (a school link, a handover) is held.
fn contents(all: &Rec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, n) in &all.0 {
        match n {
            Node::Many(rows) => out.push((humanise(k), rows.len().to_string())),
            Node::One(Some(r)) if k == "school_and_transition" => out.extend(contents(r)),
            Node::One(r) if k != "carer" && k != "cared_for" => {
                out.push((humanise(k), if r.is_some() { "Held" } else { "None" }.to_string()))
            }
            _ => {}
        }
    }
    out
}

/// `subject_export`: one carer's or cared-for person's whole record, as JSON and PDF.
pub fn export(ctx: &mut Ctx<'_>, args: ExportArgs) -> Result<Exported> {
    let (all, person, kind) = match (args.carer_id, args.cared_for_id) {
        (Some(id), None) => {
            let all = gather_carer(ctx.tx, id)?;
            let person = all.child("carer").cloned().unwrap_or_default();
            (all, person, "carer")
        }
        (None, Some(id)) => {
            let all = gather_cared_for(ctx.tx, id)?;
            let person = all.child("cared_for").cloned().unwrap_or_default();
            (all, person, "cared_for")
        }
        (Some(_), Some(_)) => {
            return Err(Error::field(
                "carer_id",
                "export one person at a time: give carer_id or cared_for_id, not both",
            ))
        }
        (None, None) => return Err(Error::field("carer_id", "choose whose record to export")),
    };
    let folder = check_folder(&args.folder)?;
    let protected = crate::backup::protected(ctx)?;
    protected.check_folder("folder", &folder)?;

    let reference = person.text("reference").unwrap_or_default().to_string();
    let name = person_name(&person);
    let today = ctx.today();
    let settings = settings::load(ctx.tx)?;
    let org = organisation(&settings);
    let base = format!("subject-access-{reference}-{}", dates::iso(today));
    let json_path = folder.join(format!("{base}.json"));
    let pdf_path = folder.join(format!("{base}.pdf"));
    protected.check_file("folder", &json_path)?;
    protected.check_file("folder", &pdf_path)?;

    let mut about = Rec::default();
    about
        .set("document", "Subject access copy (UK GDPR Article 15): everything held about one person")
        .set("organisation", settings.organisation_name.clone())
        .set("person", if kind == "carer" { "carer" } else { "cared-for person" })
        .set("reference", reference.clone())
        .set("name", name.clone())
        .set("made_on", dates::iso(today))
        .set("made_at", ctx.now())
        .set("made_by", ctx.actor().name.clone())
        .set("pdf_file", format!("{base}.pdf"))
        // Where the audit trail stood when the copy was made (no personal details): the
        // organisation can later check its trail against it (docs/security.md).
        .set("audit_anchor", serde_json::to_value(crate::audit::head(ctx.tx)?).expect("anchors serialise"))
        .set(
            "how_to_read",
            "Each section holds rows as stored, every column included. Codes (gender, relationship, \
             hours_band ...) are listed with their labels by `carers-desk-cli call options`; the PDF copy \
             shows the labels. Dates are YYYY-MM-DD; times are UTC. A passport photo is given as base64 \
             under photo.base64.",
        );
    let mut doc = Rec::default();
    doc.one("about", Some(about));
    doc.0.extend(all.0.iter().cloned());

    let mut counts = BTreeMap::new();
    count(&all, &mut counts);

    let intro = {
        let what = if kind == "carer" { "carer" } else { "person cared for" };
        let mut b = vec![Block::Paragraph(format!(
            "This is a copy of everything {} holds about {name} ({reference}), a {what}, on {}, made for a \
             subject access request (UK GDPR Article 15). The same information is in the file {base}.json, \
             for use by another computer.",
            settings.organisation_name.as_deref().unwrap_or("the carers service"),
            dates::uk(today)
        ))];
        let sections = contents(&all);
        if !sections.is_empty() {
            b.push(Block::Subheading("What this copy holds".into()));
            b.push(Block::Fields(sections));
        }
        if let Some(anchor) = crate::audit::head(ctx.tx)? {
            b.push(Block::Paragraph(format!("Audit trail when this copy was made: {}.", anchor.text())));
        }
        b
    };
    let blocks = if kind == "carer" { carer_blocks(&all, intro) } else { cared_for_blocks(&all, intro) };
    let info = DocumentInfo {
        title: format!("Subject access: {name}"),
        author: org.first().cloned().unwrap_or_default(),
        subject: Some("Subject access request (UK GDPR Article 15)".into()),
        created: chrono::Utc::now().naive_utc(),
        organisation: org,
        running_header: format!("Subject access – {name} ({reference}) – made {}", dates::uk(today)),
        ..DocumentInfo::default()
    };
    let unprintable = pdf::unprintable_in(&info, &blocks);
    let rendered = pdf::render_counted(&info, &blocks)?;
    let json = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Pdf(format!("the JSON copy: {e}")))?;
    write_both(&json_path, &json, &pdf_path, &rendered.bytes)?;

    ctx.audit_detail = Some(format!("{base}.json and {base}.pdf"));
    match (args.carer_id, args.cared_for_id) {
        (Some(id), _) => {
            ctx.touch(Touched::ViewedCarer(id));
            for link in all.rows("people_cared_for") {
                if let Some(p) = link.int("cared_for_id") {
                    ctx.touch(Touched::ViewedCaredFor(p));
                }
            }
        }
        (_, Some(id)) => ctx.touch(Touched::ViewedCaredFor(id)),
        _ => {}
    }
    Ok(Exported {
        json_path: json_path.display().to_string(),
        pdf_path: pdf_path.display().to_string(),
        counts,
        pdf_pages: rendered.pages,
        unprintable,
    })
}

// ---------------------------------------------------------------------------------------------
// Anonymisation

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnonymiseArgs {
    pub id: i64,
    /// The record's reference typed again (`C-000123`, `P-000045`), to confirm.
    pub confirm: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Anonymised {
    pub id: i64,
    pub reference: String,
    pub anonymised_on: String,
}

/// 1 July of the year of a stored date (`None` for anything else).
fn mid_year(dob: Option<&str>) -> Option<String> {
    let d = dates::from_iso(dob?)?;
    Some(format!("{:04}-07-01", chrono::Datelike::year(&d)))
}

/// The outward code of a stored postcode (`RM10 7BS` → `RM10`).
fn outward(postcode: &str) -> String {
    let p = postcode.trim().to_uppercase();
    match p.split_once(' ') {
        Some((out, _)) => out.to_string(),
        None if p.len() > 3 => p[..p.len() - 3].to_string(),
        None => p,
    }
}

fn check_confirm(confirm: &Option<String>, reference: &str) -> Result<()> {
    let typed = confirm.as_deref().map(str::trim).unwrap_or_default();
    if typed.eq_ignore_ascii_case(reference) {
        Ok(())
    } else if typed.is_empty() {
        Err(Error::field("confirm", format!("type the record's reference, {reference}, to confirm")))
    } else {
        Err(Error::field(
            "confirm",
            format!("'{typed}' is not this record's reference: type {reference} exactly to confirm"),
        ))
    }
}

fn already(on: &str) -> Error {
    Error::Conflict(format!(
        "this record was already anonymised on {}: there is nothing more to remove",
        dates::uk_text(on)
    ))
}

/// Removes free text from assessment answers, keeping the answers reports count (yes/no,
/// choices, dates, numbers, outcomes achieved and why, wellbeing impact, questionnaire
/// answers). Returns the texts removed.
fn scrub_answers(kind: &str, answers: &mut Map<String, Value>) -> Vec<String> {
    let form = AssessmentType::from_code(kind).map(forms::form);
    let mut removed = Vec::new();
    let mut take = |v: &Value| {
        collect_strings(v, &mut removed);
    };
    answers.retain(|code, v| {
        let Some(q) = form.and_then(|f| f.question(code)) else {
            // Not a question of the form: keep only what holds no text.
            let keep = !contains_text(v);
            if !keep {
                take(v);
            }
            return keep;
        };
        match q.kind {
            AnswerKind::Text | AnswerKind::LongText => {
                take(v);
                false
            }
            AnswerKind::Outcomes | AnswerKind::Wellbeing => {
                if let Some(m) = v.as_object_mut() {
                    for entry in m.values_mut() {
                        if let Some(e) = entry.as_object_mut() {
                            if let Some(note) = e.remove("note") {
                                take(&note);
                            }
                        }
                    }
                }
                true
            }
            _ => true,
        }
    });
    removed
}

fn contains_text(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(a) => a.iter().any(contains_text),
        Value::Object(m) => m.values().any(contains_text),
        _ => false,
    }
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// Removes free text from a stored determination: notes on outcomes, and the worker's
/// reasoning (in `texts`) where the explanations quote it.
fn scrub_determination(d: &mut Value, texts: &[String]) {
    match d {
        Value::Object(m) => {
            m.remove("note");
            for v in m.values_mut() {
                scrub_determination(v, texts);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| scrub_determination(v, texts)),
        Value::String(s) => {
            for t in texts {
                *s = s.replace(&format!(": {t}"), ": [reasoning removed when the record was anonymised]");
            }
        }
        _ => {}
    }
}

/// Keeps only the listed keys of each object in a JSON list (review progress).
fn keep_keys(v: &mut Value, keep: &[&str]) {
    if let Some(items) = v.as_array_mut() {
        for item in items {
            if let Some(m) = item.as_object_mut() {
                m.retain(|k, _| keep.contains(&k.as_str()));
            }
        }
    }
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON serialises")
}

/// `carer_anonymise`: erasure of a closed carer's record, keeping what reports count.
pub fn anonymise_carer(ctx: &mut Ctx<'_>, args: AnonymiseArgs) -> Result<Anonymised> {
    let tx = ctx.tx;
    let found = row(
        tx,
        "SELECT reference, status, anonymised_on, date_of_birth, postcode FROM carers WHERE id = ?1",
        [args.id],
    )?;
    let found = found.ok_or(Error::NotFound { what: "that carer" })?;
    let text = |k: &str| found.text(k).map(str::to_string);
    let (reference, status, anonymised_on) =
        (text("reference").unwrap_or_default(), text("status").unwrap_or_default(), text("anonymised_on"));
    let (dob, postcode) = (text("date_of_birth").unwrap_or_default(), text("postcode"));
    if let Some(on) = anonymised_on {
        return Err(already(&on));
    }
    if status != "closed" {
        return Err(Error::field(
            "id",
            "this record is open: close the record first (with the reason), then anonymise it",
        ));
    }
    check_confirm(&args.confirm, &reference)?;

    let today = dates::iso(ctx.today());
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let id = args.id;

    tx.execute(
        "UPDATE carers SET title = NULL, first_name = ?2, last_name = ?2, preferred_name = NULL,
             date_of_birth = ?3, main_language = NULL, address_line1 = NULL, address_line2 = NULL, town = NULL,
             postcode = ?4, phone = NULL, email = NULL, preferred_contact = NULL, gp_practice = NULL,
             nhs_number = NULL, referrer_name = NULL, how_heard = NULL, closed_note = NULL,
             anonymised_on = ?5, updated_at = ?6, updated_by = ?7
         WHERE id = ?1",
        params![id, ANONYMISED, mid_year(Some(&dob)).unwrap_or(dob), postcode.as_deref().map(outward), today, now, by],
    )?;
    tx.execute("UPDATE notes SET text = ?2 WHERE carer_id = ?1", params![id, REMOVED])?;

    // Assessments: free-text answers, need descriptions, the age warning (it names the
    // carer), and the reasoning quoted in determinations.
    let mut texts: Vec<String> = Vec::new();
    let list: Vec<(i64, String, String, Option<String>)> = {
        let mut stmt = tx.prepare("SELECT id, type, answers, determination FROM assessments WHERE carer_id = ?1")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut scrubbed = Vec::new();
    for (aid, kind, answers, determination) in list {
        let mut answers: Map<String, Value> = serde_json::from_str(&answers).unwrap_or_default();
        texts.extend(scrub_answers(&kind, &mut answers));
        scrubbed.push((aid, answers, determination));
    }
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for (aid, answers, determination) in scrubbed {
        let determination = determination.and_then(|d| serde_json::from_str::<Value>(&d).ok()).map(|mut d| {
            scrub_determination(&mut d, &texts);
            json_text(&d)
        });
        tx.execute(
            "UPDATE assessments SET answers = ?2, determination = ?3,
                 age_warning = CASE WHEN age_warning IS NULL THEN NULL ELSE ?4 END
             WHERE id = ?1",
            params![aid, json_text(&Value::Object(answers)), determination, REMOVED],
        )?;
    }
    tx.execute(
        "UPDATE assessment_needs SET description = ?2
         WHERE assessment_id IN (SELECT id FROM assessments WHERE carer_id = ?1)",
        params![id, REMOVED],
    )?;

    // Support plans and reviews.
    let plans: Vec<(i64, Option<String>)> = {
        let mut stmt = tx.prepare("SELECT id, determination FROM support_plans WHERE carer_id = ?1")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (pid, determination) in plans {
        let determination = determination.and_then(|d| serde_json::from_str::<Value>(&d).ok()).map(|mut d| {
            scrub_determination(&mut d, &texts);
            json_text(&d)
        });
        tx.execute(
            "UPDATE support_plans SET determination = ?2, advice_given = NULL, others_involved = NULL,
                 cont_if_cannot_care = NULL, cont_contacts = '[]', cont_essential_needs = NULL,
                 cont_medication = NULL, cont_routines = NULL, cont_gp = NULL, cont_access = NULL,
                 cont_copies_held_by = NULL, end_note = NULL
             WHERE id = ?1",
            params![pid, determination],
        )?;
    }
    let in_plans = "plan_id IN (SELECT id FROM support_plans WHERE carer_id = ?1)";
    tx.execute(
        &format!("UPDATE plan_needs SET description = ?2, eligibility_note = NULL, how_met = NULL WHERE {in_plans}"),
        params![id, REMOVED],
    )?;
    tx.execute(&format!("UPDATE plan_outcomes SET text = ?2 WHERE {in_plans}"), params![id, REMOVED])?;
    tx.execute(
        &format!("UPDATE plan_actions SET description = ?2, who = NULL, notes = NULL WHERE {in_plans}"),
        params![id, REMOVED],
    )?;
    let reviews: Vec<(i64, String, String)> = {
        let mut stmt =
            tx.prepare(&format!("SELECT id, outcome_progress, action_progress FROM plan_reviews WHERE {in_plans}"))?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (rid, outcomes, actions) in reviews {
        let mut outcomes: Value = serde_json::from_str(&outcomes).unwrap_or(json!([]));
        let mut actions: Value = serde_json::from_str(&actions).unwrap_or(json!([]));
        keep_keys(&mut outcomes, &["position", "progress"]);
        keep_keys(&mut actions, &["key", "status"]);
        tx.execute(
            "UPDATE plan_reviews SET outcome_progress = ?2, action_progress = ?3, caring_changes = NULL,
                 new_assessment_note = NULL
             WHERE id = ?1",
            params![rid, json_text(&outcomes), json_text(&actions)],
        )?;
    }

    // Passports and cards.
    tx.execute(
        "UPDATE passports SET setting = NULL, emergency_contact_name = NULL, emergency_contact_relationship = NULL,
             emergency_contact_phone = NULL, photo = NULL,
             revoked_reason = CASE WHEN revoked_reason IS NULL THEN NULL ELSE ?2 END,
             updated_at = ?3, updated_by = ?4
         WHERE carer_id = ?1",
        params![id, REMOVED, now, by],
    )?;
    tx.execute(
        "UPDATE passport_events SET note = NULL WHERE passport_id IN (SELECT id FROM passports WHERE carer_id = ?1)",
        [id],
    )?;

    // School, transition and the young carer card.
    tx.execute("UPDATE school_links SET tutor_group = NULL, staff_contact = NULL WHERE carer_id = ?1", [id])?;
    tx.execute(
        "UPDATE adjustments SET note = CASE WHEN kind = 'other' THEN ?2 ELSE NULL END WHERE carer_id = ?1",
        params![id, REMOVED],
    )?;
    tx.execute("UPDATE milestones_done SET note = NULL WHERE carer_id = ?1", [id])?;
    tx.execute("UPDATE handovers SET worker = NULL, notes = NULL WHERE carer_id = ?1", [id])?;
    tx.execute(
        "UPDATE young_carer_cards SET adjustments_summary = NULL, emergency_contact_name = NULL,
             emergency_contact_relationship = NULL, emergency_contact_phone = NULL
         WHERE carer_id = ?1",
        [id],
    )?;

    // The search index (kept by triggers) now holds "Anonymised"; merging its segments drops
    // the old terms from the file, not just from the results.
    tx.execute("INSERT INTO carer_search (carer_search) VALUES ('optimize')", [])?;

    ctx.touch(Touched::ChangedCarer(id));
    ctx.audit_detail = Some(format!("anonymised {reference}"));
    Ok(Anonymised { id, reference, anonymised_on: today })
}

/// `cared_for_anonymise`: erasure of a cared-for person's record once nobody caring for
/// them has an open record.
pub fn anonymise_cared_for(ctx: &mut Ctx<'_>, args: AnonymiseArgs) -> Result<Anonymised> {
    let tx = ctx.tx;
    let found: Option<(String, Option<String>, Option<String>)> = tx
        .query_row("SELECT reference, anonymised_on, last_name FROM cared_for WHERE id = ?1", [args.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let (reference, anonymised_on, last_name) = found.ok_or(Error::NotFound { what: "that cared-for person" })?;
    if let Some(on) = anonymised_on {
        return Err(already(&on));
    }
    let open = strings(
        tx,
        "SELECT c.reference FROM caring_links l JOIN carers c ON c.id = l.carer_id
         WHERE l.cared_for_id = ?1 AND c.status = 'open' ORDER BY c.reference",
        [args.id],
    )?;
    if !open.is_empty() {
        return Err(Error::field(
            "id",
            format!(
                "someone caring for this person has an open record ({}): close the record first, or remove the caring link",
                open.join(", ")
            ),
        ));
    }
    check_confirm(&args.confirm, &reference)?;
    let today = dates::iso(ctx.today());
    tx.execute(
        "UPDATE cared_for SET first_name = ?2, last_name = ?3, date_of_birth = ?4, notes = NULL,
             anonymised_on = ?5, updated_at = ?6
         WHERE id = ?1",
        params![
            args.id,
            ANONYMISED,
            last_name.map(|_| ANONYMISED),
            mid_year(
                tx.query_row("SELECT date_of_birth FROM cared_for WHERE id = ?1", [args.id], |r| r
                    .get::<_, Option<String>>(0))?
                    .as_deref()
            ),
            today,
            ctx.now()
        ],
    )?;
    ctx.touch(Touched::ChangedCaredFor(args.id));
    ctx.audit_detail = Some(format!("anonymised {reference}"));
    Ok(Anonymised { id: args.id, reference, anonymised_on: today })
}

// ---------------------------------------------------------------------------------------------
// retention_due

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DueCarer {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub closed_date: String,
    /// A `close_reason` code.
    pub closed_reason: Option<String>,
    pub closed_reason_label: Option<String>,
    /// When the retention period ended: the closing date plus the years in settings.
    pub due_on: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DueCaredFor {
    pub id: i64,
    pub reference: String,
    pub name: String,
    /// The latest closing date of the people who cared for them (or the day the record was
    /// last changed, if nobody is linked), plus the years in settings.
    pub due_on: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RetentionDue {
    pub carer_years: u32,
    pub cared_for_years: u32,
    /// Closed carers past retention, not yet anonymised, longest overdue first.
    pub carers: Vec<DueCarer>,
    /// Cared-for people none of whose carers has an open record, past retention, not yet
    /// anonymised, longest overdue first.
    pub cared_for: Vec<DueCaredFor>,
}

/// The retention periods in settings (years).
pub fn retention_years(conn: &Connection) -> Result<(u32, u32)> {
    Ok(conn.query_row(
        "SELECT retention_carer_years, retention_cared_for_years FROM settings WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Records past retention on `today`.
pub fn due_on(conn: &Connection, today: NaiveDate) -> Result<RetentionDue> {
    let (carer_years, cared_for_years) = retention_years(conn)?;
    let mut carers = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT id, reference, first_name, last_name, closed_date, closed_reason FROM carers
             WHERE status = 'closed' AND anonymised_on IS NULL",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let closed: String = r.get(4)?;
            let Some(d) = dates::from_iso(&closed) else { continue };
            let due = dates::anniversary(d, carer_years);
            if due <= today {
                let reason: Option<String> = r.get(5)?;
                carers.push(DueCarer {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    name: format!("{} {}", r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                    closed_date: closed,
                    closed_reason_label: reason.as_deref().map(|c| label("close_reason", c)),
                    closed_reason: reason,
                    due_on: dates::iso(due),
                });
            }
        }
    }
    carers.sort_by(|a, b| (&a.due_on, &a.reference).cmp(&(&b.due_on, &b.reference)));

    let mut cared_for = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, p.reference, p.first_name, p.last_name,
                    (SELECT max(c.closed_date) FROM caring_links l JOIN carers c ON c.id = l.carer_id
                     WHERE l.cared_for_id = p.id),
                    substr(p.updated_at, 1, 10)
             FROM cared_for p
             WHERE p.anonymised_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM caring_links l JOIN carers c ON c.id = l.carer_id
                               WHERE l.cared_for_id = p.id AND c.status = 'open')",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let closed: Option<String> = r.get(4)?;
            let changed: String = r.get(5)?;
            let Some(d) = dates::from_iso(closed.as_deref().unwrap_or(&changed)) else { continue };
            let due = dates::anniversary(d, cared_for_years);
            if due <= today {
                let first: String = r.get(2)?;
                let last: Option<String> = r.get(3)?;
                cared_for.push(DueCaredFor {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    name: format!("{first} {}", last.unwrap_or_default()).trim().to_string(),
                    due_on: dates::iso(due),
                });
            }
        }
    }
    cared_for.sort_by(|a, b| (&a.due_on, &a.reference).cmp(&(&b.due_on, &b.reference)));
    Ok(RetentionDue { carer_years, cared_for_years, carers, cared_for })
}

/// `retention_due`: the records past retention today, for an administrator to review.
pub fn due(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<RetentionDue> {
    due_on(ctx.tx, ctx.today())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_keep_their_outward_code_and_dates_their_year() {
        assert_eq!(outward("RM10 7BS"), "RM10");
        assert_eq!(outward("sw1a 1aa"), "SW1A");
        assert_eq!(outward("M11AE"), "M1");
        assert_eq!(mid_year(Some("1984-03-27")), Some("1984-07-01".into()));
        assert_eq!(mid_year(Some("2008-02-29")), Some("2008-07-01".into()));
        assert_eq!(mid_year(None), None);
    }

    #[test]
    fn answers_lose_their_free_text_and_keep_what_is_counted() {
        let mut answers: Map<String, Value> = serde_json::from_value(json!({
            "cared_for_who": "My mum, Joan Smith",
            "willing_to_continue": true,
            "hours_band": "h50_plus",
            "outcomes": {"nutrition": {"achieved": false, "reasons": ["needs_assistance"], "note": "Joan cannot cook"}},
            "wellbeing": {"health": {"impact": "significant", "note": "Exhausted"}},
            "impact_reasoning": "Caring every night leaves Ann exhausted",
            "mystery": "free text",
            "mystery_number": 3,
        }))
        .unwrap();
        let removed = scrub_answers("adult", &mut answers);
        let text = serde_json::to_string(&answers).unwrap();
        for gone in ["Joan", "Exhausted", "Ann", "free text"] {
            assert!(!text.contains(gone), "{gone} is still in {text}");
        }
        assert_eq!(answers["outcomes"]["nutrition"]["reasons"], json!(["needs_assistance"]));
        assert_eq!(answers["wellbeing"]["health"]["impact"], "significant");
        assert_eq!(answers["mystery_number"], 3);
        assert!(removed.contains(&"Caring every night leaves Ann exhausted".to_string()));

        let mut d = json!({"result": "eligible", "explanation": "Condition 3 holds: Caring every night leaves Ann exhausted.",
                           "unachieved_outcomes": [{"outcome": "nutrition", "note": "Joan cannot cook"}]});
        scrub_determination(&mut d, &removed);
        let text = d.to_string();
        assert!(!text.contains("Ann") && !text.contains("Joan"), "{text}");
        assert_eq!(d["result"], "eligible");
    }

    #[test]
    fn timestamps_and_values_print_for_people() {
        assert_eq!(timestamp("2026-11-23T09:05:01.123Z"), "23/11/2026 09:05");
        assert_eq!(timestamp("2026-11-23"), "23/11/2026");
        assert_eq!(show(&json!(1), F::YesNo).as_deref(), Some("Yes"));
        assert_eq!(show(&json!(0), F::YesNo).as_deref(), Some("No"));
        assert_eq!(show(&json!("h20_34"), F::List("hours_band")).as_deref(), Some("20 to 34 hours a week"));
        assert_eq!(show(&json!(12345), F::Pence).as_deref(), Some(crate::plans::money_uk(12345).as_str()));
        assert_eq!(show(&Value::Null, F::Text), None);
        assert_eq!(humanise("closed_reason"), "Closed reason");
    }
}
