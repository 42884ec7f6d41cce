//! Printing passports: what goes on a card (consent-aware), the on-screen preview, batch printing
//! to one PDF, and the calibration sheet. The drawing is [`super::card`]'s.
//!
//! Consent: the cared-for person's first name prints only when `show_cared_for_name` (consent
//! recorded to print it) is set, and the emergency contact only when
//! `emergency_contact_consent` is. Nothing else about the carer or the person they care for is
//! passed to the card, so nothing else can print.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use super::card::{self, Card, CardImage, Layout, PrintSetup};
use super::number::Kind;
use super::record::kind_of;
use super::{load, logo, select, Passport};
use crate::args::IdArgs;
use crate::card_stock::{self, Stock};
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::settings::{self, Settings};
use crate::validate::Check;

/// The "if found" wording when settings do not give one.
pub fn if_found(s: &Settings) -> String {
    if let Some(t) = &s.card_if_found {
        return t.clone();
    }
    let org = s.organisation_name.as_deref().unwrap_or("the carers service");
    match &s.phone {
        Some(phone) => format!("If found, please return it to {org} or call {phone}."),
        None => format!("If found, please return it to {org}."),
    }
}

/// The text in the QR code: the passport number (which `passport_lookup` finds in it) and the
/// organisation's phone.
pub fn qr_text(p: &Passport, s: &Settings) -> String {
    match &s.phone {
        Some(phone) => format!("{} {}\nCall {phone}", p.kind_label, p.number),
        None => format!("{} {}", p.kind_label, p.number),
    }
}

/// Why something recorded will not print (shown with the preview and after printing).
fn consent_warnings(p: &Passport) -> Vec<String> {
    let mut out = Vec::new();
    if p.cared_for_first_name.is_some() && !p.show_cared_for_name {
        out.push(format!("{}: the cared-for person's name is not printed (no consent recorded to print it)", p.number));
    }
    if p.emergency_contact_name.is_some() && !p.emergency_contact_consent {
        out.push(format!("{}: the emergency contact is not printed (no consent recorded to print it)", p.number));
    }
    out
}

/// The card for a passport: only what may be printed.
pub fn card_for(p: &Passport, s: &Settings, logo: Option<CardImage>, photo: Option<CardImage>) -> Card {
    let contact = p.emergency_contact_consent.then(|| {
        let name = p.emergency_contact_name.clone().unwrap_or_default();
        let relationship = p.emergency_contact_relationship.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        let phone = p.emergency_contact_phone.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
        format!("{name}{relationship}{phone}")
    });
    Card {
        kind: kind_of(&p.kind),
        title: p.card_title.clone(),
        organisation: s.organisation_name.clone().unwrap_or_else(|| "Carers service".into()),
        organisation_phone: s.phone.clone(),
        logo,
        holder_name: p.holder_name.clone(),
        number: p.number.clone(),
        valid_until: dates::from_iso(&p.valid_until).unwrap_or_default(),
        setting: p.setting.clone(),
        cared_for: if p.show_cared_for_name { p.cared_for_first_name.clone() } else { None },
        photo,
        asks: p.asks.clone(),
        emergency_contact: contact.filter(|c| !c.trim().is_empty()),
        if_found: if_found(s),
        qr_text: qr_text(p, s),
    }
}

fn photo(conn: &Connection, id: i64) -> Result<Option<CardImage>> {
    let bytes: Option<Vec<u8>> = conn.query_row("SELECT photo FROM passports WHERE id = ?1", [id], |r| r.get(0))?;
    Ok(bytes.and_then(|b| card::check_image(&b, "photo").ok()))
}

