//! Organisation settings: one row.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::args::NoArgs;
use crate::card_stock;
use crate::context::Ctx;
use crate::error::Result;
use crate::validate::{self, Check, DecimalInput, NumberInput, TEXT_MAX};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Settings {
    pub organisation_name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Weeks from a support plan's start to its first (light-touch) review.
    pub first_review_weeks: u32,
    /// Months between reviews after the first.
    pub review_interval_months: u32,
    /// Young adult carer age range, inclusive (no legal definition; services use 16-25 or 18-25).
    pub young_adult_min_age: u32,
    pub young_adult_max_age: u32,
    /// Transition to adulthood (see `transition`): preparing from this age.
    pub prepare_age: u32,
    /// The transition assessment is offered from this age.
    pub transition_offer_age: u32,
    /// ... and completed before this many months of age (210 = 17 years 6 months).
    pub transition_complete_months: u32,
    /// The transition review is due at this many months of age.
    pub transition_review_months: u32,
    /// Handover to the adult carers service at this age.
    pub handover_age: u32,
    /// The card stock passports print on (`card_stock` code).
    pub card_stock: String,
    /// Where this office's printer puts things compared with where they should be, corrected
    /// when printing cards: millimetres, right and down positive.
    pub printer_offset_x_mm: f64,
    pub printer_offset_y_mm: f64,
    /// Crop marks in the margins of card sheets.
    pub card_crop_marks: bool,
    /// The "if found" text on the back of cards (`None`: the standard wording).
    pub card_if_found: Option<String>,
    /// How long a passport is valid for, in months (young carer cards: to the 18th birthday).
    pub passport_months: u32,
    /// A logo is set for cards (`card_logo_set`).
    #[serde(default)]
    pub has_logo: bool,
    /// Lock the window after this many minutes without use (1 to 120).
    pub auto_lock_minutes: u32,
    /// Where backups go (`None`: [`default_backup_folder`]).
    pub backup_folder: Option<String>,
    /// How many backups to keep (1 to 365); older ones are deleted.
    pub backup_keep: u32,
    /// Closed carers' records are due for review and anonymising this many years after closure.
    pub retention_carer_years: u32,
    /// Cared-for people's records: this many years after the last carer's record closed.
    pub retention_cared_for_years: u32,
    /// Exported reports (CSV, PDF, JSON) show counts from 1 to 4 as "<5", so a shared report
    /// cannot identify anyone. The window, for staff, always shows the real numbers.
    pub report_suppress_small: bool,
    /// When the last backup was made (read-only).
    #[serde(default)]
    pub last_backup_at: Option<String>,
    /// Where backups go when `backup_folder` is empty (read-only).
    #[serde(default)]
    pub backup_folder_default: String,
}

/// The backup folder when the setting is empty: `Carers Desk backups` in the user's Documents,
/// else a `backups` folder beside the database.
pub fn default_backup_folder(db_path: &Path) -> PathBuf {
    match dirs::document_dir() {
        Some(docs) => docs.join("Carers Desk backups"),
        None => db_path.parent().unwrap_or(Path::new(".")).join("backups"),
    }
}

/// Where backups go when no folder is set, for this database.
fn backup_folder_default(conn: &Connection) -> Result<String> {
    let file: Option<String> =
        conn.query_row("SELECT file FROM pragma_database_list WHERE name = 'main'", [], |r| r.get(0)).optional()?;
    let db = PathBuf::from(file.unwrap_or_default());
    Ok(default_backup_folder(&db).display().to_string())
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            organisation_name: None,
            address: None,
            phone: None,
            email: None,
            first_review_weeks: 8,
            review_interval_months: 12,
            young_adult_min_age: 18,
            young_adult_max_age: 25,
            prepare_age: 14,
            transition_offer_age: 16,
            transition_complete_months: 210,
            transition_review_months: 210,
            handover_age: 18,
            card_stock: card_stock::C32011.code.to_string(),
            printer_offset_x_mm: 0.0,
            printer_offset_y_mm: 0.0,
            card_crop_marks: true,
            card_if_found: None,
            passport_months: 12,
            has_logo: false,
            auto_lock_minutes: 10,
            backup_folder: None,
            backup_keep: 14,
            retention_carer_years: 6,
            retention_cared_for_years: 6,
            report_suppress_small: true,
            last_backup_at: None,
            backup_folder_default: String::new(),
        }
    }
}

