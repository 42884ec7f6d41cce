//! Backups: made, verified, listed, pruned and restored.

use std::path::{Path, PathBuf};
use std::process::Command;

use carers_desk::{db, session, vault, Context, Desk};
use serde_json::{json, Value};

use crate::util::{self, call, call_err, file_desk, file_key, ADMIN, ADMIN_PASSPHRASE};

/// Sends the backup settings (the rest as they are).
fn set_backups(d: &Desk, folder: &Path, keep: u32) {
    let mut s = call(d, "settings_get", json!({}));
    s["backup_folder"] = json!(folder);
    s["backup_keep"] = json!(keep);
    call(d, "settings_update", s);
}

fn path_of(v: &Value) -> PathBuf {
    PathBuf::from(v["path"].as_str().unwrap())
}

fn count(path: &Path, key: &[u8; 32], sql: &str) -> i64 {
    vault::open_encrypted(path, key).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every file under `dir`, however deep.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_backup_is_made_listed_verified_and_pruned_to_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("desk.sqlite3");
    let d = file_desk(&db_path);
    for name in ["Ada", "Bea", "Cy"] {
        util::create(&d, name, "Backup", "1970-01-01");
    }
    let folder = dir.path().join("backups");
    set_backups(&d, &folder, 3);
    std::fs::create_dir_all(&folder).unwrap();
    // Files in the folder that are not backups are never touched.
    for other in ["notes.txt", "carers-desk-backup-mine.sqlite3", "carers-desk.sqlite3"] {
        std::fs::write(folder.join(other), b"keep me").unwrap();
    }

    let first = call(&d, "backup_now", json!({}));
    let first_path = path_of(&first);
    assert_eq!(first_path.parent().unwrap(), folder);
    let name = first_path.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("carers-desk-backup-") && name.ends_with(".sqlite3") && name.len() == 42, "{name}");
    assert_eq!(first["verified"], true);
    assert_eq!(first["bytes"].as_u64().unwrap(), std::fs::metadata(&first_path).unwrap().len());
    assert_eq!(first["counts"]["carers"], 3);
    assert_eq!(first["counts"]["staff"], 1);
    assert!(first["counts"]["audit_entries"].as_i64().unwrap() > 3);
    // The key file sits beside it, as it was.
    assert_eq!(
        std::fs::read(vault::keys_path(&first_path)).unwrap(),
        std::fs::read(vault::keys_path(&db_path)).unwrap()
    );
    // One file: no -wal or -shm beside it, no temporary file left.
    let listed: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!listed.iter().any(|n| n.ends_with("-wal") || n.ends_with("-shm") || n.contains(".partial")), "{listed:?}");

    let v = call(&d, "backup_verify", json!({ "path": first_path }));
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["quick_check"], "ok");
    assert_eq!(v["cipher_integrity_check"], "ok");
    assert_eq!(v["schema_version"].as_u64().unwrap() as usize, db::schema_version());
    assert_eq!(v["counts"], first["counts"]);
    assert_eq!(v["made_at"], first["made_at"]);
    assert_eq!(v["keys_file"].as_str().unwrap(), vault::keys_path(&first_path).to_str().unwrap());
    assert_eq!(call(&d, "settings_get", json!({}))["last_backup_at"], first["made_at"]);

    let mut made = vec![first_path.clone()];
    for _ in 0..4 {
        made.push(path_of(&call(&d, "backup_now", json!({}))));
    }
    let list = call(&d, "backup_list", json!({}));
    assert_eq!(list["folder"].as_str().unwrap(), folder.to_str().unwrap());
    assert_eq!(list["keep"], 3);
    let kept: Vec<PathBuf> = list["backups"].as_array().unwrap().iter().map(path_of).collect();
    let newest: Vec<PathBuf> = made.iter().rev().take(3).cloned().collect();
    assert_eq!(kept, newest, "the newest three, newest first");
    for b in list["backups"].as_array().unwrap() {
        assert_eq!(b["bytes"].as_u64().unwrap(), std::fs::metadata(path_of(b)).unwrap().len());
        assert!(b["made_at"].as_str().unwrap().len() >= 19);
        assert_eq!(b["file_name"].as_str().unwrap(), path_of(b).file_name().unwrap().to_str().unwrap());
    }
    for old in &made[..2] {
        assert!(!old.exists() && !vault::keys_path(old).exists(), "{} was pruned with its key file", old.display());
    }
    let mut in_folder: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    in_folder.sort();
    assert_eq!(in_folder.len(), 3 * 2 + 3, "{in_folder:?}");
    for other in ["notes.txt", "carers-desk-backup-mine.sqlite3", "carers-desk.sqlite3"] {
        assert_eq!(std::fs::read(folder.join(other)).unwrap(), b"keep me");
    }

    // Each backup is in the audit trail as an export, naming the file.
    let trail = call(&d, "audit_list", json!({ "command": "backup_now" }));
    let entries = trail["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    assert!(entries.iter().all(|e| e["action"] == "export"));
    assert_eq!(entries[0]["detail"].as_str().unwrap(), made[4].file_name().unwrap().to_str().unwrap());

    // Another folder for one backup (the CLI's --to).
    let elsewhere = dir.path().join("usb stick");
    let there = call(&d, "backup_now", json!({ "folder": elsewhere }));
    assert_eq!(path_of(&there).parent().unwrap(), elsewhere);
    assert_eq!(call(&d, "backup_list", json!({}))["backups"].as_array().unwrap().len(), 3);
}

