//! Mappings (which column goes to which field, how dates are written, what the file's values
//! mean) and turning one spreadsheet row into a carer (and a cared-for person) checked by the
//! same rules as the forms: `carers::check` and `caring::check_addition`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{self, Field, Kind, Target};
use super::read::Row;
use crate::carers::{self, CarerInput};
use crate::caring::{self, Addition, CaredForInput, LinkInput};
use crate::error::{Error, FieldError, Result};

/// How dates are written in the file (ISO `YYYY-MM-DD` and dates stored as dates are always read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// 27/03/1984
    #[default]
    Dmy,
    /// 03/27/1984
    Mdy,
    /// 1984/03/27
    Ymd,
}

/// A checked mapping.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Mapping {
    /// Header as in the file → field key.
    pub columns: BTreeMap<String, String>,
    pub date_format: DateFormat,
    /// Field key → value in the file → our code (`""`: leave the field empty).
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// The spreadsheet row holding the column names (`None`: the one suggested).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    /// The consent date of rows that say consent was given but have no date of their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_date: Option<ConsentDate>,
}

/// The consent date the mapping gives rows without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentDate {
    /// The day of the import (`"import_day"`).
    ImportDay,
    /// A fixed day (`"YYYY-MM-DD"`; typed as DD/MM/YYYY too).
    On(NaiveDate),
}

impl Serialize for ConsentDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ConsentDate::ImportDay => s.serialize_str("import_day"),
            ConsentDate::On(d) => s.serialize_str(&d.to_string()),
        }
    }
}

/// The keys a mapping may have.
const MAPPING_KEYS: &[&str] = &["columns", "date_format", "values", "header_row", "consent_date"];

