//! Checking a draft: what can be checked of its content on every save, and everything s25
//! needs before it is agreed.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::args::{ActionInput, MoneyInput, NeedInput, SaveArgs};
use super::money::parse_money;
use super::types::{ActionStatus, AgreementMethod, DpFrequency, NeedEligibility, WillMeet};
use super::types::{Contact, Contingency, Plan};
use crate::dates;
use crate::eligibility::{Outcome, WellbeingArea};
use crate::error::Result;
use crate::validate::{self, Check, LONG_TEXT_MAX, NAME_MAX, TEXT_MAX};

/// A plan's editable content after checking.
pub(super) struct Content {
    pub(super) start_date: Option<NaiveDate>,
    pub(super) needs: Vec<CheckedNeed>,
    pub(super) outcomes: Vec<String>,
    pub(super) actions: Vec<CheckedAction>,
    pub(super) personal_budget: Option<i64>,
    pub(super) direct_payment: bool,
    pub(super) dp_amount: Option<i64>,
    pub(super) dp_frequency: Option<DpFrequency>,
    pub(super) dp_needs: Vec<u32>,
    pub(super) advice_given: Option<String>,
    pub(super) cared_for_involved: bool,
    pub(super) others_involved: Option<String>,
    pub(super) agreed_on: Option<NaiveDate>,
    pub(super) agreement_method: Option<AgreementMethod>,
    pub(super) worker_name: Option<String>,
    pub(super) contingency: Contingency,
}

pub(super) struct CheckedNeed {
    pub(super) description: String,
    pub(super) outcome: Option<Outcome>,
    pub(super) area: Option<WellbeingArea>,
    pub(super) eligibility: NeedEligibility,
    pub(super) eligibility_note: Option<String>,
    pub(super) will_meet: Option<WillMeet>,
    pub(super) how_met: Option<String>,
}

pub(super) struct CheckedAction {
    pub(super) key: Option<i64>,
    pub(super) support: Option<String>,
    pub(super) description: String,
    pub(super) who: Option<String>,
    pub(super) due_on: Option<NaiveDate>,
    pub(super) status: ActionStatus,
    pub(super) notes: Option<String>,
    pub(super) need_position: Option<u32>,
}

pub(super) fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(dates::iso)
}

fn money_text(pounds: &Option<String>) -> Option<MoneyInput> {
    pounds.clone().map(MoneyInput::Text)
}

/// The draft as it is, as the arguments of a save that sends everything.
pub(super) fn as_input(p: &Plan) -> SaveArgs {
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
pub(super) fn merged(base: SaveArgs, changes: SaveArgs) -> SaveArgs {
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
pub(super) fn date_from_start(
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
pub(super) fn check_content(input: &SaveArgs, support_codes: &BTreeSet<String>, today: NaiveDate) -> Result<Content> {
    let mut c = Check::new("");
    let start_date = input.start_date.as_deref().map(str::trim).filter(|s| !s.is_empty()).and_then(|t| {
        let d = c.absorb(dates::parse("start_date", t))?;
        if d > today + chrono::Days::new(366) {
            c.fail("start_date", "enter a start date within the next year: check the year");
            return None;
        }
        Some(d)
    });
    let needs = check_needs(&mut c, input.needs.as_deref().unwrap_or_default());
    let outcomes: Vec<String> = input
        .outcomes
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, o)| c.text(&format!("outcomes[{i}]"), "Outcome", &Some(o.clone()), LONG_TEXT_MAX))
        .collect();
    let actions =
        check_actions(&mut c, input.actions.as_deref().unwrap_or_default(), support_codes, needs.len(), start_date);
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
    let contingency = check_contingency(&mut c, input.contingency.clone().unwrap_or_default());
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

/// Each need's description, codes and notes, in the order sent.
fn check_needs(c: &mut Check, needs: &[NeedInput]) -> Vec<CheckedNeed> {
    needs
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
        .collect()
}

/// Each action: its key once, a support from the catalogue, a need of the plan, a date from
/// the start.
fn check_actions(
    c: &mut Check,
    actions: &[ActionInput],
    support_codes: &BTreeSet<String>,
    needs: usize,
    start_date: Option<NaiveDate>,
) -> Vec<CheckedAction> {
    let mut keys = BTreeSet::new();
    actions
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
                if p as usize > needs {
                    c.fail(&at("need_position"), format!("choose one of the plan's needs (there is no need {p})"));
                }
            }
            CheckedAction {
                key: a.key,
                support,
                description: c.required(&at("description"), "description of the action", &a.description, LONG_TEXT_MAX),
                who: c.text(&at("who"), "Who does it", &a.who, TEXT_MAX),
                due_on: date_from_start(c, &at("due_on"), "date to do it by", &a.due_on, start_date),
                status: c.choice(&at("status"), &a.status, ActionStatus::parse).unwrap_or(ActionStatus::Planned),
                notes: c.text(&at("notes"), "Notes", &a.notes, LONG_TEXT_MAX),
                need_position,
            }
        })
        .collect()
}

/// The contingency plan: contacts with a name and a UK phone number, and its notes.
fn check_contingency(c: &mut Check, cont: Contingency) -> Contingency {
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
    Contingency {
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
    }
}

/// Everything a plan needs before it is agreed (s25), as field errors.
pub(super) fn agreement_check(p: &Plan, today: NaiveDate) -> Result<()> {
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
