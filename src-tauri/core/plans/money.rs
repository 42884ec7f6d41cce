//! Money: amounts typed in pounds read into pence, and pence printed the UK way.

use super::args::MoneyInput;
use crate::error::{Error, Result};
use crate::validate::{self};

/// Reads an amount of money in pounds into pence: `120`, `120.5`, `"£1,250.50"`. Negative,
/// more than two decimal places or not a number: an error naming `field`.
pub fn parse_money(field: &str, label: &str, value: &MoneyInput) -> Result<Option<i64>> {
    let bad = || {
        Error::field(
            field,
            format!("enter the {} in pounds, £0 or more, for example 120.50", validate::lower_first(label)),
        )
    };
    let text = match value {
        MoneyInput::Number(n) if n.is_finite() => format!("{n}"),
        MoneyInput::Number(_) => return Err(bad()),
        MoneyInput::Text(t) => t.trim().replace(['£', ',', ' '], ""),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let (pounds, pence) = match text.split_once('.') {
        Some((p, d)) if (1..=2).contains(&d.len()) => (p, if d.len() == 1 { format!("{d}0") } else { d.to_string() }),
        Some(_) => return Err(bad()),
        None => (text.as_str(), "00".to_string()),
    };
    if pounds.is_empty() || !pounds.bytes().all(|b| b.is_ascii_digit()) || !pence.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let pounds: i64 = pounds.parse().map_err(|_| bad())?;
    if pounds > 10_000_000 {
        return Err(Error::field(
            field,
            format!("check the {}: it is more than £10,000,000", validate::lower_first(label)),
        ));
    }
    Ok(Some(pounds * 100 + pence.parse::<i64>().map_err(|_| bad())?))
}

/// Pence as pounds for the window: `125050` → `"1250.50"`.
pub fn pounds(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

/// Pence as people read it: `125050` → `"£1,250.50"`.
pub fn money_uk(pence: i64) -> String {
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("£{grouped}.{:02}", pence % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_people_type_it() {
        let t = |s: &str| parse_money("f", "Amount", &MoneyInput::Text(s.to_string()));
        for (typed, pence) in [("120", 12000), ("£1,250.50", 125050), ("0.5", 50), ("0", 0), (" 7.05 ", 705)] {
            assert_eq!(t(typed).unwrap(), Some(pence), "{typed}");
        }
        assert_eq!(t("").unwrap(), None);
        for bad in ["-5", "12.345", "ten", "1.2.3", "£-3", ".5"] {
            let e = crate::ApiError::from(t(bad).unwrap_err());
            assert_eq!(e.field.as_deref(), Some("f"), "{bad}");
            assert!(e.message.starts_with("enter the amount in pounds, £0 or more"), "{bad}: {}", e.message);
        }
        assert!(parse_money("f", "Amount", &MoneyInput::Number(-1.0)).unwrap_err().to_string().contains("£0 or more"));
        assert_eq!(parse_money("f", "Amount", &MoneyInput::Number(99.99)).unwrap(), Some(9999));
    }

    #[test]
    fn money_prints_the_uk_way() {
        for (pence, shown) in [(0, "£0.00"), (5, "£0.05"), (125050, "£1,250.50"), (100000000, "£1,000,000.00")] {
            assert_eq!(money_uk(pence), shown);
        }
        assert_eq!(pounds(125050), "1250.50");
    }
}
