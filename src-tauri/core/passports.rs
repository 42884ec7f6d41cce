//! Carer passports and young carer cards: the records, their lifecycle, looking a number up,
//! the list of what holders may ask for, and (in [`print`]) the cards.
//!
//! | type | number | valid until by default |
//! | --- | --- | --- |
//! | carer passport (community) | `CP-…` | issue date + `passport_months` (12) |
//! | hospital carer passport | `HP-…` | issue date + `passport_months` |
//! | workplace carers passport | `WP-…` | issue date + `passport_months` |
//! | young carer card | `YC-…` | the 18th birthday (and never later) |
//!
//! Lifecycle: **issue** (an open record; one active passport per type per carer), **renew**
//! (same number, later valid-until), **reissue** (lost or damaged: a new number; the old one is
//! `replaced` and the new one links to it), **revoke** (with the reason). `expired` is not
//! stored: an active passport past its valid-until date is expired, so the status never goes
//! stale. Serial numbers are unique in the organisation whatever the type (see [`number`]).
//!
//! The files: `record` (a passport read from its row, its events, its choice lists), `asks`
//! (what holders may ask for, per type), `details` (what a passport prints, checked),
//! `issue` (issue and edit), `lifecycle` (renew, reissue, revoke), `read` (get, list, lookup,
//! expiring, home counts), `pictures` (photo and logo); `number`, `print` and `card` (the card
//! itself).

pub mod card;
pub mod number;
pub mod print;

/// How far ahead "expiring soon" looks, in days.
pub const EXPIRING_DAYS: u32 = 30;
/// The most things a card can list on its back.
pub const ASKS_MAX: usize = 10;
/// The longest "may ask for" entry.
pub const ASK_MAX: usize = 120;

mod asks;
mod details;
mod issue;
mod lifecycle;
mod pictures;
mod read;
mod record;

pub use asks::{asks_save, kinds, Ask, AsksSaveArgs, KindInfo};
pub use details::Details;
pub use issue::{issue, update, IssueArgs, UpdateArgs};
pub use lifecycle::{reissue, renew, revoke, ReissueArgs, RenewArgs, RevokeArgs};
pub(crate) use pictures::logo;
pub use pictures::{logo_clear, logo_set, photo_clear, photo_set, LogoArgs, PhotoArgs};
pub use read::{expiring, get, home_counts, list, lookup, ExpiringArgs, HomePassports, Lookup, LookupArgs};
pub(crate) use record::select;
pub use record::{load, options, Can, Event, Link, Passport};
