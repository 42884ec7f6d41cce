//! The installed Linux package, as a user starts it: `.ci/check-packages` installs the .deb
//! and runs this target with `CARERS_DESK_APP=/usr/bin/carers-desk -- --ignored`, so what is
//! checked is the installed program (not the build tree): `carers-desk --demo-data` opens its
//! window on a demo register, signed in, with its home page; the launcher turned WebKitGTK's
//! DMA-BUF renderer off; started again on the same (now locked) register it shows the sign-in
//! box. How long the first window and the sign-in box take is printed (docs/benchmarks.md).
//! Screenshot: `screenshots/installed-home.png`.

use std::time::Instant;

use carers_desk_e2e::{app_binary, App};
use serde_json::json;

#[tokio::test]
#[ignore = "run by .ci/check-packages against the installed .deb (CARERS_DESK_APP=/usr/bin/carers-desk)"]
async fn the_installed_app_opens_its_window_on_demo_data() {
    let binary = app_binary();
    assert!(
        binary.starts_with("/usr/bin"),
        "this checks the installed package: run it with CARERS_DESK_APP=/usr/bin/carers-desk, not {}",
        binary.display()
    );
    let dir = tempfile::tempdir().expect("a folder for the database");
    let db = dir.path().join("installed.sqlite3");
    let db_arg = db.to_str().expect("a UTF-8 path");

    let started = Instant::now();
    let app = App::launch_signed_out(&["--db", db_arg, "--demo-data"]).await;
    let window = started.elapsed();
    app.wait_for("#home-search").await;
    let home = started.elapsed();
    assert!(app.title().await.contains("Carers Desk"), "window title");
    let status = app.invoke("setup_status", json!({})).await.expect("setup_status");
    assert!(status["carers"].as_u64().unwrap_or(0) > 0, "demo carers loaded: {status}");
    let info = app.invoke("app_info", json!({})).await.expect("app_info");
    assert_eq!(info["database_path"], json!(db), "--db is honoured");
    app.wait_for_text("main", "Young carers").await;
    app.screenshot("installed-home").await;
    app.close().await;

    // Started again: the register is locked, and the sign-in box is the first thing shown.
    let started = Instant::now();
    let app = App::launch_signed_out(&["--db", db_arg]).await;
    let window_again = started.elapsed();
    app.wait_for("#sign-in-passphrase").await;
    let sign_in = started.elapsed();
    app.sign_in("demo", "demo passphrase").await;
    app.wait_for("#home-search").await;
    app.close().await;

    eprintln!(
        "installed app: first window (WebDriver session) {:.2} s, demo register and home page {:.2} s; \
         started again: window {:.2} s, sign-in box {:.2} s",
        window.as_secs_f64(),
        home.as_secs_f64(),
        window_again.as_secs_f64(),
        sign_in.as_secs_f64()
    );
}
