//! Encryption, sessions, staff accounts, roles and the audit trail.

use std::collections::BTreeSet;
use std::path::Path;

use carers_desk::commands::COMMANDS;
use carers_desk::context::{permits, Access};
use carers_desk::vault::{self, KeyFile};
use carers_desk::{Context, Desk, Role};
use serde_json::{json, Value};

use crate::util::*;

fn status(d: &Desk) -> Value {
    call(d, "session_status", json!({}))
}

fn unlock(d: &Desk, user: &str, passphrase: &str) -> Result<Value, carers_desk::ApiError> {
    d.call(&ctx(), "session_unlock", json!({"username": user, "passphrase": passphrase}))
}

/// Moves the last wrong passphrase far into the past, as if the wait had passed.
fn let_the_wait_pass(path: &Path) {
    let keys = vault::keys_path(path);
    let mut file = KeyFile::load(&keys).unwrap();
    file.last_failure_at = Some(0);
    for f in file.failed.values_mut() {
        f.last_at = Some(0);
    }
    file.save(&keys).unwrap();
}

/// Sets up a new register as `amy` (passphrase "first passphrase"); returns its recovery key.
fn set_up_as_amy(d: &Desk) -> String {
    let begun = call(d, "session_setup_begin", json!({}));
    let key = begun["recovery_key"].as_str().unwrap().to_string();
    let check: serde_json::Map<String, Value> = begun["check_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let g = g.as_u64().unwrap() as usize;
            (g.to_string(), json!(key.split('-').nth(g - 1).unwrap()))
        })
        .collect();
    call(
        d,
        "session_setup_finish",
        json!({"username": "amy", "name": "Amy", "passphrase": "first passphrase", "passphrase_again": "first passphrase", "recovery_check": check}),
    );
    key
}

/// Every file in `dir` (database, -wal, -shm, key file, backups), as bytes.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        } else if p.is_dir() {
            out.extend(files_in(&p));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_new_database_is_set_up_locked_and_unlocked_and_nothing_runs_while_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = Desk::open(&path).unwrap();
    let s = status(&d);
    assert_eq!(s["state"], "setup");
    assert_eq!(s["legacy_plaintext"], false);
    assert_eq!(d.call(&ctx(), "home", json!({})).unwrap_err().code, "locked");

    // The recovery key must be typed back before anything is saved.
    let begun = call(&d, "session_setup_begin", json!({}));
    let key = begun["recovery_key"].as_str().unwrap().to_string();
    let groups: Vec<usize> =
        begun["check_groups"].as_array().unwrap().iter().map(|g| g.as_u64().unwrap() as usize).collect();
    let setup = |check: Value, passphrase: &str| {
        d.call(
            &ctx(),
            "session_setup_finish",
            json!({"organisation": "Test Carers", "username": "amy", "name": "Amy Shah",
                   "passphrase": passphrase, "passphrase_again": passphrase, "recovery_check": check}),
        )
    };
    let group = |n: usize| key.split('-').nth(n - 1).unwrap().to_string();
    let wrong =
        setup(json!({groups[0].to_string(): group(groups[0]), groups[1].to_string(): "ZZZZ"}), "kettle orbit meadow");
    assert_eq!(wrong.unwrap_err().field.as_deref(), Some("recovery_check"));
    let short =
        setup(json!({groups[0].to_string(): group(groups[0]), groups[1].to_string(): group(groups[1])}), "short");
    assert_eq!(short.unwrap_err().field.as_deref(), Some("passphrase"));
    assert!(!path.exists() && !vault::keys_path(&path).exists(), "nothing is written until setup succeeds");
    // Typed in lower case with spaces: still right.
    let typed = json!({groups[0].to_string(): group(groups[0]).to_lowercase(), groups[1].to_string(): format!(" {} ", group(groups[1]))});
    let s = setup(typed, "kettle orbit meadow").unwrap();
    assert_eq!(s["state"], "open");
    assert_eq!(s["user"]["role"], "administrator");
    assert_eq!(s["organisation"], "Test Carers");
    let id = create(&d, "Grace", "Evans", "1990-12-01");

    let s = call(&d, "session_lock", json!({}));
    assert_eq!(s["state"], "locked");
    assert_eq!(s["last_username"], "amy");
    assert_eq!(d.call(&ctx(), "carer_get", json!({"id": id})).unwrap_err().code, "locked");

    let e = unlock(&d, "amy", "kettle orbit meadoW").unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("wrong_passphrase", Some("passphrase")));
    assert!(e.message.starts_with("wrong passphrase"), "{}", e.message);
    let e = unlock(&d, "nobody", "kettle orbit meadow").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("username"));
    // The username is not case-sensitive.
    assert_eq!(unlock(&d, "AMY", "kettle orbit meadow").unwrap()["state"], "open");
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["first_name"], "Grace");

    // A new Desk on the same file (the app restarted) starts locked.
    drop(d);
    let d = Desk::open(&path).unwrap();
    assert_eq!(status(&d)["state"], "locked");
    unlock(&d, "amy", "kettle orbit meadow").unwrap();
    let audit = call(&d, "audit_list", json!({"action": "sign_in"}));
    assert!(audit["entries"].as_array().unwrap().len() >= 2);
}

