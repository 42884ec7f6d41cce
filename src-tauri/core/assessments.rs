//! Carers' assessments: adult (Care Act 2014 s10), young carer (Children Act 1989 s17ZA),
//! parent carer (s17ZD) and young carer's transition assessment (Care Act 2014 s63-64). The
//! forms are data ([`forms`]); this module keeps the records and their lifecycle:
//!
//! - **draft**: started for a carer (warning when the type does not fit their age), saved as
//!   often as the window likes (partial answers, merged into what is stored, only what is
//!   there checked), each save returning a live preview of the determination and scores;
//! - **completed**: every required answer given, the determination (adult) or the indication of
//!   eligibility at 18 (transition, stored in the same place, marked `indication`) and scores
//!   (young carer) stored with their explanation, and the record locked;
//! - **new version**: a completed assessment is changed by starting a draft copy (version + 1,
//!   `previous_id` set); the old one stays readable.

pub mod forms;

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::args::IdArgs;
use crate::args::NoArgs;
use crate::carers::ADULT_AGE;
use crate::context::{Ctx, Touched};
use crate::eligibility::{Determination, EligibilityResult, Outcome, WellbeingArea};
use crate::error::{Error, FieldError, Result};
use crate::instruments::Score;
use crate::validate::{Check, LONG_TEXT_MAX};
pub use forms::{AssessmentType, Evaluation, Form};

/// The message when a completed assessment would be changed.
pub const LOCKED: &str = "completed assessments are locked: start a new version to change the answers";

/// One need the assessment identified, for the support plan to take over.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Need {
    /// 1, 2, 3 ... in the order given.
    pub position: u32,
    pub description: String,
    /// An `eligibility_outcome` code.
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
    /// A `wellbeing_area` code.
    pub wellbeing_area: Option<String>,
    pub wellbeing_area_label: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedInput {
    pub description: Option<String>,
    /// An `eligibility_outcome` code.
    pub outcome: Option<String>,
    /// A `wellbeing_area` code.
    pub wellbeing_area: Option<String>,
}

/// One version of an assessment, for the list of versions.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VersionSummary {
    pub id: i64,
    pub version: u32,
    pub status: String,
    pub assessed_on: Option<String>,
    pub completed_at: Option<String>,
}

/// An assessment with everything about it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    pub id: i64,
    /// `A-000001`, shared by every version of one assessment.
    pub reference: String,
    pub carer_id: i64,
    /// An `assessment_type` code.
    #[serde(rename = "type")]
    pub kind: String,
    pub type_label: String,
    /// `draft` or `completed`.
    pub status: String,
    pub version: u32,
    /// The completed version this one revises.
    pub previous_id: Option<i64>,
    /// The newer version that revises this one, if any.
    pub next_id: Option<i64>,
    /// Keyed by question code (see `assessment_forms`).
    pub answers: Map<String, Value>,
    pub needs: Vec<Need>,
    pub assessed_on: Option<String>,
    /// The age warning the user confirmed when starting it, if any.
    pub age_warning: Option<String>,
    /// Stored when completed (adult carer's assessment): what prints later. A transition
    /// assessment that went ahead stores its **indication** of eligibility at 18 here
    /// (`indication: true`): never a determination.
    pub determination: Option<Determination>,
    /// Stored when completed (young carer's assessment): keyed by instrument code.
    pub scores: Option<BTreeMap<String, Score>>,
    /// Drafts only: the determination and scores of the answers so far, what is still
    /// missing before it can be completed, and answers to put right first.
    pub preview: Option<Preview>,
    /// What the form does not ask with these answers (its `when` conditions): the window hides
    /// these and leaves them out of its counts. Answers given to them are kept.
    pub not_asked: NotAsked,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub completed_at: Option<String>,
    pub completed_by: Option<String>,
    /// Every version of this assessment, oldest first (this one included).
    pub versions: Vec<VersionSummary>,
}

/// The sections and questions of a form that are not asked with an assessment's answers.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct NotAsked {
    /// Section codes.
    pub sections: Vec<String>,
    /// Question codes (in sections that are asked).
    pub questions: Vec<String>,
}

