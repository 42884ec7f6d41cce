//! Young carers in school: schools as records, a young carer's link to their school (year
//! group, tutor group, school census code, named staff contact), the adjustments the school
//! agreed, and the school view.
//!
//! School staff (role `school_staff`) see one school only: the context's `school_scope`.
//! Every command here with `school` access filters by it or checks it ([`Ctx::check_school`],
//! [`Ctx::check_pupil`]); the permission tests cover two schools.

pub mod print;

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::args::IdArgs;
use crate::args::NoArgs;
use crate::assessments::AssessmentType;
use crate::carers::{self, SCHOOL_UNDER};
use crate::choices::{AdjustmentKind, CensusCode, YearGroup};
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::validate::{self, Check, LONG_TEXT_MAX, NAME_MAX, TEXT_MAX};

/// An adjustment is "due for review" this many days before its review date.
pub const REVIEW_SOON_DAYS: u64 = 30;

/// One line of the schools list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SchoolRow {
    pub id: i64,
    pub name: String,
    pub urn: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub lead_name: Option<String>,
    /// Open young carers linked to the school.
    pub young_carers: i64,
    /// Their active adjustments due for review (within 30 days, or past).
    pub adjustments_due: i64,
}

/// A school's details as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SchoolInput {
    /// Absent or null: a new school.
    pub id: Option<i64>,
    pub name: Option<String>,
    /// Unique Reference Number: six digits.
    pub urn: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The school's named young carers lead.
    pub lead_name: Option<String>,
    pub lead_email: Option<String>,
    pub lead_phone: Option<String>,
}

/// A school with its young carers.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct School {
    pub id: i64,
    pub name: String,
    pub urn: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub lead_name: Option<String>,
    pub lead_email: Option<String>,
    pub lead_phone: Option<String>,
    /// Open young carers linked to the school, by year group then name.
    pub pupils: Vec<Pupil>,
}

/// A young carer as their school sees them: no case details.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Pupil {
    pub carer_id: i64,
    pub reference: String,
    /// First and last name, with the preferred name in brackets.
    pub name: String,
    pub age: u32,
    pub year_group: Option<String>,
    pub year_group_label: Option<String>,
    pub tutor_group: Option<String>,
    pub census_code: Option<String>,
    pub census_label: Option<String>,
    pub staff_contact: Option<String>,
    /// The date of the newest case note.
    pub last_contact: Option<String>,
    /// The newest young carer's or transition assessment.
    pub assessment: Option<AssessmentBrief>,
    /// Active adjustments first, then ended ones.
    pub adjustments: Vec<Adjustment>,
    pub adjustments_due: u32,
}

/// Which assessment a young carer has had, without its content.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessmentBrief {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub type_label: String,
    pub status: String,
    pub date: Option<String>,
    /// "Completed 12/03/2026" or "Draft started 01/02/2026".
    pub summary: String,
}

/// An agreed adjustment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Adjustment {
    pub id: i64,
    pub carer_id: i64,
    /// An `adjustment_kind` code.
    pub kind: String,
    pub kind_label: String,
    pub note: Option<String>,
    pub agreed_on: String,
    pub review_on: Option<String>,
    pub ended_on: Option<String>,
    /// `active`, `review_due` (review within 30 days or past) or `ended`.
    pub status: String,
    pub status_label: String,
}

