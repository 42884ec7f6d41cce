//! Passports and cards: issuing, the lifecycle, looking numbers up, expiring soon, consent, and
//! bad input that must leave nothing behind. The card drawing itself: tests/passport_cards.rs.

use carers_desk::passports::number::{Kind, Number};
use serde_json::{json, Value};

use crate::cli::{cli, json};
use crate::pdf::{field, pages_text, pdfinfo};
use crate::util::*;

fn with_cared_for(d: &carers_desk::Desk, first: &str, dob: &str) -> (i64, i64) {
    let id = create(d, first, "Okafor", dob);
    let mut args = person_and_link("Grace");
    args["carer_id"] = json!(id);
    let added = call(d, "carer_add_cared_for", args);
    (id, added["caring"][0]["person"]["id"].as_i64().unwrap_or_else(|| panic!("no cared-for id in {added}")))
}

fn issue(d: &carers_desk::Desk, args: Value) -> Value {
    call(d, "passport_issue", args)
}

/// How many passports these carers hold.
fn count_passports(d: &carers_desk::Desk, carers: &[i64]) -> usize {
    carers.iter().map(|id| call(d, "passport_list", json!({ "carer_id": id })).as_array().unwrap().len()).sum()
}

#[test]
fn issuing_gives_a_checked_number_defaults_and_one_history_line() {
    let d = desk();
    let (id, _) = with_cared_for(&d, "Mary", "1970-04-04");
    let p = issue(&d, json!({ "carer_id": id, "kind": "hospital", "setting": "St Mary's Hospital" }));
    let number = p["number"].as_str().unwrap();
    assert!(number.starts_with("HP-000001-"), "{number}");
    assert_eq!(p["issued_on"], "2026-11-23");
    assert_eq!(p["valid_until"], "2027-11-23", "12 months by default");
    assert_eq!(p["status"], "active");
    assert_eq!(p["valid_today"], true);
    assert_eq!(p["card_title"], "Hospital Carer");
    let kinds = call(&d, "passport_kinds", json!({}));
    let hospital = kinds.as_array().unwrap().iter().find(|k| k["kind"] == "hospital").unwrap();
    let offered: Vec<&Value> = hospital["asks"].as_array().unwrap().iter().map(|a| &a["label"]).collect();
    assert_eq!(p["asks"].as_array().unwrap().iter().collect::<Vec<_>>(), offered, "the type's list by default");
    assert!(offered.iter().any(|a| a.as_str().unwrap().contains("discharge planning")));
    assert_eq!(p["events"].as_array().unwrap().len(), 1);
    assert_eq!(p["events"][0]["event"], "issued");
    // Serials are unique across types: the next passport, of another type, is 2.
    let q = issue(&d, json!({ "carer_id": id, "kind": "community", "asks": ["Carers' discounts"] }));
    assert!(q["number"].as_str().unwrap().starts_with("CP-000002-"));
    assert_eq!(q["asks"], json!(["Carers' discounts"]));
    // The number reads back through lookup, in any case and spacing.
    let typed = number.to_lowercase().replace('-', " ");
    let found = call(&d, "passport_lookup", json!({ "text": typed }));
    assert_eq!(found["found"], true);
    assert_eq!(found["passport"]["id"], p["id"]);
    assert!(found["message"].as_str().unwrap().starts_with("valid today"), "{found}");
}

