//! The "Transitions" view: young carers turning 16, 17 and 18 soon, and those past a
//! milestone without it done (oldest risk first), with the counts for the home screen.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use super::{overdue, Timeline};
use crate::choices::Milestone as Code;
use crate::context::Ctx;
use crate::dates::latest_birth_for_age;
use crate::dates::{self, add_months, anniversary};
use crate::error::Result;
use crate::settings;

/// The ages the view lists carers turning.
pub const TURNING: [u32; 3] = [16, 17, 18];

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionsArgs {
    /// 6 or 12 (default 12): how far ahead to look for birthdays.
    #[serde(default)]
    pub months: Option<u32>,
}

/// The milestone a carer is past without it done.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MissedMilestone {
    pub code: String,
    pub label: String,
    pub deadline: Option<String>,
    pub status: String,
    /// How many milestones in all are overdue.
    pub overdue_count: u32,
}

/// One young carer in the view.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Row {
    pub carer_id: i64,
    pub reference: String,
    pub name: String,
    pub date_of_birth: String,
    pub age: u32,
    /// Turning lists: the day they turn that age.
    pub birthday: Option<String>,
    pub school_name: Option<String>,
    /// Past list: the earliest milestone overdue.
    pub milestone: Option<MissedMilestone>,
    /// `none`, `draft`, `completed` or `recorded` (done elsewhere, recorded as a milestone), as
    /// the record says ([`super::Done::assessment_state`]).
    pub transition_assessment: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Turning {
    pub age: u32,
    pub carers: Vec<Row>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct TransitionCounts {
    pub turning_16: u32,
    pub turning_17: u32,
    pub turning_18: u32,
    pub past_milestone: u32,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Transitions {
    pub months: u32,
    pub turning: Vec<Turning>,
    pub past_milestone: Vec<Row>,
    pub counts: TransitionCounts,
}

/// An open carer old enough for a list and young enough for a milestone.
struct Candidate {
    id: i64,
    dob: NaiveDate,
    /// The day the service first knew them.
    known: Option<NaiveDate>,
}

/// The open carers old enough for a list and young enough for a milestone, from the index of
/// dates of birth alone (`carers_open_by_dob_known`): no carer's row is read, so the pass costs
/// the same few milliseconds whatever else the register holds.
const CANDIDATES: &str = "SELECT c.id, c.date_of_birth, coalesce(c.date_first_identified, substr(c.created_at, 1, 10))
     FROM carers c INDEXED BY carers_open_by_dob_known
     WHERE c.status = 'open' AND c.date_of_birth <= ?1 AND c.date_of_birth > ?2";

fn candidates(ctx: &Ctx<'_>, t: &Timeline) -> Result<Vec<Candidate>> {
    let today = ctx.today();
    let youngest = latest_birth_for_age(today, TURNING[0].min(t.prepare_age) - 1);
    let oldest_excluded = latest_birth_for_age(today, t.young_adult_max_age + 1);
    let mut stmt = ctx.tx.prepare_cached(CANDIDATES)?;
    let rows = stmt.query_map([dates::iso(youngest), dates::iso(oldest_excluded)], |r| {
        let dob: String = r.get(1)?;
        let known: Option<String> = r.get(2)?;
        Ok((r.get(0)?, dates::from_iso(&dob), known.as_deref().and_then(dates::from_iso)))
    })?;
    let mut out = Vec::new();
    for row in rows {
        if let (id, Some(dob), known) = row? {
            out.push(Candidate { id, dob, known });
        }
    }
    Ok(out)
}

/// What is done towards each young carer's milestones, whatever the day: whether a transition
/// assessment was started or completed, a handover recorded, and which milestones a worker
/// recorded. Read for every carer at once from indexes and two small tables (three queries
/// whatever the size of the register), where [`super::done_facts`] reads one carer's dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Progress {
    started: bool,
    completed: bool,
    handed_over: bool,
    /// One bit per [`Code::ALL`] position.
    recorded: u8,
}

impl Progress {
    fn bit(code: Code) -> u8 {
        1 << Code::ALL.iter().position(|&c| c == code).expect("every milestone is listed")
    }

    /// Whether `code` is done: recorded by a worker, or done by an assessment or handover.
    fn done(&self, code: Code) -> bool {
        self.recorded & Progress::bit(code) != 0
            || match code {
                Code::Offer => self.started,
                Code::Assessment => self.completed,
                Code::Handover => self.handed_over,
                _ => false,
            }
    }

    /// How far the transition assessment got, as [`super::Done::assessment_state`] says it for
    /// one carer: `completed` (one completed here), `recorded` (a worker recorded the milestone
    /// as done: an assessment made elsewhere), `draft` (one started here) or `none`.
    fn assessment_state(&self) -> &'static str {
        if self.completed {
            "completed"
        } else if self.recorded & Progress::bit(Code::Assessment) != 0 {
            "recorded"
        } else if self.started {
            "draft"
        } else {
            "none"
        }
    }
}

