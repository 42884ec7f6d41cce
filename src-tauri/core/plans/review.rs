//! Reviews of support plans (Care Act s27): planned (the first light-touch review, then
//! yearly) or unplanned (the carer asked, or circumstances changed).
//!
//! Starting a review puts the agreed version "under review" and makes a draft copy of it, the
//! updated plan, which the worker changes like any draft. The review records progress on each
//! outcome and action, the changes in the caring situation, whether a new assessment is
//! needed, and the next review date (the settings' rule, or an earlier date the worker
//! chooses: never later, as reviews are at least yearly). Completing it agrees the updated plan
//! (the old version is superseded, still readable) with the actions' new statuses. Cancelling
//! it throws the draft away and the plan is agreed again as it was.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{ActionStatus, Plan};
use crate::args::IdArgs;
use crate::choices::Choice;
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, FieldError, Result};
use crate::reviews;
use crate::settings;
use crate::validate::{Check, LONG_TEXT_MAX};

choice_list!(
    /// How far an outcome in the plan has been achieved, at a review.
    OutcomeProgress, "outcome_progress" {
    Achieved = "achieved": "Achieved",
    PartlyAchieved = "partly_achieved": "Partly achieved",
    NotAchieved = "not_achieved": "Not yet achieved",
    NoLongerRelevant = "no_longer_relevant": "No longer relevant",
});

choice_list!(
    /// Why an unplanned review is held.
    UnplannedReason, "unplanned_reason" {
    CarerRequest = "carer_request": "The carer asked for a review",
    ChangeOfCircumstances = "change_of_circumstances": "Change of circumstances",
    Other = "other": "Another reason",
});

/// Progress on one of the plan's outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutcomeEntry {
    pub position: u32,
    /// The outcome as the plan words it.
    pub text: String,
    /// An `outcome_progress` code; blank until recorded.
    pub progress: Option<String>,
    #[serde(default)]
    pub progress_label: Option<String>,
    pub note: Option<String>,
}

/// Progress on one of the plan's actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionEntry {
    /// The action's key (the same in every version).
    pub key: i64,
    pub description: String,
    pub who: Option<String>,
    pub due_on: Option<String>,
    /// An `action_status` code: where the action stands now.
    pub status: Option<String>,
    #[serde(default)]
    pub status_label: Option<String>,
    pub note: Option<String>,
}

/// A review with everything about it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Review {
    pub id: i64,
    /// The version reviewed.
    pub plan_id: i64,
    pub plan_reference: String,
    pub plan_version: u32,
    /// The updated plan (a draft until the review is completed).
    pub new_plan_id: i64,
    pub carer_id: i64,
    pub carer_name: String,
    /// `draft` or `completed`.
    pub status: String,
    pub planned: bool,
    /// Unplanned reviews: an `unplanned_reason` code.
    pub reason: Option<String>,
    pub reason_label: Option<String>,
    pub review_date: Option<String>,
    pub outcomes: Vec<OutcomeEntry>,
    pub actions: Vec<ActionEntry>,
    pub caring_changes: Option<String>,
    pub new_assessment_needed: Option<bool>,
    pub new_assessment_note: Option<String>,
    /// The date the worker chose for the next review (earlier than the rule), if any.
    pub next_review_chosen: Option<String>,
    /// When the next review will be due: the chosen date, or the settings' rule from the
    /// review date (blank until the review date is entered).
    pub next_review_due: Option<String>,
    /// The latest the next review may be: the review date plus the settings' interval.
    pub next_review_latest: Option<String>,
    /// Drafts: what still stops it being completed (review fields, and the updated plan's
    /// under `plan.`).
    pub missing: Vec<FieldError>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub completed_at: Option<String>,
    pub completed_by: Option<String>,
}