/// Reads and checks a mapping sent as JSON; errors are named `<at>.columns.<header>`,
/// `<at>.date_format`, `<at>.values.<field>.<value>`.
// Long: one check per part of a mapping, in the order the mapping is written, each naming its path
// in the JSON.
pub fn parse_mapping(v: &Value, at: &str) -> Result<Mapping> {
    let mut errors = Vec::new();
    let mut out = Mapping::default();
    let Some(obj) = v.as_object() else {
        return Err(Error::field(at, "send the mapping as an object with columns, date_format and values"));
    };
    for key in obj.keys() {
        if !MAPPING_KEYS.contains(&key.as_str()) {
            errors.push(FieldError::new(
                format!("{at}.{key}"),
                format!("a mapping has {} only ('{key}' is not one of them)", MAPPING_KEYS.join(", ")),
            ));
        }
    }
    match obj.get("header_row") {
        None | Some(Value::Null) => {}
        Some(v) => match v.as_u64().filter(|n| (1..=u64::from(u32::MAX)).contains(n)) {
            Some(n) => out.header_row = Some(n as u32),
            None => errors.push(FieldError::new(
                format!("{at}.header_row"),
                "give the header row as the row number the spreadsheet shows, for example 1",
            )),
        },
    }
    match obj.get("consent_date") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.trim().is_empty() => {}
        Some(Value::String(s)) if s.trim() == "import_day" => out.consent_date = Some(ConsentDate::ImportDay),
        Some(Value::String(s)) => match crate::dates::parse(&format!("{at}.consent_date"), s) {
            Ok(d) => out.consent_date = Some(ConsentDate::On(d)),
            Err(Error::Validation(mut es)) => errors.append(&mut es),
            Err(other) => return Err(other),
        },
        Some(_) => errors.push(FieldError::new(
            format!("{at}.consent_date"),
            "give the consent date as a date (27/03/2024) or \"import_day\" for the day of the import",
        )),
    }
    match obj.get("columns") {
        None | Some(Value::Null) => {}
        Some(Value::Object(cols)) => {
            for (header, target) in cols {
                let path = format!("{at}.columns.{header}");
                let key = match target {
                    Value::Null => continue,
                    Value::String(s) if s.trim().is_empty() => continue,
                    Value::String(s) => s.trim(),
                    _ => {
                        errors.push(FieldError::new(path, "give the field's key as text, for example \"first_name\""));
                        continue;
                    }
                };
                match fields::field(key) {
                    None => errors.push(FieldError::new(
                        path,
                        format!("choose one of the fields to import into ('{key}' is not one of them)"),
                    )),
                    Some(f) => {
                        if let Some((other, _)) = out.columns.iter().find(|(_, k)| k.as_str() == f.key) {
                            errors.push(FieldError::new(
                                path,
                                format!(
                                    "the columns '{other}' and '{header}' both go to {}: choose one of them",
                                    crate::validate::lower_first(f.label)
                                ),
                            ));
                        } else {
                            out.columns.insert(header.clone(), f.key.to_string());
                        }
                    }
                }
            }
        }
        Some(_) => errors.push(FieldError::new(
            format!("{at}.columns"),
            "give the columns as an object: header in the file → field key",
        )),
    }
    match obj.get("date_format") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => match s.as_str() {
            "dmy" => out.date_format = DateFormat::Dmy,
            "mdy" => out.date_format = DateFormat::Mdy,
            "ymd" => out.date_format = DateFormat::Ymd,
            other => errors.push(FieldError::new(
                format!("{at}.date_format"),
                format!("choose dmy (27/03/1984), mdy (03/27/1984) or ymd (1984/03/27) ('{other}' is not one)"),
            )),
        },
        Some(_) => errors.push(FieldError::new(format!("{at}.date_format"), "choose dmy, mdy or ymd")),
    }
    match obj.get("values") {
        None | Some(Value::Null) => {}
        Some(Value::Object(by_field)) => {
            for (key, values) in by_field {
                let path = format!("{at}.values.{key}");
                let Some(f) =
                    fields::field(key).filter(|f| matches!(f.kind, Kind::Choice | Kind::Choices | Kind::YesNo))
                else {
                    errors.push(FieldError::new(
                        path,
                        format!("values can be given only for choice fields ('{key}' is not one)"),
                    ));
                    continue;
                };
                let Some(values) = values.as_object() else {
                    errors.push(FieldError::new(path, "give the values as an object: value in the file → our code"));
                    continue;
                };
                let mut map = BTreeMap::new();
                for (value, code) in values {
                    let vpath = format!("{path}.{value}");
                    match code {
                        Value::Null => {}
                        Value::String(c) if c.trim().is_empty() => {
                            map.insert(value.clone(), String::new());
                        }
                        Value::String(c) if fields::is_code(f, c.trim()) => {
                            map.insert(value.clone(), c.trim().to_string());
                        }
                        Value::String(c) => errors.push(FieldError::new(
                            vpath,
                            match f.kind {
                                Kind::YesNo => format!("choose yes or no ('{}' is not one of them)", c.trim()),
                                _ => format!(
                                    "choose one of the listed {} ('{}' is not one of them)",
                                    f.list.unwrap_or_default().replace('_', " "),
                                    c.trim()
                                ),
                            },
                        )),
                        _ => errors.push(FieldError::new(vpath, "give our code as text")),
                    }
                }
                if !map.is_empty() {
                    out.values.insert(f.key.to_string(), map);
                }
            }
        }
        Some(_) => errors.push(FieldError::new(
            format!("{at}.values"),
            "give the values as an object: field key → (value in the file → our code)",
        )),
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Validation(errors))
    }
}

/// A mapping applied to a file's headers.
pub struct Plan<'m> {
    pub mapping: &'m Mapping,
    /// (field, column index, header as in the file), in column order.
    pub columns: Vec<(&'static Field, usize, String)>,
    /// Codes already found for (field, value): a column holds few different values.
    codes: RefCell<HashMap<(&'static str, String), Option<String>>>,
}

impl Plan<'_> {
    pub fn header_of(&self, key: &str) -> Option<(usize, &str)> {
        self.columns.iter().find(|(f, _, _)| f.key == key).map(|(_, i, h)| (*i, h.as_str()))
    }

    /// [`map_value`], remembered.
    fn code(&self, field: &'static Field, value: &str) -> Option<String> {
        let key = (field.key, value.to_string());
        if let Some(found) = self.codes.borrow().get(&key) {
            return found.clone();
        }
        let found = map_value(self.mapping, field, value).map(str::to_string);
        let mut cache = self.codes.borrow_mut();
        if cache.len() < 100_000 {
            cache.insert(key, found.clone());
        }
        found
    }

    pub fn has(&self, key: &str) -> bool {
        self.columns.iter().any(|(f, _, _)| f.key == key)
    }
}

