//! The monitoring report with 100,000 carers and 1,000,000 case notes (demo data, seed 1, then
//! notes added straight into the database), through the command layer exactly as the window
//! calls it, against a raw-SQLite baseline: plain SQL statements for the same numbers (see
//! [`RAW`]), checked to give the same totals.
//!
//! `cargo bench --bench report` prints the first run and the median and slowest of 10 runs of
//! each for two periods, then divan's timings. `CARERS_DESK_BENCH_FIGURES=1` also times each
//! query figure on its own; `CARERS_DESK_BENCH_SQL=FILE` times the statements in FILE instead;
//! `CARERS_DESK_BENCH_PROFILE=N` only runs the quarter's report N times (for `perf record`). `CARERS_DESK_BENCH_DB` may name a database made earlier with
//! `carers-desk-cli demo-data --carers 100000 --seed 1` (its .keys file beside it): it is copied
//! and saves minutes (`CARERS_DESK_BENCH_SAVE=PATH` keeps one, notes included, after loading).
//! Results and the machine are recorded in docs/benchmarks.md.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use carers_desk::{vault, Context};
use chrono::NaiveDate;
use serde_json::json;

mod shared;
use shared::Fixture;

const CARERS: u32 = 100_000;
const NOTES: i64 = 1_000_000;

/// (name, from, to): a quarter and a whole financial year (today is 2026-11-23).
const PERIODS: &[(&str, &str, &str)] =
    &[("last quarter", "2026-07-01", "2026-09-30"), ("last financial year", "2025-04-01", "2026-03-31")];

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::desktop(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let (desk, raw) = shared::demo_desk(dir.path(), CARERS, &ctx);
        let path = dir.path().join("bench.sqlite3");
        // Top the case notes up to a million (spread over the carers and the last three years).
        let have: i64 = raw.query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).unwrap();
        if have < NOTES {
            let t = Instant::now();
            raw.execute_batch("BEGIN").unwrap();
            raw.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO notes (carer_id, date, kind, author, text, created_at)
                 SELECT 1 + (i * 7919) % ?2, date('2026-11-23', '-' || (i % 1095) || ' days'), 'phone', 'Bench',
                        'Phoned to check how things are going; agreed to call again next month.', '2026-11-23T09:00:00Z'
                 FROM n",
                rusqlite::params![NOTES - have, CARERS],
            )
            .unwrap();
            raw.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
            eprintln!("added {} notes in {:.1} s", NOTES - have, t.elapsed().as_secs_f64());
        }
        // Start as the app would after a restart: the write-ahead log checkpointed.
        desk.call(&ctx, "app_info", json!({})).unwrap();
        // CARERS_DESK_BENCH_SAVE: keep a copy (with its .keys file) for CARERS_DESK_BENCH_DB next time.
        if let Some(keep) = std::env::var_os("CARERS_DESK_BENCH_SAVE") {
            let keep = std::path::PathBuf::from(keep);
            std::fs::copy(&path, &keep).unwrap();
            std::fs::copy(vault::keys_path(&path), vault::keys_path(&keep)).unwrap();
            eprintln!("saved a copy as {}", keep.display());
        }
        raw.pragma_update(None, "cache_size", -32_768).unwrap();
        raw.pragma_update(None, "temp_store", "MEMORY").unwrap();
        Fixture { _dir: dir, desk, raw: std::sync::Mutex::new(raw), ctx }
    })
}

fn report(from: &str, to: &str) -> serde_json::Value {
    let f = fixture();
    f.desk.call(&f.ctx, "report_run", json!({"from": from, "to": to})).unwrap()
}

