//! Questionnaires ("instruments") as data, not code: an instrument is a JSON [`Definition`]
//! (items, answer scale, subscales, bands, flags) and this module scores any of them.
//!
//! Two are shipped, embedded in the program so they cannot go missing:
//!
//! - **MACA-YC18**, Multidimensional Assessment of Caring Activities: 18 items answered never
//!   (0), some of the time (1) or a lot of the time (2); total 0–36 banded 0 no caring activity,
//!   1–9 low, 10–13 moderate, 14–17 high, 18–36 very high; six subscales of three items, 0–6
//!   each (domestic 1–3, household management 4–6, financial/practical 7–9, personal care
//!   10–12, emotional care 13–15, sibling care 16–18).
//! - **PANOC-YC20**, Positive and Negative Outcomes of Caring: 20 items on the same scale, as
//!   two subscales of ten items, 0–20 each: positive (1, 2, 3, 4, 7, 8, 15, 18, 19, 20; 0 none
//!   and 1–12 relatively few are a concern, 13–20 relatively high) and negative (5, 6, 9–14,
//!   16, 17; 0 none, 1–8 relatively few, 9–20 relatively high is a concern). **No overall
//!   total**: the two scales measure different things and adding them would hide both, so its
//!   definition has `"total": null` and a score's `total` is always `null`. Question 16 answered
//!   above "never" raises a safeguarding prompt.
//!
//! Both are copyright Joseph, Becker & Becker; organisations should hold the authors'
//! permission. The item labels are our own short descriptions of each question's subject, not
//! the published wording.
//!
//! Rules of scoring: an item scores its answer's points; a subscale is the sum of its items and
//! the total the sum of all items, each given **only when every item in it is answered** (an
//! incomplete form has no total, never 0); bands apply to complete scores; flags are raised by
//! any answered item, complete form or not.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate::Check;

/// One answer on the instrument's scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleAnswer {
    pub code: String,
    pub label: String,
    pub score: u32,
}

/// One question. `label` is a short description in our own words, not the published wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// 1, 2, 3 ... in the order of the form, without gaps.
    pub number: u32,
    pub label: String,
}

/// A score range with its meaning. `from` and `to` are both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub from: u32,
    pub to: u32,
    pub code: String,
    pub label: String,
    /// Whether a score in this band is a potential concern worth discussing.
    #[serde(default)]
    pub concern: bool,
}

/// A group of items scored together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    pub code: String,
    pub label: String,
    pub items: Vec<u32>,
    /// Empty: the subscale is scored but not banded. Otherwise the bands must cover every
    /// possible score of the subscale exactly once.
    #[serde(default)]
    pub bands: Vec<Band>,
}

/// The total of all items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Total {
    pub label: String,
    /// Empty: a total without a band. Otherwise the bands must cover every possible total
    /// exactly once.
    #[serde(default)]
    pub bands: Vec<Band>,
}

/// A prompt raised when one item is answered at or above a given answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    pub code: String,
    pub label: String,
    pub item: u32,
    /// An answer code: the flag is raised when the item's answer scores at least this much.
    pub when_at_least: String,
    /// What the worker must do, shown as soon as the answer is given.
    pub prompt: String,
}

/// An instrument, as read from its JSON file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Stable code, stored with every completed questionnaire (`maca_yc18`).
    pub code: String,
    pub name: String,
    /// Copyright and permission note, shown with the questionnaire.
    pub copyright: String,
    /// What the instrument is for and how to use it, for staff.
    #[serde(default)]
    pub about: Option<String>,
    pub scale: Vec<ScaleAnswer>,
    pub items: Vec<Item>,
    /// When true, every item is in exactly one subscale (MACA's six, PANOC's two).
    #[serde(default)]
    pub subscales_partition_items: bool,
    #[serde(default)]
    pub subscales: Vec<Subscale>,
    /// `null`: the instrument has no overall total (PANOC-YC20).
    #[serde(default)]
    pub total: Option<Total>,
    #[serde(default)]
    pub flags: Vec<Flag>,
}

/// The band a score falls in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BandResult {
    pub code: String,
    pub label: String,
    pub concern: bool,
}

/// One subscale's score. `score` and `band` are `null` until every item in it is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubscaleScore {
    pub code: String,
    pub label: String,
    pub score: Option<u32>,
    /// The lowest and highest possible scores, for drawing bars.
    pub min: u32,
    pub max: u32,
    pub band: Option<BandResult>,
    pub missing_items: Vec<u32>,
}

/// A flag raised by an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RaisedFlag {
    pub code: String,
    pub label: String,
    pub item: u32,
    /// The answer code given.
    pub answer: String,
    pub prompt: String,
}

