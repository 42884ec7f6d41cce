//! The school staff summary and the transition handover summary, built by hand and checked
//! with the real PDF tools (see `pdf.rs`). Set `CARERS_DESK_PDF_SAMPLES=<dir>` to keep them.

use carers_desk::schools::print::{self as staff, StaffAdjustment, StaffPupil, StaffSummary};
use carers_desk::transition::print::{
    self as handover, ActionDetails, AdjustmentDetails, AssessmentDetails, CaredForDetails, HandoverDetails,
    HandoverSummary, PlanDetails, ScoreDetails, TransitionDetails, YoungCarerDetails,
};

use crate::pdf::{assert_fonts_embedded_and_subset, field, pages_text, pdfinfo, tool, write};

fn created() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 15, 0).unwrap()
}

const FIRST: &[&str] = &[
    "Zoë",
    "Mohammed",
    "Alexandra-Louise",
    "Oluwaseun",
    "Siobhán",
    "Kacper",
    "Priya",
    "Hannah",
    "Tomás",
    "Aaliyah",
    "Bartholomew",
    "Nguyễn",
    "Ellie-May",
];
const LAST: &[&str] = &[
    "Ó'Brien-Łukasz",
    "Featherstonehaugh-Smythe",
    "Adeyemi",
    "Kowalczyk",
    "Chowdhury",
    "MacGillivray",
    "Wójcik-Hargreaves",
    "Thị Hồng",
    "Papadopoulos",
];
const ADJUSTMENTS: &[(&str, &str)] = &[
    ("Extra time for homework", "Up to a week longer; no detention for it."),
    ("Phone kept on", "On silent in class, to check on mum at break."),
    ("Lateness", "No late mark on days they have helped at home."),
    ("Quiet space", "Library office at lunch, to rest or call home."),
    ("Time out card", "May leave for ten minutes without explaining."),
    ("Help with trip costs", "School pays; ask the young carers lead, never at registration."),
];

/// A school of 25 young carers with long names, one to three adjustments each.
fn school() -> StaffSummary {
    let pupils = (0..25)
        .map(|i| {
            let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]);
            let name = if i == 3 { format!("{name} (Seun)") } else { name };
            let count = 1 + i % 3;
            let adjustments = (0..count)
                .map(|k| {
                    let (label, note) = ADJUSTMENTS[(i + k * 2) % ADJUSTMENTS.len()];
                    StaffAdjustment {
                        label: label.to_string(),
                        note: (k != 2).then(|| note.to_string()),
                        review_on: (i % 5 != 4).then(|| format!("2027-{:02}-{:02}", 1 + i % 12, 1 + k * 9)),
                    }
                })
                .collect();
            StaffPupil {
                name,
                year_group: format!("Year {}", 7 + i % 7),
                tutor_group: Some(format!("{}{}", 7 + i % 7, ["RB", "KJ", "MW", "LP"][i % 4])),
                adjustments,
            }
        })
        .collect();
    StaffSummary {
        organisation: "Riverside Carers Centre".into(),
        organisation_contact: Some("Young carers team · 0113 496 0000 · youngcarers@riverside-carers.example".into()),
        school: "St Aidan's Church of England High School and Sixth Form".into(),
        school_lead: Some("Mrs Amina Patel (Head of Year 9)".into()),
        printed_on: "2026-11-23".into(),
        created: created(),
        pupils,
    }
}

