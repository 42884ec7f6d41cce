//! Support plans (Care Act 2014 s25), their contingency plans, versions and reviews (s27).
//!
//! Lifecycle of one plan (a line of versions sharing a reference, `SP-000001`):
//!
//! - **draft**: made from a completed assessment (taking over its needs, determination, the
//!   carer's own outcomes and who took part), or without one for light-touch support
//!   (information and advice only). Saved as often as the window likes; only what is there is
//!   checked.
//! - **agreed**: [`agree`] checks everything s25 needs (the carer's agreement, the worker, each
//!   need's decision ...) and locks the version. From then on the plan changes only through a
//!   review ([`review`]) or a new version ([`new_version`]); old versions stay readable
//!   (`superseded`). Only the progress of its actions (status and notes) is recorded on an
//!   agreed plan between reviews.
//! - **under review**: a review is open; it works on a draft copy, the updated plan, which is
//!   agreed when the review is completed.
//! - **ended**, with a reason.
//!
//! When the next review is due is kept on the live version (`review_due`) by the core, from the
//! settings and the reviews held ([`crate::reviews`]), so the home screen's lists are one
//! indexed query.

pub mod lists;
pub mod print;
pub mod review;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::args::IdArgs;
use crate::assessments::{self, AssessmentType};
use crate::catalogue;
use crate::choices::Choice;
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::eligibility::{Determination, EligibilityResult, Outcome, WellbeingArea};
use crate::error::{Error, Result};
use crate::reviews::{self, ReviewStatus};
use crate::settings::{self, Settings};
use crate::validate::{self, Check, LONG_TEXT_MAX, NAME_MAX, TEXT_MAX};

choice_list!(
    /// Where a version of a support plan stands.
    PlanStatus, "plan_status" {
    Draft = "draft": "Draft",
    Agreed = "agreed": "Agreed",
    UnderReview = "under_review": "Under review",
    Ended = "ended": "Ended",
    Superseded = "superseded": "Replaced by a newer version",
});

choice_list!(
    /// Whether, and how far, a need meets the eligibility criteria.
    NeedEligibility, "need_eligibility" {
    Eligible = "eligible": "Eligible",
    PartlyEligible = "partly_eligible": "Partly eligible",
    NotEligible = "not_eligible": "Not eligible",
    NotApplicable = "not_applicable": "Not assessed against the adult eligibility criteria",
});

choice_list!(
    /// Whether a need will be met.
    WillMeet, "will_meet" {
    Yes = "yes": "Will be met",
    Partly = "partly": "Will be partly met",
    No = "no": "Will not be met",
});

choice_list!(
    /// Where an action stands.
    ActionStatus, "action_status" {
    Planned = "planned": "Planned",
    InProgress = "in_progress": "In progress",
    Done = "done": "Done",
    Declined = "declined": "Declined",
});

choice_list!(
    /// How often a direct payment is paid.
    DpFrequency, "dp_frequency" {
    Weekly = "weekly": "Every week",
    FourWeekly = "four_weekly": "Every four weeks",
    Monthly = "monthly": "Every month",
    Annual = "annual": "Once a year",
    OneOff = "one_off": "One payment",
});

choice_list!(
    /// How the carer gave their agreement to the plan.
    AgreementMethod, "agreement_method" {
    InPerson = "in_person": "In person",
    Phone = "phone": "By phone",
    Video = "video": "By video call",
    InWriting = "in_writing": "In writing (letter or email)",
    Other = "other": "Another way",
});

choice_list!(
    /// Why a plan ended.
    PlanEndReason, "plan_end_reason" {
    NoLongerCaring = "no_longer_caring": "No longer caring",
    CaredForDied = "cared_for_died": "The person cared for died",
    CarerDied = "carer_died": "The carer died",
    MovedAway = "moved_away": "Moved out of the area",
    CarerDeclined = "carer_declined": "The carer no longer wants support",
    NeedsMet = "needs_met": "Needs met: no further support needed",
    NewPlan = "new_plan": "Replaced by a new plan after a new assessment",
    AdultServices = "adult_services": "Moved to adult carers' services",
    Other = "other": "Another reason",
});

/// Labels the window and the PDF show for a plan's lists.
pub fn options() -> serde_json::Map<String, serde_json::Value> {
    choice_lists!(
        PlanStatus,
        NeedEligibility,
        WillMeet,
        ActionStatus,
        DpFrequency,
        AgreementMethod,
        PlanEndReason,
        review::OutcomeProgress,
        review::UnplannedReason
    )
}

/// A need in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanNeed {
    pub position: u32,
    pub description: String,
    /// An `eligibility_outcome` code (reg 3(2)(b)) the need relates to.
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
    /// A `wellbeing_area` code (s1(2)) the need relates to.
    pub wellbeing_area: Option<String>,
    pub wellbeing_area_label: Option<String>,
    /// A `need_eligibility` code.
    pub eligibility: String,
    pub eligibility_label: String,
    pub eligibility_note: Option<String>,
    /// A `will_meet` code; blank until decided.
    pub will_meet: Option<String>,
    pub will_meet_label: Option<String>,
    /// How the need will be met (or why not).
    pub how_met: Option<String>,
}

/// An action in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanAction {
    pub id: i64,
    pub position: u32,
    /// The same action keeps its key in every version of the plan.
    pub key: i64,
    /// A support catalogue code.
    pub support: Option<String>,
    pub support_label: Option<String>,
    pub description: String,
    pub who: Option<String>,
    /// ISO date.
    pub due_on: Option<String>,
    /// An `action_status` code.
    pub status: String,
    pub status_label: String,
    pub notes: Option<String>,
    /// The need (position) this action meets.
    pub need_position: Option<u32>,
    /// Planned or in progress, with its date passed (on the day asked).
    pub overdue: bool,
    pub updated_at: String,
    pub updated_by: String,
}

/// An emergency contact in the contingency plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Contact {
    pub name: Option<String>,
    pub relationship: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// The contingency (emergency) plan: what happens if the carer suddenly cannot care.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Contingency {
    pub if_cannot_care: Option<String>,
    pub contacts: Vec<Contact>,
    pub essential_needs: Option<String>,
    pub medication: Option<String>,
    pub routines: Option<String>,
    pub gp: Option<String>,
    /// Key safe and access notes (where the key safe is and who holds the code: never the
    /// code itself on a printed plan).
    pub access: Option<String>,
    pub copies_held_by: Option<String>,
}

