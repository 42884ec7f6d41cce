//! Is the register sound? Three checks (docs/security.md, "Checking the register"):
//!
//! - **when someone signs in**, whether the register's last changes were lost: the newest
//!   anchor in the anchor file beside it ([`crate::audit`]) names an entry its trail no longer
//!   holds (or holds with another hash). That is what a `-wal` file deleted, cut short or
//!   damaged after the computer stopped leaves behind: SQLite silently drops the commits it
//!   can no longer read. Cheap (the anchor file's last lines and one row), so done at once;
//! - **in the background after signing in**, SQLite's `quick_check`: 6 s on a 100,000-carer
//!   register, so the window opens at once and the result comes later ([`Background`]);
//! - **on demand** (`audit_verify`, `carers-desk-cli audit verify`), the full
//!   `integrity_check` and SQLCipher's `cipher_integrity_check` of every page.
//!
//! A problem is shown to the person at the screen in plain words with what to do, and written
//! to the audit trail.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;
use serde::Serialize;

use crate::audit;
use crate::error::Result;

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `damaged` (a check of the file found damage) or `changes_lost` (the newest changes
    /// recorded outside the register are not in it).
    pub code: String,
    /// What happened and what to do, for the person at the screen.
    pub message: String,
}

/// The finding for damage `problems` found, for the person at the screen.
pub fn damaged(problems: &[String], when: &str) -> Finding {
    Finding {
        code: "damaged".into(),
        message: format!(
            "{when} found damage in the register file ({}). What can be read is not changed, and saving goes on as usual, but some records may not open. Finish what you are doing, then ask your administrator to run the full check (Audit trail, Check the chain) and, if it confirms the damage, to restore the newest backup that checks out",
            problems.first().map(String::as_str).unwrap_or("unknown")
        ),
    }
}

/// The last anchor written to the anchor file beside `db` (read from its end: the file grows
/// by a line at every change).
pub fn newest_local_anchor(db: &Path) -> Option<audit::Anchor> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(audit::anchors_path(db)).ok()?;
    let len = file.metadata().ok()?.len();
    let from = len.saturating_sub(16 * 1024);
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut tail = String::new();
    file.read_to_string(&mut tail).ok()?;
    tail.lines().rev().find_map(|l| serde_json::from_str::<audit::Anchor>(l).ok())
}

/// Whether the register's last changes were lost: its newest anchor outside it names an entry
/// the trail does not hold as it was (see the module documentation). Call before anything is
/// written to the trail at a sign-in.
pub fn lost_changes(conn: &Connection, db: &Path) -> Result<Option<Finding>> {
    let Some(mut newest) = newest_local_anchor(db) else { return Ok(None) };
    newest.source = "the anchor file".into();
    let checked = audit::check_anchors(conn, std::slice::from_ref(&newest))?;
    if checked.iter().all(|c| c.ok) {
        return Ok(None);
    }
    let head = audit::head(conn)?.map_or(0, |h| h.entry);
    let when = if newest.at.is_empty() { String::new() } else { format!(" on {}", crate::dates::uk_text(&newest.at)) };
    Ok(Some(Finding {
        code: "changes_lost".into(),
        message: format!(
            "the register's most recent changes are not in it: the anchor file beside it recorded entry {} of the audit trail{when}, but the trail now {}. This happens when the register's -wal file was deleted, cut short or damaged after the computer stopped suddenly. Check that the most recent work is there and enter again what is missing, and tell your administrator (Audit trail, Check the chain shows the details)",
            newest.entry,
            if head < newest.entry { format!("ends at entry {head}") } else { format!("holds another entry {}", newest.entry) }
        ),
    }))
}

/// How the background check stands (`register_check` in `session_status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// `checking`, `ok`, `problems`, or `not_checked` (stopped before it finished, or not run).
    pub state: &'static str,
    /// What the checks found since the register was opened (the sign-in's own check first).
    pub findings: Vec<Finding>,
}

