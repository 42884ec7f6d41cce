//! The assessment forms as data: one JSON definition per type in `assessment_forms/`
//! (sections of questions, each with a code, label, kind and whether it is required to
//! complete), embedded in the program and checked when first used. The window renders them;
//! this module checks answers against them, says what is still missing, and evaluates the
//! answers (the reg 3 determination for an adult carer, questionnaire scores for a young carer).
//!
//! Answers are a JSON object keyed by question code. By kind:
//!
//! | kind | answer |
//! | --- | --- |
//! | `text`, `long_text` | a string (trimmed; blank is no answer) |
//! | `yes_no` | `true` / `false` |
//! | `choice` | one of the question's `choices` codes |
//! | `multi_choice` | a list of `choices` codes |
//! | `date` | `DD/MM/YYYY` or `YYYY-MM-DD`, not in the future; stored as `YYYY-MM-DD` |
//! | `partial_date` | as `date`, or a month and year (`03/2019`, `March 2019`) or a year alone (`2019`), not in the future; stored as `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (no day is made up) |
//! | `number` | a whole number (or the text typed) from `min` to `max` |
//! | `outcomes` | `{ <eligibility_outcome code>: { achieved, reasons: [unable_reason code], note } }` |
//! | `wellbeing` | `{ <wellbeing_area code>: { impact: wellbeing_impact code, note } }` |
//! | `instrument` | `{ "<item number>": <answer code on the instrument's scale> }` |
//!
//! `null` is no answer.
//!
//! # Conditional sections and questions
//!
//! A section or a question may carry `"when": {"question": "<code>", "equals": <answer>}`: it
//! is *asked* only while that earlier question (itself asked) has exactly that answer. While it
//! is not asked, its required questions are not required ([`missing`]), the eligibility rule does
//! not read it ([`evaluate`]), and the window hides it; answers already given are kept. The
//! question named must come earlier in the form (so conditions cannot go round in a circle), and
//! `equals` must be an answer it can take (`true`/`false`, or one of its choice codes).
//!
//! # Eligibility
//!
//! A form with an `eligibility` block is evaluated with the reg 3 rule on its `outcomes`,
//! `wellbeing` and eligibility questions: a **determination** (adult carer's assessment) or an
//! **indication** of what is likely at 18 (young carer's transition assessment, Care Act 2014
//! s64), with the words the window shows for each result.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::choices::Choice;
use crate::eligibility::{self, Determination, EligibilityInput, Outcome, OutcomeAnswer, UnableReason, WellbeingArea};
use crate::error::{Error, FieldError, Result};
use crate::instruments::{self, Score};
use crate::validate::{Check, NumberInput, LONG_TEXT_MAX, TEXT_MAX};

choice_list!(
    /// The four kinds of assessment.
    AssessmentType, "assessment_type" {
    Adult = "adult": "Adult carer's assessment",
    YoungCarer = "young_carer": "Young carer's needs assessment",
    ParentCarer = "parent_carer": "Parent carer's needs assessment",
    Transition = "transition": "Young carer's transition assessment (Care Act s63)",
});

choice_list!(
    /// How much caring affects one area of wellbeing.
    WellbeingImpact, "wellbeing_impact" {
    NoImpact = "none": "No impact",
    SomeImpact = "some": "Some impact",
    Significant = "significant": "Significant impact",
});

/// What kind of answer a question takes (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    LongText,
    YesNo,
    Choice,
    MultiChoice,
    Date,
    /// A date that may be known only to the month or the year ("caring since 2019").
    PartialDate,
    Number,
    Outcomes,
    Wellbeing,
    Instrument,
}

/// One answer a `choice` or `multi_choice` question offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormChoice {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique in its form; the key of the answer.
    pub code: String,
    pub label: String,
    pub kind: Kind,
    /// Must be answered before the assessment can be completed.
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For `choice`/`multi_choice`: the answers offered (filled in from `list` when given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<FormChoice>,
    /// For `choice`/`multi_choice`: the name of a list in `options` to offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// For `instrument`: the instrument's code (the question's code is the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// For `number`: the range (default 0 to 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Asked only while an earlier question has a given answer (see the module documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
}

/// A condition on an earlier answer: `{"question": "<code>", "equals": <answer>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The code of an earlier question.
    pub question: String,
    /// The answer that makes the condition hold: `true`/`false` for a `yes_no` question, a
    /// choice code for a `choice` question.
    pub equals: Value,
}

/// How a form uses the reg 3 eligibility rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityMode {
    /// The determination of the carer's needs now (adult carer's assessment, reg 3).
    Determination,
    /// An indication of whether the needs the young carer is likely to have after 18 are likely
    /// to be eligible (Care Act 2014 s64): never a determination.
    Indication,
}

/// A form's use of the eligibility rule, and the words the window shows for it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibilityUse {
    pub mode: EligibilityMode,
    /// The heading of the result ("Eligibility (reg 3)").
    pub title: String,
    /// The label of each result, keyed `eligible`, `not_eligible`, `cannot_decide_yet`.
    pub results: BTreeMap<String, String>,
    /// A sentence shown under the result (for an indication: that it is not a determination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub code: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Asked only while an earlier question has a given answer (see the module documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    pub questions: Vec<Question>,
}

