//! Import benchmark: committing a 10,000-row spreadsheet (CSV and XLSX) through
//! `import_commit`, exactly as the window calls it (read the file, check every row, look for
//! likely duplicates, write carers, cared-for people and links, one transaction, audit),
//! into the demo organisation's encrypted file. Target: at most 1 s.
//!
//! `cargo bench --bench import` commits five different files of each kind one after the
//! other, so the register grows from 300 carers by 10,000 a round (duplicates are looked for
//! against all of them), and prints each round's time. Results and the machine are recorded
//! in docs/benchmarks.md.

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

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::desktop(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let (desk, _raw) = shared::demo_desk(dir.path(), 300, &ctx);
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
    for (kind, path, _) in &files {
        let t = Instant::now();
        let done = desk
            .call(
                &ctx,
                "import_commit",
                json!({"path": path.to_string_lossy(), "sheet": null, "mapping": mapping(), "skip_duplicates": true}),
            )
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(done["carers_created"], ROWS, "{done}");
        eprintln!(
            "{kind:<5} {:>7.0} ms   {} carers created, up to {}",
            secs * 1e3,
            done["carers_created"],
            done["last_reference"]
        );
        times.push((kind, secs));
    }
    for kind in ["CSV", "XLSX"] {
        let mut t: Vec<f64> = times.iter().filter(|(k, _)| *k == kind).map(|(_, s)| *s).collect();
        t.sort_by(f64::total_cmp);
        eprintln!("{kind:<5} median {:>7.0} ms   fastest {:>7.0} ms", t[t.len() / 2] * 1e3, t[0] * 1e3);
    }
    drop(desk);
    // The database and files (hundreds of MB) go with the folder.
    dir.close().unwrap();
}
