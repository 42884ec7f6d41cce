//! Import benchmark: committing a 10,000-row spreadsheet (CSV and XLSX) through
//! `import_commit`, exactly as the window calls it (read the file, check every row, look for
//! likely duplicates, write carers, cared-for people and links, one transaction, audit),
//! into the demo organisation's encrypted file. Target: at most 1 s.
//!
//! `cargo bench --bench import` commits five different files of each kind one after the
//! other, so the register grows from 300 carers by 10,000 a round (duplicates are looked for
//! against all of them), and prints each round's time. Results and the machine are recorded
//! in docs/benchmarks.md. After each CSV round, another CSV file of new people is written by
//! plain SQL on a raw connection ([`raw_import`]): the baseline for the ratio.

use std::path::{Path, PathBuf};
use std::time::Instant;

use carers_desk::Context;
use chrono::NaiveDate;
use serde_json::json;

mod shared;

const ROWS: u32 = 10_000;
const ROUNDS: u32 = 5;

const HEADERS: [&str; 10] = [
    "First Name",
    "Surname",
    "DOB",
    "Post Code",
    "Sex",
    "Cared for name",
    "Relationship",
    "Hours",
    "Condition",
    "Lives together",
];
const FIRST: &[&str] = &["Amy", "Ben", "Chloe", "Daniel", "Fatima", "Grace", "Imran", "Joan", "Kwame", "Linda"];
const LAST: &[&str] = &["Brown", "Cole", "Da Silva", "Evans", "Khan", "Nowak", "Okafor", "Patel", "Smith", "Wood"];
const CARED: &[(&str, &str, &str, &str)] = &[
    ("Ray", "Father", "50+", "Dementia; Frailty"),
    ("Sue", "Mother", "20-34", "Stroke"),
    ("Leo", "Son", "35-49", "Autism"),
    ("", "", "", ""),
];

/// Row `i` of round `round`: names, a date of birth and a postcode no other row shares.
fn row(round: u32, i: u32) -> [String; 10] {
    let n = round * ROWS + i;
    let (who, relationship, hours, condition) = CARED[(n % 4) as usize];
    [
        FIRST[(n % 10) as usize].to_string(),
        format!("{}{}", LAST[(n / 10 % 10) as usize], if n < 100 { String::new() } else { format!("-{}", n / 100) }),
        format!("{:02}/{:02}/{}", 1 + n % 28, 1 + n / 28 % 12, 1940 + n / 336 % 60),
        format!("RM{} {}AB", 1 + n % 20, n % 10),
        ["F", "M"][(n % 2) as usize].to_string(),
        who.to_string(),
        relationship.to_string(),
        hours.to_string(),
        condition.to_string(),
        if who.is_empty() { String::new() } else { "Y".to_string() },
    ]
}

fn write_csv(path: &Path, round: u32) {
    let mut out = csv::Writer::from_path(path).unwrap();
    out.write_record(HEADERS).unwrap();
    for i in 0..ROWS {
        out.write_record(row(round, i)).unwrap();
    }
    out.flush().unwrap();
}

