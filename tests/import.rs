//! Importing carers from spreadsheets: reading CSV (encodings, delimiters, empty and ragged
//! rows) and XLSX, mapping, the dry run (errors by row and column, duplicates), the commit (all
//! or nothing, cared-for people linked, audited), saved mappings, 100,000 rows, the CLI, and
//! property tests that no file or cell makes the import panic.

use std::path::{Path, PathBuf};

use carers_desk::import::{convert, read};
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{json, Value};

use crate::util::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The CSV most tests use: headers people really write.
const CSV: &str =
    "First Name,Surname,DOB,Post Code,NHS No,Sex,Cared for name,Relationship,Hours,Condition,Lives together\n\
Amy,Brown,01/02/1980,ls1 4ap,943 476 5919,F,Ray,Father,50+,Dementia; Frailty,Y\n\
Ben,Cole,15/06/1975,,,M,,,,,\n";

fn mapping() -> Value {
    json!({
        "columns": {
            "First Name": "first_name", "Surname": "last_name", "DOB": "date_of_birth",
            "Post Code": "postcode", "NHS No": "nhs_number", "Sex": "gender",
            "Cared for name": "cared_for_first_name", "Relationship": "cared_for_relationship",
            "Hours": "cared_for_hours_band", "Condition": "cared_for_conditions",
            "Lives together": "cared_for_lives_together"
        },
        "date_format": "dmy"
    })
}

fn file_args(path: &Path, mapping: Value) -> Value {
    json!({ "path": s(path), "sheet": null, "mapping": mapping })
}

fn total(d: &carers_desk::Desk) -> i64 {
    call(d, "carer_search", json!({"status": "all"}))["total"].as_i64().unwrap()
}

#[test]
fn csv_round_trip_creates_carers_with_their_cared_for_people_linked() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "carers.csv", CSV.as_bytes());
    let d = desk();

    let r = call(&d, "import_read", json!({ "path": s(&path) }));
    assert_eq!(r["file_name"], "carers.csv");
    assert_eq!(r["format"], "csv");
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["rows"], 2);
    assert_eq!(r["saved_mapping"], Value::Null);
    let suggestions: Vec<Value> = r["columns"].as_array().unwrap().iter().map(|c| c["suggestion"].clone()).collect();
    assert_eq!(
        suggestions,
        vec![
            json!("first_name"),
            json!("last_name"),
            json!("date_of_birth"),
            json!("postcode"),
            json!("nhs_number"),
            json!("gender"),
            json!("cared_for_full_name"),
            json!("cared_for_relationship"),
            json!("cared_for_hours_band"),
            json!("cared_for_conditions"),
            json!("cared_for_lives_together"),
        ]
    );
    assert_eq!(r["columns"][0]["samples"], json!(["Amy", "Ben"]));
    let fields = r["fields"].as_array().unwrap();
    assert!(fields.iter().any(|f| f["key"] == "referral_outcome" && f["list"] == "referral_outcome"));
    assert!(fields.iter().any(|f| f["key"] == "first_name" && f["required"] == true && f["target"] == "carer"));
    assert!(fields.iter().any(|f| f["key"] == "cared_for_conditions" && f["kind"] == "choices"));

    let v = call(&d, "import_values", file_args(&path, mapping()));
    let gender = v.as_array().unwrap().iter().find(|f| f["field"] == "gender").unwrap();
    assert_eq!(gender["list"], "gender");
    assert_eq!(
        gender["values"],
        json!([{"value": "F", "count": 1, "suggestion": "female"}, {"value": "M", "count": 1, "suggestion": "male"}])
    );
    let conditions = v.as_array().unwrap().iter().find(|f| f["field"] == "cared_for_conditions").unwrap();
    assert_eq!(conditions["values"].as_array().unwrap().len(), 2, "split into Dementia and Frailty");

    let dry = call(&d, "import_dry_run", file_args(&path, mapping()));
    assert_eq!(dry["rows"], 2);
    assert_eq!(dry["will_create"], 2);
    assert_eq!(dry["cared_for_will_create"], 1);
    assert_eq!(dry["errors"], json!([]));
    assert_eq!(
        dry["preview"][0],
        json!({"row": 2, "name": "Amy Brown", "date_of_birth": "1980-02-01", "postcode": "LS1 4AP", "cared_for": "Ray"})
    );
    assert_eq!(total(&d), 0, "a dry run writes nothing");

    let mut args = file_args(&path, mapping());
    args["skip_duplicates"] = json!(false);
    let done = call(&d, "import_commit", args);
    assert_eq!(
        done,
        json!({"carers_created": 2, "cared_for_created": 1, "duplicates_skipped": 0,
               "first_reference": "C-000001", "last_reference": "C-000002"})
    );
    let amy = call(&d, "carer_get", json!({"id": 1}));
    assert_eq!(amy["first_name"], "Amy");
    assert_eq!(amy["gender"], "female");
    assert_eq!(amy["nhs_number"], "943 476 5919");
    assert_eq!(amy["referral_outcome"], "accepted");
    let link = &amy["caring"][0];
    assert_eq!(link["person"]["first_name"], "Ray");
    assert_eq!(link["person"]["conditions"], json!(["dementia", "frailty"]));
    assert_eq!(link["link"]["relationship"], "parent");
    assert_eq!(link["link"]["hours_band"], "h50_plus");
    assert_eq!(link["link"]["lives_together"], true);
    assert_eq!(call(&d, "carer_get", json!({"id": 2}))["caring"], json!([]));
    // The imported carers are in the search index.
    let found = call(&d, "carer_search", json!({"query": "Amy Brown", "status": "all"}));
    assert_eq!(found["total"], 1);

    // One audit entry per carer created, and no "recently viewed" rows for the import.
    let trail = call(&d, "audit_list", json!({"command": "import_commit"}));
    let entries = trail["entries"].as_array().unwrap();
    let per_carer: Vec<&Value> = entries.iter().filter(|e| !e["carer_id"].is_null()).collect();
    assert_eq!(per_carer.len(), 2);
    assert!(per_carer.iter().all(|e| e["action"] == "create" && e["record_type"] == "carer"));
    let amy_entry = per_carer.iter().find(|e| e["carer_id"] == 1).unwrap();
    assert_eq!(amy_entry["detail"], "imported from carers.csv row 2");
    assert!(!amy_entry["cared_for_id"].is_null());
    assert_eq!(entries.len(), 3, "two carers and the command");
    let d2 = desk();
    call(&d2, "import_commit", file_args(&path, mapping()));
    assert_eq!(call(&d2, "home", json!({}))["recently_viewed"], json!([]));
    assert_eq!(call(&d, "audit_verify", json!({}))["ok"], true);
}

