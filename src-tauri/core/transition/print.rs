//! The handover summary: what the adult carers service needs to know when a young carer turns
//! 18, so the young adult never has to tell their story again ([`crate::pdf`]).
//!
//! In order: the handover itself (receiving service, worker, date, consent to share); who they
//! are; who they care for; their latest assessments and scores; their support plan; the
//! adjustments agreed at school or college; the transition assessment (what they want, whether
//! they are able and willing to keep caring after 18, and the needs likely to be eligible then,
//! with the explanation); and who prepared it and when.
//!
//! The document is built from a plain [`HandoverSummary`] that the caller gathers; nothing
//! here reads the database, the clock or the file system. Several pages is normal.

use crate::dates;
use crate::error::Result;
use crate::pdf::{self, Block, Column, DocumentInfo, Rendered};

/// The document's title, printed on page 1 and in the PDF metadata.
pub const TITLE: &str = "Handover summary: young carer to adult carers service";

/// Everything the handover summary prints. Dates are `YYYY-MM-DD` (as stored) and print as
/// DD/MM/YYYY; text that is not such a date prints as it is. `None`, empty text and empty
/// lists print as "Not recorded" (or a sentence saying there is nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct HandoverSummary {
    /// The organisation's name then its address and contact lines (top of page 1; the name
    /// is the PDF's author).
    pub organisation: Vec<String>,
    /// The creation time written to the PDF's metadata (as UTC).
    pub created: chrono::NaiveDateTime,
    pub young_carer: YoungCarerDetails,
    pub cared_for: Vec<CaredForDetails>,
    /// The latest assessments, newest first (e.g. the young carer's needs assessment with its
    /// MACA-YC18 and PANOC-YC20 scores).
    pub assessments: Vec<AssessmentDetails>,
    /// The current support plan, if there is one.
    pub plan: Option<PlanDetails>,
    /// Adjustments agreed at school or college (in force or ended).
    pub adjustments: Vec<AdjustmentDetails>,
    /// The young carer's transition assessment (Care Act 2014 s63), if there is one.
    pub transition: Option<TransitionDetails>,
    pub handover: HandoverDetails,
    /// Who prepared the summary (the worker printing it).
    pub prepared_by: Option<String>,
    /// When (`YYYY-MM-DD`).
    pub prepared_on: String,
}

/// Who the young carer is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct YoungCarerDetails {
    /// Their full name, e.g. "Zoë Ó'Brien-Łukasz".
    pub name: String,
    /// The carer's reference, e.g. "C-000123".
    pub reference: Option<String>,
    pub preferred_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Age in years on the day it is printed.
    pub age: Option<u32>,
    /// The postal address, lines separated by `\n`.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// How they like to be contacted, e.g. "Text first, then call after 4pm".
    pub contact_preference: Option<String>,
    /// Their school or college, e.g. "Riverside Sixth Form College".
    pub school: Option<String>,
    /// Their year group there, e.g. "Year 13".
    pub year_group: Option<String>,
}

/// One person they care for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaredForDetails {
    pub name: String,
    /// Who the person is to the young carer, e.g. "Mother".
    pub relationship: Option<String>,
    /// Conditions or disabilities, e.g. "Multiple sclerosis; depression".
    pub conditions: Option<String>,
    /// The hours of care a week (a Census 2021 band label, e.g. "20 to 49 hours a week").
    pub hours: Option<String>,
    /// What the young carer does for them, e.g. "Personal care, medication, emotional support".
    pub care_given: Option<String>,
    /// Whether they live together.
    pub lives_with: Option<bool>,
}

/// One assessment and its scores.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssessmentDetails {
    /// The assessment type's label, e.g. "Young carer's needs assessment".
    pub kind: String,
    pub reference: Option<String>,
    /// `YYYY-MM-DD`.
    pub assessed_on: Option<String>,
    /// The questionnaire scores, e.g. "MACA-YC18 total caring activity" 15 of 36, "High
    /// amount of caring activity".
    pub scores: Vec<ScoreDetails>,
    /// A short summary or the assessor's conclusion, if any.
    pub summary: Option<String>,
}

/// One questionnaire score (a total or a subscale).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreDetails {
    /// What was scored, e.g. "MACA-YC18 total caring activity" or "PANOC-YC20 negative
    /// outcomes".
    pub label: String,
    /// The score; `None` if the questionnaire was not completed.
    pub score: Option<u32>,
    /// The highest possible score (printed as "15 of 36").
    pub out_of: Option<u32>,
    /// The band's label, e.g. "High amount of caring activity".
    pub band: Option<String>,
}

