//! One window per database (crash safety): starting the app again on a database that
//! is open shows the running window, and the second start exits by itself without opening the
//! database. A start on another database is not stopped.
//!
//! On Linux the single-instance plugin uses the D-Bus session bus. The test starts its own
//! bus (`dbus-daemon`, Debian package dbus-daemon) so it needs no desktop session and cannot
//! disturb one.
//!
//! Run: `cargo build -p carers-desk-app && xvfb-run -a cargo test -p carers-desk-e2e --test single_instance`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use carers_desk_e2e::{app_binary, App};
use serde_json::json;

/// A private D-Bus session bus, stopped when dropped.
struct Bus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    fn start() -> Bus {
        let dir = tempfile::Builder::new().prefix("carers-desk-bus-").tempdir().expect("a temporary folder");
        // A bare session bus: no services to start on demand (desktop portals, accessibility),
        // so nothing else runs and nothing is left behind.
        let config = dir.path().join("session.conf");
        let socket = dir.path().join("bus");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .expect("the bus configuration");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "dbus-daemon is needed (Debian package dbus-daemon): the single-instance plugin uses D-Bus on Linux",
            );
        // The daemon prints its address once it listens (or exits, ending the pipe).
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().expect("the daemon's output"))
            .read_line(&mut address)
            .expect("the bus address");
        let address = address.trim().to_string();
        assert!(address.starts_with("unix:"), "dbus-daemon did not start: {address:?}");
        Bus { daemon, address, _dir: dir }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// Starts the app binary directly, as a person starting it again would, with the same user
/// folders as the window under test; its standard error goes to `stderr`.
fn start_again(app: &App, db: &Path, stderr: &Path) -> Child {
    let dir = app.temp_dir();
    Command::new(app_binary())
        .arg("--db")
        .arg(db)
        .env_remove("CARERS_DESK_DB")
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("NO_AT_BRIDGE", "1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(stderr).expect("a file for the second start's errors"))
        .spawn()
        .expect("the app binary starts")
}

/// Polls `done` every 50 ms until it gives a value or `limit` passes.
async fn within<T>(limit: Duration, mut done: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = done() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_second_start_on_the_same_database_shows_the_open_window_and_exits() {
    let bus = Bus::start();
    // Before the window starts, so the app (through tauri-driver) inherits it. This binary has
    // this one test, so nothing reads the environment while it changes.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let app = App::launch().await;
    assert_eq!(app.session_status().await.expect("session_status")["state"], "open");
    let before = app.invoke("app_info", json!({})).await.expect("app_info");

    // Started again on the same database: it hands over to the window and exits by itself.
    let errors = app.temp_dir().join("second-start.log");
    let mut second = start_again(&app, app.db_path(), &errors);
    let limit = Duration::from_secs(60);
    let status = within(limit, || second.try_wait().expect("waiting for the second start")).await;
    let log = std::fs::read_to_string(&errors).unwrap_or_default();
    let Some(status) = status else {
        let _ = second.kill();
        let _ = second.wait();
        panic!("the second start was still running after {limit:?}: {log}");
    };
    assert!(status.success(), "the second start exited with {status}: {log}");
    assert!(!log.contains("carers-desk: database"), "the second start must not open the database: {log}");

    // The open window was asked to show itself, and still works, still signed in.
    let shown = within(app.timeout, || app.log().contains("started again on the same database").then_some(())).await;
    assert!(shown.is_some(), "the running window was not told about the second start:\n{}", app.log());
    assert_eq!(app.session_status().await.expect("session_status")["state"], "open");
    assert_eq!(app.invoke("app_info", json!({})).await.expect("app_info"), before);
    assert!(app.title().await.contains("Carers Desk"));
    assert!(app.invoke("setup_status", json!({})).await.is_ok());

    // A start on another database is not stopped: it opens that database and keeps running.
    let other_db = app.temp_dir().join("another.sqlite3");
    let other_errors = app.temp_dir().join("other-start.log");
    let mut other = start_again(&app, &other_db, &other_errors);
    let opened = within(limit, || {
        let log = std::fs::read_to_string(&other_errors).unwrap_or_default();
        if log.contains("carers-desk: database") {
            return Some(Ok(()));
        }
        other.try_wait().ok().flatten().map(|status| Err(format!("it exited ({status}): {log}")))
    })
    .await;
    let _ = other.kill();
    let _ = other.wait();
    match opened {
        Some(Ok(())) => {}
        Some(Err(e)) => panic!("a start on another database was stopped: {e}"),
        None => panic!("a start on another database did not open it within {limit:?}"),
    }
    assert_eq!(app.session_status().await.expect("session_status")["state"], "open");
    app.close().await;
    drop(bus);
}
