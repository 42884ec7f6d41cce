//! Organisation settings.

use serde_json::json;

use crate::util::*;

fn settings(min: u32, max: u32) -> serde_json::Value {
    json!({"organisation_name": "Riverside Carers", "address": "1 High Street\nDagenham", "phone": "020 7946 0018",
           "email": "hello@riverside.example.org", "first_review_weeks": 8, "review_interval_months": 12,
           "young_adult_min_age": min, "young_adult_max_age": max})
}

#[test]
fn defaults_then_update() {
    let d = desk();
    let s = call(&d, "settings_get", json!({}));
    assert_eq!((s["first_review_weeks"].as_i64(), s["review_interval_months"].as_i64()), (Some(8), Some(12)));
    assert_eq!((s["young_adult_min_age"].as_i64(), s["young_adult_max_age"].as_i64()), (Some(18), Some(25)));
    let mut typed = settings(16, 24);
    typed["first_review_weeks"] = json!(" 6 ");
    let s = call(&d, "settings_update", typed);
    assert_eq!(s["first_review_weeks"], 6, "numbers typed as text are accepted");
    assert_eq!(s["organisation_name"], "Riverside Carers");
    assert_eq!(call(&d, "home", json!({}))["organisation_name"], "Riverside Carers");
}

#[test]
fn the_young_adult_range_changes_categories() {
    let d = desk();
    let id = create(&d, "Ola", "Twentyfive", "2001-06-01"); // 25
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["category"], "young_adult_carer");
    call(&d, "settings_update", settings(18, 24));
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["category"], "adult_carer");
}

#[test]
fn bad_settings_are_named() {
    let d = desk();
    let table = [
        (settings(20, 19), "young_adult_max_age"),
        (settings(15, 25), "young_adult_min_age"),
        (
            {
                let mut s = settings(18, 25);
                s["first_review_weeks"] = json!(0);
                s
            },
            "first_review_weeks",
        ),
        (
            {
                let mut s = settings(18, 25);
                s["email"] = json!("nope");
                s
            },
            "email",
        ),
    ];
    for (args, field) in table {
        assert_eq!(call_err(&d, "settings_update", args).field.as_deref(), Some(field));
    }
    assert_eq!(call(&d, "settings_get", json!({}))["organisation_name"], serde_json::Value::Null);
}
