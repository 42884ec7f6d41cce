//! Cared-for people, and the caring links between them and carers. One cared-for person can
//! have several carers (a parent and a young carer caring for the same adult): the cared-for
//! record lists them all, the "whole family" view.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::carers::{self, CarerSummary};
use crate::choices::{CareKind, Condition, HoursBand, Relationship, Status};
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::settings;
use crate::validate::{blank, Check, NumberInput, LONG_TEXT_MAX, NAME_MAX};

/// A cared-for person's details as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaredForInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// DD/MM/YYYY or YYYY-MM-DD; or give `approximate_age` instead.
    pub date_of_birth: Option<String>,
    /// Age in years when the date of birth is not known (0 to 120).
    pub approximate_age: Option<NumberInput>,
    /// `condition` codes.
    pub conditions: Vec<String>,
    pub notes: Option<String>,
}

/// A caring link's details as typed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinkInput {
    /// A `relationship` code: who the cared-for person is to the carer.
    pub relationship: Option<String>,
    pub lives_together: bool,
    /// An `hours_band` code (Census 2021).
    pub hours_band: Option<String>,
    /// `care_kind` codes.
    pub care_kinds: Vec<String>,
    /// When this caring began: a whole date (DD/MM/YYYY or YYYY-MM-DD), a month and year
    /// (03/2019, March 2019) or a year alone (2019).
    pub since: Option<String>,
}

/// A caring link as stored.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Link {
    pub id: i64,
    pub carer_id: i64,
    pub cared_for_id: i64,
    pub relationship: String,
    pub relationship_label: String,
    pub lives_together: bool,
    pub hours_band: String,
    pub hours_band_label: String,
    pub care_kinds: Vec<String>,
    /// When this caring began, as precisely as it is known: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub since: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CaredForSummary {
    pub id: i64,
    pub reference: String,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Age today: from the date of birth, or the approximate age carried forward.
    pub age: Option<u32>,
    pub age_is_approximate: bool,
    pub conditions: Vec<String>,
    /// Everyone recorded as caring for this person ("first last"), so staff can tell people
    /// apart when linking, and see the whole family from a carer's record.
    pub carer_names: Vec<String>,
}

/// One person a carer cares for.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CaringEntry {
    pub link: Link,
    pub person: CaredForSummary,
}

/// One carer of a cared-for person.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CarerOfEntry {
    pub link: Link,
    pub carer: CarerSummary,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CaredForRecord {
    pub id: i64,
    pub reference: String,
    #[serde(flatten)]
    pub details: CaredForInput,
    pub age: Option<u32>,
    pub age_is_approximate: bool,
    /// The day the record was anonymised (`cared_for_anonymise`), else null.
    pub anonymised_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Everyone who cares for this person: the whole family.
    pub carers: Vec<CarerOfEntry>,
}

struct CheckedPerson {
    input: CaredForInput,
    approximate_age: Option<u32>,
    conditions: Vec<Condition>,
}

fn check_person(c: &mut Check, p: &CaredForInput, today: NaiveDate) -> CheckedPerson {
    let dob = c.past_date("date_of_birth", "Date of birth", &p.date_of_birth, today);
    let approximate_age = c.whole_number("approximate_age", "Approximate age", &p.approximate_age, 0..=carers::MAX_AGE);
    if approximate_age.is_some() && !blank(&p.date_of_birth) {
        c.fail("approximate_age", "give either a date of birth or an approximate age, not both");
    }
    if let Some(age) = dob.and_then(|d| dates::age_on(d, today)) {
        if age > carers::MAX_AGE {
            c.fail(
                "date_of_birth",
                format!("a date of birth more than {} years ago is not possible: check the year", carers::MAX_AGE),
            );
        }
    }
    let conditions = c.choices("conditions", &p.conditions, Condition::parse);
    CheckedPerson {
        input: CaredForInput {
            first_name: Some(c.required("first_name", "First name", &p.first_name, NAME_MAX)),
            last_name: c.text("last_name", "Last name", &p.last_name, NAME_MAX),
            date_of_birth: dob.map(|d| d.to_string()),
            approximate_age: if dob.is_some() { None } else { approximate_age.map(NumberInput::from) },
            conditions: conditions.iter().map(|c| c.code().to_string()).collect(),
            notes: c.text("notes", "Notes", &p.notes, LONG_TEXT_MAX),
        },
        approximate_age: if dob.is_some() { None } else { approximate_age },
        conditions,
    }
}

