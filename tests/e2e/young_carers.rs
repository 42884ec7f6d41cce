//! A school pastoral lead, in the window, adds their school (getting
//! the URN wrong first), links a 17-year-old young carer to it with year and tutor group, agrees
//! an adjustment that is due for review soon, marks a transition milestone done, records the
//! handover and prints its summary, then finds the young carer on the transitions list ("Turning
//! 18"), on the home screen's counts, in the register's school filter and on the school's page
//! with the adjustment flagged for review, and prints the staff summary. Every new screen is
//! checked with axe-core. Screenshots in `tests/e2e/screenshots/`: `school-form-errors.png`,
//! `schools.png`, `young-carer-record.png`, `young-carer-transition.png`, `young-carer-handover.png`, `transitions.png`,
//! `school-view.png`, `home-transitions.png`, `school-link-form.png`, `settings-transition.png`.

use carers_desk_e2e::App;
use chrono::{Days, Local, Months};
use serde_json::{json, Value};

const SCHOOL: &str = "Hill Park Academy";
const FIRST: &str = "Tomasz";
const LAST: &str = "Wiśniewski";

/// The label of `code` in the core's options list `list`, so the test keeps no copy of it.
fn label(opts: &Value, list: &str, code: &str) -> String {
    opts[list]
        .as_array()
        .and_then(|l| l.iter().find(|o| o["code"] == code))
        .and_then(|o| o["label"].as_str())
        .unwrap_or_else(|| panic!("no {code} in the options list {list}: {}", opts[list]))
        .to_string()
}

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

fn assert_pdf(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("no PDF at {}: {e}", path.display()));
    assert!(bytes.starts_with(b"%PDF-"), "{} is a PDF", path.display());
}

