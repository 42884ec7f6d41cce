//! Carers' assessments: forms as data, drafts saved as the worker types, completing (required
//! answers, determination and scores stored), locking, new versions, the age warning, the
//! history and the young carer's score chart. Everything through `Desk::call`.

use carers_desk::eligibility::{self, EligibilityInput};
use serde_json::{json, Value};

use crate::util::*;

/// The eight reg 3(2)(b) outcomes and the nine wellbeing areas, as the core lists them.
fn outcomes() -> Vec<&'static str> {
    eligibility::Outcome::ALL.iter().map(|o| o.code()).collect()
}

fn areas() -> Vec<&'static str> {
    eligibility::WellbeingArea::ALL.iter().map(|a| a.code()).collect()
}

fn start(d: &carers_desk::Desk, carer_id: i64, kind: &str) -> Value {
    call(d, "assessment_start", json!({"carer_id": carer_id, "type": kind}))
}

fn save(d: &carers_desk::Desk, id: &Value, answers: Value) -> Value {
    call(d, "assessment_save", json!({"id": id, "answers": answers}))
}

/// Every required answer of the adult form except the outcomes and wellbeing.
pub(crate) fn adult_rest() -> Value {
    json!({
        "cared_for_who": "My mum, who has dementia",
        "care_provided": "Personal care, meals, medication, nights",
        "hours_band": "h50_plus",
        "able_to_continue": true,
        "willing_to_continue": true,
        "working_well": "My sister visits on Sundays",
        "needs_from_necessary_care": true,
        "health_deteriorating_or_at_risk": false,
        "significant_impact_on_wellbeing": true,
        "impact_reasoning": "Broken sleep every night for a year",
        "carer_outcomes": "I want a night's sleep each week",
        "involved": ["carer", "cared_for"],
        "consent_to_assessment": true,
    })
}

pub(crate) fn all_achieved() -> Value {
    Value::Object(outcomes().iter().map(|o| (o.to_string(), json!({"achieved": true}))).collect())
}

pub(crate) fn wellbeing(impact: &str) -> Value {
    Value::Object(areas().iter().map(|a| (a.to_string(), json!({"impact": impact}))).collect())
}

/// The rule's input built by hand from the same answers, to compare with what is stored.
fn rule_input(answers: &Value) -> EligibilityInput {
    let affected: Vec<&str> = areas()
        .iter()
        .copied()
        .filter(|a| matches!(answers["wellbeing"][a]["impact"].as_str(), Some("some" | "significant")))
        .collect();
    serde_json::from_value(json!({
        "needs_from_necessary_care": answers["needs_from_necessary_care"],
        "health_deteriorating_or_at_risk": answers["health_deteriorating_or_at_risk"],
        "outcomes": answers["outcomes"],
        "significant_impact_on_wellbeing": answers["significant_impact_on_wellbeing"],
        "impact_reasoning": answers["impact_reasoning"],
        "wellbeing_areas_affected": affected,
    }))
    .unwrap()
}