#[test]
fn wrong_passphrases_make_sign_in_wait_longer_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    drop(file_desk(&path));
    let d = Desk::open(&path).unwrap();
    for _ in 0..2 {
        assert_eq!(unlock(&d, ADMIN, "not the passphrase").unwrap_err().code, "wrong_passphrase");
    }
    // The third wrong one starts a wait, which even the right passphrase must respect.
    let e = unlock(&d, ADMIN, "not the passphrase").unwrap_err();
    assert!(e.message.contains("wait 2 seconds"), "{}", e.message);
    let e = unlock(&d, ADMIN, ADMIN_PASSPHRASE).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("wait", Some("passphrase")));
    assert!(status(&d)["retry_after_seconds"].as_u64().unwrap() > 0);
    let_the_wait_pass(&path);
    let e = unlock(&d, ADMIN, "still not it").unwrap_err();
    assert!(e.message.contains("wait 4 seconds"), "{}", e.message);
    let_the_wait_pass(&path);
    unlock(&d, ADMIN, ADMIN_PASSPHRASE).unwrap();
    // The count starts again, and the audit trail says what happened before.
    assert_eq!(KeyFile::load(&vault::keys_path(&path)).unwrap().failures, 0);
    let entries = call(&d, "audit_list", json!({"action": "sign_in", "limit": 1}));
    assert_eq!(entries["entries"][0]["detail"], "after 4 wrong passphrases");
}

#[test]
fn wrong_passphrases_hold_up_only_their_account_from_every_window_and_never_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = Desk::open(&path).unwrap();
    let recovery = set_up_as_amy(&d);
    call(
        &d,
        "staff_create",
        json!({"username": "sam", "name": "Sam", "role": "support_worker",
               "passphrase": "sam passphrase", "passphrase_again": "sam passphrase"}),
    );
    call(&d, "session_lock", json!({}));
    // Someone guesses at Amy's account from two windows: the tries add up.
    let other = Desk::open(&path).unwrap();
    for desk in [&d, &other] {
        assert_eq!(unlock(desk, "amy", "a guess").unwrap_err().code, "wrong_passphrase");
    }
    let e = unlock(&d, "amy", "another guess").unwrap_err();
    assert!(e.message.contains("wait 2 seconds"), "{}", e.message);
    let e = unlock(&other, "amy", "first passphrase").unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("wait", Some("passphrase")));
    assert!(e.message.contains("for this account") && e.message.contains("recovery key"), "{}", e.message);
    let for_user =
        |u: &str| call(&d, "session_status", json!({"username": u}))["retry_after_seconds"].as_u64().unwrap();
    assert!(for_user("amy") > 0);
    // Sam is not held up by it, in either window.
    assert_eq!(for_user("sam"), 0);
    assert_eq!(unlock(&other, "sam", "sam passphrase").unwrap()["state"], "open");
    call(&other, "session_lock", json!({}));
    assert!(for_user("amy") > 0, "Sam signing in does not end Amy's wait");
    // The recovery key is not held up: Amy sets a new passphrase with it while she waits.
    let recovered = d.call(
        &ctx(),
        "session_recover",
        json!({"recovery_key": recovery, "username": "amy", "passphrase": "second passphrase",
               "passphrase_again": "second passphrase"}),
    );
    assert_eq!(recovered.unwrap()["state"], "open");
    assert_eq!(for_user("amy"), 0, "getting in with the recovery key ends the wait");
    call(&d, "session_lock", json!({}));

    // A last failure far in the future (the clock was wrong, or the file edited) holds nobody
    // up: Amy signs in.
    let keys = vault::keys_path(&path);
    let mut file = KeyFile::load(&keys).unwrap();
    let amy = vault::account_label(file.account("amy").unwrap().staff_id);
    file.failed
        .insert(amy, vault::Failures { count: 4, last_at: Some(vault::unix_now() + 8_203_474_697), recorded: 0 });
    file.save(&keys).unwrap();
    assert_eq!(for_user("amy"), 0);
    assert_eq!(unlock(&d, "amy", "second passphrase").unwrap()["state"], "open");
}

