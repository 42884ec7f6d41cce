//! The carers register: create, view, edit, close, reopen; validation; nothing half-saved.

use serde_json::json;

use crate::util::*;

#[test]
fn create_then_get_returns_what_was_typed_normalised_with_derived_facts() {
    let d = desk();
    let mut args = carer("Amira", "Okafor", "14/02/2010");
    args["nhs_number"] = json!("9434765919");
    args["consent_given"] = json!(true);
    args["consent_date"] = json!("01/09/2026");
    args["consent_share_school"] = json!(true);
    let rec = call(&d, "carer_create", args);
    assert_eq!(rec["reference"], "C-000001");
    assert_eq!(rec["postcode"], "RM10 7BS");
    assert_eq!(rec["nhs_number"], "943 476 5919");
    assert_eq!(rec["date_of_birth"], "2010-02-14");
    assert_eq!(rec["consent_date"], "2026-09-01");
    assert_eq!(rec["age"], 16);
    assert_eq!(rec["category"], "young_carer");
    assert_eq!(rec["status"], "open");
    assert_eq!(rec["cares_for_several"], false);
    let again = call(&d, "carer_get", json!({"id": rec["id"]}));
    assert_eq!(again["reference"], "C-000001");
    assert!(again.get("school").is_none(), "the school is a link now (schools), not a field");
}

#[test]
fn references_follow_on() {
    let d = desk();
    create(&d, "A", "One", "1980-01-01");
    let id = create(&d, "B", "Two", "1980-01-01");
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["reference"], "C-000002");
}

#[test]
fn every_bad_field_is_named_and_nothing_is_saved() {
    let d = desk();
    // (field, bad value, words the message must contain)
    let table = [
        ("first_name", json!("  "), "enter the first name"),
        ("last_name", json!("x".repeat(101)), "shorten the last name to 100 characters or fewer"),
        ("date_of_birth", json!("30/02/1990"), "enter a real date"),
        ("date_of_birth", json!("01/01/2030"), "cannot be in the future"),
        ("date_of_birth", json!("01/01/1850"), "more than 120 years"),
        ("date_of_birth", json!(""), "enter the date of birth"),
        ("postcode", json!("SW1A 1A"), "enter a UK postcode"),
        ("nhs_number", json!("9434765918"), "NHS number is not valid"),
        ("email", json!("sam@"), "email address"),
        ("phone", json!("12"), "phone number"),
        ("gender", json!("martian"), "choose one of the listed"),
        ("ethnicity", json!("white"), "choose one of the listed"),
        ("referral_source", json!("telepathy"), "choose one of the listed"),
        ("date_first_identified", json!("01/01/1970"), "before the date of birth"),
        ("consent_date", json!("01/01/2020"), "tick consent"),
    ];
    for (field, value, words) in table {
        let mut args = carer("Sam", "Carer", "1985-05-05");
        args[field] = value.clone();
        if field == "consent_date" {
            // A consent date without consent given is reported against consent_given.
            let e = call_err(&d, "carer_create", args);
            assert_eq!(e.field.as_deref(), Some("consent_given"));
            assert!(e.message.contains("consent"), "{}", e.message);
            continue;
        }
        let e = call_err(&d, "carer_create", args);
        assert_eq!(e.code, "validation", "{field}");
        assert_eq!(e.field.as_deref(), Some(field), "{field}={value}: {e:?}");
        assert!(e.message.contains(words), "{field}: '{}' lacks '{words}'", e.message);
        assert!(e.message.chars().next().unwrap().is_lowercase(), "{}", e.message);
    }
    let found = call(&d, "carer_search", json!({"status": "all"}));
    assert_eq!(found["total"], 0, "a failed save must not store anything");
}

#[test]
fn all_problems_come_back_together_in_form_order() {
    let d = desk();
    let e = call_err(&d, "carer_create", json!({"postcode": "nope", "date_of_birth": "yesterday"}));
    assert_eq!(fields(&e), ["first_name", "last_name", "date_of_birth", "postcode"]);
    assert_eq!(e.field.as_deref(), Some("first_name"));
    assert!(e.message.contains("4 answers"), "{}", e.message);
}

#[test]
fn parent_carer_must_be_an_adult() {
    let d = desk();
    let mut args = carer("Jo", "Young", "2012-01-01");
    args["parent_carer"] = json!(true);
    let e = call_err(&d, "carer_create", args);
    assert_eq!(e.field.as_deref(), Some("parent_carer"));
}

#[test]
fn unknown_arguments_are_refused_with_their_name() {
    let d = desk();
    let mut args = carer("Jo", "Young", "2012-01-01");
    args["shoe_size"] = json!(9);
    let e = call_err(&d, "carer_create", args);
    assert_eq!(e.code, "invalid_arguments");
    assert!(e.message.contains("shoe_size"), "{}", e.message);
    let e = call_err(&d, "carer_get", json!({"id": "seven"}));
    assert_eq!(e.code, "invalid_arguments");
    assert_eq!(e.field.as_deref(), Some("id"));
}

