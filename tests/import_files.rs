//! Importing the files centres really have (`tests/data/import/`, kept byte for byte): Excel's
//! CSV (a byte order mark, CRLF, a cell over two lines) and "Unicode text" (UTF-16, tabs),
//! title rows above the column names, a school's export, consent without a date, and names
//! with and without accents; and every combination of encoding, byte order mark, line ending,
//! quoted multi-line cell and blank line, with the row numbers the spreadsheet shows.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::util::*;

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import").join(name).to_string_lossy().into_owned()
}

fn dry(d: &carers_desk::Desk, path: &str, mapping: Value) -> Value {
    call(d, "import_dry_run", json!({"path": path, "mapping": mapping}))
}

/// `(row, column, message)` of each problem.
fn problems(dry: &Value) -> Vec<(u64, String, String)> {
    dry["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap().into(), e["message"].as_str().unwrap().into())
        })
        .collect()
}

fn preview_rows(dry: &Value) -> Vec<u64> {
    dry["preview"].as_array().unwrap().iter().map(|p| p["row"].as_u64().unwrap()).collect()
}

fn suggestions(read: &Value) -> Vec<(String, Value)> {
    read["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["header"].as_str().unwrap().to_string(), c["suggestion"].clone()))
        .collect()
}

#[test]
fn excel_csv_with_crlf_and_a_cell_over_two_lines_is_numbered_as_excel_shows_it() {
    let d = desk();
    let path = data("excel-utf8-crlf.csv");
    let r = call(&d, "import_read", json!({"path": path}));
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["header_row"], 1);
    assert_eq!(r["rows"], 4);
    let m = json!({"columns": {"First Name": "first_name", "Surname": "last_name", "DOB": "date_of_birth",
                               "Post Code": "postcode", "Email": "email"}});
    let dry = dry(&d, &path, m);
    assert_eq!(
        problems(&dry),
        vec![
            (
                3,
                "DOB".into(),
                "'30/02/1975' does not exist: February 1975 has 28 days. Check the day in the spreadsheet".into()
            ),
            (
                4,
                "Email".into(),
                "enter an email address like name@example.org ('cara at example.org' is not one)".into()
            ),
        ]
    );
    assert_eq!(preview_rows(&dry), vec![2, 5], "Amy is in row 2 and Dan in row 5, as Excel shows them");
}

#[test]
fn excel_unicode_text_is_utf16_with_tabs() {
    let d = desk();
    let path = data("excel-unicode-text.txt");
    let r = call(&d, "import_read", json!({"path": path}));
    assert_eq!((r["encoding"].as_str(), r["rows"].as_u64()), (Some("UTF-16LE"), Some(2)));
    assert_eq!(r["columns"][0]["samples"], json!(["Łucja", "Zoë"]));
    let m = json!({"columns": {"Forename": "first_name", "Surname": "last_name", "Date of birth": "date_of_birth",
                               "Town": "town"}});
    let dry = dry(&d, &path, m);
    assert_eq!(
        problems(&dry),
        vec![(
            3,
            "Date of birth".into(),
            "'31/04/1972' does not exist: April 1972 has 30 days. Check the day in the spreadsheet".into()
        )]
    );
    assert_eq!(preview_rows(&dry), vec![2]);
}

