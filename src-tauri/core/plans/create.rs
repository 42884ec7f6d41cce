//! `plan_create` (from a completed assessment, or light touch), `plan_get` and `plan_list`.

use rusqlite::{params, Connection};

use super::args::CreateArgs;
use super::read::{load, review_status_of};
use super::types::{NeedEligibility, PlanStatus};
use super::types::{Plan, PlanSummary};
use crate::args::CarerArgs;
use crate::args::IdArgs;
use crate::assessments::{self};
use crate::context::{Ctx, Touched};
use crate::eligibility::{Determination, EligibilityResult};
use crate::error::{Error, Result};

pub(super) fn next_id(conn: &Connection) -> Result<i64> {
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

// Long: the checks on a new plan (the carer, the assessment, light touch) in the order a user meets
// them, then one insert.
pub fn create(ctx: &mut Ctx<'_>, args: CreateArgs) -> Result<Plan> {
    let carer = crate::carers::read(ctx.tx, args.carer_id)?;
    let (status, first) = (carer.status, carer.details.first_name.unwrap_or_default());
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
