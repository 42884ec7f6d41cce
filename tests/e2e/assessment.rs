//! An adult carer's assessment completed in the window, with the
//! eligibility determination and its explanation seen live and then stored and locked; and a
//! young carer's draft that is autosaved as it is answered, still there after the app is closed
//! and opened again on the same database. A screenshot of the completed assessment is saved as
//! `screenshots/assessment-completed.png` (and the draft editor as `assessment-draft.png`).
//!
//! The transition journey: a young carer's transition assessment whose sections appear
//! and disappear with the decision whether it goes ahead, a consent problem shown live, and
//! the indication of eligibility at 18, labelled as an indication, completed
//! (`transition-draft.png`, `transition-completed.png`).

use carers_desk_e2e::App;
use chrono::Datelike;
use serde_json::{json, Value};

async fn checked(app: &App, id: &str) -> bool {
    app.js(&format!("return document.getElementById('{id}')?.checked === true")).await == Value::Bool(true)
}

#[tokio::test]
async fn an_adult_assessment_is_completed_and_a_young_carer_draft_survives_a_restart() {
    let dir = tempfile::tempdir().expect("a folder for the database");
    let db = dir.path().join("assessment.sqlite3");
    let db_arg = db.to_str().expect("a UTF-8 path");

    let app = App::launch_with(&["--db", db_arg]).await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;

    let carer = app
        .invoke(
            "carer_create",
            json!({ "first_name": "Bernadette", "last_name": "Okafor", "date_of_birth": "12/06/1968" }),
        )
        .await
        .expect("a carer");
    let carer_id = carer["id"].as_i64().expect("id");
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#record-name", "Bernadette Okafor").await;
    app.wait_for_text("#assessments", "No assessments yet").await;
    // She is 58: a young carer's or transition assessment is not offered first, only under
    // "Other types of assessment" (where starting one still brings the core's age warning).
    for kind in ["young_carer", "transition"] {
        assert!(app.exists(&format!("#other-assessment-types #start-{kind}")).await, "{kind} under other types");
    }
    assert!(!app.exists("#other-assessment-types #start-adult").await, "the adult assessment is offered first");

    // Start an adult carer's assessment by clicking.
    app.click("#start-adult").await;
    app.wait_for("#assessment-form").await;
    app.wait_for_text("#determination-result", "Cannot decide yet").await;
    let adult_id = app.route_id("/assessments/").await;

    // Completing too early: the error summary, focused, with a link per missing answer; nothing
    // is completed.
    app.click("#complete-assessment").await;
    app.wait_for("#error-summary").await;
    let summary = app.text("#error-summary").await;
    assert!(summary.contains("There is a problem"), "{summary}");
    assert!(summary.contains("Who the carer cares for"), "names a missing answer: {summary}");
    assert!(summary.contains("What care they give"), "names a missing answer: {summary}");
    assert!(app.exists("#error-summary a[href='#answers-cared_for_who']").await, "links to the missing answer");
    assert_eq!(
        app.js("return document.activeElement && document.activeElement.id").await,
        json!("error-summary"),
        "focus moves to the summary"
    );
    let still = app.invoke("assessment_get", json!({ "id": adult_id })).await.expect("get");
    assert_eq!(still["status"], "draft", "nothing completed");
    assert!(app.exists("#assessment-form").await);

    // The caring role, continuing, what works.
    app.fill("[name='answers.cared_for_who']", "Her husband, who has Parkinson's").await;
    app.fill("[name='answers.care_provided']", "Personal care, medication, nights").await;
    app.select("[name='answers.hours_band']", "h50_plus").await;
    app.click("#answers-able_to_continue-true").await;
    app.click("#answers-willing_to_continue-true").await;
    app.fill("[name='answers.working_well']", "Her daughter visits on Sundays").await;
    // Wellbeing: health significantly affected, the rest not.
    for area in app.assessment_list_codes("wellbeing_area").await {
        let impact = if area == "health" { "significant" } else { "none" };
        app.click(&format!("#answers-wellbeing-{area}-impact-{impact}")).await;
    }
    // Outcomes: every one achieved except nutrition, with its reason.
    for outcome in app.assessment_list_codes("eligibility_outcome").await {
        let achieved = if outcome == "nutrition" { "false" } else { "true" };
        app.click(&format!("#answers-outcomes-{outcome}-achieved-{achieved}")).await;
    }
    app.click("#answers-outcomes-nutrition-reasons-needs_assistance").await;
    // The eligibility questions.
    app.click("#answers-needs_from_necessary_care-true").await;
    app.click("#answers-health_deteriorating_or_at_risk-false").await;
    app.click("#answers-significant_impact_on_wellbeing-true").await;
    app.fill("[name='answers.impact_reasoning']", "She is not eating properly and is exhausted").await;
    app.fill("[name='answers.carer_outcomes']", "I want a proper night's sleep twice a week").await;
    app.click("#answers-involved-carer").await;
    app.click("#answers-consent_to_assessment-true").await;

    // Needs identified: one typed with its outcome chosen, saved with the answers.
    app.click("#add-need").await;
    app.wait_for("[name='needs[0].description']").await;
    assert_eq!(
        app.js("return document.activeElement && document.activeElement.name").await,
        json!("needs[0].description"),
        "a new need's description has focus"
    );
    app.fill("[name='needs[0].description']", "Help with meals three evenings a week").await;
    app.select("[name='needs[0].outcome']", "nutrition").await;
    assert!(app.exists("#remove-need-1").await, "each need can be removed");
    // The helper adds nothing for nutrition: a need for it is listed already.
    app.click("#add-needs-from-outcomes").await;
    app.wait_for_text("#needs-status", "already has a need").await;
    assert!(!app.exists("[name='needs[1].description']").await, "no duplicate need");
    app.js("document.getElementById('section-needs').scrollIntoView({ block: 'center' }); return true").await;
    app.screenshot("assessment-needs").await;

    app.wait_for_text("#save-status", "Saved").await;
    let saved = app.invoke("assessment_get", json!({ "id": adult_id })).await.expect("get");
    assert_eq!(saved["needs"].as_array().map(Vec::len), Some(1), "the need is saved: {}", saved["needs"]);
    assert_eq!(saved["needs"][0]["description"], "Help with meals three evenings a week");
    assert_eq!(saved["needs"][0]["outcome"], "nutrition");
    let result = app.text("#determination-result").await;
    assert_eq!(result.trim(), "Eligible", "the live determination");
    let explanation = app.text("#determination-explanation").await;
    assert!(
        explanation.contains("managing and maintaining nutrition"),
        "the explanation names the outcome not achieved: {explanation}"
    );
    app.wait_for_text("#preview", "can be completed").await;
    app.screenshot("assessment-draft").await;

    // Complete it: check your answers (each part, what is left blank), then locked, with the
    // stored determination.
    app.click("#complete-assessment").await;
    app.wait_for_text("dialog.dialog", "Check your answers").await;
    app.wait_for("#check-answers").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for("#assessment-completed").await;
    app.wait_for_text("#assessment-status", "Completed").await;
    assert_eq!(app.text("#determination-result").await.trim(), "Eligible");
    assert!(app.text("#determination-explanation").await.contains("managing and maintaining nutrition"));
    assert!(!app.exists("#assessment-form").await, "a completed assessment is not editable");
    assert!(app.exists("#new-version").await, "a new version can be started");
    assert!(app.exists("#make-plan-from-assessment").await, "the next step, a support plan, is offered");
    let needs = app.text("#needs-done").await;
    assert!(needs.contains("Help with meals three evenings a week"), "the need is listed: {needs}");
    assert!(needs.contains("Managing and maintaining nutrition"), "with its outcome: {needs}");
    app.screenshot("assessment-completed").await;
    // "On this page": the parts asked, the needs and the result; a link puts focus on its heading.
    let parts = app.text("#assessment-contents").await;
    for part in ["Needs identified", "Result"] {
        assert!(parts.contains(part), "{part} in {parts}");
    }
    app.click("#assessment-contents a[href='#needs-done']").await;
    assert_eq!(app.js("return document.activeElement.id").await, json!("done-needs"));
    app.js("document.getElementById('needs-done').scrollIntoView({ block: 'center' }); return true").await;
    app.screenshot("assessment-completed-needs").await;

    // A new version: a draft, version 2, with the earlier answers and need.
    app.click("#new-version").await;
    app.wait_for("#assessment-form").await;
    app.wait_for_text(".record-head__facts", "Version 2").await;
    let v2_id = app.route_id("/assessments/").await;
    assert_ne!(v2_id, adult_id, "a new assessment");
    assert_eq!(app.text("#assessment-status").await.trim(), "Draft");
    assert_eq!(app.value("[name='answers.cared_for_who']").await, "Her husband, who has Parkinson's");
    assert!(checked(&app, "answers-outcomes-nutrition-achieved-false").await, "outcome answers copied");
    assert_eq!(app.value("[name='needs[0].description']").await, "Help with meals three evenings a week");
    assert_eq!(app.value("[name='needs[0].outcome']").await, "nutrition");
    let versions = app.text("nav.versions").await;
    assert!(versions.contains("Version 1 (completed"), "{versions}");
    assert!(versions.contains("Version 2 (draft)"), "{versions}");

    // In the new version: a need with an area but no description is refused by the core, and
    // the message shows beside that description; typing one saves it.
    app.click("#add-need").await;
    app.select("[name='needs[1].wellbeing_area']", "health").await;
    app.wait_for_text("[data-field='needs[1].description'] .field-error", "description").await;
    app.wait_for_text("#save-status", "Not saved").await;
    app.fill("[name='needs[1].description']", "Time for her own health appointments").await;
    app.wait_for_text("#save-status", "Saved").await;
    assert!(!app.exists(".field-error").await, "the message goes once saved");
    let v2 = app.invoke("assessment_get", json!({ "id": v2_id })).await.expect("get");
    assert_eq!(v2["needs"][1]["wellbeing_area"], "health", "{}", v2["needs"]);
    // Removing the first need, then the helper adds it again from the outcome answered "No".
    app.click("#remove-need-1").await;
    app.wait_for_text("#needs-status", "removed").await;
    assert_eq!(app.value("[name='needs[0].description']").await, "Time for her own health appointments");
    app.click("#add-needs-from-outcomes").await;
    app.wait_for_text("#needs-status", "1 need added").await;
    assert_eq!(
        app.value("[name='needs[1].description']").await,
        "Managing and maintaining nutrition: unable without assistance"
    );
    assert_eq!(app.value("[name='needs[1].outcome']").await, "nutrition");
    app.wait_for_text("#save-status", "Saved").await;
    let v2 = app.invoke("assessment_get", json!({ "id": v2_id })).await.expect("get");
    assert_eq!(v2["needs"].as_array().map(Vec::len), Some(2), "{}", v2["needs"]);
    assert_eq!(v2["needs"][1]["outcome"], "nutrition");

    // The record lists it.
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#assessment-history", "Eligible").await;
    let history = app.text("#assessment-history").await;
    assert!(history.contains("Completed (replaced by a newer version)"), "version 1 in the history: {history}");
    assert!(history.contains("Draft"), "version 2 in the history: {history}");
    let rows = app.js("return document.querySelectorAll('#assessment-history tbody tr').length").await;
    assert_eq!(rows, json!(2), "both versions listed");

    // A young carer's needs assessment for an adult is not offered first: it is under "Other
    // types", and starting one brings the age warning; continue anyway.
    assert!(!app.exists(".start-assessment > .button-row #start-young_carer").await, "not offered first to an adult");
    app.click("#other-assessment-types summary").await;
    app.click("#start-young_carer").await;
    app.wait_for_text("dialog.dialog", "Continue anyway").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for("#assessment-form").await;
    let draft_id = app.route_id("/assessments/").await;
    app.click("#answers-maca_yc18-1-a_lot_of_the_time").await;
    app.click("#answers-maca_yc18-2-some_of_the_time").await;
    app.click("#answers-panoc_yc20-3-never").await;
    app.fill("[name='answers.own_words']", "I help Mum every morning before school").await;
    app.wait_for_text("#save-status", "Saved").await;
    app.close().await;

    // Open the app again on the same file: the draft is there as it was left.
    let app = App::launch_with(&["--db", db_arg]).await;
    app.wait_for("#home-search").await;
    app.go(&format!("/assessments/{draft_id}")).await;
    app.wait_for("#assessment-form").await;
    assert!(checked(&app, "answers-maca_yc18-1-a_lot_of_the_time").await, "MACA item 1 kept");
    assert!(checked(&app, "answers-maca_yc18-2-some_of_the_time").await, "MACA item 2 kept");
    assert!(checked(&app, "answers-panoc_yc20-3-never").await, "PANOC item 3 kept");
    assert_eq!(app.value("[name='answers.own_words']").await, "I help Mum every morning before school");
    app.wait_for_text("#preview", "2 of 18 answered").await;
    app.close().await;
}