/// Finds each mapped header in the file. `complete`: also insists on the fields every carer
/// (and every cared-for person) needs.
pub fn plan<'m>(mapping: &'m Mapping, headers: &[String], complete: bool) -> Result<Plan<'m>> {
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for (header, key) in &mapping.columns {
        let Some(f) = fields::field(key) else { continue };
        let found = headers
            .iter()
            .position(|h| h == header)
            .or_else(|| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(header.trim())));
        match found {
            Some(i) => columns.push((f, i, headers[i].clone())),
            None => errors.push(FieldError::new(
                format!("mapping.columns.{header}"),
                format!(
                    "the file has no column called '{header}': check the header row, or choose another saved mapping"
                ),
            )),
        }
    }
    columns.sort_by_key(|(_, i, _)| *i);
    let plan = Plan { mapping, columns, codes: RefCell::default() };
    if complete {
        let mut need: Vec<&Field> = fields::FIELDS.iter().filter(|f| f.required).collect();
        let cared_for = |k: &String| fields::field(k).is_some_and(|f| f.target == Target::CaredFor);
        if mapping.columns.values().any(cared_for) {
            need.extend(
                ["cared_for_first_name", "cared_for_relationship", "cared_for_hours_band"]
                    .iter()
                    .filter_map(|k| fields::field(k)),
            );
        }
        // A column of whole names gives the first and last names.
        let mapped = |key: &str| mapping.columns.values().any(|k| k == key);
        let given = |key: &str| {
            mapped(key)
                || match key {
                    "first_name" | "last_name" => mapped("full_name"),
                    "cared_for_first_name" => mapped("cared_for_full_name"),
                    _ => false,
                }
        };
        for f in need {
            if !given(f.key) {
                errors.push(FieldError::new(
                    "mapping.columns",
                    match f.target {
                        Target::Carer => format!(
                            "choose the column that holds the {}: every carer needs one",
                            crate::validate::lower_first(f.label)
                        ),
                        Target::CaredFor => format!(
                            "choose the column that holds the {}: every cared-for person needs one",
                            crate::validate::lower_first(f.label)
                        ),
                    },
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Validation(errors))
    }
}

/// A problem with one cell (or one row), as the dry run lists it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RowError {
    /// The row number as the spreadsheet shows it.
    pub row: u32,
    /// The column's header ("" when no column is involved).
    pub column: String,
    /// The field key.
    pub field: String,
    /// What the cell holds.
    pub value: String,
    pub message: String,
}

/// One row, converted and checked.
pub struct RowOutcome {
    pub number: u32,
    pub errors: Vec<RowError>,
    /// The carer's details as `carers::check` normalised them (no errors only).
    pub carer: Option<CarerInput>,
    /// The cared-for person and link, checked (no errors only).
    pub addition: Option<Addition>,
    pub cared_for_name: Option<String>,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// A date from the file as `YYYY-MM-DD` (`None` when blank). Reads the chosen format, ISO
/// dates, month names (`27 Mar 1984`), a time after the date (`27/03/1984 00:00`) and Excel
/// serial day numbers; refuses two-digit years.
pub fn convert_date(text: &str, format: DateFormat) -> std::result::Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let written = match format {
        DateFormat::Dmy => "day/month/year, for example 27/03/1984",
        DateFormat::Mdy => "month/day/year, for example 03/27/1984",
        DateFormat::Ymd => "year/month/day, for example 1984/03/27",
    };
    let bad =
        || format!("'{t}' is not a date written {written}: check it, or choose how dates are written in the file");
    // Excel's day numbers (a date column saved without its date format; 1 is 1 January 1900):
    // five digits, 10000 (18 May 1927) to 99999, so a year alone ("1984") is not taken for one.
    if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().map_err(|_| bad())?;
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(bad)?;
        return Ok(epoch.checked_add_signed(chrono::Duration::days(n)).map(|d| d.to_string()));
    }
    // A time after the date.
    let date_part = match t.split_once(['T', ' ']) {
        Some((d, rest)) if rest.contains(':') => d,
        _ => t,
    };
    let parts: Vec<&str> = date_part.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    let month_name = |p: &str| {
        let l = p.to_lowercase();
        if l.len() >= 3 && l.chars().all(|c| c.is_ascii_alphabetic()) {
            MONTHS.iter().position(|m| l.starts_with(m)).map(|i| (i + 1).to_string())
        } else {
            None
        }
    };
    let parts: Vec<String> = parts.iter().map(|p| month_name(p).unwrap_or_else(|| p.to_string())).collect();
    if parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (&parts[0], &parts[1], &parts[2])
    } else {
        match format {
            DateFormat::Dmy => (&parts[2], &parts[1], &parts[0]),
            DateFormat::Mdy => (&parts[2], &parts[0], &parts[1]),
            DateFormat::Ymd => (&parts[0], &parts[1], &parts[2]),
        }
    };
    if y.len() != 4 {
        return Err(format!(
            "'{t}' has a two-digit year, which could mean 19{y:0>2} or 20{y:0>2}: write the year in full in the spreadsheet, for example 27/03/1984"
        ));
    }
    let num = |s: &str| s.parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(y), num(m), num(d)) else { return Err(bad()) };
    if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
        return Ok(Some(date.to_string()));
    }
    // Numbers in the right places that make no date: say which part is wrong.
    if (1..=12).contains(&m) && d >= 1 {
        let days = days_in_month(y as i32, m);
        let name = chrono::Month::try_from(m as u8).map(|m| m.name()).unwrap_or_default();
        if d <= 31 {
            return Err(format!("'{t}' does not exist: {name} {y} has {days} days. Check the day in the spreadsheet"));
        }
    }
    if m > 12 && (1..=12).contains(&d) && format != DateFormat::Ymd && parts[0].len() != 4 {
        let other = match format {
            DateFormat::Dmy => "month/day/year",
            _ => "day/month/year",
        };
        return Err(format!(
            "'{t}' has no month {m}: if the dates in this file are written {other}, choose that for how dates are written; otherwise check the date"
        ));
    }
    Err(bad())
}

