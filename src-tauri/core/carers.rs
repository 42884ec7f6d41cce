//! A carer's row in the register: the details and their checks, reading and writing the row,
//! the line shown in lists, and the derived facts (age, category) that are computed, never
//! typed. The whole record (with the people cared for and case notes) and the commands that
//! change it are in [`crate::register`].

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::choices::{
    Category, CloseReason, ContactMethod, Disability, Employment, Ethnicity, Gender, ReferralOutcome, ReferralSource,
};
use crate::dates;
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::validate::{self, Check, NAME_MAX, TEXT_MAX};

/// The oldest age we accept for a date of birth.
pub const MAX_AGE: u32 = 120;
/// The youngest age a carer is registered at. Young carers services work with children from
/// about 5; a younger date of birth is almost always a mistyped year (or today's date).
pub const MIN_AGE: u32 = 5;
/// A carer is linked to a school only under this age (see `schools`).
pub const SCHOOL_UNDER: u32 = 19;
/// Under this age a carer is a young carer (Children and Families Act 2014).
pub const ADULT_AGE: u32 = 18;

/// A carer's details as typed in the form. Also what a record returns, normalised (dates as
/// `YYYY-MM-DD`, postcodes in capitals, NHS numbers spaced `943 476 5919`, choices as codes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CarerInput {
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub preferred_name: Option<String>,
    /// DD/MM/YYYY or YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    /// A `gender` code.
    pub gender: Option<String>,
    /// An `ethnicity` code (ONS 2021).
    pub ethnicity: Option<String>,
    pub main_language: Option<String>,
    pub interpreter_needed: bool,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A `contact_method` code.
    pub preferred_contact: Option<String>,
    pub gp_practice: Option<String>,
    /// Ten digits passing the Modulus 11 check.
    pub nhs_number: Option<String>,
    pub date_first_identified: Option<String>,
    /// A `referral_source` code.
    pub referral_source: Option<String>,
    /// A `referral_outcome` code: registered for support (`accepted`, the default) or given
    /// information and signposted elsewhere only (`signposted`).
    pub referral_outcome: Option<String>,
    pub referrer_name: Option<String>,
    /// "How did you hear about us?"
    pub how_heard: Option<String>,
    pub consent_given: bool,
    pub consent_date: Option<String>,
    pub consent_recorded_by: Option<String>,
    pub consent_share_gp: bool,
    pub consent_share_school: bool,
    pub consent_share_adult_services: bool,
    /// An `employment` code.
    pub employment_status: Option<String>,
    /// A `disability` code: the carer's own disability or long-term condition.
    pub disability: Option<String>,
    /// Cares for a disabled child they have parental responsibility for (18 or over).
    pub parent_carer: bool,
}

/// The stored columns, in the order of [`CarerInput::to_params`] and [`input_from_row`].
const COLUMNS: &str = "title, first_name, last_name, preferred_name, date_of_birth, gender, ethnicity, \
    main_language, interpreter_needed, address_line1, address_line2, town, postcode, phone, email, \
    preferred_contact, gp_practice, nhs_number, date_first_identified, referral_source, \
    referral_outcome, referrer_name, how_heard, consent_given, consent_date, consent_recorded_by, consent_share_gp, \
    consent_share_school, consent_share_adult_services, employment_status, disability, parent_carer";
const COLUMN_COUNT: usize = 32;

impl CarerInput {
    fn to_params(&self) -> [&dyn rusqlite::ToSql; COLUMN_COUNT] {
        [
            &self.title,
            &self.first_name,
            &self.last_name,
            &self.preferred_name,
            &self.date_of_birth,
            &self.gender,
            &self.ethnicity,
            &self.main_language,
            &self.interpreter_needed,
            &self.address_line1,
            &self.address_line2,
            &self.town,
            &self.postcode,
            &self.phone,
            &self.email,
            &self.preferred_contact,
            &self.gp_practice,
            &self.nhs_number,
            &self.date_first_identified,
            &self.referral_source,
            &self.referral_outcome,
            &self.referrer_name,
            &self.how_heard,
            &self.consent_given,
            &self.consent_date,
            &self.consent_recorded_by,
            &self.consent_share_gp,
            &self.consent_share_school,
            &self.consent_share_adult_services,
            &self.employment_status,
            &self.disability,
            &self.parent_carer,
        ]
    }
}

