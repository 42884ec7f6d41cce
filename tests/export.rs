//! Exporting the whole register: a CSV per table, one JSON file, a data dictionary and the
//! pictures, for administrators only, audited (docs/export.md).

use std::path::Path;

use carers_desk::{Context, Role};
use serde_json::{json, Value};

use crate::util::{call, call_err, create, ctx, desk};

/// The rows of a CSV file the export wrote, header first (checking it starts with the
/// byte-order mark Excel needs).
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "{} starts with a byte-order mark", path.display());
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(60, 80, |x, y| image::Rgb([(x * 3) as u8, (y * 2) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn the_whole_register_is_exported_as_csv_json_and_a_data_dictionary() {
    let d = desk();
    call(&d, "demo_data_load", json!({"carers": 60, "seed": 3}));
    // A carer with awkward text, and a passport with a photo.
    let id = create(&d, "Zoë", "O'Brien-Łukasz", "1975-05-05");
    call(
        &d,
        "note_add",
        json!({"carer_id": id, "date": "2026-11-20", "kind": "phone", "text": "Said: \"call after 3pm\",\nnot before; £20 for taxis"}),
    );
    let passport = call(&d, "passport_issue", json!({"carer_id": id, "kind": "community"}));
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    std::fs::write(&photo, png()).unwrap();
    call(&d, "passport_photo_set", json!({"id": passport["id"], "path": photo}));

    let out = call(&d, "register_export", json!({"folder": dir.path()}));
    let folder = Path::new(out["folder"].as_str().unwrap());
    assert_eq!(folder.file_name().unwrap().to_str().unwrap(), format!("carers-desk-export-{}", crate::util::today()));
    assert!(folder.is_dir());
    let files: Vec<&str> = out["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for f in [
        "carers.csv",
        "cared_for.csv",
        "caring_links.csv",
        "notes.csv",
        "passports.csv",
        "support_plans.csv",
        "register.json",
        "data-dictionary.csv",
        "README.txt",
    ] {
        assert!(files.contains(&f), "{f} in {files:?}");
        assert!(folder.join(f).is_file(), "{f} written");
    }
    // Left out: the audit trail (its own export), the search index, recently viewed.
    for f in ["audit_log.csv", "recent_views.csv", "meta.csv"] {
        assert!(!files.contains(&f) && !folder.join(f).exists(), "{f} left out");
    }
    assert!(!files.iter().any(|f| f.starts_with("carer_search")));
    // No partial folder left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");

    // Every table's row count matches the database, in the CSV and in the JSON.
    let json: Value = serde_json::from_slice(&std::fs::read(folder.join("register.json")).unwrap()).unwrap();
    assert_eq!(json["format"], "carers-desk-register-export");
    assert_eq!(json["schema_version"], carers_desk::db::schema_version());
    let carers_total =
        call(&d, "carer_search", json!({"query": "", "limit": 1, "status": "all"}))["total"].as_i64().unwrap();
    for t in out["tables"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let rows = t["rows"].as_u64().unwrap();
        assert_eq!(read_csv(&folder.join(format!("{name}.csv"))).len() as u64, rows + 1, "{name}.csv rows");
        assert_eq!(json["tables"][name].as_array().unwrap().len() as u64, rows, "{name} in JSON");
    }
    let carers = read_csv(&folder.join("carers.csv"));
    assert_eq!(carers.len() as i64 - 1, carers_total);

    // Values come through exactly: the awkward carer and note, and JSON columns as JSON.
    let header = &carers[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let zoe = carers.iter().find(|r| r[col("first_name")] == "Zoë").unwrap();
    assert_eq!(zoe[col("last_name")], "O'Brien-Łukasz");
    assert_eq!(zoe[col("date_of_birth")], "1975-05-05");
    assert_eq!(zoe[col("referral_outcome")], "accepted");
    let notes = read_csv(&folder.join("notes.csv"));
    assert!(notes.iter().any(|r| r.iter().any(|c| c == "Said: \"call after 3pm\",\nnot before; £20 for taxis")));
    let jzoe = json["tables"]["carers"].as_array().unwrap().iter().find(|c| c["first_name"] == "Zoë").unwrap();
    assert_eq!(jzoe["id"], id);
    assert_eq!(jzoe["interpreter_needed"], 0);
    let jpass = json["tables"]["passports"].as_array().unwrap().iter().find(|p| p["id"] == passport["id"]).unwrap();
    assert!(jpass["asks"].is_array(), "JSON columns stay JSON: {}", jpass["asks"]);
    // The photo is a picture file the passport row names.
    let photo_file = jpass["photo"].as_str().unwrap();
    assert!(photo_file.starts_with("pictures/") && photo_file.ends_with(".png"), "{photo_file}");
    assert_eq!(std::fs::read(folder.join(photo_file)).unwrap(), png());

    // The data dictionary covers every column of every table, with codes and their meaning.
    let dict = read_csv(&folder.join("data-dictionary.csv"));
    assert_eq!(dict[0], ["table", "table_holds", "column", "meaning", "stored_as", "required", "key", "values"]);
    let columns: usize = out["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| read_csv(&folder.join(format!("{}.csv", t["name"].as_str().unwrap())))[0].len())
        .sum();
    assert_eq!(dict.len() - 1, columns, "one dictionary row per column");
    let entry =
        |t: &str, c: &str| dict.iter().find(|r| r[0] == t && r[2] == c).unwrap_or_else(|| panic!("{t}.{c}")).clone();
    let outcome = entry("carers", "referral_outcome");
    assert_eq!(outcome[7], "accepted = Registered for support; signposted = Information and signposting only");
    assert_eq!(outcome[5], "yes");
    assert_eq!(entry("carers", "gender")[3], "Gender");
    assert!(entry("carers", "ethnicity")[7]
        .contains("white_british = White: English, Welsh, Scottish, Northern Irish or British"));
    assert_eq!(entry("carers", "id")[6], "primary key");
    assert_eq!(entry("caring_links", "cared_for_id")[6], "refers to cared_for.id");
    assert_eq!(entry("carers", "date_of_birth")[7], "date (YYYY-MM-DD)");
    assert!(entry("notes", "kind")[7].contains("phone = Phone call"));
    assert_eq!(entry("carers", "first_name")[1], "The carers register: one row per carer, open or closed.");
    assert!(dict.iter().all(|r| r[0] != "audit_log"));
    // Staff accounts carry no secrets.
    let staff = read_csv(&folder.join("staff.csv"));
    assert!(staff[0].iter().all(|h| !h.contains("pass") && !h.contains("key")), "{:?}", staff[0]);
    // Nor do the register's settings: no recovery key, sealed or public, and no re-key mark.
    let settings = read_csv(&folder.join("settings.csv"));
    assert!(settings[0].iter().all(|h| !h.contains("key")), "{:?}", settings[0]);

    let readme = std::fs::read_to_string(folder.join("README.txt")).unwrap();
    assert!(readme.contains("SPECIAL CATEGORY PERSONAL DATA"));
    assert!(readme.contains(&format!("- carers: {carers_total}")));

    // The export is in the audit trail, as an export by the administrator.
    let audit = call(&d, "audit_list", json!({"command": "register_export"}));
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["action"], "export");
    assert!(entries[0]["detail"].as_str().unwrap().contains(&format!("{carers_total} carers")), "{}", entries[0]);

    // A second export the same day gets its own folder.
    let again = call(&d, "register_export", json!({"folder": dir.path()}));
    assert!(again["folder"].as_str().unwrap().ends_with(&format!("carers-desk-export-{}-2", crate::util::today())));
}

#[test]
fn only_administrators_export_and_a_missing_folder_is_named() {
    let d = desk();
    create(&d, "Amy", "Brown", "1980-01-01");
    let dir = tempfile::tempdir().unwrap();
    for role in [Role::SupportWorker, Role::Reporting] {
        let e = d.call(&ctx().with_role(role), "register_export", json!({"folder": dir.path()})).unwrap_err();
        assert_eq!(e.code, "not_permitted", "{role:?}");
    }
    let e = d
        .call(&Context::school_staff(1, "Pat", crate::util::today()), "register_export", json!({"folder": dir.path()}))
        .unwrap_err();
    assert_eq!(e.code, "not_permitted");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written when refused");

    let e = call_err(&d, "register_export", json!({"folder": dir.path().join("not-there")}));
    assert_eq!(e.field.as_deref(), Some("folder"));
    assert!(e.message.contains("was not found"), "{}", e.message);
    let e = call_err(&d, "register_export", json!({}));
    assert_eq!(e.field.as_deref(), Some("folder"));
    // A failed export is not in the audit trail; a refused one is, as refused.
    let audit = call(&d, "audit_list", json!({"command": "register_export"}));
    let entries = audit["entries"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.iter().all(|e| e["action"] == "refused"), "{audit}");
}

#[test]
fn the_cli_exports_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("export.sqlite3");
    let o = crate::cli::cli(&db, &["demo-data", "--carers", "30", "--seed", "4"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let o = crate::cli::cli(&db, &["export", "--to", out_dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = crate::cli::json(&o);
    let folder = Path::new(v["folder"].as_str().unwrap());
    assert!(folder.starts_with(&out_dir));
    let carers = v["tables"].as_array().unwrap().iter().find(|t| t["name"] == "carers").unwrap();
    assert_eq!(carers["rows"], 30);
    assert_eq!(read_csv(&folder.join("carers.csv")).len(), 31);
    // The file database is encrypted; the export is not (that is its purpose): the README says so.
    assert!(std::fs::read_to_string(folder.join("README.txt")).unwrap().contains("WITHOUT ENCRYPTION"));
}
