//! Crash safety: a child saving in a loop is killed at random moments; nothing acknowledged is lost.
//!
//! The parent test sets up an encrypted database with the real sign-in, then again and again
//! starts a child process (this test binary, running only [`child`]) that signs in through
//! `session_unlock` and saves through `Desk::call`, the same choke point the window uses,
//! printing `ACK <name>` only after the call returned `Ok`. The parent kills it with SIGKILL at
//! a random moment (after a random number of acknowledgements, at once or after a random
//! delay, or a random time after it started, which may be mid-sign-in), then reopens the
//! database and checks:
//! - `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check` find nothing wrong;
//! - every acknowledged save is there;
//! - no save is half there: each save (`carer_add_cared_for`) writes a cared-for person, three
//!   conditions, a caring link, three kinds of care and audit entries in one transaction, and
//!   every cared-for person made by the test has all of them;
//! - the audit trail's hash chain verifies.
//!
//! A second test does the same to children that change the key file and the database key
//! (their own passphrase, an administrator's reset of another account's: a re-key), make
//! backups, or restore a backup, and checks after each kill that the register opens with the
//! administrator's old or new passphrase (and the other account's), that a sign-in alone
//! finishes any re-key or restore the kill interrupted, that nothing acknowledged is lost, that
//! every file named like a backup is a whole backup, and that nothing is left half-made.
//!
//! `CRASH_SEED` repeats a run (the seed is printed, and shown when the test fails);
//! `CRASH_KILLS` changes the number of kills (default 200); `CRASH_OTHER_KILLS` those of the
//! second test (default 24).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use carers_desk::{audit, vault, Desk};
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::util::{self, ADMIN, ADMIN_PASSPHRASE};

/// Set for the child: the database file.
const CHILD_DB: &str = "CARERS_DESK_CRASH_CHILD_DB";
/// Set for the child: which run this is (names the records it makes).
const CHILD_RUN: &str = "CARERS_DESK_CRASH_CHILD_RUN";

const CONDITIONS: [&str; 3] = ["dementia", "frailty", "autism"];
const KINDS: [&str; 3] = ["personal", "emotional", "medication"];

/// The saving child. Ignored in normal runs; returns at once unless started by the parent.
#[test]
#[ignore = "the child process of acknowledged_saves_survive_sigkill"]
fn child() {
    let Some(path) = std::env::var_os(CHILD_DB) else { return };
    let run: u32 = std::env::var(CHILD_RUN).unwrap().parse().unwrap();
    let mut out = std::io::stdout().lock();
    let desk = Desk::open(Path::new(&path)).unwrap();
    let ctx = util::ctx();
    desk.call(&ctx, "session_unlock", json!({"username": ADMIN, "passphrase": ADMIN_PASSPHRASE})).unwrap();
    let carer = desk.call(&ctx, "carer_create", util::carer("Crash", &format!("Run {run}"), "1970-01-01")).unwrap();
    let carer_id = carer["id"].as_i64().unwrap();
    writeln!(out, "ACK carer {carer_id}").unwrap();
    out.flush().unwrap();
    for i in 0.. {
        let name = format!("Run {run} save {i}");
        let args = json!({
            "carer_id": carer_id,
            "person": { "first_name": name, "last_name": "Crashtest", "conditions": CONDITIONS },
            "link": { "relationship": "parent", "hours_band": "h20_34", "care_kinds": KINDS, "lives_together": true },
        });
        match desk.call(&ctx, "carer_add_cared_for", args) {
            Ok(_) => {
                writeln!(out, "ACK {name}").unwrap();
                out.flush().unwrap();
            }
            Err(e) => {
                writeln!(out, "ERR {e:?}").unwrap();
                out.flush().unwrap();
                std::process::exit(3);
            }
        }
    }
}

/// When the next child is killed.
#[derive(Debug)]
enum KillAfter {
    /// As soon as it has acknowledged this many saves.
    Acks(usize),
    /// This long after it acknowledged this many saves.
    AcksAndDelay(usize, Duration),
    /// This long after it started (possibly before it signed in).
    Start(Duration),
}

