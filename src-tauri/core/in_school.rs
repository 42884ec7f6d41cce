//! What school staff record and see in their own school, and what the carers service does with
//! it:
//!
//! - **referrals** of young carers to the carers service (who they are, who they care for and
//!   what they do, how the school knows, the young person's and a parent's consent), which the
//!   carers service accepts into the register (a carer record linked to the school) or
//!   signposts elsewhere; the school sees what happened to each of its referrals;
//! - **notes "in school"** on a pupil's timeline, written as the signed-in member of staff;
//! - **a pupil's page**: what school staff may see of one of their young carers (school details,
//!   agreed adjustments, in-school notes, transition milestones, whether a young carer card is
//!   held), never the case record.
//!
//! School staff are limited to their school exactly as everywhere else: every command here with
//! `school` access checks [`Ctx::check_school`] or [`Ctx::check_pupil`], or filters by
//! [`Ctx::school_scope`]. Deciding a referral needs `records` access (the carers service).

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::args::{CarerArgs, IdArgs};
use crate::carers::{self, CarerInput, SCHOOL_UNDER};
use crate::choices::{CensusCode, NoteKind, YearGroup};
use crate::context::{Ctx, Touched};
use crate::dates;
use crate::error::{Error, Result};
use crate::register;
use crate::schools::{self, Adjustment};
use crate::transition::{self, Milestone};
use crate::validate::{Check, LONG_TEXT_MAX, NAME_MAX, TEXT_MAX};

/// Below this age a parent's consent is needed for a referral, unless the school says why it
/// was not asked (Gillick competence is judged for each child; a younger child is not asked
/// to consent alone).
pub const PARENT_CONSENT_UNDER: u32 = 13;

/// A referral as the school types it.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralInput {
    /// The referring school. School staff: their own school (they may leave it out).
    pub school_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub preferred_name: Option<String>,
    /// DD/MM/YYYY or YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    /// A `year_group` code.
    pub year_group: Option<String>,
    pub tutor_group: Option<String>,
    /// Who they care for, in the school's words: relationship and what is wrong.
    pub cares_for: Option<String>,
    /// What they do for them.
    pub caring_tasks: Option<String>,
    /// How the school knows: `S` (the school identified them) or `P` (a parent told the school).
    pub identified_by: Option<String>,
    /// More about how the school knows (optional).
    pub how_known: Option<String>,
    /// The young person agrees to the referral.
    pub young_person_consent: bool,
    /// A `parent_consent` code: `given`, `not_needed` or `not_asked`.
    pub parent_consent: Option<String>,
    /// Why a parent was not asked (needed for `not_asked`).
    pub parent_consent_note: Option<String>,
    /// The member of staff the young person can go to.
    pub staff_contact: Option<String>,
}

/// A referral, with what the carers service decided.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Referral {
    pub id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: Option<String>,
    pub name: String,
    pub date_of_birth: String,
    pub age: u32,
    pub year_group: Option<String>,
    pub year_group_label: Option<String>,
    pub tutor_group: Option<String>,
    pub cares_for: String,
    pub caring_tasks: String,
    pub identified_by: String,
    pub identified_by_label: String,
    pub how_known: Option<String>,
    pub young_person_consent: bool,
    pub parent_consent: String,
    pub parent_consent_label: String,
    pub parent_consent_note: Option<String>,
    pub staff_contact: Option<String>,
    pub referred_on: String,
    pub referred_by: String,
    /// `new`, `accepted` or `signposted`.
    pub status: String,
    pub status_label: String,
    pub decided_on: Option<String>,
    pub decided_by: Option<String>,
    /// Signposted: where to and why; accepted: anything the school should know.
    pub outcome_note: Option<String>,
    /// The carer record made or used on accepting, or recording a signposted contact (for the
    /// carers service; school staff see it only once accepted: the pupil's page, once the young
    /// carer is linked to their school).
    pub carer_id: Option<i64>,
    pub carer_reference: Option<String>,
    /// Carers already in the register with the same date of birth and last name (for the
    /// carers service deciding a new referral; empty for school staff and decided referrals).
    pub possible_matches: Vec<Match>,
}