#[test]
fn forms_are_data_with_sections_questions_kinds_and_required() {
    let d = desk();
    let f = call(&d, "assessment_forms", json!({}));
    let forms = f["forms"].as_array().unwrap();
    let types: Vec<&str> = forms.iter().map(|f| f["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["adult", "young_carer", "parent_carer", "transition"]);
    let questions = |t: usize| -> Vec<Value> {
        forms[t]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["questions"].as_array().unwrap().clone())
            .collect()
    };
    let adult = questions(0);
    let q = |qs: &[Value], code: &str| qs.iter().find(|q| q["code"] == code).cloned().unwrap();
    assert_eq!(q(&adult, "outcomes")["kind"], "outcomes");
    assert_eq!(q(&adult, "wellbeing")["kind"], "wellbeing");
    assert_eq!(q(&adult, "needs_from_necessary_care")["required"], true);
    assert_eq!(q(&adult, "hours_band")["choices"].as_array().unwrap().len(), 5);
    let young = questions(1);
    assert_eq!(q(&young, "maca_yc18")["kind"], "instrument");
    assert_eq!(q(&young, "tasks_excessive_or_inappropriate")["kind"], "yes_no");
    assert_eq!(f["lists"]["eligibility_outcome"].as_array().unwrap().len(), 8);
    assert_eq!(f["lists"]["wellbeing_area"].as_array().unwrap().len(), 9);
    assert_eq!(f["instruments"].as_array().unwrap().len(), 2);
}

#[test]
fn adult_lifecycle_draft_complete_lock_new_version() {
    let d = desk();
    let carer = create(&d, "Grace", "Adeyemi", "1970-04-02");
    let a = start(&d, carer, "adult");
    assert_eq!(a["reference"], "A-000001");
    assert_eq!(a["status"], "draft");
    assert_eq!(a["version"], 1);
    assert_eq!(a["preview"]["determination"]["result"], "cannot_decide_yet");
    let id = a["id"].clone();

    // Autosaves, a few answers at a time: nothing sent earlier is lost.
    save(&d, &id, json!({"cared_for_who": "My mum", "hours_band": "h50_plus"}));
    save(&d, &id, json!({"outcomes": {"nutrition": {"achieved": true}}}));
    let a = save(
        &d,
        &id,
        json!({"cared_for_who": "My mum, who has dementia", "outcomes": {"recreation": {"achieved": false, "reasons": ["significant_pain_distress_anxiety", "needs_assistance"]}}}),
    );
    assert_eq!(a["answers"]["hours_band"], "h50_plus");
    assert_eq!(a["answers"]["cared_for_who"], "My mum, who has dementia");
    assert_eq!(a["answers"]["outcomes"]["nutrition"]["achieved"], true);
    assert_eq!(
        a["answers"]["outcomes"]["recreation"]["reasons"],
        json!(["needs_assistance", "significant_pain_distress_anxiety"]),
        "reasons in the regulation's order"
    );
    // One outcome failed is enough for condition 2, live as the worker types.
    assert_eq!(a["preview"]["determination"]["conditions"][1]["holds"], true);
    // `null` clears an answer.
    let a = save(&d, &id, json!({"hours_band": null}));
    assert!(a["answers"].get("hours_band").is_none());

    // Completing with required answers missing names each one and changes nothing.
    let e = call_err(&d, "assessment_complete", json!({"id": id}));
    assert_eq!(e.code, "validation");
    assert_eq!(e.message, format!("{} answers need attention before this can be completed", e.errors.len()));
    let missing = fields(&e);
    for f in [
        "answers.hours_band",
        "answers.carer_outcomes",
        "answers.needs_from_necessary_care",
        "answers.outcomes.child_care.achieved",
        "answers.wellbeing.dignity.impact",
        "answers.involved",
    ] {
        assert!(missing.contains(&f), "{f} not in {missing:?}");
    }
    assert!(!missing.contains(&"answers.outcomes.nutrition.achieved"));
    assert!(!missing.contains(&"answers.strengths"), "not required");
    let still = call(&d, "assessment_get", json!({"id": id}));
    assert_eq!(still["status"], "draft");
    assert_eq!(still["determination"], Value::Null);
    let preview_missing: Vec<&str> =
        still["preview"]["missing"].as_array().unwrap().iter().map(|m| m["field"].as_str().unwrap()).collect();
    assert_eq!(preview_missing, missing, "the preview says what completing would ask for");

    let mut outcomes = all_achieved();
    outcomes["recreation"] = json!({"achieved": false, "reasons": ["needs_assistance"], "note": "No time at all"});
    let mut rest = adult_rest();
    rest["outcomes"] = outcomes;
    rest["wellbeing"] = wellbeing("some");
    let a = call(
        &d,
        "assessment_save",
        json!({"id": id, "answers": rest, "needs": [
            {"description": "A regular break from caring at night", "outcome": "recreation", "wellbeing_area": "health"},
            {"description": "Time with friends"},
        ]}),
    );
    assert_eq!(a["preview"]["missing"], json!([]));
    assert_eq!(a["preview"]["determination"]["result"], "eligible");
    assert_eq!(a["needs"][0]["outcome_label"], "engaging in recreational activities");
    assert_eq!(a["needs"][1]["position"], 2);

    let done = call(&d, "assessment_complete", json!({"id": id}));
    assert_eq!(done["status"], "completed");
    assert_eq!(done["preview"], Value::Null);
    assert_eq!(done["assessed_on"], "2026-11-23", "defaults to the day it is completed");
    let stored: eligibility::Determination = serde_json::from_value(done["determination"].clone()).unwrap();
    let expected = eligibility::determine(&rule_input(&done["answers"])).unwrap();
    assert_eq!(stored, expected);
    assert!(stored.explanation.contains("recreational"), "{}", stored.explanation);

    // Locked.
    let e = call_err(&d, "assessment_save", json!({"id": id, "answers": {"strengths": "Patient"}}));
    assert_eq!(e.code, "conflict");
    assert!(e.message.starts_with("completed assessments are locked: start a new version"), "{}", e.message);
    assert_eq!(call_err(&d, "assessment_complete", json!({"id": id})).code, "conflict");
    assert_eq!(call_err(&d, "assessment_new_version", json!({"id": id, "extra": 1})).code, "invalid_arguments");

    // A new version copies answers and needs; the old one stays as it was.
    let v2 = call(&d, "assessment_new_version", json!({"id": id}));
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["status"], "draft");
    assert_eq!(v2["reference"], "A-000001");
    assert_eq!(v2["previous_id"], id);
    assert_eq!(v2["answers"], done["answers"]);
    assert_eq!(v2["needs"], done["needs"]);
    assert_eq!(v2["versions"].as_array().unwrap().len(), 2);
    let e = call_err(&d, "assessment_new_version", json!({"id": id}));
    assert!(e.message.contains("newer version"), "{}", e.message);
    assert_eq!(call_err(&d, "assessment_new_version", json!({"id": v2["id"]})).code, "conflict", "still a draft");
    save(&d, &v2["id"], json!({"significant_impact_on_wellbeing": false}));
    let old = call(&d, "assessment_get", json!({"id": id}));
    assert_eq!(old["status"], "completed");
    assert_eq!(old["answers"]["significant_impact_on_wellbeing"], true);
    assert_eq!(old["determination"], done["determination"]);
    assert_eq!(old["next_id"], v2["id"]);
    let v2 = call(&d, "assessment_complete", json!({"id": v2["id"]}));
    assert_eq!(v2["determination"]["result"], "not_eligible");

    let history = call(&d, "assessment_list", json!({"carer_id": carer}));
    let rows = history.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["version"], 2, "newest first");
    assert_eq!(rows[0]["summary"], "Not eligible");
    assert_eq!(rows[1]["result"], "eligible");
    assert_eq!(rows[1]["superseded"], true);
    assert_eq!(rows[0]["superseded"], false);
    // Touches the carer: recently viewed on the home screen.
    let home = call(&d, "home", json!({}));
    assert_eq!(home["recently_viewed"][0]["id"], carer);
}

#[test]
fn a_type_that_does_not_fit_the_age_warns_and_may_be_confirmed() {
    let d = desk();
    // Today is 2026-11-23. (date of birth, type, warns)
    let table = [
        ("2012-05-01", "adult", true),
        ("2012-05-01", "parent_carer", true),
        ("2012-05-01", "young_carer", false),
        ("2008-11-24", "adult", true),  // 17 until tomorrow
        ("2008-11-23", "adult", false), // 18 today
        ("2008-11-23", "young_carer", true),
        ("1980-01-01", "young_carer", true),
        ("1980-01-01", "adult", false),
        ("1980-01-01", "parent_carer", false),
    ];
    for (dob, kind, warns) in table {
        let carer = create(&d, "Sam", "Lee", dob);
        let args = json!({"carer_id": carer, "type": kind});
        if !warns {
            let a = call(&d, "assessment_start", args);
            assert_eq!(a["age_warning"], Value::Null, "{dob} {kind}");
            continue;
        }
        let e = call_err(&d, "assessment_start", args);
        assert_eq!(e.code, "age_warning", "{dob} {kind}");
        assert_eq!(e.field.as_deref(), Some("confirm_age_warning"));
        assert!(e.message.contains("you may continue by confirming"), "{}", e.message);
        assert!(e.message.contains(if kind == "young_carer" { "under 18" } else { "18 or over" }), "{}", e.message);
        assert_eq!(call(&d, "assessment_list", json!({"carer_id": carer})), json!([]), "nothing started");
        let a = call(&d, "assessment_start", json!({"carer_id": carer, "type": kind, "confirm_age_warning": true}));
        assert_eq!(a["age_warning"], json!(e.message), "the confirmed warning is recorded");
    }
}

#[test]
fn starting_needs_a_known_type_and_an_open_carer() {
    let d = desk();
    let carer = create(&d, "Sam", "Lee", "1980-01-01");
    let e = call_err(&d, "assessment_start", json!({"carer_id": carer, "type": "robot"}));
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("validation", Some("type")));
    let e = call_err(&d, "assessment_start", json!({"carer_id": carer}));
    assert_eq!(e.field.as_deref(), Some("type"));
    assert_eq!(call_err(&d, "assessment_start", json!({"carer_id": 999, "type": "adult"})).code, "not_found");
    assert_eq!(call_err(&d, "assessment_get", json!({"id": 999})).code, "not_found");
    call(&d, "carer_close", json!({"id": carer, "reason": "moved_away", "date": "2026-11-01"}));
    let e = call_err(&d, "assessment_start", json!({"carer_id": carer, "type": "adult"}));
    assert_eq!(e.code, "conflict");
    assert!(e.message.contains("reopen"), "{}", e.message);
}