pub fn load(conn: &Connection) -> Result<Settings> {
    let s = conn
        .query_row(
            "SELECT organisation_name, address, phone, email, first_review_weeks,
                    review_interval_months, young_adult_min_age, young_adult_max_age, prepare_age,
                    transition_offer_age, transition_complete_months, transition_review_months, handover_age,
                    card_stock, printer_offset_x_mm, printer_offset_y_mm, card_crop_marks, card_if_found,
                    passport_months, card_logo IS NOT NULL, auto_lock_minutes, backup_folder, backup_keep,
                    retention_carer_years, retention_cared_for_years, last_backup_at, report_suppress_small
             FROM settings WHERE id = 1",
            [],
            |r| {
                Ok(Settings {
                    organisation_name: r.get(0)?,
                    address: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                    first_review_weeks: r.get(4)?,
                    review_interval_months: r.get(5)?,
                    young_adult_min_age: r.get(6)?,
                    young_adult_max_age: r.get(7)?,
                    prepare_age: r.get(8)?,
                    transition_offer_age: r.get(9)?,
                    transition_complete_months: r.get(10)?,
                    transition_review_months: r.get(11)?,
                    handover_age: r.get(12)?,
                    card_stock: r.get(13)?,
                    printer_offset_x_mm: r.get(14)?,
                    printer_offset_y_mm: r.get(15)?,
                    card_crop_marks: r.get(16)?,
                    card_if_found: r.get(17)?,
                    passport_months: r.get(18)?,
                    has_logo: r.get(19)?,
                    auto_lock_minutes: r.get(20)?,
                    backup_folder: r.get(21)?,
                    backup_keep: r.get(22)?,
                    retention_carer_years: r.get(23)?,
                    retention_cared_for_years: r.get(24)?,
                    last_backup_at: r.get(25)?,
                    report_suppress_small: r.get(26)?,
                    backup_folder_default: String::new(),
                })
            },
        )
        .optional()?;
    let mut s = s.unwrap_or_default();
    s.backup_folder_default = backup_folder_default(conn)?;
    Ok(s)
}

pub fn get(ctx: &mut Ctx<'_>, _: NoArgs) -> Result<Settings> {
    load(ctx.tx)
}

/// Settings as the form sends them: numbers may arrive as typed text.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SettingsInput {
    pub organisation_name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// 1 to 52.
    pub first_review_weeks: Option<NumberInput>,
    /// 1 to 36.
    pub review_interval_months: Option<NumberInput>,
    /// 16 to 25.
    pub young_adult_min_age: Option<NumberInput>,
    /// 18 to 30, not below the minimum.
    pub young_adult_max_age: Option<NumberInput>,
    /// 10 to 17, below the offer age.
    pub prepare_age: Option<NumberInput>,
    /// 13 to 17.
    pub transition_offer_age: Option<NumberInput>,
    /// Months of age, 168 to 216 (14 to 18 years), after the offer age.
    pub transition_complete_months: Option<NumberInput>,
    /// Months of age, 168 to 216, before the handover age.
    pub transition_review_months: Option<NumberInput>,
    /// 17 to 19.
    pub handover_age: Option<NumberInput>,
    /// A card stock code (`options.card_stocks`).
    pub card_stock: Option<String>,
    /// Millimetres, -10 to 10: positive moves printing right.
    pub printer_offset_x_mm: Option<DecimalInput>,
    /// Millimetres, -10 to 10: positive moves printing down.
    pub printer_offset_y_mm: Option<DecimalInput>,
    pub card_crop_marks: Option<bool>,
    /// Blank: the standard wording. Not sent: kept.
    #[serde(deserialize_with = "validate::present")]
    #[schemars(with = "Option<String>")]
    pub card_if_found: Option<Option<String>>,
    /// 1 to 60.
    pub passport_months: Option<NumberInput>,
    /// Read-only (set with `card_logo_set`): accepted so `settings_get`'s result can be sent
    /// back changed, and ignored.
    #[schemars(skip)]
    pub has_logo: Option<bool>,
    /// 1 to 120 minutes.
    pub auto_lock_minutes: Option<NumberInput>,
    /// A folder on this computer (a full path); blank or null: the default. Not sent: kept.
    #[serde(deserialize_with = "validate::present")]
    #[schemars(with = "Option<String>")]
    pub backup_folder: Option<Option<String>>,
    /// 1 to 365.
    pub backup_keep: Option<NumberInput>,
    /// 1 to 100 years.
    pub retention_carer_years: Option<NumberInput>,
    /// 1 to 100 years.
    pub retention_cared_for_years: Option<NumberInput>,
    /// Show counts from 1 to 4 as "<5" in exported reports.
    pub report_suppress_small: Option<bool>,
    /// Read-only: accepted and ignored.
    #[schemars(skip)]
    pub last_backup_at: Option<Option<String>>,
    /// Read-only: accepted and ignored.
    #[schemars(skip)]
    pub backup_folder_default: Option<String>,
}

