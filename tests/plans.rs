//! Support plans (Care Act s25) and reviews (s27): made from an assessment or light-touch,
//! agreed only when complete, locked once agreed, changed through reviews and new versions,
//! ended with a reason; the review due dates and the home screen's work lists. Everything
//! through `Desk::call`.

use carers_desk::reviews;
use carers_desk::settings::Settings;
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::util::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn call_on(desk: &carers_desk::Desk, day: &str, command: &str, args: Value) -> Value {
    desk.call(&ctx_on(day), command, args.clone()).unwrap_or_else(|e| panic!("{command} {args} failed: {e:?}"))
}

fn err_on(desk: &carers_desk::Desk, day: &str, command: &str, args: Value) -> carers_desk::ApiError {
    match desk.call(&ctx_on(day), command, args.clone()) {
        Ok(v) => panic!("{command} {args} should have failed but gave {v}"),
        Err(e) => e,
    }
}

/// A completed adult assessment with two needs, the carer eligible.
fn completed_assessment(desk: &carers_desk::Desk, carer: i64) -> Value {
    use crate::assessments::{adult_rest, all_achieved, wellbeing};
    let a = call(desk, "assessment_start", json!({"carer_id": carer, "type": "adult"}));
    let mut answers = adult_rest();
    answers["outcomes"] = all_achieved();
    answers["outcomes"]["recreation"] = json!({"achieved": false, "reasons": ["needs_assistance"]});
    answers["wellbeing"] = wellbeing("some");
    answers["carer_outcomes"] = json!("I want a night's sleep each week\n- I want to keep my job");
    answers["involved_names"] = json!("Dr Patel (GP)");
    call(
        desk,
        "assessment_save",
        json!({"id": a["id"], "answers": answers, "needs": [
            {"description": "A regular break from caring at night", "outcome": "recreation", "wellbeing_area": "health"},
            {"description": "Help to stay in work", "wellbeing_area": "work_education_recreation"},
        ]}),
    );
    call(desk, "assessment_complete", json!({"id": a["id"]}))
}

/// What a light-touch plan needs before it is agreed.
fn light_touch_complete(start: &str, agreed: &str) -> Value {
    json!({
        "start_date": start,
        "advice_given": "Carer's Allowance leaflet; local carers' café times",
        "agreed_on": agreed,
        "agreement_method": "phone",
        "worker_name": "Sam Worker",
        "outcomes": ["I know where to get help"],
        "actions": [{"support": "benefits_check", "description": "Benefits check appointment", "who": "Carers centre", "due_on": start}],
    })
}

/// A light-touch plan agreed on `agreed`, starting `start` (as of that day).
fn agreed_light_touch(desk: &carers_desk::Desk, carer: i64, start: &str, agreed: &str) -> Value {
    let p = call_on(desk, agreed, "plan_create", json!({"carer_id": carer, "light_touch": true}));
    let mut args = light_touch_complete(start, agreed);
    args["id"] = p["id"].clone();
    call_on(desk, agreed, "plan_save", args);
    call_on(desk, agreed, "plan_agree", json!({"id": p["id"]}))
}

#[test]
fn a_plan_from_an_assessment_takes_over_its_needs_determination_outcomes_and_who_took_part() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let a = completed_assessment(&desk, carer);
    let p = call(&desk, "plan_create", json!({"carer_id": carer, "assessment_id": a["id"]}));
    assert_eq!(p["reference"], "SP-000001");
    assert_eq!(
        (p["status"].as_str(), p["version"].as_i64(), p["light_touch"].as_bool()),
        (Some("draft"), Some(1), Some(false))
    );
    assert_eq!(p["assessment_reference"], a["reference"]);
    assert_eq!(p["determination"], a["determination"], "the determination as it was");
    assert_eq!(p["determination"]["result"], "eligible");
    let needs = p["needs"].as_array().unwrap();
    assert_eq!(needs.len(), 2);
    assert_eq!(needs[0]["description"], "A regular break from caring at night");
    assert_eq!(needs[0]["outcome"], "recreation");
    assert_eq!(needs[0]["eligibility"], "eligible", "an eligible carer's needs start as eligible");
    assert_eq!(needs[1]["wellbeing_area"], "work_education_recreation");
    assert_eq!(p["outcomes"], json!(["I want a night's sleep each week", "I want to keep my job"]));
    assert_eq!(p["cared_for_involved"], true);
    assert_eq!(p["others_involved"], "Dr Patel (GP)");
    // The draft says what is still needed before it can be agreed.
    let missing: Vec<&str> = p["missing"].as_array().unwrap().iter().map(|m| m["field"].as_str().unwrap()).collect();
    for f in [
        "start_date",
        "agreed_on",
        "agreement_method",
        "needs[0].will_meet",
        "needs[1].will_meet",
        "contingency.if_cannot_care",
    ] {
        assert!(missing.contains(&f), "{f} not in {missing:?}");
    }
    assert!(!missing.contains(&"worker_name"), "the worker defaults to the person making the plan");
}

