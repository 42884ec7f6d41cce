//! The subject access PDF's blocks: one carer's or one cared-for person's record, section by
//! section, in the order a person reading about themselves would expect.

use serde_json::Value;

use super::answers::{answer_blocks, determination_blocks, score_blocks};
use super::labels::{
    capitalise, fields, label, none_held, or_blank, pairs, person_name, plain, show, uk_opt, ASSESSMENT, CARD,
    CARED_FOR, CARER, F, HANDOVER, LINK, PASSPORT, PLAN, REVIEW, SCHOOL_LINK,
};
use super::rows::Rec;
use crate::pdf::{Block, Column};

/// The carer's record, section by section; each section says when nothing is held.
pub(super) fn carer_blocks(all: &Rec, intro: Vec<Block>) -> Vec<Block> {
    let empty = Rec::default();
    let carer = all.child("carer").unwrap_or(&empty);
    let mut b = intro;

    b.push(Block::Heading("Personal details".into()));
    b.push(fields(carer, CARER));

    people_cared_for(&mut b, all);
    case_notes(&mut b, all);
    assessments(&mut b, all);
    support_plans(&mut b, all);
    passports(&mut b, all);
    school_and_transition(&mut b, all);

    audit_blocks(&mut b, all.rows("audit_entries"));
    b
}

/// The people the carer cares for, each with the caring link.
fn people_cared_for(b: &mut Vec<Block>, all: &Rec) {
    let empty = Rec::default();
    b.push(Block::Heading("People they care for".into()));
    let caring = all.rows("people_cared_for");
    if caring.is_empty() {
        b.push(none_held("caring links"));
    }
    for link in caring {
        let person = link.child("cared_for").unwrap_or(&empty);
        b.push(Block::Subheading(format!(
            "{} ({})",
            person_name(person),
            person.text("reference").unwrap_or_default()
        )));
        let mut p = pairs(link, LINK);
        p.extend(pairs(person, CARED_FOR).into_iter().filter(|(l, _)| l != "Reference"));
        b.push(Block::Fields(p));
    }
}

/// Case notes, as a table.
fn case_notes(b: &mut Vec<Block>, all: &Rec) {
    b.push(Block::Heading("Case notes".into()));
    let notes = all.rows("case_notes");
    if notes.is_empty() {
        b.push(none_held("case notes"));
    } else {
        b.push(Block::Table {
            columns: vec![
                Column::new("Date", 1.5),
                Column::new("Contact", 1.8),
                Column::new("Written by", 1.7),
                Column::new("Note", 6.0),
            ],
            rows: notes
                .iter()
                .map(|n| {
                    vec![
                        uk_opt(n.get("date")),
                        show(n.get("kind"), F::List("note_kind")).unwrap_or_default(),
                        or_blank(n.get("author")),
                        or_blank(n.get("text")),
                    ]
                })
                .collect(),
        });
    }
}

