//! Where the core writes files, and where it must never write (docs/security.md).
//!
//! - **Private files**: everything the core writes (the database, its key file, backups,
//!   PDFs, exports) is created readable by the signed-in OS user only: mode 0600 for files and
//!   0700 for the folders it makes, on Unix; on Windows a protected ACL granting the user alone
//!   ([`make_private`]). The umask is not trusted: 0644 would make special-category data
//!   world-readable on a shared Linux or macOS machine.
//! - **Whole replacements**: a file is written to a unique temporary name beside it (created
//!   new, never following a planted link), synced, then renamed over the old one
//!   ([`write_replace`]), so a crash leaves the old file or the new one, and two writers never
//!   share a temporary file.
//! - **Protected paths**: no command that writes a file the user chose (a PDF, an export, a
//!   report) may write to the register, its `-wal`/`-shm`, its key file, the audit anchor, the
//!   backups, or anything in the app's data folder, however the path is spelt: relative, with
//!   `..`, through a symbolic link, in other letter case, with a `\\?\` prefix or an 8.3 short
//!   name on Windows, or as a hard link to one of them. [`Protected::check_file`] says so on
//!   the argument at fault, before anything is written.
//!
//! Invariant: every path a command writes at a user's request goes through
//! [`Protected::check_file`] or [`Protected::check_folder`] (tested for every command that
//! takes a path or a folder in `tests/security.rs`).

use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rand::RngCore;

use crate::error::{Error, Result};

/// The app's identifier (Tauri's `identifier`): its data folder's name.
pub const APP_IDENTIFIER: &str = "org.carersdesk.desktop";

/// The app's data folder, where the window keeps the register by default
/// (`~/.local/share/org.carersdesk.desktop` on Linux, `%APPDATA%\org.carersdesk.desktop` on
/// Windows, `~/Library/Application Support/org.carersdesk.desktop` on macOS).
pub fn app_data_folder() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// Creates a new file (failing if anything, even a dangling link, is at `path`) that only
/// this user can read and write.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(windows)]
    windows_acl::protect(path, false)?;
    Ok(file)
}

/// Makes a folder (and any missing parents) that only this user can open. Folders that
/// already exist are left as they are (they may be the user's own Documents).
pub fn create_dir_private(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
        create_dir_private(parent)?;
    }
    #[cfg_attr(not(unix), allow(unused_mut))] // the mode is set on Unix only
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => return Ok(()),
        Err(e) => return Err(e),
    }
    #[cfg(windows)]
    windows_acl::protect(path, true)?;
    Ok(())
}

/// Makes an existing file (or folder) readable by this user only: for files written by
/// earlier versions, or by SQLite itself.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != want {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(want))?;
        }
    }
    #[cfg(windows)]
    windows_acl::protect(path, meta.is_dir())?;
    Ok(())
}

/// A unique name for a temporary file beside `path`: `.<name>.<random>.tmp`.
pub fn temporary_beside(path: &Path) -> PathBuf {
    let mut random = [0u8; 6];
    rand::rng().fill_bytes(&mut random);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", hex::encode(random)))
}

/// Replaces `path` whole with `bytes`: a private temporary file beside it (a new, unique
/// name), synced, renamed over `path`, and the folder synced. On failure the temporary file is
/// removed and `path` is as it was.
pub fn write_replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temporary_beside(path);
    let written = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        rename_replacing(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(path);
    Ok(())
}

/// Renames `from` over `to`, replacing it. Windows refuses to replace a file that another
/// process has open at that moment ("Access denied", or a sharing violation): another Carers
/// Desk reading the key file, a virus scanner or the search indexer looking at a new file.
/// Those opens last milliseconds, so on Windows the rename is tried again for up to two
/// seconds before the error is returned; a file held open longer (a PDF shown in a viewer)
/// still fails. Elsewhere a rename replaces an open file at once.
pub fn rename_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        use std::time::{Duration, Instant};
        const ERROR_SHARING_VIOLATION: i32 = 32;
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut pause = Duration::from_millis(1);
        loop {
            match std::fs::rename(from, to) {
                Err(e)
                    if (e.kind() == std::io::ErrorKind::PermissionDenied
                        || e.raw_os_error() == Some(ERROR_SHARING_VIOLATION))
                        && Instant::now() < deadline =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                done => return done,
            }
        }
    }
    #[cfg(not(windows))]
    std::fs::rename(from, to)
}

