//! The register: a carer's whole record as the record page shows it (their details, the people
//! they care for, case notes and the derived facts), and the commands that add, view, change,
//! close and reopen it. Every command that changes a carer's caring links answers with the
//! whole record too, so those commands are here, over [`crate::caring`].
//!
//! The row itself (the details, their checks, reading and writing) is [`crate::carers`].

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::args::IdArgs;
use crate::carers::{self, CarerInput};
use crate::caring::{self, CaringEntry};
use crate::choices::{CloseReason, Status};
use crate::context::{Ctx, Touched};
use crate::error::{Error, Result};
use crate::notes::{self, Note};
use crate::settings;
use crate::validate::{Check, LONG_TEXT_MAX};

/// A carer's whole record, as the record page shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CarerRecord {
    /// The row as stored ([`carers::Carer`]: the record's own facts and the details).
    #[serde(flatten)]
    pub carer: carers::Carer,
    /// The label of `closed_reason`.
    pub closed_reason_label: Option<String>,
    /// Age today, in whole years.
    pub age: u32,
    /// `young_carer`, `young_adult_carer` or `adult_carer`: derived from age and settings.
    pub category: String,
    pub category_label: String,
    /// Cares for more than one person (derived from the caring links).
    pub cares_for_several: bool,
    /// The people this carer cares for, with the caring link.
    pub caring: Vec<CaringEntry>,
    /// Case notes, newest first.
    pub notes: Vec<Note>,
}

impl std::ops::Deref for CarerRecord {
    type Target = carers::Carer;

    /// The row's fields read as the record's own (`record.reference`, `record.details`).
    fn deref(&self) -> &carers::Carer {
        &self.carer
    }
}

/// Loads a carer's whole record.
pub fn load(conn: &Connection, id: i64, today: NaiveDate) -> Result<CarerRecord> {
    let settings = settings::load(conn)?;
    let row = carers::read(conn, id)?;
    let age = carers::age_from_iso(row.details.date_of_birth.as_deref().unwrap_or_default(), today);
    let category = carers::category(age, &settings);
    let caring = caring::for_carer(conn, id, today)?;
    Ok(CarerRecord {
        closed_reason_label: row
            .closed_reason
            .as_deref()
            .and_then(CloseReason::from_code)
            .map(|r| r.label().to_string()),
        carer: row,
        age,
        category: category.code().into(),
        category_label: category.label().into(),
        cares_for_several: caring.len() > 1,
        caring,
        notes: notes::list_for(conn, id)?,
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct UpdateArgs {
    pub id: i64,
    #[serde(flatten)]
    pub details: CarerInput,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseArgs {
    pub id: i64,
    /// A `close_reason` code.
    pub reason: Option<String>,
    /// DD/MM/YYYY or YYYY-MM-DD; not in the future.
    pub date: Option<String>,
    /// Required when the reason is "other".
    pub note: Option<String>,
}

pub fn create(ctx: &mut Ctx<'_>, input: CarerInput) -> Result<CarerRecord> {
    let details = carers::check(&input, ctx.today())?;
    let now = ctx.now();
    let id = carers::insert(ctx.tx, &details, &ctx.actor().name, &now)?;
    ctx.touch(Touched::ChangedCarer(id));
    load(ctx.tx, id, ctx.today())
}

pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<CarerRecord> {
    let rec = load(ctx.tx, args.id, ctx.today())?;
    ctx.touch(Touched::ViewedCarer(args.id));
    Ok(rec)
}

/// Refuses to change or reopen a record that was anonymised (erasure is final).
fn refuse_anonymised(rec: &CarerRecord) -> Result<()> {
    match rec.anonymised_on {
        Some(_) => Err(Error::Conflict(
            "this record was anonymised, so it can no longer be changed or reopened: add the person as a new carer if they come back".into(),
        )),
        None => Ok(()),
    }
}

pub fn update(ctx: &mut Ctx<'_>, args: UpdateArgs) -> Result<CarerRecord> {
    let before = load(ctx.tx, args.id, ctx.today())?;
    refuse_anonymised(&before)?;
    let details = carers::check(&args.details, ctx.today())?;
    carers::write_details(ctx.tx, args.id, &details, &ctx.actor().name, &ctx.now())?;
    ctx.touch(Touched::ChangedCarer(args.id));
    let after = load(ctx.tx, args.id, ctx.today())?;
    ctx.note_changes(&before, &after);
    Ok(after)
}

pub fn close(ctx: &mut Ctx<'_>, args: CloseArgs) -> Result<CarerRecord> {
    let rec = load(ctx.tx, args.id, ctx.today())?;
    if rec.status == Status::Closed.code() {
        return Err(Error::Conflict(
            "this record is already closed: reopen it first if you need to close it again".into(),
        ));
    }
    let mut c = Check::new("");
    let reason = c.required_choice("reason", &args.reason, CloseReason::parse, "choose why the record is being closed");
    let date = c.required_past_date(
        "date",
        "Date closed",
        &args.date,
        ctx.today(),
        "enter the date the record was closed, for example 01/11/2026",
    );
    let note = c.text("note", "Note", &args.note, LONG_TEXT_MAX);
    if reason == Some(CloseReason::Other) && note.is_none() {
        c.fail("note", "say why the record is being closed");
    }
    if let (Some(d), Some(dob)) = (date, rec.details.date_of_birth.as_deref()) {
        if d.to_string().as_str() < dob {
            c.fail("date", "the date closed cannot be before the date of birth");
        }
    }
    c.finish()?;
    carers::mark_closed(ctx.tx, args.id, reason, date, note, &ctx.actor().name, &ctx.now())?;
    ctx.touch(Touched::ChangedCarer(args.id));
    load(ctx.tx, args.id, ctx.today())
}

pub fn reopen(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<CarerRecord> {
    let rec = load(ctx.tx, args.id, ctx.today())?;
    if rec.status == Status::Open.code() {
        return Err(Error::Conflict("this record is already open".into()));
    }
    refuse_anonymised(&rec)?;
    carers::mark_open(ctx.tx, args.id, &ctx.actor().name, &ctx.now())?;
    ctx.touch(Touched::ChangedCarer(args.id));
    load(ctx.tx, args.id, ctx.today())
}

/// `carer_add_cared_for`: a new cared-for person linked to the carer
/// ([`caring::add_for_carer`]); answers with the carer's whole record.
pub fn add_cared_for(ctx: &mut Ctx<'_>, args: caring::AddCaredForArgs) -> Result<CarerRecord> {
    let carer_id = caring::add_for_carer(ctx, args)?;
    load(ctx.tx, carer_id, ctx.today())
}

/// `caring_link_create`: links the carer to someone already known ([`caring::link_create`]).
pub fn link_create(ctx: &mut Ctx<'_>, args: caring::LinkCreateArgs) -> Result<CarerRecord> {
    let carer_id = caring::link_create(ctx, args)?;
    load(ctx.tx, carer_id, ctx.today())
}

/// `caring_link_update`: changes a caring link ([`caring::link_update`]).
pub fn link_update(ctx: &mut Ctx<'_>, args: caring::LinkUpdateArgs) -> Result<CarerRecord> {
    let carer_id = caring::link_update(ctx, args)?;
    load(ctx.tx, carer_id, ctx.today())
}

/// `caring_link_remove`: removes a caring link ([`caring::link_remove`]).
pub fn link_remove(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<CarerRecord> {
    let carer_id = caring::link_remove(ctx, args)?;
    load(ctx.tx, carer_id, ctx.today())
}
