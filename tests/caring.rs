//! Cared-for people and caring links: the whole-family view and derived facts.

use serde_json::json;

use crate::util::*;

fn add(d: &carers_desk::Desk, carer_id: i64, first: &str) -> serde_json::Value {
    let mut a = person_and_link(first);
    a["carer_id"] = json!(carer_id);
    call(d, "carer_add_cared_for", a)
}

#[test]
fn adding_a_cared_for_person_links_them_and_counts_as_caring_for_several_from_two() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    let rec = add(&d, id, "Ada");
    assert_eq!(rec["caring"].as_array().unwrap().len(), 1);
    assert_eq!(rec["cares_for_several"], false);
    let link = &rec["caring"][0]["link"];
    assert_eq!(link["relationship"], "parent");
    assert_eq!(link["hours_band"], "h20_34");
    assert_eq!(link["hours_band_label"], "20 to 34 hours a week");
    assert_eq!(link["care_kinds"], json!(["personal"]));
    assert_eq!(rec["caring"][0]["person"]["conditions"], json!(["dementia"]));
    assert_eq!(rec["caring"][0]["person"]["reference"], "P-000001");
    let rec = add(&d, id, "Obi");
    assert_eq!(rec["cares_for_several"], true);
}

#[test]
fn bad_person_and_link_fields_are_named_with_their_path() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    let e = call_err(
        &d,
        "carer_add_cared_for",
        json!({
            "carer_id": id,
            "person": {"first_name": "", "date_of_birth": "01/01/2099", "conditions": ["grumpiness"]},
            "link": {"relationship": "", "care_kinds": ["juggling"]},
        }),
    );
    assert_eq!(
        fields(&e),
        [
            "person.date_of_birth",
            "person.conditions",
            "person.first_name",
            "link.relationship",
            "link.hours_band",
            "link.care_kinds"
        ]
    );
    assert_eq!(call(&d, "cared_for_search", json!({"query": ""})).as_array().unwrap().len(), 0, "nothing saved");
    let e = call_err(
        &d,
        "carer_add_cared_for",
        json!({
            "carer_id": id,
            "person": {"first_name": "Ada", "date_of_birth": "01/01/1940", "approximate_age": 80},
            "link": {"relationship": "parent", "hours_band": "h50_plus"},
        }),
    );
    assert_eq!(e.field.as_deref(), Some("person.approximate_age"));
    let e = call_err(
        &d,
        "carer_add_cared_for",
        json!({
            "carer_id": id,
            "person": {"first_name": "Ada", "approximate_age": "about eighty"},
            "link": {"relationship": "parent", "hours_band": "h50_plus"},
        }),
    );
    assert_eq!(e.code, "validation");
    assert_eq!(e.field.as_deref(), Some("person.approximate_age"));
    assert_eq!(e.message, "enter the approximate age as a whole number from 0 to 120");
}

#[test]
fn whole_family_two_carers_one_cared_for_person() {
    let d = desk();
    let mum = create(&d, "Mary", "Okafor", "1970-04-04");
    let son = create(&d, "Tunde", "Okafor", "2011-06-01");
    let rec = add(&d, mum, "Ada");
    let ada = rec["caring"][0]["person"]["id"].as_i64().unwrap();
    let found = call(&d, "cared_for_search", json!({"query": "ada oka"}));
    assert_eq!(found[0]["id"], ada);
    assert_eq!(found[0]["carer_names"], json!(["Mary Okafor"]), "who already cares for them, to tell people apart");
    call(
        &d,
        "caring_link_create",
        json!({"carer_id": son, "cared_for_id": ada, "link": {"relationship": "grandparent", "hours_band": "h0_9", "care_kinds": ["emotional"]}}),
    );
    let e = call_err(
        &d,
        "caring_link_create",
        json!({"carer_id": son, "cared_for_id": ada, "link": {"relationship": "grandparent", "hours_band": "h0_9"}}),
    );
    assert_eq!(e.code, "conflict");
    let family = call(&d, "cared_for_get", json!({"id": ada}));
    let names: Vec<&str> =
        family["carers"].as_array().unwrap().iter().map(|c| c["carer"]["first_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Mary", "Tunde"]);
    assert_eq!(family["carers"][1]["carer"]["category"], "young_carer");
    assert_eq!(family["carers"][1]["link"]["relationship_label"], "Grandparent");
    // From either carer's record, the person shows everyone who cares for them.
    let sons = call(&d, "carer_get", json!({"id": son}));
    assert_eq!(sons["caring"][0]["person"]["carer_names"], json!(["Mary Okafor", "Tunde Okafor"]));
}

