//! Every A4 document is a tagged PDF a screen reader can use: this walks each one's structure
//! tree and content streams (with lopdf) and fails on untagged content, a skipped heading
//! level, a table without header cells, a figure without alternative text, a missing language
//! or title, or a false conformance claim.
//!
//! [`check`] is the checker; the tests run it on every kind of A4 document the app prints,
//! made through the commands from a demo organisation.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use serde_json::json;

use crate::util::call;

/// What the structure tree holds, for assertions beyond the rules [`check`] enforces.
#[derive(Debug, Default)]
pub struct Structure {
    /// Structure element types in reading order (depth first).
    pub roles: Vec<String>,
    /// Heading levels in reading order.
    pub headings: Vec<u8>,
    /// Alternative texts of figures.
    pub figures: Vec<String>,
    pub pages: usize,
}

fn name(o: &Object) -> Option<String> {
    o.as_name().ok().map(|n| String::from_utf8_lossy(n).to_string())
}

fn text(doc: &Document, o: &Object) -> Option<String> {
    let o = doc.dereference(o).ok()?.1;
    let bytes = o.as_str().ok()?;
    Some(if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).to_string()
    })
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    doc.dereference(o).ok()?.1.as_dict().ok()
}

struct Walk<'a> {
    doc: &'a Document,
    s: Structure,
    /// Marked content ids referenced from the tree, per page object.
    mcids: BTreeMap<ObjectId, BTreeSet<i64>>,
    problems: Vec<String>,
}

