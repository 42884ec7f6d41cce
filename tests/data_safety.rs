//! Data safety: the holes a tester found, each closed and kept closed.
//!
//! - no command writes a file over the register, its companion files, its key file, a backup or
//!   anything in the app's data folder, however the path is spelt;
//! - files and folders are private to the user (0600 / 0700 on Unix);
//! - a key file asking for absurd Argon2id settings is refused at once instead of hanging;
//! - names and dates are cleaned and checked (control characters, invisible characters, a
//!   carer younger than 5).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use carers_desk::commands::COMMANDS;
use carers_desk::vault::{self, KeyFile};
use carers_desk::Desk;
use serde_json::{json, Value};

use crate::util::*;

/// Hashes of every file beside the register and in the backup folder: to show nothing changed.
fn snapshot(dirs: &[&Path]) -> BTreeSet<(PathBuf, Vec<u8>)> {
    let mut out = BTreeSet::new();
    for dir in dirs {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                out.insert((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// A register with something in every printable place: a plan, a passport, a school, a young
/// carer with a handover, a backup. Returns the desk and the arguments of every command that
/// writes a file, without the path.
fn printable(path: &Path, backups: &Path) -> (Desk, Vec<(&'static str, Value, &'static str)>) {
    let d = file_desk(path);
    let mut s = call(&d, "settings_get", json!({}));
    s["backup_folder"] = json!(backups);
    call(&d, "settings_update", s);
    let carer = create(&d, "Grace", "Evans", "1970-03-03");
    let plan = call(&d, "plan_create", json!({"carer_id": carer, "light_touch": true}))["id"].clone();
    call(&d, "passport_issue", json!({"carer_id": carer, "kind": "community"}));
    let school = call(&d, "school_save", json!({"name": "Hill Park Academy"}))["id"].clone();
    let young = create(&d, "Kai", "Young", "2009-03-10");
    call(&d, "school_link_save", json!({"carer_id": young, "school_id": school, "year_group": "11"}));
    call(
        &d,
        "handover_save",
        json!({"carer_id": young, "receiving_service": "Adult Carers Hub", "handover_on": "10/03/2027", "consent_to_share": true}),
    );
    call(&d, "backup_now", json!({}));
    let writers = vec![
        ("plan_print", json!({"id": plan}), "path"),
        ("school_print_summary", json!({"id": school}), "path"),
        ("handover_print", json!({"carer_id": young}), "path"),
        ("passports_print", json!({"from": "01/01/2026", "to": "31/12/2026", "layout": "single"}), "path"),
        ("passport_calibration_print", json!({"stock": "c32011"}), "path"),
        ("report_export", json!({"from": "01/04/2026", "to": "30/09/2026", "format": "pdf"}), "path"),
        ("report_export", json!({"from": "01/04/2026", "to": "30/09/2026", "format": "json"}), "path"),
        ("audit_export", json!({}), "path"),
    ];
    (d, writers)
}

/// Every command whose arguments name a file or folder to write, found from the argument
/// schemas: a new one must be added to the tests here (or to the readers) on purpose.
#[test]
fn every_command_that_writes_a_file_is_checked_for_protected_paths() {
    let readers = [
        "import_read",
        "import_values",
        "import_dry_run",
        "import_commit",
        "passport_photo_set",
        "card_logo_set",
        "backup_verify",
        "backup_restore",
    ];
    // Folders: the export goes in a new file or folder inside them, tested on the data folder.
    let folder_writers = ["subject_export", "register_export", "backup_now"];
    let file_writers = [
        "plan_print",
        "school_print_summary",
        "handover_print",
        "passports_print",
        "passport_calibration_print",
        "report_export",
        "audit_export",
    ];
    let mut found = BTreeSet::new();
    for c in COMMANDS {
        let schema = serde_json::to_value(c.args_schema()).unwrap();
        let props = schema["properties"].as_object().cloned().unwrap_or_default();
        if props.keys().any(|k| matches!(k.as_str(), "path" | "folder" | "out")) {
            found.insert(c.name);
        }
    }
    let known: BTreeSet<&str> = readers.iter().chain(&folder_writers).chain(&file_writers).copied().collect();
    assert_eq!(found, known, "a command that takes a path: decide whether it writes, and test it here");
}

#[test]
fn no_print_or_export_overwrites_the_register_its_key_file_or_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("Data");
    let path = data.join("carers.sqlite3");
    let backups = dir.path().join("backups");
    let (d, writers) = printable(&path, &backups);
    let backup = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&path, elsewhere.join("link.pdf")).unwrap();
        std::os::unix::fs::symlink(&data, elsewhere.join("data-link")).unwrap();
    }
    std::fs::hard_link(&path, elsewhere.join("hard.pdf")).unwrap();
    let here = std::env::current_dir().unwrap();
    let relative: PathBuf =
        here.components().skip(1).map(|_| "..").collect::<PathBuf>().join(path.strip_prefix("/").unwrap_or(&path));
    #[cfg_attr(not(unix), allow(unused_mut))] // links are added on Unix only
    let mut targets = vec![
        path.clone(),
        data.join("carers.sqlite3-wal"),
        data.join("carers.sqlite3-shm"),
        vault::keys_path(&path),
        data.join("CARERS.sqlite3"),
        elsewhere.join("../Data/carers.sqlite3"),
        relative,
        elsewhere.join("hard.pdf"),
        backup.clone(),
        vault::keys_path(&backup),
    ];
    #[cfg(unix)]
    targets.extend([elsewhere.join("link.pdf"), elsewhere.join("data-link/carers.sqlite3.keys")]);
    let before = snapshot(&[&data, &backups]);
    for (command, args, field) in &writers {
        for target in &targets {
            let mut args = args.clone();
            args[*field] = json!(target);
            let e = d.call(&ctx(), command, args).expect_err(&format!("{command} wrote {}", target.display()));
            assert_eq!(
                (e.code.as_str(), e.field.as_deref()),
                ("validation", Some(*field)),
                "{command} to {}: {}",
                target.display(),
                e.message
            );
            assert!(e.message.contains("Carers Desk's own files"), "{}", e.message);
        }
    }
    // The database and its WAL move on (the refusals are audited), but nothing was replaced:
    // every file is still there and the key file and backups are byte for byte the same.
    let after = snapshot(&[&data, &backups]);
    let names = |s: &BTreeSet<(PathBuf, Vec<u8>)>| s.iter().map(|(p, _)| p.clone()).collect::<BTreeSet<_>>();
    assert_eq!(names(&before), names(&after));
    for (p, bytes) in &before {
        let unchanged = after.contains(&(p.clone(), bytes.clone()));
        let register = p.file_name().unwrap().to_string_lossy().starts_with("carers.sqlite3")
            && !p.ends_with("carers.sqlite3.keys");
        assert!(unchanged || register, "{} changed", p.display());
        assert!(
            !String::from_utf8_lossy(&std::fs::read(p).unwrap()).starts_with("%PDF"),
            "{} became a PDF",
            p.display()
        );
    }
    // Still the same register, and it still opens.
    drop(d);
    let d = file_desk(&path);
    assert_eq!(call(&d, "carer_search", json!({}))["total"], 2);
    // And the same commands do write elsewhere.
    for (command, args, field) in &writers {
        let mut args = args.clone();
        args[*field] = json!(elsewhere.join(format!("{command}.out")));
        d.call(&ctx(), command, args).unwrap_or_else(|e| panic!("{command}: {e:?}"));
    }
}

#[test]
fn nothing_is_written_in_the_app_data_folder() {
    // The window's data folder (Tauri's app data folder for the app's identifier).
    let Some(data) = dirs::data_dir().map(|d| d.join("org.carersdesk.desktop")) else { return };
    let made = !data.exists();
    std::fs::create_dir_all(&data).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, writers) = printable(&path, &dir.path().join("backups"));
    let before: BTreeSet<PathBuf> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().path()).collect();
    for (command, args, field) in writers {
        let mut args = args.clone();
        args[field] = json!(data.join("out.pdf"));
        let e = d.call(&ctx(), command, args).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{command}: {e:?}");
    }
    let carer = call(&d, "carer_search", json!({}))["results"][0]["id"].clone();
    for (command, args) in [
        ("register_export", json!({"folder": data})),
        ("subject_export", json!({"carer_id": carer, "folder": data})),
        ("report_export", json!({"from": "01/04/2026", "to": "30/09/2026", "format": "csv", "path": data.join("csv")})),
    ] {
        let e = d.call(&ctx(), command, args).unwrap_err();
        assert_eq!(e.code, "validation", "{command}: {e:?}");
    }
    let after: BTreeSet<PathBuf> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(before, after, "nothing new in the data folder");
    if made {
        let _ = std::fs::remove_dir(&data);
    }
}

