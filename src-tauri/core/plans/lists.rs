//! The work lists: reviews due in the next [`reviews::DUE_SOON_DAYS`] days, reviews overdue
//! (oldest first) and actions overdue, over the live plans (agreed or under review) of carers
//! whose record is open. One indexed query each; the integration tests check them against
//! [`reviews::review_lists`] and [`super::action_overdue`] over the same data.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::reviews::{self, DUE_SOON_DAYS};
use crate::settings::NoArgs;

/// A plan whose review is due soon or overdue.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DuePlan {
    pub plan_id: i64,
    pub reference: String,
    pub version: u32,
    /// `agreed` or `under_review`.
    pub status: String,
    pub light_touch: bool,
    pub carer_id: i64,
    pub carer_name: String,
    pub carer_reference: Option<String>,
    /// ISO date.
    pub review_due: String,
    /// Days from today to the due date (0 today, negative when overdue).
    pub days_until: i64,
    pub days_overdue: u32,
}

/// An action past its date, still planned or in progress.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DueAction {
    pub action_id: i64,
    pub plan_id: i64,
    pub reference: String,
    pub carer_id: i64,
    pub carer_name: String,
    pub carer_reference: Option<String>,
    pub description: String,
    pub support_label: Option<String>,
    pub who: Option<String>,
    pub due_on: String,
    pub status: String,
    pub days_overdue: u32,
}

/// The three lists with their counts (each count is its list's length).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DueLists {
    pub window_days: u32,
    /// Due today or in the next `window_days` days, soonest first.
    pub due_soon: Vec<DuePlan>,
    pub due_soon_count: usize,
    /// Past their due date, longest overdue first.
    pub overdue: Vec<DuePlan>,
    pub overdue_count: usize,
    /// Oldest date first.
    pub actions_overdue: Vec<DueAction>,
    pub actions_overdue_count: usize,
}

/// The counts the home screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DueCounts {
    pub reviews_due_soon: i64,
    pub reviews_overdue: i64,
    pub actions_overdue: i64,
}

const LIVE: &str = "p.status IN ('agreed', 'under_review') AND c.status = 'open'";

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn plans(conn: &Connection, condition: &str, a: &str, b: &str, today: NaiveDate) -> Result<Vec<DuePlan>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.reference, p.version, p.status, p.light_touch, p.carer_id, c.first_name, c.last_name,
                c.reference, p.review_due
         FROM support_plans p JOIN carers c ON c.id = p.carer_id
         WHERE {LIVE} AND {condition} ORDER BY p.review_due, p.id"
    ))?;
    let rows = stmt.query_map([a, b], |r| {
        let first: String = r.get(6)?;
        let last: String = r.get(7)?;
        let due: NaiveDate = r.get(9)?;
        Ok(DuePlan {
            plan_id: r.get(0)?,
            reference: r.get(1)?,
            version: r.get(2)?,
            status: r.get(3)?,
            light_touch: r.get(4)?,
            carer_id: r.get(5)?,
            carer_name: format!("{first} {last}"),
            carer_reference: r.get(8)?,
            review_due: iso(due),
            days_until: reviews::days_until(due, today),
            days_overdue: reviews::days_overdue(due, today),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn window_end(today: NaiveDate) -> NaiveDate {
    today.checked_add_days(Days::new(DUE_SOON_DAYS.into())).expect("date within range")
}

/// The three lists on `today`.
pub fn due_lists(conn: &Connection, today: NaiveDate) -> Result<DueLists> {
    let t = iso(today);
    let due_soon = plans(conn, "p.review_due BETWEEN ?1 AND ?2", &t, &iso(window_end(today)), today)?;
    let overdue = plans(conn, "p.review_due < ?1 AND ?2 = ?2", &t, "", today)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, p.id, p.reference, p.carer_id, c.first_name, c.last_name, c.reference, a.description, s.label,
                a.who, a.due_on, a.status
         FROM plan_actions a JOIN support_plans p ON p.id = a.plan_id JOIN carers c ON c.id = p.carer_id
         LEFT JOIN support_catalogue s ON s.code = a.support
         WHERE {LIVE} AND a.status IN ('planned', 'in_progress') AND a.due_on < ?1
         ORDER BY a.due_on, a.id"
    ))?;
    let actions = stmt
        .query_map([&t], |r| {
            let first: String = r.get(4)?;
            let last: String = r.get(5)?;
            let due: NaiveDate = r.get(10)?;
            Ok(DueAction {
                action_id: r.get(0)?,
                plan_id: r.get(1)?,
                reference: r.get(2)?,
                carer_id: r.get(3)?,
                carer_name: format!("{first} {last}"),
                carer_reference: r.get(6)?,
                description: r.get(7)?,
                support_label: r.get(8)?,
                who: r.get(9)?,
                due_on: iso(due),
                status: r.get(11)?,
                days_overdue: reviews::days_overdue(due, today),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(DueLists {
        window_days: DUE_SOON_DAYS,
        due_soon_count: due_soon.len(),
        due_soon,
        overdue_count: overdue.len(),
        overdue,
        actions_overdue_count: actions.len(),
        actions_overdue: actions,
    })
}

/// The home screen's counts on `today`.
pub fn counts(conn: &Connection, today: NaiveDate) -> Result<DueCounts> {
    let t = iso(today);
    let count = |sql: &str, b: &str| -> Result<i64> {
        Ok(conn.prepare_cached(&format!("SELECT count(*) {sql}"))?.query_row([t.as_str(), b], |r| r.get(0))?)
    };
    let plans = format!("FROM support_plans p JOIN carers c ON c.id = p.carer_id WHERE {LIVE}");
    Ok(DueCounts {
        reviews_due_soon: count(&format!("{plans} AND p.review_due BETWEEN ?1 AND ?2"), &iso(window_end(today)))?,
        reviews_overdue: count(&format!("{plans} AND p.review_due < ?1 AND ?2 = ?2"), "")?,
        actions_overdue: count(
            &format!(
                "FROM plan_actions a JOIN support_plans p ON p.id = a.plan_id JOIN carers c ON c.id = p.carer_id
                 WHERE {LIVE} AND a.status IN ('planned', 'in_progress') AND a.due_on < ?1 AND ?2 = ?2"
            ),
            "",
        )?,
    })
}

pub fn due(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<DueLists> {
    due_lists(ctx.tx, ctx.today())
}
