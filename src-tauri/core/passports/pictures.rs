//! Pictures: the holder's photo and the organisation's logo, read from a file and checked.

use rusqlite::{params, Connection};
use serde::Deserialize;

use super::card;
use super::issue::for_change;
use super::record::{load, Passport};
use crate::args::IdArgs;
use crate::context::{Ctx, Touched};
use crate::error::{Error, Result};
use crate::settings::{self, Settings};

/// Reads and checks an image file for a card (PNG or JPEG, not huge).
pub(crate) fn read_image(path: &str, what: &str) -> Result<(Vec<u8>, card::CardImage)> {
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::field("path", format!("choose the {what} file")));
    }
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::field("path", format!("cannot read {path} ({e}): choose the {what} file again")))?;
    if meta.len() > card::IMAGE_MAX_BYTES as u64 {
        return Err(Error::field(
            "path",
            format!(
                "the {what} is {:.1} MB: choose a PNG or JPEG of at most {} MB",
                meta.len() as f64 / 1_048_576.0,
                card::IMAGE_MAX_BYTES / 1_048_576
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::field("path", format!("cannot read {path} ({e}): choose the {what} file again")))?;
    let image = card::check_image(&bytes, what).map_err(|m| Error::field("path", m))?;
    Ok((bytes, image))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoArgs {
    pub id: i64,
    /// A PNG or JPEG file.
    pub path: String,
}

/// `passport_photo_set`: a photo of the holder for the front of the card.
pub fn photo_set(ctx: &mut Ctx<'_>, args: PhotoArgs) -> Result<Passport> {
    let p = for_change(ctx, args.id, |can| can.edit, "change")?;
    let (bytes, _) = read_image(&args.path, "photo")?;
    ctx.tx.execute(
        "UPDATE passports SET photo = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        params![p.id, bytes, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

/// `passport_photo_clear`.
pub fn photo_clear(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Passport> {
    let p = load(ctx.tx, args.id, ctx.today())?;
    ctx.tx.execute(
        "UPDATE passports SET photo = NULL, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![p.id, ctx.now(), ctx.actor().name],
    )?;
    ctx.touch(Touched::ChangedCarer(p.carer_id));
    load(ctx.tx, p.id, ctx.today())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoArgs {
    /// A PNG or JPEG file.
    pub path: String,
}

/// `card_logo_set`: the organisation's logo on the front of every card.
pub fn logo_set(ctx: &mut Ctx<'_>, args: LogoArgs) -> Result<Settings> {
    let (bytes, _) = read_image(&args.path, "logo")?;
    ctx.tx.execute("UPDATE settings SET card_logo = ?1 WHERE id = 1", [bytes])?;
    settings::load(ctx.tx)
}

/// `card_logo_clear`.
pub fn logo_clear(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<Settings> {
    ctx.tx.execute("UPDATE settings SET card_logo = NULL WHERE id = 1", [])?;
    settings::load(ctx.tx)
}

/// The stored logo, checked again (it was checked when set).
pub(crate) fn logo(conn: &Connection) -> Result<Option<card::CardImage>> {
    let bytes: Option<Vec<u8>> = conn.query_row("SELECT card_logo FROM settings WHERE id = 1", [], |r| r.get(0))?;
    Ok(bytes.and_then(|b| card::check_image(&b, "logo").ok()))
}
