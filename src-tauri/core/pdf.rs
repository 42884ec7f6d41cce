//! The PDF document engine: a document is a [`DocumentInfo`] and a list of [`Block`]s, and
//! [`render`] turns them into the bytes of an A4 PDF.
//!
//! The engine lays everything out itself (see `pdf/layout.rs`) and uses printpdf only to draw
//! text at positions, lines and filled rectangles, and to embed and subset the fonts. Text is
//! measured with the fonts' own advance widths. Layout happens first and drawing second, so
//! every page can say "Page N of M".
//!
//! Fonts: Atkinson Hyperlegible Next, falling back per character to Noto Sans (see
//! `pdf/fonts.rs` and `docs/printing.md`). Latin (including Vietnamese), Greek and Cyrillic are
//! covered; scripts that need shaping (Arabic, Devanagari, Bengali, ...) and CJK are not:
//! [`unprintable`] lists such characters so a caller can warn, and they print as U+FFFD.
//!
//! The engine reads no clock: the creation date is [`DocumentInfo::created`].

pub(crate) mod fonts;
mod layout;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Timelike};
use printpdf::{
    Color, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, Rect, TextItem,
};

pub use fonts::unprintable;

use crate::error::{Error, Result};
use crate::files::Protected;
use layout::{Item, PAGE_H};

/// What the document is, for the PDF metadata and the top of page 1.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInfo {
    /// The PDF metadata title; also printed as the document title on page 1.
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
    /// A section heading (bold, larger). Kept with the first line or row of the next block:
    /// never left alone at the bottom of a page.
    Heading(String),
    /// A smaller heading, also kept with what follows.
    Subheading(String),
    /// Text wrapped to the text width; `"\n"` starts a new line and a blank line leaves a
    /// paragraph gap. May break across pages between lines.
    Paragraph(String),
    /// Label/value pairs in two columns (label bold, 35% of the width), values wrapped. A pair
    /// never splits across pages (unless it is taller than a page).
    Fields(Vec<(String, String)>),
    /// A table with a shaded header row and thin borders. Cells wrap within their column; a
    /// row is as tall as its tallest cell and never splits across pages, and the header row is
    /// repeated at the top of every page the table continues on. The one exception: a single
    /// row taller than a whole page is split at line boundaries. A row with fewer cells than
    /// columns has empty cells; extra cells are ignored.
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
    /// drawn as its text alone. Rows never split across pages.
    BarChart(Vec<Bar>),
}

/// One bar of a [`Block::BarChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// The length (no bar when `None` or 0).
    pub value: Option<f64>,
    /// The number printed beside the bar ("12", "<5").
    pub display: String,
}

/// How dense a document's tables are: [`render`] and [`render_counted`] use
/// [`Style::default`] (10 pt table text); [`Style::compact`] is for one-page summaries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Table text size in points (header row and cells).
    pub table_size: f32,
    /// Table line height as a multiple of `table_size`.
    pub table_line: f32,
    /// Space above and below the text in a table cell, in points.
    pub cell_padding: f32,
}

impl Default for Style {
    fn default() -> Style {
        Style { table_size: 10.0, table_line: 1.3, cell_padding: 3.0 }
    }
}

impl Style {
    /// Tables in 8 pt with tighter lines and padding (a one-line row is 12 pt high instead
    /// of 19 pt), for documents that should fit one page (a school's staff summary). Body text
    /// is unchanged.
    pub fn compact() -> Style {
        Style { table_size: 8.0, table_line: 1.12, cell_padding: 1.5 }
    }
}

/// Renders a document to the bytes of a PDF: A4 portrait, 18 mm margins, the organisation and
/// title on page 1, the running header and "Confidential" / "Page N of M" on every page, fonts
/// embedded and subset, and metadata (title, author, subject, creation date, producer
/// "Carers Desk").
pub fn render(info: &DocumentInfo, blocks: &[Block]) -> Result<Vec<u8>> {
    Ok(render_counted(info, blocks)?.bytes)
}

/// Every character in a document (title, header, organisation and blocks) that no font can
/// print, sorted and once each, for a window to warn about before printing.
pub fn unprintable_in(info: &DocumentInfo, blocks: &[Block]) -> Vec<String> {
    let mut text = format!("{} {} {}", info.title, info.running_header, info.organisation.join(" "));
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
            Block::Spacer(_) | Block::PageBreak => {}
        }
    }
    let mut chars: Vec<String> = unprintable(&text).into_iter().map(String::from).collect();
    chars.sort();
    chars.dedup();
    chars
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