#[test]
fn invalid_answers_are_named_by_path_and_nothing_is_saved() {
    let d = desk();
    let adult = start(&d, create(&d, "Grace", "Adeyemi", "1970-04-02"), "adult")["id"].clone();
    let young = start(&d, create(&d, "Amira", "Okafor", "2012-02-14"), "young_carer")["id"].clone();
    save(&d, &adult, json!({"working_well": "Sister helps"}));
    save(&d, &young, json!({"own_words": "I like helping"}));
    // (which, save arguments, the field named, words in the message)
    let table = [
        (&adult, json!({"answers": {"favourite_colour": "blue"}}), "answers.favourite_colour", "no question"),
        (
            &adult,
            json!({"answers": {"needs_from_necessary_care": "yes"}}),
            "answers.needs_from_necessary_care",
            "yes (true) or no (false)",
        ),
        (&adult, json!({"answers": {"hours_band": "h100"}}), "answers.hours_band", "choose one of"),
        (&adult, json!({"answers": {"involved": ["carer", "neighbour"]}}), "answers.involved", "choose from"),
        (&adult, json!({"answers": {"caring_since": "01/01/2030"}}), "answers.caring_since", "future"),
        (&adult, json!({"answers": {"caring_since": "31/02/2020"}}), "answers.caring_since", "real date"),
        (&adult, json!({"answers": {"care_provided": 7}}), "answers.care_provided", "answer with text"),
        (
            &adult,
            json!({"answers": {"outcomes": {"flying": {"achieved": true}}}}),
            "answers.outcomes.flying",
            "use one of the outcomes in the regulations",
        ),
        (
            &adult,
            json!({"answers": {"outcomes": {"nutrition": {"achieved": false, "reasons": ["takes_significantly_longer"]}}}}),
            "answers.outcomes.nutrition.reasons",
            "not one of them",
        ),
        (
            &adult,
            json!({"answers": {"outcomes": {"nutrition": {"achieved": "no"}}}}),
            "answers.outcomes.nutrition",
            "achieved",
        ),
        (
            &adult,
            json!({"answers": {"wellbeing": {"dignity": {"impact": "huge"}}}}),
            "answers.wellbeing.dignity.impact",
            "choose one of the listed",
        ),
        (
            &adult,
            json!({"answers": {"wellbeing": {"happiness": {"impact": "some"}}}}),
            "answers.wellbeing.happiness",
            "areas of wellbeing",
        ),
        (
            &adult,
            json!({"needs": [{"description": "A break", "outcome": "sleeping"}]}),
            "needs[0].outcome",
            "choose one of the listed",
        ),
        (&adult, json!({"needs": [{"outcome": "nutrition"}]}), "needs[0].description", "enter the description"),
        (&adult, json!({"assessed_on": "01/01/2031"}), "assessed_on", "future"),
        (
            &young,
            json!({"answers": {"maca_yc18": {"7": "always"}}}),
            "answers.maca_yc18.7",
            "choose one of the answers for question 7",
        ),
        (&young, json!({"answers": {"maca_yc18": {"19": "never"}}}), "answers.maca_yc18.19", "no question 19"),
        (&young, json!({"answers": {"panoc_yc20": {"x": "never"}}}), "answers.panoc_yc20.x", "use a question number"),
        (
            &young,
            json!({"answers": {"panoc_yc20": {"3": 7}}}),
            "answers.panoc_yc20.3",
            "never (0), some_of_the_time (1), a_lot_of_the_time (2) ('7' is not one of them)",
        ),
        (
            &young,
            json!({"answers": {"panoc_yc20": {"3": true}}}),
            "answers.panoc_yc20.3",
            "choose one of the answers: never (0), some_of_the_time (1), a_lot_of_the_time (2)",
        ),
        (
            &adult,
            json!({"answers": {"outcomes": {"nutrition": "no"}}}),
            "answers.outcomes.nutrition",
            "answer with achieved (true, false or blank), reasons (a list of reason codes), note (text)",
        ),
        (
            &adult,
            json!({"answers": {"outcomes": {"nutrition": {"achieved": false, "reason": "x"}}}}),
            "answers.outcomes.nutrition",
            "'reason' is not part of this answer",
        ),
        (
            &adult,
            json!({"answers": {"wellbeing": {"dignity": 3}}}),
            "answers.wellbeing.dignity",
            "answer with impact (none, some or significant), note (text)",
        ),
        (&young, json!({"answers": {"outcomes": {}}}), "answers.outcomes", "no question"),
        (
            &young,
            json!({"answers": {"family_reliance": "totally"}}),
            "answers.family_reliance",
            "not_at_all, a_little, a_lot, entirely",
        ),
    ];
    for (id, mut args, field, words) in table {
        let before = call(&d, "assessment_get", json!({"id": id}));
        args["id"] = id.clone();
        // A valid answer alongside the bad one is not saved either.
        if let Some(answers) = args.get_mut("answers") {
            answers["involved_names"] = json!("Should not be saved");
        }
        let e = call_err(&d, "assessment_save", args.clone());
        assert_eq!(e.code, "validation", "{args}");
        let f = e.errors.iter().find(|f| f.field == field).unwrap_or_else(|| panic!("{field} not in {:?}", e.errors));
        assert!(f.message.contains(words), "{field}: '{}' lacks '{words}'", f.message);
        // Words for people, never the program's names for its types.
        for m in e.errors.iter().map(|f| &f.message) {
            assert!(!m.contains("struct") && !m.contains("Answer") && !m.contains("expected"), "{m}");
        }
        let after = call(&d, "assessment_get", json!({"id": id}));
        assert_eq!(after["answers"], before["answers"], "{args}: nothing half-saved");
        assert_eq!(after["needs"], before["needs"]);
    }
    let e = call_err(&d, "assessment_save", json!({"id": adult, "answers": ["not", "an", "object"]}));
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("invalid_arguments", Some("answers")));
}

#[test]
fn questionnaire_answers_may_be_the_printed_scores() {
    let d = desk();
    let id = start(&d, create(&d, "Kai", "Reid", "2013-05-02"), "young_carer")["id"].clone();
    // As on the paper form: 0, 1 or 2 (numbers or text), or the answer's code.
    let a = save(&d, &id, json!({"maca_yc18": {"1": 2, "2": "1", "3": 0, "4": "never"}}));
    assert_eq!(
        a["answers"]["maca_yc18"],
        json!({"1": "a_lot_of_the_time", "2": "some_of_the_time", "3": "never", "4": "never"}),
        "stored as the scale's codes"
    );
    let e = call_err(&d, "assessment_save", json!({"id": id, "answers": {"maca_yc18": {"5": "3"}}}));
    assert_eq!(
        e.message,
        "choose one of the answers for question 5: never (0), some_of_the_time (1), a_lot_of_the_time (2) ('3' is not one of them)"
    );
}