/// One assessment type's form.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// An `assessment_type` code.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// The law the assessment is made under.
    pub law: String,
    pub about: String,
    /// Whether answers are evaluated with the reg 3 eligibility rule, and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<EligibilityUse>,
    pub sections: Vec<Section>,
}

impl Form {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, code: &str) -> Option<&Question> {
        self.questions().find(|q| q.code == code)
    }

    /// Whether a condition holds: the question it names is asked and has that answer.
    pub fn holds(&self, when: &When, answers: &Map<String, Value>) -> bool {
        answers.get(&when.question) == Some(&when.equals) && self.asked(&when.question, answers)
    }

    /// Whether a section is asked with these answers (its `when`, if any, holds).
    pub fn section_asked(&self, section: &Section, answers: &Map<String, Value>) -> bool {
        section.when.as_ref().is_none_or(|w| self.holds(w, answers))
    }

    /// Whether a question is asked with these answers: its section's and its own `when` hold.
    /// An unknown code is not asked.
    pub fn asked(&self, code: &str, answers: &Map<String, Value>) -> bool {
        self.sections.iter().any(|s| {
            s.questions.iter().any(|q| {
                q.code == code
                    && self.section_asked(s, answers)
                    && q.when.as_ref().is_none_or(|w| self.holds(w, answers))
            })
        })
    }
}

const SHIPPED: &[(&str, &str)] = &[
    ("assessment_forms/adult.json", include_str!("../assessment_forms/adult.json")),
    ("assessment_forms/young_carer.json", include_str!("../assessment_forms/young_carer.json")),
    ("assessment_forms/parent_carer.json", include_str!("../assessment_forms/parent_carer.json")),
    ("assessment_forms/transition.json", include_str!("../assessment_forms/transition.json")),
];

/// The questions the eligibility rule reads from a form with an `eligibility` block, and their
/// kinds.
const ELIGIBILITY_QUESTIONS: &[(&str, Kind)] = &[
    (eligibility::FIELD_NECESSARY_CARE, Kind::YesNo),
    (eligibility::FIELD_HEALTH, Kind::YesNo),
    ("outcomes", Kind::Outcomes),
    (eligibility::FIELD_IMPACT, Kind::YesNo),
    ("impact_reasoning", Kind::LongText),
    ("wellbeing", Kind::Wellbeing),
];

/// The shipped forms, checked, in the order of [`AssessmentType::ALL`].
pub fn builtin() -> &'static [Form] {
    static FORMS: OnceLock<Vec<Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|(file, json)| parse(json).unwrap_or_else(|e| panic!("the shipped {file} is not valid: {e:?}")))
            .collect()
    })
}

/// The form for one type.
pub fn form(t: AssessmentType) -> &'static Form {
    builtin().iter().find(|f| f.kind == t.code()).expect("every type has a shipped form")
}

/// The questions of a young carer's transition assessment that decide whether it goes ahead
/// (Care Act 2014 s63), read by [`transition_problems`].
pub mod transition {
    /// s63(1): is the young carer likely to have needs for support after becoming 18? (`yes_no`)
    pub const LIKELY_NEEDS: &str = "likely_needs_after_18";
    /// s63(1): would an assessment be of significant benefit to them? (`yes_no`)
    pub const SIGNIFICANT_BENEFIT: &str = "significant_benefit";
    /// s63(3), (4): consent (`choice`, [`CONSENT_CHOICES`]).
    pub const CONSENT: &str = "consent";
    /// Whether the assessment goes ahead (`choice`, [`DECISION_CHOICES`]).
    pub const DECISION: &str = "assess_decision";
    /// The consent condition met: the young carer consents (s63(3)(a)), or cannot consent and
    /// an assessment is in their best interests (s63(3)(b)); refused; refused, but they are
    /// experiencing or at risk of abuse or neglect, so it must go ahead nonetheless (s63(4)).
    pub const CONSENT_CHOICES: &[&str] = &["given", "best_interests", "refused", "refused_abuse_or_neglect"];
    /// Assess now, or not (s63(5): written reasons and advice).
    pub const DECISION_CHOICES: &[&str] = &["assess", "not_assessing"];
}

