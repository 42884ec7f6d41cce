//! The work lists: reviews due in the next [`reviews::DUE_SOON_DAYS`] days, reviews overdue
//! (oldest first) and actions overdue, over the live plans (agreed or under review) of carers
//! whose record is open. One indexed query each; the integration tests check them against
//! [`reviews::review_lists`] and [`super::action_overdue`] over the same data.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

use crate::args::NoArgs;
use crate::context::Ctx;
use crate::dates;
use crate::error::Result;
use crate::reviews::{self, DUE_SOON_DAYS};

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

/// The live plans of open carers; each list adds its condition on `?1` (today) and `?2`. The
/// carer's name and status are joined in (one indexed pass per list), not read per plan.
const PLANS: &str = "FROM support_plans p JOIN carers c ON c.id = p.carer_id
    WHERE p.status IN ('agreed', 'under_review') AND c.status = 'open'";
/// Due today or within the window (`?2` is its last day).
const DUE_SOON: &str = "p.review_due BETWEEN ?1 AND ?2";
const OVERDUE: &str = "p.review_due < ?1";
/// The open actions of the live plans of open carers, past their date.
const ACTIONS_OVERDUE: &str = "FROM plan_actions a JOIN support_plans p ON p.id = a.plan_id
    JOIN carers c ON c.id = p.carer_id LEFT JOIN support_catalogue s ON s.code = a.support
    WHERE p.status IN ('agreed', 'under_review') AND c.status = 'open'
      AND a.status IN ('planned', 'in_progress') AND a.due_on < ?1";

/// The arguments of the queries on `today`: today, and the window's last day.
fn bounds(today: NaiveDate) -> [String; 2] {
    let end = today.checked_add_days(Days::new(DUE_SOON_DAYS.into())).expect("date within range");
    [dates::iso(today), dates::iso(end)]
}

fn plans(conn: &Connection, condition: &str, args: &[String], today: NaiveDate) -> Result<Vec<DuePlan>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.reference, p.version, p.status, p.light_touch, p.carer_id, c.first_name, c.last_name,
                c.reference, p.review_due
         {PLANS} AND {condition} ORDER BY p.review_due, p.id"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
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
            review_due: dates::iso(due),
            days_until: reviews::days_until(due, today),
            days_overdue: reviews::days_overdue(due, today),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The three lists on `today`.
pub fn due_lists(conn: &Connection, today: NaiveDate) -> Result<DueLists> {
    let bounds = bounds(today);
    let due_soon = plans(conn, DUE_SOON, &bounds, today)?;
    let overdue = plans(conn, OVERDUE, &bounds[..1], today)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, p.id, p.reference, p.carer_id, c.first_name, c.last_name, c.reference, a.description, s.label,
                a.who, a.due_on, a.status
         {ACTIONS_OVERDUE} ORDER BY a.due_on, a.id"
    ))?;
    let actions = stmt
        .query_map([&bounds[0]], |r| {
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
                due_on: dates::iso(due),
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

/// The home screen's counts on `today`: the same conditions as [`due_lists`], counted from
/// the partial indexes of live plans' review dates and open actions' dates, and the closed
/// records (a carer is open unless closed), without reading a plan's or action's row.
pub fn counts(conn: &Connection, today: NaiveDate) -> Result<DueCounts> {
    let bounds = bounds(today);
    let [due_soon, overdue, actions] = count_statements();
    let count = |sql: &str, args: &[String]| -> Result<i64> {
        Ok(conn.prepare_cached(sql)?.query_row(rusqlite::params_from_iter(args), |r| r.get(0))?)
    };
    Ok(DueCounts {
        reviews_due_soon: count(&due_soon, &bounds)?,
        reviews_overdue: count(&overdue, &bounds[..1])?,
        actions_overdue: count(&actions, &bounds[..1])?,
    })
}

/// [`counts`]' statements: reviews due soon, reviews overdue, actions overdue. The `+` before
/// `a.plan_id` keeps SQLite from looking up every live plan's actions one plan at a time.
fn count_statements() -> [String; 3] {
    let closed = crate::carers::CLOSED_IDS;
    let plans = format!(
        "SELECT count(*) FROM support_plans p INDEXED BY support_plans_review_due
         WHERE p.status IN ('agreed', 'under_review') AND p.carer_id NOT IN ({closed})"
    );
    [
        format!("{plans} AND {DUE_SOON}"),
        format!("{plans} AND {OVERDUE}"),
        format!(
            "SELECT count(*) FROM plan_actions a INDEXED BY plan_actions_due
             WHERE a.status IN ('planned', 'in_progress') AND a.due_on < ?1
               AND +a.plan_id IN (SELECT p.id FROM support_plans p INDEXED BY support_plans_live
                                  WHERE p.status IN ('agreed', 'under_review') AND p.carer_id NOT IN ({closed}))"
        ),
    ]
}

pub fn due(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<DueLists> {
    due_lists(ctx.tx, ctx.today())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_counts_read_indexes_only() {
        let conn = crate::db::open_in_memory().unwrap();
        for sql in count_statements() {
            let plan = crate::db::query_plan(&conn, &sql, &["2026-11-23", "2026-12-23"][..sql.matches('?').count()]);
            assert!(crate::db::reads_indexes_only(&plan), "{sql}\n{plan:#?}");
        }
    }
}
