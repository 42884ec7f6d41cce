//! Subject access export, anonymisation and retention.

use std::path::Path;

use carers_desk::{Desk, Role};
use serde_json::{json, Value};

use crate::pdf::{assert_fonts_embedded_and_subset, field, pages_text, pdfinfo, s, tool};
use crate::util::*;

/// Words that appear only in the test carer's record (so "gone everywhere" can be checked).
const SECRETS: &[&str] = &[
    "Zofia",
    "Kowalczyk",
    "Zosia",
    "07700 900987",
    "zofia@example.org",
    "943 476 5919",
    "14 Quince Lane",
    "Marigold Surgery",
    "Broken sleep every night",
    "Talked about respite at the Quince centre",
    "Benefits check with Quince advice",
    "Ward 7 at St Quince",
    "Ezekiel Plum",
    "Quincebury",
    "E14 5AB",
];

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(60, 80, |x, y| image::Rgb([(x * 3) as u8, (y * 2) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn organisation(d: &Desk) {
    let mut s = call(d, "settings_get", json!({}));
    s["organisation_name"] = json!("Riverside Carers Centre");
    s["phone"] = json!("020 7946 0018");
    call(d, "settings_update", s);
}

/// An adult carer with everything: a cared-for person, notes, a completed assessment, an
/// agreed plan with a review, and a passport with a photo. Returns (carer id, cared-for id).
fn full_carer(d: &Desk, photo_dir: &Path) -> (i64, i64) {
    let mut details = carer("Zofia", "Kowalczyk", "1970-04-02");
    details["preferred_name"] = json!("Zosia");
    details["phone"] = json!("07700 900987");
    details["email"] = json!("zofia@example.org");
    details["nhs_number"] = json!("9434765919");
    details["address_line1"] = json!("14 Quince Lane");
    details["town"] = json!("Quincebury");
    details["gp_practice"] = json!("Marigold Surgery");
    details["gender"] = json!("female");
    details["postcode"] = json!("e14 5ab");
    let id = call(d, "carer_create", details)["id"].as_i64().unwrap();
    let added = call(
        d,
        "carer_add_cared_for",
        json!({"carer_id": id, "person": {"first_name": "Ezekiel", "last_name": "Plum", "date_of_birth": "1941-08-15",
                 "conditions": ["dementia"], "notes": "Ezekiel Plum likes the radio"},
               "link": {"relationship": "parent", "hours_band": "h50_plus", "care_kinds": ["personal", "emotional"],
                        "lives_together": true, "since": "2019-01-01"}}),
    );
    let cared_for = added["caring"][0]["person"]["id"].as_i64().unwrap();
    call(
        d,
        "note_add",
        json!({"carer_id": id, "date": "2026-10-01", "kind": "visit", "text": "Talked about respite at the Quince centre"}),
    );
    call(d, "note_add", json!({"carer_id": id, "date": "2026-11-02", "kind": "phone", "text": "Called Zofia back"}));

    // A completed adult assessment.
    use crate::assessments::{adult_rest, all_achieved, wellbeing};
    let a = call(d, "assessment_start", json!({"carer_id": id, "type": "adult"}));
    let mut answers = adult_rest();
    answers["outcomes"] = all_achieved();
    answers["outcomes"]["recreation"] =
        json!({"achieved": false, "reasons": ["needs_assistance"], "note": "Zofia has no time for the choir"});
    answers["wellbeing"] = wellbeing("some");
    answers["impact_reasoning"] = json!("Broken sleep every night for a year");
    call(
        d,
        "assessment_save",
        json!({"id": a["id"], "answers": answers, "needs": [
            {"description": "A break from caring for Ezekiel Plum", "outcome": "recreation", "wellbeing_area": "health"}]}),
    );
    let a = call(d, "assessment_complete", json!({"id": a["id"]}));
    assert_eq!(a["status"], "completed");

    // An agreed plan from it.
    let p = call(d, "plan_create", json!({"carer_id": id, "assessment_id": a["id"]}));
    let mut plan = json!({
        "id": p["id"],
        "start_date": "2026-11-01",
        "advice_given": "Benefits check with Quince advice",
        "agreed_on": "2026-11-01",
        "agreement_method": "phone",
        "worker_name": "Sam Worker",
        "outcomes": ["I want one night's sleep a week (Zofia)"],
        "actions": [{"support": "benefits_check", "description": "Benefits check with Quince advice", "who": "Carers centre", "due_on": "2026-12-01"}],
        "contingency": {"if_cannot_care": "Call Ezekiel Plum's nephew", "contacts": [{"name": "Ezekiel Plum", "relationship": "father", "phone": "07700 900555"}]},
    });
    let needs: Vec<Value> = p["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            json!({"description": n["description"], "outcome": n["outcome"], "wellbeing_area": n["wellbeing_area"],
                        "eligibility": n["eligibility"], "will_meet": "yes", "how_met": "Sitting service"})
        })
        .collect();
    plan["needs"] = json!(needs);
    call(d, "plan_save", plan);
    call(d, "plan_agree", json!({"id": p["id"]}));

    // A passport with a photo and an emergency contact.
    let photo = photo_dir.join("photo.png");
    std::fs::write(&photo, png()).unwrap();
    let pp = call(
        d,
        "passport_issue",
        json!({"carer_id": id, "kind": "hospital", "setting": "Ward 7 at St Quince", "cared_for_id": cared_for,
               "show_cared_for_name": true,
               "emergency_contact_name": "Ezekiel Plum", "emergency_contact_phone": "07700 900555",
               "emergency_contact_consent": true}),
    );
    call(d, "passport_photo_set", json!({"id": pp["id"], "path": photo}));
    (id, cared_for)
}

