//! School staff's work in their own school: referrals of young carers to the carers service
//! (made by the school, accepted or signposted by the service, the outcome seen by the school),
//! notes "in school", and a pupil's page; and the school scope on each of them (two schools).

use carers_desk::{Context, Desk};
use serde_json::{json, Value};

use crate::util::*;

fn school(d: &Desk, name: &str, urn: &str) -> i64 {
    call(d, "school_save", json!({"name": name, "urn": urn}))["id"].as_i64().unwrap()
}

/// A referral as a school would make it; tests change what they need.
fn referral(first: &str, dob: &str) -> Value {
    json!({
        "first_name": first, "last_name": "Begum", "date_of_birth": dob, "year_group": "9",
        "tutor_group": "9K", "cares_for": "Mum, who has multiple sclerosis",
        "caring_tasks": "Helps her dress in the morning, cooks tea, looks after a younger brother",
        "identified_by": "S", "how_known": "Often late; told her form tutor",
        "young_person_consent": true, "parent_consent": "given", "staff_contact": "Mrs Okoro",
    })
}

struct Schools {
    desk: Desk,
    north: i64,
    south: i64,
    north_staff: Context,
    south_staff: Context,
}

fn two_schools() -> Schools {
    let desk = desk();
    let north = school(&desk, "North Academy", "100401");
    let south = school(&desk, "South High", "100402");
    Schools {
        desk,
        north,
        south,
        north_staff: Context::school_staff(north, "Mrs Okoro", today()),
        south_staff: Context::school_staff(south, "Mr Lee", today()),
    }
}

impl Schools {
    fn as_staff(&self, who: &Context, cmd: &str, args: Value) -> Value {
        self.desk.call(who, cmd, args.clone()).unwrap_or_else(|e| panic!("{cmd} {args}: {e:?}"))
    }
    fn refused(&self, who: &Context, cmd: &str, args: Value) -> carers_desk::ApiError {
        match self.desk.call(who, cmd, args.clone()) {
            Ok(v) => panic!("{cmd} {args} should have been refused but gave {v}"),
            Err(e) => e,
        }
    }
}

#[test]
fn a_school_refers_the_service_accepts_and_the_school_sees_the_outcome() {
    let s = two_schools();
    let made = s.as_staff(&s.north_staff, "school_referral_create", referral("Ayesha", "2012-05-04"));
    // School staff need not name their school: it is theirs.
    assert_eq!(made["school_id"], s.north);
    assert_eq!(made["status"], "new");
    assert_eq!(made["status_label"], "Waiting for the carers service");
    assert_eq!(made["referred_by"], "Mrs Okoro");
    assert_eq!(made["referred_on"], "2026-11-23");
    assert_eq!(made["age"], 14);
    assert_eq!(made["identified_by_label"], "S: identified by school");
    let id = made["id"].as_i64().unwrap();

    // The carers service sees it in the list of new referrals, from every school.
    let new = call(&s.desk, "school_referral_list", json!({"status": "new"}));
    assert_eq!(new.as_array().unwrap().len(), 1);
    assert_eq!(new[0]["school_name"], "North Academy");

    let accepted = call(&s.desk, "school_referral_accept", json!({"id": id, "note": "Invited to the Tuesday group"}));
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["decided_by"], whoami());
    let carer_id = accepted["carer_id"].as_i64().unwrap();
    assert!(accepted["carer_reference"].as_str().unwrap().starts_with("C-"));

    // The register has the young carer, from a school referral, linked to the school.
    let record = call(&s.desk, "carer_get", json!({"id": carer_id}));
    assert_eq!((record["first_name"].as_str(), record["category"].as_str()), (Some("Ayesha"), Some("young_carer")));
    assert_eq!(record["referral_source"], "school");
    assert_eq!(record["referral_outcome"], "accepted");
    assert_eq!(record["referrer_name"], "Mrs Okoro, North Academy");
    assert_eq!(record["consent_share_school"], true);
    let yc = call(&s.desk, "young_carer_get", json!({"carer_id": carer_id}));
    assert_eq!(yc["school_link"]["school_id"], s.north);
    assert_eq!(yc["school_link"]["year_group"], "9");
    assert_eq!(yc["school_link"]["tutor_group"], "9K");
    assert_eq!(yc["school_link"]["census_code"], "S");
    assert_eq!(yc["school_link"]["staff_contact"], "Mrs Okoro");
    assert_eq!(yc["school_age"], true, "the core says a school link fits (the window keeps no copy of the rule)");
    let adult = call(&s.desk, "carer_create", carer("Ann", "Adult", "1970-01-01"))["id"].as_i64().unwrap();
    assert_eq!(call(&s.desk, "young_carer_get", json!({"carer_id": adult}))["school_age"], false);

    // The school sees the outcome, and now has the pupil on its page.
    let theirs = s.as_staff(&s.north_staff, "school_referral_list", json!({}));
    assert_eq!(theirs[0]["status_label"], "Registered for support");
    assert_eq!(theirs[0]["outcome_note"], "Invited to the Tuesday group");
    let page = s.as_staff(&s.north_staff, "school_get", json!({"id": s.north}));
    assert_eq!(page["pupils"][0]["carer_id"], carer_id);

    // Decided once only.
    let again = call_err(&s.desk, "school_referral_signpost", json!({"id": id, "note": "x"}));
    assert_eq!(again.code, "conflict");
    assert!(again.message.contains("already decided on 23/11/2026"), "{}", again.message);
}

