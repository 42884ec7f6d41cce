//! Finding carers: search-as-you-type over the register, and the home screen's figures.
//!
//! Search uses the FTS5 index `carer_search` (kept in step by triggers): every word typed is a
//! prefix match, words are ANDed, case and accents are ignored. Category filters become
//! date-of-birth ranges computed from "today" and the settings, so they use an index and agree
//! exactly with the category shown on each record.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::args::NoArgs;
use crate::carers::{self, CarerSummary, ADULT_AGE};
use crate::choices::{Category, Status};
use crate::context::Ctx;
use crate::dates;
use crate::error::Result;
use crate::settings::{self, Settings};
use crate::validate::Check;

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SearchArgs {
    /// Words from a name, preferred name, reference or postcode (partial words match), or a
    /// whole date of birth such as 27/03/1984.
    pub query: String,
    /// A `category` code.
    pub category: Option<String>,
    /// `open` (the default), `closed` or `all`.
    pub status: Option<String>,
    /// Only young carers linked to this school (`school_list` ids).
    pub school_id: Option<i64>,
    /// At most this many results (default 50, at most 500).
    pub limit: Option<u32>,
    /// Paging: leave out this many first (the list in name order). Browsing without typed
    /// words (with or without filters) counts every match exactly, so every page can be reached.
    pub offset: Option<u32>,
}

/// Beyond this many matches the register says "more than 500" instead of counting, and a
/// search shows the most recently added matches: keeping every keystroke fast with 100,000
/// carers (docs/benchmarks.md).
pub const EXACT_UP_TO: usize = 500;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SearchResult {
    pub results: Vec<CarerSummary>,
    /// How many carers match, exactly when `more` is false; when `more` is true, more than this.
    pub total: i64,
    /// How many matches come before `results` (paging).
    pub offset: i64,
    pub more: bool,
    /// `name` (by last name, then first name) or `newest` (most recently added first, when
    /// more than [`EXACT_UP_TO`] carers match typed words).
    pub order: &'static str,
    /// One sentence for the results' live region, e.g. "3 carers found".
    pub summary: String,
}

/// Turns what was typed into an FTS5 query: each word a quoted prefix term. The start of a
/// postcode (`rm10 7`) or a reference (`c-0042`) becomes one prefix term on the compact form
/// the index also holds (`rm107`, `c0042`), which is both exact and fast.
pub fn fts_query(typed: &str) -> Option<String> {
    if let Some(compact) = compact_code(typed) {
        return Some(format!("\"{compact}\"*"));
    }
    let terms: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// `rm10 7` → `rm107`; `C-0042` → `c0042`; anything else → `None`.
fn compact_code(typed: &str) -> Option<String> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
    let b = compact.as_bytes();
    let reference = b.len() >= 2 && b[0] == b'c' && b[1..].iter().all(u8::is_ascii_digit);
    // A whole outward code followed by the start of the inward code (which begins with a digit).
    // Any space between them, as the words are split below: a pasted postcode often has a
    // non-breaking one.
    let has_space = typed.trim().contains(char::is_whitespace);
    let postcode = has_space && {
        let words: Vec<&str> = typed.split_whitespace().collect();
        words.len() == 2
            && (2..=4).contains(&words[0].len())
            && words[0].chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && words[0].chars().all(|c| c.is_ascii_alphanumeric())
            && words[0].chars().any(|c| c.is_ascii_digit())
            && words[1].len() <= 3
            && words[1].chars().next().is_some_and(|c| c.is_ascii_digit())
            && words[1].chars().all(|c| c.is_ascii_alphanumeric())
    };
    (reference || postcode).then_some(compact)
}

/// The query for typed words: matches read from the index newest first, stopping at `cap`.
/// `CROSS JOIN` keeps that order: left to choose, SQLite starts from `carers` on a register it
/// has no statistics for yet (a new one, or one just loaded) and runs the FTS5 query once per
/// carer, which is 10 to 100 times slower.
fn words_sql(where_: &str, cap: usize) -> String {
    format!(
        "SELECT {} FROM carer_search s CROSS JOIN carers c ON c.id = s.rowid {where_} ORDER BY s.rowid DESC LIMIT {cap}",
        carers::SUMMARY_COLUMNS
    )
}

