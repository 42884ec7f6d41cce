//! The figures that count carers: one pass over the register per report.
//!
//! Each carer is read once, with their caring links, the conditions of the people they care
//! for and their school added (each table read straight through once), as a [`Carer`]: what
//! the figures need to know about them on the period's last day. A per-carer figure is a
//! [`Classify`] function: it says whether the carer counts and, if the figure has
//! rows, in which row. The report tallies every such figure in the same pass; the records
//! behind a figure come from the same function, so they cannot disagree.
//!
//! Why not SQL: summing each carer's links up in SQL and passing over the result once per
//! set of carers cost about a second with 100,000 carers (docs/benchmarks.md); reading the
//! tables straight through and classifying in Rust costs a few hundred milliseconds.

use std::borrow::Cow;
use std::rc::Rc;

use rusqlite::{Connection, Row};
use rustc_hash::FxHashMap;

use crate::error::Result;

/// The period a report counts, and the young adult carer age range from Settings. Dates are
/// `YYYY-MM-DD`, compared as text, as the database stores them.
pub struct Bounds {
    pub from: String,
    pub to: String,
    pub ya_min: u32,
    pub ya_max: u32,
}

/// One carer as the report sees them.
#[derive(Default)]
pub struct Carer {
    pub id: i64,
    /// The record's reference and full name: only read when listing records.
    pub reference: Option<String>,
    pub name: String,
    /// The day the referral or contact arrived: the date first identified, or the day the
    /// record was made when that is missing.
    pub identified: String,
    pub referral_source: Option<Code>,
    /// `accepted` (registered for support) or `signposted`.
    pub referral_outcome: Code,
    /// `open` or `closed` (a closed record has a date and a reason).
    pub status: Code,
    pub closed_date: Option<String>,
    pub closed_reason: Option<Code>,
    pub closed_note: Option<String>,
    /// Age in whole years on the period's last day (a 29 February birthday is reached on
    /// 1 March in a common year, as `dates::age_on`); `None` if the date of birth is not a date.
    pub age: Option<i32>,
    pub gender: Option<Code>,
    pub ethnicity: Option<Code>,
    pub disability: Option<Code>,
    pub postcode: Option<String>,
    /// How many people they are linked to as caring for.
    pub links: u32,
    /// The highest hours-of-care band of their links (the codes sort in band order).
    pub hours_band: Option<Code>,
    /// The relationship of their links, and the conditions of the people they care for: none,
    /// one (the same for all), or more than one different.
    pub relationship: Distinct,
    pub condition: Distinct,
    /// The school they are linked to now: id and name.
    pub school: Option<(i64, String)>,
}

impl Carer {
    /// Referred or in contact in the period.
    pub fn received(&self, p: &Bounds) -> bool {
        self.identified >= p.from && self.identified <= p.to
    }

    /// Registered for support, identified on or before the period's end and not closed before
    /// its start.
    pub fn supported(&self, p: &Bounds) -> bool {
        &*self.referral_outcome == "accepted"
            && self.identified <= p.to
            && (&*self.status == "open" || self.closed_date.as_ref().is_some_and(|d| *d >= p.from))
    }

    /// Supported in the period and still open on its last day.
    pub fn at_end(&self, p: &Bounds) -> bool {
        self.supported(p) && (&*self.status == "open" || self.closed_date.as_ref().is_some_and(|d| *d > p.to))
    }

    /// Supported at the period's end and under 18 on its last day.
    pub fn young(&self, p: &Bounds) -> bool {
        self.at_end(p) && self.age.is_some_and(|a| a < 18)
    }

    /// Counted, with no row (dated the day they were identified).
    pub fn counted(&self) -> Unit<'_> {
        Unit { key: None, label: None, date: Some(&self.identified), detail: None }
    }

    /// Counted in the row `key`, which has a fixed label.
    pub fn row<'a>(&'a self, key: impl Into<Cow<'a, str>>) -> Unit<'a> {
        Unit { key: Some(key.into()), ..self.counted() }
    }
}

/// A code read from the register (a gender, an hours band ...), kept once per report however
/// many carers have it.
pub type Code = Rc<str>;

/// The code in `value`, or `none` when there is none.
pub fn code<'a>(value: &'a Option<Code>, none: &'static str) -> &'a str {
    value.as_deref().unwrap_or(none)
}