#[test]
fn nothing_readable_in_the_database_its_companions_or_backups_and_sqlite3_cannot_open_them() {
    const PLANTED: &str = "Zestwhistle-Quillonby";
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("desk.sqlite3");
    let d = file_desk(&db_path);
    set_backups(&d, &dir.path().join("backups"), 5);
    let id = util::create(&d, "Marigold", PLANTED, "1970-01-01");
    call(
        &d,
        "note_add",
        json!({ "carer_id": id, "date": "23/11/2026", "kind": "phone", "text": format!("rang {PLANTED} about respite") }),
    );
    let backup = path_of(&call(&d, "backup_now", json!({})));
    // The record is really there, under the encryption.
    let key = file_key(&db_path);
    let sql = format!("SELECT count(*) FROM carers WHERE last_name = '{PLANTED}'");
    assert_eq!(count(&db_path, &key, &sql), 1);
    assert_eq!(count(&backup, &key, &sql), 1);

    let needles: Vec<Vec<u8>> = vec![
        PLANTED.as_bytes().to_vec(),
        PLANTED.to_lowercase().into_bytes(),
        PLANTED.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
        b"Quillonby".to_vec(),
    ];
    let scan = |when: &str| {
        let all = files(dir.path());
        assert!(
            all.iter().any(|p| p.to_string_lossy().ends_with("-wal")),
            "{when}: the WAL should be there while open"
        );
        for f in &all {
            let bytes = std::fs::read(f).unwrap();
            for n in &needles {
                assert!(
                    !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                    "{when}: {} holds the planted name in the clear",
                    f.display()
                );
            }
        }
    };
    scan("while open");
    // A restore leaves the replaced database and a fresh file: scan those too.
    call(&d, "backup_restore", json!({ "path": backup }));
    call(&d, "session_unlock", json!({ "username": ADMIN, "passphrase": ADMIN_PASSPHRASE }));
    call(&d, "carer_get", json!({ "id": id }));
    scan("after a restore");
    drop(d);
    let all = files(dir.path());
    assert!(all.len() >= 5, "{all:?}");
    for f in &all {
        let bytes = std::fs::read(f).unwrap();
        for n in &needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                "closed: {} holds the planted name",
                f.display()
            );
        }
    }

    // Debian's sqlite3 (no SQLCipher) sees no database in either file.
    for f in [&db_path, &backup] {
        let out = std::process::Command::new("sqlite3")
            .arg(f)
            .arg("SELECT count(*) FROM sqlite_master;")
            .output()
            .expect("the sqlite3 command-line tool is needed for this test: apt-get install sqlite3");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("file is not a database"), "sqlite3 on {}: {err}", f.display());
    }
}

