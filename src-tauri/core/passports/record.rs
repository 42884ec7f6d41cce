//! The passport record: what a passport is, read from its row with its holder and events, and
//! its choice lists.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::number::Kind;
use crate::context::Ctx;
use crate::dates::{self};
use crate::error::{Error, Result};

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
/// The holder's name and status come in the same query (one pass for a list of passports),
/// not from `carers::read` per passport.
pub(super) const FROM: &str =
    "FROM passports p JOIN carers c ON c.id = p.carer_id LEFT JOIN cared_for f ON f.id = p.cared_for_id";

pub(super) fn kind_of(code: &str) -> Kind {
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

pub(super) fn event(ctx: &Ctx<'_>, id: i64, what: &str, on: NaiveDate, note: Option<&str>) -> Result<()> {
    ctx.tx.execute(
        "INSERT INTO passport_events (passport_id, event, happened_on, note, at, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, what, dates::iso(on), note, ctx.now(), ctx.actor().name],
    )?;
    Ok(())
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