/// A young carer's link to their school.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SchoolLink {
    pub school_id: i64,
    pub school_name: String,
    pub year_group: Option<String>,
    pub year_group_label: Option<String>,
    pub tutor_group: Option<String>,
    pub census_code: Option<String>,
    pub census_label: Option<String>,
    pub identified_on: Option<String>,
    pub staff_contact: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkArgs {
    pub carer_id: i64,
    pub school_id: Option<i64>,
    /// A `year_group` code: `R`, `1` … `13`.
    pub year_group: Option<String>,
    pub tutor_group: Option<String>,
    /// A `census_code`: `N`, `P` or `S`.
    pub census_code: Option<String>,
    /// When the school identified them as a young carer (not in the future).
    pub identified_on: Option<String>,
    /// The member of staff the young carer can go to.
    pub staff_contact: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentArgs {
    /// Absent or null: a new adjustment.
    #[serde(default)]
    pub id: Option<i64>,
    pub carer_id: i64,
    /// An `adjustment_kind` code.
    pub kind: Option<String>,
    /// What exactly was agreed (required for "other").
    pub note: Option<String>,
    /// When it was agreed (not in the future).
    pub agreed_on: Option<String>,
    /// When the school will look at it again (not before it was agreed).
    pub review_on: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndArgs {
    pub id: i64,
    /// Default: today.
    #[serde(default)]
    pub ended_on: Option<String>,
}

/// A person's name as a school list shows it.
pub fn display_name(first: &str, last: &str, preferred: Option<&str>) -> String {
    match preferred.filter(|p| !p.eq_ignore_ascii_case(first)) {
        Some(p) => format!("{first} {last} ({p})"),
        None => format!("{first} {last}"),
    }
}

fn adjustment_status(
    review_on: Option<&str>,
    ended_on: Option<&str>,
    today: NaiveDate,
) -> (&'static str, &'static str) {
    let soon = dates::iso(today + Days::new(REVIEW_SOON_DAYS));
    match (ended_on, review_on) {
        (Some(_), _) => ("ended", "Ended"),
        (None, Some(r)) if r < dates::iso(today).as_str() => ("review_due", "Review overdue"),
        (None, Some(r)) if r <= soon.as_str() => ("review_due", "Review due"),
        _ => ("active", "Agreed"),
    }
}

const ADJUSTMENT_COLUMNS: &str = "id, carer_id, kind, note, agreed_on, review_on, ended_on";

fn adjustment_from_row(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<Adjustment> {
    let kind: AdjustmentKind = r.get(2)?;
    let review_on: Option<String> = r.get(5)?;
    let ended_on: Option<String> = r.get(6)?;
    let (status, label) = adjustment_status(review_on.as_deref(), ended_on.as_deref(), today);
    Ok(Adjustment {
        id: r.get(0)?,
        carer_id: r.get(1)?,
        kind: kind.code().into(),
        kind_label: kind.label().into(),
        note: r.get(3)?,
        agreed_on: r.get(4)?,
        review_on,
        ended_on,
        status: status.into(),
        status_label: label.into(),
    })
}

/// A young carer's adjustments: active ones first (by date agreed), then ended ones.
pub fn adjustments_for(conn: &Connection, carer_id: i64, today: NaiveDate) -> Result<Vec<Adjustment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ADJUSTMENT_COLUMNS} FROM adjustments WHERE carer_id = ?1
         ORDER BY ended_on IS NOT NULL, agreed_on, id"
    ))?;
    let rows = stmt.query_map([carer_id], |r| adjustment_from_row(r, today))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A young carer's school link, if any.
pub fn link_for(conn: &Connection, carer_id: i64) -> Result<Option<SchoolLink>> {
    let row = conn
        .query_row(
            "SELECT l.school_id, s.name, l.year_group, l.tutor_group, l.census_code, l.identified_on, l.staff_contact
             FROM school_links l JOIN schools s ON s.id = l.school_id WHERE l.carer_id = ?1",
            [carer_id],
            |r| {
                let year: Option<YearGroup> = r.get(2)?;
                let census: Option<CensusCode> = r.get(4)?;
                Ok(SchoolLink {
                    school_id: r.get(0)?,
                    school_name: r.get(1)?,
                    year_group: year.map(|y| y.code().into()),
                    year_group_label: year.map(|y| y.label().into()),
                    tutor_group: r.get(3)?,
                    census_code: census.map(|c| c.code().into()),
                    census_label: census.map(|c| c.label().into()),
                    identified_on: r.get(5)?,
                    staff_contact: r.get(6)?,
                })
            },
        )
        .optional()?;
    Ok(row)
}

