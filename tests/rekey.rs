//! Re-keying: switching an account off or resetting its passphrase changes the database key,
//! so a copy of an older key file and the old passphrase open nothing current; everyone else
//! (and the recovery key) keeps access without typing anything.

use std::path::Path;

use carers_desk::vault::{self, KeyFile};
use carers_desk::Desk;
use serde_json::{json, Value};

use crate::util::*;

/// A register set up through the window's steps, signed in as [`ADMIN`], with its recovery key.
fn set_up(path: &Path) -> (Desk, String) {
    let (d, key) = file_desk_and_recovery_key(path);
    (d, key.expect("a new register is set up, with its recovery key"))
}

fn add_staff(d: &Desk, username: &str, role: &str, passphrase: &str) -> i64 {
    call(
        d,
        "staff_create",
        json!({"username": username, "name": username, "role": role, "passphrase": passphrase, "passphrase_again": passphrase}),
    )["id"]
        .as_i64()
        .unwrap()
}

/// The database key an old copy of the key file gives for this passphrase.
fn key_from(file: &KeyFile, user: &str, passphrase: &str) -> vault::Key {
    file.unlock(file.account(user).unwrap(), passphrase).unwrap().unwrap()
}

fn unlock(path: &Path, user: &str, passphrase: &str) -> Result<Desk, carers_desk::ApiError> {
    let d = Desk::open(path).unwrap();
    d.call(&ctx(), "session_unlock", json!({"username": user, "passphrase": passphrase}))?;
    Ok(d)
}

fn status(d: &Desk) -> Value {
    call(d, "session_status", json!({}))
}

#[test]
fn switching_an_account_off_changes_the_database_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, recovery) = set_up(&path);
    let sam = add_staff(&d, "sam", "support_worker", "sam passphrase");
    add_staff(&d, "rory", "reporting", "rory passphrase");
    let grace = create(&d, "Grace", "Evans", "1970-01-01");
    // What Sam could keep: a copy of the key file, and their passphrase.
    let kept = KeyFile::load(&vault::keys_path(&path)).unwrap();
    let old_key = key_from(&kept, "sam", "sam passphrase");
    assert!(vault::open_encrypted(&path, &old_key).is_ok());

    call(&d, "staff_update", json!({"id": sam, "active": false}));
    assert_eq!(status(&d)["key_renewal_due"], Value::Null, "{}", status(&d));
    // Sam's old key opens nothing current, whichever key file they use.
    let e = vault::open_encrypted(&path, &old_key).expect_err("the old key still opens the register");
    assert_eq!(carers_desk::ApiError::from(e).code, "wrong_key");
    let file = KeyFile::load(&vault::keys_path(&path)).unwrap();
    assert!(file.account("sam").is_none());
    assert!(file.rekey.is_none(), "no re-key left under way");
    // The admin's session goes on under the new key, and so does everyone else's sign-in.
    call(&d, "note_add", json!({"carer_id": grace, "date": "22/11/2026", "kind": "visit", "text": "Visited"}));
    drop(d);
    for (user, passphrase) in [(ADMIN, ADMIN_PASSPHRASE), ("rory", "rory passphrase")] {
        let d = unlock(&path, user, passphrase).unwrap_or_else(|e| panic!("{user}: {e:?}"));
        d.close().unwrap();
    }
    assert_eq!(unlock(&path, "sam", "sam passphrase").err().unwrap().field.as_deref(), Some("username"));
    let d = Desk::open(&path).unwrap();
    let back = d.call(
        &ctx(),
        "session_recover",
        json!({"recovery_key": recovery, "username": ADMIN, "passphrase": "a new admin passphrase",
               "passphrase_again": "a new admin passphrase"}),
    );
    assert_eq!(back.unwrap()["state"], "open");
    // Nothing was lost, and the trail says what happened.
    let c = call(&d, "carer_get", json!({"id": grace}));
    assert_eq!(c["first_name"], "Grace");
    assert_eq!(call(&d, "note_list", json!({"carer_id": grace})).as_array().map(Vec::len), Some(1));
    let trail = call(&d, "audit_list", json!({"action": "rekey"}));
    let detail = trail["entries"][0]["detail"].as_str().unwrap().to_string();
    assert_eq!(detail, format!("new database key (account {sam} switched off)"));
    assert_eq!(call(&d, "audit_verify", json!({}))["ok"], true);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(!names.iter().any(|n| n.contains("rekeying")), "{names:?}");
}