#[cfg(unix)]
#[test]
fn the_register_its_key_file_backups_and_exports_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |p: &Path| std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/folder/carers.sqlite3");
    let backups = dir.path().join("backups/made");
    let (d, _) = printable(&path, &backups);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let carer = call(&d, "carer_search", json!({}))["results"][0]["id"].clone();
    call(&d, "subject_export", json!({"carer_id": carer, "folder": out}));
    let export = call(&d, "register_export", json!({"folder": out}));
    call(&d, "audit_export", json!({"path": out.join("audit.csv")}));
    call(
        &d,
        "report_export",
        json!({"from": "01/04/2026", "to": "30/09/2026", "format": "csv", "path": out.join("csv")}),
    );
    let mut files = vec![
        path.clone(),
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
        vault::keys_path(&path),
        out.join("audit.csv"),
    ];
    for folder in [&backups, &out, &out.join("csv"), &PathBuf::from(export["folder"].as_str().unwrap())] {
        for e in std::fs::read_dir(folder).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                files.push(p);
            }
        }
    }
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    for folder in [
        dir.path().join("new"),
        dir.path().join("new/folder"),
        dir.path().join("backups"),
        backups.clone(),
        out.join("csv"),
    ] {
        assert_eq!(mode(&folder), 0o700, "{}", folder.display());
    }
    // A register left world-readable by an earlier version is made private when opened.
    drop(d);
    for f in [&path, &vault::keys_path(&path)] {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let d = file_desk(&path);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&vault::keys_path(&path)), 0o600);
    drop(d);
}

