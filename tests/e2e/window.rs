//! The window on an office laptop: on a 1366×768 screen it opens inside the screen, with the
//! header in one row; moved and resized, it opens again where it was left; on a screen smaller
//! than its default size it opens filling it. The test runs its own Xvfb at each size (the
//! suite's screen is larger), one after the other: `DISPLAY` is the process's. Screenshot: laptop-1366x768 (tests/e2e/screenshots/).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use carers_desk_e2e::App;

/// An X server of its own, at `width`×`height`, stopped when dropped.
struct Screen {
    child: Child,
}

impl Screen {
    /// Starts Xvfb on a free display and points this test process's `DISPLAY` at it.
    fn start(width: u32, height: u32) -> Screen {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", &format!("{width}x{height}x24")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (the xvfb package) starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("Xvfb's output"))
            .read_line(&mut line)
            .expect("Xvfb says its display");
        let display = format!(":{}", line.trim());
        // Each test binary is its own process: the app and its drivers inherit this.
        std::env::set_var("DISPLAY", &display);
        Screen { child }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn window_rect(app: &App) -> (f64, f64, f64, f64) {
    let (x, y, w, h) = app.client.get_window_rect().await.expect("the window's position and size");
    (x as f64, y as f64, w as f64, h as f64)
}

#[tokio::test]
async fn a_1366_by_768_laptop() {
    let _screen = Screen::start(1366, 768);
    let config = tempfile::tempdir().expect("a config folder kept between the two runs");
    std::env::set_var("CARERS_DESK_E2E_CONFIG", config.path());
    let dir = tempfile::tempdir().expect("a folder for the database");
    let db = dir.path().join("laptop.sqlite3");
    let db_arg = db.to_str().expect("a UTF-8 path");

    let app = App::launch_with(&["--db", db_arg, "--demo-data"]).await;
    app.wait_for("#home-search").await;
    let (x, y, w, h) = window_rect(&app).await;
    assert!(x >= 0.0 && y >= 0.0 && x + w <= 1366.0 && y + h <= 768.0, "inside the screen: {x},{y} {w}×{h}");
    // The header is one row at 1280 px and wider: the menu and the session bar side by side.
    let layout = app
        .js("const n = document.querySelector('.site-nav').getBoundingClientRect();
             const s = document.getElementById('session-bar').getBoundingClientRect();
             const hd = document.querySelector('.site-header').getBoundingClientRect();
             return { width: window.innerWidth, nav: n.top, navBottom: n.bottom, bar: s.top, barBottom: s.bottom, header: hd.height }")
        .await;
    assert!(layout["width"].as_f64().unwrap() >= 1200.0, "{layout}");
    let (nav, bar) = (layout["nav"].as_f64().unwrap(), layout["bar"].as_f64().unwrap());
    assert!(
        bar < layout["navBottom"].as_f64().unwrap() && nav < layout["barBottom"].as_f64().unwrap(),
        "menu and session bar on one row: {layout}"
    );
    assert!(layout["header"].as_f64().unwrap() < 90.0, "one row: {layout}");
    app.screenshot("laptop-1366x768").await;

    // Moved and resized, it opens there again.
    app.client.set_window_rect(40, 30, 1100, 640).await.expect("move and resize the window");
    let moved = window_rect(&app).await;
    app.close().await;
    let app = App::launch_with(&["--db", db_arg]).await;
    app.wait_for("#home-search, #lock-screen").await;
    let again = window_rect(&app).await;
    assert_eq!((again.2, again.3), (moved.2, moved.3), "the same size");
    assert!(
        (again.0 - moved.0).abs() <= 2.0 && (again.1 - moved.1).abs() <= 40.0,
        "the same place: {moved:?} then {again:?}"
    );
    app.close().await;
    drop(_screen);
    std::env::remove_var("CARERS_DESK_E2E_CONFIG");

    // A screen smaller than the window's default size: it opens filling the screen.
    let _screen = Screen::start(1024, 600);
    let app = App::launch_with(&["--demo-data"]).await;
    app.wait_for("#home-search").await;
    let (x, y, w, h) = window_rect(&app).await;
    assert!(x >= 0.0 && y >= 0.0 && x + w <= 1024.0 && y + h <= 600.0, "inside the screen: {x},{y} {w}×{h}");
    app.close().await;
}
