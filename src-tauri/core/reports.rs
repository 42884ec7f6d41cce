//! The monitoring report for commissioners: every figure is a [`Figure`] definition
//! here: a stable key, a label, a one-line description of exactly what is counted, and how
//! its **units** are found (one per carer, assessment, plan, review, passport or handover
//! counted), each with the key of the breakdown row it falls in.
//!
//! The figure's value is the number of units; a row's value is the number of units with its
//! key. The records behind a figure (`report_records`) are the same units joined to the
//! register. So a figure, its rows and its list of records come from one definition and
//! cannot disagree; the integration tests check it anyway (tests/reports.rs).
//!
//! Figures that count carers ([`Units::Carers`]) are Rust functions over one pass of the
//! register ([`carers`]). The others ([`Units::Query`]) are SQL queries run with the period and
//! settings bound in a CTE `p` (`d_from`, `d_to` as `YYYY-MM-DD`, `ya_min`, `ya_max` the young
//! adult carer age range) and the CTE `done` of [`prelude`] (assessments completed in the
//! period). See docs/reports.md for the definitions in words and the known approximations.

pub mod carers;
pub mod export;
pub mod periods;
pub mod suppress;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::choices::{self, Choice};
use crate::context::Ctx;
use crate::dates;
use crate::error::{Error, Result};
use crate::settings;
use carers::{band, code, Bounds, Classify, Distinct, Tally};

pub use periods::{periods, Period};
pub use suppress::suppress;

/// The CTEs every figure's query may use. `?1` from, `?2` to, `?3`/`?4` the young adult range.
///
/// `done` is the assessments completed in the period, each assessment once, as the version
/// that counts for this period: the newest version completed by the period's last day (so a
/// revision made later does not change a return already sent), or the first version when none
/// was (an assessment written up after the period ends counts in the period it was done).
fn prelude() -> &'static str {
    "WITH p AS (SELECT ?1 AS d_from, ?2 AS d_to, ?3 AS ya_min, ?4 AS ya_max),
     done AS (
        SELECT a.*, coalesce(a.assessed_on, substr(a.completed_at, 1, 10)) AS done_on FROM assessments a, p
        WHERE a.status = 'completed'
          AND coalesce(a.assessed_on, substr(a.completed_at, 1, 10)) BETWEEN p.d_from AND p.d_to
          AND (a.previous_id IS NULL OR substr(a.completed_at, 1, 10) <= p.d_to)
          AND NOT EXISTS (SELECT 1 FROM assessments n WHERE n.previous_id = a.id AND n.status = 'completed'
                          AND substr(n.completed_at, 1, 10) <= p.d_to))
     "
}

/// The rows a figure is broken down into.
#[derive(Clone, Copy)]
pub enum Rows {
    /// A single number.
    None,
    /// These rows, in this order, always shown (with 0); a unit with a key not in the list
    /// (an unexpected code) gets a row of its own after them.
    Fixed(fn() -> Vec<(String, String)>),
    /// The rows found, largest first (postcode districts, schools); the query gives labels.
    Found,
}

/// How a figure's units are found.
#[derive(Clone, Copy)]
pub enum Units {
    /// After [`prelude`]: a `SELECT` of `carer_id, row_key, row_label, date, detail`, one row
    /// per unit counted (`row_key` NULL when the figure has no rows; `row_label` NULL to use
    /// the fixed row's label).
    Query(&'static str),
    /// One unit per carer it says counts (see [`carers`]); the report counts every such
    /// figure in one pass over the register.
    Carers(Classify),
}

/// One figure of the report.
pub struct Figure {
    pub key: &'static str,
    pub group: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub rows: Rows,
    pub chart: bool,
    pub units: Units,
}

/// A figure group, in report order.
pub struct Group {
    pub key: &'static str,
    pub title: &'static str,
}

pub const GROUPS: &[Group] = &[
    Group { key: "referrals", title: "Referrals and contacts" },
    Group { key: "carers", title: "Carers supported" },
    Group { key: "assessments", title: "Carers' assessments" },
    Group { key: "plans", title: "Support plans and reviews" },
    Group { key: "passports", title: "Carer passports" },
    Group { key: "young_carers", title: "Young carers" },
    Group { key: "transition", title: "Transition to adulthood" },
    Group { key: "breakdowns", title: "Who the carers supported are" },
];

fn list(choices: Vec<Choice>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    choices
        .into_iter()
        .map(|c| (c.code.to_string(), c.label.to_string()))
        .chain(extra.iter().map(|(k, l)| (k.to_string(), l.to_string())))
        .collect()
}

fn fixed(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect()
}

const NOT_RECORDED: (&str, &str) = ("not_recorded", "Not recorded");
const MORE_THAN_ONE: (&str, &str) = ("more_than_one", "More than one");

/// Age bands of carers (years at the period's end).
pub const AGE_BANDS: &[(&str, &str, u32, u32)] = &[
    ("under_18", "Under 18", 0, 17),
    ("18_24", "18 to 24", 18, 24),
    ("25_34", "25 to 34", 25, 34),
    ("35_44", "35 to 44", 35, 44),
    ("45_54", "45 to 54", 45, 54),
    ("55_64", "55 to 64", 55, 64),
    ("65_74", "65 to 74", 65, 74),
    ("75_84", "75 to 84", 75, 84),
    ("85_plus", "85 and over", 85, 200),
];

/// Age bands of young carers (years at the period's end).
pub const YOUNG_AGE_BANDS: &[(&str, &str, u32, u32)] = &[
    ("under_8", "Under 8", 0, 7),
    ("8_10", "8 to 10", 8, 10),
    ("11_13", "11 to 13", 11, 13),
    ("14_15", "14 and 15", 14, 15),
    ("16_17", "16 and 17", 16, 17),
];

fn bands(b: &[(&str, &str, u32, u32)]) -> Vec<(String, String)> {
    b.iter().map(|(k, l, _, _)| (k.to_string(), l.to_string())).collect()
}

/// The MACA-YC18 total bands, from the shipped instrument.
fn maca_bands() -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = crate::instruments::find("maca_yc18")
        .and_then(|d| d.total.as_ref())
        .map(|t| t.bands.iter().map(|b| (b.code.clone(), format!("{} ({}–{})", b.label, b.from, b.to))).collect())
        .unwrap_or_default();
    rows.push(("not_scored".into(), "Not scored (questionnaire incomplete)".into()));
    rows
}