#[test]
fn links_can_be_changed_and_removed_but_the_person_stays() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    let rec = add(&d, id, "Ada");
    let link_id = rec["caring"][0]["link"]["id"].as_i64().unwrap();
    let ada = rec["caring"][0]["person"]["id"].as_i64().unwrap();
    let rec = call(
        &d,
        "caring_link_update",
        json!({"id": link_id, "link": {"relationship": "parent", "hours_band": "h50_plus", "care_kinds": ["medication", "personal", "medication"], "since": "01/01/2020"}}),
    );
    let link = &rec["caring"][0]["link"];
    assert_eq!(link["hours_band"], "h50_plus");
    assert_eq!(link["care_kinds"], json!(["personal", "medication"]), "kept in list order, without repeats");
    assert_eq!(link["since"], "2020-01-01");
    let rec = call(&d, "caring_link_remove", json!({"id": link_id}));
    assert_eq!(rec["caring"].as_array().unwrap().len(), 0);
    assert_eq!(call(&d, "cared_for_get", json!({"id": ada}))["first_name"], "Ada");
}

#[test]
fn a_closed_record_cannot_take_new_links() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    call(&d, "carer_close", json!({"id": id, "reason": "caring_ended", "date": "01/11/2026"}));
    let mut a = person_and_link("Ada");
    a["carer_id"] = json!(id);
    let e = call_err(&d, "carer_add_cared_for", a);
    assert_eq!(e.code, "conflict");
    assert!(e.message.contains("reopen"), "{}", e.message);
}

#[test]
fn cared_for_update_keeps_approximate_ages_growing() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    let rec = call(
        &d,
        "carer_add_cared_for",
        json!({"carer_id": id, "person": {"first_name": "Ada", "approximate_age": 80}, "link": {"relationship": "parent", "hours_band": "h35_49"}}),
    );
    let ada = rec["caring"][0]["person"]["id"].as_i64().unwrap();
    assert_eq!(rec["caring"][0]["person"]["age"], 80);
    assert_eq!(rec["caring"][0]["person"]["age_is_approximate"], true);
    // Two years on, the approximate age has grown.
    let later = d.call(&ctx_on("2028-11-23"), "cared_for_get", json!({"id": ada})).unwrap();
    assert_eq!(later["age"], 82);
    let updated = call(
        &d,
        "cared_for_update",
        json!({"id": ada, "first_name": "Ada", "last_name": "Okafor", "date_of_birth": "02/02/1945", "conditions": ["frailty", "dementia"]}),
    );
    assert_eq!(updated["age"], 81);
    assert_eq!(updated["age_is_approximate"], false);
    assert_eq!(updated["conditions"], json!(["dementia", "frailty"]));
}

/// "Caring since" is often known only to the year or the month: it is kept as typed (no day
/// made up), shown that way, refused in the future by the month or year, and a two-digit year
/// is refused with a clear message.
#[test]
fn caring_since_takes_a_year_or_a_month_and_year_without_inventing_a_day() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    let rec = add(&d, id, "Ada");
    let link_id = rec["caring"][0]["link"]["id"].as_i64().unwrap();
    let set = |since: &str| {
        let args = json!({"id": link_id, "link": {"relationship": "parent", "hours_band": "h20_34", "since": since}});
        d.call(&ctx(), "caring_link_update", args)
    };
    let this_year = today().format("%Y").to_string();
    let this_month = today().format("%m/%Y").to_string();
    for (typed, stored) in [
        ("2019", "2019".to_string()),
        ("03/2019", "2019-03".to_string()),
        ("March 2019", "2019-03".to_string()),
        ("2019-03", "2019-03".to_string()),
        ("27/03/2019", "2019-03-27".to_string()),
        (this_year.as_str(), this_year.clone()),
        (this_month.as_str(), today().format("%Y-%m").to_string()),
    ] {
        let rec = set(typed).unwrap_or_else(|e| panic!("{typed}: {e:?}"));
        assert_eq!(rec["caring"][0]["link"]["since"], stored.as_str(), "{typed}");
    }
    let next_year = (today().format("%Y").to_string().parse::<i32>().unwrap() + 1).to_string();
    for (typed, says) in [
        ("19", "four-digit year"),
        ("03/19", "four-digit year"),
        ("13/2019", "a month and year"),
        (next_year.as_str(), "cannot be in the future"),
    ] {
        let e = set(typed).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("link.since"), "{typed}");
        assert!(e.message.contains(says), "{typed}: {}", e.message);
    }
    // Nothing refused was saved: the last good value stays.
    let rec = call(&d, "carer_get", json!({"id": id}));
    assert_eq!(rec["caring"][0]["link"]["since"], today().format("%Y-%m").to_string());
}
