//! The desktop shell's own end-to-end checks (src-tauri/src/main.rs): where the database is,
//! `--demo-data`, and a database that cannot be opened. They talk to the core through the
//! window's IPC only, so they do not depend on the UI's markup.
//!
//! Run: `cargo build -p carers-desk-app && xvfb-run -a cargo test -p carers-desk-e2e`.

use carers_desk_e2e::App;
use serde_json::json;

#[tokio::test]
async fn the_window_opens_on_the_database_it_was_given() {
    let app = App::launch().await;
    assert!(app.title().await.contains("Carers Desk"), "window title");
    let info = app.invoke("app_info", json!({})).await.expect("app_info");
    assert_eq!(info["database_path"], json!(app.db_path()), "CARERS_DESK_DB is honoured");
    let status = app.invoke("setup_status", json!({})).await.expect("setup_status");
    assert_eq!(status["carers"], 0, "a new database is empty");
    app.close().await;
}

#[tokio::test]
async fn demo_data_flag_fills_an_empty_database() {
    let app = App::launch_with(&["--demo-data"]).await;
    let status = app.invoke("setup_status", json!({})).await.expect("setup_status");
    assert!(status["carers"].as_u64().unwrap_or(0) > 0, "demo carers loaded: {status}");
    app.close().await;
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_is_reported_by_every_call() {
    // A file is not a folder: the database cannot be created under it.
    let app = App::launch_with(&["--db", "/etc/hostname/carers-desk.sqlite3"]).await;
    for command in ["setup_status", "app_info"] {
        let err = app.invoke(command, json!({})).await.expect_err("the database is not open");
        assert_eq!(err["code"], "database_location", "{command}: {err}");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "{command}: {err}");
    }
    app.close().await;
}