/// A workbook of carers. `titled`: a "Notes" sheet first, and on the carers' sheet (then
/// named "Carers") a title row and an empty row above the header, as people make them.
fn xlsx_bytes(titled: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    if titled {
        let notes = book.add_worksheet();
        notes.set_name("Notes").unwrap();
        notes.write_string(0, 0, "This sheet is not the carers").unwrap();
    }
    let sheet = book.add_worksheet();
    let top = if titled {
        sheet.set_name("Carers").unwrap();
        sheet.write_string(0, 0, "Carers list exported 2026").unwrap();
        2
    } else {
        1
    };
    let headers = ["Forename", "Surname", "Date of Birth", "NHS Number", "Phone", "Ethnic group", "Consent"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(top, c as u16, *h).unwrap();
    }
    sheet.write_string(top + 1, 0, "Chloe").unwrap();
    sheet.write_string(top + 1, 1, "O’Neill").unwrap();
    sheet.write_datetime_with_format(top + 1, 2, ExcelDateTime::from_ymd(1984, 3, 27).unwrap(), &date).unwrap();
    sheet.write_number(top + 1, 3, 9434765919.0).unwrap();
    sheet.write_number(top + 1, 4, 7700900123.0).unwrap();
    sheet.write_string(top + 1, 5, "White British").unwrap();
    sheet.write_string(top + 1, 6, "No").unwrap();
    // An empty row, then a date typed as text.
    sheet.write_string(top + 3, 0, "Dev").unwrap();
    sheet.write_string(top + 3, 1, "Patel").unwrap();
    sheet.write_string(top + 3, 2, "07/11/1990").unwrap();
    sheet.write_string(top + 3, 5, "Indian").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_dates_become_dates_and_numbers_lose_their_decimal_point() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "titled.xlsx", &xlsx_bytes(true));
    let d = desk();
    let r = call(&d, "import_read", json!({ "path": s(&path), "sheet": "Carers" }));
    assert_eq!(r["format"], "xlsx");
    assert_eq!(r["encoding"], Value::Null);
    assert_eq!(r["sheets"], json!(["Notes", "Carers"]));
    assert_eq!(r["sheet"], "Carers");
    // A title row above the header is passed over: the row that names the columns is the
    // header, and the title can still be chosen.
    assert_eq!(r["columns"][0]["header"], "Forename");
    assert_eq!(r["header_row"], 3);
    assert_eq!(r["header_suggested"], 3);
    assert_eq!(r["rows_above_header"], 1);
    assert_eq!(r["header_choices"][0], json!({"row": 1, "cells": ["Carers list exported 2026"], "filled": 1}));
    assert_eq!(r["header_choices"][1]["row"], 3);
    let titled = call(&d, "import_read", json!({ "path": s(&path), "sheet": "Carers", "header_row": 1 }));
    assert_eq!(titled["columns"][0]["header"], "Carers list exported 2026");
    assert_eq!(titled["columns"].as_array().unwrap().len(), 7, "no column dropped past the title's width");
    let e = call_err(&d, "import_read", json!({ "path": s(&path), "sheet": "Nope" }));
    assert_eq!(e.field.as_deref(), Some("sheet"));
    assert_eq!(e.message, "the file has no sheet called 'Nope': choose one of Notes, Carers");

    // A header in row 2 (row 1 empty) is found.
    let path = write(dir.path(), "plain.xlsx", &xlsx_bytes(false));
    let r = call(&d, "import_read", json!({ "path": s(&path) }));
    assert_eq!(r["sheet"], "Sheet1");
    assert_eq!(r["rows"], 2);
    let col = |i: usize| r["columns"][i].clone();
    assert_eq!(col(2)["samples"], json!(["1984-03-27", "07/11/1990"]));
    assert_eq!(col(3)["samples"], json!(["9434765919"]));
    assert_eq!(col(4)["samples"], json!(["7700900123"]));
    assert_eq!(col(5)["suggestion"], "ethnicity");
    let mapping = json!({"columns": {"Forename": "first_name", "Surname": "last_name", "Date of Birth": "date_of_birth",
        "NHS Number": "nhs_number", "Phone": "phone", "Ethnic group": "ethnicity", "Consent": "consent_given"}});
    let dry = call(&d, "import_dry_run", file_args(&path, mapping.clone()));
    assert_eq!(dry["errors"], json!([]));
    assert_eq!(dry["empty_rows"], 1);
    assert_eq!(dry["preview"][0]["row"], 3, "the row number Excel shows");
    assert_eq!(dry["preview"][1]["row"], 5);
    call(&d, "import_commit", file_args(&path, mapping));
    let chloe = call(&d, "carer_get", json!({"id": 1}));
    assert_eq!(chloe["last_name"], "O’Neill");
    assert_eq!(chloe["date_of_birth"], "1984-03-27");
    assert_eq!(chloe["nhs_number"], "943 476 5919");
    assert_eq!(chloe["phone"], "07700900123", "the leading zero a number lost is put back");
    assert_eq!(chloe["ethnicity"], "white_british");
    assert_eq!(chloe["consent_given"], false);
    let dev = call(&d, "carer_get", json!({"id": 2}));
    assert_eq!(dev["date_of_birth"], "1990-11-07");
    assert_eq!(dev["ethnicity"], "asian_indian");
}

