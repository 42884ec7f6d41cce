//! A support plan, or its contingency plan alone, as an A4 PDF ([`crate::pdf`]).
//!
//! The whole plan follows s25: who and when; the eligibility determination from the
//! assessment; the needs with whether and how far each is eligible and whether and how it will
//! be met; the carer's outcomes in their own words; the actions (what, who, by when, status);
//! the personal budget and any direct payment; the advice and information given; who was
//! involved; the contingency plan; the reviews; and the agreement with a signature block.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{money_uk, DpFrequency, Plan};
use crate::context::Ctx;
use crate::dates;
use crate::error::{Error, Result};
use crate::pdf::{self, Block, Column, DocumentInfo};
use crate::settings::{self, Settings};

/// Which document to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The whole support plan (with its contingency plan).
    Plan,
    /// The contingency (emergency) plan on its own.
    Contingency,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintArgs {
    /// The plan version to print.
    pub id: i64,
    #[serde(default = "whole")]
    pub part: Part,
    /// Where to write the PDF (replaced if it exists).
    pub path: PathBuf,
}

fn whole() -> Part {
    Part::Plan
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Printed {
    pub path: String,
    pub pages: usize,
    pub bytes: usize,
    /// Characters in the plan no font can print (shown as a replacement mark): check the
    /// names and words they are in.
    pub unprintable: Vec<String>,
}

fn uk(iso: &Option<String>) -> String {
    iso.as_deref().and_then(dates::from_iso).map(dates::uk).unwrap_or_else(|| "Not recorded".to_string())
}

fn or_none(text: &Option<String>) -> String {
    text.clone().unwrap_or_else(|| "Not recorded".to_string())
}

fn label_of<T: Copy>(code: &Option<String>, from: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> String {
    code.as_deref().and_then(from).map(label).unwrap_or("Not recorded").to_string()
}

/// The organisation block on page 1.
pub(crate) fn organisation(s: &Settings) -> Vec<String> {
    let mut lines = vec![s.organisation_name.clone().unwrap_or_else(|| "Carers Desk".to_string())];
    if let Some(a) = &s.address {
        lines.extend(a.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    }
    let contact: Vec<String> =
        [s.phone.as_ref().map(|p| format!("Phone {p}")), s.email.clone()].into_iter().flatten().collect();
    if !contact.is_empty() {
        lines.push(contact.join("  ·  "));
    }
    lines
}

fn who_and_when(p: &Plan) -> Block {
    let mut f = vec![
        ("Carer".to_string(), p.carer_name.clone()),
        ("Carer's reference".to_string(), p.carer_reference.clone().unwrap_or_else(|| "None".to_string())),
        ("Plan".to_string(), format!("{} version {} ({})", p.reference, p.version, p.status_label.to_lowercase())),
        ("Plan started".to_string(), uk(&p.plan_started)),
    ];
    if p.version > 1 {
        f.push(("This version from".to_string(), uk(&p.start_date)));
    }
    f.push(("Agreed with the carer".to_string(), uk(&p.agreed_on)));
    if let Some(due) = &p.review_due {
        f.push(("Next review due".to_string(), uk(&Some(due.clone()))));
    }
    if p.status == "ended" {
        f.push(("Ended".to_string(), format!("{} ({})", uk(&p.ended_on), or_none(&p.end_reason_label))));
    }
    f.push((
        "Based on".to_string(),
        match (&p.assessment_reference, &p.assessment_type_label) {
            (Some(r), Some(t)) => format!("{t} {r}, {}", uk(&p.assessed_on)),
            _ => "Light-touch support: information and advice, without an assessment".to_string(),
        },
    ));
    f.push(("Worker".to_string(), or_none(&p.worker_name)));
    Block::Fields(f)
}

fn contingency_blocks(p: &Plan, alone: bool) -> Vec<Block> {
    let c = &p.contingency;
    let mut b = vec![Block::Heading(if alone {
        "If I suddenly cannot care".to_string()
    } else {
        "Contingency plan: if I suddenly cannot care".to_string()
    })];
    if !p.cared_for.is_empty() {
        b.push(Block::Fields(
            p.cared_for
                .iter()
                .map(|f| ("Cares for".to_string(), format!("{} ({})", f.name, f.relationship_label)))
                .collect(),
        ));
    }
    b.push(Block::Paragraph(or_none(&c.if_cannot_care)));
    b.push(Block::Subheading("Emergency contacts".to_string()));
    if c.contacts.is_empty() {
        b.push(Block::Paragraph("No emergency contacts recorded.".to_string()));
    } else {
        b.push(Block::Table {
            columns: vec![
                Column::new("Name", 3.0),
                Column::new("Relationship", 2.5),
                Column::new("Phone", 2.5),
                Column::new("Notes", 4.0),
            ],
            rows: c
                .contacts
                .iter()
                .map(|k| {
                    vec![
                        k.name.clone().unwrap_or_default(),
                        k.relationship.clone().unwrap_or_default(),
                        k.phone.clone().unwrap_or_default(),
                        k.notes.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    b.push(Block::Subheading("The cared-for person".to_string()));
    b.push(Block::Fields(vec![
        ("Essential needs".to_string(), or_none(&c.essential_needs)),
        ("Medication".to_string(), or_none(&c.medication)),
        ("Routines".to_string(), or_none(&c.routines)),
        ("GP".to_string(), or_none(&c.gp)),
        ("Key safe and access".to_string(), or_none(&c.access)),
        ("Who has a copy of this plan".to_string(), or_none(&c.copies_held_by)),
    ]));
    b
}

/// The blocks of the whole plan.
pub fn plan_blocks(p: &Plan) -> Vec<Block> {
    let mut b = vec![who_and_when(p)];

    b.push(Block::Heading("Eligibility".to_string()));
    b.push(Block::Paragraph(match (&p.determination, p.light_touch) {
        (Some(d), _) => d.explanation.clone(),
        (None, true) => "This is light-touch support (information and advice). No assessment has been made, so no eligibility decision has been made.".to_string(),
        (None, false) => format!(
            "This plan follows a {}. The adult carers' eligibility criteria (Care Act 2014) do not apply to it; the needs below are those the assessment found.",
            p.assessment_type_label.clone().unwrap_or_else(|| "carer's assessment".to_string()).to_lowercase()
        ),
    }));

    if !p.needs.is_empty() {
        b.push(Block::Heading("My needs, and how they will be met".to_string()));
        b.push(needs_table(p));
    }

    b.push(Block::Heading("What I want to achieve (in my own words)".to_string()));
    if p.outcomes.is_empty() {
        b.push(Block::Paragraph("No outcomes recorded.".to_string()));
    } else {
        b.push(Block::Bullets(p.outcomes.clone()));
    }

    b.push(Block::Heading("Actions".to_string()));
    if p.actions.is_empty() {
        b.push(Block::Paragraph("No actions recorded.".to_string()));
    } else {
        b.push(actions_table(p));
    }

    b.push(Block::Heading("Personal budget and direct payments".to_string()));
    b.push(money_fields(p));

    b.push(Block::Heading("Advice and information given".to_string()));
    b.push(Block::Paragraph(p.advice_given.clone().unwrap_or_else(|| "None recorded.".to_string())));

    b.push(Block::Heading("Who was involved".to_string()));
    b.push(who_was_involved(p));

    b.extend(contingency_blocks(p, false));

    b.extend(reviews_done(p));

    b.extend(agreement(p));
    b
}

/// The needs, whether each is eligible, and whether and how each will be met.
fn needs_table(p: &Plan) -> Block {
    Block::Table {
        columns: vec![
            Column::new("#", 0.6),
            Column::new("Need", 4.0),
            Column::new("Relates to", 2.4),
            Column::new("Eligible?", 2.0),
            Column::new("Will it be met, and how", 4.5),
        ],
        rows: p
            .needs
            .iter()
            .map(|n| {
                let relates = [n.outcome_label.clone(), n.wellbeing_area_label.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; ");
                let eligible = match &n.eligibility_note {
                    Some(note) => format!("{}: {note}", n.eligibility_label),
                    None => n.eligibility_label.clone(),
                };
                let met = match (&n.will_meet_label, &n.how_met) {
                    (Some(w), Some(h)) => format!("{w}. {h}"),
                    (Some(w), None) => w.clone(),
                    (None, Some(h)) => h.clone(),
                    (None, None) => "Not decided".to_string(),
                };
                vec![n.position.to_string(), n.description.clone(), relates, eligible, met]
            })
            .collect(),
    }
}

/// The actions, each with its support, need and notes.
fn actions_table(p: &Plan) -> Block {
    Block::Table {
        columns: vec![
            Column::new("What", 6.0),
            Column::new("Who", 2.6),
            Column::new("By when", 1.9),
            Column::new("Status", 1.8),
        ],
        rows: p
            .actions
            .iter()
            .map(|a| {
                let mut what = match &a.support_label {
                    Some(s) if !a.description.starts_with(s.as_str()) => format!("{s}: {}", a.description),
                    _ => a.description.clone(),
                };
                if let Some(n) = a.need_position {
                    what.push_str(&format!(" (need {n})"));
                }
                if let Some(notes) = &a.notes {
                    what.push_str(&format!("\n{notes}"));
                }
                vec![what, a.who.clone().unwrap_or_default(), uk_or_blank(&a.due_on), a.status_label.clone()]
            })
            .collect(),
    }
}

/// The personal budget and any direct payment, with the needs it covers.
fn money_fields(p: &Plan) -> Block {
    let mut money = vec![(
        "Personal budget".to_string(),
        p.personal_budget_pence().map(money_uk).unwrap_or_else(|| "None".to_string()),
    )];
    if p.direct_payment {
        money.push((
            "Direct payment".to_string(),
            format!(
                "{} {}",
                p.dp_amount_pence().map(money_uk).unwrap_or_else(|| "Amount not recorded".to_string()),
                label_of(&p.dp_frequency, DpFrequency::from_code, DpFrequency::label).to_lowercase()
            ),
        ));
        let covered: Vec<String> = p
            .dp_needs
            .iter()
            .filter_map(|&pos| p.needs.iter().find(|n| n.position == pos))
            .map(|n| format!("{}. {}", n.position, n.description))
            .collect();
        money.push((
            "Needs the direct payment covers".to_string(),
            if covered.is_empty() { "Not recorded".to_string() } else { covered.join("\n") },
        ));
    } else {
        money.push(("Direct payment".to_string(), "No".to_string()));
    }
    Block::Fields(money)
}

/// The carer, the people cared for if they took part, and anyone else involved.
fn who_was_involved(p: &Plan) -> Block {
    let mut involved = vec![format!("{} (the carer)", p.carer_name)];
    if p.cared_for_involved {
        let names: Vec<&str> = p.cared_for.iter().map(|f| f.name.as_str()).collect();
        involved.push(if names.is_empty() {
            "The person cared for, as the carer asked".to_string()
        } else {
            format!("{} (cared for), as the carer asked", names.join(", "))
        });
    }
    if let Some(o) = &p.others_involved {
        involved.extend(o.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    }
    Block::Bullets(involved)
}

/// The completed reviews, if any.
fn reviews_done(p: &Plan) -> Vec<Block> {
    let done: Vec<_> = p.reviews.iter().filter(|r| r.status == "completed").collect();
    if done.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Heading("Reviews".to_string()),
        Block::Table {
            columns: vec![
                Column::new("Date", 1.6),
                Column::new("Kind", 3.5),
                Column::new("Version reviewed", 1.8),
                Column::new("New assessment needed", 2.0),
            ],
            rows: done
                .iter()
                .map(|r| {
                    vec![
                        uk_or_blank(&r.review_date),
                        match &r.reason_label {
                            Some(reason) if !r.planned => format!("Unplanned: {reason}"),
                            _ => "Planned".to_string(),
                        },
                        r.plan_version.to_string(),
                        match r.new_assessment_needed {
                            Some(true) => "Yes",
                            Some(false) => "No",
                            None => "",
                        }
                        .to_string(),
                    ]
                })
                .collect(),
        },
    ]
}

fn agreement(p: &Plan) -> Vec<Block> {
    vec![
        Block::Heading("Agreement".to_string()),
        Block::Paragraph(
            "I have been involved in making this plan and I agree with it. I know I can ask for it to be reviewed at any time."
                .to_string(),
        ),
        Block::Fields(vec![
            ("Date agreed".to_string(), uk(&p.agreed_on)),
            (
                "How the carer agreed".to_string(),
                label_of(&p.agreement_method, super::AgreementMethod::from_code, super::AgreementMethod::label),
            ),
            ("Worker".to_string(), or_none(&p.worker_name)),
        ]),
        Block::Signatures(vec!["Carer".to_string(), "Support worker".to_string()]),
    ]
}

fn uk_or_blank(iso: &Option<String>) -> String {
    if iso.is_some() {
        uk(iso)
    } else {
        String::new()
    }
}

/// The blocks of the contingency plan alone.
pub fn contingency_only_blocks(p: &Plan) -> Vec<Block> {
    // Kept short, so a typical contingency plan is one page to pin up or hand over.
    let carer = match &p.carer_reference {
        Some(r) => format!("{} ({r})", p.carer_name),
        None => p.carer_name.clone(),
    };
    let agreed = match &p.agreed_on {
        Some(_) => format!(", agreed {}", uk(&p.agreed_on)),
        None => " (not agreed yet)".to_string(),
    };
    let mut b = vec![Block::Fields(vec![
        ("Carer".to_string(), carer),
        (
            "Support plan".to_string(),
            format!("{} version {}{agreed}; worker {}", p.reference, p.version, or_none(&p.worker_name)),
        ),
    ])];
    b.extend(contingency_blocks(p, true));
    b.push(Block::Signatures(vec!["Carer".to_string()]));
    b
}

/// Everything needed to print, without touching the file system.
pub fn document(
    p: &Plan,
    part: Part,
    settings: &Settings,
    created: chrono::NaiveDateTime,
) -> (DocumentInfo, Vec<Block>) {
    let (title, blocks) = match part {
        Part::Plan => ("Carer's support plan", plan_blocks(p)),
        Part::Contingency => ("Contingency plan", contingency_only_blocks(p)),
    };
    let org = organisation(settings);
    let info = DocumentInfo {
        title: title.to_string(),
        author: org[0].clone(),
        subject: Some(format!("{title} for {} ({} version {})", p.carer_name, p.reference, p.version)),
        created,
        running_header: format!(
            "{title} – {}{}",
            p.carer_name,
            p.carer_reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
        ),
        organisation: org,
        // A draft is not yet agreed: "DRAFT" across every page, and the title says so.
        draft: p.status == "draft",
        ..DocumentInfo::default()
    };
    (info, blocks)
}

pub fn print(ctx: &mut Ctx<'_>, args: PrintArgs) -> Result<Printed> {
    let protected = crate::backup::protected(ctx)?;
    pdf::check_path(&protected, &args.path)?;
    let p = super::load(ctx.tx, args.id, ctx.today())?;
    if args.part == Part::Contingency && p.contingency == super::Contingency::default() {
        return Err(Error::Conflict(
            "this plan has no contingency plan yet: fill in the contingency section first".to_string(),
        ));
    }
    let settings = settings::load(ctx.tx)?;
    // The creation date for the PDF's metadata: a timestamp, not used by any rule.
    let created = chrono::Utc::now().naive_utc();
    let (info, blocks) = document(&p, args.part, &settings, created);
    let rendered = pdf::render_counted(&info, &blocks)?;
    pdf::save(&protected, &args.path, &rendered.bytes)?;
    ctx.touch(crate::context::Touched::ViewedCarer(p.carer_id));
    Ok(Printed {
        path: args.path.display().to_string(),
        pages: rendered.pages,
        bytes: rendered.bytes.len(),
        unprintable: pdf::unprintable_in(&info, &blocks),
    })
}
