//! Property tests: every parser and validator, with domain-aware generators, many cases, never a panic.
//!
//! Generators build real inputs from the rules of their domain (UK postcode shapes, NHS numbers
//! with a correct Modulus 11 check digit, calendar dates with leap-year edges, passport numbers
//! of every kind with their check letters), then change them the way people mistype them; each
//! parser also gets arbitrary Unicode and a mix of characters known to be awkward (quotes, FTS5
//! operators, NUL, emoji, right-to-left text, combining marks).
//!
//! Case counts: [`CASES`] (100,000) for every parser and validator, `fts_query` included. Three
//! kinds of property do real work per case and use fewer, so that the module stays within about
//! a minute of CPU in the debug profile the test suite runs in (each debug-built FTS5 query or
//! command costs 0.1 to 2 ms):
//! - the real `carer_search` command on 150 demo carers: [`DB_CASES`] per property;
//! - `fts_query`'s output run as a MATCH against the real `carer_search` index: [`INDEX_CASES`]
//!   (its well-formedness is proved for 100,000 inputs by `any_text_becomes_quoted_prefix_terms`);
//! - damaged copies of the shipped JSON definitions (each several kilobytes): [`JSON_CASES`].

use std::collections::BTreeSet;

use carers_desk::card_stock as stock;
use carers_desk::carers::{self, CarerInput};
use carers_desk::dates;
use carers_desk::passports::number::{self, Kind, Number, ALPHABET, MAX_SERIAL};
use carers_desk::plans::{self, MoneyInput};
use carers_desk::search::fts_query;
use carers_desk::validate::{self, Check, DecimalInput, NumberInput};
use carers_desk::{ApiError, Desk};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{RngAlgorithm, TestCaseError, TestRunner};
use serde_json::{json, Value};

use crate::util::*;

/// Cases for each pure parser and validator.
const CASES: u32 = 100_000;
/// Cases for each property that runs `carer_search` through the command layer.
const DB_CASES: u32 = 3_000;
/// Queries run against the real FTS5 index.
const INDEX_CASES: u32 = 20_000;
/// Cases for the property over damaged copies of the shipped JSON definitions.
const JSON_CASES: u32 = 5_000;

/// XorShift rather than the default ChaCha: the same coverage, and several times faster in the
/// debug profile the test suite runs in.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 10_000,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

type Outcome = Result<(), TestCaseError>;

/// A validation error naming exactly `field`, with a lower-case message; returns the message.
fn field_error<T: std::fmt::Debug>(r: carers_desk::error::Result<T>, field: &str) -> Result<String, TestCaseError> {
    let e = match r {
        Ok(v) => return Err(TestCaseError::fail(format!("accepted as {v:?}; expected an error on '{field}'"))),
        Err(e) => ApiError::from(e),
    };
    prop_assert_eq!(&e.code, "validation", "{:?}", e);
    prop_assert_eq!(e.field.as_deref(), Some(field), "{:?}", e);
    prop_assert!(e.errors.iter().all(|f| f.field == field), "{:?}", e);
    lower_case_message(&e.message)?;
    Ok(e.message)
}

