//! Register benchmarks with 100,000 synthetic carers (demo data, seed 1), through the command
//! layer exactly as the window calls it, against a database file with the app's durability
//! settings (WAL, synchronous=FULL).
//!
//! `cargo bench --bench register` prints first a latency profile (median and p95 over a
//! realistic typing sequence, plus a raw-SQLite baseline of the same query), then divan's
//! timings. Results and the machine are recorded in docs/benchmarks.md.
//!
//! `CARERS_DESK_BENCH_HOME=N` times only the home screen, N calls.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use carers_desk::Context;
use chrono::NaiveDate;
use serde_json::json;

mod shared;
use shared::{cpu_time, Fixture};

const CARERS: u32 = 100_000;

/// Each keystroke of someone typing a surname, a first name and surname, a postcode and a
/// reference: what search-as-you-type runs.
const TYPING: &[&str] = &[
    "s",
    "sm",
    "smi",
    "smit",
    "smith",
    "o",
    "ok",
    "oka",
    "okaf",
    "okafo",
    "okafor",
    "g",
    "gr",
    "gra",
    "grac",
    "grace",
    "grace w",
    "grace wo",
    "grace woo",
    "k",
    "kh",
    "kha",
    "khan",
    "r",
    "rm",
    "rm1",
    "rm10",
    "rm10 7",
    "c",
    "c-",
    "c-0",
    "c-00",
    "c-004",
    "c-0042",
    "c-00421",
    "c-004217",
    "da",
    "da s",
    "da si",
    "da sil",
];

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::desktop(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let (desk, raw) = shared::demo_desk(dir.path(), CARERS, &ctx);
        raw.pragma_update(None, "cache_size", -32_768).unwrap();
        Fixture { _dir: dir, desk, raw: std::sync::Mutex::new(raw), ctx }
    })
}

fn search(query: &str) -> serde_json::Value {
    let f = fixture();
    f.desk.call(&f.ctx, "carer_search", json!({"query": query, "limit": 50})).unwrap()
}

/// The same query without the command layer: the FTS5 match joined to the register, newest
/// first, capped at 501 rows, sorted by name when under the cap, the rows read into tuples.
/// Shows what the JSON, permission and transaction layers cost. The join is a `CROSS JOIN`, as
/// in the core (`search::words_sql`): left to choose, SQLite runs the FTS5 query once per carer
/// on a register it has no statistics for, and the baseline took about 15 s a call.
fn raw_search(query: &str) -> usize {
    let f = fixture();
    let fts = carers_desk::search::fts_query(query).unwrap();
    let raw = f.raw.lock().unwrap();
    let mut stmt = raw
        .prepare_cached(&format!(
            "SELECT {}
             FROM carer_search s CROSS JOIN carers c ON c.id = s.rowid WHERE carer_search MATCH ?1 AND c.status = 'open'
             ORDER BY s.rowid DESC LIMIT 501",
            carers_desk::carers::SUMMARY_COLUMNS
        ))
        .unwrap();
    let mut rows: Vec<(i64, String, String)> = stmt
        .query_map([&fts], |r| Ok((r.get(0)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    if rows.len() <= 500 {
        rows.sort_by_cached_key(|(id, first, last)| (last.to_lowercase(), first.to_lowercase(), *id));
    }
    rows.truncate(50);
    rows.len()
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.95), *samples.last().unwrap())
}

fn profile(label: &str, rounds: usize, mut f: impl FnMut(usize)) {
    let mut samples = Vec::new();
    let mut cpu = Vec::new();
    for i in 0..rounds {
        let (t, c) = (Instant::now(), cpu_time());
        f(i);
        samples.push(t.elapsed());
        if let (Some(before), Some(after)) = (c, cpu_time()) {
            cpu.push(after - before);
        }
    }
    let (median, p95, max) = percentiles(samples);
    let cpu = if cpu.len() == rounds {
        let (median, p95, _) = percentiles(cpu);
        format!("   CPU median {:>8.3} ms   p95 {:>8.3} ms", median.as_secs_f64() * 1e3, p95.as_secs_f64() * 1e3)
    } else {
        String::new()
    };
    eprintln!(
        "{label:<46} n={rounds:<5} median {:>8.3} ms   p95 {:>8.3} ms   max {:>8.3} ms{cpu}",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

fn latency_profile() {
    let f = fixture();
    let n = TYPING.len();
    eprintln!("\nlatency profile ({CARERS} carers)");
    profile("search-as-you-type, command layer", n * 25, |i| {
        search(TYPING[i % n]);
    });
    profile("search-as-you-type, raw SQLite baseline", n * 25, |i| {
        raw_search(TYPING[i % n]);
    });
    profile("open a carer record (carer_get)", 2000, |i| {
        f.desk.call(&f.ctx, "carer_get", json!({"id": 1 + (i * 37) % CARERS as usize})).unwrap();
    });
    profile("home screen (home: counts, plan work, transition counts)", 50, |_| {
        f.desk.call(&f.ctx, "home", json!({})).unwrap();
    });
    profile("Transitions view (transitions, 12 months)", 50, |_| {
        f.desk.call(&f.ctx, "transitions", json!({"months": 12})).unwrap();
    });
    profile("save a new carer (carer_create, durable)", 500, |i| {
        f.desk.call(&f.ctx, "carer_create", new_carer(i)).unwrap();
    });
    profile("save an edit (carer_update, durable)", 500, |i| {
        let mut args = new_carer(i);
        args["id"] = json!(1 + (i * 101) % CARERS as usize);
        f.desk.call(&f.ctx, "carer_update", args).unwrap();
    });
    eprintln!();
}

fn new_carer(i: usize) -> serde_json::Value {
    json!({
        "first_name": "Bench", "last_name": format!("Carer{i}"), "date_of_birth": "14/02/1979",
        "postcode": "RM10 7BS", "phone": "07700 900123", "email": "bench@example.org",
        "referral_source": "gp", "consent_given": true, "consent_date": "01/11/2026",
    })
}

fn main() {
    // `CARERS_DESK_BENCH_HOME=N`: only the home screen, N times (for `perf record`).
    if let Some(n) = std::env::var("CARERS_DESK_BENCH_HOME").ok().and_then(|n| n.parse().ok()) {
        let f = fixture();
        profile("home screen (home)", n, |_| {
            f.desk.call(&f.ctx, "home", json!({})).unwrap();
        });
        let _ = std::fs::remove_dir_all(f._dir.path());
        return;
    }
    latency_profile();
    divan::main();
    // The database (hundreds of MB) lives in a folder the static fixture never drops.
    let _ = std::fs::remove_dir_all(fixture()._dir.path());
}

#[divan::bench(args = ["s", "smi", "smith", "grace wo", "rm10 7", "c-004217"])]
fn search_command(query: &str) -> serde_json::Value {
    search(divan::black_box(query))
}

#[divan::bench(args = ["s", "smi", "smith", "grace wo", "rm10 7", "c-004217"])]
fn search_raw_sqlite(query: &str) -> usize {
    raw_search(divan::black_box(query))
}

#[divan::bench]
fn open_record() -> serde_json::Value {
    let f = fixture();
    f.desk.call(&f.ctx, "carer_get", json!({"id": divan::black_box(4217)})).unwrap()
}

#[divan::bench(sample_count = 200)]
fn save_new_carer(bencher: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i += 1;
        f.desk.call(&f.ctx, "carer_create", new_carer(1_000_000 + i)).unwrap()
    });
}
