//! Where a database may live. SQLite's write-ahead log relies on shared memory and byte-range
//! locks that network file systems do not honour, so a database on a network share can be
//! corrupted by two PCs at once. We refuse to open one, with a message saying what to do.

use std::path::Path;

use crate::error::{Error, Result};

/// Refuses a database path on a network share.
pub fn check(path: &Path) -> Result<()> {
    if let Some(kind) = network_kind(path) {
        return Err(Error::DatabaseLocation(format!(
            "the database {} is on a network share ({kind}); Carers Desk keeps its data on this \
             computer's own disk because shared network folders can corrupt it: choose a folder \
             on a local drive, and use backups to move data between computers",
            path.display()
        )));
    }
    Ok(())
}

/// Names the network file system `path` (or its nearest existing parent) is on, if any.
pub fn network_kind(path: &Path) -> Option<&'static str> {
    if is_unc(path) {
        return Some("a \\\\server\\share path");
    }
    let existing = path.ancestors().find(|p| p.exists())?;
    fs_kind(existing)
}

fn is_unc(path: &Path) -> bool {
    let s = path.to_string_lossy();
    // `\\?\UNC\server\share` is the verbatim spelling of `\\server\share` (what
    // `canonicalize` returns for a share); other `\\?\` and `\\.\` paths are local.
    let verbatim_unc = s.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("\\\\?\\UNC\\"));
    verbatim_unc
        || ((s.starts_with("\\\\") || s.starts_with("//")) && !s.starts_with("\\\\?\\") && !s.starts_with("\\\\.\\"))
}

/// Linux `statfs` magic numbers of network file systems.
pub fn network_magic(magic: i64) -> Option<&'static str> {
    match magic {
        0x6969 => Some("NFS"),
        0x517B => Some("SMB"),
        0xFF53_4D42 => Some("CIFS"),
        0xFE53_4D42 => Some("SMB2"),
        0x0102_1997 => Some("9P"),
        0x5346_414F => Some("AFS"),
        0x6B41_4653 => Some("AFS"),
        0x0BD0_0BD0 => Some("Lustre"),
        0x7366_7362 | 0x6E66_7364 => Some("network file system"),
        _ => None,
    }
}

/// macOS `statfs` file-system type names of network file systems.
pub fn network_fs_name(name: &str) -> Option<&'static str> {
    match name {
        "nfs" => Some("NFS"),
        "smbfs" => Some("SMB"),
        "afpfs" => Some("AFP"),
        "webdav" => Some("WebDAV"),
        _ => None,
    }
}

#[cfg(target_os = "linux")]
fn fs_kind(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` is a properly sized out-parameter.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)]
    network_magic(st.f_type as i64)
}

#[cfg(target_os = "macos")]
fn fs_kind(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    // SAFETY: f_fstypename is a NUL-terminated C string inside `st`.
    let name = unsafe { std::ffi::CStr::from_ptr(st.f_fstypename.as_ptr()) };
    network_fs_name(&name.to_string_lossy())
}

#[cfg(windows)]
fn fs_kind(path: &Path) -> Option<&'static str> {
    use std::os::windows::ffi::OsStrExt;
    use std::path::Component;
    let absolute = std::path::absolute(path).ok()?;
    let Some(Component::Prefix(prefix)) = absolute.components().next() else {
        return None;
    };
    let mut root: Vec<u16> = prefix.as_os_str().encode_wide().collect();
    root.extend("\\".encode_utf16());
    root.push(0);
    // SAFETY: `root` is a NUL-terminated UTF-16 string that outlives the call.
    let kind = unsafe { windows_sys::Win32::Storage::FileSystem::GetDriveTypeW(root.as_ptr()) };
    // DRIVE_REMOTE: a mapped network drive.
    (kind == 4).then_some("a mapped network drive")
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn fs_kind(_path: &Path) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unc_paths_are_network_shares() {
        for p in [
            "\\\\office-nas\\carers\\db.sqlite3",
            "//office-nas/carers/db.sqlite3",
            "\\\\?\\UNC\\office-nas\\carers\\db.sqlite3",
            "\\\\?\\unc\\office-nas\\carers\\db.sqlite3",
        ] {
            assert!(network_kind(Path::new(p)).is_some(), "{p}");
        }
        for p in ["\\\\?\\C:\\data\\db.sqlite3", "/tmp/db.sqlite3"] {
            assert!(network_kind(Path::new(p)).is_none(), "{p}");
        }
    }

    #[test]
    fn network_file_system_types_are_recognised() {
        for m in [0x6969, 0x517B, 0xFF53_4D42, 0xFE53_4D42] {
            assert!(network_magic(m).is_some(), "{m:x}");
        }
        // ext4, tmpfs, btrfs, overlayfs
        for m in [0xEF53, 0x0102_1994, 0x9123_683E, 0x794C_7630] {
            assert!(network_magic(m).is_none(), "{m:x}");
        }
        assert_eq!(network_fs_name("smbfs"), Some("SMB"));
        assert_eq!(network_fs_name("apfs"), None);
    }

    #[test]
    fn refusal_says_what_to_do() {
        let e = crate::ApiError::from(check(Path::new("//nas/share/carers.sqlite3")).unwrap_err());
        assert_eq!(e.code, "database_location");
        assert!(e.message.contains("local drive"), "{}", e.message);
    }
}
