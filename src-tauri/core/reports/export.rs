//! Exporting the monitoring report: tidy CSV files (one per figure group), JSON, or an A4 PDF
//! with bar charts. Small-number suppression (`settings.report_suppress_small`) applies to all
//! three: counts from 1 to 4 are written as "<5".

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{build, period, suppress, Report};
use crate::context::Ctx;
use crate::dates;
use crate::error::{Error, Result};
use crate::files::Protected;
use crate::pdf::{self, Bar, Block, Column, DocumentInfo};
use crate::settings;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    pub from: String,
    pub to: String,
    /// `csv` (path is a folder), `pdf` or `json` (path is the file).
    pub format: String,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exported {
    pub format: String,
    pub files: Vec<String>,
}

/// `report_export`.
pub fn export(ctx: &mut Ctx<'_>, args: ExportArgs) -> Result<Exported> {
    let format = args.format.trim().to_lowercase();
    if !matches!(format.as_str(), "csv" | "pdf" | "json") {
        return Err(Error::field("format", "choose csv, pdf or json"));
    }
    if args.path.as_os_str().is_empty() {
        return Err(Error::field("path", "choose where to save the report"));
    }
    let (from, to) = period(&args.from, &args.to)?;
    let protected = crate::backup::protected(ctx)?;
    if format == "csv" {
        protected.check_folder("path", &args.path)?;
    } else {
        protected.check_file("path", &args.path)?;
    }
    if format != "csv" && args.path.is_dir() {
        return Err(Error::field(
            "path",
            format!("{} is a folder: choose a file name for the report", args.path.display()),
        ));
    }
    let s = settings::load(ctx.tx)?;
    let report = build(ctx, from, to)?;
    let report = if s.report_suppress_small { suppress(report) } else { report };
    let files = match format.as_str() {
        "csv" => write_csv(&protected, &args.path, &report)?,
        "json" => {
            let mut value = serde_json::to_value(&report).expect("the report serialises");
            // Where the audit trail stood when the report was made (docs/security.md).
            value["audit_anchor"] = serde_json::to_value(crate::audit::head(ctx.tx)?).expect("anchors serialise");
            let text = serde_json::to_string_pretty(&value).expect("the report serialises");
            write(&protected, &args.path, text.as_bytes())?;
            vec![args.path.display().to_string()]
        }
        _ => {
            let (info, mut blocks) = document(&report, &s, chrono::Utc::now().naive_utc());
            if let Some(anchor) = crate::audit::head(ctx.tx)? {
                blocks.push(Block::Paragraph(format!(
                    "Audit trail when this report was made: {}. Keep this page: Carers Desk can check its audit trail against it.",
                    anchor.text()
                )));
            }
            let rendered = pdf::render_counted(&info, &blocks)?;
            pdf::save(&protected, &args.path, &rendered.bytes)?;
            vec![args.path.display().to_string()]
        }
    };
    Ok(Exported { format, files })
}

/// Writes `bytes` through a private temporary file in the same folder, then renames it;
/// refuses Carers Desk's own files.
fn write(protected: &Protected, path: &Path, bytes: &[u8]) -> Result<()> {
    protected.check_file("path", path)?;
    let cannot = |e: std::io::Error| {
        Error::field(
            "path",
            format!("the report could not be saved to {} ({e}): choose a folder you can write to", path.display()),
        )
    };
    crate::files::write_replace(path, bytes).map_err(cannot)
}