#[test]
fn the_recovery_key_resets_a_forgotten_passphrase_and_changing_one_rewraps_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = Desk::open(&path).unwrap();
    let key = set_up_as_amy(&d);
    let db_size = std::fs::metadata(&path).unwrap().len();
    let before = std::fs::read(&path).unwrap();

    // Changing a passphrase: the current one is checked; the database file is not rewritten.
    let e = d
        .call(
            &ctx(),
            "passphrase_change",
            json!({"current": "wrong", "passphrase": "second passphrase", "passphrase_again": "second passphrase"}),
        )
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("current"));
    call(
        &d,
        "passphrase_change",
        json!({"current": "first passphrase", "passphrase": "second passphrase", "passphrase_again": "second passphrase"}),
    );
    call(&d, "session_sign_out", json!({}));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), db_size);
    assert_eq!(&std::fs::read(&path).unwrap()[..4096], &before[..4096], "the database header is untouched");
    assert_eq!(unlock(&d, "amy", "first passphrase").unwrap_err().code, "wrong_passphrase");

    // Forgotten: the recovery key sets a new one.
    let recover = |recovery: &str| {
        d.call(
            &ctx(),
            "session_recover",
            json!({"recovery_key": recovery, "username": "amy", "passphrase": "third passphrase", "passphrase_again": "third passphrase"}),
        )
    };
    let e = recover("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH").unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("wrong_recovery_key", Some("recovery_key")));
    assert_eq!(recover(&key.to_lowercase().replace('-', " ")).unwrap()["state"], "open");
    call(&d, "session_lock", json!({}));
    assert_eq!(unlock(&d, "amy", "second passphrase").unwrap_err().code, "wrong_passphrase");
    let_the_wait_pass(&path);
    unlock(&d, "amy", "third passphrase").unwrap();

    // The key file holds neither passphrases nor the key in the clear.
    let keys = std::fs::read_to_string(vault::keys_path(&path)).unwrap();
    let raw = KeyFile::load(&vault::keys_path(&path)).unwrap().recover(&key).unwrap().unwrap();
    for secret in ["first passphrase", "second passphrase", "third passphrase", &hex::encode(*raw), &key] {
        assert!(!keys.contains(secret), "the key file holds {secret}");
    }
}

#[test]
fn the_database_and_its_companion_files_hold_nothing_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = file_desk(&path);
    let planted = "Zyxwvutsrq-Planted-7731";
    let mut c = carer("Qwertyuiop", planted, "1980-05-05");
    c["address_line1"] = json!(format!("{planted} Road"));
    let id = call(&d, "carer_create", c)["id"].as_i64().unwrap();
    call(
        &d,
        "note_add",
        json!({"carer_id": id, "date": "22/11/2026", "kind": "visit", "text": format!("Met {planted}")}),
    );
    // While the database is open its write-ahead log holds the latest pages: encrypted too.
    assert!(dir.path().join("carers.sqlite3-wal").exists());
    for (name, bytes) in files_in(dir.path()) {
        for needle in [planted.as_bytes(), b"Qwertyuiop", b"SQLite format 3"] {
            assert!(!contains(&bytes, needle), "{name} holds {}", String::from_utf8_lossy(needle));
        }
    }
    // Debian's sqlite3 cannot read it.
    let out = std::process::Command::new("sqlite3").arg(&path).arg("SELECT count(*) FROM carers").output();
    if let Ok(out) = out {
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a database"), "{out:?}");
    }
}