/// A scored questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    pub instrument: String,
    /// Every item answered.
    pub complete: bool,
    pub answered: u32,
    /// Unanswered items, in order.
    pub missing_items: Vec<u32>,
    /// `null` when the form is incomplete (never 0), and always for an instrument without a
    /// total.
    pub total: Option<u32>,
    /// The possible range of the total (`null` for an instrument without a total).
    pub total_min: Option<u32>,
    pub total_max: Option<u32>,
    pub total_band: Option<BandResult>,
    /// Every subscale, in the definition's order, scored where complete.
    pub subscales: Vec<SubscaleScore>,
    /// Raised on any answered item, complete form or not.
    pub flags: Vec<RaisedFlag>,
}

const SHIPPED: &[(&str, &str)] = &[
    ("instruments/maca-yc18.json", include_str!("instruments/maca-yc18.json")),
    ("instruments/panoc-yc20.json", include_str!("instruments/panoc-yc20.json")),
];

/// The instruments shipped with the app, checked.
pub fn builtin() -> &'static [Definition] {
    static BUILTIN: OnceLock<Vec<Definition>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|(file, json)| parse(json).unwrap_or_else(|e| panic!("the shipped {file} is not valid: {e:?}")))
            .collect()
    })
}

/// A shipped instrument by code (`maca_yc18`, `panoc_yc20`).
pub fn find(code: &str) -> Option<&'static Definition> {
    builtin().iter().find(|d| d.code == code)
}

/// Reads a definition from JSON and [`validate`]s it.
pub fn parse(json: &str) -> Result<Definition> {
    let de = &mut serde_json::Deserializer::from_str(json);
    let def: Definition = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        Error::InvalidArguments {
            message: format!("the questionnaire definition could not be read at '{path}' ({inner}): correct the file"),
            field: (path != ".").then_some(path),
        }
    })?;
    validate(&def)?;
    Ok(def)
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// The lowest and highest scores on the scale (0, 0 for an empty scale).
fn scale_range(def: &Definition) -> (u32, u32) {
    let scores = def.scale.iter().map(|a| a.score);
    (scores.clone().min().unwrap_or(0), scores.max().unwrap_or(0))
}

/// The possible range of a sum of `n` items.
fn range_of(def: &Definition, n: usize) -> (u32, u32) {
    let (lo, hi) = scale_range(def);
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    (lo.saturating_mul(n), hi.saturating_mul(n))
}

