//! Demo records at the scale of the register: support plans, assessments and passports for a
//! share of the carers whatever their number, within the load's time budget.
//!
//! The first records of each shape go through the commands with every check (the eligibility
//! determination, the questionnaire scores, review dates, passport numbers): those are the
//! templates. The rest copy a template's rows for another carer of the same shape, with what
//! belongs to that carer worked out as the commands would (ids, references, passport numbers
//! and check letters, a young carer card's 18th birthday, an assessment's age warning). A
//! 100,000-carer register gets about 20,000 of each: one by one through the commands that
//! would take minutes.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, ToSql};

use crate::error::Result;

/// The rows of one table that belong to a template, with the statement that writes a copy.
struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
    insert: String,
}

impl Rows {
    /// Every column of `table`'s rows matching `filter` (with `?1` bound to `key`), in rowid order.
    fn read(conn: &Connection, table: &str, filter: &str, key: &dyn ToSql) -> Result<Rows> {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {filter} ORDER BY rowid"))?;
        let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
        let n = columns.len();
        let rows = stmt
            .query_map([key], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())?
            .collect::<rusqlite::Result<_>>()?;
        let insert = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), vec!["?"; n].join(", "));
        Ok(Rows { columns, rows, insert })
    }

    fn at(&self, column: &str) -> usize {
        self.columns.iter().position(|c| c == column).unwrap_or_else(|| panic!("no column {column}"))
    }

    fn write(&self, conn: &Connection, row: &[Value]) -> Result<()> {
        conn.prepare_cached(&self.insert)?.execute(params_from_iter(row))?;
        Ok(())
    }
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => Some(*i),
        _ => None,
    }
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