/// Read from `assessments_transition` alone.
const TRANSITION_ASSESSMENTS: &str = "SELECT carer_id, status FROM assessments WHERE type = 'transition'";

fn progress_by_carer(ctx: &Ctx<'_>) -> Result<HashMap<i64, Progress>> {
    let mut out: HashMap<i64, Progress> = HashMap::new();
    // `assessments_transition`, (carer_id, status) for transition assessments only.
    let mut stmt = ctx.tx.prepare_cached(TRANSITION_ASSESSMENTS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let p = out.entry(r.get(0)?).or_default();
        p.started = true;
        p.completed |= r.get::<_, String>(1)? == "completed";
    }
    let mut stmt = ctx.tx.prepare_cached("SELECT carer_id FROM handovers")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().handed_over = true;
    }
    let mut stmt = ctx.tx.prepare_cached("SELECT carer_id, milestone FROM milestones_done")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let code: Code = r.get(1)?;
        out.entry(r.get(0)?).or_default().recorded |= Progress::bit(code);
    }
    Ok(out)
}

/// What the view shows of a carer in its lists: read only for the carers listed.
fn row(ctx: &Ctx<'_>, c: &Candidate, progress: Progress) -> Result<Row> {
    let today = ctx.today();
    // Narrow read: a line of a list, one prepared statement per listed carer, with the school
    // in the same query; the whole row is not needed.
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT c.reference, c.first_name, c.last_name, c.preferred_name,
                (SELECT s.name FROM school_links l JOIN schools s ON s.id = l.school_id WHERE l.carer_id = c.id)
         FROM carers c WHERE c.id = ?1",
    )?;
    Ok(stmt.query_row([c.id], |r| {
        let first: String = r.get(1)?;
        let last: String = r.get(2)?;
        let preferred: Option<String> = r.get(3)?;
        Ok(Row {
            carer_id: c.id,
            reference: r.get(0)?,
            name: crate::schools::display_name(&first, &last, preferred.as_deref()),
            date_of_birth: dates::iso(c.dob),
            age: dates::age_on(c.dob, today).unwrap_or(0),
            birthday: None,
            school_name: r.get(4)?,
            milestone: None,
            transition_assessment: progress.assessment_state().to_string(),
        })
    })?)
}

/// The Transitions view.
pub fn transitions(ctx: &mut Ctx<'_>, args: TransitionsArgs) -> Result<Transitions> {
    let months = match args.months {
        None => 12,
        Some(m @ (6 | 12)) => m,
        Some(_) => return Err(crate::Error::field("months", "choose 6 or 12 months")),
    };
    build(ctx, months)
}

/// What the view needs to know about one candidate.
struct Seen<'a> {
    candidate: &'a Candidate,
    progress: Progress,
    /// For each age in [`TURNING`], the birthday if it falls from today to the end of the window.
    birthdays: [Option<NaiveDate>; 3],
    /// The milestones overdue, with their deadlines.
    missed: Vec<(Code, NaiveDate)>,
}

/// The one pass over the candidates both the view and the home counts make: who has a
/// birthday in the next `months`, and who is past a milestone.
fn scan(ctx: &Ctx<'_>, months: u32, mut each: impl FnMut(Seen<'_>) -> Result<()>) -> Result<()> {
    let today = ctx.today();
    let t = Timeline::from_settings(&settings::load(ctx.tx)?);
    let until = add_months(today, months);
    let candidates = candidates(ctx, &t)?;
    let progress = progress_by_carer(ctx)?;
    for c in &candidates {
        let birthdays = TURNING.map(|age| Some(anniversary(c.dob, age)).filter(|b| *b >= today && *b <= until));
        let progress = progress.get(&c.id).copied().unwrap_or_default();
        let missed = overdue(c.dob, &t, |code| progress.done(code), c.known, today);
        each(Seen { candidate: c, progress, birthdays, missed })?;
    }
    Ok(())
}