/// A carer already in the register who may be the referred young person.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Match {
    pub carer_id: i64,
    pub reference: String,
    pub name: String,
    pub status: String,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ListArgs {
    /// `new`, `accepted` or `signposted`; absent: every referral.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptArgs {
    pub id: i64,
    /// An existing carer record to link instead of making a new one (one of the possible
    /// matches, or any young carer the service already knows).
    #[serde(default)]
    pub carer_id: Option<i64>,
    /// Make a new record although carers with the same date of birth and last name exist.
    #[serde(default)]
    pub confirm_new: bool,
    /// Anything the school should know (shown to the school with the outcome).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignpostArgs {
    pub id: i64,
    /// Where the young person was signposted, and why (shown to the school).
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteArgs {
    pub carer_id: i64,
    /// DD/MM/YYYY or YYYY-MM-DD; not in the future. Default: today.
    #[serde(default)]
    pub date: Option<String>,
    pub text: Option<String>,
}

/// What school staff may see of one of their young carers.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Pupil {
    pub carer_id: i64,
    pub reference: String,
    pub name: String,
    pub age: u32,
    pub school_id: i64,
    pub school_name: String,
    pub year_group_label: Option<String>,
    pub tutor_group: Option<String>,
    pub census_label: Option<String>,
    pub identified_on: Option<String>,
    pub staff_contact: Option<String>,
    /// Active adjustments first, then ended ones.
    pub adjustments: Vec<Adjustment>,
    /// Notes written "in school" (other case notes are not shown to the school), newest first.
    pub notes: Vec<SchoolNote>,
    pub milestones: Vec<Milestone>,
    pub milestones_missing: Option<String>,
    /// The young carer card they hold (active and valid today), if any.
    pub card: Option<CardHeld>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SchoolNote {
    pub id: i64,
    pub date: String,
    pub author: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CardHeld {
    pub number: String,
    pub valid_until: String,
}

fn consent_label(code: &str) -> &'static str {
    match code {
        "given" => "A parent has agreed",
        "not_needed" => "Not needed: the young person agreed for themself",
        _ => "Not asked",
    }
}

fn status_label(code: &str) -> &'static str {
    match code {
        "accepted" => "Registered for support",
        "signposted" => "Signposted elsewhere",
        _ => "Waiting for the carers service",
    }
}

const COLUMNS: &str = "r.id, r.school_id, s.name, r.first_name, r.last_name, r.preferred_name, r.date_of_birth,
    r.year_group, r.tutor_group, r.cares_for, r.caring_tasks, r.identified_by, r.how_known,
    r.young_person_consent, r.parent_consent, r.parent_consent_note, r.staff_contact, r.referred_on,
    r.referred_by, r.status, r.decided_on, r.decided_by, r.outcome_note, r.carer_id, c.reference";

fn from_row(r: &rusqlite::Row<'_>, today: chrono::NaiveDate) -> rusqlite::Result<Referral> {
    let first: String = r.get(3)?;
    let last: String = r.get(4)?;
    let preferred: Option<String> = r.get(5)?;
    let dob: String = r.get(6)?;
    let year: Option<YearGroup> = r.get(7)?;
    let census: CensusCode = r.get(11)?;
    let consent: String = r.get(14)?;
    let status: String = r.get(19)?;
    Ok(Referral {
        id: r.get(0)?,
        school_id: r.get(1)?,
        school_name: r.get(2)?,
        name: schools::display_name(&first, &last, preferred.as_deref()),
        age: carers::age_from_iso(&dob, today),
        first_name: first,
        last_name: last,
        preferred_name: preferred,
        date_of_birth: dob,
        year_group: year.map(|y| y.code().into()),
        year_group_label: year.map(|y| y.label().into()),
        tutor_group: r.get(8)?,
        cares_for: r.get(9)?,
        caring_tasks: r.get(10)?,
        identified_by: census.code().into(),
        identified_by_label: census.label().into(),
        how_known: r.get(12)?,
        young_person_consent: r.get(13)?,
        parent_consent_label: consent_label(&consent).into(),
        parent_consent: consent,
        parent_consent_note: r.get(15)?,
        staff_contact: r.get(16)?,
        referred_on: r.get(17)?,
        referred_by: r.get(18)?,
        status_label: status_label(&status).into(),
        status,
        decided_on: r.get(20)?,
        decided_by: r.get(21)?,
        outcome_note: r.get(22)?,
        carer_id: r.get(23)?,
        carer_reference: r.get(24)?,
        possible_matches: Vec::new(),
    })
}

