//! Dates and ages, by the rules in the domain brief. Nothing here reads the clock: "today" is
//! always a parameter.
//!
//! - A person attains an age at the start of the anniversary of their birth date (Family Law
//!   Reform Act 1969 s9); someone born on 29 February attains it on 1 March in a common year.
//! - Adding calendar months keeps the day of the month; where that day does not exist in the
//!   target month, the last day of that month is used.

use chrono::{Datelike, Months, NaiveDate};

use crate::error::{Error, Result};

/// The date on which someone born on `dob` attains `years` years of age.
pub fn anniversary(dob: NaiveDate, years: u32) -> NaiveDate {
    let year = dob.year() + years as i32;
    NaiveDate::from_ymd_opt(year, dob.month(), dob.day()).unwrap_or_else(|| {
        // Only 29 February can be missing: the age is attained on 1 March.
        NaiveDate::from_ymd_opt(year, 3, 1).expect("1 March exists")
    })
}

/// Age in whole years on `today`; `None` if `today` is before the birth.
pub fn age_on(dob: NaiveDate, today: NaiveDate) -> Option<u32> {
    if today < dob {
        return None;
    }
    let mut years = (today.year() - dob.year()) as u32;
    if anniversary(dob, years) > today {
        years -= 1;
    }
    Some(years)
}

/// The latest date of birth of someone who is at least `years` old on `today`:
/// `age_on(dob, today) >= years` exactly when `dob <= latest_birth_for_age(today, years)`.
pub fn latest_birth_for_age(today: NaiveDate, years: u32) -> NaiveDate {
    today.checked_sub_months(Months::new(years * 12)).expect("date within range")
}

/// `date` plus `months` calendar months, falling back to the month's last day.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).expect("date within chrono's range")
}

/// A date as stored: `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A stored `YYYY-MM-DD` date; `None` for anything else.
pub fn from_iso(text: &str) -> Option<NaiveDate> {
    // chrono's `%Y-%m-%d` alone also reads `-4-6-2` (the year −4) and `1984-3-7`.
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    // Read the digits straight (chrono's format parser was a tenth of the home screen's time,
    // which reads 40,000 dates with 100,000 carers).
    let number = |from: usize, to: usize| b[from..to].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    shape.then(|| NaiveDate::from_ymd_opt(number(0, 4) as i32, number(5, 7), number(8, 10))).flatten()
}

