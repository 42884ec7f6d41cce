//! Importing carers from a spreadsheet, on demo data: a CSV
//! written the American way (month first) is picked from the register's "Import from a
//! spreadsheet" (the open dialog is stubbed: WebDriver cannot reach the system one); the
//! columns come with samples and the suggested fields already chosen; the values of the Sex
//! column are matched to ours by suggestion, the relationship and hours by hand; without a
//! column for the cared-for person's relationship the check says so beside the columns; the
//! dry run, with dates read day first, finds the one row whose date cannot be a day-first date
//! (row, column, value and message); the date format is changed to month first and the check
//! is clean; the mapping is saved by name; the import is confirmed and the three carers (two
//! caring for someone) are in the register with the right dates of birth. The same file again
//! uses the saved mapping by itself and shows every row as a likely duplicate, linked to the
//! carer (opening one and coming back keeps the check). The referral's outcome is on a record
//! and changed on the form. Then, in Settings › Data safety, small numbers in exports are
//! switched off and the whole register is exported into a folder (folder dialog stubbed).
//! Every step is checked with axe-core. Screenshots in `tests/e2e/screenshots/`:
//! `import-columns.png`, `import-column-missing.png`, `import-dry-run-errors.png`,
//! `import-dry-run-clean.png`, `import-done.png`, `import-register.png`,
//! `import-duplicates.png`, `carer-referral-outcome.png`, `register-exported.png`.

use carers_desk_e2e::App;
use serde_json::json;

const CSV: &str = "First Name,Surname,DOB,Sex,Postcode,Cared for,Relationship,Hours a week\n\
Imogen,Importwell,01/02/1970,F,LS1 4AP,Ray,Husband,50+\n\
Isaac,Importwell,03/04/1982,M,LS6 2QB,,,\n\
Iris,Importwell,05/25/1965,F,,Rose,Mum,20-34\n";