/// Reads a form definition, fills in `choices` from `list`, and checks it is consistent:
/// a known type, section and question codes unique, choices given for choice questions, known
/// instruments, every `when` naming an earlier question and an answer it can take, and (for a
/// form with an `eligibility` block, which the adult and transition forms need) the questions
/// the eligibility rule reads; the transition form also needs its decision questions.
// Long: one check per rule of a form (listed in the doc comment), in that order, each naming the
// question it is about.
pub fn parse(json: &str) -> Result<Form> {
    let de = &mut serde_json::Deserializer::from_str(json);
    let mut form: Form = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        Error::InvalidArguments {
            message: format!("the assessment form could not be read at '{path}' ({inner}): correct the file"),
            field: (path != ".").then_some(path),
        }
    })?;
    let lists = crate::choices::all_options();
    let mut c = Check::new("");
    let t = c.absorb(AssessmentType::parse("type", &form.kind));
    let mut sections = BTreeSet::new();
    let mut codes = BTreeSet::new();
    // The questions so far, for `when` (which may only name an earlier question).
    let mut earlier: BTreeMap<String, Question> = BTreeMap::new();
    for (si, s) in form.sections.iter_mut().enumerate() {
        if !sections.insert(s.code.clone()) {
            c.fail(&format!("sections[{si}].code"), format!("the section code '{}' is used twice", s.code));
        }
        if let Some(w) = &s.when {
            check_when(&mut c, &format!("sections[{si}].when"), w, &earlier);
        }
        for (qi, q) in s.questions.iter_mut().enumerate() {
            let at = |f: &str| format!("sections[{si}].questions[{qi}].{f}");
            if q.code.trim().is_empty() || !codes.insert(q.code.clone()) {
                c.fail(&at("code"), format!("the question code '{}' is blank or used twice", q.code));
            }
            if let Some(w) = &q.when {
                check_when(&mut c, &at("when"), w, &earlier);
            }
            if let Some(list) = &q.list {
                match lists.get(list).and_then(|l| serde_json::from_value::<Vec<FormChoice>>(l.clone()).ok()) {
                    Some(choices) if q.choices.is_empty() => q.choices = choices,
                    Some(_) => c.fail(&at("list"), "give either a list or choices, not both"),
                    None => c.fail(&at("list"), format!("there is no list called '{list}'")),
                }
            }
            let choice_codes: BTreeSet<&str> = q.choices.iter().map(|c| c.code.as_str()).collect();
            match q.kind {
                Kind::Choice | Kind::MultiChoice if q.choices.len() < 2 || choice_codes.len() != q.choices.len() => {
                    c.fail(&at("choices"), "give at least two choices, each with its own code")
                }
                Kind::Instrument => match q.instrument.as_deref().map(instruments::find) {
                    Some(Some(def)) if def.code == q.code => {}
                    _ => c.fail(
                        &at("instrument"),
                        "name a shipped instrument, and give the question the instrument's code",
                    ),
                },
                Kind::Number if q.min.unwrap_or(0) > q.max.unwrap_or(NUMBER_MAX) => {
                    c.fail(&at("min"), "the lowest number is above the highest")
                }
                _ => {}
            }
            earlier.insert(q.code.clone(), q.clone());
        }
    }
    let wanted = match t {
        Some(AssessmentType::Adult) => Some(EligibilityMode::Determination),
        Some(AssessmentType::Transition) => Some(EligibilityMode::Indication),
        _ => None,
    };
    if let Some(mode) = wanted {
        if form.eligibility.as_ref().map(|e| e.mode) != Some(mode) {
            c.fail(
                "eligibility",
                format!("the {} form needs an eligibility block with the mode '{mode:?}'", form.kind).to_lowercase(),
            );
        }
    }
    if let Some(e) = &form.eligibility {
        for result in ["eligible", "not_eligible", "cannot_decide_yet"] {
            if e.results.get(result).is_none_or(|l| l.trim().is_empty()) {
                c.fail(&format!("eligibility.results.{result}"), format!("give the label of the result '{result}'"));
            }
        }
    }
    if form.eligibility.is_some() || wanted.is_some() {
        for (code, kind) in ELIGIBILITY_QUESTIONS {
            if form.question(code).map(|q| q.kind) != Some(*kind) {
                c.fail(
                    "sections",
                    format!("the {} form needs the question '{code}' ({kind:?}) for the eligibility rule", form.kind),
                );
            }
        }
    }
    if t == Some(AssessmentType::Transition) {
        use transition::*;
        let need = [
            (LIKELY_NEEDS, Kind::YesNo, &[][..]),
            (SIGNIFICANT_BENEFIT, Kind::YesNo, &[][..]),
            (CONSENT, Kind::Choice, CONSENT_CHOICES),
            (DECISION, Kind::Choice, DECISION_CHOICES),
        ];
        for (code, kind, choices) in need {
            let ok = form
                .question(code)
                .is_some_and(|q| q.kind == kind && choices.iter().all(|ch| q.choices.iter().any(|x| x.code == *ch)));
            if !ok {
                c.fail(
                    "sections",
                    format!("the transition form needs the question '{code}' ({kind:?}) with the choices {choices:?}"),
                );
            }
        }
    }
    c.finish()?;
    Ok(form)
}

/// Checks a `when`: it names an earlier question, and an answer that question can take.
fn check_when(c: &mut Check, at: &str, w: &When, earlier: &BTreeMap<String, Question>) {
    let Some(q) = earlier.get(&w.question) else {
        c.fail(
            &format!("{at}.question"),
            format!("name a question that comes earlier in the form ('{}' does not)", w.question),
        );
        return;
    };
    let fits = match (q.kind, &w.equals) {
        (Kind::YesNo, Value::Bool(_)) => true,
        (Kind::Choice, Value::String(code)) => q.choices.iter().any(|ch| &ch.code == code),
        _ => false,
    };
    if !fits {
        c.fail(
            &format!("{at}.equals"),
            match q.kind {
                Kind::YesNo | Kind::Choice => format!(
                    "give an answer the question '{}' can take: {}",
                    q.code,
                    if q.kind == Kind::YesNo { "true or false".to_string() } else { codes(&q.choices) }
                ),
                _ => format!("a condition can only name a yes/no or choice question ('{}' is neither)", q.code),
            },
        );
    }
}

const NUMBER_MAX: u32 = 10_000;

