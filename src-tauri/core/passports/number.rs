//! Passport numbers: `CP-004217-K`. A type prefix, six digits unique in the organisation, and a
//! check letter that catches every mistyped single digit, every swap of two adjacent digits and
//! a wrong prefix, so a number read off a card over the phone can be trusted or questioned.
//!
//! The check: each digit `dᵢ` (i = 1..6, left to right) is weighted by `wᵢ` and the prefix by
//! its own value `p`; the letter is `ALPHABET[(p·7 + Σ wᵢ·dᵢ) mod 23]`. Because 23 is prime,
//! larger than any difference of two digits, and every weight is non-zero with neighbours
//! different modulo 23:
//!
//! - changing one digit by δ (0 < |δ| ≤ 9) changes the sum by `wᵢ·δ`, never a multiple of 23;
//! - swapping neighbours `dᵢ ≠ dᵢ₊₁` changes it by `(wᵢ − wᵢ₊₁)(dᵢ₊₁ − dᵢ)`, never a multiple
//!   of 23.
//!
//! The alphabet leaves out I, O and U (read as 1, 0 and V).

use std::fmt;

use crate::error::{Error, Result};

/// The check letters, by remainder modulo 23.
pub const ALPHABET: &[u8; 23] = b"ABCDEFGHJKLMNPQRSTVWXYZ";
/// The digit weights, left to right.
const WEIGHTS: [u32; 6] = [2, 3, 5, 7, 11, 13];
/// The largest serial number.
pub const MAX_SERIAL: u32 = 999_999;

/// The kinds of passport, each with its number prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Carer passport (community).
    Community,
    Hospital,
    Workplace,
    YoungCarer,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Community, Kind::Hospital, Kind::Workplace, Kind::YoungCarer];

    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Community => "CP",
            Kind::Hospital => "HP",
            Kind::Workplace => "WP",
            Kind::YoungCarer => "YC",
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Community => "community",
            Kind::Hospital => "hospital",
            Kind::Workplace => "workplace",
            Kind::YoungCarer => "young_carer",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Community => "Carer passport",
            Kind::Hospital => "Hospital carer passport",
            Kind::Workplace => "Workplace carers passport",
            Kind::YoungCarer => "Young carer card",
        }
    }

    /// The word printed large on the card.
    pub fn card_title(self) -> &'static str {
        match self {
            Kind::Community => "Carer",
            Kind::Hospital => "Hospital Carer",
            Kind::Workplace => "Working Carer",
            Kind::YoungCarer => "Young Carer",
        }
    }

    fn value(self) -> u32 {
        match self {
            Kind::Community => 1,
            Kind::Hospital => 2,
            Kind::Workplace => 3,
            Kind::YoungCarer => 4,
        }
    }

    fn from_prefix(p: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.prefix() == p)
    }
}

/// A passport number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    pub kind: Kind,
    pub serial: u32,
}

/// The check letter for a kind and six digits.
fn check(kind: Kind, digits: [u32; 6]) -> char {
    let sum = kind.value() * 7 + WEIGHTS.iter().zip(digits).map(|(w, d)| w * d).sum::<u32>();
    ALPHABET[(sum % 23) as usize] as char
}

fn digits(serial: u32) -> [u32; 6] {
    let mut out = [0; 6];
    let mut n = serial;
    for d in out.iter_mut().rev() {
        *d = n % 10;
        n /= 10;
    }
    out
}

impl Number {
    /// A number for `serial` (1 to 999,999).
    pub fn new(kind: Kind, serial: u32) -> Result<Number> {
        if serial == 0 || serial > MAX_SERIAL {
            return Err(Error::Conflict(format!(
                "passport numbers run from 1 to {MAX_SERIAL}: this organisation has used them all"
            )));
        }
        Ok(Number { kind, serial })
    }

    pub fn check_letter(self) -> char {
        check(self.kind, digits(self.serial))
    }

    /// Reads a number as typed or scanned: any case, spaces or hyphens anywhere, the check
    /// letter required. Says what is wrong, naming `field`.
    pub fn parse(field: &str, text: &str) -> Result<Number> {
        let compact: String =
            text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
        let bad = |why: &str| {
            Error::field(
                field,
                format!("{why}: a passport number looks like CP-004217-K (type, six digits, check letter)"),
            )
        };
        if compact.len() != 9 || !compact.is_ascii() {
            return Err(bad("that is not a passport number"));
        }
        let kind =
            Kind::from_prefix(&compact[..2]).ok_or_else(|| bad("the number must start with CP, HP, WP or YC"))?;
        let ds: Vec<u32> = compact[2..8]
            .chars()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("the middle part must be six digits"))?;
        let serial = ds.iter().fold(0, |n, d| n * 10 + d);
        let number = Number::new(kind, serial).map_err(|_| bad("there is no passport with the number 000000"))?;
        let given = compact.as_bytes()[8] as char;
        if given != number.check_letter() {
            return Err(Error::field(
                field,
                "the check letter does not match: a digit or the type was probably mistyped, so read the number again",
            ));
        }
        Ok(number)
    }
}