#[test]
fn encodings_delimiters_empty_and_ragged_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    let read = |name: &str, bytes: &[u8]| {
        let p = write(dir.path(), name, bytes);
        (call(&d, "import_read", json!({ "path": s(&p) })), p)
    };
    // Windows-1252 from older Excel: é, £ and a curly apostrophe.
    let mut cp1252 = b"First name,Last name,Date of birth,Address\r\nZo".to_vec();
    cp1252.extend([0xE9]);
    cp1252.extend(b",O");
    cp1252.extend([0x92]);
    cp1252.extend(b"Brien,01/01/1970,");
    cp1252.extend([0xA3]);
    cp1252.extend(b"5 Lane\r\n");
    let (r, p) = read("cp1252.csv", &cp1252);
    assert_eq!(r["encoding"], "windows-1252");
    assert_eq!(r["columns"][0]["samples"], json!(["Zoé"]));
    assert_eq!(r["columns"][1]["samples"], json!(["O’Brien"]));
    assert_eq!(r["columns"][3]["samples"], json!(["£5 Lane"]));
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "Date of birth": "date_of_birth", "Address": "address_line1"}});
    call(&d, "import_commit", file_args(&p, m.clone()));
    assert_eq!(call(&d, "carer_get", json!({"id": 1}))["last_name"], "O’Brien");

    // UTF-8 with a BOM: the BOM is not part of the first header.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend("First name,Last name,Date of birth\nZoë,Ng,02/02/1972\n".as_bytes());
    let (r, _) = read("bom.csv", &bom);
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["columns"][0]["header"], "First name");
    assert_eq!(r["columns"][0]["suggestion"], "first_name");

    // UTF-16 little-endian with a BOM (Excel's "Unicode text"), tab-separated.
    let text = "First name\tLast name\tDate of birth\r\nŁucja\tNowak\t03/03/1973\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let (r, _) = read("utf16.csv", &utf16);
    assert_eq!(r["encoding"], "UTF-16LE");
    assert_eq!(r["columns"].as_array().unwrap().len(), 3);
    assert_eq!(r["columns"][0]["samples"], json!(["Łucja"]));
    // Big-endian too.
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    assert_eq!(read("utf16be.csv", &be).0["encoding"], "UTF-16BE");

    // Semicolons (Excel in much of Europe), empty rows and ragged rows.
    let text = "\n;;\nFirst name;Last name;Date of birth;Town\nAnn;Lee;04/04/1974;Leeds;extra;cells\n\n;;;\nBob;Marr;05/05/1975\n";
    let (r, p) = read("semi.csv", text.as_bytes());
    // Cells past the header's last name are kept, in columns of their own.
    let headers: Vec<&Value> = r["columns"].as_array().unwrap().iter().map(|c| &c["header"]).collect();
    assert_eq!(headers, vec!["First name", "Last name", "Date of birth", "Town", "Column E", "Column F"]);
    assert_eq!(r["columns"][4]["samples"], json!(["extra"]));
    assert_eq!(r["rows"], 2);
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "Date of birth": "date_of_birth", "Town": "town"}});
    let dry = call(&d, "import_dry_run", file_args(&p, m));
    assert_eq!(dry["errors"], json!([]));
    assert_eq!(dry["empty_rows"], 2);
    let rows: Vec<&Value> = dry["preview"].as_array().unwrap().iter().map(|p| &p["row"]).collect();
    assert_eq!(rows, vec![&json!(4), &json!(7)], "row numbers count the empty rows");

    // Not a spreadsheet; an empty file; a missing file.
    let e = call_err(&d, "import_read", json!({ "path": s(&write(dir.path(), "notes.docx", b"x")) }));
    assert_eq!(e.field.as_deref(), Some("path"));
    let e = call_err(&d, "import_read", json!({ "path": s(&write(dir.path(), "empty.csv", b"\n\n ,\n")) }));
    assert!(e.message.starts_with("the file has no rows with anything in them"), "{}", e.message);
    let e = call_err(&d, "import_read", json!({ "path": s(&dir.path().join("gone.csv")) }));
    assert!(e.message.starts_with("the file could not be opened"), "{}", e.message);
    // Damaged workbooks are a clear error.
    let e = call_err(&d, "import_read", json!({ "path": s(&write(dir.path(), "bad.xlsx", b"PK\x03\x04 not really")) }));
    assert_eq!(e.field.as_deref(), Some("path"));
    assert!(e.message.starts_with("the file could not be read as XLSX"), "{}", e.message);
}