fn input_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<CarerInput> {
    Ok(CarerInput {
        title: r.get(at)?,
        first_name: r.get(at + 1)?,
        last_name: r.get(at + 2)?,
        preferred_name: r.get(at + 3)?,
        date_of_birth: r.get(at + 4)?,
        gender: r.get(at + 5)?,
        ethnicity: r.get(at + 6)?,
        main_language: r.get(at + 7)?,
        interpreter_needed: r.get(at + 8)?,
        address_line1: r.get(at + 9)?,
        address_line2: r.get(at + 10)?,
        town: r.get(at + 11)?,
        postcode: r.get(at + 12)?,
        phone: r.get(at + 13)?,
        email: r.get(at + 14)?,
        preferred_contact: r.get(at + 15)?,
        gp_practice: r.get(at + 16)?,
        nhs_number: r.get(at + 17)?,
        date_first_identified: r.get(at + 18)?,
        referral_source: r.get(at + 19)?,
        referral_outcome: r.get(at + 20)?,
        referrer_name: r.get(at + 21)?,
        how_heard: r.get(at + 22)?,
        consent_given: r.get(at + 23)?,
        consent_date: r.get(at + 24)?,
        consent_recorded_by: r.get(at + 25)?,
        consent_share_gp: r.get(at + 26)?,
        consent_share_school: r.get(at + 27)?,
        consent_share_adult_services: r.get(at + 28)?,
        employment_status: r.get(at + 29)?,
        disability: r.get(at + 30)?,
        parent_carer: r.get(at + 31)?,
    })
}

/// The carer category, derived from age and the young adult carer range in settings.
/// Under 18 is always a young carer, whatever the range says.
pub fn category(age: u32, settings: &Settings) -> Category {
    if age < ADULT_AGE {
        Category::YoungCarer
    } else if (settings.young_adult_min_age..=settings.young_adult_max_age).contains(&age) {
        Category::YoungAdultCarer
    } else {
        Category::AdultCarer
    }
}