#[test]
fn a_restore_brings_back_the_backup_and_keeps_the_replaced_database() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("desk.sqlite3");
    let d = file_desk(&db_path);
    set_backups(&d, &dir.path().join("backups"), 5);
    let before = util::create(&d, "Before", "Restore", "1970-01-01");
    let made = call(&d, "backup_now", json!({}));
    let backup = path_of(&made);
    // Work after the backup.
    util::create(&d, "After", "Restore", "1980-01-01");
    call(&d, "carer_close", json!({ "id": before, "reason": "moved_away", "date": "20/11/2026" }));

    let preview = call(&d, "backup_verify", json!({ "path": backup }));
    assert_eq!(preview["ok"], true);
    assert_eq!(preview["counts"]["carers"], 1);

    let out = call(&d, "backup_restore", json!({ "path": backup }));
    assert_eq!(out["restored_from"].as_str().unwrap(), backup.to_str().unwrap());
    let kept = PathBuf::from(out["replaced_kept_at"].as_str().unwrap());
    assert!(kept.file_name().unwrap().to_str().unwrap().starts_with("desk.sqlite3.replaced-"), "{}", kept.display());
    // Locked: everyone signs in again.
    assert_eq!(call(&d, "session_status", json!({}))["state"], "locked");
    assert_eq!(call_err(&d, "carer_get", json!({ "id": before })).code, "locked");
    call(&d, "session_unlock", json!({ "username": ADMIN, "passphrase": ADMIN_PASSPHRASE }));
    let rec = call(&d, "carer_get", json!({ "id": before }));
    assert_eq!(rec["status"], "open", "the backup's state of the record is back");
    let key = file_key(&db_path);
    assert_eq!(count(&db_path, &key, "SELECT count(*) FROM carers"), 1);
    // The replaced database is kept, whole, with what was done after the backup.
    assert_eq!(count(&kept, &key, "SELECT count(*) FROM carers"), 2);
    assert_eq!(count(&kept, &key, "SELECT count(*) FROM carers WHERE status = 'closed'"), 1);
    assert!(vault::keys_path(&kept).exists());
    // The restore is in both audit trails: the replaced database's (the last thing it
    // recorded) and the restored one's (the first thing after the backup); both verify.
    assert_eq!(count(&kept, &key, "SELECT count(*) FROM audit_log WHERE command = 'backup_restore'"), 1);
    assert_eq!(count(&db_path, &key, "SELECT count(*) FROM audit_log WHERE command = 'backup_restore'"), 1);
    assert_eq!(call(&d, "audit_verify", json!({}))["ok"], true);
    // The backup itself is unchanged and can be restored again.
    assert_eq!(call(&d, "backup_verify", json!({ "path": backup }))["counts"], made["counts"]);
}