fn whoami() -> String {
    ctx().actor.name
}

/// A signposted referral is a contact received from a school and signposted: recorded as every
/// signposted contact is (not registered for support, not linked to the school), so the
/// monitoring report counts it under referrals received (source school) and "signposted only".
#[test]
fn signposting_says_where_and_is_counted_as_a_signposted_contact() {
    let s = two_schools();
    let id = s.as_staff(&s.south_staff, "school_referral_create", referral("Rosa", "2011-01-20"))["id"].clone();
    let missing = call_err(&s.desk, "school_referral_signpost", json!({"id": id}));
    assert_eq!(missing.field.as_deref(), Some("note"));
    let report = |d: &Desk| call(d, "report_run", json!({"from": "2026-11-01", "to": "2026-11-30"}));
    let figure = |r: &Value, key: &str| -> Value {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["figures"].as_array().unwrap().clone())
            .find(|f| f["key"] == key)
            .unwrap()
    };
    let before = report(&s.desk);
    let done = call(
        &s.desk,
        "school_referral_signpost",
        json!({"id": id, "note": "Barnardo's young carers project, nearer home"}),
    );
    assert_eq!(done["status"], "signposted");
    let carer_id = done["carer_id"].as_i64().expect("the contact is recorded");
    let record = call(&s.desk, "carer_get", json!({"id": carer_id}));
    assert_eq!(record["referral_outcome"], "signposted");
    assert_eq!(record["referral_source"], "school");
    assert_eq!(record["date_first_identified"], "2026-11-23");
    let yc = call(&s.desk, "young_carer_get", json!({"carer_id": carer_id}));
    assert!(yc["school_link"].is_null(), "not linked to the school: {}", yc["school_link"]);
    assert_eq!(s.as_staff(&s.south_staff, "school_get", json!({"id": s.south}))["pupils"], json!([]));

    let after = report(&s.desk);
    let n = |r: &Value, key: &str| figure(r, key)["value"].as_u64().unwrap();
    assert_eq!(n(&after, "signposted_only"), n(&before, "signposted_only") + 1);
    assert_eq!(n(&after, "referrals_received"), n(&before, "referrals_received") + 1);
    assert_eq!(n(&after, "accepted_new_carers"), n(&before, "accepted_new_carers"));
    assert_eq!(n(&after, "carers_supported"), n(&before, "carers_supported"), "signposted, not supported");

    let seen = s.as_staff(&s.south_staff, "school_referral_get", json!({"id": id}));
    assert_eq!(seen["status_label"], "Signposted elsewhere");
    assert_eq!(seen["outcome_note"], "Barnardo's young carers project, nearer home");
    assert!(seen["carer_id"].is_null(), "the school does not see the service's record of a signposted contact");
    assert!(s.as_staff(&s.south_staff, "school_referral_list", json!({}))[0]["carer_reference"].is_null());

    // Someone already in the register (same name and date of birth) keeps their one record.
    let known = call(&s.desk, "carer_create", carer("Sami", "Begum", "2010-02-02"))["id"].as_i64().unwrap();
    let again = s.as_staff(&s.south_staff, "school_referral_create", referral("Sami", "02/02/2010"))["id"].clone();
    let done = call(&s.desk, "school_referral_signpost", json!({"id": again, "note": "Back to the GP"}));
    assert_eq!(done["carer_id"], known);
    assert_eq!(call(&s.desk, "carer_search", json!({"query": "Sami Begum"}))["total"], 1);
}

