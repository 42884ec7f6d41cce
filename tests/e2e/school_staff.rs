//! School staff do their job in the window (demo data): the school's pastoral lead refers a
//! young carer to the carers service (a refused referral first: the errors beside the fields);
//! the carers service accepts it into the register; the school sees the outcome, opens the
//! pupil's page, records an adjustment with a review date and a note "in school" (written as
//! the signed-in account), and sees the transition milestones and that no card is held. Scope
//! through the window: an adult carer, another school's referral and the case record are
//! refused. axe on every new screen. Screenshots: referral-form, referral-decided, pupil-page
//! (tests/e2e/screenshots/).

use carers_desk_e2e::App;
use serde_json::{json, Value};

async fn switch_to(app: &App, username: &str, passphrase: &str) {
    app.click("#sign-out").await;
    app.sign_in(username, passphrase).await;
    app.wait_gone("#lock-screen").await;
}

#[tokio::test]
async fn a_school_refers_the_service_accepts_and_the_school_records_adjustments_and_notes() {
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    let mut failures = Vec::new();
    // Another school's referral, made by the service (the school must never see it).
    let staff = app.invoke("staff_list", json!({})).await.expect("staff accounts");
    let their_school =
        staff.as_array().unwrap().iter().find(|a| a["username"] == "school").expect("the school account")["school_id"]
            .clone();
    let schools = app.invoke("school_list", json!({})).await.expect("schools");
    let other_school =
        schools.as_array().unwrap().iter().find(|s| s["id"] != their_school).expect("another demo school")["id"]
            .as_i64()
            .unwrap();
    let other = app
        .invoke(
            "school_referral_create",
            json!({"school_id": other_school, "first_name": "Other", "last_name": "School", "date_of_birth": "01/09/2012",
                   "year_group": "9", "cares_for": "Dad", "caring_tasks": "Shopping", "identified_by": "P",
                   "young_person_consent": true, "parent_consent": "given"}),
        )
        .await
        .expect("a referral for another school");
    let adult = app
        .invoke("carer_search", json!({"query": "", "category": "adult_carer", "limit": 1}))
        .await
        .expect("adult carers")["results"][0]["id"]
        .as_i64()
        .expect("an adult carer");

    // ---- the school refers
    switch_to(&app, "school", "school passphrase").await;
    let me = app.session_status().await.expect("status")["user"].clone();
    let school_id = me["school_id"].as_i64().expect("the school account's school");
    app.wait_for_text("#school-name", me["school_name"].as_str().unwrap_or_default()).await;
    app.click("#school-refer").await;
    app.wait_for("#referral-form").await;
    assert!(!app.exists("#referral-form [name=school_id]").await, "school staff refer from their own school");
    app.click("#send-referral").await;
    app.wait_for("#error-summary").await;
    for field in [
        "first_name",
        "date_of_birth",
        "year_group",
        "cares_for",
        "identified_by",
        "young_person_consent",
        "parent_consent",
    ] {
        assert!(app.exists(&format!("#referral-form [data-field={field}].field--error")).await, "{field} marked");
    }
    app.check_accessible("referral form with errors", &mut failures).await;
    app.fill("#referral-form [name=first_name]", "Ayesha").await;
    app.fill("#referral-form [name=last_name]", "Rahman").await;
    app.fill("#referral-form [name=date_of_birth]", "04/05/2012").await;
    app.select("#referral-form [name=year_group]", "9").await;
    app.fill("#referral-form [name=tutor_group]", "9K").await;
    app.fill("#referral-form [name=cares_for]", "Mum, who has multiple sclerosis").await;
    app.fill("#referral-form [name=caring_tasks]", "Helps her dress, cooks tea, looks after her brother").await;
    app.click("#identified_by-S").await;
    app.click("#young_person_consent").await;
    app.click("#parent_consent-given").await;
    app.screenshot("referral-form").await;
    app.click("#send-referral").await;
    app.wait_for_text("#referral-name", "Ayesha Rahman").await;
    app.wait_for_text(".record-head__facts", "Waiting for the carers service").await;
    let referral_id = app.route_id("/referrals/").await;
    app.check_accessible("a referral, waiting", &mut failures).await;

    // ---- the carers service accepts it
    switch_to(&app, "demo", "demo passphrase").await;
    app.go("/referrals?status=new").await;
    app.wait_for(&format!("#referral-list tr[data-referral-id='{referral_id}']")).await;
    app.check_accessible("referrals from schools", &mut failures).await;
    app.click(&format!("#referral-list tr[data-referral-id='{referral_id}'] a")).await;
    app.wait_for("#referral-decision").await;
    app.check_accessible("a referral to decide", &mut failures).await;
    app.click("#accept-referral").await;
    app.wait_for("#accept-dialog[open]").await;
    app.fill("#accept-dialog [name=note]", "We will meet Ayesha at school on Tuesday").await;
    app.click("#accept-dialog-submit").await;
    app.wait_for_text("#record-name", "Ayesha").await;
    let carer_id = app.route_id("/carers/").await;
    let record = app.invoke("carer_get", json!({"id": carer_id})).await.expect("the new record");
    assert_eq!(record["referral_source"], "school");

    // ---- the other school's referral is signposted: recorded as a signposted contact, so the
    // monitoring report counts it under "signposted only".
    let today = chrono::Local::now().date_naive().to_string();
    let signposted_only = || async {
        let report = app.invoke("report_run", json!({"from": today, "to": today})).await.expect("report_run");
        report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["figures"].as_array().unwrap().clone())
            .find(|f| f["key"] == "signposted_only")
            .expect("the figure")["value"]
            .as_u64()
            .unwrap()
    };
    let before = signposted_only().await;
    app.go(&format!("/referrals/{}", other["id"])).await;
    app.click("#signpost-referral").await;
    app.wait_for("#signpost-dialog[open]").await;
    app.fill("#signpost-dialog [name=note]", "The young carers project nearer home").await;
    app.click("#signpost-dialog-submit").await;
    app.wait_for_text("#referral-outcome", "The young carers project nearer home").await;
    app.wait_for("#referral-record").await;
    assert_eq!(signposted_only().await, before + 1, "the signposted referral is counted");

    // ---- the school sees the outcome and works with the pupil
    switch_to(&app, "school", "school passphrase").await;
    app.go(&format!("/referrals/{referral_id}")).await;
    app.wait_for_text("#referral-outcome", "Registered for support").await;
    app.wait_for_text("#referral-outcome", "We will meet Ayesha at school on Tuesday").await;
    app.screenshot("referral-decided").await;
    app.go(&format!("/schools/{school_id}")).await;
    app.click(&format!("#pupil-list tr[data-carer-id='{carer_id}'] a")).await;
    app.wait_for_text("#pupil-name", "Ayesha Rahman").await;
    // An adjustment with a review date.
    app.click("#add-adjustment").await;
    app.select("#adjustment-form [name=kind]", "homework").await;
    app.fill("#adjustment-form [name=note]", "Two extra days for homework").await;
    app.fill("#adjustment-form [name=review_on]", "01/02/2030").await;
    app.click("#save-adjustment").await;
    app.wait_for_text("#adjustment-list", "Two extra days for homework").await;
    // Another, then ended: it stays listed as ended.
    app.click("#add-adjustment").await;
    app.select("#adjustment-form [name=kind]", "phone").await;
    app.click("#save-adjustment").await;
    app.wait_for("#adjustment-list [data-status]:nth-child(2)").await;
    let phone = app
        .js("return [...document.querySelectorAll('#adjustment-list li')].find((li) => li.dataset.status !== 'ended' && !li.textContent.includes('Two extra days'))?.dataset.adjustmentId")
        .await;
    let phone = phone.as_str().expect("the new adjustment's id").to_string();
    app.click(&format!("#adjustment-list li[data-adjustment-id='{phone}'] button:last-child")).await;
    app.wait_for_text("dialog.dialog", "End").await;
    app.click("dialog.dialog button[value=yes]").await;
    app.wait_for(&format!("#adjustment-list li[data-adjustment-id='{phone}'][data-status=ended]")).await;
    // A note in school, written as the signed-in account.
    app.wait_for_text("#note-author", me["name"].as_str().unwrap_or_default()).await;
    assert!(!app.exists("#pupil-note-form [name=author]").await, "the author is not typed");
    app.fill("#pupil-note-form [name=text]", "Late twice this week; spoke with her kindly").await;
    app.click("#save-pupil-note").await;
    app.wait_for_text("#pupil-notes-list", "Late twice this week").await;
    app.wait_for_text("#pupil-notes-list", me["name"].as_str().unwrap_or_default()).await;
    app.wait_for("#pupil-milestone-list tr[data-milestone=handover]").await;
    app.wait_for_text("#card-held", "No young carer card").await;
    app.check_accessible("a pupil's page", &mut failures).await;
    app.screenshot("pupil-page").await;

    // ---- never outside the school: an adult carer, the case record, another school's referral
    for (route, what) in [
        (format!("/pupils/{adult}"), "an adult carer"),
        (format!("/carers/{carer_id}"), "the case record"),
        (format!("/referrals/{}", other["id"]), "another school's referral"),
    ] {
        app.go(&route).await;
        app.wait_for_text("h1", "Your account cannot open this").await;
        let text = app.body_text().await;
        assert!(!text.contains("Other School"), "{what}: nothing of another school");
        for command in ["pupil_get", "carer_get", "school_referral_get", "cannot use '"] {
            assert!(!text.contains(command), "{what}: no command name on screen: {text}");
        }
    }
    let listed: Value = app.invoke("school_referral_list", json!({})).await.expect("their referrals");
    assert!(listed.as_array().unwrap().iter().all(|r| r["school_id"] == school_id), "their school's only: {listed}");

    assert!(failures.is_empty(), "axe found violations:\n{}", failures.join("\n"));
    app.close().await;
}
