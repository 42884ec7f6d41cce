//! Carer passports and young carer cards (issue 6). So far: the passport number with its check
//! character ([`number`]) and the card stocks' geometry as data ([`stock`]). Passport records,
//! their lifecycle, commands and card printing come with the rest of issue 6.

pub mod number;
pub mod stock;
