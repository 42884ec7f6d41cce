//! Reading a spreadsheet into rows of text: CSV (any common encoding and delimiter) and
//! workbooks (XLSX, XLS, ODS through calamine). Dates stored as dates become `YYYY-MM-DD`;
//! whole numbers stored as floats (NHS numbers) lose the `.0`. Fully empty rows are skipped and
//! counted. The header is the row the user chooses; by default the row that looks most like
//! column names among the first non-empty rows ([`Sheet::suggested_header`]), so a title row
//! above the headers is passed over. No column is dropped silently: cells past the header's
//! last name get a column of their own (`Column H`), and cells past [`MAX_COLUMNS`] (a stray
//! value far to the right) are not read but counted, with the first one's place, so the
//! preview can say so ([`LeftOut`]).

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};
use serde::Serialize;

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
    /// The spreadsheet row holding the column names.
    pub header_row: u32,
    /// The row [`Sheet::suggested_header`] would choose.
    pub header_suggested: u32,
    /// The first non-empty rows, to choose the header from (at most [`CANDIDATES`]).
    pub candidates: Vec<(u32, Vec<String>)>,
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
    /// Non-empty rows above the header (a title, notes), left out.
    pub rows_above_header: usize,
    /// Cells with something in them past [`MAX_COLUMNS`], in the header row or below: not read.
    pub left_out: Option<LeftOut>,
}

/// Cells not read because they are past [`MAX_COLUMNS`] columns from the first one used.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LeftOut {
    /// How many cells with something in them.
    pub cells: usize,
    /// The first of them (in row order) as the spreadsheet names it, e.g. `XFD1048576`.
    pub first: String,
    /// The last column read, e.g. `ALL`.
    pub last_column_read: String,
    /// What the preview says.
    pub message: String,
}

/// A sheet (or CSV file) read into rows of text, before its header row is chosen.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// Every row read, numbered as the spreadsheet shows it (empty rows included or not).
    rows: Vec<(u32, Vec<String>)>,
    /// The spreadsheet column (from 0) of the first cell of each row.
    first_column: usize,
    /// Cells with something in them that a workbook had past [`MAX_COLUMNS`]: (row, column
    /// counted from `first_column`). Rows read whole (CSV) are cut in [`Sheet::into_table`].
    past_columns: Vec<(u32, usize)>,
}

/// How many of the first non-empty rows may be chosen as the header.
pub const CANDIDATES: usize = 20;

fn blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// The number of cells up to the last non-empty one, within the first [`MAX_COLUMNS`]: a stray
/// value past them makes no columns of blanks.
fn used_width(cells: &[String]) -> usize {
    cells[..cells.len().min(MAX_COLUMNS)].iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1)
}

impl Sheet {
    /// The first [`CANDIDATES`] non-empty rows.
    pub fn candidates(&self) -> impl Iterator<Item = &(u32, Vec<String>)> {
        self.rows.iter().filter(|(_, cells)| !blank(cells)).take(CANDIDATES)
    }