#[tokio::test]
async fn a_young_carer_is_linked_to_their_school_and_followed_to_adulthood() {
    let today = Local::now().date_naive();
    let uk = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    // 17 years and 3 months old: turns 18 in 9 months (in the 12-month list, not the 6-month one).
    let dob = today.checked_sub_months(Months::new(17 * 12 + 3)).expect("a date of birth");
    let eighteenth = dob.checked_add_months(Months::new(18 * 12)).expect("18th birthday");
    let review_on = uk(today + Days::new(20));
    let mut failures = Vec::new();

    let app = App::launch().await;
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    let opts = app.invoke("options", json!({})).await.expect("options");
    let carer = app
        .invoke("carer_create", json!({ "first_name": FIRST, "last_name": LAST, "date_of_birth": uk(dob) }))
        .await
        .expect("a young carer");
    let carer_id = carer["id"].as_i64().expect("id");

    // The schools list starts empty; add a school, with a URN that is not one.
    app.click("#nav-schools").await;
    app.wait_for_text("h1", "Schools").await;
    app.wait_for("#school-list-empty").await;
    app.click("#add-school").await;
    app.wait_for("#school-form").await;
    app.fill("#school-form [name=name]", SCHOOL).await;
    app.fill("#school-form [name=urn]", "12345").await;
    app.fill("#school-form [name=town]", "Leeds").await;
    app.fill("#school-form [name=postcode]", "LS6 2AA").await;
    app.fill("#school-form [name=lead_name]", "Ms Okafor").await;
    app.fill("#school-form [name=lead_email]", "pastoral@hillpark.example").await;
    app.click("#save-school").await;
    app.wait_for_text("#error-summary", "There is a problem").await;
    app.wait_for("[data-field='urn'] .field-error").await;
    assert_eq!(app.js("return document.activeElement && document.activeElement.id").await, json!("error-summary"));
    assert_eq!(app.value("#school-form [name=name]").await, SCHOOL, "what was typed is kept");
    app.screenshot("school-form-errors").await;
    app.check_accessible("school form with errors", &mut failures).await;

    app.fill("#school-form [name=urn]", "123456").await;
    app.click("#save-school").await;
    app.wait_for("#school-view").await;
    app.wait_for_text("#school-name", SCHOOL).await;
    app.wait_for_text("#flash", "Saved").await;
    app.wait_for_text("#school-lead", "Ms Okafor").await;
    app.wait_for_text("#school-pupils", "No young carers are linked").await;
    let school_id = app.route_id("/schools/").await;

    // The record: a Young carer section, not linked yet. Link them.
    app.go(&format!("/carers/{carer_id}")).await;
    app.wait_for("#carer-record").await;
    app.wait_for_text("#young-carer", "Not linked to a school").await;
    app.click("#link-school").await;
    app.wait_for("#school-link-form").await;
    app.select("#school-link-form [name=school_id]", &school_id.to_string()).await;
    app.select("#school-link-form [name=year_group]", "12").await;
    app.fill("#school-link-form [name=tutor_group]", "12B").await;
    app.select("#school-link-form [name=census_code]", "S").await;
    app.fill("#school-link-form [name=staff_contact]", "Mr Reid (head of year)").await;
    app.js("document.getElementById('school-link-form').scrollIntoView()").await;
    app.screenshot("school-link-form").await;
    app.check_accessible("school link form", &mut failures).await;
    app.click("#save-school-link").await;
    app.wait_gone("#school-link-form").await;
    let link = app.wait_for_text("#school-link", SCHOOL).await;
    assert!(link.contains("12B"), "the tutor group is shown: {link}");
    assert!(link.contains(&label(&opts, "year_group", "12")), "the year group is shown: {link}");
    assert!(link.contains(&label(&opts, "census_code", "S")), "who identified them is shown: {link}");
    app.wait_for_text("#young-carer-status", "Linked to").await;

    // An adjustment, due for review in 20 days (so flagged as due).
    let homework = label(&opts, "adjustment_kind", "homework");
    app.click("#add-adjustment").await;
    app.wait_for("#adjustment-form").await;
    app.select("#adjustment-form [name=kind]", "homework").await;
    app.fill("#adjustment-form [name=note]", "Two extra days for homework when Mum is unwell").await;
    app.fill("#adjustment-form [name=review_on]", &review_on).await;
    app.check_accessible("adjustment form", &mut failures).await;
    app.click("#save-adjustment").await;
    app.wait_gone("#adjustment-form").await;
    let adjustments = app.wait_for_text("#adjustment-list", &homework).await;
    assert!(adjustments.contains("Two extra days for homework"), "{adjustments}");
    assert!(adjustments.contains(&review_on), "the review date is shown: {adjustments}");
    app.js("document.getElementById('young-carer').scrollIntoView()").await;
    app.screenshot("young-carer-record").await;
    app.check_accessible("record with the young carer section", &mut failures).await;

    // Transition: the milestones are listed; mark one the worker can record as done.
    let yc = app.invoke("young_carer_get", json!({ "carer_id": carer_id })).await.expect("young carer");
    let milestones = yc["milestones"].as_array().cloned().unwrap_or_default();
    assert!(!milestones.is_empty(), "a 17-year-old has transition milestones: {yc}");
    if let Some(m) = milestones.iter().find(|m| m["can_record"] == true && m["status"] != "done") {
        let code = m["code"].as_str().expect("code");
        app.click(&format!("#milestones button[data-milestone='{code}']")).await;
        app.wait_for("#milestone-form").await;
        app.fill("#milestone-form [name=note]", "Talked it through with Tomasz and his mum").await;
        app.click("#save-milestone").await;
        app.wait_gone("#milestone-form").await;
        app.wait_for(&format!("#milestones tr[data-milestone='{code}'][data-status='done']")).await;
        app.wait_for(&format!("#milestones button[data-undo='{code}']")).await;
    }

    // The handover, without a transition assessment: the warning says so. Then print it.
    app.click("#edit-handover").await;
    app.wait_for("#handover-form").await;
    app.fill("#handover-form [name=receiving_service]", "Leeds Adult Carers Service").await;
    app.fill("#handover-form [name=worker]", "Priya Shah").await;
    app.fill("#handover-form [name=handover_on]", &uk(today)).await;
    app.click("#handover-form [name=consent_to_share]").await;
    app.check_accessible("handover form", &mut failures).await;
    app.click("#save-handover").await;
    app.wait_gone("#handover-form").await;
    app.wait_for_text("#handover-details", "Leeds Adult Carers Service").await;
    let yc = app.invoke("young_carer_get", json!({ "carer_id": carer_id })).await.expect("young carer");
    // No transition assessment has been done, so the core warns; the page shows its words.
    let warning = yc["handover_warnings"][0].as_str().expect("a handover warning").to_string();
    let mut chars = warning.chars();
    let shown: String = chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default();
    app.wait_for_text("#handover-warnings", &shown).await;
    let handover_pdf = app.temp_dir().join("handover.pdf");
    stub_save_dialog(&app, json!(handover_pdf.to_str().expect("UTF-8"))).await;
    app.click("#print-handover").await;
    app.wait_for_text("#handover-print-saved", "Saved to").await;
    assert_pdf(&handover_pdf);
    app.js("document.getElementById('yc-transition').scrollIntoView()").await;
    app.screenshot("young-carer-transition").await;

    // The young carer card: the default validity is shown; change the emergency contact.
    app.click("#edit-card").await;
    app.wait_for("#card-form").await;
    app.fill("#card-form [name=emergency_contact_name]", "Anna Wiśniewska").await;
    app.fill("#card-form [name=emergency_contact_relationship]", "aunt").await;
    app.fill("#card-form [name=emergency_contact_phone]", "07700 900456").await;
    app.check_accessible("young carer card form", &mut failures).await;
    app.click("#save-card").await;
    app.wait_gone("#card-form").await;
    app.wait_for_text("#card-details", "Anna Wiśniewska").await;
    app.js("document.getElementById('yc-handover').scrollIntoView()").await;
    app.screenshot("young-carer-handover").await;

    // Transitions: turning 18 in the next 12 months, not in the next 6.
    app.click("#nav-transitions").await;
    app.wait_for_text("h1", "Transition to adulthood").await;
    let turning = app.wait_for_text("#turning-18", &format!("{FIRST} {LAST}")).await;
    assert!(turning.contains(&uk(eighteenth)), "the 18th birthday is shown: {turning}");
    assert!(turning.contains(SCHOOL), "the school is shown: {turning}");
    app.screenshot("transitions").await;
    app.check_accessible("transitions", &mut failures).await;
    app.click("#months-6").await;
    app.wait_for_text("#turning-18", "No young carers turn 18 in the next 6 months").await;
    app.click("#months-12").await;
    app.wait_for_text("#turning-18", &format!("{FIRST} {LAST}")).await;

    // The school's page: the young carer, year and tutor group, the adjustment flagged.
    app.click("#nav-schools").await;
    let list = app.wait_for_text("#school-list", SCHOOL).await;
    assert!(list.contains("123456"), "the URN is listed: {list}");
    assert!(list.contains("Ms Okafor"), "the lead is listed: {list}");
    app.screenshot("schools").await;
    app.check_accessible("schools", &mut failures).await;
    app.click(&format!("#school-list tr[data-school-id='{school_id}'] a")).await;
    app.wait_for("#school-view").await;
    let pupils = app.wait_for_text("#pupil-list", &format!("{FIRST} {LAST}")).await;
    assert!(pupils.contains("12B"), "{pupils}");
    assert!(pupils.contains(&homework), "the adjustment is on the school's page: {pupils}");
    assert!(pupils.contains(&format!("Review due {review_on}")), "flagged for review: {pupils}");
    let summary_pdf = app.temp_dir().join("staff-summary.pdf");
    stub_save_dialog(&app, json!(summary_pdf.to_str().expect("UTF-8"))).await;
    app.click("#print-school-summary").await;
    app.wait_for_text("#print-saved", "Saved to").await;
    assert_pdf(&summary_pdf);
    app.screenshot("school-view").await;
    app.check_accessible("school view", &mut failures).await;

    // The register's school filter.
    app.click("#nav-carers").await;
    app.select("#search-school_id", &school_id.to_string()).await;
    app.wait_for_text("#search-count", "1 carer found").await;
    app.wait_for_text("#search-results", FIRST).await;

    // Home: turning 18 soon counts 6 months ahead, so not Tomasz yet; the link goes to the list.
    app.click("#nav-home").await;
    app.wait_for("#home-transition-counts").await;
    let home = app.invoke("home", json!({})).await.expect("home");
    let soon = home["transitions"]["turning_18_soon"].as_i64().expect("turning_18_soon");
    app.wait_for_text("[data-count='turning_18_soon'] dd", &soon.to_string()).await;
    app.js("document.getElementById('home-transition-counts').scrollIntoView({ block: 'center' })").await;
    app.screenshot("home-transitions").await;
    app.click("#home-turning-18-soon").await;
    app.wait_for_text("h1", "Transition to adulthood").await;
    assert_eq!(app.js("return document.getElementById('months-6').checked").await, json!(true));

    // Settings: the transition ages.
    app.click("#nav-settings").await;
    app.wait_for("#settings-form [name=handover_age]").await;
    assert_eq!(app.value("#settings-form [name=handover_age]").await, "18");
    app.js("document.querySelector('#settings-form [name=prepare_age]').closest('fieldset').scrollIntoView()").await;
    app.screenshot("settings-transition").await;
    app.fill("#settings-form [name=transition_offer_age]", "15").await;
    app.click("#save-settings").await;
    app.wait_for_text("#flash", "Saved").await;
    let settings = app.invoke("settings_get", json!({})).await.expect("settings");
    assert_eq!(settings["transition_offer_age"], 15, "the transition setting is saved: {settings}");
    app.check_accessible("settings", &mut failures).await;

    app.close().await;
    assert!(failures.is_empty(), "accessibility violations:\n{}", failures.join("\n"));
}

