//! A support worker, in the window, makes a light-touch support plan
//! from a carer's record, fills it in, tries to agree it too early and sees what is missing
//! beside the fields and in the error summary, puts it right and agrees it (the first review is
//! due 8 weeks after the start), then reviews it: records the review, is told the updated plan
//! still needs the carer's agreement (with a link to it), fills that in, completes the review,
//! and sees the next review move to the review date plus 12 months. Screenshots:
//! `plan-draft.png`, `plan-agreed.png`, `plan-review.png`, `plan-reviewed.png` and
//! `plan-work.png` in `tests/e2e/screenshots/`. Last, two older plans made through the core show up
//! in the home counts and the work list (a review overdue, one due soon, actions overdue).

use carers_desk_e2e::App;
use chrono::{Days, Local, Months};
use serde_json::{json, Value};

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
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#support-plans", "No support plans yet").await;
    app.click("#make-plan").await;
    app.wait_for("#plan-chooser-form").await;
    app.click("#plan-basis-light").await;
    app.click("#create-plan").await;
    app.wait_for("#plan-form").await;
    app.wait_for_text("#plan-status", "Draft").await;
    let plan_id = app.route_id("/plans/").await;

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
    app.js("window.scrollTo(0, 0)").await;
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
    assert_eq!(app.js("return document.activeElement && document.activeElement.id").await, json!("error-summary"));
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
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for_text("#plan-list", &first_review).await;
    app.js("document.getElementById('support-plans').scrollIntoView()").await;
    app.screenshot("plan-record-section").await;
    app.click(&format!("#plan-list tr[data-plan-id='{plan_id}'] a")).await;
    app.wait_for("#start-review").await;

    // Review it.
    app.click("#start-review").await;
    app.wait_for("#review-form").await;
    let review_id = app.route_id("/reviews/").await;
    app.fill("[name='review_date']", &today_uk).await;
    app.click("#outcomes-0-progress-partly_achieved").await;
    app.fill("[name='outcomes[0].note']", "Goes to the Tuesday group now").await;
    app.select("[name='actions[0].status']", "done").await;
    app.fill("[name='caring_changes']", "No change").await;
    app.click("#new_assessment_needed-false").await;
    app.wait_for_text("#save-status", "Saved").await;
    app.wait_for_text("#next-review-due", &after_review).await;
    app.js("window.scrollTo(0, 0)").await;
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
    app.click("#plan-reviews a").await;
    app.wait_for("#review-view").await;
    app.wait_for_text("#review-view", "Partly achieved").await;
    app.screenshot("plan-review-completed").await;
    app.client.back().await.expect("back");
    app.wait_for("#plan-view").await;
    let old = app.invoke("plan_get", json!({ "id": plan_id })).await.expect("old version");
    assert_eq!(old["status"], "superseded");
    app.screenshot("plan-reviewed").await;

    // Two older plans (made through the core, dated in the past): one review overdue with an
    // action overdue, one review due within the fortnight. Home counts them and links to the
    // work list, whose rows link to the plans.
    let older = |weeks: u64| uk(today - Days::new(weeks * 7));
    let mut older_plans = Vec::new();
    for (first, last, weeks) in [("Tomasz", "Nowak", 26), ("Ifeoma", "Bello", 7)] {
        let c = app
            .invoke("carer_create", json!({ "first_name": first, "last_name": last, "date_of_birth": "01/01/1960" }))
            .await
            .expect("a carer");
        let p = app.invoke("plan_create", json!({ "carer_id": c["id"], "light_touch": true })).await.expect("plan");
        app.invoke(
            "plan_save",
            json!({
                "id": p["id"], "outcomes": ["Have a break"], "advice_given": "Short breaks scheme",
                "actions": [{ "description": "Refer to the short breaks scheme", "who": "Sam", "due_on": older(weeks - 2) }],
                "start_date": older(weeks), "agreed_on": older(weeks), "agreement_method": "phone",
            }),
        )
        .await
        .expect("save");
        app.invoke("plan_agree", json!({ "id": p["id"] })).await.expect("agree");
        older_plans.push(p["id"].as_i64().expect("id"));
    }
    app.click("#nav-home").await;
    app.wait_for_text("[data-count='reviews_overdue'] dd", "1").await;
    app.wait_for_text("[data-count='reviews_due_soon'] dd", "1").await;
    app.wait_for_text("[data-count='actions_overdue'] dd", "2").await;
    app.screenshot("plan-home").await;
    app.click("#home-reviews-overdue").await;
    app.wait_for_text("#reviews-overdue", "Tomasz Nowak").await;
    app.wait_for_text("#reviews-due-soon", "Ifeoma Bello").await;
    app.wait_for_text("#actions-overdue", "Refer to the short breaks scheme").await;
    app.screenshot("plan-work").await;
    app.click(&format!("#reviews-overdue tr[data-plan-id='{}'] a.result-link", older_plans[0])).await;
    app.wait_for("#plan-view").await;
    app.wait_for_text("#plan-review-due", "Overdue").await;

    app.close().await;
}