#[test]
fn making_a_plan_needs_a_completed_newest_assessment_of_this_carer_or_light_touch() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let other = create(&desk, "Olu", "Bello", "1965-01-01");
    let e = call_err(&desk, "plan_create", json!({"carer_id": carer}));
    assert_eq!(e.field.as_deref(), Some("assessment_id"));
    let draft = call(&desk, "assessment_start", json!({"carer_id": carer, "type": "adult"}));
    let e = call_err(&desk, "plan_create", json!({"carer_id": carer, "assessment_id": draft["id"]}));
    assert_eq!(e.message, "complete the assessment before making a support plan from it");
    let done = completed_assessment(&desk, other);
    let e = call_err(&desk, "plan_create", json!({"carer_id": carer, "assessment_id": done["id"]}));
    assert_eq!(e.message, "choose one of this carer's own assessments");
    let e =
        call_err(&desk, "plan_create", json!({"carer_id": other, "assessment_id": done["id"], "light_touch": true}));
    assert_eq!(e.field.as_deref(), Some("light_touch"));
    call(&desk, "assessment_new_version", json!({"id": done["id"]}));
    let e = call_err(&desk, "plan_create", json!({"carer_id": other, "assessment_id": done["id"]}));
    assert!(e.message.starts_with("a newer version of this assessment exists"), "{}", e.message);
    assert_eq!(call(&desk, "plan_list", json!({"carer_id": carer})), json!([]), "nothing half-made");
}

#[test]
fn a_light_touch_plan_is_agreed_when_complete_then_locked_with_its_first_review_eight_weeks_on() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let p = call(&desk, "plan_create", json!({"carer_id": carer, "light_touch": true}));
    assert_eq!(p["light_touch"], true);
    let id = p["id"].clone();
    let e = call_err(&desk, "plan_agree", json!({"id": id}));
    assert_eq!(e.code, "validation");
    assert_eq!(fields(&e), vec!["start_date", "agreed_on", "agreement_method", "advice_given"]);
    assert_eq!(call(&desk, "plan_get", json!({"id": id}))["status"], "draft", "nothing changed");

    let mut args = light_touch_complete("2026-11-02", "2026-10-30");
    args["id"] = id.clone();
    let saved = call(&desk, "plan_save", args);
    assert_eq!(saved["missing"], json!([]));
    assert_eq!(saved["actions"][0]["support_label"], "Carer's Allowance and benefits check");
    let agreed = call(&desk, "plan_agree", json!({"id": id}));
    assert_eq!(agreed["status"], "agreed");
    assert_eq!(agreed["review_due"], "2026-12-28", "2 November + 8 weeks");
    assert_eq!(agreed["review_status"], "not_due");
    assert_eq!(agreed["plan_started"], "2026-11-02");

    let e = call_err(&desk, "plan_save", json!({"id": id, "advice_given": "changed"}));
    assert_eq!(e.code, "conflict");
    assert!(e.message.starts_with("an agreed plan is changed only through a review or a new version"));
    // Progress on an action is recorded between reviews; what/who/when stay as agreed.
    let action = agreed["actions"][0]["id"].clone();
    let p = call(&desk, "plan_action_update", json!({"id": action, "status": "done", "notes": "Claim made"}));
    assert_eq!(
        (p["actions"][0]["status"].as_str(), p["actions"][0]["notes"].as_str()),
        (Some("done"), Some("Claim made"))
    );
    assert_eq!(p["actions"][0]["description"], "Benefits check appointment");
    let e = call_err(&desk, "plan_action_update", json!({"id": action, "status": "finished"}));
    assert_eq!(e.field.as_deref(), Some("status"));
}

