//! Validation of what people type. The core is the authority: the window may check too, but
//! every value is checked here, and every problem names its field and says how to fix it.
//!
//! [`Check`] collects all the problems in a form at once, so a person sees them together.

use chrono::NaiveDate;

use crate::error::{Error, FieldError, Result};

/// Longest names (first, last, preferred).
pub const NAME_MAX: usize = 100;
/// Longest short text (address line, GP practice, school...).
pub const TEXT_MAX: usize = 200;
/// Longest long text (notes).
pub const LONG_TEXT_MAX: usize = 20_000;

/// A whole number as a form sends it: a JSON number, or the text typed into the box. Text that
/// is not a number is a validation error naming the field, like any other typing mistake.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum NumberInput {
    Number(i64),
    Text(String),
}

impl From<u32> for NumberInput {
    fn from(n: u32) -> Self {
        NumberInput::Number(n.into())
    }
}

/// A measurement as a form sends it: a JSON number, or the text typed (a decimal point, and a
/// decimal comma as many European keyboards type it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum DecimalInput {
    Number(f64),
    Text(String),
}

impl From<f64> for DecimalInput {
    fn from(n: f64) -> Self {
        DecimalInput::Number(n)
    }
}

/// For `Option<Option<T>>` fields: a field sent (even as `null`) is `Some`, a field not sent is
/// `None` (with `#[serde(default)]`), so "not sent: keep" and "sent empty: clear" differ.
pub fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// Collects every problem in one set of arguments.
pub struct Check {
    prefix: String,
    pub errors: Vec<FieldError>,
}

impl Check {
    /// Fields are named `prefix.name` (or just `name` with an empty prefix).
    pub fn new(prefix: &str) -> Check {
        Check { prefix: prefix.to_string(), errors: Vec::new() }
    }