#[test]
fn unknown_codes_list_the_ones_allowed() {
    let d = desk();
    let carer = create(&d, "Lee", "Oak", "1970-01-01");
    let e = call_err(&d, "assessment_start", json!({"carer_id": carer, "type": "carers"}));
    assert_eq!(
        e.message,
        "choose one of the listed assessment type codes: adult, young_carer, parent_carer or transition ('carers' is not one of them)"
    );
}

#[test]
fn a_draft_may_hold_an_unfinished_outcome_but_cannot_be_completed_with_it() {
    let d = desk();
    let id = start(&d, create(&d, "Grace", "Adeyemi", "1970-04-02"), "adult")["id"].clone();
    let mut answers = adult_rest();
    answers["wellbeing"] = wellbeing("none");
    answers["outcomes"] = all_achieved();
    answers["outcomes"]["nutrition"] = json!({"achieved": false});
    let a = save(&d, &id, answers);
    assert_eq!(a["answers"]["outcomes"]["nutrition"]["achieved"], false, "kept while the worker picks a reason");
    assert_eq!(a["preview"]["determination"], Value::Null);
    assert_eq!(a["preview"]["problems"][0]["field"], "answers.outcomes.nutrition.reasons");
    let e = call_err(&d, "assessment_complete", json!({"id": id}));
    assert_eq!(fields(&e), ["answers.outcomes.nutrition.reasons"]);
    let a =
        save(&d, &id, json!({"outcomes": {"nutrition": {"achieved": false, "reasons": ["endangers_health_safety"]}}}));
    assert_eq!(a["preview"]["problems"], json!([]));
    assert_eq!(a["preview"]["determination"]["result"], "eligible");
    // No wellbeing area with an impact recorded, so none is listed as affected.
    assert_eq!(a["preview"]["determination"]["wellbeing_areas_affected"], json!([]));
}

/// A young carer's answers with every required question given.
fn young_required() -> Value {
    json!({
        "cared_for_who": "My dad",
        "care_nature": "Emotional support and cooking",
        "care_amount": "Every evening",
        "family_reliance": "a_lot",
        "impact_wellbeing": "Tired",
        "impact_education": "Late for school",
        "impact_development": "Misses clubs",
        "tasks_excessive_or_inappropriate": true,
        "tasks_reasons": "At 14 she gives her dad his injections, which she finds frightening",
        "caring_appropriate": true,
        "own_words": "I want to go to football",
        "involved": ["young_carer", "parent"],
    })
}

/// Questionnaire answers: the first `some` items "some of the time", the rest "never".
fn items(n: u32, some: u32, extra: &[(u32, &str)]) -> Value {
    let mut m: serde_json::Map<String, Value> =
        (1..=n).map(|i| (i.to_string(), json!(if i <= some { "some_of_the_time" } else { "never" }))).collect();
    for (i, a) in extra {
        m.insert(i.to_string(), json!(a));
    }
    Value::Object(m)
}

#[test]
fn young_carer_scores_are_stored_flagged_and_charted() {
    let d = desk();
    let carer = create(&d, "Amira", "Okafor", "2012-02-14");
    let first = start(&d, carer, "young_carer")["id"].clone();
    let a = save(&d, &first, young_required());
    assert_eq!(a["preview"]["missing"], json!([]), "the questionnaires are optional");
    // Items one at a time merge into the questionnaire.
    save(&d, &first, json!({"maca_yc18": {"1": "a_lot_of_the_time"}}));
    let a = save(&d, &first, json!({"maca_yc18": {"2": "never"}, "panoc_yc20": {"16": "some_of_the_time"}}));
    assert_eq!(a["answers"]["maca_yc18"], json!({"1": "a_lot_of_the_time", "2": "never"}));
    let maca = &a["preview"]["scores"]["maca_yc18"];
    assert_eq!(maca["total"], Value::Null, "incomplete: no total, never 0");
    assert_eq!(maca["answered"], 2);
    // Item 16 above "never" raises the safeguarding prompt at once, complete form or not.
    let flags = &a["preview"]["scores"]["panoc_yc20"]["flags"];
    assert_eq!(flags[0]["code"], "safeguarding");
    assert!(flags[0]["prompt"].as_str().unwrap().contains("safeguarding"));

    // MACA: 10 items "some of the time" = 10, moderate. PANOC: positive items 1-4 and 7 score
    // 1 each, item 16 some of the time, everything else never: positive 5, negative 1.
    let panoc = items(
        20,
        0,
        &[
            (1, "some_of_the_time"),
            (2, "some_of_the_time"),
            (3, "some_of_the_time"),
            (4, "some_of_the_time"),
            (7, "some_of_the_time"),
            (16, "some_of_the_time"),
        ],
    );
    call(
        &d,
        "assessment_save",
        json!({"id": first, "answers": {"maca_yc18": items(18, 10, &[]), "panoc_yc20": panoc}, "assessed_on": "01/03/2026"}),
    );
    let done = call(&d, "assessment_complete", json!({"id": first}));
    assert_eq!(done["assessed_on"], "2026-03-01");
    assert_eq!(done["determination"], Value::Null);
    assert_eq!(done["scores"]["maca_yc18"]["total"], 10);
    assert_eq!(done["scores"]["maca_yc18"]["total_band"]["code"], "moderate");
    assert_eq!(done["scores"]["panoc_yc20"]["flags"][0]["code"], "safeguarding");

    // A later assessment: MACA 18 (very high), PANOC not fully answered.
    let second = start(&d, carer, "young_carer")["id"].clone();
    let mut answers = young_required();
    answers["maca_yc18"] = items(18, 18, &[]);
    answers["panoc_yc20"] = json!({"1": "a_lot_of_the_time"});
    call(&d, "assessment_save", json!({"id": second, "answers": answers, "assessed_on": "2026-11-20"}));
    call(&d, "assessment_complete", json!({"id": second}));
    // A draft does not count.
    start(&d, carer, "young_carer");

    let chart = call(&d, "assessment_score_history", json!({"carer_id": carer}));
    let points = chart.as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["assessed_on"], "2026-03-01", "oldest first");
    assert_eq!(points[0]["maca_total"], 10);
    assert_eq!(points[0]["maca_band"], "moderate");
    assert_eq!(points[0]["panoc_positive"], 5);
    assert_eq!(points[0]["panoc_positive_band"], "relatively_few");
    assert_eq!(points[0]["panoc_negative"], 1);
    assert_eq!(points[0]["flags"], json!(["safeguarding"]));
    assert_eq!(points[1]["maca_total"], 18);
    assert_eq!(points[1]["maca_band"], "very_high");
    assert_eq!(points[1]["panoc_positive"], Value::Null);

    // A completed correction replaces the version it revises on the chart.
    let v2 = call(&d, "assessment_new_version", json!({"id": first}))["id"].clone();
    save(&d, &v2, json!({"maca_yc18": {"11": "some_of_the_time"}}));
    call(&d, "assessment_complete", json!({"id": v2}));
    let chart = call(&d, "assessment_score_history", json!({"carer_id": carer}));
    let totals: Vec<&Value> = chart.as_array().unwrap().iter().map(|p| &p["maca_total"]).collect();
    assert_eq!(totals, [&json!(11), &json!(18)]);

    let history = call(&d, "assessment_list", json!({"carer_id": carer}));
    let summaries: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["summary"].as_str().unwrap()).collect();
    assert!(summaries.contains(&"Draft"), "{summaries:?}");
    assert!(
        summaries
            .contains(&"Completed: MACA-YC18 18 (very high amount of caring activity); PANOC-YC20 not fully answered"),
        "{summaries:?}"
    );
}