#[test]
fn the_dry_run_lists_every_problem_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = "First Name,Surname,DOB,Post Code,Sex,Cared for name,Relationship,Hours\n\
Amy,Brown,31/02/1980,LS1 4AP,F,,,\n\
Ben,Cole,01/02/80,,M,,,\n\
Cy,,01/01/1990,nowhere,Q,,,\n\
Di,Eve,01/01/2030,,F,Ray,Cousin twice removed,lots\n\
Ed,Fox,02/02/1982,,,,,\n";
    let path = write(dir.path(), "bad.csv", text.as_bytes());
    let d = desk();
    let m = json!({"columns": {"First Name": "first_name", "Surname": "last_name", "DOB": "date_of_birth",
        "Post Code": "postcode", "Sex": "gender", "Cared for name": "cared_for_first_name",
        "Relationship": "cared_for_relationship", "Hours": "cared_for_hours_band"}});
    let dry = call(&d, "import_dry_run", file_args(&path, m.clone()));
    let e = |row: u32, column: &str, field: &str, value: &str, message: &str| json!({"row": row, "column": column, "field": field, "value": value, "message": message});
    assert_eq!(
        dry["errors"],
        json!([
            e(2, "DOB", "date_of_birth", "31/02/1980", "'31/02/1980' does not exist: February 1980 has 29 days. Check the day in the spreadsheet"),
            e(3, "DOB", "date_of_birth", "01/02/80", "'01/02/80' has a two-digit year, which could mean 1980 or 2080: write the year in full in the spreadsheet, for example 27/03/1984"),
            e(4, "Surname", "last_name", "", "enter the last name"),
            e(4, "Post Code", "postcode", "nowhere", "enter a UK postcode like SW1A 1AA ('nowhere' is not one)"),
            e(4, "Sex", "gender", "Q", "'Q' is not one of our gender choices: choose which one it means in the values step"),
            e(5, "DOB", "date_of_birth", "01/01/2030", "the date of birth cannot be in the future: check the year"),
            e(5, "Relationship", "cared_for_relationship", "Cousin twice removed", "'Cousin twice removed' is not one of our relationship choices: choose which one it means in the values step"),
            e(5, "Hours", "cared_for_hours_band", "lots", "'lots' is not one of our hours band choices: choose which one it means in the values step"),
        ])
    );
    assert_eq!(dry["rows_with_errors"], 4);
    assert_eq!(dry["errors_total"], 8);
    assert_eq!(dry["will_create"], 1);

    // Fixing the mapping (values and the date format) fixes what the file cannot.
    let mut fixed = m.clone();
    fixed["values"] = json!({"gender": {"Q": ""}, "cared_for_relationship": {"Cousin twice removed": "other_relative"},
                             "cared_for_hours_band": {"lots": "h50_plus"}});
    let dry = call(&d, "import_dry_run", file_args(&path, fixed));
    let fields: Vec<(&Value, &Value)> =
        dry["errors"].as_array().unwrap().iter().map(|e| (&e["row"], &e["field"])).collect();
    assert_eq!(
        fields,
        vec![
            (&json!(2), &json!("date_of_birth")),
            (&json!(3), &json!("date_of_birth")),
            (&json!(4), &json!("last_name")),
            (&json!(4), &json!("postcode")),
            (&json!(5), &json!("date_of_birth")),
        ]
    );

    // The mapping itself: unknown fields, missing required fields and missing columns.
    let err = call_err(
        &d,
        "import_dry_run",
        file_args(&path, json!({"columns": {"First Name": "first_name", "Surname": "surname", "Nope": "last_name"}})),
    );
    assert_eq!(err.code, "validation");
    assert_eq!(fields_of(&err), vec!["mapping.columns.Surname"]);
    let err = call_err(
        &d,
        "import_dry_run",
        file_args(&path, json!({"columns": {"First Name": "first_name", "Nope": "last_name"}})),
    );
    assert_eq!(
        err.errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect::<Vec<_>>(),
        vec![
            (
                "mapping.columns.Nope",
                "the file has no column called 'Nope': check the header row, or choose another saved mapping"
            ),
            ("mapping.columns", "choose the column that holds the date of birth: every carer needs one"),
        ]
    );
    let err = call_err(
        &d,
        "import_dry_run",
        file_args(
            &path,
            json!({"columns": {"First Name": "first_name", "Surname": "last_name", "DOB": "date_of_birth", "Cared for name": "cared_for_first_name"}}),
        ),
    );
    assert_eq!(err.errors.len(), 2, "relationship and hours are needed with a cared-for person: {err:?}");
}

fn fields_of(e: &carers_desk::ApiError) -> Vec<&str> {
    e.errors.iter().map(|f| f.field.as_str()).collect()
}

#[test]
fn duplicates_of_registered_carers_and_of_earlier_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    let amy = create(&d, "Amy", "Brown", "1980-02-01");
    let mut with_nhs = carer("Nia", "Jones", "1966-06-06");
    with_nhs["nhs_number"] = json!("9434765919");
    let nia = call(&d, "carer_create", with_nhs)["id"].as_i64().unwrap();
    let text = "First name,Last name,DOB,NHS number\n\
AMY,brown,01/02/1980,\n\
Nia,Smith,07/07/1977,943 476 5919\n\
Kim,Low,08/08/1988,\n\
Kim,Low,08/08/1988,\n\
Zed,New,09/09/1999,\n";
    let path = write(dir.path(), "dups.csv", text.as_bytes());
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "DOB": "date_of_birth", "NHS number": "nhs_number"}});
    let dry = call(&d, "import_dry_run", file_args(&path, m.clone()));
    assert_eq!(
        dry["duplicates"],
        json!([
            {"row": 2, "name": "AMY brown", "date_of_birth": "1980-02-01", "matches": [
                {"carer_id": amy, "reference": "C-000001", "name": "Amy Brown", "reason": "name_and_date_of_birth", "row": null}]},
            {"row": 3, "name": "Nia Smith", "date_of_birth": "1977-07-07", "matches": [
                {"carer_id": nia, "reference": "C-000002", "name": "Nia Jones", "reason": "nhs_number", "row": null}]},
            {"row": 5, "name": "Kim Low", "date_of_birth": "1988-08-08", "matches": [
                {"carer_id": null, "reference": null, "name": "Kim Low", "reason": "earlier_row", "row": 4}]},
        ])
    );
    assert_eq!(dry["duplicates_total"], 3);
    assert_eq!(dry["will_create"], 5);
    let mut args = file_args(&path, m);
    args["skip_duplicates"] = json!(true);
    let done = call(&d, "import_commit", args);
    assert_eq!(done["carers_created"], 2, "Kim (row 4) and Zed");
    assert_eq!(done["duplicates_skipped"], 3);
    assert_eq!(done["first_reference"], "C-000003");
    assert_eq!(total(&d), 4);
}