#[test]
fn a_young_carer_card_runs_to_the_18th_birthday_and_takes_the_card_record() {
    let d = desk();
    let id = create(&d, "Amir", "Hussain", "2012-02-29");
    call(
        &d,
        "young_carer_card_save",
        json!({ "carer_id": id, "emergency_contact_name": "Sam Lee", "emergency_contact_relationship": "aunt",
                "emergency_contact_phone": "07700 900456" }),
    );
    let p = issue(&d, json!({ "carer_id": id, "kind": "young_carer" }));
    assert!(p["number"].as_str().unwrap().starts_with("YC-"));
    assert_eq!(p["valid_until"], "2030-03-01", "29 February birthdays fall on 1 March");
    assert_eq!(p["emergency_contact_name"], "Sam Lee");
    assert_eq!(p["emergency_contact_consent"], false, "consent is recorded on the passport, never assumed");
    // Past the 18th birthday is refused, on issue and on renewal.
    let e = call_err(&d, "passport_update", json!({ "id": p["id"], "valid_until": "2030-03-02" }));
    assert_eq!(fields(&e), ["valid_until"]);
    let e = call_err(&d, "passport_renew", json!({ "id": p["id"] }));
    assert_eq!(e.field.as_deref(), Some("valid_until"));
    // An adult cannot have one.
    let adult = create(&d, "Ann", "Ward", "1970-01-01");
    let e = call_err(&d, "passport_issue", json!({ "carer_id": adult, "kind": "young_carer" }));
    assert_eq!(fields(&e), ["kind"]);
}

#[test]
fn renew_reissue_and_revoke_follow_the_lifecycle() {
    let d = desk();
    let id = create(&d, "Jo", "Bloggs", "1980-05-05");
    let p = issue(&d, json!({ "carer_id": id, "kind": "workplace", "setting": "Acme Ltd", "issued_on": "01/12/2025" }));
    assert_eq!(p["valid_until"], "2026-12-01");
    assert_eq!(p["expires_in_days"], 8);
    // Expiring soon: listed, and counted on the home screen.
    let soon = call(&d, "passports_expiring", json!({}));
    assert_eq!(soon.as_array().unwrap().len(), 1);
    let home = call(&d, "home", json!({}));
    assert_eq!(home["passports"], json!({ "active": 1, "expiring_soon": 1 }));
    // Renew: the same number, 12 months from the old date (still in the future).
    let r = call(&d, "passport_renew", json!({ "id": p["id"] }));
    assert_eq!(r["number"], p["number"]);
    assert_eq!(r["valid_until"], "2027-12-01");
    assert_eq!(r["events"][1]["event"], "renewed");
    assert_eq!(call(&d, "home", json!({}))["passports"]["expiring_soon"], 0);
    // Reissue (lost): a new number; the old one is replaced and linked both ways.
    let n = call(&d, "passport_reissue", json!({ "id": p["id"], "reason": "lost", "note": "left on a bus" }));
    assert_ne!(n["number"], p["number"]);
    assert_eq!(n["replaces"]["id"], p["id"]);
    assert_eq!(n["replace_reason"], "lost");
    assert_eq!(n["valid_until"], "2027-12-01", "a replacement card runs to the same date");
    assert_eq!(n["setting"], "Acme Ltd", "details are copied");
    let old = call(&d, "passport_get", json!({ "id": p["id"] }));
    assert_eq!(old["status"], "replaced");
    assert_eq!(old["replaced_by"]["id"], n["id"]);
    assert_eq!(old["can"]["print"], false);
    let found = call(&d, "passport_lookup", json!({ "text": old["number"] }));
    assert!(found["message"].as_str().unwrap().contains(n["number"].as_str().unwrap()), "{found}");
    // A replaced passport cannot be changed again.
    let e = call_err(&d, "passport_revoke", json!({ "id": p["id"], "reason": "x" }));
    assert_eq!(e.code, "conflict");
    // Revoke the new one: not valid at once, with the reason.
    let e = call_err(&d, "passport_revoke", json!({ "id": n["id"], "reason": "  " }));
    assert_eq!(fields(&e), ["reason"]);
    let v = call(&d, "passport_revoke", json!({ "id": n["id"], "reason": "no longer caring" }));
    assert_eq!(v["status"], "revoked");
    assert_eq!(v["valid_today"], false);
    let found = call(
        &d,
        "passport_lookup",
        json!({ "text": format!("Workplace carers passport {}\nCall 01632 960000", v["number"].as_str().unwrap()) }),
    );
    assert!(found["message"].as_str().unwrap().contains("no longer caring"), "{found}");
    assert_eq!(call(&d, "home", json!({}))["passports"]["active"], 0);
    // With nothing active, a new one of the type may be issued.
    issue(&d, json!({ "carer_id": id, "kind": "workplace" }));
}