fn load(ctx: &Ctx<'_>, id: i64) -> Result<Referral> {
    let sql = format!(
        "SELECT {COLUMNS} FROM school_referrals r JOIN schools s ON s.id = r.school_id
         LEFT JOIN carers c ON c.id = r.carer_id WHERE r.id = ?1"
    );
    let referral = ctx
        .tx
        .query_row(&sql, [id], |r| from_row(r, ctx.today()))
        .optional()?
        .ok_or(Error::NotFound { what: "that referral" })?;
    ctx.check_school(referral.school_id)?;
    Ok(as_seen_by(ctx, referral))
}

/// School staff see the record behind a referral only once the young carer is accepted (a
/// signposted contact's record is the carers service's, not the school's).
fn as_seen_by(ctx: &Ctx<'_>, mut referral: Referral) -> Referral {
    if ctx.school_scope().is_some() && referral.status != "accepted" {
        referral.carer_id = None;
        referral.carer_reference = None;
    }
    referral
}

/// Carers with the same date of birth and last name (any case), for the service to check.
fn matches(ctx: &Ctx<'_>, referral: &Referral) -> Result<Vec<Match>> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT id, reference, first_name, last_name, preferred_name, status FROM carers
         WHERE date_of_birth = ?1 AND last_name = ?2 COLLATE NOCASE AND anonymised_on IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map(params![referral.date_of_birth, referral.last_name], |r| {
        let first: String = r.get(2)?;
        let last: String = r.get(3)?;
        let preferred: Option<String> = r.get(4)?;
        Ok(Match {
            carer_id: r.get(0)?,
            reference: r.get(1)?,
            name: schools::display_name(&first, &last, preferred.as_deref()),
            status: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One referral; the carers service also sees the possible matches of a new one.
pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Referral> {
    let mut referral = load(ctx, args.id)?;
    if ctx.school_scope().is_none() && referral.status == "new" {
        referral.possible_matches = matches(ctx, &referral)?;
    }
    Ok(referral)
}

/// The referrals: school staff see their own school's, the carers service every school's.
/// Newest first, new ones first of all.
pub fn list(ctx: &mut Ctx<'_>, args: ListArgs) -> Result<Vec<Referral>> {
    if let Some(s) = args.status.as_deref() {
        if !["new", "accepted", "signposted"].contains(&s) {
            return Err(Error::field(
                "status",
                "choose new, accepted or signposted (or leave it out for every referral)",
            ));
        }
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM school_referrals r JOIN schools s ON s.id = r.school_id
         LEFT JOIN carers c ON c.id = r.carer_id
         WHERE (?1 IS NULL OR r.school_id = ?1) AND (?2 IS NULL OR r.status = ?2)
         ORDER BY r.status = 'new' DESC, r.referred_on DESC, r.id DESC"
    );
    let today = ctx.today();
    let mut stmt = ctx.tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![ctx.school_scope(), args.status], |r| from_row(r, today))?;
    let rows: Vec<Referral> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().map(|r| as_seen_by(ctx, r)).collect())
}

/// Checks a referral as typed; returns it with the school it is from.
// Long: one check per field of the referral form, in its order, so that errors come back in the
// order the form shows them.
fn check(ctx: &Ctx<'_>, input: &ReferralInput) -> Result<(i64, Checked)> {
    let mut c = Check::new("");
    let school_id = match (ctx.school_scope(), input.school_id) {
        (Some(own), Some(other)) if other != own => {
            return Err(Error::NotPermitted(crate::context::OTHER_SCHOOL.into()))
        }
        (Some(own), _) => Some(own),
        (None, Some(id)) => match schools::load(ctx.tx, id) {
            Ok(_) => Some(id),
            Err(Error::NotFound { .. }) => {
                c.fail("school_id", "that school is not recorded: choose one from the list, or add the school first");
                None
            }
            Err(e) => return Err(e),
        },
        (None, None) => {
            c.fail("school_id", "choose the school making the referral");
            None
        }
    };
    let first = c.required("first_name", "First name", &input.first_name, NAME_MAX);
    let last = c.required("last_name", "Last name", &input.last_name, NAME_MAX);
    let preferred = c.text("preferred_name", "Preferred name", &input.preferred_name, NAME_MAX);
    let dob = c.required_past_date(
        "date_of_birth",
        "Date of birth",
        &input.date_of_birth,
        ctx.today(),
        "enter their date of birth, for example 14/02/2012",
    );
    let age = dob.and_then(|d| dates::age_on(d, ctx.today()));
    if let Some(age) = age {
        if age >= SCHOOL_UNDER {
            c.fail(
                "date_of_birth",
                format!("a school referral is for young carers under {SCHOOL_UNDER}: check the date of birth (they would be {age})"),
            );
        }
    }
    let year = c.required_choice("year_group", &input.year_group, YearGroup::parse, "choose their year group");
    let tutor = c.text("tutor_group", "Tutor group", &input.tutor_group, 40);
    let cares_for = c.required("cares_for", "Who they care for", &input.cares_for, TEXT_MAX);
    let tasks = c.required("caring_tasks", "What they do", &input.caring_tasks, LONG_TEXT_MAX);
    let identified = c.required_choice(
        "identified_by",
        &input.identified_by,
        CensusCode::parse,
        "say how the school knows: the school identified them, or a parent told the school",
    );
    if identified == Some(CensusCode::NotDeclared) {
        c.fail("identified_by", "say how the school knows: the school identified them, or a parent told the school");
    }
    let how_known = c.text("how_known", "How the school knows", &input.how_known, LONG_TEXT_MAX);
    if !input.young_person_consent {
        c.fail(
            "young_person_consent",
            "ask the young person first: a referral needs their agreement (talk to the carers service if you are worried about them)",
        );
    }
    let consent = match input.parent_consent.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code @ ("given" | "not_needed" | "not_asked")) => Some(code.to_string()),
        Some(_) | None => {
            c.fail("parent_consent", "say whether a parent has agreed, is not needed, or was not asked");
            None
        }
    };
    let consent_note =
        c.text("parent_consent_note", "Why a parent was not asked", &input.parent_consent_note, TEXT_MAX);
    if consent.as_deref() == Some("not_asked") && consent_note.is_none() {
        c.fail("parent_consent_note", "say why a parent was not asked (for example, a safeguarding concern at home)");
    }
    if consent.as_deref() == Some("not_needed") && age.is_some_and(|a| a < PARENT_CONSENT_UNDER) {
        c.fail(
            "parent_consent",
            format!("a child under {PARENT_CONSENT_UNDER} needs a parent's agreement: ask a parent, or choose 'not asked' and say why"),
        );
    }
    let contact = c.text("staff_contact", "Staff contact", &input.staff_contact, NAME_MAX);
    c.finish()?;
    Ok((
        school_id.expect("checked"),
        Checked {
            first,
            last,
            preferred,
            dob: dates::iso(dob.expect("checked")),
            year: year.expect("checked"),
            tutor,
            cares_for,
            tasks,
            identified: identified.expect("checked"),
            how_known,
            consent: consent.expect("checked"),
            consent_note,
            contact,
        },
    ))
}

struct Checked {
    first: String,
    last: String,
    preferred: Option<String>,
    dob: String,
    year: YearGroup,
    tutor: Option<String>,
    cares_for: String,
    tasks: String,
    identified: CensusCode,
    how_known: Option<String>,
    consent: String,
    consent_note: Option<String>,
    contact: Option<String>,
}

/// A school refers a young carer to the carers service.
pub fn create(ctx: &mut Ctx<'_>, input: ReferralInput) -> Result<Referral> {
    let (school_id, r) = check(ctx, &input)?;
    let now = ctx.now();
    ctx.tx.execute(
        "INSERT INTO school_referrals (school_id, first_name, last_name, preferred_name, date_of_birth, year_group,
             tutor_group, cares_for, caring_tasks, identified_by, how_known, young_person_consent, parent_consent,
             parent_consent_note, staff_contact, referred_on, referred_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
        params![
            school_id,
            r.first,
            r.last,
            r.preferred,
            r.dob,
            r.year,
            r.tutor,
            r.cares_for,
            r.tasks,
            r.identified,
            r.how_known,
            r.consent,
            r.consent_note,
            r.contact,
            dates::iso(ctx.today()),
            ctx.actor().name,
            now
        ],
    )?;
    let id = ctx.tx.last_insert_rowid();
    load(ctx, id)
}

/// The register's record made from a school's referral, with the referral's `outcome`: who
/// the young person is, that the school referred them and when, and the consent the referral
/// carried.
fn referred_carer(referral: &Referral, outcome: &str) -> CarerInput {
    CarerInput {
        first_name: Some(referral.first_name.clone()),
        last_name: Some(referral.last_name.clone()),
        preferred_name: referral.preferred_name.clone(),
        date_of_birth: Some(referral.date_of_birth.clone()),
        date_first_identified: Some(referral.referred_on.clone()),
        referral_source: Some("school".into()),
        referral_outcome: Some(outcome.into()),
        referrer_name: Some(format!("{}, {}", referral.referred_by, referral.school_name)),
        consent_given: true,
        consent_date: Some(referral.referred_on.clone()),
        consent_recorded_by: Some(referral.referred_by.clone()),
        ..CarerInput::default()
    }
}

fn ensure_new(referral: &Referral) -> Result<()> {
    if referral.status == "new" {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "this referral was already decided on {} ({}): it cannot be decided again",
            referral.decided_on.as_deref().map(dates::uk_text).unwrap_or_default(),
            referral.status_label.to_lowercase()
        )))
    }
}