#[test]
fn parent_carer_assessment_completes_without_a_determination() {
    let d = desk();
    let carer = create(&d, "Jo", "Baker", "1985-06-06");
    let id = start(&d, carer, "parent_carer")["id"].clone();
    let e = call_err(&d, "assessment_complete", json!({"id": id}));
    assert!(fields(&e).contains(&"answers.disabled_child_welfare"));
    assert!(fields(&e).contains(&"answers.wellbeing.contribution.impact"));
    save(
        &d,
        &id,
        json!({
            "child_who": "Leo, 7, autistic",
            "care_provided": "Nights and school liaison",
            "caring_appropriate": true,
            "wellbeing": wellbeing("significant"),
            "disabled_child_welfare": "Settled at school",
            "parent_outcomes": "I want to sleep",
            "involved": ["parent", "child"],
        }),
    );
    let done = call(&d, "assessment_complete", json!({"id": id}));
    assert_eq!(done["status"], "completed");
    assert_eq!(done["determination"], Value::Null);
    assert_eq!(done["scores"], Value::Null);
    assert_eq!(call(&d, "assessment_list", json!({"carer_id": carer}))[0]["summary"], "Completed");
}

#[test]
fn reporting_staff_cannot_read_assessments() {
    let d = desk();
    let carer = create(&d, "Grace", "Adeyemi", "1970-04-02");
    let ctx = ctx().with_role(carers_desk::Role::Reporting);
    let e = d.call(&ctx, "assessment_list", json!({"carer_id": carer})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
}

#[test]
fn an_assessment_can_be_filled_and_completed_from_the_command_line() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("assess.sqlite3");
    let run = |args: &[&str], stdin: Option<String>| -> (i32, Value) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"));
        cmd.arg("--db")
            .arg(&db)
            .args(["--today", "2026-11-23"])
            .args(args)
            .env_remove("CARERS_DESK_DB")
            .env("CARERS_DESK_USER", crate::util::ADMIN)
            .env("CARERS_DESK_PASSPHRASE", crate::util::ADMIN_PASSPHRASE);
        let out = match stdin {
            Some(input) => {
                use std::io::Write;
                let mut child =
                    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
                child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
                child.wait_with_output().unwrap()
            }
            None => cmd.output().unwrap(),
        };
        let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap(), v)
    };
    assert_eq!(run(&["init", "--admin", crate::util::ADMIN, "--name", "Test Admin"], None).0, 0);
    let (_, carer) = run(
        &["call", "carer_create", r#"{"first_name":"Grace","last_name":"Adeyemi","date_of_birth":"02/04/1970"}"#],
        None,
    );
    let (code, a) =
        run(&["call", "assessment_start", &json!({"carer_id": carer["id"], "type": "adult"}).to_string()], None);
    assert_eq!(code, 0, "{a}");
    let mut answers = adult_rest();
    answers["outcomes"] = all_achieved();
    answers["wellbeing"] = wellbeing("some");
    let (code, saved) =
        run(&["call", "assessment_save", "-"], Some(json!({"id": a["id"], "answers": answers}).to_string()));
    assert_eq!(code, 0, "{saved}");
    assert_eq!(saved["preview"]["determination"]["result"], "not_eligible", "health fine and every outcome achieved");
    let (code, done) = run(&["call", "assessment_complete", &json!({"id": a["id"]}).to_string()], None);
    assert_eq!(code, 0);
    assert!(
        done["determination"]["explanation"].as_str().unwrap().contains("condition 2"),
        "{}",
        done["determination"]["explanation"]
    );
    let (code, e) = run(&["call", "assessment_save", &json!({"id": a["id"], "answers": {}}).to_string()], None);
    assert_eq!(code, 1);
    assert_eq!(e["code"], "conflict");
    let (code, e) =
        run(&["call", "assessment_start", &json!({"carer_id": carer["id"], "type": "young_carer"}).to_string()], None);
    assert_eq!(code, 1);
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("age_warning"), Some("confirm_age_warning")));
}

#[test]
fn every_message_for_bad_answers_starts_lower_case_and_says_what_to_do() {
    let d = desk();
    let id = create(&d, "Lena", "Ashworth", "1970-01-01");
    let a = start(&d, id, "adult");
    let e = call_err(
        &d,
        "assessment_save",
        json!({"id": a["id"], "answers": {"outcomes": {"sleep": {"achieved": true}}, "wellbeing": {"mood": {"impact": "none"}}}}),
    );
    assert!(!e.errors.is_empty());
    for f in &e.errors {
        let first = f.message.chars().next().unwrap();
        assert!(first.is_lowercase(), "{}: {}", f.field, f.message);
    }
}

// ---------------------------------------------------------------------------------------------
// The young carer's transition assessment (Care Act 2014 s63-64).

mod transition {
    use carers_desk::assessments::forms::{self, AssessmentType};
    use carers_desk::assessments::{age_warning, TRANSITION_USUAL_FROM};
    use carers_desk::eligibility;
    use serde_json::{json, Map, Value};

    use super::{all_achieved, start, wellbeing};
    use crate::util::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn missing(answers: &Value) -> Vec<String> {
        let f = forms::form(AssessmentType::Transition);
        forms::missing(f, &obj(answers.clone())).into_iter().map(|e| e.field).collect()
    }

    fn evaluate(answers: &Value) -> forms::Evaluation {
        forms::evaluate(AssessmentType::Transition, &obj(answers.clone()))
    }

    /// The s63 decision: likely needs after 18, significant benefit with reasons, consent, and
    /// whether it goes ahead.
    fn decision(consent: &str, decision: &str) -> Value {
        json!({
            "likely_needs_after_18": true,
            "significant_benefit": true,
            "significant_benefit_reasons": "Sixth form starts next year and adult support takes months to arrange",
            "consent": consent,
            "assess_decision": decision,
        })
    }