#[tokio::test]
async fn a_spreadsheet_is_mapped_checked_fixed_and_imported() {
    let mut failures = Vec::new();
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    let csv = app.temp_dir().join("old register.csv");
    std::fs::write(&csv, CSV).expect("the CSV is written");

    // ---- From the register to the import page; the file picked.
    app.click("#nav-carers").await;
    app.click("#register-import").await;
    app.wait_for_text("h1", "Import carers from a spreadsheet").await;
    // Importing adds carers: the menu marks Carers as where this is, not Settings.
    let current = app
        .js("return [...document.querySelectorAll('[data-nav][aria-current=page]')].map((a) => a.id).join(' ')")
        .await;
    assert_eq!(current.as_str(), Some("nav-carers"), "the menu item marked current");
    assert_eq!(app.text(".back a").await, "Back to the register");
    app.check_accessible("import: start", &mut failures).await;
    app.stub_open_dialog(json!(csv.to_str().expect("UTF-8"))).await;
    app.click("#import-choose").await;
    app.wait_for_text("#import-file-name", "old register.csv").await;
    app.wait_for_text("#import-file-rows", "3 rows").await;
    let asked = app.js("return window.__askedOpen.filters[0].extensions.join(' ')").await;
    for ext in ["csv", "xlsx", "xls", "ods"] {
        assert!(asked.as_str().unwrap_or_default().split(' ').any(|e| e == ext), "the dialog offers .{ext}: {asked}");
    }

    // The suggested fields are chosen; the samples are shown.
    for (index, field) in [(0, "first_name"), (1, "last_name"), (2, "date_of_birth"), (3, "gender"), (4, "postcode")] {
        assert_eq!(app.value(&format!("#import-column-{index}")).await, field, "column {index}");
    }
    app.wait_for_text("#import-column-0-samples", "Imogen").await;
    // "Cared for" holds the cared-for person's first name.
    app.select("#import-column-5", "cared_for_first_name").await;
    assert_eq!(app.value("#import-column-6").await, "cared_for_relationship");
    assert_eq!(app.value("#import-column-7").await, "cared_for_hours_band");
    assert_eq!(app.js("return document.querySelector('#date_format-dmy').checked").await, json!(true));
    app.check_accessible("import: columns", &mut failures).await;
    app.screenshot("import-columns").await;

    // ---- The values of the Sex column.
    app.click("#import-next-values").await;
    app.wait_for("#import-values-gender").await;
    assert_eq!(app.value("#import-values-gender select[data-value='F']").await, "female");
    assert_eq!(app.value("#import-values-gender select[data-value='M']").await, "male");
    // Values with no suggestion are matched by hand.
    app.wait_for("#import-values-cared_for_relationship").await;
    app.select("#import-values-cared_for_relationship select[data-value='Husband']", "spouse_partner").await;
    app.select("#import-values-cared_for_relationship select[data-value='Mum']", "parent").await;
    app.select("#import-values-cared_for_hours_band select[data-value='50+']", "h50_plus").await;
    app.select("#import-values-cared_for_hours_band select[data-value='20-34']", "h20_34").await;

    // ---- A cared-for person with no column for their relationship: the check says so beside
    // the columns, and the values matched so far are kept.
    app.select("#import-column-6", "").await;
    app.click("#import-next-values").await;
    app.wait_for("#import-step-values:not([hidden]) #import-check").await;
    app.click("#import-check").await;
    app.wait_for_text("#error-columns", "relationship").await;
    app.wait_for_text("#error-summary", "relationship").await;
    app.check_accessible("import: a needed column not chosen", &mut failures).await;
    app.screenshot("import-column-missing").await;
    app.select("#import-column-6", "cared_for_relationship").await;
    app.click("#import-next-values").await;
    app.wait_for("#import-step-values:not([hidden]) #import-values-cared_for_relationship").await;
    assert_eq!(app.value("#import-values-cared_for_relationship select[data-value='Husband']").await, "spouse_partner");

    // ---- Dry run, dates day first: row 4's 05/25/1965 is not a date.
    app.click("#import-check").await;
    app.wait_for("#import-has-errors").await;
    let errors = app.text("#import-errors tbody").await;
    assert!(errors.contains('4') && errors.contains("DOB") && errors.contains("05/25/1965"), "row 4's date: {errors}");
    assert_eq!(app.js("return document.querySelectorAll('#import-errors tbody tr').length").await, json!(1));
    assert!(!app.exists("#import-commit").await, "nothing can be imported while a row is wrong");
    app.wait_for_text("#import-counts [data-count=rows_with_errors] dd", "1").await;
    app.check_accessible("import: dry run with an error", &mut failures).await;
    app.js("document.querySelector('#import-step-check').scrollIntoView(); return true;").await;
    app.screenshot("import-dry-run-errors").await;
    let none = app.invoke("carer_search", json!({ "query": "Importwell" })).await.expect("search");
    assert_eq!(none["results"].as_array().map(Vec::len), Some(0), "the dry run wrote nothing");

    // ---- Fixed: the file writes the month first. The check is clean.
    app.click("#date_format-mdy").await;
    app.wait_for("#import-check-stale").await;
    app.click("#import-check").await;
    app.wait_for("#import-clean").await;
    app.wait_for_text("#import-counts [data-count=will_create] dd", "3").await;
    app.wait_for_text("#import-counts [data-count=cared_for_will_create] dd", "2").await;
    app.wait_for_text("#import-commit", "Import 3 carers").await;

    // The mapping, saved for next time.
    app.fill("#import-mapping-name", "Old register").await;
    app.click("#import-mapping-save").await;
    app.wait_for_text("#import-mapping-status", "Saved as “Old register”").await;
    let saved = app.invoke("import_mapping_list", json!({})).await.expect("mappings");
    let mapping = &saved[0]["mapping"];
    assert_eq!(mapping["date_format"], "mdy", "{saved}");
    assert_eq!(mapping["columns"]["Cared for"], "cared_for_first_name", "{saved}");
    assert_eq!(mapping["values"]["gender"]["F"], "female", "{saved}");
    app.check_accessible("import: clean dry run", &mut failures).await;
    app.js("document.querySelector('#import-step-check').scrollIntoView(); return true;").await;
    app.screenshot("import-dry-run-clean").await;

    // ---- Import, after a question.
    app.click("#import-commit").await;
    app.wait_for("dialog.dialog[open]").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for_text("#import-result", "3 carers added to the register").await;
    app.wait_for_text("#import-result", "2 cared-for people").await;
    app.check_accessible("import: done", &mut failures).await;
    app.screenshot("import-done").await;

    // ---- In the register.
    app.click("#import-register-link").await;
    app.fill("#search", "Importwell").await;
    app.wait_for_text("#search-results-area", "Iris").await;
    let list = app.wait_for_text("#search-results-area", "Imogen").await;
    assert!(list.contains("Isaac"), "{list}");
    app.screenshot("import-register").await;
    let found = app.invoke("carer_search", json!({ "query": "Importwell" })).await.expect("search");
    let iris = found["results"].as_array().expect("results").iter().find(|c| c["first_name"] == "Iris").expect("Iris");
    let record = app.invoke("carer_get", json!({ "id": iris["id"] })).await.expect("Iris's record");
    assert_eq!(record["date_of_birth"], "1965-05-25", "read month first: {record}");
    assert_eq!(record["gender"], "female", "{record}");

    // ---- The same file again: the saved mapping is used by itself, and every row is a likely
    // duplicate of a carer just imported, linked to their record; the check is kept while one
    // is opened.
    app.go("/import").await;
    app.stub_open_dialog(json!(csv.to_str().expect("UTF-8"))).await;
    app.click("#import-choose").await;
    app.wait_for_text("#import-mapping-used", "Old register").await;
    assert_eq!(app.value("#import-column-5").await, "cared_for_first_name", "the saved mapping's choice");
    app.click("#import-next-values").await;
    assert_eq!(app.value("#import-values-cared_for_relationship select[data-value='Mum']").await, "parent");
    app.click("#import-check").await;
    app.wait_for("#import-duplicates").await;
    assert_eq!(app.js("return document.querySelectorAll('#import-duplicates tbody tr').length").await, json!(3));
    app.wait_for_text("#import-duplicates", &format!("({})", iris["reference"].as_str().expect("a reference"))).await;
    assert_eq!(app.js("return document.querySelector('#import-skip-duplicates').checked").await, json!(true));
    app.wait_for_text("#import-commit[disabled]", "Nothing to import").await;
    app.click("#import-skip-duplicates").await;
    app.wait_for_text("#import-commit", "Import 3 carers").await;
    app.click("#import-skip-duplicates").await;
    app.check_accessible("import: likely duplicates", &mut failures).await;
    app.js("document.querySelector('#import-duplicates').scrollIntoView(); return true;").await;
    app.screenshot("import-duplicates").await;
    app.click("#import-duplicates tbody tr:first-child a").await;
    app.wait_for("#carer-record").await;
    app.client.back().await.expect("back");
    app.wait_for("#import-duplicates").await;
    app.wait_for_text("#import-file-name", "old register.csv").await;

    // ---- Her record shows the referral's outcome (imported without one: registered for
    // support), and the form offers it beside "Referred by".
    app.go(&format!("/carers/{}", iris["id"])).await;
    app.wait_for_text("#carer-record [data-field=referral_outcome]", "Registered for support").await;
    app.go(&format!("/carers/{}/edit", iris["id"])).await;
    assert_eq!(app.value("#carer-form [name=referral_outcome]").await, "accepted");
    app.select("#carer-form [name=referral_outcome]", "signposted").await;
    app.js("document.querySelector('[name=referral_outcome]').scrollIntoView({ block: 'center' }); return true;").await;
    app.screenshot("carer-referral-outcome").await;
    app.click("#save-carer").await;
    app.wait_for_text("#carer-record [data-field=referral_outcome]", "Information and signposting only").await;

    // ---- Settings › Data safety: small numbers in exported reports, and the whole register
    // exported into a folder (the folder dialog stubbed).
    app.go("/settings?show=data-safety").await;
    app.wait_for("#register-export").await;
    assert_eq!(app.js("return document.querySelector('[name=report_suppress_small]').checked").await, json!(true));
    app.click("#settings-safety [name=report_suppress_small]").await;
    app.click("#save-safety").await;
    app.wait_for_text("#flash", "Saved").await;
    let settings = app.invoke("settings_get", json!({})).await.expect("settings");
    assert_eq!(settings["report_suppress_small"], false, "{settings}");
    let exports = app.temp_dir().join("exports");
    std::fs::create_dir_all(&exports).expect("a folder");
    app.stub_open_dialog(json!(exports.to_str().expect("UTF-8"))).await;
    app.click("#register-export").await;
    app.wait_for_text("#register-exported", "Register exported").await;
    let folder = app.text("#register-export-folder").await;
    assert!(std::path::Path::new(folder.trim()).join("register.json").is_file(), "register.json in {folder}");
    app.click("#register-exported summary").await;
    app.wait_for_text("#register-export-tables", "carers").await;
    app.check_accessible("settings: register exported", &mut failures).await;
    app.js("document.querySelector('#register-export-box').scrollIntoView(); return true;").await;
    app.screenshot("register-exported").await;

    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    app.close().await;
}