/// The date shown to people: DD/MM/YYYY.
pub fn uk(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Reads a date as people type it (`27/03/1984`, `27-3-1984`, `27.03.1984`, `27 March 1984`,
/// `27 Mar 1984`) or as ISO (`1984-03-27`). Errors name `field` and say what to type. A two-digit
/// year is refused: `27/03/84` could be 1884 or 1984 (or, for a child, 2084 typed for 2048).
pub fn parse(field: &str, text: &str) -> Result<NaiveDate> {
    let t = text.trim();
    let bad = || {
        Error::field(field, format!("enter a real date as day/month/year, for example 27/03/1984 ('{t}' is not one)"))
    };
    let parts = typed_parts(t).ok_or_else(bad)?;
    if parts.len() != 3 {
        return Err(bad());
    }
    // Day and month are typed with one digit or two (`7/3/1984`, and so also `1984-3-7`, whose
    // four-digit year first makes the order plain); stored dates are always `YYYY-MM-DD`
    // ([`from_iso`]).
    let (d, m, y) =
        if parts[0].len() == 4 { (&parts[2], &parts[1], &parts[0]) } else { (&parts[0], &parts[1], &parts[2]) };
    if d.len() > 2 || m.len() > 2 {
        return Err(bad());
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
    let (d, m, y) = (num(d)?, num(m)?, num(y)?);
    if !(1000..=9999).contains(&y) {
        return Err(Error::field(field, format!("use a four-digit year, for example 27/03/1984 (not '{t}')")));
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The parts of a typed date, split at `/`, `-` or `.`, each all digits; with a month typed as a
/// word (`March`, `Mar`, `Sept`: three letters or more), spaces and commas separate too
/// (`27 March 1984`) and the month becomes its number. `None` when a part is empty or neither
/// digits nor a month. (Digits apart only by spaces, `2 8 1984`, are not read as a date.)
fn typed_parts(text: &str) -> Option<Vec<String>> {
    let worded = text.bytes().any(|b| b.is_ascii_alphabetic());
    let squeezed = if worded {
        text.replace(',', " ").split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        text.trim().to_string()
    };
    let separators: &[char] = if worded { &['/', '-', '.', ' '] } else { &['/', '-', '.'] };
    squeezed
        .split(separators)
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                return Some(p.to_string());
            }
            let word = p.to_ascii_lowercase();
            let month = (word.len() >= 3 && word.bytes().all(|b| b.is_ascii_alphabetic()))
                .then(|| MONTHS.iter().position(|m| m.starts_with(&word)))
                .flatten()?;
            Some((month + 1).to_string())
        })
        .collect()
}

/// A date known to the day, or only to the month, or only to the year: "caring since 2019"
/// is what people know, and a day made up for it would be read as true. Stored as `YYYY-MM-DD`,
/// `YYYY-MM` or `YYYY` (so stored text sorts in time order where the precision is the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialDate {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl PartialDate {
    /// As stored: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn stored(self) -> String {
        match self {
            PartialDate::Year(y) => format!("{y:04}"),
            PartialDate::Month(y, m) => format!("{y:04}-{m:02}"),
            PartialDate::Day(d) => iso(d),
        }
    }

    /// Stored text read back; `None` for anything else.
    pub fn from_stored(text: &str) -> Option<PartialDate> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        match b.len() {
            4 if digits(0..4) => text.parse().ok().map(PartialDate::Year),
            7 if digits(0..4) && b[4] == b'-' && digits(5..7) => {
                let m: u32 = text[5..7].parse().ok()?;
                (1..=12).contains(&m).then(|| PartialDate::Month(text[..4].parse().unwrap_or_default(), m))
            }
            _ => from_iso(text).map(PartialDate::Day),
        }
    }

    /// As shown to people: `2019`, `March 2019` or `27/03/2019`.
    pub fn shown(self) -> String {
        match self {
            PartialDate::Year(y) => format!("{y:04}"),
            PartialDate::Month(y, m) => {
                let name = MONTHS[m as usize - 1];
                format!("{}{} {y:04}", name[..1].to_ascii_uppercase(), &name[1..])
            }
            PartialDate::Day(d) => uk(d),
        }
    }

    /// The first day it can mean: 1 January of a year, the 1st of a month.
    pub fn earliest(self) -> NaiveDate {
        match self {
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
            PartialDate::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1),
            PartialDate::Day(d) => Some(d),
        }
        .expect("a year from 1000 to 9999 and a month from 1 to 12")
    }
}

/// Reads a date that may be only a month and year (`03/2019`, `3-2019`, `2019-03`, `March 2019`)
/// or only a year (`2019`), or a whole date as [`parse`] reads it. A two-digit year is refused,
/// as there.
pub fn parse_partial(field: &str, text: &str) -> Result<PartialDate> {
    let t = text.trim();
    let bad = || {
        Error::field(
            field,
            format!(
                "enter a year (2019), a month and year (03/2019 or March 2019) or a whole date (27/03/2019) ('{t}' is not one)"
            ),
        )
    };
    let short_year = || Error::field(field, format!("use a four-digit year, for example 2019 or 03/2019 (not '{t}')"));
    let parts = typed_parts(t).ok_or_else(bad)?;
    let year = |s: &str| -> Result<i32> {
        match s.len() {
            4 => s.parse().map_err(|_| bad()).and_then(|y| if y >= 1000 { Ok(y) } else { Err(short_year()) }),
            1 | 2 => Err(short_year()),
            _ => Err(bad()),
        }
    };
    match parts.as_slice() {
        [y] => Ok(PartialDate::Year(year(y)?)),
        [a, b] => {
            // The year is the part with four digits, first or last; the other is the month.
            let (m, y) = if a.len() == 4 { (b, a) } else { (a, b) };
            if m.len() > 2 {
                return Err(bad());
            }
            let y = year(y)?;
            let m: u32 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) {
                return Err(bad());
            }
            Ok(PartialDate::Month(y, m))
        }
        [_, _, _] => parse(field, t).map(PartialDate::Day),
        _ => Err(bad()),
    }
}