/// A line of a plan's review history.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReviewSummary {
    pub id: i64,
    pub plan_id: i64,
    pub plan_version: u32,
    pub new_plan_id: i64,
    pub status: String,
    pub planned: bool,
    pub reason_label: Option<String>,
    pub review_date: Option<String>,
    pub new_assessment_needed: Option<bool>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartArgs {
    /// The agreed plan version to review.
    pub plan_id: i64,
    /// `false` for an unplanned review (then give the reason).
    #[serde(default = "yes")]
    pub planned: bool,
    /// An `unplanned_reason` code.
    pub reason: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub position: u32,
    pub progress: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub key: i64,
    pub status: Option<String>,
    pub note: Option<String>,
}

/// Changes to a draft review: fields not sent keep their value; `""` clears text; outcome and
/// action entries merge by position and key.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SaveArgs {
    pub id: i64,
    pub review_date: Option<String>,
    pub planned: Option<bool>,
    pub reason: Option<String>,
    pub outcomes: Option<Vec<OutcomeInput>>,
    pub actions: Option<Vec<ActionInput>>,
    pub caring_changes: Option<String>,
    pub new_assessment_needed: Option<bool>,
    pub new_assessment_note: Option<String>,
    /// An earlier next review date than the rule gives (`""` goes back to the rule).
    pub next_review_due: Option<String>,
}

const COLUMNS: &str =
    "r.id, r.plan_id, p.reference, p.version, r.new_plan_id, p.carer_id, r.status, r.planned, r.reason,
    r.review_date, r.outcome_progress, r.action_progress, r.caring_changes, r.new_assessment_needed,
    r.new_assessment_note, r.next_review_due, r.created_at, r.created_by, r.updated_at, r.updated_by,
    r.completed_at, r.completed_by, c.first_name, c.last_name";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Review> {
    let reason: Option<UnplannedReason> = r.get(8)?;
    let mut outcomes: Vec<OutcomeEntry> = super::json_col(r, 10)?;
    for o in &mut outcomes {
        o.progress_label = o.progress.as_deref().and_then(OutcomeProgress::from_code).map(|p| p.label().to_string());
    }
    let mut actions: Vec<ActionEntry> = super::json_col(r, 11)?;
    for a in &mut actions {
        a.status_label = a.status.as_deref().and_then(ActionStatus::from_code).map(|s| s.label().to_string());
    }
    let first: String = r.get(22)?;
    let last: String = r.get(23)?;
    Ok(Review {
        id: r.get(0)?,
        plan_id: r.get(1)?,
        plan_reference: r.get(2)?,
        plan_version: r.get(3)?,
        new_plan_id: r.get(4)?,
        carer_id: r.get(5)?,
        carer_name: format!("{first} {last}"),
        status: r.get(6)?,
        planned: r.get(7)?,
        reason: reason.map(|x| x.code().to_string()),
        reason_label: reason.map(|x| x.label().to_string()),
        review_date: r.get(9)?,
        outcomes,
        actions,
        caring_changes: r.get(12)?,
        new_assessment_needed: r.get(13)?,
        new_assessment_note: r.get(14)?,
        next_review_chosen: r.get(15)?,
        next_review_due: None,
        next_review_latest: None,
        missing: vec![],
        created_at: r.get(16)?,
        created_by: r.get(17)?,
        updated_at: r.get(18)?,
        updated_by: r.get(19)?,
        completed_at: r.get(20)?,
        completed_by: r.get(21)?,
    })
}

fn date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(dates::from_iso)
}

/// The review with its computed dates and, for a draft, what is missing.
pub fn load(conn: &Connection, id: i64, today: NaiveDate) -> Result<Review> {
    let mut r = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM plan_reviews r JOIN support_plans p ON p.id = r.plan_id
                 JOIN carers c ON c.id = p.carer_id WHERE r.id = ?1"
            ),
            [id],
            from_row,
        )
        .optional()?
        .ok_or(Error::NotFound { what: "that review" })?;
    let settings = settings::load(conn)?;
    let latest = date(&r.review_date).map(|d| reviews::next_review_due(d, &settings));
    r.next_review_latest = super::iso(latest);
    r.next_review_due = r.next_review_chosen.clone().or_else(|| super::iso(latest));
    if r.status == "draft" {
        r.missing = match completion_check(conn, &r, today) {
            Ok(()) => vec![],
            Err(Error::Validation(es)) => es,
            Err(e) => return Err(e),
        };
    }
    Ok(r)
}

