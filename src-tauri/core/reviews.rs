//! When support plans are due for review (Care Act s27 and guidance), computed from the
//! organisation's [`Settings`]. Nothing here reads the clock or the database: "today" and the
//! plans are parameters, so the SQL behind the home screen can be tested against these
//! functions.
//!
//! - The first (light-touch) review is due `first_review_weeks` weeks (default 8) after the plan
//!   starts, until a review happens.
//! - After any review, planned or unplanned, the next is due `review_interval_months` calendar
//!   months (default 12) after the latest one, by [`dates::add_months`]: where the day does not
//!   exist in the target month, the last day of that month (31 January + 1 month = 28 or 29
//!   February; 29 February 2028 + 12 months = 28 February 2029).
//! - A review is **due soon** from [`DUE_SOON_DAYS`] days before its due date up to and including
//!   the due date itself, and **overdue** from the day after.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dates;
use crate::error::{Error, Result};
use crate::settings::Settings;

/// How many days ahead the home screen looks for reviews coming up (inclusive).
pub const DUE_SOON_DAYS: u32 = 14;

/// A review that has happened, as far as due dates care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Review {
    pub date: NaiveDate,
    /// `false` for an unplanned review (on request or a change of circumstances).
    pub planned: bool,
}

/// The first review: `plan_start` plus `first_review_weeks` weeks.
pub fn first_review_due(plan_start: NaiveDate, settings: &Settings) -> NaiveDate {
    let days = u64::from(settings.first_review_weeks) * 7;
    plan_start.checked_add_days(Days::new(days)).expect("date within chrono's range")
}

/// The review after one held on `last_review`: plus `review_interval_months` calendar months.
pub fn next_review_due(last_review: NaiveDate, settings: &Settings) -> NaiveDate {
    dates::add_months(last_review, settings.review_interval_months)
}

/// The latest review by date (planned or not), if any; the first listed wins a tie.
pub fn latest_review(reviews: &[Review]) -> Option<&Review> {
    reviews.iter().reduce(|best, r| if r.date > best.date { r } else { best })
}

/// When the plan's next review is due: the first review until one happens, then the latest
/// review plus the interval. The order of `reviews` does not matter.
pub fn review_due(plan_start: NaiveDate, reviews: &[Review], settings: &Settings) -> NaiveDate {
    match latest_review(reviews) {
        Some(r) => next_review_due(r.date, settings),
        None => first_review_due(plan_start, settings),
    }
}

/// Checks the date of a review being recorded: not before the plan started, not in the future.
/// Errors name `field`.
pub fn check_review_date(field: &str, plan_start: NaiveDate, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date < plan_start {
        return Err(Error::field(
            field,
            format!(
                "enter a review date on or after the plan started ({}); {} is before it",
                dates::uk(plan_start),
                dates::uk(date)
            ),
        ));
    }
    if date > today {
        return Err(Error::field(
            field,
            format!("enter the date the review happened, today ({}) or earlier", dates::uk(today)),
        ));
    }
    Ok(())
}

/// Where a review stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Due later than the window.
    NotDue,
    /// Due today or within the window (inclusive).
    DueSoon,
    /// The due date has passed.
    Overdue,
}

impl ReviewStatus {
    /// The status on `today` of a review due on `due`, looking `window_days` ahead.
    pub fn on(due: NaiveDate, today: NaiveDate, window_days: u32) -> ReviewStatus {
        let ahead = days_until(due, today);
        if ahead < 0 {
            ReviewStatus::Overdue
        } else if ahead <= i64::from(window_days) {
            ReviewStatus::DueSoon
        } else {
            ReviewStatus::NotDue
        }
    }
}

/// [`ReviewStatus::on`] with the usual window of [`DUE_SOON_DAYS`].
pub fn review_status(due: NaiveDate, today: NaiveDate) -> ReviewStatus {
    ReviewStatus::on(due, today, DUE_SOON_DAYS)
}