/// The bytes of `text` in one of the encodings spreadsheet programs write.
fn encode(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "UTF-8" => text.as_bytes().to_vec(),
        "UTF-8 with BOM" => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        "UTF-16LE" => [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect(),
        "UTF-16BE" => [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect(),
        "windows-1252" => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        other => panic!("{other}"),
    }
}

#[test]
fn row_numbers_match_the_spreadsheet_in_every_encoding_and_line_ending() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk();
    // The address over two lines is read but not imported (an address line is one line).
    let m =
        json!({"columns": {"First name": "first_name", "Last name": "last_name", "Date of birth": "date_of_birth"}});
    let mut cases = 0;
    for encoding in ["UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "windows-1252"] {
        for eol in ["\n", "\r\n", "\r"] {
            for inside in [None, Some("\n"), Some("\r\n")] {
                for blank in [false, true] {
                    // Row 1 the header; row 2 a carer whose address may run over two lines;
                    // perhaps an empty row; then a date that does not exist; then a good row.
                    let address = match inside {
                        Some(br) => format!("\"12 High Street{br}Leeds\""),
                        None => "12 High Street".to_string(),
                    };
                    let mut lines = vec![
                        "First name,Last name,Date of birth,Address".to_string(),
                        format!("Amy,Brown,01/02/1980,{address}"),
                    ];
                    if blank {
                        lines.push(String::new());
                    }
                    lines.push("Ben,Cole,31/02/1975,".into());
                    lines.push("Zoë,Dunn,03/03/1983,".into());
                    let text = lines.join(eol) + eol;
                    let case = format!("{encoding}, {eol:?}, {inside:?} in a cell, blank row {blank}");
                    let path: PathBuf = dir.path().join(format!("case{cases}.csv"));
                    std::fs::write(&path, encode(&text, encoding)).unwrap();
                    let path = path.to_string_lossy().into_owned();
                    let r = call(&d, "import_read", json!({"path": path}));
                    assert_eq!(r["columns"].as_array().unwrap().len(), 4, "{case}");
                    let bad = if blank { 4 } else { 3 };
                    let dry = dry(&d, &path, m.clone());
                    let errors = problems(&dry);
                    assert_eq!(errors.len(), 1, "{case}: {errors:?}");
                    assert_eq!(errors[0].0, bad, "{case}: the bad date's row");
                    assert_eq!(preview_rows(&dry), vec![2, bad + 1], "{case}");
                    assert_eq!(dry["preview"][0]["name"], "Amy Brown", "{case}");
                    assert_eq!(dry["preview"][1]["name"], "Zoë Dunn", "{case}");
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 90);
}

#[test]
fn title_rows_above_the_column_names_are_passed_over_and_no_column_is_dropped() {
    let d = desk();
    let path = data("title-rows.csv");
    let r = call(&d, "import_read", json!({"path": path}));
    assert_eq!(r["header_row"], 4, "the row that names the columns");
    assert_eq!(r["header_suggested"], 4);
    assert_eq!(r["rows_above_header"], 2, "the title and the date line");
    let rows: Vec<&Value> = r["header_choices"].as_array().unwrap().iter().map(|c| &c["row"]).collect();
    assert_eq!(rows, vec![1, 2, 4, 5, 6]);
    assert_eq!(
        suggestions(&r),
        vec![
            ("Forename".into(), json!("first_name")),
            ("Surname".into(), json!("last_name")),
            ("DOB".into(), json!("date_of_birth")),
            ("Town".into(), json!("town")),
            ("Ethnicity".into(), json!("ethnicity")),
            ("Column F".into(), Value::Null),
        ],
        "semicolons found though the title has none; the extra cell has a column of its own"
    );
    assert_eq!(r["columns"][5]["samples"], json!(["keyholder"]));
    let mut m = json!({"columns": {"Forename": "first_name", "Surname": "last_name", "DOB": "date_of_birth",
                                   "Town": "town", "Ethnicity": "ethnicity"}});
    let values = call(&d, "import_values", json!({"path": path, "mapping": m}));
    let ethnicity: Vec<(Value, Value)> =
        values[0]["values"].as_array().unwrap().iter().map(|v| (v["value"].clone(), v["suggestion"].clone())).collect();
    assert_eq!(
        ethnicity,
        vec![(json!("Not known"), json!("")), (json!("White - Polish"), json!("white_other"))],
        "not known is left empty, never 'prefer not to say'"
    );
    let dry = dry(&d, &path, m.clone());
    assert_eq!(problems(&dry), vec![]);
    assert_eq!(preview_rows(&dry), vec![5, 6]);
    call(&d, "import_commit", json!({"path": path, "mapping": m}));
    let grace = call(&d, "carer_get", json!({"id": 1}));
    assert_eq!((grace["first_name"].as_str(), grace["ethnicity"].as_str()), (Some("Grace"), Some("white_other")));
    assert_eq!(call(&d, "carer_get", json!({"id": 2}))["ethnicity"], Value::Null);

    // Another header row can be chosen; a saved mapping keeps it and finds it again.
    let title = call(&d, "import_read", json!({"path": path, "header_row": 1}));
    assert_eq!(title["columns"][0]["header"], "Riverside Carers - carers register");
    let e = call_err(&d, "import_read", json!({"path": path, "header_row": 3}));
    assert_eq!(e.field.as_deref(), Some("header_row"));
    assert!(e.message.starts_with("row 3 of the file is empty"), "{}", e.message);
    m["header_row"] = json!(4);
    call(&d, "import_mapping_save", json!({"name": "Register export", "mapping": m}));
    let again = call(&d, "import_read", json!({"path": path}));
    assert_eq!(again["saved_mapping"]["name"], "Register export");
    assert_eq!(again["header_row"], 4);
    m["header_row"] = json!(9);
    let e = call_err(&d, "import_dry_run", json!({"path": path, "mapping": m}));
    assert_eq!(e.field.as_deref(), Some("mapping.header_row"));
}

#[test]
fn a_schools_export_is_understood() {
    let d = desk();
    let path = data("school-export.csv");
    let r = call(&d, "import_read", json!({"path": path}));
    assert_eq!(
        suggestions(&r),
        vec![
            ("Pupil forename".into(), json!("first_name")),
            ("Pupil surname".into(), json!("last_name")),
            ("Pupil DOB".into(), json!("date_of_birth")),
            ("Referral From".into(), json!("referral_source")),
            ("Caring for".into(), json!("cared_for_relationship")),
            ("Hrs/wk".into(), json!("cared_for_hours_band")),
            ("Condition(s)".into(), json!("cared_for_conditions")),
            ("Ethnicity".into(), json!("ethnicity")),
        ]
    );
    let mapping: serde_json::Map<String, Value> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["header"].as_str().unwrap().to_string(), c["suggestion"].clone()))
        .collect();
    let values = call(&d, "import_values", json!({"path": path, "mapping": {"columns": mapping}}));
    let suggested = |field: &str, value: &str| {
        values
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == field)
            .and_then(|f| f["values"].as_array().unwrap().iter().find(|v| v["value"] == value))
            .map(|v| v["suggestion"].clone())
            .unwrap_or_else(|| panic!("{field} {value}"))
    };
    let table = [
        ("cared_for_conditions", "Stroke", "long_term_condition"),
        ("cared_for_conditions", "Parkinson's", "long_term_condition"),
        ("cared_for_conditions", "Cancer", "long_term_condition"),
        ("ethnicity", "White - Polish", "white_other"),
        ("ethnicity", "Indian", "asian_indian"),
        ("ethnicity", "Not known", ""),
        ("cared_for_relationship", "Grandad", "grandparent"),
        ("cared_for_hours_band", "10-19", "h10_19"),
        ("referral_source", "Social care", "social_care"),
    ];
    for (field, value, code) in table {
        assert_eq!(suggested(field, value), json!(code), "{field}: {value}");
    }
}

