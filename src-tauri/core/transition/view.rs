//! The "Transitions" view: young carers turning 16, 17 and 18 soon, and those past a
//! milestone without it done (oldest risk first), with the counts for the home screen.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use super::{overdue, recorded_row, Facts, Timeline, FACT_COLUMNS, RECORDED};
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

struct Candidate {
    id: i64,
    reference: String,
    name: String,
    dob: String,
    school: Option<String>,
    facts: Facts,
}

/// The open carers old enough for a list and young enough for a milestone, and the milestones
/// they had recorded as done: two queries whatever the size of the register.
type Recorded = HashMap<i64, Vec<super::RecordedMilestone>>;

fn candidates(ctx: &Ctx<'_>, t: &Timeline) -> Result<(Vec<Candidate>, Recorded)> {
    let today = ctx.today();
    let youngest = latest_birth_for_age(today, TURNING[0].min(t.prepare_age) - 1);
    let oldest_excluded = latest_birth_for_age(today, t.young_adult_max_age + 1);
    let mut stmt = ctx.tx.prepare_cached(&format!(
        "SELECT c.id, c.reference, c.first_name, c.last_name, c.preferred_name, c.date_of_birth,
                (SELECT s.name FROM school_links l JOIN schools s ON s.id = l.school_id WHERE l.carer_id = c.id),
                {FACT_COLUMNS}
         FROM carers c
         WHERE c.status = 'open' AND c.date_of_birth <= ?1 AND c.date_of_birth > ?2
         ORDER BY c.date_of_birth, c.id"
    ))?;
    let range = [dates::iso(youngest), dates::iso(oldest_excluded)];
    let rows = stmt.query_map(range.clone(), |r| {
        let first: String = r.get(2)?;
        let last: String = r.get(3)?;
        let preferred: Option<String> = r.get(4)?;
        Ok(Candidate {
            id: r.get(0)?,
            reference: r.get(1)?,
            name: crate::schools::display_name(&first, &last, preferred.as_deref()),
            dob: r.get(5)?,
            school: r.get(6)?,
            facts: Facts::read(r, 7)?,
        })
    })?;
    let candidates: Vec<Candidate> = rows.collect::<rusqlite::Result<_>>()?;
    let mut stmt = ctx.tx.prepare_cached(&format!(
        "{RECORDED} JOIN carers c ON c.id = m.carer_id
         WHERE c.status = 'open' AND c.date_of_birth <= ?1 AND c.date_of_birth > ?2"
    ))?;
    let mut recorded: HashMap<i64, Vec<_>> = HashMap::new();
    for row in stmt.query_map(range, recorded_row)? {
        let (id, m) = row?;
        recorded.entry(id).or_default().push(m);
    }
    Ok((candidates, recorded))
}

fn row(c: &Candidate, assessment: &str, today: NaiveDate) -> Row {
    Row {
        carer_id: c.id,
        reference: c.reference.clone(),
        name: c.name.clone(),
        date_of_birth: c.dob.clone(),
        age: crate::carers::age_from_iso(&c.dob, today),
        birthday: None,
        school_name: c.school.clone(),
        milestone: None,
        transition_assessment: assessment.to_string(),
    }
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
    /// For each age in [`TURNING`], the birthday if it falls from today to the end of the window.
    birthdays: [Option<NaiveDate>; 3],
    /// The milestones overdue, with their deadlines.
    missed: Vec<(crate::choices::Milestone, NaiveDate)>,
    /// [`super::Done::assessment_state`].
    assessment: &'static str,
}

/// The one pass over the candidates both the view and the home counts make: who has a
/// birthday in the next `months`, and who is past a milestone.
fn scan(ctx: &Ctx<'_>, months: u32, mut each: impl FnMut(Seen<'_>)) -> Result<()> {
    let today = ctx.today();
    let t = Timeline::from_settings(&settings::load(ctx.tx)?);
    let until = add_months(today, months);
    let (candidates, recorded) = candidates(ctx, &t)?;
    for c in &candidates {
        let Some(dob) = dates::from_iso(&c.dob) else { continue };
        let birthdays = TURNING.map(|age| Some(anniversary(dob, age)).filter(|b| *b >= today && *b <= until));
        let done = c.facts.done(recorded.get(&c.id).map(Vec::as_slice).unwrap_or_default());
        each(Seen {
            candidate: c,
            birthdays,
            missed: overdue(dob, &t, &done, today),
            assessment: done.assessment_state(),
        });
    }
    Ok(())
}

fn build(ctx: &Ctx<'_>, months: u32) -> Result<Transitions> {
    let today = ctx.today();
    let mut turning: Vec<Turning> = TURNING.iter().map(|&age| Turning { age, carers: Vec::new() }).collect();
    let mut past: Vec<(NaiveDate, Row)> = Vec::new();
    scan(ctx, months, |seen| {
        let c = seen.candidate;
        for (list, birthday) in turning.iter_mut().zip(seen.birthdays) {
            if let Some(b) = birthday {
                list.carers.push(Row { birthday: Some(dates::iso(b)), ..row(c, seen.assessment, today) });
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
                    ..row(c, seen.assessment, today)
                },
            ));
        }
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
    })?;
    Ok(out)
}
