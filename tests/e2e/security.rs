//! Signing in, locking and roles, in the window.
//!
//! Journey 1 (a new database): the setup wizard (a passphrase too short first, the recovery key
//! shown and two of its groups typed back, one wrong first), the first-run choice, then "Lock"
//! with a half-typed form on the page; a wrong passphrase is refused beside the field, the right
//! one brings the page back with the form as it was. Then "Forgotten your passphrase?": the
//! recovery key (a wrong one first) sets a new passphrase, and the form is still there.
//!
//! Journey 2 (the demo database): "Hide screen" by its keyboard shortcut over a carer's record
//! blanks the window and locks; sign out; sign in as the school account, which sees its school
//! only and is refused an adult carer's record.
//!
//! Journey 3 (the demo database, as its administrator): staff accounts (add one, with a
//! mistake first; change its role; switch it off), "Your account" (change your own
//! passphrase), then the window locks itself after a minute without use, keeping a draft.
//!
//! Journey 4 (a new database): a backup is made, then an account is switched off (which changes
//! the register's key), so the backup opens only with the organisation's recovery key: the
//! restore dialog asks for it (a wrong one first, refused beside the field), restores, and
//! the switched-off account stays off.
//!
//! Screenshots: restore-recovery-key, setup-account, setup-recovery-key, lock-screen-wrong-passphrase, quick-hide,
//! school-account-refused, staff-add-error, staff-accounts, auto-locked (tests/e2e/screenshots/).

use carers_desk_e2e::App;
use fantoccini::key::Key;
use serde_json::{json, Value};

const ORGANISATION: &str = "Riverside Carers Centre";
const NAME: &str = "Amy Shah";
const USERNAME: &str = "amy";
const PASSPHRASE: &str = "kettle violet harbour";

/// `id` of the element that has focus.
async fn focused_id(app: &App) -> String {
    match app.js("return document.activeElement ? document.activeElement.id : ''").await {
        Value::String(id) => id,
        other => panic!("cannot read the focused element: {other:?}"),
    }
}

/// Whether the lock screen is what shows at the centre and the four corners of the window
/// (nothing of the page underneath is visible).
async fn lock_screen_covers_the_window(app: &App) -> bool {
    let script = r#"
        const w = window.innerWidth, h = window.innerHeight;
        const points = [[w / 2, h / 2], [2, 2], [w - 3, 2], [2, h - 3], [w - 3, h - 3]];
        const cover = document.getElementById('lock-screen');
        return Boolean(cover) && cover.open && points.every(([x, y]) => {
            const el = document.elementFromPoint(x, y);
            return el && cover.contains(el);
        });
    "#;
    app.js(script).await == Value::Bool(true)
}

/// Presses the quick-hide shortcut (Ctrl+Shift+H) on whatever has focus.
async fn press_hide_shortcut(app: &App) {
    let keys: String = [char::from(Key::Control), char::from(Key::Shift), 'h', char::from(Key::Null)].iter().collect();
    let el = app.client.active_element().await.expect("something has focus");
    el.send_keys(&keys).await.expect("the shortcut typed");
}

