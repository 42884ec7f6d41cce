//! The commands' arguments, as the window and the command-line tool send them.

use serde::Deserialize;

use super::types::Contingency;

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
