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