impl Walk<'_> {
    fn element(&mut self, e: &Dictionary, page: Option<ObjectId>) {
        let role = e.get(b"S").ok().and_then(name).unwrap_or_default();
        let page = e.get(b"Pg").ok().and_then(|p| p.as_reference().ok()).or(page);
        self.s.roles.push(role.clone());
        if let Some(level) = role.strip_prefix('H').and_then(|l| l.parse::<u8>().ok()) {
            self.s.headings.push(level);
        }
        if role == "Figure" {
            match e.get(b"Alt").ok().and_then(|a| text(self.doc, a)).filter(|a| !a.trim().is_empty()) {
                Some(alt) => self.s.figures.push(alt),
                None => self.problems.push("a figure has no alternative text".into()),
            }
        }
        if role == "Table" {
            let start = self.s.roles.len();
            self.kids(e, page);
            if !self.s.roles[start..].iter().any(|r| r == "TH") {
                self.problems.push("a table has no header cells".into());
            }
            return;
        }
        self.kids(e, page);
    }

    fn kids(&mut self, e: &Dictionary, page: Option<ObjectId>) {
        let Ok(k) = e.get(b"K") else { return };
        let list: Vec<Object> = match self.doc.dereference(k).map(|x| x.1.clone()) {
            Ok(Object::Array(a)) => a,
            Ok(other) => vec![other],
            Err(_) => return,
        };
        for kid in list {
            match self.doc.dereference(&kid).map(|x| x.1) {
                Ok(Object::Integer(mcid)) => match page {
                    Some(p) => {
                        self.mcids.entry(p).or_default().insert(*mcid);
                    }
                    None => self.problems.push("marked content with no page".into()),
                },
                Ok(Object::Dictionary(d)) => {
                    let kind = d.get(b"Type").ok().and_then(name);
                    if kind.as_deref() == Some("MCR") {
                        let pg = d.get(b"Pg").ok().and_then(|p| p.as_reference().ok()).or(page);
                        if let (Some(p), Ok(m)) = (pg, d.get(b"MCID").and_then(Object::as_i64)) {
                            self.mcids.entry(p).or_default().insert(m);
                        }
                    } else if kind.as_deref() == Some("OBJR") {
                        // An annotation: content, but not in a content stream.
                    } else {
                        self.element(d, page);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Operators that put marks on the page: text, painted paths, images and shadings.
const PAINTING: &[&str] = &["Tj", "TJ", "'", "\"", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh"];

/// Checks a PDF's tagging; panics with every problem found. Returns what the tree holds.
pub fn check(what: &str, bytes: &[u8]) -> Structure {
    let doc = Document::load_mem(bytes).unwrap_or_else(|e| panic!("{what}: not a PDF ({e})"));
    let mut problems = Vec::new();
    if doc.version != "1.7" {
        problems.push(format!("PDF version {} (expected 1.7)", doc.version));
    }
    let catalog = doc.catalog().expect("a catalog");
    match catalog.get(b"Lang").ok().and_then(|l| text(&doc, l)) {
        Some(l) if l == "en-GB" => {}
        other => problems.push(format!("document language is {other:?}, not en-GB")),
    }
    let marked = catalog
        .get(b"MarkInfo")
        .ok()
        .and_then(|m| dict(&doc, m))
        .and_then(|m| m.get(b"Marked").ok())
        .and_then(|m| m.as_bool().ok());
    if marked != Some(true) {
        problems.push("MarkInfo /Marked is not true".into());
    }
    let shows_title = catalog
        .get(b"ViewerPreferences")
        .ok()
        .and_then(|v| dict(&doc, v))
        .and_then(|v| v.get(b"DisplayDocTitle").ok())
        .and_then(|d| d.as_bool().ok());
    if shows_title != Some(true) {
        problems.push("the title is not shown in the window (DisplayDocTitle)".into());
    }
    if catalog.get(b"Outlines").is_err() {
        problems.push("no outline (bookmarks)".into());
    }
    // Metadata: claims PDF/UA-1, and nothing else (no PDF/X).
    let xmp = catalog
        .get(b"Metadata")
        .ok()
        .and_then(|m| doc.dereference(m).ok())
        .and_then(|(_, m)| m.as_stream().ok())
        .map(|s| String::from_utf8_lossy(&s.content).to_string())
        .unwrap_or_default();
    if !xmp.contains("pdfuaid:part") {
        problems.push("the metadata does not claim PDF/UA".into());
    }
    if xmp.contains("GTS_PDFX") || xmp.contains("pdfxid") || catalog.get(b"OutputIntents").is_ok() {
        problems.push("a PDF/X claim".into());
    }
    if !xmp.contains("<dc:title>") {
        problems.push("no title in the metadata".into());
    }

    let root = catalog.get(b"StructTreeRoot").ok().and_then(|r| dict(&doc, r));
    let mut walk = Walk { doc: &doc, s: Structure::default(), mcids: BTreeMap::new(), problems: Vec::new() };
    match root {
        Some(root) => walk.kids(root, None),
        None => problems.push("no structure tree".into()),
    }
    problems.append(&mut walk.problems);
    let mut s = walk.s;

    // Headings: start at level 1 and never skip a level going down.
    let mut last = 0;
    for &h in &s.headings {
        if h > last + 1 {
            problems.push(format!("heading level {h} follows level {last}: a level is skipped"));
        }
        last = h;
    }
    if s.headings.first() != Some(&1) {
        problems.push(format!("the first heading is not level 1: {:?}", s.headings.first()));
    }

    // Content: every mark on a page is inside tagged content or an artifact, and every tagged
    // piece of content is in the tree.
    let pages = doc.get_pages();
    s.pages = pages.len();
    for (number, id) in &pages {
        let content = Content::decode(&doc.get_page_content(*id)).expect("content decodes");
        // The marked-content stack: Some(mcid) for tagged content, None for an artifact.
        let mut stack: Vec<Option<Option<i64>>> = Vec::new();
        let mut seen = BTreeSet::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BMC" => {
                    let tag = op.operands.first().and_then(name).unwrap_or_default();
                    stack.push(Some(if tag == "Artifact" { None } else { Some(-1) }));
                }
                "BDC" => {
                    let tag = op.operands.first().and_then(name).unwrap_or_default();
                    let mcid = op
                        .operands
                        .get(1)
                        .and_then(|p| dict(&doc, p))
                        .and_then(|d| d.get(b"MCID").ok())
                        .and_then(|m| m.as_i64().ok());
                    if let Some(m) = mcid {
                        seen.insert(m);
                    }
                    stack.push(Some(if tag == "Artifact" { None } else { Some(mcid.unwrap_or(-1)) }));
                }
                "EMC" => {
                    stack.pop();
                }
                op_name if PAINTING.contains(&op_name) => {
                    // The innermost tagged section (one with an MCID) or artifact decides; marked
                    // content without an MCID inside one (a span's /ActualText) is neither.
                    let inside = stack.iter().rev().flatten().find(|m| **m != Some(-1));
                    if inside.is_none() {
                        problems.push(format!("page {number}: `{op_name}` is outside any tagged content or artifact"));
                    }
                }
                _ => {}
            }
        }
        let in_tree = walk.mcids.get(id).cloned().unwrap_or_default();
        if seen != in_tree {
            let missing: Vec<_> = seen.difference(&in_tree).collect();
            let extra: Vec<_> = in_tree.difference(&seen).collect();
            problems.push(format!(
                "page {number}: content not in the tree {missing:?}, tree entries with no content {extra:?}"
            ));
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{what} is not properly tagged:\n  {}", problems.join("\n  "));
    s
}

/// A demo organisation in memory, signed in as its administrator.
fn demo() -> carers_desk::Desk {
    let d = crate::util::desk();
    call(&d, "setup_choose", json!({"choice": "demo", "carers": 60, "seed": 3}));
    d
}

fn scalar(
    d: &carers_desk::Desk,
    sql_command: &str,
    args: serde_json::Value,
    pick: impl Fn(&serde_json::Value) -> Option<i64>,
) -> i64 {
    let v = call(d, sql_command, args);
    pick(&v).unwrap_or_else(|| panic!("{sql_command} found nothing: {v}"))
}

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_engine_tags_every_kind_of_block() {
    use carers_desk::pdf::{render, Bar, Block, Column, DocumentInfo, Picture};
    let logo = {
        let img = image::RgbaImage::from_fn(40, 20, |x, _| image::Rgba([x as u8 * 6, 60, 95, 255]));
        let mut bytes = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        Picture { bytes, width: 40, height: 20, alt: "Riverside Carers Centre logo".into() }
    };
    let info = DocumentInfo {
        title: "Everything".into(),
        author: "Riverside Carers Centre".into(),
        organisation: vec!["Riverside Carers Centre".into()],
        running_header: "Everything".into(),
        draft: true,
        ..DocumentInfo::default()
    };
    let blocks = vec![
        Block::Picture { picture: logo, width_mm: 30.0 },
        Block::Heading("Heading".into()),
        Block::Subheading("Subheading".into()),
        Block::Paragraph("One paragraph.\n\nAnother, with عمران خان and 王秀英.".into()),
        Block::Fields(vec![("Name".into(), "আমিনা বেগম".into())]),
        Block::Table {
            columns: vec![Column::new("A", 1.0), Column::new("B", 1.0)],
            rows: vec![vec!["1".into(), "2".into()]; 80],
        },
        Block::Bullets(vec!["one".into(), "two".into()]),
        Block::KeepTogether(vec![
            Block::Subheading("A chart".into()),
            Block::BarChart(vec![
                Bar { label: "GP".into(), value: Some(1204.0), display: "1,204".into() },
                Bar { label: "School".into(), value: None, display: "<5".into() },
            ]),
        ]),
        Block::Signatures(vec!["Carer".into()]),
    ];
    let s = check("the sample", &render(&info, &blocks).unwrap());
    assert_eq!(s.headings, vec![1, 2, 3, 3]);
    assert!(s.figures.contains(&"Riverside Carers Centre logo".to_string()));
    assert!(s.figures.iter().any(|f| f == "Bar chart. GP: 1,204; School: fewer than 5"), "{:?}", s.figures);
    for role in ["P", "Table", "THead", "TBody", "TR", "TH", "TD", "L", "LI", "Lbl", "LBody", "Figure"] {
        assert!(s.roles.iter().any(|r| r == role), "no {role} in {:?}", s.roles);
    }
    assert!(s.pages >= 3);
}

#[test]
fn every_a4_document_is_tagged() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();

    // Support plans: the whole plan, and a contingency plan alone.
    let carers: Vec<i64> = call(&d, "carer_search", json!({"query": "", "limit": 100}))["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let plan = carers
        .iter()
        .find_map(|c| {
            call(&d, "plan_list", json!({"carer_id": c}))
                .as_array()
                .and_then(|a| a.first())
                .and_then(|p| p["id"].as_i64())
        })
        .expect("a demo plan");
    call(&d, "plan_print", json!({"id": plan, "part": "plan", "path": path("plan.pdf")}));
    check("a support plan", &read(dir.path(), "plan.pdf"));

    // The monitoring report.
    call(
        &d,
        "report_export",
        json!({"from": "2025-04-01", "to": "2026-03-31", "format": "pdf", "path": path("report.pdf")}),
    );
    let report = check("the monitoring report", &read(dir.path(), "report.pdf"));
    assert!(report.figures.len() > 10, "every chart is a figure: {}", report.figures.len());

    // A school's staff summary.
    let school =
        scalar(&d, "school_list", json!({}), |v| v.as_array().and_then(|a| a.first()).and_then(|s| s["id"].as_i64()));
    call(&d, "school_print_summary", json!({"id": school, "path": path("staff.pdf")}));
    check("a staff summary", &read(dir.path(), "staff.pdf"));

    // Subject access.
    let out = call(&d, "subject_export", json!({"carer_id": carers[0], "folder": dir.path().display().to_string()}));
    let pdf = out["pdf_path"].as_str().map(std::path::PathBuf::from).expect("a PDF path");
    check("a subject access export", &std::fs::read(pdf).unwrap());
}

#[test]
fn the_checker_fails_an_untagged_pdf() {
    use carers_desk::pdf::{render, Block, DocumentInfo};
    let info = DocumentInfo { title: "T".into(), running_header: "T".into(), ..DocumentInfo::default() };
    let bytes = render(&info, &[Block::Paragraph("Some text".into())]).unwrap();
    check("the original", &bytes);
    // The same file without its structure tree or language.
    let mut doc = Document::load_mem(&bytes).unwrap();
    let catalog = doc.catalog_mut().unwrap();
    catalog.remove(b"StructTreeRoot");
    catalog.remove(b"Lang");
    let mut stripped = Vec::new();
    doc.save_to(&mut stripped).unwrap();
    let failure = std::panic::catch_unwind(|| check("the stripped file", &stripped)).unwrap_err();
    let message = failure.downcast_ref::<String>().cloned().unwrap_or_default();
    for problem in ["no structure tree", "document language", "content not in the tree"] {
        assert!(message.contains(problem), "{problem}: {message}");
    }
}
