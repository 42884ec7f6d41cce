//! The details a passport prints (setting, what the holder may ask for, the cared-for person's
//! name, an emergency contact), as the forms send them and as they are checked and stored.

use rusqlite::Connection;

use super::record::Passport;
use super::{ASKS_MAX, ASK_MAX};
use crate::error::Result;
use crate::validate::{self, Check, NAME_MAX};

/// Declares a command's arguments with the details a passport prints (as the issue and edit
/// forms send them, flat), and `details()` to take them out as a [`Details`].
macro_rules! with_details {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Where it is used: the hospital, the employer, the school.
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub setting: Option<Option<String>>,
            /// What the holder may ask for, as printed (at most 10). Not sent when issuing:
            /// the type's list.
            #[serde(default)]
            pub asks: Option<Vec<String>>,
            /// The cared-for person whose first name may be printed (linked to the carer).
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<i64>")]
            pub cared_for_id: Option<Option<i64>>,
            /// Consent is recorded to print the cared-for person's first name.
            #[serde(default)]
            pub show_cared_for_name: Option<bool>,
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub emergency_contact_name: Option<Option<String>>,
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub emergency_contact_relationship: Option<Option<String>>,
            #[serde(default, deserialize_with = "validate::present")]
            #[schemars(with = "Option<String>")]
            pub emergency_contact_phone: Option<Option<String>>,
            /// Consent is recorded to print the emergency contact.
            #[serde(default)]
            pub emergency_contact_consent: Option<bool>,
        }

        impl $name {
            fn details(&mut self) -> Details {
                Details {
                    setting: self.setting.take(),
                    asks: self.asks.take(),
                    cared_for_id: self.cared_for_id.take(),
                    show_cared_for_name: self.show_cared_for_name.take(),
                    emergency_contact_name: self.emergency_contact_name.take(),
                    emergency_contact_relationship: self.emergency_contact_relationship.take(),
                    emergency_contact_phone: self.emergency_contact_phone.take(),
                    emergency_contact_consent: self.emergency_contact_consent.take(),
                }
            }
        }
    };
}
pub(super) use with_details;

/// The details a passport prints. `None`: not sent (keep); `Some(None)`: sent empty (clear).
#[derive(Debug, Default)]
pub struct Details {
    pub setting: Option<Option<String>>,
    pub asks: Option<Vec<String>>,
    pub cared_for_id: Option<Option<i64>>,
    pub show_cared_for_name: Option<bool>,
    pub emergency_contact_name: Option<Option<String>>,
    pub emergency_contact_relationship: Option<Option<String>>,
    pub emergency_contact_phone: Option<Option<String>>,
    pub emergency_contact_consent: Option<bool>,
}

/// The stored form of [`Details`].
#[derive(Debug, Default, Clone)]
pub(super) struct Stored {
    pub(super) setting: Option<String>,
    pub(super) asks: Vec<String>,
    pub(super) cared_for_id: Option<i64>,
    pub(super) show_cared_for_name: bool,
    pub(super) contact_name: Option<String>,
    pub(super) contact_relationship: Option<String>,
    pub(super) contact_phone: Option<String>,
    pub(super) contact_consent: bool,
}

impl Stored {
    pub(super) fn of(p: &Passport) -> Stored {
        Stored {
            setting: p.setting.clone(),
            asks: p.asks.clone(),
            cared_for_id: p.cared_for_id,
            show_cared_for_name: p.show_cared_for_name,
            contact_name: p.emergency_contact_name.clone(),
            contact_relationship: p.emergency_contact_relationship.clone(),
            contact_phone: p.emergency_contact_phone.clone(),
            contact_consent: p.emergency_contact_consent,
        }
    }
}

/// Checks `d` over `base` (fields not sent keep `base`'s value).
// Long: one check per detail a passport prints, in the form's order, so that errors come back in
// the order the form shows them.
pub(super) fn checked_details(
    c: &mut Check,
    conn: &Connection,
    carer_id: i64,
    d: Details,
    base: Stored,
) -> Result<Stored> {
    let keep = |sent: Option<Option<String>>, old: Option<String>| sent.unwrap_or(old);
    let setting = c.text("setting", "Where it is used", &keep(d.setting, base.setting), 120);
    let asks = match d.asks {
        Some(list) => {
            let mut out: Vec<String> = Vec::new();
            for (i, a) in list.iter().enumerate() {
                if let Some(t) = c.text(&format!("asks.{i}"), "Entry", &Some(a.clone()), ASK_MAX) {
                    if !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
                        out.push(t);
                    }
                }
            }
            if out.is_empty() {
                c.fail("asks", "choose at least one thing the holder may ask for");
            }
            if out.len() > ASKS_MAX {
                c.fail("asks", format!("a card has room for {ASKS_MAX} things the holder may ask for: choose fewer"));
            }
            out
        }
        None => base.asks,
    };
    let cared_for_id = d.cared_for_id.unwrap_or(base.cared_for_id);
    if let Some(id) = cared_for_id {
        let linked: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM caring_links WHERE carer_id = ?1 AND cared_for_id = ?2)",
            [carer_id, id],
            |r| r.get(0),
        )?;
        if !linked {
            c.fail("cared_for_id", "choose one of the people this carer cares for");
        }
    }
    let show_cared_for_name = d.show_cared_for_name.unwrap_or(base.show_cared_for_name);
    if show_cared_for_name && cared_for_id.is_none() {
        c.fail("cared_for_id", "choose whose first name to print, or untick the consent to print it");
    }
    let contact_name = c.text(
        "emergency_contact_name",
        "Emergency contact",
        &keep(d.emergency_contact_name, base.contact_name),
        NAME_MAX,
    );
    let contact_relationship = c.text(
        "emergency_contact_relationship",
        "Relationship",
        &keep(d.emergency_contact_relationship, base.contact_relationship),
        60,
    );
    let contact_phone = c.text(
        "emergency_contact_phone",
        "Emergency contact phone",
        &keep(d.emergency_contact_phone, base.contact_phone),
        40,
    );
    if contact_phone.as_deref().is_some_and(|p| !validate::phone(p)) {
        c.fail("emergency_contact_phone", "enter a phone number with 10 to 15 digits, for example 07700 900123");
    }
    if contact_name.is_some() != contact_phone.is_some() {
        let field = if contact_name.is_some() { "emergency_contact_phone" } else { "emergency_contact_name" };
        c.fail(field, "give the emergency contact's name and phone number together");
    }
    let contact_consent = d.emergency_contact_consent.unwrap_or(base.contact_consent);
    if contact_consent && contact_name.is_none() {
        c.fail("emergency_contact_name", "enter the emergency contact, or untick the consent to print one");
    }
    Ok(Stored {
        setting,
        asks,
        cared_for_id,
        show_cared_for_name,
        contact_name,
        contact_relationship,
        contact_phone,
        contact_consent,
    })
}
