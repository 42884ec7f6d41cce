//! `retention_due`: the records past the organisation's retention periods.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::labels::label;
use crate::context::Ctx;
use crate::dates;
use crate::error::Result;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DueCarer {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub closed_date: String,
    /// A `close_reason` code.
    pub closed_reason: Option<String>,
    pub closed_reason_label: Option<String>,
    /// When the retention period ended: the closing date plus the years in settings.
    pub due_on: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DueCaredFor {
    pub id: i64,
    pub reference: String,
    pub name: String,
    /// The latest closing date of the people who cared for them (or the day the record was
    /// last changed, if nobody is linked), plus the years in settings.
    pub due_on: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RetentionDue {
    pub carer_years: u32,
    pub cared_for_years: u32,
    /// Closed carers past retention, not yet anonymised, longest overdue first.
    pub carers: Vec<DueCarer>,
    /// Cared-for people none of whose carers has an open record, past retention, not yet
    /// anonymised, longest overdue first.
    pub cared_for: Vec<DueCaredFor>,
}

/// The retention periods in settings (years).
pub fn retention_years(conn: &Connection) -> Result<(u32, u32)> {
    Ok(conn.query_row(
        "SELECT retention_carer_years, retention_cared_for_years FROM settings WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Records past retention on `today`.
pub fn due_on(conn: &Connection, today: NaiveDate) -> Result<RetentionDue> {
    let (carer_years, cared_for_years) = retention_years(conn)?;
    let mut carers = Vec::new();
    {
        // One pass over the closed records, reading only what the list shows (not
        // `carers::read` per carer).
        let mut stmt = conn.prepare_cached(
            "SELECT id, reference, first_name, last_name, closed_date, closed_reason FROM carers
             WHERE status = 'closed' AND anonymised_on IS NULL",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let closed: String = r.get(4)?;
            let Some(d) = dates::from_iso(&closed) else { continue };
            let due = dates::anniversary(d, carer_years);
            if due <= today {
                let reason: Option<String> = r.get(5)?;
                carers.push(DueCarer {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    name: format!("{} {}", r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                    closed_date: closed,
                    closed_reason_label: reason.as_deref().map(|c| label("close_reason", c)),
                    closed_reason: reason,
                    due_on: dates::iso(due),
                });
            }
        }
    }
    carers.sort_by(|a, b| (&a.due_on, &a.reference).cmp(&(&b.due_on, &b.reference)));

    let mut cared_for = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, p.reference, p.first_name, p.last_name,
                    (SELECT max(c.closed_date) FROM caring_links l JOIN carers c ON c.id = l.carer_id
                     WHERE l.cared_for_id = p.id),
                    substr(p.updated_at, 1, 10)
             FROM cared_for p
             WHERE p.anonymised_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM caring_links l JOIN carers c ON c.id = l.carer_id
                               WHERE l.cared_for_id = p.id AND c.status = 'open')",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let closed: Option<String> = r.get(4)?;
            let changed: String = r.get(5)?;
            let Some(d) = dates::from_iso(closed.as_deref().unwrap_or(&changed)) else { continue };
            let due = dates::anniversary(d, cared_for_years);
            if due <= today {
                let first: String = r.get(2)?;
                let last: Option<String> = r.get(3)?;
                cared_for.push(DueCaredFor {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    name: format!("{first} {}", last.unwrap_or_default()).trim().to_string(),
                    due_on: dates::iso(due),
                });
            }
        }
    }
    cared_for.sort_by(|a, b| (&a.due_on, &a.reference).cmp(&(&b.due_on, &b.reference)));
    Ok(RetentionDue { carer_years, cared_for_years, carers, cared_for })
}

/// `retention_due`: the records past retention today, for an administrator to review.
pub fn due(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<RetentionDue> {
    due_on(ctx.tx, ctx.today())
}
