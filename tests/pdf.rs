//! The PDF engine through its public API, checked with the real tools (poppler-utils and
//! qpdf, installed by `.ci/deps`). Set `CARERS_DESK_PDF_SAMPLES=<dir>` to keep the sample PDFs.

use std::path::{Path, PathBuf};
use std::process::Command;

use carers_desk::pdf::{render, unprintable, Block, Column, DocumentInfo};

pub(crate) fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` could not be run ({e}): run `.ci/deps` to install poppler-utils and qpdf")
    });
    assert!(
        out.status.success(),
        "`{name} {}` failed: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

fn info(title: &str) -> DocumentInfo {
    DocumentInfo {
        title: title.into(),
        author: "Riverside Carers Centre".into(),
        subject: Some("Carer support plan".into()),
        created: chrono::NaiveDate::from_ymd_opt(2025, 3, 4).unwrap().and_hms_opt(10, 30, 15).unwrap(),
        organisation: vec![
            "Riverside Carers Centre".into(),
            "12 Mill Lane, Leeds LS1 4AB".into(),
            "0113 496 0000 · support@riverside-carers.example".into(),
        ],
        running_header: "Support plan – Олена Шевченко (C-000123)".into(),
        ..DocumentInfo::default()
    }
}

fn plan_blocks() -> Vec<Block> {
    vec![
        Block::Heading("About the carer".into()),
        Block::Fields(vec![
            ("Name".into(), "Олена Шевченко".into()),
            ("Cares for".into(), "Nguyễn Thị Hồng (mother-in-law)".into()),
            ("Address".into(), "Flat 3, 27 Canal Street\nLeeds\nLS2 7EQ".into()),
            (
                "Preferred contact".into(),
                "Telephone in the evening; email for letters. Texts are fine for reminders.".into(),
            ),
            ("Reference".into(), "C-000123".into()),
        ]),
        Block::Heading("What matters to Олена".into()),
        Block::Paragraph(
            "Олена looks after her mother-in-law, who has dementia, every day and most nights. She wants to keep \
             working part-time at the library and to have one evening a week for herself.\n\nShe would like \
             information in plain English, and help to talk to the GP surgery. Ελένη, a neighbour, helps on \
             Saturdays."
                .into(),
        ),
        Block::Subheading("Goals".into()),
        Block::Bullets(vec![
            "A regular break: one evening a week, starting within a month.".into(),
            "Carer's emergency plan in place and shared with the GP surgery and the neighbour who holds a key.".into(),
            "Better sleep: advice on night-time care and a referral to the memory service.".into(),
        ]),
        Block::Heading("Support agreed".into()),
        Block::Table {
            columns: vec![
                Column::new("Support", 3.0),
                Column::new("Who", 2.0),
                Column::new("When", 1.5),
                Column::new("Notes", 4.0),
            ],
            rows: vec![
                vec![
                    "Sitting service".into(),
                    "Riverside sitters".into(),
                    "Weekly".into(),
                    "Thursday evenings 6–9pm; first visit to introduce the sitter.".into(),
                ],
                vec![
                    "Carers' group".into(),
                    "Olivia (worker)".into(),
                    "Monthly".into(),
                    "Second Tuesday; transport can be arranged.".into(),
                ],
                vec![
                    "Emergency plan".into(),
                    "Worker with Олена".into(),
                    "By 1 April".into(),
                    "Pneumonoultramicroscopicsilicovolcanoconiosis-style long words are broken, never overflow.".into(),
                ],
            ],
        },
        Block::Spacer(4.0),
        Block::Heading("Signatures".into()),
        Block::Signatures(vec!["Carer".into(), "Support worker".into()]),
    ]
}

fn long_table_blocks() -> Vec<Block> {
    let rows = (1..=60)
        .map(|i| {
            vec![
                format!("{i}"),
                format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                if i % 3 == 0 { "Telephone call".into() } else { "Home visit".into() },
                format!(
                    "Visit {i}: talked about how caring is going, sleep and breaks. {}",
                    "Agreed to follow up with the sitting service and the GP. ".repeat(1 + i % 4)
                ),
            ]
        })
        .collect();
    vec![
        Block::Heading("Contact log".into()),
        Block::Paragraph("Every contact since the plan started.".into()),
        Block::Table {
            columns: vec![
                Column::new("No.", 0.7),
                Column::new("Date", 1.6),
                Column::new("Contact", 1.8),
                Column::new("Notes of contact", 6.0),
            ],
            rows,
        },
    ]
}

/// A PDF written for a test: in a temporary folder removed afterwards, or kept in
/// `CARERS_DESK_PDF_SAMPLES=<dir>` to look at.
pub(crate) struct Written {
    _dir: Option<tempfile::TempDir>,
    pub(crate) path: PathBuf,
}

/// Writes `bytes` as `name` (see [`Written`]).
pub(crate) fn write(name: &str, bytes: &[u8]) -> Written {
    let (dir, folder) = match std::env::var_os("CARERS_DESK_PDF_SAMPLES") {
        Some(d) => (None, PathBuf::from(d)),
        None => {
            let t = tempfile::tempdir().unwrap();
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    };
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap();
    Written { _dir: dir, path }
}

fn render_to_file(name: &str, info: &DocumentInfo, blocks: &[Block]) -> Written {
    write(name, &render(info, blocks).expect("renders"))
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub(crate) fn pdfinfo(p: &Path) -> String {
    tool("pdfinfo", &["-isodates", s(p)])
}

pub(crate) fn field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("pdfinfo has no {name}: {info}"))
        .trim()
}

/// The text of each page (pdftotext separates pages with a form feed).
pub(crate) fn pages_text(p: &Path) -> Vec<String> {
    let text = tool("pdftotext", &["-layout", s(p), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|l| l.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn check_common(p: &Path, expected_title: &str) -> usize {
    tool("qpdf", &["--check", s(p)]);
    let info = pdfinfo(p);
    assert_eq!(field(&info, "Title"), expected_title);
    assert_eq!(field(&info, "Author"), "Riverside Carers Centre");
    assert_eq!(field(&info, "Subject"), "Carer support plan");
    assert_eq!(field(&info, "Producer"), "Carers Desk");
    assert!(field(&info, "CreationDate").starts_with("2025-03-04T10:30:15"), "{info}");
    assert!(field(&info, "Page size").starts_with("595.276 x 841.89 pts"), "{info}");
    let pages: usize = field(&info, "Pages").parse().unwrap();

    let text = pages_text(p);
    assert_eq!(text.len(), pages);
    for (i, page) in text.iter().enumerate() {
        assert!(page.contains("Confidential"), "page {} has no 'Confidential'", i + 1);
        assert!(page.contains(&format!("Page {} of {pages}", i + 1)), "page {}: {page}", i + 1);
        assert!(page.contains("Support plan – Олена Шевченко (C-000123)"), "page {} has no running header", i + 1);
    }

    assert_fonts_embedded_and_subset(p);
    pages
}

/// Every font in the PDF is embedded, subset and mapped to Unicode (so text extracts).
pub(crate) fn assert_fonts_embedded_and_subset(p: &Path) {
    let fonts = tool("pdffonts", &[s(p)]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        // name type encoding emb sub uni object ID
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "font not embedded, subset and mapped: {row}");
        assert!(cols[0].contains('+'), "subset font names carry a tag: {row}");
    }
}

#[test]
fn a_support_plan_renders_with_metadata_fonts_and_every_script_as_text() {
    let r = render_to_file("plan.pdf", &info("Carer support plan"), &plan_blocks());
    let pages = check_common(&r.path, "Carer support plan");
    // The signatures block does not fit under the table, so it moves, whole, with its heading.
    assert_eq!(pages, 2);
    let last = &pages_text(&r.path)[1];
    for expected in ["Signatures", "Carer", "Support worker", "Signed", "Name", "Date"] {
        assert!(last.contains(expected), "page 2 has no '{expected}': {last}");
    }
    let text = pages_text(&r.path).concat();
    for expected in [
        "Riverside Carers Centre",
        "Carer support plan",
        "Олена Шевченко",
        "Nguyễn Thị Hồng",
        "Ελένη",
        "Sitting service",
        "Support worker",
    ] {
        assert!(text.contains(expected), "'{expected}' is not in the text: {text}");
    }
    let fonts = tool("pdffonts", &[s(&r.path)]);
    assert!(fonts.contains("AtkinsonHyperlegibleNext"), "{fonts}");
    assert!(fonts.contains("NotoSans"), "{fonts}");
}

#[test]
fn a_sixty_row_table_spans_pages_with_the_header_on_each() {
    let r = render_to_file("long-table.pdf", &info("Contact log"), &long_table_blocks());
    let pages = check_common(&r.path, "Contact log");
    assert!(pages >= 3, "{pages} pages");
    let text = pages_text(&r.path);
    let mut found = 0;
    for (i, page) in text.iter().enumerate() {
        let visits = page.matches("talked about how caring").count();
        if visits > 0 {
            assert!(page.contains("Notes of contact"), "page {} has rows but no header row", i + 1);
        }
        found += visits;
    }
    assert_eq!(found, 60);
    // No row splits: each row's first line and its last sentence are on the same page.
    for n in 1..=60 {
        let marker = format!("Visit {n}:");
        assert_eq!(text.iter().filter(|p| p.contains(&marker)).count(), 1, "{marker} is missing or appears twice");
    }
}

/// Names in each script the boroughs' communities write, as typed on the record.
pub(crate) const NAMES: [(&str, &str); 10] = [
    ("Urdu", "عمران خان"),
    ("Urdu (a lam-alef ligature)", "بلال احمد"),
    ("Arabic", "محمد عبد الله"),
    ("Bengali", "আমিনা বেগম"),
    ("Gurmukhi", "ਗੁਰਪ੍ਰੀਤ ਕੌਰ"),
    ("Devanagari", "प्रिया शर्मा"),
    ("Gujarati", "ગીતા પટેલ"),
    ("Tamil", "கமலா சுப்பிரமணியம்"),
    ("Chinese (simplified)", "王秀英"),
    ("Chinese (traditional)", "陳大文"),
];

#[test]
fn names_in_every_script_print_and_extract_back_as_typed() {
    let rows: Vec<Vec<String>> =
        NAMES.iter().map(|(script, name)| vec![script.to_string(), name.to_string()]).collect();
    let blocks = vec![
        Block::Heading("Names".into()),
        Block::Table { columns: vec![Column::new("Script", 1.0), Column::new("Name", 2.0)], rows },
        Block::Fields(NAMES.iter().map(|(s, n)| (s.to_string(), format!("{n} (C-000123)"))).collect()),
    ];
    let r = render_to_file("scripts.pdf", &info("Carer support plan"), &blocks);
    check_common(&r.path, "Carer support plan");
    let raw = tool("pdftotext", &[s(&r.path), "-"]);
    for (script, name) in NAMES {
        assert!(raw.contains(name), "{script} name {name} is not extracted: {raw}");
    }
    let fonts = tool("pdffonts", &[s(&r.path)]);
    for family in [
        "NotoNaskhArabic",
        "NotoSansBengali",
        "NotoSansGurmukhi",
        "NotoSansDevanagari",
        "NotoSansGujarati",
        "NotoSansTamil",
        "NotoSansCJK",
    ] {
        assert!(fonts.contains(family), "{family} is not embedded: {fonts}");
    }
}

#[test]
fn characters_no_font_has_are_reported_and_refused() {
    assert!(unprintable("Олена Шевченко, Nguyễn Thị Hồng, Ελένη, 李明, مرحبا").is_empty());
    assert_eq!(unprintable("김민준 and ሰላም"), vec!['김', '민', '준', 'ሰ', 'ላ', 'ም']);
    let e = render(&info("Carer support plan"), &[Block::Paragraph("Name in Korean: 김민준".into())]).unwrap_err();
    let api = carers_desk::error::ApiError::from(e);
    assert_eq!(api.code, "unprintable");
    assert!(api.message.contains("\"김\" (U+AE40)"), "{}", api.message);
}