/// The key of the first band whose upper age `age` does not pass (the last band otherwise).
pub fn band(bands: &[(&'static str, &str, u32, u32)], age: Option<i32>) -> &'static str {
    let age = age.unwrap_or(i32::MAX);
    bands.iter().find(|b| i64::from(age) <= i64::from(b.3)).or(bands.last()).map_or("not_recorded", |b| b.0)
}

/// What a per-carer figure counts of one carer: the row it is in (`None` for a figure without
/// rows), the row's label when it is not a fixed one, and the date and detail its records show.
pub struct Unit<'a> {
    pub key: Option<Cow<'a, str>>,
    pub label: Option<Cow<'a, str>>,
    pub date: Option<&'a str>,
    pub detail: Option<&'a str>,
}

impl<'a> Unit<'a> {
    /// With a row label of its own (rows found in the data: schools, postcode districts).
    pub fn labelled(self, label: impl Into<Cow<'a, str>>) -> Self {
        Unit { label: Some(label.into()), ..self }
    }

    /// Dated, and with a detail, other than the day the carer was identified.
    pub fn on(self, date: Option<&'a str>, detail: Option<&'a str>) -> Self {
        Unit { date, detail, ..self }
    }
}

/// A per-carer figure's definition: whether a carer counts in the period, and where.
pub type Classify = for<'a> fn(&'a Carer, &Bounds) -> Option<Unit<'a>>;

/// Age in whole years on `on` from a date of birth, both `YYYY-MM-DD` (as the figures have
/// always counted it in SQL: the years between, less one if the birthday is still to come).
/// Not `dates::age_on`, which has no age before birth: a date of birth after the period's end
/// counts here as a negative age (under 18), as it always has.
fn age_on(born: &str, on: &str) -> Option<i32> {
    let year = |d: &str| d.get(0..4).and_then(|y| y.parse::<i32>().ok());
    let (b, o) = (year(born)?, year(on)?);
    let before_birthday = on.get(5..10)? < born.get(5..10)?;
    Some(o - b - i32::from(before_birthday))
}

/// How many different values something has, and the value when there is just one.
#[derive(Default, Clone, PartialEq, Debug)]
pub enum Distinct {
    #[default]
    None,
    One(Code),
    Many,
}

impl Distinct {
    /// Adds the values of `other`.
    fn add(&mut self, other: &Distinct) {
        *self = match (std::mem::take(self), other) {
            (this, Distinct::None) => this,
            (Distinct::None, other) => other.clone(),
            (Distinct::One(a), Distinct::One(b)) if a == *b => Distinct::One(a),
            _ => Distinct::Many,
        };
    }
}

/// The codes met so far, each kept once.
#[derive(Default)]
struct Codes(FxHashMap<Box<str>, Code>);

impl Codes {
    /// Column `i` of `r` as a code (`None` when NULL).
    fn get(&mut self, r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Code>> {
        let text = r
            .get_ref(i)?
            .as_str_or_null()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))?;
        Ok(text.map(|t| match self.0.get(t) {
            Some(code) => code.clone(),
            None => {
                let code: Code = Rc::from(t);
                self.0.insert(t.into(), code.clone());
                code
            }
        }))
    }

    /// Column `i` of `r`, which is never NULL, as a code.
    fn must(&mut self, r: &Row<'_>, i: usize) -> rusqlite::Result<Code> {
        Ok(self.get(r, i)?.unwrap_or_default())
    }
}

/// Reads every carer once, in id order, and hands each to `each`. `names`: also read the
/// reference and name (for listing records).
///
/// Every table is read straight through once (the cared-for people's conditions, caring links
/// and school links first, into memory; then the register): no lookups by key, so a report
/// reads each page once however little of the register SQLite's page cache holds. Codes are
/// kept once each ([`Code`]), not once per carer.
pub fn each(tx: &Connection, p: &Bounds, names: bool, mut each: impl FnMut(&Carer)) -> Result<()> {
    let mut codes = Codes::default();
    // Each cared-for person's conditions, in id order (the table's key).
    let mut stmt = tx.prepare_cached(
        "SELECT cared_for_id, count(*), min(condition) FROM cared_for_conditions GROUP BY cared_for_id ORDER BY cared_for_id",
    )?;
    let mut conditions: Vec<(i64, Distinct)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let n: i64 = r.get(1)?;
        conditions.push((r.get(0)?, if n == 1 { Distinct::One(codes.must(r, 2)?) } else { Distinct::Many }));
    }
    let conditions_of =
        |cared_for: i64| conditions.binary_search_by_key(&cared_for, |(id, _)| *id).ok().map(|i| &conditions[i].1);
    // Caring links: (carer, cared-for person, hours band, relationship), sorted by carer.
    let mut stmt = tx.prepare_cached("SELECT carer_id, cared_for_id, hours_band, relationship FROM caring_links")?;
    let mut links: Vec<(i64, i64, Option<Code>, Option<Code>)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        links.push((r.get(0)?, r.get(1)?, codes.get(r, 2)?, codes.get(r, 3)?));
    }
    links.sort_unstable_by_key(|l| l.0);
    let mut links = links.into_iter().peekable();
    let mut stmt = tx.prepare_cached(
        "SELECT l.carer_id, l.school_id, s.name FROM school_links l JOIN schools s ON s.id = l.school_id",
    )?;
    let mut schools: FxHashMap<i64, (i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect::<rusqlite::Result<_>>()?;
    let who = if names { "reference, first_name || ' ' || last_name" } else { "NULL, ''" };
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT id, coalesce(date_first_identified, substr(created_at, 1, 10)), referral_source, referral_outcome,
                status, closed_date, closed_reason, closed_note, date_of_birth, gender, ethnicity, disability,
                postcode, {who}
         FROM carers ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let mut c = Carer {
            id,
            identified: r.get(1)?,
            referral_source: codes.get(r, 2)?,
            referral_outcome: codes.must(r, 3)?,
            status: codes.must(r, 4)?,
            closed_date: r.get(5)?,
            closed_reason: codes.get(r, 6)?,
            closed_note: r.get(7)?,
            age: age_on(r.get_ref(8)?.as_str().unwrap_or(""), &p.to),
            gender: codes.get(r, 9)?,
            ethnicity: codes.get(r, 10)?,
            disability: codes.get(r, 11)?,
            postcode: r.get(12)?,
            reference: r.get(13)?,
            name: r.get(14)?,
            school: schools.remove(&id),
            ..Carer::default()
        };
        // Their links.
        while let Some((carer, cared_for, hours, relationship)) = links.next_if(|l| l.0 <= id) {
            if carer < id {
                continue; // a link to no carer on the register (foreign keys rule it out)
            }
            c.links += 1;
            if hours > c.hours_band {
                c.hours_band = hours;
            }
            c.relationship.add(&relationship.map_or(Distinct::None, Distinct::One));
            if let Some(found) = conditions_of(cared_for) {
                c.condition.add(found);
            }
        }
        each(&c);
    }
    Ok(())
}