#[test]
fn an_expired_passport_says_so_and_can_only_be_renewed() {
    let d = desk();
    let id = create(&d, "Kay", "Lee", "1960-01-01");
    let p = issue(&d, json!({ "carer_id": id, "kind": "community", "issued_on": "2025-12-01" }));
    let later = ctx_on("2027-01-05");
    let got = d.call(&later, "passport_get", json!({ "id": p["id"] })).unwrap();
    assert_eq!(got["status"], "expired");
    assert_eq!(got["can"], json!({ "edit": false, "renew": true, "reissue": false, "revoke": true, "print": false }));
    let e = d.call(&later, "passport_reissue", json!({ "id": p["id"], "reason": "lost" })).unwrap_err();
    assert!(e.message.contains("renew it first"), "{}", e.message);
    let found = d.call(&later, "passport_lookup", json!({ "text": p["number"] })).unwrap();
    assert!(
        found["message"].as_str().unwrap().starts_with("not valid: this carer passport expired on 01/12/2026"),
        "{found}"
    );
    // Renewing an expired passport runs from that day.
    let r = d.call(&later, "passport_renew", json!({ "id": p["id"] })).unwrap();
    assert_eq!(r["valid_until"], "2028-01-05");
    assert_eq!(r["status"], "active");
    // A second active passport of the same type is refused even while the first is expired.
    let e =
        d.call(&ctx_on("2029-01-01"), "passport_issue", json!({ "carer_id": id, "kind": "community" })).unwrap_err();
    assert!(e.message.contains("renew or reissue"), "{}", e.message);
}

#[test]
fn bad_input_is_named_and_nothing_is_saved() {
    let d = desk();
    let (id, cared_for) = with_cared_for(&d, "Mary", "1970-04-04");
    let other = create(&d, "Other", "Person", "1980-01-01");
    let table: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({ "carer_id": id, "kind": "community", "issued_on": "2026-11-20", "valid_until": "2026-11-19" }),
            vec!["valid_until"],
        ),
        (
            json!({ "carer_id": id, "kind": "community", "issued_on": "2025-01-01", "valid_until": "2025-06-01" }),
            vec!["valid_until"],
        ),
        (json!({ "carer_id": id, "kind": "community", "issued_on": "2027-01-01" }), vec!["issued_on"]),
        (json!({ "carer_id": id, "kind": "library" }), vec!["kind"]),
        (json!({ "carer_id": id, "kind": "community", "valid_until": "31/02/2027" }), vec!["valid_until"]),
        (json!({ "carer_id": id, "kind": "community", "asks": [] }), vec!["asks"]),
        (json!({ "carer_id": id, "kind": "community", "show_cared_for_name": true }), vec!["cared_for_id"]),
        (json!({ "carer_id": other, "kind": "community", "cared_for_id": cared_for }), vec!["cared_for_id"]),
        (
            json!({ "carer_id": id, "kind": "community", "emergency_contact_name": "Sam" }),
            vec!["emergency_contact_phone"],
        ),
        (
            json!({ "carer_id": id, "kind": "community", "emergency_contact_name": "Sam", "emergency_contact_phone": "12" }),
            vec!["emergency_contact_phone"],
        ),
        (
            json!({ "carer_id": id, "kind": "community", "emergency_contact_consent": true }),
            vec!["emergency_contact_name"],
        ),
    ];
    for (args, want) in table {
        let e = call_err(&d, "passport_issue", args.clone());
        assert_eq!(e.code, "validation", "{args}");
        if !want.is_empty() {
            assert_eq!(fields(&e), want, "{args}");
        }
    }
    // Eleven different entries do not fit a card.
    let many: Vec<String> = (1..=11).map(|i| format!("Entry {i}")).collect();
    let e = call_err(&d, "passport_issue", json!({ "carer_id": id, "kind": "community", "asks": many }));
    assert_eq!(fields(&e), ["asks"]);
    // A mistyped field name is refused, naming it.
    let e = call_err(&d, "passport_issue", json!({ "carer_id": id, "kind": "community", "emergency_phone": "x" }));
    assert_eq!(e.code, "invalid_arguments");
    // A closed record cannot be issued one.
    call(&d, "carer_close", json!({ "id": other, "reason": "moved_away", "date": "2026-11-01" }));
    let e = call_err(&d, "passport_issue", json!({ "carer_id": other, "kind": "community" }));
    assert_eq!(e.field.as_deref(), Some("carer_id"));
    // A passport issued before the record closed is no longer honoured.
    call(&d, "carer_reopen", json!({ "id": other }));
    let held = issue(&d, json!({ "carer_id": other, "kind": "community" }));
    call(&d, "carer_close", json!({ "id": other, "reason": "moved_away", "date": "2026-11-01" }));
    let found = call(&d, "passport_lookup", json!({ "text": held["number"] }));
    assert_eq!(found["passport"]["valid_today"], false);
    assert!(found["message"].as_str().unwrap().starts_with("not valid"), "{found}");
    assert_eq!(call(&d, "home", json!({}))["passports"]["active"], 0);
    call(&d, "carer_reopen", json!({ "id": other }));
    call(&d, "passport_revoke", json!({ "id": held["id"], "reason": "issued to test closing" }));
    call(&d, "carer_close", json!({ "id": other, "reason": "moved_away", "date": "2026-11-01" }));
    assert!(e.message.contains("closed"), "{}", e.message);
    assert_eq!(count_passports(&d, &[id, other]), 1, "nothing was saved (but the one issued while open)");
    // Lookup of a mistyped number says so; of an unknown number, that there is none.
    let p = issue(&d, json!({ "carer_id": id, "kind": "community" }));
    let number = p["number"].as_str().unwrap();
    // One digit mistyped: the last digit of the serial, changed.
    let last = number.as_bytes()[8];
    let wrong = format!("{}{}{}", &number[..8], if last == b'7' { '3' } else { '7' }, &number[9..]);
    let e = call_err(&d, "passport_lookup", json!({ "text": wrong }));
    assert_eq!(e.field.as_deref(), Some("text"));
    let never_issued = Number::new(Kind::Community, 99).unwrap().to_string();
    let unknown = call(&d, "passport_lookup", json!({ "text": never_issued }));
    assert_eq!(unknown["found"], false);
    assert!(unknown["message"].as_str().unwrap().starts_with("no passport has the number"), "{unknown}");
    let e = call_err(&d, "passport_lookup", json!({ "text": "hello" }));
    assert!(e.message.contains("CP-004217-K"), "{}", e.message);
}