async fn shown(app: &App, id: &str) -> bool {
    app.js(&format!("const e = document.getElementById('{id}'); return !!e && !e.closest('[hidden]')")).await
        == Value::Bool(true)
}

/// Waits until the element `id` is shown (`true`) or hidden (`false`).
async fn wait_shown(app: &App, id: &str, want: bool) {
    for _ in 0..100 {
        if shown(app, id).await == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("#{id} should be {}", if want { "shown" } else { "hidden" });
}

#[tokio::test]
async fn a_transition_assessment_shows_its_sections_by_decision_and_an_indication_at_18() {
    let app = App::launch().await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    let year = chrono::Local::now().date_naive().year() - 16;
    let carer = app
        .invoke(
            "carer_create",
            json!({ "first_name": "Ava", "last_name": "Lindqvist", "date_of_birth": format!("01/01/{year}") }),
        )
        .await
        .expect("a carer");
    let carer_id = carer["id"].as_i64().expect("id");
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#record-name", "Ava Lindqvist").await;

    // Sixteen: no age warning. Only the decision is asked at first.
    app.click("#start-transition").await;
    app.wait_for("#assessment-form").await;
    let id = app.route_id("/assessments/").await;
    assert!(shown(&app, "section-decision").await);
    for section in ["section-not_assessing", "section-caring_role", "section-outcomes", "section-eligibility"] {
        assert!(!shown(&app, section).await, "{section} is hidden until the decision");
    }
    app.wait_for_text("#preview", "No indication yet").await;
    app.click("#answers-likely_needs_after_18-true").await;
    app.click("#answers-significant_benefit-true").await;
    app.fill("[name='answers.significant_benefit_reasons']", "Sixth form next year; adult support takes months").await;
    app.select("[name='answers.consent']", "given").await;

    // Not assessing: the reasons and advice appear; assess now: the assessment appears instead.
    app.select("[name='answers.assess_decision']", "not_assessing").await;
    wait_shown(&app, "section-not_assessing", true).await;
    assert!(!shown(&app, "section-caring_role").await);
    // Likely needs, significant benefit and consent: not assessing is a problem (s63(1)).
    app.wait_for_text("#preview", "must be carried out").await;
    app.select("[name='answers.assess_decision']", "assess").await;
    wait_shown(&app, "section-caring_role", true).await;
    wait_shown(&app, "section-not_assessing", false).await;
    assert!(shown(&app, "section-eligibility").await);
    // Refused consent while assessing: a problem, until abuse or neglect is recorded, which
    // asks for its reasons.
    app.select("[name='answers.consent']", "refused").await;
    app.wait_for_text("#preview", "s63(4)").await;
    assert!(!shown(&app, "answers-abuse_or_neglect_reasons").await);
    app.select("[name='answers.consent']", "refused_abuse_or_neglect").await;
    wait_shown(&app, "answers-abuse_or_neglect_reasons", true).await;
    app.select("[name='answers.consent']", "given").await;
    wait_shown(&app, "answers-abuse_or_neglect_reasons", false).await;
    app.wait_for_text("#save-status", "Saved").await;

    // The rest, as a script would send it; then the page again.
    let outcomes: serde_json::Map<String, Value> = app
        .assessment_list_codes("eligibility_outcome")
        .await
        .into_iter()
        .map(|o| {
            let a = if o == "work_education_volunteering" {
                json!({"achieved": false, "reasons": ["significant_pain_distress_anxiety"]})
            } else {
                json!({"achieved": true})
            };
            (o, a)
        })
        .collect();
    let wellbeing: serde_json::Map<String, Value> = app
        .assessment_list_codes("wellbeing_area")
        .await
        .into_iter()
        .map(|a| {
            let impact = if a == "work_education_recreation" { "significant" } else { "some" };
            (a, json!({"impact": impact}))
        })
        .collect();
    app.invoke(
        "assessment_save",
        json!({"id": id, "answers": {
            "cared_for_who": "Her dad, who has MS",
            "care_provided": "Medication, meals, her brother's school run",
            "able_now": true, "able_after_18": true, "willing_now": true, "willing_after_18": false,
            "outcomes": outcomes, "wellbeing": wellbeing,
            "needs_from_necessary_care": true, "health_deteriorating_or_at_risk": false,
            "significant_impact_on_wellbeing": true,
            "impact_reasoning": "College away from home would not be possible while caring every evening",
            "carer_outcomes": "I want to go to college in Leeds",
            "support_would_help": true,
            "work_education_now": "Year 12, A levels; late some mornings",
            "work_education_after_18": "College in Leeds",
            "involved": ["young_carer", "parent"],
            "advice_given": "Young adult carers group; the college's carer support"
        }}),
    )
    .await
    .expect("saved");
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#assessment-history", "Draft").await;
    app.go(&format!("/assessments/{id}")).await;
    app.wait_for_text("#determination-result", "Likely to be eligible at 18").await;
    assert!(app.text("#determination-kind").await.contains("Indication, not a determination"));
    let explanation = app.text("#determination-explanation").await;
    assert!(explanation.contains("engaging in work, training, education or volunteering"), "{explanation}");
    assert!(explanation.contains("not a determination"), "{explanation}");
    app.wait_for_text("#preview", "can be completed").await;
    app.js("document.getElementById('section-eligibility').scrollIntoView({ block: 'start' }); return true").await;
    app.screenshot("transition-draft").await;

    app.click("#complete-assessment").await;
    app.wait_for_text("dialog.dialog", "Check your answers").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for("#assessment-completed").await;
    assert_eq!(app.text("#determination-result").await.trim(), "Likely to be eligible at 18");
    assert!(app.text("#determination-kind").await.contains("Indication"));
    assert!(!app.exists("#done-not_assessing").await, "a section not asked is not shown");
    app.screenshot("transition-completed").await;

    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#assessment-history", "Indication: likely to be eligible at 18").await;
    app.close().await;
}