async fn error_code(app: &App, command: &str, args: Value) -> String {
    let err = app.invoke(command, args).await.expect_err("the core should refuse");
    err["code"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn set_up_then_lock_and_sign_in_with_a_wrong_then_the_right_passphrase() {
    let app = App::launch_signed_out(&[]).await;
    let mut failures = Vec::new();

    // Step 1: the organisation and the first administrator.
    app.wait_for_text("h1", "Set up Carers Desk").await;
    assert_eq!(app.session_status().await.expect("status")["state"], "setup");
    app.fill("#setup-organisation", ORGANISATION).await;
    app.fill("#setup-name", NAME).await;
    app.fill("#setup-username", USERNAME).await;
    app.fill("#setup-passphrase", "too short").await;
    app.fill("#setup-passphrase_again", "too short").await;
    app.click("#setup-continue").await;
    app.wait_for_text("#error-passphrase", "at least 10 characters").await;
    app.fill("#setup-passphrase", PASSPHRASE).await;
    app.fill("#setup-passphrase_again", PASSPHRASE).await;
    app.js("window.scrollTo(0, 0)").await;
    app.screenshot("setup-account").await;
    app.check_accessible("setup: your account", &mut failures).await;
    app.click("#setup-continue").await;

    // Step 2: the recovery key, large, in groups.
    let key = app.text("#recovery-key-text").await;
    let groups: Vec<String> = key.split('-').map(str::to_string).collect();
    assert_eq!(groups.len(), 8, "eight groups: {key}");
    let shown = app.text("#recovery-key").await;
    for g in &groups {
        assert!(shown.contains(g.as_str()), "group {g} shown: {shown}");
    }
    app.wait_for_text("#recovery-key-advice", "keep it away from the computer").await;
    app.screenshot("setup-recovery-key").await;
    app.check_accessible("setup: recovery key", &mut failures).await;
    app.click("#setup-key-written").await;

    // Step 3: two groups typed back; a wrong one first.
    let numbers = app
        .js("return [...document.querySelectorAll('[data-group-number]')].map((e) => Number(e.dataset.groupNumber))")
        .await;
    let numbers: Vec<usize> =
        numbers.as_array().expect("group numbers").iter().map(|n| n.as_u64().unwrap() as usize).collect();
    assert_eq!(numbers.len(), 2, "two groups to type back: {numbers:?}");
    app.wait_for_text("#setup-check-intro", &format!("type groups {} and {}", numbers[0], numbers[1])).await;
    app.check_accessible("setup: check the key", &mut failures).await;
    app.fill(&format!("#setup-group-{}", numbers[0]), "0000").await;
    app.fill(&format!("#setup-group-{}", numbers[1]), &groups[numbers[1] - 1].to_lowercase()).await;
    app.click("#setup-finish").await;
    app.wait_for("#error-recovery_check").await;
    assert_eq!(app.session_status().await.expect("status")["state"], "setup", "nothing is set up yet");
    app.fill(&format!("#setup-group-{}", numbers[0]), &groups[numbers[0] - 1]).await;
    app.click("#setup-finish").await;

    // The existing first-run choice, then home, signed in as the new administrator.
    app.wait_for_text("h1", "Welcome to Carers Desk").await;
    app.click("#start-empty").await;
    app.wait_for("#home-search").await;
    app.wait_for_text("#session-user", NAME).await;
    app.wait_for_text("#session-user", "Administrator").await;
    app.wait_for_text("#org-name", ORGANISATION).await;
    let status = app.session_status().await.expect("status");
    assert_eq!(status["state"], "open");
    assert_eq!(status["user"]["username"], USERNAME);

    // A half-typed form, then Lock: the page stays underneath, out of sight and out of reach.
    app.click("#nav-new-carer").await;
    app.wait_for("#carer-form").await;
    app.fill("#carer-form [name=first_name]", "Unsaved").await;
    app.fill("#carer-form [name=last_name]", "Draftington").await;
    app.click("#lock-now").await;
    app.wait_for("#lock-screen[open]").await;
    app.wait_for_text("#lock-title", "Carers Desk is locked").await;
    assert!(lock_screen_covers_the_window(&app).await, "the lock screen covers the window");
    assert_eq!(app.title().await, "Carers Desk", "the title names nobody");
    assert_eq!(app.session_status().await.expect("status")["state"], "locked");
    assert_eq!(error_code(&app, "carer_search", json!({ "query": "" })).await, "locked");
    assert_eq!(app.value("#sign-in-username").await, USERNAME, "the username is suggested");
    assert_eq!(focused_id(&app).await, "sign-in-passphrase", "the passphrase box has focus");

    // A wrong passphrase: the message is beside the field, which keeps focus.
    app.sign_in(USERNAME, "kettle violet harbor").await;
    let message = app.wait_for_text("#error-sign-in-passphrase", "rong passphrase").await;
    assert!(message.to_lowercase().contains("caps lock"), "says what to check: {message}");
    assert_eq!(focused_id(&app).await, "sign-in-passphrase", "focus stays in the passphrase box");
    assert_eq!(
        app.js("return document.getElementById('sign-in-passphrase').getAttribute('aria-describedby')").await,
        json!("sign-in-passphrase-hint error-sign-in-passphrase"),
        "the message is tied to the field"
    );
    app.screenshot("lock-screen-wrong-passphrase").await;
    app.check_accessible("lock screen with a wrong passphrase", &mut failures).await;
    assert_eq!(app.session_status().await.expect("status")["state"], "locked");

    // A pause after wrong passphrases keeps the button disabled until it is over.
    if app.session_status().await.expect("status")["retry_after_seconds"].as_u64().unwrap_or(0) > 0 {
        app.wait_for("#sign-in-wait:not([hidden])").await;
        app.wait_for("#sign-in:not([disabled])").await;
    }

    // The right one: the cover goes and the form is as it was.
    app.fill("#sign-in-passphrase", PASSPHRASE).await;
    app.click("#sign-in").await;
    app.wait_gone("#lock-screen").await;
    assert_eq!(app.value("#carer-form [name=first_name]").await, "Unsaved", "the draft is kept");
    assert_eq!(app.value("#carer-form [name=last_name]").await, "Draftington", "the draft is kept");
    assert_eq!(app.session_status().await.expect("status")["state"], "open");
    assert!(app.title().await.contains("Add a carer"), "the page's title is back: {}", app.title().await);

    // Forgotten passphrase: the recovery key (a wrong one first) sets a new one.
    app.click("#lock-now").await;
    app.click("#forgotten-passphrase").await;
    app.wait_for("#recover-form").await;
    assert_eq!(app.value("#recover-username").await, USERNAME);
    let mut wrong_key = groups.clone();
    wrong_key.reverse();
    app.fill("#recover-recovery_key", &wrong_key.join("-")).await;
    app.fill("#recover-passphrase", "orchid pebble lantern").await;
    app.fill("#recover-passphrase_again", "orchid pebble lantern").await;
    app.click("#recover-submit").await;
    app.wait_for_text("#error-recovery_key", "not this organisation").await;
    app.check_accessible("forgotten passphrase, wrong key", &mut failures).await;
    app.fill("#recover-recovery_key", &groups.join(" ").to_lowercase()).await;
    app.click("#recover-submit").await;
    app.wait_gone("#lock-screen").await;
    assert_eq!(app.value("#carer-form [name=first_name]").await, "Unsaved", "the draft is still kept");
    let wrong = app.invoke("session_unlock", json!({ "username": USERNAME, "passphrase": PASSPHRASE })).await;
    assert_eq!(wrong.expect_err("the old passphrase no longer works")["code"], "wrong_passphrase");

    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    app.close().await;
}

#[tokio::test]
async fn quick_hide_then_a_school_account_sees_its_school_only() {
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    let status = app.session_status().await.expect("status");
    assert_eq!(status["user"]["username"], "demo", "a demo database starts signed in as demo: {status}");

    // An adult carer (found as the demo administrator) and the school account's school.
    let found = app
        .invoke("carer_search", json!({ "query": "", "category": "adult_carer", "limit": 1 }))
        .await
        .expect("adult carers");
    let adult = &found["results"][0];
    let adult_id = adult["id"].as_i64().expect("an adult carer");
    let adult_name = adult["last_name"].as_str().expect("a surname").to_string();

    // Quick-hide over a carer's record: the keyboard shortcut blanks the window and locks.
    app.go(&format!("/carers/{adult_id}")).await;
    app.wait_for_text("#record-name", &adult_name).await;
    app.wait_for("#hide-screen[aria-keyshortcuts='Control+Shift+H']").await;
    press_hide_shortcut(&app).await;
    app.wait_for("#lock-screen[open][data-reason=hide]").await;
    assert!(lock_screen_covers_the_window(&app).await, "the cover fills the window");
    assert_eq!(app.title().await, "Carers Desk", "the title names nobody");
    let cover = app.text("#lock-screen").await;
    assert!(!cover.contains(&adult_name), "nothing about the carer on the cover: {cover}");
    assert_eq!(error_code(&app, "carer_get", json!({ "id": adult_id })).await, "locked");
    // A demo database lists its accounts on the sign-in screen.
    app.wait_for_text("#demo-accounts", "school passphrase").await;
    app.screenshot("quick-hide").await;

    // Back as demo: the record is still there. Then sign out.
    app.sign_in("demo", "demo passphrase").await;
    app.wait_gone("#lock-screen").await;
    app.wait_for_text("#record-name", &adult_name).await;
    app.click("#sign-out").await;
    app.wait_for("#lock-screen[open][data-reason=startup]").await;
    assert_eq!(app.session_status().await.expect("status")["state"], "locked");

    // The school account: its school only.
    app.sign_in("school", "school passphrase").await;
    app.wait_gone("#lock-screen").await;
    app.wait_for_text("#session-user", "School staff").await;
    let user = app.session_status().await.expect("status")["user"].clone();
    let school_id = user["school_id"].as_i64().expect("the school account has a school");
    app.wait_for_text("#school-name", user["school_name"].as_str().unwrap_or_default()).await;
    assert_eq!(app.route_id("/schools/").await, school_id, "home is their school");
    let nav = app.js("return [...document.querySelectorAll('.site-nav li')].filter((li) => !li.hidden).map((li) => li.textContent.trim())").await;
    assert_eq!(nav, json!(["Schools", "Referrals"]), "only their school and its referrals in the navigation");
    let schools = app.invoke("school_list", json!({})).await.expect("their schools");
    assert_eq!(schools.as_array().map(Vec::len), Some(1), "school_list has their school only: {schools}");

    // An adult carer's record, by its address: refused, and nothing of it shown.
    app.go(&format!("/carers/{adult_id}")).await;
    app.wait_for_text("h1", "Your account cannot open this").await;
    let page = app.text("main").await;
    assert!(!page.contains(&adult_name), "the adult carer's name is not shown: {page}");
    assert_eq!(error_code(&app, "carer_get", json!({ "id": adult_id })).await, "not_permitted");
    app.screenshot("school-account-refused").await;
    app.close().await;
}

#[tokio::test]
async fn staff_accounts_your_passphrase_and_the_automatic_lock() {
    let mut app = App::launch_with(&["--demo-data"]).await;
    let mut failures = Vec::new();
    app.wait_for("#home-search").await;
    app.click("#nav-settings").await;
    app.click("#settings-staff-link").await;
    let list = app.wait_for_text("#staff-list", "Pat Pastoral").await;
    for username in ["demo", "support", "school", "reports"] {
        assert!(list.contains(username), "{username} listed: {list}");
    }
    app.check_accessible("staff accounts", &mut failures).await;

    // Add a school staff account; the passphrases differ first.
    app.click("#add-staff").await;
    app.wait_for("#add-staff-dialog").await;
    let school_hidden = "return document.querySelector('dialog [data-field=school_id]').hidden";
    assert_eq!(app.js(school_hidden).await, json!(true), "no school until the role is school staff");
    app.fill("#staff-username", "jo.bloggs").await;
    app.fill("#staff-name", "Jo Bloggs").await;
    app.select("#staff-role", "school_staff").await;
    assert_eq!(app.js(school_hidden).await, json!(false), "school staff choose their school");
    let school = app.js("return document.querySelector('#staff-school_id option:nth-child(2)').value").await;
    app.select("#staff-school_id", school.as_str().expect("a school")).await;
    app.fill("#staff-passphrase", "maple river lantern").await;
    app.fill("#staff-passphrase_again", "maple river lanterns").await;
    app.click("#add-staff-dialog-submit").await;
    app.wait_for_text("#error-passphrase_again", "not the same").await;
    app.screenshot("staff-add-error").await;
    app.check_accessible("add a member of staff, with a mistake", &mut failures).await;
    app.fill("#staff-passphrase_again", "maple river lantern").await;
    app.click("#add-staff-dialog-submit").await;
    app.wait_gone("#add-staff-dialog").await;
    app.wait_for_text("#flash", "Account added for Jo Bloggs").await;
    let staff = app.invoke("staff_list", json!({})).await.expect("staff");
    let jo = staff.as_array().unwrap().iter().find(|m| m["username"] == "jo.bloggs").expect("Jo's account").clone();
    let jo_id = jo["id"].as_i64().unwrap();
    assert_eq!(jo["role"], "school_staff");
    assert!(jo["school_id"].is_i64(), "Jo belongs to a school: {jo}");

    // Change the role: the school goes with it.
    app.click(&format!("#staff-change-{jo_id}")).await;
    app.wait_for("#change-staff-dialog").await;
    app.select("#staff-role", "support_worker").await;
    assert_eq!(app.js(school_hidden).await, json!(true), "no school for a support worker");
    app.click("#change-staff-dialog-submit").await;
    app.wait_gone("#change-staff-dialog").await;
    app.wait_for_text(&format!("tr[data-staff-id='{jo_id}']"), "Support worker").await;

    // Switch it off (after a question), and it cannot sign in.
    app.click(&format!("#staff-active-{jo_id}")).await;
    app.click("dialog.dialog .button--warning").await;
    app.wait_for_text(&format!("tr[data-staff-id='{jo_id}']"), "Switched off").await;
    assert!(!app.exists("tr[data-username='demo'] [id^=staff-active-]").await, "you cannot switch yourself off");
    app.screenshot("staff-accounts").await;

    // Your account: the current passphrase wrong first, beside its field.
    app.click("#session-user").await;
    app.wait_for_text("h1", "Your account").await;
    app.wait_for_text("#account-details", "Administrator").await;
    app.fill("#account-current", "not my passphrase").await;
    app.fill("#account-passphrase", "copper window thistle").await;
    app.fill("#account-passphrase_again", "copper window thistle").await;
    app.click("#change-passphrase").await;
    app.wait_for("#error-current").await;
    app.check_accessible("your account, with a mistake", &mut failures).await;
    app.fill("#account-current", "demo passphrase").await;
    app.click("#change-passphrase").await;
    app.wait_for_text("#flash", "Your passphrase is changed").await;

    // The automatic lock, set to one minute: a draft is kept under the lock screen.
    let mut settings = app.invoke("settings_get", json!({})).await.expect("settings");
    settings["auto_lock_minutes"] = json!(1);
    app.invoke("settings_update", settings).await.expect("one minute");
    app.reload().await;
    app.go("/carers/new").await;
    app.fill("#carer-form [name=first_name]", "Halfway").await;
    app.timeout = std::time::Duration::from_secs(100);
    app.wait_for("#lock-screen[open][data-reason=idle]").await;
    app.timeout = carers_desk_e2e::DEFAULT_TIMEOUT;
    app.wait_for_text("#lock-reason", "after 1 minute without use").await;
    app.wait_for_text("#lock-organisation", "Demo Carers Centre").await;
    assert_eq!(app.session_status().await.expect("status")["state"], "locked");
    app.screenshot("auto-locked").await;
    app.sign_in("demo", "demo passphrase").await;
    app.wait_for_text("#error-sign-in-passphrase", "rong passphrase").await;
    app.fill("#sign-in-passphrase", "copper window thistle").await;
    app.click("#sign-in").await;
    app.wait_gone("#lock-screen").await;
    assert_eq!(app.value("#carer-form [name=first_name]").await, "Halfway", "the draft is kept");

    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    app.close().await;
}

#[tokio::test]
async fn a_backup_from_before_a_change_of_key_is_restored_in_the_window_with_the_recovery_key() {
    let app = App::launch_signed_out(&[]).await;
    let mut failures = Vec::new();
    assert_eq!(app.session_status().await.expect("status")["state"], "setup");
    // Set up as the wizard does (journey 1 clicks through it), keeping the recovery key.
    let begun = app.invoke("session_setup_begin", json!({})).await.expect("setup begins");
    let key = begun["recovery_key"].as_str().expect("a recovery key").to_string();
    let groups: Vec<&str> = key.split('-').collect();
    let mut check = serde_json::Map::new();
    for n in begun["check_groups"].as_array().expect("groups to type back") {
        let n = n.as_u64().expect("a group number") as usize;
        check.insert(n.to_string(), json!(groups[n - 1]));
    }
    app.invoke(
        "session_setup_finish",
        json!({"organisation": ORGANISATION, "username": USERNAME, "name": NAME, "passphrase": PASSPHRASE,
               "passphrase_again": PASSPHRASE, "recovery_check": check}),
    )
    .await
    .expect("set up");
    app.invoke("setup_choose", json!({"choice": "empty"})).await.expect("an empty register");
    let before = app.invoke("backup_now", json!({})).await.expect("a backup");
    let file_name = std::path::Path::new(before["path"].as_str().expect("its path"))
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    // Since the backup: Jo's account is made and switched off, so the register has a new key.
    let jo = app
        .invoke(
            "staff_create",
            json!({"username": "jo", "name": "Jo Bloggs", "role": "support_worker",
                   "passphrase": "jo first passphrase", "passphrase_again": "jo first passphrase"}),
        )
        .await
        .expect("Jo's account")["id"]
        .clone();
    app.invoke("staff_update", json!({"id": jo, "active": false})).await.expect("Jo switched off");
    assert_eq!(app.session_status().await.expect("status")["key_renewal_due"], Value::Null, "the key was changed");
    app.reload().await;
    app.wait_for("#home-search").await;

    app.go("/backups").await;
    let row = format!("#backup-table tr[data-file-name='{file_name}']");
    app.wait_for(&row).await;
    app.click(&format!("{row} .backup-restore")).await;
    app.wait_for("#restore-dialog").await;
    app.wait_for_text("#restore-preview", "Checked once the recovery key opens it").await;
    let mut wrong: Vec<&str> = groups.clone();
    wrong.reverse();
    app.fill("#restore-recovery_key", &wrong.join("-")).await;
    app.fill("#restore-confirm", "RESTORE").await;
    app.click("#restore-dialog-submit").await;
    app.wait_for_text("#error-recovery_key", "not the recovery key").await;
    app.check_accessible("restore dialog with the recovery key", &mut failures).await;
    app.screenshot("restore-recovery-key").await;
    app.fill("#restore-recovery_key", &groups.join(" ").to_lowercase()).await;
    app.click("#restore-dialog-submit").await;
    app.wait_for_text("#restore-done h1", "Backup restored").await;
    app.click("#restore-sign-in").await;
    app.sign_in(USERNAME, PASSPHRASE).await;
    app.wait_for("#home-search").await;
    // Accounts are as they were before the restore: Jo stays switched off.
    let staff = app.invoke("staff_list", json!({})).await.expect("staff");
    let jo_now = staff.as_array().and_then(|a| a.iter().find(|s| s["id"] == jo).cloned()).expect("Jo is listed");
    assert_eq!(jo_now["active"], false, "{jo_now}");
    assert!(!app.exists("#register-check-warning").await, "nothing is wrong with the register");

    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    app.close().await;
}
