//! End-to-end harness: drives the real Carers Desk window (the debug app binary) through
//! `tauri-driver` and WebKitWebDriver, with [fantoccini] as the WebDriver client.
//!
//! # Running
//!
//! ```text
//! cargo build -p carers-desk-app                  # the binary under test
//! .ci/deps                                        # tauri-driver into .tools/bin (once)
//! xvfb-run -a cargo test -p carers-desk-e2e       # needs an X display
//! ```
//!
//! `.ci/test` does all of this.
//!
//! # Writing a test
//!
//! ```no_run
//! use carers_desk_e2e::App;
//!
//! // In tests/e2e/journey.rs this is an `#[tokio::test] async fn`.
//! async fn journey() {
//!     let app = App::launch().await; // or App::launch_with(&["--demo-data"])
//!     app.wait_for_text("h1", "Welcome to Carers Desk").await;
//!     app.click("#start-empty").await;
//!     app.fill("#carer-form [name=first_name]", "Amira").await;
//!     app.select("#carer-form [name=gender]", "female").await;
//!     let status = app.invoke("setup_status", serde_json::json!({})).await.unwrap();
//!     assert_eq!(status["first_run"], false);
//!     app.screenshot("record-page").await; // tests/e2e/screenshots/record-page.png
//!     app.close().await;
//! }
//! ```
//!
//! The window starts signed in ([`App::launch_with`] sets up or unlocks the database through the
//! core, as [`TEST_USERNAME`]); [`App::launch_signed_out`] leaves the setup wizard or the lock
//! screen for a test of signing in.
//!
//! Every launch gets a fresh temporary folder holding the database
//! ([`App::db_path`]), the XDG data/cache/config folders of the app and WebKit, and the
//! `tauri-driver` log ([`App::log`]: the app's own stderr goes there too).
//!
//! The helpers panic with a message naming the selector (and, on a timeout, what was
//! expected), which is what a test wants; use [`App::client`] directly for anything else.
//! Each `wait_*` helper polls for at most [`App::timeout`] (30 s by default: CI machines can be slow).
//!
//! Always finish with [`App::close`]. If a test panics first, dropping the [`App`] stops
//! `tauri-driver`, WebKitWebDriver and the app, and prints the end of the driver log.
//!
//! Environment: `DISPLAY` must be set (run under `xvfb-run -a`). `CARERS_DESK_APP` overrides
//! the app binary (default `<target dir>/debug/carers-desk`, target dir from
//! `CARGO_TARGET_DIR` or `<workspace>/target`); `TAURI_DRIVER` overrides `tauri-driver`
//! (default: on `PATH`, else `<workspace>/.tools/bin`); `WEBKIT_WEBDRIVER` overrides
//! WebKitWebDriver (default: on `PATH`, else `/usr/bin/WebKitWebDriver`).

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub use fantoccini;

/// The administrator [`App::launch`] sets up on a new database (and signs in as on a locked one).
pub const TEST_USERNAME: &str = "tester";
/// [`TEST_USERNAME`]'s passphrase.
pub const TEST_PASSPHRASE: &str = "test passphrase for e2e";
/// [`TEST_USERNAME`]'s name.
pub const TEST_NAME: &str = "Test Administrator";

/// How long [`App::launch`] waits for the window to open (WebDriver session creation).
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
/// Default for [`App::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long [`App::launch`] waits for tauri-driver and WebKitWebDriver to listen.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running Carers Desk window under WebDriver control.
pub struct App {
    /// The WebDriver session (the window). Use it for anything the helpers don't cover.
    pub client: Client,
    /// The longest any `wait_*` helper (and the helpers built on them) polls for.
    pub timeout: Duration,
    driver: Option<Child>,
    log: PathBuf,
    db: PathBuf,
    // Last: removed after everything else is dropped.
    dir: tempfile::TempDir,
}

impl App {
    /// Starts tauri-driver and opens the app window on a fresh, empty database, signed in as
    /// the test administrator (see [`App::launch_with`]): the first-run choice comes next.
    ///
    /// Panics with an explanation if something is missing (`DISPLAY`, the app binary,
    /// tauri-driver, WebKitWebDriver) or the window does not open within [`SESSION_TIMEOUT`].
    pub async fn launch() -> App {
        App::launch_with(&[]).await
    }