fn export(d: &Desk, args: Value) -> (Value, Value, String) {
    let out = call(d, "subject_export", args);
    let json_path = out["json_path"].as_str().unwrap().to_string();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    (out, doc, std::fs::read_to_string(&json_path).unwrap())
}

#[test]
fn an_export_holds_every_section_as_json_and_a_readable_pdf() {
    let d = desk();
    organisation(&d);
    let dir = tempfile::tempdir().unwrap();
    let (id, cared_for) = full_carer(&d, dir.path());
    call(&d, "carer_get", json!({"id": id}));
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();

    let (out, doc, text) = export(&d, json!({"carer_id": id, "folder": folder}));

    // Both files, named by reference and date, and nothing half-written beside them.
    let names: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["subject-access-C-000001-2026-11-23.json", "subject-access-C-000001-2026-11-23.pdf"]);
    assert!(out["pdf_path"].as_str().unwrap().ends_with("subject-access-C-000001-2026-11-23.pdf"));

    // JSON: every section, every column.
    assert_eq!(doc["about"]["reference"], "C-000001");
    assert_eq!(doc["about"]["made_on"], "2026-11-23");
    let c = &doc["carer"];
    for (k, v) in [
        ("first_name", json!("Zofia")),
        ("preferred_name", json!("Zosia")),
        ("nhs_number", json!("943 476 5919")),
        ("gp_practice", json!("Marigold Surgery")),
        ("postcode", json!("E14 5AB")),
        ("status", json!("open")),
        ("anonymised_on", Value::Null),
    ] {
        assert_eq!(c[k], v, "carer.{k}");
    }
    assert!(c.as_object().unwrap().contains_key("consent_share_adult_services"), "all columns: {c}");
    let link = &doc["people_cared_for"][0];
    assert_eq!(link["relationship"], "parent");
    assert_eq!(link["kinds_of_care"], json!(["emotional", "personal"]));
    assert_eq!(link["cared_for"]["id"], cared_for);
    assert_eq!(link["cared_for"]["first_name"], "Ezekiel");
    assert_eq!(link["cared_for"]["conditions"], json!(["dementia"]));
    assert_eq!(doc["case_notes"].as_array().unwrap().len(), 2);
    assert_eq!(doc["case_notes"][0]["text"], "Talked about respite at the Quince centre", "oldest first");
    let a = &doc["assessments"][0];
    assert_eq!(a["answers"]["impact_reasoning"], "Broken sleep every night for a year");
    assert_eq!(a["determination"]["result"], "eligible");
    assert_eq!(a["needs"][0]["description"], "A break from caring for Ezekiel Plum");
    let p = &doc["support_plans"][0];
    assert_eq!(p["status"], "agreed");
    assert_eq!(p["outcomes"][0]["text"], "I want one night's sleep a week (Zofia)");
    assert_eq!(p["actions"][0]["support"], "benefits_check");
    assert!(p["actions"][0]["support_label"].is_string());
    assert!(p["reviews"].is_array());
    let pp = &doc["passports"][0];
    assert_eq!(pp["setting"], "Ward 7 at St Quince");
    assert_eq!(pp["photo"]["held"], true);
    assert_eq!(pp["photo"]["media_type"], "image/png");
    use base64::Engine;
    let photo = base64::engine::general_purpose::STANDARD.decode(pp["photo"]["base64"].as_str().unwrap()).unwrap();
    assert_eq!(photo, png(), "the photo itself is in the JSON copy");
    assert_eq!(pp["events"][0]["event"], "issued");
    let school = &doc["school_and_transition"];
    for k in ["school_link", "adjustments", "transition_milestones", "handover", "young_carer_card"] {
        assert!(school.as_object().unwrap().contains_key(k), "school_and_transition.{k}");
    }
    let audit = doc["audit_entries"].as_array().unwrap();
    assert!(audit.iter().all(|e| e["carer_id"] == id), "only entries about this carer");
    for command in ["carer_create", "note_add", "plan_agree", "passport_photo_set", "carer_get"] {
        assert!(audit.iter().any(|e| e["command"] == command), "no audit entry for {command}: {audit:?}");
    }
    assert!(text.starts_with("{\n  \"about\""), "pretty, about first");
    assert_eq!(out["counts"]["case_notes"], 2);
    assert_eq!(out["counts"]["passports"], 1);
    assert_eq!(out["counts"]["passports.events"], 1);

    // PDF: A4, metadata, headed sections, DD/MM/YYYY dates, photo as "held", fonts embedded.
    let pdf = Path::new(out["pdf_path"].as_str().unwrap());
    tool("qpdf", &["--check", s(pdf)]);
    let info = pdfinfo(pdf);
    assert_eq!(field(&info, "Title"), "Subject access: Zofia Kowalczyk");
    assert_eq!(field(&info, "Author"), "Riverside Carers Centre");
    assert!(field(&info, "Page size").starts_with("595.276 x 841.89 pts"), "{info}");
    let pages: usize = field(&info, "Pages").parse().unwrap();
    assert_eq!(out["pdf_pages"], pages);
    assert_fonts_embedded_and_subset(pdf);
    let pdf_text = pages_text(pdf).join("\n");
    for want in [
        "Personal details",
        "People they care for",
        "Case notes",
        "Assessments",
        "Support plans",
        "Passports and cards",
        "School and transition to adulthood",
        "audit trail",
        "02/04/1970",
        "Talked about respite at the Quince centre",
        "Broken sleep every night for a year",
        "Ezekiel Plum",
        "50 or more hours a week",
        "Benefits check with Quince advice",
        "Photo held",
        "Riverside Carers Centre",
    ] {
        let squashed = pdf_text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squashed.contains(want), "'{want}' is not in the PDF:\n{pdf_text}");
    }
    assert!(!pdf_text.contains("base64") || pdf_text.contains("JSON copy"), "the photo's bytes are not printed");
    assert!(!pdf_text.contains("iVBOR"), "no base64 in the PDF");
    if let Some(dir) = std::env::var_os("CARERS_DESK_PDF_SAMPLES") {
        std::fs::copy(pdf, Path::new(&dir).join("subject-access-adult.pdf")).unwrap();
    }
}