#[test]
fn a_commit_writes_every_row_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    let text = "First name,Last name,DOB\nAnn,Lee,01/01/1970\nBob,Marr,31/02/1975\n";
    let path = write(dir.path(), "one-bad.csv", text.as_bytes());
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "DOB": "date_of_birth"}});
    let e = call_err(&d, "import_commit", file_args(&path, m.clone()));
    assert_eq!(e.code, "validation");
    assert_eq!(e.field.as_deref(), Some("path"));
    assert!(
        e.message.starts_with("nothing was imported: 1 of 2 rows have problems (the first: row 3, column 'DOB':"),
        "{}",
        e.message
    );
    assert_eq!(total(&d), 0);
    assert_eq!(call(&d, "audit_list", json!({"command": "import_commit"}))["entries"], json!([]));

    // A failure part-way through the writing (here a trigger planted in the database refuses the
    // third carer) leaves nothing behind either.
    let db = dir.path().join("midway.sqlite3");
    let fd = file_desk(&db);
    let key = file_key(&db);
    let conn = carers_desk::vault::open_encrypted(&db, &key).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER boom BEFORE INSERT ON carers WHEN NEW.last_name = 'Boom'
         BEGIN SELECT RAISE(ABORT, 'planted failure'); END;",
    )
    .unwrap();
    drop(conn);
    let text = "First name,Last name,DOB,Cared for,Relationship,Hours\n\
Ann,Lee,01/01/1970,Ma,Mother,20-34\nBob,Marr,02/02/1972,,,\nCat,Boom,03/03/1973,,,\nDan,Ash,04/04/1974,,,\n";
    let path = write(dir.path(), "midway.csv", text.as_bytes());
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "DOB": "date_of_birth",
        "Cared for": "cared_for_first_name", "Relationship": "cared_for_relationship", "Hours": "cared_for_hours_band"}});
    assert_eq!(call(&fd, "import_dry_run", file_args(&path, m.clone()))["will_create"], 4);
    let e = call_err(&fd, "import_commit", file_args(&path, m));
    assert_eq!(e.code, "storage", "{e:?}");
    assert_eq!(call(&fd, "carer_search", json!({"status": "all"}))["total"], 0);
    assert_eq!(call(&fd, "cared_for_search", json!({"query": "Ma"})), json!([]));
    assert_eq!(call(&fd, "audit_verify", json!({}))["ok"], true);
}

#[test]
fn saved_mappings_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "carers.csv", CSV.as_bytes());
    let d = desk();
    let mut m = mapping();
    m["values"] = json!({"gender": {"F": "female", "X": ""}, "cared_for_lives_together": {"Sometimes": "yes"}});
    let saved = call(&d, "import_mapping_save", json!({"name": "Old database", "mapping": m.clone()}));
    assert_eq!(saved["name"], "Old database");
    assert_eq!(saved["mapping"], m);
    let id = saved["id"].as_i64().unwrap();
    let list = call(&d, "import_mapping_list", json!({}));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["mapping"], m);
    assert_eq!(
        call(&d, "import_read", json!({"path": s(&path)}))["saved_mapping"],
        json!({"id": id, "name": "Old database"})
    );
    // A file without one of the mapping's columns is not matched.
    let other = write(dir.path(), "other.csv", b"First Name,Surname,DOB\nA,B,01/01/1970\n");
    assert_eq!(call(&d, "import_read", json!({"path": s(&other)}))["saved_mapping"], Value::Null);

    // Names are unique in any case; renaming keeps the id.
    let e = call_err(&d, "import_mapping_save", json!({"name": "OLD DATABASE", "mapping": {}}));
    assert_eq!(e.field.as_deref(), Some("name"));
    let renamed = call(&d, "import_mapping_save", json!({"id": id, "name": "Old system", "mapping": m}));
    assert_eq!(renamed["id"], id);
    assert_eq!(call(&d, "import_mapping_list", json!({}))[0]["name"], "Old system");

    // Unknown field keys and codes are field errors, all at once.
    let e = call_err(
        &d,
        "import_mapping_save",
        json!({"name": "", "mapping": {"columns": {"DOB": "birthday", "Surname": "last_name"}, "date_format": "dd/mm/yy",
               "values": {"gender": {"F": "woman"}, "postcode": {"x": "y"}}, "extra": 1}}),
    );
    assert_eq!(
        e.errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect::<Vec<_>>(),
        vec![
            ("name", "enter the name"),
            (
                "mapping.extra",
                "a mapping has columns, date_format, values, header_row, consent_date only ('extra' is not one of them)"
            ),
            ("mapping.columns.DOB", "choose one of the fields to import into ('birthday' is not one of them)"),
            (
                "mapping.date_format",
                "choose dmy (27/03/1984), mdy (03/27/1984) or ymd (1984/03/27) ('dd/mm/yy' is not one)"
            ),
            ("mapping.values.gender.F", "choose one of the listed gender ('woman' is not one of them)"),
            ("mapping.values.postcode", "values can be given only for choice fields ('postcode' is not one)"),
        ]
    );
    assert_eq!(call(&d, "import_mapping_delete", json!({"id": id})), json!({}));
    assert_eq!(call_err(&d, "import_mapping_delete", json!({"id": id})).code, "not_found");
    assert_eq!(call(&d, "import_mapping_list", json!({})), json!([]));
    // Audited with sensible actions.
    let actions: Vec<(String, String)> = call(&d, "audit_list", json!({}))["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["command"].as_str().unwrap().starts_with("import_mapping"))
        .map(|e| (e["command"].as_str().unwrap().to_string(), e["action"].as_str().unwrap().to_string()))
        .collect();
    assert!(actions.contains(&("import_mapping_delete".into(), "delete".into())), "{actions:?}");
    assert!(actions.contains(&("import_mapping_list".into(), "list".into())), "{actions:?}");
}