    /// Like [`App::launch`], passing `args` to the app, e.g. `&["--demo-data"]`.
    ///
    /// The window starts signed in, as the tests before staff accounts expect: a new database
    /// is set up with the test administrator ([`TEST_USERNAME`], [`TEST_PASSPHRASE`]), a locked
    /// one (a database opened again) is unlocked as that administrator, or as `demo` on a demo
    /// database; then the page is loaded again. `--demo-data` already starts signed in as
    /// `demo`. Use [`App::launch_signed_out`] to see the setup wizard or the lock screen.
    pub async fn launch_with(args: &[&str]) -> App {
        let app = App::launch_signed_out(args).await;
        app.ensure_signed_in().await;
        app
    }

    /// Like [`App::launch_with`], but the window is left as the app opens it: the setup wizard
    /// on a new database, the lock screen on a locked one.
    pub async fn launch_signed_out(args: &[&str]) -> App {
        if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
            panic!(
                "DISPLAY is not set: the end-to-end tests open a real window; \
                 run them under xvfb-run -a (e.g. `xvfb-run -a cargo test -p carers-desk-e2e`)"
            );
        }
        let application = app_binary();
        let tauri_driver = tauri_driver_binary();
        let webkit_driver = webkit_webdriver_binary();

        let dir =
            tempfile::Builder::new().prefix("carers-desk-e2e-").tempdir().expect("cannot create a temporary folder");
        let db = dir.path().join("carers-desk.sqlite3");
        let log = dir.path().join("tauri-driver.log");
        let (port, native_port) = free_ports();

