//! The end-to-end test of the administrator's data-safety screens, on demo data (which
//! starts signed in as the demo administrator, and so makes the day's backup, saying "Backed
//! up" on the home page): the backup folder typed in Settings → Data safety; "Back up now"
//! makes a backup that is listed and checked; an adult carer is opened and closed (years ago,
//! so the record is past retention) and the audit trail, filtered to that carer, shows both,
//! the chain checks out and the trail exports to CSV (the save dialog is stubbed: WebDriver
//! cannot reach the system one); a subject access export from the record writes the PDF and
//! the JSON into a folder typed into the record's folder box; the carer is anonymised from the
//! records past retention (a wrong reference first: refused beside the field) and the record
//! shows the banner; finally the backup is restored (typing RESTORE), the window asks who is
//! there, and after signing in the carer is back as it was before. Every screen is checked
//! with axe-core. Screenshots in `tests/e2e/screenshots/`: `backups.png`, `audit.png` (the
//! picture in docs/data-safety.md), `subject-export.png`, `retention.png`,
//! `anonymise-dialog.png`, `anonymised.png`, `restore-preview.png`, `backup-notice.png`.

use std::path::Path;

use carers_desk_e2e::App;
use chrono::{Local, Months};
use serde_json::{json, Value};

/// An open adult demo carer (18 to 80).
async fn open_adult_carer(app: &App) -> Value {
    let found = app.invoke("carer_search", json!({ "query": "", "limit": 50 })).await.expect("search");
    for c in found["results"].as_array().expect("results") {
        let adult = c["age"].as_i64().is_some_and(|a| (18..80).contains(&a));
        if c["status"] == "open" && adult {
            return c.clone();
        }
    }
    panic!("no open adult demo carer");
}