/// Finds a passport number in text: typed (any case, spaces or hyphens), or the whole text of a
/// card's QR code (the number among other words). A candidate with a wrong check letter is
/// reported as such rather than passed over.
pub fn find(field: &str, text: &str) -> Result<Number> {
    let whole = Number::parse(field, text);
    if whole.is_ok() {
        return whole;
    }
    let mut first_error = None;
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '/' | '(' | ')')) {
        let compact: String = token.chars().filter(|c| *c != '-').collect();
        let looks_like = compact.len() == 9
            && compact.chars().take(2).all(|c| c.is_ascii_alphabetic())
            && compact.chars().skip(2).take(6).all(|c| c.is_ascii_digit());
        if !looks_like {
            continue;
        }
        match Number::parse(field, token) {
            Ok(n) => return Ok(n),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| whole.expect_err("not ok")))
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:06}-{}", self.kind.prefix(), self.serial, self.check_letter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_number_in_typed_or_scanned_text() {
        let n = Number::new(Kind::Hospital, 31).unwrap();
        let text = n.to_string();
        let table = [
            text.clone(),
            text.to_lowercase(),
            text.replace('-', " "),
            format!("Hospital carer passport {text}\nCall 020 7946 0018"),
            format!("({text})."),
        ];
        for t in table {
            assert_eq!(find("text", &t).unwrap(), n, "{t:?}");
        }
        // A mistyped digit inside longer text is reported, not silently ignored.
        let wrong = format!("passport {}", text.replace("000031", "000032"));
        let e = find("text", &wrong).unwrap_err().to_string();
        assert!(e.contains("check letter"), "{e}");
        assert!(find("text", "call 020 7946 0018").is_err());
    }

    #[test]
    fn formats_and_reads_back() {
        let n = Number::new(Kind::Community, 4217).unwrap();
        let text = n.to_string();
        assert!(text.starts_with("CP-004217-"), "{text}");
        assert_eq!(Number::parse("number", &text).unwrap(), n);
        assert_eq!(Number::parse("number", &text.to_lowercase().replace('-', " ")).unwrap(), n);
        for bad in ["", "CP-004217", "XX-004217-A", "CP-0042A7-A", "CP-000000-A", "CP-0004217-A"] {
            let e = Number::parse("number", bad).unwrap_err();
            assert!(e.to_string().contains("passport number") || e.to_string().contains("check"), "{bad}: {e}");
        }
    }

    /// Every serial's every single-digit error and every adjacent swap of different digits is
    /// caught, for every kind, as is a wrong kind: exhaustive over a spread of serials.
    #[test]
    fn every_single_digit_error_and_adjacent_swap_is_caught() {
        let serials = (1..=MAX_SERIAL).step_by(997).chain([1, 10, 4217, 123_456, 909_090, MAX_SERIAL]);
        for serial in serials {
            for kind in Kind::ALL {
                let right = Number::new(kind, serial).unwrap();
                let letter = right.check_letter();
                let ds = digits(serial);
                for i in 0..6 {
                    for d in 0..10 {
                        if d == ds[i] {
                            continue;
                        }
                        let mut wrong = ds;
                        wrong[i] = d;
                        assert_ne!(check(kind, wrong), letter, "{right}: digit {i} as {d}");
                    }
                    if i < 5 && ds[i] != ds[i + 1] {
                        let mut swapped = ds;
                        swapped.swap(i, i + 1);
                        assert_ne!(check(kind, swapped), letter, "{right}: swap at {i}");
                    }
                }
                for other in Kind::ALL.into_iter().filter(|k| *k != kind) {
                    assert_ne!(check(other, ds), letter, "{right} read as {}", other.prefix());
                }
            }
        }
    }

    #[test]
    fn the_weights_make_the_guarantee() {
        // The argument in the module documentation, checked: weights non-zero, neighbours
        // different, modulo 23; the kinds' terms different modulo 23.
        for (i, w) in WEIGHTS.iter().enumerate() {
            assert_ne!(w % 23, 0);
            if i + 1 < WEIGHTS.len() {
                assert_ne!(w % 23, WEIGHTS[i + 1] % 23);
            }
        }
        let terms: std::collections::HashSet<u32> = Kind::ALL.iter().map(|k| k.value() * 7 % 23).collect();
        assert_eq!(terms.len(), Kind::ALL.len());
        assert!(!ALPHABET.iter().any(|c| matches!(c, b'I' | b'O' | b'U')));
    }
}