/// The raw-SQLite baseline: the fastest plain-SQLite way found to the same numbers (every
/// figure's total and rows as `(figure, row, count)`), on a raw connection, without the
/// command layer, JSON or the transaction. Each table is read straight through once: the
/// register's reporting columns, each carer's caring links and their cared-for people's
/// conditions summed up, and the completed assessments go into temporary tables in memory
/// (`PRAGMA temp_store = MEMORY`), and every figure is one `GROUP BY` over them or over its own
/// table. (The first baseline was one statement whose common table expressions SQLite ran
/// again for each figure: about ten times slower than this.) Statements that return no
/// columns set the temporary tables up or drop them.
const RAW: &[&str] = &[
    "CREATE TEMP TABLE c0 AS SELECT id, coalesce(date_first_identified, substr(created_at, 1, 10)) AS ident,
       referral_source, referral_outcome, status, closed_date, closed_reason, date_of_birth, gender, ethnicity,
       disability, postcode FROM carers",
    "CREATE TEMP TABLE links (carer_id INTEGER PRIMARY KEY, n, hours, rels, rel)",
    "INSERT INTO links SELECT carer_id, count(*), max(hours_band), count(DISTINCT relationship), min(relationship)
       FROM caring_links GROUP BY carer_id",
    "CREATE TEMP TABLE conds (carer_id INTEGER PRIMARY KEY, n, one)",
    "INSERT INTO conds SELECT l.carer_id, count(DISTINCT cc.condition), min(cc.condition)
       FROM caring_links l JOIN cared_for_conditions cc ON cc.cared_for_id = l.cared_for_id GROUP BY l.carer_id",
    "CREATE TEMP TABLE sup AS SELECT c0.id, c0.ident >= ?1 AS new, c0.gender, c0.ethnicity, c0.disability,
       substr(c0.postcode, 1, instr(c0.postcode || ' ', ' ') - 1) AS district,
       (CAST(substr(?2, 1, 4) AS INTEGER) - CAST(substr(c0.date_of_birth, 1, 4) AS INTEGER)
         - (substr(?2, 6, 5) < substr(c0.date_of_birth, 6, 5))) AS age,
       (c0.status = 'open' OR c0.closed_date > ?2) AS at_end,
       l.hours, CASE WHEN l.rels > 1 THEN 'more' ELSE l.rel END AS rel, min(coalesce(l.n, 0), 3) AS n,
       CASE WHEN x.n > 1 THEN 'more' ELSE x.one END AS cond
     FROM c0 LEFT JOIN links l ON l.carer_id = c0.id LEFT JOIN conds x ON x.carer_id = c0.id
     WHERE c0.referral_outcome = 'accepted' AND c0.ident <= ?2 AND (c0.status = 'open' OR c0.closed_date >= ?1)",
    "CREATE TEMP TABLE done AS SELECT a.type, a.determination FROM assessments a WHERE a.status = 'completed'
       AND coalesce(a.assessed_on, substr(a.completed_at, 1, 10)) BETWEEN ?1 AND ?2
       AND (a.previous_id IS NULL OR substr(a.completed_at, 1, 10) <= ?2)
       AND NOT EXISTS (SELECT 1 FROM assessments n WHERE n.previous_id = a.id AND n.status = 'completed'
                       AND substr(n.completed_at, 1, 10) <= ?2)",
    "SELECT 'referrals_received', coalesce(referral_source, 'not_recorded'), count(*) FROM c0 WHERE ident BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'referrals_outcome', referral_outcome, count(*) FROM c0 WHERE ident BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'carers_supported', CASE WHEN new THEN 'new' ELSE 'continuing' END, count(*) FROM sup GROUP BY 2",
    "SELECT 'carers_at_end', NULL, count(*) FROM sup WHERE at_end",
    "SELECT 'closed', closed_reason, count(*) FROM c0 WHERE status = 'closed' AND referral_outcome = 'accepted'
       AND closed_date BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'assessments_completed', type, count(*) FROM done GROUP BY 2",
    "SELECT 'plans_agreed', version = 1, count(*) FROM support_plans WHERE status <> 'draft' AND agreed_on BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'reviews_completed', planned, count(*) FROM plan_reviews WHERE status = 'completed' AND review_date BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'reviews_overdue', NULL, count(*) FROM support_plans WHERE status IN ('agreed', 'under_review') AND agreed_on <= ?2 AND review_due < ?2",
    "SELECT 'passports_issued', kind, count(*) FROM passports WHERE issued_on BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'passports_how', replaces_id IS NULL, count(*) FROM passports WHERE issued_on BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'passports_renewed', NULL, count(*) FROM passport_events WHERE event = 'renewed' AND happened_on BETWEEN ?1 AND ?2",
    "SELECT 'young_carers_by_age', age / 3, count(*) FROM sup WHERE at_end AND age < 18 GROUP BY 2",
    "SELECT 'young_carers_by_school', l.school_id, count(*) FROM sup LEFT JOIN school_links l ON l.carer_id = sup.id
       WHERE at_end AND age < 18 GROUP BY 2",
    "SELECT 'handovers', consent_to_share, count(*) FROM handovers WHERE handover_on BETWEEN ?1 AND ?2 GROUP BY 2",
    "SELECT 'transition_assessments', json_extract(determination, '$.result'), count(*) FROM done WHERE type = 'transition' GROUP BY 2",
    "SELECT 'by_category', CASE WHEN age < 18 THEN 'y' WHEN age <= 25 THEN 'ya' ELSE 'a' END, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_age', min(age / 10, 8), count(*) FROM sup GROUP BY 2",
    "SELECT 'by_gender', gender, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_ethnicity', ethnicity, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_disability', disability, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_hours', hours, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_relationship', rel, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_number_cared_for', n, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_condition', cond, count(*) FROM sup GROUP BY 2",
    "SELECT 'by_postcode_district', district, count(*) FROM sup GROUP BY 2",
    "DROP TABLE temp.c0; DROP TABLE temp.links; DROP TABLE temp.conds; DROP TABLE temp.sup; DROP TABLE temp.done",
];