fn kind_message(kind: Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::LongText | Kind::Date | Kind::PartialDate => "answer with text",
        Kind::YesNo => "answer yes (true) or no (false)",
        Kind::Choice => "answer with the code of one of the choices",
        Kind::MultiChoice => "answer with a list of choice codes",
        Kind::Number => "answer with a whole number",
        Kind::Outcomes => "answer with an object of outcomes, each { achieved, reasons, note }",
        Kind::Wellbeing => "answer with an object of wellbeing areas, each { impact, note }",
        Kind::Instrument => "answer with an object of question numbers and answer codes",
    }
}

/// One area of wellbeing, as stored.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct WellbeingAnswer {
    impact: Option<String>,
    note: Option<String>,
}

/// Folds `patch` into `stored`: a question sent replaces its answer, `null` clears it, a
/// question not sent keeps its answer. For `outcomes`, `wellbeing` and `instrument` questions
/// the same applies one level down (per outcome, per area, per item), so a form can send one
/// part at a time.
pub fn merge(form: &Form, stored: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (code, value) in patch {
        let composite =
            matches!(form.question(&code).map(|q| q.kind), Some(Kind::Outcomes | Kind::Wellbeing | Kind::Instrument));
        match (value, stored.get_mut(&code)) {
            (Value::Null, _) => {
                stored.remove(&code);
            }
            (Value::Object(parts), Some(Value::Object(old))) if composite => {
                for (k, v) in parts {
                    if v.is_null() {
                        old.remove(&k);
                    } else {
                        old.insert(k, v);
                    }
                }
            }
            (value, _) => {
                stored.insert(code, value);
            }
        }
    }
}

/// Checks answers against the form, naming each problem by its path (`answers.hours_band`,
/// `answers.outcomes.nutrition.reasons`, `answers.maca_yc18.7`), and returns them normalised
/// (trimmed, dates as `YYYY-MM-DD`, blank answers removed). Only what is there is checked:
/// a draft may be partial.
pub fn check_answers(
    form: &Form,
    answers: &Map<String, Value>,
    today: chrono::NaiveDate,
) -> Result<Map<String, Value>> {
    let mut c = Check::new("answers");
    let mut out = Map::new();
    for (code, value) in answers {
        let Some(q) = form.question(code) else {
            c.fail(
                code,
                format!(
                    "there is no question '{code}' in the {}: check the codes with assessment_forms",
                    form.title.to_lowercase()
                ),
            );
            continue;
        };
        if value.is_null() {
            continue;
        }
        if let Some(v) = check_one(&mut c, q, value, today) {
            out.insert(code.clone(), v);
        }
    }
    c.finish()?;
    Ok(out)
}

fn check_one(c: &mut Check, q: &Question, value: &Value, today: chrono::NaiveDate) -> Option<Value> {
    let code = q.code.as_str();
    let wrong = |c: &mut Check| {
        c.fail(code, kind_message(q.kind));
        None
    };
    match (q.kind, value) {
        (Kind::Text | Kind::LongText, Value::String(s)) => {
            let max = if q.kind == Kind::Text { TEXT_MAX } else { LONG_TEXT_MAX };
            c.text(code, "answer", &Some(s.clone()), max).map(Value::String)
        }
        (Kind::YesNo, Value::Bool(b)) => Some(Value::Bool(*b)),
        (Kind::Choice, Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            if q.choices.iter().any(|ch| ch.code == s) {
                Some(Value::String(s.to_string()))
            } else {
                c.fail(code, format!("choose one of {} ('{s}' is not one of them)", codes(&q.choices)));
                None
            }
        }
        (Kind::MultiChoice, Value::Array(items)) => {
            let mut chosen = BTreeSet::new();
            for item in items {
                match item.as_str().map(str::trim) {
                    Some(s) if q.choices.iter().any(|ch| ch.code == s) => {
                        chosen.insert(s.to_string());
                    }
                    Some("") => {}
                    _ => c.fail(code, format!("choose from {} ({item} is not one of them)", codes(&q.choices))),
                }
            }
            // In the form's order.
            let list: Vec<Value> = q
                .choices
                .iter()
                .filter(|ch| chosen.contains(&ch.code))
                .map(|ch| Value::String(ch.code.clone()))
                .collect();
            (!list.is_empty()).then_some(Value::Array(list))
        }
        (Kind::Date, Value::String(s)) => {
            c.past_date(code, "date", &Some(s.clone()), today).map(|d| Value::String(d.to_string()))
        }
        (Kind::PartialDate, Value::String(s)) => {
            c.past_partial_date(code, "date", &Some(s.clone()), today).map(|d| Value::String(d.stored()))
        }
        (Kind::Number, Value::Number(_) | Value::String(_)) => {
            let n = match value {
                Value::Number(n) => NumberInput::Number(n.as_i64().unwrap_or(-1)),
                other => NumberInput::Text(other.as_str().unwrap_or_default().to_string()),
            };
            let range = q.min.unwrap_or(0)..=q.max.unwrap_or(NUMBER_MAX);
            c.whole_number(code, "answer", &Some(n), range).map(Value::from)
        }
        (Kind::Outcomes, Value::Object(map)) => Some(Value::Object(check_outcomes(c, code, map))),
        (Kind::Wellbeing, Value::Object(map)) => Some(Value::Object(check_wellbeing(c, code, map))),
        (Kind::Instrument, Value::Object(map)) => {
            let def = instruments::find(q.instrument.as_deref().unwrap_or(code)).expect("checked when loaded");
            let items = check_instrument(c, code, def, map)?;
            if let Err(Error::Validation(errors)) = instruments::score(def, &items) {
                // The engine names items `answers.<n>`; here they are `answers.<code>.<n>`.
                for e in errors {
                    let n = e.field.strip_prefix("answers.").unwrap_or(&e.field).to_string();
                    c.fail(&format!("{code}.{n}"), e.message);
                }
                return None;
            }
            let out: Map<String, Value> = items.into_iter().map(|(n, a)| (n.to_string(), Value::String(a))).collect();
            Some(Value::Object(out))
        }
        _ => wrong(c),
    }
}