/// How many days month `m` (1 to 12) of year `y` has.
fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    next.and_then(|n| n.pred_opt()).map(|l| chrono::Datelike::day(&l)).unwrap_or(31)
}

/// Our code for a value in the file: the mapping's choice first, then the suggestion.
pub fn map_value<'a>(mapping: &'a Mapping, field: &Field, value: &str) -> Option<&'a str> {
    if let Some(map) = mapping.values.get(field.key) {
        if let Some(code) = map.get(value).or_else(|| map.get(value.trim())) {
            return Some(code.as_str());
        }
        let n = fields::normalise(value);
        if let Some((_, code)) = map.iter().find(|(k, _)| fields::normalise(k) == n) {
            return Some(code.as_str());
        }
    }
    fields::suggest_value(field, value)
}

/// The pieces of a cell holding several values.
pub fn split_choices(value: &str) -> Vec<&str> {
    value.split([';', ',', '/', '\n']).map(str::trim).filter(|p| !p.is_empty()).collect()
}

enum Converted {
    Text(String),
    Flag(bool),
    Codes(Vec<String>),
}

fn not_listed(field: &Field, value: &str) -> String {
    match field.kind {
        Kind::YesNo => format!("'{value}' is not yes or no: say what it means in the values step"),
        _ => format!(
            "'{value}' is not one of our {} choices: choose which one it means in the values step",
            field.list.unwrap_or_default().replace('_', " ")
        ),
    }
}

