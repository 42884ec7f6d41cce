//! Commands about the app itself: version and database, choice lists, first-run setup.

use serde::{Deserialize, Serialize};

use crate::args::NoArgs;
use crate::context::Ctx;
use crate::demo::{self, DemoCounts};
use crate::error::{Error, Result};
use crate::settings::{self, Settings, SettingsInput};

/// How many made-up carers the first-run "load demo data" choice adds.
pub const FIRST_RUN_DEMO_CARERS: u32 = 300;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AppInfo {
    pub version: &'static str,
    pub schema_version: usize,
    /// Where this database is; `null` for an in-memory one.
    pub database_path: Option<String>,
}

pub fn info(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<AppInfo> {
    let path: Option<String> =
        ctx.tx.query_row("SELECT file FROM pragma_database_list WHERE name = 'main'", [], |r| r.get(0))?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        schema_version: crate::db::schema_version(),
        database_path: path.filter(|p| !p.is_empty()),
    })
}

pub fn options(_: &mut Ctx<'_>, _: NoArgs) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut all = crate::choices::all_options();
    all.extend(crate::plans::options());
    all.extend(crate::passports::options());
    Ok(all)
}

/// `settings_update`: changes the settings, then moves every live support plan's next review
/// to the review intervals just saved (the work lists read `review_due`, so it is kept in step
/// in the same transaction).
pub fn settings_update(ctx: &mut Ctx<'_>, input: SettingsInput) -> Result<Settings> {
    let saved = settings::update(ctx, input)?;
    crate::plans::recompute_review_dues(ctx.tx, &saved)?;
    Ok(saved)
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SetupStatus {
    /// True until someone chooses "start empty" or "load demo data" on a database with no carers.
    pub first_run: bool,
    pub carers: i64,
}

fn setup_done(ctx: &Ctx<'_>) -> Result<bool> {
    let n: i64 = ctx.tx.query_row("SELECT count(*) FROM meta WHERE key = 'setup_choice'", [], |r| r.get(0))?;
    Ok(n > 0)
}

pub fn status(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<SetupStatus> {
    let carers: i64 = ctx.tx.query_row("SELECT count(*) FROM carers", [], |r| r.get(0))?;
    Ok(SetupStatus { first_run: carers == 0 && !setup_done(ctx)?, carers })
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChooseArgs {
    /// `empty` or `demo`.
    pub choice: String,
    /// For `demo`: how many carers (default 300).
    pub carers: Option<u32>,
    /// For `demo`: the seed (default 1).
    pub seed: Option<u64>,
}

/// The first-run choice: start with an empty register, or load demo data.
pub fn choose(ctx: &mut Ctx<'_>, args: ChooseArgs) -> Result<DemoCounts> {
    if setup_done(ctx)? {
        return Err(Error::Conflict("this database has already been set up".into()));
    }
    let counts = match args.choice.as_str() {
        "empty" => DemoCounts::default(),
        "demo" => {
            let carers: i64 = ctx.tx.query_row("SELECT count(*) FROM carers", [], |r| r.get(0))?;
            if carers > 0 {
                return Err(Error::Conflict("demo data is only added to an empty register".into()));
            }
            demo::generate_with_plans(
                ctx,
                args.carers.unwrap_or(FIRST_RUN_DEMO_CARERS).clamp(1, 100_000),
                args.seed.unwrap_or(1),
            )?
        }
        other => {
            return Err(Error::field("choice", format!("choose \"empty\" or \"demo\" ('{other}' is not a choice)")));
        }
    };
    ctx.tx.execute("INSERT INTO meta (key, value) VALUES ('setup_choice', ?1)", [&args.choice])?;
    Ok(counts)
}