/// [`render_counted`] with a [`Style`] (e.g. [`Style::compact`] tables).
pub fn render_styled(info: &DocumentInfo, blocks: &[Block], style: &Style) -> Result<Rendered> {
    let fonts = fonts::fonts()?;
    let pages = layout::layout(fonts, info, blocks, style);

    let mut doc = PdfDocument::new(&info.title);
    let ids: BTreeMap<fonts::Face, printpdf::FontId> =
        fonts::Face::ALL.iter().map(|&face| (face, doc.add_font(fonts.parsed(face)))).collect();

    let pdf_pages = pages
        .iter()
        .map(|page| {
            let mut ops = Vec::new();
            for item in &page.items {
                draw(&mut ops, fonts, &ids, item);
            }
            PdfPage::new(Mm(210.0), Mm(297.0), ops)
        })
        .collect();
    doc.with_pages(pdf_pages);

    let created = pdf_date(info.created);
    let meta = &mut doc.metadata.info;
    meta.document_title = info.title.clone();
    meta.author = info.author.clone();
    meta.subject = info.subject.clone().unwrap_or_default();
    meta.creator = "Carers Desk".into();
    meta.producer = "Carers Desk".into();
    meta.creation_date = created;
    meta.modification_date = created;
    meta.metadata_date = created;

    let options = PdfSaveOptions { subset_fonts: true, ..PdfSaveOptions::default() };
    let bytes = doc.save(&options, &mut Vec::new());
    if !bytes.starts_with(b"%PDF-") {
        return Err(Error::Pdf("the PDF writer produced no document".into()));
    }
    Ok(Rendered { bytes, pages: pages.len() })
}

pub(crate) fn pdf_date(t: chrono::NaiveDateTime) -> printpdf::DateTime {
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

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn point(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(PAGE_H - y) }
}

/// Appends the operations that draw one laid-out item (flipping `y` to PDF's bottom-up).
fn draw(ops: &mut Vec<Op>, fonts: &fonts::Fonts, ids: &BTreeMap<fonts::Face, printpdf::FontId>, item: &Item) {
    match item {
        Item::Text { x, y, size, bold, grey: level, text } => {
            let mut x = *x;
            for (face, run) in fonts.runs(text, *bold) {
                let width = fonts.width(&run, *bold, *size);
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont { font: PdfFontHandle::External(ids[&face].clone()), size: Pt(*size) });
                ops.push(Op::SetFillColor { col: grey(*level) });
                ops.push(Op::SetTextCursor { pos: point(x, *y) });
                ops.push(Op::ShowText { items: vec![TextItem::Text(run)] });
                ops.push(Op::EndTextSection);
                x += width;
            }
        }
        Item::Line { x1, y1, x2, y2, width, grey: level } => {
            ops.push(Op::SetOutlineColor { col: grey(*level) });
            ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
            let points =
                vec![LinePoint { p: point(*x1, *y1), bezier: false }, LinePoint { p: point(*x2, *y2), bezier: false }];
            ops.push(Op::DrawLine { line: Line { points, is_closed: false } });
        }
        Item::Fill { x, y, w, h, grey: level } => {
            ops.push(Op::SetFillColor { col: grey(*level) });
            let mut rect = Rect::from_xywh(Pt(*x), Pt(PAGE_H - y - h), Pt(*w), Pt(*h));
            rect.mode = Some(PaintMode::Fill);
            ops.push(Op::DrawRectangle { rectangle: rect });
        }
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
    crate::files::write_replace(path, bytes).map_err(|e| {
        // Windows will not replace a file another program holds open, as PDF viewers do.
        if e.kind() == std::io::ErrorKind::PermissionDenied && path.is_file() {
            return Error::field(
                "path",
                format!(
                    "the PDF could not be saved to {} because that file is open in another program (a PDF viewer?): close it there, or choose another name",
                    path.display()
                ),
            );
        }
        cannot(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_produces_a_pdf() {
        let info = DocumentInfo {
            title: "Support plan".into(),
            author: "Test Carers Centre".into(),
            subject: Some("Support plan".into()),
            created: chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap().and_hms_opt(10, 30, 0).unwrap(),
            organisation: vec!["Test Carers Centre".into()],
            running_header: "Support plan – Jane Doe".into(),
        };
        let bytes = render(&info, &[Block::Paragraph("Hello Олена".into())]).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
