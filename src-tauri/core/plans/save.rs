//! `plan_save`: a draft's checked content written over what it held.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::args::SaveArgs;
use super::check::{as_input, check_content, iso, merged, Content};
use super::read::load;
use super::types::{Plan, PlanAction};
use crate::catalogue;
use crate::context::{Ctx, Touched};
use crate::error::{Error, Result};

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
    write_needs_and_outcomes(ctx.tx, p.id, content)?;
    write_actions(ctx, p, content, &now, &by)?;
    Ok(())
}

/// The needs and outcomes, written afresh in the order given.
fn write_needs_and_outcomes(tx: &Connection, plan_id: i64, content: &Content) -> Result<()> {
    tx.execute("DELETE FROM plan_needs WHERE plan_id = ?1", [plan_id])?;
    for (i, n) in content.needs.iter().enumerate() {
        tx.execute(
            "INSERT INTO plan_needs (plan_id, position, description, outcome, wellbeing_area, eligibility,
                 eligibility_note, will_meet, how_met)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                plan_id,
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
    tx.execute("DELETE FROM plan_outcomes WHERE plan_id = ?1", [plan_id])?;
    for (i, o) in content.outcomes.iter().enumerate() {
        tx.execute(
            "INSERT INTO plan_outcomes (plan_id, position, text) VALUES (?1, ?2, ?3)",
            params![plan_id, i as i64 + 1, o],
        )?;
    }
    Ok(())
}

/// The actions, written afresh: each keeps its key (a new one gets the line's next) and, when
/// unchanged, its last-updated stamp.
fn write_actions(ctx: &Ctx<'_>, p: &Plan, content: &Content, now: &str, by: &str) -> Result<()> {
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
            None => (now.to_string(), by.to_string()),
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

pub(super) fn draft_of(conn: &Connection, id: i64, today: NaiveDate) -> Result<Plan> {
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
