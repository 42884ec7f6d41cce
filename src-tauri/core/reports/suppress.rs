//! Small-number suppression for exported reports.
//!
//! **Primary**: a count from 1 to 4 is shown as `<5` (0 stays 0).
//!
//! **Secondary**: hiding one cell is no use if it can be worked out from cells still shown: a
//! breakdown's total less its other rows, the same number shown by another figure, or the sum
//! of two hidden cells that pins both (two "<5" rows adding up to 2 are both 1; a "<5" and a
//! [`SECONDARY`] adding up to 6 are 1 and 5). So every exact relation between the report's
//! cells is listed here ([`SAME`], [`SUMS`], and each breakdown that adds up to its figure),
//! and what a reader can work out from them is worked out the way a reader would: each hidden
//! cell starts as what its mark says (`<5` is 1 to 4, [`SECONDARY`] 5 or more), and every
//! relation narrows its cells' bounds until they stop changing. While a hidden cell's bounds
//! close on one number, one more count is hidden in a relation it is in: the smallest other
//! count above 0 still shown (a row before the total, so that a total shared by many
//! breakdowns stays shown where it can), shown as [`SECONDARY`]. Cells equal to a hidden cell
//! are hidden with it. In a breakdown whose total is "<5", every row is "<5", 0s too: otherwise
//! four "<5" rows under a "<5" total would be 1 each.
//!
//! The relations are tested to hold on real registers (tests/reports.rs), and that after
//! suppression no hidden cell can be worked out.

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

/// What anyone reading an export knows of a cell: shown, it is its number; "<5" is 1 to 4;
/// [`SECONDARY`] is 5 or more (only counts above 4 are hidden that way). `hi` of [`MANY`] is
/// "no upper bound".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bounds {
    lo: u64,
    hi: u64,
}

const MANY: u64 = u64::MAX / 4;

fn known(report: &Report, p: Place) -> Bounds {
    let f = &report.groups[p.0].figures[p.1];
    let (value, display) = match p.2 {
        None => (f.value, &f.display),
        Some(r) => (f.rows[r].value, &f.rows[r].display),
    };
    match value {
        Some(v) => Bounds { lo: v, hi: v },
        // Every row of a small breakdown is "<5", 0 or not (see `small_breakdowns`).
        None if display == PRIMARY && p.2.is_some() && small_breakdown(f) => Bounds { lo: 0, hi: 4 },
        None if display == PRIMARY => Bounds { lo: 1, hi: 4 },
        None => Bounds { lo: 5, hi: MANY },
    }
}

/// A breakdown that adds up to a total of 1 to 4, hidden as "<5".
fn small_breakdown(f: &super::FigureResult) -> bool {
    f.rows_add_up && f.value.is_none() && f.display == PRIMARY
}

/// In a breakdown whose total is "<5", the rows shown as 0 would tell which rows are not: four
/// rows of "<5" under a total of "<5" are 1 each. So every row of it is "<5", 0 included (true
/// of each: none is more than the total); a reader can tell nothing from which rows are 0.
fn small_breakdowns(report: &mut Report) {
    for figure in report.groups.iter_mut().flat_map(|g| g.figures.iter_mut()) {
        if small_breakdown(figure) {
            for row in &mut figure.rows {
                if row.value == Some(0) {
                    row.value = None;
                    row.display = PRIMARY.to_string();
                }
            }
        }
    }
}