fn convert(plan: &Plan<'_>, field: &'static Field, raw: &str) -> std::result::Result<Option<Converted>, String> {
    let mapping = plan.mapping;
    Ok(match field.kind {
        Kind::Text | Kind::Postcode | Kind::NhsNumber => {
            // A phone number stored as a number lost its leading zero.
            if field.key == "phone"
                && raw.len() == 10
                && raw.bytes().all(|b| b.is_ascii_digit())
                && !raw.starts_with('0')
            {
                Some(Converted::Text(format!("0{raw}")))
            } else {
                Some(Converted::Text(raw.to_string()))
            }
        }
        Kind::Date => convert_date(raw, mapping.date_format)?.map(Converted::Text),
        Kind::Choice => match plan.code(field, raw).as_deref() {
            Some("") => None,
            Some(code) => Some(Converted::Text(code.to_string())),
            None => return Err(not_listed(field, raw)),
        },
        Kind::YesNo => match plan.code(field, raw).as_deref() {
            Some("") => None,
            Some(code) => Some(Converted::Flag(code == "yes")),
            None => return Err(not_listed(field, raw)),
        },
        Kind::Choices => {
            // The whole cell may have been given a meaning; otherwise each piece.
            if let Some(code) = mapping.values.get(field.key).and_then(|m| m.get(raw)) {
                return Ok((!code.is_empty()).then(|| Converted::Codes(vec![code.clone()])));
            }
            let mut codes = Vec::new();
            let mut unknown = Vec::new();
            for piece in split_choices(raw) {
                match plan.code(field, piece).as_deref() {
                    Some("") => {}
                    Some(code) => codes.push(code.to_string()),
                    None => unknown.push(piece),
                }
            }
            if !unknown.is_empty() {
                return Err(not_listed(field, &unknown.join("', '")));
            }
            Some(Converted::Codes(codes))
        }
    })
}

fn assign(carer: &mut CarerInput, person: &mut CaredForInput, link: &mut LinkInput, key: &str, v: Converted) {
    match v {
        Converted::Text(s) => {
            let s = Some(s);
            match key {
                "title" => carer.title = s,
                "first_name" => carer.first_name = s,
                "last_name" => carer.last_name = s,
                "preferred_name" => carer.preferred_name = s,
                "date_of_birth" => carer.date_of_birth = s,
                "gender" => carer.gender = s,
                "ethnicity" => carer.ethnicity = s,
                "main_language" => carer.main_language = s,
                "address_line1" => carer.address_line1 = s,
                "address_line2" => carer.address_line2 = s,
                "town" => carer.town = s,
                "postcode" => carer.postcode = s,
                "phone" => carer.phone = s,
                "email" => carer.email = s,
                "preferred_contact" => carer.preferred_contact = s,
                "gp_practice" => carer.gp_practice = s,
                "nhs_number" => carer.nhs_number = s,
                "date_first_identified" => carer.date_first_identified = s,
                "referral_source" => carer.referral_source = s,
                "referral_outcome" => carer.referral_outcome = s,
                "referrer_name" => carer.referrer_name = s,
                "how_heard" => carer.how_heard = s,
                "consent_date" => carer.consent_date = s,
                "consent_recorded_by" => carer.consent_recorded_by = s,
                "employment_status" => carer.employment_status = s,
                "disability" => carer.disability = s,
                "cared_for_first_name" => person.first_name = s,
                "cared_for_last_name" => person.last_name = s,
                "cared_for_date_of_birth" => person.date_of_birth = s,
                "cared_for_relationship" => link.relationship = s,
                "cared_for_hours_band" => link.hours_band = s,
                _ => {}
            }
        }
        Converted::Flag(b) => match key {
            "interpreter_needed" => carer.interpreter_needed = b,
            "consent_given" => carer.consent_given = b,
            "consent_share_gp" => carer.consent_share_gp = b,
            "consent_share_school" => carer.consent_share_school = b,
            "consent_share_adult_services" => carer.consent_share_adult_services = b,
            "parent_carer" => carer.parent_carer = b,
            "cared_for_lives_together" => link.lives_together = b,
            _ => {}
        },
        Converted::Codes(c) => match key {
            "cared_for_conditions" => person.conditions = c,
            "cared_for_care_kinds" => link.care_kinds = c,
            _ => {}
        },
    }
}

