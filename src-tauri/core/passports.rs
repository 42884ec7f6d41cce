//! Carer passports and young carer cards: the records, their lifecycle, looking a number up,
//! the list of what holders may ask for, and (in [`print`]) the cards.
//!
//! | type | number | valid until by default |
//! | --- | --- | --- |
//! | carer passport (community) | `CP-…` | issue date + `passport_months` (12) |
//! | hospital carer passport | `HP-…` | issue date + `passport_months` |
//! | workplace carers passport | `WP-…` | issue date + `passport_months` |
//! | young carer card | `YC-…` | the 18th birthday (and never later) |
//!
//! Lifecycle: **issue** (an open record; one active passport per type per carer), **renew**
//! (same number, later valid-until), **reissue** (lost or damaged: a new number; the old one is
//! `replaced` and the new one links to it), **revoke** (with the reason). `expired` is not
//! stored: an active passport past its valid-until date is expired, so the status never goes
//! stale. Serial numbers are unique in the organisation whatever the type (see [`number`]).

pub mod card;
pub mod number;
pub mod print;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::args::{CarerArgs, IdArgs};
use crate::carers::ADULT_AGE;
use crate::context::{Ctx, Touched};
use crate::dates::{self, add_months, anniversary};
use crate::error::{Error, Result};
use crate::settings::{self, Settings};
use crate::validate::{self, Check, NAME_MAX};
use number::{Kind, Number};

/// How far ahead "expiring soon" looks, in days.
pub const EXPIRING_DAYS: u32 = 30;
/// The most things a card can list on its back.
pub const ASKS_MAX: usize = 10;
/// The longest "may ask for" entry.
pub const ASK_MAX: usize = 120;

/// Another passport, as linked from this one.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Link {
    pub id: i64,
    pub number: String,
}

/// Something that happened to a passport.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Event {
    /// `issued`, `renewed`, `reissued` or `revoked`.
    pub event: String,
    pub on: String,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

/// What can be done with a passport now.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct Can {
    pub edit: bool,
    pub renew: bool,
    pub reissue: bool,
    pub revoke: bool,
    pub print: bool,
}

/// A passport or card.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Passport {
    pub id: i64,
    pub number: String,
    /// `community`, `hospital`, `workplace` or `young_carer`.
    pub kind: String,
    pub kind_label: String,
    /// The word printed large on the card ("Carer", "Young Carer", ...).
    pub card_title: String,
    pub carer_id: i64,
    pub holder_name: String,
    pub carer_reference: Option<String>,
    pub carer_closed: bool,
    pub issued_on: String,
    pub valid_until: String,
    /// `active`, `expired`, `revoked` or `replaced`.
    pub status: String,
    pub status_label: String,
    /// Active, not past its valid-until date, and the holder's record is open.
    pub valid_today: bool,
    /// Days from today to the valid-until date (negative when past).
    pub expires_in_days: i64,
    pub revoked_on: Option<String>,
    pub revoked_reason: Option<String>,
    /// Why this passport replaced another: `lost` or `damaged`.
    pub replace_reason: Option<String>,
    pub replaces: Option<Link>,
    pub replaced_by: Option<Link>,
    /// Where it is used: the hospital, the employer, the school.
    pub setting: Option<String>,
    /// What the holder may ask for (printed on the back).
    pub asks: Vec<String>,
    pub cared_for_id: Option<i64>,
    pub cared_for_first_name: Option<String>,
    /// Consent was recorded to print the cared-for person's first name.
    pub show_cared_for_name: bool,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub emergency_contact_phone: Option<String>,
    /// Consent was recorded to print the emergency contact.
    pub emergency_contact_consent: bool,
    pub has_photo: bool,
    pub events: Vec<Event>,
    pub can: Can,
    pub created_at: String,
    pub created_by: String,
}

const COLUMNS: &str = "p.id, p.number, p.kind, p.carer_id, c.first_name, c.last_name, c.preferred_name, c.reference,
    c.status, p.issued_on, p.valid_until, p.status, p.revoked_on, p.revoked_reason, p.replace_reason, p.replaces_id,
    (SELECT number FROM passports o WHERE o.id = p.replaces_id),
    (SELECT n.id FROM passports n WHERE n.replaces_id = p.id),
    (SELECT n.number FROM passports n WHERE n.replaces_id = p.id),
    p.setting, p.asks, p.cared_for_id, f.first_name, p.show_cared_for_name, p.emergency_contact_name,
    p.emergency_contact_relationship, p.emergency_contact_phone, p.emergency_contact_consent, p.photo IS NOT NULL,
    p.created_at, p.created_by";