#[test]
fn an_administrator_resetting_a_passphrase_changes_the_database_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, _) = set_up(&path);
    let rory = add_staff(&d, "rory", "reporting", "rory passphrase");
    let kept = KeyFile::load(&vault::keys_path(&path)).unwrap();
    let old_key = key_from(&kept, "rory", "rory passphrase");
    call(
        &d,
        "staff_set_passphrase",
        json!({"id": rory, "passphrase": "rory passphrase two", "passphrase_again": "rory passphrase two"}),
    );
    assert!(vault::open_encrypted(&path, &old_key).is_err(), "the old passphrase's key still opens the register");
    // With the old key file the old passphrase still unwraps: only the old key, for old copies.
    assert_eq!(*key_from(&kept, "rory", "rory passphrase"), *old_key);
    drop(d);
    assert_eq!(unlock(&path, "rory", "rory passphrase").err().unwrap().code, "wrong_passphrase");
    unlock(&path, "rory", "rory passphrase two").unwrap();
    // A passphrase changed by its owner does not change the database key (nobody lost access)
    // but gives a new key pair: the old secret is not given later keys.
    let d = unlock(&path, ADMIN, ADMIN_PASSPHRASE).unwrap();
    let before = KeyFile::load(&vault::keys_path(&path)).unwrap();
    call(
        &d,
        "passphrase_change",
        json!({"current": ADMIN_PASSPHRASE, "passphrase": "another passphrase", "passphrase_again": "another passphrase"}),
    );
    let after = KeyFile::load(&vault::keys_path(&path)).unwrap();
    assert_ne!(before.account(ADMIN).unwrap().public_key(), after.account(ADMIN).unwrap().public_key());
    assert_eq!(*key_from(&after, ADMIN, "another passphrase"), *key_from(&before, ADMIN, ADMIN_PASSPHRASE));
}

#[test]
fn a_re_key_waits_while_another_process_has_the_register_open_and_is_done_at_a_later_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, _) = set_up(&path);
    let sam = add_staff(&d, "sam", "support_worker", "sam passphrase");
    let kept = KeyFile::load(&vault::keys_path(&path)).unwrap();
    let old_key = key_from(&kept, "sam", "sam passphrase");
    // Another window (or script) has the register open: its file cannot be swapped under it.
    let other = unlock(&path, "sam", "sam passphrase").unwrap();
    call(&d, "staff_update", json!({"id": sam, "active": false}));
    assert_eq!(status(&d)["key_renewal_due"], format!("account {sam} switched off"));
    assert!(vault::open_encrypted(&path, &old_key).is_ok(), "not re-keyed while in use");
    // Both go on working meanwhile.
    create(&d, "Grace", "Evans", "1970-01-01");
    call(&other, "carer_search", json!({}));
    other.close().unwrap();
    drop(other);
    call(&d, "session_lock", json!({}));
    // The next sign-in, with nobody else in, does it.
    call(&d, "session_unlock", json!({"username": ADMIN, "passphrase": ADMIN_PASSPHRASE}));
    assert_eq!(status(&d)["key_renewal_due"], Value::Null);
    assert!(vault::open_encrypted(&path, &old_key).is_err());
    assert_eq!(call(&d, "carer_search", json!({}))["total"], 1);
}