/// Each assessment with its answers in words, the needs found, the determination and any scores.
fn assessments(b: &mut Vec<Block>, all: &Rec) {
    b.push(Block::Heading("Assessments".into()));
    let assessments = all.rows("assessments");
    if assessments.is_empty() {
        b.push(none_held("assessments"));
    }
    for a in assessments {
        let kind = a.text("type").unwrap_or_default();
        b.push(Block::Subheading(format!(
            "{} {}, version {}",
            label("assessment_type", kind),
            a.text("reference").unwrap_or_default(),
            a.int("version").unwrap_or(1)
        )));
        b.push(fields(a, ASSESSMENT));
        b.extend(answer_blocks(kind, a.get("answers")));
        let needs = a.rows("needs");
        if !needs.is_empty() {
            b.push(Block::Table {
                columns: vec![
                    Column::new("Need identified", 5.0),
                    Column::new("Outcome", 2.5),
                    Column::new("Wellbeing area", 2.5),
                ],
                rows: needs
                    .iter()
                    .map(|n| {
                        vec![
                            or_blank(n.get("description")),
                            show(n.get("outcome"), F::List("eligibility_outcome"))
                                .map(|s| capitalise(&s))
                                .unwrap_or_default(),
                            show(n.get("wellbeing_area"), F::List("wellbeing_area"))
                                .map(|s| capitalise(&s))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect(),
            });
        }
        b.extend(determination_blocks(a.get("determination"), false));
        b.extend(score_blocks(a.get("scores")));
    }
}

/// Each support plan version (see [`plan_blocks`]).
fn support_plans(b: &mut Vec<Block>, all: &Rec) {
    b.push(Block::Heading("Support plans".into()));
    let plans = all.rows("support_plans");
    if plans.is_empty() {
        b.push(none_held("support plans"));
    }
    for p in plans {
        b.extend(plan_blocks(p));
    }
}

/// Passports and cards, with what happened to each.
fn passports(b: &mut Vec<Block>, all: &Rec) {
    b.push(Block::Heading("Passports and cards".into()));
    let passports = all.rows("passports");
    if passports.is_empty() {
        b.push(none_held("passports or cards"));
    }
    for p in passports {
        b.push(Block::Subheading(format!(
            "{} {}",
            show(p.get("kind"), F::List("passport_kinds")).unwrap_or_default(),
            p.text("number").unwrap_or_default()
        )));
        let mut f = pairs(p, PASSPORT);
        let photo = p.get("photo");
        let held = photo.get("held").and_then(Value::as_bool).unwrap_or(false);
        f.push((
            "Photo held".into(),
            if held {
                let kb = photo.get("bytes").and_then(Value::as_u64).unwrap_or(0).div_ceil(1024);
                format!("Yes ({kb} KB; the picture is in the JSON copy)")
            } else {
                "No".into()
            },
        ));
        b.push(Block::Fields(f));
        let events = p.rows("events");
        if !events.is_empty() {
            b.push(Block::Table {
                columns: vec![
                    Column::new("Date", 1.5),
                    Column::new("What happened", 1.8),
                    Column::new("Note", 4.5),
                    Column::new("Recorded by", 2.2),
                ],
                rows: events
                    .iter()
                    .map(|e| {
                        vec![
                            uk_opt(e.get("happened_on")),
                            capitalise(e.text("event").unwrap_or_default()),
                            or_blank(e.get("note")),
                            format!("{}\n{}", or_blank(e.get("by")), show(e.get("at"), F::Time).unwrap_or_default()),
                        ]
                    })
                    .collect(),
            });
        }
    }
}

/// The school link, adjustments, transition milestones, the handover and the young carer card.
fn school_and_transition(b: &mut Vec<Block>, all: &Rec) {
    let empty = Rec::default();
    b.push(Block::Heading("School and transition to adulthood".into()));
    let school = all.child("school_and_transition").unwrap_or(&empty);
    let mut any = false;
    if let Some(link) = school.child("school_link") {
        any = true;
        b.push(Block::Subheading("School".into()));
        b.push(fields(link, SCHOOL_LINK));
    }
    let adjustments = school.rows("adjustments");
    if !adjustments.is_empty() {
        any = true;
        b.push(Block::Subheading("Adjustments agreed by the school".into()));
        b.push(Block::Table {
            columns: vec![
                Column::new("Adjustment", 2.2),
                Column::new("Note", 3.4),
                Column::new("Agreed", 1.5),
                Column::new("Review", 1.5),
                Column::new("Ended", 1.5),
            ],
            rows: adjustments
                .iter()
                .map(|a| {
                    vec![
                        show(a.get("kind"), F::List("adjustment_kind")).unwrap_or_default(),
                        or_blank(a.get("note")),
                        uk_opt(a.get("agreed_on")),
                        uk_opt(a.get("review_on")),
                        uk_opt(a.get("ended_on")),
                    ]
                })
                .collect(),
        });
    }
    let milestones = school.rows("transition_milestones");
    if !milestones.is_empty() {
        any = true;
        b.push(Block::Subheading("Transition milestones done".into()));
        b.push(Block::Table {
            columns: vec![
                Column::new("Milestone", 3.0),
                Column::new("Done on", 1.4),
                Column::new("Note", 3.6),
                Column::new("Recorded by", 2.0),
            ],
            rows: milestones
                .iter()
                .map(|m| {
                    vec![
                        show(m.get("milestone"), F::List("milestone")).unwrap_or_default(),
                        uk_opt(m.get("done_on")),
                        or_blank(m.get("note")),
                        or_blank(m.get("recorded_by")),
                    ]
                })
                .collect(),
        });
    }
    if let Some(h) = school.child("handover") {
        any = true;
        b.push(Block::Subheading("Handover to the adult carers service".into()));
        b.push(fields(h, HANDOVER));
    }
    if let Some(c) = school.child("young_carer_card") {
        any = true;
        b.push(Block::Subheading("Young carer card".into()));
        b.push(fields(c, CARD));
    }
    if !any {
        b.push(none_held("school or transition records"));
    }
}

fn plan_blocks(p: &Rec) -> Vec<Block> {
    let mut b = vec![Block::Subheading(format!(
        "Support plan {}, version {} ({})",
        p.text("reference").unwrap_or_default(),
        p.int("version").unwrap_or(1),
        show(p.get("status"), F::List("plan_status")).unwrap_or_default().to_lowercase()
    ))];
    b.push(fields(p, PLAN));
    b.extend(determination_blocks(p.get("determination"), true));
    let needs = p.rows("needs");
    if !needs.is_empty() {
        b.push(plan_needs_table(needs));
    }
    let outcomes: Vec<String> = p.rows("outcomes").iter().filter_map(|o| show(o.get("text"), F::Text)).collect();
    if !outcomes.is_empty() {
        b.push(Block::Table {
            columns: vec![Column::new("Outcomes in the carer's own words", 1.0)],
            rows: outcomes.into_iter().map(|o| vec![o]).collect(),
        });
    }
    let actions = p.rows("actions");
    if !actions.is_empty() {
        b.push(Block::Table {
            columns: vec![
                Column::new("Action", 3.7),
                Column::new("Who", 2.0),
                Column::new("By", 1.7),
                Column::new("Status", 1.4),
                Column::new("Notes", 2.6),
            ],
            rows: actions
                .iter()
                .map(|a| {
                    let mut what = or_blank(a.get("description"));
                    if let Some(s) = show(a.get("support_label"), F::Text) {
                        what = format!("{s}: {what}");
                    }
                    vec![
                        what,
                        or_blank(a.get("who")),
                        uk_opt(a.get("due_on")),
                        show(a.get("status"), F::List("action_status")).unwrap_or_default(),
                        or_blank(a.get("notes")),
                    ]
                })
                .collect(),
        });
    }
    let contacts = p.get("cont_contacts").as_array().cloned().unwrap_or_default();
    if !contacts.is_empty() {
        let cell = |c: &Value, k: &str| c.get(k).map(plain).unwrap_or_default();
        b.push(Block::Table {
            columns: vec![
                Column::new("Emergency contact", 3.0),
                Column::new("Relationship", 2.2),
                Column::new("Phone", 2.2),
                Column::new("Notes", 3.6),
            ],
            rows: contacts
                .iter()
                .map(|c| vec![cell(c, "name"), cell(c, "relationship"), cell(c, "phone"), cell(c, "notes")])
                .collect(),
        });
    }
    for r in p.rows("reviews") {
        b.push(review_fields(p, r));
    }
    b
}

/// A plan version's needs: eligibility, whether each will be met, and how.
fn plan_needs_table(needs: &[Rec]) -> Block {
    Block::Table {
        columns: vec![
            Column::new("Need", 4.0),
            Column::new("Eligible", 2.2),
            Column::new("Met?", 1.4),
            Column::new("How", 3.4),
        ],
        rows: needs
            .iter()
            .map(|n| {
                let mut eligible = show(n.get("eligibility"), F::List("need_eligibility")).unwrap_or_default();
                if let Some(note) = show(n.get("eligibility_note"), F::Text) {
                    eligible.push_str(&format!("\n{note}"));
                }
                vec![
                    or_blank(n.get("description")),
                    eligible,
                    show(n.get("will_meet"), F::List("will_meet")).unwrap_or_default(),
                    or_blank(n.get("how_met")),
                ]
            })
            .collect(),
    }
}

/// One review of a plan version: its fields and the progress it recorded.
fn review_fields(p: &Rec, r: &Rec) -> Block {
    let mut f = pairs(r, REVIEW);
    let outcome_lines = progress_lines(r.get("outcome_progress"), "text", "progress", "outcome_progress");
    if !outcome_lines.is_empty() {
        f.push(("Progress on outcomes".into(), outcome_lines.join("\n")));
    }
    let action_lines = progress_lines(r.get("action_progress"), "description", "status", "action_status");
    if !action_lines.is_empty() {
        f.push(("Progress on actions".into(), action_lines.join("\n")));
    }
    f.insert(0, ("Review".into(), format!("A review of version {}", p.int("version").unwrap_or(1))));
    Block::Fields(f)
}

/// A review's progress entries as lines: "what: progress. note".
fn progress_lines(entries: &Value, what: &str, progress: &str, list: &str) -> Vec<String> {
    entries
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let mut l = o.get(what).map(plain).unwrap_or_default();
            if let Some(pr) = o.get(progress).and_then(Value::as_str) {
                l.push_str(&format!(": {}", label(list, pr).to_lowercase()));
            }
            if let Some(n) = o.get("note").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                l.push_str(&format!(". {n}"));
            }
            l
        })
        .collect()
}