#[test]
fn a_dry_run_of_100000_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("First name,Last name,DOB,Postcode,Sex,Cared for,Relationship,Hours\n");
    for i in 0..100_000u32 {
        let day = i % 28 + 1;
        let month = i % 12 + 1;
        let year = 1940 + i % 60;
        text.push_str(&format!("Name{i},Family{},{day:02}/{month:02}/{year},LS1 4AP,F,Ray,Mother,20-34\n", i / 3));
    }
    let path = write(dir.path(), "big.csv", text.as_bytes());
    let d = desk();
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "DOB": "date_of_birth",
        "Postcode": "postcode", "Sex": "gender", "Cared for": "cared_for_first_name",
        "Relationship": "cared_for_relationship", "Hours": "cared_for_hours_band"}});
    let started = std::time::Instant::now();
    assert_eq!(read::read_csv(text.as_bytes()).unwrap().rows.len(), 100_000);
    eprintln!("reading 100,000 rows: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let dry = d.call_with_progress(&ctx(), "import_dry_run", file_args(&path, m), &progress).unwrap();
    eprintln!("dry run of 100,000 rows: {:?}", started.elapsed());
    assert_eq!(dry["rows"], 100_000);
    assert_eq!(dry["will_create"], 100_000);
    assert_eq!(dry["cared_for_will_create"], 100_000);
    assert_eq!(dry["errors_total"], 0);
    assert_eq!(dry["preview"].as_array().unwrap().len(), 20);
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 100, "progress reported as it goes");
    assert_eq!(seen.last(), Some(&(100_000, 100_000)));
}

