//! `carers-desk-cli`: the command line over the same command layer.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub(crate) fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"))
        .arg("--db")
        .arg(db)
        .args(["--today", "2026-11-23"])
        .args(args)
        .env_remove("CARERS_DESK_DB")
        .env("CARERS_DESK_USER", crate::util::ADMIN)
        .env("CARERS_DESK_PASSPHRASE", crate::util::ADMIN_PASSPHRASE)
        .output()
        .expect("the CLI runs")
}

pub(crate) fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn init_demo_data_call_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    let o = cli(&db, &["init", "--admin", crate::util::ADMIN, "--name", "Amy Shah", "--organisation", "Test Carers"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["state"], "open");
    assert_eq!(json(&o)["organisation"], "Test Carers");
    assert!(String::from_utf8_lossy(&o.stderr).contains("RECOVERY KEY"));
    assert!(db.exists() && carers_desk::vault::keys_path(&db).exists());
    // Set up once only.
    let o = cli(&db, &["init", "--admin", "other", "--name", "Other"]);
    assert_eq!(json(&o)["code"], "conflict");

    let o = cli(&db, &["demo-data", "--carers", "50", "--seed", "9"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["carers_created"], 50);

    let o = cli(&db, &["call", "carer_search", r#"{"limit": 3}"#]);
    assert!(o.status.success());
    assert_eq!(json(&o)["total"], 50);

    let o = cli(
        &db,
        &[
            "call",
            "carer_create",
            r#"{"first_name": "Sam", "last_name": "Lee", "date_of_birth": "01/01/1990", "postcode": "SW1A 1A"}"#,
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = json(&o);
    assert_eq!(e["code"], "validation");
    assert_eq!(e["field"], "postcode");

    let o = cli(&db, &["call", "no_such_command"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["code"], "unknown_command");

    let o = cli(&db, &["call", "carer_get", "{not json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn demo_data_is_the_same_for_the_same_seed_and_differs_for_another() {
    let dir = tempfile::tempdir().unwrap();
    let dump = |name: &str, seed: &str| {
        let db = dir.path().join(name);
        assert!(cli(&db, &["demo-data", "--carers", "40", "--seed", seed]).status.success());
        // Summaries, links and note texts carry no timestamps, so whole values can be compared.
        let v = json(&cli(&db, &["call", "carer_search", r#"{"limit": 500}"#]));
        let first = json(&cli(&db, &["call", "carer_get", r#"{"id": 1}"#]));
        (
            v,
            first["caring"].clone(),
            first["notes"].as_array().unwrap().iter().map(|n| n["text"].clone()).collect::<Vec<_>>(),
        )
    };
    let a = dump("a.sqlite3", "5");
    let b = dump("b.sqlite3", "5");
    let c = dump("c.sqlite3", "6");
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
}

#[test]
fn demo_data_is_realistic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("real.sqlite3");
    assert!(cli(&db, &["demo-data", "--carers", "400", "--seed", "1"]).status.success());
    let all = json(&cli(&db, &["call", "carer_search", r#"{"limit": 500}"#]));
    let ages: Vec<i64> = all["results"].as_array().unwrap().iter().map(|c| c["age"].as_i64().unwrap()).collect();
    assert!(ages.iter().all(|a| (8..=90).contains(a)), "ages 8-90");
    assert!(ages.iter().any(|a| *a < 18) && ages.iter().any(|a| *a >= 65));
    for c in all["results"].as_array().unwrap() {
        let pc = c["postcode"].as_str().unwrap();
        assert_eq!(carers_desk::validate::postcode(pc).as_deref(), Some(pc));
    }
    let home = json(&cli(&db, &["call", "home"]));
    let several = home["counts"].as_array().unwrap().iter().find(|c| c["code"] == "caring_for_several").unwrap();
    assert!(several["count"].as_i64().unwrap() > 40, "several cared-for links");
}

#[test]
fn commands_lists_every_command_with_an_argument_schema() {
    let o = Command::new(env!("CARGO_BIN_EXE_carers-desk-cli")).arg("commands").output().unwrap();
    assert!(o.status.success());
    let list = json(&o);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    for c in carers_desk::commands::COMMANDS {
        assert!(names.contains(&c.name));
    }
    let create = list.as_array().unwrap().iter().find(|c| c["name"] == "carer_create").unwrap();
    assert!(create["args"]["properties"]["postcode"].is_object(), "{}", create["args"]);
    assert_eq!(create["changes_data"], true);
}

#[test]
fn refuses_without_a_database() {
    let o = Command::new(env!("CARGO_BIN_EXE_carers-desk-cli"))
        .args(["call", "home"])
        .env_remove("CARERS_DESK_DB")
        .env("CARERS_DESK_USER", crate::util::ADMIN)
        .env("CARERS_DESK_PASSPHRASE", crate::util::ADMIN_PASSPHRASE)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--db"));
}
