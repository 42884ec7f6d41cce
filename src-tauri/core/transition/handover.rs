//! The handover summary for the adult carers service: gathers what the record holds into
//! [`super::print::HandoverSummary`] and prints it, only once consent to share is recorded.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::print::{
    ActionDetails, AdjustmentDetails, AssessmentDetails, CaredForDetails, HandoverDetails, HandoverSummary,
    PlanDetails, ScoreDetails, TransitionDetails, YoungCarerDetails,
};
use crate::assessments::{self, AssessmentType};
use crate::choices::ContactMethod;
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::eligibility::EligibilityResult;
use crate::error::{Error, Result};
use crate::instruments::Score;
use crate::plans::print::{organisation, Printed};
use crate::settings;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintArgs {
    pub carer_id: i64,
    /// Where to write the PDF (replaced if it exists).
    #[serde(alias = "out")]
    pub path: PathBuf,
}

fn yes_no(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_bool).map(|b| if b { "Yes" } else { "No" }.to_string())
}

fn scores(map: &BTreeMap<String, Score>) -> Vec<ScoreDetails> {
    let mut out = Vec::new();
    for (code, s) in map {
        let name = crate::instruments::find(code).map(|d| d.name.clone()).unwrap_or_else(|| code.clone());
        if s.total_max.is_some() {
            out.push(ScoreDetails {
                label: name.clone(),
                score: s.total,
                out_of: s.total_max,
                band: s.total_band.as_ref().map(|b| b.label.clone()),
            });
        } else {
            for sub in &s.subscales {
                out.push(ScoreDetails {
                    label: format!("{name}: {}", sub.label),
                    score: sub.score,
                    out_of: Some(sub.max),
                    band: sub.band.as_ref().map(|b| b.label.clone()),
                });
            }
        }
    }
    out
}

/// The newest completed version of each assessment a carer had, newest first.
fn completed_assessments(ctx: &Ctx<'_>, carer_id: i64) -> Result<Vec<assessments::Assessment>> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT a.id FROM assessments a
         WHERE a.carer_id = ?1 AND a.status = 'completed'
           AND NOT EXISTS (SELECT 1 FROM assessments n WHERE n.previous_id = a.id AND n.status = 'completed')
         ORDER BY a.assessed_on DESC, a.id DESC",
    )?;
    let ids: Vec<i64> = stmt.query_map([carer_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| assessments::load(ctx.tx, id)).collect()
}