#[test]
fn consent_decides_what_the_card_may_say() {
    let d = desk();
    let (id, cared_for) = with_cared_for(&d, "Mary", "1970-04-04");
    let p = issue(
        &d,
        json!({ "carer_id": id, "kind": "community", "cared_for_id": cared_for,
                "emergency_contact_name": "Sam Lee", "emergency_contact_phone": "07700 900456" }),
    );
    assert_eq!(p["cared_for_first_name"], "Grace");
    let preview = call(&d, "passport_preview", json!({ "id": p["id"] }));
    let warnings = preview["warnings"].to_string();
    assert!(warnings.contains("cared-for person's name is not printed"), "{warnings}");
    assert!(warnings.contains("emergency contact is not printed"), "{warnings}");
    let svg = format!("{}{}", preview["front_svg"], preview["back_svg"]);
    assert!(!svg.contains("Grace") && !svg.contains("Sam Lee"), "nothing without consent: {svg}");
    let p = call(
        &d,
        "passport_update",
        json!({ "id": p["id"], "show_cared_for_name": true, "emergency_contact_consent": true }),
    );
    let preview = call(&d, "passport_preview", json!({ "id": p["id"] }));
    let svg = format!("{}{}", preview["front_svg"], preview["back_svg"]);
    assert!(svg.contains("Grace") && svg.contains("Sam Lee"), "{svg}");
    // Clearing the cared-for person while consent is set is refused; clearing both is fine.
    let e = call_err(&d, "passport_update", json!({ "id": p["id"], "cared_for_id": null }));
    assert_eq!(fields(&e), ["cared_for_id"]);
    let p = call(&d, "passport_update", json!({ "id": p["id"], "cared_for_id": null, "show_cared_for_name": false }));
    assert_eq!(p["cared_for_id"], Value::Null);
    assert_eq!(p["emergency_contact_name"], "Sam Lee", "fields not sent keep their value");
}

