//! Search-as-you-type over the register, filters, and home-screen counts.

use serde_json::{json, Value};

use crate::util::*;

fn names(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["first_name"].as_str().unwrap(), c["last_name"].as_str().unwrap()))
        .collect()
}

fn seeded() -> carers_desk::Desk {
    let d = desk();
    for (first, last, dob, pc) in [
        ("Siobhan", "O'Brien", "1980-01-01", "RM8 2AB"),
        ("Sean", "Smith-Jones", "1985-01-01", "IG11 7QX"),
        ("Zoë", "Adeyemi", "2012-05-05", "N12 0DR"),
        ("Peter", "Smith", "1955-01-01", "RM10 7BS"),
        ("Anna", "Smithers", "2003-03-03", "CA1 1AA"),
    ] {
        let mut a = carer(first, last, dob);
        a["postcode"] = json!(pc);
        call(&d, "carer_create", a);
    }
    d
}

#[test]
fn partial_words_any_case_any_order() {
    let d = seeded();
    let table: &[(&str, &[&str])] = &[
        ("smi", &["Peter Smith", "Sean Smith-Jones", "Anna Smithers"]),
        ("SMITH", &["Peter Smith", "Sean Smith-Jones", "Anna Smithers"]),
        ("jones", &["Sean Smith-Jones"]),
        ("pe smi", &["Peter Smith"]),
        ("smi pe", &["Peter Smith"]),
        ("obrien", &["Siobhan O'Brien"]),
        ("o'bri", &["Siobhan O'Brien"]),
        ("zoe", &["Zoë Adeyemi"]),
        ("rm10", &["Peter Smith"]),
        ("rm10 7b", &["Peter Smith"]),
        ("rm107bs", &["Peter Smith"]),
        ("C-000002", &["Sean Smith-Jones"]),
        ("000004", &["Peter Smith"]),
        ("4", &["Peter Smith"]),
        ("nobody", &[]),
    ];
    for (q, want) in table {
        let got = call(&d, "carer_search", json!({"query": q}));
        assert_eq!(names(&got), *want, "query {q:?}");
        assert_eq!(got["total"], want.len(), "query {q:?}");
    }
}

#[test]
fn category_filter_agrees_with_the_category_on_each_record() {
    let d = seeded();
    for (cat, want) in [
        ("young_carer", vec!["Zoë Adeyemi"]),
        ("young_adult_carer", vec!["Anna Smithers"]),
        ("adult_carer", vec!["Siobhan O'Brien", "Peter Smith", "Sean Smith-Jones"]),
    ] {
        let got = call(&d, "carer_search", json!({"category": cat}));
        assert_eq!(names(&got), want, "{cat}");
        for r in got["results"].as_array().unwrap() {
            assert_eq!(r["category"], cat);
        }
    }
    assert_eq!(call_err(&d, "carer_search", json!({"category": "hero"})).field.as_deref(), Some("category"));
    assert_eq!(call_err(&d, "carer_search", json!({"status": "lost"})).field.as_deref(), Some("status"));
}

#[test]
fn category_filter_moves_on_the_18th_birthday() {
    let d = desk();
    let id = create(&d, "Tom", "Birthday", "2008-11-24");
    let on = |date: &str, cat: &str| {
        let r = d.call(&ctx_on(date), "carer_search", json!({"category": cat})).unwrap();
        r["results"].as_array().unwrap().iter().any(|c| c["id"] == id)
    };
    assert!(on("2026-11-23", "young_carer"), "day before 18th birthday");
    assert!(!on("2026-11-23", "young_adult_carer"));
    assert!(on("2026-11-24", "young_adult_carer"), "18th birthday");
    assert!(!on("2026-11-24", "young_carer"));
    assert!(on("2034-11-23", "young_adult_carer"), "day before 26th birthday");
    assert!(on("2034-11-24", "adult_carer"), "26th birthday");
    // Leapling: 18 on 1 March in a common year.
    let leap = create(&d, "Lea", "Pling", "2008-02-29");
    let young = |date: &str| {
        let r = d.call(&ctx_on(date), "carer_search", json!({"category": "young_carer"})).unwrap();
        r["results"].as_array().unwrap().iter().any(|c| c["id"] == leap)
    };
    assert!(young("2026-02-28"));
    assert!(!young("2026-03-01"));
}

#[test]
fn school_filter_lists_the_young_carers_linked_to_a_school() {
    let d = desk();
    let ava = call(&d, "carer_create", carer("Ava", "Patel", "2013-01-01"));
    create(&d, "Ben", "Patel", "1980-01-01");
    let school = call(&d, "school_save", json!({"name": "Eastbury Primary School"}));
    call(&d, "school_link_save", json!({"carer_id": ava["id"], "school_id": school["id"], "year_group": "8"}));
    let got = call(&d, "carer_search", json!({"query": "patel", "school_id": school["id"]}));
    assert_eq!(names(&got), ["Ava Patel"]);
    assert_eq!(got["results"][0]["school"], "Eastbury Primary School");
}