/// An unencrypted database as an earlier version left it.
fn plaintext_database(path: &Path, planted: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for sql in [
        include_str!("../src-tauri/core/migrations/0001_register.sql"),
        include_str!("../src-tauri/core/migrations/0002_search_speed.sql"),
        include_str!("../src-tauri/core/migrations/0003_assessments.sql"),
        include_str!("../src-tauri/core/migrations/0004_support_plans.sql"),
        include_str!("../src-tauri/core/migrations/0005_young_carers.sql"),
        include_str!("../src-tauri/core/migrations/0006_passports.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 6).unwrap();
    conn.execute(
        "INSERT INTO carers (reference, first_name, last_name, date_of_birth, created_at, created_by, updated_at, updated_by)
         VALUES ('C-000001', 'Olwen', ?1, '1960-03-03', '2025-01-01T00:00:00Z', 'x', '2025-01-01T00:00:00Z', 'x')",
        [planted],
    )
    .unwrap();
}

#[test]
fn an_old_unencrypted_database_is_encrypted_at_setup_and_the_plain_file_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let planted = "Plaintextsurname-5521";
    plaintext_database(&path, planted);
    let d = Desk::open(&path).unwrap();
    let s = status(&d);
    assert_eq!((s["state"].as_str(), s["legacy_plaintext"].as_bool()), (Some("setup"), Some(true)));
    drop(d);
    let d = file_desk(&path);
    // Everything is there, brought up to date, and found by search.
    let found = call(&d, "carer_search", json!({"query": "plaintextsur"}));
    assert_eq!(found["total"], 1);
    assert_eq!(call(&d, "app_info", json!({}))["schema_version"], carers_desk::db::schema_version());
    assert!(!carers_desk::db::is_plaintext(&path));
    let names: BTreeSet<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert!(!names.iter().any(|n| n.contains("plaintext-old") || n.contains("encrypting")), "{names:?}");
    for (name, bytes) in files_in(dir.path()) {
        assert!(!contains(&bytes, planted.as_bytes()), "{name} still holds the plain text");
    }
}

#[test]
fn an_encryption_interrupted_after_the_key_file_was_written_is_finished_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    plaintext_database(&path, "Interrupted");
    // The first steps of setup, as a crash would leave them: the encrypted copy and the key
    // file written, the copy not yet renamed into place.
    let key = vault::random_key();
    let tmp = dir.path().join("old.sqlite3.encrypting");
    carers_desk::session::encrypt_plaintext(&path, &tmp, &key).unwrap();
    let mut file = KeyFile::new(&key, "AAAA-BBBB", vault::Kdf::STANDARD).unwrap();
    {
        // Setup brings the copy up to date and adds the administrator before the key file.
        let conn = carers_desk::db::open(&tmp, &key).unwrap();
        conn.execute(
            "INSERT INTO staff (username, name, role, created_at, updated_at) VALUES ('amy', 'Amy', 'administrator', 'x', 'x')",
            [],
        )
        .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    file.set_account(&key, 1, "amy", "kettle orbit meadow").unwrap();
    file.save(&vault::keys_path(&path)).unwrap();

    let d = Desk::open(&path).unwrap();
    assert!(!tmp.exists());
    assert!(!carers_desk::db::is_plaintext(&path));
    assert!(!dir.path().join("old.sqlite3.plaintext-old").exists(), "the plain file was shredded");
    unlock(&d, "amy", "kettle orbit meadow").unwrap();
    assert_eq!(call(&d, "carer_search", json!({"query": "interrupted"}))["total"], 1);
}

#[test]
fn an_encrypted_database_without_its_key_file_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    drop(file_desk(&path));
    std::fs::rename(vault::keys_path(&path), dir.path().join("elsewhere.keys")).unwrap();
    let e = Desk::open(&path).err().unwrap();
    assert_eq!(e.code, "key_file");
    assert!(e.message.contains("put back the .keys file"), "{}", e.message);
}

/// A signed-in file desk with one account of each role; returns the desk and ids.
fn organisation(path: &Path) -> (Desk, i64, i64, i64) {
    let d = file_desk(path);
    call(&d, "demo_data_load", json!({"carers": 60, "seed": 3}));
    let school = call(&d, "school_save", json!({"name": "Hill Park Academy"}))["id"].as_i64().unwrap();
    let young = create(&d, "Nia", "Young", "2012-02-02");
    call(&d, "school_link_save", json!({"carer_id": young, "school_id": school, "year_group": "9"}));
    let adult = create(&d, "Adele", "Adult", "1970-02-02");
    for (user, role, school_id) in
        [("sam", "support_worker", None), ("pat", "school_staff", Some(school)), ("rory", "reporting", None)]
    {
        call(
            &d,
            "staff_create",
            json!({"username": user, "name": user, "role": role, "school_id": school_id,
                   "passphrase": format!("{user} passphrase"), "passphrase_again": format!("{user} passphrase")}),
        );
    }
    (d, school, young, adult)
}