#[test]
fn a_key_file_asking_for_absurd_key_settings_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    drop(file_desk(&path));
    let keys = vault::keys_path(&path);
    let good = std::fs::read_to_string(&keys).unwrap();
    for (m_kib, t, p) in [(4 * 1024 * 1024, 1000, 1), (64 * 1024, 1000, 1), (4 * 1024 * 1024, 3, 1), (64 * 1024, 3, 64)]
    {
        let mut file: Value = serde_json::from_str(&good).unwrap();
        file["kdf"] = json!({"m_kib": m_kib, "t": t, "p": p});
        for a in file["accounts"].as_array_mut().unwrap() {
            a["holder"]["secret"].as_object_mut().unwrap().remove("kdf");
        }
        std::fs::write(&keys, serde_json::to_string(&file).unwrap()).unwrap();
        // Through the CLI, with a deadline: on a key file that is not checked this hangs.
        let started = Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"))
            .args(["--db", path.to_str().unwrap(), "call", "app_info"])
            .env("CARERS_DESK_USER", ADMIN)
            .env("CARERS_DESK_PASSPHRASE", ADMIN_PASSPHRASE)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            // Polling a child's exit, not synchronising with it.
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = status.unwrap_or_else(|| panic!("signing in with {m_kib} KiB, {t} passes, {p} lanes hung"));
        let mut out = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
        assert_eq!(status.code(), Some(1), "{out}");
        let e: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(e["code"], "key_file", "{e}");
        assert!(e["message"].as_str().unwrap().contains("key settings outside what Carers Desk accepts"), "{e}");
    }
    std::fs::write(&keys, good).unwrap();
    drop(file_desk(&path));
    // New copies are never wrapped more cheaply than the standard, whatever the file says.
    let mut file = KeyFile::load(&keys).unwrap();
    file.kdf = vault::Kdf { m_kib: 8, t: 1, p: 1 };
    file.save(&keys).unwrap();
    let d = file_desk(&path);
    call(
        &d,
        "passphrase_change",
        json!({"current": ADMIN_PASSPHRASE, "passphrase": "a new passphrase", "passphrase_again": "a new passphrase"}),
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&keys).unwrap()).unwrap();
    assert_eq!(file["accounts"][0]["holder"]["secret"]["kdf"], json!({"m_kib": 65536, "t": 3, "p": 1}), "{file}");
}