impl NotAsked {
    fn of(form: &forms::Form, answers: &Map<String, Value>) -> NotAsked {
        let mut out = NotAsked::default();
        for s in &form.sections {
            if !form.section_asked(s, answers) {
                out.sections.push(s.code.clone());
                continue;
            }
            out.questions.extend(s.questions.iter().filter(|q| !form.asked(&q.code, answers)).map(|q| q.code.clone()));
        }
        out
    }
}

/// A draft's live evaluation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Preview {
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// Required answers still missing, each named by its path.
    pub missing: Vec<FieldError>,
}

/// A line of a carer's assessment history.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessmentSummary {
    pub id: i64,
    pub reference: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub type_label: String,
    pub status: String,
    pub version: u32,
    pub assessed_on: Option<String>,
    pub created_at: String,
    pub completed_at: Option<String>,
    /// A newer version revises this one.
    pub superseded: bool,
    /// Completed adult assessments: `eligible` / `not_eligible`; completed transition
    /// assessments: `likely_eligible` / `not_likely_eligible` (an indication) or `not_assessed`
    /// (it did not go ahead); otherwise `null`.
    pub result: Option<String>,
    /// One line for the history: the result (a transition assessment's starts "Indication:"),
    /// the scores, or "Draft".
    pub summary: String,
}

/// One point of a young carer's questionnaire chart.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScorePoint {
    pub id: i64,
    pub reference: String,
    pub version: u32,
    pub assessed_on: Option<String>,
    /// `null` when the MACA-YC18 was not fully answered (never 0).
    pub maca_total: Option<u32>,
    pub maca_band: Option<String>,
    pub maca_band_label: Option<String>,
    pub panoc_positive: Option<u32>,
    pub panoc_positive_band: Option<String>,
    pub panoc_negative: Option<u32>,
    pub panoc_negative_band: Option<String>,
    /// Flags raised (`safeguarding`).
    pub flags: Vec<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FormsOut {
    /// One form per type: sections, questions (code, label, kind, required, choices).
    pub forms: Vec<Form>,
    /// The lists `outcomes` and `wellbeing` questions use, and the assessment types.
    pub lists: Map<String, Value>,
    /// The questionnaires `instrument` questions use: items, answer scale, subscales, bands.
    pub instruments: Vec<crate::instruments::Definition>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartArgs {
    pub carer_id: i64,
    /// `adult`, `young_carer`, `parent_carer` or `transition`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Continue although the type does not fit the carer's age (after an `age_warning`).
    #[serde(default)]
    pub confirm_age_warning: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveArgs {
    pub id: i64,
    /// Answers to change, keyed by question code; `null` clears one; questions not sent keep
    /// their answers. Outcomes, wellbeing areas and questionnaire items merge one by one.
    #[serde(default)]
    pub answers: Map<String, Value>,
    /// When given, replaces the list of needs identified.
    pub needs: Option<Vec<NeedInput>>,
    /// When given, the date of the assessment (`""` clears it).
    pub assessed_on: Option<String>,
}

use crate::args::CarerArgs;

const COLUMNS: &str = "id, reference, carer_id, type, status, version, previous_id, answers, determination, scores,
    assessed_on, age_warning, created_at, created_by, updated_at, updated_by, completed_at, completed_by";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Assessment> {
    let kind: AssessmentType = r.get(3)?;
    let json_err = |i: usize, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let answers: String = r.get(7)?;
    let determination: Option<String> = r.get(8)?;
    let scores: Option<String> = r.get(9)?;
    Ok(Assessment {
        id: r.get(0)?,
        reference: r.get(1)?,
        carer_id: r.get(2)?,
        kind: kind.code().to_string(),
        type_label: kind.label().to_string(),
        status: r.get(4)?,
        version: r.get(5)?,
        previous_id: r.get(6)?,
        next_id: None,
        answers: serde_json::from_str(&answers).map_err(|e| json_err(7, e))?,
        needs: vec![],
        determination: determination.map(|d| serde_json::from_str(&d)).transpose().map_err(|e| json_err(8, e))?,
        scores: scores.map(|s| serde_json::from_str(&s)).transpose().map_err(|e| json_err(9, e))?,
        preview: None,
        not_asked: NotAsked::default(),
        assessed_on: r.get(10)?,
        age_warning: r.get(11)?,
        created_at: r.get(12)?,
        created_by: r.get(13)?,
        updated_at: r.get(14)?,
        updated_by: r.get(15)?,
        completed_at: r.get(16)?,
        completed_by: r.get(17)?,
        versions: vec![],
    })
}

fn kind_of(a: &Assessment) -> AssessmentType {
    AssessmentType::from_code(&a.kind).expect("read from the database through the list")
}

/// The row alone (no needs, versions or preview).
fn row(conn: &Connection, id: i64) -> Result<Assessment> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM assessments WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(Error::NotFound { what: "that assessment" })
}

