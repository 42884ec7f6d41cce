//! Small-number suppression for exported reports.
//!
//! **Primary**: a count from 1 to 4 is shown as `<5` (0 stays 0).
//!
//! **Secondary**: hiding one cell is no use if it can be worked out from cells still shown: a
//! breakdown's total less its other rows, or the same number shown by another figure. So
//! every exact relation between the report's cells is listed here ([`SAME`], [`SUMS`], and
//! each breakdown that adds up to its figure), and wherever a relation has exactly one hidden
//! cell, a second is hidden too: the smallest other count above 0 in it (a row before the
//! total, so that a total shared by many breakdowns stays shown where it can), shown as
//! [`SECONDARY`]. Hiding one cell can leave another relation with one hidden cell, so this
//! repeats until none has. Cells equal to a hidden cell are hidden with it.
//!
//! The relations are tested to hold on real registers (tests/reports.rs), and that after
//! suppression no relation has exactly one hidden cell.

use std::collections::HashMap;

use super::Report;

/// How a count from 1 to 4 is shown.
pub const PRIMARY: &str = "<5";
/// How a count hidden so that a small one cannot be worked out is shown (the Government
/// Statistical Service's mark for a confidential value).
pub const SECONDARY: &str = "[c]";

/// A cell of the report: a figure's own number (`None`) or one of its rows.
pub type Cell = (&'static str, Option<&'static str>);

/// The totals of every breakdown of the carers supported in the period: the same carers.
const SUPPORTED: &[Cell] = &[
    ("carers_supported", None),
    ("by_category", None),
    ("by_age", None),
    ("by_gender", None),
    ("by_ethnicity", None),
    ("by_disability", None),
    ("by_hours", None),
    ("by_condition", None),
    ("by_relationship", None),
    ("by_number_cared_for", None),
    ("by_postcode_district", None),
];

/// Cells that always hold the same number (the same units counted twice).
pub const SAME: &[&[Cell]] = &[
    &[("referrals_received", None), ("referrals_outcome", None)],
    &[("accepted_new_carers", None), ("referrals_outcome", Some("accepted"))],
    &[("signposted_only", None), ("referrals_outcome", Some("signposted"))],
    // New carers supported are the referrals in the period that were accepted.
    &[("carers_supported", Some("new")), ("accepted_new_carers", None)],
    SUPPORTED,
    &[("by_category", Some("young_carer")), ("by_age", Some("under_18"))],
    &[("by_hours", Some("no_link")), ("by_relationship", Some("no_link")), ("by_number_cared_for", Some("none"))],
    &[("young_carers_by_age", None), ("young_carers_by_school", None)],
    &[("assessments_completed", Some("adult")), ("adult_assessment_outcomes", None)],
    &[("assessments_completed", Some("transition")), ("transition_assessments", None)],
    &[("passports_issued", None), ("passports_how", None)],
];

/// A cell that is the sum of others: carers supported in the period are those still
/// supported at its end and those whose record closed in it.
pub const SUMS: &[(Cell, &[Cell])] = &[(("carers_supported", None), &[("carers_at_end", None), ("closed", None)])];

/// One cell's place in the report: (group, figure, row) indexes; row `None` is the figure.
type Place = (usize, usize, Option<usize>);

/// The report's cells by key, and their counts.
struct Cells {
    places: HashMap<(String, Option<String>), Place>,
}

impl Cells {
    fn of(report: &Report) -> Cells {
        let mut places = HashMap::new();
        for (g, group) in report.groups.iter().enumerate() {
            for (f, figure) in group.figures.iter().enumerate() {
                places.insert((figure.key.clone(), None), (g, f, None));
                for (r, row) in figure.rows.iter().enumerate() {
                    places.insert((figure.key.clone(), Some(row.key.clone())), (g, f, Some(r)));
                }
            }
        }
        Cells { places }
    }

    fn place(&self, cell: &Cell) -> Option<Place> {
        self.places.get(&(cell.0.to_string(), cell.1.map(str::to_string))).copied()
    }
}

fn value(report: &Report, p: Place) -> Option<u64> {
    let f = &report.groups[p.0].figures[p.1];
    match p.2 {
        None => f.value,
        Some(r) => f.rows[r].value,
    }
}

fn hidden(report: &Report, p: Place) -> bool {
    value(report, p).is_none()
}

