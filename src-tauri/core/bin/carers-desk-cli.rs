//! `carers-desk-cli`: the command line over the same command layer as the window.
//!
//! ```text
//! carers-desk-cli --db carers.sqlite3 init
//! carers-desk-cli --db carers.sqlite3 demo-data --carers 5000 --seed 7
//! carers-desk-cli commands
//! carers-desk-cli --db carers.sqlite3 call carer_search '{"query": "smi"}'
//! carers-desk-cli --db carers.sqlite3 print plan 12 --out plan.pdf [--contingency]
//! ```
//!
//! `call` prints the JSON result (exit 0) or the JSON error `{code, message, field, errors}`
//! (exit 1). Usage mistakes exit 2.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

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
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create a database (or bring an existing one up to date).
    Init,
    /// Add deterministic made-up carers, cared-for people and notes.
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
    let Some(db) = cli.db else {
        return usage("say which database to use with --db PATH (or set CARERS_DESK_DB)");
    };
    let desk = match Desk::open(&db) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let result = match cli.command {
        Cmd::Commands => unreachable!("handled above"),
        Cmd::Init => desk.call(&ctx, "app_info", serde_json::json!({})),
        Cmd::DemoData { carers, seed } => {
            desk.call(&ctx, "demo_data_load", serde_json::json!({ "carers": carers, "seed": seed }))
        }
        Cmd::Print { what: PrintWhat::Plan { id, out, contingency } } => desk.call(
            &ctx,
            "plan_print",
            serde_json::json!({ "id": id, "part": if contingency { "contingency" } else { "plan" }, "path": out }),
        ),
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