/// The support plan in brief.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanDetails {
    /// E.g. "SP-000045 version 2".
    pub reference: String,
    /// `YYYY-MM-DD`.
    pub agreed_on: Option<String>,
    /// The outcomes in the young carer's own words.
    pub outcomes: Vec<String>,
    pub actions: Vec<ActionDetails>,
    /// When the plan is next reviewed (`YYYY-MM-DD`).
    pub next_review: Option<String>,
}

/// One action of the plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionDetails {
    pub what: String,
    pub who: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    /// The status's label, e.g. "In progress".
    pub status: String,
}

/// One adjustment agreed at school or college.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdjustmentDetails {
    pub label: String,
    pub note: Option<String>,
    /// `YYYY-MM-DD`.
    pub agreed_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub review_on: Option<String>,
    /// `YYYY-MM-DD`: set if the adjustment has ended.
    pub ended_on: Option<String>,
}

/// The transition assessment (Care Act 2014 s63) and its indication of eligibility at 18
/// (s64: an indication, not a determination).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransitionDetails {
    pub reference: Option<String>,
    /// E.g. "Completed" or "Draft".
    pub status: Option<String>,
    /// `YYYY-MM-DD`.
    pub assessed_on: Option<String>,
    /// The indication, e.g. "Likely to have eligible needs at 18".
    pub decision: Option<String>,
    /// The plain-English explanation of the indication.
    pub explanation: Option<String>,
    /// The outcomes the young carer wants after 18, in their own words.
    pub outcomes_wanted: Vec<String>,
    /// Whether they are able to keep caring after 18, with any words recorded.
    pub able_after_18: Option<String>,
    /// Whether they are willing to keep caring after 18, with any words recorded.
    pub willing_after_18: Option<String>,
    /// The needs likely to be eligible at 18.
    pub likely_eligible_needs: Vec<String>,
}

/// The handover to the adult carers service.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HandoverDetails {
    pub receiving_service: Option<String>,
    /// The worker at the receiving service.
    pub worker: Option<String>,
    /// `YYYY-MM-DD`.
    pub handover_on: Option<String>,
    /// Whether the young carer agreed to this information being shared.
    pub consent_to_share: bool,
    /// Who recorded the handover and consent, and when (`YYYY-MM-DD`, or a date and time).
    pub recorded_by: Option<String>,
    pub recorded_at: Option<String>,
    pub notes: Option<String>,
}

const NOT_RECORDED: &str = "Not recorded";

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn or_none(value: &Option<String>) -> String {
    text(value).unwrap_or_else(|| NOT_RECORDED.to_string())
}

fn date_or_none(value: &Option<String>) -> String {
    text(value).map(|d| dates::uk_text(&d)).unwrap_or_else(|| NOT_RECORDED.to_string())
}

fn about(y: &YoungCarerDetails) -> Vec<Block> {
    let name = match text(&y.preferred_name) {
        Some(p) => format!("{} (likes to be called {p})", y.name),
        None => y.name.clone(),
    };
    let born = match (text(&y.date_of_birth), y.age) {
        (Some(d), Some(age)) => format!("{} (age {age})", dates::uk_text(&d)),
        (Some(d), None) => dates::uk_text(&d),
        (None, Some(age)) => format!("Not recorded (age {age})"),
        (None, None) => NOT_RECORDED.to_string(),
    };
    let school = match (text(&y.school), text(&y.year_group)) {
        (Some(s), Some(g)) => format!("{s}, {g}"),
        (Some(s), None) => s,
        (None, Some(g)) => g,
        (None, None) => "None recorded".to_string(),
    };
    let mut fields = vec![("Name".to_string(), name)];
    if let Some(r) = text(&y.reference) {
        fields.push(("Reference".to_string(), r));
    }
    fields.extend([
        ("Date of birth".to_string(), born),
        ("Address".to_string(), or_none(&y.address)),
        ("Phone".to_string(), or_none(&y.phone)),
        ("Email".to_string(), or_none(&y.email)),
    ]);
    if let Some(c) = text(&y.contact_preference) {
        fields.push(("How to contact them".to_string(), c));
    }
    fields.push(("School or college".to_string(), school));
    vec![Block::Heading("About the young carer".to_string()), Block::Fields(fields)]
}

fn cared_for(people: &[CaredForDetails]) -> Vec<Block> {
    let mut b = vec![Block::Heading("Who they care for".to_string())];
    if people.is_empty() {
        b.push(Block::Paragraph("No one recorded.".to_string()));
        return b;
    }
    let rows = people
        .iter()
        .map(|p| {
            let mut relationship = or_none(&p.relationship);
            match p.lives_with {
                Some(true) => relationship.push_str("\nLives with them"),
                Some(false) => relationship.push_str("\nLives elsewhere"),
                None => {}
            }
            vec![
                p.name.clone(),
                relationship,
                text(&p.conditions).unwrap_or_default(),
                text(&p.care_given).unwrap_or_default(),
                text(&p.hours).unwrap_or_default(),
            ]
        })
        .collect();
    b.push(Block::Table {
        columns: vec![
            Column::new("Name", 2.6),
            Column::new("Relationship", 2.2),
            Column::new("Conditions", 3.0),
            Column::new("Care they give", 3.2),
            Column::new("Hours a week", 2.0),
        ],
        rows,
    });
    b
}

