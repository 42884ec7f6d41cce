//! Reading a spreadsheet into rows of text: CSV (any common encoding and delimiter) and
//! workbooks (XLSX, XLS, ODS through calamine). Dates stored as dates become `YYYY-MM-DD`;
//! whole numbers stored as floats (NHS numbers) lose the `.0`. Fully empty rows are skipped and
//! counted; the first non-empty row is the header.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};

use crate::error::{Error, Result};

/// The largest file read (bytes): far more than 100,000 carers need.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// One data row as the user sees it in the spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number in the spreadsheet (the header's row is usually 1).
    pub number: u32,
    /// One cell per header column (missing cells are empty, extra cells are dropped).
    pub cells: Vec<String>,
}

/// A file read into a header and rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// `csv`, `xlsx`, `xls` or `ods`.
    pub format: &'static str,
    /// CSV only: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `windows-1252`.
    pub encoding: Option<&'static str>,
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// Column headers, made unique: a blank header is `Column C`, a repeat is `Name (2)`.
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// Fully empty rows skipped below the header.
    pub empty_rows: usize,
}

/// The format a file name says, or an error on `path`.
pub fn format_of(path: &Path) -> Result<&'static str> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => Ok("csv"),
        "xlsx" | "xlsm" => Ok("xlsx"),
        "xls" => Ok("xls"),
        "ods" => Ok("ods"),
        _ => Err(Error::field(
            "path",
            "choose a spreadsheet saved as .csv, .xlsx, .xls or .ods (in Excel: File, Save As, and pick one of those)",
        )),
    }
}

/// Reads the file at `path` (one sheet of a workbook: `sheet`, or the first).
pub fn read_path(path: &Path, sheet: Option<&str>) -> Result<Table> {
    let format = format_of(path)?;
    let size = std::fs::metadata(path)
        .map_err(|e| Error::field("path", format!("the file could not be opened ({e}): check it is still there")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Error::field(
            "path",
            format!("the file is too big to import ({} MB; at most 200 MB): split it into smaller files", size >> 20),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::field("path", format!("the file could not be read ({e}): check it is still there")))?;
    match format {
        "csv" => read_csv(&bytes),
        f => read_workbook(&bytes, f, sheet),
    }
}

/// Decodes CSV bytes: UTF-8 with or without a BOM, UTF-16 with a BOM (or clearly UTF-16 without
/// one), otherwise Windows-1252 (what older Excel saves).
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16BE");
    }
    // UTF-16 without a BOM: ASCII text has every other byte zero.
    if bytes.len() >= 4 && bytes.len().is_multiple_of(2) {
        if bytes[0] != 0 && bytes[1] == 0 && bytes[2] != 0 && bytes[3] == 0 {
            return (UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(), "UTF-16LE");
        }
        if bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 && bytes[3] != 0 {
            return (UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(), "UTF-16BE");
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => (WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), "windows-1252"),
    }
}

/// The delimiter used: whichever of `,` `;` tab `|` splits the first lines most consistently.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let count = |line: &str, d: char| {
        let mut quoted = false;
        let mut n = 0;
        for c in line.chars() {
            if c == '"' {
                quoted = !quoted;
            } else if c == d && !quoted {
                n += 1;
            }
        }
        n
    };
    let mut best = (b',', 0usize, 0usize);
    for d in [',', ';', '\t', '|'] {
        let Some(first) = lines.first() else { break };
        let n = count(first, d);
        if n == 0 {
            continue;
        }
        let agree = lines.iter().filter(|l| count(l, d) == n).count();
        if (agree, n) > (best.1, best.2) {
            best = (d as u8, agree, n);
        }
    }
    best.0
}

/// Reads CSV bytes.
pub fn read_csv(bytes: &[u8]) -> Result<Table> {
    let (text, encoding) = decode(bytes);
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut raw = Vec::new();
    // The row number the spreadsheet shows: the line the record starts on, less the line breaks
    // inside quoted cells above it (the csv reader skips blank lines; they are counted below).
    let mut inside = 0u64;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            Error::field(
                "path",
                format!("row {} of the file could not be read ({e}): check it in the spreadsheet", i + 1),
            )
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(i as u64 + 1);
        let number = u32::try_from(line.saturating_sub(inside)).unwrap_or(u32::MAX);
        inside += record.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
        raw.push((number, record.iter().map(str::to_string).collect::<Vec<_>>()));
    }
    let mut table = assemble(raw)?;
    table.format = "csv";
    table.encoding = Some(encoding);
    Ok(table)
}

/// Reads one sheet of a workbook (`xlsx`, `xls` or `ods`) from its bytes.
pub fn read_workbook(bytes: &[u8], format: &'static str, sheet: Option<&str>) -> Result<Table> {
    let bytes = bytes.to_vec();
    let wanted = sheet.map(str::to_string);
    // calamine reads untrusted files: a panic inside it must become an error, never a crash.
    let outcome = std::panic::catch_unwind(move || read_workbook_inner(bytes, format, wanted.as_deref()));
    match outcome {
        Ok(r) => r,
        Err(_) => Err(unreadable(format, "the reader stopped on damaged content")),
    }
}

fn unreadable(format: &str, why: impl std::fmt::Display) -> Error {
    Error::field(
        "path",
        format!(
            "the file could not be read as {} ({why}): open it in your spreadsheet program and save it again, or save it as CSV",
            format.to_uppercase()
        ),
    )
}

