//! Keyboard only: a member of staff who does not use a mouse finds a carer from the home
//! screen (focus starts in the search box; typing shows results; the down arrow moves into
//! them; Enter opens the record), then adds a carer with a mistake, sends the form with Enter,
//! and lands on the error summary, whose link takes them to the field to fix.

use carers_desk_e2e::App;
use fantoccini::key::Key;
use serde_json::{json, Value};

/// Types keys into whatever has focus, as a keyboard would.
async fn keys(app: &App, text: &str) {
    let el = app.client.active_element().await.expect("something has focus");
    el.send_keys(text).await.expect("keys typed");
}

async fn focused(app: &App) -> Value {
    app.client
        .execute(
            "const e = document.activeElement; return { id: e.id, name: e.getAttribute('name'), text: e.textContent.trim(), tag: e.tagName };",
            vec![],
        )
        .await
        .expect("the focused element")
}

#[tokio::test]
async fn find_and_add_a_carer_with_the_keyboard_alone() {
    let app = App::launch().await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    for (first, last) in [("Priya", "Kettleborough"), ("Owen", "Kettering")] {
        app.invoke("carer_create", json!({ "first_name": first, "last_name": last, "date_of_birth": "02/03/1980" }))
            .await
            .expect("a carer");
    }
    app.click("#nav-carers").await;
    app.wait_for("#search").await;
    app.click("#nav-home").await;

    // Home: the search box has focus; type, arrow down into the results, Enter.
    app.wait_for("#home-search").await;
    assert_eq!(focused(&app).await["id"], "home-search");
    keys(&app, "kettl").await;
    // "kett" matched both; "kettl" only Priya: wait for the answer to what was typed in full.
    app.wait_for_text("#home-search-count", "1 carer found").await;
    app.wait_for_text("main", "Priya Kettleborough").await;
    keys(&app, &char::from(Key::Down).to_string()).await;
    assert_eq!(focused(&app).await["text"], "Priya Kettleborough", "the first result has focus");
    keys(&app, &char::from(Key::Enter).to_string()).await;
    app.wait_for_text("#record-name", "Priya Kettleborough").await;

    // Add a carer: type into the form, send it with Enter from a field.
    app.click("#nav-new-carer").await;
    app.wait_for("#carer-form").await;
    app.client
        .execute("document.querySelector('#carer-form [name=first_name]').focus()", vec![])
        .await
        .expect("focus the first field");
    keys(&app, "Sam").await;
    keys(&app, &char::from(Key::Tab).to_string()).await;
    assert_eq!(focused(&app).await["name"], "last_name", "Tab goes from first name to last name");
    keys(&app, "Lee").await;
    keys(&app, &char::from(Key::Enter).to_string()).await;
    app.wait_for("#error-summary").await;
    assert_eq!(focused(&app).await["id"], "error-summary", "the summary takes focus");
    // Tab to the summary's first link (the missing date of birth) and follow it.
    keys(&app, &char::from(Key::Tab).to_string()).await;
    let link = focused(&app).await;
    assert_eq!(link["tag"], "A");
    assert!(link["text"].as_str().unwrap_or_default().to_lowercase().contains("date of birth"), "{link}");
    keys(&app, &char::from(Key::Enter).to_string()).await;
    assert_eq!(focused(&app).await["name"], "date_of_birth", "the link puts focus in the field");
    keys(&app, "02/03/1980").await;
    keys(&app, &char::from(Key::Enter).to_string()).await;
    app.wait_for_text("#record-name", "Sam Lee").await;
    app.close().await;
}