    /// The row that looks most like column names: the most cells naming a field we know,
    /// then the most cells of text (not numbers or dates), the earliest on a tie. A title
    /// ("Carers list, April 2026") has one cell; data rows have numbers, dates and few words
    /// we know as headers.
    pub fn suggested_header(&self) -> Option<u32> {
        let score = |cells: &[String]| {
            let mut known = 0;
            let mut text = 0;
            let mut taken: Vec<&str> = Vec::new();
            for c in cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                if let Some(f) = super::fields::suggest_field(c, &taken) {
                    taken.push(f);
                    known += 1;
                }
                if c.chars().any(char::is_alphabetic) && super::convert::convert_date(c, Default::default()).is_err() {
                    text += 1;
                }
            }
            (known, text)
        };
        let mut best: Option<(u32, (usize, usize))> = None;
        for (n, cells) in self.candidates() {
            let s = score(cells);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((*n, s));
            }
        }
        best.map(|(n, _)| n)
    }

    /// The column names the header row `row` would give, if it is a non-empty row.
    pub fn headers_at(&self, row: u32) -> Option<Vec<String>> {
        let (_, cells) = self.rows.iter().find(|(n, cells)| *n == row && !blank(cells))?;
        let width = self.width_from(row).max(used_width(cells));
        Some(headers(cells, width, self.first_column))
    }

    /// The widest row from `row` down.
    fn width_from(&self, row: u32) -> usize {
        self.rows.iter().filter(|(n, _)| *n >= row).map(|(_, c)| used_width(c)).max().unwrap_or(0)
    }

    /// The table with its header in row `header_row` (default: [`Self::suggested_header`]).
    /// Rows above the header are left out; every column with anything in it below the header
    /// is kept, named or not.
    pub fn into_table(self, header_row: Option<u32>) -> Result<Table> {
        let Some(suggested) = self.suggested_header() else {
            return Err(Error::field(
                "path",
                "the file has no rows with anything in them: check it is the right file (the first row should name the columns)",
            ));
        };
        let chosen = header_row.unwrap_or(suggested);
        let candidates: Vec<(u32, Vec<String>)> = self.candidates().cloned().collect();
        let Some(header) = self.rows.iter().find(|(n, cells)| *n == chosen && !blank(cells)).map(|(_, c)| c.clone())
        else {
            return Err(Error::field(
                "header_row",
                format!(
                    "row {chosen} of the file is empty or past its end: choose the row that holds the column names (row {suggested} looks like it)"
                ),
            ));
        };
        let width = self.width_from(chosen);
        let mut table = Table {
            format: self.format,
            encoding: self.encoding,
            sheets: self.sheets,
            sheet: self.sheet,
            header_row: chosen,
            header_suggested: suggested,
            headers: headers(&header, width, self.first_column),
            candidates,
            ..Table::default()
        };
        let mut past: Vec<(u32, usize)> = self.past_columns.iter().filter(|(n, _)| *n >= chosen).copied().collect();
        for (number, cells) in self.rows.iter().filter(|(n, _)| *n >= chosen) {
            past.extend(
                cells
                    .iter()
                    .enumerate()
                    .skip(MAX_COLUMNS)
                    .filter(|(_, c)| !c.trim().is_empty())
                    .map(|(i, _)| (*number, i)),
            );
        }
        past.sort();
        table.left_out = past.first().map(|&(row, column)| {
            let cells = past.len();
            let first = format!("{}{row}", column_letter(self.first_column + column));
            let last_column_read = column_letter(self.first_column + MAX_COLUMNS - 1);
            let message = format!(
                "{} past column {last_column_read} {} not read (the first is {first}): Carers Desk reads the first 1,000 columns of a sheet. A stray value far to the right can be left as it is; if {} matter, move {} next to the other columns and choose the file again.",
                if cells == 1 { "1 cell".to_string() } else { format!("{cells} cells") },
                if cells == 1 { "was" } else { "were" },
                if cells == 1 { "it" } else { "they" },
                if cells == 1 { "it" } else { "them" },
            );
            LeftOut { cells, first, last_column_read, message }
        });
        let mut previous = chosen;
        for (number, mut cells) in self.rows {
            if number < chosen {
                table.rows_above_header += usize::from(!blank(&cells));
                continue;
            }
            if number == chosen {
                continue;
            }
            // Lines the CSV reader skipped as blank.
            table.empty_rows += number.saturating_sub(previous).saturating_sub(1) as usize;
            previous = number;
            if blank(&cells) {
                table.empty_rows += 1;
                continue;
            }
            cells.truncate(width);
            cells.resize(width, String::new());
            table.rows.push(Row { number, cells });
        }
        Ok(table)
    }
}

/// Column names from a header row's cells, `width` wide: a blank one is named by its column
/// letter (`Column C`), a repeat gets a number (`Name (2)`).
fn headers(cells: &[String], width: usize, first_column: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(width);
    for i in 0..width {
        let base = cells.get(i).map(|h| h.trim()).unwrap_or("");
        let base =
            if base.is_empty() { format!("Column {}", column_letter(first_column + i)) } else { base.to_string() };
        let mut name = base.clone();
        let mut n = 2;
        while out.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
            name = format!("{base} ({n})");
            n += 1;
        }
        out.push(name);
    }
    out
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

/// Reads the file at `path` (one sheet of a workbook: `sheet`, or the first) with its
/// suggested header row.
pub fn read_path(path: &Path, sheet: Option<&str>) -> Result<Table> {
    open_path(path, sheet)?.into_table(None)
}

/// Reads the file at `path` (one sheet of a workbook: `sheet`, or the first), its header row
/// not yet chosen.
pub fn open_path(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
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
        "csv" => csv_sheet(&bytes),
        f => workbook_sheet(&bytes, f, sheet),
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

/// The delimiter used: whichever of `,` `;` tab `|` splits the first lines most consistently
/// (the most lines with the same number of them, then the most per line). A title line above
/// the header, with none, does not decide it.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(CANDIDATES).collect();
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
        let counts: Vec<usize> = lines.iter().map(|l| count(l, d)).collect();
        // The most common number of delimiters a line has (ignoring lines with none).
        let mut tally: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        for &n in counts.iter().filter(|&&n| n > 0) {
            *tally.entry(n).or_default() += 1;
        }
        let Some((n, agree)) = tally.into_iter().max_by_key(|&(n, agree)| (agree, n)) else { continue };
        if (agree, n) > (best.1, best.2) {
            best = (d as u8, agree, n);
        }
    }
    best.0
}