/// The next id of `table` (as the commands take it: one more than the largest).
fn next_id(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.prepare_cached(&format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"))?.query_row([], |r| r.get(0))?)
}

/// A support plan line (every version of one reference) with its needs, outcomes, actions
/// and reviews.
pub(super) struct PlanTemplate {
    plans: Rows,
    needs: Rows,
    outcomes: Rows,
    actions: Rows,
    reviews: Rows,
}

impl PlanTemplate {
    pub(super) fn read(conn: &Connection, reference: &str) -> Result<PlanTemplate> {
        let of_line = "plan_id IN (SELECT id FROM support_plans WHERE reference = ?1)";
        Ok(PlanTemplate {
            plans: Rows::read(conn, "support_plans", "reference = ?1", &reference)?,
            needs: Rows::read(conn, "plan_needs", of_line, &reference)?,
            outcomes: Rows::read(conn, "plan_outcomes", of_line, &reference)?,
            actions: Rows::read(conn, "plan_actions", of_line, &reference)?,
            reviews: Rows::read(conn, "plan_reviews", of_line, &reference)?,
        })
    }

    /// Writes the line again for `carer_id`.
    pub(super) fn copy(&self, conn: &Connection, carer_id: i64) -> Result<()> {
        let p = &self.plans;
        let (id, reference, carer, previous, version) =
            (p.at("id"), p.at("reference"), p.at("carer_id"), p.at("previous_id"), p.at("version"));
        let mut new_ids = HashMap::new();
        let mut new_reference = None;
        for row in &p.rows {
            let mut row = row.clone();
            let new = next_id(conn, "support_plans")?;
            new_ids.insert(int(&row[id]), new);
            if int(&row[version]) == Some(1) {
                new_reference = Some(format!("SP-{new:06}"));
            }
            row[id] = Value::Integer(new);
            row[reference] = Value::Text(new_reference.clone().expect("version 1 comes first"));
            row[carer] = Value::Integer(carer_id);
            row[previous] = int(&row[previous]).map_or(Value::Null, |old| Value::Integer(new_ids[&Some(old)]));
            p.write(conn, &row)?;
        }
        let plan = |old: &Value| Value::Integer(new_ids[&int(old)]);
        for rows in [&self.needs, &self.outcomes] {
            let plan_id = rows.at("plan_id");
            for row in &rows.rows {
                let mut row = row.clone();
                row[plan_id] = plan(&row[plan_id]);
                rows.write(conn, &row)?;
            }
        }
        // Nothing refers to actions or reviews by id: the copies take new ones.
        let a = &self.actions;
        let (id, plan_id) = (a.at("id"), a.at("plan_id"));
        for row in &a.rows {
            let mut row = row.clone();
            row[id] = Value::Null;
            row[plan_id] = plan(&row[plan_id]);
            a.write(conn, &row)?;
        }
        let r = &self.reviews;
        let (id, plan_id, new_plan_id) = (r.at("id"), r.at("plan_id"), r.at("new_plan_id"));
        for row in &r.rows {
            let mut row = row.clone();
            row[id] = Value::Null;
            row[plan_id] = plan(&row[plan_id]);
            row[new_plan_id] = plan(&row[new_plan_id]);
            r.write(conn, &row)?;
        }
        Ok(())
    }
}

/// A completed assessment with the needs it identified.
pub(super) struct AssessmentTemplate {
    assessment: Rows,
    needs: Rows,
}

impl AssessmentTemplate {
    pub(super) fn read(conn: &Connection, id: i64) -> Result<AssessmentTemplate> {
        Ok(AssessmentTemplate {
            assessment: Rows::read(conn, "assessments", "id = ?1", &id)?,
            needs: Rows::read(conn, "assessment_needs", "assessment_id = ?1", &id)?,
        })
    }

    /// Writes the assessment again for `carer_id`, with the age warning the assessment
    /// commands give for that carer (see [`crate::assessments::age_warning`]).
    pub(super) fn copy(&self, conn: &Connection, carer_id: i64, age_warning: Option<String>) -> Result<()> {
        let a = &self.assessment;
        let new = next_id(conn, "assessments")?;
        for row in &a.rows {
            let mut row = row.clone();
            row[a.at("id")] = Value::Integer(new);
            row[a.at("reference")] = Value::Text(format!("A-{new:06}"));
            row[a.at("carer_id")] = Value::Integer(carer_id);
            row[a.at("age_warning")] = age_warning.clone().map_or(Value::Null, Value::Text);
            a.write(conn, &row)?;
        }
        let n = &self.needs;
        for row in &n.rows {
            let mut row = row.clone();
            row[n.at("assessment_id")] = Value::Integer(new);
            n.write(conn, &row)?;
        }
        Ok(())
    }
}

/// A passport as issued, with the passport that replaced it (if it was reissued) and the
/// history of both.
pub(super) struct PassportTemplate {
    passports: Rows,
    events: Rows,
}

impl PassportTemplate {
    pub(super) fn read(conn: &Connection, id: i64) -> Result<PassportTemplate> {
        Ok(PassportTemplate {
            passports: Rows::read(conn, "passports", "id = ?1 OR replaces_id = ?1", &id)?,
            events: Rows::read(
                conn,
                "passport_events",
                "passport_id IN (SELECT id FROM passports WHERE id = ?1 OR replaces_id = ?1)",
                &id,
            )?,
        })
    }

    /// Writes the passports again for `carer_id` with serial numbers of their own; a young
    /// carer card runs to `young_carer_until` (the holder's 18th birthday, as the passport
    /// commands set it). Demo carers have no young carer card record, so the template's asks
    /// and emergency contact (none) are theirs too. Returns how many passports it wrote.
    pub(super) fn copy(&self, conn: &Connection, carer_id: i64, young_carer_until: Option<&str>) -> Result<u64> {
        use crate::passports::number::{Kind, Number};
        let p = &self.passports;
        let (id, number, serial, kind, carer, until, replaces) = (
            p.at("id"),
            p.at("number"),
            p.at("serial"),
            p.at("kind"),
            p.at("carer_id"),
            p.at("valid_until"),
            p.at("replaces_id"),
        );
        let mut new_ids = HashMap::new();
        let mut renumbered: Vec<(String, String)> = Vec::new();
        for row in &p.rows {
            let mut row = row.clone();
            let new = next_id(conn, "passports")?;
            let new_serial: i64 = conn
                .prepare_cached("SELECT coalesce(max(serial), 0) + 1 FROM passports")?
                .query_row([], |r| r.get(0))?;
            let k = text(&row[kind]).and_then(Kind::from_code).expect("a passport type from the database");
            let new_number = Number::new(k, new_serial as u32)?.to_string();
            renumbered.push((text(&row[number]).unwrap_or_default().to_string(), new_number.clone()));
            new_ids.insert(int(&row[id]), new);
            row[id] = Value::Integer(new);
            row[number] = Value::Text(new_number);
            row[serial] = Value::Integer(new_serial);
            row[carer] = Value::Integer(carer_id);
            if let (Kind::YoungCarer, Some(u)) = (k, young_carer_until) {
                row[until] = Value::Text(u.to_string());
            }
            row[replaces] = int(&row[replaces]).map_or(Value::Null, |old| Value::Integer(new_ids[&Some(old)]));
            p.write(conn, &row)?;
        }
        let e = &self.events;
        let (id, passport_id, note) = (e.at("id"), e.at("passport_id"), e.at("note"));
        for row in &e.rows {
            let mut row = row.clone();
            row[id] = Value::Null;
            row[passport_id] = Value::Integer(new_ids[&int(&row[passport_id])]);
            if let Some(t) = text(&row[note]) {
                // "replaces CP-000012-F (lost)": the history names the copies' own numbers.
                let t = renumbered.iter().fold(t.to_string(), |t, (old, new)| t.replace(old, new));
                row[note] = Value::Text(t);
            }
            e.write(conn, &row)?;
        }
        Ok(p.rows.len() as u64)
    }
}