/// Checks and normalises a carer's details. Every problem is reported at once.
pub fn check(input: &CarerInput, today: NaiveDate) -> Result<CarerInput> {
    let mut c = Check::new("");
    let iso = |d: Option<NaiveDate>| d.map(|d| d.to_string());

    let dob = c.required_past_date(
        "date_of_birth",
        "Date of birth",
        &input.date_of_birth,
        today,
        "enter the date of birth, for example 27/03/1984",
    );
    let age = dob.and_then(|d| dates::age_on(d, today));
    if let Some(a) = age {
        if a < MIN_AGE {
            c.fail(
                "date_of_birth",
                format!(
                    "a carer must be at least {MIN_AGE} years old (this date of birth makes them {a}): check the year"
                ),
            );
        } else if a > MAX_AGE {
            c.fail(
                "date_of_birth",
                format!("a date of birth more than {MAX_AGE} years ago is not possible: check the year"),
            );
        }
    }

    let mut out = CarerInput {
        title: c.text("title", "Title", &input.title, 20),
        first_name: Some(c.required("first_name", "First name", &input.first_name, NAME_MAX)),
        last_name: Some(c.required("last_name", "Last name", &input.last_name, NAME_MAX)),
        preferred_name: c.text("preferred_name", "Preferred name", &input.preferred_name, NAME_MAX),
        date_of_birth: iso(dob),
        gender: c.choice("gender", &input.gender, Gender::parse).map(|v| v.code().into()),
        ethnicity: c.choice("ethnicity", &input.ethnicity, Ethnicity::parse).map(|v| v.code().into()),
        main_language: c.text("main_language", "Main language", &input.main_language, 60),
        interpreter_needed: input.interpreter_needed,
        address_line1: c.text("address_line1", "Address line 1", &input.address_line1, TEXT_MAX),
        address_line2: c.text("address_line2", "Address line 2", &input.address_line2, TEXT_MAX),
        town: c.text("town", "Town or city", &input.town, 100),
        postcode: None,
        phone: c.text("phone", "Phone", &input.phone, 40),
        email: c.text("email", "Email", &input.email, TEXT_MAX),
        preferred_contact: c
            .choice("preferred_contact", &input.preferred_contact, ContactMethod::parse)
            .map(|v| v.code().into()),
        gp_practice: c.text("gp_practice", "GP practice", &input.gp_practice, TEXT_MAX),
        nhs_number: None,
        date_first_identified: iso(c.past_date(
            "date_first_identified",
            "Date first identified",
            &input.date_first_identified,
            today,
        )),
        referral_source: c
            .choice("referral_source", &input.referral_source, ReferralSource::parse)
            .map(|v| v.code().into()),
        referral_outcome: Some(
            c.choice("referral_outcome", &input.referral_outcome, ReferralOutcome::parse)
                .unwrap_or(ReferralOutcome::Accepted)
                .code()
                .into(),
        ),
        referrer_name: c.text("referrer_name", "Referrer's name", &input.referrer_name, NAME_MAX),
        how_heard: c.text("how_heard", "How they heard about us", &input.how_heard, TEXT_MAX),
        consent_given: input.consent_given,
        consent_date: iso(c.past_date("consent_date", "Consent date", &input.consent_date, today)),
        consent_recorded_by: c.text("consent_recorded_by", "Consent recorded by", &input.consent_recorded_by, NAME_MAX),
        consent_share_gp: input.consent_share_gp,
        consent_share_school: input.consent_share_school,
        consent_share_adult_services: input.consent_share_adult_services,
        employment_status: c
            .choice("employment_status", &input.employment_status, Employment::parse)
            .map(|v| v.code().into()),
        disability: c.choice("disability", &input.disability, Disability::parse).map(|v| v.code().into()),
        parent_carer: input.parent_carer,
    };

    if let Some(p) = c.text("postcode", "Postcode", &input.postcode, 10) {
        match validate::postcode(&p) {
            Some(norm) => out.postcode = Some(norm),
            None => c.fail("postcode", format!("enter a UK postcode like SW1A 1AA ('{p}' is not one)")),
        }
    }
    if let Some(n) = input.nhs_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        match validate::nhs_number(n) {
            Some(norm) => out.nhs_number = Some(norm),
            None => c.fail("nhs_number", "that NHS number is not valid (it must be 10 digits and pass the NHS check): check it against a letter from the GP or leave it blank"),
        }
    }
    if let Some(p) = &out.phone {
        if !validate::phone(p) {
            c.fail("phone", "enter a phone number with 10 to 15 digits, for example 07700 900123");
        }
    }
    if let Some(e) = &out.email {
        if !validate::email(e) {
            c.fail("email", format!("enter an email address like name@example.org ('{e}' is not one)"));
        }
    }
    if let (Some(dob), Some(ident)) = (dob, out.date_first_identified.as_deref()) {
        if ident < dob.to_string().as_str() {
            c.fail("date_first_identified", "the date first identified cannot be before the date of birth");
        }
    }
    if let Some(age) = age {
        if out.parent_carer && age < ADULT_AGE {
            c.fail("parent_carer", "a parent carer is 18 or over: untick it, or check the date of birth");
        }
    }
    if out.consent_given {
        if out.consent_date.is_none() && !c.errors.iter().any(|e| e.field == "consent_date") {
            c.fail("consent_date", "enter the date consent was given");
        }
    } else {
        if out.consent_share_gp || out.consent_share_school || out.consent_share_adult_services {
            c.fail("consent_given", "record that consent was given before choosing who may be told");
        }
        if out.consent_date.is_some() {
            c.fail("consent_given", "a consent date is set: tick consent given, or clear the date");
        }
    }
    // Report problems in the order the form shows the fields.
    c.errors.sort_by_key(|e| COLUMNS.split(", ").position(|col| col.trim() == e.field).unwrap_or(usize::MAX));
    c.finish()?;
    Ok(out)
}