/// A register exported with a title and a note above the column names, a Consent column and no
/// consent dates, and a stray value far to the right.
const TITLED_CSV: &str = "Riverside Carers - carers register\r\n\
Exported 01/04/2026 by the carers lead\r\n\
\r\n\
First name,Surname,Date of birth,Consent,Postcode\r\n\
Hana,Headerrow,12/03/1971,Yes,LS1 4AP\r\n\
Huw,Headerrow,30/09/1985,No,LS6 2QB\r\n\
Hettie,Headerrow,01/12/1990,Y,\r\n";

/// The header row chosen in the window and the consent date set by the mapping: a file with a
/// title row and a note above the column names is read with the suggested header row (row 4);
/// choosing row 1 instead reads the title as the only named column (nothing dropped); choosing
/// row 4 again gives the five columns. A stray cell past column 1,000 is named in a warning on
/// the file and again at the check. "Consent" with no consent-date column: the check names the
/// column in each row's problem; a fixed consent date in the mapping makes it clean; the three
/// carers import, those who consented with that date. Screenshots: `import-header-row.png`,
/// `import-consent-date.png`.
#[tokio::test]
async fn the_header_row_is_chosen_and_consent_takes_the_mappings_date() {
    let mut failures = Vec::new();
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    let mut text = TITLED_CSV.to_string();
    // Hettie's row has a note in column 1,004 (ALP), far past anything read.
    text = text.replace("01/12/1990,Y,\r\n", &format!("01/12/1990,Y,{}moved in May\r\n", ",".repeat(999)));
    let csv = app.temp_dir().join("register with a title.csv");
    std::fs::write(&csv, text).expect("the CSV is written");

    app.go("/import").await;
    app.wait_for_text("h1", "Import carers from a spreadsheet").await;
    app.stub_open_dialog(json!(csv.to_str().expect("UTF-8"))).await;
    app.click("#import-choose").await;
    app.wait_for_text("#import-file-rows", "3 rows").await;
    // The suggested header row is the column names' row, below the title and the note.
    assert_eq!(app.value("#import-header-row").await, "4");
    let chosen =
        app.js("const s = document.querySelector('#import-header-row'); return s.options[s.selectedIndex].text").await;
    assert!(chosen.as_str().unwrap_or_default().contains("(suggested)"), "{chosen}");
    app.wait_for_text("#import-header-row-hint", "2 rows above it").await;
    app.wait_for_text("#import-left-out", "the first is ALP7").await;

    // ---- Row 1 chosen: the title is the only named column; no column is dropped.
    app.select("#import-header-row", "1").await;
    app.wait_for_text("#import-file-rows", "5 rows").await;
    app.wait_for_text("#import-column-0-header", "Riverside Carers - carers register").await;
    assert_eq!(app.js("return document.querySelectorAll('#import-columns tbody tr').length").await, json!(5));
    app.wait_for_text("#import-column-4-header", "Column E").await;

    // ---- Row 4 again: the five columns, each with its suggestion.
    app.select("#import-header-row", "4").await;
    app.wait_for_text("#import-file-rows", "3 rows").await;
    app.wait_for_text("#import-column-0-header", "First name").await;
    for (index, field) in
        [(0, "first_name"), (1, "last_name"), (2, "date_of_birth"), (3, "consent_given"), (4, "postcode")]
    {
        assert_eq!(app.value(&format!("#import-column-{index}")).await, field, "column {index}");
    }
    app.check_accessible("import: header row chosen", &mut failures).await;
    app.js("document.querySelector('#import-step-file').scrollIntoView(); return true;").await;
    app.screenshot("import-header-row").await;

    // ---- Consent, only from the file: each consenting row is a problem naming the column.
    app.wait_for("#import-consent-date-group:not([hidden])").await;
    assert_eq!(app.js("return document.querySelector('#consent_date_mode-file').checked").await, json!(true));
    app.click("#import-next-values").await;
    app.wait_for("#import-step-values:not([hidden]) #import-check").await;
    app.click("#import-check").await;
    app.wait_for("#import-has-errors").await;
    let errors = app.text("#import-errors tbody").await;
    assert!(errors.contains("Consent") && errors.contains("no column holds the consent date"), "{errors}");
    assert_eq!(
        app.js("return document.querySelectorAll('#import-errors tbody tr').length").await,
        json!(2),
        "{errors}"
    );

    // ---- A fixed consent date in the mapping: clean.
    app.click("#consent_date_mode-date").await;
    app.fill("#import-consent-date", "01/04/2024").await;
    app.wait_for("#import-check-stale").await;
    app.click("#import-check").await;
    app.wait_for("#import-clean").await;
    app.wait_for_text("#import-counts [data-count=will_create] dd", "3").await;
    app.wait_for_text("#import-check-left-out", "ALP7").await;
    app.check_accessible("import: consent date from the mapping", &mut failures).await;
    app.js("document.querySelector('#import-consent-date-group').scrollIntoView(); return true;").await;
    app.screenshot("import-consent-date").await;

    app.click("#import-commit").await;
    app.wait_for("dialog.dialog[open]").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for_text("#import-result", "3 carers added to the register").await;
    let found = app.invoke("carer_search", json!({ "query": "Headerrow" })).await.expect("search");
    let people = found["results"].as_array().expect("results");
    assert_eq!(people.len(), 3, "{found}");
    for (name, consent, date) in
        [("Hana", true, json!("2024-04-01")), ("Huw", false, json!(null)), ("Hettie", true, json!("2024-04-01"))]
    {
        let id = &people.iter().find(|c| c["first_name"] == name).expect(name)["id"];
        let record = app.invoke("carer_get", json!({ "id": id })).await.expect("the record");
        assert_eq!((&record["consent_given"], &record["consent_date"]), (&json!(consent), &date), "{name}: {record}");
    }

    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    app.close().await;
}