/// Someone the carer cares for, for the contingency plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CaredForName {
    pub id: i64,
    pub name: String,
    pub relationship_label: String,
}

/// One version, for the list of versions.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VersionSummary {
    pub id: i64,
    pub version: u32,
    pub status: String,
    pub start_date: Option<String>,
    pub agreed_on: Option<String>,
}

/// A support plan version with everything about it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub id: i64,
    /// `SP-000001`, shared by every version.
    pub reference: String,
    pub carer_id: i64,
    pub carer_name: String,
    pub carer_reference: Option<String>,
    pub version: u32,
    pub previous_id: Option<i64>,
    pub next_id: Option<i64>,
    /// A `plan_status` code.
    pub status: String,
    pub status_label: String,
    pub assessment_id: Option<i64>,
    pub assessment_reference: Option<String>,
    pub assessment_type_label: Option<String>,
    pub assessed_on: Option<String>,
    /// Made without an assessment: information and advice only.
    pub light_touch: bool,
    /// The assessment's eligibility determination, as it was when the plan was made.
    pub determination: Option<Determination>,
    /// When this version starts (ISO date).
    pub start_date: Option<String>,
    /// When the plan (version 1) started: reviews are counted from it.
    pub plan_started: Option<String>,
    pub needs: Vec<PlanNeed>,
    /// The carer's outcomes in their own words.
    pub outcomes: Vec<String>,
    pub actions: Vec<PlanAction>,
    /// Pounds and pence, `"1250.00"`.
    pub personal_budget: Option<String>,
    pub direct_payment: bool,
    pub dp_amount: Option<String>,
    /// A `dp_frequency` code.
    pub dp_frequency: Option<String>,
    /// Positions of the needs the direct payment covers.
    pub dp_needs: Vec<u32>,
    pub advice_given: Option<String>,
    pub cared_for_involved: bool,
    pub others_involved: Option<String>,
    pub agreed_on: Option<String>,
    /// An `agreement_method` code.
    pub agreement_method: Option<String>,
    pub worker_name: Option<String>,
    pub contingency: Contingency,
    /// Who the carer cares for (from the register), for the contingency plan.
    pub cared_for: Vec<CaredForName>,
    /// Live versions: when the next review is due (ISO) and where it stands today.
    pub review_due: Option<String>,
    /// `not_due`, `due_soon` or `overdue`.
    pub review_status: Option<ReviewStatus>,
    pub ended_on: Option<String>,
    pub end_reason: Option<String>,
    pub end_reason_label: Option<String>,
    pub end_note: Option<String>,
    /// The reviews of this plan (every version), newest first.
    pub reviews: Vec<review::ReviewSummary>,
    /// The review in progress on this plan, if any.
    pub open_review_id: Option<i64>,
    /// A draft version made from this one (not through a review), if any.
    pub draft_version_id: Option<i64>,
    pub versions: Vec<VersionSummary>,
    /// Drafts only: what still stops it being agreed (field and message).
    pub missing: Vec<crate::error::FieldError>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

impl Plan {
    /// The personal budget in pence.
    pub fn personal_budget_pence(&self) -> Option<i64> {
        self.personal_budget.as_ref().and_then(|t| parse_money("", "", &MoneyInput::Text(t.clone())).ok().flatten())
    }

    /// The direct payment's amount in pence.
    pub fn dp_amount_pence(&self) -> Option<i64> {
        self.dp_amount.as_ref().and_then(|t| parse_money("", "", &MoneyInput::Text(t.clone())).ok().flatten())
    }
}

/// A line of a carer's list of plans.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub reference: String,
    pub version: u32,
    pub status: String,
    pub status_label: String,
    pub light_touch: bool,
    pub start_date: Option<String>,
    pub review_due: Option<String>,
    pub review_status: Option<ReviewStatus>,
    pub actions: u32,
    pub actions_open: u32,
}

// ---------------------------------------------------------------------------------------------
// Arguments.

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    pub carer_id: i64,
    /// The completed assessment the plan comes from.
    pub assessment_id: Option<i64>,
    /// Light-touch support (information and advice only), without an assessment.
    #[serde(default)]
    pub light_touch: bool,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NeedInput {
    pub description: Option<String>,
    pub outcome: Option<String>,
    pub wellbeing_area: Option<String>,
    pub eligibility: Option<String>,
    pub eligibility_note: Option<String>,
    pub will_meet: Option<String>,
    pub how_met: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionInput {
    /// The action's key when it is already in the plan; blank for a new action.
    pub key: Option<i64>,
    pub support: Option<String>,
    pub description: Option<String>,
    pub who: Option<String>,
    pub due_on: Option<String>,
    pub status: Option<String>,
    pub notes: Option<String>,
    pub need_position: Option<u32>,
}

/// Money as typed: `120`, `"£1,250.50"`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum MoneyInput {
    Number(f64),
    Text(String),
}