#[test]
fn a_young_carers_export_has_the_school_and_transition_records() {
    let d = desk();
    let mut details = carer("Kai", "Quill", "2009-03-10");
    details["date_first_identified"] = json!("2020-01-06");
    let id = call(&d, "carer_create", details)["id"].as_i64().unwrap();
    let s = call(&d, "school_save", json!({"name": "Hill Park Academy"}));
    call(
        &d,
        "school_link_save",
        json!({"carer_id": id, "school_id": s["id"], "year_group": "13", "tutor_group": "13Q"}),
    );
    call(
        &d,
        "adjustment_save",
        json!({"carer_id": id, "kind": "lateness", "agreed_on": "01/10/2026", "note": "Mornings with Gran"}),
    );
    call(
        &d,
        "milestone_record",
        json!({"carer_id": id, "milestone": "prepare", "done_on": "01/11/2026", "note": "Talked at school"}),
    );
    call(
        &d,
        "handover_save",
        json!({"carer_id": id, "receiving_service": "Adult Carers Hub", "worker": "Jo Bloggs", "handover_on": "10/03/2027", "consent_to_share": true}),
    );
    call(
        &d,
        "young_carer_card_save",
        json!({"carer_id": id, "emergency_contact_name": "Sam Lee", "emergency_contact_relationship": "aunt", "emergency_contact_phone": "07700 900456"}),
    );
    let dir = tempfile::tempdir().unwrap();
    let (out, doc, _) = export(&d, json!({"carer_id": id, "folder": dir.path()}));
    let school = &doc["school_and_transition"];
    assert_eq!(school["school_link"]["school_name"], "Hill Park Academy");
    assert_eq!(school["school_link"]["tutor_group"], "13Q");
    assert_eq!(school["adjustments"][0]["note"], "Mornings with Gran");
    assert_eq!(school["transition_milestones"][0]["milestone"], "prepare");
    assert_eq!(school["handover"]["worker"], "Jo Bloggs");
    assert_eq!(school["young_carer_card"]["emergency_contact_name"], "Sam Lee");
    let text = pages_text(Path::new(out["pdf_path"].as_str().unwrap())).join("\n");
    for want in
        ["Hill Park Academy", "Mornings with Gran", "Adult Carers Hub", "Sam Lee", "10/03/2027", "Young carer card"]
    {
        assert!(text.contains(want), "'{want}' is not in the PDF:\n{text}");
    }
}

