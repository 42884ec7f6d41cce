//! Organisation settings: one row.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::context::Ctx;
use crate::error::Result;
use crate::validate::{self, Check, NumberInput, TEXT_MAX};

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
        }
    }
}

pub fn load(conn: &Connection) -> Result<Settings> {
    let s = conn
        .query_row(
            "SELECT organisation_name, address, phone, email, first_review_weeks,
                    review_interval_months, young_adult_min_age, young_adult_max_age
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
                })
            },
        )
        .optional()?;
    Ok(s.unwrap_or_default())
}

/// Arguments of `settings_get`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

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
}

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
    };
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

pub fn update(ctx: &mut Ctx<'_>, input: SettingsInput) -> Result<Settings> {
    let s = checked(input)?;
    ctx.tx.execute(
        "UPDATE settings SET organisation_name = ?1, address = ?2, phone = ?3, email = ?4,
             first_review_weeks = ?5, review_interval_months = ?6,
             young_adult_min_age = ?7, young_adult_max_age = ?8
         WHERE id = 1",
        params![
            s.organisation_name,
            s.address,
            s.phone,
            s.email,
            s.first_review_weeks,
            s.review_interval_months,
            s.young_adult_min_age,
            s.young_adult_max_age
        ],
    )?;
    let saved = load(ctx.tx)?;
    crate::plans::recompute_review_dues(ctx.tx, &saved)?;
    Ok(saved)
}