/// Every figure, in report order.
pub static FIGURES: &[Figure] = &[
    // ----------------------------------------------------------------- referrals
    Figure {
        key: "referrals_received",
        group: "referrals",
        label: "Referrals and contacts received",
        description: "Carers whose date first identified (or, when missing, the day their record was made) is in the period, by referral source.",
        rows: Rows::Fixed(|| list(choices::ReferralSource::choices(), &[NOT_RECORDED])),
        chart: true,
        units: Units::Carers(|c, p| c.received(p).then(|| c.row(code(&c.referral_source, "not_recorded")))),
    },
    Figure {
        key: "referrals_outcome",
        group: "referrals",
        label: "What happened to them",
        description: "The referrals and contacts received in the period: registered for support (accepted as new carers) or given information and signposted only.",
        rows: Rows::Fixed(|| list(choices::ReferralOutcome::choices(), &[])),
        chart: true,
        units: Units::Carers(|c, p| c.received(p).then(|| c.row(&*c.referral_outcome))),
    },
    Figure {
        key: "accepted_new_carers",
        group: "referrals",
        label: "Accepted as new carers",
        description: "Referrals and contacts received in the period that were registered for support.",
        rows: Rows::None,
        chart: false,
        units: Units::Carers(|c, p| (c.received(p) && &*c.referral_outcome == "accepted").then(|| c.counted())),
    },
    Figure {
        key: "signposted_only",
        group: "referrals",
        label: "Information and signposting only",
        description: "Referrals and contacts received in the period that were given information and signposted elsewhere, not registered.",
        rows: Rows::None,
        chart: false,
        units: Units::Carers(|c, p| (c.received(p) && &*c.referral_outcome == "signposted").then(|| c.counted())),
    },
    // ----------------------------------------------------------------- carers
    Figure {
        key: "carers_supported",
        group: "carers",
        label: "Carers supported in the period",
        description: "Carers registered for support, identified on or before the period's end and not closed before its start: new in the period or continuing.",
        rows: Rows::Fixed(|| fixed(&[("new", "New in the period"), ("continuing", "Continuing from before")])),
        chart: false,
        units: Units::Carers(|c, p| c.supported(p).then(|| c.row(if c.identified >= p.from { "new" } else { "continuing" }))),
    },
    Figure {
        key: "carers_at_end",
        group: "carers",
        label: "Carers supported at the end of the period",
        description: "Carers supported in the period whose record was still open on its last day.",
        rows: Rows::None,
        chart: false,
        units: Units::Carers(|c, p| c.at_end(p).then(|| c.counted())),
    },
    Figure {
        key: "closed",
        group: "carers",
        label: "Records closed",
        description: "Carers registered for support whose record was closed in the period, by the reason recorded.",
        rows: Rows::Fixed(|| list(choices::CloseReason::choices(), &[])),
        chart: true,
        units: Units::Carers(|c, p| {
            let closed_in = c.closed_date.as_ref().is_some_and(|d| *d >= p.from && *d <= p.to);
            (&*c.status == "closed" && &*c.referral_outcome == "accepted" && closed_in)
                .then(|| c.row(code(&c.closed_reason, "not_recorded")).on(c.closed_date.as_deref(), c.closed_note.as_deref()))
        }),
    },
    // ----------------------------------------------------------------- assessments
    Figure {
        key: "assessments_completed",
        group: "assessments",
        label: "Carers' assessments completed",
        description: "Assessments completed with an assessment date in the period, by type (a revised assessment counts once, as its newest version completed by the period's end).",
        rows: Rows::Fixed(|| {
            crate::assessments::AssessmentType::ALL.iter().map(|t| (t.code().to_string(), t.label().to_string())).collect()
        }),
        chart: true,
        units: Units::Query("SELECT d.carer_id, d.type, NULL, d.done_on, d.reference FROM done d"),
    },
    Figure {
        key: "adult_assessment_outcomes",
        group: "assessments",
        label: "Adult carers' assessments by eligibility",
        description: "Adult carers' assessments completed in the period, by the eligibility determination (Care and Support (Eligibility Criteria) Regulations 2015 reg 3).",
        rows: Rows::Fixed(|| {
            fixed(&[
                ("eligible", "Eligible"),
                ("not_eligible", "Not eligible"),
                ("cannot_decide_yet", "Cannot decide yet"),
                ("no_determination", "No determination recorded"),
            ])
        }),
        chart: true,
        units: Units::Query("SELECT d.carer_id, coalesce(json_extract(d.determination, '$.result'), 'no_determination'), NULL, d.done_on, d.reference
                FROM done d WHERE d.type = 'adult'"),
    },
    // ----------------------------------------------------------------- plans
    Figure {
        key: "plans_agreed",
        group: "plans",
        label: "Support plans agreed",
        description: "Support plan versions the carer agreed in the period: new plans, and updated versions (after a review or as a new version).",
        rows: Rows::Fixed(|| fixed(&[("new_plan", "New plans"), ("updated_version", "Updated versions")])),
        chart: true,
        units: Units::Query("SELECT sp.carer_id, CASE WHEN sp.version = 1 THEN 'new_plan' ELSE 'updated_version' END, NULL, sp.agreed_on,
                       sp.reference || ' version ' || sp.version
                FROM support_plans sp, p
                WHERE sp.status <> 'draft' AND sp.agreed_on BETWEEN p.d_from AND p.d_to"),
    },
    Figure {
        key: "reviews_completed",
        group: "plans",
        label: "Reviews completed",
        description: "Support plan reviews completed with a review date in the period: planned, or unplanned (at the carer's request or after a change).",
        rows: Rows::Fixed(|| fixed(&[("planned", "Planned"), ("unplanned", "Unplanned")])),
        chart: true,
        units: Units::Query("SELECT sp.carer_id, CASE WHEN r.planned = 1 THEN 'planned' ELSE 'unplanned' END, NULL, r.review_date, sp.reference
                FROM plan_reviews r JOIN support_plans sp ON sp.id = r.plan_id, p
                WHERE r.status = 'completed' AND r.review_date BETWEEN p.d_from AND p.d_to"),
    },
    Figure {
        key: "reviews_overdue",
        group: "plans",
        label: "Reviews overdue at the end of the period",
        description: "Plans in force today, agreed on or before the period's end, whose next review was due before its last day (today's review dates: see the guide).",
        rows: Rows::None,
        chart: false,
        units: Units::Query("SELECT sp.carer_id, NULL, NULL, sp.review_due, sp.reference FROM support_plans sp, p
                WHERE sp.status IN ('agreed', 'under_review') AND sp.agreed_on <= p.d_to AND sp.review_due < p.d_to"),
    },
    // ----------------------------------------------------------------- passports
    Figure {
        key: "passports_issued",
        group: "passports",
        label: "Passports and cards issued",
        description: "Carer passports and young carer cards with an issue date in the period (replacements for lost or damaged cards included), by type.",
        rows: Rows::Fixed(|| {
            crate::passports::number::Kind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect()
        }),
        chart: true,
        units: Units::Query("SELECT pp.carer_id, pp.kind, NULL, pp.issued_on, pp.number FROM passports pp, p
                WHERE pp.issued_on BETWEEN p.d_from AND p.d_to"),
    },
    Figure {
        key: "passports_how",
        group: "passports",
        label: "New and replacement passports",
        description: "The passports and cards issued in the period: first issues, and replacements for lost or damaged cards.",
        rows: Rows::Fixed(|| fixed(&[("new", "First issue"), ("replacement", "Replacement (lost or damaged)")])),
        chart: true,
        units: Units::Query("SELECT pp.carer_id, CASE WHEN pp.replaces_id IS NULL THEN 'new' ELSE 'replacement' END, NULL, pp.issued_on, pp.number
                FROM passports pp, p WHERE pp.issued_on BETWEEN p.d_from AND p.d_to"),
    },
    Figure {
        key: "passports_renewed",
        group: "passports",
        label: "Passports renewed",
        description: "Renewals recorded in the period (the same number, valid for longer); a passport renewed twice counts twice.",
        rows: Rows::None,
        chart: false,
        units: Units::Query("SELECT pp.carer_id, NULL, NULL, e.happened_on, pp.number FROM passport_events e
                JOIN passports pp ON pp.id = e.passport_id, p
                WHERE e.event = 'renewed' AND e.happened_on BETWEEN p.d_from AND p.d_to"),
    },
    // ----------------------------------------------------------------- young carers
    Figure {
        key: "young_carers_by_age",
        group: "young_carers",
        label: "Young carers supported at the end of the period, by age",
        description: "Carers supported at the period's end who were under 18 on its last day, by age then.",
        rows: Rows::Fixed(|| bands(YOUNG_AGE_BANDS)),
        chart: true,
        units: Units::Carers(|c, p| c.young(p).then(|| c.row(band(YOUNG_AGE_BANDS, c.age)))),
    },
    Figure {
        key: "young_carers_by_school",
        group: "young_carers",
        label: "Young carers supported at the end of the period, by school",
        description: "The same young carers, by the school they are linked to now (no school history is kept).",
        rows: Rows::Found,
        chart: true,
        units: Units::Carers(|c, p| {
            c.young(p).then(|| match &c.school {
                Some((id, name)) => c.row(format!("school_{id}")).labelled(name.as_str()),
                None => c.row("no_school").labelled("No school recorded"),
            })
        }),
    },
    Figure {
        key: "maca_bands",
        group: "young_carers",
        label: "Young carers assessed: MACA-YC18 caring activity",
        description: "Young carers with a young carer's assessment completed in the period, by the MACA-YC18 total band of the latest one.",
        rows: Rows::Fixed(maca_bands),
        chart: true,
        units: Units::Query("SELECT x.carer_id, coalesce(json_extract(x.scores, '$.maca_yc18.total_band.code'), 'not_scored'), NULL, x.done_on, x.reference
                FROM (SELECT d.*, row_number() OVER (PARTITION BY d.carer_id ORDER BY d.done_on DESC, d.id DESC) AS n
                      FROM done d WHERE d.type = 'young_carer') x
                WHERE x.n = 1"),
    },
    // ----------------------------------------------------------------- transition
    Figure {
        key: "transition_assessments",
        group: "transition",
        label: "Transition assessments completed",
        description: "Young carers' transition assessments (Care Act s63) completed in the period, by the indication of needs likely to be eligible at 18.",
        rows: Rows::Fixed(|| {
            fixed(&[
                ("eligible", "Likely to be eligible"),
                ("not_eligible", "Not likely to be eligible"),
                ("cannot_decide_yet", "Cannot say yet"),
                ("no_indication", "No indication (not assessed)"),
            ])
        }),
        chart: true,
        units: Units::Query("SELECT d.carer_id, coalesce(json_extract(d.determination, '$.result'), 'no_indication'), NULL, d.done_on, d.reference
                FROM done d WHERE d.type = 'transition'"),
    },
    Figure {
        key: "handovers",
        group: "transition",
        label: "Handovers to the adult carers service",
        description: "Handovers recorded with a handover date in the period, by whether the young person agreed to their information being shared.",
        rows: Rows::Fixed(|| fixed(&[("consent", "Consent to share"), ("no_consent", "No consent to share")])),
        chart: false,
        units: Units::Query("SELECT h.carer_id, CASE WHEN h.consent_to_share = 1 THEN 'consent' ELSE 'no_consent' END, NULL, h.handover_on, h.receiving_service
                FROM handovers h, p WHERE h.handover_on BETWEEN p.d_from AND p.d_to"),
    },
    // ----------------------------------------------------------------- breakdowns of carers supported
    Figure {
        key: "by_category",
        group: "breakdowns",
        label: "By category",
        description: "Carers supported in the period by category on its last day: young carer (under 18), young adult carer (the range in Settings), adult carer.",
        rows: Rows::Fixed(|| list(choices::Category::choices(), &[])),
        chart: true,
        units: Units::Carers(|c, p| {
            let young_adult = |a: i32| i64::from(a) >= i64::from(p.ya_min) && i64::from(a) <= i64::from(p.ya_max);
            c.supported(p).then(|| {
                c.row(match c.age {
                    Some(a) if a < 18 => "young_carer",
                    Some(a) if young_adult(a) => "young_adult_carer",
                    _ => "adult_carer",
                })
            })
        }),
    },
    Figure {
        key: "by_age",
        group: "breakdowns",
        label: "By age",
        description: "Carers supported in the period by age on its last day.",
        rows: Rows::Fixed(|| bands(AGE_BANDS)),
        chart: true,
        units: Units::Carers(|c, p| c.supported(p).then(|| c.row(band(AGE_BANDS, c.age)))),
    },
    Figure {
        key: "by_gender",
        group: "breakdowns",
        label: "By sex or gender",
        description: "Carers supported in the period by gender, as they describe themselves.",
        rows: Rows::Fixed(|| list(choices::Gender::choices(), &[NOT_RECORDED])),
        chart: true,
        units: Units::Carers(|c, p| c.supported(p).then(|| c.row(code(&c.gender, "not_recorded")))),
    },
    Figure {
        key: "by_ethnicity",
        group: "breakdowns",
        label: "By ethnic group",
        description: "Carers supported in the period by ethnic group (ONS Census 2021 categories for England).",
        rows: Rows::Fixed(|| list(choices::Ethnicity::choices(), &[NOT_RECORDED])),
        chart: true,
        units: Units::Carers(|c, p| c.supported(p).then(|| c.row(code(&c.ethnicity, "not_recorded")))),
    },
    Figure {
        key: "by_disability",
        group: "breakdowns",
        label: "Carer's own disability",
        description: "Carers supported in the period by whether they have a disability or long-term condition of their own.",
        rows: Rows::Fixed(|| list(choices::Disability::choices(), &[NOT_RECORDED])),
        chart: true,
        units: Units::Carers(|c, p| c.supported(p).then(|| c.row(code(&c.disability, "not_recorded")))),
    },
    Figure {
        key: "by_hours",
        group: "breakdowns",
        label: "By hours of care a week",
        description: "Carers supported in the period by hours of care a week (Census 2021 bands); someone caring for several people counts once, in the highest band of their links.",
        rows: Rows::Fixed(|| list(choices::HoursBand::choices(), &[("no_link", "No cared-for person linked")])),
        chart: true,
        units: Units::Carers(|c, p| c.supported(p).then(|| c.row(code(&c.hours_band, "no_link")))),
    },
    Figure {
        key: "by_condition",
        group: "breakdowns",
        label: "By cared-for person's condition",
        description: "Carers supported in the period by the conditions of the people they care for; anyone whose cared-for people have more than one condition between them is counted once, under \"More than one\".",
        rows: Rows::Fixed(|| list(choices::Condition::choices(), &[MORE_THAN_ONE, ("none_recorded", "None recorded")])),
        chart: true,
        units: Units::Carers(|c, p| {
            c.supported(p).then(|| {
                c.row(match &c.condition {
                    Distinct::None => "none_recorded",
                    Distinct::One(one) => one,
                    Distinct::Many => "more_than_one",
                })
            })
        }),
    },
    Figure {
        key: "by_relationship",
        group: "breakdowns",
        label: "By relationship to the cared-for person",
        description: "Carers supported in the period by who they care for; anyone caring for people in more than one relationship is counted once, under \"More than one\".",
        rows: Rows::Fixed(|| list(choices::Relationship::choices(), &[MORE_THAN_ONE, ("no_link", "No cared-for person linked")])),
        chart: true,
        units: Units::Carers(|c, p| {
            c.supported(p).then(|| {
                c.row(match &c.relationship {
                    _ if c.links == 0 => "no_link",
                    Distinct::One(one) => one,
                    Distinct::None | Distinct::Many => "more_than_one",
                })
            })
        }),
    },
    Figure {
        key: "by_number_cared_for",
        group: "breakdowns",
        label: "By number of people cared for",
        description: "Carers supported in the period by how many people they are linked to as caring for.",
        rows: Rows::Fixed(|| {
            fixed(&[("1", "One person"), ("2", "Two people"), ("3_plus", "Three or more"), ("none", "None linked")])
        }),
        chart: true,
        units: Units::Carers(|c, p| {
            c.supported(p).then(|| {
                c.row(match c.links {
                    0 => "none",
                    1 => "1",
                    2 => "2",
                    _ => "3_plus",
                })
            })
        }),
    },
    Figure {
        key: "by_postcode_district",
        group: "breakdowns",
        label: "By postcode district",
        description: "Carers supported in the period by postcode district (the first half of the postcode, e.g. RM10).",
        rows: Rows::Found,
        chart: true,
        units: Units::Carers(|c, p| {
            // The first half of the postcode (up to the first space), as written.
            let postcode = c.postcode.as_deref().map(|pc| pc.trim_matches(' ')).filter(|pc| !pc.is_empty());
            c.supported(p).then(|| match postcode {
                None => c.row("not_recorded").labelled("Not recorded"),
                Some(pc) => {
                    let district = pc.split(' ').next().unwrap_or(pc);
                    c.row(district.to_ascii_lowercase()).labelled(district.to_ascii_uppercase())
                }
            })
        }),
    },
];

/// The prelude and a query figure's units as the CTE `units (carer_id, row_key, row_label,
/// date, detail)`.
fn units_cte(units: &str) -> String {
    format!("{}, units (carer_id, row_key, row_label, date, detail) AS ({units})", prelude())
}

/// A query figure's counting query: `(row key, row label, count)` per row key.
fn count_sql(units: &str) -> String {
    format!("{} SELECT row_key, max(row_label), count(*) FROM units GROUP BY row_key", units_cte(units))
}

/// For the benchmark: each query figure's counting query (parameters ?1 from, ?2 to, ?3 and ?4
/// the young adult range).
#[doc(hidden)]
pub fn timing_sql() -> Vec<(&'static str, String)> {
    FIGURES
        .iter()
        .filter_map(|f| match f.units {
            Units::Query(units) => Some((f.key, count_sql(units))),
            Units::Carers(_) => None,
        })
        .collect()
}

pub fn figure(key: &str) -> Option<&'static Figure> {
    FIGURES.iter().find(|f| f.key == key)
}

// ---------------------------------------------------------------------------------------------
// The report.

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub value: Option<u64>,
    pub display: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FigureResult {
    pub key: String,
    pub label: String,
    pub description: String,
    pub value: Option<u64>,
    pub display: String,
    pub rows: Vec<Row>,
    pub rows_add_up: bool,
    pub chart: bool,
    pub drill: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupResult {
    pub key: String,
    pub title: String,
    pub figures: Vec<FigureResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub organisation: Option<String>,
    pub made_on: String,
    pub suppressed: bool,
    pub groups: Vec<GroupResult>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunArgs {
    /// The first day of the period (DD/MM/YYYY or YYYY-MM-DD).
    pub from: String,
    /// The last day of the period, included.
    pub to: String,
}

/// Reads and checks a period.
pub fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate)> {
    let mut errors = Vec::new();
    let f = dates::parse("from", from).map_err(|e| errors.extend(field_errors(e))).ok();
    let t = dates::parse("to", to).map_err(|e| errors.extend(field_errors(e))).ok();
    if let (Some(f), Some(t)) = (f, t) {
        if t < f {
            return Err(Error::field("to", "the end of the period must not be before its start: choose a later date"));
        }
        return Ok((f, t));
    }
    Err(Error::Validation(errors))
}

fn field_errors(e: Error) -> Vec<crate::error::FieldError> {
    match e {
        Error::Validation(v) => v,
        other => vec![crate::error::FieldError::new("period", other.to_string())],
    }
}

fn display(v: u64) -> String {
    v.to_string()
}

/// What one figure's query finds: `(row key, row label, count)` per row key.
type Found = Vec<(Option<String>, Option<String>, u64)>;

fn bind(p: &Bounds) -> (&str, &str, u32, u32) {
    (&p.from, &p.to, p.ya_min, p.ya_max)
}

/// The period and settings the figures count with.
fn bounds(from: NaiveDate, to: NaiveDate, s: &settings::Settings) -> Bounds {
    Bounds { from: dates::iso(from), to: dates::iso(to), ya_min: s.young_adult_min_age, ya_max: s.young_adult_max_age }
}

/// Runs a query figure's counting query.
fn fetch(ctx: &Ctx<'_>, units: &str, p: &Bounds) -> Result<Found> {
    let mut stmt = ctx.tx.prepare_cached(&count_sql(units))?;
    let found = stmt
        .query_map(bind(p), |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found)
}

/// Counts every per-carer figure in one pass over the register: what each finds, by key.
fn fetch_carers(ctx: &Ctx<'_>, p: &Bounds) -> Result<HashMap<&'static str, Found>> {
    let figures: Vec<(&'static str, Classify)> = FIGURES
        .iter()
        .filter_map(|f| match f.units {
            Units::Carers(classify) => Some((f.key, classify)),
            Units::Query(_) => None,
        })
        .collect();
    let mut tallies: Vec<Tally> = figures.iter().map(|_| Tally::default()).collect();
    carers::each(ctx.tx, p, false, |c| {
        for ((_, classify), tally) in figures.iter().zip(&mut tallies) {
            if let Some(unit) = classify(c, p) {
                tally.add(unit.key.as_deref(), unit.label.as_deref());
            }
        }
    })?;
    Ok(figures.iter().zip(tallies).map(|((key, _), tally)| (*key, tally.found())).collect())
}

/// A figure's result from what its query found.
fn shape(f: &Figure, found: Found) -> FigureResult {
    let total: u64 = found.iter().map(|(_, _, n)| n).sum();
    let mut rows: Vec<Row> = Vec::new();
    match f.rows {
        Rows::None => {}
        Rows::Fixed(list) => {
            let mut counts: HashMap<&str, u64> = HashMap::new();
            for (k, _, n) in &found {
                *counts.entry(k.as_deref().unwrap_or("not_recorded")).or_default() += n;
            }
            for (k, label) in list() {
                let n = counts.remove(k.as_str()).unwrap_or(0);
                rows.push(Row { key: k, label, value: Some(n), display: display(n) });
            }
            let mut extra: Vec<(&str, u64)> = counts.into_iter().collect();
            extra.sort();
            for (k, n) in extra {
                rows.push(Row { key: k.to_string(), label: k.replace('_', " "), value: Some(n), display: display(n) });
            }
        }
        Rows::Found => {
            for (k, label, n) in found {
                let key = k.unwrap_or_else(|| "not_recorded".into());
                let label = label.unwrap_or_else(|| key.clone());
                rows.push(Row { key, label, value: Some(n), display: display(n) });
            }
            // Largest first; "not recorded" and "no school" last.
            let last = |k: &str| matches!(k, "not_recorded" | "no_school");
            rows.sort_by(|a, b| {
                last(&a.key).cmp(&last(&b.key)).then(b.value.cmp(&a.value)).then(a.label.cmp(&b.label))
            });
        }
    }
    FigureResult {
        key: f.key.into(),
        label: f.label.into(),
        description: f.description.into(),
        value: Some(total),
        display: display(total),
        rows_add_up: !matches!(f.rows, Rows::None),
        rows,
        chart: f.chart,
        drill: true,
    }
}

/// Runs the report for a period (no suppression: that is for exports).
pub fn build(ctx: &Ctx<'_>, from: NaiveDate, to: NaiveDate) -> Result<Report> {
    let s = settings::load(ctx.tx)?;
    let p = bounds(from, to, &s);
    let total = GROUPS.len() as u64 + 1;
    ctx.progress(0, total);
    // The figures that count carers, in one pass over the register.
    let mut counted = fetch_carers(ctx, &p)?;
    ctx.progress(1, total);
    let mut groups = Vec::new();
    for (i, g) in GROUPS.iter().enumerate() {
        let figures = FIGURES
            .iter()
            .filter(|f| f.group == g.key)
            .map(|f| {
                let found = match f.units {
                    Units::Query(units) => fetch(ctx, units, &p)?,
                    Units::Carers(_) => counted.remove(f.key).unwrap_or_default(),
                };
                Ok(shape(f, found))
            })
            .collect::<Result<Vec<_>>>()?;
        groups.push(GroupResult { key: g.key.into(), title: g.title.into(), figures });
        ctx.progress(i as u64 + 2, total);
    }
    Ok(Report {
        from: p.from,
        to: p.to,
        organisation: s.organisation_name.clone(),
        made_on: dates::iso(ctx.today()),
        suppressed: false,
        groups,
    })
}

/// `report_run`.
pub fn run(ctx: &mut Ctx<'_>, args: RunArgs) -> Result<Report> {
    let (from, to) = period(&args.from, &args.to)?;
    build(ctx, from, to)
}

// ---------------------------------------------------------------------------------------------
// The records behind a figure.

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordsArgs {
    pub from: String,
    pub to: String,
    /// A figure's key (`referrals_received`).
    pub figure: String,
    /// One of its rows' keys, or none for the whole figure.
    #[serde(default)]
    pub row: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Record {
    pub carer_id: i64,
    pub reference: Option<String>,
    pub name: String,
    pub date: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Records {
    pub figure: String,
    pub row: Option<String>,
    pub description: String,
    pub count: usize,
    pub records: Vec<Record>,
}

/// One unit of a figure, with the carer's reference and name.
struct Listed {
    carer_id: i64,
    reference: Option<String>,
    name: String,
    date: Option<String>,
    detail: Option<String>,
    row_key: Option<String>,
    row_label: Option<String>,
}

/// Every unit of a figure in the period.
fn listed(ctx: &Ctx<'_>, f: &Figure, p: &Bounds) -> Result<Vec<Listed>> {
    let mut units = Vec::new();
    match f.units {
        Units::Query(query) => {
            let sql = format!(
                "{}
                 SELECT u.carer_id, c.reference, c.first_name || ' ' || c.last_name, u.date, u.detail, u.row_key, u.row_label
                 FROM units u JOIN carers c ON c.id = u.carer_id",
                units_cte(query)
            );
            let mut stmt = ctx.tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(bind(p), |r| {
                Ok(Listed {
                    carer_id: r.get(0)?,
                    reference: r.get(1)?,
                    name: r.get(2)?,
                    date: r.get(3)?,
                    detail: r.get(4)?,
                    row_key: r.get(5)?,
                    row_label: r.get(6)?,
                })
            })?;
            for u in rows {
                units.push(u?);
            }
        }
        Units::Carers(classify) => carers::each(ctx.tx, p, true, |c| {
            if let Some(u) = classify(c, p) {
                units.push(Listed {
                    carer_id: c.id,
                    reference: c.reference.clone(),
                    name: c.name.clone(),
                    date: u.date.map(str::to_string),
                    detail: u.detail.map(str::to_string),
                    row_key: u.key.map(|k| k.into_owned()),
                    row_label: u.label.map(|l| l.into_owned()),
                });
            }
        })?,
    }
    Ok(units)
}

/// `report_records`: who is behind a figure or one of its rows. One audit entry (the figure,
/// row and period), not one per person.
pub fn records(ctx: &mut Ctx<'_>, args: RecordsArgs) -> Result<Records> {
    let (from, to) = period(&args.from, &args.to)?;
    let f = figure(&args.figure).ok_or_else(|| {
        Error::field("figure", format!("'{}' is not a figure of the report: choose one from the report", args.figure))
    })?;
    let row = args.row.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let s = settings::load(ctx.tx)?;
    let p = bounds(from, to, &s);
    let mut units = listed(ctx, f, &p)?;
    // The figure as the report counts it, from the same units: its rows' labels, so the list
    // says what the window showed.
    let mut tally = Tally::default();
    for u in &units {
        tally.add(u.row_key.as_deref(), u.row_label.as_deref());
    }
    let counted = shape(f, tally.found());
    let row_label = match row {
        None => None,
        Some(r) => match counted.rows.iter().find(|x| x.key == r) {
            Some(x) => Some(x.label.clone()),
            None if matches!(f.rows, Rows::Found) => Some(r.to_string()),
            None => {
                return Err(Error::field(
                    "row",
                    format!("'{r}' is not a row of '{}': choose one from the report", f.label),
                ))
            }
        },
    };
    let labels: HashMap<&str, &str> = counted.rows.iter().map(|r| (r.key.as_str(), r.label.as_str())).collect();
    if let Some(r) = row {
        units.retain(|u| u.row_key.as_deref().unwrap_or("not_recorded") == r);
    }
    units.sort_by(|a, b| (&a.date, &a.reference, &a.detail).cmp(&(&b.date, &b.reference, &b.detail)));
    let list: Vec<Record> = units
        .into_iter()
        .map(|u| {
            // With no detail of its own, a record says which row it is in.
            let row_text =
                u.row_label.or_else(|| u.row_key.as_deref().and_then(|k| labels.get(k)).map(|l| l.to_string()));
            Record {
                carer_id: u.carer_id,
                reference: u.reference,
                name: u.name,
                date: u.date,
                detail: match (u.detail, row_text) {
                    (Some(d), Some(t)) if row.is_none() => Some(format!("{t}: {d}")),
                    (Some(d), _) => Some(d),
                    (None, t) => t,
                },
            }
        })
        .collect();
    ctx.audit_detail = Some(format!(
        "report records: figure {}{}, {} to {}",
        f.key,
        row.map(|r| format!(", row {r}")).unwrap_or_default(),
        dates::iso(from),
        dates::iso(to)
    ));
    Ok(Records {
        figure: f.label.to_string(),
        row: row_label,
        description: f.description.to_string(),
        count: list.len(),
        records: list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_keys_are_unique_snake_case_and_in_a_group() {
        let mut seen = std::collections::HashSet::new();
        for f in FIGURES {
            assert!(seen.insert(f.key), "{} twice", f.key);
            assert!(f.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", f.key);
            assert!(GROUPS.iter().any(|g| g.key == f.group), "{} has no group", f.key);
            assert!(!f.description.contains('\n'), "{}: one line", f.key);
            if let Rows::Fixed(rows) = f.rows {
                let rows = rows();
                let keys: std::collections::HashSet<_> = rows.iter().map(|r| &r.0).collect();
                assert_eq!(keys.len(), rows.len(), "{}: row keys unique", f.key);
            }
        }
        for g in GROUPS {
            assert!(FIGURES.iter().any(|f| f.group == g.key), "group {} is empty", g.key);
        }
    }

    #[test]
    fn every_query_prepares() {
        let conn = crate::db::open_in_memory().unwrap();
        for f in FIGURES {
            if let Units::Query(units) = f.units {
                conn.prepare(&format!("{} SELECT * FROM units", units_cte(units)))
                    .unwrap_or_else(|e| panic!("{}: {e}", f.key));
            }
        }
    }

    #[test]
    fn maca_bands_come_from_the_instrument() {
        let keys: Vec<String> = maca_bands().into_iter().map(|r| r.0).collect();
        assert_eq!(keys, ["none", "low", "moderate", "high", "very_high", "not_scored"]);
    }

    #[test]
    fn suppression_hides_one_to_four_and_keeps_zero() {
        let r = |v: u64| Row { key: "k".into(), label: "K".into(), value: Some(v), display: v.to_string() };
        let report = Report {
            from: "2026-01-01".into(),
            to: "2026-03-31".into(),
            organisation: None,
            made_on: "2026-04-01".into(),
            suppressed: false,
            groups: vec![GroupResult {
                key: "g".into(),
                title: "G".into(),
                figures: vec![FigureResult {
                    key: "f".into(),
                    label: "F".into(),
                    description: "d".into(),
                    value: Some(4),
                    display: "4".into(),
                    rows: vec![r(0), r(1), r(4), r(5)],
                    rows_add_up: false,
                    chart: true,
                    drill: true,
                }],
            }],
        };
        let s = suppress(report);
        let f = &s.groups[0].figures[0];
        assert!(s.suppressed);
        assert_eq!((f.value, f.display.as_str()), (None, "<5"));
        let shown: Vec<(Option<u64>, &str)> = f.rows.iter().map(|r| (r.value, r.display.as_str())).collect();
        assert_eq!(shown, [(Some(0), "0"), (None, "<5"), (None, "<5"), (Some(5), "5")]);
    }
}