#[test]
fn edit_changes_only_what_was_sent_back_and_a_failed_edit_keeps_the_old_record() {
    let d = desk();
    let id = create(&d, "Peter", "Nowak", "1960-07-01");
    let mut rec = call(&d, "carer_get", json!({"id": id}));
    rec["preferred_name"] = json!("Pete");
    rec["town"] = json!("Dagenham");
    let mut args = serde_json::Map::new();
    for k in
        ["first_name", "last_name", "preferred_name", "date_of_birth", "postcode", "phone", "town", "referral_source"]
    {
        args.insert(k.into(), rec[k].clone());
    }
    args.insert("id".into(), json!(id));
    let updated = call(&d, "carer_update", json!(args.clone()));
    assert_eq!(updated["preferred_name"], "Pete");
    assert_eq!(updated["town"], "Dagenham");
    assert_eq!(updated["reference"], rec["reference"]);

    args.insert("postcode".into(), json!("not a postcode"));
    args.insert("town".into(), json!("Barking"));
    let e = call_err(&d, "carer_update", json!(args));
    assert_eq!(e.field.as_deref(), Some("postcode"));
    let after = call(&d, "carer_get", json!({"id": id}));
    assert_eq!(after["town"], "Dagenham", "the failed edit must change nothing");
}

#[test]
fn close_needs_a_reason_and_reopen_clears_it() {
    let d = desk();
    let id = create(&d, "Joan", "Hughes", "1950-03-03");
    let e = call_err(&d, "carer_close", json!({"id": id}));
    assert_eq!(fields(&e), ["reason", "date"]);
    let e = call_err(&d, "carer_close", json!({"id": id, "reason": "other", "date": "20/11/2026"}));
    assert_eq!(e.field.as_deref(), Some("note"));
    let e = call_err(&d, "carer_close", json!({"id": id, "reason": "moved_away", "date": "24/11/2026"}));
    assert!(e.message.contains("future"));
    let closed = call(&d, "carer_close", json!({"id": id, "reason": "moved_away", "date": "20/11/2026"}));
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_reason"], "moved_away");
    assert_eq!(closed["closed_reason_label"], "Moved away");
    assert_eq!(closed["closed_date"], "2026-11-20");
    assert_eq!(
        call_err(&d, "carer_close", json!({"id": id, "reason": "moved_away", "date": "20/11/2026"})).code,
        "conflict"
    );
    // Closed records leave the default (open) register but stay findable.
    assert_eq!(call(&d, "carer_search", json!({"query": "hughes"}))["total"], 0);
    assert_eq!(call(&d, "carer_search", json!({"query": "hughes", "status": "closed"}))["total"], 1);
    let open = call(&d, "carer_reopen", json!({"id": id}));
    assert_eq!(open["status"], "open");
    assert_eq!(open["closed_reason"], serde_json::Value::Null);
    assert_eq!(call_err(&d, "carer_reopen", json!({"id": id})).code, "conflict");
}

#[test]
fn notes_are_newest_first_and_validated() {
    let d = desk();
    let id = create(&d, "Kofi", "Mensah", "1975-10-10");
    for (date, text) in [("01/10/2026", "first"), ("15/11/2026", "third"), ("02/10/2026", "second")] {
        call(&d, "note_add", json!({"carer_id": id, "date": date, "kind": "phone", "text": text}));
    }
    let notes = call(&d, "note_list", json!({"carer_id": id}));
    let texts: Vec<&str> = notes.as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["third", "second", "first"]);
    assert_eq!(notes[0]["kind_label"], "Phone call");
    assert!(!notes[0]["author"].as_str().unwrap().is_empty());
    let e = call_err(&d, "note_add", json!({"carer_id": id, "date": "", "kind": "fax", "text": " "}));
    assert_eq!(fields(&e), ["date", "kind", "text"]);
    assert_eq!(
        call_err(&d, "note_add", json!({"carer_id": 999, "date": "01/10/2026", "kind": "phone", "text": "x"})).code,
        "not_found"
    );
    // The record carries the same timeline.
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["notes"].as_array().unwrap().len(), 3);
}

#[test]
fn saved_data_survives_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let id = {
        let d = crate::util::file_desk(&path);
        let id = create(&d, "Grace", "Evans", "1990-12-01");
        call(&d, "carer_add_cared_for", {
            let mut a = person_and_link("Ada");
            a["carer_id"] = json!(id);
            a
        });
        call(&d, "note_add", json!({"carer_id": id, "date": "22/11/2026", "kind": "visit", "text": "Home visit"}));
        id
    };
    let d = crate::util::file_desk(&path);
    let rec = call(&d, "carer_get", json!({"id": id}));
    assert_eq!(rec["first_name"], "Grace");
    assert_eq!(rec["caring"][0]["person"]["first_name"], "Ada");
    assert_eq!(rec["notes"][0]["text"], "Home visit");
}

#[test]
fn a_record_viewed_shows_in_recently_viewed_for_that_person_only() {
    let d = desk();
    let a = create(&d, "Ann", "Ward", "1970-01-01");
    let b = create(&d, "Bob", "Ward", "1971-01-01");
    call(&d, "carer_get", json!({"id": a}));
    call(&d, "carer_get", json!({"id": b}));
    let home = call(&d, "home", json!({}));
    let ids: Vec<i64> = home["recently_viewed"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&a) && ids.contains(&b));
    let mut other = ctx();
    other.actor.id = "local:someone-else".into();
    let theirs = d.call(&other, "home", json!({})).unwrap();
    assert_eq!(theirs["recently_viewed"].as_array().unwrap().len(), 0);
}