/// The baseline's answer: every figure's rows as (figure, row, count).
fn raw_report(from: &str, to: &str) -> Vec<(String, Option<String>, i64)> {
    let f = fixture();
    let raw = f.raw.lock().unwrap();
    let mut out = Vec::new();
    for sql in RAW {
        if sql.starts_with("DROP") {
            raw.execute_batch(sql).unwrap();
            continue;
        }
        let mut stmt = raw.prepare(sql).unwrap();
        let params: [&dyn rusqlite::ToSql; 2] = [&from, &to];
        let params = &params[..stmt.parameter_count()];
        if stmt.column_count() == 0 {
            stmt.execute(params).unwrap();
            continue;
        }
        let rows = stmt
            .query_map(params, |r| {
                let row = match r.get_ref(1)? {
                    rusqlite::types::ValueRef::Null => None,
                    rusqlite::types::ValueRef::Integer(i) => Some(i.to_string()),
                    v => Some(v.as_str().unwrap_or_default().to_string()),
                };
                Ok((r.get::<_, String>(0)?, row, r.get::<_, i64>(2)?))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// The figures whose totals the baseline must give exactly as `report_run` does (its rows
/// are grouped by the stored codes, the report's by its own row keys, so only totals are
/// compared): a baseline that counted something else would not be a baseline.
const SAME_TOTALS: &[&str] = &[
    "referrals_received",
    "referrals_outcome",
    "carers_supported",
    "carers_at_end",
    "closed",
    "assessments_completed",
    "plans_agreed",
    "reviews_completed",
    "reviews_overdue",
    "passports_issued",
    "passports_renewed",
    "young_carers_by_age",
    "handovers",
    "by_category",
    "by_age",
    "by_gender",
    "by_ethnicity",
    "by_disability",
    "by_postcode_district",
];

/// Checks the baseline against the command layer's report for one period; prints the result.
fn check_baseline(from: &str, to: &str) {
    let report = report(from, to);
    let raw = raw_report(from, to);
    let mut differ = Vec::new();
    for key in SAME_TOTALS {
        let total: i64 = raw.iter().filter(|(k, ..)| k == key).map(|r| r.2).sum();
        let figure = report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["figures"].as_array().unwrap())
            .find(|f| f["key"] == *key)
            .unwrap_or_else(|| panic!("no figure {key}"));
        if figure["value"].as_i64() != Some(total) {
            differ.push(format!("{key}: report {} baseline {total}", figure["value"]));
        }
    }
    eprintln!(
        "baseline {from} to {to}: {} figures' totals as report_run gives them{}",
        SAME_TOTALS.len() - differ.len(),
        if differ.is_empty() { String::new() } else { format!("; DIFFERENT: {}", differ.join(", ")) }
    );
}

fn profile(name: &str, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = Vec::new();
    let mut cpu: Vec<Duration> = Vec::new();
    for _ in 0..10 {
        let (t, c) = (Instant::now(), shared::cpu_time());
        f();
        times.push(t.elapsed());
        if let (Some(before), Some(after)) = (c, shared::cpu_time()) {
            cpu.push(after - before);
        }
    }
    times.sort();
    cpu.sort();
    let cpu = if cpu.len() == 10 {
        format!("; CPU median {:.1} ms, most {:.1} ms", ms(cpu[5]), ms(cpu[9]))
    } else {
        String::new()
    };
    eprintln!("{name}: median {:.1} ms, slowest {:.1} ms{cpu}", ms(times[5]), ms(times[9]));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let f = fixture();
    let carers: i64 = f.raw.lock().unwrap().query_row("SELECT count(*) FROM carers", [], |r| r.get(0)).unwrap();
    let notes: i64 = f.raw.lock().unwrap().query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).unwrap();
    eprintln!("{carers} carers, {notes} notes");
    if std::env::var_os("CARERS_DESK_BENCH_FIGURES").is_some() {
        // Where the time goes: each query figure's query on the raw connection (the figures
        // that count carers are one pass: time its statements with CARERS_DESK_BENCH_SQL).
        let figures: Vec<(String, String)> =
            carers_desk::reports::timing_sql().into_iter().map(|(k, q)| (k.to_string(), q)).collect();
        time_sql(&f.raw.lock().unwrap(), &figures);
        // The pass over the register: reading it alone, then with every per-carer figure.
        use carers_desk::reports::{carers, Units, FIGURES};
        let raw = f.raw.lock().unwrap();
        let bounds = carers::Bounds { from: PERIODS[0].1.into(), to: PERIODS[0].2.into(), ya_min: 18, ya_max: 25 };
        for _ in 0..3 {
            let t = Instant::now();
            let mut n = 0;
            carers::each(&raw, &bounds, false, |_| n += 1).unwrap();
            let read = ms(t.elapsed());
            let t = Instant::now();
            let mut units = 0;
            carers::each(&raw, &bounds, false, |c| {
                for f in FIGURES {
                    if let Units::Carers(classify) = f.units {
                        units += usize::from(classify(c, &bounds).is_some());
                    }
                }
            })
            .unwrap();
            eprintln!("pass over {n} carers: {read:.1} ms; with the figures {:.1} ms ({units} units)", ms(t.elapsed()));
        }
    }
    // CARERS_DESK_BENCH_SQL=FILE: time each statement in FILE (separated by lines of `;;`).
    if let Some(file) = std::env::var_os("CARERS_DESK_BENCH_SQL") {
        let text = std::fs::read_to_string(file).unwrap();
        let statements: Vec<(String, String)> = text
            .split("\n;;\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| (s.lines().next().unwrap_or("").to_string(), s.to_string()))
            .collect();
        time_sql(&f.raw.lock().unwrap(), &statements);
    }
    // CARERS_DESK_BENCH_PROFILE=N: only run the quarter's report N times (for `perf record`).
    if let Some(n) = std::env::var("CARERS_DESK_BENCH_PROFILE").ok().and_then(|n| n.parse::<u32>().ok()) {
        for _ in 0..n {
            let t = Instant::now();
            report(PERIODS[0].1, PERIODS[0].2);
            eprintln!("report_run: {:.1} ms", ms(t.elapsed()));
        }
        let _ = std::fs::remove_dir_all(f._dir.path());
        return;
    }
    for (name, from, to) in PERIODS {
        // The first run of each period: for the quarter, straight after opening the database
        // (nothing of the register in SQLite's page cache yet).
        let t = Instant::now();
        let r = report(from, to);
        let first = ms(t.elapsed());
        let supported = r["groups"][1]["figures"][0]["value"].clone();
        eprintln!("{name}: {supported} carers supported; first run {first:.1} ms");
        check_baseline(from, to);
        profile(&format!("report_run, {name}"), || {
            report(from, to);
        });
        profile(&format!("raw SQL baseline, {name}"), || {
            raw_report(from, to);
        });
    }
    divan::main();
    // The database (hundreds of MB) lives in a folder the static fixture never drops.
    let _ = std::fs::remove_dir_all(f._dir.path());
}

/// Times each `(name, statement)` on `raw`, with the quarter's parameters where it takes them.
fn time_sql(raw: &rusqlite::Connection, statements: &[(String, String)]) {
    for (name, sql) in statements {
        let t = Instant::now();
        let mut stmt = raw.prepare(sql).unwrap();
        let all: [&dyn rusqlite::ToSql; 4] = [&PERIODS[0].1, &PERIODS[0].2, &18, &25];
        let n = stmt.query_map(&all[..stmt.parameter_count()], |_| Ok(())).unwrap().count();
        eprintln!("{name}: {:.1} ms ({n} rows)", ms(t.elapsed()));
    }
}

#[divan::bench(args = [0, 1], sample_count = 10, sample_size = 1)]
fn report_run(period: usize) -> serde_json::Value {
    let (_, from, to) = PERIODS[period];
    report(divan::black_box(from), to)
}

#[divan::bench(args = [0, 1], sample_count = 10, sample_size = 1)]
fn raw_baseline(period: usize) -> usize {
    let (_, from, to) = PERIODS[period];
    raw_report(divan::black_box(from), to).len()
}
