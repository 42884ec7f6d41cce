//! The command layer: every command a user can run, in one table. The window (`invoke('call')`)
//! and `carers-desk-cli call` both come through [`crate::Desk::call`], which finds the command
//! here, checks permission, runs it in one transaction and records what it touched.
//!
//! Adding a command: write `fn(&mut Ctx, Args) -> Result<Out>` in its module, with `Args:
//! Deserialize + JsonSchema` and `Out: Serialize`, and add one line to [`COMMANDS`].
//!
//! The session commands (setting up, signing in and out, the passphrase, restoring) are in the
//! same table, first, with their own kind of handler ([`Run::Session`]): they open and close the
//! database themselves, so they run outside a transaction; most have
//! [`Access::Session`], which allows them while the desk is locked.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::args::{CarerArgs, IdArgs, NoArgs};
use crate::context::{Access, Ctx};
use crate::error::{Error, Result};
use crate::{
    app, assessments, audit, backup, carers, caring, catalogue, demo, export, import, in_school, notes, passports,
    plans, register, reports, schools, search, session, settings, staff, subject, transition,
};

/// One command.
pub struct Command {
    pub name: &'static str,
    pub summary: &'static str,
    /// Changes data (runs in a write transaction).
    pub changes: bool,
    pub access: Access,
    pub(crate) run: Run,
    args_schema: fn() -> schemars::Schema,
}

