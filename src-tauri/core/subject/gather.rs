//! Gathering everything held about one carer or one cared-for person, and linked to them.

use rusqlite::Connection;
use serde_json::json;

use super::rows::{row, rows, strings, Rec};
use crate::error::{Error, Result};

/// Everything held about one carer and linked to them.
pub(super) fn gather_carer(conn: &Connection, id: i64) -> Result<Rec> {
    // Narrow read: the opposite, `SELECT *`: a subject access copy holds every column as stored,
    // including any a later migration adds before `carers::Carer` has a field for it.
    let carer = row(conn, "SELECT * FROM carers WHERE id = ?1", [id])?.ok_or(Error::NotFound { what: "that carer" })?;

    let mut caring = rows(conn, "SELECT * FROM caring_links WHERE carer_id = ?1 ORDER BY id", [id])?;
    for link in &mut caring {
        let link_id = link.int("id").unwrap_or_default();
        let person_id = link.int("cared_for_id").unwrap_or_default();
        let kinds = strings(conn, "SELECT kind FROM caring_link_kinds WHERE link_id = ?1 ORDER BY kind", [link_id])?;
        link.set("kinds_of_care", kinds);
        link.one("cared_for", cared_for_row(conn, person_id)?);
    }

    let notes = rows(conn, "SELECT * FROM notes WHERE carer_id = ?1 ORDER BY date, id", [id])?;

    let mut assessments =
        rows(conn, "SELECT * FROM assessments WHERE carer_id = ?1 ORDER BY reference, version", [id])?;
    for a in &mut assessments {
        let aid = a.int("id").unwrap_or_default();
        a.many(
            "needs",
            rows(conn, "SELECT * FROM assessment_needs WHERE assessment_id = ?1 ORDER BY position", [aid])?,
        );
    }

    let plans = plans_of(conn, id)?;

    let passports = passports_of(conn, id)?;

    let school = school_of(conn, id)?;

    let audit = rows(conn, "SELECT * FROM audit_log WHERE carer_id = ?1 ORDER BY id", [id])?;

    let mut all = Rec::default();
    all.one("carer", Some(carer))
        .many("people_cared_for", caring)
        .many("case_notes", notes)
        .many("assessments", assessments)
        .many("support_plans", plans)
        .many("passports", passports)
        .one("school_and_transition", Some(school))
        .many("audit_entries", audit);
    Ok(all)
}
/// A carer's support plans, each version with its needs, outcomes, actions and reviews.
fn plans_of(conn: &Connection, id: i64) -> Result<Vec<Rec>> {
    let mut plans = rows(conn, "SELECT * FROM support_plans WHERE carer_id = ?1 ORDER BY reference, version", [id])?;
    for p in &mut plans {
        let pid = p.int("id").unwrap_or_default();
        p.many("needs", rows(conn, "SELECT * FROM plan_needs WHERE plan_id = ?1 ORDER BY position", [pid])?);
        p.many("outcomes", rows(conn, "SELECT * FROM plan_outcomes WHERE plan_id = ?1 ORDER BY position", [pid])?);
        p.many(
            "actions",
            rows(
                conn,
                "SELECT a.*, (SELECT s.label FROM support_catalogue s WHERE s.code = a.support) AS support_label
                 FROM plan_actions a WHERE a.plan_id = ?1 ORDER BY a.position",
                [pid],
            )?,
        );
        p.many("reviews", rows(conn, "SELECT * FROM plan_reviews WHERE plan_id = ?1 ORDER BY id", [pid])?);
    }
    Ok(plans)
}

/// A carer's passports and cards, each with the number it replaced and what happened to it.
fn passports_of(conn: &Connection, id: i64) -> Result<Vec<Rec>> {
    let mut passports = rows(
        conn,
        "SELECT p.*, (SELECT r.number FROM passports r WHERE r.id = p.replaces_id) AS replaces_number,
                (SELECT f.reference FROM cared_for f WHERE f.id = p.cared_for_id) AS cared_for_reference
         FROM passports p WHERE p.carer_id = ?1 ORDER BY p.issued_on, p.id",
        [id],
    )?;
    for p in &mut passports {
        let pid = p.int("id").unwrap_or_default();
        if p.get("photo").is_null() {
            p.set("photo", json!({ "held": false }));
        }
        p.many(
            "events",
            rows(conn, "SELECT * FROM passport_events WHERE passport_id = ?1 ORDER BY happened_on, id", [pid])?,
        );
    }
    Ok(passports)
}

/// A young carer's school link, adjustments, transition milestones, handover and card.
fn school_of(conn: &Connection, id: i64) -> Result<Rec> {
    let mut school = Rec::default();
    school
        .one(
            "school_link",
            row(
                conn,
                "SELECT l.*, s.name AS school_name FROM school_links l JOIN schools s ON s.id = l.school_id
                 WHERE l.carer_id = ?1",
                [id],
            )?,
        )
        .many("adjustments", rows(conn, "SELECT * FROM adjustments WHERE carer_id = ?1 ORDER BY agreed_on, id", [id])?)
        .many(
            "transition_milestones",
            rows(conn, "SELECT * FROM milestones_done WHERE carer_id = ?1 ORDER BY done_on", [id])?,
        )
        .one("handover", row(conn, "SELECT * FROM handovers WHERE carer_id = ?1", [id])?)
        .one("young_carer_card", row(conn, "SELECT * FROM young_carer_cards WHERE carer_id = ?1", [id])?);
    Ok(school)
}

fn cared_for_row(conn: &Connection, id: i64) -> Result<Option<Rec>> {
    let Some(mut p) = row(conn, "SELECT * FROM cared_for WHERE id = ?1", [id])? else { return Ok(None) };
    let conditions =
        strings(conn, "SELECT condition FROM cared_for_conditions WHERE cared_for_id = ?1 ORDER BY condition", [id])?;
    p.set("conditions", conditions);
    Ok(Some(p))
}

/// Everything held about one cared-for person: their record, who cares for them (names and
/// the caring links only, not the carers' records), the cards that name them, and the audit
/// entries about them.
pub(super) fn gather_cared_for(conn: &Connection, id: i64) -> Result<Rec> {
    let person = cared_for_row(conn, id)?.ok_or(Error::NotFound { what: "that cared-for person" })?;
    let mut carers = rows(
        conn,
        "SELECT l.*, c.reference AS carer_reference, c.first_name || ' ' || c.last_name AS carer_name
         FROM caring_links l JOIN carers c ON c.id = l.carer_id WHERE l.cared_for_id = ?1 ORDER BY l.id",
        [id],
    )?;
    for link in &mut carers {
        let link_id = link.int("id").unwrap_or_default();
        let kinds = strings(conn, "SELECT kind FROM caring_link_kinds WHERE link_id = ?1 ORDER BY kind", [link_id])?;
        link.set("kinds_of_care", kinds);
    }
    let cards = rows(
        conn,
        "SELECT p.number, p.kind, p.status, p.issued_on, p.valid_until, p.show_cared_for_name,
                c.reference AS holder_reference
         FROM passports p JOIN carers c ON c.id = p.carer_id WHERE p.cared_for_id = ?1 ORDER BY p.issued_on, p.id",
        [id],
    )?;
    let audit = rows(conn, "SELECT * FROM audit_log WHERE cared_for_id = ?1 ORDER BY id", [id])?;
    let mut all = Rec::default();
    all.one("cared_for", Some(person))
        .many("carers", carers)
        .many("passports_naming_them", cards)
        .many("audit_entries", audit);
    Ok(all)
}