#[test]
fn the_asks_list_is_the_organisations_own() {
    let d = desk();
    let kinds = call(&d, "passport_kinds", json!({}));
    let hospital = kinds.as_array().unwrap().iter().find(|k| k["kind"] == "hospital").unwrap().clone();
    let mut asks = hospital["asks"].as_array().unwrap().clone();
    let dropped = asks.remove(0);
    asks.push(json!({ "label": "Help with car parking at the main entrance" }));
    asks[0]["label"] = json!("Involvement in planning the patient's discharge");
    let saved = call(&d, "passport_asks_save", json!({ "kind": "hospital", "asks": asks }));
    let labels: Vec<(&str, bool)> = saved["asks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["label"].as_str().unwrap(), a["retired"].as_bool().unwrap()))
        .collect();
    assert_eq!(labels[0], ("Involvement in planning the patient's discharge", false));
    assert!(labels.contains(&("Help with car parking at the main entrance", false)));
    assert_eq!(labels.last().unwrap(), &(dropped["label"].as_str().unwrap(), true), "left out: retired, at the end");
    // New passports offer only what is not retired.
    let id = create(&d, "Ann", "Ward", "1970-01-01");
    let p = issue(&d, json!({ "carer_id": id, "kind": "hospital" }));
    assert!(!p["asks"].as_array().unwrap().contains(&dropped["label"]));
    // Duplicates and an empty list are refused; a support worker may not change the list.
    let e =
        call_err(&d, "passport_asks_save", json!({ "kind": "hospital", "asks": [{ "label": "A" }, { "label": "a" }] }));
    assert_eq!(fields(&e), ["asks.1.label"]);
    let e = call_err(&d, "passport_asks_save", json!({ "kind": "hospital", "asks": [] }));
    assert_eq!(fields(&e), ["asks"]);
    let worker = ctx().with_role(carers_desk::Role::SupportWorker);
    let e =
        d.call(&worker, "passport_asks_save", json!({ "kind": "hospital", "asks": [{ "label": "A" }] })).unwrap_err();
    assert_eq!(e.code, "not_permitted");
}

#[test]
fn card_settings_are_checked_and_kept_when_not_sent() {
    let d = desk();
    let s = call(&d, "settings_get", json!({}));
    assert_eq!(s["card_stock"], "c32011");
    assert_eq!(s["passport_months"], 12);
    let mut changed = s.clone();
    changed["printer_offset_x_mm"] = json!("1,5");
    changed["printer_offset_y_mm"] = json!(-0.25);
    changed["card_stock"] = json!("L7414");
    changed["passport_months"] = json!("24");
    let saved = call(&d, "settings_update", changed);
    assert_eq!(saved["printer_offset_x_mm"], 1.5);
    assert_eq!(saved["printer_offset_y_mm"], -0.3, "rounded to 0.1 mm");
    assert_eq!(saved["card_stock"], "l7414");
    // Fields not sent keep their value.
    let kept = call(
        &d,
        "settings_update",
        json!({ "organisation_name": "Riverside Carers", "first_review_weeks": 8,
        "review_interval_months": 12, "young_adult_min_age": 18, "young_adult_max_age": 25 }),
    );
    assert_eq!(kept["printer_offset_x_mm"], 1.5);
    assert_eq!(kept["passport_months"], 24);
    let mut bad = kept.clone();
    bad["printer_offset_x_mm"] = json!("11");
    bad["card_stock"] = json!("avery-l7160");
    bad["passport_months"] = json!(0);
    let e = call_err(&d, "settings_update", bad);
    assert_eq!(fields(&e), ["card_stock", "printer_offset_x_mm", "passport_months"]);
    assert_eq!(call(&d, "settings_get", json!({}))["printer_offset_x_mm"], 1.5, "nothing saved");
}

// ---------------------------------------------------------------------------------------------
// Printing through the commands and the CLI (the drawing itself: tests/passport_cards.rs)

/// A small PNG logo made in memory.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn organisation(d: &carers_desk::Desk) {
    let mut s = call(d, "settings_get", json!({}));
    s["organisation_name"] = json!("Riverside Carers Centre");
    s["phone"] = json!("020 7946 0018");
    call(d, "settings_update", s);
}