#[test]
fn a_school_of_25_young_carers_fits_one_a4_page_with_no_dates_of_birth() {
    let summary = school();
    let rendered = staff::render(&summary).unwrap();
    let w = write("staff-summary.pdf", &rendered.bytes);
    assert_eq!(rendered.pages, 1);
    crate::structure::check("a staff summary", &rendered.bytes);
    tool("qpdf", &["--check", w.path.to_str().unwrap()]);
    let info = pdfinfo(&w.path);
    assert_eq!(field(&info, "Pages"), "1", "{info}");
    assert!(field(&info, "Page size").starts_with("595.276 x 841.89 pts"), "{info}");
    assert_eq!(field(&info, "Title"), "Young carers: agreed adjustments");
    assert_eq!(field(&info, "Author"), "Riverside Carers Centre");
    assert!(field(&info, "CreationDate").starts_with("2026-11-23T09:15:00"), "{info}");
    assert_fonts_embedded_and_subset(&w.path);

    let pages = pages_text(&w.path);
    assert_eq!(pages.len(), 1);
    let flat: String = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    // Names and notes wrap within their cells: read the text in drawing order (cell by cell)
    // and compare without line breaks and spacing.
    let raw = tool("pdftotext", &["-raw", w.path.to_str().unwrap(), "-"]);
    let squashed: String = raw.split_whitespace().collect();
    for expected in [
        "Riverside Carers Centre",
        "Young carers: agreed adjustments",
        "Printed 23/11/2026",
        "Mrs Amina Patel",
        "Confidential",
        "no case details",
        "Page 1 of 1",
    ] {
        assert!(flat.contains(expected), "'{expected}' is not on the page: {flat}");
    }
    assert!(squashed.contains("StAidan'sChurchofEnglandHighSchoolandSixthForm"), "{flat}");
    for p in &summary.pupils {
        let name: String = p.name.split_whitespace().collect();
        assert!(squashed.contains(&name), "{} is not on the page: {flat}", p.name);
        for a in &p.adjustments {
            let label: String = a.label.split_whitespace().collect();
            assert!(squashed.contains(&label), "{} is not on the page", a.label);
            if let Some(review) = &a.review_on {
                let d = carers_desk::dates::from_iso(review).unwrap();
                assert!(flat.contains(&carers_desk::dates::uk(d)), "review {review} is not on the page");
            }
        }
    }
    // No date of birth or anything like one: the only dates are the printed date and reviews.
    assert!(!flat.to_lowercase().contains("birth"), "{flat}");
    for year in 2008..=2020 {
        assert!(!flat.contains(&format!("/{year}")), "a date in {year} is on the staff summary: {flat}");
    }
    assert!(staff::unprintable(&summary).unwrap().is_empty());
}

#[test]
fn a_school_too_long_for_one_page_continues_with_the_table_header_repeated() {
    let mut summary = school();
    let more: Vec<StaffPupil> = summary.pupils.clone();
    summary.pupils.extend(more.into_iter().map(|mut p| {
        p.name = format!("{} Junior", p.name);
        p
    }));
    let rendered = staff::render(&summary).unwrap();
    let w = write("staff-summary-long.pdf", &rendered.bytes);
    assert_eq!(rendered.pages, 2);
    let pages = pages_text(&w.path);
    assert_eq!(pages.len(), 2);
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("Agreed adjustments"), "page {} has no table header: {page}", i + 1);
        assert!(page.contains("Young carers: agreed adjustments – St Aidan's"), "page {} has no running header", i + 1);
        assert!(page.contains(&format!("Page {} of 2", i + 1)));
    }
}

#[test]
fn a_school_with_no_young_carers_says_so() {
    let mut summary = school();
    summary.pupils.clear();
    summary.school_lead = None;
    summary.organisation_contact = None;
    let rendered = staff::render(&summary).unwrap();
    assert_eq!(rendered.pages, 1);
    let w = write("staff-summary-empty.pdf", &rendered.bytes);
    let text = pages_text(&w.path).concat();
    assert!(text.contains("No young carers are recorded at this school."), "{text}");
}