    /// Every required answer of the assess path except the outcomes and wellbeing, with the
    /// eligibility questions as given.
    fn assess_rest(c1: bool, health: bool, c3: bool) -> Value {
        json!({
            "cared_for_who": "My mum, who has MS",
            "care_provided": "Medication, meals, getting my brother to school",
            "able_now": true,
            "able_after_18": true,
            "willing_now": true,
            "willing_after_18": false,
            "needs_from_necessary_care": c1,
            "health_deteriorating_or_at_risk": health,
            "significant_impact_on_wellbeing": c3,
            "impact_reasoning": "College would be out of reach while caring every evening",
            "carer_outcomes": "I want to go to college in Leeds",
            "support_would_help": true,
            "work_education_now": "Year 12, A levels; misses some mornings",
            "work_education_after_18": "University or an apprenticeship",
            "involved": ["young_carer", "parent"],
            "advice_given": "Carers' centre young adult group; college support for carers",
        })
    }

    fn merged(parts: &[Value]) -> Value {
        let mut out = Map::new();
        for p in parts {
            out.extend(obj(p.clone()));
        }
        Value::Object(out)
    }

    /// The required questions of the assess path, from s64's list.
    const ASSESS_PATH: &[&str] = &[
        "answers.cared_for_who",
        "answers.care_provided",
        "answers.able_now",                    // s64(1)(a) able now
        "answers.able_after_18",               // ... and likely to continue after 18
        "answers.willing_now",                 // s64(1)(b) willing now
        "answers.willing_after_18",            // ... and after 18
        "answers.wellbeing.health.impact",     // s64(1)(c) likely impact on wellbeing after 18
        "answers.outcomes.nutrition.achieved", // reg 3(2)(b) outcomes after 18, for the indication
        "answers.needs_from_necessary_care",
        "answers.health_deteriorating_or_at_risk",
        "answers.significant_impact_on_wellbeing",
        "answers.impact_reasoning",
        "answers.carer_outcomes",     // s64(1)(d) outcomes they wish to achieve
        "answers.support_would_help", // s64(1)(e) whether support could help
        "answers.work_education_now", // s64(2) work, education, training, recreation
        "answers.work_education_after_18",
        "answers.involved",     // s64(3) the young carer, parents, anyone named
        "answers.advice_given", // s64 advice and information
    ];