/// One line in a list of carers.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CarerSummary {
    pub id: i64,
    pub reference: String,
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: String,
    pub age: u32,
    pub category: String,
    pub category_label: String,
    pub status: String,
    pub postcode: Option<String>,
    pub school: Option<String>,
}

/// Columns for [`summary_from_row`], prefixed with the carers table's alias `c`.
pub const SUMMARY_COLUMNS: &str =
    "c.id, c.reference, c.first_name, c.last_name, c.preferred_name, c.date_of_birth, c.status, c.postcode, \
     (SELECT s.name FROM school_links l JOIN schools s ON s.id = l.school_id WHERE l.carer_id = c.id)";

pub fn summary_from_row(r: &Row<'_>, today: NaiveDate, settings: &Settings) -> rusqlite::Result<CarerSummary> {
    summary_from_row_at(r, 0, today, settings)
}

/// As [`summary_from_row`], with [`SUMMARY_COLUMNS`] starting at column `at`.
pub fn summary_from_row_at(
    r: &Row<'_>,
    at: usize,
    today: NaiveDate,
    settings: &Settings,
) -> rusqlite::Result<CarerSummary> {
    let dob: String = r.get(at + 5)?;
    let age = age_from_iso(&dob, today);
    let cat = category(age, settings);
    Ok(CarerSummary {
        id: r.get(at)?,
        reference: r.get(at + 1)?,
        first_name: r.get(at + 2)?,
        last_name: r.get(at + 3)?,
        preferred_name: r.get(at + 4)?,
        date_of_birth: dob,
        age,
        category: cat.code().into(),
        category_label: cat.label().into(),
        status: r.get(at + 6)?,
        postcode: r.get(at + 7)?,
        school: r.get(at + 8)?,
    })
}

/// Age on `today` from a stored date of birth (0 if it cannot be read).
pub(crate) fn age_from_iso(dob: &str, today: NaiveDate) -> u32 {
    dates::from_iso(dob).and_then(|d| dates::age_on(d, today)).unwrap_or(0)
}

/// The ids of the closed records, from the index of status and date of birth: a query that
/// needs only open carers checks `carer_id NOT IN (CLOSED_IDS)` (a carer is open or closed)
/// instead of reading each carer's row.
pub(crate) const CLOSED_IDS: &str = "SELECT id FROM carers INDEXED BY carers_by_status_dob WHERE status = 'closed'";