#[test]
fn a_cared_for_persons_export_names_their_carers_without_the_carers_records() {
    let d = desk();
    let dir = tempfile::tempdir().unwrap();
    let (_, cared_for) = full_carer(&d, dir.path());
    let (out, doc, text) = export(&d, json!({"cared_for_id": cared_for, "folder": dir.path()}));
    assert!(out["json_path"].as_str().unwrap().ends_with("subject-access-P-000001-2026-11-23.json"));
    assert_eq!(doc["cared_for"]["first_name"], "Ezekiel");
    assert_eq!(doc["cared_for"]["notes"], "Ezekiel Plum likes the radio");
    assert_eq!(doc["carers"][0]["carer_name"], "Zofia Kowalczyk");
    assert_eq!(doc["carers"][0]["hours_band"], "h50_plus");
    assert_eq!(doc["passports_naming_them"][0]["holder_reference"], "C-000001");
    for private in ["07700 900987", "943 476 5919", "Talked about respite", "Marigold Surgery"] {
        assert!(!text.contains(private), "the carer's own record ('{private}') is not in a cared-for export");
    }
    let pdf_text = pages_text(Path::new(out["pdf_path"].as_str().unwrap())).join("\n");
    for want in ["Ezekiel Plum", "Who cares for them", "Zofia Kowalczyk (C-000001)", "15/08/1941"] {
        assert!(pdf_text.contains(want), "'{want}' is not in the PDF:\n{pdf_text}");
    }
}