/// Days from `today` to `due`: 0 when due today, negative once overdue.
pub fn days_until(due: NaiveDate, today: NaiveDate) -> i64 {
    (due - today).num_days()
}

/// Days past the due date: 0 unless overdue (1 on the day after the due date).
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> u32 {
    u32::try_from((-days_until(due, today)).max(0)).unwrap_or(u32::MAX)
}

/// One plan in a home-screen list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueReview {
    pub plan_id: i64,
    pub due: NaiveDate,
    /// Days from today to the due date (0 today, negative when overdue).
    pub days_until: i64,
    /// Days past the due date (0 unless overdue).
    pub days_overdue: u32,
}

impl DueReview {
    fn new(plan_id: i64, due: NaiveDate, today: NaiveDate) -> DueReview {
        DueReview { plan_id, due, days_until: days_until(due, today), days_overdue: days_overdue(due, today) }
    }
}

/// The home screen's two review lists with their counts (each count is its list's length).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewLists {
    /// Due today or in the next `window_days` days, soonest first.
    pub due_soon: Vec<DueReview>,
    pub due_soon_count: usize,
    /// Past their due date, oldest due date (longest overdue) first.
    pub overdue: Vec<DueReview>,
    pub overdue_count: usize,
}

/// Plans (id, due date) due today or within `window_days` days, soonest first; ties by plan id.
pub fn due_soon(plans: &[(i64, NaiveDate)], today: NaiveDate, window_days: u32) -> Vec<DueReview> {
    let mut out: Vec<DueReview> = plans
        .iter()
        .filter(|&&(_, due)| ReviewStatus::on(due, today, window_days) == ReviewStatus::DueSoon)
        .map(|&(id, due)| DueReview::new(id, due, today))
        .collect();
    out.sort_by_key(|r| (r.due, r.plan_id));
    out
}

/// Plans (id, due date) whose review is overdue, oldest due date first; ties by plan id.
pub fn overdue(plans: &[(i64, NaiveDate)], today: NaiveDate) -> Vec<DueReview> {
    let mut out: Vec<DueReview> =
        plans.iter().filter(|&&(_, due)| due < today).map(|&(id, due)| DueReview::new(id, due, today)).collect();
    out.sort_by_key(|r| (r.due, r.plan_id));
    out
}

