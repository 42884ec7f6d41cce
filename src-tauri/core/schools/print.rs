//! The staff summary for a school: one A4 page listing each young carer with the adjustments
//! agreed with them, for the staff who teach and support them ([`crate::pdf`]).
//!
//! It holds only what staff need to apply the adjustments: the pupil's name, year and tutor
//! group, and each adjustment's label, note and review date. No case details, dates of birth,
//! addresses, families or assessments: the caller passes nothing else, and this module has
//! nowhere to print it.
//!
//! The page is built from a plain [`StaffSummary`] (the caller gathers it), with the table in
//! the compact style ([`pdf::Style::compact`]) so a typical school (up to about 25 young carers
//! with one to three adjustments each) fits one page. A longer list continues on the next page
//! with the table's header row repeated, under the running header naming the school.

use crate::dates;
use crate::error::Result;
use crate::pdf::{self, Block, Column, DocumentInfo, Rendered, Style};

/// The document's title, printed on the page and in the PDF metadata.
pub const TITLE: &str = "Young carers: agreed adjustments";

/// Everything the staff summary prints. Dates are `YYYY-MM-DD` (as stored) and are printed as
/// DD/MM/YYYY; text that is not such a date is printed as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffSummary {
    /// The organisation's name: printed at the top and the PDF's author.
    pub organisation: String,
    /// How staff reach the organisation, e.g. "Phone 0113 496 0000 · youngcarers@riverside.example",
    /// printed under its name (optional).
    pub organisation_contact: Option<String>,
    /// The school's name.
    pub school: String,
    /// The school's young carers lead (who staff ask), e.g. "Mrs Amina Patel", if recorded.
    pub school_lead: Option<String>,
    /// The day it is printed (`YYYY-MM-DD`): "Printed DD/MM/YYYY" on the page.
    pub printed_on: String,
    /// The creation time written to the PDF's metadata (as UTC).
    pub created: chrono::NaiveDateTime,
    /// The young carers, in the order to print (by year group then name): only those whose
    /// details the school may see.
    pub pupils: Vec<StaffPupil>,
}

/// One young carer on the staff summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaffPupil {
    /// The name staff know them by, e.g. "Zoë Ó'Brien (Zo)".
    pub name: String,
    /// The year group's label, e.g. "Year 9" or "Reception" (printed as "9" and "R" under
    /// "Year"); empty if not recorded.
    pub year_group: String,
    pub tutor_group: Option<String>,
    /// The adjustments in force (not ended), in the order to print. None: the row says no
    /// adjustments are agreed yet.
    pub adjustments: Vec<StaffAdjustment>,
}

/// One agreed adjustment, as staff need it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaffAdjustment {
    /// The kind's label, e.g. "Extra time for homework".
    pub label: String,
    /// What exactly was agreed, e.g. "May keep her phone on silent to check on mum at lunch".
    pub note: Option<String>,
    /// When it is next reviewed (`YYYY-MM-DD`), if set.
    pub review_on: Option<String>,
}

fn columns() -> Vec<Column> {
    // In points of the 493 pt text width: the year and tutor group share a column ("9 · 9B",
    // or "Not recorded" on two lines), the review column fits "Overdue 12/03/2023", leaving
    // the adjustments about 64 characters a line.
    vec![
        Column::new("Young carer", 110.0),
        Column::new("Year · tutor", 52.0),
        Column::new("Agreed adjustments", 240.0),
        Column::new("Review by", 91.0),
    ]
}

/// "9 · 9B", "9", "Tutor 9B" or "Not recorded".
fn year_and_tutor(p: &StaffPupil) -> String {
    let year = short_year(&p.year_group);
    let tutor = p.tutor_group.as_deref().map(str::trim).filter(|t| !t.is_empty());
    match (year.is_empty(), tutor) {
        (false, Some(t)) => format!("{year} · {t}"),
        (false, None) => year,
        (true, Some(t)) => format!("Tutor {t}"),
        (true, None) => "Not recorded".to_string(),
    }
}

