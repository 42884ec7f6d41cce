//! Re-keying with 100,000 carers (demo data, seed 1): switching an account off and an
//! administrator resetting a passphrase each copy the whole register under a new database key
//! (`rekey.rs`), through the command layer exactly as the window calls it. Also times the
//! integrity checks a sign-in could run (`PRAGMA quick_check`) to decide whether the one at
//! sign-in must run in the background (target: under 100 ms, else in the background).
//!
//! `cargo bench --bench rekey` prints each run and the median. `CARERS_DESK_BENCH_DB` may name
//! a database made earlier with `carers-desk-cli demo-data --carers 100000 --seed 1` (its .keys
//! file beside it): it is copied, saving minutes. Results and the machine are recorded in
//! docs/benchmarks.md.

use std::time::{Duration, Instant};

use carers_desk::{vault, Context};
use chrono::NaiveDate;
use serde_json::json;

mod shared;

const CARERS: u32 = 100_000;
const RUNS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::desktop(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let (desk, raw) = shared::demo_desk(dir.path(), CARERS, &ctx);
    drop(raw);
    let path = dir.path().join("bench.sqlite3");
    let size = std::fs::metadata(&path).unwrap().len();
    println!("register: {CARERS} carers, {:.0} MiB", size as f64 / (1024.0 * 1024.0));

    // The checks a sign-in could run, on a connection of their own.
    let key = {
        let file = vault::KeyFile::load(&vault::keys_path(&path)).unwrap();
        file.unlock(file.account("demo").unwrap(), "demo passphrase").unwrap().unwrap()
    };
    for pragma in ["quick_check", "integrity_check", "cipher_integrity_check"] {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let conn = vault::open_encrypted(&path, &key).unwrap();
            let t = Instant::now();
            let mut stmt = conn.prepare(&format!("PRAGMA {pragma}")).unwrap();
            let rows: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            times.push(t.elapsed());
            assert!(rows.is_empty() || rows == ["ok"], "{pragma}: {rows:?}");
        }
        println!("PRAGMA {pragma}: {} (runs: {:?})", secs(median(times.clone())), times);
    }

    // Signing in as the window does: the quick check runs in the background, so the sign-in
    // returns at once and the register answers while it runs.
    let mut sign_ins = Vec::new();
    let mut searches = Vec::new();
    let mut checks = Vec::new();
    for _ in 0..RUNS {
        let window = carers_desk::Desk::open(&path).unwrap();
        window.check_on_sign_in();
        let t = Instant::now();
        window.call(&ctx, "session_unlock", json!({"username": "demo", "passphrase": "demo passphrase"})).unwrap();
        sign_ins.push(t.elapsed());
        let s = Instant::now();
        window.call(&ctx, "carer_search", json!({"query": "smi", "limit": 25})).unwrap();
        searches.push(s.elapsed());
        let status = window.wait_for_register_check().expect("a check was started");
        checks.push(t.elapsed());
        assert_eq!(status.state, "ok", "{status:?}");
        window.close().unwrap();
    }
    println!(
        "session_unlock with the check in the background: median {} (runs: {:?})",
        secs(median(sign_ins.clone())),
        sign_ins
    );
    println!("a search while the check runs: median {} (runs: {:?})", secs(median(searches.clone())), searches);
    println!("sign-in to the check's end: median {} (runs: {:?})", secs(median(checks.clone())), checks);
    let t = Instant::now();
    let verified = desk.call(&ctx, "audit_verify", json!({})).unwrap();
    assert_eq!(verified["ok"], true, "{verified}");
    println!("audit_verify (full check of the register file, the chain, the anchors): {}", secs(t.elapsed()));

    // The raw-SQLite baseline of a re-key: the register copied under a new key by SQLCipher's
    // own `sqlcipher_export` into a new file, on a plain connection: what the command's copy
    // step is, without the checks of the copy (quick_check, row counts), the swap, the key file
    // and the audit. The copy is deleted after each run.
    let mut raw_times = Vec::new();
    let mut raw_cpu = Vec::new();
    for n in 0..RUNS {
        let conn = vault::open_encrypted(&path, &key).unwrap();
        let copy = dir.path().join(format!("raw-rekey-{n}.sqlite3"));
        let new_key = [n as u8 + 1; 32];
        let (t, c) = (Instant::now(), shared::cpu_time());
        conn.execute_batch(&format!(
            "ATTACH DATABASE '{}' AS rekeyed KEY {}; SELECT sqlcipher_export('rekeyed'); DETACH DATABASE rekeyed;",
            copy.display(),
            vault::key_pragma(&new_key).as_str()
        ))
        .unwrap();
        raw_times.push(t.elapsed());
        if let (Some(before), Some(after)) = (c, shared::cpu_time()) {
            raw_cpu.push(after - before);
        }
        drop(conn);
        std::fs::remove_file(&copy).unwrap();
    }
    println!(
        "raw baseline (sqlcipher_export to a new file): median {} (runs: {:?}; CPU {:?})",
        secs(median(raw_times.clone())),
        raw_times,
        raw_cpu
    );

    // Re-keying, as an administrator switches accounts off and resets passphrases.
    let mut off = Vec::new();
    let mut reset = Vec::new();
    let (mut off_cpu, mut reset_cpu) = (Vec::new(), Vec::new());
    for n in 0..RUNS {
        let passphrase = "bench passphrase";
        let id = desk
            .call(
                &ctx,
                "staff_create",
                json!({"username": format!("bench{n}"), "name": format!("Bench {n}"), "role": "reporting",
                       "passphrase": passphrase, "passphrase_again": passphrase}),
            )
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (t, c) = (Instant::now(), shared::cpu_time());
        desk.call(
            &ctx,
            "staff_set_passphrase",
            json!({"id": id, "passphrase": "bench passphrase 2", "passphrase_again": "bench passphrase 2"}),
        )
        .unwrap();
        reset.push(t.elapsed());
        reset_cpu.extend(c.zip(shared::cpu_time()).map(|(before, after)| after - before));
        let (t, c) = (Instant::now(), shared::cpu_time());
        desk.call(&ctx, "staff_update", json!({"id": id, "active": false})).unwrap();
        off.push(t.elapsed());
        off_cpu.extend(c.zip(shared::cpu_time()).map(|(before, after)| after - before));
        let status = desk.call(&ctx, "session_status", json!({})).unwrap();
        assert!(status["key_renewal_due"].is_null(), "the re-key did not happen: {status}");
    }
    println!(
        "staff_set_passphrase (with re-key): median {} (runs: {:?}; CPU of this thread {:?})",
        secs(median(reset.clone())),
        reset,
        reset_cpu
    );
    println!(
        "staff_update switch off (with re-key): median {} (runs: {:?}; CPU of this thread {:?})",
        secs(median(off.clone())),
        off,
        off_cpu
    );
    let found = desk.call(&ctx, "carer_search", json!({"query": "a", "limit": 1})).unwrap();
    println!("after {} re-keys the register still answers: {} carers match 'a'", 2 * RUNS, found["total"]);
}