struct CheckedLink {
    relationship: Option<Relationship>,
    hours_band: Option<HoursBand>,
    kinds: Vec<CareKind>,
    since: Option<dates::PartialDate>,
    lives_together: bool,
}

fn check_link(c: &mut Check, l: &LinkInput, today: NaiveDate) -> CheckedLink {
    CheckedLink {
        relationship: c.required_choice(
            "relationship",
            &l.relationship,
            Relationship::parse,
            "choose who the cared-for person is to the carer",
        ),
        hours_band: c.required_choice(
            "hours_band",
            &l.hours_band,
            HoursBand::parse,
            "choose about how many hours of care a week",
        ),
        kinds: c.choices("care_kinds", &l.care_kinds, CareKind::parse),
        since: c.past_partial_date("since", "Caring since", &l.since, today),
        lives_together: l.lives_together,
    }
}

fn ensure_open(conn: &Connection, carer_id: i64) -> Result<()> {
    if carers::read(conn, carer_id)?.status == Status::Closed.code() {
        return Err(Error::Conflict(
            "this carer's record is closed: reopen it before changing who they care for".into(),
        ));
    }
    Ok(())
}

fn insert_person(ctx: &Ctx<'_>, p: &CheckedPerson) -> Result<i64> {
    let now = ctx.now();
    // The next id and its reference are written with the row.
    let id: i64 =
        ctx.tx.prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM cared_for")?.query_row([], |r| r.get(0))?;
    ctx.tx
        .prepare_cached(
            "INSERT INTO cared_for (id, reference, first_name, last_name, date_of_birth, approximate_age, age_recorded_on, notes, created_at, updated_at)
             VALUES (?1, printf('P-%06d', ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?
        .execute(params![
            id,
            p.input.first_name,
            p.input.last_name,
            p.input.date_of_birth,
            p.approximate_age,
            p.approximate_age.map(|_| ctx.today().to_string()),
            p.input.notes,
            now
        ])?;
    write_conditions(ctx.tx, id, &p.conditions)?;
    Ok(id)
}

fn write_conditions(conn: &Connection, id: i64, conditions: &[Condition]) -> Result<()> {
    conn.prepare_cached("DELETE FROM cared_for_conditions WHERE cared_for_id = ?1")?.execute([id])?;
    let mut stmt = conn.prepare_cached("INSERT INTO cared_for_conditions (cared_for_id, condition) VALUES (?1, ?2)")?;
    for c in conditions {
        stmt.execute(params![id, c])?;
    }
    Ok(())
}

fn write_link(ctx: &Ctx<'_>, link_id: Option<i64>, carer_id: i64, cared_for_id: i64, l: &CheckedLink) -> Result<i64> {
    let now = ctx.now();
    let since = l.since.map(dates::PartialDate::stored);
    let id = match link_id {
        Some(id) => {
            ctx.tx.execute(
                "UPDATE caring_links SET relationship = ?1, lives_together = ?2, hours_band = ?3, since = ?4, updated_at = ?5 WHERE id = ?6",
                params![l.relationship, l.lives_together, l.hours_band, since, now, id],
            )?;
            id
        }
        None => {
            let exists: Option<i64> = ctx
                .tx
                .prepare_cached("SELECT id FROM caring_links WHERE carer_id = ?1 AND cared_for_id = ?2")?
                .query_row([carer_id, cared_for_id], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                return Err(Error::Conflict(
                    "this carer is already linked to that person: edit the existing link instead".into(),
                ));
            }
            ctx.tx
                .prepare_cached(
                    "INSERT INTO caring_links (carer_id, cared_for_id, relationship, lives_together, hours_band, since, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                )?
                .execute(params![carer_id, cared_for_id, l.relationship, l.lives_together, l.hours_band, since, now])?;
            ctx.tx.last_insert_rowid()
        }
    };
    ctx.tx.prepare_cached("DELETE FROM caring_link_kinds WHERE link_id = ?1")?.execute([id])?;
    let mut stmt = ctx.tx.prepare_cached("INSERT INTO caring_link_kinds (link_id, kind) VALUES (?1, ?2)")?;
    for k in &l.kinds {
        stmt.execute(params![id, k])?;
    }
    Ok(id)
}

const LINK_COLUMNS: &str = "l.id, l.carer_id, l.cared_for_id, l.relationship, l.lives_together, l.hours_band, l.since";

fn link_from_row(conn: &Connection, r: &Row<'_>) -> rusqlite::Result<Link> {
    let id: i64 = r.get(0)?;
    let relationship: Relationship = r.get(3)?;
    let hours: HoursBand = r.get(5)?;
    let mut stmt = conn.prepare_cached("SELECT kind FROM caring_link_kinds WHERE link_id = ?1")?;
    let mut kinds: Vec<CareKind> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    kinds.sort_by_key(|k| CareKind::ALL.iter().position(|x| x == k));
    Ok(Link {
        id,
        carer_id: r.get(1)?,
        cared_for_id: r.get(2)?,
        relationship: relationship.code().into(),
        relationship_label: relationship.label().into(),
        lives_together: r.get(4)?,
        hours_band: hours.code().into(),
        hours_band_label: hours.label().into(),
        care_kinds: kinds.iter().map(|k| k.code().to_string()).collect(),
        since: r.get(6)?,
    })
}

const PERSON_COLUMNS: &str =
    "p.id, p.reference, p.first_name, p.last_name, p.date_of_birth, p.approximate_age, p.age_recorded_on";

fn conditions_of(conn: &Connection, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT condition FROM cared_for_conditions WHERE cared_for_id = ?1")?;
    let mut list: Vec<Condition> = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    list.sort_by_key(|c| Condition::ALL.iter().position(|x| x == c));
    Ok(list.iter().map(|c| c.code().to_string()).collect())
}

/// Age today from a date of birth, or an approximate age carried forward from when it was recorded.
fn person_age(dob: Option<&str>, approx: Option<u32>, recorded: Option<&str>, today: NaiveDate) -> (Option<u32>, bool) {
    if let Some(d) = dob.and_then(dates::from_iso) {
        return (dates::age_on(d, today), false);
    }
    match approx {
        Some(a) => {
            let since = recorded.and_then(dates::from_iso).and_then(|r| dates::age_on(r, today)).unwrap_or(0);
            (Some(a + since), true)
        }
        None => (None, false),
    }
}

fn carer_names_of(conn: &Connection, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.first_name || ' ' || c.last_name FROM caring_links l JOIN carers c ON c.id = l.carer_id
         WHERE l.cared_for_id = ?1 ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE",
    )?;
    let names = stmt.query_map([id], |r| r.get(0))?.collect();
    names
}

fn person_from_row(conn: &Connection, r: &Row<'_>, at: usize, today: NaiveDate) -> rusqlite::Result<CaredForSummary> {
    let id: i64 = r.get(at)?;
    let dob: Option<String> = r.get(at + 4)?;
    let approx: Option<u32> = r.get(at + 5)?;
    let recorded: Option<String> = r.get(at + 6)?;
    let (age, approximate) = person_age(dob.as_deref(), approx, recorded.as_deref(), today);
    Ok(CaredForSummary {
        id,
        reference: r.get(at + 1)?,
        first_name: r.get(at + 2)?,
        last_name: r.get(at + 3)?,
        age,
        age_is_approximate: approximate,
        conditions: conditions_of(conn, id)?,
        carer_names: carer_names_of(conn, id)?,
    })
}

/// The people a carer cares for, in the order the links were made.
pub fn for_carer(conn: &Connection, carer_id: i64, today: NaiveDate) -> Result<Vec<CaringEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS}, {PERSON_COLUMNS} FROM caring_links l JOIN cared_for p ON p.id = l.cared_for_id
         WHERE l.carer_id = ?1 ORDER BY l.id"
    ))?;
    let rows = stmt.query_map([carer_id], |r| {
        Ok(CaringEntry { link: link_from_row(conn, r)?, person: person_from_row(conn, r, 7, today)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn load(conn: &Connection, id: i64, today: NaiveDate) -> Result<CaredForRecord> {
    let row = conn
        .query_row(
            "SELECT id, reference, first_name, last_name, date_of_birth, approximate_age, age_recorded_on, notes, created_at, updated_at,
                    anonymised_on
             FROM cared_for WHERE id = ?1",
            [id],
            |r| {
                let dob: Option<String> = r.get(4)?;
                let approx: Option<u32> = r.get(5)?;
                let recorded: Option<String> = r.get(6)?;
                let (age, approximate) = person_age(dob.as_deref(), approx, recorded.as_deref(), today);
                Ok(CaredForRecord {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    details: CaredForInput {
                        first_name: r.get(2)?,
                        last_name: r.get(3)?,
                        date_of_birth: dob,
                        approximate_age: approx.map(NumberInput::from),
                        conditions: vec![],
                        notes: r.get(7)?,
                    },
                    age,
                    age_is_approximate: approximate,
                    anonymised_on: r.get(10)?,
                    created_at: r.get(8)?,
                    updated_at: r.get(9)?,
                    carers: vec![],
                })
            },
        )
        .optional()?;
    let mut rec = row.ok_or(Error::NotFound { what: "that cared-for person" })?;
    rec.details.conditions = conditions_of(conn, id)?;
    let settings = settings::load(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS}, {} FROM caring_links l JOIN carers c ON c.id = l.carer_id
         WHERE l.cared_for_id = ?1 ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE",
        carers::SUMMARY_COLUMNS
    ))?;
    let rows = stmt.query_map([id], |r| {
        let link = link_from_row(conn, r)?;
        // Summary columns start after the 7 link columns.
        let carer = carers::summary_from_row_at(r, 7, today, &settings)?;
        Ok(CarerOfEntry { link, carer })
    })?;
    rec.carers = rows.collect::<rusqlite::Result<_>>()?;
    Ok(rec)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCaredForArgs {
    pub carer_id: i64,
    #[serde(default)]
    pub person: CaredForInput,
    #[serde(default)]
    pub link: LinkInput,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkCreateArgs {
    pub carer_id: i64,
    pub cared_for_id: i64,
    #[serde(default)]
    pub link: LinkInput,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkUpdateArgs {
    /// The caring link's id.
    pub id: i64,
    #[serde(default)]
    pub link: LinkInput,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CaredForUpdateArgs {
    pub id: i64,
    #[serde(flatten)]
    pub details: CaredForInput,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    #[serde(default)]
    pub query: String,
    pub limit: Option<u32>,
}

/// A new cared-for person and their caring link, checked as `carer_add_cared_for` checks them
/// (errors named `person.<field>` and `link.<field>`); imports use the same checks and writes.
pub struct Addition {
    person: CheckedPerson,
    link: CheckedLink,
}

/// Checks a new cared-for person and their link, reporting every problem at once.
pub fn check_addition(person: &CaredForInput, link: &LinkInput, today: NaiveDate) -> Result<Addition> {
    let mut c = Check::new("person");
    let person = check_person(&mut c, person, today);
    let mut cl = Check::new("link");
    let link = check_link(&mut cl, link, today);
    c.errors.append(&mut cl.errors);
    c.finish()?;
    Ok(Addition { person, link })
}

/// Stores a checked cared-for person and links them to the carer; returns the person's id.
pub(crate) fn insert_addition(ctx: &Ctx<'_>, carer_id: i64, a: &Addition) -> Result<i64> {
    let pid = insert_person(ctx, &a.person)?;
    write_link(ctx, None, carer_id, pid, &a.link)?;
    Ok(pid)
}

/// Adds a new cared-for person and links them to a carer, in one step; returns the carer's id.
pub fn add_for_carer(ctx: &mut Ctx<'_>, args: AddCaredForArgs) -> Result<i64> {
    ensure_open(ctx.tx, args.carer_id)?;
    let addition = check_addition(&args.person, &args.link, ctx.today())?;
    let pid = insert_addition(ctx, args.carer_id, &addition)?;
    ctx.touch(Touched::ChangedCaredFor(pid));
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    Ok(args.carer_id)
}

/// Links a carer to someone already known (the whole-family case); returns the carer's id.
pub fn link_create(ctx: &mut Ctx<'_>, args: LinkCreateArgs) -> Result<i64> {
    ensure_open(ctx.tx, args.carer_id)?;
    load(ctx.tx, args.cared_for_id, ctx.today())?;
    let mut c = Check::new("link");
    let link = check_link(&mut c, &args.link, ctx.today());
    c.finish()?;
    write_link(ctx, None, args.carer_id, args.cared_for_id, &link)?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    ctx.touch(Touched::ChangedCaredFor(args.cared_for_id));
    Ok(args.carer_id)
}

fn link_ends(conn: &Connection, id: i64) -> Result<(i64, i64)> {
    conn.query_row("SELECT carer_id, cared_for_id FROM caring_links WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or(Error::NotFound { what: "that caring link" })
}

/// Changes a caring link; returns the carer's id.
pub fn link_update(ctx: &mut Ctx<'_>, args: LinkUpdateArgs) -> Result<i64> {
    let (carer_id, cared_for_id) = link_ends(ctx.tx, args.id)?;
    ensure_open(ctx.tx, carer_id)?;
    let mut c = Check::new("link");
    let link = check_link(&mut c, &args.link, ctx.today());
    c.finish()?;
    write_link(ctx, Some(args.id), carer_id, cared_for_id, &link)?;
    ctx.touch(Touched::ChangedCarer(carer_id));
    Ok(carer_id)
}

/// Removes a caring link. The cared-for person's record stays (others may care for them).
/// Returns the carer's id.
pub fn link_remove(ctx: &mut Ctx<'_>, args: crate::args::IdArgs) -> Result<i64> {
    let (carer_id, _) = link_ends(ctx.tx, args.id)?;
    ensure_open(ctx.tx, carer_id)?;
    ctx.tx.execute("DELETE FROM caring_links WHERE id = ?1", [args.id])?;
    ctx.touch(Touched::ChangedCarer(carer_id));
    Ok(carer_id)
}

pub fn get(ctx: &mut Ctx<'_>, args: crate::args::IdArgs) -> Result<CaredForRecord> {
    let rec = load(ctx.tx, args.id, ctx.today())?;
    ctx.touch(Touched::ViewedCaredFor(args.id));
    Ok(rec)
}

pub fn update(ctx: &mut Ctx<'_>, args: CaredForUpdateArgs) -> Result<CaredForRecord> {
    let before = load(ctx.tx, args.id, ctx.today())?;
    let mut c = Check::new("");
    let p = check_person(&mut c, &args.details, ctx.today());
    c.finish()?;
    ctx.tx.execute(
        "UPDATE cared_for SET first_name = ?1, last_name = ?2, date_of_birth = ?3, approximate_age = ?4,
             age_recorded_on = CASE WHEN ?4 IS NULL THEN NULL
                                    WHEN approximate_age IS ?4 THEN age_recorded_on ELSE ?5 END,
             notes = ?6, updated_at = ?7 WHERE id = ?8",
        params![
            p.input.first_name,
            p.input.last_name,
            p.input.date_of_birth,
            p.approximate_age,
            ctx.today().to_string(),
            p.input.notes,
            ctx.now(),
            args.id
        ],
    )?;
    write_conditions(ctx.tx, args.id, &p.conditions)?;
    ctx.touch(Touched::ChangedCaredFor(args.id));
    let after = load(ctx.tx, args.id, ctx.today())?;
    ctx.note_changes(&before, &after);
    Ok(after)
}

/// Finds cared-for people by name or reference, to link a second carer to them.
pub fn search(ctx: &mut Ctx<'_>, args: SearchArgs) -> Result<Vec<CaredForSummary>> {
    let limit = args.limit.unwrap_or(20).clamp(1, 200);
    let words: Vec<String> = args
        .query
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| format!("{}%", w.replace(['%', '_', '\\'], "")))
        .collect();
    let mut sql = format!("SELECT {PERSON_COLUMNS} FROM cared_for p WHERE 1 = 1");
    for i in 1..=words.len() {
        sql.push_str(&format!(" AND (p.first_name LIKE ?{i} OR p.last_name LIKE ?{i} OR p.reference LIKE ?{i})"));
    }
    sql.push_str(&format!(" ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE LIMIT {limit}"));
    let mut stmt = ctx.tx.prepare(&sql)?;
    let today = ctx.today();
    let conn: &Connection = ctx.tx;
    let rows = stmt.query_map(rusqlite::params_from_iter(words.iter()), |r| person_from_row(conn, r, 0, today))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approximate_ages_grow_with_time() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-23");
        assert_eq!(person_age(None, Some(80), Some("2024-11-23"), today), (Some(82), true));
        assert_eq!(person_age(None, Some(80), Some("2024-11-24"), today), (Some(81), true));
        assert_eq!(person_age(Some("1950-06-01"), None, None, today), (Some(76), false));
        assert_eq!(person_age(None, None, None, today), (None, false));
    }
}
