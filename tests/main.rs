//! Integration tests of the core, through the command layer as a front end uses it.
//! One binary (fast to link), one module per area.

mod util;

mod assessments;
mod backups;
mod caring;
mod cli;
mod commands;
mod concurrency;
mod crash;
mod data_safety;
mod export;
mod import;
mod import_files;
mod layers;
mod passport_cards;
mod passports;
mod pdf;
mod plans;
mod properties;
mod register;
mod reports;
mod schools;
mod search;
mod security;
mod settings;
mod setup;
mod structure;
mod subject;
mod transitions;
mod young_carer_pdf;