#[test]
fn staff_sign_in_with_their_own_role_whatever_the_caller_claims() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, school, young, adult) = organisation(&path);
    let admin_ctx = ctx(); // claims to be an administrator: ignored on a file database
    let sign_in = |user: &str| {
        call(&d, "session_sign_out", json!({}));
        unlock(&d, user, &format!("{user} passphrase")).unwrap()
    };

    let s = sign_in("pat");
    assert_eq!(s["user"]["role"], "school_staff");
    assert_eq!(s["user"]["school_name"], "Hill Park Academy");
    let e = d.call(&admin_ctx, "carer_get", json!({"id": adult})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
    let own = d.call(&admin_ctx, "school_get", json!({"id": school})).unwrap();
    assert!(own.to_string().contains("Nia"), "{own}");
    assert!(d.call(&admin_ctx, "settings_update", json!({})).is_err());

    let s = sign_in("rory");
    assert_eq!(s["user"]["role"], "reporting");
    assert_eq!(d.call(&admin_ctx, "carer_search", json!({})).unwrap_err().code, "not_permitted");

    sign_in("sam");
    assert!(d.call(&admin_ctx, "carer_get", json!({"id": young})).is_ok());
    assert_eq!(d.call(&admin_ctx, "staff_list", json!({})).unwrap_err().code, "not_permitted");

    // Who did it is the account, in the audit trail.
    unlock(&d, ADMIN, ADMIN_PASSPHRASE).unwrap();
    let trail = call(&d, "audit_list", json!({"carer_id": young, "command": "carer_get"}));
    assert_eq!(trail["entries"][0]["actor_name"], "sam");
    assert_eq!(trail["entries"][0]["role"], "support_worker");
}

#[test]
fn refused_commands_are_in_the_trail_once_each_without_what_was_sent_and_a_flood_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, _school, young, adult) = organisation(&path);
    let sign_in = |user: &str| {
        call(&d, "session_sign_out", json!({}));
        unlock(&d, user, &format!("{user} passphrase")).unwrap()
    };
    // A school account asks for an adult's record 500 times, the settings once; a reporting
    // account searches the register; a wrong passphrase for Sam; a command while locked.
    sign_in("pat");
    for _ in 0..500 {
        let e = d.call(&ctx(), "carer_get", json!({"id": adult})).unwrap_err();
        assert_eq!(e.code, "not_permitted");
        assert!(!e.message.contains("carer_get"), "no internal name: {}", e.message);
    }
    let e = d.call(&ctx(), "pupil_get", json!({"carer_id": adult})).unwrap_err();
    assert_eq!(e.code, "not_permitted");
    let e = d.call(&ctx(), "settings_update", json!({"organisation_name": "Secret Name"})).unwrap_err();
    assert!(e.message.contains("only an administrator"), "{}", e.message);
    sign_in("rory");
    d.call(&ctx(), "carer_search", json!({"q": "Adele"})).unwrap_err();
    call(&d, "session_sign_out", json!({}));
    assert_eq!(unlock(&d, "sam", "a guess").unwrap_err().code, "wrong_passphrase");
    assert_eq!(d.call(&ctx(), "carer_get", json!({"id": young})).unwrap_err().code, "locked");
    assert_eq!(d.call(&ctx(), "carer_get", json!({"id": young})).unwrap_err().code, "locked");
    unlock(&d, ADMIN, ADMIN_PASSPHRASE).unwrap();

    let trail = call(&d, "audit_list", json!({"action": "refused", "limit": 100}));
    let entries = trail["entries"].as_array().unwrap();
    let seen: Vec<(String, String, String)> = entries
        .iter()
        .rev()
        .map(|e| {
            (
                e["actor_name"].as_str().unwrap().into(),
                e["command"].as_str().unwrap().into(),
                e["detail"].as_str().unwrap().into(),
            )
        })
        .collect();
    let has = |who: &str, command: &str, detail: &str| {
        seen.iter().any(|(w, c, d)| w == who && c == command && d.contains(detail))
    };
    assert!(has("pat", "carer_get", "refused: not open to school staff accounts"), "{seen:?}");
    assert!(has("pat", "carer_get", "499 more times"), "the flood is one more entry: {seen:?}");
    assert!(has("pat", "settings_update", "refused: not open to school staff accounts"), "{seen:?}");
    assert!(has("rory", "carer_search", "refused: not open to reporting accounts"), "{seen:?}");
    assert!(has("nobody signed in", "session_unlock", "refused: 1 wrong passphrase"), "{seen:?}");
    assert!(has("nobody signed in", "carer_get", "nobody was signed in (2 times)"), "{seen:?}");
    assert!(has("pat", "pupil_get", "refused: a record outside the account's school"), "{seen:?}");
    let expected = 7;
    assert_eq!(seen.len(), expected, "one entry per kind of refusal, however many: {seen:?}");
    // Who, which command, which record, why: nothing that was sent.
    let pat_get = entries.iter().rev().find(|e| e["actor_name"] == "pat" && e["command"] == "carer_get").unwrap();
    assert_eq!((pat_get["record_type"].as_str(), pat_get["record_id"].as_i64()), (Some("carer"), Some(adult)));
    let text = trail.to_string();
    for sent in ["Secret Name", "Adele", "a guess", "organisation_name"] {
        assert!(!text.contains(sent), "the trail holds {sent}: {text}");
    }
    let sam = entries.iter().find(|e| e["command"] == "session_unlock").unwrap();
    assert_eq!(sam["record_type"], "staff");
    // The refusals are in the chain like every entry.
    assert_eq!(call(&d, "audit_verify", json!({}))["ok"], true);
    // Written once: signing in again writes no wrong passphrase twice.
    call(&d, "session_sign_out", json!({}));
    unlock(&d, ADMIN, ADMIN_PASSPHRASE).unwrap();
    let again = call(&d, "audit_list", json!({"action": "refused", "limit": 100}));
    assert_eq!(again["entries"].as_array().unwrap().len(), expected);
}