#[test]
fn the_cli_imports_with_a_dry_run_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli-import.sqlite3");
    let o = crate::cli::cli(&db, &["init", "--admin", ADMIN, "--name", "Amy Shah"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bad = write(dir.path(), "bad.csv", b"First Name,Surname,DOB\nAnn,Lee,01/01/1970\nBob,Marr,01/01/75\n");
    let good = write(dir.path(), "good.csv", CSV.as_bytes());
    let mapping_file = write(dir.path(), "mapping.json", mapping().to_string().as_bytes());
    let small = write(
        dir.path(),
        "small.json",
        json!({"columns": {"First Name": "first_name", "Surname": "last_name", "DOB": "date_of_birth"}})
            .to_string()
            .as_bytes(),
    );
    let o = crate::cli::cli(&db, &["import", "carers", &s(&bad), "--mapping", &s(&small), "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2 rows to import"), "{out}");
    assert!(out.contains("row 3, DOB: '01/01/75' has a two-digit year"), "{out}");
    let o = crate::cli::cli(&db, &["import", "carers", &s(&bad), "--mapping", &s(&small), "--commit"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(crate::cli::json(&o)["code"], "validation");

    let o = crate::cli::cli(&db, &["import", "carers", &s(&good), "--mapping", &s(&mapping_file), "--dry-run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2 carers would be created, 1 with a cared-for person"), "{out}");
    assert!(out.contains("row 2: Amy Brown, born 01/02/1980, LS1 4AP, cares for Ray"), "{out}");
    let o = crate::cli::cli(&db, &["import", "carers", &s(&good), "--mapping", &s(&mapping_file), "--commit"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(crate::cli::json(&o)["carers_created"], 2);
    let o = crate::cli::cli(&db, &["call", "carer_search", "{}"]);
    assert_eq!(crate::cli::json(&o)["total"], 2);
    // Neither flag, or a mapping that is not JSON: usage errors.
    let o = crate::cli::cli(&db, &["import", "carers", &s(&good), "--mapping", &s(&mapping_file)]);
    assert_eq!(o.status.code(), Some(2));
    let o = crate::cli::cli(&db, &["import", "carers", &s(&good), "--mapping", &s(&good), "--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
}

// Property tests: nothing a file or a cell holds makes the import panic.

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() }
}

/// Text that looks like CSV: delimiters, quotes, line breaks, BOMs and odd bytes.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        Just(vec![0xFE, 0xFF]),
        Just(vec![0]),
        Just(b"First name".to_vec()),
        Just(b"01/02/1980".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
        "[a-zA-Z0-9 £é’]{0,8}".prop_map(|s| s.into_bytes()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(3_000))]

    #[test]
    fn any_bytes_read_as_csv_give_rows_or_a_clear_error(bytes in csvish()) {
        match read::read_csv(&bytes) {
            Ok(t) => {
                prop_assert!(!t.headers.is_empty());
                for r in &t.rows {
                    prop_assert_eq!(r.cells.len(), t.headers.len());
                    prop_assert!(r.number >= 1);
                }
            }
            Err(e) => {
                let e = carers_desk::ApiError::from(e);
                prop_assert_eq!(e.field.as_deref(), Some("path"));
                prop_assert!(e.message.chars().next().is_some_and(|c| c.is_lowercase()));
            }
        }
    }

    #[test]
    fn any_bytes_at_all_read_as_csv_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read::read_csv(&bytes);
    }
}

/// Cells for each mapped column: real values, near misses and arbitrary text.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("01/02/1980".to_string()),
        Just("1980-02-01".to_string()),
        Just("31/02/1980".to_string()),
        Just("01/02/80".to_string()),
        Just("30768".to_string()),
        Just("F".to_string()),
        Just("White British".to_string()),
        Just("Dementia; Frailty / Autism".to_string()),
        Just("50+".to_string()),
        Just("Mother".to_string()),
        Just("Y".to_string()),
        Just("943 476 5919".to_string()),
        Just("sw1a 1aa".to_string()),
        "\\PC{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config(3_000))]

    #[test]
    fn any_cells_through_a_mapping_give_a_carer_or_errors_naming_the_column(cells in prop::collection::vec(cell(), 14)) {
        let headers: Vec<String> = [
            "First", "Last", "DOB", "Sex", "Ethnic", "Postcode", "NHS", "Consent", "Consent date",
            "Cared for", "Relationship", "Hours", "Conditions", "Kinds",
        ].iter().map(|h| h.to_string()).collect();
        let keys = [
            "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "postcode", "nhs_number",
            "consent_given", "consent_date", "cared_for_first_name", "cared_for_relationship",
            "cared_for_hours_band", "cared_for_conditions", "cared_for_care_kinds",
        ];
        let columns: serde_json::Map<String, Value> =
            headers.iter().zip(keys).map(|(h, k)| (h.clone(), json!(k))).collect();
        let mapping = convert::parse_mapping(&json!({"columns": columns, "date_format": "dmy"}), "mapping").unwrap();
        let plan = convert::plan(&mapping, &headers, true).unwrap();
        let row = read::Row { number: 2, cells: cells.clone() };
        let out = convert::convert_row(&plan, &row, today());
        prop_assert_eq!(out.carer.is_some(), out.errors.is_empty());
        for e in &out.errors {
            prop_assert_eq!(e.row, 2);
            prop_assert!(!e.message.is_empty());
            prop_assert!(e.message.chars().next().is_some_and(|c| !c.is_uppercase()), "{}", e.message);
            if !e.column.is_empty() {
                let i = headers.iter().position(|h| *h == e.column).unwrap();
                prop_assert_eq!(&e.value, cells[i].trim());
            }
        }
        for d in ["dmy", "mdy", "ymd"] {
            let f: convert::DateFormat = serde_json::from_value(json!(d)).unwrap();
            for c in &cells {
                if let Ok(Some(iso)) = convert::convert_date(c, f) {
                    prop_assert!(carers_desk::dates::from_iso(&iso).is_some(), "{} gave {}", c, iso);
                }
            }
        }
    }

    #[test]
    fn any_json_as_a_mapping_is_accepted_or_refused_with_field_errors(
        keys in prop::collection::vec("\\PC{0,10}", 0..4),
        targets in prop::collection::vec(prop_oneof![Just("first_name".to_string()), Just("gender".to_string()), "\\PC{0,10}"], 0..4),
        codes in prop::collection::vec(prop_oneof![Just("female".to_string()), "\\PC{0,6}"], 0..3),
    ) {
        let columns: serde_json::Map<String, Value> = keys.iter().cloned().zip(targets.iter().map(|t| json!(t))).collect();
        let values: serde_json::Map<String, Value> = codes.iter().map(|c| (c.clone(), json!(c))).collect();
        let v = json!({"columns": columns, "values": {"gender": values}, "date_format": "dmy"});
        match convert::parse_mapping(&v, "mapping") {
            Ok(m) => prop_assert!(m.columns.values().all(|k| carers_desk::import::fields::field(k).is_some())),
            Err(e) => {
                let e = carers_desk::ApiError::from(e);
                prop_assert_eq!(e.code.as_str(), "validation");
                prop_assert!(e.errors.iter().all(|f| f.field.starts_with("mapping.")));
            }
        }
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn damaged_workbooks_are_a_clear_error_never_a_panic(
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        truncate in any::<prop::sample::Index>(),
        format in prop_oneof![Just("xlsx"), Just("xls"), Just("ods")],
    ) {
        let mut bytes = small_xlsx();
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let keep = truncate.index(bytes.len() + 1).max(bytes.len() / 2);
        bytes.truncate(keep);
        match read::read_workbook(&bytes, format, None) {
            Ok(t) => prop_assert!(t.rows.iter().all(|r| r.cells.len() == t.headers.len())),
            Err(e) => {
                let e = carers_desk::ApiError::from(e);
                prop_assert_eq!(e.field.as_deref(), Some("path"));
            }
        }
    }
}

/// A minimal XLSX written by hand (stored, not compressed, so damaged XML still unzips).
const XLSX_PARTS: [(&str, &str); 7] = [
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Carers" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
    ),
    (
        "xl/sharedStrings.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>First name</t></si><si><t>DOB</t></si><si><t>Amy</t></si></sst>"#,
    ),
    (
        "xl/styles.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#,
    ),
    (
        "xl/worksheets/sheet1.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>29252</v></c><c r="C2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#,
    ),
];

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= *b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A zip file of `parts`, stored.
fn zip_stored(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in parts {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let common = |v: &mut Vec<u8>| {
            for x in [20u16, 0, 0, 0, 0] {
                v.extend(x.to_le_bytes());
            }
            v.extend(crc.to_le_bytes());
            v.extend((data.len() as u32).to_le_bytes());
            v.extend((data.len() as u32).to_le_bytes());
            v.extend((name.len() as u16).to_le_bytes());
            v.extend(0u16.to_le_bytes());
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(name.as_bytes());
        out.extend(data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        common(&mut central);
        central.extend([0u8; 6]);
        central.extend(0u32.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[test]
fn a_hand_made_workbook_reads_and_a_stray_far_cell_is_harmless() {
    let parts: Vec<(&str, Vec<u8>)> = XLSX_PARTS.iter().map(|(n, x)| (*n, x.as_bytes().to_vec())).collect();
    let t = read::read_workbook(&zip_stored(&parts), "xlsx", None).unwrap();
    // The cell past the header's last name gets a column of its own: nothing is dropped.
    assert_eq!(t.headers, vec!["First name", "DOB", "Column C"]);
    assert_eq!(t.rows, vec![read::Row { number: 2, cells: vec!["Amy".into(), "1980-02-01".into(), "x".into()] }]);
    // A value in the last cell of the sheet (XFD1048576): no grid of 17 billion cells.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "First name").unwrap();
    sheet.write_string(1, 0, "Amy").unwrap();
    sheet.write_string(1_048_575, 16_383, "stray").unwrap();
    sheet.write_string(1_048_575, 0, "far down").unwrap();
    let t = read::read_workbook(&book.save_to_buffer().unwrap(), "xlsx", None).unwrap();
    assert_eq!(t.headers, vec!["First name"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1], read::Row { number: 1_048_576, cells: vec!["far down".into()] });
    // Not read, but not silently: the preview names it.
    let left_out = t.left_out.expect("the stray cell is reported");
    assert_eq!((left_out.cells, left_out.first.as_str(), left_out.last_column_read.as_str()), (1, "XFD1048576", "ALL"));
}

#[test]
fn cells_past_a_thousand_columns_are_named_in_the_preview_never_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    let mapping = json!({"columns": {"First name": "first_name", "Surname": "last_name", "DOB": "date_of_birth"}});
    // A workbook: a note in column 1,001 (ALM) of a data row and a stray value in the sheet's
    // last cell; a title row above the header, past column 1,000 too, is not imported anyway.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 2000, "not in the table").unwrap();
    sheet.write_string(1, 0, "First name").unwrap();
    sheet.write_string(1, 1, "Surname").unwrap();
    sheet.write_string(1, 2, "DOB").unwrap();
    sheet.write_string(2, 0, "Amy").unwrap();
    sheet.write_string(2, 1, "Brown").unwrap();
    sheet.write_string(2, 2, "01/02/1980").unwrap();
    sheet.write_string(3, 2, "15/06/1975").unwrap();
    sheet.write_string(2, 1000, "moved out in May").unwrap();
    sheet.write_string(3, 0, "Ben").unwrap();
    sheet.write_string(3, 1, "Cole").unwrap();
    sheet.write_string(1_048_575, 16_383, "stray").unwrap();
    let xlsx = write(dir.path(), "wide.xlsx", &book.save_to_buffer().unwrap());
    let r = call(&d, "import_read", json!({"path": s(&xlsx), "header_row": 2}));
    assert_eq!(r["columns"].as_array().unwrap().len(), 3, "no column of 1,000 blanks");
    assert_eq!(r["rows"], 2, "the stray cell makes no row");
    assert_eq!(r["left_out"]["cells"], 2);
    assert_eq!(r["left_out"]["first"], "ALM3");
    assert_eq!(
        r["left_out"]["message"],
        "2 cells past column ALL were not read (the first is ALM3): Carers Desk reads the first 1,000 columns of a sheet. \
         A stray value far to the right can be left as it is; if they matter, move them next to the other columns and choose the file again."
    );
    let args = json!({"path": s(&xlsx), "sheet": null, "mapping": {"header_row": 2, "columns": mapping["columns"], "date_format": "dmy"}});
    let dry = call(&d, "import_dry_run", args.clone());
    assert_eq!((dry["will_create"].as_u64(), dry["errors_total"].as_u64()), (Some(2), Some(0)));
    assert_eq!(dry["left_out"]["first"], "ALM3", "the preview warns too");
    // Harmless: the two carers import, nothing else.
    let before = total(&d);
    call(&d, "import_commit", args);
    assert_eq!(total(&d), before + 2);

    // A CSV row 1,004 fields wide: the same warning, for one cell.
    let mut text = String::from("First name,Surname\nAmy,Brown\nBen,Cole");
    text.push_str(&",".repeat(1002));
    text.push_str("x\n");
    let csv = write(dir.path(), "wide.csv", text.as_bytes());
    let r = call(&d, "import_read", json!({"path": s(&csv)}));
    assert_eq!((r["left_out"]["cells"].as_u64(), r["left_out"]["first"].as_str()), (Some(1), Some("ALP3")));
    assert_eq!(r["columns"].as_array().unwrap().len(), 2, "no columns of blanks up to the stray cell");
    assert!(r["left_out"]["message"].as_str().unwrap().starts_with("1 cell past column ALL was not read"));
    // A file with nothing past column 1,000 says nothing.
    let plain = write(dir.path(), "plain.csv", b"First name,Surname\nAmy,Brown\n");
    assert_eq!(call(&d, "import_read", json!({"path": s(&plain)}))["left_out"], Value::Null);
}

/// What damaged XML is made of.
const XML_BITS: &[&str] = &[
    "<",
    ">",
    "/>",
    "\"",
    "&",
    "&amp;",
    "&#0;",
    "&#xFFFF;",
    "<row r=\"4294967296\">",
    "</row>",
    "<c r=\"XFD1048576\">",
    "<c r=\"ZZZZ99999999\" t=\"s\"><v>4294967295</v></c>",
    "<v>1e308</v>",
    "<v>-1</v>",
    "t=\"e\"",
    "t=\"d\"",
    "t=\"s\"",
    "s=\"99999\"",
    "<v>NaN</v>",
    "<is><t>",
    "]]>",
    "<![CDATA[",
    "\u{0}",
    "é",
    "",
    "numFmtId=\"4294967295\"",
    "formatCode=\"[h]:mm\"",
    "<sheet name=\"\" r:id=\"rId9\"/>",
    "Target=\"../../x\"",
];

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn damaged_workbook_xml_is_a_clear_error_never_a_panic(
        part in 2usize..7,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, prop::sample::select(XML_BITS)), 1..6),
    ) {
        let mut parts: Vec<(&str, Vec<u8>)> = XLSX_PARTS.iter().map(|(n, x)| (*n, x.as_bytes().to_vec())).collect();
        let xml = &mut parts[part].1;
        for (at, cut, bit) in edits {
            let i = at.index(xml.len() + 1);
            let end = (i + cut).min(xml.len());
            xml.splice(i..end, bit.bytes());
        }
        match read::read_workbook(&zip_stored(&parts), "xlsx", None) {
            Ok(t) => prop_assert!(t.rows.iter().all(|r| r.cells.len() == t.headers.len())),
            Err(e) => {
                let e = carers_desk::ApiError::from(e);
                prop_assert!(matches!(e.field.as_deref(), Some("path") | Some("sheet")), "{:?}", e);
            }
        }
    }
}

fn small_xlsx() -> Vec<u8> {
    thread_local! {
        static BYTES: Vec<u8> = {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in ["First name", "Last name", "DOB"].iter().enumerate() {
                sheet.write_string(0, c as u16, *h).unwrap();
            }
            sheet.write_string(1, 0, "Amy").unwrap();
            sheet.write_string(1, 1, "Brown").unwrap();
            sheet.write_number(1, 2, 29252.0).unwrap();
            book.save_to_buffer().unwrap()
        };
    }
    BYTES.with(|b| b.clone())
}
