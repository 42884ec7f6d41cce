//! Renew (same number, later date), reissue (lost or damaged: a new number) and revoke.

use rusqlite::params;
use serde::Deserialize;

use super::details::Stored;
use super::issue::{check_until, default_until, for_change, holder, insert, latest_until};
use super::record::{event, kind_of, load, Passport};
use crate::context::{Ctx, Touched};
use crate::dates::{self};
use crate::error::{Error, Result};
use crate::settings::{self};
use crate::validate::{self, Check};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewArgs {
    pub id: i64,
    /// Default: `passport_months` from the later of today and the current valid-until date
    /// (a young carer card: the 18th birthday).
    pub valid_until: Option<String>,
}

/// `passport_renew`: the same number, valid for longer. The card needs printing again.
pub fn renew(ctx: &mut Ctx<'_>, args: RenewArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.renew, "renew")?;
    let kind = kind_of(&p.kind);
    let h = holder(ctx.tx, p.carer_id)?;
    let old = dates::from_iso(&p.valid_until).unwrap_or(today);
    let latest = latest_until(kind, h.dob);
    if latest.is_some_and(|l| l <= old) {
        return Err(Error::field(
            "valid_until",
            "a young carer card ends at the 18th birthday and cannot be renewed past it: issue a carer passport instead",
        ));
    }
    let s = settings::load(ctx.tx)?;
    let mut c = Check::new("");
    let until = match c.date("valid_until", &args.valid_until) {
        Some(u) => Some(u),
        None if validate::blank(&args.valid_until) => Some(default_until(kind, old.max(today), h.dob, &s)),
        None => None,
    };
    if let Some(u) = until {
        if u <= old {
            c.fail("valid_until", format!("a renewal must run past the current valid-until date ({})", dates::uk(old)));
        }
        check_until(&mut c, u, dates::from_iso(&p.issued_on).unwrap_or(today), today, latest);
    }
    c.finish()?;
    let until = until.expect("checked");
    ctx.tx.execute(
        "UPDATE passports SET valid_until = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![p.id, dates::iso(until), ctx.now(), ctx.actor().name],
    )?;
    let note = format!("valid until {} (was {})", dates::uk(until), dates::uk(old));
    event(ctx, p.id, "renewed", today, Some(&note))?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, today)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueArgs {
    pub id: i64,
    /// `lost` or `damaged`.
    pub reason: String,
    pub note: Option<String>,
}

/// `passport_reissue`: a lost or damaged card gets a new number; the old one is replaced.
pub fn reissue(ctx: &mut Ctx<'_>, args: ReissueArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.reissue, "reissue")?;
    let mut c = Check::new("");
    let reason = args.reason.trim().to_lowercase();
    if !matches!(reason.as_str(), "lost" | "damaged") {
        c.fail("reason", "choose whether the card was lost or damaged");
    }
    let note = c.text("note", "Note", &args.note, 300);
    c.finish()?;
    let kind = kind_of(&p.kind);
    let until = dates::from_iso(&p.valid_until).unwrap_or(today);
    ctx.tx.execute(
        "UPDATE passports SET status = 'replaced', updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![p.id, ctx.now(), ctx.actor().name],
    )?;
    let id = insert(ctx, kind, p.carer_id, today, until, &Stored::of(&p))?;
    ctx.tx.execute(
        "UPDATE passports SET replaces_id = ?2, replace_reason = ?3, photo = (SELECT photo FROM passports WHERE id = ?2)
         WHERE id = ?1",
        params![id, p.id, reason],
    )?;
    let new_number: String = ctx.tx.query_row("SELECT number FROM passports WHERE id = ?1", [id], |r| r.get(0))?;
    let why = format!("card {reason}{}", note.as_deref().map(|n| format!(": {n}")).unwrap_or_default());
    event(ctx, p.id, "reissued", today, Some(&format!("{why}; replaced by {new_number}")))?;
    event(ctx, id, "issued", today, Some(&format!("replaces {} ({why})", p.number)))?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, id, today)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeArgs {
    pub id: i64,
    /// Why (for example "no longer caring", "issued in error").
    pub reason: String,
}

/// `passport_revoke`: the passport stops being valid at once.
pub fn revoke(ctx: &mut Ctx<'_>, args: RevokeArgs) -> Result<Passport> {
    let today = ctx.today();
    let p = for_change(ctx, args.id, |can| can.revoke, "revoke")?;
    let mut c = Check::new("");
    let reason = c.required("reason", "Reason", &Some(args.reason), 300);
    c.finish()?;
    ctx.tx.execute(
        "UPDATE passports SET status = 'revoked', revoked_on = ?2, revoked_reason = ?3, updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![p.id, dates::iso(today), reason, ctx.now(), ctx.actor().name],
    )?;
    event(ctx, p.id, "revoked", today, Some(&reason))?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, today)
}