/// Flushes a file already written (by another handle, or by SQLite) to the disk. Windows
/// flushes only through a handle opened for writing (`FlushFileBuffers` on a read-only handle
/// is "Access denied"), so there it is opened for writing; it is never truncated or changed.
pub fn sync_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    if cfg!(windows) {
        options.write(true);
    } else {
        options.read(true);
    }
    options.open(path)?.sync_all()
}

/// Makes a rename in `path`'s folder durable (best effort; not needed on Windows).
pub fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// What identifies a file whatever its name: device and inode on Unix, volume serial number
/// and file index on Windows. Two names with the same identity are hard links (or the same
/// file seen through a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(u64, u64);

/// The identity of the file at `path` (following links), if it exists.
pub fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileId(m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        windows_acl::file_id(path)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        None
    }
}

/// A path written in one comparable form: absolute, `.` and `..` resolved, links resolved as
/// far as the path exists (so 8.3 short names and `\\?\` prefixes are gone on Windows), in
/// lower case (so other letter case on a case-insensitive disk compares equal; a false match on
/// a case-sensitive disk only refuses a file name that differs from the register's by case).
fn normalise(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => out.push(part.as_os_str()),
            Component::CurDir => {}
            // `out` has no links in it (each existing part is resolved below), so going up is
            // what the file system will do too.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if std::fs::symlink_metadata(&out).is_ok() {
                    if let Ok(real) = out.canonicalize() {
                        out = real;
                    }
                }
            }
        }
    }
    Some(PathBuf::from(strip_verbatim(&out.to_string_lossy()).to_lowercase()))
}

/// `\\?\C:\x` → `C:\x`, `\\?\UNC\server\share` → `\\server\share` (what `canonicalize`
/// gives on Windows, against what a person types).
fn strip_verbatim(s: &str) -> String {
    if let Some(rest) = s.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else if let Some(rest) = s.strip_prefix(r"\\?\") {
        rest.to_string()
    } else {
        s.to_string()
    }
}

/// The places no command may write a file a user asked for (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// Folders nothing may be written in (normalised): the app's data folder.
    folders: Vec<PathBuf>,
    /// A folder and a file-name start (both normalised) no file may have: the register's own
    /// name in its folder covers the register, `-wal`, `-shm`, `-journal`, `.keys`, the key
    /// file's lock and temporary files, the audit anchor and files kept aside by a restore.
    names: Vec<(PathBuf, String)>,
    /// The identities of the protected files that exist (for hard links).
    ids: Vec<FileId>,
}

/// The start of every backup's file name (see `backup.rs`).
const BACKUP_PREFIX: &str = "carers-desk-backup-";

impl Protected {
    /// The places to protect for a register at `db_path` (none for a database in memory) with
    /// its backups in `backup_folder`.
    pub fn new(db_path: Option<&Path>, backup_folder: Option<&Path>) -> Protected {
        let mut p = Protected::default();
        if let Some(data) = app_data_folder().as_deref().and_then(normalise) {
            p.folders.push(data);
        }
        if let Some(db) = db_path {
            p.protect_names_of(db);
            if let Some(dir) = db.parent() {
                p.collect_ids(dir, |name| {
                    let db_name = db.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
                    name.starts_with(&db_name)
                });
            }
        }
        if let Some(folder) = backup_folder {
            if let Some(dir) = normalise(folder) {
                p.names.push((dir, BACKUP_PREFIX.to_string()));
            }
            p.collect_ids(folder, |name| name.starts_with(BACKUP_PREFIX));
        }
        p
    }

    /// Protects every file whose name starts with `path`'s name, in `path`'s folder.
    pub fn protect_names_of(&mut self, path: &Path) {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Some(dir) = normalise(dir) {
            self.names.push((dir, name.to_string_lossy().to_lowercase()));
        }
    }