/// The files in `dir` whose names end with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn an_administrator_backs_up_reads_the_audit_trail_exports_anonymises_and_restores() {
    let mut failures = Vec::new();
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    let status = app.invoke("session_status", json!({})).await.expect("session status");
    assert_eq!(status["user"]["role"], "administrator", "demo data starts signed in as the administrator: {status}");
    // Signing in made the day's first backup, quietly: a calm note on the home page.
    app.wait_for_text("#backup-notice", "Backed up").await;
    app.screenshot("backup-notice").await;

    // ---- Settings → Data safety: the backup folder, typed (the Choose… button opens the
    // system's folder dialog, which WebDriver cannot reach).
    let backups = app.temp_dir().join("my backups");
    std::fs::create_dir_all(&backups).expect("backup folder");
    app.go("/settings?show=data-safety").await;
    app.wait_for("#data-safety").await;
    app.wait_for("#backup-folder-choose").await;
    // Settings is long: "On this page" names each section and takes focus to its heading.
    let parts = app.text("#settings-contents").await;
    for part in ["Your organisation", "Reviews", "Cards", "Data safety", "Where your data is kept"] {
        assert!(parts.contains(part), "{part} in {parts}");
    }
    app.click("#settings-contents a[href='#settings-reviews']").await;
    let focused =
        app.js("return document.activeElement.closest('form')?.id + ' ' + document.activeElement.tagName").await;
    assert_eq!(focused, json!("settings-reviews H2"));
    let placeholder = app.js("return document.querySelector('[name=backup_folder]').placeholder").await;
    assert!(placeholder.as_str().is_some_and(|p| !p.is_empty()), "the usual folder is shown as the placeholder");
    app.fill("#settings-safety [name=backup_keep]", "0").await;
    app.click("#save-safety").await;
    app.wait_for("#error-backup_keep").await;
    app.fill("#settings-safety [name=backup_keep]", "5").await;
    app.fill("#settings-safety [name=backup_folder]", backups.to_str().expect("UTF-8")).await;
    app.click("#save-safety").await;
    app.wait_for_text("#flash", "Saved").await;
    let settings = app.invoke("settings_get", json!({})).await.expect("settings");
    assert_eq!(settings["backup_folder"], json!(backups.to_str().unwrap()), "{settings}");
    assert_eq!(settings["backup_keep"], 5, "{settings}");
    app.check_accessible("settings, data safety", &mut failures).await;

    // ---- Backups: back up now; it is listed, and checks out.
    app.go("/backups").await;
    app.wait_for("#backup-now").await;
    app.wait_for_text("#backup-folder", backups.to_str().unwrap()).await;
    let made_before = files_ending(&backups, ".sqlite3").len();
    app.click("#backup-now").await;
    app.wait_for_text("#backup-now-done", "Backed up and checked").await;
    let made = files_ending(&backups, ".sqlite3");
    assert_eq!(made.len(), made_before + 1, "one more backup in {}: {made:?}", backups.display());
    let newest = made.last().expect("a backup").clone();
    assert!(backups.join(format!("{newest}.keys")).is_file(), "the key file is beside the backup");
    app.wait_for_text("#backup-now-path", &newest).await;
    app.wait_for_text("#backup-now-counts", "carers").await;
    app.wait_for_text("#backup-table", &newest).await;
    app.wait_for_text("#backup-last", "/").await;
    app.click("#backup-table tbody tr:first-child .backup-check").await;
    app.wait_for_text("#backup-check-result", "This backup is intact").await;
    app.check_accessible("backups", &mut failures).await;
    app.screenshot("backups").await;

    // ---- A carer viewed, then closed years ago: the audit trail shows both.
    let carer = open_adult_carer(&app).await;
    let id = carer["id"].as_i64().expect("id");
    let reference = carer["reference"].as_str().expect("reference").to_string();
    app.go(&format!("/carers/{id}")).await;
    app.wait_for("#carer-record").await;
    app.wait_for("#information-rights").await;
    app.wait_for("#anonymise-not-yet").await; // open records cannot be anonymised
    let closed_on = Local::now().date_naive().checked_sub_months(Months::new(12 * 8)).expect("a date");
    let closed_uk = closed_on.format("%d/%m/%Y").to_string();
    app.click("#close-carer").await;
    app.select("#close-form [name=reason]", "moved_away").await;
    app.fill("#close-form [name=date]", &closed_uk).await;
    app.click("#close-form button[type=submit]").await;
    app.wait_for_text("#flash", "Record closed").await;
    app.wait_for("#anonymise-open").await;

    app.go(&format!("/audit?carer={reference}")).await;
    app.wait_for("#audit-table").await;
    app.wait_for("#audit-table tr[data-command=carer_get]").await;
    app.wait_for("#audit-table tr[data-command=carer_close]").await;
    let closed_row = app.text("#audit-table tr[data-command=carer_close]").await;
    assert!(closed_row.contains("Closed a carer’s record"), "in plain words: {closed_row}");
    assert!(closed_row.contains("Demo Administrator"), "who: {closed_row}");
    assert!(closed_row.contains("Closed"), "the action: {closed_row}");
    // Which computer: this one holds the register (entries through the organisation server
    // name the client's address instead).
    let heads = app.text("#audit-table thead").await;
    assert!(heads.contains("Computer"), "{heads}");
    assert_eq!(app.text("#audit-table tr[data-command=carer_close] .audit-computer").await, "The register’s own");
    // "On this page": each part is reached, with focus on its heading.
    let parts = app.text("#audit-contents").await;
    for part in ["Filters", "Entries", "Check or export the trail"] {
        assert!(parts.contains(part), "{part} in {parts}");
    }
    app.click("#audit-contents a[href='#audit-checks']").await;
    assert_eq!(app.js("return document.activeElement.id").await, json!("audit-checks-title"));
    // Newest first: the ids go down the table, and the close comes before the first view.
    let ids = app
        .js("return [...document.querySelectorAll('#audit-table tbody tr')].map((r) => Number(r.dataset.entryId))")
        .await;
    let ids: Vec<i64> = ids.as_array().expect("ids").iter().map(|v| v.as_i64().expect("an id")).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let position = |command: &str| {
        format!("return [...document.querySelectorAll('#audit-table tbody tr')].findIndex((r) => r.dataset.command === '{command}')")
    };
    let close_at = app.js(&position("carer_close")).await.as_i64().expect("index");
    let views = app.js(&position("carer_get")).await.as_i64().expect("index");
    assert!(close_at < views, "the close ({close_at}) is above the views of the record ({views})");
    app.wait_for(&format!("#audit-table a.audit-carer[href='#/carers/{id}']")).await;
    app.wait_for_text("#audit-count", "matching the filters").await;
    app.click("#audit-verify").await;
    app.wait_for_text("#audit-verify-result", "entries are intact").await;
    let csv = app.temp_dir().join("audit.csv");
    app.js(&format!(
        "window.__TAURI__.dialog.save = async (o) => {{ window.__askedSave = o; return {}; }}; return true;",
        json!(csv.to_str().expect("UTF-8"))
    ))
    .await;
    app.click("#audit-export").await;
    app.wait_for_text("#audit-exported", "saved to").await;
    let written = std::fs::read_to_string(&csv).expect("the CSV is written");
    assert!(written.lines().count() >= 3, "a header and the carer's entries: {written}");
    assert!(written.contains("carer_close"), "{written}");
    app.check_accessible("audit trail", &mut failures).await;
    // The whole trail, 100 at a time: "Load more" adds the older ones below.
    let some = app.invoke("carer_search", json!({ "query": "", "limit": 5 })).await.expect("search");
    let other = some["results"]
        .as_array()
        .and_then(|r| r.iter().find(|c| c["id"] != json!(id)))
        .map(|c| c["id"].clone())
        .expect("another carer");
    for _ in 0..120 {
        app.invoke("carer_get", json!({ "id": other })).await.expect("a view");
    }
    app.go("/audit").await;
    app.wait_for_text("#audit-count", "The newest 100 entries").await;
    app.click("#audit-more").await;
    app.wait_for("#audit-table tbody tr:nth-child(101)").await;
    let rows = app.js("return document.querySelectorAll('#audit-table tbody tr').length").await;
    assert!(rows.as_u64().is_some_and(|n| n > 100), "{rows}");
    app.go(&format!("/audit?carer={reference}")).await;
    app.wait_for("#audit-table tr[data-command=carer_close]").await;
    app.click("#audit-verify").await;
    app.wait_for_text("#audit-verify-result", "entries are intact").await;
    app.click("#audit-export").await;
    app.wait_for_text("#audit-exported", "saved to").await;
    app.js("document.getElementById('audit-entries').scrollIntoView({ block: 'start' }); window.scrollBy(0, -90); return true;").await;
    app.screenshot("audit").await;

    // ---- Subject access export from the record, into a typed folder.
    let export_to = app.temp_dir().join("subject access");
    std::fs::create_dir_all(&export_to).expect("export folder");
    app.go(&format!("/carers/{id}")).await;
    app.wait_for("#information-rights").await;
    app.click("#subject-export").await; // no folder yet: said beside the box
    app.wait_for("#error-folder").await;
    // Choose… opens the system's folder dialog (stubbed here); typing the path works as well.
    let elsewhere = app.temp_dir().join("elsewhere");
    app.js(&format!(
        "window.__TAURI__.dialog.open = async (o) => {{ window.__askedOpen = o; return {}; }}; return true;",
        json!(elsewhere.to_str().expect("UTF-8"))
    ))
    .await;
    app.click("#subject-folder-choose").await;
    assert_eq!(app.value("#subject-folder").await, elsewhere.to_str().unwrap(), "the chosen folder is in the box");
    assert_eq!(app.js("return window.__askedOpen.directory").await, json!(true), "a folder dialog");
    app.fill("#subject-folder", export_to.to_str().expect("UTF-8")).await;
    app.click("#subject-export").await;
    app.wait_for("#subject-export-done").await;
    let pdf = app.text("#subject-pdf-path").await;
    let json_path = app.text("#subject-json-path").await;
    assert!(Path::new(&pdf).is_file(), "the PDF is written: {pdf}");
    assert!(Path::new(&json_path).is_file(), "the JSON is written: {json_path}");
    assert!(pdf.starts_with(export_to.to_str().unwrap()), "{pdf}");
    assert!(std::fs::read(&pdf).expect("PDF").starts_with(b"%PDF-"), "{pdf} is a PDF");
    let held: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).expect("JSON")).expect("valid JSON");
    assert!(held.to_string().contains(&reference), "the JSON names the record");
    app.js("window.__TAURI__.opener.openPath = async (p) => { window.__opened = p; }; return true;").await;
    app.click("#subject-pdf-open").await;
    assert_eq!(app.js("return window.__opened").await, json!(pdf), "Open shows the PDF in the system viewer");
    app.js("document.getElementById('information-rights').scrollIntoView({ block: 'start' }); return true;").await;
    app.check_accessible("record, information rights", &mut failures).await;
    app.screenshot("subject-export").await;

    // ---- Records past retention: the carer is listed; anonymised there.
    app.go("/retention").await;
    let row = format!("#retention-carers-table tr[data-reference='{reference}']");
    app.wait_for(&row).await;
    app.check_accessible("records past retention", &mut failures).await;
    app.screenshot("retention").await;
    app.click(&format!("{row} .retention-anonymise")).await;
    app.wait_for("#anonymise-dialog").await;
    app.fill("#anonymise-confirm", "C-999999").await;
    app.click("#anonymise-dialog-submit").await;
    app.wait_for("#anonymise-dialog #error-confirm").await;
    app.check_accessible("anonymise dialog", &mut failures).await;
    app.screenshot("anonymise-dialog").await;
    app.fill("#anonymise-confirm", &reference).await;
    app.click("#anonymise-dialog-submit").await;
    app.wait_gone("#anonymise-dialog").await;
    app.wait_for_text("#flash", "anonymised").await;
    app.wait_gone(&row).await;

    app.go(&format!("/carers/{id}")).await;
    app.wait_for_text("#anonymised-banner", "This record was anonymised on").await;
    app.wait_for_text("#record-name", "Anonymised").await;
    assert!(
        !app.exists("#edit-carer").await && !app.exists("#reopen-carer").await,
        "an anonymised record cannot be changed"
    );
    app.check_accessible("anonymised record", &mut failures).await;
    app.screenshot("anonymised").await;

    // The person they cared for is past retention too (nobody with an open record cares for
    // them): anonymised from their own record.
    let carer_now = app.invoke("carer_get", json!({ "id": id })).await.expect("the carer");
    let person_id = carer_now["caring"][0]["person"]["id"].as_i64().expect("a person cared for");
    let due = app.invoke("retention_due", json!({})).await.expect("retention");
    let person = due["cared_for"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["id"] == json!(person_id)).cloned())
        .unwrap_or_else(|| panic!("the person cared for is past retention: {due}"));
    let person_ref = person["reference"].as_str().expect("reference").to_string();
    app.go(&format!("/cared-for/{person_id}")).await;
    app.wait_for("#information-rights").await;
    app.click("#anonymise-open").await;
    app.wait_for("#anonymise-dialog").await;
    app.fill("#anonymise-confirm", &person_ref).await;
    app.click("#anonymise-dialog-submit").await;
    app.wait_gone("#anonymise-dialog").await;
    app.wait_for_text("#anonymised-banner", "This record was anonymised on").await;
    app.wait_for_text("#cared-for-name", "Anonymised").await;
    assert!(!app.exists("#edit-cared-for").await, "an anonymised record cannot be changed");

    // ---- Restore the backup made before all this: a preview, RESTORE typed, then signing in.
    app.go("/backups").await;
    app.wait_for(&format!("#backup-table tr[data-file-name='{newest}']")).await;
    app.click(&format!("#backup-table tr[data-file-name='{newest}'] .backup-restore")).await;
    app.wait_for("#restore-dialog").await;
    app.wait_for_text("#restore-preview", "carers").await;
    app.wait_for_text("#restore-warning", "will be replaced").await;
    app.fill("#restore-confirm", "restore me").await;
    app.click("#restore-dialog-submit").await;
    app.wait_for("#restore-dialog #error-confirm").await;
    app.check_accessible("restore dialog", &mut failures).await;
    app.screenshot("restore-preview").await;
    app.fill("#restore-confirm", "RESTORE").await;
    app.click("#restore-dialog-submit").await;
    app.wait_for_text("#restore-done h1", "Backup restored").await;
    let kept = app.text("#replaced-kept-at").await;
    assert!(!kept.is_empty() && Path::new(&kept).exists(), "the replaced register is kept aside: {kept:?}");
    app.click("#restore-sign-in").await;
    app.wait_for("#sign-in-passphrase").await;
    app.fill("#sign-in-username", "demo").await;
    app.fill("#sign-in-passphrase", "demo passphrase").await;
    app.click("#sign-in").await;
    app.wait_for("#home-search").await;
    let back = app.invoke("carer_get", json!({ "id": id })).await.expect("the carer");
    assert_eq!(back["status"], "open", "the backup was made before the carer was closed: {back}");
    assert!(back["anonymised_on"].is_null(), "{back}");

    // ---- A support worker sees none of this: no Information rights, no audit trail.
    app.click("#sign-out").await;
    app.wait_for("#sign-in-passphrase").await;
    app.fill("#sign-in-username", "support").await;
    app.fill("#sign-in-passphrase", "support passphrase").await;
    app.click("#sign-in").await;
    app.wait_for("#home-search").await;
    app.go(&format!("/carers/{id}")).await;
    app.wait_for("#carer-record").await;
    app.wait_for("#notes").await;
    assert!(!app.exists("#information-rights").await, "only administrators see Information rights");
    app.go("/audit").await;
    app.wait_for("#admin-only").await;
    app.go("/backups").await;
    app.wait_for("#admin-only").await;

    app.close().await;
    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
}