#[test]
fn names_are_one_line_without_hidden_characters_and_a_carer_is_at_least_five() {
    let d = desk();
    let today = "2026-11-23";
    let err = |args: Value| call_err(&d, "carer_create", args);
    for (field, value, want) in [
        ("first_name", "Grace\nEvans", "must be on one line"),
        ("last_name", "Ev\r\nans", "must be on one line"),
        ("first_name", "Gra\tce", "must be on one line"),
        ("last_name", "Ev\u{0}ans", "control characters"),
        ("first_name", "\u{202E}ecarG", "control characters"),
        ("date_of_birth", today, "at least 5 years old"),
        ("date_of_birth", "24/11/2021", "at least 5 years old"),
    ] {
        let mut args = carer("Grace", "Evans", "1990-01-01");
        args[field] = json!(value);
        let e = err(args);
        assert_eq!(e.field.as_deref(), Some(field), "{value:?}: {e:?}");
        assert!(e.message.contains(want), "{value:?}: {}", e.message);
    }
    // Five today is fine; invisible characters are taken out; 1984-3-7 is read as 7 March 1984.
    let id = create(&d, "\u{200B}Grace\u{FEFF}", "Ev\u{200B}ans ", "23/11/2021");
    let c = call(&d, "carer_get", json!({"id": id}));
    assert_eq!((c["first_name"].as_str(), c["last_name"].as_str()), (Some("Grace"), Some("Evans")));
    let id = create(&d, "Ada", "Lovelace", "1984-3-7");
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["date_of_birth"], "1984-03-07");
    // Staff names too.
    let e = call_err(
        &d,
        "staff_create",
        json!({"username": "kim", "name": "Kim\nLee", "role": "support_worker", "passphrase": "kim passphrase", "passphrase_again": "kim passphrase"}),
    );
    assert_eq!(e.field.as_deref(), Some("name"));
}

/// The audit entry's hash as Carers Desk computes it (SHA-256 over its fields and the hash
/// before it): what someone rewriting the trail would recompute.
fn entry_hash(row: &[rusqlite::types::Value], prev: &str) -> String {
    use rusqlite::types::Value as V;
    use sha2::Digest;
    let j = |v: &V| match v {
        V::Null => Value::Null,
        V::Integer(i) => json!(i),
        V::Text(t) => json!(t),
        other => panic!("{other:?}"),
    };
    // id, at, actor_id, actor_name, role, action, command, record_type, record_id, carer_id,
    // cared_for_id, fields, detail
    let content = json!([
        j(&row[0]),
        prev,
        j(&row[1]),
        j(&row[2]),
        j(&row[3]),
        j(&row[4]),
        j(&row[5]),
        j(&row[6]),
        j(&row[7]),
        j(&row[8]),
        j(&row[9]),
        j(&row[10]),
        j(&row[11]),
        j(&row[12])
    ]);
    hex::encode(sha2::Sha256::digest(content.to_string().as_bytes()))
}