#[test]
fn an_export_needs_an_existing_folder_and_one_person() {
    let d = desk();
    let id = create(&d, "Ann", "Ward", "1970-01-01");
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not-there");
    let e = call_err(&d, "subject_export", json!({"carer_id": id, "folder": missing}));
    assert_eq!(e.field.as_deref(), Some("folder"));
    assert!(e.message.contains("was not found"), "{}", e.message);
    assert!(!missing.exists());
    let e = call_err(&d, "subject_export", json!({"carer_id": id}));
    assert_eq!(e.field.as_deref(), Some("folder"));
    let e = call_err(&d, "subject_export", json!({"folder": dir.path()}));
    assert_eq!(e.field.as_deref(), Some("carer_id"));
    let e = call_err(&d, "subject_export", json!({"carer_id": id, "cared_for_id": 1, "folder": dir.path()}));
    assert_eq!(e.field.as_deref(), Some("carer_id"));
    assert_eq!(call_err(&d, "subject_export", json!({"carer_id": 999, "folder": dir.path()})).code, "not_found");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    // Administrators only.
    let support = ctx().with_role(Role::SupportWorker);
    let e = d.call(&support, "subject_export", json!({"carer_id": id, "folder": dir.path()})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
}

fn home_counts(d: &Desk) -> Value {
    let mut h = call(d, "home", json!({}));
    h.as_object_mut().unwrap().remove("recently_viewed");
    h
}

fn close(d: &Desk, id: i64, date: &str) {
    call(d, "carer_close", json!({"id": id, "reason": "caring_ended", "date": date}));
}

fn search_all(d: &Desk, query: &str) -> i64 {
    call(d, "carer_search", json!({"query": query, "status": "all"}))["total"].as_i64().unwrap()
}

#[test]
fn anonymising_removes_the_person_everywhere_and_keeps_the_counts() {
    let d = desk();
    let dir = tempfile::tempdir().unwrap();
    let (id, cared_for) = full_carer(&d, dir.path());
    create(&d, "Other", "Person", "1980-01-01");
    close(&d, id, "2026-11-20");
    assert_eq!(search_all(&d, "Kowalczyk"), 1);
    assert_eq!(search_all(&d, "Zosia"), 1);
    let before = home_counts(&d);

    let out = call(&d, "carer_anonymise", json!({"id": id, "confirm": "c-000001"}));
    assert_eq!(out, json!({"id": id, "reference": "C-000001", "anonymised_on": "2026-11-23"}));
    let audit = call(&d, "audit_list", json!({"carer_id": id, "command": "carer_anonymise"}));
    let entry = &audit["entries"][0];
    assert_eq!((entry["action"].as_str(), entry["detail"].as_str()), (Some("anonymise"), Some("anonymised C-000001")));

    // The record reads "Anonymised", keeps its year of birth, outward postcode and codes.
    let c = call(&d, "carer_get", json!({"id": id}));
    assert_eq!((c["first_name"].as_str(), c["last_name"].as_str()), (Some("Anonymised"), Some("Anonymised")));
    assert_eq!(c["date_of_birth"], "1970-07-01");
    assert_eq!(c["postcode"], "E14");
    for gone in ["preferred_name", "phone", "email", "nhs_number", "address_line1", "town", "gp_practice"] {
        assert!(c[gone].is_null(), "{gone} is {}", c[gone]);
    }
    assert_eq!(c["gender"], "female", "codes for reports stay");
    assert_eq!(c["referral_source"], "gp");
    assert_eq!(c["status"], "closed");
    assert_eq!(c["caring"][0]["link"]["hours_band"], "h50_plus");
    assert_eq!(c["caring"][0]["link"]["care_kinds"], json!(["personal", "emotional"]));
    assert_eq!(c["notes"].as_array().unwrap().len(), 2, "notes stay, counted");
    assert!(c["notes"].as_array().unwrap().iter().all(|n| n["text"] == "(removed when the record was anonymised)"));
    assert_eq!(c["notes"][0]["date"], "2026-11-02", "dates of contacts stay");

    // The search index cannot find the old names; the reference still finds the record.
    for old in ["Kowalczyk", "Zofia", "Zosia", "kowal", "E14 5AB", "e145"] {
        assert_eq!(search_all(&d, old), 0, "search still finds '{old}'");
    }
    assert_eq!(search_all(&d, "C-000001"), 1);

    // Passport, assessment and plan text gone; statuses and dates stay.
    let passports = call(&d, "passport_list", json!({"carer_id": id}));
    let p = &passports[0];
    assert!(p["emergency_contact_name"].is_null() && p["setting"].is_null(), "{p}");
    assert_eq!(p["has_photo"], false);
    assert_eq!(p["issued_on"], "2026-11-23");
    let list = call(&d, "assessment_list", json!({"carer_id": id}));
    let a = call(&d, "assessment_get", json!({"id": list[0]["id"]}));
    assert_eq!(a["status"], "completed");
    assert_eq!(a["determination"]["result"], "eligible", "the determination's result stays");
    assert_eq!(a["answers"]["hours_band"], "h50_plus");
    assert!(a["answers"].get("impact_reasoning").is_none());
    let plans = call(&d, "plan_list", json!({"carer_id": id}));
    let plan = call(&d, "plan_get", json!({"id": plans[0]["id"]}));
    assert_eq!(plan["status"], "agreed");
    assert_eq!(plan["actions"][0]["support"], "benefits_check");

    // Counts for reports are as they were.
    assert_eq!(home_counts(&d), before);

    // Nothing of the old record is left in what an export of it would hold, apart from the
    // cared-for person's own record (a separate record with its own retention).
    let (_, _, text) = export(&d, json!({"carer_id": id, "folder": dir.path()}));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut without_cared_for = doc.clone();
    without_cared_for["people_cared_for"][0].as_object_mut().unwrap().remove("cared_for");
    let text = without_cared_for.to_string();
    for secret in SECRETS {
        assert!(!text.contains(secret), "'{secret}' is still held after anonymising");
    }
    assert!(text.contains("\"anonymised_on\":\"2026-11-23\""));

    // The cared-for person is anonymised separately, now nobody caring for them is open.
    let e = call_err(&d, "cared_for_anonymise", json!({"id": cared_for, "confirm": "P-000002"}));
    assert_eq!(e.field.as_deref(), Some("confirm"));
    call(&d, "cared_for_anonymise", json!({"id": cared_for, "confirm": "P-000001"}));
    let person = call(&d, "cared_for_get", json!({"id": cared_for}));
    assert_eq!(person["first_name"], "Anonymised");
    assert_eq!(person["last_name"], "Anonymised");
    assert_eq!(person["date_of_birth"], "1941-07-01");
    assert!(person["notes"].is_null());
    assert_eq!(person["conditions"], json!(["dementia"]));
    let (_, _, text) = export(&d, json!({"carer_id": id, "folder": dir.path()}));
    for secret in SECRETS {
        assert!(!text.contains(secret), "'{secret}' is still held after anonymising both");
    }
    assert_eq!(home_counts(&d), before);
    // Erasure is final: the record cannot be reopened or edited back.
    assert_eq!(call_err(&d, "carer_reopen", json!({"id": id})).code, "conflict");
}

#[test]
fn anonymising_is_refused_while_open_without_the_reference_twice_and_for_other_roles() {
    let d = desk();
    let id = create(&d, "Ann", "Ward", "1970-01-01");
    let e = call_err(&d, "carer_anonymise", json!({"id": id, "confirm": "C-000001"}));
    assert_eq!(e.field.as_deref(), Some("id"));
    assert!(e.message.contains("close the record first"), "{}", e.message);
    close(&d, id, "2026-11-01");
    for (confirm, says) in
        [(json!(null), "type the record's reference, C-000001"), (json!("C-000002"), "not this record's")]
    {
        let e = call_err(&d, "carer_anonymise", json!({"id": id, "confirm": confirm}));
        assert_eq!(e.field.as_deref(), Some("confirm"));
        assert!(e.message.contains(says), "{}", e.message);
    }
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["first_name"], "Ann", "nothing changed");
    for role in [Role::SupportWorker, Role::Reporting] {
        let e =
            d.call(&ctx().with_role(role), "carer_anonymise", json!({"id": id, "confirm": "C-000001"})).unwrap_err();
        assert_eq!(e.code, "not_permitted", "{role:?}");
    }
    call(&d, "carer_anonymise", json!({"id": id, "confirm": "C-000001"}));
    let e = call_err(&d, "carer_anonymise", json!({"id": id, "confirm": "C-000001"}));
    assert_eq!(e.code, "conflict");
    assert!(e.message.contains("already anonymised on 23/11/2026"), "{}", e.message);
    assert_eq!(call_err(&d, "carer_anonymise", json!({"id": 99, "confirm": "C-000099"})).code, "not_found");

    // A cared-for person: refused while someone caring for them is open.
    let carer_id = create(&d, "Bea", "Open", "1970-01-01");
    let mut args = person_and_link("Grace");
    args["carer_id"] = json!(carer_id);
    let p = call(&d, "carer_add_cared_for", args)["caring"][0]["person"].clone();
    let e = call_err(&d, "cared_for_anonymise", json!({"id": p["id"], "confirm": p["reference"]}));
    assert_eq!(e.field.as_deref(), Some("id"));
    assert!(e.message.contains("C-000002") && e.message.contains("close the record first"), "{}", e.message);
}