fn handover_summary() -> HandoverSummary {
    HandoverSummary {
        organisation: vec![
            "Riverside Carers Centre".into(),
            "12 Mill Lane, Leeds LS1 4AB".into(),
            "Phone 0113 496 0000  ·  support@riverside-carers.example".into(),
        ],
        created: created(),
        young_carer: YoungCarerDetails {
            name: "Zoë Ó'Brien-Łukasz".into(),
            reference: Some("C-000123".into()),
            preferred_name: Some("Zo".into()),
            date_of_birth: Some("2009-01-14".into()),
            age: Some(17),
            address: Some("Flat 3, 27 Canal Street\nLeeds\nLS2 7EQ".into()),
            phone: Some("07700 900123".into()),
            email: Some("zo.obrien@example.org".into()),
            contact_preference: Some("Text first; calls after 4pm".into()),
            school: Some("Riverside Sixth Form College".into()),
            year_group: Some("Year 13".into()),
        },
        cared_for: vec![
            CaredForDetails {
                name: "Agnieszka Ó'Brien-Łukasz".into(),
                relationship: Some("Mother".into()),
                conditions: Some("Multiple sclerosis; depression".into()),
                hours: Some("20 to 49 hours a week".into()),
                care_given: Some("Personal care, medication, shopping, emotional support at night".into()),
                lives_with: Some(true),
            },
            CaredForDetails {
                name: "Kuba Ó'Brien-Łukasz".into(),
                relationship: Some("Brother".into()),
                conditions: Some("Autism".into()),
                hours: Some("Up to 19 hours a week".into()),
                care_given: Some("Getting him to school, calming him when he is upset".into()),
                lives_with: Some(true),
            },
        ],
        assessments: vec![AssessmentDetails {
            kind: "Young carer's needs assessment".into(),
            reference: Some("A-000311".into()),
            assessed_on: Some("2025-09-18".into()),
            scores: vec![
                ScoreDetails {
                    label: "MACA-YC18 total caring activity".into(),
                    score: Some(15),
                    out_of: Some(36),
                    band: Some("High amount of caring activity".into()),
                },
                ScoreDetails {
                    label: "PANOC-YC20 positive outcomes".into(),
                    score: Some(11),
                    out_of: Some(20),
                    band: Some("Relatively few positive outcomes".into()),
                },
                ScoreDetails {
                    label: "PANOC-YC20 negative outcomes".into(),
                    score: Some(12),
                    out_of: Some(20),
                    band: Some("Relatively high negative outcomes".into()),
                },
            ],
            summary: Some("Caring most evenings; tired at college; wants to learn to drive.".into()),
        }],
        plan: Some(PlanDetails {
            reference: "SP-000045 version 2".into(),
            agreed_on: Some("2025-10-02".into()),
            outcomes: vec![
                "I want one evening a week that is just mine.".into(),
                "I want to pass my A levels and go to university nearby.".into(),
            ],
            actions: vec![
                ActionDetails {
                    what: "Young carers' group, Tuesdays".into(),
                    who: Some("Riverside young carers team".into()),
                    due_on: Some("2025-10-14".into()),
                    status: "Done".into(),
                },
                ActionDetails {
                    what: "Referral to adult social care for Mum's care needs assessment".into(),
                    who: Some("Olivia Grant (worker)".into()),
                    due_on: Some("2025-11-30".into()),
                    status: "In progress".into(),
                },
            ],
            next_review: Some("2026-10-02".into()),
        }),
        adjustments: vec![
            AdjustmentDetails {
                label: "Phone kept on".into(),
                note: Some("May keep her phone on silent in lessons to check on Mum.".into()),
                agreed_on: Some("2024-09-05".into()),
                review_on: Some("2026-09-05".into()),
                ended_on: None,
            },
            AdjustmentDetails {
                label: "Extra time for homework".into(),
                note: None,
                agreed_on: Some("2023-09-07".into()),
                review_on: None,
                ended_on: Some("2025-07-18".into()),
            },
        ],
        transition: Some(TransitionDetails {
            reference: Some("A-000402".into()),
            status: Some("Completed".into()),
            assessed_on: Some("2026-06-10".into()),
            decision: Some("Likely to have eligible needs at 18".into()),
            explanation: Some(
                "Zo's needs arise from caring for her mother; caring is likely to affect her education and her \
                 relationships, and there is likely to be a significant impact on her wellbeing."
                    .into(),
            ),
            outcomes_wanted: vec![
                "Go to university in Leeds and still be there for Mum.".into(),
                "Have someone else do Mum's personal care at night.".into(),
            ],
            able_after_18: Some("Yes, with help at night".into()),
            willing_after_18: Some("Yes, but not personal care".into()),
            likely_eligible_needs: vec![
                "Carrying out caring responsibilities for a child (her brother)".into(),
                "Engaging in work, training, education or volunteering".into(),
            ],
        }),
        handover: HandoverDetails {
            receiving_service: Some("Leeds Adult Carers Service".into()),
            worker: Some("Nguyễn Thị Hồng".into()),
            handover_on: Some("2027-01-14".into()),
            consent_to_share: true,
            recorded_by: Some("Olivia Grant".into()),
            recorded_at: Some("2026-11-20 14:05".into()),
            notes: Some("Zo would like the first meeting at college.".into()),
        },
        prepared_by: Some("Olivia Grant".into()),
        prepared_on: "2026-11-23".into(),
    }
}

