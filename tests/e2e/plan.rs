//! Issue 4's end-to-end test: a support worker, in the window, makes a light-touch support plan
//! from a carer's record, fills it in, tries to agree it too early and sees what is missing
//! beside the fields and in the error summary, puts it right and agrees it (the first review is
//! due 8 weeks after the start), then reviews it: records the review, is told the updated plan
//! still needs the carer's agreement (with a link to it), fills that in, completes the review,
//! and sees the next review move to the review date plus 12 months. Screenshots:
//! `plan-draft.png`, `plan-agreed.png`, `plan-review.png`, `plan-reviewed.png` and
//! `plan-work.png` in `tests/e2e/screenshots/`.

use carers_desk_e2e::App;
use chrono::{Days, Local, Months};
use serde_json::{json, Value};

async fn go(app: &App, route: &str) {
    let url = app.client.current_url().await.expect("the window has a URL");
    let base = url.as_str().split('#').next().unwrap_or_default().to_string();
    app.client.goto(&format!("{base}#{route}")).await.expect("navigate");
}

async fn js(app: &App, script: &str) -> Value {
    app.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn current_id(app: &App, prefix: &str) -> i64 {
    let url = app.client.current_url().await.expect("url");
    let hash = url.fragment().unwrap_or_default().to_string();
    hash.trim_start_matches(prefix).parse().unwrap_or_else(|_| panic!("not on {prefix}: {hash}"))
}

#[tokio::test]
async fn a_light_touch_plan_is_made_agreed_and_reviewed_in_the_window() {
    let today = Local::now().date_naive();
    let uk = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let first_review = uk(today + Days::new(56));
    let after_review = uk(today.checked_add_months(Months::new(12)).expect("a date a year on"));
    let today_uk = uk(today);

    let app = App::launch().await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    let carer = app
        .invoke("carer_create", json!({ "first_name": "Grace", "last_name": "Adeyemi", "date_of_birth": "03/04/1975" }))
        .await
        .expect("a carer");
    let carer_id = carer["id"].as_i64().expect("id");

    // The record: no plans yet; make a light-touch one (there is no assessment).
    go(&app, &format!("/carers/{carer_id}")).await;
    app.wait_for_text("#support-plans", "No support plans yet").await;
    app.click("#make-plan").await;
    app.wait_for("#plan-chooser-form").await;
    app.click("#plan-basis-light").await;
    app.click("#create-plan").await;
    app.wait_for("#plan-form").await;
    app.wait_for_text("#plan-status", "Draft").await;
    let plan_id = current_id(&app, "/plans/").await;

    // Fill in what a light-touch plan needs, as a worker would.
    app.click("#add-outcome").await;
    app.fill("[name='outcomes[0]']", "I want to know what help there is, so I can keep going").await;
    app.click("#add-action").await;
    let catalogue = app.invoke("support_catalogue", json!({})).await.expect("catalogue");
    let support = catalogue["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["active"] == true))
        .and_then(|i| i["code"].as_str())
        .expect("an offered support")
        .to_string();
    app.select("[name='actions[0].support']", &support).await;
    app.fill("[name='actions[0].description']", "Send the carers' groups leaflet and the emergency card form").await;
    app.fill("[name='actions[0].who']", "Sam (support worker)").await;
    app.fill("[name='advice_given']", "Carers' groups nearby, the emergency card scheme, benefits advice line").await;
    app.fill("[name='contingency.if_cannot_care']", "Her sister Ruth comes to stay").await;
    app.fill("[name='start_date']", &today_uk).await;
    app.wait_for_text("#save-status", "Saved").await;
    app.screenshot("plan-draft").await;

    // Agreeing too early: the error summary, focused, and each message beside its field.
    app.click("#agree-plan").await;
    app.wait_for("#error-summary").await;
    let summary = app.text("#error-summary").await;
    assert!(summary.contains("There is a problem"), "{summary}");
    assert!(summary.contains("Enter the date the carer agreed the plan"), "{summary}");
    assert!(summary.contains("Choose how the carer gave their agreement"), "{summary}");
    assert!(app.exists("#error-summary a[href='#agreed_on']").await, "the summary links to the field");
    app.wait_for_text("[data-field='agreed_on'] .field-error", "Enter the date the carer agreed the plan").await;
    assert_eq!(js(&app, "return document.activeElement && document.activeElement.id").await, json!("error-summary"));
    let still = app.invoke("plan_get", json!({ "id": plan_id })).await.expect("plan");
    assert_eq!(still["status"], "draft", "nothing agreed");
    assert_eq!(still["outcomes"][0], "I want to know what help there is, so I can keep going", "autosaved");
    assert_eq!(still["actions"][0]["support"], support.as_str(), "autosaved");

    // Put it right and agree.
    app.click("#error-summary a[href='#agreed_on']").await;
    app.fill("[name='agreed_on']", &today_uk).await;
    app.select("[name='agreement_method']", "in_person").await;
    app.fill("[name='worker_name']", "Sam Patel").await;
    app.wait_for_text("#save-status", "Saved").await;
    app.wait_for("#plan-ready").await;
    app.click("#agree-plan").await;
    app.wait_for("#plan-view").await;
    app.wait_for_text("#plan-status", "Agreed").await;
    let due = app.text("#plan-review-due-date").await;
    assert_eq!(due, first_review, "the first light-touch review is due 8 weeks after the start");
    app.wait_for_text("#plan-facts", &format!("Plan start: {today_uk}")).await;
    app.screenshot("plan-agreed").await;

    // The record lists it with the review date.
    go(&app, &format!("/carers/{carer_id}")).await;
    app.wait_for_text("#plan-list", &first_review).await;
    app.click(&format!("#plan-list tr[data-plan-id='{plan_id}'] a")).await;
    app.wait_for("#start-review").await;

    // Review it.
    app.click("#start-review").await;
    app.wait_for("#review-form").await;
    let review_id = current_id(&app, "/reviews/").await;
    app.fill("[name='review_date']", &today_uk).await;
    app.click("#outcomes-0-progress-partly_achieved").await;
    app.fill("[name='outcomes[0].note']", "Goes to the Tuesday group now").await;
    app.select("[name='actions[0].status']", "done").await;
    app.fill("[name='caring_changes']", "No change").await;
    app.click("#new_assessment_needed-false").await;
    app.wait_for_text("#save-status", "Saved").await;
    app.wait_for_text("#next-review-due", &after_review).await;
    app.screenshot("plan-review").await;

    // The updated plan still needs the carer's agreement: the review says so, with a link.
    app.click("#complete-review").await;
    app.wait_for("#error-summary").await;
    let summary = app.text("#error-summary").await;
    assert!(summary.contains("In the updated plan"), "{summary}");
    app.wait_for_text("#updated-plan-problems", "agreed").await;
    let review = app.invoke("plan_review_get", json!({ "id": review_id })).await.expect("review");
    assert_eq!(review["status"], "draft", "not completed");
    assert_eq!(review["outcomes"][0]["progress"], "partly_achieved", "autosaved");
    app.click("#updated-plan-problems a").await;
    app.wait_for("#plan-form").await;
    app.wait_for("#back-to-review").await;
    assert!(!app.exists("#agree-plan").await, "the updated plan is agreed by completing the review");
    app.fill("[name='agreed_on']", &today_uk).await;
    app.select("[name='agreement_method']", "phone").await;
    app.wait_for_text("#save-status", "Saved").await;
    app.click("#back-to-review").await;
    app.wait_for("#review-form").await;
    app.wait_for("#review-ready").await;
    app.click("#complete-review").await;

    // The updated plan is agreed; the next review is the review date plus 12 months.
    app.wait_for("#plan-view").await;
    app.wait_for_text("#plan-status", "Agreed").await;
    app.wait_for_text("#plan-version", "Version 2").await;
    assert_eq!(app.text("#plan-review-due-date").await, after_review, "next review a year after the review");
    app.wait_for_text("#plan-reviews", &format!("Planned review on {today_uk}")).await;
    app.wait_for_text("#plan-versions", "Version 1").await;
    app.client.execute("document.getElementById('view-actions').scrollIntoView()", vec![]).await.expect("scroll");
    let old = app.invoke("plan_get", json!({ "id": plan_id })).await.expect("old version");
    assert_eq!(old["status"], "superseded");
    app.screenshot("plan-reviewed").await;

    // Home counts lead to the work list.
    app.click("#nav-home").await;
    app.wait_for("#home-plan-counts").await;
    app.click("#home-plan-work").await;
    app.wait_for("#reviews-due-soon").await;
    app.screenshot("plan-work").await;

    app.close().await;
}
