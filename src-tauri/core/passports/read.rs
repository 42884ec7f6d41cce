//! Reading: one passport, a carer's passports, looking a number up, the expiring list and the
//! home counts.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::issue::holder;
use super::number;
use super::record::{load, select, Passport};
use super::EXPIRING_DAYS;
use crate::args::{CarerArgs, IdArgs};
use crate::context::{Ctx, Touched};
use crate::dates::{self};
use crate::error::{Error, Result};

/// `passport_get`.
pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Passport> {
    let p = load(ctx.tx, args.id, ctx.today())?;
    ctx.touch(Touched::ViewedCarer(p.carer_id));
    Ok(p)
}

/// `passport_list`: a carer's passports, newest first.
pub fn list(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<Vec<Passport>> {
    holder(ctx.tx, args.carer_id)?;
    select(ctx.tx, "p.carer_id = ?1", "p.issued_on DESC, p.id DESC", &[&args.carer_id], ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupArgs {
    /// A passport number as typed, or the whole text of a card's QR code.
    pub text: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Lookup {
    pub found: bool,
    /// The number read from the text.
    pub number: Option<String>,
    /// The answer in a sentence: whose it is and whether it is valid today.
    pub message: String,
    pub passport: Option<Passport>,
}

/// `passport_lookup`: whose passport a number is, and whether it is valid today.
pub fn lookup(ctx: &mut Ctx<'_>, args: LookupArgs) -> Result<Lookup> {
    if args.text.trim().is_empty() {
        return Err(Error::field(
            "text",
            "type a passport number, for example CP-004217-K, or paste the QR code's text",
        ));
    }
    let number = number::find("text", &args.text)?.to_string();
    let found = select(ctx.tx, "p.number = ?1", "p.id", &[&number], ctx.today())?.pop();
    let Some(p) = found else {
        return Ok(Lookup {
            found: false,
            message: format!("no passport has the number {number}: check it with the holder"),
            number: Some(number),
            passport: None,
        });
    };
    let uk = |iso: &str| dates::uk_text(iso);
    let message = match p.status.as_str() {
        "active" if p.carer_closed => {
            format!("not valid: {} belongs to {}, whose record with the service is closed", p.kind_label, p.holder_name)
        }
        "active" => {
            format!("valid today: {} belongs to {}, valid until {}", p.kind_label, p.holder_name, uk(&p.valid_until))
        }
        "expired" => format!("not valid: this {} expired on {}", p.kind_label.to_lowercase(), uk(&p.valid_until)),
        "revoked" => format!(
            "not valid: revoked on {} ({})",
            uk(p.revoked_on.as_deref().unwrap_or_default()),
            p.revoked_reason.as_deref().unwrap_or_default()
        ),
        _ => format!(
            "not valid: replaced by {}",
            p.replaced_by.as_ref().map(|l| l.number.as_str()).unwrap_or("a newer card")
        ),
    };
    ctx.touch(Touched::ViewedCarer(p.carer_id));
    Ok(Lookup { found: true, number: Some(number), message, passport: Some(p) })
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExpiringArgs {
    /// How many days ahead (1 to 365; default 30).
    pub days: Option<u32>,
}

/// `passports_expiring`: active passports whose valid-until date is within `days`, soonest
/// first.
pub fn expiring(ctx: &mut Ctx<'_>, args: ExpiringArgs) -> Result<Vec<Passport>> {
    let days = args.days.unwrap_or(EXPIRING_DAYS);
    if !(1..=365).contains(&days) {
        return Err(Error::field("days", "choose from 1 to 365 days ahead"));
    }
    let today = ctx.today();
    let (from, to) = (dates::iso(today), dates::iso(today + chrono::Days::new(days.into())));
    select(
        ctx.tx,
        "p.status = 'active' AND p.valid_until BETWEEN ?1 AND ?2 AND c.status = 'open'",
        "p.valid_until, p.id",
        &[&from, &to],
        today,
    )
}

/// The home screen's passport counts.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HomePassports {
    /// Active and in date, held by carers whose record is open.
    pub active: i64,
    /// Of those, expiring in the next 30 days.
    pub expiring_soon: i64,
}

/// Counted from the partial index of active passports' dates (with the holder) and the closed
/// records, without reading a passport's row.
pub fn home_counts(conn: &Connection, today: NaiveDate) -> Result<HomePassports> {
    let (from, to) = (dates::iso(today), dates::iso(today + chrono::Days::new(EXPIRING_DAYS.into())));
    Ok(conn
        .prepare_cached(&home_counts_sql())?
        .query_row([from, to], |r| Ok(HomePassports { active: r.get(0)?, expiring_soon: r.get(1)? }))?)
}

fn home_counts_sql() -> String {
    format!(
        "SELECT count(*), count(*) FILTER (WHERE p.valid_until <= ?2)
         FROM passports p INDEXED BY passports_active_by_expiry
         WHERE p.status = 'active' AND p.valid_until >= ?1 AND p.carer_id NOT IN ({})",
        crate::carers::CLOSED_IDS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_counts_read_indexes_only() {
        let conn = crate::db::open_in_memory().unwrap();
        let plan = crate::db::query_plan(&conn, &home_counts_sql(), &["2026-11-23", "2026-12-23"]);
        assert!(crate::db::reads_indexes_only(&plan), "{plan:#?}");
    }
}