        let driver = spawn_driver(&tauri_driver, &webkit_driver, port, native_port, dir.path(), &db, &log);
        // The guard stops tauri-driver if anything below panics.
        let mut guard = StartGuard { driver: Some(driver), log: log.clone() };
        guard.wait_listening(port, native_port).await;
        let client = guard.new_session(port, &application, args).await;
        let app = App { client, timeout: DEFAULT_TIMEOUT, driver: guard.driver.take(), log, db, dir };
        app.started().await
    }

    async fn started(self) -> App {
        // The session opens once the page has loaded; wait for the document to be ready so
        // the first helper call sees the app's own markup.
        let deadline = Instant::now() + self.timeout;
        loop {
            let state = self.client.execute("return document.readyState", vec![]).await;
            if matches!(&state, Ok(Value::String(s)) if s == "complete") {
                break;
            }
            if Instant::now() > deadline {
                // Dropping `self` prints the end of the driver log.
                panic!("the app page did not finish loading within {:?} (last state {state:?})", self.timeout);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self
    }

    /// The core's `session_status`, waiting (bounded) while the shell is still opening the
    /// database. `Err` is the core's error (e.g. `database_location`).
    pub async fn session_status(&self) -> Result<Value, Value> {
        let deadline = Instant::now() + self.timeout;
        loop {
            match self.invoke("session_status", json!({})).await {
                Err(e) if e["code"] == "storage" && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other,
            }
        }
    }

    /// Signs in through the core (not the page) if the window is not signed in: sets up a new
    /// database with the test administrator, or unlocks a locked one (as `demo` on a demo
    /// database, else as the test administrator); then reloads the page so it starts signed in.
    /// Does nothing if the database cannot be opened (the tests of that case look at the error).
    pub async fn ensure_signed_in(&self) {
        let Ok(status) = self.session_status().await else { return };
        match status["state"].as_str() {
            Some("open") => return,
            Some("setup") => {
                let begun = self.invoke("session_setup_begin", json!({})).await.expect("session_setup_begin");
                let key = begun["recovery_key"].as_str().expect("a recovery key").to_string();
                let groups: Vec<&str> = key.split('-').collect();
                let mut check = serde_json::Map::new();
                for n in begun["check_groups"].as_array().expect("check_groups") {
                    let n = n.as_u64().expect("a group number") as usize;
                    check.insert(n.to_string(), json!(groups[n - 1]));
                }
                let finished = self
                    .invoke(
                        "session_setup_finish",
                        json!({
                            "organisation": null,
                            "username": TEST_USERNAME,
                            "name": TEST_NAME,
                            "passphrase": TEST_PASSPHRASE,
                            "passphrase_again": TEST_PASSPHRASE,
                            "recovery_check": check,
                        }),
                    )
                    .await;
                match finished {
                    Ok(_) => {}
                    // A database that cannot be made: the page shows why (the shell tests).
                    Err(e) if e["code"] == "database_location" => return,
                    Err(e) => panic!("setting up the test administrator: {e}"),
                }
            }
            Some("locked") => {
                let (username, passphrase) =
                    if status["demo"] == true { ("demo", "demo passphrase") } else { (TEST_USERNAME, TEST_PASSPHRASE) };
                self.invoke("session_unlock", json!({ "username": username, "passphrase": passphrase }))
                    .await
                    .unwrap_or_else(|e| panic!("signing in as {username}: {e}"));
            }
            other => panic!("unexpected session state {other:?}: {status}"),
        }
        self.reload().await;
    }

    /// Loads the page again (as at start) and waits for it to be ready.
    pub async fn reload(&self) {
        self.client.refresh().await.unwrap_or_else(|e| panic!("reloading the page: {e}"));
        let deadline = Instant::now() + self.timeout;
        loop {
            let state = self.client.execute("return document.readyState", vec![]).await;
            if matches!(&state, Ok(Value::String(s)) if s == "complete") {
                return;
            }
            if Instant::now() > deadline {
                panic!("the page did not load again within {:?} (last state {state:?})", self.timeout);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in on the lock screen the way a person does: types the username and passphrase
    /// and presses "Sign in". Does not wait for the result.
    pub async fn sign_in(&self, username: &str, passphrase: &str) {
        self.wait_for("#lock-screen[open]").await;
        self.fill("#sign-in-username", username).await;
        self.fill("#sign-in-passphrase", passphrase).await;
        self.click("#sign-in").await;
    }

    /// The database file the app was started with (`CARERS_DESK_DB`); it is in a temporary
    /// folder removed when the [`App`] is closed or dropped.
    pub fn db_path(&self) -> &Path {
        &self.db
    }

    /// The temporary folder of this launch (database, XDG folders, driver log).
    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything tauri-driver, WebKitWebDriver and the app wrote to stdout/stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until an element matches the CSS selector `css`, and returns it.
    pub async fn wait_for(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(self.timeout)
            .every(Duration::from_millis(100))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "wait_for({css:?}): no such element after {:?}: {e}\npage text:\n{}",
                self.timeout,
                self.body_text().await
            ),
        }
    }

    /// Waits until an element matching `css` has text containing `text`; returns the
    /// element's whole text.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + self.timeout;
        let mut last = String::new();
        loop {
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for element in elements {
                    if let Ok(t) = element.text().await {
                        if t.contains(text) {
                            return t;
                        }
                        last = t;
                    }
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "wait_for_text({css:?}, {text:?}): not found after {:?}; last text {last:?}\n\
                     page text:\n{}",
                    self.timeout,
                    self.body_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no element matches `css` (e.g. a dialog closed, a spinner went away).
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + self.timeout;
        loop {
            match self.client.find_all(Locator::Css(css)).await {
                Ok(found) if found.is_empty() => return,
                _ if Instant::now() > deadline => {
                    panic!("wait_gone({css:?}): still present after {:?}", self.timeout)
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Whether an element matches `css` right now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find_all(Locator::Css(css)).await.is_ok_and(|found| !found.is_empty())
    }

    /// The codes of one of the core's assessment lists (`eligibility_outcome`,
    /// `wellbeing_area`, ...), from `assessment_forms`, so tests never keep their own copy.
    pub async fn assessment_list_codes(&self, list: &str) -> Vec<String> {
        let forms = self.invoke("assessment_forms", json!({})).await.expect("the assessment forms");
        forms["lists"][list]
            .as_array()
            .unwrap_or_else(|| panic!("no assessment list {list}"))
            .iter()
            .map(|c| c["code"].as_str().expect("a code").to_string())
            .collect()
    }

    /// Waits for the page to settle, runs axe-core on it and adds each violation (rule, impact,
    /// help and the elements at fault) to `failures`, named by `screen`, so a test can check
    /// every screen and fail once with the whole list.
    pub async fn check_accessible(&self, screen: &str, failures: &mut Vec<String>) {
        self.settle().await;
        for v in self.accessibility_violations().await {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .map(|ns| {
                    ns.iter()
                        .map(|n| format!("    {} — {}", n["target"], n["failureSummary"].as_str().unwrap_or("")))
                        .collect()
                })
                .unwrap_or_default();
            failures.push(format!("{screen}: {} ({}): {}\n{}", v["id"], v["impact"], v["help"], nodes.join("\n")));
        }
    }

    /// Runs axe-core on the page as it is now, with the WCAG 2.0, 2.1 and 2.2 level A and AA
    /// rules, and returns the violations (axe's JSON: `id`, `impact`, `help`, `nodes[].target`,
    /// `nodes[].failureSummary`). axe is injected through WebDriver: it is not in the app.
    pub async fn accessibility_violations(&self) -> Vec<Value> {
        const AXE: &str = include_str!("vendor/axe-core/axe.min.js");
        if let Err(e) = self.client.execute(&format!("{AXE}\nreturn typeof axe;"), vec![]).await {
            panic!("could not inject axe-core: {e}");
        }
        let run = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
              .then((r) => done(JSON.stringify(r.violations)))
              .catch((e) => done(JSON.stringify([{ id: 'axe-error', help: String(e), nodes: [] }])));
        "#;
        match self.client.execute_async(run, vec![]).await {
            Ok(Value::String(json)) => serde_json::from_str(&json).expect("axe returns JSON"),
            other => panic!("axe-core did not run: {other:?}"),
        }
    }

    /// Waits for `css`, then clicks it. If the page re-draws the element between finding and
    /// clicking it (search results do, on every keystroke's answer), finds it again and retries
    /// until the timeout.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + self.timeout;
        loop {
            let element = self.wait_for(css).await;
            // WebKitWebDriver scrolls an element only just into view and then clicks its middle:
            // at the bottom edge of a laptop-sized window that point can fall outside the page,
            // so the button takes the focus but never the click. Bring it to the middle first.
            let arg = serde_json::to_value(&element).expect("an element reference");
            let _ = self
                .client
                .execute("arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });", vec![arg])
                .await;
            match element.click().await {
                Ok(()) => return,
                Err(e) if is_stale(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click({css:?}): {e}"),
            }
        }
    }

    /// Waits for the input/textarea `css`, clears it, then types `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.clear().await {
            panic!("fill({css:?}): cannot clear: {e}");
        }
        if !text.is_empty() {
            if let Err(e) = element.send_keys(text).await {
                panic!("fill({css:?}, {text:?}): cannot type: {e}");
            }
        }
        // A search box (`aria-controls` its results) marks them `aria-busy` until the search for
        // what was typed is shown: wait, so a result is not clicked as the table is replaced.
        const SEARCHING: &str = "const el = document.querySelector(arguments[0]);
            const id = el && el.getAttribute('aria-controls');
            const region = id && document.getElementById(id);
            return !!region && region.hasAttribute('aria-busy');";
        let deadline = Instant::now() + self.timeout;
        while self.client.execute(SEARCHING, vec![json!(css)]).await.unwrap_or(Value::Bool(false)) == Value::Bool(true)
        {
            if Instant::now() > deadline {
                panic!("fill({css:?}, {text:?}): the search did not finish within {:?}", self.timeout);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the `<select>` `css`, then chooses the option whose `value` is `value`
    /// (for choice lists that is the code, e.g. `"h20_34"`).
    pub async fn select(&self, css: &str, value: &str) {
        let element = self.wait_for(css).await;
        if let Err(e) = element.select_by_value(value).await {
            panic!("select({css:?}, {value:?}): {e}");
        }
    }

    /// Waits for `css`, then returns its rendered text.
    pub async fn text(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => panic!("text({css:?}): {e}"),
        }
    }

    /// Waits for the input/select/textarea `css`, then returns its current value.
    pub async fn value(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        match element.prop("value").await {
            Ok(value) => value.unwrap_or_default(),
            Err(e) => panic!("value({css:?}): {e}"),
        }
    }

    /// Goes to a route of the window (`/plans/3`), as a link would.
    pub async fn go(&self, route: &str) {
        // A page with unsaved changes asks before it is left (ui/js/kit/unsaved.js keeps
        // `data-unsaved` on the body): a jump made by the test leaves without saving.
        let unsaved = self.js("return document.body.dataset.unsaved === 'true'").await == json!(true);
        let url = self.client.current_url().await.expect("the window has a URL");
        let base = url.as_str().split('#').next().unwrap_or_default().to_string();
        self.client.goto(&format!("{base}#{route}")).await.expect("navigate");
        if !unsaved {
            return;
        }
        // The question comes up, unless the form with changes had already gone (a panel closed).
        let deadline = Instant::now() + self.timeout;
        loop {
            let state = self
                .js("return document.querySelector('dialog.dialog[open]') ? 'asked'
                        : document.body.dataset.unsaved === 'true' ? 'waiting' : 'left'")
                .await;
            if state == json!("asked") {
                self.click("dialog.dialog button[value=yes]").await;
                return;
            }
            if state == json!("left") || Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a script in the window and returns its result.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// The id at the end of the current route, which starts with `prefix` (`/plans/`).
    pub async fn route_id(&self, prefix: &str) -> i64 {
        let url = self.client.current_url().await.expect("url");
        let hash = url.fragment().unwrap_or_default().to_string();
        hash.trim_start_matches(prefix).parse().unwrap_or_else(|_| panic!("not on {prefix}: {hash}"))
    }

    /// The document title.
    pub async fn title(&self) -> String {
        self.client.title().await.unwrap_or_else(|e| panic!("title: {e}"))
    }

    /// The text of the whole page (`document.body.innerText`), or "" if unavailable.
    pub async fn body_text(&self) -> String {
        match self.client.execute("return document.body ? document.body.innerText : ''", vec![]).await {
            Ok(Value::String(text)) => text,
            _ => String::new(),
        }
    }

    /// Calls a core command directly through the window's IPC, as `ui/js/api.js` does
    /// (`invoke("call", { command, args })`), e.g. to set up data for a test.
    /// Returns `Ok(result)` or `Err(ApiError as JSON)`.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        const SCRIPT: &str = r#"
            const [command, args, done] = arguments;
            window.__TAURI__.core.invoke("call", { command, args })
                .then((value) => done({ ok: value }), (error) => done({ err: error }));
        "#;
        let reply = self
            .client
            .execute_async(SCRIPT, vec![json!(command), args])
            .await
            .unwrap_or_else(|e| panic!("invoke({command:?}): {e}"));
        match reply {
            Value::Object(mut map) => match (map.remove("ok"), map.remove("err")) {
                (_, Some(err)) => Err(err),
                (Some(ok), None) => Ok(ok),
                (None, None) => Ok(Value::Null),
            },
            other => panic!("invoke({command:?}): unexpected reply {other}"),
        }
    }

    /// Replaces the system's open dialog (a native window WebDriver cannot reach) with one that
    /// answers `answer` (a path, or null for Cancel) and keeps what it was asked in
    /// `window.__askedOpen`.
    pub async fn stub_open_dialog(&self, answer: Value) {
        let script = format!(
            "window.__TAURI__.dialog.open = async (o) => {{ window.__askedOpen = o; return {answer}; }};
             return true;"
        );
        assert_eq!(self.js(&script).await, json!(true), "the dialog plugin's JS can be stubbed");
    }

    /// Replaces the system's save dialog with one that answers `answer` (a path, or null for
    /// Cancel) and keeps what it was asked in `window.__askedSave`; files the window asks the
    /// system viewer to open are kept in `window.__opened` instead.
    pub async fn stub_save_dialog(&self, answer: Value) {
        let script = format!(
            "window.__TAURI__.dialog.save = async (o) => {{ window.__askedSave = o; return {answer}; }};
             window.__TAURI__.opener.openPath = async (p) => {{ window.__opened = p; }};
             return true;"
        );
        assert_eq!(self.js(&script).await, json!(true), "the plugins' JS can be stubbed");
    }

    /// Saves a PNG of the window to `tests/e2e/screenshots/<name>.png` and returns its path.
    /// Waits for the page to be loaded and two animation frames first, so the picture shows
    /// the current state rather than a stale frame.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.settle().await;
        // Bounded: a WebDriver screenshot waits for the web view to draw, and a web view that
        // never draws again would otherwise hang the whole run.
        let png = match tokio::time::timeout(self.timeout, self.client.screenshot()).await {
            Ok(Ok(png)) => png,
            Ok(Err(e)) => panic!("screenshot({name:?}): {e}"),
            Err(_) => panic!(
                "screenshot({name:?}): the window did not draw within {:?}; page text:\n{}{}",
                self.timeout,
                self.body_text().await,
                self.log_tail()
            ),
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Waits (bounded) for `document.readyState == "complete"` and two animation frames.
    pub async fn settle(&self) {
        const SCRIPT: &str = r#"
            const done = arguments[arguments.length - 1];
            const frames = () => requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
            setTimeout(() => done(false), 2000);
            if (document.readyState === "complete") frames();
            else window.addEventListener("load", frames, { once: true });
        "#;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.client.execute_async(SCRIPT, vec![])).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    /// Ends the WebDriver session (closing the window), then stops tauri-driver (SIGTERM,
    /// which also stops WebKitWebDriver) and waits for it. The temporary folder is removed.
    pub async fn close(mut self) {
        let client = self.client.clone();
        if let Err(e) = tokio::time::timeout(Duration::from_secs(20), client.close()).await {
            eprintln!("carers-desk-e2e: ending the WebDriver session timed out: {e}");
        }
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        if let Some(child) = self.driver.take() {
            stop(child);
        }
    }

    fn log_tail(&self) -> String {
        log_tail(&self.log)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.driver.is_some() {
            if std::thread::panicking() {
                eprintln!("{}", self.log_tail());
            }
            self.stop_driver();
        }
    }
}

/// Owns tauri-driver while starting, so a panic there still stops it.
struct StartGuard {
    driver: Option<Child>,
    log: PathBuf,
}

impl Drop for StartGuard {
    fn drop(&mut self) {
        if let Some(child) = self.driver.take() {
            stop(child);
        }
    }
}

impl StartGuard {
    fn fail(&mut self, message: String) -> ! {
        panic!("{message}\n{}", log_tail(&self.log));
    }

    /// Polls until tauri-driver and WebKitWebDriver both accept connections.
    async fn wait_listening(&mut self, port: u16, native_port: u16) {
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        for p in [port, native_port] {
            let addr = SocketAddr::from(([127, 0, 0, 1], p));
            loop {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    break;
                }
                if let Some(Ok(Some(status))) = self.driver.as_mut().map(Child::try_wait) {
                    self.fail(format!("tauri-driver exited early ({status})"));
                }
                if Instant::now() > deadline {
                    self.fail(format!(
                        "tauri-driver/WebKitWebDriver not listening on port {p} after {:?}",
                        DRIVER_START_TIMEOUT
                    ));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    async fn new_session(&mut self, port: u16, application: &Path, args: &[&str]) -> Client {
        let capabilities = json!({
            "tauri:options": { "application": application, "args": args },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut builder = ClientBuilder::new(connector);
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{port}");
        match tokio::time::timeout(SESSION_TIMEOUT, builder.connect(&url)).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                self.fail(format!("cannot open the app window ({}) through tauri-driver: {e}", application.display()))
            }
            Err(_) => {
                self.fail(format!("the app window did not open within {SESSION_TIMEOUT:?} ({})", application.display()))
            }
        }
    }
}

fn spawn_driver(
    tauri_driver: &Path,
    webkit_driver: &Path,
    port: u16,
    native_port: u16,
    dir: &Path,
    db: &Path,
    log: &Path,
) -> Child {
    use std::os::unix::process::CommandExt;

    let out = File::create(log).expect("cannot create the driver log");
    let err = out.try_clone().expect("cannot create the driver log");
    let mut command = Command::new(tauri_driver);
    command
        .arg("--port")
        .arg(port.to_string())
        .arg("--native-port")
        .arg(native_port.to_string())
        .arg("--native-driver")
        .arg(webkit_driver)
        .env("CARERS_DESK_DB", db)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        // A test of what the app remembers between runs (the window's size and place) keeps
        // its config folder: CARERS_DESK_E2E_CONFIG.
        .env(
            "XDG_CONFIG_HOME",
            std::env::var_os("CARERS_DESK_E2E_CONFIG").map(PathBuf::from).unwrap_or_else(|| dir.join("config")),
        )
        // No accessibility bus (avoids a D-Bus wait and warnings on CI machines).
        .env("NO_AT_BRIDGE", "1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        // Own process group: WebKitWebDriver and the app join it, so `stop` can end them all.
        .process_group(0);
    // SAFETY: prctl is async-signal-safe; it only asks the kernel to send SIGTERM to
    // tauri-driver if the test process dies (e.g. Ctrl-C), so nothing is left running.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    for sub in ["data", "cache", "config"] {
        std::fs::create_dir_all(dir.join(sub)).expect("cannot create the XDG folders");
    }
    command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", tauri_driver.display()))
}

/// SIGTERM to tauri-driver (it then stops WebKitWebDriver), wait for it (bounded), then
/// SIGTERM whatever is left in its process group (the app, if the session was not closed).
/// SIGKILL only as a last resort.
fn stop(mut child: Child) {
    let pid = child.id() as libc::pid_t;
    // SAFETY: plain kill(2) calls on a process (group) we started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let exited = wait_bounded(&mut child, Duration::from_secs(10));
    unsafe { libc::kill(-pid, libc::SIGTERM) };
    if !exited {
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let _ = child.wait();
    }
}

fn wait_bounded(child: &mut Child, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return true,
            Ok(None) if Instant::now() > deadline => return false,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    format!("---- last lines of the driver log ({}) ----\n{tail}\n---- end of driver log ----", log.display())
}

/// Two distinct free local ports (both held open while asking, so they differ).
fn free_ports() -> (u16, u16) {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("cannot find a free local port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().expect("local port").port();
    (port(&a), port(&b))
}

/// The workspace root (two levels above this crate).
/// Whether a WebDriver error means the element was replaced in the page (so finding it again
/// is the right response), rather than a real failure.
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    use fantoccini::error::{CmdError, ErrorStatus};
    match e {
        CmdError::Standard(w) => {
            matches!(w.error, ErrorStatus::StaleElementReference | ErrorStatus::NoSuchElement)
                || w.message.contains("was not found")
        }
        _ => false,
    }
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("workspace root").to_path_buf()
}

/// The app binary under test: `CARERS_DESK_APP`, else `<target dir>/debug/carers-desk`.
/// Panics with what to do if it is not built.
pub fn app_binary() -> PathBuf {
    let path = match std::env::var_os("CARERS_DESK_APP") {
        Some(path) => PathBuf::from(path),
        None => {
            let target = match std::env::var_os("CARGO_TARGET_DIR") {
                Some(dir) => workspace_root().join(dir), // join keeps an absolute dir as is
                None => workspace_root().join("target"),
            };
            target.join("debug").join("carers-desk")
        }
    };
    if !path.is_file() {
        panic!("the app binary {} is not built: run `cargo build -p carers-desk-app` first", path.display());
    }
    path
}

/// `TAURI_DRIVER`, else `tauri-driver` on `PATH`, else `<workspace>/.tools/bin/tauri-driver`.
pub fn tauri_driver_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    find_on_path("tauri-driver")
        .or_else(|| {
            let local = workspace_root().join(".tools/bin/tauri-driver");
            local.is_file().then_some(local)
        })
        .unwrap_or_else(|| {
            panic!(
                "tauri-driver not found on PATH or in .tools/bin: run `.ci/deps` \
                 (or `cargo install tauri-driver --version '^2' --locked --root .tools`)"
            )
        })
}

/// `WEBKIT_WEBDRIVER`, else `WebKitWebDriver` on `PATH`, else `/usr/bin/WebKitWebDriver`.
pub fn webkit_webdriver_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WEBKIT_WEBDRIVER") {
        return PathBuf::from(path);
    }
    find_on_path("WebKitWebDriver")
        .or_else(|| {
            let usual = PathBuf::from("/usr/bin/WebKitWebDriver");
            usual.is_file().then_some(usual)
        })
        .unwrap_or_else(|| panic!("WebKitWebDriver not found: install webkit2gtk-driver (`.ci/deps` does)"))
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}