/// Changes to a draft plan. Fields not sent keep their value; `""` clears text; lists, when
/// sent, replace the whole list.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SaveArgs {
    pub id: i64,
    pub start_date: Option<String>,
    pub needs: Option<Vec<NeedInput>>,
    pub outcomes: Option<Vec<String>>,
    pub actions: Option<Vec<ActionInput>>,
    pub personal_budget: Option<MoneyInput>,
    pub direct_payment: Option<bool>,
    pub dp_amount: Option<MoneyInput>,
    pub dp_frequency: Option<String>,
    pub dp_needs: Option<Vec<u32>>,
    pub advice_given: Option<String>,
    pub cared_for_involved: Option<bool>,
    pub others_involved: Option<String>,
    pub agreed_on: Option<String>,
    pub agreement_method: Option<String>,
    pub worker_name: Option<String>,
    pub contingency: Option<Contingency>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndArgs {
    pub id: i64,
    /// A `plan_end_reason` code.
    pub reason: Option<String>,
    pub ended_on: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdateArgs {
    /// The action's id.
    pub id: i64,
    /// An `action_status` code.
    pub status: Option<String>,
    pub notes: Option<String>,
}

use crate::args::CarerArgs;

// ---------------------------------------------------------------------------------------------
// Money.

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

// ---------------------------------------------------------------------------------------------
// Reading.

const COLUMNS: &str = "p.id, p.reference, p.carer_id, p.version, p.previous_id, p.status, p.assessment_id,
    p.light_touch, p.determination, p.start_date, p.personal_budget_pence, p.direct_payment, p.dp_amount_pence,
    p.dp_frequency, p.dp_needs, p.advice_given, p.cared_for_involved, p.others_involved, p.agreed_on,
    p.agreement_method, p.worker_name, p.cont_if_cannot_care, p.cont_contacts, p.cont_essential_needs,
    p.cont_medication, p.cont_routines, p.cont_gp, p.cont_access, p.cont_copies_held_by, p.review_due,
    p.ended_on, p.end_reason, p.end_note, p.created_at, p.created_by, p.updated_at, p.updated_by,
    c.first_name, c.last_name, c.preferred_name, c.reference";

fn json_col<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into()))
}

fn from_row(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<Plan> {
    let status: PlanStatus = r.get(5)?;
    let determination: Option<String> = r.get(8)?;
    let review_due: Option<String> = r.get(29)?;
    let end_reason: Option<PlanEndReason> = r.get(31)?;
    let first: String = r.get(37)?;
    let last: String = r.get(38)?;
    let preferred: Option<String> = r.get(39)?;
    let live = matches!(status, PlanStatus::Agreed | PlanStatus::UnderReview);
    Ok(Plan {
        id: r.get(0)?,
        reference: r.get(1)?,
        carer_id: r.get(2)?,
        carer_name: match preferred {
            Some(p) if p != first => format!("{first} ({p}) {last}"),
            _ => format!("{first} {last}"),
        },
        carer_reference: r.get(40)?,
        version: r.get(3)?,
        previous_id: r.get(4)?,
        next_id: None,
        status: status.code().to_string(),
        status_label: status.label().to_string(),
        assessment_id: r.get(6)?,
        assessment_reference: None,
        assessment_type_label: None,
        assessed_on: None,
        light_touch: r.get(7)?,
        determination: determination
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Text, e.into()))?,
        start_date: r.get(9)?,
        plan_started: None,
        needs: vec![],
        outcomes: vec![],
        actions: vec![],
        personal_budget: r.get::<_, Option<i64>>(10)?.map(pounds),
        direct_payment: r.get(11)?,
        dp_amount: r.get::<_, Option<i64>>(12)?.map(pounds),
        dp_frequency: r.get(13)?,
        dp_needs: json_col(r, 14)?,
        advice_given: r.get(15)?,
        cared_for_involved: r.get(16)?,
        others_involved: r.get(17)?,
        agreed_on: r.get(18)?,
        agreement_method: r.get(19)?,
        worker_name: r.get(20)?,
        contingency: Contingency {
            if_cannot_care: r.get(21)?,
            contacts: json_col(r, 22)?,
            essential_needs: r.get(23)?,
            medication: r.get(24)?,
            routines: r.get(25)?,
            gp: r.get(26)?,
            access: r.get(27)?,
            copies_held_by: r.get(28)?,
        },
        cared_for: vec![],
        review_status: review_status_of(review_due.as_deref().filter(|_| live), today),
        review_due: review_due.filter(|_| live),
        ended_on: r.get(30)?,
        end_reason: end_reason.map(|e| e.code().to_string()),
        end_reason_label: end_reason.map(|e| e.label().to_string()),
        end_note: r.get(32)?,
        reviews: vec![],
        open_review_id: None,
        draft_version_id: None,
        versions: vec![],
        missing: vec![],
        created_at: r.get(33)?,
        created_by: r.get(34)?,
        updated_at: r.get(35)?,
        updated_by: r.get(36)?,
    })
}

/// The row alone (no lists).
fn row(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM support_plans p JOIN carers c ON c.id = p.carer_id WHERE p.id = ?1"),
        [id],
        |r| from_row(r, today),
    )
    .optional()?
    .ok_or(Error::NotFound { what: "that support plan" })
}

