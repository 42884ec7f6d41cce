//! The monitoring report: every figure on a hand-built register whose answers are
//! known, reconciliation (breakdowns add up, the records behind a figure are as many as it
//! says) on that register and on demo data, period boundaries, small-number suppression in
//! every export, the quick periods, and the CLI.

use std::collections::BTreeMap;
use std::path::Path;

use carers_desk::Desk;
use serde_json::{json, Value};

use crate::util::{call, call_err, ctx, ctx_on, desk, file_desk, file_key};

const FROM: &str = "2026-07-01";
const TO: &str = "2026-09-30";

/// A carer through the real command, with the monitoring fields given.
fn carer(d: &Desk, first: &str, dob: &str, extra: Value) -> i64 {
    let mut c = json!({
        "first_name": first, "last_name": "Test", "date_of_birth": dob, "postcode": "rm10 7bs", "phone": "07700 900123",
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    call(d, "carer_create", c)["id"].as_i64().unwrap()
}

fn link(d: &Desk, carer_id: i64, name: &str, relationship: &str, hours: &str, conditions: &[&str]) {
    call(
        d,
        "carer_add_cared_for",
        json!({ "carer_id": carer_id,
                "person": { "first_name": name, "last_name": "Cared", "conditions": conditions },
                "link": { "relationship": relationship, "hours_band": hours, "care_kinds": ["practical"] } }),
    );
}

struct Built {
    _dir: tempfile::TempDir,
    desk: Desk,
    ids: BTreeMap<&'static str, i64>,
}

/// The hand-built register (see the expectations in `every_figure_on_the_hand_built_register`).
fn built() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reports.sqlite3");
    let d = file_desk(&path);
    let mut s = call(&d, "settings_get", json!({}));
    s["organisation_name"] = json!("Riverside Carers");
    call(&d, "settings_update", s);
    let mut ids = BTreeMap::new();
    // A: adult, identified on the period's first day; cares for a parent and a partner.
    let a = carer(
        &d,
        "Amy",
        "1970-05-10",
        json!({"date_first_identified": "01/07/2026", "referral_source": "gp", "gender": "female",
               "ethnicity": "white_british", "disability": "no"}),
    );
    link(&d, a, "Ada", "parent", "h20_34", &["dementia"]);
    link(&d, a, "Sam", "spouse_partner", "h50_plus", &["dementia"]);
    ids.insert("A", a);
    // B: signposted, identified on the period's last day.
    ids.insert(
        "B",
        carer(
            &d,
            "Ben",
            "1990-09-30",
            json!({"date_first_identified": "30/09/2026", "referral_source": "self", "gender": "male",
                   "referral_outcome": "signposted"}),
        ),
    );
    // C: identified the day after the period.
    ids.insert(
        "C",
        carer(&d, "Cy", "1980-01-01", json!({"date_first_identified": "01/10/2026", "referral_source": "hospital"})),
    );
    // D: young adult, identified before, closed in the period (moved away); no gender, no postcode.
    let dd = carer(
        &d,
        "Dee",
        "2004-03-01",
        json!({"date_first_identified": "15/01/2025", "referral_source": "social_care", "postcode": null}),
    );
    call(&d, "carer_close", json!({"id": dd, "reason": "moved_away", "date": "15/08/2026"}));
    ids.insert("D", dd);
    // E: closed the day before the period.
    let e = carer(&d, "Eve", "1960-01-01", json!({"date_first_identified": "01/06/2024", "referral_source": "gp"}));
    call(&d, "carer_close", json!({"id": e, "reason": "caring_ended", "date": "30/06/2026"}));
    ids.insert("E", e);
    // F: young carer (12 at the end), at Hill School, caring for a parent with two conditions.
    let f = carer(
        &d,
        "Fin",
        "2014-08-01",
        json!({"date_first_identified": "01/02/2026", "referral_source": "school", "gender": "male"}),
    );
    link(&d, f, "Flo", "parent", "h10_19", &["mental_health", "substance_misuse"]);
    let school = call(&d, "school_save", json!({"name": "Hill School"}))["id"].as_i64().unwrap();
    call(&d, "school_link_save", json!({"carer_id": f, "school_id": school, "year_group": "7"}));
    ids.insert("F", f);
    // G: young carer (15 at the end), new in the period, no school.
    ids.insert(
        "G",
        carer(
            &d,
            "Gil",
            "2010-12-01",
            json!({"date_first_identified": "15/09/2026", "referral_source": "family_friend", "gender": "non_binary"}),
        ),
    );
    // H: adult, identified before, closed after the period; cares for a son with no condition recorded.
    let h = carer(
        &d,
        "Hal",
        "1985-01-01",
        json!({"date_first_identified": "01/01/2026", "referral_source": "gp", "gender": "male",
               "ethnicity": "asian_indian", "disability": "yes"}),
    );
    link(&d, h, "Hugo", "child", "h0_9", &[]);
    call(&d, "carer_close", json!({"id": h, "reason": "caring_ended", "date": "05/10/2026"}));
    ids.insert("H", h);
    // I: no date first identified, record made in the period (set below); 18 the day after.
    let i = carer(&d, "Ivy", "2008-10-01", json!({"gender": "female"}));
    ids.insert("I", i);

    // What the commands cannot backdate: straight into the database.
    let raw = carers_desk::vault::open_encrypted(&path, &file_key(&path)).unwrap();
    let now = "2026-11-01T10:00:00.000Z";
    raw.execute("UPDATE carers SET created_at = '2026-08-01T09:00:00.000Z' WHERE id = ?1", [i]).unwrap();
    let assessment =
        |reference: &str,
         carer: i64,
         kind: &str,
         status: &str,
         version: i64,
         previous: Option<i64>,
         on: &str,
         determination: Option<&str>,
         scores: Option<&str>|
         -> i64 {
            // Completed on the day of the assessment.
            let done = (status == "completed").then(|| format!("{on}T12:00:00.000+00:00"));
            raw.execute(
            "INSERT INTO assessments (reference, carer_id, type, status, version, previous_id, determination, scores,
                 assessed_on, created_at, created_by, updated_at, updated_by, completed_at, completed_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'test', ?10, 'test', ?11, ?12)",
            rusqlite::params![reference, carer, kind, status, version, previous, determination, scores, on, now, done,
                done.as_ref().map(|_| "test")],
        )
        .unwrap();
            raw.last_insert_rowid()
        };
    let maca = |band: &str| {
        format!(r#"{{"maca_yc18": {{"total_band": {{"code": "{band}", "label": "x", "concern": false}}}}}}"#)
    };
    assessment("AS-1", f, "young_carer", "completed", 1, None, "2026-07-05", None, Some(&maca("low")));
    assessment("AS-2", f, "young_carer", "completed", 1, None, "2026-08-10", None, Some(&maca("high")));
    let v1 =
        assessment("AS-3", a, "adult", "completed", 1, None, "2026-07-20", Some(r#"{"result": "eligible"}"#), None);
    assessment("AS-3", a, "adult", "completed", 2, Some(v1), "2026-08-01", Some(r#"{"result": "not_eligible"}"#), None);
    assessment("AS-4", a, "adult", "draft", 1, None, "2026-08-05", None, None);
    assessment(
        "AS-5",
        ids["G"],
        "transition",
        "completed",
        1,
        None,
        "2026-09-20",
        Some(r#"{"result": "eligible", "indication": true}"#),
        None,
    );
    assessment("AS-6", dd, "parent_carer", "completed", 1, None, "2026-09-30", None, None);
    assessment("AS-7", h, "adult", "completed", 1, None, "2026-10-01", Some(r#"{"result": "eligible"}"#), None);

    let plan = |reference: &str,
                carer: i64,
                version: i64,
                previous: Option<i64>,
                status: &str,
                agreed: Option<&str>,
                due: Option<&str>|
     -> i64 {
        raw.execute(
            "INSERT INTO support_plans (reference, carer_id, version, previous_id, status, light_touch, agreed_on,
                 review_due, start_date, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?6, ?8, 'test', ?8, 'test')",
            rusqlite::params![reference, carer, version, previous, status, agreed, due, now],
        )
        .unwrap();
        raw.last_insert_rowid()
    };
    let a1 = plan("SP-1", a, 1, None, "superseded", Some("2026-07-10"), None);
    let a2 = plan("SP-1", a, 2, Some(a1), "agreed", Some("2026-09-01"), Some("2026-09-15"));
    let h1 = plan("SP-2", h, 1, None, "agreed", Some("2026-05-01"), Some("2026-11-01"));
    let h2 = plan("SP-2", h, 2, Some(h1), "draft", None, None);
    let f1 = plan("SP-3", f, 1, None, "draft", None, None);
    let review = |plan: i64, new: i64, status: &str, planned: bool, on: &str| {
        let done = (status == "completed").then_some(now);
        raw.execute(
            "INSERT INTO plan_reviews (plan_id, new_plan_id, status, planned, reason, review_date, created_at, created_by,
                 updated_at, updated_by, completed_at, completed_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'test', ?7, 'test', ?8, ?9)",
            rusqlite::params![plan, new, status, planned, (!planned).then_some("carer_request"), on, now, done,
                done.map(|_| "test")],
        )
        .unwrap();
    };
    review(a1, a2, "completed", true, "2026-09-01");
    review(h1, h2, "completed", false, "2026-07-01");
    review(h1, f1, "draft", true, "2026-08-01");

    let passport = |serial: i64, kind: &str, carer: i64, issued: &str, replaces: Option<i64>| -> i64 {
        raw.execute(
            "INSERT INTO passports (number, serial, kind, carer_id, issued_on, valid_until, replaces_id, replace_reason,
                 created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, '2027-12-31', ?6, ?7, ?8, 'test', ?8, 'test')",
            rusqlite::params![format!("XX-{serial:06}-A"), serial, kind, carer, issued, replaces,
                replaces.map(|_| "lost"), now],
        )
        .unwrap();
        raw.last_insert_rowid()
    };
    let yc = passport(1, "young_carer", f, "2026-07-15", None);
    let cp = passport(2, "community", a, "2026-09-30", None);
    passport(3, "community", a, "2026-09-30", Some(cp));
    passport(4, "hospital", h, "2026-06-30", None);
    raw.execute(
        "INSERT INTO passport_events (passport_id, event, happened_on, at, by) VALUES (?1, 'renewed', '2026-08-01', ?2, 'test')",
        rusqlite::params![yc, now],
    )
    .unwrap();
    for (carer, on, consent) in [(ids["G"], "2026-09-25", 1), (h, "2026-10-02", 0)] {
        raw.execute(
            "INSERT INTO handovers (carer_id, receiving_service, handover_on, consent_to_share, recorded_at, recorded_by)
             VALUES (?1, 'Adult carers service', ?2, ?3, ?4, 'test')",
            rusqlite::params![carer, on, consent, now],
        )
        .unwrap();
    }
    drop(raw);
    Built { _dir: dir, desk: d, ids }
}

fn run(d: &Desk, from: &str, to: &str) -> Value {
    call(d, "report_run", json!({"from": from, "to": to}))
}

fn figures(report: &Value) -> Vec<&Value> {
    report["groups"].as_array().unwrap().iter().flat_map(|g| g["figures"].as_array().unwrap()).collect()
}

fn fig<'a>(report: &'a Value, key: &str) -> &'a Value {
    figures(report).into_iter().find(|f| f["key"] == key).unwrap_or_else(|| panic!("no figure {key}"))
}

/// A figure's value and its non-zero rows.
fn counts(report: &Value, key: &str) -> (u64, BTreeMap<String, u64>) {
    let f = fig(report, key);
    let rows = f["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["value"] != 0)
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["value"].as_u64().unwrap()))
        .collect();
    (f["value"].as_u64().unwrap(), rows)
}

fn rows(list: &[(&str, u64)]) -> BTreeMap<String, u64> {
    list.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// A figure's key, value and non-zero rows.
type Expected = (&'static str, u64, &'static [(&'static str, u64)]);
/// A quick period's key, from and to.
type Quick = (&'static str, &'static str, &'static str);

#[test]
fn every_figure_on_the_hand_built_register() {
    let b = built();
    let r = run(&b.desk, "01/07/2026", "30/09/2026");
    assert_eq!((r["from"].as_str(), r["to"].as_str()), (Some(FROM), Some(TO)));
    assert_eq!(r["organisation"], "Riverside Carers");
    assert_eq!(r["made_on"], "2026-11-23");
    assert_eq!(r["suppressed"], false);
    let expect: &[Expected] = &[
        ("referrals_received", 4, &[("gp", 1), ("self", 1), ("family_friend", 1), ("not_recorded", 1)]),
        ("referrals_outcome", 4, &[("accepted", 3), ("signposted", 1)]),
        ("accepted_new_carers", 3, &[]),
        ("signposted_only", 1, &[]),
        ("carers_supported", 6, &[("new", 3), ("continuing", 3)]),
        ("carers_at_end", 5, &[]),
        ("closed", 1, &[("moved_away", 1)]),
        ("assessments_completed", 5, &[("adult", 1), ("young_carer", 2), ("parent_carer", 1), ("transition", 1)]),
        ("adult_assessment_outcomes", 1, &[("not_eligible", 1)]),
        ("plans_agreed", 2, &[("new_plan", 1), ("updated_version", 1)]),
        ("reviews_completed", 2, &[("planned", 1), ("unplanned", 1)]),
        ("reviews_overdue", 1, &[]),
        ("passports_issued", 3, &[("community", 2), ("young_carer", 1)]),
        ("passports_how", 3, &[("new", 2), ("replacement", 1)]),
        ("passports_renewed", 1, &[]),
        ("young_carers_by_age", 3, &[("11_13", 1), ("14_15", 1), ("16_17", 1)]),
        ("maca_bands", 1, &[("high", 1)]),
        ("transition_assessments", 1, &[("eligible", 1)]),
        ("handovers", 1, &[("consent", 1)]),
        ("by_category", 6, &[("young_carer", 3), ("young_adult_carer", 1), ("adult_carer", 2)]),
        ("by_age", 6, &[("under_18", 3), ("18_24", 1), ("35_44", 1), ("55_64", 1)]),
        ("by_gender", 6, &[("female", 2), ("male", 2), ("non_binary", 1), ("not_recorded", 1)]),
        ("by_ethnicity", 6, &[("white_british", 1), ("asian_indian", 1), ("not_recorded", 4)]),
        ("by_disability", 6, &[("no", 1), ("yes", 1), ("not_recorded", 4)]),
        ("by_hours", 6, &[("h50_plus", 1), ("h10_19", 1), ("h0_9", 1), ("no_link", 3)]),
        ("by_condition", 6, &[("dementia", 1), ("more_than_one", 1), ("none_recorded", 4)]),
        ("by_relationship", 6, &[("more_than_one", 1), ("parent", 1), ("child", 1), ("no_link", 3)]),
        ("by_number_cared_for", 6, &[("1", 2), ("2", 1), ("none", 3)]),
        ("by_postcode_district", 6, &[("rm10", 5), ("not_recorded", 1)]),
    ];
    for (key, value, want) in expect {
        assert_eq!(counts(&r, key), (*value, rows(want)), "{key}");
    }
    let school = counts(&r, "young_carers_by_school");
    assert_eq!(school.0, 3);
    let mut sizes: Vec<u64> = school.1.values().copied().collect();
    sizes.sort();
    assert_eq!(sizes, [1, 2]);
    let by_school = fig(&r, "young_carers_by_school")["rows"].as_array().unwrap().clone();
    assert_eq!(by_school[0]["label"], "Hill School");
    assert_eq!(by_school[1]["key"], "no_school", "no school last");
    assert_eq!(fig(&r, "by_postcode_district")["rows"][0]["label"], "RM10");
    // Every figure is in the expectations above (and the school one).
    assert_eq!(figures(&r).len(), expect.len() + 1);
    // Accepted and signposted reconcile with received.
    assert_eq!(
        counts(&r, "accepted_new_carers").0 + counts(&r, "signposted_only").0,
        counts(&r, "referrals_received").0
    );
    reconcile(&b.desk, &r);

    // Who is behind a row: the records, with names and references.
    let recs =
        call(&b.desk, "report_records", json!({"from": FROM, "to": TO, "figure": "closed", "row": "moved_away"}));
    assert_eq!(recs["count"], 1);
    assert_eq!(recs["figure"], "Records closed");
    assert_eq!(recs["row"], "Moved away");
    assert_eq!(recs["records"][0]["carer_id"], b.ids["D"]);
    assert_eq!(recs["records"][0]["name"], "Dee Test");
    assert_eq!(recs["records"][0]["date"], "2026-08-15");
    assert!(recs["records"][0]["reference"].as_str().unwrap().starts_with("C-"));
    let assessed = call(&b.desk, "report_records", json!({"from": FROM, "to": TO, "figure": "assessments_completed"}));
    let refs: Vec<&str> =
        assessed["records"].as_array().unwrap().iter().map(|r| r["detail"].as_str().unwrap()).collect();
    assert!(refs.iter().any(|d| d.ends_with("AS-3")), "{refs:?}");
}

/// Every figure with rows adds up; the records behind each figure and row are as many as it says.
fn reconcile(d: &Desk, report: &Value) {
    let (from, to) = (report["from"].clone(), report["to"].clone());
    for f in figures(report) {
        let key = f["key"].as_str().unwrap();
        let value = f["value"].as_u64().unwrap();
        let rows = f["rows"].as_array().unwrap();
        if f["rows_add_up"] == true {
            let sum: u64 = rows.iter().map(|r| r["value"].as_u64().unwrap()).sum();
            assert_eq!(sum, value, "{key}: the rows add up to the figure");
        }
        assert_eq!(f["drill"], true);
        let all = call(d, "report_records", json!({"from": from, "to": to, "figure": key}));
        assert_eq!(all["count"].as_u64().unwrap(), value, "{key}: records behind the figure");
        assert_eq!(all["records"].as_array().unwrap().len() as u64, value);
        for r in rows {
            let list = call(d, "report_records", json!({"from": from, "to": to, "figure": key, "row": r["key"]}));
            assert_eq!(list["count"], r["value"], "{key} / {}: records behind the row", r["key"]);
        }
    }
}

#[test]
fn demo_data_reconciles() {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 300, "seed": 3}));
    for (from, to) in [("2026-04-01", "2026-11-23"), ("2025-04-01", "2026-03-31"), ("2000-01-01", "2026-12-31")] {
        let r = run(&d, from, to);
        reconcile(&d, &r);
        if from == "2000-01-01" {
            assert!(counts(&r, "referrals_received").0 >= 300, "every demo carer was referred at some time");
            assert!(counts(&r, "carers_supported").0 > 100);
            assert!(counts(&r, "plans_agreed").0 > 0 && counts(&r, "passports_issued").0 > 0);
        }
    }
}

/// A figure's key, number, and its rows' keys and numbers.
type Numbers = (String, Value, Vec<(Value, Value)>);

/// The figures of a report as numbers, without the day it was made.
fn numbers(report: &Value) -> Vec<Numbers> {
    figures(report)
        .into_iter()
        .map(|f| {
            let rows = f["rows"].as_array().unwrap().iter().map(|r| (r["key"].clone(), r["value"].clone())).collect();
            (f["key"].as_str().unwrap().to_string(), f["value"].clone(), rows)
        })
        .collect()
}

fn run_on(d: &Desk, today: &str, from: &str, to: &str) -> Value {
    d.call(&ctx_on(today), "report_run", json!({"from": from, "to": to})).unwrap()
}

/// An adult carer's assessment completed through the commands on `today`, assessed on
/// `assessed_on`: eligible or not.
fn assess(d: &Desk, today: &str, assessed_on: &str, id: &Value, eligible: bool) -> Value {
    let c = ctx_on(today);
    let outcomes: serde_json::Map<String, Value> = [
        "child_care",
        "care_for_others",
        "habitable_home",
        "nutrition",
        "relationships",
        "work_education_volunteering",
        "community_facilities",
        "recreation",
    ]
    .iter()
    .map(|o| {
        let a = if eligible && *o == "nutrition" {
            json!({"achieved": false, "reasons": ["needs_assistance"]})
        } else {
            json!({"achieved": true})
        };
        (o.to_string(), a)
    })
    .collect();
    let wellbeing: serde_json::Map<String, Value> = [
        "dignity",
        "health",
        "protection",
        "control",
        "work_education_recreation",
        "social_economic",
        "relationships",
        "accommodation",
        "contribution",
    ]
    .iter()
    .map(|a| (a.to_string(), json!({"impact": if eligible { "significant" } else { "some" }})))
    .collect();
    let answers = json!({
        "cared_for_who": "My husband", "care_provided": "Personal care", "hours_band": "h50_plus",
        "impact_reasoning": "No sleep", "carer_outcomes": "A night off", "working_well": "Family help",
        "able_to_continue": true, "willing_to_continue": true, "consent_to_assessment": true,
        "needs_from_necessary_care": true, "health_deteriorating_or_at_risk": false,
        "significant_impact_on_wellbeing": eligible, "involved": ["carer"],
        "outcomes": outcomes, "wellbeing": wellbeing,
    });
    d.call(&c, "assessment_save", json!({"id": id, "answers": answers, "assessed_on": assessed_on})).unwrap();
    d.call(&c, "assessment_complete", json!({"id": id})).unwrap()
}

#[test]
fn a_past_period_is_the_same_after_later_revisions() {
    let d = desk();
    let c = ctx_on("2026-08-01");
    let mut args = json!({"first_name": "Rita", "last_name": "Okafor", "date_of_birth": "1960-03-03",
                          "date_first_identified": "2026-07-02", "referral_source": "gp"});
    args["postcode"] = json!("RM10 7BS");
    let carer = d.call(&c, "carer_create", args).unwrap()["id"].clone();
    let started = d.call(&c, "assessment_start", json!({"carer_id": carer, "type": "adult"})).unwrap();
    let v1 = assess(&d, "2026-08-10", "2026-08-10", &started["id"], true);
    assert_eq!(v1["completed_at"].as_str().unwrap().get(..10), Some("2026-08-10"), "completed on the context's day");

    // The return for July to September, sent in October.
    let sent = run_on(&d, "2026-10-05", "2026-07-01", "2026-09-30");
    assert_eq!(counts(&sent, "adult_assessment_outcomes"), (1, rows(&[("eligible", 1)])));

    // Revised in October: not eligible now.
    let v2 = d.call(&ctx_on("2026-10-20"), "assessment_new_version", json!({"id": v1["id"]})).unwrap();
    assess(&d, "2026-10-20", "2026-10-20", &v2["id"], false);

    // The return already sent is the same; the new version counts from October.
    let again = run_on(&d, "2026-10-25", "2026-07-01", "2026-09-30");
    assert_eq!(numbers(&again), numbers(&sent), "July to September after the revision");
    let october = run_on(&d, "2026-10-25", "2026-10-01", "2026-12-31");
    assert_eq!(counts(&october, "adult_assessment_outcomes"), (1, rows(&[("not_eligible", 1)])));
    // Over the whole year the assessment counts once, as its newest version.
    let year = run_on(&d, "2026-10-25", "2026-04-01", "2027-03-31");
    assert_eq!(counts(&year, "assessments_completed"), (1, rows(&[("adult", 1)])));
    assert_eq!(counts(&year, "adult_assessment_outcomes"), (1, rows(&[("not_eligible", 1)])));
    // The records behind the September figure are the version that counted then.
    let list = d
        .call(
            &ctx_on("2026-10-25"),
            "report_records",
            json!({"from": "2026-07-01", "to": "2026-09-30", "figure": "adult_assessment_outcomes"}),
        )
        .unwrap();
    assert_eq!(list["count"], 1);
    assert_eq!(list["records"][0]["date"], "2026-08-10");
}

#[test]
fn an_assessment_written_up_after_its_period_counts_in_it() {
    let d = desk();
    let c = ctx_on("2026-09-28");
    let carer = d
        .call(&c, "carer_create", json!({"first_name": "Sam", "last_name": "Lowe", "date_of_birth": "1970-01-01"}))
        .unwrap()["id"]
        .clone();
    let started = d.call(&c, "assessment_start", json!({"carer_id": carer, "type": "adult"})).unwrap();
    // Assessed on 28 September, written up and completed on 3 October.
    let v1 = assess(&d, "2026-10-03", "2026-09-28", &started["id"], true);
    let q2 = run_on(&d, "2026-10-04", "2026-07-01", "2026-09-30");
    assert_eq!(counts(&q2, "adult_assessment_outcomes"), (1, rows(&[("eligible", 1)])));
    assert_eq!(counts(&run_on(&d, "2026-10-04", "2026-10-01", "2026-12-31"), "assessments_completed").0, 0);
    // A revision later on does not move it.
    let v2 = d.call(&ctx_on("2026-10-20"), "assessment_new_version", json!({"id": v1["id"]})).unwrap();
    assess(&d, "2026-10-20", "2026-10-20", &v2["id"], false);
    assert_eq!(numbers(&run_on(&d, "2026-10-21", "2026-07-01", "2026-09-30")), numbers(&q2));
}

#[test]
fn suppression_leaves_no_hidden_count_that_can_be_worked_out() {
    // Demo registers of two sizes (the smaller has more small numbers), four periods each:
    // every cell of every figure.
    let mut hidden_secondary = 0;
    for (carers, seed) in [(300, 3), (60, 5)] {
        let d = desk();
        call(&d, "demo_data_load", json!({"carers": carers, "seed": seed}));
        for (from, to) in [
            ("2026-07-01", "2026-09-30"),
            ("2026-10-01", "2026-12-31"),
            ("2026-04-01", "2026-11-23"),
            ("2025-04-01", "2026-03-31"),
        ] {
            let plain = run(&d, from, to);
            let report: carers_desk::reports::Report = serde_json::from_value(plain.clone()).unwrap();
            // Every relation suppression relies on holds on a real register.
            assert_eq!(carers_desk::reports::suppress::broken_relations(&report), Vec::<String>::new(), "{from}");
            let hidden = carers_desk::reports::suppress(report);
            // Nothing a reader can work out: not from one hidden cell, nor from the sum of two.
            assert_eq!(
                carers_desk::reports::suppress::derivable(&hidden),
                Vec::<String>::new(),
                "{carers} carers, {from} to {to}"
            );
            for g in &hidden.groups {
                for f in &g.figures {
                    for (value, display) in
                        std::iter::once((f.value, &f.display)).chain(f.rows.iter().map(|r| (r.value, &r.display)))
                    {
                        assert!(!matches!(value, Some(1..=4)), "{}: {display}", f.key);
                        if value.is_none() {
                            assert!(display == "<5" || display == "[c]", "{}: {display}", f.key);
                            hidden_secondary += usize::from(display == "[c]");
                        }
                    }
                }
            }
        }
    }
    assert!(hidden_secondary > 0, "the demo register has cells that need secondary suppression");
}

#[test]
fn period_boundaries_include_from_and_to_and_not_the_day_after() {
    let b = built();
    let received = |from: &str, to: &str| counts(&run(&b.desk, from, to), "referrals_received").0;
    assert_eq!(received("2026-07-01", "2026-09-30"), 4);
    assert_eq!(received("2026-07-02", "2026-09-30"), 3, "A was identified on the 1st");
    assert_eq!(received("2026-07-01", "2026-09-29"), 3, "B was identified on the 30th");
    assert_eq!(received("2026-10-01", "2026-10-01"), 1, "C: the day after");
    let closed = |from: &str, to: &str| counts(&run(&b.desk, from, to), "closed").0;
    assert_eq!(closed("2026-06-30", "2026-06-30"), 1, "E closed on the 30th June");
    assert_eq!(closed("2026-07-01", "2026-08-14"), 0);
    assert_eq!(closed("2026-08-15", "2026-08-15"), 1);
    // Supported at the end: H closed on 5 October is still supported on 30 September and 4
    // October, not on 5 October.
    let at_end = |to: &str| counts(&run(&b.desk, "2026-07-01", to), "carers_at_end").0;
    assert_eq!(at_end("2026-10-04"), 6, "C identified on 1 October joins");
    assert_eq!(at_end("2026-10-05"), 5);
    // I turns 18 the day after the period: a young carer on 30 September, an adult on 1 October.
    let category = |to: &str| counts(&run(&b.desk, "2026-07-01", to), "by_category").1;
    assert_eq!(category("2026-09-30")["young_carer"], 3);
    assert_eq!(category("2026-10-01")["young_carer"], 2);
    // Bad periods name the argument.
    let e = call_err(&b.desk, "report_run", json!({"from": "2026-09-30", "to": "2026-07-01"}));
    assert_eq!(e.field.as_deref(), Some("to"));
    let e = call_err(&b.desk, "report_run", json!({"from": "31/02/2026", "to": "2026-07-01"}));
    assert_eq!(e.field.as_deref(), Some("from"));
    let e = call_err(&b.desk, "report_records", json!({"from": FROM, "to": TO, "figure": "nonsense"}));
    assert_eq!(e.field.as_deref(), Some("figure"));
    let e = call_err(&b.desk, "report_records", json!({"from": FROM, "to": TO, "figure": "closed", "row": "nonsense"}));
    assert_eq!(e.field.as_deref(), Some("row"));
}

#[test]
fn records_are_one_audit_entry_and_no_recently_viewed() {
    let b = built();
    let before = call(&b.desk, "home", json!({}))["recently_viewed"].clone();
    call(&b.desk, "report_records", json!({"from": FROM, "to": TO, "figure": "carers_supported", "row": "new"}));
    let trail = call(&b.desk, "audit_list", json!({"command": "report_records"}));
    let entries = trail["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let detail = entries[0]["detail"].as_str().unwrap();
    assert!(detail.contains("carers_supported") && detail.contains("row new") && detail.contains(FROM), "{detail}");
    assert!(entries[0]["carer_id"].is_null());
    assert_eq!(call(&b.desk, "home", json!({}))["recently_viewed"], before, "recently viewed unchanged");
    // Reporting accounts see the numbers but cannot list records (the role is the context's on a
    // database in memory; on a file it is the signed-in account's).
    let d = desk();
    let reporting = ctx().with_role(carers_desk::context::Role::Reporting);
    assert!(d.call(&reporting, "report_run", json!({"from": FROM, "to": TO})).is_ok());
    let e = d.call(&reporting, "report_records", json!({"from": FROM, "to": TO, "figure": "closed"})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn exports_suppress_small_numbers_in_csv_json_and_pdf() {
    let b = built();
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("csv");
    let done = call(&b.desk, "report_export", json!({"from": FROM, "to": TO, "format": "csv", "path": folder}));
    let files: Vec<String> =
        done["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
    assert_eq!(files.len(), 8);
    let referrals = folder.join("monitoring-2026-07-01-to-2026-09-30-referrals.csv");
    assert!(files.contains(&referrals.display().to_string()));
    let text = read(&referrals);
    // A byte order mark first, so Excel reads "–" and "é" as they are.
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 byte order mark");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "figure,figure_label,row,row_label,count");
    assert_eq!(lines[1], "referrals_received,Referrals and contacts received,,,<5");
    assert!(lines.contains(&"referrals_received,Referrals and contacts received,gp,GP,<5"));
    // The total is "<5", so every row is, 0s too: four "<5" rows (self, GP, family or friend,
    // not recorded) among 0s under a total of "<5" would be one each.
    assert!(lines.contains(&"referrals_received,Referrals and contacts received,hospital,Hospital,<5"), "{text}");
    // No count from 1 to 4 anywhere in any file.
    for f in &files {
        for line in read(Path::new(f)).lines().skip(1) {
            let count = line.rsplit(',').next().unwrap();
            assert!(!matches!(count, "1" | "2" | "3" | "4"), "{f}: {line}");
        }
    }
    // Under a total of 5 or more, 0 stays 0.
    let zeros: usize = files.iter().map(|f| read(Path::new(f)).lines().filter(|l| l.ends_with(",0")).count()).sum();
    assert!(zeros > 0, "0 stays 0 where the total is 5 or more");
    let carers = read(&folder.join("monitoring-2026-07-01-to-2026-09-30-carers.csv"));
    // 6 carers supported = 5 still supported at the end + 1 record closed. The closed "<5" (1 to
    // 4) with the 5 shown would give the 1 away, so the 5 is hidden ("[c]": 5 or more); but then
    // 6 shown = "[c]" + "<5" still pins them (5 and 1: the sum of two hidden counts), so the 6
    // is hidden as well.
    assert!(carers.contains("carers_at_end,Carers supported at the end of the period,,,[c]"), "{carers}");
    assert!(carers.contains("closed,Records closed,,,<5"), "{carers}");
    assert!(carers.contains("carers_supported,Carers supported in the period,,,[c]"), "{carers}");

    let json_path = out.path().join("report.json");
    call(&b.desk, "report_export", json!({"from": FROM, "to": TO, "format": "json", "path": json_path}));
    let j: Value = serde_json::from_str(&read(&json_path)).unwrap();
    assert_eq!(j["suppressed"], true);
    let report: carers_desk::reports::Report = serde_json::from_value(j.clone()).unwrap();
    assert_eq!(carers_desk::reports::suppress::derivable(&report), Vec::<String>::new());
    assert_eq!(fig(&j, "referrals_received")["value"], Value::Null);
    assert_eq!(fig(&j, "referrals_received")["display"], "<5");
    assert_eq!(fig(&j, "carers_supported")["value"], Value::Null);
    assert_eq!(fig(&j, "carers_supported")["display"], "[c]");
    for f in figures(&j) {
        for v in std::iter::once(f).chain(f["rows"].as_array().unwrap()) {
            assert!(!matches!(v["value"].as_u64(), Some(1..=4)), "{}", f["key"]);
        }
    }

    let pdf_path = out.path().join("report.pdf");
    call(&b.desk, "report_export", json!({"from": FROM, "to": TO, "format": "pdf", "path": pdf_path}));
    let bytes = std::fs::read(&pdf_path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Ok(o) = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf_path).arg("-").output() {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Riverside Carers"));
        assert!(text.contains("Monitoring report"));
        assert!(text.contains("Referrals and contacts received: <5"), "{text}");
        assert!(text.contains("Carers supported in the period: [c]"), "{text}");
        assert!(text.contains("Page 1 of"));
        assert!(!text.contains("received: 4"));
    }

    // With suppression off, exports show the real numbers.
    let mut s = call(&b.desk, "settings_get", json!({}));
    s["report_suppress_small"] = json!(false);
    call(&b.desk, "settings_update", s);
    call(&b.desk, "report_export", json!({"from": FROM, "to": TO, "format": "csv", "path": folder}));
    assert!(read(&referrals).contains("referrals_received,Referrals and contacts received,,,4"));
    let e = call_err(&b.desk, "report_export", json!({"from": FROM, "to": TO, "format": "xls", "path": folder}));
    assert_eq!(e.field.as_deref(), Some("format"));
    let e = call_err(&b.desk, "report_export", json!({"from": FROM, "to": TO, "format": "pdf", "path": folder}));
    assert_eq!(e.field.as_deref(), Some("path"));
    // The window's report is never suppressed.
    assert_eq!(fig(&run(&b.desk, FROM, TO), "referrals_received")["value"], 4);
}

#[test]
fn quick_periods_follow_the_financial_year() {
    let d = desk();
    let table: &[(&str, [Quick; 4])] = &[
        (
            "2026-11-29",
            [
                ("this_quarter", "2026-10-01", "2026-12-31"),
                ("last_quarter", "2026-07-01", "2026-09-30"),
                ("financial_year_to_date", "2026-04-01", "2026-11-29"),
                ("last_financial_year", "2025-04-01", "2026-03-31"),
            ],
        ),
        (
            "2027-01-15",
            [
                ("this_quarter", "2027-01-01", "2027-03-31"),
                ("last_quarter", "2026-10-01", "2026-12-31"),
                ("financial_year_to_date", "2026-04-01", "2027-01-15"),
                ("last_financial_year", "2025-04-01", "2026-03-31"),
            ],
        ),
        (
            "2027-04-01",
            [
                ("this_quarter", "2027-04-01", "2027-06-30"),
                ("last_quarter", "2027-01-01", "2027-03-31"),
                ("financial_year_to_date", "2027-04-01", "2027-04-01"),
                ("last_financial_year", "2026-04-01", "2027-03-31"),
            ],
        ),
        (
            "2027-03-31",
            [
                ("this_quarter", "2027-01-01", "2027-03-31"),
                ("last_quarter", "2026-10-01", "2026-12-31"),
                ("financial_year_to_date", "2026-04-01", "2027-03-31"),
                ("last_financial_year", "2025-04-01", "2026-03-31"),
            ],
        ),
    ];
    for (today, want) in table {
        let got = d.call(&ctx_on(today), "report_periods", json!({})).unwrap();
        let got: Vec<(String, String, String)> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["key"].as_str().unwrap().into(),
                    p["from"].as_str().unwrap().into(),
                    p["to"].as_str().unwrap().into(),
                )
            })
            .collect();
        let want: Vec<(String, String, String)> =
            want.iter().map(|(k, f, t)| (k.to_string(), f.to_string(), t.to_string())).collect();
        assert_eq!(got, want, "today {today}");
    }
    let labels = d.call(&ctx_on("2026-11-29"), "report_periods", json!({})).unwrap();
    assert_eq!(labels[0]["label"], "This quarter (1 Oct – 31 Dec 2026)");
    assert_eq!(labels[3]["label"], "Last financial year (1 Apr 2025 – 31 Mar 2026)");
}

#[test]
fn the_cli_exports_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli-report.sqlite3");
    let o = crate::cli::cli(&db, &["demo-data", "--carers", "60", "--seed", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("q.json");
    let o = crate::cli::cli(
        &db,
        &["report", "--from", "01/04/2026", "--to", "2026-11-23", "--format", "json", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(crate::cli::json(&o)["format"], "json");
    let j: Value = serde_json::from_str(&read(&out)).unwrap();
    assert_eq!(j["from"], "2026-04-01");
    assert!(j["groups"].as_array().unwrap().len() == 8);
    let folder = dir.path().join("csv");
    let o = crate::cli::cli(
        &db,
        &["report", "--from", "2026-04-01", "--to", "2026-11-23", "--format", "csv", "--out", folder.to_str().unwrap()],
    );
    assert!(o.status.success());
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 8);
    let o = crate::cli::cli(
        &db,
        &["report", "--from", "2026-11-23", "--to", "2026-04-01", "--format", "pdf", "--out", "x.pdf"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(crate::cli::json(&o)["field"], "to");
}

#[test]
fn records_are_dated_by_the_day_the_app_was_given() {
    // The command-line tool runs on 23 November 2026 (`--today`), whatever the clock says: a
    // carer added then, with no date first identified, was referred that day.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("today.sqlite3");
    let o =
        crate::cli::cli(&db, &["init", "--admin", crate::util::ADMIN, "--name", "Amy Shah", "--organisation", "Test"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let args = json!({"first_name": "Una", "last_name": "Vale", "date_of_birth": "1970-01-01"}).to_string();
    let o = crate::cli::cli(&db, &["call", "carer_create", &args]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let made = crate::cli::json(&o);
    assert_eq!(made["created_at"].as_str().unwrap().get(..10), Some("2026-11-23"), "{made}");
    let report = |from: &str, to: &str| {
        let o = crate::cli::cli(&db, &["call", "report_run", &json!({"from": from, "to": to}).to_string()]);
        counts(&crate::cli::json(&o), "referrals_received").0
    };
    assert_eq!(report("2026-11-23", "2026-11-23"), 1);
    assert_eq!(report("2026-11-24", "2026-11-30"), 0);

    // In the core: every record is dated by the context's day, the time of day with its offset.
    let d = desk();
    let c = ctx_on("2026-03-31");
    let carer = d
        .call(&c, "carer_create", json!({"first_name": "Wyn", "last_name": "Ash", "date_of_birth": "1971-02-02"}))
        .unwrap();
    let stamp = carer["created_at"].as_str().unwrap();
    assert!(stamp.starts_with("2026-03-31T"), "{stamp}");
    assert!(chrono::DateTime::parse_from_rfc3339(stamp).is_ok(), "a timestamp with its offset: {stamp}");
    let started = d.call(&c, "assessment_start", json!({"carer_id": carer["id"], "type": "adult"})).unwrap();
    assert!(started["created_at"].as_str().unwrap().starts_with("2026-03-31"));
    // Counted in the year it was made, not the next one.
    let year = d.call(&c, "report_run", json!({"from": "2025-04-01", "to": "2026-03-31"})).unwrap();
    assert_eq!(counts(&year, "referrals_received").0, 1);
}

/// Demo data keeps its share of plans, assessments and passports however many carers are
/// loaded: past the first records of each shape (made through the commands) the rest are
/// copies, which must be whole records of their own carer that the commands and the report
/// read like any other.
#[test]
fn demo_data_scales_with_the_register_and_its_copies_are_whole_records() {
    let d = desk();
    let made = call(&d, "demo_data_load", json!({"carers": 2000, "seed": 5}));
    let n = |k: &str| made[k].as_u64().unwrap();
    // About one open adult carer in three has a plan; one open carer in four an assessment
    // and a passport (the old fixed numbers were at most 120, 90 and 87).
    assert!(n("plans_created") > 300, "{made}");
    assert!(n("assessments_created") > 300, "{made}");
    assert!(n("passports_created") > 300, "{made}");
    let r = run(&d, "2000-01-01", "2026-12-31");
    reconcile(&d, &r);
    assert!(counts(&r, "plans_agreed").0 > 300 && counts(&r, "passports_issued").0 > 300);

    let (mut references, mut numbers) = (std::collections::HashSet::new(), std::collections::HashSet::new());
    let (mut plans, mut assessments, mut passports, mut reissued) = (0, 0, 0, 0);
    for carer in 1701..=2000 {
        for p in call(&d, "plan_list", json!({"carer_id": carer})).as_array().unwrap() {
            let plan = call(&d, "plan_get", json!({"id": p["id"]}));
            assert_eq!(plan["carer_id"], carer);
            assert_eq!(plan["status"], "agreed", "{plan}");
            assert!(!plan["actions"].as_array().unwrap().is_empty() && plan["review_due"].is_string(), "{plan}");
            let first = &plan["versions"][0];
            assert_eq!(plan["reference"], format!("SP-{:06}", first["id"].as_i64().unwrap()), "{plan}");
            assert!(references.insert(plan["reference"].as_str().unwrap().to_string()));
            plans += 1;
        }
        for a in call(&d, "assessment_list", json!({"carer_id": carer})).as_array().unwrap() {
            let a = call(&d, "assessment_get", json!({"id": a["id"]}));
            assert_eq!((a["carer_id"].as_i64(), a["status"].as_str()), (Some(carer), Some("completed")), "{a}");
            assert_eq!(a["reference"], format!("A-{:06}", a["id"].as_i64().unwrap()));
            // A parent carer's needs assessment has neither an eligibility determination nor scores.
            let worked_out = a["determination"].is_object() || a["scores"].is_object();
            assert!(worked_out || a["type"] == "parent_carer", "{a}");
            assessments += 1;
        }
        for p in call(&d, "passport_list", json!({"carer_id": carer})).as_array().unwrap() {
            let number = p["number"].as_str().unwrap();
            assert!(numbers.insert(number.to_string()), "{number} given twice");
            let found = call(&d, "passport_lookup", json!({"text": number}));
            assert_eq!(found["passport"]["id"], p["id"], "the number and its check letter read back: {found}");
            assert_eq!(p["carer_id"], carer);
            if p["kind"] == "young_carer" {
                let holder = call(&d, "carer_get", json!({"id": carer}));
                let dob = carers_desk::dates::from_iso(holder["date_of_birth"].as_str().unwrap()).unwrap();
                let eighteen = carers_desk::dates::iso(carers_desk::dates::anniversary(dob, 18));
                assert_eq!(p["valid_until"].as_str(), Some(eighteen.as_str()), "{p}");
            }
            let events = p["events"].as_array().unwrap();
            assert!(!events.is_empty());
            if let Some(old) = p["replaces"]["number"].as_str() {
                let note = events.iter().find(|e| e["event"] == "issued").unwrap()["note"].as_str().unwrap();
                assert!(note.contains(old), "the history names this carer's own passports: {note}");
                reissued += 1;
            }
            passports += 1;
        }
    }
    assert!(
        plans > 30 && assessments > 30 && passports > 30 && reissued > 0,
        "{plans} {assessments} {passports} {reissued}"
    );
}