#[test]
fn bad_input_names_the_field_and_saves_nothing() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let p = call(&desk, "plan_create", json!({"carer_id": carer, "light_touch": true}));
    let id = p["id"].clone();
    call(&desk, "plan_save", json!({"id": id, "start_date": "01/11/2026", "advice_given": "Leaflets"}));
    let e = call_err(
        &desk,
        "plan_save",
        json!({"id": id,
            "personal_budget": "-50",
            "dp_amount": "12.345",
            "advice_given": "Something else",
            "actions": [
                {"description": "  ", "due_on": "2026-12-01"},
                {"description": "Sitting service", "due_on": "31/10/2026"},
                {"description": "Peer group", "support": "karaoke"},
                {"description": "Leaflet", "status": "maybe", "need_position": 4},
            ],
            "contingency": {"contacts": [{"phone": "12"}]},
        }),
    );
    assert_eq!(e.code, "validation");
    let by_field: std::collections::BTreeMap<&str, &str> =
        e.errors.iter().map(|f| (f.field.as_str(), f.message.as_str())).collect();
    assert_eq!(by_field["personal_budget"], "enter the personal budget in pounds, £0 or more, for example 120.50");
    assert!(by_field["dp_amount"].starts_with("enter the direct payment amount in pounds"));
    assert_eq!(by_field["actions[0].description"], "enter the description of the action");
    assert_eq!(
        by_field["actions[1].due_on"],
        "enter a date to do it by on or after the plan starts (01/11/2026); 31/10/2026 is before it"
    );
    assert!(by_field["actions[2].support"].starts_with("choose a support from the catalogue"));
    assert!(by_field["actions[3].status"].starts_with("choose one of the listed action status"));
    assert!(by_field["actions[3].need_position"].starts_with("choose one of the plan's needs"));
    assert!(by_field.contains_key("contingency.contacts[0].name"));
    assert!(by_field.contains_key("contingency.contacts[0].phone"));
    for m in by_field.values() {
        assert!(m.chars().next().unwrap().is_lowercase(), "{m}");
    }
    let p = call(&desk, "plan_get", json!({"id": id}));
    assert_eq!(p["advice_given"], "Leaflets", "nothing of the failed save was written");
    assert_eq!(p["actions"], json!([]));
}

