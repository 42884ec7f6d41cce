//! The end-to-end journey: a member of staff opens Carers Desk for the first time, adds a young
//! carer (getting the postcode wrong first), records the person they care for and a case note,
//! then finds the carer again in the register, where the record names everyone else who cares
//! for the same person. Assertions are on the page's text, not pixels;
//! a screenshot of the record page is saved as `screenshots/record-page.png`.
//!
//! Run: `cargo build -p carers-desk-app && xvfb-run -a cargo test -p carers-desk-e2e`.

use carers_desk_e2e::App;
use serde_json::{json, Value};

const FIRST: &str = "Amira";
const LAST: &str = "Quennell";
const BAD_POSTCODE: &str = "SW1A 1A";

/// The core's own message for a field, from a command that fails validation (and so changes
/// nothing): the page must show exactly what the core says.
async fn core_message(app: &App, command: &str, args: Value, field: &str) -> String {
    let err = app.invoke(command, args).await.expect_err("the core should refuse these arguments");
    let errors = err["errors"].as_array().cloned().unwrap_or_default();
    let found = errors
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("the core gave no error for {field}: {err}"));
    found["message"].as_str().unwrap_or_default().to_string()
}

/// `id` of the element that has focus.
async fn focused_id(app: &App) -> String {
    match app.client.execute("return document.activeElement ? document.activeElement.id : ''", vec![]).await {
        Ok(Value::String(id)) => id,
        other => panic!("cannot read the focused element: {other:?}"),
    }
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

#[tokio::test]
async fn a_new_carer_from_first_run_to_the_register() {
    let app = App::launch().await;

    // First run: a fresh database asks how to start.
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    assert_eq!(focused_id(&app).await, "home-search", "the home search has focus on arrival");

    // Add a carer, with a postcode that is not a postcode.
    app.click("#nav-new-carer").await;
    app.wait_for("#carer-form").await;
    app.fill("#carer-form [name=first_name]", FIRST).await;
    app.fill("#carer-form [name=last_name]", LAST).await;
    app.fill("#carer-form [name=preferred_name]", "Mira").await;
    app.fill("#carer-form [name=date_of_birth]", "14/05/2011").await;
    app.select("#carer-form [name=gender]", "female").await;
    app.fill("#carer-form [name=address_line1]", "12 Example Road").await;
    app.fill("#carer-form [name=town]", "London").await;
    app.fill("#carer-form [name=postcode]", BAD_POSTCODE).await;
    app.fill("#carer-form [name=phone]", "07700 900123").await;
    // The school is not typed here: it is a link to a school record, made from the record.
    assert!(!app.exists("#carer-form [name=school]").await, "the carer form has no free-text school field");
    app.select("#carer-form [name=referral_source]", "school").await;
    app.click("#save-carer").await;

    let expected = core_message(
        &app,
        "carer_create",
        json!({ "first_name": FIRST, "last_name": LAST, "date_of_birth": "14/05/2011", "postcode": BAD_POSTCODE }),
        "postcode",
    )
    .await;
    let summary = app.wait_for_text("#error-summary", "There is a problem").await;
    assert!(contains_ci(&summary, &expected), "summary {summary:?} lacks the core's message {expected:?}");
    let beside = app.text("#error-postcode").await;
    assert!(contains_ci(&beside, &expected), "field error {beside:?} lacks {expected:?}");
    assert_eq!(focused_id(&app).await, "error-summary", "the error summary takes focus");
    assert_eq!(app.value("#carer-form [name=first_name]").await, FIRST, "what was typed is kept");
    assert_eq!(
        app.client
            .find(fantoccini::Locator::Css("#carer-form [name=postcode]"))
            .await
            .expect("postcode input")
            .attr("aria-invalid")
            .await
            .expect("aria-invalid"),
        Some("true".to_string())
    );

    // Fix it and save: the record page.
    app.fill("#carer-form [name=postcode]", "SW1A 1AA").await;
    app.click("#save-carer").await;
    app.wait_for("#carer-record").await;
    app.wait_for_text("#record-name", &format!("{FIRST} {LAST}")).await;
    app.wait_for_text("#flash", "Saved").await;
    let record = app.text("#carer-record").await;
    assert!(record.contains("SW1A 1AA"), "the postcode is shown: {record}");
    assert!(record.contains("14/05/2011"), "dates are shown DD/MM/YYYY: {record}");
    assert!(record.contains("Young carer"), "the category is shown: {record}");

    // The person she cares for.
    app.click("#add-cared-for").await;
    app.wait_for("#cared-for-form").await;
    app.fill("#cared-for-form [name='person.first_name']", "Grace").await;
    app.fill("#cared-for-form [name='person.last_name']", LAST).await;
    app.fill("#cared-for-form [name='person.approximate_age']", "44").await;
    app.click("#cared-for-form [name='person.conditions'][value=mental_health]").await;
    app.select("#cared-for-form [name='link.relationship']", "parent").await;
    app.click("#cared-for-form [name='link.lives_together']").await;
    app.select("#cared-for-form [name='link.hours_band']", "h20_34").await;
    app.click("#cared-for-form [name='link.care_kinds'][value=emotional]").await;
    // "Caring since" known only to the month: a two-digit year is refused beside the field,
    // a month and year is kept as it is (no day made up) and shown so.
    app.fill("#cared-for-form [name='link.since']", "03/19").await;
    app.click("#cared-for-form button[type=submit]").await;
    let error = app.wait_for_text("#cared-for-form [data-field='link.since']", "four-digit year").await;
    assert!(error.contains("03/2019"), "the message shows what to type: {error}");
    app.fill("#cared-for-form [name='link.since']", "March 2019").await;
    app.click("#cared-for-form button[type=submit]").await;
    app.wait_gone("#cared-for-form").await;
    let people = app.wait_for_text("#people-they-care-for", &format!("Grace {LAST}")).await;
    assert!(people.contains("Parent"), "the relationship is shown: {people}");
    assert!(people.contains("Mental health"), "the condition is shown: {people}");
    assert!(people.contains("March 2019"), "caring since is shown as typed, without a day: {people}");

    // A case note, kept as typed.
    app.fill("#note-form [name=text]", "Phoned Amira after school.\nMum had a hard week.").await;
    app.click("#add-note").await;
    let notes = app.wait_for_text("#notes", "Phoned Amira after school.").await;
    assert!(notes.contains("Mum had a hard week."), "the whole note is shown: {notes}");

    // Another carer, so the search has something to leave out. He also cares for Grace, so
    // Amira's record shows the whole family.
    let zed = app
        .invoke("carer_create", json!({ "first_name": "Zed", "last_name": "Other", "date_of_birth": "01/01/1970" }))
        .await
        .expect("a second carer");
    let found = app.invoke("cared_for_search", json!({ "query": "Grace" })).await.expect("cared-for search");
    let grace = found[0]["id"].clone();
    app.invoke(
        "caring_link_create",
        json!({ "carer_id": zed["id"], "cared_for_id": grace, "link": { "relationship": "other", "hours_band": "h0_9" } }),
    )
    .await
    .expect("Zed also cares for Grace");

    // Find her again in the register.
    app.click("#nav-carers").await;
    app.wait_for_text("#search-count", "2 carers found").await;
    app.fill("#search", "Quenn").await;
    app.wait_for_text("#search-count", "1 carer found").await;
    let results = app.wait_for_text("#search-results", &format!("{FIRST} {LAST}")).await;
    assert!(!results.contains("Zed Other"), "the search leaves out other carers: {results}");
    app.click("#search-results a.result-link").await;
    app.wait_for("#carer-record").await;
    app.wait_for_text("#record-name", &format!("{FIRST} {LAST} (Mira)")).await;
    let people = app.wait_for_text("#people-they-care-for", "Also cared for by").await;
    assert!(people.contains("Zed Other"), "the other carer is named: {people}");
    assert!(!people.contains(&format!("{FIRST} {LAST}")), "the carer is not listed as her own fellow carer: {people}");
    let shot = app.screenshot("record-page").await;
    assert!(shot.exists());

    app.close().await;
}

/// A form with changes asks before it is left (the menu, Back), keeps what was typed when the
/// answer is to stay, and does not ask once saved.
#[tokio::test]
async fn a_form_with_changes_asks_before_it_is_left() {
    let app = App::launch().await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    app.click("#home-new-carer").await;
    app.wait_for("#carer-form").await;
    app.fill("#carer-form [name=first_name]", "Half").await;
    // The menu asks; staying keeps what was typed, at the same address.
    app.click("#nav-carers").await;
    app.wait_for_text("dialog.dialog", "You have changes that are not saved").await;
    app.screenshot("unsaved-changes").await;
    app.click("dialog.dialog .button--secondary").await;
    app.wait_gone("dialog.dialog").await;
    assert_eq!(app.value("#carer-form [name=first_name]").await, "Half");
    assert_eq!(app.js("return location.hash").await, serde_json::json!("#/carers/new"));
    // Back asks as well; leaving goes.
    app.js("history.back()").await;
    app.wait_for_text("dialog.dialog", "Leave without saving").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for("#home-search").await;
    // Saved: leaving does not ask.
    app.click("#home-new-carer").await;
    app.fill("#carer-form [name=first_name]", "Whole").await;
    app.fill("#carer-form [name=last_name]", "Saved").await;
    app.fill("#carer-form [name=date_of_birth]", "01/02/1980").await;
    app.click("#save-carer").await;
    app.wait_for_text("#record-name", "Whole Saved").await;
    app.click("#nav-carers").await;
    app.wait_for("#search").await;
    assert!(!app.exists("dialog.dialog").await, "nothing to ask about");
    app.close().await;
}
