//! Importing carers (and the people they care for, linked) from spreadsheets: read the file
//! (`read`), map its columns to our fields (`fields`, suggestions from headers), say what its
//! values mean (`convert`), see a dry run (errors by row and column, likely duplicates), then
//! commit every row in the command's one transaction, or none. Rows are checked by the same
//! rules as the forms (`carers::check`, `caring::check_addition`) and written as they write
//! (`carers::Batch`, the same row `carers::insert` writes; `caring::insert_addition`). Mappings
//! can be saved and reused.
//! See docs/import.md.

pub mod convert;
pub mod fields;
pub mod read;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::carers;
use crate::caring;
use crate::context::Ctx;
use crate::error::{Error, Result};
use convert::{Mapping, RowError, RowOutcome};
use fields::{Field, Kind};
use read::Table;

/// How many samples of each column `import_read` shows.
const SAMPLES: usize = 3;
/// How many rows the dry run previews.
const PREVIEW: usize = 20;
/// At most this many errors and duplicates are listed (all are counted).
pub const LIST_MAX: usize = 1000;
/// At most this many different values per column in `import_values`.
const VALUES_MAX: usize = 500;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadArgs {
    /// The file: .csv, .xlsx, .xls or .ods.
    pub path: String,
    /// A workbook's sheet (default: the first).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The row holding the column names, as the spreadsheet numbers it (default: a saved
    /// mapping's that fits the file, else the row that looks most like column names).
    #[serde(default)]
    pub header_row: Option<u32>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileArgs {
    pub path: String,
    #[serde(default)]
    pub sheet: Option<String>,
    /// `{ columns: { header: field }, date_format: "dmy"|"mdy"|"ymd", values: { field: { value: code } } }`
    pub mapping: Value,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitArgs {
    pub path: String,
    #[serde(default)]
    pub sheet: Option<String>,
    pub mapping: Value,
    /// Leave out rows that look like a carer already on the register (or an earlier row).
    #[serde(default)]
    pub skip_duplicates: bool,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Column {
    pub index: usize,
    pub header: String,
    pub samples: Vec<String>,
    /// The field the header suggests.
    pub suggestion: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SavedRef {
    pub id: i64,
    pub name: String,
}

/// A row that may hold the column names, as the header choice shows it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct HeaderChoice {
    /// The row number the spreadsheet shows.
    pub row: u32,
    /// Its first cells with anything in them (at most 6, each at most 40 characters).
    pub cells: Vec<String>,
    /// How many cells it has with anything in them.
    pub filled: usize,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReadOut {
    pub file_name: String,
    pub format: String,
    pub encoding: Option<String>,
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// The row the column names are read from.
    pub header_row: u32,
    /// The row that looks most like column names.
    pub header_suggested: u32,
    /// The first non-empty rows, any of which may be chosen as the header row.
    pub header_choices: Vec<HeaderChoice>,
    /// Non-empty rows above the header row (a title, notes): not imported.
    pub rows_above_header: usize,
    /// Cells past the first 1,000 columns, not read (the window warns).
    pub left_out: Option<read::LeftOut>,
    /// Data rows (not the header, not empty rows).
    pub rows: usize,
    pub columns: Vec<Column>,
    /// Every field a column can go to.
    #[schemars(with = "Vec<Value>")]
    pub fields: Vec<Field>,
    /// A saved mapping whose columns are all in this file.
    pub saved_mapping: Option<SavedRef>,
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string())
}

fn open(path: &str, sheet: Option<&str>) -> Result<read::Sheet> {
    if path.trim().is_empty() {
        return Err(Error::field("path", "choose the spreadsheet to import"));
    }
    read::open_path(Path::new(path), sheet)
}

/// The file's table with its header in the mapping's header row (or the suggested one).
fn load(path: &str, sheet: Option<&str>, header_row: Option<u32>) -> Result<Table> {
    open(path, sheet)?.into_table(header_row).map_err(|e| match e {
        // A mapping's header row is in the mapping.
        Error::Validation(v) => Error::Validation(
            v.into_iter()
                .map(|mut f| {
                    if f.field == "header_row" {
                        f.field = "mapping.header_row".into();
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    })
}

/// At most this many values of a column are looked at to suggest its field.
const SUGGEST_FROM: usize = 50;

/// `import_read`: the file's sheets, its header row (and the rows it may be), the columns with
/// samples and suggested fields, and a saved mapping that fits.
pub fn read_file(ctx: &mut Ctx<'_>, args: ReadArgs) -> Result<ReadOut> {
    let sheet = open(&args.path, args.sheet.as_deref())?;
    let saved = saved_mappings(ctx)?;
    // Unless a row was chosen, a saved mapping that fits the file says where its header is.
    let mut saved_mapping = None;
    let mut header_row = args.header_row;
    let suggested = sheet.suggested_header();
    for (id, name, m) in &saved {
        let row = match (args.header_row, m.header_row) {
            (Some(chosen), _) => chosen,
            (None, Some(own)) => own,
            (None, None) => match suggested {
                Some(s) => s,
                None => continue,
            },
        };
        if sheet.headers_at(row).is_some_and(|headers| fits(m, &headers)) {
            saved_mapping = Some(SavedRef { id: *id, name: name.clone() });
            header_row = Some(row);
            break;
        }
    }
    let table = sheet.into_table(header_row)?;
    let mut taken: Vec<&str> = Vec::new();
    let columns = table
        .headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let values: Vec<&str> = table.rows.iter().take(SUGGEST_FROM).map(|r| r.cells[index].as_str()).collect();
            let suggestion = fields::suggest_field_from(header, &values, &taken);
            if let Some(s) = suggestion {
                taken.push(s);
            }
            let mut samples: Vec<String> = Vec::new();
            for row in &table.rows {
                let v = row.cells[index].trim();
                if !v.is_empty() && !samples.iter().any(|s| s == v) {
                    samples.push(v.to_string());
                    if samples.len() == SAMPLES {
                        break;
                    }
                }
            }
            Column { index, header: header.clone(), samples, suggestion: suggestion.map(str::to_string) }
        })
        .collect();
    let header_choices = table
        .candidates
        .iter()
        .map(|(row, cells)| {
            let filled: Vec<&str> = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            HeaderChoice {
                row: *row,
                cells: filled.iter().take(6).map(|c| c.chars().take(40).collect()).collect(),
                filled: filled.len(),
            }
        })
        .collect();
    Ok(ReadOut {
        file_name: file_name(&args.path),
        format: table.format.to_string(),
        encoding: table.encoding.map(str::to_string),
        sheets: table.sheets.clone(),
        sheet: table.sheet.clone(),
        header_row: table.header_row,
        header_suggested: table.header_suggested,
        header_choices,
        rows_above_header: table.rows_above_header,
        left_out: table.left_out.clone(),
        rows: table.rows.len(),
        columns,
        fields: fields::FIELDS.to_vec(),
        saved_mapping,
    })
}

/// The saved mappings that read as mappings, newest first.
fn saved_mappings(ctx: &Ctx<'_>) -> Result<Vec<(i64, String, Mapping)>> {
    let mut stmt = ctx.tx.prepare("SELECT id, name, mapping FROM import_mappings ORDER BY updated_at DESC, id DESC")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, text) = row?;
        let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
        if let Ok(m) = convert::parse_mapping(&v, "mapping") {
            out.push((id, name, m));
        }
    }
    Ok(out)
}

/// Whether every column a mapping uses is a header of the file.
fn fits(m: &Mapping, headers: &[String]) -> bool {
    !m.columns.is_empty() && m.columns.keys().all(|h| headers.iter().any(|x| x.trim().eq_ignore_ascii_case(h.trim())))
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ValueCount {
    pub value: String,
    pub count: usize,
    /// Our code: the mapping's choice, else the suggestion.
    pub suggestion: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FieldValues {
    pub field: String,
    pub label: String,
    /// The choice list, or null for yes/no fields.
    pub list: Option<String>,
    pub kind: String,
    pub column: String,
    pub values: Vec<ValueCount>,
}

/// `import_values`: the different values in each mapped choice column, with our suggested code.
pub fn values(_ctx: &mut Ctx<'_>, args: FileArgs) -> Result<Vec<FieldValues>> {
    let mapping = convert::parse_mapping(&args.mapping, "mapping")?;
    let table = load(&args.path, args.sheet.as_deref(), mapping.header_row)?;
    let plan = convert::plan(&mapping, &table.headers, false)?;
    let mut out = Vec::new();
    for (f, i, header) in &plan.columns {
        if !matches!(f.kind, Kind::Choice | Kind::Choices | Kind::YesNo) {
            continue;
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for row in &table.rows {
            let v = row.cells[*i].trim();
            if v.is_empty() {
                continue;
            }
            if f.kind == Kind::Choices && !mapping.values.get(f.key).is_some_and(|m| m.contains_key(v)) {
                for piece in convert::split_choices(v) {
                    *counts.entry(piece).or_default() += 1;
                }
            } else {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut list: Vec<(&str, usize)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        list.truncate(VALUES_MAX);
        out.push(FieldValues {
            field: f.key.to_string(),
            label: f.label.to_string(),
            list: f.list.map(str::to_string),
            kind: serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            column: header.clone(),
            values: list
                .into_iter()
                .map(|(value, count)| ValueCount {
                    value: value.to_string(),
                    count,
                    suggestion: convert::map_value(&mapping, f, value).map(str::to_string),
                })
                .collect(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Match {
    /// The carer already on the register (null for an earlier row of the file).
    pub carer_id: Option<i64>,
    pub reference: Option<String>,
    pub name: String,
    /// `name_and_date_of_birth`, `nhs_number` or `earlier_row`.
    pub reason: String,
    /// The earlier row of the file, for `earlier_row`.
    pub row: Option<u32>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Duplicate {
    pub row: u32,
    pub name: String,
    pub date_of_birth: Option<String>,
    pub matches: Vec<Match>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Preview {
    pub row: u32,
    pub name: String,
    pub date_of_birth: Option<String>,
    pub postcode: Option<String>,
    pub cared_for: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DryRun {
    /// Data rows (not the header, not empty rows).
    pub rows: usize,
    pub empty_rows: usize,
    /// Cells past the first 1,000 columns, not read (the window warns).
    pub left_out: Option<read::LeftOut>,
    /// Rows with no errors: the carers a commit would create (fewer if duplicates are skipped).
    pub will_create: usize,
    pub cared_for_will_create: usize,
    /// The problems, in row order (at most 1,000 listed; `errors_total` counts them all).
    pub errors: Vec<RowError>,
    pub errors_total: usize,
    pub rows_with_errors: usize,
    /// Rows without errors that look like a carer already on the register or an earlier row
    /// (at most 1,000 listed; `duplicates_total` counts them all).
    pub duplicates: Vec<Duplicate>,
    pub duplicates_total: usize,
    /// The first 20 rows that would be created.
    pub preview: Vec<Preview>,
}

/// Everything a dry run and a commit both need: the rows checked and the duplicates found.
struct Checked {
    table: Table,
    mapping: Mapping,
    outcomes: Vec<RowOutcome>,
    /// Per outcome index: its duplicate matches.
    duplicates: BTreeMap<usize, Duplicate>,
}

type Key = (String, String, String);

/// A name as search compares it: letters and digits only, lower case, accents removed
/// ("José García", "jose garcia" and "JOSE GARCÍA" are the same; so are "O'Brien" and
/// "OBrien", "Smith-Jones" and "Smith Jones").
pub fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkd().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn name_key(c: &carers::CarerInput) -> Option<Key> {
    Some((fold_name(c.first_name.as_deref()?), fold_name(c.last_name.as_deref()?), c.date_of_birth.clone()?))
}

fn full_name(c: &carers::CarerInput) -> String {
    format!("{} {}", c.first_name.as_deref().unwrap_or(""), c.last_name.as_deref().unwrap_or("")).trim().to_string()
}

/// Reads and checks the whole file, reporting progress per row out of `phases` passes over the
/// rows (the commit makes a second pass, writing).
// Long: one pass over the rows: read, convert, check for duplicates, report progress, in that
// order.
fn check_all(ctx: &Ctx<'_>, path: &str, sheet: Option<&str>, mapping: &Value, phases: u64) -> Result<Checked> {
    let mapping = convert::parse_mapping(mapping, "mapping")?;
    let table = load(path, sheet, mapping.header_row)?;
    let today = ctx.today();
    let outcomes: Vec<RowOutcome> = {
        let plan = convert::plan(&mapping, &table.headers, true)?;
        let mut out = Vec::with_capacity(table.rows.len());
        let total_steps = table.rows.len() as u64 * phases;
        for (i, row) in table.rows.iter().enumerate() {
            out.push(convert::convert_row(&plan, row, today));
            if i % 1000 == 999 {
                ctx.progress(i as u64 + 1, total_steps);
            }
        }
        out
    };
    // Carers already on the register, by name and date of birth and by NHS number.
    type Known = (i64, String, String);
    let mut by_name: HashMap<Key, Vec<Known>> = HashMap::new();
    let mut by_nhs: HashMap<String, Vec<Known>> = HashMap::new();
    {
        let mut stmt =
            ctx.tx.prepare("SELECT id, reference, first_name, last_name, date_of_birth, nhs_number FROM carers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, reference, first, last): (i64, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let dob: String = r.get(4)?;
            let nhs: Option<String> = r.get(5)?;
            let known = (id, reference, format!("{first} {last}"));
            if let Some(n) = nhs {
                by_nhs.entry(n).or_default().push(known.clone());
            }
            by_name.entry((fold_name(&first), fold_name(&last), dob)).or_default().push(known);
        }
    }
    let mut seen_name: HashMap<Key, u32> = HashMap::new();
    let mut seen_nhs: HashMap<String, u32> = HashMap::new();
    let mut duplicates = BTreeMap::new();
    for (i, o) in outcomes.iter().enumerate() {
        let Some(c) = &o.carer else { continue };
        let mut matches: Vec<Match> = Vec::new();
        let key = name_key(c);
        let existing = |k: &Known, reason: &str| Match {
            carer_id: Some(k.0),
            reference: Some(k.1.clone()),
            name: k.2.clone(),
            reason: reason.to_string(),
            row: None,
        };
        if let Some(found) = key.as_ref().and_then(|k| by_name.get(k)) {
            matches.extend(found.iter().map(|k| existing(k, "name_and_date_of_birth")));
        }
        if let Some(found) = c.nhs_number.as_ref().and_then(|n| by_nhs.get(n)) {
            for k in found {
                if !matches.iter().any(|m| m.carer_id == Some(k.0)) {
                    matches.push(existing(k, "nhs_number"));
                }
            }
        }
        let earlier = key
            .as_ref()
            .and_then(|k| seen_name.get(k))
            .or_else(|| c.nhs_number.as_ref().and_then(|n| seen_nhs.get(n)))
            .copied();
        if let Some(row) = earlier {
            matches.push(Match {
                carer_id: None,
                reference: None,
                name: full_name(c),
                reason: "earlier_row".into(),
                row: Some(row),
            });
        }
        if let Some(k) = key {
            seen_name.entry(k).or_insert(o.number);
        }
        if let Some(n) = &c.nhs_number {
            seen_nhs.entry(n.clone()).or_insert(o.number);
        }
        if !matches.is_empty() {
            duplicates.insert(
                i,
                Duplicate { row: o.number, name: full_name(c), date_of_birth: c.date_of_birth.clone(), matches },
            );
        }
    }
    Ok(Checked { table, mapping, outcomes, duplicates })
}

fn report(checked: &Checked) -> DryRun {
    let mut errors = Vec::new();
    let mut errors_total = 0;
    let mut rows_with_errors = 0;
    let mut will_create = 0;
    let mut cared_for_will_create = 0;
    let mut preview = Vec::new();
    for o in &checked.outcomes {
        if !o.errors.is_empty() {
            rows_with_errors += 1;
            errors_total += o.errors.len();
            for e in &o.errors {
                if errors.len() < LIST_MAX {
                    errors.push(e.clone());
                }
            }
            continue;
        }
        let Some(c) = &o.carer else { continue };
        will_create += 1;
        if o.addition.is_some() {
            cared_for_will_create += 1;
        }
        if preview.len() < PREVIEW {
            preview.push(Preview {
                row: o.number,
                name: full_name(c),
                date_of_birth: c.date_of_birth.clone(),
                postcode: c.postcode.clone(),
                cared_for: o.cared_for_name.clone(),
            });
        }
    }
    DryRun {
        rows: checked.table.rows.len(),
        empty_rows: checked.table.empty_rows,
        left_out: checked.table.left_out.clone(),
        will_create,
        cared_for_will_create,
        errors,
        errors_total,
        rows_with_errors,
        duplicates: checked.duplicates.values().take(LIST_MAX).cloned().collect(),
        duplicates_total: checked.duplicates.len(),
        preview,
    }
}

/// `import_dry_run`: what a commit would do, writing nothing.
pub fn dry_run(ctx: &mut Ctx<'_>, args: FileArgs) -> Result<DryRun> {
    let checked = check_all(ctx, &args.path, args.sheet.as_deref(), &args.mapping, 1)?;
    let total = checked.table.rows.len() as u64;
    ctx.progress(total, total);
    Ok(report(&checked))
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Committed {
    pub carers_created: usize,
    pub cared_for_created: usize,
    pub duplicates_skipped: usize,
    pub first_reference: Option<String>,
    pub last_reference: Option<String>,
}

/// `import_commit`: re-reads and re-checks the file, refuses if any row has an error, then
/// creates every carer (and cared-for person) in this command's transaction.
// Long: the second pass in order: re-check, then write every carer and cared-for person in one
// transaction, with progress.
pub fn commit(ctx: &mut Ctx<'_>, args: CommitArgs) -> Result<Committed> {
    let checked = check_all(ctx, &args.path, args.sheet.as_deref(), &args.mapping, 2)?;
    let dry = report(&checked);
    if dry.rows_with_errors > 0 {
        let first = &dry.errors[0];
        let at = if first.column.is_empty() { String::new() } else { format!(", column '{}'", first.column) };
        return Err(Error::field(
            "path",
            format!(
                "nothing was imported: {} of {} rows have problems (the first: row {}{at}: {}): run the dry run to see them all, fix the file or the mapping, and try again",
                dry.rows_with_errors, dry.rows, first.row, first.message
            ),
        ));
    }
    if dry.will_create == 0 {
        return Err(Error::field("path", "the file has no rows to import: check it is the right file and sheet"));
    }
    let file = file_name(&args.path);
    let now = ctx.now();
    let clock = ctx.clock();
    let actor = ctx.actor().clone();
    let mapped: Vec<String> = checked.mapping.columns.values().cloned().collect();
    let rows = checked.outcomes.len() as u64;
    let total = rows * 2;
    let mut out = Committed {
        carers_created: 0,
        cared_for_created: 0,
        duplicates_skipped: 0,
        first_reference: None,
        last_reference: None,
    };
    let (mut first_id, mut last_id) = (None, None);
    // One statement writes the new carers, so the search index is written once, not once a
    // carer (which grew with the register); their links and audit entries refer to ids the
    // batch has given them.
    let mut batch = carers::Batch::new(ctx.tx)?;
    for (i, o) in checked.outcomes.iter().enumerate() {
        if args.skip_duplicates && checked.duplicates.contains_key(&i) {
            out.duplicates_skipped += 1;
            continue;
        }
        let Some(carer) = &o.carer else { continue };
        let id = batch.add(carer, &actor.name, &now)?;
        let cared_for_id = match &o.addition {
            Some(a) => {
                out.cared_for_created += 1;
                Some(caring::insert_addition(ctx, id, a)?)
            }
            None => None,
        };
        out.carers_created += 1;
        first_id.get_or_insert(id);
        last_id = Some(id);
        crate::audit::append(
            ctx.tx,
            &crate::audit::Entry {
                at: clock.clone(),
                actor_id: actor.id.clone(),
                actor_name: actor.name.clone(),
                role: actor.role.code().to_string(),
                action: "create".into(),
                command: "import_commit".into(),
                record_type: Some("carer".into()),
                record_id: Some(id),
                carer_id: Some(id),
                cared_for_id,
                fields: mapped.clone(),
                detail: Some(format!("imported from {file} row {}", o.number)),
                computer: ctx.context.computer.clone(),
            },
        )?;
        if i % 1000 == 999 {
            ctx.progress(rows + i as u64 + 1, total);
        }
    }
    batch.finish()?;
    let reference = |id: Option<i64>| -> Result<Option<String>> {
        Ok(match id {
            Some(id) => match crate::carers::read(ctx.tx, id) {
                Ok(carer) => Some(carer.reference),
                Err(Error::NotFound { .. }) => None,
                Err(e) => return Err(e),
            },
            None => None,
        })
    };
    out.first_reference = reference(first_id)?;
    out.last_reference = reference(last_id)?;
    ctx.progress(total, total);
    // The created carers have their own audit entries; no "recently viewed" rows for them.
    ctx.touched.clear();
    ctx.audit_detail = Some(format!("imported {} carers from {file}", out.carers_created));
    Ok(out)
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SavedMapping {
    pub id: i64,
    pub name: String,
    pub mapping: Value,
    pub updated_at: String,
}

/// `import_mapping_list`: the saved mappings, by name.
pub fn mapping_list(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<Vec<SavedMapping>> {
    let mut stmt =
        ctx.tx.prepare("SELECT id, name, mapping, updated_at FROM import_mappings ORDER BY name COLLATE NOCASE")?;
    let rows = stmt.query_map([], |r| {
        let text: String = r.get(2)?;
        Ok(SavedMapping {
            id: r.get(0)?,
            name: r.get(1)?,
            mapping: serde_json::from_str(&text).unwrap_or(Value::Null),
            updated_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingSaveArgs {
    /// A saved mapping to change; null to save a new one.
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    pub mapping: Value,
}

/// `import_mapping_save`: saves a mapping (checked: field keys and codes must be ours).
pub fn mapping_save(ctx: &mut Ctx<'_>, args: MappingSaveArgs) -> Result<SavedMapping> {
    let mut c = crate::validate::Check::new("");
    let name = c.required("name", "Name", &args.name, 100);
    let mapping = c.absorb(convert::parse_mapping(&args.mapping, "mapping"));
    c.finish()?;
    let mapping =
        serde_json::to_value(mapping.unwrap_or_default()).map_err(|e| Error::field("mapping", e.to_string()))?;
    let clash: Option<i64> = ctx
        .tx
        .query_row(
            "SELECT id FROM import_mappings WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
            params![name, args.id],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(Error::field("name", format!("a saved mapping is already called '{name}': choose another name")));
    }
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    let text = mapping.to_string();
    let id = match args.id {
        Some(id) => {
            let n = ctx.tx.execute(
                "UPDATE import_mappings SET name = ?1, mapping = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?5",
                params![name, text, now, by, id],
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "that saved mapping" });
            }
            id
        }
        None => {
            ctx.tx.execute(
                "INSERT INTO import_mappings (name, mapping, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?4)",
                params![name, text, now, by],
            )?;
            ctx.tx.last_insert_rowid()
        }
    };
    Ok(SavedMapping { id, name, mapping, updated_at: now })
}

/// `import_mapping_delete`.
pub fn mapping_delete(ctx: &mut Ctx<'_>, args: crate::args::IdArgs) -> Result<serde_json::Map<String, Value>> {
    let n = ctx.tx.execute("DELETE FROM import_mappings WHERE id = ?1", [args.id])?;
    if n == 0 {
        return Err(Error::NotFound { what: "that saved mapping" });
    }
    Ok(serde_json::Map::new())
}