/// One CSV per group in `folder` (made if missing): `figure,figure_label,row,row_label,count`,
/// the figure's own total first with an empty `row`.
pub fn write_csv(protected: &Protected, folder: &Path, report: &Report) -> Result<Vec<String>> {
    if folder.is_file() {
        return Err(Error::field("path", format!("{} is a file: choose a folder for the CSV files", folder.display())));
    }
    protected.check_folder("path", folder)?;
    crate::files::create_dir_private(folder).map_err(|e| {
        Error::field("path", format!("the folder {} could not be made ({e}): choose another", folder.display()))
    })?;
    let mut files = Vec::new();
    for g in &report.groups {
        // A byte order mark, so that Excel reads the file as UTF-8 ("–", "é").
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let csv_err = |e: csv::Error| Error::Io(std::io::Error::other(e.to_string()));
        w.write_record(["figure", "figure_label", "row", "row_label", "count"]).map_err(csv_err)?;
        for f in &g.figures {
            w.write_record([f.key.as_str(), &f.label, "", "", &f.display]).map_err(csv_err)?;
            for r in &f.rows {
                w.write_record([f.key.as_str(), &f.label, &r.key, &r.label, &r.display]).map_err(csv_err)?;
            }
        }
        let bytes = w.into_inner().map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        let path = folder.join(format!("monitoring-{}-to-{}-{}.csv", report.from, report.to, g.key));
        write(protected, &path, &bytes)?;
        files.push(path.display().to_string());
    }
    Ok(files)
}

/// The PDF report: organisation, period and date made, then each group with its figures,
/// their descriptions and bar charts (or a table for rows that are not charted).
pub fn document(report: &Report, s: &settings::Settings, created: chrono::NaiveDateTime) -> (DocumentInfo, Vec<Block>) {
    let uk = |d: &str| dates::uk_text(d);
    let range = match (dates::from_iso(&report.from), dates::from_iso(&report.to)) {
        (Some(f), Some(t)) => super::periods::range_label(f, t),
        _ => format!("{} to {}", uk(&report.from), uk(&report.to)),
    };
    let org = crate::plans::print::organisation(s);
    let info = DocumentInfo {
        title: "Monitoring report".into(),
        author: org[0].clone(),
        subject: Some(format!("Monitoring report, {range}")),
        created,
        organisation: org.clone(),
        running_header: format!("Monitoring report – {} – {range}", org[0]),
        ..DocumentInfo::default()
    };
    let mut blocks = vec![Block::Fields(vec![
        ("Organisation".into(), org[0].clone()),
        ("Period".into(), format!("{} to {} ({range})", uk(&report.from), uk(&report.to))),
        ("Made on".into(), uk(&report.made_on)),
        (
            "Small numbers".into(),
            if report.suppressed {
                "Counts from 1 to 4 are shown as \"<5\" so that no one can be identified; where such a count could \
                 be worked out from the others (a total less the other rows), another count is hidden too, shown as \
                 \"[c]\"."
                    .into()
            } else {
                "Shown as counted (small numbers are not hidden).".into()
            },
        ),
    ])];
    for g in &report.groups {
        blocks.push(Block::Heading(g.title.clone()));
        for f in &g.figures {
            // A figure's heading, definition and chart or table print together on one page.
            let mut figure = vec![
                Block::Subheading(format!("{}: {}", f.label, pdf::grouped(&f.display))),
                Block::Paragraph(f.description.clone()),
            ];
            // No breakdown of nothing: a figure of 0 is its line alone.
            if !f.rows.is_empty() && f.value != Some(0) {
                figure.push(if f.chart {
                    Block::BarChart(
                        f.rows
                            .iter()
                            .map(|r| Bar {
                                label: r.label.clone(),
                                value: r.value.map(|v| v as f64),
                                display: pdf::grouped(&r.display),
                            })
                            .collect(),
                    )
                } else {
                    Block::Table {
                        columns: vec![Column::new("Breakdown", 4.0), Column::new("Count", 1.0)],
                        rows: f.rows.iter().map(|r| vec![r.label.clone(), pdf::grouped(&r.display)]).collect(),
                    }
                });
            }
            blocks.push(Block::KeepTogether(figure));
        }
    }
    blocks.push(Block::Paragraph(
        "Every figure is defined in Carers Desk (see the user guide, docs/reports.md); each breakdown adds up to its \
         figure, and the records behind any figure can be listed in the app by staff allowed to see names."
            .into(),
    ));
    (info, blocks)
}