fn audit_blocks(b: &mut Vec<Block>, entries: &[Rec]) {
    b.push(Block::Heading("Who looked at or changed the record (audit trail)".into()));
    if entries.is_empty() {
        b.push(none_held("audit entries"));
        return;
    }
    b.push(Block::Table {
        columns: vec![Column::new("When", 2.0), Column::new("Who", 2.6), Column::new("What they did", 6.0)],
        rows: entries
            .iter()
            .map(|e| {
                let who = match (show(e.get("actor_name"), F::Text), show(e.get("role"), F::Text)) {
                    (Some(n), Some(r)) => format!("{n} ({})", r.replace('_', " ")),
                    (Some(n), None) => n,
                    (None, r) => r.unwrap_or_default(),
                };
                let mut what = audit_in_words(&or_blank(e.get("action")), &or_blank(e.get("command")));
                if let Value::Array(f) = e.get("fields") {
                    let names: Vec<String> =
                        f.iter().map(|v| plain(v).replace('_', " ")).filter(|n| !n.is_empty()).collect();
                    if !names.is_empty() {
                        what.push_str(&format!(" ({})", names.join(", ")));
                    }
                }
                if let Some(d) = show(e.get("detail"), F::Text) {
                    what.push_str(&format!("\n{d}"));
                }
                vec![show(e.get("at"), F::Time).unwrap_or_default(), who, what]
            })
            .collect(),
    });
}

