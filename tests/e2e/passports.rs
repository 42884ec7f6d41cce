//! On demo data, a support worker puts the organisation's phone and
//! logo in Settings, opens an adult carer's record, issues a hospital carer passport through the
//! form (a valid-until date before the issue date first: the error beside the field), sees the
//! card drawn front and back, adds and removes a photo, changes its details, prints it to PDF
//! (one card per page; the save and open dialogs are stubbed: WebDriver cannot reach the system
//! ones) and finds the holder's name and the number in the PDF's text, sees it on the record;
//! looks the number up on the Passports page ("valid today"), prints a batch by issue date with
//! the progress bar, sees the home counts, prints the calibration sheet, reorders what holders
//! may ask for, then renews the passport, reissues it as lost (a new number) and revokes the
//! replacement: neither number is valid today when looked up. A second test issues a young
//! carer card from the young carer section. Every new screen is checked with axe-core.
//! Screenshots in `tests/e2e/screenshots/`: `passport-issue-errors.png`,
//! `passport-issue-form.png`, `passport-page.png` (the picture in docs/passports.md),
//! `passport-record.png`, `passports-lookup.png`, `passport-settings.png`.

use std::path::Path;
use std::process::Command;

use carers_desk_e2e::{workspace_root, App};
use chrono::{Local, Months};
use serde_json::{json, Value};

/// Replaces the save dialog (a native window WebDriver cannot reach) with one that answers
/// `answer` (a path, or null for Cancel), and records what the viewer was asked to open.
async fn stub_save_dialog(app: &App, answer: Value) {
    let script = format!(
        "window.__TAURI__.dialog.save = async (o) => {{ window.__askedSave = o; return {answer}; }};
         window.__TAURI__.opener.openPath = async (p) => {{ window.__opened = p; }};
         return true;"
    );
    assert_eq!(app.js(&script).await, json!(true), "the plugins' JS can be stubbed");
}

/// Replaces the open dialog with one that answers `answer` (a path, or null for Cancel).
async fn stub_open_dialog(app: &App, answer: Value) {
    let script = format!(
        "window.__TAURI__.dialog.open = async (o) => {{ window.__askedOpen = o; return {answer}; }};
         return true;"
    );
    assert_eq!(app.js(&script).await, json!(true), "the dialog plugin's JS can be stubbed");
}

