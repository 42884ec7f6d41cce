//! Young carers' transition to adulthood: the milestones worked out from the date of birth
//! and settings ([`milestones`]), what has been done, the handover to the adult carers
//! service, the "Transitions" view, and the young carer card's record.
//!
//! | milestone | due from | on time until | done when |
//! | --- | --- | --- | --- |
//! | preparing for adulthood | `prepare_age` birthday (14) | the day before the `transition_offer_age` birthday | recorded |
//! | transition assessment offered | `transition_offer_age` birthday (16) | the day before the next birthday (17), at the latest the day before the completion deadline | a transition assessment started, or recorded |
//! | transition assessment completed | `transition_offer_age` birthday | the day before `transition_complete_months` (17 years 6 months: "before 17½") | a transition assessment completed, or recorded |
//! | transition review | `transition_review_months` (17½) | the day before the `handover_age` birthday | recorded |
//! | handover | `transition_review_months` | the `handover_age` birthday (18) | a handover recorded |
//! | young adult carer support ends | the `young_adult_max_age` birthday (25) | the day before the next birthday (the range's end) | recorded |
//!
//! Birthdays follow `dates::anniversary` (29 February birthdays fall on 1 March in common
//! years); "17 years 6 months" follows `dates::add_months` (the month's last day when the day
//! does not exist). A milestone whose time ran out before the carer was first known to the
//! service (date first identified, or the record's creation) is "not applicable": nobody
//! could have done it.

pub mod print;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::carers::{self, ADULT_AGE};
use crate::choices::Milestone as Code;
use crate::context::{Ctx, Touched};
use crate::dates::{self, add_months, anniversary};
use crate::error::{Error, Result};
use crate::schools::{self, Adjustment, SchoolLink};
use crate::settings::{self, Settings};
use crate::validate::{self, Check, LONG_TEXT_MAX, NAME_MAX, TEXT_MAX};

/// The ages and months the milestones are worked out from (all settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    pub prepare_age: u32,
    pub offer_age: u32,
    pub complete_months: u32,
    pub review_months: u32,
    pub handover_age: u32,
    pub young_adult_max_age: u32,
}

impl Timeline {
    pub fn from_settings(s: &Settings) -> Timeline {
        Timeline {
            prepare_age: s.prepare_age,
            offer_age: s.transition_offer_age,
            complete_months: s.transition_complete_months,
            review_months: s.transition_review_months,
            handover_age: s.handover_age,
            young_adult_max_age: s.young_adult_max_age,
        }
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline::from_settings(&Settings::default())
    }
}

/// What has happened, from the records: each milestone done, the date and how.
#[derive(Debug, Clone, Default)]
pub struct Done {
    pub done: BTreeMap<&'static str, (NaiveDate, DoneHow, Option<String>)>,
    /// When the service first knew the carer.
    pub known_from: Option<NaiveDate>,
}

