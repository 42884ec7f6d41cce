//! A carer's row in the register: the details and their checks, reading and writing the row,
//! the line shown in lists, and the derived facts (age, category) that are computed, never
//! typed. The whole record (with the people cared for and case notes) and the commands that
//! change it are in [`crate::register`].

use std::sync::OnceLock;

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

/// Declares a row type from its fields, in the stored columns' order, and from that one list
/// its column names, its parameters for a write and the reading of a row: the three cannot
/// drift apart, and a new column is one new field.
macro_rules! carer_row {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }
     columns: $columns:ident;
     $(then: $(#[$tmeta:meta])* $then:ident: $tty:ident, read after the columns;)?) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            $($(#[$tmeta])* pub $then: $tty,)?
        }

        /// The stored columns, in the order of the fields.
        const $columns: &[&str] = &[$(stringify!($field)),*];

        impl $name {
            /// The fields as the parameters of a write, in the order of the columns.
            // A record's own columns (`Carer`) are written by the commands that change them
            // (close, reopen, anonymise), never as a whole row: only the details use this.
            #[allow(dead_code)]
            fn to_params(&self) -> Vec<&dyn rusqlite::ToSql> {
                vec![$(&self.$field as &dyn rusqlite::ToSql),*]
            }

            /// Reads the fields from a row whose columns, from `at`, are the columns above.
            fn from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<$name> {
                let mut i = at;
                let mut next = || {
                    i += 1;
                    i - 1
                };
                Ok($name {
                    $($field: r.get(next())?,)*
                    $($then: $tty::from_row(r, at + $columns.len())?,)?
                })
            }
        }
    };
}

carer_row! {
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
columns: DETAIL_COLUMNS;
}

/// The details' columns as SQL, comma-separated.
fn columns() -> &'static str {
    static COLUMNS: OnceLock<String> = OnceLock::new();
    COLUMNS.get_or_init(|| DETAIL_COLUMNS.join(", "))
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
// Long: one check per field, in the form's order, so that errors come back in the order the form
// shows them.
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
    c.errors.sort_by_key(|e| DETAIL_COLUMNS.iter().position(|col| *col == e.field).unwrap_or(usize::MAX));
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
    let mut params = details.to_params();
    params.extend([&now as &dyn rusqlite::ToSql, &by, &now, &by, &id, &reference]);
    let placeholders = (1..=params.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    conn.prepare_cached(&format!(
        "INSERT INTO carers ({}, created_at, created_by, updated_at, updated_by, id, reference) VALUES ({placeholders})",
        columns()
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
                 SELECT {}, created_at, created_by, updated_at, updated_by, id, reference FROM main.carers WHERE 0;",
            columns()
        ))?;
        let next_id = conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM main.carers", [], |r| r.get(0))?;
        Ok(Batch { conn, next_id })
    }

    /// Adds a checked carer; returns the id they will have.
    pub fn add(&mut self, details: &CarerInput, by: &str, now: &str) -> Result<i64> {
        let id = self.next_id;
        let reference = format!("C-{id:06}");
        let mut params = details.to_params();
        params.extend([&now as &dyn rusqlite::ToSql, &by, &now, &by, &id, &reference]);
        let placeholders = (1..=params.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        self.conn
            .prepare_cached(&format!("INSERT INTO temp.carers_batch VALUES ({placeholders})"))?
            .execute(params.as_slice())?;
        self.next_id += 1;
        Ok(id)
    }

    /// Writes the batch into the register (one statement) and drops the temporary table.
    pub fn finish(self) -> Result<()> {
        let cols = format!("{}, created_at, created_by, updated_at, updated_by, id, reference", columns());
        self.conn.execute_batch(&format!(
            "INSERT INTO main.carers ({cols}) SELECT {cols} FROM temp.carers_batch ORDER BY id;
             DROP TABLE temp.carers_batch;"
        ))?;
        Ok(())
    }
}

carer_row! {
    /// A carer's row as stored: the record's own facts and the details as typed (checked). What
    /// `carer_get` returns is this with what is derived on read ([`crate::register::CarerRecord`]).
    #[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
    pub struct Carer {
        pub id: i64,
        pub reference: String,
        /// `open` or `closed`.
        pub status: String,
        /// A `close_reason` code.
        pub closed_reason: Option<String>,
        pub closed_date: Option<String>,
        pub closed_note: Option<String>,
        pub created_at: String,
        pub created_by: String,
        pub updated_at: String,
        pub updated_by: String,
        /// The day the record was anonymised (`carer_anonymise`), else null.
        pub anonymised_on: Option<String>,
    }
    columns: RECORD_COLUMNS;
    then: #[serde(flatten)] details: CarerInput, read after the columns;
}

/// Reads a carer's row; not-found if there is none. Every command that needs one carer's
/// details asks this: the row is read in one place, by its key.
pub fn read(conn: &Connection, id: i64) -> Result<Carer> {
    let sql = format!("SELECT {}, {} FROM carers WHERE id = ?1", RECORD_COLUMNS.join(", "), columns());
    conn.prepare_cached(&sql)?
        .query_row([id], |r| Carer::from_row(r, 0))
        .optional()?
        .ok_or(Error::NotFound { what: "that carer" })
}

/// Writes checked details over a carer's row.
pub fn write_details(conn: &Connection, id: i64, details: &CarerInput, by: &str, now: &str) -> Result<()> {
    let sets =
        DETAIL_COLUMNS.iter().enumerate().map(|(i, col)| format!("{col} = ?{}", i + 1)).collect::<Vec<_>>().join(", ");
    let mut params = details.to_params();
    params.extend([&now as &dyn rusqlite::ToSql, &by, &id]);
    let n = DETAIL_COLUMNS.len();
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

    /// The one list of columns is the table: every column of `carers` is read and written
    /// through a field of [`Carer`] or [`CarerInput`], once.
    #[test]
    fn every_column_of_the_table_is_a_field_once() {
        let conn = crate::db::open_in_memory().unwrap();
        let mut table: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('carers')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut fields: Vec<String> = RECORD_COLUMNS.iter().chain(DETAIL_COLUMNS).map(|c| c.to_string()).collect();
        table.sort();
        fields.sort();
        assert_eq!(fields, table);
    }

    #[test]
    fn the_range_is_a_setting_but_under_18_is_always_a_young_carer() {
        let s = Settings { young_adult_min_age: 16, young_adult_max_age: 24, ..Settings::default() };
        assert_eq!(category(17, &s), Category::YoungCarer);
        assert_eq!(category(24, &s), Category::YoungAdultCarer);
        assert_eq!(category(25, &s), Category::AdultCarer);
    }
}