#[test]
fn a_review_records_progress_agrees_the_updated_plan_and_moves_the_next_due_date() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let plan = agreed_light_touch(&desk, carer, "2026-09-01", "2026-09-01");
    assert_eq!(plan["review_due"], "2026-10-27");
    let id = plan["id"].clone();
    let day = "2026-11-23";

    let e = err_on(&desk, day, "plan_review_start", json!({"plan_id": id, "planned": false}));
    assert_eq!(e.field.as_deref(), Some("reason"), "an unplanned review says why");
    let r = call_on(&desk, day, "plan_review_start", json!({"plan_id": id}));
    assert_eq!(r["status"], "draft");
    assert_eq!(r["planned"], true);
    assert_eq!(r["outcomes"][0]["text"], "I know where to get help");
    assert_eq!(r["actions"][0]["status"], "planned");
    let old = call_on(&desk, day, "plan_get", json!({"id": id}));
    assert_eq!(old["status"], "under_review");
    assert_eq!(old["open_review_id"], r["id"]);
    assert_eq!(old["review_status"], "overdue", "still due until the review is completed");
    let e = err_on(&desk, day, "plan_review_start", json!({"plan_id": id}));
    assert!(e.message.starts_with("a review of this plan is in progress"));

    // Completing too early names every missing answer, the updated plan's under `plan.`.
    let e = err_on(&desk, day, "plan_review_complete", json!({"id": r["id"]}));
    let missing = fields(&e);
    for f in [
        "review_date",
        "outcomes[0].progress",
        "caring_changes",
        "new_assessment_needed",
        "plan.agreed_on",
        "plan.agreement_method",
    ] {
        assert!(missing.contains(&f), "{f} not in {missing:?}");
    }

    let e = err_on(&desk, day, "plan_review_save", json!({"id": r["id"], "review_date": "2026-08-31"}));
    assert_eq!(e.field.as_deref(), Some("review_date"));
    assert!(e.message.starts_with("enter a review date on or after the plan started (01/09/2026)"), "{}", e.message);
    let e = err_on(
        &desk,
        day,
        "plan_review_save",
        json!({"id": r["id"], "review_date": "2026-11-20", "next_review_due": "2027-12-01"}),
    );
    assert_eq!(e.message, "reviews are held at least every 12 months: choose 20/11/2027 or earlier");
    let r2 = call_on(
        &desk,
        day,
        "plan_review_save",
        json!({"id": r["id"], "review_date": "20/11/2026",
            "outcomes": [{"position": 1, "progress": "achieved", "note": "Knows the café"}],
            "actions": [{"key": r["actions"][0]["key"], "status": "done", "note": "Claim went in"}],
            "caring_changes": "Mum now goes to a day centre on Tuesdays",
            "new_assessment_needed": false}),
    );
    assert_eq!(r2["next_review_due"], "2027-11-20", "the rule: review date + 12 months");
    assert_eq!(r2["next_review_latest"], "2027-11-20");
    call_on(
        &desk,
        day,
        "plan_save",
        json!({"id": r["new_plan_id"], "agreed_on": "2026-11-20", "agreement_method": "in_person"}),
    );
    let done = call_on(&desk, day, "plan_review_complete", json!({"id": r["id"]}));
    assert_eq!(done["status"], "completed");

    let old = call_on(&desk, day, "plan_get", json!({"id": id}));
    assert_eq!(old["status"], "superseded", "the old version stays readable");
    assert_eq!(old["next_id"], r["new_plan_id"]);
    assert_eq!(old["actions"][0]["status"], "planned", "as it was agreed");
    let new = call_on(&desk, day, "plan_get", json!({"id": r["new_plan_id"]}));
    assert_eq!((new["status"].as_str(), new["version"].as_i64()), (Some("agreed"), Some(2)));
    assert_eq!(new["review_due"], "2027-11-20");
    assert_eq!(new["start_date"], "2026-11-20", "the updated plan starts on the review date");
    assert_eq!(new["plan_started"], "2026-09-01");
    assert_eq!(new["actions"][0]["status"], "done");
    assert_eq!(new["actions"][0]["notes"], "Review 20/11/2026: Claim went in");
    assert_eq!(new["reviews"][0]["review_date"], "2026-11-20");

    // An unplanned review, with an earlier next review chosen.
    let r = call_on(
        &desk,
        "2027-02-01",
        "plan_review_start",
        json!({"plan_id": new["id"], "planned": false, "reason": "change_of_circumstances"}),
    );
    call_on(
        &desk,
        "2027-02-01",
        "plan_review_save",
        json!({"id": r["id"], "review_date": "2027-02-01", "outcomes": [{"position": 1, "progress": "achieved"}],
            "actions": [{"key": r["actions"][0]["key"], "status": "done"}], "caring_changes": "Mum moved in",
            "new_assessment_needed": true, "new_assessment_note": "Caring has increased", "next_review_due": "2027-08-01"}),
    );
    call_on(
        &desk,
        "2027-02-01",
        "plan_save",
        json!({"id": r["new_plan_id"], "agreed_on": "2027-02-01", "agreement_method": "phone"}),
    );
    call_on(&desk, "2027-02-01", "plan_review_complete", json!({"id": r["id"]}));
    let v3 = call_on(&desk, "2027-02-01", "plan_get", json!({"id": r["new_plan_id"]}));
    assert_eq!((v3["version"].as_i64(), v3["review_due"].as_str()), (Some(3), Some("2027-08-01")));
    assert_eq!(v3["reviews"][0]["reason_label"], "Change of circumstances");
    assert_eq!(v3["versions"].as_array().unwrap().len(), 3);
}

#[test]
fn cancelling_a_review_puts_the_plan_back_as_agreed() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let plan = agreed_light_touch(&desk, carer, "2026-11-01", "2026-11-01");
    let r = call(&desk, "plan_review_start", json!({"plan_id": plan["id"]}));
    let back = call(&desk, "plan_review_cancel", json!({"id": r["id"]}));
    assert_eq!(back["status"], "agreed");
    assert_eq!(back["versions"].as_array().unwrap().len(), 1, "the updated draft is gone");
    assert_eq!(call_err(&desk, "plan_review_get", json!({"id": r["id"]})).code, "not_found");
}

