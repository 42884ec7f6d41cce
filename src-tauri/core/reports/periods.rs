//! The report's quick picks: this quarter, last quarter, financial year to date, last financial
//! year. Quarters are financial quarters (April to June, July to September, October to
//! December, January to March); the financial year starts on 1 April. Worked out from
//! `ctx.today()`.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::args::NoArgs;
use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Period {
    pub key: &'static str,
    pub label: String,
    pub from: String,
    pub to: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// The first day of the calendar quarter `today` is in (financial quarters line up with
/// calendar quarters: Apr, Jul, Oct, Jan).
fn quarter_start(today: NaiveDate) -> NaiveDate {
    date(today.year(), (today.month() - 1) / 3 * 3 + 1, 1)
}

fn quarter_end(start: NaiveDate) -> NaiveDate {
    crate::dates::add_months(start, 3).pred_opt().expect("a day before")
}

/// 1 April of the financial year `today` is in.
fn year_start(today: NaiveDate) -> NaiveDate {
    let y = if today.month() >= 4 { today.year() } else { today.year() - 1 };
    date(y, 4, 1)
}

/// "1 Oct – 31 Dec 2026", or "1 Apr 2025 – 31 Mar 2026" across years.
pub fn range_label(from: NaiveDate, to: NaiveDate) -> String {
    if from.year() == to.year() {
        format!("{} – {}", from.format("%-d %b"), to.format("%-d %b %Y"))
    } else {
        format!("{} – {}", from.format("%-d %b %Y"), to.format("%-d %b %Y"))
    }
}

/// The quick picks for `today`.
pub fn for_day(today: NaiveDate) -> Vec<Period> {
    let this_q = quarter_start(today);
    let last_q = this_q.checked_sub_months(chrono::Months::new(3)).expect("a quarter before");
    let fy = year_start(today);
    let last_fy = fy.with_year(fy.year() - 1).expect("1 April");
    let make = |key, name: &str, from: NaiveDate, to: NaiveDate| Period {
        key,
        label: format!("{name} ({})", range_label(from, to)),
        from: crate::dates::iso(from),
        to: crate::dates::iso(to),
    };
    vec![
        make("this_quarter", "This quarter", this_q, quarter_end(this_q)),
        make("last_quarter", "Last quarter", last_q, quarter_end(last_q)),
        make("financial_year_to_date", "Financial year to date", fy, today),
        make("last_financial_year", "Last financial year", last_fy, fy.pred_opt().expect("31 March")),
    ]
}

/// `report_periods`.
pub fn periods(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Vec<Period>> {
    Ok(for_day(ctx.today()))
}
