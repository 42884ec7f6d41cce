//! `subject_export`: the JSON and PDF written together into a folder the user chose.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::document::{cared_for_blocks, carer_blocks};
use super::gather::{gather_cared_for, gather_carer};
use super::labels::{humanise, person_name};
use super::rows::{Node, Rec};
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::pdf::{self, Block, DocumentInfo};
use crate::plans::print::organisation;
use crate::settings::{self, Settings};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportArgs {
    /// The carer to export (give this or `cared_for_id`).
    pub carer_id: Option<i64>,
    /// The cared-for person to export (give this or `carer_id`).
    pub cared_for_id: Option<i64>,
    /// An existing folder: the two files are written there, named
    /// `subject-access-<reference>-<YYYY-MM-DD>.json` and `.pdf`.
    pub folder: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Exported {
    pub json_path: String,
    pub pdf_path: String,
    /// How many of each kind of record the export holds.
    pub counts: BTreeMap<String, usize>,
    pub pdf_pages: usize,
    /// Characters in the record no font can print (shown as a replacement mark in the PDF;
    /// the JSON has them as they are).
    pub unprintable: Vec<String>,
}

pub(crate) fn check_folder(folder: &Option<String>) -> Result<PathBuf> {
    let Some(f) = folder.as_deref().map(str::trim).filter(|f| !f.is_empty()) else {
        return Err(Error::field("folder", "choose the folder to save the export in"));
    };
    let path = PathBuf::from(f);
    if !path.is_dir() {
        return Err(Error::field(
            "folder",
            format!("the folder {f} was not found: choose a folder that exists, or make it first"),
        ));
    }
    Ok(path)
}

/// Writes both files, or neither: each goes to a temporary file first and is renamed into
/// place only when both are written.
fn write_both(json_path: &Path, json: &[u8], pdf_path: &Path, pdf: &[u8]) -> Result<()> {
    let cannot = |path: &Path, e: std::io::Error| {
        Error::field(
            "folder",
            format!("the export could not be saved to {} ({e}): choose a folder you can write to", path.display()),
        )
    };
    let part = |p: &Path| crate::files::temporary_beside(p);
    let (json_tmp, pdf_tmp) = (part(json_path), part(pdf_path));
    let clean = || {
        let _ = std::fs::remove_file(&json_tmp);
        let _ = std::fs::remove_file(&pdf_tmp);
    };
    let write = |tmp: &Path, bytes: &[u8], path: &Path| -> Result<()> {
        use std::io::Write;
        let mut f = crate::files::create_private(tmp).map_err(|e| cannot(path, e))?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| cannot(path, e))
    };
    if let Err(e) = write(&json_tmp, json, json_path).and_then(|_| write(&pdf_tmp, pdf, pdf_path)) {
        clean();
        return Err(e);
    }
    crate::files::rename_replacing(&json_tmp, json_path).map_err(|e| {
        clean();
        cannot(json_path, e)
    })?;
    crate::files::rename_replacing(&pdf_tmp, pdf_path).map_err(|e| {
        clean();
        let _ = std::fs::remove_file(json_path);
        cannot(pdf_path, e)
    })?;
    Ok(())
}

pub(super) fn count(all: &Rec, out: &mut BTreeMap<String, usize>) {
    for (k, n) in &all.0 {
        match n {
            Node::Many(rows) => {
                out.insert(k.clone(), rows.len());
                for r in rows {
                    for (ck, cn) in &r.0 {
                        if let Node::Many(children) = cn {
                            *out.entry(format!("{k}.{ck}")).or_default() += children.len();
                        }
                    }
                }
            }
            Node::One(Some(r)) if k == "school_and_transition" => count(r, out),
            _ => {}
        }
    }
}

/// What the export holds, in the order it comes: how many rows of each kind, or whether a
/// single record (a school link, a handover) is held.
fn contents(all: &Rec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, n) in &all.0 {
        match n {
            Node::Many(rows) => out.push((humanise(k), rows.len().to_string())),
            Node::One(Some(r)) if k == "school_and_transition" => out.extend(contents(r)),
            Node::One(r) if k != "carer" && k != "cared_for" => {
                out.push((humanise(k), if r.is_some() { "Held" } else { "None" }.to_string()))
            }
            _ => {}
        }
    }
    out
}

/// Whose record: everything held about them, their own row, and `carer` or `cared_for`.
fn whose(conn: &Connection, args: &ExportArgs) -> Result<(Rec, Rec, &'static str)> {
    Ok(match (args.carer_id, args.cared_for_id) {
        (Some(id), None) => {
            let all = gather_carer(conn, id)?;
            let person = all.child("carer").cloned().unwrap_or_default();
            (all, person, "carer")
        }
        (None, Some(id)) => {
            let all = gather_cared_for(conn, id)?;
            let person = all.child("cared_for").cloned().unwrap_or_default();
            (all, person, "cared_for")
        }
        (Some(_), Some(_)) => {
            return Err(Error::field(
                "carer_id",
                "export one person at a time: give carer_id or cared_for_id, not both",
            ))
        }
        (None, None) => return Err(Error::field("carer_id", "choose whose record to export")),
    })
}

