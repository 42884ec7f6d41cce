//! Milestone dates and statuses, table-driven, with 29 February birthdays and every
//! boundary day.

use super::*;

fn d(s: &str) -> NaiveDate {
    dates::from_iso(s).unwrap()
}

fn on(dob: &str, today: &str, done: &Done) -> Vec<Milestone> {
    milestones(Some(d(dob)), &Timeline::default(), done, d(today)).unwrap()
}

fn find<'a>(ms: &'a [Milestone], code: &str) -> &'a Milestone {
    ms.iter().find(|m| m.code == code).unwrap()
}

#[test]
fn dates_from_the_default_timeline() {
    // (date of birth, milestone, due from, last day on time)
    let table = [
        ("2010-05-17", "prepare", "2024-05-17", Some("2026-05-16")),
        ("2010-05-17", "offer", "2026-05-17", Some("2027-05-16")),
        ("2010-05-17", "assessment", "2026-05-17", Some("2027-11-16")),
        ("2010-05-17", "review", "2027-11-17", Some("2028-05-16")),
        ("2010-05-17", "handover", "2027-11-17", Some("2028-05-17")),
        ("2010-05-17", "young_adult_end", "2035-05-17", Some("2036-05-16")),
        // Born 29 February: birthdays in common years fall on 1 March; 17½ is 29 August.
        ("2008-02-29", "prepare", "2022-03-01", Some("2024-02-28")),
        ("2008-02-29", "offer", "2024-02-29", Some("2025-02-28")),
        ("2008-02-29", "assessment", "2024-02-29", Some("2025-08-28")),
        ("2008-02-29", "review", "2025-08-29", Some("2026-02-28")),
        ("2008-02-29", "handover", "2025-08-29", Some("2026-03-01")),
        ("2008-02-29", "young_adult_end", "2033-03-01", Some("2034-02-28")),
        // Born 31 August: 17 years 6 months is the last day of February.
        ("2009-08-31", "assessment", "2025-08-31", Some("2027-02-27")),
        ("2009-08-31", "review", "2027-02-28", Some("2027-08-30")),
        ("2010-08-31", "review", "2028-02-29", Some("2028-08-30")),
    ];
    for (dob, code, due_from, deadline) in table {
        let ms = on(dob, "2020-01-01", &Done::default());
        let m = find(&ms, code);
        assert_eq!((m.due_from.as_str(), m.deadline.as_deref()), (due_from, deadline), "{dob} {code}");
    }
}

#[test]
fn status_on_every_boundary_day() {
    // The assessment milestone of someone born 2010-05-17: due from 2026-05-17, on time to
    // 2027-11-16.
    let table =
        [("2026-05-16", "not_yet_due"), ("2026-05-17", "due"), ("2027-11-16", "due"), ("2027-11-17", "overdue")];
    for (today, want) in table {
        let ms = on("2010-05-17", today, &Done::default());
        assert_eq!(find(&ms, "assessment").status, want, "on {today}");
    }
    // Leapling's handover: on time on the 18th birthday (1 March 2026), overdue the next day.
    for (today, want) in
        [("2025-08-28", "not_yet_due"), ("2025-08-29", "due"), ("2026-03-01", "due"), ("2026-03-02", "overdue")]
    {
        let ms = on("2008-02-29", today, &Done::default());
        assert_eq!(find(&ms, "handover").status, want, "on {today}");
    }
}

#[test]
fn every_day_of_a_leap_cycle_agrees_with_the_dates() {
    // For each birth date around 29 February and month ends, on every day for five years,
    // the status matches the due-from and deadline dates.
    let t = Timeline::default();
    for dob in ["2008-02-29", "2008-02-28", "2008-03-01", "2009-08-31", "2008-12-31"] {
        let dob = d(dob);
        let mut today = d("2022-01-01");
        while today <= d("2027-01-01") {
            for m in milestones(Some(dob), &t, &Done::default(), today).unwrap() {
                let due = d(&m.due_from);
                let deadline = m.deadline.as_deref().map(d);
                let want = if today < due {
                    "not_yet_due"
                } else if deadline.is_some_and(|x| today > x) {
                    "overdue"
                } else {
                    "due"
                };
                assert_eq!(m.status, want, "{dob} {} on {today}", m.code);
                assert!(deadline.is_none_or(|x| x >= due), "{dob} {}: deadline before due", m.code);
            }
            today = today + Days::new(1);
        }
    }
}

#[test]
fn done_and_not_applicable() {
    let mut done = Done::default();
    done.done.insert("prepare", (d("2024-06-01"), DoneHow::Recorded, Some("Talked at school".into())));
    done.done.insert("offer", (d("2026-06-01"), DoneHow::Assessment, None));
    let ms = on("2010-05-17", "2028-01-01", &done);
    assert_eq!(find(&ms, "prepare").status, "done");
    assert_eq!(find(&ms, "prepare").note.as_deref(), Some("Talked at school"));
    assert_eq!(find(&ms, "offer").done_how, Some(DoneHow::Assessment));
    assert_eq!(find(&ms, "assessment").status, "overdue");
    // First known at 17 years 8 months: the earlier deadlines were never theirs to miss.
    let late = Done { known_from: Some(d("2028-01-10")), ..Done::default() };
    let ms = on("2010-05-17", "2028-02-01", &late);
    assert_eq!(find(&ms, "prepare").status, "not_applicable");
    assert_eq!(find(&ms, "assessment").status, "not_applicable");
    assert_eq!(find(&ms, "review").status, "due");
    assert!(!find(&ms, "handover").can_record);
}

#[test]
fn settings_change_the_ages() {
    let t = Timeline { prepare_age: 13, offer_age: 15, complete_months: 204, ..Timeline::default() };
    let ms = milestones(Some(d("2010-05-17")), &t, &Done::default(), d("2020-01-01")).unwrap();
    assert_eq!(find(&ms, "prepare").due_from, "2023-05-17");
    assert_eq!(find(&ms, "offer").due_from, "2025-05-17");
    assert_eq!(find(&ms, "assessment").deadline.as_deref(), Some("2027-05-16"));
}

#[test]
fn no_date_of_birth_says_what_is_missing() {
    let err = milestones(None, &Timeline::default(), &Done::default(), d("2026-11-23")).unwrap_err();
    assert!(err.contains("date of birth"), "{err}");
}