    pub fn path(&self, field: &str) -> String {
        if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.prefix)
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        let f = self.path(field);
        self.errors.push(FieldError::new(f, message));
    }

    /// Folds an error from a helper (which names its own field) into the list.
    pub fn absorb<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(Error::Validation(mut es)) => {
                self.errors.append(&mut es);
                None
            }
            Err(other) => {
                self.errors.push(FieldError::new("", other.to_string()));
                None
            }
        }
    }

    /// Optional text: cleaned ([`clean_text`]: trimmed, invisible characters taken out);
    /// blank becomes `None`; too long, or holding control characters, is an error. Short
    /// text (at most [`TEXT_MAX`] characters: names, addresses, phone numbers) is one line:
    /// a line break or tab is refused; longer text may have line breaks ([`Check::lines`]).
    pub fn text(&mut self, field: &str, label: &str, value: &Option<String>, max: usize) -> Option<String> {
        self.text_in(field, label, value, max, max > TEXT_MAX)
    }

    /// Optional text that may run over several lines (a text box), however short.
    pub fn lines(&mut self, field: &str, label: &str, value: &Option<String>, max: usize) -> Option<String> {
        self.text_in(field, label, value, max, true)
    }

    fn text_in(
        &mut self,
        field: &str,
        label: &str,
        value: &Option<String>,
        max: usize,
        multi_line: bool,
    ) -> Option<String> {
        let v = clean_text(value.as_deref()?);
        if v.is_empty() {
            return None;
        }
        if v.chars().count() > max {
            self.fail(field, format!("shorten the {} to {max} characters or fewer", lower_first(label)));
            return None;
        }
        let line_break = |c: char| matches!(c, '\n' | '\r' | '\t');
        if !multi_line && v.chars().any(line_break) {
            self.fail(field, format!("the {} must be on one line: take out the line break or tab", lower_first(label)));
            return None;
        }
        if v.chars().any(|c| (c.is_control() && !line_break(c)) || (!multi_line && is_direction_control(c))) {
            self.fail(
                field,
                format!(
                    "the {} contains control characters that cannot be stored (often pasted in by mistake): retype it",
                    lower_first(label)
                ),
            );
            return None;
        }
        Some(v)
    }

    /// Required text.
    pub fn required(&mut self, field: &str, label: &str, value: &Option<String>, max: usize) -> String {
        let before = self.errors.len();
        match self.text(field, label, value, max) {
            Some(v) => v,
            None => {
                if self.errors.len() == before {
                    self.fail(field, format!("enter the {}", lower_first(label)));
                }
                String::new()
            }
        }
    }

    /// An optional date, not in the future.
    pub fn past_date(
        &mut self,
        field: &str,
        label: &str,
        value: &Option<String>,
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        let text = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        let path = self.path(field);
        let date = self.absorb(crate::dates::parse(&path, text))?;
        if date > today {
            self.fail(field, format!("the {} cannot be in the future: check the year", lower_first(label)));
            return None;
        }
        Some(date)
    }

    /// An optional date that may be only a month and year or only a year, not in the future
    /// (the month or year now is not in the future).
    pub fn past_partial_date(
        &mut self,
        field: &str,
        label: &str,
        value: &Option<String>,
        today: NaiveDate,
    ) -> Option<crate::dates::PartialDate> {
        let text = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        let path = self.path(field);
        let date = self.absorb(crate::dates::parse_partial(&path, text))?;
        if date.earliest() > today {
            self.fail(field, format!("the {} cannot be in the future: check the year", lower_first(label)));
            return None;
        }
        Some(date)
    }

    /// An optional date, past or future.
    pub fn date(&mut self, field: &str, value: &Option<String>) -> Option<NaiveDate> {
        let text = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        let path = self.path(field);
        self.absorb(crate::dates::parse(&path, text))
    }

    /// An optional whole number in `range`; blank text is `None`.
    pub fn whole_number(
        &mut self,
        field: &str,
        label: &str,
        value: &Option<NumberInput>,
        range: std::ops::RangeInclusive<u32>,
    ) -> Option<u32> {
        let n = match value.as_ref()? {
            NumberInput::Number(n) => Some(*n),
            NumberInput::Text(t) if t.trim().is_empty() => return None,
            NumberInput::Text(t) => t.trim().parse::<i64>().ok(),
        };
        match n {
            Some(n) if n >= *range.start() as i64 && n <= *range.end() as i64 => Some(n as u32),
            _ => {
                self.fail(
                    field,
                    format!(
                        "enter the {} as a whole number from {} to {}",
                        lower_first(label),
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// An optional decimal number in `range`, rounded to `places` decimal places; blank text is
    /// `None`.
    pub fn decimal(
        &mut self,
        field: &str,
        label: &str,
        value: &Option<DecimalInput>,
        range: std::ops::RangeInclusive<f64>,
        places: i32,
    ) -> Option<f64> {
        let n = match value.as_ref()? {
            DecimalInput::Number(n) => Some(*n),
            DecimalInput::Text(t) if t.trim().is_empty() => return None,
            DecimalInput::Text(t) => t.trim().replace(',', ".").parse::<f64>().ok(),
        };
        let scale = 10f64.powi(places);
        match n.filter(|n| n.is_finite()).map(|n| (n * scale).round() / scale) {
            Some(n) if range.contains(&n) => Some(if n == 0.0 { 0.0 } else { n }),
            _ => {
                self.fail(
                    field,
                    format!(
                        "enter the {} as a number from {} to {} (for example 1.5)",
                        lower_first(label),
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A required date, not in the future; `missing` says what to type when it is blank.
    pub fn required_past_date(
        &mut self,
        field: &str,
        label: &str,
        value: &Option<String>,
        today: NaiveDate,
        missing: &str,
    ) -> Option<NaiveDate> {
        if blank(value) {
            self.fail(field, missing);
            return None;
        }
        self.past_date(field, label, value, today)
    }

    /// A required choice; `missing` says what to choose when it is blank.
    pub fn required_choice<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: fn(&str, &str) -> Result<T>,
        missing: &str,
    ) -> Option<T> {
        if blank(value) {
            self.fail(field, missing);
            return None;
        }
        self.choice(field, value, parse)
    }

    /// An optional choice from a fixed list.
    pub fn choice<T>(&mut self, field: &str, value: &Option<String>, parse: fn(&str, &str) -> Result<T>) -> Option<T> {
        let code = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        let path = self.path(field);
        self.absorb(parse(&path, code))
    }

    /// Several choices from a fixed list, without repeats.
    pub fn choices<T: PartialEq>(
        &mut self,
        field: &str,
        values: &[String],
        parse: fn(&str, &str) -> Result<T>,
    ) -> Vec<T> {
        let path = self.path(field);
        let mut out = Vec::new();
        for v in values {
            if let Some(t) = self.absorb(parse(&path, v)) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }

    pub fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.errors))
        }
    }
}

/// Nothing typed (absent, empty or only spaces).
/// Characters that show nothing and mean nothing in a name or note: zero width space, word
/// joiner, byte order mark, Mongolian vowel separator. Taken out wherever they are.
const INVISIBLE: &[char] = &['\u{200B}', '\u{2060}', '\u{FEFF}', '\u{180E}'];

/// Characters that show nothing but can matter inside text (zero width non-joiner and joiner
/// shape Bengali, Persian and Urdu words; left-to-right and right-to-left marks order mixed
/// scripts): kept inside, trimmed from the ends.
const INVISIBLE_AT_ENDS: &[char] = &['\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}'];

/// Text as typed → as stored: invisible characters taken out ([`INVISIBLE`]), then spaces and
/// [`INVISIBLE_AT_ENDS`] trimmed from both ends.
pub fn clean_text(text: &str) -> String {
    let kept: String = text.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    kept.trim_matches(|c: char| c.is_whitespace() || INVISIBLE_AT_ENDS.contains(&c)).to_string()
}

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they can
/// make a name display as something other than what is stored, so one-line text refuses them.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// "Date of birth" → "date of birth", but "GP practice" and "NHS number" keep their capitals.
pub fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_uppercase() => label.to_string(),
        (Some(a), _) => a.to_lowercase().chain(label.chars().skip(1)).collect(),
        (None, _) => String::new(),
    }
}

/// A UK postcode, normalised to capitals with one space (`sw1a1aa` → `SW1A 1AA`).
/// Accepts the six outward-code shapes (A9, A99, AA9, AA99, A9A, AA9A) and the inward code 9AA.
pub fn postcode(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if compact == "GIR0AA" {
        return Some("GIR 0AA".into());
    }
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let shape: String = outward
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                'A'
            } else if c.is_ascii_digit() {
                '9'
            } else {
                '?'
            }
        })
        .collect();
    let inward_ok = {
        let b = inward.as_bytes();
        b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
            // The inward letters never include C, I, K, M, O or V.
            && !b[1..].iter().any(|c| b"CIKMOV".contains(c))
    };
    let outward_ok = matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A");
    (outward_ok && inward_ok).then(|| format!("{outward} {inward}"))
}

