//! The PDF document engine: a document is a [`DocumentInfo`] and a list of [`Block`]s, and
//! [`render`] turns them into the bytes of an accessible A4 PDF.
//!
//! The engine lays everything out itself (`pdf/layout.rs`), shapes text with rustybuzz
//! (`pdf/shape.rs`: Arabic script, the Indic scripts and Chinese print as written, right to
//! left where they should) and draws with krilla (`pdf/draw.rs`), which writes a tagged
//! PDF/UA-1 file: the document's language (en-GB), its title shown in the window's title bar,
//! headings in order with an outline (bookmarks), paragraphs, lists, tables with header cells,
//! figures with alternative text, and page furniture marked as artifacts. krilla checks the
//! PDF/UA-1 rules it can check as it writes, and the engine refuses to produce a file that
//! breaks one. Layout happens first and drawing second, so every page can say "Page N of M".
//!
//! Fonts (`pdf/fonts.rs`): Atkinson Hyperlegible Next, then Noto Sans, then the Noto fonts for
//! Arabic script, Bengali, Devanagari, Gujarati, Gurmukhi, Tamil and Chinese, chosen per
//! character and subset into each PDF. A document with a character none of them has is refused
//! ([`Error::Unprintable`]) rather than printed wrong; [`unprintable_in`] lists such characters
//! for a warning before printing.
//!
//! The engine reads no clock: the creation date is [`DocumentInfo::created`].

mod draw;
pub(crate) mod fonts;
mod layout;
pub(crate) mod shape;

use std::path::Path;

pub use fonts::{describe, unprintable};

use crate::error::{Error, Result};
use crate::files::Protected;

/// What the document is, for the PDF metadata and the top of page 1.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentInfo {
    /// The PDF metadata title; also printed as the document title on page 1 (heading 1).
    pub title: String,
    /// The PDF metadata author: the organisation's name.
    pub author: String,
    /// The PDF metadata subject, if any.
    pub subject: Option<String>,
    /// The creation date written to the metadata (passed in: the engine reads no clock).
    /// Written as UTC.
    pub created: chrono::NaiveDateTime,
    /// The organisation's name then its contact lines, printed at the top of page 1.
    pub organisation: Vec<String>,
    /// Short text in every page's header, e.g. "Support plan – Jane Doe (C-000123)".
    pub running_header: String,
    /// A draft: "DRAFT" is printed across every page (an artifact; the title says so too).
    pub draft: bool,
    /// A letter: page 1 has a letterhead and the address where a DL envelope's window shows it.
    pub letter: Option<Letter>,
}

/// The first page of a letter: the organisation's letterhead (with its logo), the address
/// placed for a DL envelope with a left window (25 mm from the left, 52 mm from the top), the
/// date and a reference. The title (the letter's subject) follows them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Letter {
    /// The person's name and address, a line each (at most 7 lines print in the window).
    pub address: Vec<String>,
    /// The date as printed ("4 March 2025").
    pub date: String,
    pub reference: Option<String>,
    pub logo: Option<Picture>,
}

/// A PNG or JPEG picture with its size in pixels and its alternative text (what it shows, for
/// someone who cannot see it).
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// A table column: its title (in the header row, repeated on every page) and its width as a
/// relative weight (the weights of all columns share the text width).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub width: f32,
}

impl Column {
    pub fn new(title: impl Into<String>, width: f32) -> Column {
        Column { title: title.into(), width }
    }
}

/// One piece of a document, laid out top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading (bold, larger; heading level 2). Kept with the first line or row of
    /// the next block: never left alone at the bottom of a page.
    Heading(String),
    /// A smaller heading (level 3 under a heading, else level 2), also kept with what follows.
    Subheading(String),
    /// Text wrapped to the text width; `"\n"` starts a new line and a blank line starts a new
    /// paragraph. May break across pages between lines.
    Paragraph(String),
    /// Label/value pairs in two columns (label bold, 35% of the width), values wrapped: a table
    /// whose labels are row headers. A pair never splits across pages (unless it is taller
    /// than a page).
    Fields(Vec<(String, String)>),
    /// A table with a shaded header row and thin borders. Cells wrap within their column; a
    /// row is as tall as its tallest cell and never splits across pages, and the header row is
    /// repeated at the top of every page the table continues on. The one exception: a single
    /// row taller than a whole page is split at line boundaries. A row with fewer cells than
    /// columns has empty cells; extra cells are ignored. In large print a table of more than
    /// two columns prints each row as label/value pairs.
    Table { columns: Vec<Column>, rows: Vec<Vec<String>> },
    /// A bulleted list; each item wraps with a hanging indent.
    Bullets(Vec<String>),
    /// One signature line per role ("Carer", "Support worker"): the role, then "Signed",
    /// "Name" and "Date" with lines to write on. The whole block is kept on one page.
    Signatures(Vec<String>),
    /// Vertical space in millimetres (to the end of the page at most).
    Spacer(f32),
    /// Starts a new page (nothing if the current page is still empty).
    PageBreak,
    /// A horizontal bar chart, one row per bar: the label (wrapped, left), a solid dark bar
    /// as long as the value (scaled to the largest) and the value as text beside it, so it
    /// reads in greyscale and without the bars. A bar with no value (a suppressed count) is
    /// drawn as its text alone. Rows never split across pages. Tagged as a figure whose
    /// alternative text reads every label and number.
    BarChart(Vec<Bar>),
    /// Blocks kept on one page when they fit on one (a report figure's heading, definition
    /// and chart); longer ones flow as usual.
    KeepTogether(Vec<Block>),
    /// A picture `width_mm` wide (at most the text width), tagged as a figure with its
    /// alternative text.
    Picture { picture: Picture, width_mm: f32 },
}