fn score_text(s: &ScoreDetails) -> String {
    match (s.score, s.out_of) {
        (Some(v), Some(max)) => format!("{v} of {max}"),
        (Some(v), None) => v.to_string(),
        (None, _) => "Not completed".to_string(),
    }
}

fn assessments(list: &[AssessmentDetails]) -> Vec<Block> {
    let mut b = vec![Block::Heading("Assessments".to_string())];
    if list.is_empty() {
        b.push(Block::Paragraph("No assessments recorded.".to_string()));
        return b;
    }
    for a in list {
        let title = match text(&a.reference) {
            Some(r) => format!("{} ({r})", a.kind),
            None => a.kind.clone(),
        };
        b.push(Block::Subheading(title));
        let mut fields = vec![("Assessed on".to_string(), date_or_none(&a.assessed_on))];
        if let Some(s) = text(&a.summary) {
            fields.push(("Summary".to_string(), s));
        }
        b.push(Block::Fields(fields));
        if !a.scores.is_empty() {
            b.push(Block::Table {
                columns: vec![Column::new("Questionnaire", 5.0), Column::new("Score", 1.6), Column::new("Band", 4.4)],
                rows: a
                    .scores
                    .iter()
                    .map(|s| vec![s.label.clone(), score_text(s), text(&s.band).unwrap_or_default()])
                    .collect(),
            });
        }
    }
    b
}

fn plan(p: &Option<PlanDetails>) -> Vec<Block> {
    let mut b = vec![Block::Heading("Support plan".to_string())];
    let Some(p) = p else {
        b.push(Block::Paragraph("No support plan recorded.".to_string()));
        return b;
    };
    b.push(Block::Fields(vec![
        ("Plan".to_string(), p.reference.clone()),
        ("Agreed".to_string(), date_or_none(&p.agreed_on)),
        ("Next review".to_string(), date_or_none(&p.next_review)),
    ]));
    b.push(Block::Subheading("What they want to achieve (in their own words)".to_string()));
    if p.outcomes.is_empty() {
        b.push(Block::Paragraph("No outcomes recorded.".to_string()));
    } else {
        b.push(Block::Bullets(p.outcomes.clone()));
    }
    b.push(Block::Subheading("Actions".to_string()));
    if p.actions.is_empty() {
        b.push(Block::Paragraph("No actions recorded.".to_string()));
    } else {
        b.push(Block::Table {
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
                    vec![
                        a.what.clone(),
                        text(&a.who).unwrap_or_default(),
                        text(&a.due_on).map(|d| dates::uk_text(&d)).unwrap_or_default(),
                        a.status.clone(),
                    ]
                })
                .collect(),
        });
    }
    b
}

fn adjustments(list: &[AdjustmentDetails]) -> Vec<Block> {
    let mut b = vec![Block::Heading("Adjustments agreed at school or college".to_string())];
    if list.is_empty() {
        b.push(Block::Paragraph("No adjustments recorded.".to_string()));
        return b;
    }
    b.push(Block::Table {
        columns: vec![
            Column::new("Adjustment", 3.0),
            Column::new("What was agreed", 5.6),
            Column::new("Agreed", 1.7),
            Column::new("Review or end", 2.4),
        ],
        rows: list
            .iter()
            .map(|a| {
                let when = match (text(&a.ended_on), text(&a.review_on)) {
                    (Some(end), _) => format!("Ended {}", dates::uk_text(&end)),
                    (None, Some(review)) => format!("Review {}", dates::uk_text(&review)),
                    (None, None) => String::new(),
                };
                vec![
                    a.label.clone(),
                    text(&a.note).unwrap_or_default(),
                    text(&a.agreed_on).map(|d| dates::uk_text(&d)).unwrap_or_default(),
                    when,
                ]
            })
            .collect(),
    });
    b
}