#[test]
fn administrators_manage_accounts_and_there_is_always_one_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, school, _, _) = organisation(&path);
    let staff = call(&d, "staff_list", json!({}));
    let id_of =
        |name: &str| staff.as_array().unwrap().iter().find(|s| s["username"] == name).unwrap()["id"].as_i64().unwrap();
    let (me, sam) = (id_of(ADMIN), id_of("sam"));
    let err = |cmd: &str, args: Value| call_err(&d, cmd, args);

    // Bad input names the field; nothing is saved.
    let e = err(
        "staff_create",
        json!({"username": "sam", "name": "", "role": "school_staff", "passphrase": "x", "passphrase_again": "x"}),
    );
    let fields: BTreeSet<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, BTreeSet::from(["username", "name", "school_id", "passphrase"]));
    let e = err(
        "staff_create",
        json!({"username": "kim", "name": "Kim", "role": "support_worker", "school_id": school, "passphrase": "kim passphrase", "passphrase_again": "kim passphrase"}),
    );
    assert_eq!(e.field.as_deref(), Some("school_id"));
    assert_eq!(call(&d, "staff_list", json!({})).as_array().unwrap().len(), 4);

    // The only administrator can be neither demoted nor switched off.
    let e = err("staff_update", json!({"id": me, "role": "support_worker"}));
    assert_eq!(e.field.as_deref(), Some("role"));
    let e = err("staff_update", json!({"id": me, "active": false}));
    assert_eq!(e.field.as_deref(), Some("active"));

    // Switching someone off removes their key: their passphrase opens nothing.
    let off = call(&d, "staff_update", json!({"id": sam, "active": false}));
    assert_eq!(off["active"], false);
    assert!(KeyFile::load(&vault::keys_path(&path)).unwrap().account("sam").is_none());
    call(&d, "session_sign_out", json!({}));
    assert_eq!(unlock(&d, "sam", "sam passphrase").unwrap_err().field.as_deref(), Some("username"));

    // Switched on again with a new passphrase set by an administrator.
    unlock(&d, ADMIN, ADMIN_PASSPHRASE).unwrap();
    call(&d, "staff_update", json!({"id": sam, "active": true, "role": "administrator"}));
    call(
        &d,
        "staff_set_passphrase",
        json!({"id": sam, "passphrase": "new sam passphrase", "passphrase_again": "new sam passphrase"}),
    );
    call(&d, "session_sign_out", json!({}));
    assert_eq!(unlock(&d, "sam", "new sam passphrase").unwrap()["user"]["role"], "administrator");
    // Now two administrators: one may step down.
    call(&d, "staff_update", json!({"id": me, "role": "support_worker"}));
}