/// Line breaks in `text`: CRLF, LF or a lone CR, each one break (what a spreadsheet counts as
/// a new row).
fn line_breaks(text: &[u8]) -> u64 {
    let mut n = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// Reads CSV bytes with the suggested header row.
pub fn read_csv(bytes: &[u8]) -> Result<Table> {
    csv_sheet(bytes)?.into_table(None)
}

/// Reads CSV bytes into rows, each numbered as a spreadsheet program shows it: the file's
/// line breaks before the row (CRLF, LF or CR), less those inside quoted cells above it.
pub fn csv_sheet(bytes: &[u8]) -> Result<Sheet> {
    let (text, encoding) = decode(bytes);
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let all = text.as_bytes();
    let mut rows = Vec::new();
    // Line breaks counted so far, up to byte `upto`; and those inside quoted cells.
    let (mut breaks, mut upto, mut inside) = (0u64, 0usize, 0u64);
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            Error::field(
                "path",
                format!("row {} of the file could not be read ({e}): check it in the spreadsheet", i + 1),
            )
        })?;
        // The reader's position is where it began reading the record: before the blank lines
        // it skipped (and the LF of a CRLF it stopped at). The record starts after them.
        let mut start = record.position().map_or(upto, |p| p.byte() as usize).clamp(upto, all.len());
        while matches!(all.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        breaks += line_breaks(&all[upto..start]);
        upto = start;
        let number = u32::try_from(1 + breaks - inside.min(breaks)).unwrap_or(u32::MAX);
        inside += record.iter().map(|f| line_breaks(f.as_bytes())).sum::<u64>();
        rows.push((number, record.iter().map(str::to_string).collect::<Vec<_>>()));
    }
    Ok(Sheet { format: "csv", encoding: Some(encoding), rows, ..Sheet::default() })
}

/// Reads one sheet of a workbook (`xlsx`, `xls` or `ods`) from its bytes, with the suggested
/// header row.
pub fn read_workbook(bytes: &[u8], format: &'static str, sheet: Option<&str>) -> Result<Table> {
    workbook_sheet(bytes, format, sheet)?.into_table(None)
}

/// Reads one sheet of a workbook (`xlsx`, `xls` or `ods`) from its bytes into rows.
pub fn workbook_sheet(bytes: &[u8], format: &'static str, sheet: Option<&str>) -> Result<Sheet> {
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

fn read_workbook_inner(bytes: Vec<u8>, format: &'static str, sheet: Option<&str>) -> Result<Sheet> {
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
    let (sheets, name, raw, first_column, past_columns) = if format == "xlsx" {
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
        let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0) as usize;
        let (rows, past) = sparse_rows(cells);
        (sheets, name, rows, first_column, past)
    } else {
        let mut book: calamine::Sheets<Cursor<Vec<u8>>> = match format {
            "xls" => calamine::Sheets::Xls(calamine::open_workbook_from_rs(cursor).map_err(|e| bad(&e))?),
            _ => calamine::Sheets::Ods(calamine::open_workbook_from_rs(cursor).map_err(|e| bad(&e))?),
        };
        let sheets = book.sheet_names();
        let name = choose(&sheets)?;
        let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let raw = range
            .rows()
            .enumerate()
            .map(|(i, cells)| ((top as usize + i + 1) as u32, cells.iter().map(cell_text).collect::<Vec<_>>()))
            .collect();
        (sheets, name, raw, left as usize, Vec::new())
    };
    Ok(Sheet { format, encoding: None, sheets, sheet: Some(name), rows: raw, first_column, past_columns })
}

/// At most this many columns from the first one used are read.
pub const MAX_COLUMNS: usize = 1000;

/// Rows (numbered as the spreadsheet shows them) from non-empty cells `(row, column, text)`
/// counted from 0; columns start at the first one used. Cells past [`MAX_COLUMNS`] are not
/// kept: their places are returned (row number, column from the first one used).
type Rows = Vec<(u32, Vec<String>)>;
fn sparse_rows(mut cells: Vec<(u32, u32, String)>) -> (Rows, Vec<(u32, usize)>) {
    let first = cells.iter().map(|c| c.1).min().unwrap_or(0);
    cells.sort_by_key(|c| (c.0, c.1));
    let mut rows: Rows = Vec::new();
    let mut past = Vec::new();
    for (r, c, text) in cells {
        let i = (c - first) as usize;
        let number = r.saturating_add(1);
        if i >= MAX_COLUMNS {
            past.push((number, i));
            continue;
        }
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
    (rows, past)
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