fn codes(choices: &[FormChoice]) -> String {
    choices.iter().map(|c| c.code.as_str()).collect::<Vec<_>>().join(", ")
}

fn check_outcomes(c: &mut Check, code: &str, map: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, v) in map {
        let at = |f: &str| format!("{code}.{key}{f}");
        if Outcome::from_code(key).is_none() {
            c.fail(
                &at(""),
                format!(
                    "use one of the outcomes in the regulations ('{key}' is not one): {}",
                    Outcome::ALL.iter().map(|o| o.code()).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        }
        if v.is_null() {
            continue;
        }
        let a: OutcomeAnswer = match serde_json::from_value(v.clone()) {
            Ok(a) => a,
            Err(_) => {
                c.fail(&at(""), shape_problem(v, OUTCOME_ANSWER));
                continue;
            }
        };
        let mut reasons = Vec::new();
        for r in &a.reasons {
            match UnableReason::from_code(r.trim()) {
                Some(reason) if !reasons.contains(&reason) => reasons.push(reason),
                Some(_) => {}
                None => c.fail(
                    &at(".reasons"),
                    format!(
                        "choose why the carer cannot achieve this from {} ('{}' is not one of them)",
                        UnableReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
                        r.trim()
                    ),
                ),
            }
        }
        reasons.sort_by_key(|r| UnableReason::ALL.iter().position(|x| x == r));
        let note = c.text(&at(".note"), "note", &a.note, LONG_TEXT_MAX);
        if a.achieved.is_none() && reasons.is_empty() && note.is_none() {
            continue;
        }
        let reasons: Vec<&str> = reasons.iter().map(|r| r.code()).collect();
        out.insert(key.clone(), serde_json::json!({ "achieved": a.achieved, "reasons": reasons, "note": note }));
    }
    out
}

fn check_wellbeing(c: &mut Check, code: &str, map: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, v) in map {
        let at = |f: &str| format!("{code}.{key}{f}");
        if WellbeingArea::from_code(key).is_none() {
            c.fail(
                &at(""),
                format!(
                    "use one of the areas of wellbeing in the Care Act ('{key}' is not one): {}",
                    WellbeingArea::ALL.iter().map(|o| o.code()).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        }
        if v.is_null() {
            continue;
        }
        let a: WellbeingAnswer = match serde_json::from_value(v.clone()) {
            Ok(a) => a,
            Err(_) => {
                c.fail(&at(""), shape_problem(v, WELLBEING_ANSWER));
                continue;
            }
        };
        let impact = c.choice(&at(".impact"), &a.impact, WellbeingImpact::parse);
        let note = c.text(&at(".note"), "note", &a.note, LONG_TEXT_MAX);
        if impact.is_none() && note.is_none() {
            continue;
        }
        out.insert(key.clone(), serde_json::json!({ "impact": impact, "note": note }));
    }
    out
}

/// The parts of an answer that is an object: name, and what it holds in words.
type Shape = &'static [(&'static str, &'static str)];

const OUTCOME_ANSWER: Shape =
    &[("achieved", "true, false or blank"), ("reasons", "a list of reason codes"), ("note", "text")];
const WELLBEING_ANSWER: Shape = &[("impact", "none, some or significant"), ("note", "text")];

/// What is wrong with an answer that should be an object of `shape`, in words (never the
/// program's own names for its types).
fn shape_problem(v: &Value, shape: Shape) -> String {
    let parts = || shape.iter().map(|(name, what)| format!("{name} ({what})")).collect::<Vec<_>>().join(", ");
    let Some(map) = v.as_object() else {
        return format!("answer with {}", parts());
    };
    if let Some(key) = map.keys().find(|k| !shape.iter().any(|(name, _)| name == k)) {
        return format!("'{key}' is not part of this answer: give {}", parts());
    }
    for (name, what) in shape {
        let ok = match (map.get(*name), *name) {
            (None | Some(Value::Null), _) => true,
            (Some(Value::Bool(_)), "achieved") => true,
            (Some(Value::Array(items)), "reasons") => items.iter().all(Value::is_string),
            (Some(Value::String(_)), "note" | "impact") => true,
            _ => false,
        };
        if !ok {
            return format!("give {name} as {what}");
        }
    }
    format!("answer with {}", parts())
}

fn check_instrument(
    c: &mut Check,
    code: &str,
    def: &instruments::Definition,
    map: &Map<String, Value>,
) -> Option<BTreeMap<u32, String>> {
    let before = c.errors.len();
    let mut items = BTreeMap::new();
    for (key, v) in map {
        let Ok(n) = key.trim().parse::<u32>() else {
            c.fail(&format!("{code}.{key}"), format!("use a question number such as 1, 2, 3 ('{key}' is not one)"));
            continue;
        };
        // The score printed on the form (0, 1, 2) is as good as the answer's code.
        let text = match v {
            Value::Null => continue,
            Value::String(s) if s.trim().is_empty() => continue,
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                c.fail(&format!("{code}.{key}"), format!("choose one of the answers: {}", instruments::allowed(def)));
                continue;
            }
        };
        items.insert(n, instruments::answer_code(def, &text).unwrap_or(text));
    }
    (c.errors.len() == before).then_some(items)
}

/// The answers to one instrument question, as the scoring engine takes them.
fn instrument_answers(answers: &Map<String, Value>, code: &str) -> BTreeMap<u32, String> {
    answers
        .get(code)
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.parse::<u32>().ok()?, v.as_str()?.to_string()))).collect())
        .unwrap_or_default()
}