/// SQL condition on `c.date_of_birth` for a category, with its parameters.
fn category_condition(cat: Category, today: NaiveDate, s: &Settings) -> (String, Vec<String>) {
    let at = |years: u32| dates::latest_birth_for_age(today, years).to_string();
    let lo = s.young_adult_min_age.max(ADULT_AGE);
    let hi = s.young_adult_max_age;
    let young_adult = "(c.date_of_birth <= ? AND c.date_of_birth > ?)";
    match cat {
        Category::YoungCarer => ("c.date_of_birth > ?".into(), vec![at(ADULT_AGE)]),
        Category::YoungAdultCarer => (young_adult.into(), vec![at(lo), at(hi + 1)]),
        Category::AdultCarer => {
            (format!("(c.date_of_birth <= ? AND NOT {young_adult})"), vec![at(ADULT_AGE), at(lo), at(hi + 1)])
        }
    }
}

// Long: the filters are added to one query in the order of the search form, each a few lines.
pub fn search(ctx: &mut Ctx<'_>, args: SearchArgs) -> Result<SearchResult> {
    let settings = settings::load(ctx.tx)?;
    let today = ctx.today();
    let mut c = Check::new("");
    let category = c.choice("category", &args.category, Category::parse);
    let status = match args.status.as_deref().map(str::trim).unwrap_or("open") {
        "" | "open" => Some(Status::Open),
        "closed" => Some(Status::Closed),
        "all" => None,
        other => {
            c.fail("status", format!("choose open, closed or all ('{other}' is not a status)"));
            None
        }
    };
    c.finish()?;
    let limit = args.limit.unwrap_or(50).clamp(1, 500) as usize;
    let offset = args.offset.unwrap_or(0) as usize;

    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<String> = Vec::new();
    // A whole date typed (27/03/1984) finds carers born that day.
    let typed = args.query.trim();
    let born = (typed.len() >= 8 && typed.chars().all(|c| c.is_ascii_digit() || "/-.".contains(c)))
        .then(|| crate::dates::parse("query", typed).ok())
        .flatten();
    let fts = if born.is_some() { None } else { fts_query(&args.query) };
    if let Some(d) = born {
        conds.push("c.date_of_birth = ?".into());
        params.push(d.to_string());
    }
    if let Some(q) = &fts {
        conds.push("carer_search MATCH ?".into());
        params.push(q.clone());
    }
    if let Some(st) = status {
        conds.push("c.status = ?".into());
        params.push(st.code().into());
    }
    if let Some(cat) = category {
        let (cond, mut p) = category_condition(cat, today, &settings);
        conds.push(cond);
        params.append(&mut p);
    }
    if let Some(school) = args.school_id {
        conds.push("c.id IN (SELECT carer_id FROM school_links WHERE school_id = ?)".into());
        params.push(school.to_string());
    }
    let where_ = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    let summaries = |sql: &str| -> Result<Vec<CarerSummary>> {
        let mut stmt = ctx.tx.prepare_cached(sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params.iter()), |r| carers::summary_from_row(r, today, &settings))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let cols = carers::SUMMARY_COLUMNS;
    let cap = EXACT_UP_TO + 1;

    let (results, found, order) = if fts.is_some() {
        // Matches come from the index newest first and stop at the cap, so a one-letter search
        // costs no more than a precise one.
        let mut rows = summaries(&words_sql(&where_, cap))?;
        let found = rows.len();
        let order = if found <= EXACT_UP_TO {
            rows.sort_by_cached_key(|c| (c.last_name.to_lowercase(), c.first_name.to_lowercase(), c.id));
            "name"
        } else {
            "newest"
        };
        rows.drain(..offset.min(rows.len()));
        rows.truncate(limit);
        (rows, found, order)
    } else {
        let rows = summaries(&format!(
            "SELECT {cols} FROM carers c {where_} ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id LIMIT {limit} OFFSET {offset}"
        ))?;
        // Browsing (no words typed) is counted exactly, so every page can be reached; a typed
        // date of birth matches few.
        let found: i64 = ctx
            .tx
            .prepare_cached(&format!("SELECT count(*) FROM carers c {where_}"))?
            .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
        (rows, found as usize, "exact")
    };
    let exact = order == "exact";
    let order = if exact { "name" } else { order };
    let more = !exact && found > EXACT_UP_TO;
    let total = if exact { found } else { found.min(EXACT_UP_TO) };
    let summary = match (found, more, order) {
        (0, _, _) => "no carers found".to_string(),
        (1, _, _) => "1 carer found".to_string(),
        (n, false, _) if n > results.len() && !results.is_empty() => format!(
            "{n} carers found: {} to {} shown, in name order",
            offset + 1,
            offset + results.len()
        ),
        (n, false, _) => format!("{n} carers found"),
        (_, true, "newest") => format!(
            "more than {EXACT_UP_TO} carers match: the {} added most recently are shown; keep typing to narrow the search",
            results.len()
        ),
        (_, true, _) => format!("more than {EXACT_UP_TO} carers: the first {} by name are shown", results.len()),
    };
    Ok(SearchResult { results, total: total as i64, offset: offset as i64, more, order, summary })
}