#[test]
fn printing_leaves_out_what_has_no_consent_and_what_is_not_valid() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    organisation(&d);
    let (id, cared_for) = with_cared_for(&d, "Mary", "1970-04-04");
    let consented = issue(
        &d,
        json!({ "carer_id": id, "kind": "hospital", "cared_for_id": cared_for, "show_cared_for_name": true,
                "emergency_contact_name": "Sam Lee", "emergency_contact_phone": "07700 900456",
                "emergency_contact_consent": true }),
    );
    let other = create(&d, "Kofi", "Mensah", "1965-03-03");
    let mut args = person_and_link("Esi");
    args["carer_id"] = json!(other);
    let esi = call(&d, "carer_add_cared_for", args)["caring"][0]["person"]["id"].clone();
    let silent = issue(
        &d,
        json!({ "carer_id": other, "kind": "community", "cared_for_id": esi,
                "emergency_contact_name": "Abena Mensah", "emergency_contact_phone": "07700 900789" }),
    );
    let third = create(&d, "Revoked", "Holder", "1980-01-01");
    let gone = issue(&d, json!({ "carer_id": third, "kind": "community" }));
    call(&d, "passport_revoke", json!({ "id": gone["id"], "reason": "issued in error" }));

    let out = dir.path().join("cards.pdf");
    let seen = std::sync::Mutex::new(Vec::new());
    let report = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let printed = d
        .call_with_progress(
            &ctx(),
            "passports_print",
            json!({ "from": "2026-11-01", "to": "2026-11-30", "layout": "single", "path": out }),
            &report,
        )
        .unwrap();
    assert_eq!(printed["cards"], 2, "{printed}");
    assert_eq!(printed["pages"], 4, "front and back of each");
    let warnings = printed["warnings"].to_string();
    assert!(warnings.contains(gone["number"].as_str().unwrap()) && warnings.contains("revoked"), "{warnings}");
    assert!(warnings.contains("no consent recorded"), "{warnings}");
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first(), Some(&(0, 2)));
    assert_eq!(seen.last(), Some(&(2, 2)), "progress reaches the end");

    let text = pages_text(&out).join("\n");
    for want in ["Mary Okafor", consented["number"].as_str().unwrap(), "Grace", "Sam Lee", "Kofi Mensah"] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    for never in ["Esi", "Abena", "Revoked Holder"] {
        assert!(!text.contains(never), "{never} printed without consent or validity:\n{text}");
    }
    let _ = silent;
    // Nothing valid in the range: an error naming the dates, and no file.
    let none = dir.path().join("none.pdf");
    let e = call_err(&d, "passports_print", json!({ "from": "2025-01-01", "to": "2025-01-31", "path": none }));
    assert_eq!(e.field.as_deref(), Some("from"));
    assert!(!none.exists());
    let e = call_err(&d, "passports_print", json!({ "from": "2026-11-30", "to": "2026-11-01", "path": none }));
    assert_eq!(fields(&e), ["to"]);
    let e = call_err(&d, "passports_print", json!({ "ids": [consented["id"]], "stock": "a4-labels", "path": none }));
    assert_eq!(e.field.as_deref(), Some("stock"));
}