#[test]
fn acknowledged_saves_survive_sigkill() {
    let kills: u32 = std::env::var("CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(200);
    let seed: u64 = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("crash test: seed {seed} (CRASH_SEED={seed} repeats it), {kills} kills");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite3");
    drop(util::file_desk(&path));
    let key = util::file_key(&path);
    let started = Instant::now();
    let mut acked: Vec<String> = Vec::new();
    let mut kill_points = Vec::new();
    for run in 0..kills {
        let plan = match rng.random_range(0..3) {
            0 => KillAfter::Acks(rng.random_range(0..=8)),
            1 => KillAfter::AcksAndDelay(rng.random_range(0..=8), Duration::from_micros(rng.random_range(0..=20_000))),
            _ => KillAfter::Start(Duration::from_micros(rng.random_range(0..=400_000))),
        };
        let (lines, status, stderr) = run_child(&path, run, &plan, dir.path());
        let context = || format!("seed {seed}, run {run}, plan {plan:?}");
        assert!(
            killed(&status),
            "the child was not killed but stopped by itself ({status}) at {}: output {lines:?}, stderr {stderr}",
            context()
        );
        let before = acked.len();
        for line in &lines {
            if let Some(name) = line.strip_prefix("ACK ") {
                acked.push(name.to_string());
            } else if line.starts_with("ERR ") {
                panic!("the child failed to save at {}: {line}", context());
            }
        }
        kill_points.push(acked.len() - before);
        check(&path, &key, &acked).unwrap_or_else(|problem| panic!("after a kill at {}: {problem}", context()));
    }
    let saves = acked.iter().filter(|a| !a.starts_with("carer ")).count();
    eprintln!(
        "crash test: {kills} kills, {saves} acknowledged saves, all present and whole, in {:.1} s (seed {seed})",
        started.elapsed().as_secs_f64()
    );
    assert!(
        kill_points.iter().filter(|n| **n > 0).count() > kills as usize / 3,
        "too few kills came mid-saving: {kill_points:?}"
    );
}

/// Whether the child was stopped by `Child::kill`: SIGKILL on Unix; on Windows
/// `TerminateProcess` with exit code 1, which the child never exits with by itself (3 after a
/// failed save, 101 on a panic, 0 only if its endless loop ended).
fn killed(status: &std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(9)
    }
    #[cfg(windows)]
    {
        status.code() == Some(1)
    }
}

/// Starts a child, stops it with SIGKILL as planned, and returns every line it printed.
fn run_child(path: &Path, run: u32, plan: &KillAfter, dir: &Path) -> (Vec<String>, std::process::ExitStatus, String) {
    run_child_named(path, run, plan, dir, "crash::child", &[])
}

