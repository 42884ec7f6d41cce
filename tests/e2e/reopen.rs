//! A new user's first day, clicked and typed: a new user starts with demo data, finds a carer
//! by typing part of the surname, edits them, adds a cared-for person and a note, closes the
//! app, opens it again on the same database, and everything is still there.
//! A screenshot of the reopened record is saved as `screenshots/reopened-record.png`.

use carers_desk_e2e::App;
use serde_json::json;

#[tokio::test]
async fn demo_data_edit_close_reopen_everything_is_still_there() {
    let dir = tempfile::tempdir().expect("a folder for the database");
    let db = dir.path().join("reopen.sqlite3");
    let db_arg = db.to_str().expect("a UTF-8 path");

    let app = App::launch_with(&["--db", db_arg]).await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#load-demo").await;
    app.wait_for("#home-search").await;
    let home = app.wait_for_text("main", "Young carers").await;
    assert!(home.contains("300"), "the home screen counts the 300 demo carers: {home}");

    // Pick a demo carer the way a user would: by typing part of their surname.
    let first = app.invoke("carer_search", json!({ "limit": 1 })).await.expect("the register");
    let carer = &first["results"][0];
    let (id, last) = (carer["id"].as_i64().unwrap(), carer["last_name"].as_str().unwrap().to_string());
    let first_name = carer["first_name"].as_str().unwrap().to_string();
    app.click("#nav-carers").await;
    app.wait_for("#search").await;
    let part: String = last.chars().take(4).collect();
    app.fill("#search", &part).await;
    app.wait_for_text("#search-results", &format!("{first_name} {last}")).await;
    app.click(&format!("#search-results a[href='#/carers/{id}']")).await;
    app.wait_for_text("#record-name", &first_name).await;

    // Edit: a preferred name and a new phone number.
    app.click("#edit-carer").await;
    app.wait_for("#carer-form").await;
    app.fill("#carer-form [name=preferred_name]", "Reopened").await;
    app.fill("#carer-form [name=phone]", "020 7946 0999").await;
    app.click("#save-carer").await;
    app.wait_for_text("#flash", "Saved").await;
    app.wait_for_text("#record-name", "(Reopened)").await;

    // A new person they care for, and a case note.
    app.click("#add-cared-for").await;
    app.wait_for("#cared-for-form").await;
    app.fill("#cared-for-form [name='person.first_name']", "Winifred").await;
    app.fill("#cared-for-form [name='person.date_of_birth']", "03/04/1941").await;
    app.click("#cared-for-form [name='person.conditions'][value=dementia]").await;
    app.select("#cared-for-form [name='link.relationship']", "other_relative").await;
    app.select("#cared-for-form [name='link.hours_band']", "h35_49").await;
    app.click("#cared-for-form button[type=submit]").await;
    app.wait_gone("#cared-for-form").await;
    app.wait_for_text("#people-they-care-for", "Winifred").await;
    app.fill("#note-form [name=text]", "Visited with the dementia nurse; respite booked for March.").await;
    app.click("#add-note").await;
    app.wait_for_text("#notes", "respite booked for March").await;
    app.close().await;

    // Open the app again on the same file: no first-run question, and it is all there.
    let app = App::launch_with(&["--db", db_arg]).await;
    app.wait_for("#home-search").await;
    let home = app.wait_for_text("main", "Recently viewed").await;
    assert!(!home.contains("Welcome to Carers Desk"), "the first-run choice is not asked again");
    app.fill("#home-search", "Reopened").await;
    // The name is already on the page under "Recently viewed": wait for the search's own
    // result, so the click does not land while the results table pushes the page down.
    app.wait_for_text("#home-results-area", &format!("{first_name} {last}")).await;
    app.click(&format!("#home-results-area a[href='#/carers/{id}']")).await;
    app.wait_for_text("#record-name", &format!("{first_name} {last} (Reopened)")).await;
    let record = app.text("#carer-record").await;
    assert!(record.contains("020 7946 0999"), "the edited phone number is kept: {record}");
    assert!(record.contains("Winifred"), "the new cared-for person is kept: {record}");
    assert!(record.contains("respite booked for March"), "the note is kept: {record}");
    assert!(record.contains("Dementia"), "their condition is kept: {record}");
    let shot = app.screenshot("reopened-record").await;
    assert!(shot.exists());

    // Every carer in the register can be reached: the list pages through all of them, with the
    // count, and the page is kept in the address.
    app.go("/carers").await;
    app.wait_for_text("#search-shown", "Carers 1 to 100 of").await;
    let total =
        app.invoke("carer_search", json!({"query": ""})).await.expect("the register")["total"].as_i64().unwrap();
    assert!(total > 200, "the demo register is long enough to page: {total}");
    app.wait_for_text("#search-shown", &format!("of {total}")).await;
    app.click("#search-next").await;
    app.wait_for_text("#search-shown", "Carers 101 to 200").await;
    assert!(
        app.js("return location.hash").await.as_str().unwrap_or_default().contains("page=2"),
        "the page is in the address"
    );
    app.click("#search-previous").await;
    app.wait_for_text("#search-shown", "Carers 1 to 100").await;
    app.close().await;
}