/// Replaces the save dialog (a native window WebDriver cannot reach) with one that answers
/// `answer` (a path, or null for Cancel), and records what the viewer was asked to open.
async fn stub_save_dialog(app: &App, answer: Value) {
    let script = format!(
        "window.__TAURI__.dialog.save = async (o) => {{ window.__askedSave = o; return {answer}; }};
         window.__realOpenPath = window.__realOpenPath || window.__TAURI__.opener.openPath;
         window.__TAURI__.opener.openPath = async (p) => {{ window.__opened = p; }};
         return true;"
    );
    assert_eq!(app.js(&script).await, json!(true), "the plugins' JS can be stubbed");
}

#[tokio::test]
async fn an_agreed_plan_is_printed_progressed_reviewed_unplanned_versioned_and_ended() {
    let today = Local::now().date_naive().format("%d/%m/%Y").to_string();
    let app = App::launch().await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    let carer = app
        .invoke("carer_create", json!({ "first_name": "Priya", "last_name": "Shah", "date_of_birth": "09/09/1980" }))
        .await
        .expect("a carer");
    let plan = app.invoke("plan_create", json!({ "carer_id": carer["id"], "light_touch": true })).await.expect("plan");
    let plan_id = plan["id"].as_i64().expect("id");
    app.invoke(
        "plan_save",
        json!({
            "id": plan_id, "outcomes": ["Sleep through the night"], "advice_given": "Night sitting services",
            "actions": [{ "description": "Ask about night sitting", "who": "Sam" }],
            "start_date": today, "agreed_on": today, "agreement_method": "in_person", "worker_name": "Sam",
            "contingency": { "if_cannot_care": "Her son stays over", "access": "Key safe by the back door: code held by her son" },
        }),
    )
    .await
    .expect("save");
    app.invoke("plan_agree", json!({ "id": plan_id })).await.expect("agree");
    app.go(&format!("/plans/{plan_id}")).await;
    app.wait_for("#plan-view").await;

    // Progress on an action between reviews.
    let action_id = app.invoke("plan_get", json!({ "id": plan_id })).await.expect("plan")["actions"][0]["id"]
        .as_i64()
        .expect("action id");
    app.select(&format!("#action-form-{action_id} [name=status]"), "in_progress").await;
    app.fill(&format!("#action-form-{action_id} [name=notes]"), "Phoned the service, waiting to hear").await;
    app.click(&format!("#save-action-{action_id}")).await;
    app.wait_for_text(&format!("#action-form-{action_id}"), "Saved").await;
    let saved = app.invoke("plan_get", json!({ "id": plan_id })).await.expect("plan");
    assert_eq!(saved["actions"][0]["status"], "in_progress");
    assert_eq!(saved["actions"][0]["notes"], "Phoned the service, waiting to hear");

    // Printing: the dialog's answer is where the PDF goes; then the viewer is asked to open it.
    let pdf = app.temp_dir().join("SP-000001 support plan.pdf");
    stub_save_dialog(&app, json!(pdf.to_str().expect("UTF-8"))).await;
    app.click("#print-plan").await;
    app.wait_for_text("#print-saved", "Saved to").await;
    let bytes = std::fs::read(&pdf).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF"), "a PDF file");
    assert_eq!(app.js("return window.__askedSave.defaultPath").await, json!("SP-000001 support plan.pdf"));
    assert_eq!(app.js("return window.__opened").await, json!(pdf.to_str().expect("UTF-8")));
    // Cancelling the dialog does nothing.
    stub_save_dialog(&app, Value::Null).await;
    app.click("#print-contingency").await;
    app.wait_gone("#print-saved").await;
    assert!(!app.temp_dir().join("SP-000001 contingency plan.pdf").exists());
    // The window may open PDFs only: anything else is refused by the capability.
    let refused = app
        .client
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1];
                 window.__realOpenPath({:?}).then(() => done('opened'), (e) => done('refused: ' + e));",
                app.db_path().to_str().expect("UTF-8")
            ),
            vec![],
        )
        .await
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|e| format!("refused: {e}"));
    assert!(refused.contains("Not allowed"), "only PDFs may be opened, not the database: {refused}");

    // An unplanned review needs a reason; cancelling it leaves the plan agreed as it was.
    app.click("#start-unplanned-review").await;
    app.wait_for("#unplanned-dialog").await;
    app.click("#unplanned-dialog-submit").await;
    app.wait_for("#unplanned-dialog #error-summary").await;
    app.click("#reason-change_of_circumstances").await;
    app.click("#unplanned-dialog-submit").await;
    app.wait_for("#review-form").await;
    app.wait_for_text("#review-title", "Unplanned review").await;
    app.click("#cancel-review").await;
    app.click("dialog .button--warning").await;
    app.wait_for("#plan-view").await;
    app.wait_for_text("#plan-status", "Agreed").await;

    // A new version is a draft copy; discarding it goes back to the agreed version.
    app.click("#new-plan-version").await;
    app.wait_for("#plan-form").await;
    app.wait_for_text("#plan-version", "Version 2").await;
    app.click("#discard-plan").await;
    app.click("dialog .button--warning").await;
    app.wait_for("#plan-view").await;
    app.wait_for_text("#plan-version", "Version 1").await;

    // Ending the plan.
    app.click("#end-plan").await;
    app.wait_for("#end-dialog").await;
    app.select("#end-dialog [name=reason]", "needs_met").await;
    app.click("#end-dialog-submit").await;
    app.wait_for_text("#plan-status", "Ended").await;
    assert!(!app.exists("#start-review").await, "an ended plan is not reviewed");

    // The support catalogue in settings: errors by field, then a new entry saved.
    app.click("#nav-settings").await;
    app.wait_for("#catalogue-form").await;
    app.click("#add-catalogue-item").await;
    let last = app.js("return document.querySelectorAll('#catalogue-list > li').length - 1").await;
    let i = last.as_i64().expect("an index");
    app.click("#save-catalogue").await;
    app.wait_for("#catalogue-form #error-summary").await;
    app.wait_for(&format!("[data-field='items[{i}].label'] .field-error")).await;
    app.fill(&format!("[name='items[{i}].label']"), "Peer support by phone").await;
    app.select(&format!("[name='items[{i}].group']"), "information").await;
    app.select(&format!("[name='items[{i}].suits']"), "all").await;
    app.click("#save-catalogue").await;
    app.wait_for_text("#flash", "Support catalogue saved").await;
    app.js("document.getElementById('support-catalogue').scrollIntoView()").await;
    app.screenshot("plan-settings-catalogue").await;
    let catalogue = app.invoke("support_catalogue", json!({})).await.expect("catalogue");
    assert!(catalogue["items"].as_array().expect("items").iter().any(|x| x["label"] == "Peer support by phone"));

    app.close().await;
}