#[test]
fn a_logo_must_be_a_real_image_of_sensible_size_and_nothing_is_saved_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    let good = dir.path().join("logo.png");
    std::fs::write(&good, png(240, 80)).unwrap();
    let s = call(&d, "card_logo_set", json!({ "path": good }));
    assert_eq!(s["has_logo"], true);
    // A text file called .png, an image too many pixels across, a file over 2 MB, no file.
    let text = dir.path().join("not-an-image.png");
    std::fs::write(&text, "hello, this is not a picture").unwrap();
    let wide = dir.path().join("wide.png");
    std::fs::write(&wide, png(4100, 20)).unwrap();
    let huge = dir.path().join("huge.jpg");
    std::fs::write(&huge, vec![0xFFu8; 3 * 1024 * 1024]).unwrap();
    let missing = dir.path().join("missing.png");
    for (path, says) in [(&text, "png or jpeg"), (&wide, "4000"), (&huge, "2 mb"), (&missing, "cannot read")] {
        let e = call_err(&d, "card_logo_set", json!({ "path": path }));
        assert_eq!(e.field.as_deref(), Some("path"), "{path:?}");
        assert!(e.message.to_lowercase().contains(says), "{path:?}: {}", e.message);
    }
    // The good logo is still there, and it prints.
    assert_eq!(call(&d, "settings_get", json!({}))["has_logo"], true);
    let id = create(&d, "Ann", "Ward", "1970-01-01");
    let p = issue(&d, json!({ "carer_id": id, "kind": "community" }));
    let preview = call(&d, "passport_preview", json!({ "id": p["id"] }));
    assert!(preview["front_svg"].as_str().unwrap().contains("data:image/png;base64,"), "the logo is in the preview");
    let photo = call_err(&d, "passport_photo_set", json!({ "id": p["id"], "path": text }));
    assert_eq!(photo.field.as_deref(), Some("path"));
    assert_eq!(call(&d, "passport_get", json!({ "id": p["id"] }))["has_photo"], false);
    let p = call(&d, "passport_photo_set", json!({ "id": p["id"], "path": good }));
    assert_eq!(p["has_photo"], true);
    let s = call(&d, "card_logo_clear", json!({}));
    assert_eq!(s["has_logo"], false);
}

#[test]
fn the_cli_prints_passports_issued_in_a_date_range_on_card_stock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    assert!(cli(&db, &["demo-data", "--carers", "120", "--seed", "3"]).status.success());
    let out = dir.path().join("cards.pdf");
    let o = cli(
        &db,
        &[
            "print",
            "passports",
            "--from",
            "01/01/2026",
            "--to",
            "23/11/2026",
            "--stock",
            "c32011",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let printed = json(&o);
    let cards = printed["cards"].as_u64().unwrap();
    assert!(cards >= 10, "{printed}");
    // Fronts and backs on A4: two pages per ten cards.
    assert_eq!(printed["pages"].as_u64().unwrap(), cards.div_ceil(10) * 2);
    let info = pdfinfo(&out);
    assert_eq!(field(&info, "Pages"), printed["pages"].to_string());
    assert!(field(&info, "Page size").starts_with("595.276 x 841.89"), "{info}");
    // By number, one per page at ID-1 size.
    let number = pages_text(&out)[0]
        .split_whitespace()
        .find(|w| w.len() == 11 && w.chars().nth(2) == Some('-'))
        .map(str::to_string);
    let number = number.expect("a passport number on the first page");
    let single = dir.path().join("one.pdf");
    let o = cli(&db, &["print", "passports", "--number", &number, "--single", "--out", single.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(json(&o)["pages"], 2);
    let o = cli(&db, &["print", "passports", "--from", "31/02/2026", "--to", "01/03/2026", "--out", "x.pdf"]);
    assert_eq!(o.status.code(), Some(2), "a bad date is a usage mistake");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from"));
    let cal = dir.path().join("calibration.pdf");
    let o = cli(&db, &["print", "calibration", "--stock", "l7414", "--out", cal.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(field(&pdfinfo(&cal), "Pages"), "1");
}

#[test]
fn the_preview_says_what_did_not_fit() {
    let d = desk();
    let id = create(
        &d,
        "Maximiliana Wilhelmina Annunziata Theodora Evangelina",
        "Featherstonehaugh-Cholmondeley-Worthington-Smythe-Fotheringham-Ponsonby",
        "1970-01-01",
    );
    let p = issue(&d, json!({ "carer_id": id, "kind": "community" }));
    let preview = call(&d, "passport_preview", json!({ "id": p["id"] }));
    let warnings = preview["warnings"].to_string();
    assert!(warnings.contains(p["number"].as_str().unwrap()) && warnings.contains("name"), "{warnings}");
}