fn transition_details(a: &assessments::Assessment) -> TransitionDetails {
    let ans = &a.answers;
    let text = |code: &str| ans.get(code).and_then(Value::as_str).map(str::to_string);
    let decision = match text("assess_decision").as_deref() {
        Some("assess") => Some("Assessed".to_string()),
        Some("not_assessing") => Some(format!(
            "Not assessed: {}",
            text("not_assessing_reasons").unwrap_or_else(|| "reasons not recorded".into())
        )),
        other => other.map(str::to_string),
    };
    let d = a.determination.as_ref();
    TransitionDetails {
        reference: Some(a.reference.clone()),
        status: Some(if a.status == "completed" { "Completed" } else { "Draft" }.to_string()),
        assessed_on: a.assessed_on.clone(),
        decision,
        explanation: d.map(|d| d.explanation.clone()),
        outcomes_wanted: text("carer_outcomes")
            .map(|t| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
            .unwrap_or_default(),
        able_after_18: yes_no(ans.get("able_after_18")),
        willing_after_18: yes_no(ans.get("willing_after_18")),
        likely_eligible_needs: d
            .filter(|d| d.result == EligibilityResult::Eligible)
            .map(|d| d.unachieved_outcomes.iter().map(|u| u.label.clone()).collect())
            .unwrap_or_default(),
    }
}

/// The plan in force (agreed, or under review), newest first.
fn live_plan(ctx: &Ctx<'_>, carer_id: i64) -> Result<Option<crate::plans::Plan>> {
    use rusqlite::OptionalExtension;
    let id: Option<i64> = ctx
        .tx
        .query_row(
            "SELECT id FROM support_plans WHERE carer_id = ?1 AND status IN ('agreed', 'under_review')
             ORDER BY id DESC LIMIT 1",
            [carer_id],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| crate::plans::load(ctx.tx, id, ctx.today())).transpose()
}

/// Gathers the summary (the handover must be recorded with consent to share).
// Long: the handover summary's sections, gathered in the order the summary prints them.
pub fn gather(ctx: &Ctx<'_>, carer_id: i64) -> Result<HandoverSummary> {
    let today = ctx.today();
    let record = crate::register::load(ctx.tx, carer_id, today)?;
    let yc = super::young_carer(ctx.tx, carer_id, today)?;
    let Some(h) = &yc.handover else {
        return Err(Error::Conflict(
            "record the handover first (receiving service, date and consent to share), then print the summary".into(),
        ));
    };
    if !h.consent_to_share {
        return Err(Error::Conflict(
            "consent to share is not recorded: ask the young carer, record their consent on the handover, then print"
                .into(),
        ));
    }
    let det = &record.details;
    let address: Vec<&str> = [&det.address_line1, &det.address_line2, &det.town, &det.postcode]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .collect();
    let all = completed_assessments(ctx, carer_id)?;
    let transition = all.iter().find(|a| a.kind == AssessmentType::Transition.code());
    let plan = live_plan(ctx, carer_id)?;
    let settings = settings::load(ctx.tx)?;
    Ok(HandoverSummary {
        organisation: organisation(&settings),
        created: chrono::Utc::now().naive_utc(),
        young_carer: YoungCarerDetails {
            name: format!(
                "{} {}",
                det.first_name.as_deref().unwrap_or_default(),
                det.last_name.as_deref().unwrap_or_default()
            ),
            reference: Some(record.reference.clone()),
            preferred_name: det.preferred_name.clone(),
            date_of_birth: det.date_of_birth.clone(),
            age: Some(record.age),
            address: (!address.is_empty()).then(|| address.join(", ")),
            phone: det.phone.clone(),
            email: det.email.clone(),
            contact_preference: det
                .preferred_contact
                .as_deref()
                .and_then(ContactMethod::from_code)
                .map(|c| c.label().to_string()),
            school: yc.school_link.as_ref().map(|l| l.school_name.clone()),
            year_group: yc.school_link.as_ref().and_then(|l| l.year_group_label.clone()),
        },
        cared_for: record
            .caring
            .iter()
            .map(|e| CaredForDetails {
                name: format!("{} {}", e.person.first_name, e.person.last_name.as_deref().unwrap_or_default())
                    .trim()
                    .to_string(),
                relationship: Some(e.link.relationship_label.clone()),
                conditions: (!e.person.conditions.is_empty()).then(|| {
                    e.person
                        .conditions
                        .iter()
                        .map(|c| crate::choices::Condition::from_code(c).map(|c| c.label()).unwrap_or(c))
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                hours: Some(e.link.hours_band_label.clone()),
                care_given: (!e.link.care_kinds.is_empty()).then(|| {
                    e.link
                        .care_kinds
                        .iter()
                        .map(|k| crate::choices::CareKind::from_code(k).map(|k| k.label()).unwrap_or(k))
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                lives_with: Some(e.link.lives_together),
            })
            .collect(),
        assessments: all
            .iter()
            .filter(|a| a.kind != AssessmentType::Transition.code())
            .map(|a| AssessmentDetails {
                kind: a.type_label.clone(),
                reference: Some(a.reference.clone()),
                assessed_on: a.assessed_on.clone(),
                scores: a.scores.as_ref().map(scores).unwrap_or_default(),
                summary: a.determination.as_ref().map(|d| d.explanation.clone()),
            })
            .collect(),
        plan: plan.map(|p| PlanDetails {
            reference: p.reference.clone(),
            agreed_on: p.agreed_on.clone(),
            outcomes: p.outcomes.clone(),
            actions: p
                .actions
                .iter()
                .map(|a| ActionDetails {
                    what: a.description.clone(),
                    who: a.who.clone(),
                    due_on: a.due_on.clone(),
                    status: a.status_label.clone(),
                })
                .collect(),
            next_review: p.review_due.clone(),
        }),
        adjustments: yc
            .adjustments
            .iter()
            .map(|a| AdjustmentDetails {
                label: a.kind_label.clone(),
                note: a.note.clone(),
                agreed_on: Some(a.agreed_on.clone()),
                review_on: a.review_on.clone(),
                ended_on: a.ended_on.clone(),
            })
            .collect(),
        transition: transition.map(transition_details),
        handover: HandoverDetails {
            receiving_service: Some(h.receiving_service.clone()),
            worker: h.worker.clone(),
            handover_on: Some(h.handover_on.clone()),
            consent_to_share: h.consent_to_share,
            recorded_by: Some(h.recorded_by.clone()),
            recorded_at: Some(h.recorded_at.clone()),
            notes: h.notes.clone(),
        },
        prepared_by: Some(ctx.actor().name.clone()),
        prepared_on: dates::iso(today),
    })
}

/// Prints the handover summary to a PDF file.
pub fn print(ctx: &mut Ctx<'_>, args: PrintArgs) -> Result<Printed> {
    let protected = crate::backup::protected(ctx)?;
    crate::pdf::check_path(&protected, &args.path)?;
    let summary = gather(ctx, args.carer_id)?;
    let rendered = super::print::render(&summary)?;
    crate::pdf::save(&protected, &args.path, &rendered.bytes)?;
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    Ok(Printed {
        path: args.path.display().to_string(),
        pages: rendered.pages,
        bytes: rendered.bytes.len(),
        unprintable: super::print::unprintable(&summary),
    })
}