/// The text of a PDF (poppler's pdftotext), checking first that the file is a PDF.
fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("no PDF at {}: {e}", path.display()));
    assert!(bytes.starts_with(b"%PDF-"), "{} is a PDF", path.display());
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (poppler-utils, installed by .ci/deps) could not run: {e}"));
    assert!(out.status.success(), "pdftotext {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The number of pages of a PDF (poppler's pdfinfo).
fn pdf_pages(path: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().expect("pdfinfo (poppler-utils) runs");
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo {}: no page count in {info}", path.display()))
}

/// An open adult demo carer who cares for someone, and has no passport yet.
async fn adult_carer_caring_for_someone(app: &App) -> Value {
    let found = app.invoke("carer_search", json!({ "limit": 300 })).await.expect("search");
    for c in found["results"].as_array().expect("results") {
        let rec = app.invoke("carer_get", json!({ "id": c["id"] })).await.expect("record");
        let adult = rec["age"].as_i64().is_some_and(|a| (30..80).contains(&a));
        let caring = rec["caring"].as_array().is_some_and(|a| !a.is_empty());
        if rec["status"] == "open" && adult && caring {
            let held = app.invoke("passport_list", json!({ "carer_id": rec["id"] })).await.expect("passports");
            if held.as_array().is_some_and(|a| a.is_empty()) {
                return rec;
            }
        }
    }
    panic!("no open adult demo carer caring for someone");
}

#[tokio::test]
async fn a_passport_is_issued_printed_looked_up_renewed_reissued_and_revoked_in_the_window() {
    let today = Local::now().date_naive();
    let uk = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut failures = Vec::new();

    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    app.wait_for("#home-passport-counts").await;
    let before = app.invoke("home", json!({})).await.expect("home")["passports"]["active"].as_u64().unwrap_or(0);

    // The organisation's name, phone and logo, which the cards print.
    app.click("#nav-settings").await;
    app.wait_for("#cards-settings").await;
    app.fill("#settings-form [name=organisation_name]", "Anytown Carers Centre").await;
    app.fill("#settings-form [name=phone]", "020 7946 0018").await;
    app.click("#save-settings").await;
    app.wait_for_text("#flash", "Saved").await;
    let logo = workspace_root().join("icons/128x128.png");
    stub_open_dialog(&app, json!(logo.to_str().expect("UTF-8"))).await;
    app.click("#logo-set").await;
    app.wait_for("#logo-clear").await;
    app.wait_for_text("#logo-state", "A logo is set").await;
    let settings = app.invoke("settings_get", json!({})).await.expect("settings");
    assert_eq!(settings["has_logo"], true, "{settings}");
    assert_eq!(settings["phone"], "020 7946 0018", "{settings}");

    let rec = adult_carer_caring_for_someone(&app).await;
    let carer_id = rec["id"].as_i64().expect("id");
    let person = &rec["caring"][0]["person"];
    let cared_first = person["first_name"].as_str().expect("first name").to_string();
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for("#carer-record").await;
    app.wait_for_text("#passports", "No passports or cards issued yet").await;

    // The issue form: a valid-until date before the issue date is refused beside its field.
    app.click("#issue-passport").await;
    app.wait_for("#passport-form").await;
    app.wait_for_text("#passport-form-title", "Issue a passport or card").await;
    assert_eq!(app.value("#passport-form [name=issued_on]").await, uk(today), "issued on starts as today");
    app.click("#kind-hospital").await;
    app.wait_for_text("label[for=setting]", "Hospital").await;
    app.fill("#passport-form [name=valid_until]", &uk(today - chrono::Days::new(1))).await;
    app.click("#issue-submit").await;
    app.wait_for("#error-summary").await;
    app.wait_for("[data-field=valid_until] .field-error").await;
    app.screenshot("passport-issue-errors").await;
    app.check_accessible("issue a passport, with an error", &mut failures).await;
    let held = app.invoke("passport_list", json!({ "carer_id": carer_id })).await.expect("passports");
    assert_eq!(held, json!([]), "a refused passport is not saved");

    // Fixed: the default valid-until (12 months), the hospital, one "may ask for" left out,
    // the cared-for person's first name and the emergency contact with consent recorded.
    app.fill("#passport-form [name=valid_until]", "").await;
    app.fill("#passport-form [name=setting]", "St Mary's Hospital").await;
    let kinds = app.invoke("passport_kinds", json!({})).await.expect("kinds");
    let hospital = kinds.as_array().expect("kinds").iter().find(|k| k["kind"] == "hospital").expect("hospital").clone();
    let offered: Vec<String> = hospital["asks"]
        .as_array()
        .expect("asks")
        .iter()
        .filter(|a| a["retired"] != true)
        .map(|a| a["label"].as_str().expect("label").to_string())
        .collect();
    assert!(offered.len() >= 2, "the hospital list offers something: {hospital}");
    let ticked: Vec<bool> = app
        .js("return [...document.querySelectorAll('#passport-form [name=asks]')].map((b) => b.checked)")
        .await
        .as_array()
        .expect("checkboxes")
        .iter()
        .map(|v| v.as_bool().unwrap_or(false))
        .collect();
    assert_eq!(ticked, vec![true; offered.len()], "every offered entry starts ticked");
    app.click("#asks-1").await;
    app.select("#passport-form [name=cared_for_id]", &person["id"].to_string()).await;
    app.click("#show_cared_for_name").await;
    app.fill("#passport-form [name=emergency_contact_name]", "Sam Lee").await;
    app.fill("#passport-form [name=emergency_contact_relationship]", "brother").await;
    app.fill("#passport-form [name=emergency_contact_phone]", "07700 900123").await;
    app.click("#emergency_contact_consent").await;
    app.screenshot("passport-issue-form").await;
    app.click("#issue-submit").await;

    // The passport's page: details, the card front and back, history.
    app.wait_for("#passport-view").await;
    app.wait_for_text("#flash", "issued").await;
    let id = app.route_id("/passports/").await;
    let p = app.invoke("passport_get", json!({ "id": id })).await.expect("passport");
    let number = p["number"].as_str().expect("number").to_string();
    let holder = p["holder_name"].as_str().expect("holder").to_string();
    assert_eq!(p["kind"], "hospital");
    assert_eq!(p["status"], "active");
    assert_eq!(p["setting"], "St Mary's Hospital");
    assert_eq!(p["issued_on"], today.format("%Y-%m-%d").to_string());
    let a_year_on = today.checked_add_months(Months::new(12)).expect("a year on");
    assert_eq!(p["valid_until"], a_year_on.format("%Y-%m-%d").to_string(), "the default: 12 months");
    let mut expected_asks = offered.clone();
    expected_asks.remove(1);
    assert_eq!(p["asks"], json!(expected_asks), "the unticked entry is left out");
    assert_eq!(p["cared_for_first_name"], cared_first.as_str());
    assert_eq!(p["show_cared_for_name"], true);
    assert_eq!(p["emergency_contact_name"], "Sam Lee");
    assert_eq!(p["emergency_contact_consent"], true);
    assert!(number.starts_with("HP-"), "a hospital passport number: {number}");
    app.wait_for_text("#passport-number", &number).await;
    app.wait_for_text("#passport-validity", &format!("Valid until {}", uk(a_year_on))).await;
    app.wait_for_text("#passport-events", "Issued").await;
    app.wait_for("#card-front img").await;
    app.wait_for("#card-back img").await;
    let drawn = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const imgs = [...document.querySelectorAll('.card-face__image')];
             Promise.all(imgs.map((i) => i.decode().then(() => i.naturalWidth, () => 0))).then(done);",
            vec![],
        )
        .await
        .expect("the card images");
    assert!(
        drawn.as_array().is_some_and(|w| w.len() == 2 && w.iter().all(|x| x.as_f64().unwrap_or(0.0) > 0.0)),
        "both faces of the card are drawn: {drawn}"
    );
    let alt = app.js("return document.querySelector('#card-front img').alt").await;
    assert!(alt.as_str().is_some_and(|a| a.contains(&holder) && a.contains(&number)), "the front's alt text: {alt}");
    assert!(!app.exists("#preview-warnings").await, "nothing to check: the phone is in Settings");
    app.screenshot("passport-page").await;
    app.check_accessible("passport page", &mut failures).await;

    // A photo chosen in the open dialog, then removed (with a confirmation).
    stub_open_dialog(&app, json!(logo.to_str().expect("UTF-8"))).await;
    app.click("#photo-set").await;
    app.wait_for_text("#passport-status", "Photo added").await;
    app.wait_for("#photo-clear").await;
    assert_eq!(app.invoke("passport_get", json!({ "id": id })).await.expect("passport")["has_photo"], true);
    app.click("#photo-clear").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for_text("#passport-status", "Photo removed").await;
    assert_eq!(app.invoke("passport_get", json!({ "id": id })).await.expect("passport")["has_photo"], false);

    // Details changed while active: the hospital's name, and no consent to print the contact.
    app.click("#edit-passport").await;
    app.wait_for("#passport-edit-form").await;
    app.check_accessible("change a passport's details", &mut failures).await;
    app.fill("#passport-edit-form [name=setting]", "St Mary's Hospital, Anytown").await;
    app.click("#edit-emergency_contact_consent").await;
    app.click("#save-passport").await;
    app.wait_for_text("#passport-status", "Details saved").await;
    let changed = app.invoke("passport_get", json!({ "id": id })).await.expect("passport");
    assert_eq!(changed["setting"], "St Mary's Hospital, Anytown", "{changed}");
    assert_eq!(changed["emergency_contact_consent"], false, "{changed}");
    assert_eq!(changed["emergency_contact_name"], "Sam Lee", "the contact is kept, not printed: {changed}");
    assert_eq!(changed["asks"], json!(expected_asks), "what was not changed is kept: {changed}");
    assert_eq!(changed["number"], number.as_str(), "the same number");

    // Print one card per page: the PDF has the holder's name and the number.
    let pdf = app.temp_dir().join("card.pdf");
    stub_save_dialog(&app, json!(pdf.to_str().expect("UTF-8"))).await;
    app.click("#print-passport").await;
    app.wait_for("#print-dialog").await;
    app.check_accessible("print dialog", &mut failures).await;
    app.click("#print-layout-single").await;
    app.click("#print-dialog-submit").await;
    app.wait_for_text("#print-saved", "Saved to").await;
    let text = pdf_text(&pdf);
    for part in holder.split_whitespace() {
        assert!(text.contains(part), "the card PDF has the holder's name {holder:?}: {text}");
    }
    assert!(text.contains(&number), "the card PDF has the number {number}: {text}");
    assert_eq!(pdf_pages(&pdf), 2, "one card: front and back pages");
    assert_eq!(app.js("return window.__opened").await, json!(pdf.to_str().expect("UTF-8")), "offered to the viewer");

    // The record lists it and links to it.
    app.click("#back-to-carer").await;
    app.wait_for_text("#passport-list", &number).await;
    app.wait_for_text("#passport-list", "Hospital").await;
    app.js("document.querySelector('#passports').scrollIntoView()").await;
    app.screenshot("passport-record").await;
    app.check_accessible("carer record with a passport", &mut failures).await;
    app.click("#passport-list a.passport-number").await;
    app.wait_for_text("#passport-number", &number).await;

    // Look it up, typed loosely: valid today, with the holder.
    app.click("#nav-passports").await;
    app.wait_for("#lookup-form").await;
    app.fill("#lookup-text", &number.to_lowercase().replace('-', " ")).await;
    app.click("#lookup-submit").await;
    app.wait_for_text("#lookup-verdict", "is valid today").await;
    app.wait_for_text("#lookup-holder", &holder).await;
    app.screenshot("passports-lookup").await;
    app.check_accessible("passports page with a look-up", &mut failures).await;

    // Print a batch by issue date (today): the progress bar finishes; only active cards print.
    let batch = app.temp_dir().join("batch.pdf");
    stub_save_dialog(&app, json!(batch.to_str().expect("UTF-8"))).await;
    app.fill("#batch-from", &uk(today)).await;
    app.fill("#batch-to", &uk(today)).await;
    app.click("#batch-layout-sheet").await;
    app.click("#batch-print").await;
    app.wait_for_text("#batch-print-saved", "Saved to").await;
    let progress = app.js("const p = document.querySelector('#batch-progress'); return [p.value, p.max];").await;
    assert_eq!(progress[0], progress[1], "the progress bar is full at the end: {progress}");
    assert!(pdf_text(&batch).contains(&number), "the batch has the new passport");
    // A range with nothing issued in it: the error is beside the dates.
    app.fill("#batch-from", "01/01/1990").await;
    app.fill("#batch-to", "02/01/1990").await;
    app.click("#batch-print").await;
    app.wait_for("#error-summary").await;
    app.wait_for("[data-field=from].field--error").await;

    // Home counts the active passport.
    app.click("#nav-home").await;
    app.wait_for("#home-passport-counts").await;
    let home = app.invoke("home", json!({})).await.expect("home");
    assert_eq!(home["passports"]["active"].as_u64(), Some(before + 1), "{home}");
    app.wait_for_text("[data-count=passports_active] dd", &(before + 1).to_string()).await;

    // Settings: the cards part and what holders may ask for; a calibration sheet.
    app.click("#nav-settings").await;
    app.wait_for("#cards-settings").await;
    app.wait_for("#asks-form-hospital").await;
    let calibration = app.temp_dir().join("calibration.pdf");
    stub_save_dialog(&app, json!(calibration.to_str().expect("UTF-8"))).await;
    app.click("#print-calibration").await;
    app.wait_for_text("#calibration-saved", "Saved to").await;
    assert_eq!(pdf_pages(&calibration), 1, "a one-page calibration sheet");
    app.js("document.querySelector('#cards-settings').scrollIntoView()").await;
    app.screenshot("passport-settings").await;
    app.check_accessible("settings with cards", &mut failures).await;

    // What holders of a hospital passport may ask for: the second entry moved up and saved; an
    // empty entry is refused beside it.
    app.click("#asks-hospital-1-up").await;
    app.click("#asks-save-hospital").await;
    app.wait_for_text("#flash", "saved").await;
    let kinds = app.invoke("passport_kinds", json!({})).await.expect("kinds");
    let hospital = kinds.as_array().expect("kinds").iter().find(|k| k["kind"] == "hospital").expect("hospital").clone();
    assert_eq!(hospital["asks"][0]["label"], offered[1].as_str(), "reordered: {hospital}");
    assert_eq!(hospital["asks"][1]["label"], offered[0].as_str(), "reordered: {hospital}");
    app.fill("#asks-hospital-0-label", "").await;
    app.click("#asks-save-hospital").await;
    app.wait_for("#asks-form-hospital #error-summary").await;
    app.wait_for("#asks-form-hospital [data-field='asks.0.label'].field--error").await;
    app.check_accessible("settings, an entry of what holders may ask for refused", &mut failures).await;

    // Renewed to a date typed in the dialog: the same number, valid longer.
    app.go(&format!("/passports/{id}")).await;
    app.wait_for_text("#passport-number", &number).await;
    let renewed_to = today.checked_add_months(Months::new(24)).expect("two years on");
    app.click("#renew-passport").await;
    app.wait_for("#renew-dialog").await;
    app.check_accessible("renew dialog", &mut failures).await;
    app.fill("#renew-dialog [name=valid_until]", &uk(renewed_to)).await;
    app.click("#renew-dialog-submit").await;
    app.wait_for_text("#passport-validity", &uk(renewed_to)).await;
    app.wait_for_text("#passport-events", "Renewed").await;

    // Reissued as lost: a new number that replaces the old one.
    app.click("#reissue-passport").await;
    app.wait_for("#reissue-dialog").await;
    app.click("#reissue-dialog-submit").await;
    app.wait_for("#reissue-dialog [data-field=reason].field--error").await;
    app.click("#reason-lost").await;
    app.click("#reissue-dialog-submit").await;
    app.wait_for_text("#passport-replaces", &number).await;
    let new_id = app.route_id("/passports/").await;
    assert_ne!(new_id, id, "a new passport");
    let replacement = app.invoke("passport_get", json!({ "id": new_id })).await.expect("passport")["number"]
        .as_str()
        .expect("number")
        .to_string();
    assert_ne!(replacement, number, "a new number");
    let old = app.invoke("passport_get", json!({ "id": id })).await.expect("passport");
    assert_eq!(old["status"], "replaced", "{old}");

    // The replacement revoked: it offers no printing, and neither number is valid today.
    app.click("#revoke-passport").await;
    app.wait_for("#revoke-dialog").await;
    app.fill("#revoke-dialog [name=reason]", "No longer caring").await;
    app.click("#revoke-dialog-submit").await;
    app.wait_for("#passport-revoked").await;
    assert!(!app.exists("#print-passport").await, "a revoked passport offers no printing");
    app.click("#nav-passports").await;
    app.fill("#lookup-text", &number).await;
    app.click("#lookup-submit").await;
    app.wait_for_text("#lookup-verdict", &format!("{number} is not valid today")).await;
    // Enter looks up, as a QR code scanner that types the text and presses Enter would.
    app.fill("#lookup-text", &format!("{replacement}\u{E007}")).await;
    app.wait_for_text("#lookup-verdict", &format!("{replacement} is not valid today")).await;

    app.close().await;
    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_young_carer_card_is_issued_from_the_young_carer_section() {
    let mut failures = Vec::new();
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    // A demo young carer (under 16, so well before 18) who holds no card yet.
    let found = app.invoke("carer_search", json!({ "limit": 300, "category": "young_carer" })).await.expect("search");
    let mut young = None;
    for c in found["results"].as_array().expect("results") {
        let rec = app.invoke("carer_get", json!({ "id": c["id"] })).await.expect("record");
        let held = app.invoke("passport_list", json!({ "carer_id": rec["id"] })).await.expect("passports");
        // (Not born on 29 February: the core's 18th birthday is then 1 March in a common year.)
        if rec["status"] == "open"
            && rec["age"].as_i64().is_some_and(|a| (8..16).contains(&a))
            && rec["date_of_birth"].as_str().is_some_and(|d| !d.ends_with("-02-29"))
            && held.as_array().is_some_and(|a| a.is_empty())
        {
            young = Some(rec);
            break;
        }
    }
    let rec = young.expect("an open demo young carer under 16 without a card");
    let carer_id = rec["id"].as_i64().expect("id");
    let dob = chrono::NaiveDate::parse_from_str(rec["date_of_birth"].as_str().expect("date of birth"), "%Y-%m-%d")
        .expect("an ISO date of birth");
    let eighteenth = dob.checked_add_months(Months::new(18 * 12)).expect("18th birthday");

    app.go(&format!("/carers/{carer_id}")).await;
    app.click("#issue-young-carer-card").await;
    app.wait_for("#passport-form").await;
    assert_eq!(app.js("return document.querySelector('#kind-young_carer').checked").await, json!(true));
    app.wait_for_text("label[for=setting]", "School").await;
    app.wait_for_text("#passport-form", "18th birthday").await;
    app.check_accessible("issue a young carer card", &mut failures).await;
    app.click("#issue-submit").await;
    app.wait_for("#passport-view").await;
    let id = app.route_id("/passports/").await;
    let card = app.invoke("passport_get", json!({ "id": id })).await.expect("card");
    assert_eq!(card["kind"], "young_carer", "{card}");
    assert!(card["number"].as_str().is_some_and(|n| n.starts_with("YC-")), "{card}");
    assert_eq!(card["valid_until"], eighteenth.format("%Y-%m-%d").to_string(), "to the 18th birthday: {card}");
    app.wait_for_text("#passport-title", "Young carer card").await;
    app.wait_for("#card-front img").await;
    app.check_accessible("young carer card page", &mut failures).await;

    // Back on the record, the card is listed.
    app.click("#back-to-carer").await;
    app.wait_for_text("#passport-list", card["number"].as_str().expect("number")).await;

    app.close().await;
    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
}