const FROM: &str = "FROM passports p JOIN carers c ON c.id = p.carer_id LEFT JOIN cared_for f ON f.id = p.cared_for_id";

fn kind_of(code: &str) -> Kind {
    Kind::from_code(code).unwrap_or(Kind::Community)
}

fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Passport> {
    let kind = kind_of(&r.get::<_, String>(2)?);
    let valid_until: String = r.get(10)?;
    let stored: String = r.get(11)?;
    let until = dates::from_iso(&valid_until).unwrap_or(today);
    let expired = stored == "active" && until < today;
    let status = if expired { "expired" } else { stored.as_str() };
    let carer_closed = r.get::<_, String>(8)? == "closed";
    let link = |id: Option<i64>, number: Option<String>| id.zip(number).map(|(id, number)| Link { id, number });
    let asks: String = r.get(20)?;
    let active = stored == "active";
    Ok(Passport {
        id: r.get(0)?,
        number: r.get(1)?,
        kind: kind.code().into(),
        kind_label: kind.label().into(),
        card_title: kind.card_title().into(),
        carer_id: r.get(3)?,
        holder_name: crate::schools::display_name(
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?.as_deref(),
        ),
        carer_reference: r.get(7)?,
        carer_closed,
        issued_on: r.get(9)?,
        valid_until,
        status: status.into(),
        status_label: match status {
            "active" => "Active",
            "expired" => "Expired",
            "revoked" => "Revoked",
            _ => "Replaced",
        }
        .into(),
        // A passport of a closed record is not honoured: the service no longer supports them.
        valid_today: active && !expired && !carer_closed,
        expires_in_days: (until - today).num_days(),
        revoked_on: r.get(12)?,
        revoked_reason: r.get(13)?,
        replace_reason: r.get(14)?,
        replaces: link(r.get(15)?, r.get(16)?),
        replaced_by: link(r.get(17)?, r.get(18)?),
        setting: r.get(19)?,
        asks: serde_json::from_str(&asks).unwrap_or_default(),
        cared_for_id: r.get(21)?,
        cared_for_first_name: r.get(22)?,
        show_cared_for_name: r.get(23)?,
        emergency_contact_name: r.get(24)?,
        emergency_contact_relationship: r.get(25)?,
        emergency_contact_phone: r.get(26)?,
        emergency_contact_consent: r.get(27)?,
        has_photo: r.get(28)?,
        events: Vec::new(),
        can: Can {
            edit: active && !expired && !carer_closed,
            renew: active && !carer_closed,
            reissue: active && !expired && !carer_closed,
            revoke: active,
            print: active && !expired && !carer_closed,
        },
        created_at: r.get(29)?,
        created_by: r.get(30)?,
    })
}

