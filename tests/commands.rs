//! The command layer itself: the choke point, permissions, transactions.

use carers_desk::{commands::COMMANDS, Role};
use serde_json::json;

use crate::util::*;

#[test]
fn docs_list_every_command() {
    let doc = include_str!("../docs/commands.md");
    for c in COMMANDS {
        assert!(doc.contains(&format!("`{}`", c.name)), "docs/commands.md does not mention {}", c.name);
    }
}

#[test]
fn reporting_role_sees_counts_but_no_records() {
    let d = desk();
    let id = create(&d, "Ann", "Ward", "1970-01-01");
    let reporting = ctx().with_role(Role::Reporting);
    assert!(d.call(&reporting, "options", json!({})).is_ok());
    for (cmd, args) in [
        ("carer_get", json!({"id": id})),
        ("carer_search", json!({})),
        ("carer_create", carer("A", "B", "1990-01-01")),
        ("settings_update", json!({})),
    ] {
        let e = d.call(&reporting, cmd, args).unwrap_err();
        assert_eq!(e.code, "not_permitted", "{cmd}");
    }
    let worker = ctx().with_role(Role::SupportWorker);
    assert!(d.call(&worker, "carer_get", json!({"id": id})).is_ok());
    assert_eq!(d.call(&worker, "demo_data_load", json!({"carers": 1})).unwrap_err().code, "not_permitted");
}

#[test]
fn an_error_part_way_through_leaves_nothing_behind() {
    let d = desk();
    let id = create(&d, "Mary", "Okafor", "1970-04-04");
    // The person is valid, the link is not: neither may be stored.
    let e = call_err(
        &d,
        "carer_add_cared_for",
        json!({"carer_id": id, "person": {"first_name": "Ada"}, "link": {"relationship": "parent", "hours_band": "lots"}}),
    );
    assert_eq!(e.field.as_deref(), Some("link.hours_band"));
    assert_eq!(call(&d, "cared_for_search", json!({"query": "ada"})).as_array().unwrap().len(), 0);
    assert_eq!(call(&d, "carer_get", json!({"id": id}))["caring"].as_array().unwrap().len(), 0);
}

#[test]
fn a_database_on_a_network_share_is_refused() {
    let e = carers_desk::Desk::open(std::path::Path::new("//office-nas/carers/carers.sqlite3")).err().unwrap();
    assert_eq!(e.code, "database_location");
    assert!(e.message.contains("network share"), "{}", e.message);
}

#[test]
fn a_bulk_load_leaves_the_write_ahead_log_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.sqlite3");
    let d = crate::util::file_desk(&path);
    call(&d, "demo_data_load", json!({"carers": 300, "seed": 2}));
    let wal = std::fs::metadata(dir.path().join("bulk.sqlite3-wal")).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal, 0, "the demo data was checkpointed into the database");
    // A single save afterwards writes to the log as usual.
    create(&d, "Ann", "Ward", "1970-01-01");
    assert!(std::fs::metadata(dir.path().join("bulk.sqlite3-wal")).unwrap().len() > 0);
}