/// Which commands each role may run, written out: a new command, or a command's access
/// changing, must be decided here on purpose.
#[test]
fn every_command_for_every_role() {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 40, "seed": 5}));
    let school = call(&d, "school_save", json!({"name": "Matrix School"}))["id"].as_i64().unwrap();
    let contexts = [
        (Role::Administrator, ctx()),
        (Role::SupportWorker, ctx().with_role(Role::SupportWorker)),
        (Role::Reporting, ctx().with_role(Role::Reporting)),
        (Role::SchoolStaff, Context::school_staff(school, "Pat", today())),
    ];
    let mut allowed: std::collections::BTreeMap<&str, BTreeSet<&str>> = Default::default();
    for c in COMMANDS {
        // Commands that would change the whole database are skipped for roles allowed them
        // (their permission is still checked: a refused role never gets past the choke point).
        for (role, context) in &contexts {
            let heavy = matches!(c.name, "demo_data_load" | "setup_choose");
            let result = if heavy && permits(*role, c.access) {
                continue;
            } else {
                d.call(context, c.name, json!({}))
            };
            let refused = matches!(&result, Err(e) if e.code == "not_permitted");
            assert_eq!(refused, !permits(*role, c.access), "{role:?} {} gave {result:?}", c.name);
            if !refused {
                allowed.entry(role.code()).or_default().insert(c.name);
            }
        }
    }
    // Anyone: version and choice lists, and the session commands (signing in and out, one's own
    // passphrase), which each check for themselves what they need.
    let app: BTreeSet<&str> =
        COMMANDS.iter().filter(|c| matches!(c.access, Access::App | Access::Session)).map(|c| c.name).collect();
    let with =
        |extra: &[&'static str]| -> BTreeSet<&str> { app.iter().copied().chain(extra.iter().copied()).collect() };
    // Reporting: version, choice lists, settings and counts without names.
    assert_eq!(allowed["reporting"], with(&["home_counts", "report_periods", "report_run", "report_export"]));
    let counts = d.call(&contexts[2].1, "home_counts", json!({})).unwrap();
    assert_eq!(counts["recently_viewed"], json!([]));
    assert!(counts["counts"][0]["count"].as_i64().unwrap() > 0);
    // School staff: their school, its young carers' adjustments and the staff summary.
    assert_eq!(
        allowed["school_staff"],
        with(&[
            "school_list",
            "school_get",
            "school_print_summary",
            "adjustment_save",
            "adjustment_end",
            "school_referral_create",
            "school_referral_list",
            "school_referral_get",
            "pupil_get",
            "pupil_note_add"
        ])
    );
    // Support workers: everything but settings, accounts, the audit trail, bulk loads,
    // backups and subject rights.
    let admin_only: BTreeSet<&str> = COMMANDS.iter().filter(|c| c.access == Access::Admin).map(|c| c.name).collect();
    for name in [
        "settings_update",
        "staff_create",
        "audit_list",
        "demo_data_load",
        "support_catalogue_save",
        "import_read",
        "import_dry_run",
        "import_commit",
        "import_mapping_save",
    ] {
        assert!(admin_only.contains(name), "{name} is for administrators");
    }
    assert!(allowed["support_worker"].iter().all(|n| !admin_only.contains(n)));
    assert!(allowed["support_worker"].contains("home_counts"));
    assert_eq!(allowed["administrator"].len() + 2, COMMANDS.len(), "administrators may run everything");
}

#[test]
fn every_access_to_a_person_is_in_the_audit_trail_and_a_failed_one_is_not() {
    let d = desk();
    let id = create(&d, "Grace", "Evans", "1990-12-01");
    call(&d, "carer_get", json!({"id": id}));
    let mut changed = carer("Grace", "Evans", "1990-12-01");
    changed["id"] = json!(id);
    changed["phone"] = json!("020 7946 0018");
    call(&d, "carer_update", changed.clone());
    changed["postcode"] = json!("nonsense");
    let e = call_err(&d, "carer_update", changed);
    assert_eq!(e.field.as_deref(), Some("postcode"));
    call(&d, "carer_close", json!({"id": id, "reason": "moved_away", "date": "20/11/2026"}));
    let path = tempfile::tempdir().unwrap();
    let trail = call(&d, "audit_list", json!({"carer_id": id}));
    let entries = trail["entries"].as_array().unwrap();
    let summary: Vec<(String, String, Value)> = entries
        .iter()
        .rev()
        .map(|e| (e["action"].as_str().unwrap().into(), e["command"].as_str().unwrap().into(), e["fields"].clone()))
        .collect();
    assert_eq!(summary[0], ("create".into(), "carer_create".into(), summary[0].2.clone()));
    assert_eq!(summary[1], ("view".into(), "carer_get".into(), json!([])));
    assert_eq!((summary[2].0.as_str(), summary[2].1.as_str()), ("change", "carer_update"));
    assert_eq!(summary[2].2, json!(["phone"]), "the fields the change really changed");
    assert_eq!(summary.iter().filter(|s| s.1 == "carer_update").count(), 1, "the failed change left no entry");
    assert_eq!(summary[3].0, "close");
    assert!(entries.iter().all(|e| e["actor_id"] == ctx().actor.id));
    let v = call(&d, "audit_verify", json!({}));
    assert_eq!(v["ok"], true, "{v}");
    // A list of a carer's assessments is not "assessment <carer id>".
    call(&d, "assessment_list", json!({"carer_id": id}));
    let listed = call(&d, "audit_list", json!({"command": "assessment_list"}));
    assert_eq!(listed["entries"][0]["record_type"], "assessment");
    assert!(listed["entries"][0]["record_id"].is_null(), "{listed}");
    let note = call(&d, "audit_list", json!({"command": "carer_get", "limit": 1}));
    assert_eq!(note["entries"][0]["record_id"], json!(id));

    // Export: CSV with a header and one line per entry, oldest first.
    let csv_path = path.path().join("audit.csv");
    let out = call(&d, "audit_export", json!({"path": csv_path, "carer_id": id}));
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(text.starts_with("id,at,actor_id,actor_name,role,action,command"));
    assert_eq!(text.lines().count() as u64, out["entries"].as_u64().unwrap() + 1);
    assert!(text.lines().nth(1).unwrap().contains("carer_create"));
    let e = call_err(&d, "audit_list", json!({"from": "30/11/2026", "to": "01/11/2026"}));
    assert_eq!(e.field.as_deref(), Some("to"));
}