#[test]
fn ended_plans_cannot_be_reviewed_and_end_dates_are_checked() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let plan = agreed_light_touch(&desk, carer, "2026-11-01", "2026-11-01");
    let id = plan["id"].clone();
    let e = call_err(&desk, "plan_end", json!({"id": id}));
    assert_eq!(e.field.as_deref(), Some("reason"));
    let e = call_err(&desk, "plan_end", json!({"id": id, "reason": "needs_met", "ended_on": "2026-10-31"}));
    assert_eq!(e.field.as_deref(), Some("ended_on"));
    let e = call_err(&desk, "plan_end", json!({"id": id, "reason": "needs_met", "ended_on": "2026-12-31"}));
    assert_eq!(e.message, "the date the plan ended cannot be in the future");
    let ended = call(&desk, "plan_end", json!({"id": id, "reason": "needs_met", "note": "Doing well"}));
    assert_eq!((ended["status"].as_str(), ended["ended_on"].as_str()), (Some("ended"), Some("2026-11-23")));
    assert_eq!(ended["review_due"], Value::Null);
    let e = call_err(&desk, "plan_review_start", json!({"plan_id": id}));
    assert_eq!((e.code.as_str(), e.message.as_str()), ("conflict", "this plan has ended: it cannot be reviewed"));
    assert_eq!(call_err(&desk, "plan_new_version", json!({"id": id})).code, "conflict");
}

#[test]
fn a_new_version_replaces_the_agreed_one_only_when_agreed_and_drafts_can_be_discarded() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let plan = agreed_light_touch(&desk, carer, "2026-11-01", "2026-11-01");
    let v2 = call(&desk, "plan_new_version", json!({"id": plan["id"]}));
    assert_eq!((v2["version"].as_i64(), v2["status"].as_str()), (Some(2), Some("draft")));
    assert_eq!(v2["actions"][0]["key"], plan["actions"][0]["key"], "actions keep their key");
    assert_eq!(v2["agreed_on"], Value::Null, "a new version is agreed afresh");
    let still = call(&desk, "plan_get", json!({"id": plan["id"]}));
    assert_eq!(still["status"], "agreed", "in force until the new version is agreed");
    assert_eq!(still["draft_version_id"], v2["id"]);
    assert_eq!(call_err(&desk, "plan_new_version", json!({"id": plan["id"]})).code, "conflict");
    call(&desk, "plan_discard", json!({"id": v2["id"]}));
    let v2 = call(&desk, "plan_new_version", json!({"id": plan["id"]}));
    call(
        &desk,
        "plan_save",
        json!({"id": v2["id"], "start_date": "2026-11-23", "agreed_on": "2026-11-23", "agreement_method": "in_writing",
            "actions": [{"key": plan["actions"][0]["key"], "description": "Benefits check appointment"}, {"description": "Carers' café"}]}),
    );
    let agreed = call(&desk, "plan_agree", json!({"id": v2["id"]}));
    assert_eq!(agreed["status"], "agreed");
    assert_eq!(agreed["review_due"], plan["review_due"], "a new version does not restart the review clock");
    assert_eq!(agreed["actions"][1]["key"], 2);
    assert_eq!(call(&desk, "plan_get", json!({"id": plan["id"]}))["status"], "superseded");
    let list = call(&desk, "plan_list", json!({"carer_id": carer}));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], v2["id"]);
}

#[test]
fn changing_the_review_settings_moves_every_live_plans_due_date() {
    let desk = desk();
    let carer = create(&desk, "Grace", "Adeyemi", "1970-04-02");
    let plan = agreed_light_touch(&desk, carer, "2026-01-31", "2026-01-31");
    assert_eq!(plan["review_due"], "2026-03-28");
    let mut s = call(&desk, "settings_get", json!({}));
    s["first_review_weeks"] = json!(6);
    call(&desk, "settings_update", s);
    assert_eq!(call(&desk, "plan_get", json!({"id": plan["id"]}))["review_due"], "2026-03-14");
}