fn needs_for(conn: &Connection, id: i64) -> Result<Vec<Need>> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, description, outcome, wellbeing_area FROM assessment_needs
         WHERE assessment_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([id], |r| {
        let outcome: Option<String> = r.get(2)?;
        let area: Option<String> = r.get(3)?;
        Ok(Need {
            position: r.get(0)?,
            description: r.get(1)?,
            outcome_label: outcome.as_deref().and_then(Outcome::from_code).map(|o| o.label().to_string()),
            outcome,
            wellbeing_area_label: area.as_deref().and_then(WellbeingArea::from_code).map(|a| a.label().to_string()),
            wellbeing_area: area,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every version in the line this assessment belongs to, oldest first.
fn versions_of(conn: &Connection, id: i64) -> Result<Vec<VersionSummary>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE
           up (id, previous_id) AS (
             SELECT id, previous_id FROM assessments WHERE id = ?1
             UNION ALL SELECT a.id, a.previous_id FROM assessments a JOIN up ON a.id = up.previous_id),
           down (id) AS (
             SELECT id FROM up WHERE previous_id IS NULL
             UNION ALL SELECT a.id FROM assessments a JOIN down ON a.previous_id = down.id)
         SELECT a.id, a.version, a.status, a.assessed_on, a.completed_at
         FROM assessments a JOIN down ON a.id = down.id ORDER BY a.version",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(VersionSummary {
            id: r.get(0)?,
            version: r.get(1)?,
            status: r.get(2)?,
            assessed_on: r.get(3)?,
            completed_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The whole assessment, with a preview when it is a draft.
pub fn load(conn: &Connection, id: i64) -> Result<Assessment> {
    let mut a = row(conn, id)?;
    a.needs = needs_for(conn, id)?;
    a.versions = versions_of(conn, id)?;
    a.next_id = conn.query_row("SELECT id FROM assessments WHERE previous_id = ?1", [id], |r| r.get(0)).optional()?;
    let form = forms::form(kind_of(&a));
    a.not_asked = NotAsked::of(form, &a.answers);
    if a.status == "draft" {
        a.preview = Some(Preview {
            evaluation: forms::evaluate(kind_of(&a), &a.answers),
            missing: forms::missing(form, &a.answers),
        });
    }
    Ok(a)
}

pub fn forms_list(_: &mut Ctx<'_>, _: NoArgs) -> Result<FormsOut> {
    Ok(FormsOut {
        forms: forms::builtin().to_vec(),
        lists: forms::lists(),
        instruments: crate::instruments::builtin().to_vec(),
    })
}

/// The age from which a transition assessment is usual: preparing for adulthood starts at 14.
pub const TRANSITION_USUAL_FROM: u32 = 14;

/// Why a type does not fit a carer of this age, if it does not.
pub fn age_warning(kind: AssessmentType, name: &str, age: u32) -> Option<String> {
    match kind {
        AssessmentType::Adult | AssessmentType::ParentCarer if age < ADULT_AGE => Some(format!(
            "{name} is {age}: the {} is for carers aged 18 or over, and a young carer's needs assessment (Children Act 1989 s17ZA) is usually the right one; you may continue by confirming",
            kind.label().to_lowercase()
        )),
        AssessmentType::YoungCarer if age >= ADULT_AGE => Some(format!(
            "{name} is {age}: a young carer's needs assessment is for carers under 18, and an adult carer's assessment (Care Act 2014 s10) is usually the right one; you may continue by confirming"
        )),
        AssessmentType::Transition if age >= ADULT_AGE => Some(format!(
            "{name} is {age}: a transition assessment (Care Act 2014 s63) is for young carers under 18, looking ahead to their 18th birthday, and an adult carer's assessment (Care Act 2014 s10) is usually the right one now; you may continue by confirming"
        )),
        AssessmentType::Transition if age < TRANSITION_USUAL_FROM => Some(format!(
            "{name} is {age}: a transition assessment this young is unusual (preparing for adulthood usually starts at {TRANSITION_USUAL_FROM}, and the assessment is usually offered from 16), and a young carer's needs assessment (Children Act 1989 s17ZA) is usually the right one; you may continue by confirming"
        )),
        _ => None,
    }
}

/// One assessment type as offered for a carer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TypeOffer {
    /// An `assessment_type` code.
    #[serde(rename = "type")]
    pub kind: String,
    pub label: String,
    /// What starting it would warn (and ask to confirm): `None` when it fits the carer's age.
    pub age_warning: Option<String>,
}

/// Every assessment type, each with the age warning starting it would give this carer, so the
/// window offers first the types that fit and the rest as "other types" without a copy of the
/// age rules.
pub fn types_for(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<Vec<TypeOffer>> {
    let carer = crate::carers::read(ctx.tx, args.carer_id)?;
    let first = carer.details.first_name.unwrap_or_default();
    let dob = carer.details.date_of_birth.unwrap_or_default();
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    let age = crate::carers::age_from_iso(&dob, ctx.today());
    let name = carer.details.preferred_name.as_deref().unwrap_or(&first);
    Ok(AssessmentType::ALL
        .iter()
        .map(|&kind| TypeOffer {
            kind: kind.code().to_string(),
            label: kind.label().to_string(),
            age_warning: age_warning(kind, name, age),
        })
        .collect())
}

pub fn start(ctx: &mut Ctx<'_>, args: StartArgs) -> Result<Assessment> {
    let mut c = Check::new("");
    let kind = c.required_choice(
        "type",
        &args.kind,
        AssessmentType::parse,
        "choose the type of assessment: adult, young_carer, parent_carer or transition",
    );
    c.finish()?;
    let kind = kind.expect("checked");
    let carer = crate::carers::read(ctx.tx, args.carer_id)?;
    let (first, preferred, status) =
        (carer.details.first_name.unwrap_or_default(), carer.details.preferred_name, carer.status);
    let dob = carer.details.date_of_birth.unwrap_or_default();
    if status != "open" {
        return Err(Error::Conflict(
            "this carer's record is closed: reopen it before starting an assessment".to_string(),
        ));
    }
    let age = crate::carers::age_from_iso(&dob, ctx.today());
    let warning = age_warning(kind, preferred.as_deref().unwrap_or(&first), age);
    if let Some(message) = &warning {
        if !args.confirm_age_warning {
            return Err(Error::NeedsConfirmation {
                code: "age_warning",
                field: "confirm_age_warning",
                message: message.clone(),
            });
        }
    }
    let id: i64 = ctx.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM assessments", [], |r| r.get(0))?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    ctx.tx.execute(
        "INSERT INTO assessments (id, reference, carer_id, type, age_warning, created_at, created_by, updated_at, updated_by)
         VALUES (?1, printf('A-%06d', ?1), ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
        params![id, args.carer_id, kind, warning, now, by],
    )?;
    let known = from_the_record(ctx.tx, args.carer_id, kind, ctx.today())?;
    if !known.is_empty() {
        ctx.tx.execute(
            "UPDATE assessments SET answers = ?1 WHERE id = ?2",
            params![serde_json::Value::Object(known).to_string(), id],
        )?;
    }
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    load(ctx.tx, id)
}

/// What a new assessment takes from the carer's record instead of asking again: who they care
/// for (relationship, name and conditions, one line each), the hours of care (the most any one
/// person is cared for, as the record's band) and since when (the earliest caring link's date,
/// as precisely as it is recorded: a year stays a year).
/// Only for the questions the form asks; the worker can still change them in the draft.
pub fn from_the_record(
    conn: &rusqlite::Connection,
    carer_id: i64,
    kind: AssessmentType,
    today: chrono::NaiveDate,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    use crate::choices::{Condition, HoursBand};
    let form = forms::form(kind);
    let caring = crate::caring::for_carer(conn, carer_id, today)?;
    let mut out = serde_json::Map::new();
    if caring.is_empty() {
        return Ok(out);
    }
    if form.question("cared_for_who").is_some() {
        let lines: Vec<String> = caring
            .iter()
            .map(|e| {
                let name = [Some(e.person.first_name.as_str()), e.person.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                let conditions: Vec<&str> = e
                    .person
                    .conditions
                    .iter()
                    .map(|c| Condition::from_code(c).map(|c| c.label()).unwrap_or(c.as_str()))
                    .collect();
                let mut line = format!("{}: {name}", e.link.relationship_label);
                if !conditions.is_empty() {
                    line.push_str(&format!(" ({})", conditions.join(", ").to_lowercase()));
                }
                if e.link.lives_together {
                    line.push_str(", lives with them");
                }
                line
            })
            .collect();
        out.insert("cared_for_who".into(), serde_json::Value::String(lines.join("\n")));
    }
    if form.question("hours_band").is_some() {
        let most = caring
            .iter()
            .filter_map(|e| HoursBand::from_code(&e.link.hours_band))
            .max_by_key(|b| HoursBand::ALL.iter().position(|x| x == b));
        if let Some(band) = most {
            out.insert("hours_band".into(), serde_json::Value::String(band.code().into()));
        }
    }
    if form.question("caring_since").is_some() {
        let earliest = caring
            .iter()
            .filter_map(|e| e.link.since.as_deref().and_then(crate::dates::PartialDate::from_stored))
            .min_by_key(|d| d.earliest());
        if let Some(since) = earliest {
            out.insert("caring_since".into(), serde_json::Value::String(since.stored()));
        }
    }
    Ok(out)
}

pub fn get(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Assessment> {
    let a = load(ctx.tx, args.id)?;
    ctx.touch(Touched::ViewedCarer(a.carer_id));
    Ok(a)
}

fn check_needs(c: &mut Check, needs: &[NeedInput]) -> Vec<(String, Option<Outcome>, Option<WellbeingArea>)> {
    needs
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let at = |f: &str| format!("needs[{i}].{f}");
            let description = c.required(&at("description"), "description of the need", &n.description, LONG_TEXT_MAX);
            let outcome = c.choice(&at("outcome"), &n.outcome, Outcome::parse);
            let area = c.choice(&at("wellbeing_area"), &n.wellbeing_area, WellbeingArea::parse);
            (description, outcome, area)
        })
        .collect()
}

fn draft(conn: &Connection, id: i64) -> Result<Assessment> {
    let a = row(conn, id)?;
    if a.status != "draft" {
        return Err(Error::Conflict(LOCKED.to_string()));
    }
    Ok(a)
}

pub fn save(ctx: &mut Ctx<'_>, args: SaveArgs) -> Result<Assessment> {
    let a = draft(ctx.tx, args.id)?;
    let form = forms::form(kind_of(&a));
    let mut answers = a.answers.clone();
    forms::merge(form, &mut answers, args.answers);
    let mut c = Check::new("");
    let answers = c.absorb(forms::check_answers(form, &answers, ctx.today()));
    let needs = args.needs.as_deref().map(|n| check_needs(&mut c, n));
    let assessed_on = args
        .assessed_on
        .as_ref()
        .map(|d| c.past_date("assessed_on", "date of the assessment", &Some(d.clone()), ctx.today()));
    c.finish()?;
    let answers = Value::Object(answers.expect("checked")).to_string();
    let assessed_on = match assessed_on {
        Some(d) => d.map(|d| d.to_string()),
        None => a.assessed_on.clone(),
    };
    ctx.tx.execute(
        "UPDATE assessments SET answers = ?2, assessed_on = ?3, updated_at = ?4, updated_by = ?5 WHERE id = ?1",
        params![a.id, answers, assessed_on, ctx.now(), ctx.actor().name],
    )?;
    if let Some(needs) = needs {
        ctx.tx.execute("DELETE FROM assessment_needs WHERE assessment_id = ?1", [a.id])?;
        for (i, (description, outcome, area)) in needs.into_iter().enumerate() {
            ctx.tx.execute(
                "INSERT INTO assessment_needs (assessment_id, position, description, outcome, wellbeing_area)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.id, i as i64 + 1, description, outcome, area],
            )?;
        }
    }
    ctx.touch(Touched::ChangedCarer(a.carer_id));
    load(ctx.tx, a.id)
}

pub fn complete(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Assessment> {
    let a = draft(ctx.tx, args.id)?;
    let kind = kind_of(&a);
    let mut errors = forms::missing(forms::form(kind), &a.answers);
    let ev = forms::evaluate(kind, &a.answers);
    errors.extend(ev.problems.iter().cloned());
    if let Some(d) = &ev.determination {
        if d.result == EligibilityResult::CannotDecideYet {
            for m in &d.missing {
                let field = format!("answers.{m}");
                if !errors.iter().any(|e| e.field == field) {
                    errors.push(FieldError::new(field, "answer this before completing: the determination needs it"));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::NotReady { action: "completed", errors });
    }
    let now = ctx.now();
    ctx.tx.execute(
        "UPDATE assessments SET status = 'completed', determination = ?2, scores = ?3,
             assessed_on = COALESCE(assessed_on, ?4), completed_at = ?5, completed_by = ?6,
             updated_at = ?5, updated_by = ?6
         WHERE id = ?1",
        params![
            a.id,
            ev.determination.as_ref().map(to_json),
            ev.scores.as_ref().map(to_json),
            ctx.today().to_string(),
            now,
            ctx.actor().name
        ],
    )?;
    ctx.touch(Touched::ChangedCarer(a.carer_id));
    load(ctx.tx, a.id)
}

/// A value for a JSON column.
fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

pub fn new_version(ctx: &mut Ctx<'_>, args: IdArgs) -> Result<Assessment> {
    let a = row(ctx.tx, args.id)?;
    if a.status != "completed" {
        return Err(Error::Conflict(
            "this assessment is still a draft: carry on changing it (only a completed one needs a new version)".into(),
        ));
    }
    let next: Option<(i64, u32)> = ctx
        .tx
        .query_row("SELECT id, version FROM assessments WHERE previous_id = ?1", [a.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((_, version)) = next {
        return Err(Error::Conflict(format!(
            "there is already a newer version of {} (version {version}): open that one",
            a.reference
        )));
    }
    let id: i64 = ctx.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM assessments", [], |r| r.get(0))?;
    let now = ctx.now();
    let by = ctx.actor().name.clone();
    ctx.tx.execute(
        "INSERT INTO assessments (id, reference, carer_id, type, version, previous_id, answers, assessed_on, age_warning,
                                  created_at, created_by, updated_at, updated_by)
         SELECT ?1, reference, carer_id, type, version + 1, id, answers, assessed_on, age_warning, ?3, ?4, ?3, ?4
         FROM assessments WHERE id = ?2",
        params![id, a.id, now, by],
    )?;
    ctx.tx.execute(
        "INSERT INTO assessment_needs (assessment_id, position, description, outcome, wellbeing_area)
         SELECT ?1, position, description, outcome, wellbeing_area FROM assessment_needs WHERE assessment_id = ?2",
        params![id, a.id],
    )?;
    ctx.touch(Touched::ChangedCarer(a.carer_id));
    load(ctx.tx, id)
}

/// The result code and the one line a carer's history shows for an assessment (also for the
/// young carers' lists): "Draft", the determination ("Eligible"), a transition assessment's
/// indication ("Indication: likely to be eligible at 18") or that it did not go ahead, the
/// questionnaire scores, or "Completed".
pub fn summary_line(a: &Assessment) -> (Option<String>, String) {
    if a.status == "draft" {
        return (None, "Draft".to_string());
    }
    if kind_of(a) == AssessmentType::Transition {
        let Some(d) = &a.determination else {
            return (Some("not_assessed".to_string()), "Not assessed: written reasons and advice given".to_string());
        };
        let label = forms::form(AssessmentType::Transition)
            .eligibility
            .as_ref()
            .and_then(|e| e.results.get(result_code(d.result)))
            .cloned()
            .unwrap_or_default();
        let code = match d.result {
            EligibilityResult::Eligible => "likely_eligible",
            EligibilityResult::NotEligible => "not_likely_eligible",
            EligibilityResult::CannotDecideYet => "cannot_decide_yet",
        };
        let mut chars = label.chars();
        let label: String = chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default();
        return (Some(code.to_string()), format!("Indication: {label}"));
    }
    if let Some(d) = &a.determination {
        let (code, text) = match d.result {
            EligibilityResult::Eligible => ("eligible", "Eligible"),
            EligibilityResult::NotEligible => ("not_eligible", "Not eligible"),
            EligibilityResult::CannotDecideYet => ("cannot_decide_yet", "Cannot decide yet"),
        };
        return (Some(code.to_string()), text.to_string());
    }
    if let Some(scores) = &a.scores {
        let p = point(a, scores);
        let maca = match (p.maca_total, p.maca_band_label) {
            (Some(t), Some(b)) => format!("MACA-YC18 {t} ({})", b.to_lowercase()),
            _ => "MACA-YC18 not fully answered".to_string(),
        };
        let panoc = match (p.panoc_positive, p.panoc_negative) {
            (Some(pos), Some(neg)) => format!("PANOC-YC20 positive {pos}, negative {neg}"),
            _ => "PANOC-YC20 not fully answered".to_string(),
        };
        return (None, format!("Completed: {maca}; {panoc}"));
    }
    (None, "Completed".to_string())
}

/// A result's code in the forms' `eligibility.results`.
fn result_code(r: EligibilityResult) -> &'static str {
    match r {
        EligibilityResult::Eligible => "eligible",
        EligibilityResult::NotEligible => "not_eligible",
        EligibilityResult::CannotDecideYet => "cannot_decide_yet",
    }
}

fn point(a: &Assessment, scores: &BTreeMap<String, Score>) -> ScorePoint {
    let maca = scores.get("maca_yc18");
    let panoc = scores.get("panoc_yc20");
    let sub = |code: &str| panoc.and_then(|p| p.subscales.iter().find(|s| s.code == code));
    ScorePoint {
        id: a.id,
        reference: a.reference.clone(),
        version: a.version,
        assessed_on: a.assessed_on.clone(),
        maca_total: maca.and_then(|m| m.total),
        maca_band: maca.and_then(|m| m.total_band.as_ref()).map(|b| b.code.clone()),
        maca_band_label: maca.and_then(|m| m.total_band.as_ref()).map(|b| b.label.clone()),
        panoc_positive: sub("positive").and_then(|s| s.score),
        panoc_positive_band: sub("positive").and_then(|s| s.band.as_ref()).map(|b| b.code.clone()),
        panoc_negative: sub("negative").and_then(|s| s.score),
        panoc_negative_band: sub("negative").and_then(|s| s.band.as_ref()).map(|b| b.code.clone()),
        flags: scores.values().flat_map(|s| s.flags.iter().map(|f| f.code.clone())).collect(),
    }
}

/// Every assessment of a carer, newest first (by date of assessment, then by when started).
fn all_for(conn: &Connection, carer_id: i64) -> Result<Vec<(Assessment, bool)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, EXISTS (SELECT 1 FROM assessments n WHERE n.previous_id = assessments.id)
         FROM assessments WHERE carer_id = ?1
         ORDER BY COALESCE(assessed_on, substr(created_at, 1, 10)) DESC, id DESC"
    ))?;
    let rows = stmt.query_map([carer_id], |r| Ok((from_row(r)?, r.get::<_, bool>(18)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<Vec<AssessmentSummary>> {
    crate::carers::ensure_exists(ctx.tx, args.carer_id)?;
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    Ok(all_for(ctx.tx, args.carer_id)?
        .into_iter()
        .map(|(a, superseded)| {
            let (result, summary) = summary_line(&a);
            AssessmentSummary {
                id: a.id,
                reference: a.reference,
                kind: a.kind,
                type_label: a.type_label,
                status: a.status,
                version: a.version,
                assessed_on: a.assessed_on,
                created_at: a.created_at,
                completed_at: a.completed_at,
                superseded,
                result,
                summary,
            }
        })
        .collect())
}

/// Completed young carer's assessments, oldest first, leaving out a version that a completed
/// newer version revises (so a correction does not count twice).
pub fn score_history(ctx: &mut Ctx<'_>, args: CarerArgs) -> Result<Vec<ScorePoint>> {
    crate::carers::ensure_exists(ctx.tx, args.carer_id)?;
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    let mut stmt = ctx.tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM assessments
         WHERE carer_id = ?1 AND type = 'young_carer' AND status = 'completed'
           AND NOT EXISTS (SELECT 1 FROM assessments n WHERE n.previous_id = assessments.id AND n.status = 'completed')
         ORDER BY assessed_on, id"
    ))?;
    let rows = stmt.query_map([args.carer_id], from_row)?;
    let all: Vec<Assessment> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(all.iter().map(|a| point(a, a.scores.as_ref().unwrap_or(&BTreeMap::new()))).collect())
}