impl Done {
    /// How far the transition assessment got, as the milestones see it, so the Transitions view
    /// and the record say the same: `completed` (one completed here), `recorded` (a worker
    /// recorded the milestone as done: an assessment made elsewhere), `draft` (one started here,
    /// not completed) or `none`.
    pub fn assessment_state(&self) -> &'static str {
        match (self.done.get(Code::Assessment.code()), self.done.get(Code::Offer.code())) {
            (Some((_, DoneHow::Recorded, _)), _) => "recorded",
            (Some(_), _) => "completed",
            (None, Some((_, DoneHow::Assessment, _))) => "draft",
            _ => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DoneHow {
    /// A worker recorded it.
    Recorded,
    /// A transition assessment was started or completed.
    Assessment,
    /// A handover was recorded.
    Handover,
}

/// One milestone for one young carer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Milestone {
    /// A `milestone` code.
    pub code: String,
    pub label: String,
    pub due_from: String,
    /// The last day it is on time (`null`: never overdue).
    pub deadline: Option<String>,
    /// `not_yet_due`, `due`, `overdue`, `done` or `not_applicable` (its time ran out before
    /// the service knew the carer).
    pub status: String,
    pub status_label: String,
    pub done_on: Option<String>,
    pub done_how: Option<DoneHow>,
    pub note: Option<String>,
    /// A worker may record it as done (the handover is recorded with its own form).
    pub can_record: bool,
    /// When it is due and how it is done, in words.
    pub explanation: String,
}

/// When each milestone is due from, and its last day on time (`None`: never overdue).
pub fn schedule(dob: NaiveDate, t: &Timeline) -> [(Code, NaiveDate, Option<NaiveDate>); 6] {
    let day_before = |d: NaiveDate| d - Days::new(1);
    let complete_by = add_months(dob, t.complete_months);
    let review_at = add_months(dob, t.review_months);
    let offer_at = anniversary(dob, t.offer_age);
    [
        (Code::Prepare, anniversary(dob, t.prepare_age), Some(day_before(offer_at))),
        (Code::Offer, offer_at, Some(day_before(anniversary(dob, t.offer_age + 1)).min(day_before(complete_by)))),
        (Code::Assessment, offer_at, Some(day_before(complete_by))),
        (Code::Review, review_at, Some(day_before(anniversary(dob, t.handover_age)))),
        (Code::Handover, review_at, Some(anniversary(dob, t.handover_age))),
        (
            Code::YoungAdultEnd,
            anniversary(dob, t.young_adult_max_age),
            Some(day_before(anniversary(dob, t.young_adult_max_age + 1))),
        ),
    ]
}

/// A milestone's status code and label on `today`, from whether it is done (whatever the day)
/// and the day the service first knew the carer.
fn status(
    due_from: NaiveDate,
    deadline: Option<NaiveDate>,
    done: bool,
    known_from: Option<NaiveDate>,
    today: NaiveDate,
) -> (&'static str, &'static str) {
    match deadline {
        _ if done => ("done", "Done"),
        _ if today < due_from => ("not_yet_due", "Not yet due"),
        Some(d) if known_from.is_some_and(|k| k > d) => ("not_applicable", "Passed before we knew them"),
        Some(d) if today > d => ("overdue", "Overdue"),
        _ => ("due", "Due now"),
    }
}

/// The milestones overdue on `today`, with their deadlines: what the Transitions view needs,
/// without the wording. `done` says whether a milestone is done (the day does not matter);
/// `known_from` is the day the service first knew the carer.
pub fn overdue(
    dob: NaiveDate,
    t: &Timeline,
    done: impl Fn(Code) -> bool,
    known_from: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(Code, NaiveDate)> {
    schedule(dob, t)
        .into_iter()
        .filter(|&(code, due_from, deadline)| status(due_from, deadline, done(code), known_from, today).0 == "overdue")
        .filter_map(|(code, _, deadline)| Some((code, deadline?)))
        .collect()
}

/// What a milestone means and when, in words.
fn explain(code: Code, dob: NaiveDate, t: &Timeline, due_from: NaiveDate, deadline: Option<NaiveDate>) -> String {
    let uk = dates::uk;
    let by = deadline.map(uk).unwrap_or_default();
    match code {
        Code::Prepare => format!(
            "From {} (age {}): talk with the young carer about adulthood; record it when done, by {by}.",
            uk(due_from),
            t.prepare_age
        ),
        Code::Offer => format!(
            "From {} (age {}): offer a transition assessment (Care Act s63); starting one records it.",
            uk(due_from),
            t.offer_age
        ),
        Code::Assessment => format!(
            "Complete the transition assessment before {} ({} years {} months).",
            uk(add_months(dob, t.complete_months)),
            t.complete_months / 12,
            t.complete_months % 12
        ),
        Code::Review => format!(
            "From {}: review the plan for adulthood with the young carer before they turn {}.",
            uk(due_from),
            t.handover_age
        ),
        Code::Handover => format!(
            "Hand over to the adult carers service by {by} (age {}); recording the handover does it.",
            t.handover_age
        ),
        Code::YoungAdultEnd => format!(
            "Young adult carer support runs to age {}: plan the move to adult carer support by {by}.",
            t.young_adult_max_age
        ),
    }
}

/// The milestones of someone born on `dob`, on `today`. Without a date of birth there are
/// none, and the error says what to record.
pub fn milestones(
    dob: Option<NaiveDate>,
    t: &Timeline,
    done: &Done,
    today: NaiveDate,
) -> std::result::Result<Vec<Milestone>, String> {
    let dob = dob.ok_or_else(|| {
        "record the young carer's date of birth on their record: the transition milestones are worked out from it"
            .to_string()
    })?;
    Ok(schedule(dob, t)
        .into_iter()
        .map(|(code, due_from, deadline)| {
            let done_entry = done.done.get(code.code());
            let (status, label) = status(due_from, deadline, done_entry.is_some(), done.known_from, today);
            Milestone {
                code: code.code().into(),
                label: code.label().into(),
                due_from: dates::iso(due_from),
                deadline: deadline.map(dates::iso),
                status: status.into(),
                status_label: label.into(),
                done_on: done_entry.map(|d| dates::iso(d.0)),
                done_how: done_entry.map(|d| d.1),
                note: done_entry.and_then(|d| d.2.clone()),
                can_record: code != Code::Handover,
                explanation: explain(code, dob, t, due_from, deadline),
            }
        })
        .collect())
}

/// The latest transition assessment, briefly.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TransitionBrief {
    pub id: i64,
    pub reference: String,
    /// `draft` or `completed`.
    pub status: String,
    pub assessed_on: Option<String>,
    /// "Completed 12/03/2026: likely to be eligible at 18" or "Draft".
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Handover {
    pub receiving_service: String,
    pub worker: Option<String>,
    pub handover_on: String,
    pub consent_to_share: bool,
    pub notes: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// What a young carer card says (issuing the card passport copies it: `passports`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Card {
    /// A card was saved (otherwise the defaults are shown).
    pub saved: bool,
    pub valid_until: String,
    /// The 18th birthday.
    pub valid_until_default: String,
    pub adjustments_summary: Option<String>,
    /// The agreed adjustments in a line.
    pub adjustments_summary_default: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub emergency_contact_phone: Option<String>,
    /// Print the cared-for person's first name (only with their consent).
    pub show_cared_for_name: bool,
    pub cared_for_first_name: Option<String>,
}

/// Everything about a young carer's school life and transition, for the record's panel.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct YoungCarer {
    pub carer_id: i64,
    pub name: String,
    pub date_of_birth: Option<String>,
    pub age: u32,
    pub school_link: Option<SchoolLink>,
    pub adjustments: Vec<Adjustment>,
    pub milestones: Vec<Milestone>,
    /// Why there are no milestones (no date of birth, or past the young adult range).
    pub milestones_missing: Option<String>,
    pub transition_assessment: Option<TransitionBrief>,
    /// `none`, `draft`, `completed` or `recorded` (done elsewhere, recorded here as a
    /// milestone): the same words as the Transitions view's column.
    pub transition_assessment_state: String,
    pub handover: Option<Handover>,
    pub handover_warnings: Vec<String>,
    pub card: Card,
    /// Young enough for a school link (under [`crate::carers::SCHOOL_UNDER`]): the window offers
    /// "Link to a school" and shows the panel from this, not from a copy of the rule.
    pub school_age: bool,
}

fn transition_brief(conn: &Connection, carer_id: i64) -> Result<Option<TransitionBrief>> {
    let row = conn
        .query_row(
            "SELECT id, reference, status, assessed_on, determination ->> '$.result' FROM assessments
             WHERE carer_id = ?1 AND type = 'transition'
             ORDER BY status = 'completed' DESC, version DESC, id DESC LIMIT 1",
            [carer_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(|(id, reference, status, assessed_on, result)| {
        let when = assessed_on.as_deref().and_then(dates::from_iso).map(dates::uk).unwrap_or_default();
        let summary = match (status.as_str(), result.as_deref()) {
            ("draft", _) => "Draft".to_string(),
            (_, Some("eligible")) => format!("Completed {when}: likely to be eligible at 18"),
            (_, Some("not_eligible")) => format!("Completed {when}: not likely to be eligible at 18"),
            _ => format!("Completed {when}"),
        };
        TransitionBrief { id, reference, status, assessed_on, summary: summary.replace("  ", " ") }
    }))
}

/// Columns (for the carers table as `c`) of the facts the milestones need from other records:
/// when the service first knew the carer, the first transition assessment started and the first
/// completed, and the handover date. Read with [`Facts::read`].
pub(crate) const FACT_COLUMNS: &str = "coalesce(c.date_first_identified, substr(c.created_at, 1, 10)),
    (SELECT min(coalesce(a.assessed_on, substr(a.created_at, 1, 10))) FROM assessments a
     WHERE a.carer_id = c.id AND a.type = 'transition'),
    (SELECT min(coalesce(a.assessed_on, substr(a.completed_at, 1, 10))) FROM assessments a
     WHERE a.carer_id = c.id AND a.type = 'transition' AND a.status = 'completed'),
    (SELECT h.handover_on FROM handovers h WHERE h.carer_id = c.id)";

/// [`FACT_COLUMNS`] as read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    known: Option<String>,
    started: Option<String>,
    completed: Option<String>,
    handover: Option<String>,
}

impl Facts {
    /// Reads [`FACT_COLUMNS`] starting at column `at`.
    pub(crate) fn read(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Facts> {
        Ok(Facts { known: r.get(at)?, started: r.get(at + 1)?, completed: r.get(at + 2)?, handover: r.get(at + 3)? })
    }

    /// With the milestones recorded by hand (`(milestone, done_on, note)`), what is done.
    pub(crate) fn done(&self, recorded: &[RecordedMilestone]) -> Done {
        let mut done = Done::default();
        for (code, on, note) in recorded {
            if let Some(on) = dates::from_iso(on) {
                done.done.insert(code.code(), (on, DoneHow::Recorded, note.clone()));
            }
        }
        let automatic = [
            (Code::Offer, &self.started, DoneHow::Assessment),
            (Code::Assessment, &self.completed, DoneHow::Assessment),
            (Code::Handover, &self.handover, DoneHow::Handover),
        ];
        for (code, on, how) in automatic {
            if let Some(d) = on.as_deref().and_then(dates::from_iso) {
                done.done.insert(code.code(), (d, how, None));
            }
        }
        done.known_from = self.known.as_deref().and_then(dates::from_iso);
        done
    }
}

/// A milestone recorded as done by hand: which, when, and the note.
pub(crate) type RecordedMilestone = (Code, String, Option<String>);

/// The milestones a carer recorded as done by hand.
pub(crate) const RECORDED: &str = "SELECT m.carer_id, m.milestone, m.done_on, m.note FROM milestones_done m";

pub(crate) fn recorded_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, RecordedMilestone)> {
    Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
}

/// What is done towards one carer's milestones, from the records.
pub fn done_facts(conn: &Connection, carer_id: i64) -> Result<Done> {
    // Narrow read: the same transition facts the view's one-pass scan reads for every
    // candidate (FACT_COLUMNS), so one carer's milestones and the lists agree.
    let facts = conn
        .query_row(&format!("SELECT {FACT_COLUMNS} FROM carers c WHERE c.id = ?1"), [carer_id], |r| Facts::read(r, 0))
        .optional()?
        .ok_or(Error::NotFound { what: "carer" })?;
    let mut stmt = conn.prepare_cached(&format!("{RECORDED} WHERE m.carer_id = ?1"))?;
    let recorded: Vec<_> =
        stmt.query_map([carer_id], recorded_row)?.map(|r| r.map(|(_, m)| m)).collect::<rusqlite::Result<_>>()?;
    Ok(facts.done(&recorded))
}

fn handover_for(conn: &Connection, carer_id: i64) -> Result<Option<Handover>> {
    Ok(conn
        .query_row(
            "SELECT receiving_service, worker, handover_on, consent_to_share, notes, recorded_at, recorded_by
             FROM handovers WHERE carer_id = ?1",
            [carer_id],
            |r| {
                Ok(Handover {
                    receiving_service: r.get(0)?,
                    worker: r.get(1)?,
                    handover_on: r.get(2)?,
                    consent_to_share: r.get(3)?,
                    notes: r.get(4)?,
                    recorded_at: r.get(5)?,
                    recorded_by: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// The warnings shown with a handover (it is saved anyway).
pub fn handover_warnings(handover: Option<&Handover>, assessment: Option<&TransitionBrief>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(h) = handover else { return out };
    if assessment.is_none_or(|a| a.status != "completed") {
        out.push(
            "there is no completed transition assessment: complete one before the handover if you can, so the adult carers service has it (Care Act s63)"
                .into(),
        );
    }
    if !h.consent_to_share {
        out.push("consent to share is not recorded: the handover summary cannot be printed or sent until it is".into());
    }
    out
}

/// The active adjustments in one line, for the card.
fn adjustments_line(adjustments: &[Adjustment]) -> Option<String> {
    let active: Vec<&str> =
        adjustments.iter().filter(|a| a.ended_on.is_none()).map(|a| a.kind_label.as_str()).collect();
    (!active.is_empty()).then(|| active.join("; "))
}

fn card_for(conn: &Connection, carer_id: i64, dob: Option<NaiveDate>, adjustments: &[Adjustment]) -> Result<Card> {
    let default_until = dob.map(|d| dates::iso(anniversary(d, ADULT_AGE))).unwrap_or_default();
    let cared_for: Option<String> = conn
        .query_row(
            "SELECT p.first_name FROM caring_links l JOIN cared_for p ON p.id = l.cared_for_id
             WHERE l.carer_id = ?1 ORDER BY l.id LIMIT 1",
            [carer_id],
            |r| r.get(0),
        )
        .optional()?;
    let default_summary = adjustments_line(adjustments);
    let saved = conn
        .query_row(
            "SELECT valid_until, adjustments_summary, emergency_contact_name, emergency_contact_relationship,
                    emergency_contact_phone, show_cared_for_name FROM young_carer_cards WHERE carer_id = ?1",
            [carer_id],
            |r| {
                Ok(Card {
                    saved: true,
                    valid_until: r.get(0)?,
                    valid_until_default: default_until.clone(),
                    adjustments_summary: r.get(1)?,
                    adjustments_summary_default: default_summary.clone(),
                    emergency_contact_name: r.get(2)?,
                    emergency_contact_relationship: r.get(3)?,
                    emergency_contact_phone: r.get(4)?,
                    show_cared_for_name: r.get(5)?,
                    cared_for_first_name: cared_for.clone(),
                })
            },
        )
        .optional()?;
    Ok(saved.unwrap_or(Card {
        saved: false,
        valid_until: default_until.clone(),
        valid_until_default: default_until,
        adjustments_summary: default_summary.clone(),
        adjustments_summary_default: default_summary,
        emergency_contact_name: None,
        emergency_contact_relationship: None,
        emergency_contact_phone: None,
        show_cared_for_name: false,
        cared_for_first_name: cared_for,
    }))
}

/// A young carer's school link, adjustments, milestones, transition assessment, handover and
/// card.
pub fn young_carer(conn: &Connection, carer_id: i64, today: NaiveDate) -> Result<YoungCarer> {
    let settings = settings::load(conn)?;
    let details = crate::carers::read(conn, carer_id)
        .map_err(|e| match e {
            Error::NotFound { .. } => Error::NotFound { what: "carer" },
            e => e,
        })?
        .details;
    let (first, last) = (details.first_name.unwrap_or_default(), details.last_name.unwrap_or_default());
    let (preferred, dob) = (details.preferred_name, details.date_of_birth);
    let birth = dob.as_deref().and_then(dates::from_iso);
    let age = birth.and_then(|d| dates::age_on(d, today)).unwrap_or(0);
    let timeline = Timeline::from_settings(&settings);
    let done = done_facts(conn, carer_id)?;
    let (milestones, missing) = match birth {
        Some(_) if age > timeline.young_adult_max_age => (
            Vec::new(),
            Some(format!(
                "{first} is {age}: transition milestones are for young carers and young adult carers up to {} (the range in settings)",
                timeline.young_adult_max_age
            )),
        ),
        _ => match milestones(birth, &timeline, &done, today) {
            Ok(m) => (m, None),
            Err(why) => (Vec::new(), Some(why)),
        },
    };
    let adjustments = schools::adjustments_for(conn, carer_id, today)?;
    let assessment = transition_brief(conn, carer_id)?;
    let handover = handover_for(conn, carer_id)?;
    Ok(YoungCarer {
        carer_id,
        name: schools::display_name(&first, &last, preferred.as_deref()),
        date_of_birth: dob,
        age,
        school_link: schools::link_for(conn, carer_id)?,
        card: card_for(conn, carer_id, birth, &adjustments)?,
        school_age: birth.is_none() || age < crate::carers::SCHOOL_UNDER,
        adjustments,
        milestones,
        milestones_missing: missing,
        handover_warnings: handover_warnings(handover.as_ref(), assessment.as_ref()),
        transition_assessment: assessment,
        transition_assessment_state: done.assessment_state().to_string(),
        handover,
    })
}

use crate::args::CarerArgs;

pub fn get(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<YoungCarer> {
    let out = young_carer(ctx.tx, args.carer_id, ctx.today())?;
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    Ok(out)
}

/// `school_link_save`: links a young carer to their school ([`schools::link_save`]) and answers
/// with their whole page.
pub fn school_link_save(ctx: &mut Ctx<'_>, args: schools::LinkArgs) -> Result<YoungCarer> {
    schools::link_save(ctx, &args)?;
    young_carer(ctx.tx, args.carer_id, ctx.today())
}

/// `school_link_remove`: removes a young carer's school link ([`schools::link_remove`]) and
/// answers with their whole page.
pub fn school_link_remove(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<YoungCarer> {
    schools::link_remove(ctx, args.carer_id)?;
    young_carer(ctx.tx, args.carer_id, ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneArgs {
    pub carer_id: i64,
    /// A `milestone` code (not `handover`: record the handover itself).
    pub milestone: String,
    /// When it was done (not in the future). Not needed to clear.
    #[serde(default)]
    pub done_on: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records a milestone as done.
pub fn milestone_record(ctx: &mut Ctx<'_>, args: MilestoneArgs) -> Result<YoungCarer> {
    let carer = crate::register::load(ctx.tx, args.carer_id, ctx.today())?;
    let mut c = Check::new("");
    let code = c.absorb(Code::parse("milestone", &args.milestone));
    if code == Some(Code::Handover) {
        c.fail("milestone", "record the handover with the handover form: the receiving service and date are needed");
    }
    let on = c.required_past_date(
        "done_on",
        "Date done",
        &args.done_on,
        ctx.today(),
        "enter the date it was done, for example 14/10/2026",
    );
    let dob = carer.details.date_of_birth.as_deref().and_then(dates::from_iso);
    if let (Some(on), Some(dob)) = (on, dob) {
        if on < dob {
            c.fail("done_on", "the date done cannot be before the date of birth");
        }
    }
    let note = c.text("note", "Note", &args.note, LONG_TEXT_MAX);
    c.finish()?;
    ctx.tx.execute(
        "INSERT INTO milestones_done (carer_id, milestone, done_on, note, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (carer_id, milestone) DO UPDATE SET done_on = excluded.done_on, note = excluded.note,
             recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        params![args.carer_id, code, on.map(dates::iso), note, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    young_carer(ctx.tx, args.carer_id, ctx.today())
}

/// Undoes a milestone recorded as done (those done by an assessment or handover stay done).
pub fn milestone_clear(ctx: &mut Ctx<'_>, args: MilestoneArgs) -> Result<YoungCarer> {
    carers::ensure_exists(ctx.tx, args.carer_id)?;
    let code = Code::parse("milestone", &args.milestone)?;
    let n = ctx
        .tx
        .execute("DELETE FROM milestones_done WHERE carer_id = ?1 AND milestone = ?2", params![args.carer_id, code])?;
    if n == 0 {
        return Err(Error::Conflict(format!(
            "'{}' was not recorded as done, so there is nothing to undo",
            code.label()
        )));
    }
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    young_carer(ctx.tx, args.carer_id, ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverArgs {
    pub carer_id: i64,
    /// The adult carers service taking over.
    pub receiving_service: Option<String>,
    /// The worker there.
    pub worker: Option<String>,
    /// The date of the handover (may be planned ahead).
    pub handover_on: Option<String>,
    /// The young carer agreed to their information being shared with that service.
    #[serde(default)]
    pub consent_to_share: bool,
    pub notes: Option<String>,
}

/// Records (or changes) the handover to the adult carers service.
pub fn handover_save(ctx: &mut Ctx<'_>, args: HandoverArgs) -> Result<YoungCarer> {
    let carer = crate::register::load(ctx.tx, args.carer_id, ctx.today())?;
    let mut c = Check::new("");
    let service = c.required("receiving_service", "Receiving service", &args.receiving_service, TEXT_MAX);
    let worker = c.text("worker", "Worker", &args.worker, NAME_MAX);
    let on = match c.date("handover_on", &args.handover_on) {
        Some(d) => Some(d),
        None => {
            if validate::blank(&args.handover_on) {
                c.fail("handover_on", "enter the date of the handover, for example 01/03/2027");
            }
            None
        }
    };
    let dob = carer.details.date_of_birth.as_deref().and_then(dates::from_iso);
    if let (Some(on), Some(dob)) = (on, dob) {
        if on < anniversary(dob, 14) {
            c.fail("handover_on", "a handover to adult services is not before the young carer is 14: check the date");
        }
    }
    let notes = c.text("notes", "Notes", &args.notes, LONG_TEXT_MAX);
    c.finish()?;
    ctx.tx.execute(
        "INSERT INTO handovers (carer_id, receiving_service, worker, handover_on, consent_to_share, notes,
             recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (carer_id) DO UPDATE SET receiving_service = excluded.receiving_service,
             worker = excluded.worker, handover_on = excluded.handover_on,
             consent_to_share = excluded.consent_to_share, notes = excluded.notes,
             recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        params![
            args.carer_id,
            service,
            worker,
            on.map(dates::iso),
            args.consent_to_share,
            notes,
            ctx.now(),
            ctx.actor().name
        ],
    )?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    young_carer(ctx.tx, args.carer_id, ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardArgs {
    pub carer_id: i64,
    /// Default: the 18th birthday (and not later).
    pub valid_until: Option<String>,
    /// What the card says about school adjustments (default: the agreed adjustments).
    pub adjustments_summary: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub emergency_contact_phone: Option<String>,
    /// Print the cared-for person's first name (only with their consent).
    #[serde(default)]
    pub show_cared_for_name: bool,
}

/// Saves what the young carer card would say.
pub fn card_save(ctx: &mut Ctx<'_>, args: CardArgs) -> Result<YoungCarer> {
    let yc = young_carer(ctx.tx, args.carer_id, ctx.today())?;
    if yc.age >= ADULT_AGE {
        return Err(Error::field(
            "carer_id",
            format!("{} is {}: a young carer card is for carers under 18", yc.name, yc.age),
        ));
    }
    let mut c = Check::new("");
    let until = match c.date("valid_until", &args.valid_until) {
        Some(d) => Some(d),
        None if validate::blank(&args.valid_until) => dates::from_iso(&yc.card.valid_until_default),
        None => None,
    };
    if let Some(u) = until {
        if u < ctx.today() {
            c.fail("valid_until", "the card would already have expired: choose a date from today");
        }
        if dates::from_iso(&yc.card.valid_until_default).is_some_and(|max| u > max) {
            c.fail(
                "valid_until",
                format!(
                    "a young carer card is valid until the 18th birthday ({}) at the latest",
                    dates::uk(dates::from_iso(&yc.card.valid_until_default).expect("checked"))
                ),
            );
        }
    }
    let summary = c.text("adjustments_summary", "Adjustments summary", &args.adjustments_summary, 300);
    let name = c.text("emergency_contact_name", "Emergency contact", &args.emergency_contact_name, NAME_MAX);
    let relationship =
        c.text("emergency_contact_relationship", "Relationship", &args.emergency_contact_relationship, 60);
    let phone = c.text("emergency_contact_phone", "Emergency contact phone", &args.emergency_contact_phone, 40);
    if phone.as_deref().is_some_and(|p| !validate::phone(p)) {
        c.fail("emergency_contact_phone", "enter a phone number with 10 to 15 digits, for example 07700 900123");
    }
    if name.is_some() != phone.is_some() {
        let field = if name.is_some() { "emergency_contact_phone" } else { "emergency_contact_name" };
        c.fail(field, "give the emergency contact's name and phone number together");
    }
    if args.show_cared_for_name && yc.card.cared_for_first_name.is_none() {
        c.fail("show_cared_for_name", "there is no cared-for person on the record to name");
    }
    c.finish()?;
    ctx.tx.execute(
        "INSERT INTO young_carer_cards (carer_id, valid_until, adjustments_summary, emergency_contact_name,
             emergency_contact_relationship, emergency_contact_phone, show_cared_for_name, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (carer_id) DO UPDATE SET valid_until = excluded.valid_until,
             adjustments_summary = excluded.adjustments_summary,
             emergency_contact_name = excluded.emergency_contact_name,
             emergency_contact_relationship = excluded.emergency_contact_relationship,
             emergency_contact_phone = excluded.emergency_contact_phone,
             show_cared_for_name = excluded.show_cared_for_name,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![
            args.carer_id,
            until.map(dates::iso),
            summary,
            name,
            relationship,
            phone,
            args.show_cared_for_name,
            ctx.now(),
            ctx.actor().name
        ],
    )?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    young_carer(ctx.tx, args.carer_id, ctx.today())
}

pub mod handover;
pub mod view;
pub use view::{counts, transitions, HomeTransitions, TransitionCounts, TransitionsArgs};

#[cfg(test)]
mod tests;