/// One per-carer figure's count so far: row key → (row label, count), and the count of the
/// figure without rows.
#[derive(Default)]
pub struct Tally {
    rows: FxHashMap<String, (Option<String>, u64)>,
    none: u64,
}

impl Tally {
    /// Counts one unit in row `key` (`None`: the figure has no rows), whose row is labelled
    /// `label` when it is not a fixed row (the first label met is kept).
    pub fn add(&mut self, key: Option<&str>, label: Option<&str>) {
        let Some(key) = key else {
            self.none += 1;
            return;
        };
        match self.rows.get_mut(key) {
            Some(entry) => {
                entry.1 += 1;
                if entry.0.is_none() {
                    entry.0 = label.map(str::to_string);
                }
            }
            None => {
                self.rows.insert(key.to_string(), (label.map(str::to_string), 1));
            }
        }
    }

    /// `(row key, row label, count)` per row, as a figure's query finds them.
    pub fn found(self) -> Vec<(Option<String>, Option<String>, u64)> {
        let none = (self.none > 0).then_some((None, None, self.none));
        none.into_iter().chain(self.rows.into_iter().map(|(k, (l, n))| (Some(k), l, n))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_is_whole_years_on_the_day_with_leap_day_birthdays_on_1_march() {
        let cases = [
            ("2010-05-01", "2026-04-30", Some(15)),
            ("2010-05-01", "2026-05-01", Some(16)),
            ("2008-02-29", "2026-02-28", Some(17)),
            ("2008-02-29", "2026-03-01", Some(18)),
            ("2008-02-29", "2028-02-29", Some(20)),
            ("not a date", "2026-03-01", None),
        ];
        for (born, on, age) in cases {
            assert_eq!(age_on(born, on), age, "{born} on {on}");
        }
    }

    #[test]
    fn distinct_values_add_up_to_none_one_or_many() {
        use Distinct::{Many, None, One};
        let one = |s: &str| One(Code::from(s));
        let cases = [
            (vec![], None),
            (vec![None, None], None),
            (vec![one("a")], one("a")),
            (vec![one("a"), None, one("a")], one("a")),
            (vec![one("a"), one("b")], Many),
            (vec![Many], Many),
            (vec![one("a"), Many, one("a")], Many),
        ];
        for (values, sum) in cases {
            let mut d = Distinct::default();
            for v in &values {
                d.add(v);
            }
            assert_eq!(d, sum, "{values:?}");
        }
    }

    #[test]
    fn bands_take_the_first_whose_top_is_not_passed() {
        let bands = crate::reports::YOUNG_AGE_BANDS;
        let cases =
            [(Some(-1), "under_8"), (Some(7), "under_8"), (Some(8), "8_10"), (Some(15), "14_15"), (Some(17), "16_17")];
        for (age, key) in cases {
            assert_eq!(band(bands, age), key, "{age:?}");
        }
        assert_eq!(band(crate::reports::AGE_BANDS, Some(130)), "85_plus");
    }
}