/// Stored text that should be a date, for printing: a `YYYY-MM-DD` date (or the date part of a
/// timestamp `YYYY-MM-DDTHH:MM…`) as DD/MM/YYYY, a month (`YYYY-MM`) as "March 2019", a year as
/// it is; anything else as it is, trimmed.
pub fn uk_text(text: &str) -> String {
    let t = text.trim();
    from_iso(t.get(..10).unwrap_or(t))
        .map(uk)
        .or_else(|| PartialDate::from_stored(t).map(PartialDate::shown))
        .unwrap_or_else(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn latest_birth_for_age_agrees_with_age_on_every_day() {
        // Every "today" across two leap cycles, every birth date near the boundary.
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for offset in 0..(366 * 5) {
            let today = start + chrono::Days::new(offset);
            for years in [14u32, 16, 18, 26] {
                let edge = latest_birth_for_age(today, years);
                assert!(age_on(edge, today).unwrap() >= years, "{today} {years}");
                let after = edge + chrono::Days::new(1);
                assert!(age_on(after, today).unwrap() < years, "{today} {years}");
            }
        }
    }

    #[test]
    fn age_is_attained_on_the_anniversary() {
        // (date of birth, today, age) — Family Law Reform Act 1969 s9.
        let table = [
            ("2008-11-23", "2026-11-22", 17), // day before 18th birthday
            ("2008-11-23", "2026-11-23", 18), // the birthday itself
            ("2008-11-23", "2026-11-24", 18),
            ("2008-02-29", "2026-02-28", 17), // leapling, common year: not yet
            ("2008-02-29", "2026-03-01", 18), // ... attains it on 1 March
            ("2008-02-29", "2028-02-28", 19),
            ("2008-02-29", "2028-02-29", 20), // leap year: on 29 February
            ("2026-11-23", "2026-11-23", 0),
            ("1936-01-01", "2026-11-23", 90),
            ("2000-12-31", "2001-12-30", 0),
            ("2000-12-31", "2001-12-31", 1),
        ];
        for (dob, today, age) in table {
            assert_eq!(age_on(d(dob), d(today)), Some(age), "{dob} on {today}");
        }
        assert_eq!(age_on(d("2026-11-24"), d("2026-11-23")), None);
    }

    #[test]
    fn adding_months_uses_the_last_day_when_the_day_is_missing() {
        let table = [
            ("2026-01-31", 1, "2026-02-28"),
            ("2028-01-31", 1, "2028-02-29"),
            ("2026-08-31", 1, "2026-09-30"),
            ("2009-08-29", 210, "2027-02-28"), // 17 years 6 months from 29 August
            ("2008-02-29", 12, "2009-02-28"),
            ("2026-03-15", 12, "2027-03-15"),
        ];
        for (from, months, to) in table {
            assert_eq!(add_months(d(from), months), d(to), "{from} + {months} months");
        }
    }

    #[test]
    fn parses_what_people_type() {
        let ok = [
            ("27/03/1984", "1984-03-27"),
            ("7/3/1984", "1984-03-07"),
            (" 27-03-1984 ", "1984-03-27"),
            ("27.03.1984", "1984-03-27"),
            ("1984-03-27", "1984-03-27"),
            ("29/02/2024", "2024-02-29"),
            // Typed with one-digit month and day, year first: the order is plain, so it is read
            // (stored as 1984-03-07; a *stored* date must be `YYYY-MM-DD`, see below).
            ("1984-3-7", "1984-03-07"),
            ("07/3/1984", "1984-03-07"),
        ];
        for (text, iso) in ok {
            assert_eq!(parse("date_of_birth", text).unwrap(), d(iso), "{text}");
        }
        for bad in [
            "",
            "31/02/2000",
            "29/02/2023",
            "1984",
            "27/03/84",
            "13/13/2000",
            "a/b/c",
            "27/03/1984/1",
            "007/03/1984",
            "1984-003-07",
            "-4-6-2",
            "+1984-03-07",
        ] {
            let e = crate::ApiError::from(parse("date_of_birth", bad).unwrap_err());
            assert_eq!(e.field.as_deref(), Some("date_of_birth"), "{bad}");
        }
    }

    #[test]
    fn months_typed_as_words_are_read() {
        for (text, iso) in [
            ("27 March 1984", "1984-03-27"),
            ("27 Mar 1984", "1984-03-27"),
            ("1 sept 2019", "2019-09-01"),
            ("7 Feb, 2020", "2020-02-07"),
        ] {
            assert_eq!(parse("date_of_birth", text).unwrap(), d(iso), "{text}");
        }
        for bad in ["27 Ma 1984", "27 Marchy 1984", "27 March 84"] {
            assert!(parse("date_of_birth", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_two_digit_year_says_to_use_four_digits() {
        for (text, f) in [
            ("27/03/84", parse("date_of_birth", "27/03/84").map(PartialDate::Day)),
            ("03/19", parse_partial("since", "03/19")),
            ("19", parse_partial("since", "19")),
        ] {
            let e = crate::ApiError::from(f.unwrap_err());
            assert!(e.message.contains("four-digit year"), "{text}: {}", e.message);
        }
    }

    #[test]
    fn partial_dates_keep_the_precision_typed() {
        use PartialDate::*;
        let table = [
            ("2019", Year(2019), "2019", "2019"),
            (" 2019 ", Year(2019), "2019", "2019"),
            ("03/2019", Month(2019, 3), "2019-03", "March 2019"),
            ("3/2019", Month(2019, 3), "2019-03", "March 2019"),
            ("3-2019", Month(2019, 3), "2019-03", "March 2019"),
            ("2019-03", Month(2019, 3), "2019-03", "March 2019"),
            ("March 2019", Month(2019, 3), "2019-03", "March 2019"),
            ("dec 2019", Month(2019, 12), "2019-12", "December 2019"),
            ("27/03/2019", Day(d("2019-03-27")), "2019-03-27", "27/03/2019"),
            ("2019-03-27", Day(d("2019-03-27")), "2019-03-27", "27/03/2019"),
            ("27 March 2019", Day(d("2019-03-27")), "2019-03-27", "27/03/2019"),
        ];
        for (text, want, stored, shown) in table {
            let got = parse_partial("since", text).unwrap();
            assert_eq!(got, want, "{text}");
            assert_eq!(got.stored(), stored, "{text}");
            assert_eq!(PartialDate::from_stored(stored), Some(got), "{text}");
            assert_eq!(got.shown(), shown, "{text}");
            assert_eq!(uk_text(stored), shown, "{text}");
        }
        assert_eq!(Year(2019).earliest(), d("2019-01-01"));
        assert_eq!(Month(2019, 3).earliest(), d("2019-03-01"));
        for bad in ["", "13/2019", "0/2019", "2019/2020", "March", "03/2019/", "x2019", "201", "20190", "31/02/2019"] {
            let e = crate::ApiError::from(parse_partial("since", bad).unwrap_err());
            assert_eq!(e.field.as_deref(), Some("since"), "{bad}");
        }
        for text in ["2019-3", "2019-13", "201", "19-03", "2019-03-"] {
            assert_eq!(PartialDate::from_stored(text), None, "{text}");
        }
    }

    #[test]
    fn shows_dates_the_uk_way() {
        assert_eq!(uk(d("2026-03-07")), "07/03/2026");
        assert_eq!(uk_text("2026-03-07T10:15:00Z"), "07/03/2026");
    }

    #[test]
    fn stored_dates_are_only_yyyy_mm_dd() {
        assert_eq!(from_iso("2024-02-29"), Some(d("2024-02-29")));
        for text in
            ["-4-6-2", "+1984-03-07", "1984-3-7", " 1984-03-07", "1984-03-07 ", "84-03-07", "2023-02-29", "1984/03/07"]
        {
            assert_eq!(from_iso(text), None, "{text}");
        }
        // Every day of four centuries reads back as chrono's own parser reads it.
        let mut day = d("1900-01-01");
        while day < d("2300-01-01") {
            let text = iso(day);
            assert_eq!(from_iso(&text), NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok(), "{text}");
            day = day.succ_opt().unwrap();
        }
        for text in ["0000-01-01", "9999-12-31", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00"] {
            assert_eq!(from_iso(text), NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(), "{text}");
        }
        // Printing leaves text that is not a stored date as it is.
        assert_eq!(uk_text(" -4-6-2 "), "-4-6-2");
    }
}