/// The due lists and home counts, checked against the core's reference functions over the
/// same plans on many days.
#[test]
fn work_lists_and_home_counts_match_the_data_exactly() {
    let desk = desk();
    let mut plan_ids = vec![];
    // 30 plans starting every 9 days from 1 June 2026; some reviewed, one ended, one of a
    // closed carer, one draft.
    for i in 0..30u64 {
        let carer = create(&desk, &format!("Carer{i}"), "Test", "1970-01-01");
        let start = d("2026-06-01") + chrono::Days::new(i * 9);
        let s = start.format("%Y-%m-%d").to_string();
        let p = agreed_light_touch(&desk, carer, &s, &s);
        plan_ids.push((carer, p["id"].as_i64().unwrap()));
    }
    let (closed_carer, _) = plan_ids[3];
    call(&desk, "carer_close", json!({"id": closed_carer, "reason": "moved_away", "date": "2026-11-01"}));
    call(&desk, "plan_end", json!({"id": plan_ids[5].1, "reason": "needs_met"}));
    let draft_carer = create(&desk, "Draft", "Only", "1970-01-01");
    call(&desk, "plan_create", json!({"carer_id": draft_carer, "light_touch": true}));

    for day in ["2026-07-01", "2026-08-15", "2026-09-30", "2026-11-23", "2027-01-31", "2027-06-30"] {
        let today = d(day);
        let lists = call_on(&desk, day, "plans_due", json!({}));
        let home = call_on(&desk, day, "home", json!({}));
        // The reference: every live plan of an open carer, with its due date from the rule.
        let settings = Settings::default();
        let mut live = vec![];
        let mut open_actions = 0;
        for &(carer, id) in &plan_ids {
            let p = call_on(&desk, day, "plan_get", json!({"id": id}));
            if carer == closed_carer || p["status"] != "agreed" {
                continue;
            }
            let start = d(p["plan_started"].as_str().unwrap());
            let due = reviews::review_due(start, &[], &settings);
            assert_eq!(p["review_due"], due.format("%Y-%m-%d").to_string());
            live.push((id, due));
            for a in p["actions"].as_array().unwrap() {
                let status = carers_desk::plans::ActionStatus::from_code(a["status"].as_str().unwrap()).unwrap();
                if carers_desk::plans::action_overdue(status, a["due_on"].as_str(), today) {
                    open_actions += 1;
                }
            }
        }
        let want = reviews::review_lists(&live, today, reviews::DUE_SOON_DAYS);
        let ids =
            |v: &Value| -> Vec<i64> { v.as_array().unwrap().iter().map(|r| r["plan_id"].as_i64().unwrap()).collect() };
        assert_eq!(ids(&lists["due_soon"]), want.due_soon.iter().map(|r| r.plan_id).collect::<Vec<_>>(), "{day}");
        assert_eq!(ids(&lists["overdue"]), want.overdue.iter().map(|r| r.plan_id).collect::<Vec<_>>(), "{day}");
        assert_eq!(lists["due_soon_count"], want.due_soon_count, "{day}");
        assert_eq!(lists["overdue_count"], want.overdue_count, "{day}");
        assert_eq!(lists["actions_overdue_count"], open_actions, "{day}");
        assert_eq!(home["plans"]["reviews_due_soon"], want.due_soon_count, "{day}");
        assert_eq!(home["plans"]["reviews_overdue"], want.overdue_count, "{day}");
        assert_eq!(home["plans"]["actions_overdue"], open_actions, "{day}");
        if let Some(first) = want.overdue.first() {
            assert_eq!(lists["overdue"][0]["days_overdue"], first.days_overdue, "oldest first, {day}");
        }
    }
    let lists = call_on(&desk, "2026-11-23", "plans_due", json!({}));
    assert!(lists["overdue_count"].as_u64().unwrap() > 0 && lists["due_soon_count"].as_u64().unwrap() > 0);
    assert!(lists["actions_overdue_count"].as_u64().unwrap() > 0);
}