/// How a command runs.
#[derive(Clone, Copy)]
pub(crate) enum Run {
    /// In one transaction on the open database, audited by [`crate::Desk::call`].
    InTransaction(fn(&mut Ctx<'_>, Value) -> Result<Value>),
    /// On the desk's state between commands: the command opens or closes the database itself
    /// and writes its own audit entry ([`crate::audit::record_session`]).
    Session(fn(&mut session::Call<'_>, Value) -> Result<Value>),
}

impl Command {
    /// The JSON Schema of the arguments.
    pub fn args_schema(&self) -> schemars::Schema {
        (self.args_schema)()
    }
}

/// Decodes arguments, naming the argument at fault.
fn decode<A: DeserializeOwned>(args: Value) -> Result<A> {
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        let inner = crate::error::plain_json_error(&e.into_inner().to_string());
        Error::InvalidArguments {
            message: match &field {
                Some(f) => format!("the argument '{f}' is not right ({inner}): check the command's arguments with `carers-desk-cli commands`"),
                None => format!("the arguments are not right ({inner}): check them with `carers-desk-cli commands`"),
            },
            field,
        }
    })
}

fn adapt<A: DeserializeOwned, R: Serialize>(
    ctx: &mut Ctx<'_>,
    args: Value,
    f: fn(&mut Ctx<'_>, A) -> Result<R>,
) -> Result<Value> {
    let out = f(ctx, decode(args)?)?;
    Ok(serde_json::to_value(out).expect("results serialise to JSON"))
}

fn adapt_session<A: DeserializeOwned>(
    call: &mut session::Call<'_>,
    args: Value,
    f: fn(&mut session::Call<'_>, A) -> Result<Value>,
) -> Result<Value> {
    f(call, decode(args)?)
}

macro_rules! commands {
    (
        session {
            $($sname:ident: $sargs:ty => $sf:path, $schanges:literal, $saccess:ident, $ssummary:literal;)+
        }
        $($name:ident: $args:ty => $f:path, $changes:literal, $access:ident, $summary:literal;)+
    ) => {
        /// Every command, in the order `carers-desk-cli commands` lists them: the session
        /// commands first.
        pub static COMMANDS: &[Command] = &[
            $(
                Command {
                    name: stringify!($sname),
                    summary: $ssummary,
                    changes: $schanges,
                    access: Access::$saccess,
                    run: Run::Session(|call, args| adapt_session::<$sargs>(call, args, $sf)),
                    args_schema: || schemars::schema_for!($sargs),
                },
            )+
            $(
                Command {
                    name: stringify!($name),
                    summary: $summary,
                    changes: $changes,
                    access: Access::$access,
                    run: Run::InTransaction(|ctx, args| adapt::<$args, _>(ctx, args, $f)),
                    args_schema: || schemars::schema_for!($args),
                },
            )+
        ];
    };
}

commands! {
    session {
        session_status: session::StatusArgs => session::status_command, false, Session, "Whether the database needs setting up, is locked or is open, and who is signed in";
        session_setup_begin: NoArgs => session::setup_begin_command, true, Session, "First run: make the database key and the recovery key (shown once; nothing is saved yet)";
        session_setup_finish: session::SetupArgs => session::setup_finish_command, true, Session, "First run: create the administrator, encrypt the database and save the key file";
        session_unlock: session::UnlockArgs => session::unlock_command, true, Session, "Sign in with a username and passphrase";
        session_recover: session::RecoverArgs => session::recover_command, true, Session, "Forgotten passphrase: sign in with the recovery key and set a new passphrase";
        session_lock: NoArgs => session::lock_command, true, Session, "Lock: the key leaves memory until the passphrase is typed again";
        session_sign_out: NoArgs => session::sign_out_command, true, Session, "Sign out";
        passphrase_change: session::ChangeArgs => session::passphrase_change_command, true, Session, "Change your own passphrase (the database key is re-wrapped, the database is untouched)";
        backup_restore: session::RestoreArgs => session::restore_command, true, Admin, "Replace the database with a backup made with this database's key; the replaced file is kept aside";
    }
    app_info: NoArgs => app::info, false, App, "Version, schema version and where the database is";
    options: NoArgs => app::options, false, App, "Every choice list (codes and labels) for forms and filters";
    setup_status: NoArgs => app::status, false, App, "Whether the first-run choice is still to be made";
    setup_choose: app::ChooseArgs => app::choose, true, Admin, "First run: start empty, or load demo data";
    demo_data_load: demo::LoadArgs => demo::load, true, Admin, "Add made-up carers for training or testing (deterministic per seed)";
    settings_get: NoArgs => settings::get, false, App, "The organisation's settings";
    settings_update: settings::SettingsInput => app::settings_update, true, Admin, "Change the organisation's settings";
    home: NoArgs => search::home, false, Records, "Home screen: counts and recently viewed carers";
    home_counts: NoArgs => search::home_counts, false, Counts, "Home screen counts without any names (what reporting accounts see)";
    carer_search: search::SearchArgs => search::search, false, Records, "Search the register by name, preferred name, reference or postcode, with filters";
    carer_create: carers::CarerInput => register::create, true, Records, "Add a carer to the register";
    carer_get: IdArgs => register::get, false, Records, "A carer's whole record, with the people they care for and case notes";
    carer_update: register::UpdateArgs => register::update, true, Records, "Change a carer's details";
    carer_close: register::CloseArgs => register::close, true, Records, "Close a carer's record, with the reason";
    carer_reopen: IdArgs => register::reopen, true, Records, "Reopen a closed record";
    carer_add_cared_for: caring::AddCaredForArgs => register::add_cared_for, true, Records, "Add a new cared-for person and link them to a carer";
    caring_link_create: caring::LinkCreateArgs => register::link_create, true, Records, "Link a carer to a cared-for person already known (whole family)";
    caring_link_update: caring::LinkUpdateArgs => register::link_update, true, Records, "Change a caring link (relationship, hours, kinds of care)";
    caring_link_remove: IdArgs => register::link_remove, true, Records, "Remove a caring link (the cared-for person's record stays)";
    cared_for_get: IdArgs => caring::get, false, Records, "A cared-for person's record with everyone who cares for them";
    cared_for_update: caring::CaredForUpdateArgs => caring::update, true, Records, "Change a cared-for person's details";
    cared_for_search: caring::SearchArgs => caring::search, false, Records, "Find cared-for people by name or reference";
    note_add: notes::AddArgs => notes::add, true, Records, "Add a case note to a carer's timeline";
    note_list: notes::ListArgs => notes::list, false, Records, "A carer's case notes, newest first";
    assessment_forms: NoArgs => assessments::forms_list, false, Records, "The assessment forms (sections and questions per type), their lists and questionnaires";
    assessment_start: assessments::StartArgs => assessments::start, true, Records, "Start a draft assessment for a carer (warns when the type does not fit their age)";
    assessment_get: IdArgs => assessments::get, false, Records, "An assessment: answers, needs, determination or scores, versions; a draft's live preview";
    assessment_save: assessments::SaveArgs => assessments::save, true, Records, "Save a draft's answers (partial; merged into what is stored) and needs";
    assessment_complete: IdArgs => assessments::complete, true, Records, "Complete a draft: every required answer given; stores the determination and scores, and locks it";
    assessment_new_version: IdArgs => assessments::new_version, true, Records, "Start a new draft version of a completed assessment (the old one stays readable)";
    assessment_list: CarerArgs => assessments::list, false, Records, "A carer's assessment history, newest first";
    assessment_score_history: CarerArgs => assessments::score_history, false, Records, "A young carer's questionnaire scores over time, for the chart";
    assessment_types: CarerArgs => assessments::types_for, false, Records, "The assessment types for a carer, each with the age warning starting it would give (none: it fits)";
    support_catalogue: NoArgs => catalogue::get, false, App, "The organisation's support catalogue (what plan actions are chosen from)";
    support_catalogue_save: catalogue::SaveArgs => catalogue::save, true, Admin, "Change the support catalogue: add, rename, regroup, reorder or retire entries";
    plan_create: plans::CreateArgs => plans::create, true, Records, "Make a draft support plan from a completed assessment, or a light-touch plan without one";
    plan_get: IdArgs => plans::get, false, Records, "A support plan version: needs, outcomes, actions, money, contingency plan, reviews, versions";
    plan_list: CarerArgs => plans::list, false, Records, "A carer's support plans (the newest version of each), newest first";
    plan_save: plans::SaveArgs => plans::save, true, Records, "Save a draft plan (fields not sent keep their value; lists sent replace the list)";
    plan_agree: IdArgs => plans::agree, true, Records, "Agree a draft plan with the carer: checks everything s25 needs, locks it and sets the next review date";
    plan_new_version: IdArgs => plans::new_version, true, Records, "Start a draft new version of an agreed plan (the agreed one stays in force until the new one is agreed)";
    plan_discard: IdArgs => plans::discard, true, Records, "Delete a draft plan or draft version that was never agreed";
    plan_end: plans::EndArgs => plans::end, true, Records, "End an agreed plan, with the reason";
    plan_action_update: plans::ActionUpdateArgs => plans::action_update, true, Records, "Record progress on an agreed plan's action (status and notes)";
    plan_review_start: plans::review::StartArgs => plans::review::start, true, Records, "Start a planned or unplanned review of an agreed plan (makes a draft updated plan)";
    plan_review_get: IdArgs => plans::review::get, false, Records, "A review: progress on outcomes and actions, changes, next review date, what is missing";
    plan_review_save: plans::review::SaveArgs => plans::review::save, true, Records, "Save a draft review (fields not sent keep their value)";
    plan_review_complete: IdArgs => plans::review::complete, true, Records, "Complete a review: agrees the updated plan and sets the next review date";
    plan_review_cancel: IdArgs => plans::review::cancel, true, Records, "Cancel a draft review: the plan is agreed again as it was";
    plan_print: plans::print::PrintArgs => plans::print::print, false, Records, "Print a plan version, or its contingency plan alone, to an A4 PDF file";
    plans_due: NoArgs => plans::lists::due, false, Records, "Reviews due in the next 14 days, reviews overdue and actions overdue";
    school_list: NoArgs => schools::list, false, School, "Schools, with their young carers and adjustments due for review (school staff: their own school)";
    school_get: IdArgs => schools::get, false, School, "A school and its young carers: year group, last contact, assessment status, adjustments";
    school_save: schools::SchoolInput => schools::save, true, Records, "Add or change a school (name, URN, address, young carers lead)";
    school_print_summary: schools::PrintArgs => schools::print_summary, false, School, "Print a school's one-page staff summary (names, year, tutor group, adjustments only) to PDF";
    school_link_save: schools::LinkArgs => transition::school_link_save, true, Records, "Link a young carer (under 19) to their school: year group, tutor group, census code, staff contact";
    school_link_remove: CarerArgs => transition::school_link_remove, true, Records, "Remove a young carer's school link (their adjustments stay as history)";
    adjustment_save: schools::AdjustmentArgs => schools::adjustment_save, true, School, "Add or change an adjustment the school agreed for a young carer";
    adjustment_end: schools::EndArgs => schools::adjustment_end, true, School, "End an agreed adjustment (it stays in the history)";
    young_carer_get: CarerArgs => transition::get, false, Records, "A young carer's school link, adjustments, transition milestones, handover and card";
    milestone_record: transition::MilestoneArgs => transition::milestone_record, true, Records, "Record a transition milestone as done (date and note)";
    milestone_clear: transition::MilestoneArgs => transition::milestone_clear, true, Records, "Undo a transition milestone recorded as done";
    handover_save: transition::HandoverArgs => transition::handover_save, true, Records, "Record the handover to the adult carers service (warns without a transition assessment)";
    handover_print: transition::handover::PrintArgs => transition::handover::print, false, Records, "Print the handover summary for the adult carers service to PDF (needs consent to share)";
    young_carer_card_save: transition::CardArgs => transition::card_save, true, Records, "Record what the young carer card says: valid until, adjustments, emergency contact";
    transitions: transition::view::TransitionsArgs => transition::view::transitions, false, Records, "Young carers turning 16, 17 and 18 in the next 6 or 12 months, and those past a milestone";
    school_referral_create: in_school::ReferralInput => in_school::create, true, School, "A school refers a young carer to the carers service (school staff: from their own school)";
    school_referral_list: in_school::ListArgs => in_school::list, false, School, "School referrals and what was decided (school staff: their own school's)";
    school_referral_get: IdArgs => in_school::get, false, School, "One school referral; for a new one, carers already in the register who may be the same young person";
    school_referral_accept: in_school::AcceptArgs => in_school::accept, true, Records, "Accept a school referral: register the young carer (or use a record already there) and link them to the school";
    school_referral_signpost: in_school::SignpostArgs => in_school::signpost, true, Records, "Signpost a school referral elsewhere, saying where (nothing is added to the register)";
    pupil_get: CarerArgs => in_school::pupil_get, false, School, "What school staff may see of one of their young carers: school details, adjustments, notes in school, milestones, card held";
    pupil_note_add: in_school::NoteArgs => in_school::note_add, true, School, "Add a note 'in school' to a young carer's timeline, written as the signed-in member of staff";
    staff_list: NoArgs => staff::list, false, Admin, "Staff accounts: username, name, role, school, switched on or off";
    staff_create: staff::CreateArgs => staff::create, true, Admin, "Add a staff account with a role and a first passphrase";
    staff_update: staff::UpdateArgs => staff::update, true, Admin, "Change a staff account's name, role or school, or switch it off or on";
    staff_set_passphrase: staff::SetPassphraseArgs => staff::set_passphrase, true, Admin, "Set a new passphrase for a staff account (they forgot theirs)";
    audit_list: audit::ListArgs => audit::list, false, Admin, "The audit trail, newest first, filtered by date, staff member, person, action or command";
    audit_export: audit::ExportArgs => audit::export, false, Admin, "Export the audit trail (filtered) to a CSV file, with each entry's hash";
    audit_verify: audit::VerifyArgs => audit::verify_command, false, Admin, "Check the register file (SQLite's full integrity check and SQLCipher's check of every page) and the audit trail's hash chain, and compare it with the anchors kept outside the register (its anchor file, backups, exports, reports): whether any entry was changed or removed";
    backup_now: backup::NowArgs => backup::now, false, Admin, "Back up the database now (encrypted with the same key, checked after writing), keeping the newest backups";
    backup_auto: NoArgs => backup::auto, true, Records, "The day's automatic backup: made unless one was made today (after signing in, and when the window closes)";
    backup_list: NoArgs => backup::list, false, Admin, "The backups in the backup folder, newest first, with the folder and how many are kept";
    backup_verify: backup::VerifyArgs => backup::verify, false, Admin, "Check a backup opens with this database's key and is intact: what it holds and when it was made (the restore preview)";
    passport_kinds: NoArgs => passports::kinds, false, App, "The passport types (prefix, card title, default validity) and what each one's holders may ask for";
    passport_asks_save: passports::AsksSaveArgs => passports::asks_save, true, Admin, "Change one passport type's list of what holders may ask for: add, rename, reorder, retire";
    passport_issue: passports::IssueArgs => passports::issue, true, Records, "Issue a carer passport or young carer card to a carer whose record is open";
    passport_update: passports::UpdateArgs => passports::update, true, Records, "Change what an active passport says (fields not sent keep their value)";
    passport_get: IdArgs => passports::get, false, Records, "A passport: number, holder, dates, status, what it says, history";
    passport_list: CarerArgs => passports::list, false, Records, "A carer's passports and cards, newest first";
    passport_renew: passports::RenewArgs => passports::renew, true, Records, "Renew a passport: the same number, valid for longer";
    passport_reissue: passports::ReissueArgs => passports::reissue, true, Records, "Reissue a lost or damaged card: a new number; the old one is marked replaced";
    passport_revoke: passports::RevokeArgs => passports::revoke, true, Records, "Revoke a passport, with the reason: it stops being valid at once";
    passport_lookup: passports::LookupArgs => passports::lookup, false, Records, "Look up a passport number (typed, or a card's QR code text): whose it is and whether it is valid today";
    passports_expiring: passports::ExpiringArgs => passports::expiring, false, Records, "Active passports whose valid-until date is in the next 30 days (or `days`), soonest first";
    passport_photo_set: passports::PhotoArgs => passports::photo_set, true, Records, "Add the holder's photo (PNG or JPEG) to an active passport";
    passport_photo_clear: IdArgs => passports::photo_clear, true, Records, "Remove the holder's photo from a passport";
    card_logo_set: passports::LogoArgs => passports::logo_set, true, Admin, "Set the organisation's logo for cards (PNG or JPEG, at most 2 MB)";
    card_logo_clear: NoArgs => passports::logo_clear, true, Admin, "Remove the logo from cards";
    passport_preview: IdArgs => passports::print::preview, false, Records, "The card's front and back as SVG for the screen, with what will not print and why";
    passports_print: passports::print::PrintArgs => passports::print::print, false, Records, "Print cards to PDF: chosen passports or those issued in a date range, one per page (card printer) or 10-up sheets";
    passport_calibration_print: passports::print::CalibrationArgs => passports::print::calibration, false, Records, "Print a calibration sheet for a card stock, to measure the printer's offset";
    subject_export: subject::ExportArgs => subject::export, false, Admin, "Subject access: everything held about one carer or cared-for person, as a JSON file and an A4 PDF, in one action";
    carer_anonymise: subject::AnonymiseArgs => subject::anonymise_carer, true, Admin, "Anonymise a closed carer's record (confirm with its reference): names, contact details and free text removed, counts kept";
    cared_for_anonymise: subject::AnonymiseArgs => subject::anonymise_cared_for, true, Admin, "Anonymise a cared-for person's record once nobody caring for them has an open record (confirm with its reference)";
    retention_due: NoArgs => subject::due, false, Admin, "Records past retention (closed carers, and cared-for people with no open carer) for an administrator to review";
    register_export: export::ExportArgs => export::register_export, false, Admin, "Export the whole register (for moving systems): a CSV file per table, one JSON file, a data dictionary and the pictures, in a new folder";
    import_read: import::ReadArgs => import::read_file, false, Admin, "Read a spreadsheet to import (CSV, XLSX, XLS, ODS): sheets, columns with samples and suggested fields, a matching saved mapping";
    import_values: import::FileArgs => import::values, false, Admin, "The different values in each mapped choice column of a spreadsheet, with the code each one suggests";
    import_dry_run: import::FileArgs => import::dry_run, false, Admin, "Check a spreadsheet import without writing: rows to create, errors by row and column, likely duplicates, a preview";
    import_commit: import::CommitArgs => import::commit, true, Admin, "Import carers (and cared-for people, linked) from a spreadsheet: every row in one transaction, or none if any row has an error";
    import_mapping_list: NoArgs => import::mapping_list, false, Admin, "Saved import mappings (columns, date format, values)";
    import_mapping_save: import::MappingSaveArgs => import::mapping_save, true, Admin, "Save an import mapping under a name (new, or changing one by id)";
    import_mapping_delete: IdArgs => import::mapping_delete, true, Admin, "Delete a saved import mapping";
    report_periods: NoArgs => reports::periods, false, Counts, "The monitoring report's quick picks: this quarter, last quarter, financial year to date, last financial year";
    report_run: reports::RunArgs => reports::run, false, Counts, "The monitoring report for a period: every figure with its description and breakdown (no names)";
    report_records: reports::RecordsArgs => reports::records, false, Records, "The records behind one figure (or one row of it) of the monitoring report";
    report_export: reports::export::ExportArgs => reports::export::export, false, Counts, "Export the monitoring report as CSV files (one per group), JSON or an A4 PDF, with small numbers shown as <5 if Settings says so";
}

/// Commands that write many rows at once. After one commits, the write-ahead log is
/// checkpointed and truncated, so the saves that follow do not pay for it (docs/benchmarks.md).
pub const BULK: &[&str] = &["demo_data_load", "setup_choose", "import_commit"];

pub fn find(name: &str) -> Result<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name).ok_or_else(|| Error::UnknownCommand(name.to_string()))
}

/// The list `carers-desk-cli commands` prints: every command, the session commands first.
pub fn describe() -> Value {
    Value::Array(
        COMMANDS
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c.name,
                    "summary": c.summary,
                    "changes_data": c.changes,
                    "access": c.access,
                    "args": c.args_schema(),
                })
            })
            .collect(),
    )
}