/// Every required answer still missing, each named by its path: a whole question
/// (`answers.carer_outcomes`), one outcome (`answers.outcomes.nutrition.achieved`), one area
/// (`answers.wellbeing.dignity.impact`) or one questionnaire item (`answers.maca_yc18.7`).
/// A question that is not asked (its `when` does not hold) is not required.
pub fn missing(form: &Form, answers: &Map<String, Value>) -> Vec<FieldError> {
    let mut out = Vec::new();
    for q in form.questions().filter(|q| q.required && form.asked(&q.code, answers)) {
        let answer = answers.get(&q.code);
        match q.kind {
            Kind::Outcomes => {
                for o in Outcome::ALL {
                    let achieved = answer.and_then(|a| a.get(o.code())).and_then(|a| a.get("achieved"));
                    if !achieved.is_some_and(Value::is_boolean) {
                        out.push(FieldError::new(
                            format!("answers.{}.{}.achieved", q.code, o.code()),
                            format!("answer whether the carer can achieve the outcome '{}'", o.label()),
                        ));
                    }
                }
            }
            Kind::Wellbeing => {
                for a in WellbeingArea::ALL {
                    let impact = answer.and_then(|v| v.get(a.code())).and_then(|v| v.get("impact"));
                    if !impact.is_some_and(Value::is_string) {
                        out.push(FieldError::new(
                            format!("answers.{}.{}.impact", q.code, a.code()),
                            format!("say how much caring affects '{}'", a.label()),
                        ));
                    }
                }
            }
            Kind::Instrument => {
                let items = instrument_answers(answers, &q.code);
                let def = instruments::find(q.instrument.as_deref().unwrap_or(&q.code)).expect("checked when loaded");
                for item in def.items.iter().filter(|i| !items.contains_key(&i.number)) {
                    out.push(FieldError::new(
                        format!("answers.{}.{}", q.code, item.number),
                        format!("answer question {} of {}", item.number, def.name),
                    ));
                }
            }
            _ if answer.is_none() => out.push(FieldError::new(
                format!("answers.{}", q.code),
                format!("answer '{}' before completing the assessment", q.label),
            )),
            _ => {}
        }
    }
    out
}

/// What the answers amount to so far.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// Adult carer's assessment: the reg 3 determination of the answers; transition assessment:
    /// the **indication** of eligibility at 18 (`indication: true`), only while the assessment
    /// goes ahead. `null` while an outcome answer is inconsistent (see `problems`).
    pub determination: Option<Determination>,
    /// Young carer's assessment: each questionnaire's score, keyed by instrument code.
    pub scores: Option<BTreeMap<String, Score>>,
    /// Answers that are allowed in a draft but must be put right before completing (for
    /// example an outcome marked "not achieved" without a reason yet).
    pub problems: Vec<FieldError>,
}

/// The answers the eligibility rule reads, from an adult carer's assessment's answers. The
/// wellbeing areas affected are those with some or significant impact.
pub fn eligibility_input(answers: &Map<String, Value>) -> EligibilityInput {
    let yes_no = |code: &str| answers.get(code).and_then(Value::as_bool);
    EligibilityInput {
        needs_from_necessary_care: yes_no(eligibility::FIELD_NECESSARY_CARE),
        health_deteriorating_or_at_risk: yes_no(eligibility::FIELD_HEALTH),
        outcomes: answers.get("outcomes").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default(),
        significant_impact_on_wellbeing: yes_no(eligibility::FIELD_IMPACT),
        impact_reasoning: answers.get("impact_reasoning").and_then(Value::as_str).map(str::to_string),
        wellbeing_areas_affected: WellbeingArea::ALL
            .iter()
            .filter(|a| {
                let impact = answers.get("wellbeing").and_then(|w| w.get(a.code())).and_then(|w| w.get("impact"));
                matches!(impact.and_then(Value::as_str), Some("some" | "significant"))
            })
            .map(|a| a.code().to_string())
            .collect(),
    }
}

/// Evaluates checked answers: the determination (adult) or indication (transition), the
/// transition assessment's consistency with s63, and questionnaire scores (any instrument
/// questions). Questions that are not asked are not read.
pub fn evaluate(t: AssessmentType, answers: &Map<String, Value>) -> Evaluation {
    evaluate_form(form(t), answers)
}

