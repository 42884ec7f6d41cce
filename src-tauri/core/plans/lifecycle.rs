//! Agreeing, versions, ending: the plan's lifecycle after its draft, and the review date kept on
//! the live version.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::args::{ActionUpdateArgs, EndArgs};
use super::check::{agreement_check, date_from_start, iso};
use super::create::next_id;
use super::read::{load, plan_started, review_making};
use super::save::draft_of;
use super::types::Plan;
use super::types::{ActionStatus, PlanEndReason};
use crate::args::IdArgs;
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::reviews::{self};
use crate::settings::{self, Settings};
use crate::validate::{Check, LONG_TEXT_MAX};

/// The line's reviews as [`reviews::Review`]s with the next date each one set.
fn completed_reviews(conn: &Connection, reference: &str) -> Result<Vec<(reviews::Review, Option<NaiveDate>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.review_date, r.planned, r.next_review_due FROM plan_reviews r JOIN support_plans p ON p.id = r.plan_id
         WHERE p.reference = ?1 AND r.status = 'completed' ORDER BY r.review_date, r.id",
    )?;
    let rows = stmt.query_map([reference], |r| {
        let date: NaiveDate = r.get(0)?;
        Ok((reviews::Review { date, planned: r.get(1)? }, r.get::<_, Option<NaiveDate>>(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the line's next review is due: the date the latest review set, or the settings' rule
/// from the plan's start and the reviews held.
pub fn line_review_due(conn: &Connection, reference: &str, settings: &Settings) -> Result<Option<NaiveDate>> {
    let Some(start) = plan_started(conn, reference)? else { return Ok(None) };
    let held = completed_reviews(conn, reference)?;
    let list: Vec<reviews::Review> = held.iter().map(|(r, _)| *r).collect();
    let latest = reviews::latest_review(&list).copied();
    let set = latest.and_then(|l| held.iter().rev().find(|(r, _)| *r == l).and_then(|(_, next)| *next));
    Ok(Some(set.unwrap_or_else(|| reviews::review_due(start, &list, settings))))
}

/// Recomputes `review_due` on every live plan (after the settings change).
pub fn recompute_review_dues(conn: &Connection, settings: &Settings) -> Result<usize> {
    let live: Vec<(i64, String)> = conn
        .prepare("SELECT id, reference FROM support_plans WHERE status IN ('agreed', 'under_review')")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, reference) in &live {
        let due = line_review_due(conn, reference, settings)?;
        conn.execute("UPDATE support_plans SET review_due = ?2 WHERE id = ?1", params![id, iso(due)])?;
    }
    Ok(live.len())
}

/// Makes a checked draft the agreed version: the version it replaces (if any) is superseded,
/// and the next review date is set.
pub(super) fn make_agreed(ctx: &Ctx<'_>, p: &Plan) -> Result<()> {
    agreement_check(p, ctx.today())?;
    let settings = settings::load(ctx.tx)?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    if let Some(prev) = p.previous_id {
        ctx.tx.execute(
            "UPDATE support_plans SET status = 'superseded', review_due = NULL, updated_at = ?2, updated_by = ?3
             WHERE id = ?1",
            params![prev, now, by],
        )?;
    }
    ctx.tx.execute(
        "UPDATE support_plans SET status = 'agreed', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![p.id, now, by],
    )?;
    let due = line_review_due(ctx.tx, &p.reference, &settings)?;
    ctx.tx.execute("UPDATE support_plans SET review_due = ?2 WHERE id = ?1", params![p.id, iso(due)])?;
    Ok(())
}

pub fn agree(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Plan> {
    let p = draft_of(ctx.tx, args.id, ctx.today())?;
    if review_making(ctx.tx, p.id)?.is_some() {
        return Err(Error::Conflict(
            "this is the updated plan of a review: complete the review to agree it".to_string(),
        ));
    }
    make_agreed(ctx, &p)?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

/// Copies a version as a new draft version (version + 1). Actions keep their keys.
pub(super) fn copy_as_draft(ctx: &Ctx<'_>, p: &Plan) -> Result<i64> {
    let id = next_id(ctx.tx)?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    ctx.tx.execute(
        "INSERT INTO support_plans (id, reference, carer_id, version, previous_id, status, assessment_id, light_touch,
             determination, start_date, personal_budget_pence, direct_payment, dp_amount_pence, dp_frequency, dp_needs,
             advice_given, cared_for_involved, others_involved, agreed_on, agreement_method, worker_name,
             cont_if_cannot_care, cont_contacts, cont_essential_needs, cont_medication, cont_routines, cont_gp,
             cont_access, cont_copies_held_by, created_at, created_by, updated_at, updated_by)
         SELECT ?1, reference, carer_id, version + 1, id, 'draft', assessment_id, light_touch,
             determination, NULL, personal_budget_pence, direct_payment, dp_amount_pence, dp_frequency, dp_needs,
             advice_given, cared_for_involved, others_involved, NULL, NULL, ?3,
             cont_if_cannot_care, cont_contacts, cont_essential_needs, cont_medication, cont_routines, cont_gp,
             cont_access, cont_copies_held_by, ?2, ?3, ?2, ?3
         FROM support_plans WHERE id = ?4",
        params![id, now, by, p.id],
    )?;
    ctx.tx.execute(
        "INSERT INTO plan_needs (plan_id, position, description, outcome, wellbeing_area, eligibility,
             eligibility_note, will_meet, how_met)
         SELECT ?1, position, description, outcome, wellbeing_area, eligibility, eligibility_note, will_meet, how_met
         FROM plan_needs WHERE plan_id = ?2",
        params![id, p.id],
    )?;
    ctx.tx.execute(
        "INSERT INTO plan_outcomes (plan_id, position, text) SELECT ?1, position, text FROM plan_outcomes WHERE plan_id = ?2",
        params![id, p.id],
    )?;
    ctx.tx.execute(
        "INSERT INTO plan_actions (plan_id, position, action_key, support, description, who, due_on, status, notes,
             need_position, updated_at, updated_by)
         SELECT ?1, position, action_key, support, description, who, due_on, status, notes, need_position,
             updated_at, updated_by
         FROM plan_actions WHERE plan_id = ?2",
        params![id, p.id],
    )?;
    Ok(id)
}

pub(super) fn current_agreed(conn: &Connection, id: i64, today: NaiveDate, doing: &str) -> Result<Plan> {
    let p = load(conn, id, today)?;
    match p.status.as_str() {
        "agreed" => {}
        "draft" => return Err(Error::Conflict(format!("agree the plan before {doing}"))),
        "under_review" => {
            return Err(Error::Conflict(
                "a review of this plan is in progress: complete or cancel it first".to_string(),
            ))
        }
        "ended" => return Err(Error::Conflict(format!("this plan has ended: it cannot be {doing}"))),
        _ => {
            let current = p.versions.iter().rev().find(|v| v.status != "draft").map(|v| v.version).unwrap_or(p.version);
            return Err(Error::Conflict(format!(
                "this version has been replaced: open the current version ({current})"
            )));
        }
    }
    if let Some(d) = p.draft_version_id {
        let v = p.versions.iter().find(|v| v.id == d).map(|v| v.version).unwrap_or(p.version + 1);
        return Err(Error::Conflict(format!(
            "a draft new version ({v}) of this plan is waiting: agree it or discard it first"
        )));
    }
    Ok(p)
}

pub fn new_version(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Plan> {
    let p = current_agreed(ctx.tx, args.id, ctx.today(), "changed")?;
    let id = copy_as_draft(ctx, &p)?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, id, ctx.today())
}

/// Deletes a draft: a new plan never agreed, or a draft new version (not one a review made:
/// cancel the review instead).
pub fn discard(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Plan> {
    let p = draft_of(ctx.tx, args.id, ctx.today())?;
    if review_making(ctx.tx, p.id)?.is_some() {
        return Err(Error::Conflict("this draft belongs to a review: cancel the review instead".to_string()));
    }
    ctx.tx.execute("DELETE FROM support_plans WHERE id = ?1", [p.id])?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    Ok(p)
}

pub fn end(ctx: &mut Ctx<'_>, args: EndArgs) -> Result<Plan> {
    let p = load(ctx.tx, args.id, ctx.today())?;
    match p.status.as_str() {
        "agreed" => {}
        "under_review" => {
            return Err(Error::Conflict(
                "a review of this plan is in progress: complete or cancel it before ending the plan".to_string(),
            ))
        }
        "draft" => return Err(Error::Conflict("this plan was never agreed: discard the draft instead".to_string())),
        "ended" => return Err(Error::Conflict("this plan has already ended".to_string())),
        _ => return Err(Error::Conflict("this version has been replaced: end the current version".to_string())),
    }
    if p.draft_version_id.is_some() {
        return Err(Error::Conflict(
            "a draft new version of this plan is waiting: discard it before ending the plan".to_string(),
        ));
    }
    let mut c = Check::new("");
    let reason = c.required_choice("reason", &args.reason, PlanEndReason::parse, "choose why the plan is ending");
    let start = p.plan_started.as_deref().and_then(dates::from_iso);
    let ended_on = match args.ended_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(ctx.today()),
        Some(_) => date_from_start(&mut c, "ended_on", "date the plan ended", &args.ended_on, start),
    };
    if ended_on.is_some_and(|d| d > ctx.today()) {
        c.fail("ended_on", "the date the plan ended cannot be in the future");
    }
    let note = c.text("note", "Note", &args.note, LONG_TEXT_MAX);
    c.finish()?;
    ctx.tx.execute(
        "UPDATE support_plans SET status = 'ended', ended_on = ?2, end_reason = ?3, end_note = ?4, review_due = NULL,
             updated_at = ?5, updated_by = ?6 WHERE id = ?1",
        params![p.id, iso(ended_on), reason, note, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

/// Records progress on an agreed plan's action (status and notes only: what, who and by when
/// change through a review or a new version).
pub fn action_update(ctx: &mut Ctx<'_>, args: ActionUpdateArgs) -> Result<Plan> {
    let (plan_id, status): (i64, String) = ctx
        .tx
        .query_row(
            "SELECT p.id, p.status FROM plan_actions a JOIN support_plans p ON p.id = a.plan_id WHERE a.id = ?1",
            [args.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(Error::NotFound { what: "that action" })?;
    match status.as_str() {
        "agreed" => {}
        "draft" => {
            return Err(Error::Conflict("this plan is a draft: change the action in the plan itself".to_string()))
        }
        "under_review" => {
            return Err(Error::Conflict(
                "a review of this plan is in progress: record the action's progress in the review".to_string(),
            ))
        }
        _ => return Err(Error::Conflict("this plan is no longer current: its actions cannot change".to_string())),
    }
    let mut c = Check::new("");
    let new_status = c.required_choice("status", &args.status, ActionStatus::parse, "choose where the action stands");
    let notes = c.text("notes", "Notes", &args.notes, LONG_TEXT_MAX);
    c.finish()?;
    ctx.tx.execute(
        "UPDATE plan_actions SET status = ?2, notes = ?3, updated_at = ?4, updated_by = ?5 WHERE id = ?1",
        params![args.id, new_status, notes, ctx.now(), ctx.actor().name],
    )?;
    let p = load(ctx.tx, plan_id, ctx.today())?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    Ok(p)
}