/// An NHS number: ten digits whose last is the Modulus 11 check digit of the first nine.
/// Returns it as `943 476 5919`.
pub fn nhs_number(text: &str) -> Option<String> {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_digit(10))
        .collect::<Option<Vec<u32>>>()?;
    if digits.len() != 10 {
        return None;
    }
    let sum: u32 = digits[..9].iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return None,
        c => c,
    };
    if check != digits[9] {
        return None;
    }
    let s: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
    Some(format!("{} {} {}", &s[..3], &s[3..6], &s[6..]))
}

/// A plausible email address: one `@`, something before it, a dotted domain, no spaces.
pub fn email(text: &str) -> bool {
    let t = text.trim();
    match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !t.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A phone number: digits with optional spaces, brackets, dashes and a leading +; 10 to 15 digits.
pub fn phone(text: &str) -> bool {
    let t = text.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let allowed =
        t.char_indices().all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-') || (c == '+' && i == 0));
    allowed && (10..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_and_control_characters_refused() {
        // (typed, one-line result, several-lines result): Ok(stored) or Err(start of message).
        type Want = Result<&'static str, &'static str>;
        let table: [(&str, Want, Want); 10] = [
            ("  Grace  ", Ok("Grace"), Ok("Grace")),
            ("\u{200B}Grace\u{200B}", Ok("Grace"), Ok("Grace")),
            ("Gr\u{200B}ace\u{FEFF}", Ok("Grace"), Ok("Grace")),
            ("\u{200D}Grace\u{200C}", Ok("Grace"), Ok("Grace")),
            // Inside a Bengali name a joiner is part of the spelling: kept.
            ("র\u{200D}্য", Ok("র\u{200D}্য"), Ok("র\u{200D}্য")),
            ("Grace\nEvans", Err("the first name must be on one line"), Ok("Grace\nEvans")),
            ("Grace\r\nEvans", Err("the first name must be on one line"), Ok("Grace\r\nEvans")),
            ("Grace\tEvans", Err("the first name must be on one line"), Ok("Grace\tEvans")),
            ("Gr\u{7}ace", Err("the first name contains control characters"), Err("the first name contains control")),
            ("\u{202E}ecarG", Err("the first name contains control characters"), Ok("\u{202E}ecarG")),
        ];
        for (typed, one_line, several) in table {
            for (multi, want) in [(false, one_line), (true, several)] {
                let mut c = Check::new("");
                let value = Some(typed.to_string());
                let got = if multi {
                    c.lines("first_name", "First name", &value, NAME_MAX)
                } else {
                    c.text("first_name", "First name", &value, NAME_MAX)
                };
                match want {
                    Ok(stored) => assert_eq!(got.as_deref(), Some(stored), "{typed:?} multi={multi}: {:?}", c.errors),
                    Err(start) => {
                        assert!(got.is_none(), "{typed:?} multi={multi}");
                        assert!(c.errors[0].message.starts_with(start), "{typed:?}: {}", c.errors[0].message);
                        assert_eq!(c.errors[0].field, "first_name");
                    }
                }
            }
        }
        // Only invisible characters: as if nothing was typed.
        let mut c = Check::new("");
        assert_eq!(c.required("last_name", "Last name", &Some("\u{200B}\u{FEFF} ".into()), NAME_MAX), "");
        assert_eq!(c.errors[0].message, "enter the last name");
        // Long text keeps its lines.
        let mut c = Check::new("");
        assert_eq!(c.text("text", "Note", &Some("one\ntwo".into()), LONG_TEXT_MAX).as_deref(), Some("one\ntwo"));
    }

    #[test]
    fn postcodes() {
        let good = [
            ("SW1A 1AA", "SW1A 1AA"),
            ("sw1a1aa", "SW1A 1AA"),
            ("  m1 1ae ", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("RM10 7BS", "RM10 7BS"),
            ("GIR 0AA", "GIR 0AA"),
        ];
        for (input, want) in good {
            assert_eq!(postcode(input).as_deref(), Some(want), "{input}");
        }
        let bad = [
            "",
            "SW1A 1A",
            "SW1A",
            "12345",
            "SW1A 1AAA",
            "S 1AA",
            "SWA1 1AA",
            "SW1A 1CA",
            "1W1A 1AA",
            "SW1A-1AA",
            "ŚW1A 1AA",
        ];
        for input in bad {
            assert_eq!(postcode(input), None, "{input}");
        }
    }

    #[test]
    fn nhs_numbers_use_modulus_11() {
        // 943 476 5919 is the NHS's published example of a valid number.
        let good = [
            ("9434765919", "943 476 5919"),
            ("943 476 5919", "943 476 5919"),
            ("943-476-5919", "943 476 5919"),
            ("4010232137", "401 023 2137"),
        ];
        for (input, want) in good {
            assert_eq!(nhs_number(input).as_deref(), Some(want), "{input}");
        }
        // wrong check digit, too short, too long, letters, and a number whose check would be 10
        for input in ["9434765918", "943476591", "94347659190", "94347659A9", "1000000010"] {
            assert_eq!(nhs_number(input), None, "{input}");
        }
    }

    #[test]
    fn emails_and_phones() {
        assert!(email("sam.carer@example.org.uk"));
        for bad in ["sam", "sam@", "@example.org", "sam@example", "sam @example.org", "sam@@example.org", "sam@.org"] {
            assert!(!email(bad), "{bad}");
        }
        for good in ["020 7946 0018", "07700 900123", "+44 7700 900123", "(01632) 960 001"] {
            assert!(phone(good), "{good}");
        }
        for bad in ["12345", "0207 946 001x", "07700+900123", "0123456789012345"] {
            assert!(!phone(bad), "{bad}");
        }
    }

    #[test]
    fn check_collects_every_problem_with_paths() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut c = Check::new("person");
        c.required("first_name", "First name", &Some("   ".into()), NAME_MAX);
        c.text("notes", "Notes", &Some("x".repeat(NAME_MAX + 1)), NAME_MAX);
        c.past_date("date_of_birth", "Date of birth", &Some("01/01/2030".into()), today);
        let fields: Vec<String> = c.errors.iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["person.first_name", "person.notes", "person.date_of_birth"]);
        assert_eq!(c.errors[0].message, "enter the first name");
    }

    proptest::proptest! {
        /// Modulus 11 catches every single mistyped digit in a valid NHS number.
        #[test]
        fn nhs_check_catches_any_single_wrong_digit(first9 in proptest::collection::vec(0u32..10, 9), pos in 0usize..10, delta in 1u32..10) {
            let sum: u32 = first9.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
            let check = match 11 - sum % 11 { 11 => 0, 10 => return Ok(()), c => c };
            let mut digits = first9.clone();
            digits.push(check);
            let text: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            proptest::prop_assert!(nhs_number(&text).is_some());
            digits[pos] = (digits[pos] + delta) % 10;
            let typo: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            proptest::prop_assert!(nhs_number(&typo).is_none(), "{} accepted", typo);
        }

        /// A normalised postcode normalises to itself, whatever spacing and case it was typed in.
        #[test]
        fn postcode_normalising_is_stable(out in "[A-Z]{1,2}[0-9]{1,2}", inward in "[0-9][ABDEFGHJLNPQRSTUWXYZ]{2}", lower in proptest::bool::ANY) {
            let typed = if lower { format!("{out}{inward}").to_lowercase() } else { format!(" {out}  {inward} ") };
            let norm = postcode(&typed).unwrap();
            proptest::prop_assert_eq!(postcode(&norm), Some(norm.clone()));
            proptest::prop_assert_eq!(norm, format!("{out} {inward}"));
        }
    }
}