/// One figure on the home screen, with the register filter that lists its carers.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Count {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    /// Filter for `carer_search` that lists these carers, if there is one.
    pub category: Option<&'static str>,
    pub status: Option<&'static str>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Home {
    pub organisation_name: Option<String>,
    pub counts: Vec<Count>,
    pub recently_viewed: Vec<CarerSummary>,
    /// Support plan work: reviews due soon and overdue, actions overdue.
    pub plans: crate::plans::lists::DueCounts,
    /// Transitions: turning 18 in the next 6 months, past a milestone without it done.
    pub transitions: crate::transition::view::HomeTransitions,
    /// Passports valid today, and those expiring in the next 30 days.
    pub passports: crate::passports::HomePassports,
}

/// The home screen: counts, and the carers this person looked at last.
/// The home screen: [`home_counts`] and the caller's recently viewed carers.
pub fn home(ctx: &mut Ctx<'_>, args: NoArgs) -> Result<Home> {
    let mut home = home_counts(ctx, args)?;
    let settings = settings::load(ctx.tx)?;
    let mut stmt = ctx.tx.prepare_cached(&format!(
        "SELECT {} FROM recent_views v JOIN carers c ON c.id = v.carer_id
         WHERE v.actor = ?1 ORDER BY v.viewed_at DESC LIMIT 8",
        carers::SUMMARY_COLUMNS
    ))?;
    home.recently_viewed = stmt
        .query_map([&ctx.context.actor.id], |r| carers::summary_from_row(r, ctx.today(), &settings))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(home)
}