#[test]
fn a_referral_of_someone_already_known_is_added_to_their_record() {
    let s = two_schools();
    let known = call(&s.desk, "carer_create", carer("Ayesha", "Begum", "2012-05-04"))["id"].as_i64().unwrap();
    let id = s.as_staff(&s.north_staff, "school_referral_create", referral("Ayesha", "04/05/2012"))["id"].clone();
    let got = call(&s.desk, "school_referral_get", json!({"id": id}));
    assert_eq!(got["possible_matches"][0]["carer_id"], known);
    // School staff are not shown who else is in the register.
    assert_eq!(s.as_staff(&s.north_staff, "school_referral_get", json!({"id": id}))["possible_matches"], json!([]));
    // Accepting as new asks first.
    let asked = call_err(&s.desk, "school_referral_accept", json!({"id": id}));
    assert_eq!((asked.code.as_str(), asked.field.as_deref()), ("possible_duplicate", Some("confirm_new")));
    assert!(asked.message.contains("Ayesha Begum (C-"), "{}", asked.message);
    let accepted = call(&s.desk, "school_referral_accept", json!({"id": id, "carer_id": known}));
    assert_eq!(accepted["carer_id"], known);
    assert_eq!(call(&s.desk, "carer_search", json!({"query": "Begum"}))["total"], 1);
    assert_eq!(call(&s.desk, "young_carer_get", json!({"carer_id": known}))["school_link"]["school_id"], s.north);
}

#[test]
fn a_referral_is_checked_field_by_field() {
    let s = two_schools();
    let err = |args: Value| s.refused(&s.north_staff, "school_referral_create", args);
    let fields = |e: carers_desk::ApiError| e.errors.iter().map(|x| x.field.clone()).collect::<Vec<_>>();

    let all = fields(err(json!({})));
    for f in [
        "first_name",
        "last_name",
        "date_of_birth",
        "year_group",
        "cares_for",
        "caring_tasks",
        "identified_by",
        "young_person_consent",
        "parent_consent",
    ] {
        assert!(all.contains(&f.to_string()), "{f} in {all:?}");
    }
    // Too old for school.
    let old = err(referral("Sam", "2005-01-01"));
    assert_eq!(old.field.as_deref(), Some("date_of_birth"));
    assert!(old.message.contains("under 19"), "{}", old.message);
    // A parent not asked needs a reason; a child under 13 cannot go without a parent's agreement.
    let mut r = referral("Tia", "2015-06-01");
    r["parent_consent"] = json!("not_needed");
    assert_eq!(err(r.clone()).field.as_deref(), Some("parent_consent"));
    r["parent_consent"] = json!("not_asked");
    assert_eq!(err(r.clone()).field.as_deref(), Some("parent_consent_note"));
    r["parent_consent_note"] = json!("Safeguarding concern at home: discussed with the DSL");
    assert_eq!(s.as_staff(&s.north_staff, "school_referral_create", r)["parent_consent_label"], "Not asked");
    // The young person's own agreement is always needed.
    let mut r = referral("Kai", "2011-06-01");
    r["young_person_consent"] = json!(false);
    assert!(err(r).message.contains("ask the young person first"));
    // "Not declared" is not a way the school knows.
    let mut r = referral("Kai", "2011-06-01");
    r["identified_by"] = json!("N");
    assert_eq!(err(r).field.as_deref(), Some("identified_by"));
}

