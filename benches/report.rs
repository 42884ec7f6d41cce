//! The monitoring report with 100,000 carers and 1,000,000 case notes (demo data, seed 1, then
//! notes added straight into the database), through the command layer exactly as the window
//! calls it, against a raw-SQLite baseline: one hand-written statement for the same numbers.
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
        Fixture { _dir: dir, desk, raw: std::sync::Mutex::new(raw), ctx }
    })
}

fn report(from: &str, to: &str) -> serde_json::Value {
    let f = fixture();
    f.desk.call(&f.ctx, "report_run", json!({"from": from, "to": to})).unwrap()
}

/// The raw-SQL baseline: one statement, written by hand, giving the same numbers (every
/// figure's total and rows) as `(figure, row, count)`, without the command layer, the
/// per-figure queries, JSON or the transaction.
const RAW: &str = "
WITH p AS (SELECT ?1 AS d_from, ?2 AS d_to),
c0 AS (SELECT c.*, coalesce(c.date_first_identified, substr(c.created_at, 1, 10)) AS ident FROM carers c),
recv AS (SELECT c0.* FROM c0, p WHERE c0.ident BETWEEN p.d_from AND p.d_to),
sup AS (
  SELECT c0.*,
    (CAST(substr(p.d_to, 1, 4) AS INTEGER) - CAST(substr(c0.date_of_birth, 1, 4) AS INTEGER)
      - (substr(p.d_to, 6, 5) < substr(c0.date_of_birth, 6, 5))) AS age,
    (c0.status = 'open' OR c0.closed_date > p.d_to) AS at_end
  FROM c0, p WHERE c0.referral_outcome = 'accepted' AND c0.ident <= p.d_to AND (c0.status = 'open' OR c0.closed_date >= p.d_from)),
links AS (SELECT carer_id, count(*) AS n, max(hours_band) AS hours, count(DISTINCT relationship) AS rels, min(relationship) AS rel
          FROM caring_links GROUP BY carer_id),
conds AS (SELECT l.carer_id, count(DISTINCT cc.condition) AS n, min(cc.condition) AS one
          FROM caring_links l JOIN cared_for_conditions cc ON cc.cared_for_id = l.cared_for_id GROUP BY l.carer_id),
done AS (SELECT a.* FROM assessments a, p WHERE a.status = 'completed'
          AND coalesce(a.assessed_on, substr(a.completed_at, 1, 10)) BETWEEN p.d_from AND p.d_to
          AND (a.previous_id IS NULL OR substr(a.completed_at, 1, 10) <= p.d_to)
          AND NOT EXISTS (SELECT 1 FROM assessments n WHERE n.previous_id = a.id AND n.status = 'completed'
                          AND substr(n.completed_at, 1, 10) <= p.d_to))
SELECT 'referrals_received', coalesce(referral_source, 'not_recorded'), count(*) FROM recv GROUP BY 2
UNION ALL SELECT 'referrals_outcome', referral_outcome, count(*) FROM recv GROUP BY 2
UNION ALL SELECT 'carers_supported', CASE WHEN ident >= (SELECT d_from FROM p) THEN 'new' ELSE 'continuing' END, count(*) FROM sup GROUP BY 2
UNION ALL SELECT 'carers_at_end', NULL, count(*) FROM sup WHERE at_end
UNION ALL SELECT 'closed', closed_reason, count(*) FROM c0, p WHERE status = 'closed' AND referral_outcome = 'accepted' AND closed_date BETWEEN d_from AND d_to GROUP BY 2
UNION ALL SELECT 'assessments_completed', type, count(*) FROM done GROUP BY 2
UNION ALL SELECT 'plans_agreed', version = 1, count(*) FROM support_plans, p WHERE status <> 'draft' AND agreed_on BETWEEN d_from AND d_to GROUP BY 2
UNION ALL SELECT 'reviews_completed', planned, count(*) FROM plan_reviews, p WHERE status = 'completed' AND review_date BETWEEN d_from AND d_to GROUP BY 2
UNION ALL SELECT 'reviews_overdue', NULL, count(*) FROM support_plans, p WHERE status IN ('agreed', 'under_review') AND agreed_on <= d_to AND review_due < d_to
UNION ALL SELECT 'passports_issued', kind, count(*) FROM passports, p WHERE issued_on BETWEEN d_from AND d_to GROUP BY 2
UNION ALL SELECT 'passports_how', replaces_id IS NULL, count(*) FROM passports, p WHERE issued_on BETWEEN d_from AND d_to GROUP BY 2
UNION ALL SELECT 'passports_renewed', NULL, count(*) FROM passport_events, p WHERE event = 'renewed' AND happened_on BETWEEN d_from AND d_to
UNION ALL SELECT 'young_carers_by_age', age / 3, count(*) FROM sup WHERE at_end AND age < 18 GROUP BY 2
UNION ALL SELECT 'young_carers_by_school', l.school_id, count(*) FROM sup LEFT JOIN school_links l ON l.carer_id = sup.id WHERE at_end AND age < 18 GROUP BY 2
UNION ALL SELECT 'handovers', consent_to_share, count(*) FROM handovers, p WHERE handover_on BETWEEN d_from AND d_to GROUP BY 2
UNION ALL SELECT 'transition_assessments', json_extract(determination, '$.result'), count(*) FROM done WHERE type = 'transition' GROUP BY 2
UNION ALL SELECT 'by_category', CASE WHEN age < 18 THEN 'y' WHEN age <= 25 THEN 'ya' ELSE 'a' END, count(*) FROM sup GROUP BY 2
UNION ALL SELECT 'by_age', min(age / 10, 8), count(*) FROM sup GROUP BY 2
UNION ALL SELECT 'by_gender', gender, count(*) FROM sup GROUP BY 2
UNION ALL SELECT 'by_ethnicity', ethnicity, count(*) FROM sup GROUP BY 2
UNION ALL SELECT 'by_disability', disability, count(*) FROM sup GROUP BY 2
UNION ALL SELECT 'by_hours', l.hours, count(*) FROM sup LEFT JOIN links l ON l.carer_id = sup.id GROUP BY 2
UNION ALL SELECT 'by_relationship', CASE WHEN l.rels > 1 THEN 'more' ELSE l.rel END, count(*) FROM sup LEFT JOIN links l ON l.carer_id = sup.id GROUP BY 2
UNION ALL SELECT 'by_number_cared_for', min(coalesce(l.n, 0), 3), count(*) FROM sup LEFT JOIN links l ON l.carer_id = sup.id GROUP BY 2
UNION ALL SELECT 'by_condition', CASE WHEN x.n > 1 THEN 'more' ELSE x.one END, count(*) FROM sup LEFT JOIN conds x ON x.carer_id = sup.id GROUP BY 2
UNION ALL SELECT 'by_postcode_district', substr(postcode, 1, instr(postcode || ' ', ' ') - 1), count(*) FROM sup GROUP BY 2
";

fn raw_report(from: &str, to: &str) -> usize {
    let f = fixture();
    let raw = f.raw.lock().unwrap();
    let mut stmt = raw.prepare_cached(RAW).unwrap();
    let rows = stmt
        .query_map([from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1).ok(), r.get::<_, i64>(2)?))
        })
        .unwrap();
    rows.count()
}

fn profile(name: &str, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..10)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    eprintln!("{name}: median {:.1} ms, slowest {:.1} ms", ms(times[5]), ms(times[9]));
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
    raw_report(divan::black_box(from), to)
}