/// [`run_child`] for the child test `name`, with more environment variables.
fn run_child_named(
    path: &Path,
    run: u32,
    plan: &KillAfter,
    dir: &Path,
    name: &str,
    env: &[(&str, &str)],
) -> (Vec<String>, std::process::ExitStatus, String) {
    let stderr_path = dir.join("child-stderr.txt");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--include-ignored", "--test-threads", "1"])
        .envs(env.iter().copied())
        .env(CHILD_DB, path)
        .env(CHILD_RUN, run.to_string())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    // Bounded: a child that neither saves nor fails within this is a failure in itself.
    let deadline = started + Duration::from_secs(120);
    let wait_for_acks = |n: usize, lines: &mut Vec<String>| {
        while lines.iter().filter(|l| l.starts_with("ACK ") && !l.starts_with("ACK carer")).count() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let failed = line.starts_with("ERR ");
                    lines.push(line);
                    if failed {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    };
    match plan {
        KillAfter::Acks(n) => wait_for_acks(*n, &mut lines),
        KillAfter::AcksAndDelay(n, delay) => {
            wait_for_acks(*n, &mut lines);
            std::thread::sleep(*delay);
        }
        KillAfter::Start(delay) => std::thread::sleep(delay.saturating_sub(started.elapsed())),
    }
    // SIGKILL on Unix, TerminateProcess on Windows: no destructor, no flush, no checkpoint
    // runs in the child.
    let _ = child.kill();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    (lines, status, stderr)
}

/// Opens the database as the next start would, and checks it (see the module documentation).
fn check(path: &Path, key: &[u8; 32], acked: &[String]) -> Result<(), String> {
    let conn = vault::open_encrypted(path, key).map_err(|e| format!("the database does not open: {e}"))?;
    let q = |sql: &str| -> Result<Vec<String>, String> {
        let mut stmt = conn.prepare(sql).map_err(|e| e.to_string())?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| e.to_string())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())
    };
    let integrity = q("PRAGMA integrity_check")?;
    if integrity != ["ok"] {
        return Err(format!("integrity_check found {integrity:?}"));
    }
    let cipher = q("PRAGMA cipher_integrity_check")?;
    if !cipher.is_empty() {
        return Err(format!("cipher_integrity_check found {cipher:?}"));
    }
    let saved: HashSet<String> =
        q("SELECT first_name FROM cared_for WHERE last_name = 'Crashtest'")?.into_iter().collect();
    let carers: HashSet<String> = q("SELECT 'carer ' || id FROM carers")?.into_iter().collect();
    for a in acked {
        let there = if a.starts_with("carer ") { carers.contains(a) } else { saved.contains(a) };
        if !there {
            return Err(format!("the acknowledged save '{a}' is missing"));
        }
    }
    let partial = q(&format!(
        "SELECT c.first_name || ': ' || (SELECT count(*) FROM cared_for_conditions WHERE cared_for_id = c.id) || ' conditions, '
                || (SELECT count(*) FROM caring_links WHERE cared_for_id = c.id) || ' links, '
                || (SELECT count(*) FROM caring_link_kinds k JOIN caring_links l ON l.id = k.link_id WHERE l.cared_for_id = c.id) || ' kinds, '
                || (SELECT count(*) FROM audit_log WHERE cared_for_id = c.id AND command = 'carer_add_cared_for') || ' audit entries'
         FROM cared_for c
         WHERE c.last_name = 'Crashtest' AND NOT (
               (SELECT count(*) FROM cared_for_conditions WHERE cared_for_id = c.id) = {n}
           AND (SELECT count(*) FROM caring_links WHERE cared_for_id = c.id) = 1
           AND (SELECT count(*) FROM caring_link_kinds k JOIN caring_links l ON l.id = k.link_id WHERE l.cared_for_id = c.id) = {n}
           AND (SELECT count(*) FROM audit_log WHERE cared_for_id = c.id AND command = 'carer_add_cared_for') = 1)",
        n = CONDITIONS.len()
    ))?;
    if !partial.is_empty() {
        return Err(format!("half-applied saves: {partial:?}"));
    }
    let chain = audit::verify(&conn).map_err(|e| e.to_string())?;
    if !chain.ok {
        return Err(format!("the audit trail does not verify: {}", chain.message));
    }
    Ok(())
}

/// Set for the child of [`key_file_writes_re_keys_backups_and_restores_survive_sigkill`]: what
/// it does in a loop (`keys`, `backups` or `restores`).
const CHILD_KIND: &str = "CARERS_DESK_CRASH_CHILD_KIND";
/// The administrator's two passphrases, changed back and forth by the `keys` child.
const PASSPHRASES: [&str; 2] = [ADMIN_PASSPHRASE, "demo passphrase two"];

/// Signs in as the administrator with whichever of [`PASSPHRASES`] is current.
fn sign_in_either(desk: &Desk) -> Result<usize, String> {
    let mut last = String::new();
    for (n, p) in PASSPHRASES.iter().enumerate() {
        match desk.call(&util::ctx(), "session_unlock", json!({"username": ADMIN, "passphrase": p})) {
            Ok(_) => return Ok(n),
            Err(e) => last = format!("{e:?}"),
        }
    }
    Err(format!("neither passphrase signs in: {last}"))
}