/// A plan's reviews (every version), newest first.
pub fn summaries(conn: &Connection, reference: &str) -> Result<Vec<ReviewSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.plan_id, p.version, r.new_plan_id, r.status, r.planned, r.reason, r.review_date,
                r.new_assessment_needed
         FROM plan_reviews r JOIN support_plans p ON p.id = r.plan_id
         WHERE p.reference = ?1 ORDER BY (r.status = 'draft') DESC, r.review_date DESC, r.id DESC",
    )?;
    let rows = stmt.query_map([reference], |r| {
        let reason: Option<UnplannedReason> = r.get(6)?;
        Ok(ReviewSummary {
            id: r.get(0)?,
            plan_id: r.get(1)?,
            plan_version: r.get(2)?,
            new_plan_id: r.get(3)?,
            status: r.get(4)?,
            planned: r.get(5)?,
            reason_label: reason.map(|x| x.label().to_string()),
            review_date: r.get(7)?,
            new_assessment_needed: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn unplanned_reason(c: &mut Check, planned: bool, reason: &Option<String>) -> Option<UnplannedReason> {
    if planned {
        return None;
    }
    c.required_choice("reason", reason, UnplannedReason::parse, "choose why this unplanned review is being held")
}

pub fn start(ctx: &mut Ctx<'_>, args: StartArgs) -> Result<Review> {
    let p = super::current_agreed(ctx.tx, args.plan_id, ctx.today(), "reviewed")?;
    let mut c = Check::new("");
    let reason = unplanned_reason(&mut c, args.planned, &args.reason);
    c.finish()?;
    let new_id = super::copy_as_draft(ctx, &p)?;
    let outcomes: Vec<OutcomeEntry> = p
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, text)| OutcomeEntry {
            position: i as u32 + 1,
            text: text.clone(),
            progress: None,
            progress_label: None,
            note: None,
        })
        .collect();
    let actions: Vec<ActionEntry> = p
        .actions
        .iter()
        .map(|a| ActionEntry {
            key: a.key,
            description: a.description.clone(),
            who: a.who.clone(),
            due_on: a.due_on.clone(),
            status: Some(a.status.clone()),
            status_label: None,
            note: None,
        })
        .collect();
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    ctx.tx.execute(
        "INSERT INTO plan_reviews (plan_id, new_plan_id, planned, reason, outcome_progress, action_progress,
             created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
        params![
            p.id,
            new_id,
            args.planned,
            reason,
            serde_json::to_string(&outcomes).expect("serialises"),
            serde_json::to_string(&actions).expect("serialises"),
            now,
            by
        ],
    )?;
    let id = ctx.tx.last_insert_rowid();
    ctx.tx.execute(
        "UPDATE support_plans SET status = 'under_review', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![p.id, now, by],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, id, ctx.today())
}

pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Review> {
    let r = load(ctx.tx, args.id, ctx.today())?;
    ctx.touch(Touched::ViewedCarer(r.carer_id));
    Ok(r)
}

fn draft(conn: &Connection, id: i64, today: NaiveDate) -> Result<Review> {
    let r = load(conn, id, today)?;
    if r.status != "draft" {
        return Err(Error::Conflict("this review is completed: it cannot be changed".to_string()));
    }
    Ok(r)
}

// Long: one check per field of the review form, in its order, so that errors come back in the order
// the form shows them.
pub fn save(ctx: &mut Ctx<'_>, args: SaveArgs) -> Result<Review> {
    let today = ctx.today();
    let mut r = draft(ctx.tx, args.id, today)?;
    let settings = settings::load(ctx.tx)?;
    let mut c = Check::new("");
    if let Some(planned) = args.planned {
        r.planned = planned;
    }
    let reason_text = args.reason.clone().or(r.reason.clone());
    let reason = unplanned_reason(&mut c, r.planned, &reason_text);
    if let Some(text) = &args.review_date {
        r.review_date = match text.trim() {
            "" => None,
            t => c.absorb(dates::parse("review_date", t)).and_then(|d| {
                let start = super::plan_started(ctx.tx, &r.plan_reference).ok().flatten().unwrap_or(d);
                let path = c.path("review_date");
                c.absorb(reviews::check_review_date(&path, start, d, today)).map(|_| d)
            }),
        }
        .map(dates::iso);
    }
    if let Some(list) = &args.outcomes {
        for (i, o) in list.iter().enumerate() {
            let at = |f: &str| format!("outcomes[{i}].{f}");
            let progress = c.choice(&at("progress"), &o.progress, OutcomeProgress::parse);
            let note = c.text(&at("note"), "Note", &o.note, LONG_TEXT_MAX);
            match r.outcomes.iter_mut().find(|e| e.position == o.position) {
                Some(e) => {
                    e.progress = progress.map(|p| p.code().to_string());
                    e.note = note;
                }
                None => c.fail(&at("position"), format!("the plan has no outcome {}", o.position)),
            }
        }
    }
    if let Some(list) = &args.actions {
        for (i, a) in list.iter().enumerate() {
            let at = |f: &str| format!("actions[{i}].{f}");
            let status = c.choice(&at("status"), &a.status, ActionStatus::parse);
            let note = c.text(&at("note"), "Note", &a.note, LONG_TEXT_MAX);
            match r.actions.iter_mut().find(|e| e.key == a.key) {
                Some(e) => {
                    e.status = status.map(|s| s.code().to_string());
                    e.note = note;
                }
                None => c.fail(&at("key"), "that action is not in the plan being reviewed"),
            }
        }
    }
    if let Some(t) = &args.caring_changes {
        r.caring_changes = c.text("caring_changes", "Changes in the caring situation", &Some(t.clone()), LONG_TEXT_MAX);
    }
    if let Some(b) = args.new_assessment_needed {
        r.new_assessment_needed = Some(b);
    }
    if let Some(t) = &args.new_assessment_note {
        r.new_assessment_note = c.text("new_assessment_note", "Why", &Some(t.clone()), LONG_TEXT_MAX);
    }
    if let Some(t) = &args.next_review_due {
        r.next_review_chosen = match t.trim() {
            "" => None,
            t => c.absorb(dates::parse("next_review_due", t)).map(dates::iso),
        };
    }
    if let (Some(chosen), Some(reviewed)) = (date(&r.next_review_chosen), date(&r.review_date)) {
        let latest = reviews::next_review_due(reviewed, &settings);
        if chosen <= reviewed {
            c.fail("next_review_due", format!("choose a next review date after the review ({})", dates::uk(reviewed)));
        } else if chosen > latest {
            c.fail(
                "next_review_due",
                format!(
                    "reviews are held at least every {} months: choose {} or earlier",
                    settings.review_interval_months,
                    dates::uk(latest)
                ),
            );
        }
    }
    c.finish()?;
    ctx.tx.execute(
        "UPDATE plan_reviews SET planned = ?2, reason = ?3, review_date = ?4, outcome_progress = ?5,
             action_progress = ?6, caring_changes = ?7, new_assessment_needed = ?8, new_assessment_note = ?9,
             next_review_due = ?10, updated_at = ?11, updated_by = ?12
         WHERE id = ?1",
        params![
            r.id,
            r.planned,
            reason,
            r.review_date,
            serde_json::to_string(&r.outcomes).expect("serialises"),
            serde_json::to_string(&r.actions).expect("serialises"),
            r.caring_changes,
            r.new_assessment_needed,
            r.new_assessment_note,
            r.next_review_chosen,
            ctx.now(),
            ctx.actor().name
        ],
    )?;
    ctx.touch(Touched::ChangedCarer(r.carer_id));
    load(ctx.tx, r.id, today)
}

/// Everything a review needs before it is completed, and what the updated plan needs to be
/// agreed (those errors under `plan.`).
fn completion_check(conn: &Connection, r: &Review, today: NaiveDate) -> Result<()> {
    let mut c = Check::new("");
    if r.review_date.is_none() {
        c.fail("review_date", "enter the date of the review");
    }
    for (i, o) in r.outcomes.iter().enumerate() {
        if o.progress.is_none() {
            c.fail(&format!("outcomes[{i}].progress"), format!("record the progress on outcome {}", o.position));
        }
    }
    for (i, a) in r.actions.iter().enumerate() {
        if a.status.is_none() {
            c.fail(&format!("actions[{i}].status"), format!("choose where the action \"{}\" stands", a.description));
        }
    }
    if r.caring_changes.is_none() {
        c.fail("caring_changes", "describe any changes in the caring situation (or write \"no change\")");
    }
    match r.new_assessment_needed {
        None => c.fail("new_assessment_needed", "answer whether a new assessment is needed"),
        Some(true) if r.new_assessment_note.is_none() => {
            c.fail("new_assessment_note", "say why a new assessment is needed")
        }
        _ => {}
    }
    let mut plan = super::load_without_missing(conn, r.new_plan_id, today)?;
    if plan.start_date.is_none() {
        plan.start_date = r.review_date.clone();
    }
    if let Err(Error::Validation(es)) = super::agreement_check(&plan, today) {
        for e in es {
            let message = e.message.clone();
            c.fail(&format!("plan.{}", e.field), format!("in the updated plan: {message}"));
        }
    }
    c.finish()
}

pub fn complete(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Review> {
    let today = ctx.today();
    let r = draft(ctx.tx, args.id, today)?;
    completion_check(ctx.tx, &r, today)?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let review_date = date(&r.review_date).expect("checked");
    // The actions' new statuses (and the review's note) go into the updated plan.
    for a in &r.actions {
        let note = a.note.as_ref().map(|n| format!("Review {}: {n}", dates::uk(review_date)));
        ctx.tx.execute(
            "UPDATE plan_actions SET status = ?3,
                 notes = CASE WHEN ?4 IS NULL THEN notes WHEN notes IS NULL THEN ?4 ELSE notes || char(10) || ?4 END,
                 updated_at = ?5, updated_by = ?6
             WHERE plan_id = ?1 AND action_key = ?2",
            params![r.new_plan_id, a.key, a.status, note, now, by],
        )?;
    }
    ctx.tx.execute(
        "UPDATE support_plans SET start_date = COALESCE(start_date, ?2) WHERE id = ?1",
        params![r.new_plan_id, r.review_date],
    )?;
    ctx.tx.execute(
        "UPDATE plan_reviews SET status = 'completed', completed_at = ?2, completed_by = ?3, updated_at = ?2,
             updated_by = ?3 WHERE id = ?1",
        params![r.id, now, by],
    )?;
    let plan: Plan = super::load_without_missing(ctx.tx, r.new_plan_id, today)?;
    super::make_agreed(ctx, &plan)?;
    ctx.touch(Touched::ChangedCarer(r.carer_id));
    load(ctx.tx, r.id, today)
}

/// Throws a draft review and its updated plan away; the plan is agreed again as it was.
pub fn cancel(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Plan> {
    let today = ctx.today();
    let r = draft(ctx.tx, args.id, today)?;
    ctx.tx.execute("DELETE FROM plan_reviews WHERE id = ?1", [r.id])?;
    ctx.tx.execute("DELETE FROM support_plans WHERE id = ?1", [r.new_plan_id])?;
    ctx.tx.execute(
        "UPDATE support_plans SET status = 'agreed', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![r.plan_id, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(r.carer_id));
    super::load(ctx.tx, r.plan_id, today)
}