/// The carers service accepts a referral: the young person is registered (a new carer record,
/// or one already known) and linked to the referring school.
pub fn accept(ctx: &mut Ctx<'_>, args: AcceptArgs) -> Result<Referral> {
    let referral = load(ctx, args.id)?;
    ensure_new(&referral)?;
    let mut c = Check::new("");
    let note = c.text("note", "Note for the school", &args.note, TEXT_MAX);
    c.finish()?;
    let carer_id = match args.carer_id {
        Some(id) => {
            let existing = register::load(ctx.tx, id, ctx.today())?;
            if existing.status != "open" {
                return Err(Error::field(
                    "carer_id",
                    format!("{} is closed: reopen the record first, or make a new one", existing.reference),
                ));
            }
            id
        }
        None => {
            let found = matches(ctx, &referral)?;
            if !found.is_empty() && !args.confirm_new {
                let refs: Vec<String> = found.iter().map(|m| format!("{} ({})", m.name, m.reference)).collect();
                return Err(Error::NeedsConfirmation {
                    code: "possible_duplicate",
                    field: "confirm_new",
                    message: format!(
                        "the register already has {} with this date of birth and last name: add the referral to that record, or confirm this is someone else",
                        refs.join(", ")
                    ),
                });
            }
            // Only an accepted young carer is linked to the school (a signposted one is not), so
            // only their record says it may be shared with the school.
            let input = CarerInput { consent_share_school: true, ..referred_carer(&referral, "accepted") };
            register::create(ctx, input)?.id
        }
    };
    schools::link_save(
        ctx,
        &schools::LinkArgs {
            carer_id,
            school_id: Some(referral.school_id),
            year_group: referral.year_group.clone(),
            tutor_group: referral.tutor_group.clone(),
            census_code: Some(referral.identified_by.clone()),
            identified_on: Some(referral.referred_on.clone()),
            staff_contact: referral.staff_contact.clone(),
        },
    )?;
    ctx.tx.execute(
        "UPDATE school_referrals SET status = 'accepted', decided_on = ?1, decided_by = ?2, outcome_note = ?3,
             carer_id = ?4, updated_at = ?5 WHERE id = ?6",
        params![dates::iso(ctx.today()), ctx.actor().name, note, carer_id, ctx.now(), args.id],
    )?;
    ctx.touch(Touched::ChangedCarer(carer_id));
    load(ctx, args.id)
}