/// One bar of a [`Block::BarChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// The length (no bar when `None` or 0).
    pub value: Option<f64>,
    /// The number printed beside the bar ("1,204", "<5").
    pub display: String,
}

/// Text sizes: [`render`] and [`render_counted`] use [`Style::default`] (10.5 pt body text,
/// 10 pt tables); [`Style::compact`] is for one-page summaries and [`Style::large_print`] for
/// people who need large print (every size grows and the layout reflows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Body text size in points; headings, titles, charts and spacing follow it.
    pub body_size: f32,
    /// Table text size in points (header row and cells).
    pub table_size: f32,
    /// Table line height as a multiple of `table_size`.
    pub table_line: f32,
    /// Space above and below the text in a table cell, in points.
    pub cell_padding: f32,
}

impl Default for Style {
    fn default() -> Style {
        Style { body_size: 10.5, table_size: 10.0, table_line: 1.3, cell_padding: 3.0 }
    }
}

impl Style {
    /// Tables in 8 pt with tighter lines and padding (a one-line row is 12 pt high instead
    /// of 19 pt), for documents that should fit one page (a school's staff summary). Body text
    /// is unchanged.
    pub fn compact() -> Style {
        Style { table_size: 8.0, table_line: 1.12, cell_padding: 1.5, ..Style::default() }
    }

    /// Large print: body and table text at `size` points (the Accessible Information
    /// Standard's large print is usually 16 to 24 pt), headings and spacing in proportion.
    /// Tables of more than two columns print each row as label/value pairs, so nothing is
    /// squeezed into narrow columns.
    pub fn large_print(size: f32) -> Style {
        Style { body_size: size, table_size: size, table_line: 1.3, cell_padding: 3.0 * size / 10.5 }
    }
}

/// Renders a document to the bytes of a PDF: A4 portrait, 18 mm margins, the organisation and
/// title on page 1, the running header and "Confidential" / "Page N of M" on every page, fonts
/// embedded and subset, tagged (PDF/UA-1) with metadata (title, author, subject, language,
/// creation date, producer "Carers Desk").
pub fn render(info: &DocumentInfo, blocks: &[Block]) -> Result<Vec<u8>> {
    Ok(render_counted(info, blocks)?.bytes)
}

/// All the text of a document (title, header, organisation, letter and blocks), for checks.
fn all_text(info: &DocumentInfo, blocks: &[Block]) -> String {
    let mut text = format!("{} {} {}", info.title, info.running_header, info.organisation.join(" "));
    if let Some(letter) = &info.letter {
        text.push_str(&letter.address.join(" "));
        text.push_str(&letter.date);
        text.push_str(letter.reference.as_deref().unwrap_or(""));
    }
    fn add(text: &mut String, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Heading(t) | Block::Subheading(t) | Block::Paragraph(t) => text.push_str(t),
                Block::Fields(f) => f.iter().for_each(|(l, v)| {
                    text.push_str(l);
                    text.push_str(v)
                }),
                Block::Table { columns, rows } => {
                    columns.iter().for_each(|c| text.push_str(&c.title));
                    rows.iter().flatten().for_each(|c| text.push_str(c));
                }
                Block::Bullets(items) | Block::Signatures(items) => items.iter().for_each(|i| text.push_str(i)),
                Block::BarChart(bars) => bars.iter().for_each(|b| {
                    text.push_str(&b.label);
                    text.push_str(&b.display)
                }),
                Block::KeepTogether(inner) => add(text, inner),
                Block::Picture { picture, .. } => text.push_str(&picture.alt),
                Block::Spacer(_) | Block::PageBreak => {}
            }
        }
    }
    add(&mut text, blocks);
    text
}