/// Hides a cell: `<5` for 1 to 4, [`SECONDARY`] for anything larger.
fn hide(report: &mut Report, p: Place) {
    let f = &mut report.groups[p.0].figures[p.1];
    let (value, display) = match p.2 {
        None => (&mut f.value, &mut f.display),
        Some(r) => {
            let row = &mut f.rows[r];
            (&mut row.value, &mut row.display)
        }
    };
    if let Some(v) = value.take() {
        *display = if (1..=4).contains(&v) { PRIMARY } else { SECONDARY }.to_string();
    }
}

/// Every relation between cells as a list of places: each breakdown that adds up with its
/// figure, each pair of [`SAME`] cells, each of [`SUMS`] with its parts. (Cells not in this
/// report, such as a row not found, are left out.)
fn relations(report: &Report, cells: &Cells) -> Vec<Vec<Place>> {
    let mut out = Vec::new();
    for (g, group) in report.groups.iter().enumerate() {
        for (f, figure) in group.figures.iter().enumerate() {
            if figure.rows_add_up && !figure.rows.is_empty() {
                let mut places = vec![(g, f, None)];
                places.extend((0..figure.rows.len()).map(|r| (g, f, Some(r))));
                out.push(places);
            }
        }
    }
    for same in SAME {
        let places: Vec<Place> = same.iter().filter_map(|c| cells.place(c)).collect();
        for pair in places.windows(2) {
            out.push(pair.to_vec());
        }
    }
    for (whole, parts) in SUMS {
        let places: Vec<Place> = std::iter::once(whole).chain(parts.iter()).filter_map(|c| cells.place(c)).collect();
        if places.len() == parts.len() + 1 {
            out.push(places);
        }
    }
    out
}

/// Counts from 1 to 4 become `null` shown as `<5`; then secondary suppression (see the module
/// documentation). 0 stays 0.
pub fn suppress(mut report: Report) -> Report {
    let cells = Cells::of(&report);
    let mut all: Vec<Place> = Vec::new();
    for (g, group) in report.groups.iter().enumerate() {
        for (f, figure) in group.figures.iter().enumerate() {
            all.push((g, f, None));
            all.extend((0..figure.rows.len()).map(|r| (g, f, Some(r))));
        }
    }
    for p in all {
        if matches!(value(&report, p), Some(1..=4)) {
            hide(&mut report, p);
        }
    }
    let relations = relations(&report, &cells);
    loop {
        let mut changed = false;
        for relation in &relations {
            let hidden_count = relation.iter().filter(|&&p| hidden(&report, p)).count();
            if hidden_count != 1 {
                continue;
            }
            // The smallest count above 0 still shown; rows before figures' own numbers.
            let second = relation
                .iter()
                .filter_map(|&p| value(&report, p).filter(|&v| v > 0).map(|v| (p.2.is_none(), v, p)))
                .min_by_key(|&(total, v, p)| (total, v, p));
            if let Some((_, _, p)) = second {
                hide(&mut report, p);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    report.suppressed = true;
    report
}

/// The relations of a report that have exactly one hidden cell (none, after [`suppress`]),
/// as `figure/row` names: for the tests.
pub fn derivable(report: &Report) -> Vec<String> {
    let cells = Cells::of(report);
    let name = |p: Place| {
        let f = &report.groups[p.0].figures[p.1];
        match p.2 {
            None => f.key.clone(),
            Some(r) => format!("{}/{}", f.key, f.rows[r].key),
        }
    };
    relations(report, &cells)
        .into_iter()
        .filter(|rel| rel.iter().filter(|&&p| hidden(report, p)).count() == 1)
        .map(|rel| rel.into_iter().map(name).collect::<Vec<_>>().join(" = "))
        .collect()
}

/// The relations of an unsuppressed report that do not hold, for the tests: every relation
/// listed here must hold on any consistent register.
pub fn broken_relations(report: &Report) -> Vec<String> {
    let cells = Cells::of(report);
    let mut broken = Vec::new();
    let v = |c: &Cell| cells.place(c).and_then(|p| value(report, p));
    for same in SAME {
        let values: Vec<(Cell, Option<u64>)> = same.iter().map(|c| (*c, v(c))).collect();
        let first = values.iter().find_map(|(_, v)| *v);
        for (c, value) in &values {
            // A row not in the report (a "found" row with no units) counts 0.
            if value.unwrap_or(0) != first.unwrap_or(0) {
                broken.push(format!("{c:?} = {value:?}, not {first:?}"));
            }
        }
    }
    for (whole, parts) in SUMS {
        let sum: u64 = parts.iter().map(|c| v(c).unwrap_or(0)).sum();
        if v(whole).unwrap_or(0) != sum {
            broken.push(format!("{whole:?} = {:?}, not {sum}", v(whole)));
        }
    }
    broken
}