/// Our field key for an error from `caring::check_addition`.
fn cared_for_key(field: &str) -> String {
    match field {
        "person.first_name" => "cared_for_first_name",
        "person.last_name" => "cared_for_last_name",
        "person.date_of_birth" => "cared_for_date_of_birth",
        "person.conditions" => "cared_for_conditions",
        "link.relationship" => "cared_for_relationship",
        "link.hours_band" => "cared_for_hours_band",
        "link.care_kinds" => "cared_for_care_kinds",
        "link.lives_together" => "cared_for_lives_together",
        other => other,
    }
    .to_string()
}

/// A whole name split into first and last names: "Brown, Amy" (last name first, with a
/// comma) or "Amy Jane Brown" (the last word is the last name, with any lower-case particles
/// before it: "Ana da Silva" → "Ana", "da Silva"). One word is a first name only.
pub fn split_name(full: &str) -> (Option<String>, Option<String>) {
    let full = full.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((last, first)) = full.split_once(',') {
        let (first, last) = (first.trim(), last.trim());
        return ((!first.is_empty()).then(|| first.to_string()), (!last.is_empty()).then(|| last.to_string()));
    }
    let words: Vec<&str> = full.split(' ').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [] => (None, None),
        [one] => (Some(one.to_string()), None),
        _ => {
            let particle = |w: &str| {
                [
                    "da", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von", "bin", "ibn",
                    "al", "el", "ter",
                ]
                .contains(&w)
            };
            let mut split = words.len() - 1;
            while split > 1 && particle(words[split - 1]) {
                split -= 1;
            }
            (Some(words[..split].join(" ")), Some(words[split..].join(" ")))
        }
    }
}

/// The column an error about `key` is shown in: the field's own column, or, for a field with
/// no column, the column it depends on (a missing consent date belongs to the consent column).
fn column_for<'p>(plan: &'p Plan<'_>, key: &str) -> Option<(usize, &'p str)> {
    plan.header_of(key).or_else(|| {
        let related: &[&str] = match key {
            "consent_date" | "consent_share_gp" | "consent_share_school" | "consent_share_adult_services" => {
                &["consent_given"]
            }
            "consent_given" => {
                &["consent_date", "consent_share_gp", "consent_share_school", "consent_share_adult_services"]
            }
            "first_name" | "last_name" => &["full_name"],
            "cared_for_first_name" | "cared_for_last_name" => &["cared_for_full_name"],
            _ => &[],
        };
        related.iter().find_map(|k| plan.header_of(k))
    })
}