    #[test]
    fn the_transition_form_is_data_with_a_decision_and_conditional_sections() {
        let d = desk();
        let f = call(&d, "assessment_forms", json!({}));
        let form = f["forms"].as_array().unwrap().iter().find(|f| f["type"] == "transition").cloned().unwrap();
        assert_eq!(form["eligibility"]["mode"], "indication");
        assert_eq!(form["eligibility"]["results"]["eligible"], "Likely to be eligible at 18");
        let sections = form["sections"].as_array().unwrap();
        assert_eq!(sections[0]["code"], "decision");
        assert!(sections[0].get("when").is_none(), "the decision is always asked");
        let when = |code: &str| sections.iter().find(|s| s["code"] == code).unwrap()["when"].clone();
        assert_eq!(when("not_assessing"), json!({"question": "assess_decision", "equals": "not_assessing"}));
        for code in ["caring_role", "continuing", "wellbeing", "outcomes", "eligibility", "involvement", "advice"] {
            assert_eq!(when(code), json!({"question": "assess_decision", "equals": "assess"}), "{code}");
        }
        let types: Vec<&str> =
            f["lists"]["assessment_type"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
        assert!(types.contains(&"transition"));
    }

    #[test]
    fn refusing_needs_only_the_decision_written_reasons_and_advice() {
        // s63(5): written reasons, and advice and information about preventing or delaying needs.
        let refused = merged(&[decision("refused", "not_assessing")]);
        assert_eq!(missing(&refused), ["answers.not_assessing_reasons", "answers.prevention_advice"]);
        let done = merged(&[
            refused,
            json!({"not_assessing_reasons": "Declined: wants to wait until after exams", "prevention_advice": "Young carers group; school contact"}),
        ]);
        assert_eq!(missing(&done), Vec::<String>::new(), "nothing of the assessment itself is required");
        let ev = evaluate(&done);
        assert_eq!(ev.determination, None, "no indication when it does not go ahead");
        assert!(ev.problems.is_empty(), "{:?}", ev.problems);
        // Before the decision, only the decision is asked.
        assert_eq!(
            missing(&json!({})),
            [
                "answers.likely_needs_after_18",
                "answers.significant_benefit",
                "answers.significant_benefit_reasons",
                "answers.consent",
                "answers.assess_decision"
            ]
        );
        // s63(4): refused but abuse or neglect: the reasons are asked.
        let m = missing(&decision("refused_abuse_or_neglect", "assess"));
        assert!(m.contains(&"answers.abuse_or_neglect_reasons".to_string()), "{m:?}");
        assert!(!missing(&decision("given", "assess")).contains(&"answers.abuse_or_neglect_reasons".to_string()));
    }

    #[test]
    fn going_ahead_needs_everything_s64_lists_and_not_the_refusal_reasons() {
        let m = missing(&decision("given", "assess"));
        for f in ASSESS_PATH {
            assert!(m.iter().any(|x| x == f), "{f} is required on the assess path: {m:?}");
        }
        assert!(!m.iter().any(|x| x == "answers.not_assessing_reasons"), "{m:?}");
        let all = merged(&[
            decision("given", "assess"),
            assess_rest(true, false, true),
            json!({"outcomes": all_achieved(), "wellbeing": wellbeing("some")}),
        ]);
        assert_eq!(missing(&all), Vec::<String>::new());
    }

    #[test]
    fn the_indication_is_the_adult_rule_on_the_same_answers_worded_as_an_indication() {
        let mut nutrition_failed = all_achieved();
        nutrition_failed["nutrition"] = json!({"achieved": false, "reasons": ["needs_assistance"]});
        // (condition 1, health, condition 3, outcomes, result, the words it starts with)
        let table = [
            (true, false, true, nutrition_failed.clone(), "eligible", "Likely to be eligible at 18"),
            (true, true, true, all_achieved(), "eligible", "Likely to be eligible at 18"),
            (false, true, true, nutrition_failed.clone(), "not_eligible", "Not likely to be eligible at 18"),
            (true, false, true, all_achieved(), "not_eligible", "Not likely to be eligible at 18"),
            (true, true, false, nutrition_failed.clone(), "not_eligible", "Not likely to be eligible at 18"),
        ];
        for (c1, health, c3, outcomes, result, words) in table {
            let answers = merged(&[
                decision("given", "assess"),
                assess_rest(c1, health, c3),
                json!({"outcomes": outcomes, "wellbeing": wellbeing("significant")}),
            ]);
            let ind = evaluate(&answers).determination.expect("an indication");
            let det = eligibility::determine(&forms::eligibility_input(&obj(answers.clone()))).unwrap();
            let case = format!("{c1} {health} {c3} {result}");
            assert!(ind.indication, "{case}: marked as an indication");
            assert!(!det.indication);
            assert_eq!(serde_json::to_value(ind.result).unwrap(), json!(result), "{case}");
            let holds = |d: &eligibility::Determination| d.conditions.iter().map(|c| c.holds).collect::<Vec<_>>();
            assert_eq!((&ind.result, holds(&ind), &ind.missing), (&det.result, holds(&det), &det.missing), "{case}");
            // The same conditions, looking ahead: "after 18 you would ...".
            for c in &ind.conditions {
                assert!(c.explanation.starts_with("After 18"), "{case}: {}", c.explanation);
            }
            assert_eq!(ind.unachieved_outcomes, det.unachieved_outcomes, "{case}");
            assert!(ind.explanation.starts_with(words), "{case}: {}", ind.explanation);
            assert!(ind.explanation.contains("not a determination"), "{case}: {}", ind.explanation);
            for c in &ind.conditions {
                assert!(ind.explanation.contains(&c.explanation), "{case}: each condition explained");
            }
            if result == "eligible" {
                // s64: which needs are likely to be eligible.
                let which = if health {
                    "the risk to your physical or mental health"
                } else {
                    "managing and maintaining nutrition"
                };
                assert!(ind.explanation.contains(which), "{case}: {}", ind.explanation);
            }
        }
        // Still being answered: no indication yet, saying so.
        let ind = evaluate(&decision("given", "assess")).determination.unwrap();
        assert_eq!(ind.result, eligibility::EligibilityResult::CannotDecideYet);
        assert!(ind.explanation.starts_with("No indication yet"), "{}", ind.explanation);
    }

    #[test]
    fn a_decision_that_does_not_fit_s63_is_a_problem_naming_the_decision() {
        // (likely needs, significant benefit, consent, decision, a problem, its words)
        let table = [
            (true, true, "given", "assess", false, ""),
            (true, true, "best_interests", "assess", false, ""),
            (true, true, "refused", "not_assessing", false, ""),
            (true, true, "refused_abuse_or_neglect", "assess", false, ""),
            (false, true, "given", "not_assessing", false, ""), // not likely to have needs: no duty
            (true, false, "given", "not_assessing", false, ""), // no significant benefit: no duty
            (false, false, "given", "assess", false, ""),       // may still assess
            // s63(3)-(4): without consent only where abuse or neglect.
            (true, true, "refused", "assess", true, "s63(4)"),
            (false, false, "refused", "assess", true, "abuse or neglect"),
            // s63(4): abuse or neglect: must assess although refused.
            (true, true, "refused_abuse_or_neglect", "not_assessing", true, "must be carried out"),
            // s63(1): all three conditions met: must assess.
            (true, true, "given", "not_assessing", true, "s63(1)"),
            (true, true, "best_interests", "not_assessing", true, "must be carried out"),
        ];
        for (likely, benefit, consent, choice, problem, words) in table {
            let answers = json!({"likely_needs_after_18": likely, "significant_benefit": benefit, "consent": consent, "assess_decision": choice});
            let problems = forms::transition_problems(&obj(answers));
            let case = format!("{likely} {benefit} {consent} {choice}");
            assert_eq!(!problems.is_empty(), problem, "{case}: {problems:?}");
            if problem {
                assert_eq!(problems[0].field, "answers.assess_decision", "{case}");
                assert!(problems[0].message.contains(words), "{case}: {}", problems[0].message);
            }
        }
    }

    #[test]
    fn age_warnings_for_a_transition_assessment() {
        assert_eq!(TRANSITION_USUAL_FROM, 14);
        // (age, warns, words)
        let table = [
            (11, true, "unusual"),
            (13, true, "unusual"),
            (14, false, ""),
            (16, false, ""),
            (17, false, ""),
            (18, true, "under 18"),
            (24, true, "adult carer's assessment"),
        ];
        for (age, warns, words) in table {
            let w = age_warning(AssessmentType::Transition, "Sam", age);
            assert_eq!(w.is_some(), warns, "{age}: {w:?}");
            if let Some(w) = w {
                assert!(w.contains(words) && w.starts_with(&format!("Sam is {age}")), "{age}: {w}");
                assert!(w.contains("you may continue by confirming"), "{w}");
            }
        }
        // Through the command: at 18 the warning, then confirmed.
        let d = desk();
        let carer = create(&d, "Sam", "Lee", "2008-11-23"); // 18 today
        let e = call_err(&d, "assessment_start", json!({"carer_id": carer, "type": "transition"}));
        assert_eq!(e.code, "age_warning");
        assert!(e.message.contains("under 18"), "{}", e.message);
        let a =
            call(&d, "assessment_start", json!({"carer_id": carer, "type": "transition", "confirm_age_warning": true}));
        assert_eq!(a["age_warning"], json!(e.message));
        let young = create(&d, "Ava", "Lee", "2010-01-01"); // 16
        let a = start(&d, young, "transition");
        assert_eq!(a["age_warning"], Value::Null);
        assert_eq!(a["type_label"], "Young carer's transition assessment (Care Act s63)");
    }

    #[test]
    fn a_transition_assessment_is_completed_either_way_and_its_indication_is_labelled() {
        let d = desk();
        let carer = create(&d, "Ava", "Lee", "2009-05-01"); // 17
        let save = |id: &Value, answers: Value| call(&d, "assessment_save", json!({"id": id, "answers": answers}));

        // Not going ahead: the decision, written reasons and advice are enough.
        let id = start(&d, carer, "transition")["id"].clone();
        let a = save(&id, decision("refused", "not_assessing"));
        assert_eq!(a["preview"]["determination"], Value::Null);
        let e = call_err(&d, "assessment_complete", json!({"id": id}));
        assert_eq!(fields(&e), ["answers.not_assessing_reasons", "answers.prevention_advice"]);
        save(
            &id,
            json!({"not_assessing_reasons": "Ava declined: she wants to wait until after her exams", "prevention_advice": "Young carers group on Thursdays"}),
        );
        let done = call(&d, "assessment_complete", json!({"id": id}));
        assert_eq!(done["status"], "completed");
        assert_eq!(done["determination"], Value::Null);
        let list = call(&d, "assessment_list", json!({"carer_id": carer}));
        assert_eq!(list[0]["result"], "not_assessed");
        assert_eq!(list[0]["summary"], "Not assessed: written reasons and advice given");

        // Going ahead although she refused: a problem naming the decision, also when completing.
        let id = start(&d, carer, "transition")["id"].clone();
        let a = save(&id, decision("refused", "assess"));
        assert_eq!(a["preview"]["problems"][0]["field"], "answers.assess_decision");
        save(
            &id,
            merged(&[
                assess_rest(true, false, true),
                json!({"outcomes": all_achieved(), "wellbeing": wellbeing("some")}),
            ]),
        );
        let mut failed = all_achieved();
        failed["recreation"] = json!({"achieved": false, "reasons": ["significant_pain_distress_anxiety"]});
        save(&id, json!({"outcomes": failed}));
        let e = call_err(&d, "assessment_complete", json!({"id": id}));
        assert_eq!(fields(&e), ["answers.assess_decision"], "{e:?}");
        // What is asked is the core's to say, so the window keeps no copy of the `when` rules:
        // going ahead, the "not assessing" section is not asked; nor is the abuse or neglect
        // question while she has not refused.
        assert_eq!(a["not_asked"]["sections"], json!(["not_assessing"]), "{}", a["not_asked"]);
        assert_eq!(a["not_asked"]["questions"], json!(["abuse_or_neglect_reasons"]));
        // She changes her mind: the indication is stored, labelled as an indication.
        let a = save(&id, json!({"consent": "given"}));
        assert_eq!(a["preview"]["determination"]["indication"], true);
        assert_eq!(a["preview"]["determination"]["result"], "eligible");
        call(
            &d,
            "assessment_save",
            json!({"id": id, "needs": [{"description": "Evenings free for college", "outcome": "recreation"}]}),
        );
        let done = call(&d, "assessment_complete", json!({"id": id}));
        assert_eq!(done["determination"]["indication"], true);
        let explanation = done["determination"]["explanation"].as_str().unwrap();
        assert!(explanation.starts_with("Likely to be eligible at 18"), "{explanation}");
        assert!(explanation.contains("engaging in recreational activities"), "{explanation}");
        let list = call(&d, "assessment_list", json!({"carer_id": carer}));
        assert_eq!(list[0]["result"], "likely_eligible");
        assert_eq!(list[0]["summary"], "Indication: likely to be eligible at 18");
        // A support plan from it takes over the indication (at 18 it may be treated as the
        // adult carer's assessment), its needs eligible as the indication says.
        let plan = call(&d, "plan_create", json!({"carer_id": carer, "assessment_id": id}));
        assert_eq!(plan["determination"]["indication"], true);
        assert_eq!(plan["needs"][0]["eligibility"], "eligible", "{}", plan["needs"]);
        // A new version: the answers of the assess path stay when the decision changes, but
        // are no longer needed, and there is no indication.
        let v2 = call(&d, "assessment_new_version", json!({"id": id}));
        let a = save(&v2["id"], json!({"assess_decision": "not_assessing"}));
        assert_eq!(a["answers"]["cared_for_who"], "My mum, who has MS", "answers are kept");
        assert_eq!(a["preview"]["determination"], Value::Null);
        let still: Vec<&str> =
            a["preview"]["missing"].as_array().unwrap().iter().map(|m| m["field"].as_str().unwrap()).collect();
        assert_eq!(still, ["answers.not_assessing_reasons", "answers.prevention_advice"]);
    }
}

/// A new assessment takes what the record already holds (who is cared for, the hours band, since
/// when) instead of asking again; a form without those questions takes nothing.
#[test]
fn a_new_assessment_takes_what_the_record_holds() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    let mut first = person_and_link("Ada");
    first["carer_id"] = json!(id);
    first["link"]["since"] = json!("01/03/2019");
    call(&d, "carer_add_cared_for", first);
    let mut second = person_and_link("Obi");
    second["carer_id"] = json!(id);
    second["link"]["hours_band"] = json!("h50_plus");
    second["link"]["since"] = json!("01/06/2021");
    call(&d, "carer_add_cared_for", second);

