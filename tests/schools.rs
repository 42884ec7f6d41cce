//! Schools, young carers' school links, agreed adjustments, the school view, and school
//! staff's scope (two schools).

use carers_desk::{Context, Desk};
use serde_json::{json, Value};

use crate::util::*;

fn school(d: &Desk, name: &str, urn: &str) -> i64 {
    call(d, "school_save", json!({"name": name, "urn": urn, "lead_name": "Ms Rahman", "postcode": "rm9 6xy"}))["id"]
        .as_i64()
        .unwrap()
}

fn link(d: &Desk, carer: i64, school: i64, year: &str) -> Value {
    call(
        d,
        "school_link_save",
        json!({"carer_id": carer, "school_id": school, "year_group": year, "tutor_group": "10B",
               "census_code": "S", "identified_on": "09/09/2025", "staff_contact": "Mr Hale"}),
    )
}

fn adjust(d: &Desk, carer: i64, kind: &str, review: &str) -> Value {
    call(
        d,
        "adjustment_save",
        json!({"carer_id": carer, "kind": kind, "note": "Two extra days", "agreed_on": "01/10/2026", "review_on": review}),
    )
}

#[test]
fn a_school_with_a_young_carer_their_link_and_adjustments() {
    let d = desk();
    let id = school(&d, "Robert Clack School", "100123");
    let amira = create(&d, "Amira", "Okafor", "2010-03-14");
    let yc = link(&d, amira, id, "11");
    assert_eq!(yc["school_link"]["school_name"], "Robert Clack School");
    assert_eq!(yc["school_link"]["year_group_label"], "Year 11");
    assert_eq!(yc["school_link"]["census_label"], "S: identified by school");
    assert_eq!(yc["school_link"]["identified_on"], "2025-09-09");

    let list = adjust(&d, amira, "homework", "10/12/2026");
    assert_eq!(list[0]["kind_label"], "Homework deadline flexibility");
    assert_eq!(list[0]["status"], "review_due", "review within 30 days of 23/11/2026");
    adjust(&d, amira, "quiet_space", "01/09/2027");
    call(
        &d,
        "note_add",
        json!({"carer_id": amira, "date": "20/11/2026", "kind": "in_school", "text": "Met at school"}),
    );

    let s = call(&d, "school_get", json!({"id": id}));
    assert_eq!(s["urn"], "100123");
    assert_eq!(s["postcode"], "RM9 6XY");
    let p = &s["pupils"][0];
    assert_eq!(p["name"], "Amira Okafor");
    assert_eq!((p["year_group"].as_str(), p["tutor_group"].as_str()), (Some("11"), Some("10B")));
    assert_eq!(p["last_contact"], "2026-11-20");
    assert_eq!(p["adjustments"].as_array().unwrap().len(), 2);
    assert_eq!(p["adjustments_due"], 1);
    assert!(p["assessment"].is_null());

    let rows = call(&d, "school_list", json!({}));
    assert_eq!((rows[0]["young_carers"].as_i64(), rows[0]["adjustments_due"].as_i64()), (Some(1), Some(1)));

    // Ending an adjustment keeps it as history.
    let first = list[0]["id"].clone();
    let after = call(&d, "adjustment_end", json!({"id": first}));
    let ended: Vec<&Value> = after.as_array().unwrap().iter().filter(|a| a["status"] == "ended").collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["ended_on"], "2026-11-23");
    assert_eq!(call_err(&d, "adjustment_end", json!({"id": first})).code, "conflict");

    // Moving school keeps the adjustments; removing the link takes them off the school's view.
    let other = school(&d, "Jo Richardson Community School", "100124");
    link(&d, amira, other, "11");
    assert_eq!(call(&d, "school_get", json!({"id": id}))["pupils"], json!([]));
    let yc = call(&d, "school_link_remove", json!({"carer_id": amira}));
    assert!(yc["school_link"].is_null());
    assert_eq!(yc["adjustments"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_input_is_named_and_nothing_is_saved() {
    let d = desk();
    let id = school(&d, "Eastbury Primary School", "100200");
    // A school link for an adult.
    let adult = create(&d, "Sam", "Carer", "1985-05-05");
    let e = call_err(&d, "school_link_save", json!({"carer_id": adult, "school_id": id, "year_group": "11"}));
    assert_eq!(e.errors[0].field, "carer_id");
    assert!(e.errors[0].message.contains("under 19") && e.errors[0].message.contains("41"), "{}", e.message);
    assert!(call(&d, "young_carer_get", json!({"carer_id": adult}))["school_link"].is_null());

    let young = create(&d, "Ava", "Patel", "2013-01-01");
    let table = [
        (json!({"carer_id": young, "year_group": "7"}), "school_id", "choose the school"),
        (json!({"carer_id": young, "school_id": 999, "year_group": "7"}), "school_id", "not recorded"),
        (json!({"carer_id": young, "school_id": id}), "year_group", "year group"),
        (json!({"carer_id": young, "school_id": id, "year_group": "14"}), "year_group", "choose one of the listed"),
        (json!({"carer_id": young, "school_id": id, "year_group": "8", "census_code": "X"}), "census_code", "listed"),
        (
            json!({"carer_id": young, "school_id": id, "year_group": "8", "identified_on": "01/01/2030"}),
            "identified_on",
            "future",
        ),
        (
            json!({"carer_id": young, "school_id": id, "year_group": "8", "identified_on": "01/01/2010"}),
            "identified_on",
            "before the date of birth",
        ),
    ];
    for (args, field, words) in table {
        let e = call_err(&d, "school_link_save", args.clone());
        let f = e.errors.iter().find(|f| f.field == field).unwrap_or_else(|| panic!("{args}: {e:?}"));
        assert!(f.message.contains(words), "{args}: {}", f.message);
    }
    // Adjustments need the school link first, then a kind, a date agreed, a note for "other",
    // and a review date not before the agreement.
    let e = call_err(&d, "adjustment_save", json!({"carer_id": young, "kind": "phone", "agreed_on": "01/10/2026"}));
    assert!(e.message.contains("link the young carer"), "{}", e.message);
    link(&d, young, id, "8");
    let table = [
        (json!({"carer_id": young, "agreed_on": "01/10/2026"}), "kind"),
        (json!({"carer_id": young, "kind": "phone"}), "agreed_on"),
        (json!({"carer_id": young, "kind": "other", "agreed_on": "01/10/2026"}), "note"),
        (
            json!({"carer_id": young, "kind": "phone", "agreed_on": "01/10/2026", "review_on": "01/09/2026"}),
            "review_on",
        ),
        (json!({"carer_id": young, "kind": "phone", "agreed_on": "01/10/2027"}), "agreed_on"),
    ];
    for (args, field) in table {
        let e = call_err(&d, "adjustment_save", args.clone());
        assert_eq!(fields(&e), [field], "{args}");
    }
    assert_eq!(call(&d, "young_carer_get", json!({"carer_id": young}))["adjustments"], json!([]));
    // Schools: a name, a six-digit URN not used by another school, a real postcode.
    for (args, field) in [
        (json!({"urn": "123456"}), "name"),
        (json!({"name": "X", "urn": "12345"}), "urn"),
        (json!({"name": "X", "urn": "100200"}), "urn"),
        (json!({"name": "X", "postcode": "nowhere"}), "postcode"),
        (json!({"name": "X", "lead_email": "ms@"}), "lead_email"),
    ] {
        let e = call_err(&d, "school_save", args.clone());
        assert_eq!(e.errors.first().map(|f| f.field.as_str()).or(e.field.as_deref()), Some(field), "{args}: {e:?}");
    }
    assert_eq!(call(&d, "school_list", json!({})).as_array().unwrap().len(), 1);
}

#[test]
fn school_staff_see_only_their_own_school() {
    let d = desk();
    let north = school(&d, "North Academy", "100301");
    let south = school(&d, "South High", "100302");
    let nia = create(&d, "Nia", "North", "2011-02-02");
    let sol = create(&d, "Sol", "South", "2011-03-03");
    link(&d, nia, north, "10");
    link(&d, sol, south, "10");
    let sol_adj = adjust(&d, sol, "phone", "01/09/2027")[0]["id"].clone();

    let staff = Context::school_staff(north, "Mr Hale", today());
    let ok = |cmd: &str, args: Value| d.call(&staff, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e:?}"));
    let refused = |cmd: &str, args: Value| d.call(&staff, cmd, args).unwrap_err().code;

    let list = ok("school_list", json!({}));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "North Academy");
    assert_eq!(ok("school_get", json!({"id": north}))["pupils"][0]["name"], "Nia North");
    assert_eq!(refused("school_get", json!({"id": south})), "not_permitted");
    // Adjustments: their own young carers only.
    let mine = ok("adjustment_save", json!({"carer_id": nia, "kind": "lateness", "agreed_on": "02/11/2026"}));
    assert_eq!(mine[0]["kind"], "lateness");
    assert_eq!(
        refused("adjustment_save", json!({"carer_id": sol, "kind": "lateness", "agreed_on": "02/11/2026"})),
        "not_permitted"
    );
    assert_eq!(refused("adjustment_end", json!({"id": sol_adj})), "not_permitted");
    // Nothing of the records: not the carer, the young carer panel, the register or the home screen.
    for (cmd, args) in [
        ("carer_get", json!({"id": nia})),
        ("young_carer_get", json!({"carer_id": nia})),
        ("carer_search", json!({"query": ""})),
        ("home", json!({})),
        ("transitions", json!({})),
        ("school_save", json!({"name": "Another"})),
        ("school_link_save", json!({"carer_id": nia, "school_id": north, "year_group": "10"})),
    ] {
        assert_eq!(refused(cmd, args), "not_permitted", "{cmd}");
    }
    // A closed record is no longer the school's to see.
    call(&d, "carer_close", json!({"id": nia, "reason": "moved_away", "date": "20/11/2026"}));
    assert_eq!(ok("school_get", json!({"id": north}))["pupils"], json!([]));
    assert_eq!(
        refused("adjustment_save", json!({"carer_id": nia, "kind": "homework", "agreed_on": "02/11/2026"})),
        "not_permitted"
    );
    // A school staff context without a school is refused outright.
    let mut lost = Context::school_staff(north, "Nobody", today());
    lost.school_scope = None;
    assert_eq!(d.call(&lost, "school_list", json!({})).unwrap_err().code, "not_permitted");
}

#[test]
fn free_text_schools_from_version_4_become_school_records_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../src-tauri/core/migrations/0001_register.sql"),
            include_str!("../src-tauri/core/migrations/0002_search_speed.sql"),
            include_str!("../src-tauri/core/migrations/0003_assessments.sql"),
            include_str!("../src-tauri/core/migrations/0004_support_plans.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        let insert = "INSERT INTO carers (reference, first_name, last_name, date_of_birth, school, created_at, created_by, updated_at, updated_by)
                      VALUES (?1, ?2, 'Old', '2012-01-01', ?3, '2025-01-01T00:00:00Z', 'x', '2025-01-01T00:00:00Z', 'x')";
        conn.execute(insert, rusqlite::params!["C-000001", "Ada", "Hill Park Academy"]).unwrap();
        conn.execute(insert, rusqlite::params!["C-000002", "Ben", "hill park academy"]).unwrap();
        conn.execute(insert, rusqlite::params!["C-000003", "Cy", Option::<String>::None]).unwrap();
        conn.execute(
            "INSERT INTO assessments (reference, carer_id, type, created_at, created_by, updated_at, updated_by)
             VALUES ('A-000001', 1, 'young_carer', 'x', 'x', 'x', 'x')",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO assessment_needs (assessment_id, position, description) VALUES (1, 1, 'Sleep')", [])
            .unwrap();
    }
    // An old unencrypted database: setting up encrypts it, then it is brought up to date.
    let d = crate::util::file_desk(&path);
    let schools = call(&d, "school_list", json!({}));
    assert_eq!(schools.as_array().unwrap().len(), 1, "one school, whatever the capitals: {schools}");
    assert_eq!(schools[0]["young_carers"], 2);
    let a = call(&d, "assessment_get", json!({"id": 1}));
    assert_eq!(a["needs"][0]["description"], "Sleep", "the assessments table was rebuilt with its needs intact");
    drop(d);
    // Foreign keys are back on after the migrations (they run with them off).
    let conn = carers_desk::db::open(&path, &crate::util::file_key(&path)).unwrap();
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn the_staff_summary_prints_names_years_and_adjustments_only() {
    use crate::pdf::{assert_fonts_embedded_and_subset, pages_text};
    let d = desk();
    let id = school(&d, "Robert Clack School", "100123");
    let other = school(&d, "South High", "100302");
    let amira = create(&d, "Amira", "Okafor", "2010-03-14");
    link(&d, amira, id, "11");
    adjust(&d, amira, "homework", "10/12/2026");
    let ended = adjust(&d, amira, "quiet_space", "01/09/2027");
    let quiet = ended.as_array().unwrap().iter().find(|a| a["kind"] == "quiet_space").unwrap()["id"].clone();
    call(&d, "adjustment_end", json!({"id": quiet}));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("staff.pdf");
    let staff = Context::school_staff(id, "Mr Hale", today());
    let printed = d.call(&staff, "school_print_summary", json!({"id": id, "path": out.to_str().unwrap()})).unwrap();
    assert_eq!(printed["pages"], 1);
    let text = pages_text(&out).join("\n");
    for want in ["Robert Clack School", "Amira Okafor", "Homework deadline flexibility", "10/12/2026"] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    assert!(!text.contains("Quiet space"), "an ended adjustment is not printed");
    assert!(!text.contains("14/03/2010") && !text.contains("RM10"), "no date of birth or address");
    assert_fonts_embedded_and_subset(&out);
    // Another school's staff cannot print it; nothing is written.
    let theirs = Context::school_staff(other, "Ms Lee", today());
    let again = dir.path().join("theirs.pdf");
    let e = d.call(&theirs, "school_print_summary", json!({"id": id, "path": again.to_str().unwrap()})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
    assert!(!again.exists());
}