/// The other kinds of child. Ignored in normal runs; returns at once unless started by the parent.
#[test]
#[ignore = "the child process of key_file_writes_re_keys_backups_and_restores_survive_sigkill"]
fn child_other() {
    let Some(path) = std::env::var_os(CHILD_DB) else { return };
    let path = std::path::PathBuf::from(path);
    let run: u32 = std::env::var(CHILD_RUN).unwrap().parse().unwrap();
    let kind = std::env::var(CHILD_KIND).unwrap();
    let mut out = std::io::stdout().lock();
    let mut ack = |line: String| {
        writeln!(out, "{line}").unwrap();
        out.flush().unwrap();
    };
    let desk = Desk::open(&path).unwrap();
    let ctx = util::ctx();
    let mut current = sign_in_either(&desk).unwrap();
    let fail = |e: carers_desk::ApiError| -> ! {
        println!("ERR {e:?}");
        std::process::exit(3)
    };
    match kind.as_str() {
        // Key file writes and re-keys: a save, a change of the administrator's own passphrase,
        // then an administrator's reset of Sam's (which changes the database key).
        "keys" => {
            for i in 0.. {
                let name = format!("Keys {run} save {i}");
                desk.call(&ctx, "carer_create", util::carer(&name, "Crashtest", "1970-01-01"))
                    .unwrap_or_else(|e| fail(e));
                ack(format!("ACK {name}"));
                let next = 1 - current;
                desk.call(
                    &ctx,
                    "passphrase_change",
                    json!({"current": PASSPHRASES[current], "passphrase": PASSPHRASES[next], "passphrase_again": PASSPHRASES[next]}),
                )
                .unwrap_or_else(|e| fail(e));
                current = next;
                ack(format!("PASSPHRASE {next}"));
                let sam = format!("sam passphrase {run} {i}");
                ack(format!("TRY SAM {sam}"));
                desk.call(&ctx, "staff_set_passphrase", json!({"id": 2, "passphrase": sam, "passphrase_again": sam}))
                    .unwrap_or_else(|e| fail(e));
                ack(format!("SAM {sam}"));
            }
        }
        "backups" => {
            let folder = path.parent().unwrap().join("backups");
            for _ in 0.. {
                let made = desk.call(&ctx, "backup_now", json!({"folder": folder})).unwrap_or_else(|e| fail(e));
                ack(format!("BACKUP {}", made["path"].as_str().unwrap()));
            }
        }
        "restores" => {
            // A backup under the current key (earlier runs changed it), restored again and again.
            let folder = path.parent().unwrap().join("restore-from");
            let made = desk.call(&ctx, "backup_now", json!({"folder": folder})).unwrap_or_else(|e| fail(e));
            let from = made["path"].as_str().unwrap().to_string();
            for i in 0.. {
                desk.call(&ctx, "backup_restore", json!({"path": from})).unwrap_or_else(|e| fail(e));
                ack(format!("RESTORED {i}"));
                sign_in_either(&desk).unwrap();
            }
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn key_file_writes_re_keys_backups_and_restores_survive_sigkill() {
    let kills: u32 = std::env::var("CRASH_OTHER_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(24);
    let seed: u64 = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("crash test (keys, backups, restores): seed {seed} (CRASH_SEED={seed} repeats it), {kills} kills");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite3");
    {
        let d = util::file_desk(&path);
        let sam = util::call(
            &d,
            "staff_create",
            json!({"username": "sam", "name": "Sam", "role": "support_worker",
                   "passphrase": "sam passphrase", "passphrase_again": "sam passphrase"}),
        );
        assert_eq!(sam["id"], 2);
        util::create(&d, "Kept", "Always", "1970-01-01");
        d.close().unwrap();
    }
    let started = Instant::now();
    let mut sam_passphrases = vec!["sam passphrase".to_string()];
    let mut counts = std::collections::BTreeMap::new();
    for run in 0..kills {
        let kind = ["keys", "backups", "restores"][run as usize % 3];
        let plan = match rng.random_range(0..3) {
            0 => KillAfter::Acks(rng.random_range(0..=3)),
            1 => KillAfter::AcksAndDelay(rng.random_range(0..=2), Duration::from_micros(rng.random_range(0..=300_000))),
            _ => KillAfter::Start(Duration::from_micros(rng.random_range(0..=2_000_000))),
        };
        let backups_before = backup_files(&dir.path().join("backups"));
        let (lines, status, stderr) =
            run_child_named(&path, run, &plan, dir.path(), "crash::child_other", &[(CHILD_KIND, kind)]);
        let context = || format!("seed {seed}, run {run} ({kind}), plan {plan:?}");
        assert!(killed(&status), "the child stopped by itself ({status}) at {}: {lines:?} {stderr}", context());
        if let Some(line) = lines.iter().find(|l| l.starts_with("ERR ")) {
            panic!("the child failed at {}: {line}", context());
        }
        *counts.entry(kind).or_insert(0) += lines.len();
        let acked: Vec<String> = lines.iter().filter_map(|l| l.strip_prefix("ACK ")).map(str::to_string).collect();
        // The last one tried is the one being set when killed, or acknowledged.
        let tried: Vec<String> = lines.iter().filter_map(|l| l.strip_prefix("TRY SAM ")).map(str::to_string).collect();
        sam_passphrases.extend(tried);
        let works = check_after_kill(&path, &acked, &sam_passphrases, &backups_before)
            .unwrap_or_else(|problem| panic!("after a kill at {}: {problem}", context()));
        sam_passphrases = vec![works];
    }
    eprintln!(
        "crash test (keys, backups, restores): {kills} kills, acknowledgements {counts:?}, all whole, in {:.1} s (seed {seed})",
        started.elapsed().as_secs_f64()
    );
}

/// The backup files in a folder.
fn backup_files(folder: &Path) -> HashSet<std::path::PathBuf> {
    carers_desk::backup::backups_in(folder).unwrap_or_default().into_iter().collect()
}

/// Opens the register as the next start would (which finishes a re-key or restore a kill
/// interrupted), then checks it and what the child acknowledged. Returns the passphrase Sam
/// signed in with.
fn check_after_kill(
    path: &Path,
    acked: &[String],
    sam_passphrases: &[String],
    backups_before: &HashSet<std::path::PathBuf>,
) -> Result<String, String> {
    let desk = Desk::open(path).map_err(|e| format!("the register does not open: {e:?}"))?;
    let which = sign_in_either(&desk)?;
    let status = desk.call(&util::ctx(), "session_status", json!({})).map_err(|e| e.message)?;
    if !status["key_renewal_due"].is_null() {
        return Err(format!("a re-key is still due after signing in alone: {status}"));
    }
    let found =
        desk.call(&util::ctx(), "carer_search", json!({"query": "crashtest", "limit": 1000})).map_err(|e| e.message)?;
    let names: HashSet<String> =
        found["results"].as_array().unwrap().iter().map(|c| c["first_name"].as_str().unwrap().to_string()).collect();
    for a in acked {
        if !names.contains(a) {
            return Err(format!("the acknowledged save '{a}' is missing"));
        }
    }
    desk.close().map_err(|e| e.message)?;
    drop(desk);
    // Sam's passphrase is the last reset acknowledged, or the one being set when killed.
    // (The list holds the one that worked at the last check, then what this run tried: two
    // runs in a row killed mid-reset must not leave the one that works out of the last two.)
    let mut refusals = Vec::new();
    let sam_works = sam_passphrases.iter().rev().take(2).find(|p| {
        let d = Desk::open(path).unwrap();
        let tried = d.call(&util::ctx(), "session_unlock", json!({"username": "sam", "passphrase": p}));
        let _ = d.close();
        match tried {
            Ok(_) => true,
            Err(e) => {
                refusals.push(format!("{p}: {} {}", e.code, e.message));
                false
            }
        }
    });
    let Some(sam_works) = sam_works.cloned() else {
        return Err(format!("Sam cannot sign in: {refusals:?}"));
    };
    let file = vault::KeyFile::load(&vault::keys_path(path)).map_err(|e| format!("the key file: {e}"))?;
    if file.rekey.is_some() {
        return Err("a re-key is still under way in the key file".into());
    }
    let key = file
        .unlock(file.account(ADMIN).unwrap(), PASSPHRASES[which])
        .map_err(|e| e.to_string())?
        .ok_or("the passphrase that signed in does not open the key file")?;
    let conn = vault::open_encrypted(path, &key).map_err(|e| format!("the register does not open: {e}"))?;
    for pragma in ["integrity_check", "cipher_integrity_check"] {
        let mut stmt = conn.prepare(&format!("PRAGMA {pragma}")).unwrap();
        let rows: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        if !(rows.is_empty() || rows == ["ok"]) {
            return Err(format!("{pragma} found {rows:?}"));
        }
    }
    let kept: i64 = conn.query_row("SELECT count(*) FROM carers WHERE first_name = 'Kept'", [], |r| r.get(0)).unwrap();
    if kept != 1 {
        return Err(format!("{kept} carers called Kept"));
    }
    let chain = audit::verify(&conn).map_err(|e| e.to_string())?;
    if !chain.ok {
        return Err(format!("the audit trail does not verify: {}", chain.message));
    }
    // Every file with a backup's name made in this run is a whole backup.
    let folder = path.parent().unwrap().join("backups");
    for b in backup_files(&folder).difference(backups_before) {
        let v = carers_desk::backup::check_file(b, &key);
        if !v.ok {
            return Err(format!("{} is not a whole backup: {}", b.display(), v.message));
        }
    }
    let left: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.contains(".rekeying") || n.ends_with(".restoring"))
        .collect();
    if !left.is_empty() {
        return Err(format!("left behind: {left:?}"));
    }
    Ok(sam_works)
}