fn lower_case_message(m: &str) -> Outcome {
    prop_assert!(!m.is_empty() && !m.starts_with(char::is_uppercase), "message {:?}", m);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Awkward text.

/// Fragments awkward for parsers and for FTS5's query language.
#[rustfmt::skip]
const NASTY: &[&str] = &[
    "\"", "\"\"", "'", "`", "*", "(", ")", "()", "NEAR", "NEAR(", "NEAR/2", "AND", "OR", "NOT", "and", "or", "not",
    "^", ":", "-", "+", "{", "}", "[", "]", ",", ".", "/", "\\", "%", "_", "?", ";", "--", "/*", "*/", "|", "&",
    "=", "<", ">", "@", "#", "$", "£", "€", "\0", "\u{1}", "\u{7f}", "\n", "\t", "\r", " ", "  ", "\u{a0}",
    "\u{2028}", "\u{200b}", "\u{200d}", "\u{feff}", "😀", "👩\u{200d}👧", "🏳\u{fe0f}\u{200d}🌈", "\u{202e}", "\u{202b}",
    "مرحبا", "שלום", "زهرة", "İ", "ı", "ß", "ﬁ", "Ǆ", "ǅ", "\u{301}", "e\u{301}", "ि", "ः", "प्रिया", "²", "½", "Ⅻ",
    "١٢", "٣", "０", "Ａ", "𝔸", "\u{e000}", "\u{10ffff}", "\u{fffd}", "\u{d7ff}", "Ω", "ж", "中文", "smith", "Smi",
    "o'brien", "O'", "c-000", "C-0000", "c", "rm10", "7bs", "sw1a 1a", "27/03/1984", "1984-03-27", "29/02/2023",
    "31/04/2026", "12", "0", "9", "x", "terms:", "carer_search", "rowid", "NEAR(a b)", "a*", "\"a\" OR \"b\"",
    "{terms}:", "col:x", "^smith", "CP-004217-K", "cp", "HP", "943 476 5919", "SW1A", "1AA", "GIR", "0AA", "c32011",
    "L7414",
];

/// Any text: awkward fragments mixed with characters from anywhere in Unicode; mostly short, now
/// and then a few thousand bytes.
fn awkward() -> impl Strategy<Value = String> {
    (any::<u64>(), prop_oneof![12 => 0usize..16, 1 => 16usize..200]).prop_map(|(seed, n)| awkward_text(seed, n))
}

/// A cheap generator for the text strategies: proptest builds a shrinkable tree per generated
/// character, which in the debug profile costs more than the parsers under test. Here a seed
/// picks every piece, and a longer `n` extends the same text, so a failure shrinks to its
/// shortest prefix.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        // xorshift64; the offset keeps a zero seed from sticking at zero
        let mut x = self.0 ^ 0x9E37_79B9_7F4A_7C15;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x ^ 0x9E37_79B9_7F4A_7C15;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` pieces: an awkward fragment, printable ASCII, a character below U+0800 (controls, Latin,
/// Greek, Cyrillic, Hebrew, Arabic, combining marks), or any code point at all.
fn awkward_text(seed: u64, n: usize) -> String {
    let mut r = Seeded(seed);
    let mut s = String::new();
    for _ in 0..n {
        match r.below(8) {
            0..=3 => s.push_str(NASTY[r.below(NASTY.len())]),
            4 | 5 => s.push(char::from(b' ' + r.below(95) as u8)),
            6 => s.push(char::from_u32(r.below(0x800) as u32).unwrap()),
            _ => s.push(char::from_u32(r.below(0x11_0000) as u32).unwrap_or('\u{fffd}')),
        }
    }
    s
}

/// Up to `max` characters from `alphabet`.
fn text_of(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    let chars: Vec<char> = alphabet.chars().collect();
    (any::<u64>(), 0..=max).prop_map(move |(seed, n)| {
        let mut r = Seeded(seed);
        (0..n).map(|_| chars[r.below(chars.len())]).collect()
    })
}

/// A word: one character from `first`, then up to `max - 1` from `rest`.
fn word_of(first: &'static str, rest: &'static str, max: usize) -> impl Strategy<Value = String> {
    (one_of(first), text_of(rest, max - 1)).prop_map(|(c, rest)| format!("{c}{rest}"))
}

/// Whitespace people leave around or inside what they type.
const SPACES: &[&str] = &["", "", "", " ", "  ", "\t", "\u{a0}", " \n"];

fn flip_case(text: &str, upper: &[bool]) -> String {
    text.chars()
        .zip(upper.iter().cycle())
        .map(|(c, u)| if *u { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Dates.

fn leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Years the parser accepts, weighted to centuries (1900 and 2100 are not leap years; 2000 is).
fn year() -> impl Strategy<Value = i32> {
    prop_oneof![1000i32..=9999, 1900i32..=2100, (10i32..=99).prop_map(|c| c * 100), (250i32..=2499).prop_map(|q| q * 4)]
}

/// A real date, often at the end of a month.
fn date() -> impl Strategy<Value = NaiveDate> {
    let day = prop_oneof![1u32..=31, 28u32..=31];
    (year(), 1u32..=12, day)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d.min(days_in_month(y, m))).expect("a real date"))
}

const DATE_SEPARATORS: &[char] = &['/', '-', '.'];

/// A date as people type it, in the style `style` picks: day first or ISO, padded or not, any
/// of the three separators, spaces around. (A style seed rather than a tuple of strategies:
/// several times cheaper per case in the debug profile.)
fn typed_date(y: i32, m: u32, d: u32, style: u64) -> String {
    let mut r = Seeded(style);
    let dd = if r.below(2) == 0 { format!("{d:02}") } else { d.to_string() };
    let mm = if r.below(2) == 0 { format!("{m:02}") } else { m.to_string() };
    let (s1, s2) = (DATE_SEPARATORS[r.below(3)], DATE_SEPARATORS[r.below(3)]);
    let (before, after) = (SPACES[r.below(SPACES.len())], SPACES[r.below(SPACES.len())]);
    if r.below(2) == 0 {
        format!("{before}{y}{s1}{mm}{s2}{dd}{after}")
    } else {
        format!("{before}{dd}{s1}{mm}{s2}{y}{after}")
    }
}

const DATE_FIELDS: &[&str] = &["date_of_birth", "person.date_of_birth", "reviews[2].date", "query"];

proptest! {
    #![proptest_config(config(CASES))]

    /// Every real date, typed any of the ways people type it, reads back as that day.
    #[test]
    fn typed_dates_read_back_as_the_same_day(day in date(), style in any::<u64>(), field in select(DATE_FIELDS)) {
        let typed = typed_date(day.year(), day.month(), day.day(), style);
        prop_assert_eq!(dates::parse(field, &typed).ok(), Some(day), "{:?}", typed);
    }

    /// Stored (ISO) and shown (DD/MM/YYYY) forms round-trip, and a timestamp prints as its date.
    #[test]
    fn stored_and_shown_dates_round_trip(day in date(), hh in 0u32..24, mm in 0u32..60) {
        let iso = dates::iso(day);
        let uk = dates::uk(day);
        prop_assert_eq!(iso.len(), 10);
        prop_assert_eq!(uk.len(), 10);
        prop_assert_eq!(dates::from_iso(&iso), Some(day));
        prop_assert_eq!(dates::parse("d", &iso).ok(), Some(day));
        prop_assert_eq!(dates::parse("d", &uk).ok(), Some(day));
        prop_assert_eq!(dates::uk_text(&iso), uk.clone());
        prop_assert_eq!(dates::uk_text(&format!(" {iso}T{hh:02}:{mm:02}:00Z ")), uk.clone());
        prop_assert_eq!(dates::from_iso(&uk), None);
    }

    /// Around the ends of months (31/04, 29/02 in leap and common years, day 0, month 13): a
    /// day/month/year is accepted exactly when it is on the calendar, and otherwise refused with
    /// an error naming the field.
    #[test]
    fn only_days_on_the_calendar_are_accepted(
        y in year(),
        m in 0u32..=13,
        d in prop_oneof![0u32..=32, 28u32..=31, Just(29u32)],
        style in any::<u64>(),
        field in select(DATE_FIELDS),
    ) {
        let typed = typed_date(y, m, d, style);
        let real = (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m);
        if real {
            let want = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            prop_assert_eq!(dates::parse(field, &typed).ok(), Some(want), "{:?}", typed);
        } else {
            let message = field_error(dates::parse(field, &typed), field)?;
            prop_assert!(message.contains("real date"), "{}", message);
        }
    }

    /// A year that is not four digits (27/03/84, 27/03/984, 27/03/19840) is refused with a message
    /// asking for four digits.
    #[test]
    fn years_must_have_four_digits(d in 1u32..=28, m in 1u32..=12, y in prop_oneof![0u32..=999, 10_000u32..=999_999], sep in select(DATE_SEPARATORS), field in select(DATE_FIELDS)) {
        let typed = format!("{d:02}{sep}{m:02}{sep}{y}");
        let message = field_error(dates::parse(field, &typed), field)?;
        prop_assert!(message.contains("four-digit year"), "{}", message);
    }

    /// Anything at all: no panic; an error names the field; what is accepted was three groups of
    /// digits and reads back the same.
    #[test]
    fn any_text_as_a_date(text in prop_oneof![awkward(), text_of("0123456789/.- ", 14)], field in select(DATE_FIELDS)) {
        match dates::parse(field, &text) {
            Ok(day) => {
                let groups: Vec<&str> = text.trim().split(DATE_SEPARATORS).collect();
                prop_assert_eq!(groups.len(), 3);
                prop_assert!(groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit())));
                prop_assert!((1000..=9999).contains(&day.year()));
                prop_assert_eq!(dates::parse(field, &dates::uk(day)).ok(), Some(day));
            }
            Err(e) => {
                field_error::<()>(Err(e), field)?;
            }
        }
        let shown = dates::uk_text(&text);
        let month = dates::PartialDate::from_stored(text.trim()).is_some(); // "2019-03": "March 2019"
        prop_assert!(shown == text.trim() || shown.len() == 10 || month, "{:?} shown as {:?}", text, shown);
        let _ = dates::from_iso(&text);
    }

    /// Age in whole years: the last birthday reached is on or before today, the next after it;
    /// someone born on 29 February has birthdays on 1 March in common years.
    #[test]
    fn ages_count_birthdays_reached(dob in date(), later in 0u64..=73_000) {
        let today = dob + chrono::Days::new(later);
        let age = dates::age_on(dob, today).unwrap();
        let last = dates::anniversary(dob, age);
        let next = dates::anniversary(dob, age + 1);
        prop_assert!(last <= today && today < next, "{} on {}: age {}", dob, today, age);
        for birthday in [last, next] {
            if dob.month() == 2 && dob.day() == 29 && !leap(birthday.year()) {
                prop_assert_eq!((birthday.month(), birthday.day()), (3, 1));
            } else {
                prop_assert_eq!((birthday.month(), birthday.day()), (dob.month(), dob.day()));
            }
        }
        if later > 0 {
            prop_assert_eq!(dates::age_on(today, dob), None);
        }
    }

    /// Adding months keeps the day of the month, or uses the month's last day when it is shorter.
    #[test]
    fn adding_months_keeps_the_day_or_uses_the_last(from in date(), months in prop_oneof![0u32..=24, 0u32..=1200]) {
        let to = dates::add_months(from, months);
        let index = from.year() * 12 + from.month0() as i32 + months as i32;
        let (y, m) = (index / 12, index as u32 % 12 + 1);
        prop_assert_eq!((to.year(), to.month()), (y, m));
        prop_assert_eq!(to.day(), from.day().min(days_in_month(y, m)));
    }
}

// ---------------------------------------------------------------------------------------------
// Postcodes.

/// Letters used in each position of a real postcode (Royal Mail's rules).
const FIRST: &str = "ABCDEFGHIJKLMNOPRSTUWYZ"; // never Q, V, X
const SECOND: &str = "ABCDEFGHKLMNOPQRSTUVWXY"; // never I, J, Z
const THIRD_A9A: &str = "ABCDEFGHJKPSTUW";
const FOURTH_AA9A: &str = "ABEHMNPRVWXY";
const INWARD: &str = "ABDEFGHJLNPQRSTUWXYZ"; // never C, I, K, M, O, V

fn one_of(set: &'static str) -> impl Strategy<Value = char> {
    select(set.chars().collect::<Vec<_>>())
}

fn digit() -> impl Strategy<Value = char> {
    select(('0'..='9').collect::<Vec<_>>())
}

/// An outward code in one of the six shapes: A9, A99, AA9, AA99, A9A, AA9A.
fn outward() -> impl Strategy<Value = String> {
    let s = |cs: &[char]| cs.iter().collect::<String>();
    prop_oneof![
        (one_of(FIRST), digit()).prop_map(move |(a, b)| s(&[a, b])),
        (one_of(FIRST), digit(), digit()).prop_map(move |(a, b, c)| s(&[a, b, c])),
        (one_of(FIRST), one_of(SECOND), digit()).prop_map(move |(a, b, c)| s(&[a, b, c])),
        (one_of(FIRST), one_of(SECOND), digit(), digit()).prop_map(move |(a, b, c, d)| s(&[a, b, c, d])),
        (one_of(FIRST), digit(), one_of(THIRD_A9A)).prop_map(move |(a, b, c)| s(&[a, b, c])),
        (one_of(FIRST), one_of(SECOND), digit(), one_of(FOURTH_AA9A)).prop_map(move |(a, b, c, d)| s(&[a, b, c, d])),
    ]
}

/// An inward code: 9AA.
fn inward() -> impl Strategy<Value = String> {
    (digit(), one_of(INWARD), one_of(INWARD)).prop_map(|(a, b, c)| [a, b, c].iter().collect())
}

/// A real postcode in its normal form (`SW1A 1AA`), including the one exception, `GIR 0AA`.
fn postcode() -> impl Strategy<Value = String> {
    prop_oneof![50 => (outward(), inward()).prop_map(|(o, i)| format!("{o} {i}")), 1 => Just("GIR 0AA".to_string())]
}

/// `normal` typed with any case and spacing anywhere, as `style` picks.
fn typed_postcode(normal: &str, style: u64) -> String {
    let mut r = Seeded(style);
    let mut typed = String::new();
    for c in normal.chars().filter(|c| *c != ' ') {
        typed.push_str(SPACES[r.below(SPACES.len())]);
        typed.push(if r.below(2) == 0 { c.to_ascii_lowercase() } else { c });
    }
    typed.push_str(SPACES[r.below(SPACES.len())]);
    typed
}

/// The shapes written out as patterns, checked a different way from the validator.
fn postcode_oracle(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let compact = compact.to_ascii_uppercase();
    if compact == "GIR0AA" {
        return Some("GIR 0AA".into());
    }
    for pattern in ["A9 9BB", "A99 9BB", "AA9 9BB", "AA99 9BB", "A9A 9BB", "AA9A 9BB"] {
        let p: Vec<char> = pattern.chars().filter(|c| *c != ' ').collect();
        let fits = p.len() == compact.len()
            && p.iter().zip(compact.chars()).all(|(p, c)| match p {
                'A' => c.is_ascii_alphabetic(),
                '9' => c.is_ascii_digit(),
                _ => INWARD.contains(c),
            });
        if fits {
            let split = pattern.find(' ').unwrap();
            return Some(format!("{} {}", &compact[..split], &compact[split..]));
        }
    }
    None
}

/// A near miss: a real postcode with one character changed, dropped or added, or a string of
/// letters and digits in a random shape.
fn near_postcode() -> impl Strategy<Value = String> {
    let class_char = prop_oneof![one_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), digit(), Just(' ')];
    let edit = (0usize..9, prop_oneof![one_of("ACIKMOVZQX"), digit(), Just(' ')], 0u8..3);
    prop_oneof![
        (postcode(), edit).prop_map(|(p, (at, c, how))| {
            let mut cs: Vec<char> = p.chars().collect();
            let at = at.min(cs.len() - 1);
            match how {
                0 => cs[at] = c,
                1 => {
                    cs.remove(at);
                }
                _ => cs.insert(at, c),
            }
            cs.into_iter().collect()
        }),
        prop::collection::vec(class_char, 4..9).prop_map(|v| v.into_iter().collect()),
    ]
}

/// Characters that look like postcode letters and digits but are not ASCII.
#[rustfmt::skip]
const LOOKALIKES: &[char] = &[
    'А', 'В', 'Е', 'К', 'М', 'Н', 'О', 'Р', 'С', 'Т', 'Х', 'Ａ', 'Ｍ', '０', '１', '٣', '۷', 'ß', 'İ', 'ı',
];

// ---------------------------------------------------------------------------------------------
// NHS numbers.

/// The Modulus 11 check digit of nine digits; `None` when it would be 10 (no such number).
fn nhs_check(nine: &[u32]) -> Option<u32> {
    let sum: u32 = nine.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

/// Ten digits with a correct check digit. When the first nine would need a check digit of 10,
/// the ninth is moved on by one, which always gives a usable check digit.
fn nhs_digits() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..10, 9).prop_map(|mut d| {
        if nhs_check(&d).is_none() {
            d[8] = (d[8] + 1) % 10;
        }
        let check = nhs_check(&d).expect("moving the ninth digit fixes the check");
        d.push(check);
        d
    })
}

fn digits_text(d: &[u32]) -> String {
    d.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect()
}

fn nhs_normal(d: &[u32]) -> String {
    let s = digits_text(d);
    format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
}

const NHS_GAPS: &[&str] = &["", "", "", "", " ", "-", "  ", " - ", "\t"];

/// Digits typed with spaces or hyphens between any of them, as `style` picks.
fn typed_digits(d: &[u32], style: u64) -> String {
    let mut r = Seeded(style);
    let mut s = String::new();
    for (i, digit) in d.iter().enumerate() {
        let gap = NHS_GAPS[r.below(NHS_GAPS.len())];
        s.push_str(if i == 0 { gap.trim() } else { gap });
        s.push(char::from_digit(*digit, 10).unwrap());
    }
    s.push_str(NHS_GAPS[r.below(NHS_GAPS.len())]);
    s
}

// ---------------------------------------------------------------------------------------------
// Phone numbers and email addresses.

fn phone_text(digits: &[u32], style: u64) -> String {
    let mut r = Seeded(style);
    let mut s = if r.below(2) == 0 { "+".to_string() } else { String::new() };
    for d in digits {
        if !s.is_empty() {
            s.push_str(["", "", "", " ", "-", "(", ")", " ("][r.below(8)]);
        }
        s.push(char::from_digit(*d, 10).unwrap());
    }
    s
}

const LOWER_DIGITS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn email_text() -> impl Strategy<Value = String> {
    (
        word_of(LOWER_DIGITS, "abcdefghijklmnopqrstuvwxyz0123456789._%+-", 16),
        prop::collection::vec(word_of(LOWER_DIGITS, "abcdefghijklmnopqrstuvwxyz0123456789-", 9), 2..4),
    )
        .prop_map(|(local, labels)| format!("{local}@{}", labels.join(".")))
}

proptest! {
    #![proptest_config(config(CASES))]

    /// A real postcode, typed in any case with spaces anywhere, is accepted in its normal form,
    /// and the normal form is stable.
    #[test]
    fn real_postcodes_are_accepted_and_normalised(normal in postcode(), style in any::<u64>()) {
        let typed = typed_postcode(&normal, style);
        prop_assert_eq!(validate::postcode(&typed), Some(normal.clone()), "{:?}", typed);
        prop_assert_eq!(validate::postcode(&normal), Some(normal.clone()));
    }

    /// Near misses are accepted exactly when they still have a postcode's shape.
    #[test]
    fn near_miss_postcodes_follow_the_shapes(text in near_postcode()) {
        prop_assert_eq!(validate::postcode(&text), postcode_oracle(&text), "{:?}", text);
    }

    /// Inward codes never use C, I, K, M, O or V, and never start with a letter.
    #[test]
    fn impossible_inward_codes_are_refused(out in outward(), d in digit(), a in one_of(INWARD), bad in one_of("CIKMOV"), which in 0u8..3, letter in one_of(FIRST)) {
        let inward = match which {
            0 => format!("{d}{bad}{a}"),
            1 => format!("{d}{a}{bad}"),
            _ => format!("{letter}{a}{a}"),
        };
        prop_assert_eq!(validate::postcode(&format!("{out} {inward}")), None);
    }

    /// A letter or digit that only looks like one (Cyrillic, full-width, Arabic-Indic) is refused.
    #[test]
    fn lookalike_characters_are_refused(p in postcode(), at in 0usize..8, c in select(LOOKALIKES)) {
        let mut cs: Vec<char> = p.chars().collect();
        let at = at % cs.len();
        if cs[at] == ' ' {
            cs.insert(at, c);
        } else {
            cs[at] = c;
        }
        let typed: String = cs.into_iter().collect();
        prop_assert_eq!(validate::postcode(&typed), None, "{:?}", typed);
    }

    /// Any text: no panic; what is accepted is capitals, digits and one space, and stable.
    #[test]
    fn any_text_as_a_postcode(text in awkward()) {
        if let Some(p) = validate::postcode(&text) {
            prop_assert!((6..=8).contains(&p.len()));
            prop_assert_eq!(p.matches(' ').count(), 1);
            prop_assert!(p.chars().all(|c| c == ' ' || c.is_ascii_uppercase() || c.is_ascii_digit()));
            prop_assert_eq!(validate::postcode(&p), Some(p.clone()));
            prop_assert_eq!(postcode_oracle(&text), Some(p));
        }
    }

    /// Ten digits with the right check digit, typed with any spacing, are accepted as `999 999 9999`.
    #[test]
    fn valid_nhs_numbers_are_accepted(d in nhs_digits(), style in any::<u64>()) {
        let typed = typed_digits(&d, style);
        let normal = nhs_normal(&d);
        prop_assert_eq!(validate::nhs_number(&typed), Some(normal.clone()), "{:?}", typed);
        prop_assert_eq!(validate::nhs_number(&normal), Some(normal));
    }

    /// For any nine digits, exactly one tenth digit is accepted (none when the check would be 10).
    #[test]
    fn exactly_one_check_digit_fits(nine in prop::collection::vec(0u32..10, 9), last in 0u32..10) {
        let mut d = nine.clone();
        d.push(last);
        prop_assert_eq!(validate::nhs_number(&digits_text(&d)).is_some(), nhs_check(&nine) == Some(last));
    }

    /// Every single mistyped digit and every swap of two different neighbouring digits is caught.
    #[test]
    fn mistyped_nhs_numbers_are_refused(d in nhs_digits(), at in 0usize..10, delta in 1u32..10) {
        let mut typo = d.clone();
        typo[at] = (typo[at] + delta) % 10;
        prop_assert_eq!(validate::nhs_number(&digits_text(&typo)), None, "{}", digits_text(&typo));
        let at = at.min(8);
        let mut swapped = d.clone();
        swapped.swap(at, at + 1);
        let accepted = validate::nhs_number(&digits_text(&swapped)).is_some();
        prop_assert_eq!(accepted, d[at] == d[at + 1], "{}", digits_text(&swapped));
    }

    /// Nine or eleven digits, a letter, or a character that only looks like a digit: refused.
    #[test]
    fn malformed_nhs_numbers_are_refused(d in nhs_digits(), at in 0usize..10, extra in 0u32..10, c in select(&['A', 'O', 'l', '.', '/', '+', '٣', '０', '\u{0}', '¹'][..]), how in 0u8..4) {
        let mut s: Vec<char> = digits_text(&d).chars().collect();
        match how {
            0 => {
                s.remove(at);
            }
            1 => s.insert(at, char::from_digit(extra, 10).unwrap()),
            2 => s[at] = c,
            _ => s.insert(at, c),
        }
        let typed: String = s.into_iter().collect();
        prop_assert_eq!(validate::nhs_number(&typed), None, "{:?}", typed);
    }

    /// Any text: no panic; what is accepted is ten digits, spaced 3-3-4, that pass the check.
    #[test]
    fn any_text_as_an_nhs_number(text in prop_oneof![awkward(), text_of("0123456789 -", 16)]) {
        if let Some(n) = validate::nhs_number(&text) {
            let digits: Vec<u32> = n.chars().filter_map(|c| c.to_digit(10)).collect();
            prop_assert_eq!(digits.len(), 10);
            prop_assert_eq!(nhs_normal(&digits), n.clone());
            prop_assert_eq!(nhs_check(&digits[..9]), Some(digits[9]));
        }
    }

    /// Phone numbers: 10 to 15 digits with spaces, brackets, hyphens and a leading +.
    #[test]
    fn phone_numbers_count_digits(digits in prop::collection::vec(0u32..10, 0..20), style in any::<u64>(), junk in select(&['x', '+', '.', '/', '٣', '０', '\u{0}'][..]), at in 0usize..20) {
        let (n, text) = (digits.len(), phone_text(&digits, style));
        prop_assert_eq!(validate::phone(&text), (10..=15).contains(&n), "{:?}", text);
        let mut cs: Vec<char> = text.chars().collect();
        if !cs.is_empty() {
            cs.insert(1 + at % cs.len(), junk);
            let bad: String = cs.into_iter().collect();
            prop_assert!(!validate::phone(&bad), "{:?}", bad);
        }
    }

    /// Email addresses: name@domain.tld accepted; without the @, with two, with a space, or
    /// with the domain starting or ending with a dot, refused.
    #[test]
    fn email_addresses_need_one_at_and_a_dotted_domain(e in email_text(), how in 0u8..5) {
        prop_assert!(validate::email(&e), "{}", e);
        prop_assert!(validate::email(&format!("  {e} ")), "{}", e);
        let (local, domain) = e.split_once('@').unwrap();
        let bad = match how {
            0 => format!("{local}{domain}"),
            1 => format!("{local}@@{domain}"),
            2 => format!("{local} @{domain}"),
            3 => format!("{local}@.{domain}"),
            _ => format!("{local}@{domain}."),
        };
        prop_assert!(!validate::email(&bad), "{}", bad);
    }

    /// Any text: no panic; an accepted email has one @ and no spaces; an accepted phone number
    /// has 10 to 15 digits.
    #[test]
    fn any_text_as_contact_details(text in awkward()) {
        if validate::email(&text) {
            prop_assert_eq!(text.trim().matches('@').count(), 1);
            prop_assert!(!text.trim().chars().any(char::is_whitespace));
        }
        if validate::phone(&text) {
            prop_assert!((10..=15).contains(&text.chars().filter(char::is_ascii_digit).count()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Form checks: text, whole numbers, decimals, money, choices.

const PREFIXES: &[&str] = &["", "person", "needs[3]"];

fn path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

macro_rules! choice_lists {
    ($($t:path),+ $(,)?) => {
        /// Every fixed list: its name, its codes, and its `parse` giving the code read.
        #[allow(clippy::type_complexity)]
        fn choice_lists() -> Vec<(&'static str, Vec<&'static str>, fn(&str, &str) -> carers_desk::error::Result<&'static str>)> {
            vec![$({
                use $t as T;
                (T::LIST, T::ALL.iter().map(|v| v.code()).collect(), |f: &str, t: &str| T::parse(f, t).map(|v| v.code()))
            }),+]
        }
    };
}

choice_lists!(
    carers_desk::choices::Gender,
    carers_desk::choices::Ethnicity,
    carers_desk::choices::ContactMethod,
    carers_desk::choices::ReferralSource,
    carers_desk::choices::ReferralOutcome,
    carers_desk::choices::Employment,
    carers_desk::choices::Disability,
    carers_desk::choices::CloseReason,
    carers_desk::choices::Condition,
    carers_desk::choices::Relationship,
    carers_desk::choices::HoursBand,
    carers_desk::choices::CareKind,
    carers_desk::choices::NoteKind,
    carers_desk::choices::Category,
    carers_desk::choices::Status,
    carers_desk::choices::YearGroup,
    carers_desk::choices::CensusCode,
    carers_desk::choices::AdjustmentKind,
    carers_desk::choices::Milestone,
    carers_desk::plans::PlanStatus,
    carers_desk::plans::NeedEligibility,
    carers_desk::plans::WillMeet,
    carers_desk::plans::ActionStatus,
    carers_desk::plans::DpFrequency,
    carers_desk::plans::AgreementMethod,
    carers_desk::plans::PlanEndReason,
    carers_desk::plans::review::OutcomeProgress,
    carers_desk::plans::review::UnplannedReason,
    carers_desk::catalogue::SupportGroup,
    carers_desk::catalogue::Suits,
    carers_desk::eligibility::Outcome,
    carers_desk::eligibility::UnableReason,
    carers_desk::eligibility::WellbeingArea,
    carers_desk::assessments::forms::AssessmentType,
    carers_desk::assessments::forms::WellbeingImpact,
);

/// The window's lists are all covered above, so a new list cannot miss its property.
#[test]
fn every_window_list_has_its_property() {
    let covered: BTreeSet<&str> = choice_lists().iter().map(|(name, _, _)| *name).collect();
    for name in carers_desk::choices::all_options().keys() {
        assert!(covered.contains(name.as_str()), "add {name} to choice_lists! in tests/properties.rs");
    }
}

/// A list's code, or something like one (another list's code, its label, a changed case).
fn choice_text() -> impl Strategy<Value = (usize, String)> {
    let lists = choice_lists();
    let n = lists.len();
    let all_codes: Vec<&'static str> = lists.iter().flat_map(|(_, codes, _)| codes.clone()).collect();
    (0..n, any::<prop::sample::Index>(), select(all_codes), awkward(), select(SPACES), select(SPACES), 0u8..5).prop_map(
        move |(list, pick, other, junk, before, after, how)| {
            let codes = &lists[list].1;
            let code = codes[pick.index(codes.len())];
            let text = match how {
                0 | 1 => format!("{before}{code}{after}"),
                2 => other.to_string(),
                3 => code.to_uppercase(),
                _ => junk,
            };
            (list, text)
        },
    )
}

proptest! {
    #![proptest_config(config(CASES))]

    /// Text fields: trimmed, invisible characters taken out, blank is nothing; too long, a line
    /// break in one-line text, or control characters are an error naming the field.
    #[test]
    fn text_fields_are_trimmed_and_limited(text in prop_oneof![awkward(), text_of(" abcdefghijklmnopqrstuvwxyz\u{200B}\u{200D}\n\t", 12)], max in select(&[1usize, 5, 20, 100, 300][..]), prefix in select(PREFIXES)) {
        let mut c = Check::new(prefix);
        let got = c.text("title", "Title", &Some(text.clone()), max);
        let kept: String = text.chars().filter(|c| !matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')).collect();
        let t = kept.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}'));
        let one_line = max <= carers_desk::validate::TEXT_MAX;
        let breaks = |c: char| matches!(c, '\n' | '\t' | '\r');
        let direction = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        let controls = t.chars().any(|c| (c.is_control() && !breaks(c)) || (one_line && (breaks(c) || direction(c))));
        if t.is_empty() {
            prop_assert_eq!(got, None);
            prop_assert!(c.errors.is_empty());
        } else if t.chars().count() > max || controls {
            prop_assert_eq!(got, None);
            prop_assert_eq!(c.errors.len(), 1);
            prop_assert_eq!(&c.errors[0].field, &path(prefix, "title"));
            lower_case_message(&c.errors[0].message)?;
        } else {
            prop_assert_eq!(got.as_deref(), Some(t));
            prop_assert!(c.errors.is_empty());
        }
        let mut c = Check::new(prefix);
        let required = c.required("title", "Title", &Some(text.clone()), max);
        prop_assert_eq!(required.is_empty(), c.errors.len() == 1);
    }

    /// Whole numbers typed or sent as numbers: accepted exactly when in range.
    #[test]
    fn whole_numbers_are_checked_against_their_range(n in prop_oneof![any::<i64>(), -5i64..200], lo in 0u32..50, span in 0u32..100, typed in any::<bool>(), before in select(SPACES), after in select(SPACES), prefix in select(PREFIXES)) {
        let range = lo..=lo + span;
        let input = if typed { NumberInput::Text(format!("{before}{n}{after}")) } else { NumberInput::Number(n) };
        let mut c = Check::new(prefix);
        let got = c.whole_number("hours", "Hours", &Some(input), range.clone());
        let inside = n >= lo as i64 && n <= (lo + span) as i64;
        prop_assert_eq!(got, inside.then_some(n as u32));
        prop_assert_eq!(c.errors.len(), usize::from(!inside));
        if !inside {
            prop_assert_eq!(&c.errors[0].field, &path(prefix, "hours"));
        }
    }

    /// Decimals: a point or a comma, rounded to the places asked for, in range.
    #[test]
    fn decimals_accept_a_point_or_a_comma(tenths in -100i64..=3000, comma in any::<bool>(), places in 0i32..3) {
        let text = format!("{}.{}", tenths / 10, (tenths % 10).abs());
        let text = if tenths < 0 && tenths > -10 { format!("-{text}") } else { text };
        let typed = if comma { text.replace('.', ",") } else { text.clone() };
        let value: f64 = text.parse().unwrap();
        let scale = 10f64.powi(places);
        let rounded = (value * scale).round() / scale;
        let mut c = Check::new("");
        let got = c.decimal("weight", "Weight", &Some(DecimalInput::Text(typed.clone())), 0.0..=250.0, places);
        if (0.0..=250.0).contains(&rounded) {
            prop_assert_eq!(got, Some(if rounded == 0.0 { 0.0 } else { rounded }), "{:?}", typed);
        } else {
            prop_assert_eq!(got, None, "{:?}", typed);
            prop_assert_eq!(&c.errors[0].field, "weight");
        }
    }

    /// Any text or number as a whole number or a decimal: no panic, errors name the field.
    #[test]
    fn any_input_as_a_number(text in awkward(), x in any::<f64>(), prefix in select(PREFIXES)) {
        let mut c = Check::new(prefix);
        if let Some(n) = c.whole_number("n", "N", &Some(NumberInput::Text(text.clone())), 0..=1000) {
            prop_assert_eq!(text.trim().parse::<i64>().ok(), Some(n as i64));
        }
        let d = c.decimal("d", "D", &Some(DecimalInput::Text(text.clone())), -1e6..=1e6, 2);
        prop_assert!(d.is_none_or(f64::is_finite));
        let d = c.decimal("x", "X", &Some(DecimalInput::Number(x)), -1e6..=1e6, 1);
        prop_assert_eq!(d.is_some(), x.is_finite() && ((x * 10.0).round() / 10.0).abs() <= 1e6);
        for e in &c.errors {
            prop_assert!(["n", "d", "x"].iter().any(|f| e.field == path(prefix, f)), "{:?}", e);
            lower_case_message(&e.message)?;
        }
    }

    /// Money: pence written as pounds (`1250.50`, `£1,250.50`, or a JSON number) reads back as
    /// the same pence.
    #[test]
    fn money_round_trips(pence in prop_oneof![0i64..=100_000, 0i64..=1_000_000_000]) {
        let read = |m: MoneyInput| plans::parse_money("amount", "Amount", &m);
        prop_assert_eq!(read(MoneyInput::Text(plans::pounds(pence))).ok(), Some(Some(pence)));
        prop_assert_eq!(read(MoneyInput::Text(plans::money_uk(pence))).ok(), Some(Some(pence)), "{}", plans::money_uk(pence));
        prop_assert_eq!(read(MoneyInput::Number(pence as f64 / 100.0)).ok(), Some(Some(pence)), "{}", pence as f64 / 100.0);
    }

    /// Money refused: negative, three decimal places, over £10,000,000; errors name the field.
    #[test]
    fn impossible_money_is_refused(pounds in 0i64..=10_000_000, extra in 10_000_001i64..=i64::MAX / 1000, milli in 1u32..10) {
        field_error(plans::parse_money("amount", "Amount", &MoneyInput::Text(format!("-{pounds}"))), "amount")?;
        field_error(plans::parse_money("amount", "Amount", &MoneyInput::Text(format!("{pounds}.12{milli}"))), "amount")?;
        let m = field_error(plans::parse_money("amount", "Amount", &MoneyInput::Text(extra.to_string())), "amount")?;
        prop_assert!(m.contains("10,000,000"), "{}", m);
    }

    /// Any text or number as money: no panic; errors name the field; blank is no amount.
    #[test]
    fn any_input_as_money(text in prop_oneof![awkward(), text_of("£0123456789., ", 14)], x in any::<f64>()) {
        for m in [MoneyInput::Text(text.clone()), MoneyInput::Number(x)] {
            match plans::parse_money("amount", "Amount", &m) {
                Ok(Some(p)) => prop_assert!((0..=1_000_000_000 + 99).contains(&p)),
                Ok(None) => prop_assert!(matches!(&m, MoneyInput::Text(t) if t.trim().replace(['£', ',', ' '], "").is_empty())),
                Err(e) => {
                    field_error::<()>(Err(e), "amount")?;
                }
            }
        }
    }

    /// Every fixed list: a code (with spaces around) is read as itself; anything else is an
    /// error naming the field.
    #[test]
    fn choices_accept_exactly_their_codes((list, text) in choice_text(), field in select(&["gender", "person.conditions", "needs[1].outcome"][..])) {
        let lists = choice_lists();
        let (name, codes, parse) = &lists[list];
        match codes.iter().find(|c| **c == text.trim()) {
            Some(code) => prop_assert_eq!(parse(field, &text).ok(), Some(*code), "{} {:?}", name, text),
            None => {
                field_error(parse(field, &text), field)?;
            }
        }
    }

    /// Card stocks: a known code in any case with spaces is found; anything else is an error
    /// naming the field and the known codes.
    #[test]
    fn card_stocks_by_code(pick in 0usize..stock::ALL.len(), upper in prop::collection::vec(any::<bool>(), 8), before in select(SPACES), after in select(SPACES), junk in awkward()) {
        let code = stock::ALL[pick].code;
        let typed = format!("{before}{}{after}", flip_case(code, &upper));
        prop_assert_eq!(stock::parse("stock", &typed).map(|s| s.code).ok(), Some(code));
        let known = stock::ALL.iter().find(|s| s.code.eq_ignore_ascii_case(junk.trim()));
        match (stock::parse("card_stock", &junk), known) {
            (Ok(s), Some(k)) => prop_assert_eq!(s.code, k.code),
            (r, None) => {
                let m = field_error(r, "card_stock")?;
                prop_assert!(stock::ALL.iter().all(|s| m.contains(s.code)), "{}", m);
            }
            (Err(e), Some(k)) => return Err(TestCaseError::fail(format!("{} refused: {e}", k.code))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Passport numbers.

fn kind() -> impl Strategy<Value = Kind> {
    select(Kind::ALL.to_vec())
}

fn passport() -> impl Strategy<Value = Number> {
    (kind(), prop_oneof![1u32..=MAX_SERIAL, 1u32..=100, Just(MAX_SERIAL)]).prop_map(|(k, s)| Number::new(k, s).unwrap())
}

const NUMBER_GAPS: &[&str] = &["-", "-", "", " ", "  ", " - ", "--"];

/// A number as typed: any case, hyphens or spaces (or nothing) between the parts.
fn typed_passport() -> impl Strategy<Value = (Number, String)> {
    (
        passport(),
        prop::collection::vec(any::<bool>(), 11),
        select(NUMBER_GAPS),
        select(NUMBER_GAPS),
        select(SPACES),
        select(SPACES),
    )
        .prop_map(|(n, upper, g1, g2, before, after)| {
            let text = n.to_string();
            let (prefix, rest) = text.split_at(2);
            let (digits, letter) = (&rest[1..7], &rest[8..]);
            (
                n,
                format!(
                    "{before}{}{g1}{digits}{g2}{}{after}",
                    flip_case(prefix, &upper),
                    flip_case(letter, &upper[5..])
                ),
            )
        })
}

/// Words found around the number in a card's QR code or a pasted message.
#[rustfmt::skip]
const QR_WORDS: &[&str] = &[
    "Hospital", "carer", "passport", "Young", "Carer", "card", "Havering", "Carers", "Hub", "Call", "020", "7946",
    "0018", "https://example.org/verify", "valid", "until", "31/03/2027", "—", "✓", "RM10", "7BS", "No.", "#",
];
const QR_SEPARATORS: &[&str] = &[" ", "\n", ", ", "; ", ": ", ".", "/", "(", ")", "\r\n", "\t"];

proptest! {
    #![proptest_config(config(CASES))]

    /// Every number of every kind prints as `CP-004217-K` and reads back, however it is typed.
    #[test]
    fn passport_numbers_read_back((n, typed) in typed_passport()) {
        let text = n.to_string();
        prop_assert_eq!(text.len(), 11);
        prop_assert!(text.starts_with(n.kind.prefix()));
        prop_assert_eq!(&text[3..9], format!("{:06}", n.serial));
        let letter = n.check_letter();
        prop_assert!(ALPHABET.contains(&(letter as u8)) && !"IOU".contains(letter));
        prop_assert_eq!(Number::parse("number", &text).ok(), Some(n));
        prop_assert_eq!(Number::parse("number", &typed).ok(), Some(n), "{:?}", typed);
        prop_assert_eq!(number::find("number", &typed).ok(), Some(n), "{:?}", typed);
    }

    /// The number is found among the other words of a QR code or a message.
    #[test]
    fn passport_numbers_are_found_in_text(n in passport(), lower in any::<bool>(), words in prop::collection::vec((select(QR_WORDS), select(QR_SEPARATORS)), 0..8), at in any::<prop::sample::Index>(), around in (select(QR_SEPARATORS), select(QR_SEPARATORS))) {
        let number = if lower { n.to_string().to_lowercase() } else { n.to_string() };
        let at = at.index(words.len() + 1);
        let mut text = String::new();
        for (i, (w, sep)) in words.iter().enumerate() {
            if i == at {
                text.push_str(&format!("{}{number}{}", around.0, around.1));
            }
            text.push_str(w);
            text.push_str(sep);
        }
        if at == words.len() {
            text.push_str(&format!("{}{number}{}", around.0, around.1));
        }
        prop_assert_eq!(number::find("text", &text).ok(), Some(n), "{:?}", text);
    }

    /// Any wrong check letter, single mistyped digit, swap of two different neighbouring digits
    /// or wrong kind is refused, naming the field and the check letter.
    #[test]
    fn mistyped_passport_numbers_are_refused(n in passport(), wrong in one_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), at in 0usize..6, delta in 1u32..10, other in kind()) {
        let text = n.to_string();
        let (head, letter) = text.split_at(10);
        let mut digits: Vec<u32> = text[3..9].chars().map(|c| c.to_digit(10).unwrap()).collect();
        let with = |prefix: &str, d: &[u32], letter: &str| format!("{prefix}-{}-{letter}", digits_text(d));
        if wrong.to_string() != letter {
            let m = field_error(Number::parse("number", &format!("{head}{wrong}")), "number")?;
            prop_assert!(m.contains("check letter"), "{}", m);
        }
        let mut typo = digits.clone();
        typo[at] = (typo[at] + delta) % 10;
        let m = field_error(Number::parse("number", &with(n.kind.prefix(), &typo, letter)), "number")?;
        prop_assert!(m.contains("check letter") || typo.iter().all(|d| *d == 0), "{}", m);
        let at = at.min(4);
        if digits[at] != digits[at + 1] {
            digits.swap(at, at + 1);
            let m = field_error(Number::parse("number", &with(n.kind.prefix(), &digits, letter)), "number")?;
            prop_assert!(m.contains("check letter"), "{}", m);
            digits.swap(at, at + 1);
        }
        if other != n.kind {
            let m = field_error(Number::parse("number", &with(other.prefix(), &digits, letter)), "number")?;
            prop_assert!(m.contains("check letter"), "{}", m);
        }
    }

    /// Unknown prefixes, the serial 000000, and wrong lengths are refused with what to type.
    #[test]
    fn malformed_passport_numbers_are_refused(a in one_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), b in one_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), n in passport(), cut in 1usize..11, k in kind(), letter in select(ALPHABET.to_vec())) {
        let prefix = format!("{a}{b}");
        let text = n.to_string();
        if Kind::ALL.iter().all(|k| k.prefix() != prefix) {
            let m = field_error(Number::parse("number", &format!("{prefix}{}", &text[2..])), "number")?;
            prop_assert!(m.contains("CP, HP, WP or YC"), "{}", m);
        }
        let m = field_error(Number::parse("number", &format!("{}-000000-{}", k.prefix(), letter as char)), "number")?;
        prop_assert!(m.contains("000000"), "{}", m);
        field_error(Number::parse("number", &text[..cut]), "number")?;
        field_error(Number::parse("number", &format!("{text}{}", &text[..cut])), "number")?;
    }

    /// Any text: no panic; errors name the field; what is found is printed somewhere in the text.
    #[test]
    fn any_text_as_a_passport_number(text in awkward()) {
        match Number::parse("number", &text) {
            Ok(n) => prop_assert_eq!(number::find("number", &text).ok(), Some(n)),
            Err(e) => {
                field_error::<()>(Err(e), "number")?;
            }
        }
        match number::find("text", &text) {
            Ok(n) => {
                let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
                let want = n.to_string().replace('-', "");
                prop_assert!(compact.contains(&want), "{} in {:?}", n, text);
            }
            Err(e) => {
                field_error::<()>(Err(e), "text")?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A carer's details, checked as a whole: each field's problem is reported on that field.

/// One field's typed value and what checking it should give: `Ok(stored value)` or `Err(())`.
type FieldCase = (Option<String>, Result<Option<String>, ()>);

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Amy", "Siobhan", "Zoë", "Mary Ann", "Jean-Luc", "Oluwaseun", "Priya", "Ægir", "Łucja", "Mohammed", "Nguyễn",
    "Anne-Marie", "Chloé", "Bob", "Li", "Şebnem",
];
#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "O'Brien", "Smith-Jones", "Adeyemi", "de la Cruz", "MacDonald", "Ng", "Kowalczyk", "D'Souza", "Ó Súilleabháin",
    "Müller", "Van der Berg", "Okafor", "Ali", "ffrench", "Smith",
];

fn dob_case() -> impl Strategy<Value = FieldCase> {
    let today = today();
    prop_oneof![
        // A real date of birth up to 119 years ago: a carer is at least 5.
        (0u64..=43_400, any::<u64>()).prop_map(move |(days, style)| {
            let d = today - chrono::Days::new(days);
            let old_enough = dates::age_on(d, today).is_some_and(|a| a >= carers_desk::carers::MIN_AGE);
            let want = if old_enough { Ok(Some(dates::iso(d))) } else { Err(()) };
            (Some(typed_date(d.year(), d.month(), d.day(), style)), want)
        }),
        // Not on the calendar.
        (
            1950i32..=2020,
            select(
                &[(2u32, 30u32), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 1), (0, 5), (5, 0), (1, 32)][..]
            ),
            any::<u64>(),
        )
            .prop_map(|(y, (m, d), style)| (Some(typed_date(y, m, d, style)), Err(()))),
        // 29 February in a common year.
        (1950i32..=2020, any::<u64>()).prop_map(|(y, style)| {
            let common = if leap(y) { y + 1 } else { y };
            (Some(typed_date(common, 2, 29, style)), Err(()))
        }),
        // In the future.
        (1u64..=4000, any::<u64>()).prop_map(move |(days, style)| {
            let d = today + chrono::Days::new(days);
            (Some(typed_date(d.year(), d.month(), d.day(), style)), Err(()))
        }),
        // Blank: the date of birth is required.
        select(&["", "  "][..]).prop_map(|t| (Some(t.to_string()), Err(()))),
        Just((None, Err(()))),
    ]
}

fn postcode_case() -> impl Strategy<Value = FieldCase> {
    prop_oneof![
        // As typed into a box that holds 10 characters: any case, one space or none.
        (postcode(), prop::collection::vec(any::<bool>(), 7), any::<bool>(), select(SPACES)).prop_map(
            |(p, upper, space, around)| {
                let typed = if space { p.clone() } else { p.replace(' ', "") };
                (Some(format!("{around}{}{around}", flip_case(&typed, &upper))), Ok(Some(p)))
            }
        ),
        (outward(), digit(), one_of("CIKMOV")).prop_map(|(o, d, bad)| (Some(format!("{o} {d}{bad}A")), Err(()))),
        (select(&["9A", "99", "A", "AAA9", "A9AA", "9A9", "AAAA"][..]), inward())
            .prop_map(|(o, i)| (Some(format!("{o} {i}")), Err(()))),
        select(&["SW1A", "12345", "SW1A 1AA 1", "ŚW1A 1AA", "SW1A-1AA"][..])
            .prop_map(|t| (Some(t.to_string()), Err(()))),
        select(&["", " "][..]).prop_map(|t| (Some(t.to_string()), Ok(None))),
        Just((None, Ok(None))),
    ]
}

fn nhs_case() -> impl Strategy<Value = FieldCase> {
    prop_oneof![
        (nhs_digits(), any::<u64>()).prop_map(|(d, style)| (Some(typed_digits(&d, style)), Ok(Some(nhs_normal(&d))))),
        (nhs_digits(), 0usize..10, 1u32..10).prop_map(|(mut d, at, delta)| {
            d[at] = (d[at] + delta) % 10;
            (Some(digits_text(&d)), Err(()))
        }),
        Just((Some("  ".to_string()), Ok(None))),
        Just((None, Ok(None))),
    ]
}

fn phone_case() -> impl Strategy<Value = FieldCase> {
    prop_oneof![
        // Up to 12 digits, so that with brackets and spaces it fits the 40 characters of the box.
        (prop::collection::vec(0u32..10, 10..=12), any::<u64>()).prop_map(|(d, style)| {
            let t = phone_text(&d, style);
            (Some(t.clone()), Ok(Some(t)))
        }),
        (prop::collection::vec(0u32..10, 1..10), any::<u64>())
            .prop_map(|(d, style)| (Some(phone_text(&d, style)), Err(()))),
        Just((None, Ok(None))),
    ]
}

fn email_case() -> impl Strategy<Value = FieldCase> {
    prop_oneof![
        email_text().prop_map(|e| (Some(e.clone()), Ok(Some(e)))),
        email_text().prop_map(|e| (Some(e.replace('@', " at ")), Err(()))),
        Just((None, Ok(None))),
    ]
}

proptest! {
    #![proptest_config(config(CASES))]

    /// A carer's details with any mix of good and bad dates, postcodes, NHS numbers, phone numbers
    /// and emails: the good ones are stored normalised, and every bad one (and only those) is
    /// reported on its own field.
    #[test]
    fn carer_details_report_each_bad_field(
        first in select(FIRST_NAMES),
        last in select(LAST_NAMES),
        dob in dob_case(),
        postcode in postcode_case(),
        nhs in nhs_case(),
        phone in phone_case(),
        email in email_case(),
    ) {
        let input = CarerInput {
            first_name: Some(first.to_string()),
            last_name: Some(format!(" {last} ")),
            date_of_birth: dob.0.clone(),
            postcode: postcode.0.clone(),
            nhs_number: nhs.0.clone(),
            phone: phone.0.clone(),
            email: email.0.clone(),
            ..CarerInput::default()
        };
        let want_errors: BTreeSet<&str> = [("date_of_birth", &dob), ("postcode", &postcode), ("nhs_number", &nhs), ("phone", &phone), ("email", &email)]
            .iter()
            .filter(|(_, case)| case.1.is_err())
            .map(|(f, _)| *f)
            .collect();
        match carers::check(&input, today()) {
            Ok(out) => {
                prop_assert!(want_errors.is_empty(), "accepted {:?}; expected errors on {:?}", input, want_errors);
                prop_assert_eq!(out.first_name.as_deref(), Some(first));
                prop_assert_eq!(out.last_name.as_deref(), Some(last));
                prop_assert_eq!(&out.date_of_birth, dob.1.as_ref().unwrap());
                prop_assert_eq!(&out.postcode, postcode.1.as_ref().unwrap());
                prop_assert_eq!(&out.nhs_number, nhs.1.as_ref().unwrap());
                prop_assert_eq!(out.phone.as_deref(), phone.1.as_ref().unwrap().as_deref().map(str::trim));
                prop_assert_eq!(&out.email, email.1.as_ref().unwrap());
                // What was stored is accepted again unchanged.
                prop_assert_eq!(carers::check(&out, today()).ok(), Some(out));
            }
            Err(e) => {
                let e = ApiError::from(e);
                let got: BTreeSet<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
                prop_assert_eq!(&got, &want_errors, "{:?} gave {:?}", input, e);
                for f in &e.errors {
                    lower_case_message(&f.message)?;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Search text.

/// Splits an FTS5 query made by `fts_query` into its terms, checking each is a quoted prefix
/// term with nothing inside that FTS5 could read as syntax.
fn terms(query: &str) -> Result<Vec<&str>, TestCaseError> {
    let mut out = Vec::new();
    for term in query.split(' ') {
        let inner = term.strip_prefix('"').and_then(|t| t.strip_suffix("\"*"));
        prop_assert!(inner.is_some(), "term {:?} of {:?}", term, query);
        let inner = inner.unwrap();
        prop_assert!(!inner.is_empty(), "empty term in {:?}", query);
        prop_assert!(
            !inner.contains('"') && !inner.chars().any(|c| c.is_whitespace() || c.is_control()),
            "{:?}",
            query
        );
        out.push(inner);
    }
    Ok(out)
}

/// Words people type, including accented and non-Latin letters.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        word_of(LETTERS, LETTERS, 10),
        prop::collection::vec(select(&["é", "ë", "ø", "ł", "ñ", "ж", "λ", "中", "ß", "a", "b", "Ö"][..]), 1..5)
            .prop_map(|v| v.concat()),
    ]
}

/// What separates words: spaces and punctuation (never letters or digits).
const WORD_SEPARATORS: &[&str] =
    &[" ", "  ", "'", "-", ", ", ".", "\"", "*", "(", ")", ":", "^", " - ", "\t", "\u{a0}", "😀", "\0"];

proptest! {
    #![proptest_config(config(CASES))]

    /// For any text at all, `fts_query` gives nothing (no letters or digits typed) or only
    /// quoted prefix terms, so what is typed can never be read as FTS5 syntax.
    #[test]
    fn any_text_becomes_quoted_prefix_terms(text in awkward()) {
        match fts_query(&text) {
            None => prop_assert!(!text.chars().any(char::is_alphanumeric), "{:?}", text),
            Some(q) => {
                prop_assert!(text.chars().any(char::is_alphanumeric), "{:?}", text);
                terms(&q)?;
            }
        }
    }

    /// Words separated by spaces or punctuation become one lower-case prefix term each, in order.
    #[test]
    fn typed_words_become_one_term_each(words in prop::collection::vec((word(), select(WORD_SEPARATORS)), 1..6), lead in select(WORD_SEPARATORS)) {
        let mut text = lead.to_string();
        for (w, sep) in &words {
            text.push_str(w);
            text.push_str(sep);
        }
        let q = fts_query(&text).unwrap();
        let want: Vec<String> = words.iter().map(|(w, _)| w.to_lowercase()).collect();
        prop_assert_eq!(terms(&q)?, want.iter().map(String::as_str).collect::<Vec<_>>(), "{:?}", text);
    }

    /// The start of a reference (`C-000123`, `c000`, `c-0001 23`) or of a postcode (`RM10 7`,
    /// `sw1a 1a`) becomes one prefix term on its compact form, which the index also holds.
    #[test]
    fn references_and_postcodes_become_one_compact_term(
        serial in 0u32..=999_999,
        keep in 1usize..=6,
        upper in prop::collection::vec(any::<bool>(), 9),
        gaps in prop::collection::vec(select(&["", "", "-", " ", "  ", " - "][..]), 8),
        (out, inward, inward_keep) in (outward(), inward(), 1usize..=3),
        space in select(&[" ", "  ", "\t", " \u{a0}"][..]),
    ) {
        let digits = format!("{serial:06}");
        let digits = &digits[..keep];
        let mut typed = flip_case("c", &upper);
        for (i, d) in digits.chars().enumerate() {
            typed.push_str(gaps[i]);
            typed.push(d);
        }
        typed = format!("{}{typed}{}", gaps[6], gaps[7]);
        prop_assert_eq!(fts_query(&typed), Some(format!("\"c{digits}\"*")), "{:?}", typed);

        let start = &inward[..inward_keep];
        let typed = format!("{}{space}{}", flip_case(&out, &upper), flip_case(start, &upper[4..]));
        let want = format!("\"{}{}\"*", out.to_lowercase(), start.to_lowercase());
        prop_assert_eq!(fts_query(&typed), Some(want), "{:?}", typed);
    }
}

/// Every query `fts_query` makes, for any text, runs against the real `carer_search` index
/// (the migrations' table, tokenizer and prefix indexes) without an error.
#[test]
fn fts_queries_run_in_the_real_index() {
    let conn = carers_desk::db::open_in_memory().unwrap();
    for (id, terms) in [
        (1, "Siobhan O'Brien  SiobhanOBrien C-000001 C000001 1 RM8 2AB RM82AB"),
        (2, "Zoë Adeyemi  ZoëAdeyemi C-000002 C000002 2 N12 0DR N120DR"),
        (3, "प्रिया Şahin  प्रियाŞahin C-000003 C000003 3 E1 6AN E16AN"),
    ] {
        conn.execute("INSERT INTO carer_search (rowid, terms) VALUES (?1, ?2)", rusqlite::params![id, terms]).unwrap();
    }
    let mut runner = TestRunner::new(config(INDEX_CASES));
    let result = runner.run(&awkward(), |text| {
        if let Some(q) = fts_query(&text) {
            let mut stmt =
                conn.prepare_cached("SELECT count(*) FROM carer_search WHERE carer_search MATCH ?1").unwrap();
            let n = stmt.query_row([&q], |r| r.get::<_, i64>(0));
            prop_assert!(n.is_ok(), "{:?} → {:?}: {:?}", text, q, n);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// The real search, through the command layer.

fn demo_desk() -> Desk {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 150, "seed": 7}));
    d
}

fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Outcome) {
    let mut runner = TestRunner::new(config(cases));
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

/// For any text typed into the search box, with any filters, `carer_search` answers: never an
/// SQL or FTS5 error. (DB_CASES cases: each runs the real query on 150 demo carers.)
#[test]
fn carer_search_answers_any_text() {
    let d = demo_desk();
    let filters = (
        prop::option::of(select(&["open", "closed", "all", ""][..])),
        prop::option::of(select(&["young_carer", "young_adult_carer", "adult_carer"][..])),
        prop::option::of(prop_oneof![1u32..=600, Just(0u32), Just(u32::MAX)]),
    );
    run(DB_CASES, (awkward(), filters), |(query, (status, category, limit))| {
        let mut args = json!({ "query": query });
        if let Some(s) = status {
            args["status"] = json!(s);
        }
        if let Some(c) = category {
            args["category"] = json!(c);
        }
        if let Some(l) = limit {
            args["limit"] = json!(l);
        }
        let got = d.call(&ctx(), "carer_search", args.clone());
        prop_assert!(got.is_ok(), "{} → {:?}", args, got);
        let got = got.unwrap();
        let results = got["results"].as_array().unwrap();
        let cap = limit.unwrap_or(50).clamp(1, 500) as usize;
        prop_assert!(results.len() <= cap);
        prop_assert!(got["total"].as_i64().unwrap() >= results.len() as i64);
        for r in results {
            if let Some(c) = category {
                prop_assert_eq!(r["category"].as_str(), Some(c));
            }
            match status.unwrap_or("open") {
                "all" => {}
                "" => prop_assert_eq!(r["status"].as_str(), Some("open")),
                s => prop_assert_eq!(r["status"].as_str(), Some(s)),
            }
        }
        lower_case_message(got["summary"].as_str().unwrap())
    });
}

/// Filters that are not on the lists are refused on their own field, whatever the query.
#[test]
fn carer_search_names_bad_filters() {
    let d = demo_desk();
    run(DB_CASES, (awkward(), awkward(), any::<bool>()), |(query, filter, as_status)| {
        let field = if as_status { "status" } else { "category" };
        let known: &[&str] = if as_status {
            &["", "open", "closed", "all"]
        } else {
            &["", "young_carer", "young_adult_carer", "adult_carer"]
        };
        let args = json!({ "query": query, field: filter });
        match d.call(&ctx(), "carer_search", args.clone()) {
            Ok(_) => prop_assert!(known.contains(&filter.trim()), "{} accepted", args),
            Err(e) => {
                prop_assert!(!known.contains(&filter.trim()), "{} → {:?}", args, e);
                prop_assert_eq!(&e.code, "validation");
                prop_assert_eq!(e.field.as_deref(), Some(field));
            }
        }
        Ok(())
    });
}

/// A carer is found by the starts of their names in any case, by their reference, postcode or
/// date of birth however typed.
#[test]
fn carer_search_finds_a_carer_however_typed() {
    let d = demo_desk();
    let all = call(&d, "carer_search", json!({"status": "all", "limit": 500}));
    assert_eq!(all["more"], false);
    let carers: Vec<Value> = all["results"].as_array().unwrap().clone();
    assert!(carers.len() >= 100, "{}", carers.len());
    let pick = any::<prop::sample::Index>();
    let how = (0u8..6, prop::collection::vec(any::<bool>(), 12), 1usize..12, 1usize..12, select(WORD_SEPARATORS));
    run(DB_CASES, (pick, how), |(pick, (how, upper, a, b, sep))| {
        let c = &carers[pick.index(carers.len())];
        let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
        let start = |t: &str, n: usize| t.chars().take(n).collect::<String>();
        let reference = s("reference");
        let query = match how {
            0 => format!(
                "{}{sep}{}",
                flip_case(&start(&s("first_name"), a), &upper),
                flip_case(&start(&s("last_name"), b), &upper[3..])
            ),
            1 => format!("{} {}", start(&s("last_name"), b), start(&s("first_name"), a)).to_lowercase(),
            2 => flip_case(&if upper[0] { reference.clone() } else { reference.replace('-', "") }, &upper[1..]),
            3 => reference.trim_start_matches("C-").trim_start_matches('0').to_string(),
            4 => match s("postcode") {
                p if p.is_empty() => s("last_name"),
                p if upper[0] => flip_case(&p.replace(' ', ""), &upper[1..]),
                p => {
                    let (out, inward) = p.split_once(' ').unwrap();
                    format!("{} {}", flip_case(out, &upper[1..]), start(inward, a.min(3)))
                }
            },
            _ => {
                let dob = NaiveDate::parse_from_str(&s("date_of_birth"), "%Y-%m-%d").unwrap();
                match a % 3 {
                    0 => dates::uk(dob),
                    1 => format!("{}-{}-{}", dob.day(), dob.month(), dob.year()),
                    _ => dates::iso(dob),
                }
            }
        };
        let got = d.call(&ctx(), "carer_search", json!({"query": query, "status": "all", "limit": 500}));
        prop_assert!(got.is_ok(), "{:?} → {:?}", query, got);
        let got = got.unwrap();
        prop_assert_eq!(&got["more"], false);
        let found = got["results"].as_array().unwrap().iter().any(|r| r["id"] == c["id"]);
        prop_assert!(found, "{} {} ({}) not found by {:?}", s("first_name"), s("last_name"), reference, query);
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// The shipped definitions (support catalogue, assessment forms, questionnaires): a damaged file
// is refused with an error saying where, never a panic.

const SHIPPED_JSON: &[(&str, &str)] = &[
    ("catalogue", include_str!("../src-tauri/core/support_catalogue.json")),
    ("form", include_str!("../src-tauri/core/assessment_forms/adult.json")),
    ("form", include_str!("../src-tauri/core/assessment_forms/young_carer.json")),
    ("form", include_str!("../src-tauri/core/assessment_forms/parent_carer.json")),
    ("form", include_str!("../src-tauri/core/assessment_forms/transition.json")),
    ("instrument", include_str!("../src-tauri/core/instruments/maca-yc18.json")),
    ("instrument", include_str!("../src-tauri/core/instruments/panoc-yc20.json")),
];

fn parse_shipped(what: &str, json: &str) -> carers_desk::error::Result<()> {
    match what {
        "catalogue" => carers_desk::catalogue::parse(json).map(drop),
        "form" => carers_desk::assessments::forms::parse(json).map(drop),
        _ => carers_desk::instruments::parse(json).map(drop),
    }
}

/// A shipped file with a piece cut out, repeated, or replaced with awkward text.
fn damaged_json() -> impl Strategy<Value = (&'static str, String)> {
    (0..SHIPPED_JSON.len(), any::<prop::sample::Index>(), 0usize..40, 0u8..3, awkward()).prop_map(
        |(file, at, len, how, junk)| {
            let (what, text) = SHIPPED_JSON[file];
            let chars: Vec<char> = text.chars().collect();
            let at = at.index(chars.len());
            let end = (at + len).min(chars.len());
            let (head, cut, tail): (String, String, String) =
                (chars[..at].iter().collect(), chars[at..end].iter().collect(), chars[end..].iter().collect());
            let damaged = match how {
                0 => format!("{head}{tail}"),
                1 => format!("{head}{cut}{cut}{tail}"),
                _ => format!("{head}{junk}{tail}"),
            };
            (what, damaged)
        },
    )
}

/// The shipped files themselves are accepted.
#[test]
fn shipped_definitions_are_accepted() {
    for (what, json) in SHIPPED_JSON {
        parse_shipped(what, json).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    }
}

proptest! {
    #![proptest_config(config(JSON_CASES))]

    /// Damaged definitions: no panic; a refusal says what to do.
    #[test]
    fn damaged_definitions_are_refused_cleanly((what, json) in damaged_json()) {
        if let Err(e) = parse_shipped(what, &json) {
            let e = ApiError::from(e);
            prop_assert!(e.code == "invalid_arguments" || e.code == "validation", "{:?}", e);
            prop_assert!(!e.message.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(config(CASES))]

    /// Any text at all as a definition: no panic, never accepted.
    #[test]
    fn any_text_as_a_definition(text in awkward(), which in 0..SHIPPED_JSON.len()) {
        prop_assert!(parse_shipped(SHIPPED_JSON[which].0, &text).is_err());
    }
}