#[test]
fn limit_caps_results_but_total_counts_all() {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 120, "seed": 3}));
    let got = call(&d, "carer_search", json!({"limit": 10}));
    assert_eq!(got["results"].as_array().unwrap().len(), 10);
    assert_eq!(got["total"], 120);
}

#[test]
fn home_counts_match_the_data_and_their_filters() {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 200, "seed": 11}));
    let home = call(&d, "home", json!({}));
    let count = |code: &str| {
        home["counts"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["count"].as_i64().unwrap()
    };
    // Each category count is what the register lists with that filter.
    for cat in ["young_carer", "young_adult_carer", "adult_carer"] {
        let listed = call(&d, "carer_search", json!({"category": cat, "limit": 500}))["total"].as_i64().unwrap();
        assert_eq!(count(cat), listed, "{cat}");
    }
    assert_eq!(count("young_carer") + count("young_adult_carer") + count("adult_carer"), count("open"));
    // "Caring for more than one person" agrees with the flag on each record.
    let all = call(&d, "carer_search", json!({"limit": 500}));
    let several = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| call(&d, "carer_get", json!({"id": c["id"]}))["cares_for_several"] == true)
        .count() as i64;
    assert_eq!(count("caring_for_several"), several);
}

#[test]
fn beyond_500_typed_matches_the_register_says_more_and_shows_the_newest_and_browsing_pages_through_all() {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 520, "seed": 4}));
    // Browsing (no words typed): true name order, every match counted, so every page can be
    // reached.
    let browse = call(&d, "carer_search", json!({"limit": 20}));
    assert_eq!(
        (browse["total"].clone(), browse["more"].clone(), browse["order"].clone()),
        (json!(520), json!(false), json!("name"))
    );
    assert_eq!(browse["summary"], "520 carers found: 1 to 20 shown, in name order");
    let last = call(&d, "carer_search", json!({"limit": 20, "offset": 500}));
    assert_eq!((last["offset"].clone(), last["results"].as_array().unwrap().len()), (json!(500), 20));
    assert_eq!(last["summary"], "520 carers found: 501 to 520 shown, in name order");
    let page_two = call(&d, "carer_search", json!({"limit": 20, "offset": 20}));
    let first_ids: Vec<&Value> = browse["results"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert!(
        page_two["results"].as_array().unwrap().iter().all(|c| !first_ids.contains(&&c["id"])),
        "pages do not overlap"
    );
    let keys: Vec<(String, String)> = browse["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["last_name"].as_str().unwrap().to_lowercase(), c["first_name"].as_str().unwrap().to_lowercase()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Every reference starts with "c": all 520 match, so the newest are shown, newest first.
    let all = call(&d, "carer_search", json!({"query": "c", "limit": 5}));
    assert_eq!(all["more"], true);
    assert_eq!(all["order"], "newest");
    let ids: Vec<i64> = all["results"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [520, 519, 518, 517, 516]);
    assert!(all["summary"].as_str().unwrap().starts_with("more than 500 carers match"));
    // A precise search is exact and in name order.
    let one = call(&d, "carer_search", json!({"query": "C-000007"}));
    assert_eq!(
        (one["total"].clone(), one["more"].clone(), one["summary"].clone()),
        (json!(1), json!(false), json!("1 carer found"))
    );
}

#[test]
fn a_whole_date_finds_carers_born_that_day() {
    let d = seeded();
    for q in ["05/05/2012", "5/5/2012", "2012-05-05"] {
        assert_eq!(names(&call(&d, "carer_search", json!({"query": q}))), ["Zoë Adeyemi"], "{q}");
    }
    assert_eq!(call(&d, "carer_search", json!({"query": "06/05/2012"}))["total"], 0);
}

/// The home screen's figures kept current on write (`register_totals`) or counted from
/// indexes, against plain counts of the rows and the lists they summarise, after every kind of
/// change: a bulk demo load (carers written after their links), new carers and links, a link
/// removed, a record closed and reopened.
#[test]
fn home_figures_equal_plain_counts_after_every_kind_of_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("home.sqlite3");
    let d = file_desk(&path);
    let raw = carers_desk::vault::open_encrypted(&path, &file_key(&path)).unwrap();
    let check = |d: &carers_desk::Desk, step: &str| {
        let home = call(d, "home", json!({}));
        let count = |code: &str| {
            home["counts"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["count"].as_i64().unwrap()
        };
        let plain = |sql: &str| raw.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(count("open"), plain("SELECT count(*) FROM carers WHERE status = 'open'"), "{step}");
        assert_eq!(count("closed"), plain("SELECT count(*) FROM carers WHERE status = 'closed'"), "{step}");
        assert_eq!(count("cared_for"), plain("SELECT count(*) FROM cared_for"), "{step}");
        assert_eq!(
            count("caring_for_several"),
            plain(
                "SELECT count(*) FROM carers c WHERE c.status = 'open'
                 AND (SELECT count(*) FROM caring_links l WHERE l.carer_id = c.id) > 1"
            ),
            "{step}"
        );
        let lists = call(d, "plans_due", json!({}));
        assert_eq!(home["plans"]["reviews_due_soon"], lists["due_soon_count"], "{step}");
        assert_eq!(home["plans"]["reviews_overdue"], lists["overdue_count"], "{step}");
        assert_eq!(home["plans"]["actions_overdue"], lists["actions_overdue_count"], "{step}");
        let (from, to) = (today().to_string(), (today() + chrono::Days::new(30)).to_string());
        let (active, expiring): (i64, i64) = raw
            .query_row(
                "SELECT count(*), count(*) FILTER (WHERE p.valid_until <= ?2) FROM passports p
                 JOIN carers c ON c.id = p.carer_id
                 WHERE p.status = 'active' AND p.valid_until >= ?1 AND c.status = 'open'",
                [&from, &to],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (home["passports"]["active"].as_i64(), home["passports"]["expiring_soon"].as_i64()),
            (Some(active), Some(expiring)),
            "{step}"
        );
        let view = call(d, "transitions", json!({"months": 6}));
        assert_eq!(home["transitions"]["turning_18_soon"], view["counts"]["turning_18"], "{step}");
        assert_eq!(home["transitions"]["past_milestone"], view["counts"]["past_milestone"], "{step}");
        home
    };

    call(&d, "demo_data_load", json!({"carers": 300, "seed": 5}));
    let home = check(&d, "after the demo load");
    for figure in ["reviews_due_soon", "reviews_overdue", "actions_overdue"] {
        assert!(home["plans"][figure].as_i64().unwrap() > 0, "the demo exercises {figure}");
    }
    assert!(
        home["passports"]["active"].as_i64().unwrap() > 0
            && home["transitions"]["past_milestone"].as_i64().unwrap() > 0
    );

    // Each young carer is on the "past a milestone" list exactly when their own record (which
    // reads their dates one by one) shows a milestone overdue.
    let view = call(&d, "transitions", json!({"months": 6}));
    let past: Vec<i64> =
        view["past_milestone"].as_array().unwrap().iter().map(|r| r["carer_id"].as_i64().unwrap()).collect();
    let young: Vec<i64> = raw
        .prepare("SELECT id FROM carers WHERE status = 'open' AND date_of_birth > '1999-01-01'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(young.len() > 30);
    for id in young {
        let record = call(&d, "young_carer_get", json!({"carer_id": id}));
        let overdue = record["milestones"].as_array().unwrap().iter().any(|m| m["status"] == "overdue");
        assert_eq!(past.contains(&id), overdue, "carer {id}");
        if let Some(row) = view["past_milestone"].as_array().unwrap().iter().find(|r| r["carer_id"] == id) {
            assert_eq!(row["transition_assessment"], record["transition_assessment_state"], "carer {id}");
        }
    }

    let mary = create(&d, "Mary", "Okafor", "1970-04-04");
    let link = |carer: i64, first: &str| {
        let mut a = person_and_link(first);
        a["carer_id"] = json!(carer);
        call(&d, "carer_add_cared_for", a)
    };
    link(mary, "Ada");
    check(&d, "one link");
    let rec = link(mary, "Bola");
    check(&d, "a second link");
    let tunde = create(&d, "Tunde", "Okafor", "2011-06-01");
    let bola = rec["caring"][1]["person"]["id"].as_i64().unwrap();
    call(
        &d,
        "caring_link_create",
        json!({"carer_id": tunde, "cared_for_id": bola, "link": {"relationship": "grandparent", "hours_band": "h0_9"}}),
    );
    link(tunde, "Chidi");
    check(&d, "a shared person and a second link");
    let first_link = rec["caring"][0]["link"]["id"].as_i64().unwrap();
    call(&d, "caring_link_remove", json!({"id": first_link}));
    check(&d, "a link removed");
    call(&d, "carer_close", json!({"id": tunde, "reason": "moved_away", "date": "2026-11-01"}));
    check(&d, "a record with two links closed");
    call(&d, "carer_reopen", json!({"id": tunde}));
    check(&d, "reopened");
}
