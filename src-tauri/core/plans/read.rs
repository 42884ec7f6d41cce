//! Reading a plan: one row with its needs, outcomes, actions, versions and review status.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::check::{agreement_check, iso};
use super::money::pounds;
use super::types::{ActionStatus, NeedEligibility, PlanEndReason, PlanStatus, WillMeet};
use super::types::{CaredForName, Contingency, Plan, PlanAction, PlanNeed, VersionSummary};
use crate::assessments::AssessmentType;
use crate::dates;
use crate::eligibility::{Outcome, WellbeingArea};
use crate::error::{Error, Result};
use crate::reviews::{self, ReviewStatus};

pub(super) const COLUMNS: &str = "p.id, p.reference, p.carer_id, p.version, p.previous_id, p.status, p.assessment_id,
    p.light_touch, p.determination, p.start_date, p.personal_budget_pence, p.direct_payment, p.dp_amount_pence,
    p.dp_frequency, p.dp_needs, p.advice_given, p.cared_for_involved, p.others_involved, p.agreed_on,
    p.agreement_method, p.worker_name, p.cont_if_cannot_care, p.cont_contacts, p.cont_essential_needs,
    p.cont_medication, p.cont_routines, p.cont_gp, p.cont_access, p.cont_copies_held_by, p.review_due,
    p.ended_on, p.end_reason, p.end_note, p.created_at, p.created_by, p.updated_at, p.updated_by,
    c.first_name, c.last_name, c.preferred_name, c.reference";

pub(super) fn json_col<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into()))
}

pub(super) fn from_row(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<Plan> {
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
pub(super) fn row(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
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
pub(super) fn review_status_of(due: Option<&str>, today: NaiveDate) -> Option<ReviewStatus> {
    due.and_then(dates::from_iso).map(|d| reviews::review_status(d, today))
}

/// When the plan (version 1 of the line `reference`) started: reviews count from it.
pub(super) fn plan_started(conn: &Connection, reference: &str) -> Result<Option<NaiveDate>> {
    Ok(conn
        .query_row("SELECT start_date FROM support_plans WHERE reference = ?1 AND version = 1", [reference], |r| {
            r.get::<_, Option<NaiveDate>>(0)
        })
        .optional()?
        .flatten())
}

/// The review whose updated plan this draft is, if it is one.
pub(super) fn review_making(conn: &Connection, plan_id: i64) -> Result<Option<i64>> {
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
pub(super) fn load_without_missing(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
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
    p.reviews = super::review::summaries(conn, &p.reference)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
