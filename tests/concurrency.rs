//! Several processes at once on one register: signing in, resetting a passphrase, creating
//! accounts and saving, all through the real CLI binary, round after round.
//!
//! Each round starts, together, three sign-ins (`call app_info`), an administrator's reset of
//! one account's passphrase, the creation of a new account and a save, and waits for all of
//! them. Then:
//! - every process succeeded (none told to "restore the .keys file" because two writers met);
//! - the reset held: the account's new passphrase opens the key file (a sign-in that read the
//!   key file before the reset must not write its old copy back over it);
//! - every account created so far still has its key.
//!
//! `CONCURRENCY_ROUNDS` changes the number of rounds (default 200).

use std::path::Path;
use std::process::{Child, Command, Stdio};

use carers_desk::vault::{self, KeyFile};
use serde_json::{json, Value};

use crate::util::{self, ADMIN, ADMIN_PASSPHRASE};

fn start(db: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"))
        .arg("--db")
        .arg(db)
        .args(["--today", "2026-11-23"])
        .args(args)
        .env_remove("CARERS_DESK_DB")
        .env("CARERS_DESK_USER", ADMIN)
        .env("CARERS_DESK_PASSPHRASE", ADMIN_PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts")
}

#[test]
fn sign_ins_resets_new_accounts_and_saves_at_once_lose_nothing() {
    let rounds: u32 = std::env::var("CONCURRENCY_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.sqlite3");
    let d = util::file_desk(&db);
    let sam = util::call(
        &d,
        "staff_create",
        json!({"username": "sam", "name": "Sam", "role": "support_worker",
               "passphrase": "sam passphrase 0", "passphrase_again": "sam passphrase 0"}),
    )["id"]
        .as_i64()
        .unwrap();
    drop(d);
    let keys = vault::keys_path(&db);
    let mut created = Vec::new();
    for round in 0..rounds {
        let passphrase = format!("sam passphrase {}", round + 1);
        let username = format!("new{round}");
        let reset = json!({"id": sam, "passphrase": passphrase, "passphrase_again": passphrase}).to_string();
        let create = json!({"username": username, "name": format!("New {round}"), "role": "reporting",
                            "passphrase": "reporting passphrase", "passphrase_again": "reporting passphrase"})
        .to_string();
        let save = serde_json::to_string(&util::carer("Round", &format!("Number {round}"), "1980-01-01")).unwrap();
        let mut children: Vec<(String, Child)> = Vec::new();
        for n in 0..3 {
            children.push((format!("sign-in {n}"), start(&db, &["call", "app_info"])));
        }
        children.push(("reset".into(), start(&db, &["call", "staff_set_passphrase", &reset])));
        children.push(("create".into(), start(&db, &["call", "staff_create", &create])));
        children.push(("save".into(), start(&db, &["call", "carer_create", &save])));
        for (what, child) in children {
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "round {round}: {what} failed ({}): {stdout} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        created.push(username);
        let file = KeyFile::load(&keys).unwrap_or_else(|e| panic!("round {round}: the key file: {e}"));
        let entry = file.accounts.iter().find(|a| a.staff_id == sam).unwrap();
        assert!(
            file.unlock(entry, &passphrase).unwrap().is_some(),
            "round {round}: the reset was lost: the new passphrase does not open the key file"
        );
        for u in &created {
            assert!(file.account(u).is_some(), "round {round}: the account {u} lost its key");
        }
    }
    // The old passphrases open nothing; the last one signs in; every save is there.
    let d = carers_desk::Desk::open(&db).unwrap();
    let e = d
        .call(&util::ctx(), "session_unlock", json!({"username": "sam", "passphrase": "sam passphrase 0"}))
        .unwrap_err();
    assert_eq!(e.code, "wrong_passphrase");
    let last = format!("sam passphrase {rounds}");
    d.call(&util::ctx(), "session_unlock", json!({"username": "sam", "passphrase": last})).unwrap();
    let found: Value = d.call(&util::ctx(), "carer_search", json!({"query": "round", "limit": 1})).unwrap();
    assert_eq!(found["total"], rounds);
    // No temporary file was left behind.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".new") || n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
