//! `carer_anonymise` and `cared_for_anonymise`: erasure that keeps the counts.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::rows::strings;
use super::{ANONYMISED, REMOVED};
use crate::assessments::forms::{self, Kind as AnswerKind};
use crate::assessments::AssessmentType;
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnonymiseArgs {
    pub id: i64,
    /// The record's reference typed again (`C-000123`, `P-000045`), to confirm.
    pub confirm: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Anonymised {
    pub id: i64,
    pub reference: String,
    pub anonymised_on: String,
}

/// 1 July of the year of a stored date (`None` for anything else).
fn mid_year(dob: Option<&str>) -> Option<String> {
    let d = dates::from_iso(dob?)?;
    Some(format!("{:04}-07-01", chrono::Datelike::year(&d)))
}

/// The outward code of a stored postcode (`RM10 7BS` → `RM10`).
pub(super) fn outward(postcode: &str) -> String {
    let p = postcode.trim().to_uppercase();
    match p.split_once(' ') {
        Some((out, _)) => out.to_string(),
        None if p.len() > 3 => p[..p.len() - 3].to_string(),
        None => p,
    }
}

fn check_confirm(confirm: &Option<String>, reference: &str) -> Result<()> {
    let typed = confirm.as_deref().map(str::trim).unwrap_or_default();
    if typed.eq_ignore_ascii_case(reference) {
        Ok(())
    } else if typed.is_empty() {
        Err(Error::field("confirm", format!("type the record's reference, {reference}, to confirm")))
    } else {
        Err(Error::field(
            "confirm",
            format!("'{typed}' is not this record's reference: type {reference} exactly to confirm"),
        ))
    }
}

fn already(on: &str) -> Error {
    Error::Conflict(format!(
        "this record was already anonymised on {}: there is nothing more to remove",
        dates::uk_text(on)
    ))
}

/// Removes free text from assessment answers, keeping the answers reports count (yes/no,
/// choices, dates, numbers, outcomes achieved and why, wellbeing impact, questionnaire
/// answers). Returns the texts removed.
fn scrub_answers(kind: &str, answers: &mut Map<String, Value>) -> Vec<String> {
    let form = AssessmentType::from_code(kind).map(forms::form);
    let mut removed = Vec::new();
    let mut take = |v: &Value| {
        collect_strings(v, &mut removed);
    };
    answers.retain(|code, v| {
        let Some(q) = form.and_then(|f| f.question(code)) else {
            // Not a question of the form: keep only what holds no text.
            let keep = !contains_text(v);
            if !keep {
                take(v);
            }
            return keep;
        };
        match q.kind {
            AnswerKind::Text | AnswerKind::LongText => {
                take(v);
                false
            }
            AnswerKind::Outcomes | AnswerKind::Wellbeing => {
                if let Some(m) = v.as_object_mut() {
                    for entry in m.values_mut() {
                        if let Some(e) = entry.as_object_mut() {
                            if let Some(note) = e.remove("note") {
                                take(&note);
                            }
                        }
                    }
                }
                true
            }
            _ => true,
        }
    });
    removed
}

fn contains_text(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(a) => a.iter().any(contains_text),
        Value::Object(m) => m.values().any(contains_text),
        _ => false,
    }
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// Removes free text from a stored determination: notes on outcomes, and the worker's
/// reasoning (in `texts`) where the explanations quote it.
fn scrub_determination(d: &mut Value, texts: &[String]) {
    match d {
        Value::Object(m) => {
            m.remove("note");
            for v in m.values_mut() {
                scrub_determination(v, texts);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| scrub_determination(v, texts)),
        Value::String(s) => {
            for t in texts {
                *s = s.replace(&format!(": {t}"), ": [reasoning removed when the record was anonymised]");
            }
        }
        _ => {}
    }
}

/// Keeps only the listed keys of each object in a JSON list (review progress).
fn keep_keys(v: &mut Value, keep: &[&str]) {
    if let Some(items) = v.as_array_mut() {
        for item in items {
            if let Some(m) = item.as_object_mut() {
                m.retain(|k, _| keep.contains(&k.as_str()));
            }
        }
    }
}

fn json_text(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON serialises")
}

/// `carer_anonymise`: erasure of a closed carer's record, keeping what reports count.
pub fn anonymise_carer(ctx: &mut Ctx<'_>, args: AnonymiseArgs) -> Result<Anonymised> {
    let tx = ctx.tx;
    let carer = crate::carers::read(tx, args.id)?;
    let (reference, status, anonymised_on) = (carer.reference, carer.status, carer.anonymised_on);
    let (dob, postcode) = (carer.details.date_of_birth.unwrap_or_default(), carer.details.postcode);
    if let Some(on) = anonymised_on {
        return Err(already(&on));
    }
    if status != "closed" {
        return Err(Error::field(
            "id",
            "this record is open: close the record first (with the reason), then anonymise it",
        ));
    }
    check_confirm(&args.confirm, &reference)?;

    let today = dates::iso(ctx.today());
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let id = args.id;

    tx.execute(
        "UPDATE carers SET title = NULL, first_name = ?2, last_name = ?2, preferred_name = NULL,
             date_of_birth = ?3, main_language = NULL, address_line1 = NULL, address_line2 = NULL, town = NULL,
             postcode = ?4, phone = NULL, email = NULL, preferred_contact = NULL, gp_practice = NULL,
             nhs_number = NULL, referrer_name = NULL, how_heard = NULL, closed_note = NULL,
             anonymised_on = ?5, updated_at = ?6, updated_by = ?7
         WHERE id = ?1",
        params![id, ANONYMISED, mid_year(Some(&dob)).unwrap_or(dob), postcode.as_deref().map(outward), today, now, by],
    )?;
    tx.execute("UPDATE notes SET text = ?2 WHERE carer_id = ?1", params![id, REMOVED])?;

    let texts = scrub_assessments(tx, id)?;
    scrub_plans(tx, id, &texts)?;
    scrub_passports(tx, id, &now, &by)?;
    scrub_school(tx, id)?;

    // The search index (kept by triggers) now holds "Anonymised"; merging its segments drops
    // the old terms from the file, not just from the results.
    tx.execute("INSERT INTO carer_search (carer_search) VALUES ('optimize')", [])?;

    ctx.touch(Touched::ChangedCarer(id));
    ctx.audit_detail = Some(format!("anonymised {reference}"));
    Ok(Anonymised { id, reference, anonymised_on: today })
}

/// Assessments: free-text answers, need descriptions, the age warning (it names the carer), and
/// the reasoning quoted in determinations. Returns the free text removed, longest first, for
/// the plans' copies of the determinations.
fn scrub_assessments(tx: &Connection, id: i64) -> Result<Vec<String>> {
    let mut texts: Vec<String> = Vec::new();
    let list: Vec<(i64, String, String, Option<String>)> = {
        let mut stmt = tx.prepare("SELECT id, type, answers, determination FROM assessments WHERE carer_id = ?1")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut scrubbed = Vec::new();
    for (aid, kind, answers, determination) in list {
        let mut answers: Map<String, Value> = serde_json::from_str(&answers).unwrap_or_default();
        texts.extend(scrub_answers(&kind, &mut answers));
        scrubbed.push((aid, answers, determination));
    }
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for (aid, answers, determination) in scrubbed {
        let determination = determination.and_then(|d| serde_json::from_str::<Value>(&d).ok()).map(|mut d| {
            scrub_determination(&mut d, &texts);
            json_text(&d)
        });
        tx.execute(
            "UPDATE assessments SET answers = ?2, determination = ?3,
                 age_warning = CASE WHEN age_warning IS NULL THEN NULL ELSE ?4 END
             WHERE id = ?1",
            params![aid, json_text(&Value::Object(answers)), determination, REMOVED],
        )?;
    }
    tx.execute(
        "UPDATE assessment_needs SET description = ?2
         WHERE assessment_id IN (SELECT id FROM assessments WHERE carer_id = ?1)",
        params![id, REMOVED],
    )?;
    Ok(texts)
}

/// Support plans and their reviews: free text gone, codes, dates and progress kept.
fn scrub_plans(tx: &Connection, id: i64, texts: &[String]) -> Result<()> {
    let plans: Vec<(i64, Option<String>)> = {
        let mut stmt = tx.prepare("SELECT id, determination FROM support_plans WHERE carer_id = ?1")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (pid, determination) in plans {
        let determination = determination.and_then(|d| serde_json::from_str::<Value>(&d).ok()).map(|mut d| {
            scrub_determination(&mut d, texts);
            json_text(&d)
        });
        tx.execute(
            "UPDATE support_plans SET determination = ?2, advice_given = NULL, others_involved = NULL,
                 cont_if_cannot_care = NULL, cont_contacts = '[]', cont_essential_needs = NULL,
                 cont_medication = NULL, cont_routines = NULL, cont_gp = NULL, cont_access = NULL,
                 cont_copies_held_by = NULL, end_note = NULL
             WHERE id = ?1",
            params![pid, determination],
        )?;
    }
    let in_plans = "plan_id IN (SELECT id FROM support_plans WHERE carer_id = ?1)";
    tx.execute(
        &format!("UPDATE plan_needs SET description = ?2, eligibility_note = NULL, how_met = NULL WHERE {in_plans}"),
        params![id, REMOVED],
    )?;
    tx.execute(&format!("UPDATE plan_outcomes SET text = ?2 WHERE {in_plans}"), params![id, REMOVED])?;
    tx.execute(
        &format!("UPDATE plan_actions SET description = ?2, who = NULL, notes = NULL WHERE {in_plans}"),
        params![id, REMOVED],
    )?;
    let reviews: Vec<(i64, String, String)> = {
        let mut stmt =
            tx.prepare(&format!("SELECT id, outcome_progress, action_progress FROM plan_reviews WHERE {in_plans}"))?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (rid, outcomes, actions) in reviews {
        let mut outcomes: Value = serde_json::from_str(&outcomes).unwrap_or(json!([]));
        let mut actions: Value = serde_json::from_str(&actions).unwrap_or(json!([]));
        keep_keys(&mut outcomes, &["position", "progress"]);
        keep_keys(&mut actions, &["key", "status"]);
        tx.execute(
            "UPDATE plan_reviews SET outcome_progress = ?2, action_progress = ?3, caring_changes = NULL,
                 new_assessment_note = NULL
             WHERE id = ?1",
            params![rid, json_text(&outcomes), json_text(&actions)],
        )?;
    }
    Ok(())
}

/// Passports and cards: what they print beyond the number, and the notes on their events.
fn scrub_passports(tx: &Connection, id: i64, now: &str, by: &str) -> Result<()> {
    tx.execute(
        "UPDATE passports SET setting = NULL, emergency_contact_name = NULL, emergency_contact_relationship = NULL,
             emergency_contact_phone = NULL, photo = NULL,
             revoked_reason = CASE WHEN revoked_reason IS NULL THEN NULL ELSE ?2 END,
             updated_at = ?3, updated_by = ?4
         WHERE carer_id = ?1",
        params![id, REMOVED, now, by],
    )?;
    tx.execute(
        "UPDATE passport_events SET note = NULL WHERE passport_id IN (SELECT id FROM passports WHERE carer_id = ?1)",
        [id],
    )?;
    Ok(())
}

/// School, transition and the young carer card.
fn scrub_school(tx: &Connection, id: i64) -> Result<()> {
    tx.execute("UPDATE school_links SET tutor_group = NULL, staff_contact = NULL WHERE carer_id = ?1", [id])?;
    tx.execute(
        "UPDATE adjustments SET note = CASE WHEN kind = 'other' THEN ?2 ELSE NULL END WHERE carer_id = ?1",
        params![id, REMOVED],
    )?;
    tx.execute("UPDATE milestones_done SET note = NULL WHERE carer_id = ?1", [id])?;
    tx.execute("UPDATE handovers SET worker = NULL, notes = NULL WHERE carer_id = ?1", [id])?;
    tx.execute(
        "UPDATE young_carer_cards SET adjustments_summary = NULL, emergency_contact_name = NULL,
             emergency_contact_relationship = NULL, emergency_contact_phone = NULL
         WHERE carer_id = ?1",
        [id],
    )?;
    Ok(())
}

/// `cared_for_anonymise`: erasure of a cared-for person's record once nobody caring for
/// them has an open record.
pub fn anonymise_cared_for(ctx: &mut Ctx<'_>, args: AnonymiseArgs) -> Result<Anonymised> {
    let tx = ctx.tx;
    let found: Option<(String, Option<String>, Option<String>)> = tx
        .query_row("SELECT reference, anonymised_on, last_name FROM cared_for WHERE id = ?1", [args.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let (reference, anonymised_on, last_name) = found.ok_or(Error::NotFound { what: "that cared-for person" })?;
    if let Some(on) = anonymised_on {
        return Err(already(&on));
    }
    let open = strings(
        tx,
        "SELECT c.reference FROM caring_links l JOIN carers c ON c.id = l.carer_id
         WHERE l.cared_for_id = ?1 AND c.status = 'open' ORDER BY c.reference",
        [args.id],
    )?;
    if !open.is_empty() {
        return Err(Error::field(
            "id",
            format!(
                "someone caring for this person has an open record ({}): close the record first, or remove the caring link",
                open.join(", ")
            ),
        ));
    }
    check_confirm(&args.confirm, &reference)?;
    let today = dates::iso(ctx.today());
    tx.execute(
        "UPDATE cared_for SET first_name = ?2, last_name = ?3, date_of_birth = ?4, notes = NULL,
             anonymised_on = ?5, updated_at = ?6
         WHERE id = ?1",
        params![
            args.id,
            ANONYMISED,
            last_name.map(|_| ANONYMISED),
            mid_year(
                tx.query_row("SELECT date_of_birth FROM cared_for WHERE id = ?1", [args.id], |r| r
                    .get::<_, Option<String>>(0))?
                    .as_deref()
            ),
            today,
            ctx.now()
        ],
    )?;
    ctx.touch(Touched::ChangedCaredFor(args.id));
    ctx.audit_detail = Some(format!("anonymised {reference}"));
    Ok(Anonymised { id: args.id, reference, anonymised_on: today })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn postcodes_keep_their_outward_code_and_dates_their_year() {
        assert_eq!(outward("RM10 7BS"), "RM10");
        assert_eq!(outward("sw1a 1aa"), "SW1A");
        assert_eq!(outward("M11AE"), "M1");
        assert_eq!(mid_year(Some("1984-03-27")), Some("1984-07-01".into()));
        assert_eq!(mid_year(Some("2008-02-29")), Some("2008-07-01".into()));
        assert_eq!(mid_year(None), None);
    }

    #[test]
    fn answers_lose_their_free_text_and_keep_what_is_counted() {
        let mut answers: Map<String, Value> = serde_json::from_value(json!({
            "cared_for_who": "My mum, Joan Smith",
            "willing_to_continue": true,
            "hours_band": "h50_plus",
            "outcomes": {"nutrition": {"achieved": false, "reasons": ["needs_assistance"], "note": "Joan cannot cook"}},
            "wellbeing": {"health": {"impact": "significant", "note": "Exhausted"}},
            "impact_reasoning": "Caring every night leaves Ann exhausted",
            "mystery": "free text",
            "mystery_number": 3,
        }))
        .unwrap();
        let removed = scrub_answers("adult", &mut answers);
        let text = serde_json::to_string(&answers).unwrap();
        for gone in ["Joan", "Exhausted", "Ann", "free text"] {
            assert!(!text.contains(gone), "{gone} is still in {text}");
        }
        assert_eq!(answers["outcomes"]["nutrition"]["reasons"], json!(["needs_assistance"]));
        assert_eq!(answers["wellbeing"]["health"]["impact"], "significant");
        assert_eq!(answers["mystery_number"], 3);
        assert!(removed.contains(&"Caring every night leaves Ann exhausted".to_string()));

        let mut d = json!({"result": "eligible", "explanation": "Condition 3 holds: Caring every night leaves Ann exhausted.",
                           "unachieved_outcomes": [{"outcome": "nutrition", "note": "Joan cannot cook"}]});
        scrub_determination(&mut d, &removed);
        let text = d.to_string();
        assert!(!text.contains("Ann") && !text.contains("Joan"), "{text}");
        assert_eq!(d["result"], "eligible");
    }
}
