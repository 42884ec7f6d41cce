//! First run: start empty or load demo data, once.

use serde_json::json;

use crate::util::*;

#[test]
fn first_run_choice_empty() {
    let d = desk();
    assert_eq!(call(&d, "setup_status", json!({}))["first_run"], true);
    call(&d, "setup_choose", json!({"choice": "empty"}));
    assert_eq!(call(&d, "setup_status", json!({}))["first_run"], false);
    assert_eq!(call_err(&d, "setup_choose", json!({"choice": "demo"})).code, "conflict");
}

#[test]
fn first_run_choice_demo_loads_a_few_hundred() {
    let d = desk();
    let r = call(&d, "setup_choose", json!({"choice": "demo"}));
    assert_eq!(r["carers_created"], 300);
    let s = call(&d, "setup_status", json!({}));
    assert_eq!((s["first_run"].clone(), s["carers"].clone()), (json!(false), json!(300)));
    assert_eq!(call_err(&desk(), "setup_choose", json!({"choice": "maybe"})).field.as_deref(), Some("choice"));
}
