//! Carers Desk desktop window: a thin Tauri 2 shell over the `carers_desk` core.
//!
//! The window (ui/) talks to the core through one Tauri command, [`call`], which forwards
//! `{ command, args }` to `carers_desk::Desk::call` (see docs/commands.md); long commands
//! (batch printing) go through [`call_progress`], the same with progress messages.
//!
//! Command line:
//! - `--db PATH` (or `--db=PATH`): the database file. Otherwise the environment variable
//!   `CARERS_DESK_DB`, otherwise `carers-desk.sqlite3` in the platform's app data folder.
//! - `--demo-data`: on a new database file, set up a demo organisation (encrypted, made-up
//!   carers, the demo accounts of docs/security.md) and start signed in as its administrator;
//!   on an existing demo database, start signed in. Ignored for a real organisation's database.
//!
//! The database is encrypted; the window starts at the sign-in (or first-run setup) screen.
//!
//! One window per database: starting the app again on a database that is already open shows
//! the running window and the second start exits before it opens anything (Tauri's
//! single-instance plugin; on Linux a D-Bus name per database file, see [`instance_id`]).
//! When the window closes with someone signed in, the day's backup is made first unless one
//! was made today ([`backup_on_close`], docs/backups.md).

// Without this a console window opens alongside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use carers_desk::{ApiError, Context, Desk};
use serde_json::{json, Value};
use tauri::{Emitter, Manager};

/// Environment variable naming the database file (used when `--db` is not given).
const DB_ENV: &str = "CARERS_DESK_DB";
/// File name of the database in the app data folder.
const DB_FILE: &str = "carers-desk.sqlite3";

/// The opened core, or the reason it could not be opened. Filled once at setup; while it is
/// an error, every call returns that error so the window can show it.
#[derive(Default)]
struct DeskState(OnceLock<Result<Desk, ApiError>>);

impl DeskState {
    fn desk(&self) -> Result<&Desk, ApiError> {
        match self.0.get() {
            Some(Ok(desk)) => Ok(desk),
            Some(Err(error)) => Err(error.clone()),
            None => Err(api_error("storage", "the database is not open yet: wait a moment and try again")),
        }
    }
}

/// Options taken from the command line.
#[derive(Debug, Default)]
struct Options {
    db: Option<PathBuf>,
    demo_data: bool,
}

impl Options {
    /// Reads `--db PATH`, `--db=PATH` and `--demo-data`; other arguments are ignored.
    fn parse(args: impl IntoIterator<Item = String>) -> Options {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--db" {
                options.db = args.next().map(PathBuf::from);
            } else if let Some(path) = arg.strip_prefix("--db=") {
                options.db = Some(PathBuf::from(path));
            } else if arg == "--demo-data" {
                options.demo_data = true;
            }
        }
        options
    }
}

fn api_error(code: &str, message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError { code: code.to_string(), message, field: None, errors: Vec::new() }
}

/// Today, for the core's rules. (The actor is the signed-in account, which the core holds.)
fn today_context() -> Context {
    Context::desktop(chrono::Local::now().date_naive())
}

/// The only command the window calls: runs one core command (docs/commands.md). It runs on a
/// blocking worker thread of Tauri's tokio runtime, never on the window's main thread, so a
/// long command (loading demo data) cannot freeze the window; the core's lock keeps calls in
/// order.
#[tauri::command]
async fn call(app: tauri::AppHandle, command: String, args: Value) -> Result<Value, ApiError> {
    tauri::async_runtime::spawn_blocking(move || {
        app.state::<DeskState>().desk()?.call(&today_context(), &command, args)
    })
    .await
    .map_err(|e| api_error("storage", format!("the command stopped unexpectedly ({e}): try again")))?
}

/// [`call`] for long commands (batch printing): the same, and `{done, total}` messages on
/// `on_progress` as the work goes along.
#[tauri::command]
async fn call_progress(
    app: tauri::AppHandle,
    command: String,
    args: Value,
    on_progress: tauri::ipc::Channel<Value>,
) -> Result<Value, ApiError> {
    tauri::async_runtime::spawn_blocking(move || {
        let report = move |done, total| {
            // The window may have gone; the work carries on.
            let _ = on_progress.send(json!({ "done": done, "total": total }));
        };
        app.state::<DeskState>().desk()?.call_with_progress(&today_context(), &command, args, &report)
    })
    .await
    .map_err(|e| api_error("storage", format!("the command stopped unexpectedly ({e}): try again")))?
}

/// Where the database lives: `--db`, else `CARERS_DESK_DB`, else the app data folder.
fn database_path(app: &tauri::App, options: &Options) -> Result<PathBuf, ApiError> {
    if let Some(path) = &options.db {
        return Ok(path.clone());
    }
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dir = app.path().app_data_dir().map_err(|e| {
        api_error("database_location", format!("cannot find the app data folder ({e}): start the app with --db PATH"))
    })?;
    // Readable by this user only (docs/security.md).
    carers_desk::files::create_dir_private(&dir).map_err(|e| {
        api_error(
            "database_location",
            format!("cannot create the folder {} ({e}): start the app with --db PATH", dir.display()),
        )
    })?;
    Ok(dir.join(DB_FILE))
}