#[test]
fn a_handover_summary_prints_every_section_with_fallback_characters_as_text() {
    let summary = handover_summary();
    let rendered = handover::render(&summary).unwrap();
    let w = write("handover.pdf", &rendered.bytes);
    crate::structure::check("a handover summary", &rendered.bytes);
    tool("qpdf", &["--check", w.path.to_str().unwrap()]);
    let info = pdfinfo(&w.path);
    assert!(field(&info, "Page size").starts_with("595.276 x 841.89 pts"), "{info}");
    assert_eq!(field(&info, "Pages"), rendered.pages.to_string());
    assert!((2..=4).contains(&rendered.pages), "{} pages", rendered.pages);
    assert_eq!(field(&info, "Title"), handover::TITLE);
    assert_eq!(field(&info, "Author"), "Riverside Carers Centre");
    assert_fonts_embedded_and_subset(&w.path);
    let fonts = tool("pdffonts", &[w.path.to_str().unwrap()]);
    assert!(fonts.contains("NotoSans"), "ễ and ị come from the fallback font: {fonts}");

    let pages = pages_text(&w.path);
    assert_eq!(pages.len(), rendered.pages);
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("Handover summary – Zoë Ó'Brien-Łukasz (C-000123)"), "page {}: {page}", i + 1);
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
    }
    // Table cells wrap: read the text in drawing order and compare without spacing.
    let raw = tool("pdftotext", &["-raw", w.path.to_str().unwrap(), "-"]);
    let squashed: String = raw.split_whitespace().collect();
    for expected in [
        "Zoë Ó'Brien-Łukasz",
        "likes to be called Zo",
        "14/01/2009 (age 17)",
        "Riverside Sixth Form College, Year 13",
        "Agnieszka",
        "Multiple sclerosis",
        "20 to 49 hours a week",
        "MACA-YC18 total caring activity",
        "15 of 36",
        "High amount of caring activity",
        "PANOC-YC20 negative outcomes",
        "18/09/2025",
        "SP-000045 version 2",
        "I want one evening a week that is just mine.",
        "02/10/2026",
        "Phone kept on",
        "Ended 18/07/2025",
        "Likely to have eligible needs at 18",
        "Yes, with help at night",
        "Yes, but not personal care",
        "Engaging in work, training, education or volunteering",
        "Leeds Adult Carers Service",
        "Nguyễn Thị Hồng",
        "14/01/2027",
        "recorded by Olivia Grant on 20/11/2026",
        "23/11/2026",
    ] {
        let e: String = expected.split_whitespace().collect();
        assert!(squashed.contains(&e), "'{expected}' is not in the handover: {raw}");
    }
    assert!(handover::unprintable(&summary).is_empty());
}

#[test]
fn a_handover_summary_with_little_recorded_says_what_is_missing() {
    let summary = HandoverSummary {
        organisation: vec!["Riverside Carers Centre".into()],
        created: created(),
        young_carer: YoungCarerDetails { name: "Олена Шевченко".into(), ..Default::default() },
        cared_for: vec![],
        assessments: vec![],
        plan: None,
        adjustments: vec![],
        transition: None,
        handover: HandoverDetails { consent_to_share: true, ..Default::default() },
        prepared_by: None,
        prepared_on: "2026-11-23".into(),
    };
    let rendered = handover::render(&summary).unwrap();
    let w = write("handover-empty.pdf", &rendered.bytes);
    let flat: String = pages_text(&w.path).concat().split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Олена Шевченко",
        "No one recorded.",
        "No assessments recorded.",
        "No support plan recorded.",
        "No adjustments recorded.",
        "No transition assessment has been recorded.",
        "Not recorded",
    ] {
        assert!(flat.contains(expected), "'{expected}' is not in the handover: {flat}");
    }
}