/// Converts and checks one row.
// Long: one conversion per field of a row, in the form's order, so that errors come back in the
// order the form shows them.
pub fn convert_row(plan: &Plan<'_>, row: &Row, today: NaiveDate) -> RowOutcome {
    let mut out =
        RowOutcome { number: row.number, errors: Vec::new(), carer: None, addition: None, cared_for_name: None };
    let mut carer = CarerInput::default();
    let mut person = CaredForInput::default();
    let mut link = LinkInput::default();
    let mut any_cared_for = false;
    let cell = |i: usize| row.cells.get(i).map(|c| c.trim()).unwrap_or("");
    let error = |out: &mut RowOutcome, key: &str, message: String| {
        let (column, value) = match column_for(plan, key) {
            Some((i, h)) => (h.to_string(), cell(i).to_string()),
            None => (String::new(), String::new()),
        };
        out.errors.push(RowError { row: row.number, column, field: key.to_string(), value, message });
    };
    for (f, i, _) in &plan.columns {
        let raw = cell(*i);
        if raw.is_empty() {
            continue;
        }
        if f.target == Target::CaredFor {
            any_cared_for = true;
        }
        match convert(plan, f, raw) {
            Ok(Some(v)) => assign(&mut carer, &mut person, &mut link, f.key, v),
            Ok(None) => {}
            Err(message) => error(&mut out, f.key, message),
        }
    }
    // Whole names fill the first and last names that have no column (or an empty cell) of
    // their own.
    for (key, first, last) in [
        ("full_name", &mut carer.first_name, &mut carer.last_name),
        ("cared_for_full_name", &mut person.first_name, &mut person.last_name),
    ] {
        let Some((i, _)) = plan.header_of(key) else { continue };
        let (f, l) = split_name(cell(i));
        if first.is_none() {
            *first = f;
        }
        if last.is_none() {
            *last = l;
        }
    }
    let failed: Vec<String> = out.errors.iter().map(|e| e.field.clone()).collect();
    // A consent date from the mapping for rows with consent and no date of their own (not for
    // a date the row has that could not be read: that stays an error).
    if carer.consent_given && carer.consent_date.is_none() && !failed.iter().any(|f| f == "consent_date") {
        carer.consent_date = match plan.mapping.consent_date {
            Some(ConsentDate::ImportDay) => Some(today.to_string()),
            Some(ConsentDate::On(d)) => Some(d.to_string()),
            None => None,
        };
    }
    match carers::check(&carer, today) {
        Ok(c) => out.carer = Some(c),
        Err(Error::Validation(es)) => {
            for e in es.into_iter().filter(|e| !failed.contains(&e.field)) {
                let message = match e.field.as_str() {
                    "consent_date" if carer.consent_date.is_none() => match plan.header_of("consent_date") {
                        Some(_) => "consent was given but the consent date is empty: fill it in, or choose a consent \
                                    date in the mapping for rows without one"
                            .to_string(),
                        None => "consent was given but no column holds the consent date: choose that column, or a \
                                 consent date in the mapping (a date, or the day of the import)"
                            .to_string(),
                    },
                    _ => e.message,
                };
                error(&mut out, &e.field, message);
            }
        }
        Err(other) => error(&mut out, "", other.to_string()),
    }
    if any_cared_for {
        match caring::check_addition(&person, &link, today) {
            Ok(a) => {
                out.cared_for_name = Some(
                    [person.first_name.as_deref(), person.last_name.as_deref()]
                        .iter()
                        .flatten()
                        .map(|s| s.trim())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
                out.addition = Some(a);
            }
            Err(Error::Validation(es)) => {
                for e in es {
                    let key = cared_for_key(&e.field);
                    if !failed.contains(&key) {
                        error(&mut out, &key, e.message);
                    }
                }
            }
            Err(other) => error(&mut out, "", other.to_string()),
        }
    }
    if !out.errors.is_empty() {
        out.carer = None;
        out.addition = None;
        let order = |e: &RowError| column_for(plan, &e.field).map(|(i, _)| i).unwrap_or(usize::MAX);
        out.errors.sort_by_key(order);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_format() {
        use DateFormat::*;
        let ok = [
            ("27/03/1984", Dmy, "1984-03-27"),
            ("03/27/1984", Mdy, "1984-03-27"),
            ("1984/03/27", Ymd, "1984-03-27"),
            ("1984-03-27", Mdy, "1984-03-27"),
            ("27.3.1984", Dmy, "1984-03-27"),
            ("27 Mar 1984", Dmy, "1984-03-27"),
            ("27-March-1984", Dmy, "1984-03-27"),
            ("27/03/1984 00:00:00", Dmy, "1984-03-27"),
            ("1984-03-27T00:00:00", Dmy, "1984-03-27"),
            ("30768", Dmy, "1984-03-27"),
            ("29/02/2024", Dmy, "2024-02-29"),
        ];
        for (text, f, want) in ok {
            assert_eq!(convert_date(text, f), Ok(Some(want.to_string())), "{text}");
        }
        assert_eq!(convert_date("  ", Dmy), Ok(None));
        let e = convert_date("27/03/84", Dmy).unwrap_err();
        assert!(e.contains("two-digit year") && e.contains("1984"), "{e}");
        for bad in ["31/02/1980", "13/13/2000", "hello", "1/2", "60", "1984", "270384", "27/03/1984/1"] {
            assert!(convert_date(bad, Dmy).is_err(), "{bad}");
        }
        assert!(convert_date("27/03/1984", Mdy).is_err());
    }
}
