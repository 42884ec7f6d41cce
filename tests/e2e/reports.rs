//! The end-to-end test of the monitoring report, on demo data: the Reports page opens on
//! this quarter; a day that does not exist is refused beside the field; "Last financial year"
//! is chosen from the quick periods; every group is shown with its figures, each with its
//! one-line description, and the breakdowns as bar charts (SVG bars, the numbers as text); the
//! numbers on the page are report_run's. A figure's number is clicked: the records behind it
//! are listed (as many as the figure says), and so are a row's; a name opens the carer's
//! record. The report is exported as a PDF and JSON (save dialog stubbed: WebDriver cannot
//! reach the system one) and as CSV files (folder dialog stubbed). Finally the reporting
//! account sees the same report without anything to click through to names. Every screen is
//! checked with axe-core. Screenshots in `tests/e2e/screenshots/`: `reports.png`,
//! `report-chart.png`, `report-records.png`, `reports-reporting-account.png`.

use carers_desk_e2e::App;
use serde_json::{json, Value};

/// The figure of `report` whose key is `key`.
fn figure<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["figures"].as_array().expect("figures").iter())
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no figure {key} in the report"))
}

/// A figure that can be drilled into, with a non-zero total and a non-zero row: (figure, row).
fn drillable(report: &Value) -> (Value, Value) {
    for g in report["groups"].as_array().expect("groups") {
        for f in g["figures"].as_array().expect("figures") {
            if f["drill"] != true || f["chart"] != true || f["value"].as_u64().unwrap_or(0) == 0 {
                continue;
            }
            let row = f["rows"].as_array().and_then(|rows| {
                rows.iter().find(|r| {
                    r["value"].as_u64().unwrap_or(0) > 0
                        && r["key"].as_str().is_some_and(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                })
            });
            if let Some(row) = row {
                return (f.clone(), row.clone());
            }
        }
    }
    panic!("no figure with records behind it in the demo data's report");
}

fn n(v: &Value) -> String {
    let n = v.as_u64().expect("a count");
    // en-GB grouping, as the page shows numbers.
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[tokio::test]
async fn the_monitoring_report_with_its_charts_the_records_behind_a_figure_and_exports() {
    let mut failures = Vec::new();
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;

    // ---- The page opens on this quarter.
    app.click("#nav-reports").await;
    app.wait_for_text("h1", "Reports").await;
    app.wait_for("#report-results .report-group").await;
    let periods = app.invoke("report_periods", json!({})).await.expect("report periods");
    let this_quarter = &periods[0];
    assert_eq!(
        app.js("return document.querySelector('#period-this_quarter').getAttribute('aria-pressed')").await,
        json!("true")
    );
    assert!(
        app.value("#report-form [name=from]").await.len() == 10,
        "the period's first day is shown as DD/MM/YYYY: {this_quarter}"
    );

    // ---- A day that does not exist: the message is beside the field.
    app.fill("#report-form [name=from]", "31/02/2026").await;
    app.click("#report-show").await;
    app.wait_for("#error-from").await;
    app.wait_for("#error-summary").await;

    // ---- A quick period: last financial year.
    let last_year = periods
        .as_array()
        .expect("periods")
        .iter()
        .find(|p| p["key"] == "last_financial_year")
        .expect("last financial year is a quick period")
        .clone();
    let from = last_year["from"].as_str().unwrap().to_string();
    let to = last_year["to"].as_str().unwrap().to_string();
    let uk = |iso: &str| format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[0..4]);
    app.click("#period-last_financial_year").await;
    app.wait_for_text("#report-title", &format!("{} to {}", uk(&from), uk(&to))).await;
    assert_eq!(app.value("#report-form [name=from]").await, uk(&from));
    assert_eq!(app.value("#report-form [name=to]").await, uk(&to));
    assert!(!app.exists("#error-from").await, "the quick period clears the mistake");
    assert_eq!(
        app.js("return document.querySelector('#period-last_financial_year').getAttribute('aria-pressed')").await,
        json!("true")
    );

    // Every group and figure of report_run is on the page, with its description and number.
    let report = app.invoke("report_run", json!({ "from": from, "to": to })).await.expect("report_run");
    for g in report["groups"].as_array().expect("groups") {
        app.wait_for_text(&format!("#report-group-{}-title", g["key"].as_str().unwrap()), g["title"].as_str().unwrap())
            .await;
        for f in g["figures"].as_array().expect("figures") {
            let key = f["key"].as_str().unwrap();
            let shown = app.text(&format!("#figure-{key}")).await;
            assert!(shown.contains(f["label"].as_str().unwrap()), "{key}'s label: {shown}");
            assert!(shown.contains(f["description"].as_str().unwrap()), "{key}'s description beside it: {shown}");
            assert!(shown.contains(&n(&f["value"])), "{key}'s number {}: {shown}", f["value"]);
        }
    }
    // "On this page" lists every group; following one puts focus on its heading.
    let groups = report["groups"].as_array().expect("groups");
    let contents = app.text("#report-contents").await;
    for g in groups {
        assert!(contents.contains(g["title"].as_str().unwrap()), "{} in {contents}", g["title"]);
    }
    let last = groups.last().expect("a group")["key"].as_str().unwrap().to_string();
    app.click(&format!("#report-contents a[href='#report-group-{last}']")).await;
    assert_eq!(app.js("return document.activeElement.id").await, json!(format!("report-group-{last}-title")));
    let referrals = figure(&report, "referrals_received");
    assert!(referrals["value"].as_u64().unwrap() > 0, "demo data has referrals last year: {referrals}");
    let bars =
        app.js("return document.querySelectorAll('#report-results svg.report-bar .report-bar__fill').length").await;
    assert!(bars.as_u64().unwrap_or(0) > 5, "bar charts are drawn: {bars}");
    app.check_accessible("reports", &mut failures).await;
    app.screenshot("reports").await;

    // ---- A figure's records, then a row's.
    let (f, row) = drillable(&report);
    let key = f["key"].as_str().unwrap().to_string();
    let row_key = row["key"].as_str().unwrap().to_string();
    app.js(&format!("document.querySelector('#figure-{key}').scrollIntoView(); return true;")).await;
    app.screenshot("report-chart").await;
    app.click(&format!("#figure-{key}-open")).await;
    app.wait_for("#report-records-dialog[open]").await;
    app.wait_for_text("#report-records-title", f["label"].as_str().unwrap()).await;
    let count = app.text("#report-records-count").await;
    assert!(count.starts_with(&n(&f["value"])), "as many records as the figure says ({}): {count}", f["value"]);
    let listed = app.js("return document.querySelectorAll('#report-records-table tbody tr').length").await;
    assert_eq!(listed, f["value"], "every record is listed");
    app.check_accessible("the records behind a figure", &mut failures).await;
    app.screenshot("report-records").await;
    app.click("#report-records-close").await;
    app.wait_gone("#report-records-dialog").await;

    app.click(&format!("#figure-{key}-row-{row_key}")).await;
    app.wait_for_text("#report-records-title", row["label"].as_str().unwrap()).await;
    // Where the page is when it is left (the click brought the row to the middle of the window).
    let scrolled = app.js("return window.scrollY").await.as_f64().unwrap_or(0.0);
    assert!(scrolled > 100.0, "the figure is down the page: {scrolled}");
    let listed = app.js("return document.querySelectorAll('#report-records-table tbody tr').length").await;
    assert_eq!(listed, row["value"], "the row's records: {row}");
    let first = app.js("return document.querySelector('#report-records-table tbody tr').dataset.carerId").await;
    app.click("#report-records-table tbody tr:first-child a").await;
    app.wait_for("#carer-record").await;
    assert!(!app.exists("#report-records-dialog").await, "the list closes when a record is opened");
    assert_eq!(app.route_id("/carers/").await.to_string(), first.as_str().unwrap());
    // Back: the same period, at the same place on the page.
    app.js("history.back(); return true;").await;
    app.wait_for(&format!("#figure-{key}")).await;
    app.wait_for_text("#report-title", &uk(&from)).await;
    let back_at = app.js("return window.scrollY").await.as_f64().unwrap_or(0.0);
    assert!((back_at - scrolled).abs() < 60.0, "back where it was: {scrolled} then {back_at}");

    // ---- Exports: PDF and JSON (save dialog), CSV (a folder).
    app.go(&format!("/reports?from={}&to={}", uk(&from), uk(&to))).await;
    app.wait_for_text("#report-title", &uk(&from)).await;
    let pdf = app.temp_dir().join("monitoring.pdf");
    app.stub_save_dialog(json!(pdf.to_str().unwrap())).await;
    app.click("#report-export-pdf").await;
    app.wait_for_text("#report-exported", "PDF").await;
    let bytes = std::fs::read(&pdf).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let json_path = app.temp_dir().join("monitoring.json");
    app.stub_save_dialog(json!(json_path.to_str().unwrap())).await;
    app.click("#report-export-json").await;
    app.wait_for_text("#report-exported", "JSON").await;
    let exported: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("the JSON is written")).expect("JSON");
    assert_eq!(exported["groups"].as_array().map(Vec::len), report["groups"].as_array().map(Vec::len));
    let csv_dir = app.temp_dir().join("monitoring csv");
    app.stub_open_dialog(json!(csv_dir.to_str().unwrap())).await;
    app.click("#report-export-csv").await;
    app.wait_for_text("#report-exported", "CSV").await;
    let csvs = std::fs::read_dir(&csv_dir).expect("the CSV folder").count();
    assert_eq!(csvs, report["groups"].as_array().unwrap().len(), "one CSV per group");

    // ---- The reporting account: counts, nothing to click through to names.
    app.click("#sign-out").await;
    app.sign_in("reports", "reports passphrase").await;
    app.wait_gone("#lock-screen").await;
    app.wait_for("#reporting-only").await;
    app.wait_for("#report-results .report-group").await;
    assert!(!app.exists(".report-value--button").await, "no figure opens a list of names");
    assert!(!app.exists(".report-row-open").await, "no row opens a list of names");
    assert!(
        !app.exists("#nav-home").await
            || app.js("return document.querySelector('#nav-home').closest('li').hidden").await == json!(true)
    );
    app.wait_for("#report-counts").await;
    app.check_accessible("reports, reporting account", &mut failures).await;
    app.screenshot("reports-reporting-account").await;

    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    app.close().await;
}