/// Fails with not-found unless the carer exists.
pub fn ensure_exists(conn: &Connection, id: i64) -> Result<()> {
    let found: Option<i64> = conn.query_row("SELECT id FROM carers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    found.map(|_| ()).ok_or(Error::NotFound { what: "that carer" })
}

/// Inserts a checked carer and gives it its reference. Returns the new id.
pub fn insert(conn: &Connection, details: &CarerInput, by: &str, now: &str) -> Result<i64> {
    // The next id and its reference are written with the row, so the search index (kept by
    // triggers) is written once, not written and then rewritten for the reference.
    let id: i64 = conn.prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM carers")?.query_row([], |r| r.get(0))?;
    let reference = format!("C-{id:06}");
    let mut params: Vec<&dyn rusqlite::ToSql> = details.to_params().to_vec();
    params.extend([&now as &dyn rusqlite::ToSql, &by, &now, &by, &id, &reference]);
    let placeholders = (1..=COLUMN_COUNT + 6).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    conn.prepare_cached(&format!(
        "INSERT INTO carers ({COLUMNS}, created_at, created_by, updated_at, updated_by, id, reference) VALUES ({placeholders})"
    ))?
    .execute(params.as_slice())?;
    Ok(id)
}

/// Many new carers written at once (an import, demo data), with the references and ids
/// [`insert`] would give them.
///
/// The search index (an FTS5 table kept by a trigger on `carers`) writes its pending terms to
/// disk at the start of every statement that fires the trigger, so carers inserted one
/// statement each cost a small index segment apiece and the merging of thousands of them
/// (most of a 100,000-carer demo load). A batch keeps its rows in a temporary table and
/// [`Batch::finish`] moves them into `carers` in one statement: the index is written once.
///
/// Until `finish`, the new carers are not in `carers`: rows that refer to them (caring links,
/// school links) may be written in between because the batch defers the foreign key checks
/// to the commit (`PRAGMA defer_foreign_keys`, which SQLite resets when the transaction ends).
pub struct Batch<'c> {
    conn: &'c Connection,
    next_id: i64,
}