#[test]
fn consent_without_a_date_takes_the_mappings_date_and_errors_name_the_column() {
    let d = desk();
    let path = data("consent.csv");
    let r = call(&d, "import_read", json!({"path": path}));
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["columns"][0]["suggestion"], "full_name");
    let mut m = json!({"columns": {"NAME": "full_name", "DOB": "date_of_birth", "Consent": "consent_given",
                                   "Share with GP": "consent_share_gp"}});
    let dry0 = dry(&d, &path, m.clone());
    let message = "consent was given but no column holds the consent date: choose that column, or a consent date in \
                   the mapping (a date, or the day of the import)";
    assert_eq!(problems(&dry0), vec![(2, "Consent".into(), message.into()), (4, "Consent".into(), message.into())]);
    assert_eq!(dry0["errors"][0]["field"], "consent_date");
    assert_eq!(dry0["errors"][0]["value"], "Yes", "the cell that says consent was given");

    m["consent_date"] = json!("import_day");
    assert_eq!(problems(&dry(&d, &path, m.clone())), vec![]);
    let done = call(&d, "import_commit", json!({"path": path, "mapping": m}));
    assert_eq!(done["carers_created"], 3);
    let lena = call(&d, "carer_get", json!({"id": 1}));
    assert_eq!((lena["first_name"].as_str(), lena["last_name"].as_str()), (Some("Lena"), Some("Ford")));
    assert_eq!(lena["consent_given"], true);
    assert_eq!(lena["consent_date"], today().to_string(), "the day of the import");
    assert_eq!(lena["consent_share_gp"], true);
    let mo = call(&d, "carer_get", json!({"id": 2}));
    assert_eq!(
        (mo["consent_given"].as_bool(), &mo["consent_date"]),
        (Some(false), &Value::Null),
        "no consent, no date"
    );

    let d = desk();
    m["consent_date"] = json!("01/04/2024");
    call(&d, "import_commit", json!({"path": path, "mapping": m}));
    assert_eq!(call(&d, "carer_get", json!({"id": 3}))["consent_date"], "2024-04-01");
    m["consent_date"] = json!("31/04/2024");
    let e = call_err(&d, "import_dry_run", json!({"path": path, "mapping": m}));
    assert_eq!(e.field.as_deref(), Some("mapping.consent_date"));
}

#[test]
fn names_with_and_without_accents_are_likely_duplicates() {
    let d = desk();
    let jose = call(&d, "carer_create", carer("Jose", "Garcia", "1974-04-04"))["id"].clone();
    let zoe = call(&d, "carer_create", carer("Zoe", "OBrien Smith", "1985-05-05"))["id"].clone();
    let path = data("accents.csv");
    let m = json!({"columns": {"First name": "first_name", "Last name": "last_name", "Date of birth": "date_of_birth",
                               "Postcode": "postcode"}});
    let dry = dry(&d, &path, m.clone());
    let found: Vec<(u64, Vec<(Value, Value)>)> = dry["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|dup| {
            let matches =
                dup["matches"].as_array().unwrap().iter().map(|m| (m["carer_id"].clone(), m["reason"].clone()));
            (dup["row"].as_u64().unwrap(), matches.collect())
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (2, vec![(jose.clone(), json!("name_and_date_of_birth"))]),
            (3, vec![(jose.clone(), json!("name_and_date_of_birth")), (Value::Null, json!("earlier_row"))]),
            (4, vec![(zoe.clone(), json!("name_and_date_of_birth"))]),
        ]
    );
    let done = call(&d, "import_commit", json!({"path": path, "mapping": m, "skip_duplicates": true}));
    assert_eq!((done["carers_created"].as_u64(), done["duplicates_skipped"].as_u64()), (Some(0), Some(3)));
}