/// Both home-screen lists at once.
pub fn review_lists(plans: &[(i64, NaiveDate)], today: NaiveDate, window_days: u32) -> ReviewLists {
    let due_soon = due_soon(plans, today, window_days);
    let overdue = overdue(plans, today);
    ReviewLists { due_soon_count: due_soon.len(), due_soon, overdue_count: overdue.len(), overdue }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn settings(weeks: u32, months: u32) -> Settings {
        Settings { first_review_weeks: weeks, review_interval_months: months, ..Settings::default() }
    }

    fn planned(date: &str) -> Review {
        Review { date: d(date), planned: true }
    }

    fn unplanned(date: &str) -> Review {
        Review { date: d(date), planned: false }
    }

    #[test]
    fn defaults_are_eight_weeks_then_twelve_months() {
        let s = Settings::default();
        assert_eq!((s.first_review_weeks, s.review_interval_months), (8, 12));
    }

    #[test]
    fn first_review_is_weeks_after_the_start() {
        // (plan start, weeks, due)
        let table = [
            ("2026-01-31", 8, "2026-03-28"), // across a common February
            ("2028-01-31", 8, "2028-03-27"), // across a leap February
            ("2028-02-29", 8, "2028-04-25"),
            ("2024-02-29", 8, "2024-04-25"),
            ("2026-12-31", 8, "2027-02-25"), // across a year end
            ("2026-11-20", 6, "2027-01-01"),
            ("2027-12-28", 1, "2028-01-04"),
            ("2028-02-22", 1, "2028-02-29"), // lands on 29 February
            ("2026-03-15", 52, "2027-03-14"),
        ];
        for (start, weeks, due) in table {
            assert_eq!(first_review_due(d(start), &settings(weeks, 12)), d(due), "{start} + {weeks} weeks");
        }
    }

    #[test]
    fn next_review_is_calendar_months_after_the_last() {
        // (last review, months, due)
        let table = [
            ("2026-01-31", 1, "2026-02-28"),
            ("2028-01-31", 1, "2028-02-29"),
            ("2028-02-29", 12, "2029-02-28"), // leap day, common year after
            ("2028-02-29", 48, "2032-02-29"), // leap day, leap year after
            ("2026-08-31", 12, "2027-08-31"),
            ("2026-08-31", 1, "2026-09-30"),
            ("2026-08-31", 6, "2027-02-28"),
            ("2027-08-31", 6, "2028-02-29"),
            ("2026-12-31", 12, "2027-12-31"),
            ("2026-12-31", 2, "2027-02-28"),
            ("2026-10-31", 4, "2027-02-28"),
            ("2026-03-31", 1, "2026-04-30"),
            ("2026-06-15", 12, "2027-06-15"),
            ("2026-06-15", 36, "2029-06-15"),
        ];
        for (last, months, due) in table {
            assert_eq!(next_review_due(d(last), &settings(8, months)), d(due), "{last} + {months} months");
        }
    }

    #[test]
    fn review_due_moves_after_any_review() {
        let s = Settings::default();
        // (plan start, reviews, due)
        let table: &[(&str, &[Review], &str)] = &[
            ("2026-01-31", &[], "2026-03-28"),
            ("2028-02-29", &[], "2028-04-25"),
            ("2026-12-31", &[], "2027-02-25"),
            ("2026-01-31", &[planned("2026-03-28")], "2027-03-28"),
            // first review held late: the interval runs from when it happened
            ("2026-01-31", &[planned("2026-04-30")], "2027-04-30"),
            // an unplanned review before the first is due replaces it
            ("2026-01-31", &[unplanned("2026-02-10")], "2027-02-10"),
            ("2027-06-01", &[planned("2027-08-31")], "2028-08-31"),
            ("2027-12-01", &[planned("2028-02-29")], "2029-02-28"),
            // the latest review counts, whatever order they come in and planned or not
            ("2026-01-31", &[planned("2026-03-28"), unplanned("2026-08-31")], "2027-08-31"),
            ("2026-01-31", &[unplanned("2026-08-31"), planned("2026-03-28")], "2027-08-31"),
            ("2026-01-31", &[planned("2026-03-28"), planned("2027-03-28"), unplanned("2027-02-01")], "2028-03-28"),
        ];
        for (start, reviews, due) in table {
            assert_eq!(review_due(d(start), reviews, &s), d(due), "{start} with {reviews:?}");
        }
        let s = settings(6, 6);
        assert_eq!(review_due(d("2027-06-01"), &[], &s), d("2027-07-13"));
        assert_eq!(review_due(d("2027-06-01"), &[planned("2027-08-31")], &s), d("2028-02-29"));
    }

    #[test]
    fn status_on_the_boundary_days() {
        let today = d("2026-02-26");
        // (due, status, days until, days overdue)
        let table = [
            ("2026-02-26", ReviewStatus::DueSoon, 0, 0),  // due today
            ("2026-02-27", ReviewStatus::DueSoon, 1, 0),  // tomorrow
            ("2026-03-12", ReviewStatus::DueSoon, 14, 0), // exactly 14 days
            ("2026-03-13", ReviewStatus::NotDue, 15, 0),  // 15 days
            ("2027-02-26", ReviewStatus::NotDue, 365, 0),
            ("2026-02-25", ReviewStatus::Overdue, -1, 1), // overdue by one day
            ("2026-01-31", ReviewStatus::Overdue, -26, 26),
            ("2025-02-26", ReviewStatus::Overdue, -365, 365),
        ];
        for (due, status, until, over) in table {
            assert_eq!(review_status(d(due), today), status, "due {due}");
            assert_eq!(days_until(d(due), today), until, "due {due}");
            assert_eq!(days_overdue(d(due), today), over, "due {due}");
        }
        // across a leap February: 14 days from 15 February 2028 is 29 February
        assert_eq!(review_status(d("2028-02-29"), d("2028-02-15")), ReviewStatus::DueSoon);
        assert_eq!(review_status(d("2028-03-01"), d("2028-02-15")), ReviewStatus::NotDue);
        assert_eq!(days_overdue(d("2028-02-28"), d("2028-03-01")), 2);
        assert_eq!(days_overdue(d("2027-02-28"), d("2027-03-01")), 1);
        // across a year end
        assert_eq!(review_status(d("2027-01-14"), d("2026-12-31")), ReviewStatus::DueSoon);
        assert_eq!(review_status(d("2027-01-15"), d("2026-12-31")), ReviewStatus::NotDue);
    }

    #[test]
    fn the_window_is_configurable() {
        let today = d("2026-06-01");
        let table = [
            (0, "2026-06-01", ReviewStatus::DueSoon),
            (0, "2026-06-02", ReviewStatus::NotDue),
            (7, "2026-06-08", ReviewStatus::DueSoon),
            (7, "2026-06-09", ReviewStatus::NotDue),
            (30, "2026-07-01", ReviewStatus::DueSoon),
            (30, "2026-07-02", ReviewStatus::NotDue),
            (30, "2026-05-31", ReviewStatus::Overdue),
        ];
        for (window, due, status) in table {
            assert_eq!(ReviewStatus::on(d(due), today, window), status, "due {due}, window {window}");
        }
    }

    #[test]
    fn status_serialises_as_snake_case() {
        assert_eq!(serde_json::to_value(ReviewStatus::DueSoon).unwrap(), "due_soon");
        assert_eq!(serde_json::to_value(ReviewStatus::NotDue).unwrap(), "not_due");
        assert_eq!(serde_json::to_value(ReviewStatus::Overdue).unwrap(), "overdue");
    }

    #[test]
    fn home_screen_lists_are_ordered_and_counted() {
        let today = d("2026-02-26");
        let plans = [
            (1, d("2026-03-12")), // due in 14 days
            (2, d("2026-03-13")), // 15 days: in neither list
            (3, d("2026-02-26")), // due today
            (4, d("2026-02-25")), // overdue by one day
            (5, d("2025-12-31")), // long overdue
            (6, d("2026-03-01")),
            (7, d("2026-02-25")), // same day as 4
            (8, d("2027-01-01")),
            (9, d("2026-03-01")), // same day as 6
        ];
        let lists = review_lists(&plans, today, DUE_SOON_DAYS);
        let ids = |v: &[DueReview]| v.iter().map(|r| r.plan_id).collect::<Vec<_>>();
        assert_eq!(ids(&lists.due_soon), [3, 6, 9, 1]);
        assert_eq!(ids(&lists.overdue), [5, 4, 7]);
        assert_eq!((lists.due_soon_count, lists.overdue_count), (4, 3));
        assert_eq!(lists.due_soon[0], DueReview { plan_id: 3, due: today, days_until: 0, days_overdue: 0 });
        assert_eq!(lists.due_soon[3].days_until, 14);
        assert_eq!(lists.overdue[0], DueReview { plan_id: 5, due: d("2025-12-31"), days_until: -57, days_overdue: 57 });
        assert_eq!(lists.overdue[1].days_overdue, 1);
        // the input order does not matter
        let mut reversed = plans;
        reversed.reverse();
        assert_eq!(review_lists(&reversed, today, DUE_SOON_DAYS), lists);
        // nothing in, nothing out
        let empty = review_lists(&[], today, DUE_SOON_DAYS);
        assert_eq!((empty.due_soon_count, empty.overdue_count), (0, 0));
        assert!(empty.due_soon.is_empty() && empty.overdue.is_empty());
    }

    #[test]
    fn home_screen_lists_agree_with_status() {
        // Every plan is in exactly the list its status says, across a leap February.
        let today = d("2028-02-20");
        let plans: Vec<(i64, NaiveDate)> =
            (0..60).map(|i| (i, d("2028-01-15").checked_add_days(Days::new(i as u64)).unwrap())).collect();
        let lists = review_lists(&plans, today, DUE_SOON_DAYS);
        for &(id, due) in &plans {
            let soon = lists.due_soon.iter().any(|r| r.plan_id == id);
            let late = lists.overdue.iter().any(|r| r.plan_id == id);
            match review_status(due, today) {
                ReviewStatus::DueSoon => assert!(soon && !late, "{id}"),
                ReviewStatus::Overdue => assert!(late && !soon, "{id}"),
                ReviewStatus::NotDue => assert!(!soon && !late, "{id}"),
            }
        }
        // 15 January to 19 February overdue; 20 February to 5 March (leap day included) due soon
        assert_eq!(lists.overdue_count, 36);
        assert_eq!(lists.due_soon_count, 15);
        assert_eq!(lists.due_soon.last().unwrap().due, d("2028-03-05"));
    }

    #[test]
    fn review_dates_are_checked() {
        let (start, today) = (d("2026-01-31"), d("2026-06-01"));
        assert!(check_review_date("date", start, start, today).is_ok());
        assert!(check_review_date("date", start, today, today).is_ok());
        for (bad, message) in [
            ("2026-01-30", "enter a review date on or after the plan started (31/01/2026); 30/01/2026 is before it"),
            ("2026-06-02", "enter the date the review happened, today (01/06/2026) or earlier"),
        ] {
            let e = crate::ApiError::from(check_review_date("review.date", start, d(bad), today).unwrap_err());
            assert_eq!(e.field.as_deref(), Some("review.date"), "{bad}");
            assert_eq!(e.message, message);
        }
    }

    fn months_apart(from: NaiveDate, to: NaiveDate) -> i32 {
        (to.year() * 12 + to.month0() as i32) - (from.year() * 12 + from.month0() as i32)
    }

    proptest::proptest! {
        #[test]
        fn next_review_is_after_the_last_and_never_beyond_the_interval(
            days in 0u64..(200 * 366),
            months in 1u32..=36,
        ) {
            let last = d("1950-01-01").checked_add_days(Days::new(days)).unwrap();
            let next = next_review_due(last, &settings(8, months));
            proptest::prop_assert!(next > last);
            // exactly `months` calendar months on, never a day into the month after ...
            proptest::prop_assert_eq!(months_apart(last, next), months as i32);
            // ... on the same day of the month, or the last day when that day does not exist
            proptest::prop_assert!(next.day() <= last.day());
            if next.day() < last.day() {
                proptest::prop_assert!(next.succ_opt().unwrap().day() == 1, "{} -> {}", last, next);
            }
            // and never more days than the longest months allow
            let gap = (next - last).num_days();
            proptest::prop_assert!(gap >= i64::from(months) * 28 && gap <= i64::from(months) * 31);
        }

        #[test]
        fn review_due_never_goes_backwards(
            start in 0u64..3000,
            gaps in proptest::collection::vec(0u64..800, 0..6),
        ) {
            // Each review recorded on or after the one before: the due date never moves earlier
            // than the last review, and always follows the latest review.
            let s = Settings::default();
            let plan_start = d("2024-01-31").checked_add_days(Days::new(start)).unwrap();
            let mut reviews = Vec::new();
            let mut date = plan_start;
            for (i, gap) in gaps.iter().enumerate() {
                date = date.checked_add_days(Days::new(*gap)).unwrap();
                reviews.push(Review { date, planned: i % 2 == 0 });
                let due = review_due(plan_start, &reviews, &s);
                proptest::prop_assert!(due > date);
                proptest::prop_assert_eq!(due, next_review_due(date, &s));
            }
        }
    }
}