/// The home screen's counts, with no names (`recently_viewed` empty): what reporting accounts
/// see.
///
/// Every count is read from an index or kept current on write, never counted from the rows of
/// the register, plans or passports, so the home screen opens in milliseconds with 100,000
/// carers (docs/benchmarks.md): open and closed records, people cared for and "caring for more
/// than one person" from `register_totals` (triggers keep them); young and young adult carers
/// from the index of status and date of birth (`carers_by_status_dob`: the categories are
/// date-of-birth ranges, and adult carers are the open carers who are neither of the others);
/// plan work and passports from partial indexes ([`crate::plans::lists::counts`],
/// [`crate::passports::home_counts`]); transitions from the index of dates of birth
/// ([`crate::transition::counts`]).
pub fn home_counts(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Home> {
    let settings = settings::load(ctx.tx)?;
    let today = ctx.today();
    let count = |sql: &str, params: &[String]| -> Result<i64> {
        Ok(ctx.tx.prepare_cached(sql)?.query_row(rusqlite::params_from_iter(params), |r| r.get(0))?)
    };
    let open_where = "FROM carers c INDEXED BY carers_by_status_dob WHERE c.status = 'open'";
    let by_category = |cat: Category| -> Result<i64> {
        let (cond, p) = category_condition(cat, today, &settings);
        count(&format!("SELECT count(*) {open_where} AND {cond}"), &p)
    };
    // Kept current by triggers on every write (migration 0013_home_counts_current.sql).
    let total = |code: &str| count("SELECT count FROM register_totals WHERE code = ?1", &[code.to_string()]);
    let open = total("open")?;
    let young = by_category(Category::YoungCarer)?;
    let young_adult = by_category(Category::YoungAdultCarer)?;
    let several = total("caring_for_several")?;
    let counts = vec![
        Count { code: "open", label: "Carers supported now", count: open, category: None, status: Some("open") },
        Count {
            code: "young_carer",
            label: "Young carers",
            count: young,
            category: Some("young_carer"),
            status: Some("open"),
        },
        Count {
            code: "young_adult_carer",
            label: "Young adult carers",
            count: young_adult,
            category: Some("young_adult_carer"),
            status: Some("open"),
        },
        Count {
            code: "adult_carer",
            label: "Adult carers",
            count: open - young - young_adult,
            category: Some("adult_carer"),
            status: Some("open"),
        },
        Count {
            code: "caring_for_several",
            label: "Caring for more than one person",
            count: several,
            category: None,
            status: None,
        },
        Count {
            code: "cared_for",
            label: "People cared for",
            count: total("cared_for")?,
            category: None,
            status: None,
        },
        Count {
            code: "closed",
            label: "Closed records",
            count: total("closed")?,
            category: None,
            status: Some("closed"),
        },
    ];
    let plans = crate::plans::lists::counts(ctx.tx, today)?;
    let transitions = crate::transition::counts(ctx)?;
    let passports = crate::passports::home_counts(ctx.tx, today)?;
    Ok(Home {
        organisation_name: settings.organisation_name.clone(),
        counts,
        recently_viewed: Vec::new(),
        plans,
        transitions,
        passports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_prefix_terms() {
        assert_eq!(fts_query("  Smi  jo "), Some("\"smi\"* \"jo\"*".into()));
        assert_eq!(fts_query("O'Bri"), Some("\"o\"* \"bri\"*".into()));
        assert_eq!(fts_query("C-000123"), Some("\"c000123\"*".into()));
        assert_eq!(fts_query("c-0"), Some("\"c0\"*".into()));
        assert_eq!(fts_query("RM10 7"), Some("\"rm107\"*".into()));
        assert_eq!(fts_query("sw1a 1a"), Some("\"sw1a1a\"*".into()));
        assert_eq!(fts_query("grace 7"), Some("\"grace\"* \"7\"*".into()));
        assert_eq!(fts_query("c"), Some("\"c\"*".into()));
        assert_eq!(fts_query("\"*()"), None);
        // Any space between the outward code and the start of the inward code.
        for typed in ["RM10\u{a0}7", "rm10\t7", " RM10  7 "] {
            assert_eq!(fts_query(typed), Some("\"rm107\"*".into()), "{typed:?}");
        }
    }

    #[test]
    fn typed_words_are_read_from_the_index_first() {
        // A new register: no statistics, so SQLite would otherwise start from `carers`.
        let conn = crate::db::open_in_memory().unwrap();
        let where_ = "WHERE carer_search MATCH ? AND c.status = ? AND c.date_of_birth > ? \
                      AND c.id IN (SELECT carer_id FROM school_links WHERE school_id = ?)";
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", words_sql(where_, 501))).unwrap();
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params!["\"smi\"*", "open", "2008-11-23", 1], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan[0].starts_with("SCAN s VIRTUAL TABLE"), "{plan:#?}");
        assert!(plan[1].starts_with("SEARCH c USING INTEGER PRIMARY KEY"), "{plan:#?}");
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{plan:#?}");
    }
}