#[test]
fn a_key_file_from_before_key_pairs_still_opens_and_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, recovery) = set_up(&path);
    let sam = add_staff(&d, "sam", "support_worker", "sam passphrase");
    let key = file_key(&path);
    d.close().unwrap();
    drop(d);
    // The key file and register as an earlier version left them: the key wrapped directly for
    // each account and the recovery key, no public keys in the register.
    let kdf = vault::Kdf { m_kib: 64 * 1024, t: 3, p: 1 };
    let wrap = |secret: &str, label: &str| {
        serde_json::to_value(vault::Wrapped::new(&key, secret.as_bytes(), kdf, label).unwrap()).unwrap()
    };
    let old = json!({
        "version": 1, "kdf": kdf,
        "accounts": [
            {"staff_id": 1, "username": ADMIN, "wrapped": wrap(ADMIN_PASSPHRASE, "staff:1")},
            {"staff_id": sam, "username": "sam", "wrapped": wrap("sam passphrase", &format!("staff:{sam}"))},
        ],
        "recovery": wrap(&vault::normalise_recovery(&recovery), "recovery"),
        "failures": 0, "last_failure_at": null, "last_username": ADMIN,
    });
    std::fs::write(vault::keys_path(&path), serde_json::to_string_pretty(&old).unwrap()).unwrap();
    {
        let conn = vault::open_encrypted(&path, &key).unwrap();
        conn.execute_batch(
            "UPDATE staff SET public_key = NULL, key_secret = NULL;
             UPDATE settings SET recovery_public_key = NULL, recovery_key_secret = NULL;",
        )
        .unwrap();
    }
    // Signing in works, and gives the account a key pair.
    let d = unlock(&path, ADMIN, ADMIN_PASSPHRASE).unwrap();
    let file = KeyFile::load(&vault::keys_path(&path)).unwrap();
    assert!(file.account(ADMIN).unwrap().holder.is_some());
    assert!(file.account("sam").unwrap().wrapped.is_some());
    // The window says Sam should sign in once before anyone's key is changed.
    let warning = |d: &Desk| {
        let list = call(d, "staff_list", json!({}));
        let sam = list.as_array().unwrap().iter().find(|s| s["username"] == "sam").unwrap().clone();
        sam.get("key_warning").cloned().unwrap_or(Value::Null)
    };
    assert_eq!(warning(&d), "sign_in_first");
    // A re-key cannot give the new key to a recovery key from before key pairs: it waits.
    let rory = add_staff(&d, "rory", "reporting", "rory passphrase");
    call(&d, "staff_update", json!({"id": rory, "active": false}));
    assert_eq!(status(&d)["key_renewal_due"], format!("account {rory} switched off"));
    assert!(vault::open_encrypted(&path, &key).is_ok());
    d.close().unwrap();
    drop(d);
    // Using the recovery key gives it a key pair; then the re-key is done. Sam, who has not
    // signed in since the update, has no public key, so is left out and told what to do.
    let d = Desk::open(&path).unwrap();
    call(
        &d,
        "session_recover",
        json!({"recovery_key": recovery, "username": ADMIN, "passphrase": "admin passphrase two",
               "passphrase_again": "admin passphrase two"}),
    );
    assert_eq!(status(&d)["key_renewal_due"], Value::Null);
    assert!(vault::open_encrypted(&path, &key).is_err());
    let trail = call(&d, "audit_list", json!({"action": "rekey"}));
    assert!(trail["entries"][0]["detail"].as_str().unwrap().contains("1 account(s) not given it"), "{trail}");
    d.close().unwrap();
    drop(d);
    assert!(KeyFile::load(&vault::keys_path(&path)).unwrap().account("sam").is_none());
    // Sam is told what happened and what to do, not that the account does not exist.
    let e = unlock(&path, "sam", "sam passphrase").err().expect("Sam was left out of the new key");
    assert_eq!(e.field.as_deref(), Some("username"));
    assert!(
        e.message.contains("the register's key was changed")
            && e.message.contains("ask an administrator to set you a new passphrase"),
        "{}",
        e.message
    );
    let d = unlock(&path, ADMIN, "admin passphrase two").unwrap();
    assert_eq!(warning(&d), "new_passphrase");
    // A new passphrase from an administrator lets Sam in again.
    call(
        &d,
        "staff_set_passphrase",
        json!({"id": sam, "passphrase": "sam passphrase two", "passphrase_again": "sam passphrase two"}),
    );
    assert_eq!(warning(&d), Value::Null);
    d.close().unwrap();
    drop(d);
    unlock(&path, "sam", "sam passphrase two").unwrap();
    assert!(KeyFile::load(&vault::keys_path(&path)).unwrap().left_out.is_empty());
}

#[test]
fn while_one_process_waits_to_replace_the_register_no_other_can_replace_it() {
    use carers_desk::rekey::InUse;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    // Two processes (or windows) with the register open.
    let a = InUse::shared(&path).unwrap();
    let b = InUse::shared(&path).unwrap();
    let gate_taken = || {
        let gate =
            std::fs::OpenOptions::new().read(true).write(true).open(dir.path().join("carers.sqlite3.inuse.gate"));
        gate.is_ok_and(|g| g.try_lock().is_err())
    };
    let mut a = Some(a);
    std::thread::scope(|s| {
        // B waits for A to close the register, to re-key it...
        let waiting = s.spawn(|| b.try_exclusive(Duration::from_secs(20)));
        let started = std::time::Instant::now();
        while !gate_taken() && started.elapsed() < Duration::from_secs(5) {
            std::thread::yield_now();
        }
        // ... and meanwhile A may not take the register for itself: B still has it open (an
        // exclusive lock granted now would let A replace the file under B's connection).
        assert!(a.as_ref().unwrap().try_exclusive(Duration::ZERO).is_none());
        // Once A closes it, B has it to itself.
        drop(a.take());
        let only = waiting.join().unwrap().expect("B was not given the register once A closed it");
        b.back_to_shared(only);
    });
}