fn build(ctx: &Ctx<'_>, months: u32) -> Result<Transitions> {
    let mut turning: Vec<Turning> = TURNING.iter().map(|&age| Turning { age, carers: Vec::new() }).collect();
    let mut past: Vec<(NaiveDate, Row)> = Vec::new();
    scan(ctx, months, |seen| {
        let c = seen.candidate;
        let listed = seen.birthdays.iter().any(Option::is_some) || !seen.missed.is_empty();
        if !listed {
            return Ok(());
        }
        let row = row(ctx, c, seen.progress)?;
        for (list, birthday) in turning.iter_mut().zip(seen.birthdays) {
            if let Some(b) = birthday {
                list.carers.push(Row { birthday: Some(dates::iso(b)), ..row.clone() });
            }
        }
        let missed = seen.missed;
        if let Some(&(code, deadline)) = missed.iter().min_by_key(|m| m.1) {
            past.push((
                deadline,
                Row {
                    milestone: Some(MissedMilestone {
                        code: code.code().into(),
                        label: code.label().into(),
                        deadline: Some(dates::iso(deadline)),
                        status: "overdue".into(),
                        overdue_count: missed.len() as u32,
                    }),
                    ..row
                },
            ));
        }
        Ok(())
    })?;
    for list in &mut turning {
        list.carers.sort_by(|a, b| a.birthday.cmp(&b.birthday).then(a.name.cmp(&b.name)));
    }
    past.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    let counts = TransitionCounts {
        turning_16: turning[0].carers.len() as u32,
        turning_17: turning[1].carers.len() as u32,
        turning_18: turning[2].carers.len() as u32,
        past_milestone: past.len() as u32,
    };
    Ok(Transitions { months, turning, past_milestone: past.into_iter().map(|(_, r)| r).collect(), counts })
}

/// The home screen's transition figures.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HomeTransitions {
    /// Turning 18 in the next 6 months.
    pub turning_18_soon: u32,
    /// Past a milestone without it done.
    pub past_milestone: u32,
}

pub fn counts(ctx: &Ctx<'_>) -> Result<HomeTransitions> {
    // The same pass as the view, counting only (no rows): the home screen opens all day.
    let mut out = HomeTransitions { turning_18_soon: 0, past_milestone: 0 };
    scan(ctx, 6, |seen| {
        out.turning_18_soon += u32::from(seen.birthdays[2].is_some());
        out.past_milestone += u32::from(!seen.missed.is_empty());
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pass_over_young_carers_reads_indexes_only() {
        let conn = crate::db::open_in_memory().unwrap();
        for sql in [CANDIDATES, TRANSITION_ASSESSMENTS] {
            let plan = crate::db::query_plan(&conn, sql, &["2013-11-23", "2000-11-23"][..sql.matches('?').count()]);
            assert!(crate::db::reads_indexes_only(&plan), "{sql}\n{plan:#?}");
        }
    }

    #[test]
    fn progress_is_what_the_records_say_is_done() {
        let p = Progress { started: true, completed: false, handed_over: false, recorded: Progress::bit(Code::Review) };
        assert!(p.done(Code::Offer) && !p.done(Code::Assessment) && p.done(Code::Review) && !p.done(Code::Handover));
        assert_eq!(p.assessment_state(), "draft");
        assert_eq!(Progress { completed: true, started: true, ..p }.assessment_state(), "completed");
        assert_eq!(Progress::default().assessment_state(), "none");
        let recorded =
            Progress { recorded: Progress::bit(Code::Handover) | Progress::bit(Code::Offer), ..Progress::default() };
        assert!(recorded.done(Code::Handover) && recorded.done(Code::Offer) && !recorded.done(Code::Prepare));
        assert_eq!(recorded.assessment_state(), "none");
        let elsewhere = Progress { recorded: Progress::bit(Code::Assessment), ..Progress::default() };
        assert_eq!(elsewhere.assessment_state(), "recorded");
        assert_eq!(Progress { started: true, ..elsewhere }.assessment_state(), "recorded");
        assert_eq!(Progress { started: true, completed: true, ..elsewhere }.assessment_state(), "completed");
    }
}