/// A year group as short as the narrow "Year" column needs: "Year 9" is printed as "9" and
/// "Reception" as "R"; anything else as it is.
fn short_year(label: &str) -> String {
    let t = label.trim();
    if t.eq_ignore_ascii_case("reception") {
        return "R".to_string();
    }
    t.strip_prefix("Year ").unwrap_or(t).trim().to_string()
}

/// Column of the adjustments and of their review dates in [`columns`].
const ADJUSTMENTS: usize = 2;

/// A review date as printed: DD/MM/YYYY, "Overdue DD/MM/YYYY" when it is before the day
/// printed (so a stale copy says so), "Not set" when there is none.
fn review_text(review_on: Option<&str>, printed_on: &str) -> String {
    match review_on.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r < printed_on => format!("Overdue {}", dates::uk_text(r)),
        Some(r) => dates::uk_text(r),
        None => "Not set".to_string(),
    }
}

/// The adjustments cell and the review cell of one pupil's row, each review date on the line
/// where its adjustment starts.
fn adjustment_cells(p: &StaffPupil, printed_on: &str, columns: &[Column], style: &Style) -> Result<(String, String)> {
    if p.adjustments.is_empty() {
        return Ok(("No adjustments agreed yet".to_string(), "Not applicable".to_string()));
    }
    let mut what = Vec::new();
    let mut review = Vec::new();
    for a in &p.adjustments {
        let text = match a.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(note) => format!("{}: {note}", a.label.trim()),
            None => a.label.trim().to_string(),
        };
        let lines = pdf::table_cell_lines(columns, ADJUSTMENTS, &text, style)?.max(1);
        what.push(text);
        review.push(review_text(a.review_on.as_deref(), printed_on));
        review.extend(std::iter::repeat_n(String::new(), lines - 1));
    }
    // Notes typed with line breaks keep them; the review column lines up with each start.
    Ok((what.join("\n"), review.join("\n").trim_end().to_string()))
}

/// The page's metadata, opening and blocks (no file system, no clock).
pub fn document(s: &StaffSummary) -> Result<(DocumentInfo, Vec<Block>)> {
    let style = Style::compact();
    let mut organisation = vec![s.organisation.clone()];
    organisation.extend(s.organisation_contact.clone().filter(|c| !c.trim().is_empty()));
    let info = DocumentInfo {
        title: TITLE.to_string(),
        author: s.organisation.clone(),
        subject: Some(format!("Staff summary for {}", s.school)),
        created: s.created,
        organisation,
        running_header: format!("{TITLE} – {} – printed {}", s.school, dates::uk_text(&s.printed_on)),
        ..DocumentInfo::default()
    };

    let mut about = format!("Printed {}", dates::uk_text(&s.printed_on));
    if let Some(lead) = s.school_lead.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        about.push_str(&format!(" · Young carers lead: {lead}"));
    }
    about.push_str(
        "\nThese pupils look after someone at home. Please apply the adjustments agreed with them, so \
         they need not explain. Confidential: no case details; do not display or share beyond staff, and \
         destroy old copies.",
    );

    let columns = columns();
    let mut rows = Vec::with_capacity(s.pupils.len());
    for p in &s.pupils {
        let (what, review) = adjustment_cells(p, &s.printed_on, &columns, &style)?;
        rows.push(vec![p.name.clone(), year_and_tutor(p), what, review]);
    }
    let mut blocks = vec![Block::Subheading(s.school.clone()), Block::Paragraph(about)];
    if rows.is_empty() {
        blocks.push(Block::Paragraph("No young carers are recorded at this school.".to_string()));
    } else {
        blocks.push(Block::Table { columns, rows });
    }
    Ok((info, blocks))
}

/// The staff summary as a PDF (one page for a typical school).
pub fn render(summary: &StaffSummary) -> Result<Rendered> {
    let (info, blocks) = document(summary)?;
    pdf::render_styled(&info, &blocks, &Style::compact())
}

/// Characters in the summary no font can print (they print as a replacement mark), so the
/// window can warn: check the names and notes they are in.
pub fn unprintable(summary: &StaffSummary) -> Result<Vec<String>> {
    let (info, blocks) = document(summary)?;
    Ok(pdf::unprintable_in(&info, &blocks))
}
