//! Transition to adulthood through the command layer: milestones on a record, recording them,
//! the handover and its warnings, the young carer card, the Transitions view and home counts.
//! (The milestone date rules have their own table tests in the core: transition/tests.rs.)

use carers_desk::Desk;
use serde_json::{json, Value};

use crate::util::*;

/// A carer first known to the service in 2020 (so every milestone since then was theirs).
fn young(d: &Desk, first: &str, dob: &str) -> i64 {
    let mut args = carer(first, "Young", dob);
    args["date_first_identified"] = json!("2020-01-06");
    call(d, "carer_create", args)["id"].as_i64().unwrap()
}

fn milestone<'a>(yc: &'a Value, code: &str) -> &'a Value {
    yc["milestones"].as_array().unwrap().iter().find(|m| m["code"] == code).unwrap()
}

fn status(yc: &Value) -> Vec<(String, String)> {
    yc["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["code"].as_str().unwrap().to_string(), m["status"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn milestones_on_a_record_and_recording_them() {
    let d = desk();
    // 17 years 8 months on 23/11/2026: past 17½ with nothing done.
    let id = young(&d, "Kai", "2009-03-10");
    let yc = call(&d, "young_carer_get", json!({"carer_id": id}));
    let want = [
        ("prepare", "overdue"),
        ("offer", "overdue"),
        ("assessment", "overdue"),
        ("review", "due"),
        ("handover", "due"),
        ("young_adult_end", "not_yet_due"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(status(&yc), want);
    assert_eq!(milestone(&yc, "assessment")["deadline"], "2026-09-09");
    assert_eq!(milestone(&yc, "handover")["deadline"], "2027-03-10");
    assert!(yc["milestones_missing"].is_null());

    let yc = call(
        &d,
        "milestone_record",
        json!({"carer_id": id, "milestone": "prepare", "done_on": "12/06/2023", "note": "Talked at school"}),
    );
    let p = milestone(&yc, "prepare");
    assert_eq!(
        (p["status"].as_str(), p["done_on"].as_str(), p["done_how"].as_str()),
        (Some("done"), Some("2023-06-12"), Some("recorded"))
    );
    // Starting a transition assessment is the offer.
    call(&d, "assessment_start", json!({"carer_id": id, "type": "transition"}));
    let yc = call(&d, "young_carer_get", json!({"carer_id": id}));
    assert_eq!(milestone(&yc, "offer")["done_how"], "assessment");
    assert_eq!(milestone(&yc, "assessment")["status"], "overdue", "a draft is not a completed assessment");
    assert_eq!(yc["transition_assessment"]["status"], "draft");

    // Bad input: the handover has its own form; a date in the future or before birth; unknown code.
    for (args, field) in [
        (json!({"carer_id": id, "milestone": "handover", "done_on": "01/11/2026"}), "milestone"),
        (json!({"carer_id": id, "milestone": "review", "done_on": "01/01/2027"}), "done_on"),
        (json!({"carer_id": id, "milestone": "review", "done_on": "01/01/2008"}), "done_on"),
        (json!({"carer_id": id, "milestone": "review"}), "done_on"),
        (json!({"carer_id": id, "milestone": "party", "done_on": "01/11/2026"}), "milestone"),
    ] {
        let e = call_err(&d, "milestone_record", args.clone());
        assert!(fields(&e).contains(&field), "{args}: {e:?}");
    }
    let yc = call(&d, "milestone_clear", json!({"carer_id": id, "milestone": "prepare"}));
    assert_eq!(milestone(&yc, "prepare")["status"], "overdue");
    assert_eq!(call_err(&d, "milestone_clear", json!({"carer_id": id, "milestone": "prepare"})).code, "conflict");
}

#[test]
fn an_adult_has_no_milestones_and_is_told_why() {
    let d = desk();
    let id = create(&d, "Sam", "Carer", "1985-05-05");
    let yc = call(&d, "young_carer_get", json!({"carer_id": id}));
    assert_eq!(yc["milestones"], json!([]));
    assert!(yc["milestones_missing"].as_str().unwrap().contains("Sam is 41"), "{}", yc["milestones_missing"]);
}

#[test]
fn a_carer_first_known_late_has_earlier_milestones_marked_not_applicable() {
    let d = desk();
    let mut args = carer("Lou", "Late", "2009-03-10");
    args["date_first_identified"] = json!("2026-10-01");
    let id = call(&d, "carer_create", args)["id"].as_i64().unwrap();
    let yc = call(&d, "young_carer_get", json!({"carer_id": id}));
    assert_eq!(milestone(&yc, "prepare")["status"], "not_applicable");
    assert_eq!(milestone(&yc, "assessment")["status"], "not_applicable");
    assert_eq!(milestone(&yc, "handover")["status"], "due");
}

#[test]
fn a_handover_before_a_transition_assessment_is_saved_with_a_warning() {
    let d = desk();
    let id = young(&d, "Kai", "2009-03-10");
    let e = call_err(&d, "handover_save", json!({"carer_id": id}));
    assert_eq!(fields(&e), ["receiving_service", "handover_on"]);
    let yc = call(
        &d,
        "handover_save",
        json!({"carer_id": id, "receiving_service": "Adult Carers Hub", "worker": "Jo Bloggs",
               "handover_on": "10/03/2027", "consent_to_share": false}),
    );
    assert_eq!(yc["handover"]["receiving_service"], "Adult Carers Hub");
    assert_eq!(yc["handover"]["handover_on"], "2027-03-10");
    assert_eq!(milestone(&yc, "handover")["status"], "done");
    let warnings = yc["handover_warnings"].as_array().unwrap();
    assert!(warnings[0].as_str().unwrap().contains("no completed transition assessment"), "{warnings:?}");
    assert!(warnings[1].as_str().unwrap().contains("consent to share"), "{warnings:?}");
    let yc = call(
        &d,
        "handover_save",
        json!({"carer_id": id, "receiving_service": "Adult Carers Hub", "handover_on": "10/03/2027", "consent_to_share": true}),
    );
    assert_eq!(yc["handover_warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn the_young_carer_card_defaults_to_the_18th_birthday_and_the_adjustments() {
    let d = desk();
    let id = young(&d, "Mia", "2012-02-29");
    let s = call(&d, "school_save", json!({"name": "Hill Park Academy"}));
    call(&d, "school_link_save", json!({"carer_id": id, "school_id": s["id"], "year_group": "9"}));
    call(&d, "adjustment_save", json!({"carer_id": id, "kind": "phone", "agreed_on": "01/10/2026"}));
    call(&d, "adjustment_save", json!({"carer_id": id, "kind": "homework", "agreed_on": "01/10/2026"}));
    let card = &call(&d, "young_carer_get", json!({"carer_id": id}))["card"];
    assert_eq!(card["saved"], false);
    // Born 29 February: 18 on 1 March 2030.
    assert_eq!(card["valid_until"], "2030-03-01");
    assert_eq!(card["adjustments_summary"], "Phone kept on to check on family; Homework deadline flexibility");

    for (args, field) in [
        (json!({"carer_id": id, "valid_until": "02/03/2030"}), "valid_until"),
        (json!({"carer_id": id, "valid_until": "01/01/2026"}), "valid_until"),
        (json!({"carer_id": id, "emergency_contact_name": "Gran"}), "emergency_contact_phone"),
        (
            json!({"carer_id": id, "emergency_contact_name": "Gran", "emergency_contact_phone": "12"}),
            "emergency_contact_phone",
        ),
        (json!({"carer_id": id, "show_cared_for_name": true}), "show_cared_for_name"),
    ] {
        let e = call_err(&d, "young_carer_card_save", args.clone());
        assert_eq!(fields(&e), [field], "{args}");
    }
    let card = &call(
        &d,
        "young_carer_card_save",
        json!({"carer_id": id, "valid_until": "31/08/2029", "adjustments_summary": "Phone on; homework flexibility",
               "emergency_contact_name": "Gran", "emergency_contact_relationship": "Grandmother",
               "emergency_contact_phone": "07700 900456"}),
    )["card"];
    assert_eq!((card["saved"].as_bool(), card["valid_until"].as_str()), (Some(true), Some("2029-08-31")));
    assert_eq!(card["valid_until_default"], "2030-03-01");
    assert_eq!(card["emergency_contact_name"], "Gran");
    let adult = create(&d, "Sam", "Carer", "1985-05-05");
    assert_eq!(fields(&call_err(&d, "young_carer_card_save", json!({"carer_id": adult}))), ["carer_id"]);
}

#[test]
fn the_transitions_view_lists_birthdays_ahead_and_missed_milestones_oldest_first() {
    let d = desk();
    let kai = young(&d, "Kai", "2009-03-10"); // 18 on 10/03/2027; past 17½
    let ola = young(&d, "Ola", "2008-12-31"); // 18 on 31/12/2026; further past
    let bea = young(&d, "Bea", "2010-01-15"); // 17 on 15/01/2027; preparing missed (by 14/01/2026)
    let cy = young(&d, "Cy", "2011-10-01"); // 16 on 01/10/2027: 12 months only
    let closed = young(&d, "Dee", "2009-04-01");
    call(&d, "carer_close", json!({"id": closed, "reason": "moved_away", "date": "20/11/2026"}));
    create(&d, "Sam", "Carer", "1985-05-05");

    let v = call(&d, "transitions", json!({"months": 6}));
    let names = |list: &Value| -> Vec<i64> {
        list.as_array().unwrap().iter().map(|r| r["carer_id"].as_i64().unwrap()).collect()
    };
    assert_eq!(names(&v["turning"][2]["carers"]), [ola, kai], "turning 18 soonest first");
    assert_eq!(v["turning"][2]["carers"][0]["birthday"], "2026-12-31");
    assert_eq!(names(&v["turning"][1]["carers"]), [bea]);
    assert_eq!(names(&v["turning"][0]["carers"]), Vec::<i64>::new());
    let v12 = call(&d, "transitions", json!({}));
    assert_eq!(v12["months"], 12);
    assert_eq!(names(&v12["turning"][0]["carers"]), [cy]);
    // Past a milestone: the earliest missed deadline first (Ola's preparing, then Kai's).
    let past = &v["past_milestone"];
    assert_eq!(names(past)[..2], [ola, kai]);
    assert_eq!(past[0]["milestone"]["code"], "prepare");
    assert_eq!(
        past[0]["milestone"]["overdue_count"], 3,
        "prepare, offer, assessment (the review is due to 30/12/2026)"
    );
    assert_eq!(past[0]["transition_assessment"], "none");
    assert!(!names(past).contains(&closed));
    assert_eq!(v["counts"]["turning_18"], 2);

    let home = call(&d, "home", json!({}));
    assert_eq!(home["transitions"]["turning_18_soon"], 2);
    assert_eq!(home["transitions"]["past_milestone"], v["counts"]["past_milestone"]);
    // Recording what was done takes a carer off the list.
    for m in ["prepare", "offer", "assessment", "review"] {
        call(&d, "milestone_record", json!({"carer_id": ola, "milestone": m, "done_on": "01/11/2026"}));
    }
    let after = call(&d, "transitions", json!({"months": 6}));
    assert!(!names(&after["past_milestone"]).contains(&ola));
    assert_eq!(call_err(&d, "transitions", json!({"months": 3})).field.as_deref(), Some("months"));
}

#[test]
fn settings_move_the_milestones() {
    let d = desk();
    let id = young(&d, "Kai", "2009-03-10");
    let mut s = call(&d, "settings_get", json!({}));
    assert_eq!((s["prepare_age"].as_i64(), s["transition_complete_months"].as_i64()), (Some(14), Some(210)));
    s["transition_complete_months"] = json!(216);
    let s = call(&d, "settings_update", s);
    assert_eq!(s["transition_complete_months"], 216);
    let yc = call(&d, "young_carer_get", json!({"carer_id": id}));
    assert_eq!(milestone(&yc, "assessment")["deadline"], "2027-03-09");
    assert_eq!(milestone(&yc, "assessment")["status"], "due");
    // Inconsistent ages are refused, naming the field.
    let mut bad = call(&d, "settings_get", json!({}));
    bad["prepare_age"] = json!(16);
    assert_eq!(fields(&call_err(&d, "settings_update", bad)), ["prepare_age"]);
}

#[test]
fn the_handover_summary_prints_only_with_consent_to_share() {
    use crate::pdf::pages_text;
    let d = desk();
    let id = young(&d, "Kai", "2009-03-10");
    call(
        &d,
        "carer_add_cared_for",
        json!({"carer_id": id, "person": {"first_name": "Rosa", "last_name": "Young", "conditions": ["dementia"]},
        "link": {"relationship": "grandparent", "hours_band": "h20_34", "care_kinds": ["personal"], "lives_together": true}}),
    );
    let s = call(&d, "school_save", json!({"name": "Hill Park Academy"}));
    call(&d, "school_link_save", json!({"carer_id": id, "school_id": s["id"], "year_group": "13"}));
    call(&d, "adjustment_save", json!({"carer_id": id, "kind": "lateness", "agreed_on": "01/10/2026"}));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("handover.pdf");
    let args = json!({"carer_id": id, "path": out.to_str().unwrap()});
    assert!(call_err(&d, "handover_print", args.clone()).message.contains("record the handover first"));
    call(
        &d,
        "handover_save",
        json!({"carer_id": id, "receiving_service": "Adult Carers Hub", "handover_on": "10/03/2027"}),
    );
    assert!(call_err(&d, "handover_print", args.clone()).message.contains("consent to share"));
    assert!(!out.exists(), "nothing written without consent");
    call(
        &d,
        "handover_save",
        json!({"carer_id": id, "receiving_service": "Adult Carers Hub", "worker": "Jo Bloggs", "handover_on": "10/03/2027", "consent_to_share": true}),
    );
    let printed = call(&d, "handover_print", args);
    assert!(printed["pages"].as_u64().unwrap() >= 1);
    let text = pages_text(&out).join("\n");
    for want in ["Kai Young", "Rosa Young", "Adult Carers Hub", "Hill Park Academy", "Understanding of", "10/03/2009"] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
}

/// The Transitions view's "transition assessment" column and the young carer's record say the
/// same thing in each state: none, a draft here, done elsewhere (the milestone recorded by hand),
/// completed here (which wins over a milestone recorded by hand).
#[test]
fn the_transitions_view_and_the_record_agree_on_the_transition_assessment() {
    let d = desk();
    let kai = young(&d, "Kai", "2009-03-10"); // past 17½ with nothing done: on the past list
    let states = || {
        let record = call(&d, "young_carer_get", json!({"carer_id": kai}));
        let view = call(&d, "transitions", json!({"months": 6}));
        let row = view["past_milestone"]
            .as_array()
            .unwrap()
            .iter()
            .chain(view["turning"][2]["carers"].as_array().unwrap())
            .find(|r| r["carer_id"] == kai)
            .cloned()
            .unwrap_or_else(|| panic!("Kai in the view: {view}"));
        (
            record["transition_assessment_state"].as_str().unwrap().to_string(),
            row["transition_assessment"].as_str().unwrap().to_string(),
        )
    };
    let same = |want: &str| {
        let (record, view) = states();
        assert_eq!((record.as_str(), view.as_str()), (want, want), "the record and the view");
    };
    same("none");

    let id = call(&d, "assessment_start", json!({"carer_id": kai, "type": "transition"}))["id"].clone();
    same("draft");

    // Done elsewhere: a worker records the assessment milestone by hand; the draft here stays.
    call(
        &d,
        "milestone_record",
        json!({"carer_id": kai, "milestone": "assessment", "done_on": "02/11/2026", "note": "Adult social care assessed him"}),
    );
    same("recorded");

    // Completed here (not going ahead, with reasons and advice): that is what both say.
    call(
        &d,
        "assessment_save",
        json!({"id": id, "answers": {
            "likely_needs_after_18": true,
            "significant_benefit": true,
            "significant_benefit_reasons": "College starts next year and adult support takes months to arrange",
            "consent": "refused",
            "assess_decision": "not_assessing",
            "not_assessing_reasons": "Kai declined: assessed by adult social care already",
            "prevention_advice": "Young adult carers group on Tuesdays",
        }}),
    );
    call(&d, "milestone_clear", json!({"carer_id": kai, "milestone": "assessment"}));
    call(&d, "assessment_complete", json!({"id": id}));
    same("completed");
    call(&d, "milestone_record", json!({"carer_id": kai, "milestone": "review", "done_on": "20/11/2026"}));
    same("completed");
}