// Long: one check per setting, in the order of the settings page, so that errors come back in the
// order the page shows them.
fn checked(input: SettingsInput) -> Result<Settings> {
    let mut c = Check::new("");
    let number = |c: &mut Check, field: &str, label: &str, v: &Option<NumberInput>, range| {
        let n = c.whole_number(field, label, v, range);
        if v.is_none() || matches!(v, Some(NumberInput::Text(t)) if t.trim().is_empty()) {
            c.fail(field, format!("enter the {}", validate::lower_first(label)));
        }
        n.unwrap_or(0)
    };
    let out = Settings {
        organisation_name: c.text("organisation_name", "Organisation name", &input.organisation_name, TEXT_MAX),
        address: c.text("address", "Address", &input.address, 500),
        phone: c.text("phone", "Phone", &input.phone, 40),
        email: c.text("email", "Email", &input.email, TEXT_MAX),
        first_review_weeks: number(
            &mut c,
            "first_review_weeks",
            "Weeks to the first review",
            &input.first_review_weeks,
            1..=52,
        ),
        review_interval_months: number(
            &mut c,
            "review_interval_months",
            "Months between reviews",
            &input.review_interval_months,
            1..=36,
        ),
        young_adult_min_age: number(
            &mut c,
            "young_adult_min_age",
            "Start of the young adult carer range",
            &input.young_adult_min_age,
            16..=25,
        ),
        young_adult_max_age: number(
            &mut c,
            "young_adult_max_age",
            "End of the young adult carer range",
            &input.young_adult_max_age,
            18..=30,
        ),
        prepare_age: number(&mut c, "prepare_age", "Preparing for adulthood from age", &input.prepare_age, 10..=17),
        transition_offer_age: number(
            &mut c,
            "transition_offer_age",
            "Transition assessment offered from age",
            &input.transition_offer_age,
            13..=17,
        ),
        transition_complete_months: number(
            &mut c,
            "transition_complete_months",
            "Transition assessment completed before (months of age)",
            &input.transition_complete_months,
            168..=216,
        ),
        transition_review_months: number(
            &mut c,
            "transition_review_months",
            "Transition review at (months of age)",
            &input.transition_review_months,
            168..=216,
        ),
        handover_age: number(&mut c, "handover_age", "Handover to adult services at age", &input.handover_age, 17..=19),
        card_stock: match input.card_stock.as_deref() {
            Some(code) => {
                c.absorb(card_stock::parse("card_stock", code)).map(|s| s.code.to_string()).unwrap_or_default()
            }
            None => card_stock::C32011.code.to_string(),
        },
        printer_offset_x_mm: c
            .decimal("printer_offset_x_mm", "Printer offset across", &input.printer_offset_x_mm, -10.0..=10.0, 1)
            .unwrap_or(0.0),
        printer_offset_y_mm: c
            .decimal("printer_offset_y_mm", "Printer offset down", &input.printer_offset_y_mm, -10.0..=10.0, 1)
            .unwrap_or(0.0),
        card_crop_marks: input.card_crop_marks.unwrap_or(true),
        card_if_found: c.lines("card_if_found", "If found text", &input.card_if_found.clone().flatten(), 160),
        passport_months: number(
            &mut c,
            "passport_months",
            "Passports valid for (months)",
            &input.passport_months,
            1..=60,
        ),
        has_logo: false,
        auto_lock_minutes: number(
            &mut c,
            "auto_lock_minutes",
            "Lock after (minutes without use)",
            &input.auto_lock_minutes,
            1..=120,
        ),
        backup_folder: c.text("backup_folder", "Backup folder", &input.backup_folder.clone().flatten(), 1000),
        backup_keep: number(&mut c, "backup_keep", "Backups to keep", &input.backup_keep, 1..=365),
        retention_carer_years: number(
            &mut c,
            "retention_carer_years",
            "Keep closed carers' records for (years)",
            &input.retention_carer_years,
            1..=100,
        ),
        retention_cared_for_years: number(
            &mut c,
            "retention_cared_for_years",
            "Keep cared-for people's records for (years)",
            &input.retention_cared_for_years,
            1..=100,
        ),
        report_suppress_small: input.report_suppress_small.unwrap_or(true),
        last_backup_at: None,
        backup_folder_default: String::new(),
    };
    if let Some(folder) = &out.backup_folder {
        if !std::path::Path::new(folder).is_absolute() {
            c.fail(
                "backup_folder",
                "enter the folder's full path, such as C:\\Users\\amy\\Documents\\Backups, or choose it",
            );
        }
    }
    let ok = |v: u32| v != 0;
    if ok(out.prepare_age) && ok(out.transition_offer_age) && out.prepare_age >= out.transition_offer_age {
        c.fail("prepare_age", "preparing for adulthood must start before the transition assessment is offered");
    }
    if ok(out.transition_offer_age)
        && ok(out.transition_complete_months)
        && out.transition_complete_months <= out.transition_offer_age * 12
    {
        c.fail(
            "transition_complete_months",
            "the transition assessment must be due for completion after it is offered",
        );
    }
    if ok(out.transition_review_months) && ok(out.handover_age) && out.transition_review_months >= out.handover_age * 12
    {
        c.fail("transition_review_months", "the transition review must come before the handover age");
    }
    if ok(out.handover_age) && ok(out.young_adult_max_age) && out.handover_age > out.young_adult_max_age {
        c.fail("handover_age", "the handover age must not be after the end of the young adult carer range");
    }
    if let Some(p) = &out.phone {
        if !validate::phone(p) {
            c.fail("phone", "enter a phone number with 10 to 15 digits, for example 020 7946 0018");
        }
    }
    if let Some(e) = &out.email {
        if !validate::email(e) {
            c.fail("email", "enter an email address like name@example.org");
        }
    }
    if out.young_adult_max_age != 0 && out.young_adult_max_age < out.young_adult_min_age {
        c.fail("young_adult_max_age", "the end of the young adult carer range must not be before its start");
    }
    c.finish()?;
    Ok(out)
}

