//! What the benchmarks share: a demo organisation with many carers in a temporary folder
//! (`bench.sqlite3` in the folder given).

use std::path::Path;
use std::time::Instant;

use carers_desk::{vault, Context, Desk};
use serde_json::json;

/// What a benchmark measures against: the desk, a raw connection to the same file, and the
/// context its commands run in (the folder lives as long as the fixture). Not every benchmark
/// keeps one (the import benchmark makes a desk per run).
#[allow(dead_code)]
pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub desk: Desk,
    pub raw: std::sync::Mutex<rusqlite::Connection>,
    pub ctx: Context,
}

/// A demo organisation with `carers` demo carers (seed 1) in `dir`, signed in as the demo
/// administrator, and a raw connection to the same encrypted file.
///
/// `CARERS_DESK_BENCH_DB` may name a database made earlier with
/// `carers-desk-cli demo-data --carers 100000 --seed 1` (its .keys file beside it): both are
/// copied, saving minutes.
pub fn demo_desk(dir: &Path, carers: u32, ctx: &Context) -> (Desk, rusqlite::Connection) {
    let path = dir.join("bench.sqlite3");
    let desk = match std::env::var_os("CARERS_DESK_BENCH_DB") {
        Some(prepared) => {
            let prepared = std::path::PathBuf::from(prepared);
            std::fs::copy(&prepared, &path).unwrap();
            std::fs::copy(vault::keys_path(&prepared), vault::keys_path(&path)).unwrap();
            eprintln!("using a copy of {}", prepared.display());
            let desk = Desk::open(&path).unwrap();
            desk.sign_in_demo().unwrap();
            desk
        }
        None => {
            let desk = Desk::open(&path).unwrap();
            let t = Instant::now();
            desk.setup_demo(ctx.today, Some(carers), Some(1)).unwrap();
            eprintln!("loaded {carers} demo carers in {:.1} s", t.elapsed().as_secs_f64());
            desk
        }
    };
    // Start as the app would after a restart: the bulk load's write-ahead log checkpointed.
    desk.call(ctx, "app_info", json!({})).unwrap();
    let keys = vault::KeyFile::load(&vault::keys_path(&path)).unwrap();
    let key = keys.unlock(keys.account("demo").unwrap(), "demo passphrase").unwrap().unwrap();
    let raw = vault::open_encrypted(&path, &key).unwrap();
    (desk, raw)
}

/// This thread's time on a CPU so far (`CLOCK_THREAD_CPUTIME_ID`: exact, where
/// `/proc/thread-self/schedstat` is only brought up to date at the scheduler's tick, so a call
/// shorter than a tick read as 0), to tell the cost of a call from time spent waiting for a CPU
/// on a shared machine. (Not every benchmark prints it.)
#[allow(dead_code)]
#[cfg(unix)]
pub fn cpu_time() -> Option<std::time::Duration> {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to write.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    ok.then(|| std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

#[allow(dead_code)]
#[cfg(not(unix))]
pub fn cpu_time() -> Option<std::time::Duration> {
    None
}
