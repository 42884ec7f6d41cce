//! WCAG 2.2 AA, checked by axe-core on every screen of the real window: first run, home, the
//! register with results, a carer's record, the carer form (empty and showing errors), the
//! cared-for page, assessments, support plans (draft, with errors, agreed, ending, a review,
//! the updated plan of a review, the work list) and settings. Any violation fails the test
//! and is printed with the elements at fault. (axe checks what a machine can: labels, names,
//! roles, contrast, focus order hints. Keyboard use is covered by the journeys; a person with
//! a screen reader should still try it.)

use carers_desk_e2e::App;
use serde_json::{json, Value};

#[tokio::test]
async fn every_screen_meets_wcag_2_2_aa_as_far_as_axe_can_tell() {
    let mut failures = Vec::new();

    // First run.
    let app = App::launch().await;
    app.wait_for("#load-demo").await;
    app.check_accessible("first run", &mut failures).await;
    app.click("#load-demo").await;

    // Home with counts.
    app.wait_for_text("main", "Young carers").await;
    app.check_accessible("home", &mut failures).await;

    // Register with results.
    app.click("#nav-carers").await;
    app.fill("#search", "a").await;
    app.wait_for_text("#search-count", "carer").await;
    app.check_accessible("register", &mut failures).await;

    // A carer's record with someone they care for and notes.
    let found: Value = app.invoke("carer_search", json!({ "limit": 300 })).await.expect("search");
    let mut with_people = None;
    for c in found["results"].as_array().expect("results") {
        let rec = app.invoke("carer_get", json!({ "id": c["id"] })).await.expect("record");
        if !rec["caring"].as_array().is_some_and(|a| a.is_empty())
            && !rec["notes"].as_array().is_some_and(|a| a.is_empty())
        {
            with_people = Some(rec);
            break;
        }
    }
    let rec = with_people.expect("a demo carer with people and notes");
    app.go(&format!("/carers/{}", rec["id"])).await;
    app.wait_for("#carer-record").await;
    app.wait_for_text("#people-they-care-for", "Relationship").await;
    app.check_accessible("carer record", &mut failures).await;

    // The add-a-cared-for-person form open on the record.
    app.click("#add-cared-for").await;
    app.wait_for("#cared-for-form").await;
    app.check_accessible("add a cared-for person", &mut failures).await;

    // The cared-for page.
    app.go(&format!("/cared-for/{}", rec["caring"][0]["person"]["id"])).await;
    app.wait_for_text("main", "Cared for by").await;
    app.check_accessible("cared-for person", &mut failures).await;

    // The carer form, empty and then with errors.
    app.click("#nav-new-carer").await;
    app.wait_for("#carer-form").await;
    app.check_accessible("new carer form", &mut failures).await;
    app.fill("#carer-form [name=postcode]", "nonsense").await;
    app.click("#save-carer").await;
    app.wait_for("#error-summary").await;
    app.check_accessible("carer form with errors", &mut failures).await;

    // Assessments: an adult draft with its live determination, the same completed, and a young
    // carer's draft with scores and the safeguarding prompt; then the record with the history
    // and the score chart.
    let adult = app
        .invoke("carer_create", json!({ "first_name": "Axe", "last_name": "Adult", "date_of_birth": "01/02/1970" }))
        .await
        .expect("carer");
    let a = app.invoke("assessment_start", json!({ "carer_id": adult["id"], "type": "adult" })).await.expect("start");
    // The core's own lists of outcomes and wellbeing areas.
    let outcomes: serde_json::Map<String, Value> = app
        .assessment_list_codes("eligibility_outcome")
        .await
        .iter()
        .map(|o| {
            (
                o.to_string(),
                if *o == "nutrition" {
                    json!({ "achieved": false, "reasons": ["needs_assistance"] })
                } else {
                    json!({ "achieved": true })
                },
            )
        })
        .collect();
    let wellbeing: serde_json::Map<String, Value> = app
        .assessment_list_codes("wellbeing_area")
        .await
        .iter()
        .map(|w| (w.to_string(), json!({ "impact": if *w == "health" { "significant" } else { "none" } })))
        .collect();
    let answers = json!({
        "cared_for_who": "Husband", "care_provided": "Personal care", "hours_band": "h50_plus",
        "able_to_continue": true, "willing_to_continue": true, "working_well": "Family help",
        "wellbeing": wellbeing, "outcomes": outcomes, "needs_from_necessary_care": true,
        "health_deteriorating_or_at_risk": false, "significant_impact_on_wellbeing": true,
        "impact_reasoning": "Exhausted", "carer_outcomes": "I want sleep", "involved": ["carer"],
        "consent_to_assessment": true,
    });
    let needs = json!([
        { "description": "Help with meals", "outcome": "nutrition", "wellbeing_area": "health" },
        { "description": "A break once a week" },
    ]);
    app.invoke("assessment_save", json!({ "id": a["id"], "answers": answers, "needs": needs })).await.expect("save");
    app.go(&format!("/assessments/{}", a["id"])).await;
    app.wait_for_text("#determination-result", "Eligible").await;
    app.check_accessible("adult assessment draft", &mut failures).await;
    // The needs editor with a need just added (blank) and the helper's message.
    app.click("#add-need").await;
    app.wait_for("[name='needs[2].description']").await;
    app.click("#add-needs-from-outcomes").await;
    app.wait_for_text("#needs-status", "already has a need").await;
    app.check_accessible("adult assessment draft, needs editor", &mut failures).await;
    app.invoke("assessment_complete", json!({ "id": a["id"] })).await.expect("complete");
    app.go("/").await;
    app.go(&format!("/assessments/{}", a["id"])).await;
    app.wait_for("#assessment-completed").await;
    app.check_accessible("adult assessment completed", &mut failures).await;

    let young = app
        .invoke("carer_create", json!({ "first_name": "Axe", "last_name": "Young", "date_of_birth": "01/02/2013" }))
        .await
        .expect("carer");
    let y =
        app.invoke("assessment_start", json!({ "carer_id": young["id"], "type": "young_carer" })).await.expect("start");
    let maca: serde_json::Map<String, Value> = (1..=18)
        .map(|i| (i.to_string(), json!(if i % 3 == 0 { "a_lot_of_the_time" } else { "some_of_the_time" })))
        .collect();
    let panoc: serde_json::Map<String, Value> = (1..=20)
        .map(|i| (i.to_string(), json!(if i % 2 == 0 && i != 16 { "never" } else { "some_of_the_time" })))
        .collect();
    let yanswers = json!({
        "cared_for_who": "Mum", "care_nature": "Shopping", "care_amount": "Daily", "family_reliance": "a_lot",
        "impact_wellbeing": "Tired", "impact_education": "Late", "impact_development": "Little time",
        "tasks_excessive_or_inappropriate": false, "tasks_reasons": "None", "caring_appropriate": true,
        "own_words": "It is fine", "involved": ["young_carer"], "maca_yc18": maca, "panoc_yc20": panoc,
    });
    app.invoke("assessment_save", json!({ "id": y["id"], "answers": yanswers })).await.expect("save");
    app.go(&format!("/assessments/{}", y["id"])).await;
    app.wait_for("#safeguarding-alert").await;
    app.check_accessible("young carer assessment draft", &mut failures).await;
    app.screenshot("assessment-young-carer-draft").await;
    app.invoke("assessment_complete", json!({ "id": y["id"] })).await.expect("complete");
    app.go(&format!("/assessments/{}", y["id"])).await;
    app.wait_for("#assessment-completed").await;
    app.check_accessible("young carer assessment completed", &mut failures).await;
    app.go(&format!("/carers/{}", young["id"])).await;
    app.wait_for(".score-history").await;
    app.check_accessible("carer record with assessments and score chart", &mut failures).await;
    app.client.execute("document.querySelector('.score-history').scrollIntoView()", vec![]).await.expect("scroll");
    app.screenshot("assessment-score-chart").await;

    // Support plans: a draft made from the completed adult assessment (needs, determination),
    // the carer record listing it, a light-touch plan agreed (the readable view with action
    // progress), a review of it, the updated plan draft inside the review, and the work list.
    let draft =
        app.invoke("plan_create", json!({ "carer_id": adult["id"], "assessment_id": a["id"] })).await.expect("plan");
    app.go(&format!("/plans/{}", draft["id"])).await;
    app.wait_for("#plan-form").await;
    app.wait_for("#plan-determination").await;
    app.check_accessible("support plan draft", &mut failures).await;
    app.click("#plan-parts a[href='#plan-needs']").await;
    app.screenshot("plan-draft-from-assessment").await;
    app.click("#agree-plan").await;
    app.wait_for("#error-summary").await;
    app.check_accessible("support plan draft with errors", &mut failures).await;
    let today = chrono::Local::now().date_naive().format("%d/%m/%Y").to_string();
    let light = app.invoke("plan_create", json!({ "carer_id": adult["id"], "light_touch": true })).await.expect("plan");
    app.invoke(
        "plan_save",
        json!({
            "id": light["id"], "outcomes": ["Know where to get help"], "advice_given": "Carers' groups",
            "actions": [{ "description": "Send the leaflet", "who": "Worker" }],
            "start_date": today, "agreed_on": today, "agreement_method": "in_person", "worker_name": "Sam",
            "contingency": { "if_cannot_care": "Sister", "contacts": [{ "name": "Ruth", "relationship": "Sister", "phone": "01234 567890" }] },
        }),
    )
    .await
    .expect("save");
    app.invoke("plan_agree", json!({ "id": light["id"] })).await.expect("agree");
    app.go(&format!("/carers/{}", adult["id"])).await;
    app.wait_for("#plan-list table").await;
    app.check_accessible("carer record with support plans", &mut failures).await;
    app.go(&format!("/plans/{}", light["id"])).await;
    app.wait_for("#plan-view").await;
    app.check_accessible("support plan agreed", &mut failures).await;
    app.click("#end-plan").await;
    app.wait_for("#end-dialog").await;
    app.check_accessible("support plan, end dialog", &mut failures).await;
    app.client
        .execute("document.querySelector('#end-dialog .button--secondary').click()", vec![])
        .await
        .expect("close");
    let review =
        app.invoke("plan_review_start", json!({ "plan_id": light["id"], "planned": true })).await.expect("review");
    app.go(&format!("/reviews/{}", review["id"])).await;
    app.wait_for("#review-form").await;
    app.check_accessible("review", &mut failures).await;
    app.click("#complete-review").await;
    app.wait_for("#error-summary").await;
    app.check_accessible("review with errors", &mut failures).await;
    app.go(&format!("/plans/{}", review["new_plan_id"])).await;
    app.wait_for("#back-to-review").await;
    app.check_accessible("updated plan inside a review", &mut failures).await;
    app.go("/plan-work").await;
    app.wait_for("#reviews-due-soon").await;
    app.check_accessible("support plan work list", &mut failures).await;

    // Settings.
    app.click("#nav-settings").await;
    app.wait_for("main form").await;
    app.check_accessible("settings", &mut failures).await;

    app.close().await;
    assert!(failures.is_empty(), "accessibility violations:\n{}", failures.join("\n"));
}