/// The carers service signposts the young person elsewhere. The contact is recorded as every
/// signposted contact is: a record with the outcome "information and signposting only"
/// (referral source "school", first identified on the day of the referral), not linked to the
/// school and not registered for support, so the monitoring report counts it among the
/// referrals received and signposted only, and retention treats it like any other. Someone
/// already in the register with the same name and date of birth keeps their record: the
/// referral points to it and nothing is added.
pub fn signpost(ctx: &mut Ctx<'_>, args: SignpostArgs) -> Result<Referral> {
    let referral = load(ctx, args.id)?;
    ensure_new(&referral)?;
    let mut c = Check::new("");
    let note = c.required("note", "Where they were signposted", &args.note, TEXT_MAX);
    c.finish()?;
    let known = matches(ctx, &referral)?.into_iter().find(|m| {
        let first = carers::read(ctx.tx, m.carer_id).ok().and_then(|c| c.details.first_name);
        first.is_some_and(|f| f.to_lowercase() == referral.first_name.to_lowercase())
    });
    let carer_id = match known {
        Some(m) => m.carer_id,
        None => {
            let input = referred_carer(&referral, "signposted");
            register::create(ctx, input)?.id
        }
    };
    ctx.tx.execute(
        "UPDATE school_referrals SET status = 'signposted', decided_on = ?1, decided_by = ?2, outcome_note = ?3,
             carer_id = ?4, updated_at = ?5 WHERE id = ?6",
        params![dates::iso(ctx.today()), ctx.actor().name, note, carer_id, ctx.now(), args.id],
    )?;
    ctx.touch(Touched::ChangedCarer(carer_id));
    load(ctx, args.id)
}