    let a = start(&d, id, "adult");
    let who = a["answers"]["cared_for_who"].as_str().unwrap();
    assert_eq!(who.lines().count(), 2, "one line per person: {who}");
    assert!(who.starts_with("Parent: Ada"), "{who}");
    assert!(who.contains("(dementia)"), "{who}");
    assert_eq!(a["answers"]["hours_band"], "h50_plus", "the most any one person is cared for");
    assert_eq!(a["answers"]["caring_since"], "2019-03-01", "the earliest link");

    // Known only to the year or the month: taken as it is, the earliest by its first day (2018
    // is before March 2018), and the draft keeps it without a made-up day.
    let record = call(&d, "carer_get", json!({"id": id}));
    let ada_link = record["caring"].as_array().unwrap().iter().find(|e| e["person"]["first_name"] == "Ada").unwrap()
        ["link"]["id"]
        .clone();
    call(
        &d,
        "caring_link_update",
        json!({"id": ada_link, "link": {"relationship": "parent", "hours_band": "h20_34", "since": "2018"}}),
    );
    let b = start(&d, id, "adult");
    assert_eq!(b["answers"]["caring_since"], "2018", "a year stays a year");
    let b = call(&d, "assessment_save", json!({"id": b["id"], "answers": {"caring_since": "March 2018"}}));
    assert_eq!(b["answers"]["caring_since"], "2018-03");
    let e = call_err(&d, "assessment_save", json!({"id": b["id"], "answers": {"caring_since": "03/18"}}));
    assert_eq!(e.field.as_deref(), Some("answers.caring_since"));
    assert!(e.message.contains("four-digit year"), "{}", e.message);

    // Nothing on the record: nothing taken.
    let alone = create(&d, "Sam", "Nobody", "1980-01-01");
    assert_eq!(start(&d, alone, "adult")["answers"], json!({}));
}

/// Which assessment types fit a carer is the core's to say (the window offers those first and
/// keeps no copy of the age rules): none warned for a 58-year-old adult's own types; young
/// carer and transition warned; for a 16-year-old the other way round.
#[test]
fn the_types_offered_first_are_those_without_an_age_warning() {
    let d = desk();
    let fits = |id: i64| -> Vec<String> {
        let offers = call(&d, "assessment_types", json!({"carer_id": id}));
        offers
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["age_warning"].is_null())
            .map(|o| o["type"].as_str().unwrap().to_string())
            .collect()
    };
    let adult = create(&d, "Bernadette", "Okafor", "1968-06-12");
    assert_eq!(fits(adult), ["adult", "parent_carer"]);
    let offers = call(&d, "assessment_types", json!({"carer_id": adult}));
    let yc = offers.as_array().unwrap().iter().find(|o| o["type"] == "young_carer").unwrap();
    assert!(yc["age_warning"].as_str().unwrap().contains("is 58"), "{yc}");
    let young = create(&d, "Ayesha", "Begum", "2010-05-04");
    assert_eq!(fits(young), ["young_carer", "transition"]);
    assert_eq!(call_err(&d, "assessment_types", json!({"carer_id": 999})).code, "not_found");
}