/// Characters in a card no font can print.
fn unprintable(c: &Card) -> Vec<String> {
    let text = [&c.holder_name, &c.organisation]
        .into_iter()
        .chain(c.setting.iter())
        .chain(c.cared_for.iter())
        .chain(c.asks.iter())
        .chain(c.emergency_contact.iter())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let chars = crate::pdf::unprintable(&text);
    if chars.is_empty() {
        return Vec::new();
    }
    let list: String = chars.iter().collect();
    vec![format!("{}: some characters cannot be printed and show as a box ({list}): check the spelling", c.number)]
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Preview {
    /// SVG markup of the front and the back, in millimetres.
    pub front_svg: String,
    pub back_svg: String,
    /// What is recorded but will not print, and why.
    pub warnings: Vec<String>,
}

/// `passport_preview`: the card as it will print.
pub fn preview(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Preview> {
    let p = load(ctx.tx, args.id, ctx.today())?;
    let s = settings::load(ctx.tx)?;
    let c = card_for(&p, &s, logo(ctx.tx)?, photo(ctx.tx, p.id)?);
    let (front_svg, back_svg) = card::preview_svg(&c);
    let mut warnings = consent_warnings(&p);
    warnings.extend(unprintable(&c));
    warnings.extend(card::fit_warnings(&c));
    if !p.can.print {
        warnings.insert(0, format!("{} is {}: it cannot be printed", p.number, p.status_label.to_lowercase()));
    }
    if s.phone.is_none() {
        warnings.push("the organisation's phone number is not in Settings, so the card cannot give it".into());
    }
    ctx.touch(Touched::ViewedCarer(p.carer_id));
    Ok(Preview { front_svg, back_svg, warnings })
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LayoutChoice {
    /// One card per page at ID-1 size, front then back: for card printers.
    Single,
    /// Ten to an A4 sheet of card stock, backs on the next page for long-edge duplex.
    #[default]
    Sheet,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintArgs {
    /// These passports (in this order). Otherwise all issued between `from` and `to`.
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
    /// Issued on or after (with `to`, when `ids` is not given).
    #[serde(default)]
    pub from: Option<String>,
    /// Issued on or before.
    #[serde(default)]
    pub to: Option<String>,
    /// Only this type (a passport type code).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub layout: LayoutChoice,
    /// A card stock code (default: the one in Settings).
    #[serde(default)]
    pub stock: Option<String>,
    /// Crop marks on sheets (default: Settings).
    #[serde(default)]
    pub crop_marks: Option<bool>,
    /// Where to write the PDF (replaced if it exists).
    pub path: PathBuf,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Printed {
    pub path: String,
    pub cards: usize,
    pub pages: usize,
    pub bytes: usize,
    /// Passports left out (not valid today) and what did not print, and why.
    pub warnings: Vec<String>,
}

fn chosen_stock(code: Option<&str>, s: &Settings) -> Result<Stock> {
    card_stock::parse("stock", code.unwrap_or(&s.card_stock))
}

/// The passports a print asks for, in order.
fn selection(ctx: &Ctx<'_>, args: &PrintArgs) -> Result<Vec<Passport>> {
    let today = ctx.today();
    let kind = match args.kind.as_deref().filter(|k| !k.trim().is_empty()) {
        Some(k) => Some(Kind::from_code(k).ok_or_else(|| Error::field("kind", "choose one of the passport types"))?),
        None => None,
    };
    let chosen = match &args.ids {
        Some(ids) if ids.is_empty() => return Err(Error::field("ids", "choose at least one passport to print")),
        Some(ids) => ids.iter().map(|&id| load(ctx.tx, id, today)).collect::<Result<Vec<_>>>()?,
        None => {
            let mut c = Check::new("");
            let from = c.date("from", &args.from);
            let to = c.date("to", &args.to);
            if args.from.is_none() {
                c.fail("from", "give the first issue date to print from");
            }
            if args.to.is_none() {
                c.fail("to", "give the last issue date to print to");
            }
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    c.fail("to", format!("the end date must be on or after the start date ({})", dates::uk(f)));
                }
            }
            c.finish()?;
            let (from, to) = (dates::iso(from.expect("checked")), dates::iso(to.expect("checked")));
            select(ctx.tx, "p.issued_on BETWEEN ?1 AND ?2", "p.issued_on, p.id", &[&from, &to], today)?
        }
    };
    Ok(chosen.into_iter().filter(|p| kind.is_none_or(|k| kind_of(&p.kind) == k)).collect())
}

/// `passports_print`: cards to one PDF, single (card printer) or on sheets of card stock.
/// Passports not valid today are left out and named. Reports progress as cards are drawn.
pub fn print(ctx: &mut Ctx<'_>, args: PrintArgs) -> Result<Printed> {
    let protected = crate::backup::protected(ctx)?;
    crate::pdf::check_path(&protected, &args.path)?;
    let s = settings::load(ctx.tx)?;
    let layout = match args.layout {
        LayoutChoice::Single => Layout::Single,
        LayoutChoice::Sheet => Layout::Sheet {
            stock: chosen_stock(args.stock.as_deref(), &s)?,
            crop_marks: args.crop_marks.unwrap_or(s.card_crop_marks),
        },
    };
    let chosen = selection(ctx, &args)?;
    let mut warnings = Vec::new();
    let (printable, skipped): (Vec<Passport>, Vec<Passport>) = chosen.into_iter().partition(|p| p.can.print);
    for p in &skipped {
        let why = if p.carer_closed && p.status == "active" { "the holder's record is closed" } else { &p.status };
        warnings.push(format!("{} ({}) is not printed: {why}", p.number, p.holder_name));
    }
    if printable.is_empty() {
        let field = if args.ids.is_some() { "ids" } else { "from" };
        let mut message = "there are no passports valid today to print".to_string();
        if args.ids.is_none() {
            message.push_str(" issued in those dates: choose other dates");
        }
        if !skipped.is_empty() {
            message.push_str(&format!(" ({} left out: {})", skipped.len(), warnings.join("; ")));
        }
        return Err(Error::field(field, message));
    }
    let logo = logo(ctx.tx)?;
    let mut cards = Vec::with_capacity(printable.len());
    for p in &printable {
        warnings.extend(consent_warnings(p));
        let photo = if p.has_photo { photo(ctx.tx, p.id)? } else { None };
        let c = card_for(p, &s, logo.clone(), photo);
        warnings.extend(unprintable(&c));
        cards.push(c);
    }
    let setup = PrintSetup {
        layout,
        offset_x_mm: s.printer_offset_x_mm as f32,
        offset_y_mm: s.printer_offset_y_mm as f32,
        title: match cards.len() {
            1 => format!("{} {}", printable[0].kind_label, printable[0].number),
            n => format!("Carer passports ({n} cards)"),
        },
        author: s.organisation_name.clone().unwrap_or_else(|| "Carers Desk".into()),
        created: chrono::Utc::now().naive_utc(),
    };
    let total = cards.len() as u64;
    ctx.progress(0, total);
    let printed = card::render(&cards, &setup, &mut |done, _| ctx.progress(done as u64, total))?;
    crate::pdf::save(&protected, &args.path, &printed.bytes)?;
    warnings.extend(printed.warnings);
    for p in &printable {
        ctx.touch(Touched::ViewedCarer(p.carer_id));
    }
    Ok(Printed {
        path: args.path.display().to_string(),
        cards: cards.len(),
        pages: printed.pages,
        bytes: printed.bytes.len(),
        warnings,
    })
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrationArgs {
    /// A card stock code (default: the one in Settings).
    #[serde(default)]
    pub stock: Option<String>,
    /// Where to write the PDF.
    pub path: PathBuf,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CalibrationPrinted {
    pub path: String,
    pub pages: usize,
    pub stock: String,
    pub offset_x_mm: f64,
    pub offset_y_mm: f64,
}

/// `passport_calibration_print`: a sheet to check where this printer puts the cards.
pub fn calibration(ctx: &mut Ctx<'_>, args: CalibrationArgs) -> Result<CalibrationPrinted> {
    let protected = crate::backup::protected(ctx)?;
    crate::pdf::check_path(&protected, &args.path)?;
    let s = settings::load(ctx.tx)?;
    let stock = chosen_stock(args.stock.as_deref(), &s)?;
    let printed = card::calibration(
        &stock,
        s.printer_offset_x_mm as f32,
        s.printer_offset_y_mm as f32,
        &s.organisation_name.clone().unwrap_or_else(|| "Carers Desk".into()),
        chrono::Utc::now().naive_utc(),
    )?;
    crate::pdf::save(&protected, &args.path, &printed.bytes)?;
    Ok(CalibrationPrinted {
        path: args.path.display().to_string(),
        pages: printed.pages,
        stock: stock.code.into(),
        offset_x_mm: s.printer_offset_x_mm,
        offset_y_mm: s.printer_offset_y_mm,
    })
}