fn events(conn: &Connection, id: i64) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event, happened_on, note, by, at FROM passport_events WHERE passport_id = ?1 ORDER BY id",
    )?;
    let out = stmt
        .query_map([id], |r| {
            Ok(Event { event: r.get(0)?, on: r.get(1)?, note: r.get(2)?, by: r.get(3)?, at: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// Passports matching `condition` (SQL over `p` and `c`), in `order`, with their history.
pub(crate) fn select(
    conn: &Connection,
    condition: &str,
    order: &str,
    params: &[&dyn rusqlite::ToSql],
    today: NaiveDate,
) -> Result<Vec<Passport>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE {condition} ORDER BY {order}"))?;
    let mut out: Vec<Passport> = stmt.query_map(params, |r| from_row(r, today))?.collect::<rusqlite::Result<_>>()?;
    for p in &mut out {
        p.events = events(conn, p.id)?;
    }
    Ok(out)
}

/// One passport.
pub fn load(conn: &Connection, id: i64, today: NaiveDate) -> Result<Passport> {
    select(conn, "p.id = ?1", "p.id", &[&id], today)?.pop().ok_or(Error::NotFound { what: "passport" })
}

fn event(ctx: &Ctx<'_>, id: i64, what: &str, on: NaiveDate, note: Option<&str>) -> Result<()> {
    ctx.tx.execute(
        "INSERT INTO passport_events (passport_id, event, happened_on, note, at, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, what, dates::iso(on), note, ctx.now(), ctx.actor().name],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What holders may ask for

/// One entry of the list a type's "may ask for" is chosen from.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ask {
    /// Absent for a new entry.
    pub id: Option<i64>,
    pub label: String,
    /// No longer offered (passports issued with it keep it).
    #[serde(default)]
    pub retired: bool,
}

/// A passport type, with its list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KindInfo {
    pub kind: &'static str,
    pub label: &'static str,
    pub card_title: &'static str,
    pub prefix: &'static str,
    /// How the valid-until date is worked out when none is given.
    pub default_valid_until_rule: String,
    pub asks: Vec<Ask>,
}

fn asks_for(conn: &Connection, kind: Kind) -> Result<Vec<Ask>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, label, retired FROM passport_asks WHERE kind = ?1 ORDER BY position, id")?;
    let out = stmt
        .query_map([kind.code()], |r| Ok(Ask { id: r.get(0)?, label: r.get(1)?, retired: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

fn kind_info(conn: &Connection, kind: Kind, s: &Settings) -> Result<KindInfo> {
    Ok(KindInfo {
        kind: kind.code(),
        label: kind.label(),
        card_title: kind.card_title(),
        prefix: kind.prefix(),
        default_valid_until_rule: match kind {
            Kind::YoungCarer => "until the 18th birthday".into(),
            _ => format!("{} months from the issue date (Settings)", s.passport_months),
        },
        asks: asks_for(conn, kind)?,
    })
}

/// `passport_kinds`: the four types and what each one's holders may ask for.
pub fn kinds(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<Vec<KindInfo>> {
    let s = settings::load(ctx.tx)?;
    Kind::ALL.into_iter().map(|k| kind_info(ctx.tx, k, &s)).collect()
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AsksSaveArgs {
    /// A passport type code.
    pub kind: String,
    /// The whole list in order: entries with an `id` are renamed, retired or moved; entries
    /// without one are added. An entry left out is retired (passports issued with it keep it).
    pub asks: Vec<Ask>,
}

/// `passport_asks_save`: changes one type's list.
pub fn asks_save(ctx: &mut Ctx<'_>, args: AsksSaveArgs) -> Result<KindInfo> {
    let kind = Kind::from_code(&args.kind).ok_or_else(|| Error::field("kind", "choose one of the passport types"))?;
    let existing = asks_for(ctx.tx, kind)?;
    let mut c = Check::new("");
    let mut seen: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (i, a) in args.asks.iter().enumerate() {
        let field = format!("asks.{i}.label");
        let label = c.required(&field, "Entry", &Some(a.label.clone()), ASK_MAX);
        if label.is_empty() {
            continue;
        }
        if seen.iter().any(|s| s.eq_ignore_ascii_case(&label)) {
            c.fail(&field, format!("'{label}' is in the list twice: remove one"));
        }
        if let Some(id) = a.id {
            if !existing.iter().any(|e| e.id == Some(id)) {
                c.fail(&field, "this entry is not in the list any more: reload the page");
            }
        }
        seen.push(label.clone());
        rows.push((a.id, label, a.retired, i as i64 + 1));
    }
    if !rows.iter().any(|r| !r.2) {
        c.fail("asks", "keep at least one thing holders may ask for");
    }
    c.finish()?;
    // Entries left out are retired and moved to the end, in their old order.
    let kept: Vec<i64> = rows.iter().filter_map(|r| r.0).collect();
    let left_out = existing.iter().filter(|e| !kept.contains(&e.id.unwrap_or(0)));
    for (position, e) in (rows.len() as i64 + 1..).zip(left_out) {
        ctx.tx.execute("UPDATE passport_asks SET retired = 1, position = ?2 WHERE id = ?1", params![e.id, position])?;
    }
    // Two passes keep the unique (kind, label) index happy when labels swap.
    for (id, _, _, _) in &rows {
        if let Some(id) = id {
            ctx.tx.execute("UPDATE passport_asks SET label = '~' || id WHERE id = ?1", [id])?;
        }
    }
    for (id, label, retired, position) in &rows {
        match id {
            Some(id) => ctx.tx.execute(
                "UPDATE passport_asks SET label = ?2, retired = ?3, position = ?4 WHERE id = ?1",
                params![id, label, retired, position],
            )?,
            None => ctx.tx.execute(
                "INSERT INTO passport_asks (kind, label, position, retired) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET retired = excluded.retired, position = excluded.position",
                params![kind.code(), label, position, retired],
            )?,
        };
    }
    let s = settings::load(ctx.tx)?;
    kind_info(ctx.tx, kind, &s)
}

// ---------------------------------------------------------------------------------------------
// Issue and edit

/// The holder, as issuing needs them.
struct Holder {
    name: String,
    dob: Option<NaiveDate>,
    closed: bool,
}

fn holder(conn: &Connection, carer_id: i64) -> Result<Holder> {
    conn.query_row(
        "SELECT first_name, last_name, preferred_name, date_of_birth, status FROM carers WHERE id = ?1",
        [carer_id],
        |r| {
            Ok(Holder {
                name: crate::schools::display_name(
                    &r.get::<_, String>(0)?,
                    &r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?.as_deref(),
                ),
                dob: r.get::<_, Option<String>>(3)?.as_deref().and_then(dates::from_iso),
                closed: r.get::<_, String>(4)? == "closed",
            })
        },
    )
    .optional()?
    .ok_or(Error::NotFound { what: "carer" })
}

/// Declares a command's arguments with the details a passport prints (as the issue and edit
/// forms send them, flat), and `details()` to take them out as a [`Details`].
macro_rules! with_details {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Where it is used: the hospital, the employer, the school.
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub setting: Option<Option<String>>,
            /// What the holder may ask for, as printed (at most 10). Not sent when issuing:
            /// the type's list.
            #[serde(default)]
            pub asks: Option<Vec<String>>,
            /// The cared-for person whose first name may be printed (linked to the carer).
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<i64>")]
            pub cared_for_id: Option<Option<i64>>,
            /// Consent is recorded to print the cared-for person's first name.
            #[serde(default)]
            pub show_cared_for_name: Option<bool>,
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub emergency_contact_name: Option<Option<String>>,
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub emergency_contact_relationship: Option<Option<String>>,
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub emergency_contact_phone: Option<Option<String>>,
            /// Consent is recorded to print the emergency contact.
            #[serde(default)]
            pub emergency_contact_consent: Option<bool>,
        }

        impl $name {
            fn details(&mut self) -> Details {
                Details {
                    setting: self.setting.take(),
                    asks: self.asks.take(),
                    cared_for_id: self.cared_for_id.take(),
                    show_cared_for_name: self.show_cared_for_name.take(),
                    emergency_contact_name: self.emergency_contact_name.take(),
                    emergency_contact_relationship: self.emergency_contact_relationship.take(),
                    emergency_contact_phone: self.emergency_contact_phone.take(),
                    emergency_contact_consent: self.emergency_contact_consent.take(),
                }
            }
        }
    };
}

/// The details a passport prints. `None`: not sent (keep); `Some(None)`: sent empty (clear).
#[derive(Debug, Default)]
pub struct Details {
    pub setting: Option<Option<String>>,
    pub asks: Option<Vec<String>>,
    pub cared_for_id: Option<Option<i64>>,
    pub show_cared_for_name: Option<bool>,
    pub emergency_contact_name: Option<Option<String>>,
    pub emergency_contact_relationship: Option<Option<String>>,
    pub emergency_contact_phone: Option<Option<String>>,
    pub emergency_contact_consent: Option<bool>,
}

/// The stored form of [`Details`].
#[derive(Debug, Default, Clone)]
struct Stored {
    setting: Option<String>,
    asks: Vec<String>,
    cared_for_id: Option<i64>,
    show_cared_for_name: bool,
    contact_name: Option<String>,
    contact_relationship: Option<String>,
    contact_phone: Option<String>,
    contact_consent: bool,
}

impl Stored {
    fn of(p: &Passport) -> Stored {
        Stored {
            setting: p.setting.clone(),
            asks: p.asks.clone(),
            cared_for_id: p.cared_for_id,
            show_cared_for_name: p.show_cared_for_name,
            contact_name: p.emergency_contact_name.clone(),
            contact_relationship: p.emergency_contact_relationship.clone(),
            contact_phone: p.emergency_contact_phone.clone(),
            contact_consent: p.emergency_contact_consent,
        }
    }
}

/// Checks `d` over `base` (fields not sent keep `base`'s value).
fn checked_details(c: &mut Check, conn: &Connection, carer_id: i64, d: Details, base: Stored) -> Result<Stored> {
    let keep = |sent: Option<Option<String>>, old: Option<String>| sent.unwrap_or(old);
    let setting = c.text("setting", "Where it is used", &keep(d.setting, base.setting), 120);
    let asks = match d.asks {
        Some(list) => {
            let mut out: Vec<String> = Vec::new();
            for (i, a) in list.iter().enumerate() {
                if let Some(t) = c.text(&format!("asks.{i}"), "Entry", &Some(a.clone()), ASK_MAX) {
                    if !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
                        out.push(t);
                    }
                }
            }
            if out.is_empty() {
                c.fail("asks", "choose at least one thing the holder may ask for");
            }
            if out.len() > ASKS_MAX {
                c.fail("asks", format!("a card has room for {ASKS_MAX} things the holder may ask for: choose fewer"));
            }
            out
        }
        None => base.asks,
    };
    let cared_for_id = d.cared_for_id.unwrap_or(base.cared_for_id);
    if let Some(id) = cared_for_id {
        let linked: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM caring_links WHERE carer_id = ?1 AND cared_for_id = ?2)",
            [carer_id, id],
            |r| r.get(0),
        )?;
        if !linked {
            c.fail("cared_for_id", "choose one of the people this carer cares for");
        }
    }
    let show_cared_for_name = d.show_cared_for_name.unwrap_or(base.show_cared_for_name);
    if show_cared_for_name && cared_for_id.is_none() {
        c.fail("cared_for_id", "choose whose first name to print, or untick the consent to print it");
    }
    let contact_name = c.text(
        "emergency_contact_name",
        "Emergency contact",
        &keep(d.emergency_contact_name, base.contact_name),
        NAME_MAX,
    );
    let contact_relationship = c.text(
        "emergency_contact_relationship",
        "Relationship",
        &keep(d.emergency_contact_relationship, base.contact_relationship),
        60,
    );
    let contact_phone = c.text(
        "emergency_contact_phone",
        "Emergency contact phone",
        &keep(d.emergency_contact_phone, base.contact_phone),
        40,
    );
    if contact_phone.as_deref().is_some_and(|p| !validate::phone(p)) {
        c.fail("emergency_contact_phone", "enter a phone number with 10 to 15 digits, for example 07700 900123");
    }
    if contact_name.is_some() != contact_phone.is_some() {
        let field = if contact_name.is_some() { "emergency_contact_phone" } else { "emergency_contact_name" };
        c.fail(field, "give the emergency contact's name and phone number together");
    }
    let contact_consent = d.emergency_contact_consent.unwrap_or(base.contact_consent);
    if contact_consent && contact_name.is_none() {
        c.fail("emergency_contact_name", "enter the emergency contact, or untick the consent to print one");
    }
    Ok(Stored {
        setting,
        asks,
        cared_for_id,
        show_cared_for_name,
        contact_name,
        contact_relationship,
        contact_phone,
        contact_consent,
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
fn latest_until(kind: Kind, dob: Option<NaiveDate>) -> Option<NaiveDate> {
    match kind {
        Kind::YoungCarer => dob.map(|d| anniversary(d, ADULT_AGE)),
        _ => None,
    }
}

/// The valid-until date when none is given.
fn default_until(kind: Kind, from: NaiveDate, dob: Option<NaiveDate>, s: &Settings) -> NaiveDate {
    let by_months = add_months(from, s.passport_months);
    latest_until(kind, dob).unwrap_or(by_months)
}

/// Checks a valid-until date against the issue date, today and the 18th birthday.
fn check_until(c: &mut Check, until: NaiveDate, issued: NaiveDate, today: NaiveDate, latest: Option<NaiveDate>) {
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

fn insert(ctx: &Ctx<'_>, kind: Kind, carer_id: i64, issued: NaiveDate, until: NaiveDate, s: &Stored) -> Result<i64> {
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
fn for_change(ctx: &Ctx<'_>, id: i64, allowed: fn(&Can) -> bool, what: &str) -> Result<Passport> {
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

// ---------------------------------------------------------------------------------------------
// Lifecycle

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewArgs {
    pub id: i64,
    /// Default: `passport_months` from the later of today and the current valid-until date
    /// (a young carer card: the 18th birthday).
    pub valid_until: Option<String>,
}

/// `passport_renew`: the same number, valid for longer. The card needs printing again.
pub fn renew(ctx: &mut Ctx<'_>, args: RenewArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.renew, "renew")?;
    let kind = kind_of(&p.kind);
    let h = holder(ctx.tx, p.carer_id)?;
    let old = dates::from_iso(&p.valid_until).unwrap_or(today);
    let latest = latest_until(kind, h.dob);
    if latest.is_some_and(|l| l <= old) {
        return Err(Error::field(
            "valid_until",
            "a young carer card ends at the 18th birthday and cannot be renewed past it: issue a carer passport instead",
        ));
    }
    let s = settings::load(ctx.tx)?;
    let mut c = Check::new("");
    let until = match c.date("valid_until", &args.valid_until) {
        Some(u) => Some(u),
        None if validate::blank(&args.valid_until) => Some(default_until(kind, old.max(today), h.dob, &s)),
        None => None,
    };
    if let Some(u) = until {
        if u <= old {
            c.fail("valid_until", format!("a renewal must run past the current valid-until date ({})", dates::uk(old)));
        }
        check_until(&mut c, u, dates::from_iso(&p.issued_on).unwrap_or(today), today, latest);
    }
    c.finish()?;
    let until = until.expect("checked");
    ctx.tx.execute(
        "UPDATE passports SET valid_until = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![p.id, dates::iso(until), ctx.now(), ctx.actor().name],
    )?;
    let note = format!("valid until {} (was {})", dates::uk(until), dates::uk(old));
    event(ctx, p.id, "renewed", today, Some(&note))?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, today)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueArgs {
    pub id: i64,
    /// `lost` or `damaged`.
    pub reason: String,
    pub note: Option<String>,
}

/// `passport_reissue`: a lost or damaged card gets a new number; the old one is replaced.
pub fn reissue(ctx: &mut Ctx<'_>, args: ReissueArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.reissue, "reissue")?;
    let mut c = Check::new("");
    let reason = args.reason.trim().to_lowercase();
    if !matches!(reason.as_str(), "lost" | "damaged") {
        c.fail("reason", "choose whether the card was lost or damaged");
    }
    let note = c.text("note", "Note", &args.note, 300);
    c.finish()?;
    let kind = kind_of(&p.kind);
    let until = dates::from_iso(&p.valid_until).unwrap_or(today);
    ctx.tx.execute(
        "UPDATE passports SET status = 'replaced', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![p.id, ctx.now(), ctx.actor().name],
    )?;
    let id = insert(ctx, kind, p.carer_id, today, until, &Stored::of(&p))?;
    ctx.tx.execute(
        "UPDATE passports SET replaces_id = ?2, replace_reason = ?3, photo = (SELECT photo FROM passports WHERE id = ?2)
         WHERE id = ?1",
        params![id, p.id, reason],
    )?;
    let new_number: String = ctx.tx.query_row("SELECT number FROM passports WHERE id = ?1", [id], |r| r.get(0))?;
    let why = format!("card {reason}{}", note.as_deref().map(|n| format!(": {n}")).unwrap_or_default());
    event(ctx, p.id, "reissued", today, Some(&format!("{why}; replaced by {new_number}")))?;
    event(ctx, id, "issued", today, Some(&format!("replaces {} ({why})", p.number)))?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, id, today)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeArgs {
    pub id: i64,
    /// Why (for example "no longer caring", "issued in error").
    pub reason: String,
}

/// `passport_revoke`: the passport stops being valid at once.
pub fn revoke(ctx: &mut Ctx<'_>, args: RevokeArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.revoke, "revoke")?;
    let mut c = Check::new("");
    let reason = c.required("reason", "Reason", &Some(args.reason), 300);
    c.finish()?;
    ctx.tx.execute(
        "UPDATE passports SET status = 'revoked', revoked_on = ?2, revoked_reason = ?3, updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![p.id, dates::iso(today), reason, ctx.now(), ctx.actor().name],
    )?;
    event(ctx, p.id, "revoked", today, Some(&reason))?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, today)
}

// ---------------------------------------------------------------------------------------------
// Reading

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

// ---------------------------------------------------------------------------------------------
// Pictures: the holder's photo and the organisation's logo

/// Reads and checks an image file for a card (PNG or JPEG, not huge).
pub(crate) fn read_image(path: &str, what: &str) -> Result<(Vec<u8>, card::CardImage)> {
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::field("path", format!("choose the {what} file")));
    }
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::field("path", format!("cannot read {path} ({e}): choose the {what} file again")))?;
    if meta.len() > card::IMAGE_MAX_BYTES as u64 {
        return Err(Error::field(
            "path",
            format!(
                "the {what} is {:.1} MB: choose a PNG or JPEG of at most {} MB",
                meta.len() as f64 / 1_048_576.0,
                card::IMAGE_MAX_BYTES / 1_048_576
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::field("path", format!("cannot read {path} ({e}): choose the {what} file again")))?;
    let image = card::check_image(&bytes, what).map_err(|m| Error::field("path", m))?;
    Ok((bytes, image))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoArgs {
    pub id: i64,
    /// A PNG or JPEG file.
    pub path: String,
}

/// `passport_photo_set`: a photo of the holder for the front of the card.
pub fn photo_set(ctx: &mut Ctx<'_>, args: PhotoArgs) -> Result<Passport> {
    let p = for_change(ctx, args.id, |can| can.edit, "change")?;
    let (bytes, _) = read_image(&args.path, "photo")?;
    ctx.tx.execute(
        "UPDATE passports SET photo = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![p.id, bytes, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

/// `passport_photo_clear`.
pub fn photo_clear(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Passport> {
    let p = load(ctx.tx, args.id, ctx.today())?;
    ctx.tx.execute(
        "UPDATE passports SET photo = NULL, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![p.id, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoArgs {
    /// A PNG or JPEG file.
    pub path: String,
}

/// `card_logo_set`: the organisation's logo on the front of every card.
pub fn logo_set(ctx: &mut Ctx<'_>, args: LogoArgs) -> Result<Settings> {
    let (bytes, _) = read_image(&args.path, "logo")?;
    ctx.tx.execute("UPDATE settings SET card_logo = ?1 WHERE id = 1", [bytes])?;
    settings::load(ctx.tx)
}

/// `card_logo_clear`.
pub fn logo_clear(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<Settings> {
    ctx.tx.execute("UPDATE settings SET card_logo = NULL WHERE id = 1", [])?;
    settings::load(ctx.tx)
}

/// The stored logo, checked again (it was checked when set).
pub(crate) fn logo(conn: &Connection) -> Result<Option<card::CardImage>> {
    let bytes: Option<Vec<u8>> = conn.query_row("SELECT card_logo FROM settings WHERE id = 1", [], |r| r.get(0))?;
    Ok(bytes.and_then(|b| card::check_image(&b, "logo").ok()))
}

/// The `options` entries for passports: `passport_kinds`, `passport_reissue_reasons`,
/// `passport_statuses` and `card_stocks`, as `[{code, label}]`.
pub fn options() -> serde_json::Map<String, serde_json::Value> {
    let pair = |code: &str, label: &str| serde_json::json!({ "code": code, "label": label });
    let mut m = serde_json::Map::new();
    m.insert("passport_kinds".into(), Kind::ALL.iter().map(|k| pair(k.code(), k.label())).collect());
    m.insert(
        "passport_reissue_reasons".into(),
        [("lost", "Lost"), ("damaged", "Damaged")].iter().map(|(c, l)| pair(c, l)).collect(),
    );
    m.insert(
        "passport_statuses".into(),
        [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked"), ("replaced", "Replaced")]
            .iter()
            .map(|(c, l)| pair(c, l))
            .collect(),
    );
    m.insert("card_stocks".into(), crate::card_stock::ALL.iter().map(|s| pair(s.code, s.name)).collect());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        dates::from_iso(s).unwrap()
    }

    #[test]
    fn the_home_counts_read_indexes_only() {
        let conn = crate::db::open_in_memory().unwrap();
        let plan = crate::db::query_plan(&conn, &home_counts_sql(), &["2026-11-23", "2026-12-23"]);
        assert!(crate::db::reads_indexes_only(&plan), "{plan:#?}");
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