fn transition(t: &Option<TransitionDetails>) -> Vec<Block> {
    let mut b = vec![Block::Heading("Transition assessment and needs at 18".to_string())];
    let Some(t) = t else {
        b.push(Block::Paragraph(
            "No transition assessment has been recorded. The adult carers service should offer a carer's assessment \
             (Care Act 2014 s10)."
                .to_string(),
        ));
        return b;
    };
    let mut fields = Vec::new();
    if let Some(r) = text(&t.reference) {
        fields.push(("Assessment".to_string(), r));
    }
    if let Some(s) = text(&t.status) {
        fields.push(("Status".to_string(), s));
    }
    fields.extend([
        ("Assessed on".to_string(), date_or_none(&t.assessed_on)),
        ("Able to keep caring after 18".to_string(), or_none(&t.able_after_18)),
        ("Willing to keep caring after 18".to_string(), or_none(&t.willing_after_18)),
        ("Indication of eligibility at 18".to_string(), or_none(&t.decision)),
    ]);
    b.push(Block::Fields(fields));
    if let Some(e) = text(&t.explanation) {
        b.push(Block::Paragraph(e));
    }
    b.push(Block::Subheading("What they want after 18 (in their own words)".to_string()));
    if t.outcomes_wanted.is_empty() {
        b.push(Block::Paragraph("No outcomes recorded.".to_string()));
    } else {
        b.push(Block::Bullets(t.outcomes_wanted.clone()));
    }
    b.push(Block::Subheading("Needs likely to be eligible at 18".to_string()));
    if t.likely_eligible_needs.is_empty() {
        b.push(Block::Paragraph("None identified.".to_string()));
    } else {
        b.push(Block::Bullets(t.likely_eligible_needs.clone()));
    }
    b
}

fn handover(h: &HandoverDetails) -> Vec<Block> {
    let consent = if h.consent_to_share {
        let mut c =
            "Yes: the young carer agreed to this information being shared with the receiving service".to_string();
        match (text(&h.recorded_by), text(&h.recorded_at)) {
            (Some(by), Some(at)) => c.push_str(&format!(" (recorded by {by} on {})", dates::uk_text(&at))),
            (Some(by), None) => c.push_str(&format!(" (recorded by {by})")),
            (None, Some(at)) => c.push_str(&format!(" (recorded on {})", dates::uk_text(&at))),
            (None, None) => {}
        }
        c
    } else {
        "No: consent to share has not been recorded. Do not share this summary.".to_string()
    };
    let mut fields = vec![
        ("Receiving service".to_string(), or_none(&h.receiving_service)),
        ("Worker there".to_string(), or_none(&h.worker)),
        ("Handover date".to_string(), date_or_none(&h.handover_on)),
        ("Consent to share".to_string(), consent),
    ];
    if let Some(n) = text(&h.notes) {
        fields.push(("Notes".to_string(), n));
    }
    vec![Block::Heading("Handover".to_string()), Block::Fields(fields)]
}

fn prepared(by: &Option<String>, on: &str) -> Vec<Block> {
    vec![
        Block::Heading("Prepared".to_string()),
        Block::Fields(vec![("Prepared by".to_string(), or_none(by)), ("Prepared on".to_string(), dates::uk_text(on))]),
    ]
}

/// The document's metadata, opening and blocks (no file system, no clock).
pub fn document(s: &HandoverSummary) -> (DocumentInfo, Vec<Block>) {
    let y = &s.young_carer;
    let who = match text(&y.reference) {
        Some(r) => format!("{} ({r})", y.name),
        None => y.name.clone(),
    };
    let author = s.organisation.first().cloned().unwrap_or_else(|| "Carers Desk".to_string());
    let info = DocumentInfo {
        title: TITLE.to_string(),
        author,
        subject: Some(format!("Handover summary for {}", y.name)),
        created: s.created,
        organisation: s.organisation.clone(),
        running_header: format!("Handover summary – {who}"),
        ..DocumentInfo::default()
    };
    let mut b = vec![Block::Paragraph(format!(
        "{} is moving from young carers' support to the adult carers service. This summary brings together what \
         they have already told us, with their agreement, so they do not have to tell their story again.",
        text(&y.preferred_name).unwrap_or_else(|| y.name.clone())
    ))];
    b.extend(handover(&s.handover));
    b.extend(about(y));
    b.extend(cared_for(&s.cared_for));
    b.extend(assessments(&s.assessments));
    b.extend(plan(&s.plan));
    b.extend(adjustments(&s.adjustments));
    b.extend(transition(&s.transition));
    b.extend(prepared(&s.prepared_by, &s.prepared_on));
    (info, b)
}

/// The handover summary as a PDF.
pub fn render(summary: &HandoverSummary) -> Result<Rendered> {
    let (info, blocks) = document(summary);
    pdf::render_counted(&info, &blocks)
}

/// Characters in the summary no font can print (they print as a replacement mark), so the
/// window can warn: check the names and words they are in.
pub fn unprintable(summary: &HandoverSummary) -> Vec<String> {
    let (info, blocks) = document(summary);
    pdf::unprintable_in(&info, &blocks)
}