/// What can be worked out about every cell from what is shown and the relations (each says
/// its first cell is the sum of the others: a breakdown's figure and rows, a pair of equal
/// cells, or one of [`SUMS`]): the bounds are narrowed, relation by relation, until they stop
/// changing. A hidden cell whose bounds close on one number can be worked out: two "<5" rows
/// whose sum is 2 (the total less the rows shown) are both 1; a "<5" and a "[c]" adding up to 6
/// are 1 and 5.
fn narrow(report: &Report, places: &[Place], relations: &[Vec<Place>]) -> HashMap<Place, Bounds> {
    let mut b: HashMap<Place, Bounds> = places.iter().map(|&p| (p, known(report, p))).collect();
    // Bounds only shrink, so this ends; the cap only guards against a slow crawl of upper
    // bounds (none has been seen to take more than a few passes).
    for _ in 0..200 {
        let mut changed = false;
        for rel in relations {
            let (whole, parts) = (rel[0], &rel[1..]);
            let lo_sum: u64 = parts.iter().map(|p| b[p].lo).sum();
            // The parts' upper bounds: how many have none, and the sum of the others.
            let unbounded = parts.iter().filter(|p| b[*p].hi >= MANY).count();
            let hi_sum: u64 = parts.iter().map(|p| b[p].hi).filter(|&h| h < MANY).sum();
            let mut set = |p: Place, lo: u64, hi: u64, b: &mut HashMap<Place, Bounds>| {
                let old = b[&p];
                let new = Bounds { lo: old.lo.max(lo), hi: old.hi.min(hi) };
                if new != old && new.lo <= new.hi {
                    b.insert(p, new);
                    changed = true;
                }
            };
            set(whole, lo_sum, if unbounded > 0 { MANY } else { hi_sum }, &mut b);
            let w = b[&whole];
            for &p in parts {
                let own = b[&p];
                // The other parts' sums: this part's own bounds taken back out.
                let others_lo = lo_sum - own.lo;
                let others_hi = if own.hi >= MANY {
                    if unbounded > 1 {
                        MANY
                    } else {
                        hi_sum
                    }
                } else if unbounded > 0 {
                    MANY
                } else {
                    hi_sum - own.hi
                };
                let lo = if others_hi >= MANY { 0 } else { w.lo.saturating_sub(others_hi) };
                let hi = if w.hi >= MANY { MANY } else { w.hi.saturating_sub(others_lo) };
                set(p, lo, hi, &mut b);
            }
        }
        if !changed {
            break;
        }
    }
    b
}

fn every_place(report: &Report) -> Vec<Place> {
    let mut all = Vec::new();
    for (g, group) in report.groups.iter().enumerate() {
        for (f, figure) in group.figures.iter().enumerate() {
            all.push((g, f, None));
            all.extend((0..figure.rows.len()).map(|r| (g, f, Some(r))));
        }
    }
    all
}

/// The hidden cells that can be worked out exactly (see [`narrow`]), in report order, with
/// their numbers.
fn worked_out(report: &Report, places: &[Place], relations: &[Vec<Place>]) -> Vec<(Place, u64)> {
    let b = narrow(report, places, relations);
    // A hidden 0 pinned tells nothing that a 0 shown would not.
    places
        .iter()
        .filter(|&&p| hidden(report, p) && b[&p].lo == b[&p].hi && b[&p].lo > 0)
        .map(|&p| (p, b[&p].lo))
        .collect()
}

/// Counts from 1 to 4 become `null` shown as `<5`; then secondary suppression (see the module
/// documentation). 0 stays 0.
pub fn suppress(mut report: Report) -> Report {
    let cells = Cells::of(&report);
    let all = every_place(&report);
    for &p in &all {
        if matches!(value(&report, p), Some(1..=4)) {
            hide(&mut report, p);
        }
    }
    small_breakdowns(&mut report);
    let relations = relations(&report, &cells);
    // While a hidden cell can be worked out, hide one more count in a relation it is in: the
    // smallest count above 0 still shown, rows before figures' own numbers.
    loop {
        let second = worked_out(&report, &all, &relations).into_iter().find_map(|(cell, _)| {
            relations
                .iter()
                .filter(|rel| rel.contains(&cell))
                .flatten()
                .filter_map(|&p| value(&report, p).filter(|&v| v > 0).map(|v| (p.2.is_none(), v, p)))
                .min_by_key(|&(total, v, p)| (total, v, p))
        });
        match second {
            Some((_, _, p)) => hide(&mut report, p),
            None => break,
        }
    }
    report.suppressed = true;
    report
}