/// Every character in a document (title, header, organisation and blocks) that no font can
/// print, sorted and once each, for a window to warn about before printing.
pub fn unprintable_in(info: &DocumentInfo, blocks: &[Block]) -> Vec<String> {
    let mut chars: Vec<String> = unprintable(&all_text(info, blocks)).into_iter().map(String::from).collect();
    chars.sort();
    chars.dedup();
    chars
}

/// A count as printed: digits grouped in thousands with commas ("12,345"); anything else
/// ("<5", "12.5%") as it is.
pub fn grouped(display: &str) -> String {
    if display.is_empty() || !display.bytes().all(|b| b.is_ascii_digit()) {
        return display.to_string();
    }
    let digits = display.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Refuses text with characters no vendored font can draw, naming them.
pub fn check_printable(text: &str) -> Result<()> {
    let missing = unprintable(text);
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Unprintable(format!(
        "this cannot be printed: no font here has {}. Check the spelling on the record (a name \
         can be kept in its own script and in English letters), then print again",
        describe(&missing)
    )))
}

/// How many lines `text` takes in a body cell of column `index` of a table with `columns`,
/// laid out in `style` (0 if there is no such column). For lining up text in neighbouring
/// cells: pad the shorter cell with `"\n"`s.
pub fn table_cell_lines(columns: &[Column], index: usize, text: &str, style: &Style) -> Result<usize> {
    Ok(layout::cell_lines(fonts::fonts()?, columns, index, text, style))
}

/// A rendered PDF and how many pages it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// [`render`], also saying how many pages the document took.
pub fn render_counted(info: &DocumentInfo, blocks: &[Block]) -> Result<Rendered> {
    render_styled(info, blocks, &Style::default())
}

/// [`render_counted`] with a [`Style`] (e.g. [`Style::compact`] tables, large print).
/// Refuses ([`Error::Unprintable`]) a document with a character no font has.
pub fn render_styled(info: &DocumentInfo, blocks: &[Block], style: &Style) -> Result<Rendered> {
    check_printable(&all_text(info, blocks))?;
    let fonts = fonts::fonts()?;
    let laid = layout::layout(fonts, info, blocks, style);
    let pages = laid.pages.len();
    let bytes = draw::draw(fonts, info, &laid)?;
    Ok(Rendered { bytes, pages })
}

/// A creation date as printpdf writes it (for the cards, which stay on printpdf).
pub(crate) fn pdf_date(t: chrono::NaiveDateTime) -> printpdf::DateTime {
    use chrono::{Datelike, Timelike};
    printpdf::DateTime {
        date: printpdf::Date { year: t.year(), month: t.month() as u8, day: t.day() as u8 },
        time: printpdf::Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second().min(59) as u8,
            millisecond: 0,
        },
        offset: printpdf::Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    }
}

/// Refuses an empty path, a folder, or one of Carers Desk's own files ([`Protected`]) before
/// any work is done (`field: path`).
pub fn check_path(protected: &Protected, path: &Path) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(Error::field("path", "choose where to save the PDF"));
    }
    if path.is_dir() {
        return Err(Error::field("path", format!("{} is a folder: choose a file name for the PDF", path.display())));
    }
    protected.check_file("path", path)
}

/// Writes `bytes` to `path` through a private temporary file in the same folder, so a failed
/// write never leaves half a PDF where the old one was. Checks `path` again first.
pub fn save(protected: &Protected, path: &Path, bytes: &[u8]) -> Result<()> {
    check_path(protected, path)?;
    let cannot = |e: std::io::Error| {
        Error::field(
            "path",
            format!("the PDF could not be saved to {} ({e}): choose a folder you can write to", path.display()),
        )
    };
    if path.is_dir() {
        return Err(Error::field("path", format!("{} is a folder: choose a file name for the PDF", path.display())));
    }
    crate::files::write_replace(path, bytes).map_err(cannot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_in_thousands() {
        for (raw, printed) in [
            ("0", "0"),
            ("7", "7"),
            ("999", "999"),
            ("1000", "1,000"),
            ("12345", "12,345"),
            ("1234567", "1,234,567"),
            ("<5", "<5"),
            ("", ""),
        ] {
            assert_eq!(grouped(raw), printed);
        }
    }

    #[test]
    fn render_produces_a_pdf() {
        let info = DocumentInfo {
            title: "Support plan".into(),
            author: "Test Carers Centre".into(),
            subject: Some("Support plan".into()),
            created: chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap().and_hms_opt(10, 30, 0).unwrap(),
            organisation: vec!["Test Carers Centre".into()],
            running_header: "Support plan – Jane Doe".into(),
            ..DocumentInfo::default()
        };
        let bytes = render(&info, &[Block::Paragraph("Hello Олена".into())]).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