fn needs_of(conn: &Connection, id: i64) -> Result<Vec<PlanNeed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, description, outcome, wellbeing_area, eligibility, eligibility_note, will_meet, how_met
         FROM plan_needs WHERE plan_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([id], |r| {
        let outcome: Option<String> = r.get(2)?;
        let area: Option<String> = r.get(3)?;
        let eligibility: NeedEligibility = r.get(4)?;
        let will_meet: Option<WillMeet> = r.get(6)?;
        Ok(PlanNeed {
            position: r.get(0)?,
            description: r.get(1)?,
            outcome_label: outcome.as_deref().and_then(Outcome::from_code).map(|o| o.label().to_string()),
            outcome,
            wellbeing_area_label: area.as_deref().and_then(WellbeingArea::from_code).map(|a| a.label().to_string()),
            wellbeing_area: area,
            eligibility: eligibility.code().to_string(),
            eligibility_label: eligibility.label().to_string(),
            eligibility_note: r.get(5)?,
            will_meet: will_meet.map(|w| w.code().to_string()),
            will_meet_label: will_meet.map(|w| w.label().to_string()),
            how_met: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn outcomes_of(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT text FROM plan_outcomes WHERE plan_id = ?1 ORDER BY position")?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether an action with this status and date is overdue on `today`.
pub fn action_overdue(status: ActionStatus, due_on: Option<&str>, today: NaiveDate) -> bool {
    matches!(status, ActionStatus::Planned | ActionStatus::InProgress)
        && due_on.and_then(dates::from_iso).is_some_and(|d| d < today)
}

fn actions_of(conn: &Connection, id: i64, today: NaiveDate) -> Result<Vec<PlanAction>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.position, a.action_key, a.support, s.label, a.description, a.who, a.due_on, a.status,
                a.notes, a.need_position, a.updated_at, a.updated_by
         FROM plan_actions a LEFT JOIN support_catalogue s ON s.code = a.support
         WHERE a.plan_id = ?1 ORDER BY a.position",
    )?;
    let rows = stmt.query_map([id], |r| {
        let status: ActionStatus = r.get(8)?;
        let due_on: Option<String> = r.get(7)?;
        Ok(PlanAction {
            id: r.get(0)?,
            position: r.get(1)?,
            key: r.get(2)?,
            support: r.get(3)?,
            support_label: r.get(4)?,
            description: r.get(5)?,
            who: r.get(6)?,
            overdue: action_overdue(status, due_on.as_deref(), today),
            due_on,
            status: status.code().to_string(),
            status_label: status.label().to_string(),
            notes: r.get(9)?,
            need_position: r.get(10)?,
            updated_at: r.get(11)?,
            updated_by: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn cared_for_of(conn: &Connection, carer_id: i64) -> Result<Vec<CaredForName>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.first_name, f.last_name, l.relationship FROM caring_links l
         JOIN cared_for f ON f.id = l.cared_for_id WHERE l.carer_id = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([carer_id], |r| {
        let first: String = r.get(1)?;
        let last: Option<String> = r.get(2)?;
        let rel: String = r.get(3)?;
        Ok(CaredForName {
            id: r.get(0)?,
            name: match last {
                Some(l) => format!("{first} {l}"),
                None => first,
            },
            relationship_label: crate::choices::Relationship::from_code(&rel)
                .map(|x| x.label().to_string())
                .unwrap_or(rel),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn versions_of(conn: &Connection, reference: &str) -> Result<Vec<VersionSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, version, status, start_date, agreed_on FROM support_plans WHERE reference = ?1 ORDER BY version",
    )?;
    let rows = stmt.query_map([reference], |r| {
        Ok(VersionSummary {
            id: r.get(0)?,
            version: r.get(1)?,
            status: r.get(2)?,
            start_date: r.get(3)?,
            agreed_on: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether and how a live plan's review stands on `today`, from its stored due date.
fn review_status_of(due: Option<&str>, today: NaiveDate) -> Option<ReviewStatus> {
    due.and_then(dates::from_iso).map(|d| reviews::review_status(d, today))
}

/// When the plan (version 1 of the line `reference`) started: reviews count from it.
fn plan_started(conn: &Connection, reference: &str) -> Result<Option<NaiveDate>> {
    Ok(conn
        .query_row("SELECT start_date FROM support_plans WHERE reference = ?1 AND version = 1", [reference], |r| {
            r.get::<_, Option<NaiveDate>>(0)
        })
        .optional()?
        .flatten())
}

/// The review whose updated plan this draft is, if it is one.
fn review_making(conn: &Connection, plan_id: i64) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM plan_reviews WHERE new_plan_id = ?1", [plan_id], |r| r.get(0)).optional()?)
}

/// The whole plan version.
pub fn load(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
    let mut p = load_without_missing(conn, id, today)?;
    if p.status == "draft" {
        p.missing = match agreement_check(&p, today) {
            Ok(()) => vec![],
            Err(Error::Validation(es)) => es,
            Err(e) => return Err(e),
        };
    }
    Ok(p)
}

/// [`load`] without working out what a draft still misses.
fn load_without_missing(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
    let mut p = row(conn, id, today)?;
    p.needs = needs_of(conn, id)?;
    p.outcomes = outcomes_of(conn, id)?;
    p.actions = actions_of(conn, id, today)?;
    p.cared_for = cared_for_of(conn, p.carer_id)?;
    p.versions = versions_of(conn, &p.reference)?;
    p.plan_started = iso(plan_started(conn, &p.reference)?);
    p.next_id = conn.query_row("SELECT id FROM support_plans WHERE previous_id = ?1", [id], |r| r.get(0)).optional()?;
    if let Some(aid) = p.assessment_id {
        let (reference, kind, assessed_on): (String, AssessmentType, Option<String>) =
            conn.query_row("SELECT reference, type, assessed_on FROM assessments WHERE id = ?1", [aid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        p.assessment_reference = Some(reference);
        p.assessment_type_label = Some(kind.label().to_string());
        p.assessed_on = assessed_on;
    }
    p.reviews = review::summaries(conn, &p.reference)?;
    p.open_review_id = conn
        .query_row(
            "SELECT r.id FROM plan_reviews r JOIN support_plans p ON p.id = r.plan_id
             WHERE p.reference = ?1 AND r.status = 'draft'",
            [&p.reference],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(next) = p.next_id {
        let in_review = review_making(conn, next)?.is_some();
        let next_status: String =
            conn.query_row("SELECT status FROM support_plans WHERE id = ?1", [next], |r| r.get(0))?;
        if !in_review && next_status == "draft" {
            p.draft_version_id = Some(next);
        }
    }
    Ok(p)
}

// ---------------------------------------------------------------------------------------------
// Creating.

fn next_id(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM support_plans", [], |r| r.get(0))?)
}

/// The answer to a question of a completed assessment, as text.
fn answer_text(a: &assessments::Assessment, code: &str) -> Option<String> {
    a.answers.get(code).and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The carer's own outcomes from the assessment, one per line.
fn own_outcomes(a: &assessments::Assessment) -> Vec<String> {
    ["carer_outcomes", "own_words", "wishes", "parent_outcomes"]
        .iter()
        .filter_map(|code| answer_text(a, code))
        .flat_map(|t| {
            t.lines().map(|l| l.trim().trim_start_matches(['-', '•', '*']).trim().to_string()).collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// How far a need the assessment identified is eligible, from the determination: every need of
/// an eligible carer is eligible, of a carer found not eligible not eligible (the worker may
/// change either to "partly"); needs from a young carer's or parent carer's assessment were
/// not decided against the adult criteria.
pub fn default_eligibility(determination: Option<&Determination>) -> NeedEligibility {
    match determination.map(|d| d.result) {
        Some(EligibilityResult::Eligible) => NeedEligibility::Eligible,
        Some(EligibilityResult::NotEligible) => NeedEligibility::NotEligible,
        Some(EligibilityResult::CannotDecideYet) | None => NeedEligibility::NotApplicable,
    }
}

pub fn create(ctx: &mut Ctx<'_>, args: CreateArgs) -> Result<Plan> {
    let (status, first): (String, String) = ctx
        .tx
        .query_row("SELECT status, first_name FROM carers WHERE id = ?1", [args.carer_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or(Error::NotFound { what: "that carer" })?;
    if status != "open" {
        return Err(Error::Conflict(format!("{first}'s record is closed: reopen it before making a support plan")));
    }
    let assessment = match (args.assessment_id, args.light_touch) {
        (Some(_), true) => {
            return Err(Error::field(
                "light_touch",
                "a light-touch plan is made without an assessment: choose either the assessment or light-touch support",
            ))
        }
        (None, false) => {
            return Err(Error::field(
                "assessment_id",
                "choose the completed assessment the plan comes from, or choose light-touch support (information and advice only)",
            ))
        }
        (Some(aid), false) => {
            let a = assessments::load(ctx.tx, aid)?;
            if a.carer_id != args.carer_id {
                return Err(Error::field("assessment_id", "choose one of this carer's own assessments"));
            }
            if a.status != "completed" {
                return Err(Error::field(
                    "assessment_id",
                    "complete the assessment before making a support plan from it",
                ));
            }
            if a.next_id.is_some() {
                return Err(Error::field(
                    "assessment_id",
                    "a newer version of this assessment exists: make the plan from the newest version",
                ));
            }
            Some(a)
        }
        (None, true) => None,
    };
    let id = next_id(ctx.tx)?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let determination = assessment.as_ref().and_then(|a| a.determination.clone());
    let involved: Vec<String> = assessment
        .as_ref()
        .and_then(|a| a.answers.get("involved"))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    ctx.tx.execute(
        "INSERT INTO support_plans (id, reference, carer_id, assessment_id, light_touch, determination,
             cared_for_involved, others_involved, worker_name, created_at, created_by, updated_at, updated_by)
         VALUES (?1, printf('SP-%06d', ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, ?8)",
        params![
            id,
            args.carer_id,
            args.assessment_id,
            args.light_touch,
            determination.as_ref().map(|d| serde_json::to_string(d).expect("serialises")),
            involved.iter().any(|i| i == "cared_for"),
            assessment.as_ref().and_then(|a| answer_text(a, "involved_names")),
            by,
            now,
        ],
    )?;
    if let Some(a) = &assessment {
        let eligibility = default_eligibility(determination.as_ref());
        for n in &a.needs {
            ctx.tx.execute(
                "INSERT INTO plan_needs (plan_id, position, description, outcome, wellbeing_area, eligibility)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, n.position, n.description, n.outcome, n.wellbeing_area, eligibility],
            )?;
        }
        for (i, o) in own_outcomes(a).iter().enumerate() {
            ctx.tx.execute(
                "INSERT INTO plan_outcomes (plan_id, position, text) VALUES (?1, ?2, ?3)",
                params![id, i as i64 + 1, o],
            )?;
        }
    }
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    load(ctx.tx, id, ctx.today())
}

pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Plan> {
    let p = load(ctx.tx, args.id, ctx.today())?;
    ctx.touch(Touched::ViewedCarer(p.carer_id));
    Ok(p)
}

/// A carer's plans: the newest version of each, newest plan first.
pub fn list(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<Vec<PlanSummary>> {
    let today = ctx.today();
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT p.id, p.reference, p.version, p.status, p.light_touch, p.start_date, p.review_due,
                (SELECT count(*) FROM plan_actions a WHERE a.plan_id = p.id),
                (SELECT count(*) FROM plan_actions a WHERE a.plan_id = p.id AND a.status IN ('planned', 'in_progress'))
         FROM support_plans p
         WHERE p.carer_id = ?1
           AND p.version = (SELECT max(q.version) FROM support_plans q WHERE q.reference = p.reference
                            AND NOT (q.status = 'draft' AND q.version > 1 AND EXISTS (
                                SELECT 1 FROM support_plans o WHERE o.reference = q.reference
                                AND o.status IN ('agreed', 'under_review'))))
         ORDER BY p.id DESC",
    )?;
    let rows = stmt.query_map([args.carer_id], |r| {
        let status: PlanStatus = r.get(3)?;
        let live = matches!(status, PlanStatus::Agreed | PlanStatus::UnderReview);
        let due: Option<String> = r.get::<_, Option<String>>(6)?.filter(|_| live);
        Ok(PlanSummary {
            id: r.get(0)?,
            reference: r.get(1)?,
            version: r.get(2)?,
            status: status.code().to_string(),
            status_label: status.label().to_string(),
            light_touch: r.get(4)?,
            start_date: r.get(5)?,
            review_status: review_status_of(due.as_deref(), today),
            review_due: due,
            actions: r.get(7)?,
            actions_open: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---------------------------------------------------------------------------------------------
// Saving a draft.

/// A plan's editable content after checking.
struct Content {
    start_date: Option<NaiveDate>,
    needs: Vec<CheckedNeed>,
    outcomes: Vec<String>,
    actions: Vec<CheckedAction>,
    personal_budget: Option<i64>,
    direct_payment: bool,
    dp_amount: Option<i64>,
    dp_frequency: Option<DpFrequency>,
    dp_needs: Vec<u32>,
    advice_given: Option<String>,
    cared_for_involved: bool,
    others_involved: Option<String>,
    agreed_on: Option<NaiveDate>,
    agreement_method: Option<AgreementMethod>,
    worker_name: Option<String>,
    contingency: Contingency,
}

struct CheckedNeed {
    description: String,
    outcome: Option<Outcome>,
    area: Option<WellbeingArea>,
    eligibility: NeedEligibility,
    eligibility_note: Option<String>,
    will_meet: Option<WillMeet>,
    how_met: Option<String>,
}

struct CheckedAction {
    key: Option<i64>,
    support: Option<String>,
    description: String,
    who: Option<String>,
    due_on: Option<NaiveDate>,
    status: ActionStatus,
    notes: Option<String>,
    need_position: Option<u32>,
}

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(dates::iso)
}

fn money_text(pounds: &Option<String>) -> Option<MoneyInput> {
    pounds.clone().map(MoneyInput::Text)
}

/// The draft as it is, as the arguments of a save that sends everything.
fn as_input(p: &Plan) -> SaveArgs {
    SaveArgs {
        id: p.id,
        start_date: p.start_date.clone(),
        needs: Some(
            p.needs
                .iter()
                .map(|n| NeedInput {
                    description: Some(n.description.clone()),
                    outcome: n.outcome.clone(),
                    wellbeing_area: n.wellbeing_area.clone(),
                    eligibility: Some(n.eligibility.clone()),
                    eligibility_note: n.eligibility_note.clone(),
                    will_meet: n.will_meet.clone(),
                    how_met: n.how_met.clone(),
                })
                .collect(),
        ),
        outcomes: Some(p.outcomes.clone()),
        actions: Some(
            p.actions
                .iter()
                .map(|a| ActionInput {
                    key: Some(a.key),
                    support: a.support.clone(),
                    description: Some(a.description.clone()),
                    who: a.who.clone(),
                    due_on: a.due_on.clone(),
                    status: Some(a.status.clone()),
                    notes: a.notes.clone(),
                    need_position: a.need_position,
                })
                .collect(),
        ),
        personal_budget: money_text(&p.personal_budget),
        direct_payment: Some(p.direct_payment),
        dp_amount: money_text(&p.dp_amount),
        dp_frequency: p.dp_frequency.clone(),
        dp_needs: Some(p.dp_needs.clone()),
        advice_given: p.advice_given.clone(),
        cared_for_involved: Some(p.cared_for_involved),
        others_involved: p.others_involved.clone(),
        agreed_on: p.agreed_on.clone(),
        agreement_method: p.agreement_method.clone(),
        worker_name: p.worker_name.clone(),
        contingency: Some(p.contingency.clone()),
    }
}

/// `changes` laid over `base`: what is sent replaces what is there.
fn merged(base: SaveArgs, changes: SaveArgs) -> SaveArgs {
    SaveArgs {
        id: base.id,
        start_date: changes.start_date.or(base.start_date),
        needs: changes.needs.or(base.needs),
        outcomes: changes.outcomes.or(base.outcomes),
        actions: changes.actions.or(base.actions),
        personal_budget: changes.personal_budget.or(base.personal_budget),
        direct_payment: changes.direct_payment.or(base.direct_payment),
        dp_amount: changes.dp_amount.or(base.dp_amount),
        dp_frequency: changes.dp_frequency.or(base.dp_frequency),
        dp_needs: changes.dp_needs.or(base.dp_needs),
        advice_given: changes.advice_given.or(base.advice_given),
        cared_for_involved: changes.cared_for_involved.or(base.cared_for_involved),
        others_involved: changes.others_involved.or(base.others_involved),
        agreed_on: changes.agreed_on.or(base.agreed_on),
        agreement_method: changes.agreement_method.or(base.agreement_method),
        worker_name: changes.worker_name.or(base.worker_name),
        contingency: changes.contingency.or(base.contingency),
    }
}

/// A date that may not be before the plan starts.
fn date_from_start(
    c: &mut Check,
    field: &str,
    label: &str,
    value: &Option<String>,
    start: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let text = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    let path = c.path(field);
    let date = c.absorb(dates::parse(&path, text))?;
    if let Some(start) = start.filter(|s| date < *s) {
        c.fail(
            field,
            format!(
                "enter a {} on or after the plan starts ({}); {} is before it",
                validate::lower_first(label),
                dates::uk(start),
                dates::uk(date)
            ),
        );
        return None;
    }
    Some(date)
}

/// Checks what can be checked of a draft's content (formats, ranges, codes, dates from the
/// start); completeness is [`agreement_check`]'s job.
fn check_content(input: &SaveArgs, support_codes: &BTreeSet<String>, today: NaiveDate) -> Result<Content> {
    let mut c = Check::new("");
    let start_date = input.start_date.as_deref().map(str::trim).filter(|s| !s.is_empty()).and_then(|t| {
        let d = c.absorb(dates::parse("start_date", t))?;
        if d > today + chrono::Days::new(366) {
            c.fail("start_date", "enter a start date within the next year: check the year");
            return None;
        }
        Some(d)
    });
    let needs: Vec<CheckedNeed> = input
        .needs
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let at = |f: &str| format!("needs[{i}].{f}");
            CheckedNeed {
                description: c.required(&at("description"), "description of the need", &n.description, LONG_TEXT_MAX),
                outcome: c.choice(&at("outcome"), &n.outcome, Outcome::parse),
                area: c.choice(&at("wellbeing_area"), &n.wellbeing_area, WellbeingArea::parse),
                eligibility: c
                    .choice(&at("eligibility"), &n.eligibility, NeedEligibility::parse)
                    .unwrap_or(NeedEligibility::NotApplicable),
                eligibility_note: c.text(
                    &at("eligibility_note"),
                    "Note on eligibility",
                    &n.eligibility_note,
                    LONG_TEXT_MAX,
                ),
                will_meet: c.choice(&at("will_meet"), &n.will_meet, WillMeet::parse),
                how_met: c.text(&at("how_met"), "How the need will be met", &n.how_met, LONG_TEXT_MAX),
            }
        })
        .collect();
    let outcomes: Vec<String> = input
        .outcomes
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, o)| c.text(&format!("outcomes[{i}]"), "Outcome", &Some(o.clone()), LONG_TEXT_MAX))
        .collect();
    let mut keys = BTreeSet::new();
    let actions: Vec<CheckedAction> = input
        .actions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let at = |f: &str| format!("actions[{i}].{f}");
            if let Some(k) = a.key {
                if !keys.insert(k) {
                    c.fail(&at("key"), "each action can be in the plan once: remove the copy");
                }
            }
            let support = a.support.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            if let Some(code) = &support {
                if !support_codes.contains(code) {
                    c.fail(
                        &at("support"),
                        format!("choose a support from the catalogue ('{code}' is not one of them)"),
                    );
                }
            }
            let need_position = a.need_position.filter(|&p| p > 0);
            if let Some(p) = need_position {
                if p as usize > needs.len() {
                    c.fail(&at("need_position"), format!("choose one of the plan's needs (there is no need {p})"));
                }
            }
            CheckedAction {
                key: a.key,
                support,
                description: c.required(&at("description"), "description of the action", &a.description, LONG_TEXT_MAX),
                who: c.text(&at("who"), "Who does it", &a.who, TEXT_MAX),
                due_on: date_from_start(&mut c, &at("due_on"), "date to do it by", &a.due_on, start_date),
                status: c.choice(&at("status"), &a.status, ActionStatus::parse).unwrap_or(ActionStatus::Planned),
                notes: c.text(&at("notes"), "Notes", &a.notes, LONG_TEXT_MAX),
                need_position,
            }
        })
        .collect();
    let mut money = |field: &str, label: &str, v: &Option<MoneyInput>| -> Option<i64> {
        v.as_ref().and_then(|v| c.absorb(parse_money(field, label, v)).flatten())
    };
    let personal_budget = money("personal_budget", "Personal budget", &input.personal_budget);
    let dp_amount = money("dp_amount", "Direct payment amount", &input.dp_amount);
    let direct_payment = input.direct_payment.unwrap_or(false);
    let mut dp_needs: Vec<u32> = input.dp_needs.clone().unwrap_or_default();
    dp_needs.sort_unstable();
    dp_needs.dedup();
    for &p in &dp_needs {
        if p == 0 || p as usize > needs.len() {
            c.fail(
                "dp_needs",
                format!("choose the needs the direct payment covers from the plan's needs (there is no need {p})"),
            );
        }
    }
    let dp_frequency = c.choice("dp_frequency", &input.dp_frequency, DpFrequency::parse);
    let agreed_on = c.past_date("agreed_on", "Date the carer agreed", &input.agreed_on, today);
    let cont = input.contingency.clone().unwrap_or_default();
    let contacts = cont
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, k)| {
            !(validate::blank(&k.name)
                && validate::blank(&k.phone)
                && validate::blank(&k.relationship)
                && validate::blank(&k.notes))
        })
        .map(|(i, k)| {
            let at = |f: &str| format!("contingency.contacts[{i}].{f}");
            let phone = c.text(&at("phone"), "Phone", &k.phone, TEXT_MAX);
            if let Some(p) = &phone {
                if !validate::phone(p) {
                    c.fail(&at("phone"), "enter a UK phone number, like 01632 960 001 or 07700 900 123");
                }
            }
            Contact {
                name: Some(c.required(&at("name"), "Contact's name", &k.name, NAME_MAX)),
                relationship: c.text(&at("relationship"), "Relationship", &k.relationship, TEXT_MAX),
                phone,
                notes: c.text(&at("notes"), "Notes", &k.notes, LONG_TEXT_MAX),
            }
        })
        .collect();
    let mut long = |field: &str, label: &str, v: &Option<String>| c.text(field, label, v, LONG_TEXT_MAX);
    let contingency = Contingency {
        if_cannot_care: long(
            "contingency.if_cannot_care",
            "What happens if the carer cannot care",
            &cont.if_cannot_care,
        ),
        contacts,
        essential_needs: long("contingency.essential_needs", "Essential needs", &cont.essential_needs),
        medication: long("contingency.medication", "Medication", &cont.medication),
        routines: long("contingency.routines", "Routines", &cont.routines),
        gp: long("contingency.gp", "GP", &cont.gp),
        access: long("contingency.access", "Key safe and access notes", &cont.access),
        copies_held_by: long("contingency.copies_held_by", "Who has a copy", &cont.copies_held_by),
    };
    let content = Content {
        start_date,
        outcomes,
        actions,
        personal_budget,
        direct_payment,
        dp_amount,
        dp_frequency,
        dp_needs,
        advice_given: c.text("advice_given", "Advice and information given", &input.advice_given, LONG_TEXT_MAX),
        cared_for_involved: input.cared_for_involved.unwrap_or(false),
        others_involved: c.text("others_involved", "Others involved", &input.others_involved, LONG_TEXT_MAX),
        agreed_on,
        agreement_method: c.choice("agreement_method", &input.agreement_method, AgreementMethod::parse),
        worker_name: c.text("worker_name", "Worker's name", &input.worker_name, NAME_MAX),
        contingency,
        needs,
    };
    c.finish()?;
    Ok(content)
}

/// Everything a plan needs before it is agreed (s25), as field errors.
fn agreement_check(p: &Plan, today: NaiveDate) -> Result<()> {
    let mut c = Check::new("");
    if p.start_date.is_none() {
        c.fail("start_date", "enter the date the plan starts");
    }
    match p.agreed_on.as_deref().and_then(dates::from_iso) {
        None => c.fail("agreed_on", "enter the date the carer agreed the plan"),
        Some(d) if d > today => c.fail("agreed_on", "the date the carer agreed cannot be in the future"),
        Some(_) => {}
    }
    if p.agreement_method.is_none() {
        c.fail("agreement_method", "choose how the carer gave their agreement");
    }
    if p.worker_name.is_none() {
        c.fail("worker_name", "enter the worker's name");
    }
    if p.light_touch {
        if p.advice_given.is_none() {
            c.fail(
                "advice_given",
                "enter the information and advice given: a light-touch plan is information and advice",
            );
        }
    } else {
        if p.needs.is_empty() {
            c.fail("needs", "add the needs the assessment found (or end the draft and make a light-touch plan)");
        }
        for (i, n) in p.needs.iter().enumerate() {
            if n.will_meet.is_none() {
                c.fail(&format!("needs[{i}].will_meet"), format!("choose whether need {} will be met", n.position));
            } else if n.how_met.is_none() {
                c.fail(
                    &format!("needs[{i}].how_met"),
                    format!("say how need {} will be met, or why it will not be", n.position),
                );
            }
        }
        if p.outcomes.is_empty() {
            c.fail("outcomes", "add at least one outcome in the carer's own words");
        }
        if p.contingency.if_cannot_care.is_none() {
            c.fail(
                "contingency.if_cannot_care",
                "say what happens if the carer suddenly cannot care (the contingency plan)",
            );
        }
    }
    if p.direct_payment {
        if p.dp_amount.is_none() {
            c.fail("dp_amount", "enter the amount of the direct payment");
        }
        if p.dp_frequency.is_none() {
            c.fail("dp_frequency", "choose how often the direct payment is paid");
        }
        if p.dp_needs.is_empty() && !p.needs.is_empty() {
            c.fail("dp_needs", "choose the needs the direct payment covers");
        }
    }
    c.finish()
}

/// The line's next free action key.
fn next_action_key(conn: &Connection, reference: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(a.action_key), 0) + 1 FROM plan_actions a JOIN support_plans p ON p.id = a.plan_id
         WHERE p.reference = ?1",
        [reference],
        |r| r.get(0),
    )?)
}

fn write_content(ctx: &Ctx<'_>, p: &Plan, content: &Content) -> Result<()> {
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let cont = &content.contingency;
    ctx.tx.execute(
        "UPDATE support_plans SET start_date = ?2, personal_budget_pence = ?3, direct_payment = ?4,
             dp_amount_pence = ?5, dp_frequency = ?6, dp_needs = ?7, advice_given = ?8, cared_for_involved = ?9,
             others_involved = ?10, agreed_on = ?11, agreement_method = ?12, worker_name = ?13,
             cont_if_cannot_care = ?14, cont_contacts = ?15, cont_essential_needs = ?16, cont_medication = ?17,
             cont_routines = ?18, cont_gp = ?19, cont_access = ?20, cont_copies_held_by = ?21,
             updated_at = ?22, updated_by = ?23
         WHERE id = ?1",
        params![
            p.id,
            iso(content.start_date),
            content.personal_budget,
            content.direct_payment,
            content.dp_amount,
            content.dp_frequency,
            serde_json::to_string(&content.dp_needs).expect("serialises"),
            content.advice_given,
            content.cared_for_involved,
            content.others_involved,
            iso(content.agreed_on),
            content.agreement_method,
            content.worker_name,
            cont.if_cannot_care,
            serde_json::to_string(&cont.contacts).expect("serialises"),
            cont.essential_needs,
            cont.medication,
            cont.routines,
            cont.gp,
            cont.access,
            cont.copies_held_by,
            now,
            by,
        ],
    )?;
    ctx.tx.execute("DELETE FROM plan_needs WHERE plan_id = ?1", [p.id])?;
    for (i, n) in content.needs.iter().enumerate() {
        ctx.tx.execute(
            "INSERT INTO plan_needs (plan_id, position, description, outcome, wellbeing_area, eligibility,
                 eligibility_note, will_meet, how_met)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                p.id,
                i as i64 + 1,
                n.description,
                n.outcome,
                n.area,
                n.eligibility,
                n.eligibility_note,
                n.will_meet,
                n.how_met
            ],
        )?;
    }
    ctx.tx.execute("DELETE FROM plan_outcomes WHERE plan_id = ?1", [p.id])?;
    for (i, o) in content.outcomes.iter().enumerate() {
        ctx.tx.execute(
            "INSERT INTO plan_outcomes (plan_id, position, text) VALUES (?1, ?2, ?3)",
            params![p.id, i as i64 + 1, o],
        )?;
    }
    // Actions keep their key (and, when unchanged, their last-updated stamp).
    let before: std::collections::BTreeMap<i64, PlanAction> = p.actions.iter().map(|a| (a.key, a.clone())).collect();
    ctx.tx.execute("DELETE FROM plan_actions WHERE plan_id = ?1", [p.id])?;
    let mut fresh = next_action_key(ctx.tx, &p.reference)?;
    for (i, a) in content.actions.iter().enumerate() {
        let key = match a.key {
            Some(k) => k,
            None => {
                fresh += 1;
                fresh - 1
            }
        };
        let same = before.get(&key).is_some_and(|b| {
            b.support == a.support
                && b.description == a.description
                && b.who == a.who
                && b.due_on == iso(a.due_on)
                && b.status == a.status.code()
                && b.notes == a.notes
                && b.need_position == a.need_position
        });
        let (at, who) = match before.get(&key).filter(|_| same) {
            Some(b) => (b.updated_at.clone(), b.updated_by.clone()),
            None => (now.clone(), by.clone()),
        };
        ctx.tx.execute(
            "INSERT INTO plan_actions (plan_id, position, action_key, support, description, who, due_on, status,
                 notes, need_position, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                p.id,
                i as i64 + 1,
                key,
                a.support,
                a.description,
                a.who,
                iso(a.due_on),
                a.status,
                a.notes,
                a.need_position,
                at,
                who
            ],
        )?;
    }
    Ok(())
}

fn draft_of(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
    let p = load(conn, id, today)?;
    match p.status.as_str() {
        "draft" => Ok(p),
        "ended" => Err(Error::Conflict("this plan has ended: it cannot be changed".to_string())),
        _ => Err(Error::Conflict(
            "an agreed plan is changed only through a review or a new version: start one of those".to_string(),
        )),
    }
}

pub fn save(ctx: &mut Ctx<'_>, args: SaveArgs) -> Result<Plan> {
    let p = draft_of(ctx.tx, args.id, ctx.today())?;
    let input = merged(as_input(&p), args);
    let content = check_content(&input, &catalogue::codes(ctx.tx)?, ctx.today())?;
    write_content(ctx, &p, &content)?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

// ---------------------------------------------------------------------------------------------
// Agreeing, versions, ending.

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
fn make_agreed(ctx: &Ctx<'_>, p: &Plan) -> Result<()> {
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
fn copy_as_draft(ctx: &Ctx<'_>, p: &Plan) -> Result<i64> {
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

fn current_agreed(conn: &Connection, id: i64, today: NaiveDate, doing: &str) -> Result<Plan> {
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

    #[test]
    fn action_overdue_only_when_open_and_past() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let table = [
            (ActionStatus::Planned, Some("2026-11-22"), true),
            (ActionStatus::InProgress, Some("2026-01-01"), true),
            (ActionStatus::Planned, Some("2026-11-23"), false),
            (ActionStatus::Done, Some("2026-01-01"), false),
            (ActionStatus::Declined, Some("2026-01-01"), false),
            (ActionStatus::Planned, None, false),
        ];
        for (status, due, want) in table {
            assert_eq!(action_overdue(status, due, today), want, "{status:?} {due:?}");
        }
    }
}