#[test]
fn a_restore_keeps_todays_accounts_and_key_so_no_switched_off_account_or_replaced_passphrase_gets_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    let (d, recovery) = set_up(&path);
    let mut settings = call(&d, "settings_get", json!({}));
    settings["backup_folder"] = json!(dir.path().join("backups"));
    call(&d, "settings_update", settings);
    let sam = add_staff(&d, "sam", "support_worker", "sam passphrase");
    let rory = add_staff(&d, "rory", "reporting", "rory passphrase");
    create(&d, "Before", "Backup", "1970-01-01");
    let backup = std::path::PathBuf::from(call(&d, "backup_now", json!({}))["path"].as_str().unwrap());
    // Since the backup: Sam is switched off, Rory's passphrase reset (each changes the key).
    call(&d, "staff_update", json!({"id": sam, "active": false}));
    call(
        &d,
        "staff_set_passphrase",
        json!({"id": rory, "passphrase": "rory passphrase two", "passphrase_again": "rory passphrase two"}),
    );
    create(&d, "After", "Backup", "1970-01-01");

    // The backup was made under an earlier key: only the recovery key opens it. Its check
    // (the window's restore preview) says so, so the window asks for the recovery key.
    let v = call(&d, "backup_verify", json!({"path": backup}));
    assert_eq!((v["ok"].clone(), v["needs_recovery_key"].clone()), (json!(false), json!(true)), "{v}");
    assert!(v["message"].as_str().unwrap().contains("restored with the organisation's recovery key"), "{v}");
    let current = call(&d, "backup_now", json!({}));
    let v = call(&d, "backup_verify", json!({"path": current["path"]}));
    assert_eq!((v["ok"].clone(), v["needs_recovery_key"].clone()), (json!(true), json!(false)), "{v}");
    let e = call_err(&d, "backup_restore", json!({"path": backup}));
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("wrong_key", Some("path")));
    assert!(e.message.contains("recovery key"), "{}", e.message);
    let e = call_err(
        &d,
        "backup_restore",
        json!({"path": backup, "recovery_key": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"}),
    );
    assert_eq!(e.code, "wrong_recovery_key");
    let out = call(&d, "backup_restore", json!({"path": backup, "recovery_key": recovery}));
    assert_eq!(out["accounts_kept"], true);
    let kept = std::path::PathBuf::from(out["replaced_kept_at"].as_str().unwrap());
    drop(d);

    // Sam and Rory's old passphrase open nothing, however often someone signs in (the key file
    // is put right from the register at every sign-in: the register keeps today's accounts).
    for _ in 0..2 {
        let d = unlock(&path, ADMIN, ADMIN_PASSPHRASE).unwrap();
        d.close().unwrap();
        assert_eq!(unlock(&path, "sam", "sam passphrase").err().unwrap().field.as_deref(), Some("username"));
        assert_eq!(unlock(&path, "rory", "rory passphrase").err().unwrap().code, "wrong_passphrase");
        unlock(&path, "rory", "rory passphrase two").unwrap().close().unwrap();
    }
    // What Sam could have kept, the backup's own key file and their passphrase, opens nothing
    // current.
    let old = key_from(&KeyFile::load(&vault::keys_path(&backup)).unwrap(), "sam", "sam passphrase");
    assert!(vault::open_encrypted(&path, &old).is_err());
    let key = key_from(&KeyFile::load(&vault::keys_path(&path)).unwrap(), ADMIN, ADMIN_PASSPHRASE);
    assert!(vault::open_encrypted(&kept, &key).is_ok(), "the replaced register is kept, under today's key");

    // The backup's records are back, Sam's account is there but off, and both trails say who
    // restored what.
    let d = unlock(&path, ADMIN, ADMIN_PASSPHRASE).unwrap();
    assert_eq!(call(&d, "carer_search", json!({"query": "Before"}))["total"], 1);
    assert_eq!(call(&d, "carer_search", json!({"query": "After"}))["total"], 0);
    let staff = call(&d, "staff_list", json!({}));
    let sam_now = staff.as_array().unwrap().iter().find(|s| s["id"] == json!(sam)).unwrap().clone();
    assert_eq!(sam_now["active"], false, "{sam_now}");
    let trail = call(&d, "audit_list", json!({"action": "restore"}));
    let detail = trail["entries"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("staff accounts and keys as they were before the restore"), "{detail}");
    assert_eq!(trail["entries"][0]["actor_name"], "Test Admin");
    assert_eq!(call(&d, "audit_verify", json!({}))["ok"], true);
    let old_trail = vault::open_encrypted(&kept, &key).unwrap();
    let restoring: i64 = old_trail
        .query_row("SELECT count(*) FROM audit_log WHERE command = 'backup_restore'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(restoring, 1);
}