/// The JSON copy's opening section: what the file is, for whom, made when and by whom, and how
/// to read it.
fn about(ctx: &Ctx<'_>, settings: &Settings, kind: &str, reference: &str, name: &str, base: &str) -> Result<Rec> {
    let today = ctx.today();
    let mut about = Rec::default();
    about
        .set("document", "Subject access copy (UK GDPR Article 15): everything held about one person")
        .set("organisation", settings.organisation_name.clone())
        .set("person", if kind == "carer" { "carer" } else { "cared-for person" })
        .set("reference", reference)
        .set("name", name)
        .set("made_on", dates::iso(today))
        .set("made_at", ctx.now())
        .set("made_by", ctx.actor().name.clone())
        .set("pdf_file", format!("{base}.pdf"))
        // Where the audit trail stood when the copy was made (no personal details): the
        // organisation can later check its trail against it (docs/security.md).
        .set("audit_anchor", serde_json::to_value(crate::audit::head(ctx.tx)?).expect("anchors serialise"))
        .set(
            "how_to_read",
            "Each section holds rows as stored, every column included. Codes (gender, relationship, \
             hours_band ...) are listed with their labels by `carers-desk-cli call options`; the PDF copy \
             shows the labels. Dates are YYYY-MM-DD; times are UTC. A passport photo is given as base64 \
             under photo.base64.",
        );
    Ok(about)
}

/// The PDF's opening: what the copy is, what it holds, and where the audit trail stood.
fn pdf_intro(
    ctx: &Ctx<'_>,
    all: &Rec,
    settings: &Settings,
    kind: &str,
    name: &str,
    reference: &str,
    base: &str,
) -> Result<Vec<Block>> {
    let today = ctx.today();
    let what = if kind == "carer" { "carer" } else { "person cared for" };
    let mut b = vec![Block::Paragraph(format!(
        "This is a copy of everything {} holds about {name} ({reference}), a {what}, on {}, made for a \
         subject access request (UK GDPR Article 15). The same information is in the file {base}.json, \
         for use by another computer.",
        settings.organisation_name.as_deref().unwrap_or("the carers service"),
        dates::uk(today)
    ))];
    let sections = contents(all);
    if !sections.is_empty() {
        b.push(Block::Subheading("What this copy holds".into()));
        b.push(Block::Fields(sections));
    }
    if let Some(anchor) = crate::audit::head(ctx.tx)? {
        b.push(Block::Paragraph(format!("Audit trail when this copy was made: {}.", anchor.text())));
    }
    Ok(b)
}

/// The people the copy is about, recorded as viewed.
fn touch_viewed(ctx: &mut Ctx<'_>, args: &ExportArgs, all: &Rec) {
    match (args.carer_id, args.cared_for_id) {
        (Some(id), _) => {
            ctx.touch(Touched::ViewedCarer(id));
            for link in all.rows("people_cared_for") {
                if let Some(p) = link.int("cared_for_id") {
                    ctx.touch(Touched::ViewedCaredFor(p));
                }
            }
        }
        (_, Some(id)) => ctx.touch(Touched::ViewedCaredFor(id)),
        _ => {}
    }
}

/// `subject_export`: one carer's or cared-for person's whole record, as JSON and PDF.
pub fn export(ctx: &mut Ctx<'_>, args: ExportArgs) -> Result<Exported> {
    let (all, person, kind) = whose(ctx.tx, &args)?;
    let folder = check_folder(&args.folder)?;
    let protected = crate::backup::protected(ctx)?;
    protected.check_folder("folder", &folder)?;

    let reference = person.text("reference").unwrap_or_default().to_string();
    let name = person_name(&person);
    let today = ctx.today();
    let settings = settings::load(ctx.tx)?;
    let org = organisation(&settings);
    let base = format!("subject-access-{reference}-{}", dates::iso(today));
    let json_path = folder.join(format!("{base}.json"));
    let pdf_path = folder.join(format!("{base}.pdf"));
    protected.check_file("folder", &json_path)?;
    protected.check_file("folder", &pdf_path)?;

    let about = about(ctx, &settings, kind, &reference, &name, &base)?;
    let mut doc = Rec::default();
    doc.one("about", Some(about));
    doc.0.extend(all.0.iter().cloned());

    let mut counts = BTreeMap::new();
    count(&all, &mut counts);

    let intro = pdf_intro(ctx, &all, &settings, kind, &name, &reference, &base)?;
    let blocks = if kind == "carer" { carer_blocks(&all, intro) } else { cared_for_blocks(&all, intro) };
    let info = DocumentInfo {
        title: format!("Subject access: {name}"),
        author: org.first().cloned().unwrap_or_default(),
        subject: Some("Subject access request (UK GDPR Article 15)".into()),
        created: chrono::Utc::now().naive_utc(),
        organisation: org,
        running_header: format!("Subject access – {name} ({reference}) – made {}", dates::uk(today)),
        ..DocumentInfo::default()
    };
    let unprintable = pdf::unprintable_in(&info, &blocks);
    let rendered = pdf::render_counted(&info, &blocks)?;
    let json = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Pdf(format!("the JSON copy: {e}")))?;
    write_both(&json_path, &json, &pdf_path, &rendered.bytes)?;

    ctx.audit_detail = Some(format!("{base}.json and {base}.pdf"));
    touch_viewed(ctx, &args, &all);
    Ok(Exported {
        json_path: json_path.display().to_string(),
        pdf_path: pdf_path.display().to_string(),
        counts,
        pdf_pages: rendered.pages,
        unprintable,
    })
}
