//! `passport_issue` and `passport_update`: a new passport for a holder with an open record, and
//! changes to what an active one says.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

use super::asks::asks_for;
use super::details::{checked_details, with_details, Details, Stored};
use super::number::{Kind, Number};
use super::record::{event, kind_of, load, Can, Passport};
use super::ASKS_MAX;
use crate::carers::ADULT_AGE;
use crate::context::{Ctx, Touched};
use crate::dates::{self, add_months, anniversary};
use crate::error::{Error, Result};
use crate::settings::{self, Settings};
use crate::validate::{self, Check};

/// The holder, as issuing needs them.
pub(super) struct Holder {
    pub(super) name: String,
    pub(super) dob: Option<NaiveDate>,
    pub(super) closed: bool,
}

pub(super) fn holder(conn: &Connection, carer_id: i64) -> Result<Holder> {
    let carer = crate::carers::read(conn, carer_id).map_err(|e| match e {
        Error::NotFound { .. } => Error::NotFound { what: "carer" },
        e => e,
    })?;
    let d = &carer.details;
    Ok(Holder {
        name: crate::schools::display_name(
            d.first_name.as_deref().unwrap_or_default(),
            d.last_name.as_deref().unwrap_or_default(),
            d.preferred_name.as_deref(),
        ),
        dob: d.date_of_birth.as_deref().and_then(dates::from_iso),
        closed: carer.status == "closed",
    })
}

with_details! {
    pub struct IssueArgs {
        pub carer_id: i64,
        /// A passport type code (`passport_kinds`).
        pub kind: String,
        /// Default: today. Not in the future.
        #[serde(default)]
        pub issued_on: Option<String>,
        /// Default: the issue date plus `passport_months`; a young carer card: the 18th birthday.
        #[serde(default)]
        pub valid_until: Option<String>,
    }
}

/// The latest a passport of `kind` may run to, for a holder born on `dob`.
pub(super) fn latest_until(kind: Kind, dob: Option<NaiveDate>) -> Option<NaiveDate> {
    match kind {
        Kind::YoungCarer => dob.map(|d| anniversary(d, ADULT_AGE)),
        _ => None,
    }
}

/// The valid-until date when none is given.
pub(super) fn default_until(kind: Kind, from: NaiveDate, dob: Option<NaiveDate>, s: &Settings) -> NaiveDate {
    let by_months = add_months(from, s.passport_months);
    latest_until(kind, dob).unwrap_or(by_months)
}

/// Checks a valid-until date against the issue date, today and the 18th birthday.
pub(super) fn check_until(
    c: &mut Check,
    until: NaiveDate,
    issued: NaiveDate,
    today: NaiveDate,
    latest: Option<NaiveDate>,
) {
    if until < issued {
        c.fail(
            "valid_until",
            format!("the valid-until date must be on or after the issue date ({})", dates::uk(issued)),
        );
    } else if until < today {
        c.fail("valid_until", "the passport would already have expired: choose a date from today");
    }
    if let Some(max) = latest.filter(|max| until > *max) {
        c.fail(
            "valid_until",
            format!("a young carer card is valid until the 18th birthday ({}) at the latest", dates::uk(max)),
        );
    }
}

fn next_serial(conn: &Connection) -> Result<u32> {
    let max: i64 = conn.query_row("SELECT coalesce(max(serial), 0) FROM passports", [], |r| r.get(0))?;
    Ok(max as u32 + 1)
}

/// The active-or-expired passport of `kind` a carer holds, if any.
fn current_of_kind(conn: &Connection, carer_id: i64, kind: Kind) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT number FROM passports WHERE carer_id = ?1 AND kind = ?2 AND status = 'active'",
            params![carer_id, kind.code()],
            |r| r.get(0),
        )
        .optional()?)
}