/// The hidden cells of a report that can be worked out from what it shows (none, after
/// [`suppress`]), as `figure/row = number`: for the tests.
pub fn derivable(report: &Report) -> Vec<String> {
    let cells = Cells::of(report);
    let all = every_place(report);
    let relations = relations(report, &cells);
    worked_out(report, &all, &relations)
        .into_iter()
        .map(|(p, v)| {
            let f = &report.groups[p.0].figures[p.1];
            match p.2 {
                None => format!("{} = {v}", f.key),
                Some(r) => format!("{}/{} = {v}", f.key, f.rows[r].key),
            }
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{FigureResult, GroupResult, Row};

    /// A report of one breakdown that adds up: its total and rows.
    fn breakdown(rows: &[u64]) -> Report {
        let row = |(i, &v): (usize, &u64)| Row {
            key: format!("r{i}"),
            label: format!("R{i}"),
            value: Some(v),
            display: v.to_string(),
        };
        let total: u64 = rows.iter().sum();
        Report {
            from: "2026-07-01".into(),
            to: "2026-09-30".into(),
            organisation: None,
            made_on: "2026-10-01".into(),
            suppressed: false,
            groups: vec![GroupResult {
                key: "g".into(),
                title: "G".into(),
                figures: vec![FigureResult {
                    key: "f".into(),
                    label: "F".into(),
                    description: "d".into(),
                    value: Some(total),
                    display: total.to_string(),
                    rows: rows.iter().enumerate().map(row).collect(),
                    rows_add_up: true,
                    chart: true,
                    drill: true,
                }],
            }],
        }
    }

    fn shown(report: &Report) -> Vec<String> {
        let f = &report.groups[0].figures[0];
        std::iter::once(&f.display).chain(f.rows.iter().map(|r| &r.display)).cloned().collect()
    }

    #[test]
    fn hidden_cells_whose_sum_pins_them_get_company() {
        // (rows, what the export shows: total first). Each case has hidden cells that the
        // total less the rows shown would pin, if nothing more were hidden.
        let table: &[(&[u64], &[&str])] = &[
            // One "<5": the total less the rest gives it; the next smallest row goes too.
            (&[90, 3, 7], &["100", "90", "<5", "[c]"]),
            // Two "<5" adding up to 2 are both 1: a third count goes.
            (&[98, 1, 1], &["100", "[c]", "<5", "<5"]),
            // Two "<5" adding up to 8 are both 4.
            (&[92, 4, 4], &["100", "[c]", "<5", "<5"]),
            // Two "<5" adding up to 5 could be 1+4, 2+3, ...: nothing more.
            (&[95, 2, 3], &["100", "95", "<5", "<5"]),
            // A "<5" and a [c] adding up to 6 would be 1 and 5: one more goes (here the total,
            // the only count left).
            (&[5, 1], &["[c]", "[c]", "<5"]),
            // Nothing small: nothing hidden.
            (&[50, 0, 50], &["100", "50", "0", "50"]),
            // A small total: its rows are all "<5", the 0s too (else the four rows of 1 under a
            // total of 4 would be plain).
            (&[1, 1, 0, 1, 1], &["<5", "<5", "<5", "<5", "<5", "<5"]),
            (&[2, 0, 0], &["<5", "<5", "<5", "<5"]),
            // A 0 under a total of 5 or more stays 0.
            (&[6, 0, 2], &["8", "[c]", "0", "<5"]),
        ];
        for (rows, want) in table {
            let s = suppress(breakdown(rows));
            assert_eq!(shown(&s), *want, "{rows:?}");
            assert_eq!(derivable(&s), Vec::<String>::new(), "{rows:?}");
        }
    }

    #[test]
    fn a_reader_works_out_what_the_marks_and_sums_pin() {
        // Hidden by hand the old way (the "<5" only, then one more in any relation with exactly
        // one hidden cell): two "<5" whose sum is 2 were left.
        let mut r = breakdown(&[98, 1, 1]);
        for row in &mut r.groups[0].figures[0].rows[1..] {
            row.value = None;
            row.display = PRIMARY.into();
        }
        assert_eq!(derivable(&r), ["f/r1 = 1", "f/r2 = 1"]);
        let mut r = breakdown(&[95, 2, 3]);
        for row in &mut r.groups[0].figures[0].rows[1..] {
            row.value = None;
            row.display = PRIMARY.into();
        }
        assert_eq!(derivable(&r), Vec::<String>::new());
    }
}