/// `--demo-data`: a new file becomes a demo organisation; an existing demo database is signed
/// in to as its administrator. Any other database is left locked.
fn start_demo(desk: &Desk, new_file: bool) -> Result<(), ApiError> {
    if new_file {
        let created = desk.setup_demo(chrono::Local::now().date_naive(), None, None)?;
        eprintln!("carers-desk: demo organisation set up: {created}");
        Ok(())
    } else {
        desk.sign_in_demo()
    }
}

fn open_desk(app: &tauri::App, options: &Options) -> Result<Desk, ApiError> {
    let path = database_path(app, options)?;
    eprintln!("carers-desk: database {}", path.display());
    let new_file = !path.exists();
    let desk = Desk::open(&path)?;
    // The register is checked in the background at each sign-in: the window opens at once.
    desk.check_on_sign_in();
    if options.demo_data {
        if let Err(error) = start_demo(&desk, new_file) {
            // The database itself is fine; the window opens at the sign-in screen.
            eprintln!("carers-desk: demo data: {}: {}", error.code, error.message);
        }
    }
    Ok(desk)
}

/// The name the single-instance plugin claims (a D-Bus name on Linux): the app's identifier
/// for the default database, and one per file for a database chosen with `--db` or
/// `CARERS_DESK_DB`, so a second start on the same file hands over to the first while windows
/// on other files (a training copy, the end-to-end tests) run side by side. (Windows and
/// macOS allow one instance of the app whatever the file.)
fn instance_id(identifier: &str, options: &Options) -> String {
    let chosen = options.db.clone().or_else(|| std::env::var_os(DB_ENV).filter(|p| !p.is_empty()).map(PathBuf::from));
    let Some(path) = chosen else { return identifier.to_string() };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    absolute_path(&path).hash(&mut hasher);
    // A D-Bus name's parts may not start with a digit: "db" first.
    format!("{identifier}.db{:016x}", hasher.finish())
}

/// The file's absolute path with its folder's symbolic links resolved (the file itself may
/// not exist yet).
fn absolute_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)).unwrap_or(absolute),
        _ => absolute,
    }
}

/// The app was started again on this database: show this window instead.
fn show_main_window(app: &tauri::AppHandle) {
    eprintln!("carers-desk: started again on the same database: showing the open window");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Whether the page has changes that are not saved (the window says so as they come and go).
/// Closing the window then asks the page first (`close-requested`); it closes with `window_close`.
static UNSAVED: AtomicBool = AtomicBool::new(false);

/// The page has, or no longer has, changes that are not saved.
#[tauri::command]
fn window_unsaved(unsaved: bool) {
    UNSAVED.store(unsaved, Ordering::SeqCst);
}

/// The person chose to close the window without saving.
#[tauri::command]
fn window_close(window: tauri::WebviewWindow) {
    UNSAVED.store(false, Ordering::SeqCst);
    let _ = window.close();
}

/// The window opens inside the screen: when the screen (less the task bar) is smaller than the
/// window, it is maximised; when a remembered position is off the screen (a monitor unplugged),
/// it is centred.
fn fit_to_screen(window: &tauri::WebviewWindow) {
    let Ok(Some(monitor)) = window.current_monitor().or_else(|_| window.primary_monitor()) else { return };
    let area = monitor.work_area();
    let (Ok(size), Ok(position)) = (window.outer_size(), window.outer_position()) else { return };
    if size.width > area.size.width || size.height > area.size.height {
        // The whole work area first (a desktop without a window manager cannot maximise).
        let _ = window.set_position(tauri::PhysicalPosition::new(area.position.x, area.position.y));
        let _ = window.set_size(tauri::PhysicalSize::new(area.size.width, area.size.height));
        let _ = window.maximize();
        return;
    }
    let inside = position.x >= area.position.x
        && position.y >= area.position.y
        && position.x + size.width as i32 <= area.position.x + area.size.width as i32
        && position.y + size.height as i32 <= area.position.y + area.size.height as i32;
    if !inside {
        let _ = window.center();
    }
}

/// The day's backup (`backup_auto`) when the window closes, if someone is signed in: once per
/// run, and the close waits for it (a second or two for a large register).
fn backup_on_close(app: &tauri::AppHandle) {
    static DONE: AtomicBool = AtomicBool::new(false);
    if DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let state = app.state::<DeskState>();
    let Ok(desk) = state.desk() else { return };
    if desk.session().is_none() {
        return;
    }
    match desk.call(&today_context(), "backup_auto", json!({})) {
        Ok(done) if done["made"] == true => eprintln!("carers-desk: backed up on close to {}", done["backup"]["path"]),
        Ok(done) => {
            eprintln!("carers-desk: no backup needed on close: {}", done["reason"].as_str().unwrap_or_default())
        }
        // Reporting and school staff accounts do not make backups; a failure must not keep
        // the window open.
        Err(error) => eprintln!("carers-desk: no backup on close: {}: {}", error.code, error.message),
    }
}

/// Linux: with NVIDIA's own driver, WebKitGTK's DMA-BUF renderer draws a blank window (the most
/// reported Linux problem in Tauri's issues), so there it is off unless the user chose. It is
/// not turned off everywhere: with it off, WebKitGTK 2.50 on Debian 12 under Xvfb stopped
/// drawing after an import (docs/packaging.md).
#[cfg(target_os = "linux")]
fn webkit_defaults() {
    const DMABUF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    let nvidia_driver = Path::new("/proc/driver/nvidia/version").exists();
    if nvidia_driver && std::env::var_os(DMABUF).is_none() {
        // First thing in `main`, before any other thread exists.
        std::env::set_var(DMABUF, "1");
        eprintln!("carers-desk: NVIDIA driver: {DMABUF}=1 (start with {DMABUF}=0 to use WebKitGTK's DMA-BUF renderer)");
    }
}

/// Says why the window cannot open where someone will see it: a message box on Windows (a
/// release build there has no console), standard error elsewhere; then exits.
fn cannot_start(message: &str) -> ! {
    eprintln!("carers-desk: {message}");
    #[cfg(windows)]
    {
        use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONERROR, MB_OK};
        let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
        let (text, caption) = (wide(message), wide("Carers Desk cannot start"));
        // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner window.
        unsafe { MessageBoxW(std::ptr::null_mut(), text.as_ptr(), caption.as_ptr(), MB_OK | MB_ICONERROR) };
    }
    std::process::exit(1)
}

