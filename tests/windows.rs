//! Windows behaviour the core relies on, checked as a Windows program (under Wine in CI:
//! `.ci/test`, docs/windows.md). Compiled only for Windows.
//!
//! The network-share refusal asks Windows itself (`GetDriveTypeW`) about a mapped drive:
//! `CARERS_DESK_TEST_NETWORK_DRIVE` names one (`N:`; `.ci/wine/setup` maps a folder there that
//! Wine reports as a network drive; on a real PC, map a share and set it).

use std::path::{Path, PathBuf};

use carers_desk::{location, Desk};

fn network_drive() -> String {
    std::env::var("CARERS_DESK_TEST_NETWORK_DRIVE").unwrap_or_else(|_| {
        panic!(
            "CARERS_DESK_TEST_NETWORK_DRIVE is not set: name a mapped network drive (such as N:); \
             .ci/wine/setup maps one under Wine (source .ci/wine/env)"
        )
    })
}

fn refused(path: &Path) {
    let error = Desk::open(path).err().unwrap_or_else(|| panic!("a database at {} was accepted", path.display()));
    assert_eq!(error.code, "database_location", "{}: {error:?}", path.display());
    assert!(error.message.contains("network share"), "{}: {}", path.display(), error.message);
    assert!(error.message.contains("local drive"), "says what to do: {}", error.message);
}

#[test]
fn a_database_on_a_mapped_network_drive_is_refused() {
    let drive = network_drive();
    let root = PathBuf::from(format!("{drive}\\"));
    assert!(root.is_dir(), "the network drive {drive} is not mapped");
    for path in [
        format!("{drive}\\carers.sqlite3"),
        format!("{drive}\\Carers Desk\\carers.sqlite3"),
        format!("{drive}carers.sqlite3"),
    ] {
        let path = PathBuf::from(path);
        assert_eq!(location::network_kind(&path), Some("a mapped network drive"), "{}", path.display());
        refused(&path);
        assert!(!path.exists(), "nothing was written at {}", path.display());
    }
    assert!(!root.join("Carers Desk").exists(), "no folder was made on the network drive");
}

#[test]
fn a_database_on_a_local_drive_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("carers.sqlite3");
    assert!(path.to_string_lossy().starts_with("C:\\"), "the temporary folder is on C: ({})", path.display());
    assert_eq!(location::network_kind(&path), None);
    Desk::open(&path).expect("a database on the local disk");
}

#[test]
fn unc_paths_are_refused_in_every_spelling() {
    for path in [
        r"\\office-nas\carers\carers.sqlite3",
        r"//office-nas/carers/carers.sqlite3",
        r"\\?\UNC\office-nas\carers\carers.sqlite3",
        r"\\office-nas.local@SSL\DavWWWRoot\carers\carers.sqlite3",
    ] {
        assert!(location::network_kind(Path::new(path)).is_some(), "{path}");
        refused(Path::new(path));
    }
    // The verbatim spelling of a local path is not a share.
    let dir = tempfile::tempdir().unwrap();
    let verbatim = PathBuf::from(format!(r"\\?\{}", dir.path().display())).join("carers.sqlite3");
    assert_eq!(location::network_kind(&verbatim), None, "{}", verbatim.display());
}

/// A PDF viewer on Windows holds the file open without letting others delete or replace it.
/// Printing over it must fail with words that say so, leave the open file as it was and leave
/// no temporary file; once it is closed, printing replaces it.
#[test]
fn printing_over_a_pdf_open_in_a_viewer_says_to_close_it() {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.pdf");
    std::fs::write(&path, b"%PDF-1.7 the copy the viewer shows").unwrap();
    let viewer = std::fs::OpenOptions::new().read(true).share_mode(FILE_SHARE_READ).open(&path).unwrap();
    let bytes = carers_desk::pdf::render(
        &carers_desk::pdf::DocumentInfo {
            title: "Support plan".into(),
            author: "Riverside Carers Centre".into(),
            subject: None,
            created: chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(10, 0, 0).unwrap(),
            organisation: vec!["Riverside Carers Centre".into()],
            running_header: "Support plan".into(),
            ..Default::default()
        },
        &[carers_desk::pdf::Block::Paragraph("A new version".into())],
    )
    .unwrap();
    let error = carers_desk::ApiError::from(
        carers_desk::pdf::save(&carers_desk::files::Protected::new(None, None), &path, &bytes).unwrap_err(),
    );
    assert_eq!(error.field.as_deref(), Some("path"), "{error:?}");
    assert!(error.message.contains("open in another program"), "{}", error.message);
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 the copy the viewer shows");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("plan.pdf")], "no temporary file is left");
    drop(viewer);
    carers_desk::pdf::save(&carers_desk::files::Protected::new(None, None), &path, &bytes).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"), "the new PDF replaced the old one");
}
