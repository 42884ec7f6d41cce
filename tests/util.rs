//! Helpers shared by the integration tests.

use carers_desk::{ApiError, Context, Desk};
use chrono::NaiveDate;
use serde_json::{json, Value};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

pub fn ctx() -> Context {
    Context::desktop(today())
}

pub fn ctx_on(date: &str) -> Context {
    Context::desktop(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap())
}

pub fn desk() -> Desk {
    Desk::open_in_memory().unwrap()
}

/// The administrator tests sign in as on database files (the same as a demo database's).
pub const ADMIN: &str = "demo";
pub const ADMIN_PASSPHRASE: &str = "demo passphrase";

/// An encrypted database file, signed in as [`ADMIN`]: set up on first use (encrypting an old
/// unencrypted file if there is one), unlocked after that.
pub fn file_desk(path: &std::path::Path) -> Desk {
    file_desk_and_recovery_key(path).0
}

/// [`file_desk`], with the organisation's recovery key when this set the file up.
pub fn file_desk_and_recovery_key(path: &std::path::Path) -> (Desk, Option<String>) {
    let d = Desk::open(path).unwrap();
    let status = call(&d, "session_status", json!({}));
    let mut recovery = None;
    if status["state"] == "setup" {
        let begun = call(&d, "session_setup_begin", json!({}));
        let key = begun["recovery_key"].as_str().unwrap().to_string();
        let mut check = serde_json::Map::new();
        for g in begun["check_groups"].as_array().unwrap() {
            let g = g.as_u64().unwrap() as usize;
            check.insert(g.to_string(), json!(key.split('-').nth(g - 1).unwrap()));
        }
        call(
            &d,
            "session_setup_finish",
            json!({"username": ADMIN, "name": "Test Admin", "passphrase": ADMIN_PASSPHRASE,
                   "passphrase_again": ADMIN_PASSPHRASE, "recovery_check": check}),
        );
        recovery = Some(key);
    } else {
        call(&d, "session_unlock", json!({"username": ADMIN, "passphrase": ADMIN_PASSPHRASE}));
    }
    (d, recovery)
}

/// The raw database key of a file set up by [`file_desk`] (for tests that look inside).
pub fn file_key(path: &std::path::Path) -> carers_desk::vault::Key {
    let file = carers_desk::vault::KeyFile::load(&carers_desk::vault::keys_path(path)).unwrap();
    file.unlock(file.account(ADMIN).unwrap(), ADMIN_PASSPHRASE).unwrap().unwrap()
}

pub fn call(desk: &Desk, command: &str, args: Value) -> Value {
    desk.call(&ctx(), command, args.clone()).unwrap_or_else(|e| panic!("{command} {args} failed: {e:?}"))
}

pub fn call_err(desk: &Desk, command: &str, args: Value) -> ApiError {
    match desk.call(&ctx(), command, args.clone()) {
        Ok(v) => panic!("{command} {args} should have failed but gave {v}"),
        Err(e) => e,
    }
}

/// A valid carer's details; tests change what they need.
pub fn carer(first: &str, last: &str, dob: &str) -> Value {
    json!({
        "first_name": first,
        "last_name": last,
        "date_of_birth": dob,
        "postcode": "rm10 7bs",
        "phone": "07700 900123",
        "referral_source": "gp",
    })
}

pub fn create(desk: &Desk, first: &str, last: &str, dob: &str) -> i64 {
    call(desk, "carer_create", carer(first, last, dob))["id"].as_i64().unwrap()
}

pub fn person_and_link(first: &str) -> Value {
    json!({
        "person": { "first_name": first, "last_name": "Okafor", "conditions": ["dementia"] },
        "link": { "relationship": "parent", "hours_band": "h20_34", "care_kinds": ["personal"], "lives_together": true },
    })
}

pub fn fields(e: &ApiError) -> Vec<&str> {
    e.errors.iter().map(|f| f.field.as_str()).collect()
}