/// For a young carer card: what the young carer card record (the panel on the young carer's page) already says.
fn young_carer_card_defaults(conn: &Connection, carer_id: i64, d: &mut Details) -> Result<()> {
    let saved = conn
        .query_row(
            "SELECT adjustments_summary, emergency_contact_name, emergency_contact_relationship,
                    emergency_contact_phone FROM young_carer_cards WHERE carer_id = ?1",
            [carer_id],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((summary, name, relationship, phone)) = saved else { return Ok(()) };
    if d.emergency_contact_name.is_none() && d.emergency_contact_phone.is_none() {
        d.emergency_contact_name = Some(name);
        d.emergency_contact_relationship.get_or_insert(relationship);
        d.emergency_contact_phone = Some(phone);
    }
    if d.asks.is_none() {
        let mut asks: Vec<String> =
            asks_for(conn, Kind::YoungCarer)?.into_iter().filter(|a| !a.retired).map(|a| a.label).collect();
        asks.extend(summary.iter().flat_map(|s| s.split("; ")).map(|s| format!("Agreed at school: {s}")));
        asks.truncate(ASKS_MAX);
        d.asks = Some(asks);
    }
    Ok(())
}

pub(super) fn insert(
    ctx: &Ctx<'_>,
    kind: Kind,
    carer_id: i64,
    issued: NaiveDate,
    until: NaiveDate,
    s: &Stored,
) -> Result<i64> {
    let number = Number::new(kind, next_serial(ctx.tx)?)?;
    let now = ctx.now();
    ctx.tx.execute(
        "INSERT INTO passports (number, serial, kind, carer_id, issued_on, valid_until, setting, asks, cared_for_id,
             show_cared_for_name, emergency_contact_name, emergency_contact_relationship, emergency_contact_phone,
             emergency_contact_consent, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?15, ?16)",
        params![
            number.to_string(),
            number.serial,
            kind.code(),
            carer_id,
            dates::iso(issued),
            dates::iso(until),
            s.setting,
            serde_json::to_string(&s.asks).expect("text serialises"),
            s.cared_for_id,
            s.show_cared_for_name,
            s.contact_name,
            s.contact_relationship,
            s.contact_phone,
            s.contact_consent,
            now,
            ctx.actor().name
        ],
    )?;
    Ok(ctx.tx.last_insert_rowid())
}

/// `passport_issue`: issues a passport or card to a carer whose record is open.
pub fn issue(ctx: &mut Ctx<'_>, mut args: IssueArgs) -> Result<Passport> {
    let today = ctx.today();
    let mut details = args.details();
    let h = holder(ctx.tx, args.carer_id)?;
    if h.closed {
        return Err(Error::field(
            "carer_id",
            format!("{}'s record is closed: reopen it before issuing a passport", h.name),
        ));
    }
    let mut c = Check::new("");
    let kind = Kind::from_code(&args.kind);
    if kind.is_none() {
        c.fail("kind", "choose the type of passport");
    }
    let issued = match c.date("issued_on", &args.issued_on) {
        Some(d) if d > today => {
            c.fail("issued_on", "the issue date cannot be in the future");
            None
        }
        Some(d) => Some(d),
        None if validate::blank(&args.issued_on) => Some(today),
        None => None,
    };
    let s = settings::load(ctx.tx)?;
    if let Some(kind) = kind {
        if kind == Kind::YoungCarer {
            match h.dob.and_then(|d| dates::age_on(d, issued.unwrap_or(today))) {
                Some(age) if age >= ADULT_AGE => c.fail(
                    "kind",
                    format!(
                        "{} is {age}: a young carer card is for carers under 18; issue a carer passport instead",
                        h.name
                    ),
                ),
                None => {
                    c.fail("kind", "a young carer card needs the carer's date of birth: add it to the record first")
                }
                _ => young_carer_card_defaults(ctx.tx, args.carer_id, &mut details)?,
            }
        }
        if let Some(number) = current_of_kind(ctx.tx, args.carer_id, kind)? {
            c.fail(
                "kind",
                format!(
                    "{} already has a {} ({number}): renew or reissue it instead",
                    h.name,
                    kind.label().to_lowercase()
                ),
            );
        }
        if details.asks.is_none() {
            details.asks = Some(asks_for(ctx.tx, kind)?.into_iter().filter(|a| !a.retired).map(|a| a.label).collect());
        }
    }
    // A type that cannot be issued has no default date to check.
    let kind_refused = c.errors.iter().any(|e| e.field == "kind");
    let until = match (c.date("valid_until", &args.valid_until), kind.filter(|_| !kind_refused), issued) {
        (Some(u), _, _) => Some(u),
        (None, Some(kind), Some(issued)) if validate::blank(&args.valid_until) => {
            Some(default_until(kind, issued, h.dob, &s))
        }
        _ => None,
    };
    if let (Some(u), Some(i)) = (until, issued) {
        check_until(&mut c, u, i, today, kind.filter(|_| !kind_refused).and_then(|k| latest_until(k, h.dob)));
    }
    let stored = checked_details(&mut c, ctx.tx, args.carer_id, details, Stored::default())?;
    c.finish()?;
    let (kind, issued, until) = (kind.expect("checked"), issued.expect("checked"), until.expect("checked"));
    let id = insert(ctx, kind, args.carer_id, issued, until, &stored)?;
    event(ctx, id, "issued", issued, None)?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    load(ctx.tx, id, today)
}