/// An audit entry in words for the person who asked: "Looked at a support plan", "Changed the
/// record", not the command's internal name.
fn audit_in_words(action: &str, command: &str) -> String {
    let verb = match action {
        "view" => "Looked at",
        "list" => "Listed",
        "create" => "Added",
        "change" => "Changed",
        "close" => "Closed",
        "delete" => "Removed",
        "print" => "Printed",
        "export" => "Exported",
        "anonymise" => "Anonymised",
        _ => "Used",
    };
    let what = match crate::audit::record_type_for(command) {
        Some("carer") if command.starts_with("note_") => "a case note",
        Some("carer") if command.starts_with("school_link_") => "the school details",
        Some("carer") if command.starts_with("handover_") => "the handover to adult services",
        Some("carer") if command.starts_with("milestone_") => "a transition milestone",
        Some("carer") if command.starts_with("young_carer_") => "the young carer card details",
        Some("carer") => "the record",
        Some("cared_for") => "the record of someone cared for",
        Some("caring_link") => "who they care for",
        Some("assessment") => "an assessment",
        Some("plan") => "a support plan",
        Some("plan_review") => "a support plan review",
        Some("plan_action") => "a support plan action",
        Some("school") => "a school's records",
        Some("adjustment") => "a school adjustment",
        Some("passport") => "a carer passport",
        Some("person") => "the record (subject access or erasure)",
        Some("letter") => "a letter",
        Some("record_given") => "a written record",
        _ => "the record",
    };
    format!("{verb} {what}")
}

pub(super) fn cared_for_blocks(all: &Rec, intro: Vec<Block>) -> Vec<Block> {
    let empty = Rec::default();
    let person = all.child("cared_for").unwrap_or(&empty);
    let mut b = intro;
    b.push(Block::Heading("Personal details".into()));
    b.push(fields(person, CARED_FOR));

    b.push(Block::Heading("Who cares for them".into()));
    let carers = all.rows("carers");
    if carers.is_empty() {
        b.push(none_held("caring links"));
    }
    for link in carers {
        b.push(Block::Subheading(format!(
            "{} ({})",
            link.text("carer_name").unwrap_or_default(),
            link.text("carer_reference").unwrap_or_default()
        )));
        b.push(fields(link, LINK));
    }

    let cards = all.rows("passports_naming_them");
    if !cards.is_empty() {
        b.push(Block::Heading("Carers' passports and cards linked to them".into()));
        b.push(Block::Table {
            columns: vec![
                Column::new("Number", 2.2),
                Column::new("Type", 2.6),
                Column::new("Holder", 1.6),
                Column::new("Valid until", 1.6),
                Column::new("Shows their first name", 2.0),
            ],
            rows: cards
                .iter()
                .map(|c| {
                    vec![
                        or_blank(c.get("number")),
                        show(c.get("kind"), F::List("passport_kinds")).unwrap_or_default(),
                        or_blank(c.get("holder_reference")),
                        uk_opt(c.get("valid_until")),
                        show(c.get("show_cared_for_name"), F::YesNo).unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    audit_blocks(&mut b, all.rows("audit_entries"));
    b
}