#[test]
fn a_restore_refuses_a_backup_made_with_another_key_or_damaged_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours/desk.sqlite3");
    let theirs = dir.path().join("theirs/desk.sqlite3");
    let d = file_desk(&ours);
    set_backups(&d, &dir.path().join("ours/backups"), 5);
    util::create(&d, "Ours", "Only", "1970-01-01");
    let other = file_desk(&theirs);
    set_backups(&other, &dir.path().join("theirs/backups"), 5);
    let foreign = path_of(&call(&other, "backup_now", json!({})));

    let e = call_err(&d, "backup_restore", json!({ "path": foreign }));
    assert_eq!(e.field.as_deref(), Some("path"), "{e:?}");
    assert_eq!(e.code, "wrong_key");
    assert!(e.message.contains("earlier key") && e.message.contains("recovery key"), "{}", e.message);
    assert_eq!(call(&d, "session_status", json!({}))["state"], "open");
    let v = call(&d, "backup_verify", json!({ "path": foreign }));
    assert_eq!(v["ok"], false);
    assert!(v["quick_check"].is_null());
    assert_eq!(v["needs_recovery_key"], false, "another organisation's backup: {v}");
    assert!(v["message"].as_str().unwrap().contains("another key"), "{v}");

    // A damaged backup: a page in the middle overwritten.
    let good = path_of(&call(&d, "backup_now", json!({})));
    let damaged = dir.path().join("ours/damaged.sqlite3");
    let mut bytes = std::fs::read(&good).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0xa5;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let v = call(&d, "backup_verify", json!({ "path": damaged }));
    assert_eq!(v["ok"], false, "{v}");
    assert_ne!(v["cipher_integrity_check"], "ok", "{v}");
    let e = call_err(&d, "backup_restore", json!({ "path": damaged }));
    assert_eq!(e.field.as_deref(), Some("path"), "{e:?}");

    let missing = dir.path().join("ours/nothing.sqlite3");
    assert_eq!(call_err(&d, "backup_verify", json!({ "path": missing })).field.as_deref(), Some("path"));
    assert_eq!(call_err(&d, "backup_restore", json!({ "path": missing })).field.as_deref(), Some("path"));
    assert_eq!(call_err(&d, "backup_restore", json!({ "path": ours })).field.as_deref(), Some("path"));

    // Nothing changed, and nothing was left beside the database.
    assert_eq!(call(&d, "carer_search", json!({ "query": "Ours" }))["total"], 1);
    let beside: Vec<String> = std::fs::read_dir(ours.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("replaced") || n.contains("restoring"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn the_automatic_backup_is_made_once_a_day_by_anyone_working_with_records() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("desk.sqlite3");
    let d = file_desk(&db_path);
    set_backups(&d, &dir.path().join("backups"), 5);
    let today = chrono::Local::now().date_naive();
    let on = |day: chrono::NaiveDate| Context::desktop(day);

    let first = d.call(&on(today), "backup_auto", json!({})).unwrap();
    assert_eq!(first["made"], true, "{first}");
    assert_eq!(first["backup"]["verified"], true);
    assert!(path_of(&first["backup"]).exists());
    let again = d.call(&on(today), "backup_auto", json!({})).unwrap();
    assert_eq!(again["made"], false);
    assert!(again["backup"].is_null());
    assert!(again["reason"].as_str().unwrap().contains("today"), "{again}");
    let tomorrow = d.call(&on(today.succ_opt().unwrap()), "backup_auto", json!({})).unwrap();
    assert_eq!(tomorrow["made"], true);
    assert_eq!(call(&d, "backup_list", json!({}))["backups"].as_array().unwrap().len(), 2);

    // A support worker's sign-in triggers it too; reporting and school staff cannot run it.
    for (username, role) in [("sam", "support_worker"), ("rory", "reporting")] {
        call(
            &d,
            "staff_create",
            json!({ "username": username, "name": username, "role": role,
                    "passphrase": "a long passphrase", "passphrase_again": "a long passphrase" }),
        );
    }
    call(&d, "session_unlock", json!({ "username": "sam", "passphrase": "a long passphrase" }));
    assert_eq!(d.call(&on(today), "backup_auto", json!({})).unwrap()["made"], false);
    assert_eq!(d.call(&on(today), "backup_now", json!({})).unwrap_err().code, "not_permitted");
    assert_eq!(d.call(&on(today), "backup_list", json!({})).unwrap_err().code, "not_permitted");
    assert_eq!(d.call(&on(today), "backup_restore", json!({ "path": "x" })).unwrap_err().code, "not_permitted");
    call(&d, "session_unlock", json!({ "username": "rory", "passphrase": "a long passphrase" }));
    assert_eq!(d.call(&on(today), "backup_auto", json!({})).unwrap_err().code, "not_permitted");

    // A database in memory has nothing to back up.
    let mem = util::desk();
    assert_eq!(call(&mem, "backup_auto", json!({}))["made"], false);
    assert_eq!(call_err(&mem, "backup_now", json!({})).code, "conflict");
}

#[test]
fn disaster_recovery_restores_a_backup_with_the_recovery_key_and_never_an_old_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("desk.sqlite3");
    let (d, recovery) = util::file_desk_and_recovery_key(&db_path);
    let recovery = recovery.unwrap();
    set_backups(&d, &dir.path().join("backups"), 5);
    util::create(&d, "Saved", "Bybackup", "1970-01-01");
    let backup = path_of(&call(&d, "backup_now", json!({})));
    drop(d);
    // The computer is lost: no database, no key file.
    for f in files(dir.path()).into_iter().filter(|f| !f.starts_with(dir.path().join("backups"))) {
        std::fs::remove_file(f).unwrap();
    }
    let wrong =
        session::restore_with_recovery_key(&db_path, &backup, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH").unwrap_err();
    assert_eq!(carers_desk::ApiError::from(wrong).code, "wrong_recovery_key");
    assert!(!db_path.exists());
    let out = session::restore_with_recovery_key(&db_path, &backup, &recovery).unwrap();
    assert!(out["replaced_kept_at"].is_null());
    let d = file_desk(&db_path);
    assert_eq!(call(&d, "carer_search", json!({ "query": "Bybackup" }))["total"], 1);
    let trail = call(&d, "audit_list", json!({ "action": "restore" }));
    assert_eq!(trail["entries"][0]["actor_name"], "the organisation's recovery key");
    drop(d);

    // Over another organisation's register: its recovery key is not this one, so nothing changes.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let new_db = other.join("desk.sqlite3");
    drop(file_desk(&new_db));
    let new_key = file_key(&new_db);
    let e = session::restore_with_recovery_key(&new_db, &backup, &recovery).unwrap_err();
    assert_eq!(carers_desk::ApiError::from(e).code, "wrong_recovery_key");
    assert_eq!(*file_key(&new_db), *new_key);
    assert_eq!(count(&new_db, &new_key, "SELECT count(*) FROM carers"), 0);
}

#[test]
fn the_cli_backs_up_verifies_and_restores_even_after_the_database_is_lost() {
    use crate::cli::{cli, json};
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("desk.sqlite3");
    let (d, recovery) = util::file_desk_and_recovery_key(&db_path);
    let recovery = recovery.unwrap();
    set_backups(&d, &dir.path().join("backups"), 5);
    util::create(&d, "Kept", "Clibackup", "1970-01-01");
    drop(d);
    // `restore --recovery-key`, nobody signed in.
    let with_recovery_key = |backup: &Path| {
        Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"))
            .arg("--db")
            .arg(&db_path)
            .args(["restore", "--recovery-key"])
            .arg(backup)
            .env_remove("CARERS_DESK_DB")
            .env_remove("CARERS_DESK_USER")
            .env_remove("CARERS_DESK_PASSPHRASE")
            .env("CARERS_DESK_RECOVERY_KEY", &recovery)
            .output()
            .unwrap()
    };

    let usb = dir.path().join("usb");
    let o = cli(&db_path, &["backup", "--to", usb.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let backup = path_of(&json(&o));
    assert_eq!(backup.parent().unwrap(), usb);
    let o = cli(&db_path, &["backup"]);
    assert!(o.status.success());
    assert_eq!(path_of(&json(&o)).parent().unwrap(), dir.path().join("backups"));

    let o = cli(&db_path, &["verify", backup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["ok"], true);
    assert_eq!(json(&o)["counts"]["carers"], 1);
    let damaged = dir.path().join("damaged.sqlite3");
    let mut bytes = std::fs::read(&backup).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 32].fill(0);
    std::fs::write(&damaged, bytes).unwrap();
    let o = cli(&db_path, &["verify", damaged.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["ok"], false);

    // Work after the backup, then restore: the work is gone from the database, kept aside.
    let d = file_desk(&db_path);
    util::create(&d, "Later", "Clirestore", "1980-01-01");
    drop(d);
    let o = cli(&db_path, &["restore", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let kept = PathBuf::from(json(&o)["replaced_kept_at"].as_str().unwrap());
    assert!(kept.exists());
    let d = file_desk(&db_path);
    assert_eq!(call(&d, "carer_search", json!({ "query": "Clirestore" }))["total"], 0);
    assert_eq!(call(&d, "carer_search", json!({ "query": "Clibackup" }))["total"], 1);
    drop(d);

    // Disaster: the database and its key file are lost; the backup and its .keys remain.
    for f in files(dir.path()).into_iter().filter(|f| f.parent() == Some(dir.path())) {
        std::fs::remove_file(f).unwrap();
    }
    let o = cli(&db_path, &["restore", backup.to_str().unwrap()]);
    assert!(!o.status.success(), "no register to sign in to: an administrator's restore cannot run");
    let o = with_recovery_key(&backup);
    assert!(o.status.success(), "{} {}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let d = file_desk(&db_path);
    assert_eq!(call(&d, "carer_search", json!({ "query": "Clibackup" }))["total"], 1);
    drop(d);

    // Over a new organisation's database, set up with another key by someone else: this
    // recovery key does not open it, so it is not replaced.
    for f in files(dir.path()).into_iter().filter(|f| f.parent() == Some(dir.path())) {
        std::fs::remove_file(f).unwrap();
    }
    let o = Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"))
        .arg("--db")
        .arg(&db_path)
        .args(["init", "--admin", "someone", "--name", "Someone Else"])
        .env("CARERS_DESK_PASSPHRASE", "another long passphrase")
        .output()
        .unwrap();
    assert!(o.status.success());
    let before = std::fs::read(&db_path).unwrap();
    let o = with_recovery_key(&backup);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(json(&o)["code"], "wrong_recovery_key");
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
}