/// With the demo register (300 made-up carers, some of them young carers at a few schools):
/// the transitions lists, the busiest school's page and a young carer's record as a worker
/// would see them on an ordinary day, checked with axe-core. Screenshots
/// `transitions-demo.png`, `school-demo.png` and `young-carer-demo.png`.
#[tokio::test]
async fn the_demo_register_shows_schools_and_transitions() {
    let mut failures = Vec::new();
    let app = App::launch().await;
    app.wait_for("#load-demo").await;
    app.click("#load-demo").await;
    app.wait_for("#home-search").await;
    app.wait_for("#home-transition-counts").await;

    app.click("#nav-transitions").await;
    app.wait_for_text("#transitions-count", "past a milestone").await;
    app.screenshot("transitions-demo").await;
    app.check_accessible("transitions (demo data)", &mut failures).await;

    let schools = app.invoke("school_list", json!({})).await.expect("schools");
    let busiest =
        schools.as_array().expect("a list").iter().max_by_key(|s| s["young_carers"].as_i64().unwrap_or(0)).cloned();
    if let Some(school) = busiest {
        app.click("#nav-schools").await;
        app.wait_for("#school-list").await;
        app.check_accessible("schools (demo data)", &mut failures).await;
        app.click(&format!("#school-list tr[data-school-id='{}'] a", school["id"])).await;
        app.wait_for("#school-view").await;
        app.wait_for_text("#school-name", school["name"].as_str().unwrap_or_default()).await;
        app.screenshot("school-demo").await;
        app.check_accessible("school view (demo data)", &mut failures).await;

        let full = app.invoke("school_get", json!({ "id": school["id"] })).await.expect("school");
        if let Some(pupil) = full["pupils"].as_array().and_then(|p| p.first()) {
            app.click(&format!("#pupil-list tr[data-carer-id='{}'] a", pupil["carer_id"])).await;
            app.wait_for("#carer-record").await;
            app.wait_for("#school-link").await;
            app.js("document.getElementById('young-carer').scrollIntoView()").await;
            app.screenshot("young-carer-demo").await;
            app.check_accessible("young carer record (demo data)", &mut failures).await;
        }
    }

    app.close().await;
    assert!(failures.is_empty(), "accessibility violations:\n{}", failures.join("\n"));
}