#[test]
fn retention_due_lists_records_from_their_due_day() {
    let d = desk();
    // (carer, closed on) with the default 6 years.
    let a = create(&d, "Ada", "Due", "1950-01-01"); // closed 23/11/2020: due 23/11/2026
    let b = create(&d, "Ben", "Later", "1950-01-01"); // closed 24/11/2020: due 24/11/2026
    let c = create(&d, "Cy", "Leap", "1950-01-01"); // closed 29/02/2020: due 01/03/2026
    let o = create(&d, "Olu", "Open", "1950-01-01"); // open: never due
                                                     // Ezra is cared for by Ada and Ben: due 6 years after the later closure (Ben's).
    let mut args = person_and_link("Ezra");
    args["carer_id"] = json!(a);
    let ezra = call(&d, "carer_add_cared_for", args)["caring"][0]["person"]["id"].clone();
    call(
        &d,
        "caring_link_create",
        json!({"carer_id": b, "cared_for_id": ezra, "link": {"relationship": "parent", "hours_band": "h20_34"}}),
    );
    // Faye is cared for by someone open: never due.
    let mut args = person_and_link("Faye");
    args["carer_id"] = json!(o);
    call(&d, "carer_add_cared_for", args);
    close(&d, a, "2020-11-23");
    close(&d, b, "2020-11-24");
    close(&d, c, "2020-02-29");

    let due = |day: &str| {
        let r = d.call(&ctx_on(day), "retention_due", json!({})).unwrap();
        assert_eq!((r["carer_years"].as_u64(), r["cared_for_years"].as_u64()), (Some(6), Some(6)));
        let refs = |k: &str| -> Vec<String> {
            r[k].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap().to_string()).collect()
        };
        (refs("carers"), refs("cared_for"))
    };
    let table: &[(&str, &[&str], &[&str])] = &[
        ("2026-02-28", &[], &[]),
        ("2026-03-01", &["Cy Leap"], &[]),
        ("2026-11-22", &["Cy Leap"], &[]),
        ("2026-11-23", &["Cy Leap", "Ada Due"], &[]),
        ("2026-11-24", &["Cy Leap", "Ada Due", "Ben Later"], &["Ezra Okafor"]),
    ];
    for (day, carers, cared_for) in table {
        let (got_carers, got_cared_for) = due(day);
        assert_eq!(&got_carers, carers, "carers due on {day}");
        assert_eq!(&got_cared_for, cared_for, "cared-for people due on {day}");
    }
    let r = d.call(&ctx_on("2026-11-24"), "retention_due", json!({})).unwrap();
    assert_eq!(r["carers"][1]["due_on"], "2026-11-23");
    assert_eq!(r["carers"][1]["closed_date"], "2020-11-23");
    assert_eq!(r["carers"][1]["closed_reason"], "caring_ended");
    assert_eq!(r["cared_for"][0]["due_on"], "2026-11-24");
    assert_eq!(r["cared_for"][0]["id"], ezra);

    // Anonymised records leave the list.
    call(&d, "carer_anonymise", json!({"id": c, "confirm": "C-000003"}));
    assert_eq!(due("2026-11-24").0, ["Ada Due", "Ben Later"]);
    // Only administrators see it.
    let e = d.call(&ctx().with_role(Role::SupportWorker), "retention_due", json!({})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
}