#[test]
fn school_staff_keep_to_their_own_school() {
    let s = two_schools();
    let north_ref = s.as_staff(&s.north_staff, "school_referral_create", referral("Nia", "2011-02-02"))["id"].clone();
    let south_ref = s.as_staff(&s.south_staff, "school_referral_create", referral("Sol", "2011-03-03"))["id"].clone();
    // Not for another school, not another school's referral, and never deciding one.
    let mut other = referral("Zed", "2011-04-04");
    other["school_id"] = json!(s.south);
    assert_eq!(s.refused(&s.north_staff, "school_referral_create", other).code, "not_permitted");
    assert_eq!(s.refused(&s.north_staff, "school_referral_get", json!({"id": south_ref})).code, "not_permitted");
    let listed = s.as_staff(&s.north_staff, "school_referral_list", json!({}));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["first_name"], "Nia");
    for (cmd, args) in [
        ("school_referral_accept", json!({"id": north_ref})),
        ("school_referral_signpost", json!({"id": north_ref, "note": "x"})),
    ] {
        assert_eq!(s.refused(&s.north_staff, cmd, args).code, "not_permitted", "{cmd}");
    }
    // Accepted: each school sees its own pupil's page and notes, not the other's.
    let nia = call(&s.desk, "school_referral_accept", json!({"id": north_ref}))["carer_id"].as_i64().unwrap();
    let sol = call(&s.desk, "school_referral_accept", json!({"id": south_ref}))["carer_id"].as_i64().unwrap();
    assert_eq!(s.refused(&s.north_staff, "pupil_get", json!({"carer_id": sol})).code, "not_permitted");
    assert_eq!(
        s.refused(&s.north_staff, "pupil_note_add", json!({"carer_id": sol, "text": "Seen"})).code,
        "not_permitted"
    );
    assert_eq!(s.as_staff(&s.north_staff, "pupil_get", json!({"carer_id": nia}))["name"], "Nia Begum");
    // An adult carer is nobody's pupil.
    let adult = call(&s.desk, "carer_create", carer("Ann", "Adult", "1970-01-01"))["id"].as_i64().unwrap();
    assert_eq!(s.refused(&s.north_staff, "pupil_get", json!({"carer_id": adult})).code, "not_permitted");
}

#[test]
fn a_pupils_page_shows_the_school_what_it_may_see() {
    let s = two_schools();
    let id = s.as_staff(&s.north_staff, "school_referral_create", referral("Ayesha", "2009-01-10"))["id"].clone();
    let carer_id = call(&s.desk, "school_referral_accept", json!({"id": id}))["carer_id"].as_i64().unwrap();
    // A case note the school must not see, and one in school it may.
    call(
        &s.desk,
        "note_add",
        json!({"carer_id": carer_id, "date": "20/11/2026", "kind": "visit", "text": "Home visit: private"}),
    );
    let notes = s.as_staff(
        &s.north_staff,
        "pupil_note_add",
        json!({"carer_id": carer_id, "text": "Late twice this week; spoke kindly"}),
    );
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(notes[0]["author"], "Mrs Okoro", "the author is the signed-in member of staff");
    assert_eq!(notes[0]["date"], "2026-11-23", "today when no date is given");
    // Not in the future.
    let future =
        s.refused(&s.north_staff, "pupil_note_add", json!({"carer_id": carer_id, "date": "24/11/2026", "text": "x"}));
    assert_eq!(future.field.as_deref(), Some("date"));
    // Adjustments recorded by the school, with a review date.
    s.as_staff(
        &s.north_staff,
        "adjustment_save",
        json!({"carer_id": carer_id, "kind": "homework", "agreed_on": "23/11/2026", "review_on": "01/02/2027"}),
    );

    let page = s.as_staff(&s.north_staff, "pupil_get", json!({"carer_id": carer_id}));
    assert_eq!(page["school_name"], "North Academy");
    assert_eq!(page["age"], 17);
    assert_eq!(page["notes"].as_array().unwrap().len(), 1, "only notes in school");
    assert_eq!(page["adjustments"][0]["kind"], "homework");
    assert!(page["card"].is_null(), "no young carer card yet");
    let codes: Vec<&str> = page["milestones"].as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"handover"), "{codes:?}");
    assert!(page.get("caring").is_none() && page.get("date_of_birth").is_none(), "no case details: {page}");

    // A young carer card issued by the service shows as held.
    call(&s.desk, "passport_issue", json!({"carer_id": carer_id, "kind": "young_carer"}));
    let page = s.as_staff(&s.north_staff, "pupil_get", json!({"carer_id": carer_id}));
    assert_eq!(page["card"]["valid_until"], "2027-01-10", "to the 18th birthday");
}