/// The school year group a child born on `dob` is in on `today` in England: children start
/// Reception in the September after they turn 4, so the year group is their age on the
/// 31 August before the school year began, minus 4 (Reception at 4). `None` outside R to 13.
pub fn year_group_for(dob: NaiveDate, today: NaiveDate) -> Option<YearGroup> {
    use chrono::Datelike;
    let year_start = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    let cutoff = NaiveDate::from_ymd_opt(year_start, 8, 31)?;
    let age = dates::age_on(dob, cutoff)?;
    let index = age.checked_sub(4)? as usize;
    YearGroup::ALL.get(index).copied()
}

/// Rows of the schools list, limited to the caller's school for school staff.
pub fn list(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<SchoolRow>> {
    let soon = dates::iso(ctx.today() + Days::new(REVIEW_SOON_DAYS));
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT s.id, s.name, s.urn, s.town, s.postcode, s.lead_name,
                (SELECT count(*) FROM school_links l JOIN carers c ON c.id = l.carer_id
                 WHERE l.school_id = s.id AND c.status = 'open'),
                (SELECT count(*) FROM school_links l JOIN carers c ON c.id = l.carer_id
                 JOIN adjustments a ON a.carer_id = l.carer_id
                 WHERE l.school_id = s.id AND c.status = 'open' AND a.ended_on IS NULL AND a.review_on <= ?1)
         FROM schools s WHERE ?2 IS NULL OR s.id = ?2 ORDER BY s.name COLLATE NOCASE, s.id",
    )?;
    let rows = stmt.query_map(params![soon, ctx.school_scope()], |r| {
        Ok(SchoolRow {
            id: r.get(0)?,
            name: r.get(1)?,
            urn: r.get(2)?,
            town: r.get(3)?,
            postcode: r.get(4)?,
            lead_name: r.get(5)?,
            young_carers: r.get(6)?,
            adjustments_due: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn latest_assessment(conn: &Connection, carer_id: i64) -> Result<Option<AssessmentBrief>> {
    let row = conn
        .query_row(
            "SELECT id, type, status, coalesce(assessed_on, substr(created_at, 1, 10)) FROM assessments
             WHERE carer_id = ?1 AND type IN ('young_carer', 'transition')
             ORDER BY coalesce(assessed_on, substr(created_at, 1, 10)) DESC, id DESC LIMIT 1",
            [carer_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(|(id, kind, status, date)| {
        let label = AssessmentType::from_code(&kind).map(|t| t.label()).unwrap_or("Assessment");
        let when = date.as_deref().and_then(dates::from_iso).map(dates::uk).unwrap_or_default();
        let summary = if status == "completed" { format!("Completed {when}") } else { format!("Draft started {when}") };
        AssessmentBrief { id, kind, type_label: label.into(), status, date, summary: summary.trim().to_string() }
    }))
}

/// The pupils of one school, by year group then name.
pub fn pupils(conn: &Connection, school_id: i64, today: NaiveDate) -> Result<Vec<Pupil>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.reference, c.first_name, c.last_name, c.preferred_name, c.date_of_birth,
                l.year_group, l.tutor_group, l.census_code, l.staff_contact,
                (SELECT max(n.date) FROM notes n WHERE n.carer_id = c.id)
         FROM school_links l JOIN carers c ON c.id = l.carer_id
         WHERE l.school_id = ?1 AND c.status = 'open'
         ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id",
    )?;
    let rows = stmt.query_map([school_id], |r| {
        let first: String = r.get(2)?;
        let last: String = r.get(3)?;
        let preferred: Option<String> = r.get(4)?;
        let dob: String = r.get(5)?;
        let year: Option<YearGroup> = r.get(6)?;
        let census: Option<CensusCode> = r.get(8)?;
        Ok(Pupil {
            carer_id: r.get(0)?,
            reference: r.get(1)?,
            name: display_name(&first, &last, preferred.as_deref()),
            age: carers::age_from_iso(&dob, today),
            year_group: year.map(|y| y.code().into()),
            year_group_label: year.map(|y| y.label().into()),
            tutor_group: r.get(7)?,
            census_code: census.map(|c| c.code().into()),
            census_label: census.map(|c| c.label().into()),
            staff_contact: r.get(9)?,
            last_contact: r.get(10)?,
            assessment: None,
            adjustments: Vec::new(),
            adjustments_due: 0,
        })
    })?;
    let mut out: Vec<Pupil> = rows.collect::<rusqlite::Result<_>>()?;
    for p in &mut out {
        p.assessment = latest_assessment(conn, p.carer_id)?;
        p.adjustments = adjustments_for(conn, p.carer_id, today)?;
        p.adjustments_due = p.adjustments.iter().filter(|a| a.status == "review_due").count() as u32;
    }
    let year_index = |p: &Pupil| {
        p.year_group.as_deref().and_then(YearGroup::from_code).and_then(|y| YearGroup::ALL.iter().position(|&v| v == y))
    };
    // Stable: within a year group the name order from the query stays.
    out.sort_by_key(|p| year_index(p).unwrap_or(usize::MAX));
    Ok(out)
}

/// A school's details (no pupils), or not found.
pub fn load(conn: &Connection, id: i64) -> Result<School> {
    conn.query_row(
        "SELECT id, name, urn, address_line1, address_line2, town, postcode, phone, email, lead_name, lead_email,
                lead_phone FROM schools WHERE id = ?1",
        [id],
        |r| {
            Ok(School {
                id: r.get(0)?,
                name: r.get(1)?,
                urn: r.get(2)?,
                address_line1: r.get(3)?,
                address_line2: r.get(4)?,
                town: r.get(5)?,
                postcode: r.get(6)?,
                phone: r.get(7)?,
                email: r.get(8)?,
                lead_name: r.get(9)?,
                lead_email: r.get(10)?,
                lead_phone: r.get(11)?,
                pupils: Vec::new(),
            })
        },
    )
    .optional()?
    .ok_or(Error::NotFound { what: "school" })
}

/// The school view: details and young carers.
pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<School> {
    ctx.check_school(args.id)?;
    let mut school = load(ctx.tx, args.id)?;
    school.pupils = pupils(ctx.tx, args.id, ctx.today())?;
    Ok(school)
}

fn check_school_input(input: &SchoolInput) -> Result<SchoolInput> {
    let mut c = Check::new("");
    let mut out = SchoolInput {
        id: input.id,
        name: Some(c.required("name", "School name", &input.name, TEXT_MAX)),
        urn: None,
        address_line1: c.text("address_line1", "Address line 1", &input.address_line1, TEXT_MAX),
        address_line2: c.text("address_line2", "Address line 2", &input.address_line2, TEXT_MAX),
        town: c.text("town", "Town or city", &input.town, 100),
        postcode: None,
        phone: c.text("phone", "Phone", &input.phone, 40),
        email: c.text("email", "Email", &input.email, TEXT_MAX),
        lead_name: c.text("lead_name", "Young carers lead", &input.lead_name, NAME_MAX),
        lead_email: c.text("lead_email", "Lead's email", &input.lead_email, TEXT_MAX),
        lead_phone: c.text("lead_phone", "Lead's phone", &input.lead_phone, 40),
    };
    if let Some(urn) = c.text("urn", "URN", &input.urn, 20) {
        let digits: String = urn.chars().filter(|ch| !ch.is_whitespace()).collect();
        if digits.len() == 6 && digits.chars().all(|ch| ch.is_ascii_digit()) {
            out.urn = Some(digits);
        } else {
            c.fail("urn", "enter the school's URN: 6 digits, as on Get Information about Schools (or leave it blank)");
        }
    }
    if let Some(p) = c.text("postcode", "Postcode", &input.postcode, 10) {
        match validate::postcode(&p) {
            Some(norm) => out.postcode = Some(norm),
            None => c.fail("postcode", format!("enter a UK postcode like SW1A 1AA ('{p}' is not one)")),
        }
    }
    for (field, value) in [("phone", &out.phone), ("lead_phone", &out.lead_phone)] {
        if value.as_deref().is_some_and(|p| !validate::phone(p)) {
            c.fail(field, "enter a phone number with 10 to 15 digits, for example 020 7946 0018");
        }
    }
    for (field, value) in [("email", &out.email), ("lead_email", &out.lead_email)] {
        if value.as_deref().is_some_and(|e| !validate::email(e)) {
            c.fail(field, "enter an email address like name@example.org");
        }
    }
    c.finish()?;
    Ok(out)
}

/// Adds or changes a school.
pub fn save(ctx: &mut Ctx<'_>, input: SchoolInput) -> Result<School> {
    let s = check_school_input(&input)?;
    if let Some(urn) = &s.urn {
        let other: Option<String> = ctx
            .tx
            .query_row("SELECT name FROM schools WHERE urn = ?1 AND id IS NOT ?2", params![urn, s.id], |r| r.get(0))
            .optional()?;
        if let Some(name) = other {
            return Err(Error::field("urn", format!("the URN {urn} is already recorded for {name}: check the number")));
        }
    }
    let now = ctx.now();
    let values = params![
        s.name,
        s.urn,
        s.address_line1,
        s.address_line2,
        s.town,
        s.postcode,
        s.phone,
        s.email,
        s.lead_name,
        s.lead_email,
        s.lead_phone,
        now
    ];
    let id = match s.id {
        Some(id) => {
            load(ctx.tx, id)?;
            ctx.tx.execute(
                "UPDATE schools SET name = ?1, urn = ?2, address_line1 = ?3, address_line2 = ?4, town = ?5,
                     postcode = ?6, phone = ?7, email = ?8, lead_name = ?9, lead_email = ?10, lead_phone = ?11,
                     updated_at = ?12 WHERE id = ?13",
                rusqlite::params_from_iter(values.iter().copied().chain(std::iter::once(&id as &dyn rusqlite::ToSql))),
            )?;
            id
        }
        None => {
            ctx.tx.execute(
                "INSERT INTO schools (name, urn, address_line1, address_line2, town, postcode, phone, email,
                     lead_name, lead_email, lead_phone, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                values,
            )?;
            ctx.tx.last_insert_rowid()
        }
    };
    get(ctx, IdArgs { id })
}

/// Links a young carer to their school (or changes the link). The command, which answers with
/// the young carer's whole page, is [`crate::transition::school_link_save`].
pub fn link_save(ctx: &mut Ctx<'_>, args: &LinkArgs) -> Result<()> {
    let carer = crate::register::load(ctx.tx, args.carer_id, ctx.today())?;
    let mut c = Check::new("");
    if carer.age >= SCHOOL_UNDER {
        c.fail(
            "carer_id",
            format!(
                "a school link is for young carers under {SCHOOL_UNDER}: {} is {}, so record their college or work on the record instead (or check the date of birth)",
                carer.details.first_name.as_deref().unwrap_or("this carer"),
                carer.age
            ),
        );
    }
    let school_id = match args.school_id {
        Some(id) => match load(ctx.tx, id) {
            Ok(_) => Some(id),
            Err(Error::NotFound { .. }) => {
                c.fail("school_id", "that school is not recorded: choose one from the list, or add the school first");
                None
            }
            Err(e) => return Err(e),
        },
        None => {
            c.fail("school_id", "choose the school");
            None
        }
    };
    let year = c.required_choice("year_group", &args.year_group, YearGroup::parse, "choose the year group");
    let tutor = c.text("tutor_group", "Tutor group", &args.tutor_group, 40);
    let census = c.choice("census_code", &args.census_code, CensusCode::parse);
    let identified = c.past_date("identified_on", "Date identified", &args.identified_on, ctx.today());
    let contact = c.text("staff_contact", "Staff contact", &args.staff_contact, NAME_MAX);
    if let (Some(d), Some(dob)) = (identified, carer.details.date_of_birth.as_deref().and_then(dates::from_iso)) {
        if d < dob {
            c.fail("identified_on", "the date identified cannot be before the date of birth");
        }
    }
    c.finish()?;
    let now = ctx.now();
    ctx.tx.execute(
        "INSERT INTO school_links (carer_id, school_id, year_group, tutor_group, census_code, identified_on,
             staff_contact, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (carer_id) DO UPDATE SET school_id = excluded.school_id, year_group = excluded.year_group,
             tutor_group = excluded.tutor_group, census_code = excluded.census_code,
             identified_on = excluded.identified_on, staff_contact = excluded.staff_contact,
             updated_at = excluded.updated_at",
        params![args.carer_id, school_id, year, tutor, census, identified.map(dates::iso), contact, now],
    )?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    Ok(())
}

/// Removes a young carer's school link (their adjustments stay as history). The command is
/// [`crate::transition::school_link_remove`].
pub fn link_remove(ctx: &mut Ctx<'_>, carer_id: i64) -> Result<()> {
    carers::ensure_exists(ctx.tx, carer_id)?;
    ctx.tx.execute("DELETE FROM school_links WHERE carer_id = ?1", [carer_id])?;
    ctx.touch(Touched::ChangedCarer(carer_id));
    Ok(())
}

/// Adds or changes an agreed adjustment. School staff: only for their own school's young carers.
pub fn adjustment_save(ctx: &mut Ctx<'_>, args: AdjustmentArgs) -> Result<Vec<Adjustment>> {
    ctx.check_pupil(args.carer_id)?;
    carers::ensure_exists(ctx.tx, args.carer_id)?;
    if let Some(id) = args.id {
        let owner: Option<(i64, Option<String>)> = ctx
            .tx
            .query_row("SELECT carer_id, ended_on FROM adjustments WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match owner {
            None => return Err(Error::NotFound { what: "adjustment" }),
            Some((carer, _)) if carer != args.carer_id => return Err(Error::NotFound { what: "adjustment" }),
            Some((_, Some(_))) => {
                return Err(Error::Conflict("this adjustment has ended: add a new one instead".into()));
            }
            _ => {}
        }
    } else if link_for(ctx.tx, args.carer_id)?.is_none() {
        return Err(Error::field(
            "carer_id",
            "link the young carer to their school before recording the adjustments the school agreed",
        ));
    }
    let mut c = Check::new("");
    let kind = c.required_choice("kind", &args.kind, AdjustmentKind::parse, "choose the adjustment");
    let note = c.text("note", "Note", &args.note, LONG_TEXT_MAX);
    if kind == Some(AdjustmentKind::Other) && note.is_none() {
        c.fail("note", "say what was agreed: an adjustment of the kind 'other' needs a note");
    }
    let agreed = c.required_past_date(
        "agreed_on",
        "Date agreed",
        &args.agreed_on,
        ctx.today(),
        "enter the date it was agreed, for example 04/09/2026",
    );
    let review = c.date("review_on", &args.review_on);
    if let (Some(a), Some(r)) = (agreed, review) {
        if r < a {
            c.fail("review_on", "the review date cannot be before the date it was agreed");
        }
    }
    c.finish()?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let (agreed, review) = (agreed.map(dates::iso), review.map(dates::iso));
    match args.id {
        Some(id) => ctx.tx.execute(
            "UPDATE adjustments SET kind = ?1, note = ?2, agreed_on = ?3, review_on = ?4, updated_at = ?5,
                 updated_by = ?6 WHERE id = ?7",
            params![kind, note, agreed, review, now, by, id],
        )?,
        None => ctx.tx.execute(
            "INSERT INTO adjustments (carer_id, kind, note, agreed_on, review_on, created_at, created_by,
                 updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
            params![args.carer_id, kind, note, agreed, review, now, by],
        )?,
    };
    if ctx.school_scope().is_none() {
        ctx.touch(Touched::ChangedCarer(args.carer_id));
    }
    adjustments_for(ctx.tx, args.carer_id, ctx.today())
}

/// Ends an adjustment (it stays in the history).
pub fn adjustment_end(ctx: &mut Ctx<'_>, args: EndArgs) -> Result<Vec<Adjustment>> {
    let row: Option<(i64, String, Option<String>)> = ctx
        .tx
        .query_row("SELECT carer_id, agreed_on, ended_on FROM adjustments WHERE id = ?1", [args.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((carer_id, agreed_on, ended)) = row else { return Err(Error::NotFound { what: "adjustment" }) };
    ctx.check_pupil(carer_id)?;
    if ended.is_some() {
        return Err(Error::Conflict("this adjustment has already ended".into()));
    }
    let mut c = Check::new("");
    let on = match args.ended_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(ctx.today()),
        Some(_) => c.past_date("ended_on", "Date ended", &args.ended_on, ctx.today()),
    };
    if on.is_some_and(|d| dates::iso(d) < agreed_on) {
        c.fail("ended_on", "an adjustment cannot end before it was agreed");
    }
    c.finish()?;
    ctx.tx.execute(
        "UPDATE adjustments SET ended_on = ?1, updated_at = ?2, updated_by = ?3 WHERE id = ?4",
        params![on.map(dates::iso), ctx.now(), ctx.actor().name, args.id],
    )?;
    if ctx.school_scope().is_none() {
        ctx.touch(Touched::ChangedCarer(carer_id));
    }
    adjustments_for(ctx.tx, carer_id, ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintArgs {
    /// The school.
    pub id: i64,
    /// Where to write the PDF (replaced if it exists).
    #[serde(alias = "out")]
    pub path: std::path::PathBuf,
}

/// Prints the school's staff summary: each young carer's name, year, tutor group and active
/// adjustments only. School staff: their own school only.
pub fn print_summary(ctx: &mut Ctx<'_>, args: PrintArgs) -> Result<crate::plans::print::Printed> {
    use print::{StaffAdjustment, StaffPupil, StaffSummary};
    let protected = crate::backup::protected(ctx)?;
    crate::pdf::check_path(&protected, &args.path)?;
    let school = get(ctx, IdArgs { id: args.id })?;
    let settings = crate::settings::load(ctx.tx)?;
    let org = crate::plans::print::organisation(&settings);
    let summary = StaffSummary {
        organisation: org[0].clone(),
        organisation_contact: org.last().filter(|_| org.len() > 1).cloned(),
        school: school.name.clone(),
        school_lead: school.lead_name.clone(),
        printed_on: dates::iso(ctx.today()),
        // The creation time for the PDF's metadata: a timestamp, not used by any rule.
        created: chrono::Utc::now().naive_utc(),
        pupils: school
            .pupils
            .iter()
            .map(|p| StaffPupil {
                name: p.name.clone(),
                year_group: p.year_group_label.clone().unwrap_or_default(),
                tutor_group: p.tutor_group.clone(),
                adjustments: p
                    .adjustments
                    .iter()
                    .filter(|a| a.ended_on.is_none())
                    .map(|a| StaffAdjustment {
                        label: a.kind_label.clone(),
                        note: a.note.clone(),
                        review_on: a.review_on.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let rendered = print::render(&summary)?;
    crate::pdf::save(&protected, &args.path, &rendered.bytes)?;
    Ok(crate::plans::print::Printed {
        path: args.path.display().to_string(),
        pages: rendered.pages,
        bytes: rendered.bytes.len(),
        unprintable: print::unprintable(&summary)?,
    })
}

/// Demo data: finds or adds a school by name (no other details) and links the young carer,
/// with their year group worked out from the date of birth.
pub(crate) fn demo_link(
    conn: &Connection,
    carer_id: i64,
    school: &str,
    dob: NaiveDate,
    today: NaiveDate,
    now: &str,
) -> Result<()> {
    let existing: Option<i64> =
        conn.prepare_cached("SELECT id FROM schools WHERE name = ?1")?.query_row([school], |r| r.get(0)).optional()?;
    let school_id = match existing {
        Some(id) => id,
        None => {
            let n: i64 = conn.query_row("SELECT count(*) FROM schools", [], |r| r.get(0))?;
            let leads = ["Ms Rahman", "Mr Hale", "Mrs Okoro", "Ms Byrne", "Mr Novak", "Mrs Ahmed", "Ms Clarke"];
            conn.execute(
                "INSERT INTO schools (name, urn, town, lead_name, created_at, updated_at)
                 VALUES (?1, CASE WHEN EXISTS (SELECT 1 FROM schools WHERE urn = ?2) THEN NULL ELSE ?2 END,
                         'Dagenham', ?3, ?4, ?4)",
                params![school, (100_100 + n).to_string(), leads[n as usize % leads.len()], now],
            )?;
            conn.last_insert_rowid()
        }
    };
    let year = year_group_for(dob, today);
    let tutor = year.map(|y| format!("{}{}", y.code(), ["A", "B", "C", "D"][(carer_id % 4) as usize]));
    let census = [CensusCode::School, CensusCode::Parent, CensusCode::NotDeclared][(carer_id % 3) as usize];
    conn.prepare_cached(
        "INSERT INTO school_links (carer_id, school_id, year_group, tutor_group, census_code, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![carer_id, school_id, year, tutor, census, now])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        dates::from_iso(s).unwrap()
    }

    #[test]
    fn year_group_follows_the_english_school_year() {
        // (date of birth, today, year group)
        let table = [
            ("2010-09-01", "2026-11-23", Some(YearGroup::Y11)), // oldest in the year
            ("2011-08-31", "2026-11-23", Some(YearGroup::Y11)), // youngest in the year
            ("2011-09-01", "2026-11-23", Some(YearGroup::Y10)),
            ("2011-09-01", "2026-08-31", Some(YearGroup::Y9)), // the last day of the school year
            ("2011-09-01", "2026-09-01", Some(YearGroup::Y10)), // the first day of the next
            ("2022-01-10", "2026-11-23", Some(YearGroup::Reception)),
            ("2023-01-10", "2026-11-23", None), // not at school yet
            ("2008-02-29", "2026-03-01", Some(YearGroup::Y13)),
            ("2006-09-01", "2026-11-23", None), // left school
        ];
        for (dob, today, want) in table {
            assert_eq!(year_group_for(d(dob), d(today)), want, "born {dob} on {today}");
        }
    }

    #[test]
    fn adjustment_status_by_review_date() {
        let today = d("2026-11-23");
        let table = [
            (None, None, "active"),
            (Some("2027-06-01"), None, "active"),
            (Some("2026-12-23"), None, "review_due"), // exactly 30 days
            (Some("2026-12-24"), None, "active"),
            (Some("2026-11-22"), None, "review_due"), // past: overdue
            (Some("2026-11-22"), Some("2026-11-01"), "ended"),
        ];
        for (review, ended, want) in table {
            assert_eq!(adjustment_status(review, ended, today).0, want, "{review:?} {ended:?}");
        }
        assert_eq!(adjustment_status(Some("2026-11-22"), None, today).1, "Review overdue");
    }
}
