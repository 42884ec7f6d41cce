//! Subject rights and retention (UK GDPR Articles 15 and 17; docs/subject-rights.md).
//!
//! - [`export`] (`subject_export`): everything held about one carer or one cared-for person,
//!   and linked to them, as one pretty JSON file and one readable A4 PDF, written together.
//!   The JSON is read straight from the tables (`SELECT *`), so every column is there,
//!   including any a later migration adds; the PDF shows the same rows with labels and
//!   DD/MM/YYYY dates, and lists any column it has no label for under a plain name, so nothing
//!   is left out of either.
//! - [`anonymise_carer`] / [`anonymise_cared_for`] (`carer_anonymise`, `cared_for_anonymise`):
//!   erasure that keeps the counts. Rows stay (reports still count them); names become
//!   "Anonymised", contact details and every free-text field are removed or replaced, a date of
//!   birth becomes 1 July of its year and a postcode its outward code. Codes, statuses, dates
//!   of assessments, plans and contacts, hours bands and kinds of care stay.
//! - [`due`] (`retention_due`): the records past the organisation's retention periods.
//!
//! The files, in the order an export runs: `rows` (a row as JSON, every column), `gather`
//! (everything linked to one person), `labels` (what a column is called and how its value
//! reads), `answers` (assessment answers in words), `document` (the PDF's sections), `access`
//! (the command: both files written or neither); then `anonymise` and `retention`.

/// What replaces free text that cannot be left empty (the column is NOT NULL, or a check needs
/// a value).
pub const REMOVED: &str = "(removed when the record was anonymised)";
/// What names become.
pub const ANONYMISED: &str = "Anonymised";

mod access;
mod anonymise;
mod answers;
mod document;
mod gather;
mod labels;
mod retention;
mod rows;

pub(crate) use access::check_folder;
pub use access::{export, ExportArgs, Exported};
pub use anonymise::{anonymise_cared_for, anonymise_carer, AnonymiseArgs, Anonymised};
pub(crate) use labels::{column_meaning, list_choices};
pub use retention::{due, due_on, retention_years, DueCaredFor, DueCarer, RetentionDue};
pub use rows::Rec;
pub(crate) use rows::JSON_COLUMNS;