fn school_notes(ctx: &Ctx<'_>, carer_id: i64) -> Result<Vec<SchoolNote>> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT id, date, author, text FROM notes WHERE carer_id = ?1 AND kind = ?2 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map(params![carer_id, NoteKind::InSchool], |r| {
        Ok(SchoolNote { id: r.get(0)?, date: r.get(1)?, author: r.get(2)?, text: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A note "in school" on a pupil's timeline, by the signed-in member of staff.
pub fn note_add(ctx: &mut Ctx<'_>, args: NoteArgs) -> Result<Vec<SchoolNote>> {
    ctx.check_pupil(args.carer_id)?;
    carers::ensure_exists(ctx.tx, args.carer_id)?;
    let mut c = Check::new("");
    let date = match args.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(ctx.today()),
        Some(_) => c.past_date("date", "Date", &args.date, ctx.today()),
    };
    let text = c.required("text", "Note", &args.text, LONG_TEXT_MAX);
    c.finish()?;
    ctx.tx.execute(
        "INSERT INTO notes (carer_id, date, kind, author, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![args.carer_id, date.map(dates::iso), NoteKind::InSchool, ctx.actor().name, text, ctx.now()],
    )?;
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    school_notes(ctx, args.carer_id)
}

/// What school staff may see of one of their young carers.
pub fn pupil_get(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<Pupil> {
    ctx.check_pupil(args.carer_id)?;
    let link = schools::link_for(ctx.tx, args.carer_id)?.ok_or(Error::NotFound { what: "that pupil" })?;
    let young = transition::young_carer(ctx.tx, args.carer_id, ctx.today())?;
    let reference = carers::read(ctx.tx, args.carer_id)?.reference;
    let card = ctx
        .tx
        .query_row(
            "SELECT number, valid_until FROM passports WHERE carer_id = ?1 AND kind = 'young_carer'
                 AND status = 'active' AND valid_until >= ?2 ORDER BY valid_until DESC, id DESC LIMIT 1",
            params![args.carer_id, dates::iso(ctx.today())],
            |r| Ok(CardHeld { number: r.get(0)?, valid_until: r.get(1)? }),
        )
        .optional()?;
    let notes = school_notes(ctx, args.carer_id)?;
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    Ok(Pupil {
        carer_id: args.carer_id,
        reference,
        name: young.name,
        age: young.age,
        school_id: link.school_id,
        school_name: link.school_name,
        year_group_label: link.year_group_label,
        tutor_group: link.tutor_group,
        census_label: link.census_label,
        identified_on: link.identified_on,
        staff_contact: link.staff_contact,
        adjustments: young.adjustments,
        notes,
        milestones: young.milestones,
        milestones_missing: young.milestones_missing,
        card,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_every_code_the_table_allows() {
        for code in ["given", "not_needed", "not_asked"] {
            assert!(!consent_label(code).is_empty());
        }
        assert_eq!(status_label("new"), "Waiting for the carers service");
        assert_eq!(status_label("accepted"), "Registered for support");
        assert_eq!(status_label("signposted"), "Signposted elsewhere");
    }
}