#[test]
fn the_audit_trail_cannot_be_changed_even_with_the_key_and_tampering_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = file_desk(&path);
    let id = create(&d, "Grace", "Evans", "1990-12-01");
    call(&d, "carer_get", json!({"id": id}));
    call(&d, "session_sign_out", json!({}));
    drop(d);
    let conn = vault::open_encrypted(&path, &file_key(&path)).unwrap();
    let e = conn.execute("UPDATE audit_log SET actor_name = 'someone else'", []).unwrap_err();
    assert!(e.to_string().contains("cannot be changed"), "{e}");
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET command = 'carer_search' WHERE command = 'carer_get';",
    )
    .unwrap();
    drop(conn);
    let o = crate::cli::cli(&path, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(crate::cli::json(&o)["message"].as_str().unwrap().contains("tampered"));
}

/// Tries while an account must wait are refused unchecked: they do not make the wait longer
/// (pressing Sign in again cannot keep anyone out for longer, and an unchecked guess tells
/// nothing), but each is counted and written to the trail with the wrong passphrases.
#[test]
fn tries_during_a_wait_do_not_lengthen_it_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = Desk::open(&path).unwrap();
    set_up_as_amy(&d);
    call(
        &d,
        "staff_create",
        json!({"username": "sam", "name": "Sam", "role": "support_worker",
               "passphrase": "sam passphrase", "passphrase_again": "sam passphrase"}),
    );
    call(&d, "session_lock", json!({}));
    for guess in ["one", "two", "three"] {
        assert_eq!(unlock(&d, "amy", guess).unwrap_err().code, "wrong_passphrase");
    }
    // Five more wrong passphrases a moment ago (so the wait outlasts this test however slow).
    let keys = vault::keys_path(&path);
    let mut file = KeyFile::load(&keys).unwrap();
    let amy = vault::account_label(file.account("amy").unwrap().staff_id);
    assert_eq!(file.failed[&amy].count, 3);
    file.failed.get_mut(&amy).unwrap().count = 8;
    file.failed.get_mut(&amy).unwrap().last_at = Some(vault::unix_now());
    file.save(&keys).unwrap();
    let before = KeyFile::load(&keys).unwrap().failed[&amy];
    // Amy's right passphrase, and more guesses, while she must wait: refused, not checked.
    for guess in ["first passphrase", "four", "five", "six"] {
        let e = unlock(&d, "amy", guess).unwrap_err();
        assert_eq!(e.code, "wait", "{guess}: {}", e.message);
    }
    let file = KeyFile::load(&keys).unwrap();
    assert_eq!(file.failed[&amy], before, "the wait is neither longer nor started again");
    assert_eq!(file.waited[&amy], 4);
    // The next sign-in (Sam's) writes both to the trail, once.
    unlock(&d, "sam", "sam passphrase").unwrap();
    call(&d, "session_sign_out", json!({}));
    let file = KeyFile::load(&keys).unwrap();
    assert!(file.waited.is_empty(), "{:?}", file.waited);
    let_the_wait_pass(&path);
    unlock(&d, "amy", "first passphrase").unwrap();
    let refused = call(&d, "audit_list", json!({"action": "refused"}));
    let details: Vec<&str> = refused["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["command"] == "session_unlock")
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(
        details[0].starts_with("refused: 8 wrong passphrases")
            && details[0].ends_with("; 4 tries while it had to wait (not checked)"),
        "{}",
        details[0]
    );
}
