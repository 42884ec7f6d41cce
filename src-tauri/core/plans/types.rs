//! What a plan is made of: its choice lists and the records the commands return.

use serde::{Deserialize, Serialize};

use super::args::MoneyInput;
use super::money::parse_money;
use crate::choices::Choice;
use crate::eligibility::Determination;
use crate::error::{Error, Result};
use crate::reviews::ReviewStatus;

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
        super::review::OutcomeProgress,
        super::review::UnplannedReason
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
    pub reviews: Vec<super::review::ReviewSummary>,
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