    fn collect_ids(&mut self, dir: &Path, matches: impl Fn(&str) -> bool) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.filter_map(|e| e.ok()) {
            if matches(&e.file_name().to_string_lossy().to_lowercase()) {
                if let Some(id) = file_id(&e.path()) {
                    self.ids.push(id);
                }
            }
        }
    }

    /// Whether a normalised path is one of the protected places.
    fn covers(&self, normalised: &Path) -> bool {
        if self.folders.iter().any(|f| normalised.starts_with(f)) {
            return true;
        }
        let (Some(dir), Some(name)) = (normalised.parent(), normalised.file_name()) else { return false };
        let name = name.to_string_lossy();
        self.names.iter().any(|(d, start)| d == dir && name.starts_with(start.as_str()))
    }

    /// Checks a file the user chose can be written: refuses the protected places, however
    /// `path` spells them, with an error on `field`. Nothing is written.
    pub fn check_file(&self, field: &str, path: &Path) -> Result<()> {
        let refuse = || {
            Err(Error::field(
                field,
                format!(
                    "{} is one of Carers Desk's own files or is in its data folder (the register, its key file or a backup): choose another name or folder, such as your Documents",
                    path.display()
                ),
            ))
        };
        let Some(normalised) = normalise(path) else { return Ok(()) };
        if self.covers(&normalised) {
            return refuse();
        }
        // The same file under another name: a hard link, or a link whose target is protected.
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.file_type().is_symlink() {
                if let Some(target) = std::fs::canonicalize(path).ok().as_deref().and_then(normalise) {
                    if self.covers(&target) {
                        return refuse();
                    }
                }
            }
            if file_id(path).is_some_and(|id| self.ids.contains(&id)) {
                return refuse();
            }
        }
        Ok(())
    }

    /// Checks a folder the user chose for files to be written in: not the app's data folder
    /// (or inside it), and not one of the protected files themselves.
    pub fn check_folder(&self, field: &str, folder: &Path) -> Result<()> {
        let Some(normalised) = normalise(folder) else { return Ok(()) };
        let inside_data = self.folders.iter().any(|f| normalised.starts_with(f));
        if inside_data || self.covers(&normalised) {
            return Err(Error::field(
                field,
                format!(
                    "{} is Carers Desk's own data folder: choose another folder, such as your Documents",
                    folder.display()
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(windows)]
mod windows_acl {
    //! The user's own ACL on Windows: a protected DACL (nothing inherited from the folder)
    //! granting full control to the signed-in user alone.
    use std::os::windows::ffi::OsStrExt;
    use std::os::windows::io::AsRawHandle;
    use std::path::Path;

    use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
    use windows_sys::Win32::Security::Authorization::{
        ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
    };
    use windows_sys::Win32::Security::{
        GetSecurityDescriptorDacl, GetTokenInformation, SetFileSecurityW, TokenUser, ACL, DACL_SECURITY_INFORMATION,
        PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER,
    };
    use windows_sys::Win32::Storage::FileSystem::{GetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION};
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    use super::FileId;

    fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
        s.encode_wide().chain(std::iter::once(0)).collect()
    }

    /// The signed-in user's SID as text (`S-1-5-21-…`).
    fn user_sid() -> std::io::Result<String> {
        // SAFETY: standard token query; buffers are sized by the first call and freed below.
        unsafe {
            let mut token: HANDLE = std::ptr::null_mut();
            if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut len = 0u32;
            GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut len);
            let mut buf = vec![0u8; len as usize];
            let ok = GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len);
            CloseHandle(token);
            if ok == 0 {
                return Err(std::io::Error::last_os_error());
            }
            let user = &*(buf.as_ptr() as *const TOKEN_USER);
            let mut text: *mut u16 = std::ptr::null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut n = 0;
            while *text.add(n) != 0 {
                n += 1;
            }
            let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, n));
            LocalFree(text.cast());
            Ok(sid)
        }
    }

    /// Gives `path` a protected DACL granting the user (and SYSTEM, which backs files up and
    /// which Windows needs) full control; folders pass it on to what is made inside them.
    pub fn protect(path: &Path, folder: bool) -> std::io::Result<()> {
        let sid = user_sid()?;
        let inherit = if folder { "OICI" } else { "" };
        let sddl = format!("D:P(A;{inherit};FA;;;{sid})(A;{inherit};FA;;;SY)");
        // SAFETY: the descriptor is made by Windows from the SDDL text and freed below.
        unsafe {
            let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
            if ConvertStringSecurityDescriptorToSecurityDescriptorW(
                wide(std::ffi::OsStr::new(&sddl)).as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                std::ptr::null_mut(),
            ) == 0
            {
                return Err(std::io::Error::last_os_error());
            }
            let mut present = 0;
            let mut defaulted = 0;
            let mut dacl: *mut ACL = std::ptr::null_mut();
            GetSecurityDescriptorDacl(sd, &mut present, &mut dacl, &mut defaulted);
            let ok = SetFileSecurityW(
                wide(path.as_os_str()).as_ptr(),
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                sd,
            );
            LocalFree(sd.cast());
            if ok == 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }

    pub fn file_id(path: &Path) -> Option<FileId> {
        let file = std::fs::File::open(path).ok()?;
        // SAFETY: a valid open handle and a properly sized out-parameter.
        unsafe {
            let mut info: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
            if GetFileInformationByHandle(file.as_raw_handle() as HANDLE, &mut info) == 0 {
                return None;
            }
            Some(FileId(
                info.dwVolumeSerialNumber as u64,
                ((info.nFileIndexHigh as u64) << 32) | info.nFileIndexLow as u64,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_prefixes_are_removed() {
        assert_eq!(strip_verbatim(r"\\?\C:\Users\amy"), r"C:\Users\amy");
        assert_eq!(strip_verbatim(r"\\?\UNC\server\share\x"), r"\\server\share\x");
        assert_eq!(strip_verbatim("/home/amy"), "/home/amy");
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_folders_are_for_this_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a/b");
        create_dir_private(&folder).unwrap();
        for d in [dir.path().join("a"), folder.clone()] {
            assert_eq!(std::fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700, "{}", d.display());
        }
        let file = folder.join("x.pdf");
        write_replace(&file, b"one").unwrap();
        write_replace(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1, "no temporary file is left");
        // A file made by someone else's umask is tightened.
        let loose = folder.join("loose");
        std::fs::write(&loose, b"x").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&loose).unwrap();
        assert_eq!(std::fs::metadata(&loose).unwrap().permissions().mode() & 0o777, 0o600);
        // A planted link where the temporary file goes is not followed.
        assert!(create_private(&loose).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn protected_paths_are_refused_however_they_are_spelt() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("Data");
        std::fs::create_dir(&data).unwrap();
        let db = data.join("carers.sqlite3");
        std::fs::write(&db, b"register").unwrap();
        std::fs::write(crate::vault::keys_path(&db), b"keys").unwrap();
        let backups = dir.path().join("backups");
        std::fs::create_dir(&backups).unwrap();
        let backup = backups.join("carers-desk-backup-20261123-140509.sqlite3");
        std::fs::write(&backup, b"backup").unwrap();
        let p = Protected::new(Some(&db), Some(&backups));
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::os::unix::fs::symlink(&db, other.join("link.pdf")).unwrap();
        std::os::unix::fs::symlink(&data, other.join("folder-link")).unwrap();
        std::fs::hard_link(&db, other.join("hard.pdf")).unwrap();
        std::fs::hard_link(&backup, other.join("hard-backup.pdf")).unwrap();
        let refused = [
            db.clone(),
            data.join("carers.sqlite3-wal"),
            data.join("carers.sqlite3-shm"),
            data.join("CARERS.SQLITE3"),
            data.join("carers.sqlite3.keys"),
            other.join("../Data/carers.sqlite3"),
            other.join("link.pdf"),
            other.join("folder-link/carers.sqlite3"),
            other.join("hard.pdf"),
            other.join("hard-backup.pdf"),
            backups.join("carers-desk-backup-20261123-140509.sqlite3"),
            backups.join("carers-desk-backup-20261123-140509.sqlite3.keys"),
            backups.join("Carers-Desk-Backup-20991231-000000.sqlite3"),
        ];
        for path in refused {
            let e = p.check_file("path", &path).expect_err(&path.display().to_string());
            let e = crate::ApiError::from(e);
            assert_eq!((e.code.as_str(), e.field.as_deref()), ("validation", Some("path")), "{}", path.display());
        }
        for fine in [other.join("plan.pdf"), data.join("notes.pdf"), backups.join("report.pdf"), dir.path().join("x")] {
            p.check_file("path", &fine).unwrap_or_else(|e| panic!("{}: {e}", fine.display()));
        }
        // A relative path is read from the current folder.
        let here = std::env::current_dir().unwrap();
        let mut relative = PathBuf::new();
        for _ in here.components().skip(1) {
            relative.push("..");
        }
        let relative = relative.join(db.strip_prefix("/").unwrap());
        assert!(p.check_file("path", &relative).is_err(), "{}", relative.display());
        p.check_folder("folder", &other).unwrap();
        assert!(p.check_folder("folder", &db).is_err());
    }

    #[test]
    fn the_app_data_folder_is_refused_whole() {
        let Some(data) = app_data_folder() else { return };
        let p = Protected::new(None, None);
        assert!(p.check_file("path", &data.join("anything.pdf")).is_err());
        assert!(p.check_folder("folder", &data).is_err());
        assert!(p.check_folder("folder", &data.join("sub")).is_err());
    }
}