/// `quick_check` on its own connection and thread, started once the register is open for
/// someone; stopped (interrupted and waited for) before the register is closed or its file
/// replaced, so it never holds the file open across a re-key or a restore.
pub struct Background {
    status: Arc<Mutex<Status>>,
    interrupt: Arc<Mutex<Option<rusqlite::InterruptHandle>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Who the background check writes its audit entry as (the signed-in account).
pub type Recorder = audit::Entry;

impl Background {
    /// Starts the check of the register at `db` (key `key`). `findings` are those already made
    /// at the sign-in ([`lost_changes`]); a problem found is added to them and written to the
    /// trail as `entry` (its detail set to what was found).
    pub fn start(db: &Path, key: &[u8; 32], findings: Vec<Finding>, entry: Recorder) -> Background {
        let status = Arc::new(Mutex::new(Status { state: "checking", findings }));
        let interrupt = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let (db, key): (PathBuf, crate::vault::Key) = (db.to_path_buf(), zeroize::Zeroizing::new(*key));
        let thread = {
            let (status, interrupt, stop) = (status.clone(), interrupt.clone(), stop.clone());
            std::thread::Builder::new()
                .name("register check".into())
                .spawn(move || {
                    let started = std::time::Instant::now();
                    let outcome = run(&db, &key, &interrupt, &stop, entry);
                    let mut s = status.lock().unwrap_or_else(|p| p.into_inner());
                    match outcome {
                        Ok(Some(found)) => {
                            eprintln!("carers-desk: the register check found a problem: {}", found.message);
                            s.findings.push(found);
                        }
                        Ok(None) => {}
                        Err(e) => {
                            if !stop.load(Ordering::SeqCst) {
                                eprintln!("carers-desk: the register could not be checked: {e}");
                            }
                            s.state = "not_checked";
                            return;
                        }
                    }
                    s.state = if s.findings.is_empty() { "ok" } else { "problems" };
                    if std::env::var_os("CARERS_DESK_TIMINGS").is_some() {
                        eprintln!("carers-desk: register quick check took {:.1} s", started.elapsed().as_secs_f64());
                    }
                })
                .ok()
        };
        if thread.is_none() {
            status.lock().unwrap_or_else(|p| p.into_inner()).state = "not_checked";
        }
        Background { status, interrupt, stop, thread }
    }

    pub fn status(&self) -> Status {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits for the check to finish (tests, benchmarks).
    pub fn wait(&mut self) -> Status {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.status()
    }

    /// Interrupts the check and waits for its thread: the file is no longer open after this.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.interrupt.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            handle.interrupt();
        }
        self.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The check itself: `Ok(Some(finding))` when the register is damaged (and the finding was
/// written to the trail, if it could be).
fn run(
    db: &Path,
    key: &[u8; 32],
    interrupt: &Mutex<Option<rusqlite::InterruptHandle>>,
    stop: &AtomicBool,
    entry: Recorder,
) -> Result<Option<Finding>> {
    let conn = Connection::open(db)?;
    crate::vault::apply_key(&conn, key)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    *interrupt.lock().unwrap_or_else(|p| p.into_inner()) = Some(conn.get_interrupt_handle());
    if stop.load(Ordering::SeqCst) {
        return Err(crate::error::Error::Conflict("stopped".into()));
    }
    let found = crate::db::problems(&conn, false)?;
    if found.is_empty() {
        return Ok(None);
    }
    let finding = damaged(&found, "a check of the register when you signed in");
    let entry = audit::Entry { detail: Some(format!("register check: {}", found.join("; "))), ..entry };
    // On a connection of its own: SQLCipher leaves the one that met a damaged page unusable.
    // Best effort: a damaged register may not take the entry; the window shows the finding.
    drop(conn);
    let recorded = (|| -> Result<()> {
        let mut conn = Connection::open(db)?;
        crate::vault::apply_key(&conn, key)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        audit::record_session(&mut conn, &entry)
    })();
    if let Err(e) = recorded {
        eprintln!("carers-desk: the register check could not be recorded in the audit trail: {e}");
    }
    Ok(Some(finding))
}