/// [`evaluate`] for any form (the shipped ones, or one from [`parse`]).
pub fn evaluate_form(f: &Form, answers: &Map<String, Value>) -> Evaluation {
    let mut ev = Evaluation::default();
    if let Some(rule) = f.eligibility.as_ref().filter(|_| f.asked("outcomes", answers)) {
        let input = eligibility_input(answers);
        let result = match rule.mode {
            EligibilityMode::Determination => eligibility::determine(&input),
            EligibilityMode::Indication => eligibility::indicate(&input),
        };
        match result {
            Ok(d) => ev.determination = Some(d),
            Err(Error::Validation(errors)) => {
                ev.problems =
                    errors.into_iter().map(|e| FieldError::new(format!("answers.{}", e.field), e.message)).collect();
            }
            Err(other) => ev.problems.push(FieldError::new("answers", other.to_string())),
        }
    }
    if f.kind == AssessmentType::Transition.code() {
        ev.problems.extend(transition_problems(answers));
    }
    let mut scores = BTreeMap::new();
    for q in f.questions().filter(|q| q.kind == Kind::Instrument && f.asked(&q.code, answers)) {
        let def = instruments::find(q.instrument.as_deref().unwrap_or(&q.code)).expect("checked when loaded");
        if let Ok(s) = instruments::score(def, &instrument_answers(answers, &q.code)) {
            scores.insert(q.code.clone(), s);
        }
    }
    if !scores.is_empty() {
        ev.scores = Some(scores);
    }
    ev
}

/// Where a transition assessment's decision does not fit the law (Care Act 2014 s63), each
/// naming the decision: going ahead although the young carer refused (and no abuse or neglect
/// is recorded, s63(4)); or not going ahead although the duty applies (likely needs after 18,
/// significant benefit and the consent condition met, s63(1) and (3); or refused but abuse or
/// neglect, s63(4)). A draft may hold them; they must be put right before completing.
pub fn transition_problems(answers: &Map<String, Value>) -> Vec<FieldError> {
    use transition::*;
    let text = |code: &str| answers.get(code).and_then(Value::as_str);
    let yes = |code: &str| answers.get(code).and_then(Value::as_bool) == Some(true);
    let field = format!("answers.{DECISION}");
    let mut out = Vec::new();
    match (text(DECISION), text(CONSENT)) {
        (Some("assess"), Some("refused")) => out.push(FieldError::new(
            field,
            "the young carer refused the assessment: without consent it goes ahead only if they are experiencing, \
             or are at risk of, abuse or neglect (Care Act 2014 s63(4)); choose 'not assessing' and give written \
             reasons, or record that under consent",
        )),
        (Some("not_assessing"), Some("refused_abuse_or_neglect")) => out.push(FieldError::new(
            field,
            "the young carer is experiencing, or is at risk of, abuse or neglect, so the assessment must be \
             carried out although they refused (Care Act 2014 s63(4)): choose 'assess now'",
        )),
        (Some("not_assessing"), Some("given" | "best_interests")) if yes(LIKELY_NEEDS) && yes(SIGNIFICANT_BENEFIT) => {
            out.push(FieldError::new(
                field,
                "the young carer is likely to have needs for support after 18, an assessment would be of \
                 significant benefit and the consent condition is met, so the assessment must be carried out \
                 (Care Act 2014 s63(1)): choose 'assess now', or change the answer that does not hold",
            ))
        }
        _ => {}
    }
    out
}

