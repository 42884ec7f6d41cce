//! WCAG 2.2 AA, checked by axe-core on every screen of the real window: first run, home, the
//! register with results, a carer's record, the carer form (empty and showing errors), the
//! cared-for page and settings. Any violation fails the test and is printed with the
//! elements at fault. (axe checks what a machine can: labels, names, roles, contrast, focus
//! order hints. Keyboard use is covered by the journeys; a person with a screen reader should
//! still try it.)

use carers_desk_e2e::App;
use serde_json::{json, Value};

/// Fails with every violation on the screen called `screen`.
async fn assert_accessible(app: &App, screen: &str, failures: &mut Vec<String>) {
    app.settle().await;
    for v in app.accessibility_violations().await {
        let nodes: Vec<String> = v["nodes"]
            .as_array()
            .map(|ns| {
                ns.iter()
                    .map(|n| format!("    {} — {}", n["target"], n["failureSummary"].as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        failures.push(format!("{screen}: {} ({}): {}\n{}", v["id"], v["impact"], v["help"], nodes.join("\n")));
    }
}

async fn go(app: &App, route: &str) {
    let url = app.client.current_url().await.expect("the window has a URL");
    let base = url.as_str().split('#').next().unwrap_or_default().to_string();
    app.client.goto(&format!("{base}#{route}")).await.expect("navigate");
}

#[tokio::test]
async fn every_screen_meets_wcag_2_2_aa_as_far_as_axe_can_tell() {
    let mut failures = Vec::new();

    // First run.
    let app = App::launch().await;
    app.wait_for("#load-demo").await;
    assert_accessible(&app, "first run", &mut failures).await;
    app.click("#load-demo").await;

    // Home with counts.
    app.wait_for_text("main", "Young carers").await;
    assert_accessible(&app, "home", &mut failures).await;

    // Register with results.
    app.click("#nav-carers").await;
    app.fill("#search", "a").await;
    app.wait_for_text("#search-count", "carer").await;
    assert_accessible(&app, "register", &mut failures).await;

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
    go(&app, &format!("/carers/{}", rec["id"])).await;
    app.wait_for("#carer-record").await;
    app.wait_for_text("#people-they-care-for", "Relationship").await;
    assert_accessible(&app, "carer record", &mut failures).await;

    // The add-a-cared-for-person form open on the record.
    app.click("#add-cared-for").await;
    app.wait_for("#cared-for-form").await;
    assert_accessible(&app, "add a cared-for person", &mut failures).await;

    // The cared-for page.
    go(&app, &format!("/cared-for/{}", rec["caring"][0]["person"]["id"])).await;
    app.wait_for_text("main", "Cared for by").await;
    assert_accessible(&app, "cared-for person", &mut failures).await;

    // The carer form, empty and then with errors.
    app.click("#nav-new-carer").await;
    app.wait_for("#carer-form").await;
    assert_accessible(&app, "new carer form", &mut failures).await;
    app.fill("#carer-form [name=postcode]", "nonsense").await;
    app.click("#save-carer").await;
    app.wait_for("#error-summary").await;
    assert_accessible(&app, "carer form with errors", &mut failures).await;

    // Settings.
    app.click("#nav-settings").await;
    app.wait_for("main form").await;
    assert_accessible(&app, "settings", &mut failures).await;

    app.close().await;
    assert!(failures.is_empty(), "accessibility violations:\n{}", failures.join("\n"));
}