#[test]
fn the_support_catalogue_is_seeded_and_can_be_added_to_and_retired_but_not_emptied() {
    let desk = desk();
    let cat = call(&desk, "support_catalogue", json!({}));
    let items = cat["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), carers_desk::catalogue::builtin().items.len());
    assert!(items.iter().all(|i| i["active"] == true));
    let mut edited: Vec<Value> = items
        .iter()
        .map(|i| json!({"code": i["code"], "label": i["label"], "group": i["group"], "suits": i["suits"], "active": i["active"]}))
        .collect();
    edited[0]["active"] = json!(false);
    edited.push(json!({"code": "", "label": "Carers' café", "group": "wellbeing", "suits": "all"}));
    let saved = call(&desk, "support_catalogue_save", json!({"items": edited}));
    let last = saved["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["code"].as_str(), last["label"].as_str()), (Some("carers_caf"), Some("Carers' café")));
    assert_eq!(saved["items"][0]["active"], false);
    let e = call_err(&desk, "support_catalogue_save", json!({"items": edited[1..]}));
    assert_eq!(e.field.as_deref(), Some("items"));
    assert!(e.message.contains("retire it instead"));
    let mut dup = edited.clone();
    dup[2]["label"] = dup[1]["label"].clone();
    let e = call_err(&desk, "support_catalogue_save", json!({"items": dup}));
    assert_eq!(fields(&e), vec!["items[2].label"]);
    // Staff without admin rights cannot change it.
    let worker = ctx().with_role(carers_desk::Role::SupportWorker);
    assert_eq!(
        desk.call(&worker, "support_catalogue_save", json!({"items": edited})).unwrap_err().code,
        "not_permitted"
    );
}

/// A plan with 60 actions with long notes, for a carer whose name is in Cyrillic, printed
/// through the command layer and checked with the real PDF tools.
#[test]
fn a_long_plan_prints_to_a4_over_several_pages_with_every_page_marked() {
    use crate::pdf::{assert_fonts_embedded_and_subset, field, pages_text, pdfinfo, tool};
    let desk = desk();
    let mut s = call(&desk, "settings_get", json!({}));
    s["organisation_name"] = json!("Riverside Carers Centre");
    s["phone"] = json!("01632 960 001");
    call(&desk, "settings_update", s);
    let carer = create(&desk, "Олена", "Шевченко", "1970-04-02");
    let a = completed_assessment(&desk, carer);
    let p = call(&desk, "plan_create", json!({"carer_id": carer, "assessment_id": a["id"]}));
    let long = "Notes from the carer about what works and what does not, written at length so that the \
                cell wraps over several lines. "
        .repeat(3);
    let actions: Vec<Value> = (1..=60)
        .map(|i| {
            json!({"support": "short_breaks", "description": format!("Task{i:02} arrange a sitting service for Nguyễn Thị Hồng"),
                "who": "Sam Worker", "due_on": "2026-12-01", "notes": long})
        })
        .collect();
    let needs: Vec<Value> = p["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            json!({"description": n["description"], "outcome": n["outcome"], "wellbeing_area": n["wellbeing_area"],
            "eligibility": n["eligibility"], "will_meet": "yes", "how_met": "A sitting service every week"})
        })
        .collect();
    call(
        &desk,
        "plan_save",
        json!({"id": p["id"], "start_date": "2026-11-23", "agreed_on": "2026-11-23", "agreement_method": "in_person",
            "needs": needs, "actions": actions, "personal_budget": "£1,250.50", "direct_payment": true, "dp_amount": "150",
            "dp_frequency": "four_weekly", "dp_needs": [1],
            "contingency": {"if_cannot_care": "Call my sister Ann, then the council's emergency duty team.",
                "contacts": [{"name": "Ann Shevchenko", "relationship": "Sister", "phone": "07700 900123"}],
                "medication": "Donepezil 10mg at night", "access": "Key safe by the back door; Ann has the code"}}),
    );
    let plan = call(&desk, "plan_agree", json!({"id": p["id"]}));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.pdf");
    let out = call(&desk, "plan_print", json!({"id": plan["id"], "part": "plan", "path": path}));
    assert_eq!(out["unprintable"], json!([]));
    let pages = out["pages"].as_u64().unwrap() as usize;
    assert!(pages >= 4, "60 actions with long notes take several pages, not {pages}");

    let ps = path.to_str().unwrap();
    tool("qpdf", &["--check", ps]);
    let info = pdfinfo(&path);
    assert_eq!(field(&info, "Title"), "Carer's support plan");
    assert_eq!(field(&info, "Author"), "Riverside Carers Centre");
    assert!(field(&info, "Page size").starts_with("595.276 x 841.89 pts"), "A4: {info}");
    assert_eq!(field(&info, "Pages"), pages.to_string());
    assert_fonts_embedded_and_subset(&path);
    let text = pages_text(&path);
    assert_eq!(text.len(), pages);
    for (i, page) in text.iter().enumerate() {
        assert!(
            page.contains("Confidential") && page.contains(&format!("Page {} of {pages}", i + 1)),
            "page {}",
            i + 1
        );
        assert!(page.contains("Олена Шевченко (C-000001)"), "running header on page {}", i + 1);
        // A page with action rows carries the table's header row.
        if page.contains("arrange a sitting service") {
            assert!(page.contains("What") && page.contains("By when") && page.contains("Status"), "page {}", i + 1);
        }
    }
    let all = text.concat();
    assert!(text[0].contains("Riverside Carers Centre") && text[0].contains("01632 960 001"), "organisation on page 1");
    for want in
        ["SP-000001", "23/11/2026", "Nguyễn Thị Hồng", "£1,250.50", "£150.00 every four weeks", "Donepezil", "Signed"]
    {
        assert!(all.contains(want), "{want} not in the PDF");
    }
    let determination = plan["determination"]["explanation"].as_str().unwrap();
    let first_words: String = determination.split_whitespace().take(5).collect::<Vec<_>>().join(" ");
    assert!(
        all.split_whitespace().collect::<Vec<_>>().join(" ").contains(&first_words),
        "the determination is printed"
    );
    // Every action is there exactly once: no row lost or split over a page break.
    for i in 1..=60 {
        assert_eq!(all.matches(&format!("Task{i:02}")).count(), 1, "action {i}");
    }

    // The contingency plan alone.
    let cpath = dir.path().join("contingency.pdf");
    let out = call(&desk, "plan_print", json!({"id": plan["id"], "part": "contingency", "path": cpath}));
    assert_eq!(out["pages"], 1);
    tool("qpdf", &["--check", cpath.to_str().unwrap()]);
    let ctext = pages_text(&cpath).concat();
    assert!(
        ctext.contains("If I suddenly cannot care") && ctext.contains("Ann Shevchenko") && ctext.contains("Key safe")
    );
    assert!(!ctext.contains("Task01"), "the contingency plan alone has no actions");
    assert_eq!(field(&pdfinfo(&cpath), "Title"), "Contingency plan");
    crate::structure::check("a contingency plan", &std::fs::read(&cpath).unwrap());
    crate::structure::check("a 60-action support plan", &std::fs::read(&path).unwrap());

    // A folder is not a file name; nothing is written.
    let e = call_err(&desk, "plan_print", json!({"id": plan["id"], "path": dir.path()}));
    assert_eq!(e.field.as_deref(), Some("path"));

    // The same from the command line.
    let db = dir.path().join("cli.sqlite3");
    let cli_desk = crate::util::file_desk(&db);
    let c = create(&cli_desk, "Ann", "Lee", "1960-01-01");
    let id = agreed_light_touch(&cli_desk, c, "2026-11-01", "2026-11-01")["id"].as_i64().unwrap();
    drop(cli_desk);
    let out_path = dir.path().join("cli plan.pdf");
    let o = crate::cli::cli(&db, &["print", "plan", &id.to_string(), "--out", out_path.to_str().unwrap()]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(crate::cli::json(&o)["pages"], 2);
    assert!(pages_text(&out_path).concat().contains("Light-touch support"));
    let o = crate::cli::cli(&db, &["print", "plan", "999", "--out", out_path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(crate::cli::json(&o)["code"], "not_found");
}

#[test]
fn demo_data_has_agreed_plans_some_reviewed_and_some_work_due() {
    let desk = desk();
    let counts = call(&desk, "demo_data_load", json!({"carers": 300, "seed": 7}));
    let made = counts["plans_created"].as_u64().unwrap();
    assert!((50..=120).contains(&made), "{made}");
    let lists = call(&desk, "plans_due", json!({}));
    let home = call(&desk, "home", json!({}));
    assert_eq!(home["plans"]["reviews_overdue"], lists["overdue_count"]);
    assert_eq!(home["plans"]["actions_overdue"], lists["actions_overdue_count"]);
    assert!(lists["overdue_count"].as_u64().unwrap() > 0, "something to show on the home screen");
    assert!(lists["overdue_count"].as_u64().unwrap() < made / 3, "but most plans are reviewed on time");
    assert!(home["recently_viewed"].as_array().unwrap().is_empty(), "made-up plans are not 'recently viewed'");
    let reviewed = call(&desk, "plan_get", json!({"id": lists["overdue"][0]["plan_id"]}));
    assert_eq!(reviewed["status"], "agreed");
}