fn write_xlsx(path: &Path, round: u32) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        for (c, v) in row(round, i).iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(i + 1, c as u16, v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

fn mapping() -> serde_json::Value {
    json!({
        "columns": {
            "First Name": "first_name", "Surname": "last_name", "DOB": "date_of_birth",
            "Post Code": "postcode", "Sex": "gender", "Cared for name": "cared_for_first_name",
            "Relationship": "cared_for_relationship", "Hours": "cared_for_hours_band",
            "Condition": "cared_for_conditions", "Lives together": "cared_for_lives_together"
        },
        "date_format": "dmy"
    })
}

/// The fastest plain-SQLite way found to the same rows: the CSV read with the csv crate, each
/// value turned into the stored code by a `match` (no mapping, no checks, no duplicates, no
/// audit), the rows put in a temporary table, then one `INSERT … SELECT` each into carers, the
/// cared-for people, their conditions and the links, in one transaction (one statement into
/// `carers`, so the search index is written once, as the core's batch does). Returns the carers
/// written.
fn raw_import(raw: &rusqlite::Connection, path: &Path, round: u32) -> usize {
    let iso = |d: &str| {
        let p: Vec<&str> = d.split('/').collect();
        format!("{}-{}-{}", p[2], p[1], p[0])
    };
    let code = |v: &str| match v {
        "F" => "female",
        "M" => "male",
        "Father" | "Mother" => "parent",
        "Son" => "child",
        "50+" => "h50_plus",
        "20-34" => "h20_34",
        "35-49" => "h35_49",
        "Dementia" => "dementia",
        "Frailty" => "frailty",
        "Stroke" => "long_term_condition",
        "Autism" => "autism",
        other => panic!("no code for {other}"),
    };
    raw.execute_batch(
        "BEGIN;
         CREATE TEMP TABLE new_rows (n INTEGER PRIMARY KEY, first_name, last_name, dob, postcode, gender, who, relationship, hours, lives);
         CREATE TEMP TABLE new_conditions (n, condition);",
    )
    .unwrap();
    let mut reader = csv::Reader::from_path(path).unwrap();
    {
        let mut row = raw.prepare("INSERT INTO new_rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)").unwrap();
        let mut condition = raw.prepare("INSERT INTO new_conditions VALUES (?1, ?2)").unwrap();
        for (n, record) in reader.records().enumerate() {
            let n = n as i64;
            let r = record.unwrap();
            let who = (!r[5].is_empty()).then(|| &r[5]);
            row.execute(rusqlite::params![
                n,
                &r[0],
                &r[1],
                iso(&r[2]),
                r[3].to_uppercase(),
                code(&r[4]),
                who,
                who.map(|_| code(&r[6])),
                who.map(|_| code(&r[7])),
                who.is_some() && &r[9] == "Y",
            ])
            .unwrap();
            for c in r[8].split(';').map(str::trim).filter(|c| !c.is_empty()) {
                condition.execute(rusqlite::params![n, code(c)]).unwrap();
            }
        }
    }
    let stamp = "2026-11-23T09:00:00.000Z";
    raw.execute(
        &format!(
            "INSERT INTO carers (reference, first_name, last_name, date_of_birth, postcode, gender, created_at, created_by, updated_at, updated_by)
             SELECT printf('B{round}-%05d', n), first_name, last_name, dob, postcode, gender, '{stamp}', 'bench', '{stamp}', 'bench' FROM new_rows ORDER BY n"
        ),
        [],
    )
    .unwrap();
    raw.execute(
        &format!(
            "INSERT INTO cared_for (reference, first_name, created_at, updated_at)
             SELECT printf('BF{round}-%05d', n), who, '{stamp}', '{stamp}' FROM new_rows WHERE who IS NOT NULL ORDER BY n"
        ),
        [],
    )
    .unwrap();
    raw.execute(
        &format!(
            "INSERT INTO cared_for_conditions (cared_for_id, condition)
             SELECT f.id, x.condition FROM new_conditions x JOIN cared_for f ON f.reference = printf('BF{round}-%05d', x.n)"
        ),
        [],
    )
    .unwrap();
    raw.execute(
        &format!(
            "INSERT INTO caring_links (carer_id, cared_for_id, relationship, lives_together, hours_band, created_at, updated_at)
             SELECT c.id, f.id, r.relationship, r.lives, r.hours, '{stamp}', '{stamp}' FROM new_rows r
             JOIN carers c ON c.reference = printf('B{round}-%05d', r.n)
             JOIN cared_for f ON f.reference = printf('BF{round}-%05d', r.n)"
        ),
        [],
    )
    .unwrap();
    let n: i64 = raw.query_row("SELECT count(*) FROM new_rows", [], |r| r.get(0)).unwrap();
    raw.execute_batch("DROP TABLE temp.new_rows; DROP TABLE temp.new_conditions; COMMIT;").unwrap();
    n as usize
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::desktop(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let (desk, raw) = shared::demo_desk(dir.path(), 300, &ctx);
    let files: Vec<(&str, PathBuf, u32)> = (0..ROUNDS)
        .flat_map(|r| {
            let csv = dir.path().join(format!("carers-{r}.csv"));
            let xlsx = dir.path().join(format!("carers-{r}.xlsx"));
            write_csv(&csv, 2 * r);
            write_xlsx(&xlsx, 2 * r + 1);
            [("CSV", csv, 2 * r), ("XLSX", xlsx, 2 * r + 1)]
        })
        .collect();
    eprintln!("\nimport_commit, {ROWS} rows a file");
    let mut times: Vec<(&str, f64)> = Vec::new();
    let mut raw_times: Vec<f64> = Vec::new();
    for (kind, path, _) in &files {
        let (t, c) = (Instant::now(), shared::cpu_time());
        let done = desk
            .call(
                &ctx,
                "import_commit",
                json!({"path": path.to_string_lossy(), "sheet": null, "mapping": mapping(), "skip_duplicates": true}),
            )
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        let cpu = c.zip(shared::cpu_time()).map(|(before, after)| (after - before).as_secs_f64() * 1e3);
        assert_eq!(done["carers_created"], ROWS, "{done}");
        eprintln!(
            "{kind:<5} {:>7.0} ms   CPU {:>7.0} ms   {} carers created, up to {}",
            secs * 1e3,
            cpu.unwrap_or(f64::NAN),
            done["carers_created"],
            done["last_reference"]
        );
        times.push((kind, secs));
        // The baseline beside each CSV round, so both write into a register of about the same
        // size: a new file of new people written by plain SQL.
        if *kind == "CSV" {
            let round = 2 * ROUNDS + times.len() as u32;
            let path = dir.path().join(format!("raw-{round}.csv"));
            write_csv(&path, round);
            let (t, c) = (Instant::now(), shared::cpu_time());
            let n = raw_import(&raw, &path, round);
            let cpu = c.zip(shared::cpu_time()).map(|(before, after)| (after - before).as_secs_f64() * 1e3);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            assert_eq!(n, ROWS as usize);
            eprintln!("raw   {ms:>7.0} ms   CPU {:>7.0} ms   {n} carers (plain SQL)", cpu.unwrap_or(f64::NAN));
            raw_times.push(ms);
        }
    }
    for kind in ["CSV", "XLSX"] {
        let mut t: Vec<f64> = times.iter().filter(|(k, _)| *k == kind).map(|(_, s)| *s).collect();
        t.sort_by(f64::total_cmp);
        eprintln!("{kind:<5} median {:>7.0} ms   fastest {:>7.0} ms", t[t.len() / 2] * 1e3, t[0] * 1e3);
    }
    raw_times.sort_by(f64::total_cmp);
    eprintln!("raw   median {:>7.0} ms   fastest {:>7.0} ms", raw_times[raw_times.len() / 2], raw_times[0]);
    drop(raw);
    drop(desk);
    // The database and files (hundreds of MB) go with the folder.
    dir.close().unwrap();
}