/// The lists the forms refer to, for the window.
pub fn lists() -> Map<String, Value> {
    let mut m = eligibility::options();
    m.insert(WellbeingImpact::LIST.into(), serde_json::to_value(WellbeingImpact::choices()).expect("serialises"));
    m.insert(AssessmentType::LIST.into(), serde_json::to_value(AssessmentType::choices()).expect("serialises"));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_forms_are_valid_and_cover_every_type() {
        for &t in AssessmentType::ALL {
            let f = form(t);
            assert!(f.questions().any(|q| q.required), "{t:?}");
        }
        let hours = form(AssessmentType::Adult).question("hours_band").unwrap();
        assert_eq!(hours.choices.len(), 5, "filled in from the hours_band list");
        assert!(form(AssessmentType::YoungCarer).question("panoc_yc20").is_some());
        let transition = form(AssessmentType::Transition);
        assert_eq!(transition.eligibility.as_ref().map(|e| e.mode), Some(EligibilityMode::Indication));
        assert_eq!(
            form(AssessmentType::Adult).eligibility.as_ref().map(|e| e.mode),
            Some(EligibilityMode::Determination)
        );
    }

    /// A small form: a yes/no gate, a section asked only on "yes", a question in it asked only
    /// on a choice, and an instrument-free outcomes-free rest.
    const GATED: &str = r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[
        {"code":"gate","title":"Gate","questions":[{"code":"go","label":"Go?","kind":"yes_no","required":true}]},
        {"code":"more","title":"More","when":{"question":"go","equals":true},"questions":[
            {"code":"pick","label":"Pick","kind":"choice","required":true,"choices":[{"code":"x","label":"X"},{"code":"y","label":"Y"}]},
            {"code":"why_y","label":"Why Y","kind":"long_text","required":true,"when":{"question":"pick","equals":"y"}}]},
        {"code":"other","title":"Other","when":{"question":"go","equals":false},"questions":[
            {"code":"why_not","label":"Why not","kind":"long_text","required":true}]}]}"#;

    #[test]
    fn when_makes_a_section_or_question_asked_and_required_only_while_its_condition_holds() {
        let f = parse(GATED).unwrap();
        let missing_of = |answers: Value| -> Vec<String> {
            missing(&f, answers.as_object().unwrap()).into_iter().map(|e| e.field).collect()
        };
        let table: [(Value, &[&str]); 6] = [
            (serde_json::json!({}), &["answers.go"]),
            (serde_json::json!({"go": true}), &["answers.pick"]),
            (serde_json::json!({"go": true, "pick": "y"}), &["answers.why_y"]),
            (serde_json::json!({"go": true, "pick": "x"}), &[]),
            (serde_json::json!({"go": false}), &["answers.why_not"]),
            // Answers in a section no longer asked are kept, but not required; a condition on
            // a question that is not asked does not hold either.
            (serde_json::json!({"go": false, "pick": "y", "why_not": "no need"}), &[]),
        ];
        for (answers, expected) in table {
            assert_eq!(missing_of(answers.clone()), expected, "{answers}");
        }
        let answers = serde_json::json!({"go": false, "pick": "y"});
        let answers = answers.as_object().unwrap();
        assert!(!f.asked("why_y", answers), "its section is not asked");
        assert!(!f.asked("pick", answers));
        assert!(f.asked("why_not", answers));
        assert!(!f.asked("no_such_question", answers));
    }

    #[test]
    fn an_inconsistent_form_is_refused_naming_the_problem() {
        let table = [
            (
                r#"{"type":"adult","title":"t","law":"l","about":"a","sections":[]}"#,
                "sections",
                "needs_from_necessary_care",
            ),
            (r#"{"type":"robot","title":"t","law":"l","about":"a","sections":[]}"#, "type", "assessment type"),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"a","label":"A","kind":"text"},{"code":"a","label":"B","kind":"text"}]}]}"#,
                "sections[0].questions[1].code",
                "used twice",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"a","label":"A","kind":"choice","choices":[{"code":"x","label":"X"}]}]}]}"#,
                "sections[0].questions[0].choices",
                "at least two",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"q","label":"A","kind":"instrument","instrument":"nope"}]}]}"#,
                "sections[0].questions[0].instrument",
                "shipped instrument",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"q","label":"A","kind":"choice","list":"no_such_list"}]}]}"#,
                "sections[0].questions[0].list",
                "no list",
            ),
            // `when` names a question that does not exist, or comes later, or itself.
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S",
                    "when":{"question":"nope","equals":true},"questions":[{"code":"a","label":"A","kind":"text"}]}]}"#,
                "sections[0].when.question",
                "comes earlier",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[
                    {"code":"s","title":"S","when":{"question":"go","equals":true},"questions":[{"code":"a","label":"A","kind":"text"}]},
                    {"code":"t","title":"T","questions":[{"code":"go","label":"Go?","kind":"yes_no"}]}]}"#,
                "sections[0].when.question",
                "comes earlier",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"go","label":"Go?","kind":"yes_no","when":{"question":"go","equals":true}}]}]}"#,
                "sections[0].questions[0].when.question",
                "comes earlier",
            ),
            // ... or an answer the question cannot take.
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"go","label":"Go?","kind":"yes_no"},
                    {"code":"a","label":"A","kind":"text","when":{"question":"go","equals":"yes"}}]}]}"#,
                "sections[0].questions[1].when.equals",
                "true or false",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"pick","label":"Pick","kind":"choice","choices":[{"code":"x","label":"X"},{"code":"y","label":"Y"}]},
                    {"code":"a","label":"A","kind":"text","when":{"question":"pick","equals":"z"}}]}]}"#,
                "sections[0].questions[1].when.equals",
                "x, y",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","sections":[{"code":"s","title":"S","questions":[
                    {"code":"words","label":"W","kind":"text"},
                    {"code":"a","label":"A","kind":"text","when":{"question":"words","equals":"hello"}}]}]}"#,
                "sections[0].questions[1].when.equals",
                "yes/no or choice",
            ),
            // An eligibility block needs the rule's questions and a label for every result.
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","eligibility":{"mode":"indication","title":"I",
                    "results":{"eligible":"E","not_eligible":"N"}},"sections":[]}"#,
                "eligibility.results.cannot_decide_yet",
                "label",
            ),
            (
                r#"{"type":"parent_carer","title":"t","law":"l","about":"a","eligibility":{"mode":"indication","title":"I",
                    "results":{"eligible":"E","not_eligible":"N","cannot_decide_yet":"C"}},"sections":[]}"#,
                "sections",
                "for the eligibility rule",
            ),
            // The transition form needs its indication and the s63 decision questions.
            (r#"{"type":"transition","title":"t","law":"l","about":"a","sections":[]}"#, "eligibility", "indication"),
            (r#"{"type":"transition","title":"t","law":"l","about":"a","sections":[]}"#, "sections", "assess_decision"),
        ];
        for (json, field, words) in table {
            match parse(json) {
                Err(Error::Validation(es)) => {
                    assert!(
                        es.iter().any(|e| e.field == field && e.message.contains(words)),
                        "no error at {field} saying '{words}' in {es:?}"
                    );
                }
                other => panic!("{json}: expected a validation error, got {other:?}"),
            }
        }
    }
}