/// The window is drawn by the system's web view: on Windows the Microsoft Edge WebView2
/// Runtime, which Windows 11 has and most Windows 10 PCs get with Edge. Without it no window
/// can open at all, so say what to install.
fn check_webview() {
    if let Err(e) = tauri::webview_version() {
        let what = if cfg!(windows) {
            "the Microsoft Edge WebView2 Runtime, which draws its window, is not installed on this computer. \
             Install the Evergreen WebView2 Runtime from Microsoft (search the web for \"WebView2 Runtime download\"), \
             or ask your IT support to, then start Carers Desk again"
        } else {
            "WebKitGTK 4.1, which draws its window, could not be found: install the package libwebkit2gtk-4.1-0"
        };
        cannot_start(&format!("Carers Desk cannot open its window: {what}. ({e})"));
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    webkit_defaults();
    check_webview();
    let options = Options::parse(std::env::args().skip(1));
    let context = tauri::generate_context!();
    let single_instance = tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(&context.config().identifier, &options))
        .callback(|app, _args, _cwd| show_main_window(app))
        .build();
    tauri::Builder::default()
        // First, so that a second start exits before anything else runs (it never opens the
        // database).
        .plugin(single_instance)
        // Printing a plan: the save dialog (where the PDF goes) and the system viewer (to open
        // it). The window may use only what src-tauri/capabilities/default.json grants.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        // Size, position and maximised state are kept between runs (in the app's config folder).
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(DeskState::default())
        .invoke_handler(tauri::generate_handler![call, call_progress, window_unsaved, window_close])
        .setup(move |app| {
            if let Some(window) = app.get_webview_window("main") {
                fit_to_screen(&window);
            }
            let opened = open_desk(app, &options);
            if let Err(error) = &opened {
                eprintln!("carers-desk: cannot open the database: {}: {}", error.code, error.message);
            }
            // Set once, here; nothing else writes it.
            let _ = app.state::<DeskState>().0.set(opened);
            Ok(())
        })
        .on_window_event(|window, event| {
            // Kept as it changes, so a window that is ended rather than closed (the computer shut
            // down, the process stopped) still opens where it was left.
            if let tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) = event {
                if window.label() == "main" {
                    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
                    let _ = window.app_handle().save_window_state(StateFlags::default());
                }
            }
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == "main" {
                    // Unsaved changes: the page asks first, and closes with `window_close`.
                    if UNSAVED.load(Ordering::SeqCst) {
                        api.prevent_close();
                        let _ = window.emit("close-requested", ());
                        return;
                    }
                    backup_on_close(window.app_handle());
                }
            }
        })
        .build(context)
        .unwrap_or_else(|e| cannot_start(&format!("Carers Desk could not open its window ({e}).")))
        .run(|app, event| {
            // Also when the app is asked to quit some other way than closing the window.
            if let tauri::RunEvent::ExitRequested { .. } = event {
                backup_on_close(app);
            }
            // Last: sign out, checkpoint and close, so no -wal is left with data in it.
            if let tauri::RunEvent::Exit = event {
                if let Ok(desk) = app.state::<DeskState>().desk() {
                    if let Err(error) = desk.close() {
                        eprintln!("carers-desk: closing the register: {}: {}", error.code, error.message);
                    }
                }
            }
        });
}