/// What the tester did with a school account's passphrase: unwrap the key, drop the
/// triggers, remove an entry (renumbering those after it), recompute every hash, put the
/// triggers back. `cut` also removes the newest `cut` entries.
fn rewrite_trail(path: &Path, user: &str, passphrase: &str, remove_command: Option<&str>, cut: usize) {
    let file = KeyFile::load(&vault::keys_path(path)).unwrap();
    let key = file.unlock(file.account(user).unwrap(), passphrase).unwrap().unwrap();
    let conn = vault::open_encrypted(path, &key).unwrap();
    let triggers: Vec<String> = {
        let mut stmt =
            conn.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    let cols = "id, at, actor_id, actor_name, role, action, command, record_type, record_id, carer_id, cared_for_id, fields, detail";
    let mut rows: Vec<Vec<rusqlite::types::Value>> = {
        let mut stmt = conn.prepare(&format!("SELECT {cols} FROM audit_log ORDER BY id")).unwrap();
        stmt.query_map([], |r| {
            (0..13).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    };
    if let Some(command) = remove_command {
        let gone = rows
            .iter()
            .position(|r| r[6] == rusqlite::types::Value::Text(command.into()))
            .unwrap_or_else(|| panic!("no {command} entry"));
        rows.remove(gone);
    }
    rows.truncate(rows.len() - cut);
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log;")
        .unwrap();
    let mut prev = "0".repeat(64);
    for (n, row) in rows.iter_mut().enumerate() {
        row[0] = rusqlite::types::Value::Integer(n as i64 + 1);
        let hash = entry_hash(row, &prev);
        let mut values = row.clone();
        values.push(rusqlite::types::Value::Text(prev.clone()));
        values.push(rusqlite::types::Value::Text(hash.clone()));
        conn.execute(
            &format!("INSERT INTO audit_log ({cols}, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"),
            rusqlite::params_from_iter(values),
        )
        .unwrap();
        prev = hash;
    }
    for t in triggers {
        conn.execute_batch(&t).unwrap();
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
}

fn audit_verify(path: &Path, anchors: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["audit", "verify"];
    for a in anchors {
        args.extend(["--anchor", a]);
    }
    let o = crate::cli::cli(path, &args);
    (o.status.code(), crate::cli::json(&o))
}

#[test]
fn rewriting_the_audit_trail_with_a_passphrase_is_found_by_the_anchors_kept_outside_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let backups = dir.path().join("backups");
    let outside = dir.path().join("sent-to-the-commissioner");
    std::fs::create_dir(&outside).unwrap();
    {
        let d = file_desk(&path);
        let mut s = call(&d, "settings_get", json!({}));
        s["backup_folder"] = json!(backups);
        call(&d, "settings_update", s);
        let school = call(&d, "school_save", json!({"name": "Hill Park Academy"}))["id"].clone();
        call(
            &d,
            "staff_create",
            json!({"username": "pat", "name": "Pat", "role": "school_staff", "school_id": school,
                   "passphrase": "pat passphrase", "passphrase_again": "pat passphrase"}),
        );
        let id = create(&d, "Grace", "Evans", "1970-01-01");
        call(&d, "carer_get", json!({"id": id}));
        call(
            &d,
            "report_export",
            json!({"from": "01/04/2026", "to": "30/09/2026", "format": "json", "path": outside.join("report.json")}),
        );
        call(&d, "backup_now", json!({}));
        call(&d, "note_add", json!({"carer_id": id, "date": "22/11/2026", "kind": "visit", "text": "Visited"}));
        call(&d, "session_sign_out", json!({}));
    }
    let (code, v) = audit_verify(&path, &[]);
    assert_eq!(code, Some(0), "{v}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(outside.join("report.json")).unwrap()).unwrap();
    let printed =
        format!("{}:{}", report["audit_anchor"]["entry"], &report["audit_anchor"]["hash"].as_str().unwrap()[..16]);

    // The view of Grace's record disappears and every hash after it is recomputed: the chain
    // alone is "intact", but the anchor file beside the register remembers.
    rewrite_trail(&path, "pat", "pat passphrase", Some("carer_get"), 0);
    let (code, v) = audit_verify(&path, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert!(v["message"].as_str().unwrap().contains("does not match what was recorded outside it"), "{v}");
    assert!(v["message"].as_str().unwrap().contains("anchor file"), "{v}");
    // The anchor file deleted too: the backup in the backup folder remembers.
    std::fs::remove_file(format!("{}.anchors", path.display())).unwrap();
    let (code, v) = audit_verify(&path, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert!(v["message"].as_str().unwrap().contains("carers-desk-backup-"), "{v}");
    // The backups deleted as well: only what left the office can tell.
    std::fs::remove_dir_all(&backups).unwrap();
    let (code, v) = audit_verify(&path, &[]);
    assert_eq!(code, Some(0), "with every anchor within reach rewritten, the change cannot be seen: {v}");
    let (code, v) = audit_verify(&path, &[outside.join("report.json").to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v}");
    let (code, v) = audit_verify(&path, &[&printed]);
    assert_eq!(code, Some(1), "{v}");
    assert!(v["message"].as_str().unwrap().contains("changed or removed after"), "{v}");
}

#[test]
fn the_newest_entries_cut_off_are_found_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    {
        let d = file_desk(&path);
        let id = create(&d, "Grace", "Evans", "1970-01-01");
        call(&d, "carer_get", json!({"id": id}));
        call(&d, "note_add", json!({"carer_id": id, "date": "22/11/2026", "kind": "visit", "text": "Visited"}));
        call(&d, "session_sign_out", json!({}));
    }
    rewrite_trail(&path, ADMIN, ADMIN_PASSPHRASE, None, 3);
    let (code, v) = audit_verify(&path, &[]);
    assert_eq!(code, Some(1), "{v}");
    // The sign-in before the check has already found it, and written it in the trail (so the
    // newest anchor's entry number is in the trail again, with another hash).
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("the newest entries were removed") || message.contains("changed or removed after"), "{v}");
    let d = file_desk(&path);
    let trail = call(&d, "audit_list", json!({"command": "register_check"}));
    let detail = trail["entries"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("most recent changes are not in it")
            && detail.contains("recorded entry 5")
            && detail.contains("the trail now ends at entry 2"),
        "{detail}"
    );
}

#[test]
fn closing_leaves_no_write_ahead_log_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let d = file_desk(&path);
    create(&d, "Grace", "Evans", "1970-01-01");
    assert!(wal.exists());
    d.close().unwrap();
    // As the app exits: no destructor runs after close.
    std::mem::forget(d);
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "the -wal still holds data");
    // Deleting whatever is left loses nothing.
    let _ = std::fs::remove_file(&wal);
    let d = file_desk(&path);
    assert_eq!(call(&d, "carer_search", json!({}))["total"], 1);
    let trail = call(&d, "audit_list", json!({"command": "session_sign_out"}));
    assert!(!trail["entries"].as_array().unwrap().is_empty(), "closing signs out, audited");
}

/// A register left as a computer that stopped suddenly leaves it: the last changes only in its
/// `-wal` file. Returns the folder with a copy of the register's files (register, `-wal`, key
/// file, anchor file) taken at that moment, and the copy's path.
fn crashed_copy_with_changes_in_the_wal(dir: &Path) -> PathBuf {
    let path = dir.join("carers.sqlite3");
    let d = file_desk(&path);
    create(&d, "Grace", "Evans", "1970-01-01");
    d.close().unwrap();
    drop(d);
    let d = file_desk(&path);
    for (first, last) in [("Ada", "Lovelace"), ("Mary", "Seacole"), ("Edith", "Cavell")] {
        create(&d, first, last, "1970-01-01");
    }
    let copy_dir = dir.join("after-the-crash");
    std::fs::create_dir(&copy_dir).unwrap();
    let copy = copy_dir.join("carers.sqlite3");
    for suffix in ["", "-wal", ".keys", ".anchors"] {
        std::fs::copy(format!("{}{suffix}", path.display()), format!("{}{suffix}", copy.display())).unwrap();
    }
    let wal = std::fs::metadata(format!("{}-wal", copy.display())).unwrap().len();
    assert!(wal > 4096, "the last changes are in the -wal ({wal} bytes)");
    d.close().unwrap();
    copy
}

/// Signs in to `path` as the window does (checking the register), and waits for the check.
fn sign_in_checked(path: &Path) -> (Desk, Value) {
    let d = Desk::open(path).unwrap();
    d.check_on_sign_in();
    call(&d, "session_unlock", json!({"username": ADMIN, "passphrase": ADMIN_PASSPHRASE}));
    let waited = d.wait_for_register_check().expect("the register is checked at sign-in");
    let status = call(&d, "session_status", json!({}));
    assert_eq!(serde_json::to_value(&waited).unwrap(), status["register_check"]);
    (d, status["register_check"].clone())
}

#[test]
fn a_deleted_cut_short_or_damaged_write_ahead_log_is_found_and_said_at_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let copy = crashed_copy_with_changes_in_the_wal(dir.path());
    let wal = PathBuf::from(format!("{}-wal", copy.display()));
    let saved = |d: &Desk| call(d, "carer_search", json!({}))["total"].as_i64().unwrap();

    // As it was: all four carers, and nothing to say.
    let scratch = dir.path().join("as-it-was");
    let as_it_was = copy_register(&copy, &scratch);
    let (d, check) = sign_in_checked(&as_it_was);
    assert_eq!(saved(&d), 4);
    assert_eq!(check, json!({"state": "ok", "findings": []}));
    d.close().unwrap();

    let bytes = std::fs::read(&wal).unwrap();
    let damages: [(&str, Damage); 3] = [
        ("deleted", Box::new(|w: &Path| std::fs::remove_file(w).unwrap())),
        ("cut short", Box::new(move |w: &Path| std::fs::write(w, &bytes[..bytes.len() / 2]).unwrap())),
        (
            "damaged",
            Box::new(|w: &Path| {
                let mut b = std::fs::read(w).unwrap();
                // A byte in the second frame's page: its checksum no longer matches, so SQLite
                // drops that frame and every later one.
                let at = 32 + 24 + 4096 + 24 + 100;
                b[at] ^= 0x5a;
                std::fs::write(w, b).unwrap();
            }),
        ),
    ];
    for (what, damage) in damages {
        let folder = dir.path().join(what.replace(' ', "-"));
        let path = copy_register(&copy, &folder);
        damage(Path::new(&format!("{}-wal", path.display())));
        let (d, check) = sign_in_checked(&path);
        assert!(saved(&d) < 4, "{what}: the last changes were dropped");
        assert_eq!(check["state"], "problems", "{what}: {check}");
        let finding = &check["findings"][0];
        assert_eq!(finding["code"], "changes_lost", "{what}: {check}");
        let message = finding["message"].as_str().unwrap();
        assert!(message.contains("most recent changes are not in it") && message.contains("-wal"), "{message}");
        assert!(!message.contains("restore"), "no one is sent to a backup for this: {message}");
        // Recorded in the trail, for the administrator.
        let trail = call(&d, "audit_list", json!({"command": "register_check"}));
        assert_eq!(trail["entries"][0]["action"], "check", "{what}: {trail}");
        // A later sign-in (the trail has moved on) says nothing more.
        d.close().unwrap();
        drop(d);
        let (d, check) = sign_in_checked(&path);
        assert_eq!(check["state"], "ok", "{what}, signing in again: {check}");
        d.close().unwrap();
    }
}

/// Something done to a `-wal` file.
type Damage = Box<dyn Fn(&Path)>;

/// A copy of a register's files in `folder` (its `-wal` too, if there is one).
fn copy_register(path: &Path, folder: &Path) -> PathBuf {
    std::fs::create_dir_all(folder).unwrap();
    let to = folder.join("carers.sqlite3");
    for suffix in ["", "-wal", ".keys", ".anchors"] {
        let from = format!("{}{suffix}", path.display());
        if Path::new(&from).exists() {
            std::fs::copy(&from, format!("{}{suffix}", to.display())).unwrap();
        }
    }
    to
}

#[test]
fn damage_in_the_register_file_is_found_by_the_check_at_sign_in_and_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = file_desk(&path);
    call(&d, "demo_data_load", json!({"carers": 150, "seed": 4}));
    d.close().unwrap();
    drop(d);
    // Opened once more, as the next day's start: the query planner's statistics are brought up
    // to date then (reading every table), not at the sign-in after the damage.
    file_desk(&path).close().unwrap();
    // A leaf page of the notes table, in the middle: no sign-in reads it.
    let page: i64 = {
        let conn = vault::open_encrypted(&path, &file_key(&path)).unwrap();
        let leaves: Vec<i64> = {
            let mut stmt = conn
                .prepare("SELECT pageno FROM dbstat WHERE name = 'notes' AND pagetype = 'leaf' ORDER BY pageno")
                .unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        assert!(leaves.len() > 4, "{leaves:?}");
        leaves[leaves.len() / 2]
    };
    // One page of the notes table overwritten (a disk fault): SQLCipher's check of that page
    // fails whenever it is read.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = (page as usize - 1) * 4096 + 2000;
    for b in &mut bytes[at..at + 16] {
        *b ^= 0xff;
    }
    std::fs::write(&path, bytes).unwrap();

    // Signing in works (nothing it reads is damaged); the check in the background finds it.
    let (d, check) = sign_in_checked(&path);
    assert_eq!(check["state"], "problems", "{check}");
    assert_eq!(check["findings"][0]["code"], "damaged", "{check}");
    let message = check["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("found damage in the register file") && message.contains("ask your administrator"),
        "{message}"
    );
    let trail = call(&d, "audit_list", json!({"command": "register_check"}));
    assert!(trail["entries"][0]["detail"].as_str().unwrap().starts_with("register check:"), "{trail}");
    // The full check says so too, and is not ok.
    let v = call(&d, "audit_verify", json!({}));
    assert_eq!(v["ok"], false, "{v}");
    assert!(!v["register_problems"].as_array().unwrap().is_empty(), "{v}");
    assert!(v["message"].as_str().unwrap().starts_with("the register file is damaged"), "{v}");
    d.close().unwrap();
}

#[test]
fn the_full_check_in_verify_says_a_sound_register_is_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let d = file_desk(&path);
    create(&d, "Grace", "Evans", "1970-01-01");
    let v = call(&d, "audit_verify", json!({}));
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["register_problems"], json!([]));
    assert!(v["message"].as_str().unwrap().starts_with("the register file is intact and all"), "{v}");
    d.close().unwrap();
}

#[test]
fn the_command_line_tool_signs_out_and_leaves_no_write_ahead_log_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let d = file_desk(&path);
    create(&d, "Grace", "Evans", "1970-01-01");
    d.close().unwrap();
    drop(d);
    let (code, v) = audit_verify(&path, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "the -wal still holds data");
    let d = file_desk(&path);
    let sign_outs = call(&d, "audit_list", json!({"command": "session_sign_out"}));
    assert_eq!(sign_outs["entries"].as_array().unwrap().len(), 2, "the window's and the tool's: {sign_outs}");
    d.close().unwrap();
}