/// Checks that a definition is consistent, listing every problem with its JSON path
/// (`subscales[1].items`, `total.bands`):
///
/// - items numbered 1 to n, each once;
/// - subscales refer only to known items, and when `subscales_partition_items` is set every item
///   is in exactly one subscale;
/// - each list of bands covers the possible scores exactly: no gap, no overlap, nothing outside;
/// - flags refer to a known item and to an answer above the lowest.
// Long: one check after another on a questionnaire definition, in the order of the list above; each
// is a few lines and reads on its own.
pub fn validate(def: &Definition) -> Result<()> {
    let mut c = Check::new("");
    for (field, value) in [("code", &def.code), ("name", &def.name), ("copyright", &def.copyright)] {
        if blank(value) {
            c.fail(field, format!("give the instrument's {field}"));
        }
    }

    // The scale.
    if def.scale.len() < 2 {
        c.fail("scale", "give at least two answers in the scale");
    }
    let mut codes = BTreeSet::new();
    for (i, a) in def.scale.iter().enumerate() {
        if blank(&a.code) {
            c.fail(&format!("scale[{i}].code"), "give every answer a code");
        } else if !codes.insert(a.code.as_str()) {
            c.fail(
                &format!("scale[{i}].code"),
                format!("the answer code '{}' is used twice: give each answer its own code", a.code),
            );
        }
        if blank(&a.label) {
            c.fail(&format!("scale[{i}].label"), "give every answer a label");
        }
    }

    // Items: 1 to n, each once.
    let n = def.items.len();
    if n == 0 {
        c.fail("items", "list the instrument's items (questions)");
    }
    let mut seen = BTreeSet::new();
    for (i, item) in def.items.iter().enumerate() {
        let field = format!("items[{i}].number");
        if !seen.insert(item.number) {
            c.fail(&field, format!("item {} is listed twice: number each item once", item.number));
        } else if item.number == 0 || item.number as usize > n {
            c.fail(&field, format!("item {} is out of range: number the items 1 to {n} without gaps", item.number));
        }
        if blank(&item.label) {
            c.fail(&format!("items[{i}].label"), format!("give item {} a short label", item.number));
        }
    }
    for missing in (1..=n as u32).filter(|k| !seen.contains(k)) {
        c.fail("items", format!("item {missing} is missing: number the items 1 to {n} without gaps"));
    }
    let known = seen;

    // Subscales.
    let mut sub_codes = BTreeSet::new();
    let mut owner: BTreeMap<u32, &str> = BTreeMap::new();
    for (i, s) in def.subscales.iter().enumerate() {
        let path = format!("subscales[{i}]");
        if blank(&s.code) {
            c.fail(&format!("{path}.code"), "give every subscale a code");
        } else if !sub_codes.insert(s.code.as_str()) {
            c.fail(
                &format!("{path}.code"),
                format!("the subscale code '{}' is used twice: give each subscale its own code", s.code),
            );
        }
        if blank(&s.label) {
            c.fail(&format!("{path}.label"), format!("give subscale '{}' a label", s.code));
        }
        if s.items.is_empty() {
            c.fail(&format!("{path}.items"), format!("list the items in subscale '{}'", s.code));
        }
        let mut mine = BTreeSet::new();
        for &item in &s.items {
            if !known.contains(&item) {
                c.fail(
                    &format!("{path}.items"),
                    format!(
                        "subscale '{}' refers to item {item}, which is not in the instrument: use items 1 to {n}",
                        s.code
                    ),
                );
            } else if !mine.insert(item) {
                c.fail(
                    &format!("{path}.items"),
                    format!("subscale '{}' lists item {item} twice: list it once", s.code),
                );
            } else if def.subscales_partition_items {
                if let Some(first) = owner.insert(item, s.code.as_str()) {
                    c.fail(
                        &format!("{path}.items"),
                        format!(
                            "item {item} is in both subscale '{first}' and subscale '{}': put each item in one subscale only",
                            s.code
                        ),
                    );
                    owner.insert(item, first);
                }
            }
        }
        let (lo, hi) = range_of(def, mine.len());
        check_bands(&mut c, &format!("{path}.bands"), &format!("subscale '{}'", s.code), &s.bands, lo, hi);
    }
    if def.subscales_partition_items {
        for item in known.iter().filter(|k| !owner.contains_key(k)) {
            c.fail("subscales", format!("item {item} is in no subscale: put every item in exactly one subscale"));
        }
    }

    // The total.
    if let Some(total) = &def.total {
        if blank(&total.label) {
            c.fail("total.label", "give the total a label");
        }
        let (lo, hi) = range_of(def, n);
        check_bands(&mut c, "total.bands", "the total", &total.bands, lo, hi);
    }

    // Flags.
    let (lowest, _) = scale_range(def);
    let mut flag_codes = BTreeSet::new();
    for (i, f) in def.flags.iter().enumerate() {
        let path = format!("flags[{i}]");
        if blank(&f.code) {
            c.fail(&format!("{path}.code"), "give every flag a code");
        } else if !flag_codes.insert(f.code.as_str()) {
            c.fail(
                &format!("{path}.code"),
                format!("the flag code '{}' is used twice: give each flag its own code", f.code),
            );
        }
        if blank(&f.label) {
            c.fail(&format!("{path}.label"), format!("give flag '{}' a label", f.code));
        }
        if blank(&f.prompt) {
            c.fail(&format!("{path}.prompt"), format!("give flag '{}' the prompt to show the worker", f.code));
        }
        if !known.contains(&f.item) {
            c.fail(
                &format!("{path}.item"),
                format!(
                    "flag '{}' refers to item {}, which is not in the instrument: use items 1 to {n}",
                    f.code, f.item
                ),
            );
        }
        match def.scale.iter().find(|a| a.code == f.when_at_least) {
            None => c.fail(
                &format!("{path}.when_at_least"),
                format!(
                    "flag '{}' refers to the answer '{}', which is not on the scale: use one of {}",
                    f.code,
                    f.when_at_least,
                    def.scale.iter().map(|a| a.code.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ),
            Some(a) if a.score <= lowest => c.fail(
                &format!("{path}.when_at_least"),
                format!("flag '{}' would be raised by every answer: choose an answer above the lowest", f.code),
            ),
            Some(_) => {}
        }
    }
    c.finish()
}

/// Checks that `bands` cover `lo..=hi` exactly once. No bands at all is allowed (not banded).
fn check_bands(c: &mut Check, path: &str, what: &str, bands: &[Band], lo: u32, hi: u32) {
    if bands.is_empty() {
        return;
    }
    let mut codes = BTreeSet::new();
    let mut ordered = Vec::new();
    for (j, b) in bands.iter().enumerate() {
        if blank(&b.code) {
            c.fail(&format!("{path}[{j}].code"), format!("give every band of {what} a code"));
        } else if !codes.insert(b.code.as_str()) {
            c.fail(
                &format!("{path}[{j}].code"),
                format!("the band code '{}' is used twice in {what}: give each band its own code", b.code),
            );
        }
        if blank(&b.label) {
            c.fail(&format!("{path}[{j}].label"), format!("give band '{}' of {what} a label", b.code));
        }
        if b.from > b.to {
            c.fail(
                &format!("{path}[{j}]"),
                format!(
                    "band '{}' of {what} runs from {} down to {}: give the lower score as 'from'",
                    b.code, b.from, b.to
                ),
            );
        } else {
            ordered.push(b);
        }
    }
    ordered.sort_by_key(|b| (b.from, b.to));
    // `next` is the lowest possible score not yet covered; `widest` the band reaching furthest.
    let mut next = lo;
    let mut widest: Option<&Band> = None;
    for b in ordered {
        if b.from < lo {
            c.fail(
                path,
                format!(
                    "band '{}' of {what} starts at {}, below the lowest possible score ({lo}): start it at {lo}",
                    b.code, b.from
                ),
            );
        } else if b.from > next {
            c.fail(path, format!("no band of {what} covers scores {next} to {}: close the gap", b.from - 1));
        } else if let Some(w) = widest.filter(|w| b.from <= w.to) {
            c.fail(
                path,
                format!(
                    "bands '{}' and '{}' of {what} overlap at scores {} to {}: put each score in one band only",
                    w.code,
                    b.code,
                    b.from,
                    b.to.min(w.to)
                ),
            );
        }
        if b.to > hi {
            c.fail(
                path,
                format!(
                    "band '{}' of {what} goes up to {}, above the highest possible score ({hi}): end it at {hi}",
                    b.code, b.to
                ),
            );
        }
        if widest.is_none_or(|w| b.to > w.to) {
            widest = Some(b);
        }
        next = next.max(b.to.saturating_add(1));
    }
    if next <= hi {
        c.fail(
            path,
            format!("no band of {what} covers scores {next} to {hi}: the bands must reach the highest possible score"),
        );
    }
}

fn band_for(bands: &[Band], score: u32) -> Option<BandResult> {
    bands.iter().find(|b| b.from <= score && score <= b.to).map(|b| BandResult {
        code: b.code.clone(),
        label: b.label.clone(),
        concern: b.concern,
    })
}

/// The scale's code for an answer given as its code or as its score ("1" for "Some of the
/// time" on a scale scored 0, 1, 2), when exactly one answer has that score.
pub fn answer_code(def: &Definition, given: &str) -> Option<String> {
    let given = given.trim();
    if let Some(a) = def.scale.iter().find(|a| a.code == given) {
        return Some(a.code.clone());
    }
    let score: u32 = given.parse().ok()?;
    match def.scale.iter().filter(|a| a.score == score).collect::<Vec<_>>().as_slice() {
        [one] => Some(one.code.clone()),
        _ => None,
    }
}

/// The answers a question takes, as a message lists them: "never (0), some_of_the_time (1),
/// a_lot_of_the_time (2)".
pub fn allowed(def: &Definition) -> String {
    def.scale.iter().map(|a| format!("{} ({})", a.code, a.score)).collect::<Vec<_>>().join(", ")
}

/// Scores a questionnaire. `answers` maps item numbers to answer codes (or their scores); an item not in the map,
/// or with a blank answer, is unanswered. An item number not in the instrument, or an answer not
/// on its scale, is a validation error naming `answers.<number>`.
// Long: the scoring rules in the order the instrument's manual gives them: items, totals,
// subscales, bands, flags.
pub fn score(def: &Definition, answers: &BTreeMap<u32, String>) -> Result<Score> {
    let mut c = Check::new("answers");
    let n = def.items.len();
    let mut scored: BTreeMap<u32, &ScaleAnswer> = BTreeMap::new();
    for (&number, code) in answers {
        if !def.items.iter().any(|i| i.number == number) {
            c.fail(
                &number.to_string(),
                format!("there is no question {number} in {}: answer questions 1 to {n}", def.name),
            );
            continue;
        }
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        match answer_code(def, code).and_then(|found| def.scale.iter().find(|a| a.code == found)) {
            Some(a) => {
                scored.insert(number, a);
            }
            None => c.fail(
                &number.to_string(),
                format!(
                    "choose one of the answers for question {number}: {} ('{code}' is not one of them)",
                    allowed(def)
                ),
            ),
        }
    }
    c.finish()?;

    let sum = |items: &mut dyn Iterator<Item = u32>| -> (Option<u32>, Vec<u32>) {
        let mut total = 0u32;
        let mut missing = Vec::new();
        for item in items {
            match scored.get(&item) {
                Some(a) => total = total.saturating_add(a.score),
                None => missing.push(item),
            }
        }
        (missing.is_empty().then_some(total), missing)
    };

    let (all, missing_items) = sum(&mut def.items.iter().map(|i| i.number));
    let (total, total_min, total_max, total_band) = match &def.total {
        Some(t) => {
            let (lo, hi) = range_of(def, n);
            (all, Some(lo), Some(hi), all.and_then(|s| band_for(&t.bands, s)))
        }
        None => (None, None, None, None),
    };
    let subscales = def
        .subscales
        .iter()
        .map(|s| {
            let (score, missing_items) = sum(&mut s.items.iter().copied());
            let (min, max) = range_of(def, s.items.len());
            SubscaleScore {
                code: s.code.clone(),
                label: s.label.clone(),
                score,
                min,
                max,
                band: score.and_then(|v| band_for(&s.bands, v)),
                missing_items,
            }
        })
        .collect();
    let flags = def
        .flags
        .iter()
        .filter_map(|f| {
            let threshold = def.scale.iter().find(|a| a.code == f.when_at_least)?.score;
            let given = scored.get(&f.item).filter(|a| a.score >= threshold)?;
            Some(RaisedFlag {
                code: f.code.clone(),
                label: f.label.clone(),
                item: f.item,
                answer: given.code.clone(),
                prompt: f.prompt.clone(),
            })
        })
        .collect();

    Ok(Score {
        instrument: def.code.clone(),
        complete: missing_items.is_empty(),
        answered: scored.len() as u32,
        missing_items,
        total,
        total_min,
        total_max,
        total_band,
        subscales,
        flags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maca() -> &'static Definition {
        find("maca_yc18").expect("MACA-YC18 is shipped")
    }

    fn panoc() -> &'static Definition {
        find("panoc_yc20").expect("PANOC-YC20 is shipped")
    }

    const NEVER: &str = "never";
    const SOME: &str = "some_of_the_time";
    const A_LOT: &str = "a_lot_of_the_time";

    /// Answers for `items` adding up to `target` (2s first, then a 1, then nevers).
    fn summing(items: &[u32], target: u32) -> BTreeMap<u32, String> {
        let mut left = target;
        let out = items
            .iter()
            .map(|&i| {
                let code = match left {
                    0 => NEVER,
                    1 => SOME,
                    _ => A_LOT,
                };
                left -= left.min(2);
                (i, code.to_string())
            })
            .collect();
        assert_eq!(left, 0, "{target} is more than {} items can score", items.len());
        out
    }

    fn subscale<'a>(s: &'a Score, code: &str) -> &'a SubscaleScore {
        s.subscales.iter().find(|x| x.code == code).unwrap()
    }

    fn problems(def: &Definition) -> Vec<(String, String)> {
        match validate(def) {
            Ok(()) => vec![],
            Err(Error::Validation(es)) => es.into_iter().map(|e| (e.field, e.message)).collect(),
            Err(other) => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn both_shipped_definitions_are_valid() {
        assert_eq!(builtin().len(), 2);
        for def in builtin() {
            assert_eq!(problems(def), vec![], "{}", def.code);
            assert!(def.copyright.contains("Joseph, Becker & Becker"));
            assert!(def.copyright.contains("permission"));
            assert!(def.scale.iter().map(|a| (a.code.as_str(), a.score)).eq([(NEVER, 0), (SOME, 1), (A_LOT, 2)]));
        }
        assert_eq!(find("nope"), None);
    }

    #[test]
    fn maca_is_shaped_as_the_domain_brief_says() {
        let d = maca();
        assert_eq!(d.items.len(), 18);
        let subs: Vec<(&str, Vec<u32>)> = d.subscales.iter().map(|s| (s.code.as_str(), s.items.clone())).collect();
        assert_eq!(
            subs,
            [
                ("domestic", vec![1, 2, 3]),
                ("household_management", vec![4, 5, 6]),
                ("financial_practical", vec![7, 8, 9]),
                ("personal_care", vec![10, 11, 12]),
                ("emotional_care", vec![13, 14, 15]),
                ("sibling_care", vec![16, 17, 18]),
            ]
        );
        assert!(d.subscales_partition_items);
        let s = score(d, &summing(&(1..=18).collect::<Vec<_>>(), 36)).unwrap();
        assert_eq!((s.total_min, s.total_max), (Some(0), Some(36)));
        assert!(s.subscales.iter().all(|x| (x.min, x.max, x.score) == (0, 6, Some(6))));
    }

    #[test]
    fn panoc_is_shaped_as_the_domain_brief_says() {
        let d = panoc();
        assert_eq!(d.items.len(), 20);
        assert_eq!(d.subscales[0].code, "positive");
        assert_eq!(d.subscales[0].items, [1, 2, 3, 4, 7, 8, 15, 18, 19, 20]);
        assert_eq!(d.subscales[1].code, "negative");
        assert_eq!(d.subscales[1].items, [5, 6, 9, 10, 11, 12, 13, 14, 16, 17]);
        assert_eq!(d.total, None, "PANOC-YC20 has no overall total");
        let all: BTreeMap<u32, String> = (1..=20).map(|i| (i, A_LOT.to_string())).collect();
        let s = score(d, &all).unwrap();
        assert!(s.complete);
        assert_eq!((s.total, s.total_min, s.total_max, &s.total_band), (None, None, None, &None));
        assert!(s.subscales.iter().all(|x| (x.min, x.max, x.score) == (0, 20, Some(20))));
    }

    #[test]
    fn maca_total_bands_at_every_boundary() {
        let items: Vec<u32> = (1..=18).collect();
        let table = [
            (0, "none", false),
            (1, "low", false),
            (9, "low", false),
            (10, "moderate", false),
            (13, "moderate", false),
            (14, "high", true),
            (17, "high", true),
            (18, "very_high", true),
            (36, "very_high", true),
        ];
        for (total, band, concern) in table {
            let s = score(maca(), &summing(&items, total)).unwrap();
            assert!(s.complete);
            assert_eq!(s.total, Some(total));
            let b = s.total_band.unwrap();
            assert_eq!((b.code.as_str(), b.concern), (band, concern), "total {total}");
            assert_eq!(s.subscales.iter().map(|x| x.score.unwrap()).sum::<u32>(), total);
            assert!(s.flags.is_empty());
        }
        let s = score(maca(), &summing(&items, 0)).unwrap();
        assert_eq!(s.total_band.unwrap().label, "No caring activity");
    }

    #[test]
    fn panoc_bands_at_every_boundary() {
        let positive = &panoc().subscales[0].items;
        let negative = &panoc().subscales[1].items;
        let pos_table = [
            (0, "none", true),
            (1, "relatively_few", true),
            (12, "relatively_few", true),
            (13, "relatively_high", false),
            (20, "relatively_high", false),
        ];
        let neg_table = [
            (0, "none", false),
            (1, "relatively_few", false),
            (8, "relatively_few", false),
            (9, "relatively_high", true),
            (20, "relatively_high", true),
        ];
        for ((p, p_band, p_concern), (n, n_band, n_concern)) in pos_table.into_iter().zip(neg_table) {
            let mut answers = summing(positive, p);
            // Keep item 16 at "never" so the negative score is made of the other items.
            let mut neg_items: Vec<u32> = negative.iter().copied().filter(|&i| i != 16).collect();
            neg_items.push(16);
            answers.extend(summing(&neg_items, n));
            let s = score(panoc(), &answers).unwrap();
            let (pos, neg) = (subscale(&s, "positive"), subscale(&s, "negative"));
            assert_eq!(pos.score, Some(p));
            assert_eq!(neg.score, Some(n));
            let (pb, nb) = (pos.band.clone().unwrap(), neg.band.clone().unwrap());
            assert_eq!((pb.code.as_str(), pb.concern), (p_band, p_concern), "positive {p}");
            assert_eq!((nb.code.as_str(), nb.concern), (n_band, n_concern), "negative {n}");
            assert_eq!(s.total, None);
        }
    }

    #[test]
    fn an_incomplete_form_has_no_total_not_zero() {
        let mut answers = summing(&(1..=18).collect::<Vec<_>>(), 20);
        answers.remove(&5);
        let s = score(maca(), &answers).unwrap();
        assert!(!s.complete);
        assert_eq!(s.answered, 17);
        assert_eq!(s.missing_items, [5]);
        assert_eq!(s.total, None);
        assert_eq!(s.total_band, None);
        let household = subscale(&s, "household_management");
        assert_eq!((household.score, &household.band, &household.missing_items), (None, &None, &vec![5]));
        assert_eq!(subscale(&s, "domestic").score, Some(6), "complete subscales are still scored");

        // Nothing answered (all "never" would be 0; nothing answered is no score at all).
        let s = score(maca(), &BTreeMap::new()).unwrap();
        assert_eq!((s.complete, s.answered, s.total), (false, 0, None));
        assert_eq!(s.missing_items.len(), 18);
        assert!(s.subscales.iter().all(|x| x.score.is_none()));

        // A blank answer is an unanswered question.
        let mut answers = summing(&(1..=18).collect::<Vec<_>>(), 0);
        answers.insert(18, "  ".into());
        let s = score(maca(), &answers).unwrap();
        assert_eq!((s.total, s.missing_items.as_slice()), (None, &[18][..]));

        let mut answers = summing(&(1..=20).collect::<Vec<_>>(), 0);
        answers.remove(&1);
        let s = score(panoc(), &answers).unwrap();
        assert_eq!(subscale(&s, "positive").score, None);
        assert_eq!(subscale(&s, "negative").score, Some(0));
    }

    #[test]
    fn panoc_item_16_above_never_raises_the_safeguarding_prompt() {
        for (answer, raised) in [(NEVER, false), (SOME, true), (A_LOT, true)] {
            // On a complete form ...
            let mut all: BTreeMap<u32, String> = (1..=20).map(|i| (i, NEVER.to_string())).collect();
            all.insert(16, answer.to_string());
            // ... and on a form where only question 16 is answered so far.
            let only = BTreeMap::from([(16, answer.to_string())]);
            for answers in [all, only] {
                let s = score(panoc(), &answers).unwrap();
                assert_eq!(s.flags.len(), usize::from(raised), "{answer}");
                if raised {
                    let f = &s.flags[0];
                    assert_eq!((f.code.as_str(), f.item, f.answer.as_str()), ("safeguarding", 16, answer));
                    assert!(f.prompt.contains("Follow your organisation's safeguarding procedure now"), "{}", f.prompt);
                }
            }
        }
        // Other items answered "a lot of the time" raise nothing.
        let others: BTreeMap<u32, String> = (1..=20).filter(|&i| i != 16).map(|i| (i, A_LOT.to_string())).collect();
        assert!(score(panoc(), &others).unwrap().flags.is_empty());
    }

    #[test]
    fn unknown_items_and_answers_are_errors_naming_the_answer() {
        let answers = BTreeMap::from([(3, "sometimes".to_string()), (19, NEVER.to_string()), (0, NEVER.to_string())]);
        let e = score(maca(), &answers).unwrap_err();
        let Error::Validation(es) = e else { panic!() };
        let got: Vec<(&str, &str)> = es.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            got,
            [
                ("answers.0", "there is no question 0 in MACA-YC18: Multidimensional Assessment of Caring Activities: answer questions 1 to 18"),
                ("answers.3", "choose one of the answers for question 3: never (0), some_of_the_time (1), a_lot_of_the_time (2) ('sometimes' is not one of them)"),
                ("answers.19", "there is no question 19 in MACA-YC18: Multidimensional Assessment of Caring Activities: answer questions 1 to 18"),
            ]
        );
    }

    #[test]
    fn scores_serialise_for_the_window() {
        let s = score(panoc(), &BTreeMap::from([(16, A_LOT.to_string())])).unwrap();
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["total"], serde_json::Value::Null);
        assert_eq!(v["flags"][0]["code"], "safeguarding");
        assert_eq!(serde_json::from_value::<Score>(v).unwrap(), s);
        let answers: BTreeMap<u32, String> =
            serde_json::from_str(r#"{"1": "never", "2": "a_lot_of_the_time"}"#).unwrap();
        assert_eq!(score(maca(), &answers).unwrap().answered, 2);
    }

    // ---- Rejecting inconsistent definitions ----

    /// A small valid definition: four yes/no items, subscales {1,2} (banded) and {3,4}, a
    /// banded total 0–4, a flag on item 4.
    fn tiny() -> Definition {
        parse(
            r#"{
              "code": "tiny", "name": "Tiny", "copyright": "ours",
              "scale": [{"code": "no", "label": "No", "score": 0}, {"code": "yes", "label": "Yes", "score": 1}],
              "items": [{"number": 1, "label": "A"}, {"number": 2, "label": "B"},
                        {"number": 3, "label": "C"}, {"number": 4, "label": "D"}],
              "subscales_partition_items": true,
              "subscales": [
                {"code": "ab", "label": "AB", "items": [1, 2], "bands": [
                  {"from": 0, "to": 0, "code": "none", "label": "None"},
                  {"from": 1, "to": 2, "code": "some", "label": "Some", "concern": true}]},
                {"code": "cd", "label": "CD", "items": [3, 4]}
              ],
              "total": {"label": "Total", "bands": [
                {"from": 0, "to": 1, "code": "low", "label": "Low"},
                {"from": 2, "to": 4, "code": "high", "label": "High", "concern": true}]},
              "flags": [{"code": "d", "label": "D", "item": 4, "when_at_least": "yes", "prompt": "Act now."}]
            }"#,
        )
        .expect("the tiny definition is valid")
    }

    fn band(from: u32, to: u32, code: &str) -> Band {
        Band { from, to, code: code.into(), label: code.into(), concern: false }
    }

    #[test]
    fn inconsistent_definitions_are_rejected_with_clear_errors() {
        type Change = fn(&mut Definition);
        let table: &[(&str, Change, &str, &str)] = &[
            (
                "item in two subscales",
                |d| d.subscales[1].items = vec![2, 3, 4],
                "subscales[1].items",
                "item 2 is in both subscale 'ab' and subscale 'cd': put each item in one subscale only",
            ),
            (
                "item in no subscale",
                |d| d.subscales[1].items = vec![3],
                "subscales",
                "item 4 is in no subscale: put every item in exactly one subscale",
            ),
            (
                "item number repeated",
                |d| d.items[3].number = 3,
                "items[3].number",
                "item 3 is listed twice: number each item once",
            ),
            (
                "item number missing",
                |d| {
                    d.items.remove(1);
                },
                "items",
                "item 2 is missing: number the items 1 to 3 without gaps",
            ),
            (
                "item number beyond the count",
                |d| d.items[3].number = 5,
                "items[3].number",
                "item 5 is out of range: number the items 1 to 4 without gaps",
            ),
            (
                "subscale refers to an unknown item",
                |d| d.subscales[1].items.push(9),
                "subscales[1].items",
                "subscale 'cd' refers to item 9, which is not in the instrument: use items 1 to 4",
            ),
            (
                "subscale lists an item twice",
                |d| d.subscales[1].items.push(3),
                "subscales[1].items",
                "subscale 'cd' lists item 3 twice: list it once",
            ),
            (
                "band gap",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 1, "low"), band(3, 4, "high")],
                "total.bands",
                "no band of the total covers scores 2 to 2: close the gap",
            ),
            (
                "band overlap",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 2, "low"), band(2, 4, "high")],
                "total.bands",
                "bands 'low' and 'high' of the total overlap at scores 2 to 2: put each score in one band only",
            ),
            (
                "band inside another",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 4, "all"), band(1, 2, "middle")],
                "total.bands",
                "bands 'all' and 'middle' of the total overlap at scores 1 to 2: put each score in one band only",
            ),
            (
                "bands do not start at the lowest score",
                |d| d.total.as_mut().unwrap().bands = vec![band(1, 1, "low"), band(2, 4, "high")],
                "total.bands",
                "no band of the total covers scores 0 to 0: close the gap",
            ),
            (
                "bands stop short of the highest score",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 1, "low"), band(2, 3, "high")],
                "total.bands",
                "no band of the total covers scores 4 to 4: the bands must reach the highest possible score",
            ),
            (
                "band beyond the highest score",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 1, "low"), band(2, 5, "high")],
                "total.bands",
                "band 'high' of the total goes up to 5, above the highest possible score (4): end it at 4",
            ),
            (
                "band upside down",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 1, "low"), band(4, 2, "high")],
                "total.bands[1]",
                "band 'high' of the total runs from 4 down to 2: give the lower score as 'from'",
            ),
            (
                "band code repeated",
                |d| d.total.as_mut().unwrap().bands = vec![band(0, 1, "low"), band(2, 4, "low")],
                "total.bands[1].code",
                "the band code 'low' is used twice in the total: give each band its own code",
            ),
            (
                "subscale band gap",
                |d| d.subscales[0].bands[1].from = 2,
                "subscales[0].bands",
                "no band of subscale 'ab' covers scores 1 to 1: close the gap",
            ),
            (
                "subscale bands not covering its range",
                |d| d.subscales[1].bands = vec![band(0, 1, "low")],
                "subscales[1].bands",
                "no band of subscale 'cd' covers scores 2 to 2: the bands must reach the highest possible score",
            ),
            (
                "flag on an unknown item",
                |d| d.flags[0].item = 7,
                "flags[0].item",
                "flag 'd' refers to item 7, which is not in the instrument: use items 1 to 4",
            ),
            (
                "flag on an unknown answer",
                |d| d.flags[0].when_at_least = "maybe".into(),
                "flags[0].when_at_least",
                "flag 'd' refers to the answer 'maybe', which is not on the scale: use one of no, yes",
            ),
            (
                "flag raised by every answer",
                |d| d.flags[0].when_at_least = "no".into(),
                "flags[0].when_at_least",
                "flag 'd' would be raised by every answer: choose an answer above the lowest",
            ),
            (
                "answer code repeated",
                |d| d.scale[1].code = "no".into(),
                "scale[1].code",
                "the answer code 'no' is used twice: give each answer its own code",
            ),
            ("one-answer scale", |d| d.scale.truncate(1), "scale", "give at least two answers in the scale"),
            ("no items", |d| d.items.clear(), "items", "list the instrument's items (questions)"),
            ("blank name", |d| d.name = " ".into(), "name", "give the instrument's name"),
        ];
        for (case, change, field, message) in table {
            let mut def = tiny();
            change(&mut def);
            let got = problems(&def);
            assert!(
                got.iter().any(|(f, m)| f == field && m == message),
                "{case}: expected ({field}, {message}) in {got:#?}"
            );
            assert!(parse(&serde_json::to_string(&def).unwrap()).is_err(), "{case}: parse must reject it too");
        }
    }

    #[test]
    fn overlapping_subscales_are_allowed_when_they_do_not_partition() {
        let mut def = tiny();
        def.subscales_partition_items = false;
        def.subscales[1].items = vec![2, 3, 4];
        def.subscales.push(Subscale { code: "a".into(), label: "A".into(), items: vec![1], bands: vec![] });
        assert_eq!(problems(&def), vec![]);
        let s = score(&def, &(1..=4).map(|i| (i, "yes".to_string())).collect()).unwrap();
        assert_eq!(s.subscales.iter().map(|x| x.score).collect::<Vec<_>>(), [Some(2), Some(3), Some(1)]);
        assert_eq!(s.total, Some(4));
    }

    #[test]
    fn a_total_without_bands_is_scored_without_a_band() {
        let mut def = tiny();
        def.total.as_mut().unwrap().bands.clear();
        assert_eq!(problems(&def), vec![]);
        let s = score(&def, &(1..=4).map(|i| (i, "yes".to_string())).collect()).unwrap();
        assert_eq!((s.total, s.total_band), (Some(4), None));
    }

    #[test]
    fn unreadable_definitions_name_the_place() {
        let e = parse(r#"{"code": "x", "name": "X", "copyright": "c", "scale": [], "items": [], "colour": "red"}"#)
            .unwrap_err();
        let api = crate::ApiError::from(e);
        assert_eq!(api.code, "invalid_arguments");
        assert!(api.message.contains("unknown field `colour`"), "{}", api.message);
        let e = parse(r#"{"code": "x", "name": "X", "copyright": "c", "scale": [{"code": "a", "label": "A", "score": -1}], "items": []}"#)
            .unwrap_err();
        assert_eq!(crate::ApiError::from(e).field.as_deref(), Some("scale[0].score"));
    }
}