fn read_workbook_inner(bytes: Vec<u8>, format: &'static str, sheet: Option<&str>) -> Result<Table> {
    let cursor = Cursor::new(bytes);
    let bad = |e: &dyn std::fmt::Display| unreadable(format, e);
    let choose = |sheets: &[String]| -> Result<String> {
        match sheet {
            Some(s) => sheets.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
                Error::field(
                    "sheet",
                    format!("the file has no sheet called '{s}': choose one of {}", sheets.join(", ")),
                )
            }),
            None => sheets
                .first()
                .cloned()
                .ok_or_else(|| Error::field("path", "the workbook has no sheets: check it is the right file")),
        }
    };
    let (sheets, name, raw) = if format == "xlsx" {
        // Cell by cell: a stray value far away (XFD1048576) must not make a grid of every cell.
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(cursor).map_err(|e| bad(&e))?;
        let sheets = book.sheet_names();
        let name = choose(&sheets)?;
        let mut reader = book.worksheet_cells_reader(&name).map_err(|e| bad(&e))?;
        let mut cells: Vec<(u32, u32, String)> = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|e| bad(&e))? {
            let (r, c) = cell.get_position();
            let text = cell_text(&Data::from(cell.get_value().clone()));
            if !text.trim().is_empty() {
                cells.push((r, c, text));
            }
        }
        (sheets, name, sparse_rows(cells))
    } else {
        let mut book: calamine::Sheets<Cursor<Vec<u8>>> = match format {
            "xls" => calamine::Sheets::Xls(calamine::open_workbook_from_rs(cursor).map_err(|e| bad(&e))?),
            _ => calamine::Sheets::Ods(calamine::open_workbook_from_rs(cursor).map_err(|e| bad(&e))?),
        };
        let sheets = book.sheet_names();
        let name = choose(&sheets)?;
        let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
        let (top, _) = range.start().unwrap_or((0, 0));
        let raw = range
            .rows()
            .enumerate()
            .map(|(i, cells)| ((top as usize + i + 1) as u32, cells.iter().map(cell_text).collect::<Vec<_>>()))
            .collect();
        (sheets, name, raw)
    };
    let mut table = assemble(raw)?;
    table.format = format;
    table.sheets = sheets;
    table.sheet = Some(name);
    Ok(table)
}

/// At most this many columns from the first one used are read.
pub const MAX_COLUMNS: usize = 1000;

/// Rows (numbered as the spreadsheet shows them) from non-empty cells `(row, column, text)`
/// counted from 0; columns start at the first one used.
fn sparse_rows(mut cells: Vec<(u32, u32, String)>) -> Vec<(u32, Vec<String>)> {
    let first = cells.iter().map(|c| c.1).min().unwrap_or(0);
    cells.sort_by_key(|c| (c.0, c.1));
    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    for (r, c, text) in cells {
        let i = (c - first) as usize;
        if i >= MAX_COLUMNS {
            continue;
        }
        let number = r.saturating_add(1);
        if rows.last().is_none_or(|(n, _)| *n != number) {
            rows.push((number, Vec::new()));
        }
        if let Some((_, row)) = rows.last_mut() {
            if row.len() <= i {
                row.resize(i + 1, String::new());
            }
            row[i] = text;
        }
    }
    rows
}

/// A cell as text: dates as `YYYY-MM-DD`, whole numbers without `.0`.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            if d.as_f64() < 1.0 {
                // A time of day with no date.
                number_text(d.as_f64())
            } else {
                format!("{y:04}-{m:02}-{day:02}")
            }
        }
        Data::DateTime(d) => number_text(d.as_f64()),
        Data::DateTimeIso(s) => s.get(..10).filter(|d| crate::dates::from_iso(d).is_some()).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as text: whole numbers without a decimal point (an NHS number stored as a number
/// is `9434765919`, not `9434765919.0`).
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Header (first non-empty row) and data rows; empty rows skipped and counted.
fn assemble(raw: Vec<(u32, Vec<String>)>) -> Result<Table> {
    let blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());
    let mut rows = raw.into_iter();
    let mut header = None;
    for (n, cells) in rows.by_ref() {
        if !blank(&cells) {
            header = Some((n, cells));
            break;
        }
    }
    let Some((header_number, header)) = header else {
        return Err(Error::field(
            "path",
            "the file has no rows with anything in them: check it is the right file (the first row should name the columns)",
        ));
    };
    let width = header.iter().rposition(|h| !h.trim().is_empty()).map(|i| i + 1).unwrap_or(0);
    let mut headers: Vec<String> = Vec::with_capacity(width);
    for (i, h) in header.iter().take(width).enumerate() {
        let base = h.trim().to_string();
        let base = if base.is_empty() { format!("Column {}", column_letter(i)) } else { base };
        let mut name = base.clone();
        let mut n = 2;
        while headers.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
            name = format!("{base} ({n})");
            n += 1;
        }
        headers.push(name);
    }
    let mut table = Table { headers, ..Table::default() };
    let mut previous = header_number;
    for (number, mut cells) in rows {
        // Lines the CSV reader skipped as blank.
        table.empty_rows += number.saturating_sub(previous).saturating_sub(1) as usize;
        previous = number;
        if blank(&cells) {
            table.empty_rows += 1;
            continue;
        }
        cells.resize(width, String::new());
        table.rows.push(Row { number, cells });
    }
    Ok(table)
}

/// `A`, `B`, ..., `Z`, `AA`, ...: the spreadsheet's name for column `i` (from 0).
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_numbers() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(number_text(9434765919.0), "9434765919");
        assert_eq!(number_text(1.5), "1.5");
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a,b\n\"x;y\",2\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter("just one column\n"), b',');
    }
}