/// Changes the settings. The transition ages and months and the card settings keep their stored
/// value when not sent. (The `settings_update` command is [`crate::app::settings_update`],
/// which also moves the support plans' review dates.)
pub fn update(ctx: &mut Ctx<'_>, mut input: SettingsInput) -> Result<Settings> {
    let current = load(ctx.tx)?;
    for (field, value) in [
        (&mut input.prepare_age, current.prepare_age),
        (&mut input.transition_offer_age, current.transition_offer_age),
        (&mut input.transition_complete_months, current.transition_complete_months),
        (&mut input.transition_review_months, current.transition_review_months),
        (&mut input.handover_age, current.handover_age),
    ] {
        field.get_or_insert(NumberInput::Number(value.into()));
    }
    input.card_stock.get_or_insert(current.card_stock.clone());
    input.printer_offset_x_mm.get_or_insert(current.printer_offset_x_mm.into());
    input.printer_offset_y_mm.get_or_insert(current.printer_offset_y_mm.into());
    input.card_crop_marks.get_or_insert(current.card_crop_marks);
    input.card_if_found.get_or_insert(current.card_if_found.clone());
    input.passport_months.get_or_insert(current.passport_months.into());
    input.auto_lock_minutes.get_or_insert(current.auto_lock_minutes.into());
    input.backup_folder.get_or_insert(current.backup_folder.clone());
    input.backup_keep.get_or_insert(current.backup_keep.into());
    input.retention_carer_years.get_or_insert(current.retention_carer_years.into());
    input.retention_cared_for_years.get_or_insert(current.retention_cared_for_years.into());
    input.report_suppress_small.get_or_insert(current.report_suppress_small);
    let s = checked(input)?;
    ctx.tx.execute(
        "UPDATE settings SET organisation_name = ?1, address = ?2, phone = ?3, email = ?4,
             first_review_weeks = ?5, review_interval_months = ?6,
             young_adult_min_age = ?7, young_adult_max_age = ?8, prepare_age = ?9, transition_offer_age = ?10,
             transition_complete_months = ?11, transition_review_months = ?12, handover_age = ?13,
             card_stock = ?14, printer_offset_x_mm = ?15, printer_offset_y_mm = ?16, card_crop_marks = ?17,
             card_if_found = ?18, passport_months = ?19, auto_lock_minutes = ?20, backup_folder = ?21,
             backup_keep = ?22, retention_carer_years = ?23, retention_cared_for_years = ?24,
             report_suppress_small = ?25
         WHERE id = 1",
        params![
            s.organisation_name,
            s.address,
            s.phone,
            s.email,
            s.first_review_weeks,
            s.review_interval_months,
            s.young_adult_min_age,
            s.young_adult_max_age,
            s.prepare_age,
            s.transition_offer_age,
            s.transition_complete_months,
            s.transition_review_months,
            s.handover_age,
            s.card_stock,
            s.printer_offset_x_mm,
            s.printer_offset_y_mm,
            s.card_crop_marks,
            s.card_if_found,
            s.passport_months,
            s.auto_lock_minutes,
            s.backup_folder,
            s.backup_keep,
            s.retention_carer_years,
            s.retention_cared_for_years,
            s.report_suppress_small
        ],
    )?;
    load(ctx.tx)
}