impl<'c> Batch<'c> {
    pub fn new(conn: &'c Connection) -> Result<Batch<'c>> {
        conn.execute_batch(&format!(
            "PRAGMA defer_foreign_keys = ON;
             DROP TABLE IF EXISTS temp.carers_batch;
             CREATE TEMP TABLE carers_batch AS
                 SELECT {COLUMNS}, created_at, created_by, updated_at, updated_by, id, reference FROM main.carers WHERE 0;"
        ))?;
        let next_id = conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM main.carers", [], |r| r.get(0))?;
        Ok(Batch { conn, next_id })
    }

    /// Adds a checked carer; returns the id they will have.
    pub fn add(&mut self, details: &CarerInput, by: &str, now: &str) -> Result<i64> {
        let id = self.next_id;
        let reference = format!("C-{id:06}");
        let mut params: Vec<&dyn rusqlite::ToSql> = details.to_params().to_vec();
        params.extend([&now as &dyn rusqlite::ToSql, &by, &now, &by, &id, &reference]);
        let placeholders = (1..=COLUMN_COUNT + 6).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        self.conn
            .prepare_cached(&format!("INSERT INTO temp.carers_batch VALUES ({placeholders})"))?
            .execute(params.as_slice())?;
        self.next_id += 1;
        Ok(id)
    }

    /// Writes the batch into the register (one statement) and drops the temporary table.
    pub fn finish(self) -> Result<()> {
        let cols = format!("{COLUMNS}, created_at, created_by, updated_at, updated_by, id, reference");
        self.conn.execute_batch(&format!(
            "INSERT INTO main.carers ({cols}) SELECT {cols} FROM temp.carers_batch ORDER BY id;
             DROP TABLE temp.carers_batch;"
        ))?;
        Ok(())
    }
}

/// A carer's row as stored: the details as typed (checked) and the record's own facts.
#[derive(Debug, Clone)]
pub struct Carer {
    pub id: i64,
    pub reference: String,
    pub details: CarerInput,
    /// `open` or `closed`.
    pub status: String,
    pub closed_reason: Option<String>,
    pub closed_date: Option<String>,
    pub closed_note: Option<String>,
    /// The day the record was anonymised, if it was.
    pub anonymised_on: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// The record's own columns, read before the details ([`COLUMNS`]).
const RECORD_COLUMNS: &str =
    "id, reference, status, closed_reason, closed_date, closed_note, created_at, created_by, updated_at, updated_by, anonymised_on";

/// Reads a carer's row; not-found if there is none.
pub fn read(conn: &Connection, id: i64) -> Result<Carer> {
    let sql = format!("SELECT {RECORD_COLUMNS}, {COLUMNS} FROM carers WHERE id = ?1");
    conn.query_row(&sql, [id], |r| {
        Ok(Carer {
            id: r.get(0)?,
            reference: r.get(1)?,
            status: r.get(2)?,
            closed_reason: r.get(3)?,
            closed_date: r.get(4)?,
            closed_note: r.get(5)?,
            created_at: r.get(6)?,
            created_by: r.get(7)?,
            updated_at: r.get(8)?,
            updated_by: r.get(9)?,
            anonymised_on: r.get(10)?,
            details: input_from_row(r, 11)?,
        })
    })
    .optional()?
    .ok_or(Error::NotFound { what: "that carer" })
}

/// Writes checked details over a carer's row.
pub fn write_details(conn: &Connection, id: i64, details: &CarerInput, by: &str, now: &str) -> Result<()> {
    let sets = COLUMNS
        .split(", ")
        .enumerate()
        .map(|(i, col)| format!("{} = ?{}", col.trim(), i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let mut params: Vec<&dyn rusqlite::ToSql> = details.to_params().to_vec();
    params.extend([&now as &dyn rusqlite::ToSql, &by, &id]);
    let n = COLUMN_COUNT;
    conn.execute(
        &format!("UPDATE carers SET {sets}, updated_at = ?{}, updated_by = ?{} WHERE id = ?{}", n + 1, n + 2, n + 3),
        params.as_slice(),
    )?;
    Ok(())
}

/// Marks a carer's record closed, with the reason, the day and an optional note.
pub fn mark_closed(
    conn: &Connection,
    id: i64,
    reason: Option<CloseReason>,
    date: Option<NaiveDate>,
    note: Option<String>,
    by: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE carers SET status = 'closed', closed_reason = ?1, closed_date = ?2, closed_note = ?3,
             updated_at = ?4, updated_by = ?5 WHERE id = ?6",
        params![reason, date.map(|d| d.to_string()), note, now, by, id],
    )?;
    Ok(())
}

/// Marks a carer's record open again (the closing reason, day and note cleared).
pub fn mark_open(conn: &Connection, id: i64, by: &str, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE carers SET status = 'open', closed_reason = NULL, closed_date = NULL, closed_note = NULL,
             updated_at = ?1, updated_by = ?2 WHERE id = ?3",
        params![now, by, id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn category_at_every_boundary() {
        let s = Settings::default();
        let today = d("2026-11-23");
        // (date of birth, category) — under 18 young carer; 18-25 young adult carer; 26+ adult.
        let table = [
            ("2008-11-24", Category::YoungCarer),      // 18 tomorrow
            ("2008-11-23", Category::YoungAdultCarer), // 18 today
            ("2008-11-22", Category::YoungAdultCarer), // 18 yesterday
            ("2000-11-24", Category::YoungAdultCarer), // 25, 26 tomorrow
            ("2000-11-23", Category::AdultCarer),      // 26 today
            ("1950-01-01", Category::AdultCarer),
            ("2018-05-01", Category::YoungCarer),
        ];
        for (dob, want) in table {
            let age = dates::age_on(d(dob), today).unwrap();
            assert_eq!(category(age, &s), want, "born {dob}");
        }
        // Leapling turning 18 in a common year: young carer on 28 February, adult on 1 March.
        let leap = d("2008-02-29");
        assert_eq!(category(dates::age_on(leap, d("2026-02-28")).unwrap(), &s), Category::YoungCarer);
        assert_eq!(category(dates::age_on(leap, d("2026-03-01")).unwrap(), &s), Category::YoungAdultCarer);
    }

    #[test]
    fn the_range_is_a_setting_but_under_18_is_always_a_young_carer() {
        let s = Settings { young_adult_min_age: 16, young_adult_max_age: 24, ..Settings::default() };
        assert_eq!(category(17, &s), Category::YoungCarer);
        assert_eq!(category(24, &s), Category::YoungAdultCarer);
        assert_eq!(category(25, &s), Category::AdultCarer);
    }
}