with_details! {
    /// Fields not sent keep their value.
    pub struct UpdateArgs {
        pub id: i64,
        #[serde(default)]
        pub valid_until: Option<String>,
    }
}

/// Loads a passport for a change, refusing one that cannot have it.
pub(super) fn for_change(ctx: &Ctx<'_>, id: i64, allowed: fn(&Can) -> bool, what: &str) -> Result<Passport> {
    let p = load(ctx.tx, id, ctx.today())?;
    let allowed = allowed(&p.can);
    if p.carer_closed && what != "revoke" {
        return Err(Error::Conflict(format!(
            "{}'s record is closed: reopen it before you {what} their passport",
            p.holder_name
        )));
    }
    if !allowed {
        return Err(Error::Conflict(format!(
            "{} is {}: it cannot be changed{}",
            p.number,
            p.status_label.to_lowercase(),
            match p.status.as_str() {
                "expired" => ": renew it first",
                "replaced" => ", use the passport that replaced it",
                _ => "",
            }
        )));
    }
    Ok(p)
}

/// `passport_update`: changes what an active passport says.
pub fn update(ctx: &mut Ctx<'_>, mut args: UpdateArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.edit, "change")?;
    let h = holder(ctx.tx, p.carer_id)?;
    let mut c = Check::new("");
    let issued = dates::from_iso(&p.issued_on).unwrap_or(today);
    let until = match c.date("valid_until", &args.valid_until) {
        Some(u) => {
            check_until(&mut c, u, issued, today, latest_until(kind_of(&p.kind), h.dob));
            Some(u)
        }
        None => dates::from_iso(&p.valid_until),
    };
    let stored = checked_details(&mut c, ctx.tx, p.carer_id, args.details(), Stored::of(&p))?;
    c.finish()?;
    ctx.tx.execute(
        "UPDATE passports SET valid_until = ?2, setting = ?3, asks = ?4, cared_for_id = ?5, show_cared_for_name = ?6,
             emergency_contact_name = ?7, emergency_contact_relationship = ?8, emergency_contact_phone = ?9,
             emergency_contact_consent = ?10, updated_at = ?11, updated_by = ?12
         WHERE id = ?1",
        params![
            p.id,
            until.map(dates::iso),
            stored.setting,
            serde_json::to_string(&stored.asks).expect("text serialises"),
            stored.cared_for_id,
            stored.show_cared_for_name,
            stored.contact_name,
            stored.contact_relationship,
            stored.contact_phone,
            stored.contact_consent,
            ctx.now(),
            ctx.actor().name
        ],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        dates::from_iso(s).unwrap()
    }

    #[test]
    fn default_valid_until_follows_the_type() {
        let s = Settings::default();
        let dob = Some(d("2012-02-29"));
        // (kind, issued, expected): 12 months; a young carer card to the 18th birthday (29
        // February birthdays fall on 1 March in common years).
        let table = [
            (Kind::Community, "2026-11-28", "2027-11-28"),
            (Kind::Hospital, "2026-01-31", "2027-01-31"),
            (Kind::Workplace, "2028-02-29", "2029-02-28"),
            (Kind::YoungCarer, "2026-11-28", "2030-03-01"),
        ];
        for (kind, issued, want) in table {
            assert_eq!(dates::iso(default_until(kind, d(issued), dob, &s)), want, "{kind:?}");
        }
        let six = Settings { passport_months: 6, ..Settings::default() };
        assert_eq!(dates::iso(default_until(Kind::Community, d("2026-08-31"), None, &six)), "2027-02-28");
    }
}
