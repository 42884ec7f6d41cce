//! `carers-desk-cli`: the command line over the same command layer as the window.
//!
//! ```text
//! carers-desk-cli --db carers.sqlite3 init --admin amy --name "Amy Shah" --organisation "Havering Carers Hub"
//! carers-desk-cli --db demo.sqlite3 demo-data --carers 5000 --seed 7
//! carers-desk-cli --db carers.sqlite3 --user amy audit verify
//! carers-desk-cli --db carers.sqlite3 --user amy backup [--to /media/usb/backups]
//! carers-desk-cli --db carers.sqlite3 --user amy verify carers-desk-backup-20261123-140509.sqlite3
//! carers-desk-cli --db carers.sqlite3 --user amy restore carers-desk-backup-20261123-140509.sqlite3
//! carers-desk-cli --db carers.sqlite3 --user amy export --to /media/usb
//! carers-desk-cli commands
//! carers-desk-cli --db carers.sqlite3 call carer_search '{"query": "smi"}'
//! carers-desk-cli --db carers.sqlite3 print plan 12 --out plan.pdf [--contingency]
//! carers-desk-cli --db carers.sqlite3 print passports --from 2026-11-01 --to 2026-11-30 --stock c32011 --out cards.pdf
//! carers-desk-cli --db carers.sqlite3 print passports --number CP-000012-X --single --out card.pdf
//! carers-desk-cli --db carers.sqlite3 print calibration --stock c32011 --out calibration.pdf
//! carers-desk-cli --db carers.sqlite3 import carers carers.xlsx --mapping mapping.json --dry-run
//! carers-desk-cli --db carers.sqlite3 report --from 2026-07-01 --to 2026-09-30 --format pdf --out q2.pdf
//! ```
//!
//! Every database is encrypted (docs/security.md). Each run signs in as `--user` (or
//! `$CARERS_DESK_USER`) with the passphrase in `$CARERS_DESK_PASSPHRASE`, or typed at the
//! prompt (not echoed) when that is not set. `init` sets up a new database (or encrypts an old
//! unencrypted one) and prints its recovery key once. `demo-data` on a new file makes a demo
//! organisation whose accounts are listed in docs/security.md.
//!
//! Long prints (`print passports`) report progress on standard error.
//!
//! `verify` exits 1 when the backup is damaged or cannot be opened. `restore` (docs/backups.md)
//! is for an administrator signed in to the database (`--user`), or for the organisation's
//! recovery key (`--recovery-key`): for a backup made before the key was last changed, or when
//! the database or its key file is lost. Staff accounts and keys stay as the database has them
//! now. The replaced database is always kept aside.
//!
//! `call` prints the JSON result (exit 0) or the JSON error `{code, message, field, errors}`
//! (exit 1). Usage mistakes exit 2.
//!
//! `--server https://host:port` (or `$CARERS_DESK_SERVER`) sends the commands to the
//! organisation's server (docs/server.md) instead of opening a database here: the same
//! commands, signed in as `--user` on the server. The first connection shows the server's
//! certificate fingerprint to compare with the one the server printed, and pins it once
//! accepted (`--fingerprint` gives it up front, for scripts).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use carers_desk::remote::{self, ServerUrl};
use carers_desk::{commands, ApiError, Context, Desk};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "carers-desk-cli",
    version,
    about = "Carers Desk from the command line: set up, load demo data, and run any app command"
)]
struct Cli {
    /// The database file. Defaults to $CARERS_DESK_DB.
    #[arg(long, global = true, env = "CARERS_DESK_DB")]
    db: Option<PathBuf>,
    /// Run as if today were this date (YYYY-MM-DD or DD/MM/YYYY), for scripts and tests.
    #[arg(long, global = true)]
    today: Option<String>,
    /// The staff account to sign in as. Defaults to $CARERS_DESK_USER. The passphrase comes
    /// from $CARERS_DESK_PASSPHRASE, or is asked for.
    #[arg(long, global = true, env = "CARERS_DESK_USER")]
    user: Option<String>,
    /// The organisation's Carers Desk server (https://host:port) to send the commands to,
    /// instead of a database on this computer. Defaults to $CARERS_DESK_SERVER.
    #[arg(long, global = true, env = "CARERS_DESK_SERVER", conflicts_with = "db")]
    server: Option<String>,
    /// The server certificate's SHA-256 fingerprint, as the server printed it: pinned without
    /// asking (for scripts). Without it the first connection shows the fingerprint to compare.
    #[arg(long, global = true, requires = "server")]
    fingerprint: Option<String>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Set up a new organisation: an encrypted database and its first administrator (an old
    /// unencrypted database at --db is encrypted). Prints the recovery key: write it down.
    Init {
        /// The administrator's username.
        #[arg(long)]
        admin: String,
        /// The administrator's name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Add deterministic made-up carers, cared-for people and notes. On a new database file,
    /// sets up a demo organisation with the demo accounts (no sign-in needed).
    DemoData {
        #[arg(long, default_value_t = 300)]
        carers: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// List every command with its arguments (JSON Schema), as JSON.
    Commands,
    /// Print a document to PDF.
    Print {
        #[command(subcommand)]
        what: PrintWhat,
    },
    /// Run one command with JSON arguments ('-' reads them from standard input).
    Call {
        command: String,
        #[arg(default_value = "{}")]
        args: String,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Back up the database now (encrypted, checked), into the backup folder from Settings.
    Backup {
        /// Another folder for this backup (the newest backups there are kept, as many as Settings says).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Check a backup: exit 0 when it opens with this database's key and is intact, 1 when not.
    Verify { file: PathBuf },
    /// Replace the database with a backup (an administrator, or the recovery key); the replaced
    /// database is kept aside beside it.
    Restore {
        file: PathBuf,
        /// Use the organisation's recovery key (typed at the prompt, or $CARERS_DESK_RECOVERY_KEY):
        /// for a backup made before the key was last changed, or when nobody can sign in (the
        /// database or its key file lost).
        #[arg(long)]
        recovery_key: bool,
    },
    /// Export the whole register (administrators): a new folder inside --to with a CSV file
    /// per table, register.json, data-dictionary.csv and the pictures. Not encrypted.
    Export {
        /// An existing folder to write the export folder into.
        #[arg(long)]
        to: PathBuf,
    },
    /// Import from a spreadsheet (docs/import.md).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The monitoring report for a period (docs/reports.md), exported as CSV files (--out is
    /// a folder), a PDF or JSON; small numbers are shown as <5 if Settings says so.
    Report {
        /// The first day (YYYY-MM-DD or DD/MM/YYYY).
        #[arg(long)]
        from: String,
        /// The last day, included.
        #[arg(long)]
        to: String,
        /// csv, pdf or json.
        #[arg(long)]
        format: String,
        /// The file (pdf, json) or folder (csv) to write.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Carers (and the people they care for) from a .csv, .xlsx, .xls or .ods file: --dry-run
    /// prints what would happen (exit 1 when rows have problems); --commit imports every row,
    /// or nothing when any row has a problem.
    Carers {
        file: PathBuf,
        /// The mapping (JSON: columns, date_format, values), as docs/import.md describes.
        #[arg(long)]
        mapping: PathBuf,
        /// The workbook's sheet (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        #[arg(long, required_unless_present = "commit", conflicts_with = "commit")]
        dry_run: bool,
        #[arg(long)]
        commit: bool,
        /// With --commit: leave out rows that look like carers already registered.
        #[arg(long)]
        skip_duplicates: bool,
    },
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check the hash chain and compare it with the anchors kept outside the register (its
    /// anchor file, the backups, and any --anchor): exit 0 when every entry is intact and
    /// matches, 1 when one was changed or removed.
    Verify {
        /// An anchor kept elsewhere: a backup, a register export folder, a subject access or
        /// report .json, an audit trail .csv, an anchor file, or ENTRY:FINGERPRINT as printed
        /// on a report (for example 1234:3f2a9c01b7e45d60). Repeat for more.
        #[arg(long)]
        anchor: Vec<String>,
    },
}

#[derive(Subcommand)]
enum PrintWhat {
    /// A support plan version (its id, as `plan_get` takes), or its contingency plan alone.
    Plan {
        id: i64,
        /// The PDF file to write.
        #[arg(long)]
        out: PathBuf,
        /// Print only the contingency (emergency) plan.
        #[arg(long)]
        contingency: bool,
    },
    /// Passport cards: those issued in a date range, or chosen by number; 10-up sheets of card
    /// stock (backs on the next page for long-edge duplex), or one card per page.
    Passports {
        /// Issued on or after this date (YYYY-MM-DD or DD/MM/YYYY).
        #[arg(long, required_unless_present = "number")]
        from: Option<String>,
        /// Issued on or before this date.
        #[arg(long, required_unless_present = "number")]
        to: Option<String>,
        /// These passports instead of a date range (repeat for more).
        #[arg(long, conflicts_with_all = ["from", "to"])]
        number: Vec<String>,
        /// Only this type: community, hospital, workplace or young_carer.
        #[arg(long)]
        kind: Option<String>,
        /// The card stock (c32011 or l7414); default: the one in Settings.
        #[arg(long)]
        stock: Option<String>,
        /// One card per page at ID-1 size, for a card printer.
        #[arg(long, conflicts_with = "stock")]
        single: bool,
        /// No crop marks on sheets.
        #[arg(long)]
        no_crop_marks: bool,
        /// The PDF file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// A calibration sheet for a card stock, to measure the printer's offset.
    Calibration {
        #[arg(long)]
        stock: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

/// The ids of passports given by number (each looked up; an unknown number is an error).
fn passport_ids(desk: &Target, ctx: &Context, numbers: &[String]) -> Result<Vec<i64>, ApiError> {
    numbers
        .iter()
        .map(|n| {
            let found = desk.call(ctx, "passport_lookup", serde_json::json!({ "text": n }))?;
            found["passport"]["id"].as_i64().ok_or_else(|| ApiError {
                code: "not_found".into(),
                message: found["message"].as_str().unwrap_or("no such passport").to_string(),
                field: Some("number".into()),
                errors: Vec::new(),
            })
        })
        .collect()
}

/// Shows progress on standard error, on one line rewritten as it goes (large batches only).
fn progress_on_stderr(done: u64, total: u64) {
    use std::io::Write;
    if total >= 20 {
        let _ = write!(std::io::stderr(), "\rprinting cards: {done} of {total}");
        if done == total {
            let _ = writeln!(std::io::stderr());
        }
    }
}

/// Import progress on standard error (rows checked, then written).
fn import_progress(done: u64, total: u64) {
    use std::io::Write;
    let _ = write!(std::io::stderr(), "\rimporting: {done} of {total}");
    if done == total {
        let _ = writeln!(std::io::stderr());
    }
}

/// The dry run, for people: counts, every problem listed, likely duplicates, the first rows.
fn print_import_report(r: &serde_json::Value) {
    use std::io::Write;
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut out = String::new();
    out.push_str(&format!("{} rows to import ({} empty rows skipped)\n", n("rows"), n("empty_rows")));
    out.push_str(&format!(
        "{} carers would be created, {} with a cared-for person\n",
        n("will_create"),
        n("cared_for_will_create")
    ));
    if n("errors_total") > 0 {
        out.push_str(&format!(
            "\n{} problems in {} rows (nothing can be imported until they are fixed):\n",
            n("errors_total"),
            n("rows_with_errors")
        ));
        for e in r["errors"].as_array().into_iter().flatten() {
            out.push_str(&format!("  row {}, {}: {}\n", e["row"], s(&e["column"]), s(&e["message"])));
        }
    }
    if n("duplicates_total") > 0 {
        out.push_str(&format!("\n{} rows look like carers already known:\n", n("duplicates_total")));
        for d in r["duplicates"].as_array().into_iter().flatten() {
            let matches: Vec<String> = d["matches"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| match s(&m["reason"]).as_str() {
                    "earlier_row" => format!("row {} of this file", m["row"]),
                    "nhs_number" => format!("{} {} (same NHS number)", s(&m["reference"]), s(&m["name"])),
                    _ => format!("{} {} (same name and date of birth)", s(&m["reference"]), s(&m["name"])),
                })
                .collect();
            out.push_str(&format!("  row {}, {}: {}\n", d["row"], s(&d["name"]), matches.join("; ")));
        }
    }
    let preview = r["preview"].as_array().cloned().unwrap_or_default();
    if !preview.is_empty() {
        out.push_str("\nFirst rows to be created:\n");
        for p in preview {
            let mut line = format!(
                "  row {}: {}, born {}",
                p["row"],
                s(&p["name"]),
                carers_desk::dates::uk_text(&s(&p["date_of_birth"]))
            );
            if !p["postcode"].is_null() {
                line.push_str(&format!(", {}", s(&p["postcode"])));
            }
            if !p["cared_for"].is_null() {
                line.push_str(&format!(", cares for {}", s(&p["cared_for"])));
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    let _ = write!(std::io::stdout(), "{out}");
}

fn print(v: &serde_json::Value) {
    use std::io::Write;
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(v).expect("JSON prints"));
}

fn fail(e: ApiError) -> ExitCode {
    print(&serde_json::to_value(&e).expect("errors serialise"));
    ExitCode::from(1)
}

fn usage(message: &str) -> ExitCode {
    eprintln!("carers-desk-cli: {message}");
    ExitCode::from(2)
}

const PASSPHRASE_ENV: &str = "CARERS_DESK_PASSPHRASE";
const RECOVERY_ENV: &str = "CARERS_DESK_RECOVERY_KEY";

/// The passphrase: from the environment, else typed at the terminal (not echoed).
fn passphrase(prompt: &str) -> Result<String, String> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(p);
    }
    rpassword::prompt_password(prompt)
        .map_err(|e| format!("could not read a passphrase ({e}): set {PASSPHRASE_ENV} when no one is at the keyboard"))
}

/// Where the commands run: a database on this computer, or the organisation's server.
enum Target {
    Local(Box<Desk>),
    Server(remote::Client),
}

impl Target {
    fn call(&self, ctx: &Context, command: &str, args: serde_json::Value) -> Result<serde_json::Value, ApiError> {
        match self {
            Target::Local(desk) => desk.call(ctx, command, args),
            Target::Server(client) => client.call(command, args),
        }
    }

    fn call_with_progress(
        &self,
        ctx: &Context,
        command: &str,
        args: serde_json::Value,
        progress: carers_desk::context::Progress<'_>,
    ) -> Result<serde_json::Value, ApiError> {
        match self {
            Target::Local(desk) => desk.call_with_progress(ctx, command, args, progress),
            Target::Server(client) => client.call(command, args),
        }
    }
}

/// Connects to the server at `url`, trusting its certificate by fingerprint: the one given,
/// the one pinned on this computer, or (first connection) the one shown, once the user has
/// compared it and said yes.
fn connect(url: &str, fingerprint: Option<&str>) -> Result<remote::Client, ExitCode> {
    let url = ServerUrl::parse(url).map_err(fail)?;
    let pins = remote::Pins::for_user().map_err(fail)?;
    let pin = match (fingerprint, pins.get(&url)) {
        (Some(given), _) => {
            let given = remote::normalise_fingerprint(given);
            pins.put(&url, &given).map_err(fail)?;
            given
        }
        (None, Some(pinned)) => pinned,
        (None, None) => {
            let seen = remote::probe(&url).map_err(fail)?;
            eprintln!(
                "This is the first connection to {} from this account. Its certificate's SHA-256 fingerprint is\n\n    {seen}\n\nCompare it with the fingerprint the server printed when it started.",
                url.key()
            );
            if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(usage(&format!(
                    "not connected: once you have compared the fingerprint, run again with --fingerprint {seen}"
                )));
            }
            eprint!("Is it the same? Type yes to trust this server: ");
            let mut answer = String::new();
            let _ = std::io::stdin().read_line(&mut answer);
            if !answer.trim().eq_ignore_ascii_case("yes") {
                return Err(usage("not connected: the server's fingerprint was not accepted"));
            }
            pins.put(&url, &seen).map_err(fail)?;
            seen
        }
    };
    remote::Client::new(url, &pin).map_err(fail)
}

/// Signs in to the server as `--user`.
fn sign_in_remote(client: &remote::Client, user: Option<&str>) -> Result<(), ExitCode> {
    let Some(user) = user else {
        return Err(usage("say which staff account to sign in as with --user NAME (or set CARERS_DESK_USER)"));
    };
    let passphrase =
        passphrase(&format!("passphrase for {user} on {}: ", client.url().key())).map_err(|e| usage(&e))?;
    client
        .call("session_unlock", serde_json::json!({ "username": user, "passphrase": passphrase }))
        .map(|_| ())
        .map_err(fail)
}

/// Signs in as `--user`.
fn sign_in(desk: &Desk, ctx: &Context, user: Option<&str>) -> Result<(), ExitCode> {
    let Some(user) = user else {
        return Err(usage("say which staff account to sign in as with --user NAME (or set CARERS_DESK_USER)"));
    };
    let passphrase = passphrase(&format!("passphrase for {user}: ")).map_err(|e| usage(&e))?;
    desk.call(ctx, "session_unlock", serde_json::json!({ "username": user, "passphrase": passphrase }))
        .map(|_| ())
        .map_err(fail)
}

/// `init`: sets up the organisation and prints the recovery key.
fn init(
    desk: &Desk,
    ctx: &Context,
    admin: &str,
    name: &str,
    organisation: Option<&str>,
) -> Result<serde_json::Value, ApiError> {
    let first = passphrase(&format!("choose a passphrase for {admin} (at least 10 characters): "))
        .map_err(|m| ApiError { code: "usage".into(), message: m, field: None, errors: Vec::new() })?;
    let again = if std::env::var(PASSPHRASE_ENV).is_ok() {
        first.clone()
    } else {
        passphrase("type it again: ").map_err(|m| ApiError {
            code: "usage".into(),
            message: m,
            field: None,
            errors: Vec::new(),
        })?
    };
    let begun = desk.call(ctx, "session_setup_begin", serde_json::json!({}))?;
    let key = begun["recovery_key"].as_str().unwrap_or_default().to_string();
    let check: serde_json::Map<String, serde_json::Value> = begun["check_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_u64())
        .map(|g| (g.to_string(), serde_json::json!(key.split('-').nth(g as usize - 1).unwrap_or_default())))
        .collect();
    let status = desk.call(
        ctx,
        "session_setup_finish",
        serde_json::json!({
            "organisation": organisation, "username": admin, "name": name,
            "passphrase": first, "passphrase_again": again, "recovery_check": check,
        }),
    )?;
    eprintln!("\nRECOVERY KEY (shown once: write it down and keep it away from this computer):\n\n    {key}\n");
    eprintln!("With it an administrator can set a new passphrase if theirs is forgotten.\n");
    Ok(status)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = match cli.today.as_deref() {
        Some(t) => match carers_desk::dates::parse("today", t) {
            Ok(d) => d,
            Err(e) => return usage(&e.to_string()),
        },
        None => chrono::Local::now().date_naive(),
    };
    let ctx = Context::cli(today);
    if let Cmd::Commands = cli.command {
        print(&commands::describe());
        return ExitCode::SUCCESS;
    }
    if let Some(server) = cli.server.as_deref() {
        if matches!(cli.command, Cmd::Init { .. } | Cmd::DemoData { .. } | Cmd::Restore { .. }) {
            return usage(
                "init, demo-data and restore are done on the server computer itself, with --db (docs/server.md)",
            );
        }
        let client = match connect(server, cli.fingerprint.as_deref()) {
            Ok(c) => c,
            Err(code) => return code,
        };
        if let Err(code) = sign_in_remote(&client, cli.user.as_deref()) {
            return code;
        }
        let target = Target::Server(client);
        let code = run(&target, &ctx, cli.command);
        if let Target::Server(client) = &target {
            let _ = client.call("session_sign_out", serde_json::json!({}));
        }
        return code;
    }
    let Some(db) = cli.db else {
        return usage(
            "say which database to use with --db PATH, or which server with --server URL (or set CARERS_DESK_DB)",
        );
    };
    if let Cmd::Restore { file, recovery_key } = &cli.command {
        return restore(&db, file, &ctx, cli.user.as_deref(), *recovery_key);
    }
    let new_file = !db.exists();
    let desk = match Desk::open(&db) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let result = match cli.command {
        Cmd::Commands => unreachable!("handled above"),
        Cmd::Init { admin, name, organisation } => init(&desk, &ctx, &admin, &name, organisation.as_deref()),
        Cmd::DemoData { carers, seed } if new_file => desk.setup_demo(today, Some(carers), Some(seed)),
        // A demo database: no sign-in needed to add more made-up carers.
        Cmd::DemoData { carers, seed } if cli.user.is_none() && desk.sign_in_demo().is_ok() => {
            desk.call(&ctx, "demo_data_load", serde_json::json!({ "carers": carers, "seed": seed }))
        }
        command => {
            if let Err(code) = sign_in(&desk, &ctx, cli.user.as_deref()) {
                return code;
            }
            let target = Target::Local(Box::new(desk));
            let code = run(&target, &ctx, command);
            // Signed out (audited), the write-ahead log checkpointed into the file and emptied,
            // and closed: as the window does when it exits.
            if let Target::Local(desk) = &target {
                if let Err(e) = desk.close() {
                    eprintln!("carers-desk-cli: the register was not closed cleanly: {}", e.message);
                }
            }
            return code;
        }
    };
    if let Err(e) = desk.close() {
        eprintln!("carers-desk-cli: the register was not closed cleanly: {}", e.message);
    }
    match result {
        Ok(v) => {
            print(&v);
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Runs a command once signed in.
// Long: one arm per command-line subcommand, each a line or two.
fn run(desk: &Target, ctx: &Context, command: Cmd) -> ExitCode {
    let ctx = ctx.clone();
    let result = match command {
        Cmd::Commands | Cmd::Init { .. } | Cmd::Restore { .. } => unreachable!("handled before signing in"),
        Cmd::DemoData { carers, seed } => {
            desk.call(&ctx, "demo_data_load", serde_json::json!({ "carers": carers, "seed": seed }))
        }
        Cmd::Audit { what: AuditWhat::Verify { anchor } } => {
            let mut files = Vec::new();
            let mut typed = Vec::new();
            for a in anchor {
                match a.split_once(':').filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()) {
                    Some((entry, hash)) => typed.push(serde_json::json!({
                        "entry": entry.parse::<i64>().unwrap_or(0),
                        "hash": hash.replace(' ', ""),
                        "source": format!("--anchor {a}"),
                    })),
                    None => files.push(std::path::absolute(&a).unwrap_or_else(|_| a.clone().into())),
                }
            }
            let args = serde_json::json!({ "anchors": typed, "files": files });
            desk.call(&ctx, "audit_verify", args).and_then(|v| match v["ok"].as_bool() {
                Some(true) => Ok(v),
                _ => Err(ApiError {
                    code: "audit_broken".into(),
                    message: v["message"].as_str().unwrap_or("the audit trail is broken").to_string(),
                    field: None,
                    errors: Vec::new(),
                }),
            })
        }
        Cmd::Backup { to } => desk.call(&ctx, "backup_now", serde_json::json!({ "folder": to })),
        Cmd::Export { to } => desk.call(&ctx, "register_export", serde_json::json!({ "folder": to })),
        Cmd::Verify { file } => match desk.call(&ctx, "backup_verify", serde_json::json!({ "path": file })) {
            Ok(v) => {
                print(&v);
                return if v["ok"] == true { ExitCode::SUCCESS } else { ExitCode::from(1) };
            }
            Err(e) => Err(e),
        },
        Cmd::Print { what: PrintWhat::Plan { id, out, contingency } } => desk.call(
            &ctx,
            "plan_print",
            serde_json::json!({ "id": id, "part": if contingency { "contingency" } else { "plan" }, "path": out }),
        ),
        Cmd::Print { what: PrintWhat::Passports { from, to, number, kind, stock, single, no_crop_marks, out } } => {
            let ids = match number.is_empty() {
                true => None,
                false => match passport_ids(desk, &ctx, &number) {
                    Ok(ids) => Some(ids),
                    Err(e) => return fail(e),
                },
            };
            let date = |name: &str, d: Option<String>| {
                d.map(|d| carers_desk::dates::parse(name, &d).map(carers_desk::dates::iso))
                    .transpose()
                    .map_err(|e| format!("--{name}: {e}"))
            };
            let (from, to) = match (date("from", from), date("to", to)) {
                (Ok(f), Ok(t)) => (f, t),
                (Err(e), _) | (_, Err(e)) => return usage(&e),
            };
            let mut args = serde_json::json!({
                "layout": if single { "single" } else { "sheet" },
                "path": out,
                "from": from,
                "to": to,
                "kind": kind,
                "stock": stock,
            });
            if let Some(ids) = ids {
                args["ids"] = serde_json::json!(ids);
            }
            if no_crop_marks {
                args["crop_marks"] = serde_json::json!(false);
            }
            desk.call_with_progress(&ctx, "passports_print", args, &progress_on_stderr)
        }
        Cmd::Report { from, to, format, out } => desk.call(
            &ctx,
            "report_export",
            serde_json::json!({ "from": from, "to": to, "format": format, "path": out }),
        ),
        Cmd::Import { what: ImportWhat::Carers { file, mapping, sheet, dry_run, commit: _, skip_duplicates } } => {
            let mapping = match std::fs::read_to_string(&mapping)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()))
            {
                Ok(m) => m,
                Err(e) => return usage(&format!("--mapping {}: could not read it as JSON ({e})", mapping.display())),
            };
            let path = std::path::absolute(&file).unwrap_or(file);
            let mut args = serde_json::json!({ "path": path, "sheet": sheet, "mapping": mapping });
            if dry_run {
                return match desk.call_with_progress(&ctx, "import_dry_run", args, &import_progress) {
                    Ok(report) => {
                        print_import_report(&report);
                        if report["errors_total"].as_u64().unwrap_or(0) > 0 {
                            ExitCode::from(1)
                        } else {
                            ExitCode::SUCCESS
                        }
                    }
                    Err(e) => fail(e),
                };
            }
            args["skip_duplicates"] = serde_json::json!(skip_duplicates);
            desk.call_with_progress(&ctx, "import_commit", args, &import_progress)
        }
        Cmd::Print { what: PrintWhat::Calibration { stock, out } } => {
            desk.call(&ctx, "passport_calibration_print", serde_json::json!({ "stock": stock, "path": out }))
        }
        Cmd::Call { command, args } => {
            let text = if args == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    return usage(&format!("could not read the arguments from standard input: {e}"));
                }
                s
            } else {
                args
            };
            match serde_json::from_str(&text) {
                Ok(v) => desk.call(&ctx, &command, v),
                Err(e) => {
                    return usage(&format!("the arguments are not valid JSON ({e}): for example '{{\"id\": 1}}'"))
                }
            }
        }
    };
    match result {
        Ok(v) => {
            print(&v);
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `restore FILE`: an administrator signed in to the database restores a backup made with its
/// key (`backup_restore`); with `--recovery-key`, the recovery key restores any of the
/// organisation's backups, with `--user` as that administrator or, nobody signed in, when the
/// database or its key file is lost. Never with the passphrase of a backup's own key file: an
/// old passphrase, or a switched-off account, must not bring an old register back.
fn restore(
    db: &std::path::Path,
    file: &std::path::Path,
    ctx: &Context,
    user: Option<&str>,
    with_recovery: bool,
) -> ExitCode {
    let recovery = if with_recovery {
        match std::env::var(RECOVERY_ENV) {
            Ok(k) => Some(k),
            Err(_) => match rpassword::prompt_password("the organisation's recovery key: ") {
                Ok(k) => Some(k),
                Err(e) => {
                    return usage(&format!(
                        "could not read the recovery key ({e}): set {RECOVERY_ENV} when no one is at the keyboard"
                    ))
                }
            },
        }
    } else {
        None
    };
    let result = match (user, recovery) {
        (Some(user), recovery) => {
            let desk = match Desk::open(db) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            let passphrase = match passphrase(&format!("passphrase for {user}: ")) {
                Ok(p) => p,
                Err(e) => return usage(&e),
            };
            desk.call(ctx, "session_unlock", serde_json::json!({ "username": user, "passphrase": passphrase }))
                .and_then(|_| {
                    desk.call(ctx, "backup_restore", serde_json::json!({ "path": file, "recovery_key": recovery }))
                })
                .map_err(|e| match e.code.as_str() {
                    "wrong_key" => carers_desk::ApiError {
                        message: format!("{}, or run restore again with --recovery-key", e.message),
                        ..e
                    },
                    _ => e,
                })
        }
        (None, Some(recovery)) => {
            carers_desk::session::restore_with_recovery_key(db, file, &recovery).map_err(carers_desk::ApiError::from)
        }
        (None, None) => {
            return usage(
                "say which administrator restores with --user NAME (or set CARERS_DESK_USER), or restore with --recovery-key",
            )
        }
    };
    match result {
        Ok(v) => {
            print(&v);
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
