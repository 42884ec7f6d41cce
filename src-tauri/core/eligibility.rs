//! Whether a carer's needs are eligible: the Care and Support (Eligibility Criteria)
//! Regulations 2015 (SI 2015/313), regulation 3, "Needs which meet the eligibility criteria:
//! carers".
//!
//! > 3.—(1) A carer's needs meet the eligibility criteria if—
//! > (a) the needs arise as a consequence of providing necessary care for an adult;
//! > (b) the effect of the carer's needs is that any of the circumstances specified in
//! > paragraph (2) apply to the carer; and
//! > (c) as a consequence of that fact there is, or is likely to be, a significant impact on
//! > the carer's well-being.
//!
//! Paragraph (2) is "the carer's physical or mental health is, or is at risk of,
//! deteriorating" **or** "the carer is unable to achieve any of the following outcomes" (eight,
//! see [`Outcome`]); paragraph (3) says what "unable to achieve" means (three ways, see
//! [`UnableReason`]). So, unlike the rules for adults who need care (reg 2), **one** outcome is
//! enough, and there is **no** "takes significantly longer than would normally be expected" limb.
//!
//! [`determine`] applies the rule to an assessor's answers and explains the result in words a
//! carer can read (second person: "your needs"). Answers may be incomplete (a draft): the result
//! is then "cannot decide yet", unless a condition that has been answered already fails.
//! Nothing here reads the clock or the database.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::choices::Choice;
use crate::error::{Error, Result};
use crate::validate::{Check, LONG_TEXT_MAX};

choice_list!(
    /// The outcomes of reg 3(2)(b), "the carer is unable to achieve any of the following
    /// outcomes—":
    ///
    /// > (i) carrying out any caring responsibilities the carer has for a child;
    /// > (ii) providing care to other persons for whom the carer provides care;
    /// > (iii) maintaining a habitable home environment in the carer's home (whether or not this
    /// > is also the home of the adult needing care);
    /// > (iv) managing and maintaining nutrition;
    /// > (v) developing and maintaining family or other personal relationships;
    /// > (vi) engaging in work, training, education or volunteering;
    /// > (vii) making use of necessary facilities or services in the local community, including
    /// > recreational facilities or services; and
    /// > (viii) engaging in recreational activities.
    ///
    /// Labels are the regulation's words addressed to the carer ("you"), as the assessment is
    /// done with them and the determination is written to them; lower case because they are
    /// read mid-sentence.
    Outcome, "eligibility_outcome" {
    ChildCare = "child_care": "carrying out any caring responsibilities you have for a child",
    CareForOthers = "care_for_others": "providing care to other people you care for",
    HabitableHome = "habitable_home": "maintaining a habitable home environment in your home",
    Nutrition = "nutrition": "managing and maintaining nutrition",
    Relationships = "relationships": "developing and maintaining family or other personal relationships",
    WorkEducationVolunteering = "work_education_volunteering": "engaging in work, training, education or volunteering",
    CommunityFacilities = "community_facilities": "making use of necessary facilities or services in the local community, including recreational facilities or services",
    Recreation = "recreation": "engaging in recreational activities",
});

choice_list!(
    /// Reg 3(3): "a carer is to be regarded as being unable to achieve an outcome if the
    /// carer—
    ///
    /// > (a) is unable to achieve it without assistance;
    /// > (b) is able to achieve it without assistance but doing so causes the carer significant
    /// > pain, distress or anxiety; or
    /// > (c) is able to achieve it without assistance but doing so endangers or is likely to
    /// > endanger the health or safety of the carer, or any adults or children for whom the
    /// > carer provides care."
    ///
    /// There is deliberately no "takes significantly longer than would normally be expected"
    /// reason: that limb is in reg 2(3) (adults who need care), not in reg 3.
    UnableReason, "unable_reason" {
    NeedsAssistance = "needs_assistance": "unable without assistance",
    SignificantPainDistressAnxiety = "significant_pain_distress_anxiety": "able without assistance but only with significant pain, distress or anxiety",
    EndangersHealthSafety = "endangers_health_safety": "able without assistance but doing so endangers or is likely to endanger the health or safety of the carer, or any adults or children for whom the carer provides care",
});

choice_list!(
    /// The areas of wellbeing in the Care Act 2014 s1(2), used to record where caring has an
    /// impact (condition 3): "(a) personal dignity (including treatment of the individual with
    /// respect); (b) physical and mental health and emotional well-being; (c) protection from
    /// abuse and neglect; (d) control by the individual over day-to-day life (including over
    /// care and support, or support, provided to the individual and the way in which it is
    /// provided); (e) participation in work, education, training or recreation; (f) social and
    /// economic well-being; (g) domestic, family and personal relationships; (h) suitability of
    /// living accommodation; (i) the individual's contribution to society."
    WellbeingArea, "wellbeing_area" {
    Dignity = "dignity": "personal dignity",
    Health = "health": "physical and mental health and emotional wellbeing",
    Protection = "protection": "protection from abuse and neglect",
    Control = "control": "control over day-to-day life",
    WorkEducationRecreation = "work_education_recreation": "participation in work, education, training or recreation",
    SocialEconomic = "social_economic": "social and economic wellbeing",
    Relationships = "relationships": "domestic, family and personal relationships",
    Accommodation = "accommodation": "suitability of living accommodation",
    Contribution = "contribution": "contribution to society",
});

/// Reads the lists back from their codes (a stored [`Determination`] reads back as it was
/// written).
macro_rules! deserialize_by_code {
    ($($name:ident),+) => {$(
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let code = String::deserialize(d)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} code '{code}'", $name::LIST.replace('_', " ")))
                })
            }
        }
    )+};
}

deserialize_by_code!(Outcome, UnableReason, WellbeingArea);

impl UnableReason {
    /// The reason as it reads in a determination addressed to the carer (reg 3(3)(c) in its own
    /// terms: the carer, or any adults or children they care for).
    fn plain(self, voice: Voice) -> &'static str {
        match (self, voice) {
            (UnableReason::NeedsAssistance, _) => "not without help",
            (UnableReason::SignificantPainDistressAnxiety, _) => "only with significant pain, distress or anxiety",
            (UnableReason::EndangersHealthSafety, Voice::Now) => {
                "doing so endangers, or is likely to endanger, your health or safety or that of any adults or children \
                 you care for"
            }
            (UnableReason::EndangersHealthSafety, Voice::After18) => {
                "doing so would endanger, or would be likely to endanger, your health or safety or that of any adults \
                 or children you care for"
            }
        }
    }
}

/// Whether an explanation speaks of now (a determination) or of life after 18 (a young
/// carer's transition indication, Care Act 2014 s64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Voice {
    Now,
    After18,
}

/// The assessor's answers about one outcome of reg 3(2)(b).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeAnswer {
    /// Can the carer achieve this outcome? Blank (`null`) while not yet answered.
    pub achieved: Option<bool>,
    /// When not achieved, why (reg 3(3)): `unable_reason` codes, at least one. Empty when
    /// achieved.
    pub reasons: Vec<String>,
    /// What the carer said, in a few words (optional).
    pub note: Option<String>,
}

/// The answers the eligibility rule uses. Every answer may be blank ("not yet answered"), so a
/// draft assessment can be evaluated as it is filled in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityInput {
    /// Condition 1, reg 3(1)(a): "the needs arise as a consequence of providing necessary care
    /// for an adult".
    pub needs_from_necessary_care: Option<bool>,
    /// Reg 3(2)(a): "the carer's physical or mental health is, or is at risk of, deteriorating".
    pub health_deteriorating_or_at_risk: Option<bool>,
    /// Reg 3(2)(b): the answer for each outcome, keyed by `eligibility_outcome` code
    /// (`child_care`, `nutrition`, ...). An outcome not listed is not yet answered.
    pub outcomes: BTreeMap<String, OutcomeAnswer>,
    /// Condition 3, reg 3(1)(c): "as a consequence of that fact there is, or is likely to be, a
    /// significant impact on the carer's well-being".
    pub significant_impact_on_wellbeing: Option<bool>,
    /// Why the assessor reached that view on condition 3, in plain words; it is quoted in the
    /// determination.
    pub impact_reasoning: Option<String>,
    /// The areas of wellbeing affected (Care Act s1(2)): `wellbeing_area` codes.
    pub wellbeing_areas_affected: Vec<String>,
}

/// The result of applying reg 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityResult {
    /// All three conditions hold.
    Eligible,
    /// At least one condition fails (whatever is still unanswered).
    NotEligible,
    /// No condition fails, but an answer the rule needs is missing.
    CannotDecideYet,
}

/// One of the three conditions of reg 3(1), as decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConditionOutcome {
    /// 1 = reg 3(1)(a), 2 = reg 3(1)(b) with 3(2), 3 = reg 3(1)(c).
    pub condition: u8,
    /// `true` holds, `false` fails, `null` cannot be decided yet (answers missing).
    pub holds: Option<bool>,
    /// One plain-English sentence or two, addressed to the carer.
    pub explanation: String,
}

/// An outcome the carer is unable to achieve, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnachievedOutcome {
    /// An `eligibility_outcome` code.
    #[schemars(with = "String")]
    pub outcome: Outcome,
    pub label: String,
    /// `unable_reason` codes, in the regulation's order.
    #[schemars(with = "Vec<String>")]
    pub reasons: Vec<UnableReason>,
    pub reason_labels: Vec<String>,
    pub note: Option<String>,
}

/// The determination: the result, each condition, and why, in words a carer can read. It
/// serialises to JSON and reads back unchanged, so it can be stored with the assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Determination {
    pub result: EligibilityResult,
    /// Always three, in order.
    pub conditions: Vec<ConditionOutcome>,
    /// In the regulation's order.
    pub unachieved_outcomes: Vec<UnachievedOutcome>,
    /// The wellbeing areas recorded as affected, in the Act's order.
    #[schemars(with = "Vec<String>")]
    pub wellbeing_areas_affected: Vec<WellbeingArea>,
    /// Every answer the rule uses that is still blank, as field paths of [`EligibilityInput`]
    /// (`needs_from_necessary_care`, `outcomes.nutrition.achieved`, ...), whatever the result:
    /// for "not eligible" they did not change it, for "cannot decide yet" they are what to ask.
    pub missing: Vec<String>,
    /// The whole determination as text: the result, then each condition on its own line.
    pub explanation: String,
    /// `true` when this is an **indication** (Care Act 2014 s64: a young carer's transition
    /// assessment, of whether the needs they are likely to have after 18 are likely to be
    /// eligible), not a determination; see [`indication`].
    #[serde(default)]
    pub indication: bool,
}

/// The condition-1 answer's field path.
pub const FIELD_NECESSARY_CARE: &str = "needs_from_necessary_care";
/// The reg 3(2)(a) answer's field path.
pub const FIELD_HEALTH: &str = "health_deteriorating_or_at_risk";
/// The condition-3 answer's field path.
pub const FIELD_IMPACT: &str = "significant_impact_on_wellbeing";

/// One outcome's answer after checking.
struct Answered {
    achieved: bool,
    reasons: Vec<UnableReason>,
    note: Option<String>,
}

/// The answers after checking: every code known, every answer consistent. `outcomes` is in the
/// order of [`Outcome::ALL`].
struct Checked {
    outcomes: Vec<Option<Answered>>,
    reasoning: Option<String>,
    areas: Vec<WellbeingArea>,
}

fn position<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|a| a == value).expect("every value is in its list")
}

fn check(input: &EligibilityInput) -> Result<Checked> {
    let mut c = Check::new("");
    let mut outcomes: Vec<Option<Answered>> = Outcome::ALL.iter().map(|_| None).collect();
    for (key, answer) in &input.outcomes {
        let Some(outcome) = Outcome::from_code(key) else {
            c.fail(
                &format!("outcomes.{key}"),
                format!(
                    "use one of the outcomes in the regulations ('{key}' is not one): {}",
                    Outcome::ALL.iter().map(|o| o.code()).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        };
        let field = |f: &str| format!("outcomes.{key}.{f}");
        let mut reasons = Vec::new();
        for r in &answer.reasons {
            match UnableReason::from_code(r.trim()) {
                Some(reason) if !reasons.contains(&reason) => reasons.push(reason),
                Some(_) => {}
                None => c.fail(
                    &field("reasons"),
                    format!(
                        "choose why the carer cannot achieve this from the listed reasons ('{}' is not one of them)",
                        r.trim()
                    ),
                ),
            }
        }
        reasons.sort_by_key(|r| position(UnableReason::ALL, r));
        let note = c.text(&field("note"), "Note", &answer.note, LONG_TEXT_MAX);
        match answer.achieved {
            Some(false) if reasons.is_empty() && answer.reasons.is_empty() => c.fail(
                &field("reasons"),
                format!(
                    "choose why the carer cannot achieve this: {}",
                    UnableReason::ALL.iter().map(|r| r.label()).collect::<Vec<_>>().join("; or ")
                ),
            ),
            Some(true) if !answer.reasons.is_empty() => c.fail(
                &field("reasons"),
                "the carer can achieve this outcome, so remove the reasons (they are only for an outcome the carer cannot achieve)",
            ),
            None if !answer.reasons.is_empty() => c.fail(
                &field("achieved"),
                "answer whether the carer can achieve this outcome: reasons are chosen but the answer is blank",
            ),
            Some(achieved) => outcomes[position(Outcome::ALL, &outcome)] = Some(Answered { achieved, reasons, note }),
            None => {}
        }
    }
    let reasoning =
        c.text("impact_reasoning", "Reasoning about the impact on wellbeing", &input.impact_reasoning, LONG_TEXT_MAX);
    let mut areas = c.choices("wellbeing_areas_affected", &input.wellbeing_areas_affected, WellbeingArea::parse);
    areas.sort_by_key(|a| position(WellbeingArea::ALL, a));
    c.finish()?;
    Ok(Checked { outcomes, reasoning, areas })
}

/// Applies reg 3 to the answers.
///
/// - Condition 1 holds when `needs_from_necessary_care` is yes.
/// - Condition 2 holds when health is deteriorating or at risk, **or** any one outcome is not
///   achieved (for any of the three reasons), even if other outcomes are still unanswered; it
///   fails only when health is "no" **and** all eight outcomes are answered "achieved".
/// - Condition 3 holds when `significant_impact_on_wellbeing` is yes.
///
/// Eligible when all three hold; not eligible as soon as an answered condition fails (even if
/// others are unanswered); otherwise cannot decide yet. Answers with unknown codes, an outcome
/// not achieved without a reason, or reasons for an achieved outcome are validation errors
/// naming the field (`outcomes.nutrition.reasons`), and nothing is decided.
pub fn determine(input: &EligibilityInput) -> Result<Determination> {
    let d = decide(input, Voice::Now)?;
    let headline = match d.result {
        EligibilityResult::Eligible => "Your needs are eligible under the Care and Support (Eligibility Criteria) \
             Regulations 2015, because all three conditions are met:"
            .to_string(),
        EligibilityResult::NotEligible => format!(
            "Your needs are not eligible under the Care and Support (Eligibility Criteria) Regulations 2015: all \
             three conditions must be met, and {}.{}",
            failed_conditions(&d.conditions, ""),
            blanks_do_not_matter(&d)
        ),
        EligibilityResult::CannotDecideYet => {
            "It cannot be decided yet whether your needs are eligible under the Care \
             and Support (Eligibility Criteria) Regulations 2015, because some answers are missing."
                .to_string()
        }
    };
    Ok(with_headline(d, headline))
}

/// The result, conditions, outcomes and missing answers of reg 3 applied to the answers,
/// explained in `voice`; the explanation is the conditions only (each caller adds its first
/// line).
fn decide(input: &EligibilityInput, voice: Voice) -> Result<Determination> {
    let checked = check(input)?;

    let c1 = input.needs_from_necessary_care;
    let health = input.health_deteriorating_or_at_risk;
    let answers = Outcome::ALL.iter().copied().zip(&checked.outcomes);
    let unachieved: Vec<UnachievedOutcome> = answers
        .clone()
        .filter_map(|(outcome, a)| match a {
            Some(a) if !a.achieved => Some(UnachievedOutcome {
                outcome,
                label: outcome.label().to_string(),
                reasons: a.reasons.clone(),
                reason_labels: a.reasons.iter().map(|r| r.label().to_string()).collect(),
                note: a.note.clone(),
            }),
            _ => None,
        })
        .collect();
    let unanswered: Vec<Outcome> = answers.filter(|(_, a)| a.is_none()).map(|(o, _)| o).collect();
    let answered = Outcome::ALL.len() - unanswered.len();
    let c2 = if health == Some(true) || !unachieved.is_empty() {
        Some(true)
    } else if health == Some(false) && unanswered.is_empty() {
        Some(false)
    } else {
        None
    };
    let c3 = input.significant_impact_on_wellbeing;

    let mut missing = Vec::new();
    if c1.is_none() {
        missing.push(FIELD_NECESSARY_CARE.to_string());
    }
    if health.is_none() {
        missing.push(FIELD_HEALTH.to_string());
    }
    missing.extend(unanswered.iter().map(|o| format!("outcomes.{}.achieved", o.code())));
    if c3.is_none() {
        missing.push(FIELD_IMPACT.to_string());
    }

    let holds = [c1, c2, c3];
    let result = if holds.contains(&Some(false)) {
        EligibilityResult::NotEligible
    } else if holds.iter().all(|h| *h == Some(true)) {
        EligibilityResult::Eligible
    } else {
        EligibilityResult::CannotDecideYet
    };

    let conditions = vec![
        ConditionOutcome { condition: 1, holds: c1, explanation: explain_1(c1, voice) },
        ConditionOutcome {
            condition: 2,
            holds: c2,
            explanation: explain_2(c2, health, &unachieved, &unanswered, answered, voice),
        },
        ConditionOutcome {
            condition: 3,
            holds: c3,
            explanation: explain_3(c3, &checked.areas, checked.reasoning.as_deref(), voice),
        },
    ];

    Ok(Determination {
        result,
        conditions,
        unachieved_outcomes: unachieved,
        wellbeing_areas_affected: checked.areas,
        missing,
        explanation: String::new(),
        indication: voice == Voice::After18,
    })
}

/// "condition 3 is not", "conditions 1 and 3 are not" (then `then`: " likely to be").
fn failed_conditions(conditions: &[ConditionOutcome], then: &str) -> String {
    let failed: Vec<String> =
        conditions.iter().filter(|c| c.holds == Some(false)).map(|c| c.condition.to_string()).collect();
    match failed.as_slice() {
        [one] => format!("condition {one} is not{then}"),
        [init @ .., last] => format!("conditions {} and {last} are not{then}", init.join(", ")),
        [] => unreachable!("not eligible means a condition failed"),
    }
}

/// For a result already decided with answers still blank: that they do not matter (said
/// before the conditions list them).
fn blanks_do_not_matter(d: &Determination) -> &'static str {
    if d.missing.is_empty() {
        ""
    } else {
        " The answers still blank would not change this."
    }
}

/// The explanation: the first line, then each condition on its own line.
fn with_headline(d: Determination, headline: String) -> Determination {
    let mut explanation = headline;
    for c in &d.conditions {
        explanation.push_str(&format!("\n{}. {}", c.condition, c.explanation));
    }
    Determination { explanation, ..d }
}

/// Applies reg 3 to a young carer's answers about what is likely after 18, worded as the
/// indication s64 of the Care Act 2014 asks for: whether the needs they are likely to have
/// after becoming 18 are likely to meet the eligibility criteria, and if so which. The result,
/// conditions, outcomes and missing answers are exactly those of [`determine`] on the same
/// answers; the explanation looks ahead ("after 18 you would be unable to ..."), and
/// `indication` is set, so it is never read as a determination.
pub fn indicate(input: &EligibilityInput) -> Result<Determination> {
    const NOT_A_DETERMINATION: &str = "This is an indication (Care Act 2014 s64), not a determination: it looks \
         ahead to when you turn 18, using the eligibility criteria for carers (Care and Support (Eligibility \
         Criteria) Regulations 2015, reg 3).";
    let d = decide(input, Voice::After18)?;
    let headline = match d.result {
        EligibilityResult::Eligible => {
            let mut which = Vec::new();
            if input.health_deteriorating_or_at_risk == Some(true) {
                which.push("the risk to your physical or mental health".to_string());
            }
            if !d.unachieved_outcomes.is_empty() {
                which.push(format!(
                    "being unable to achieve {}",
                    list_unachieved(&d.unachieved_outcomes, Voice::After18)
                ));
            }
            format!(
                "Likely to be eligible at 18: all three conditions are likely to be met. The needs likely to be \
                 eligible are those arising from {}. {NOT_A_DETERMINATION}",
                which.join(", and from ")
            )
        }
        EligibilityResult::NotEligible => format!(
            "Not likely to be eligible at 18: all three conditions must be met, and {}.{} {NOT_A_DETERMINATION}",
            failed_conditions(&d.conditions, " likely to be"),
            blanks_do_not_matter(&d)
        ),
        EligibilityResult::CannotDecideYet => format!(
            "No indication yet of whether your needs are likely to be eligible at 18: some answers are missing. \
             {NOT_A_DETERMINATION}"
        ),
    };
    Ok(with_headline(d, headline))
}

/// A small number in words ("one" to "nine"), as a carer reads it; larger ones in figures.
fn in_words(n: usize) -> String {
    const WORDS: [&str; 10] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    WORDS.get(n).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// The words of each condition in one voice.
struct Words {
    care_yes: &'static str,
    care_no: &'static str,
    care_ask: &'static str,
    health: &'static str,
    health_not: &'static str,
    health_ask: &'static str,
    unable: &'static str,
    able_all: &'static str,
    able_so_far: &'static str,
    impact_yes: &'static str,
    impact_no: &'static str,
    impact_ask: &'static str,
    not_met: &'static str,
}

fn words(voice: Voice) -> &'static Words {
    const NOW: Words = Words {
        care_yes: "Your needs arise because you provide necessary care for an adult.",
        care_no: "Your needs do not arise because you provide necessary care for an adult",
        care_ask: "whether your needs arise because you provide necessary care for an adult",
        health: "your physical or mental health is deteriorating or at risk of deteriorating",
        health_not: "Your physical or mental health is not deteriorating or at risk of deteriorating",
        health_ask: "whether your physical or mental health is deteriorating or at risk of deteriorating",
        unable: "you are unable to achieve",
        able_all: "you are able to achieve all eight outcomes the regulations list",
        able_so_far: "You are able to achieve",
        impact_yes: "There is, or is likely to be, a significant impact on your wellbeing",
        impact_no: "There is not, and is not likely to be, a significant impact on your wellbeing",
        impact_ask: "whether there is, or is likely to be, a significant impact on your wellbeing",
        not_met: "so this condition is not met",
    };
    const AFTER_18: Words = Words {
        care_yes: "After 18, your needs would arise because you provide necessary care for an adult.",
        care_no: "After 18, your needs would not arise because you provide necessary care for an adult",
        care_ask: "whether after 18 your needs would arise because you provide necessary care for an adult",
        health: "after 18 your physical or mental health would be deteriorating or at risk of deteriorating",
        health_not: "After 18 your physical or mental health would not be deteriorating or at risk of deteriorating",
        health_ask: "whether after 18 your physical or mental health would be deteriorating or at risk of \
                     deteriorating",
        unable: "after 18 you would be unable to achieve",
        able_all: "you would be able to achieve all eight outcomes the regulations list",
        able_so_far: "After 18 you would be able to achieve",
        impact_yes: "After 18 there would be, or would be likely to be, a significant impact on your wellbeing",
        impact_no: "After 18 there would not be, and would not be likely to be, a significant impact on your wellbeing",
        impact_ask: "whether after 18 there would be, or would be likely to be, a significant impact on your wellbeing",
        not_met: "so this condition would not be met",
    };
    match voice {
        Voice::Now => &NOW,
        Voice::After18 => &AFTER_18,
    }
}

fn explain_1(c1: Option<bool>, voice: Voice) -> String {
    let w = words(voice);
    match c1 {
        Some(true) => w.care_yes.to_string(),
        Some(false) => format!("{}, {}.", w.care_no, w.not_met),
        None => format!("Not answered yet: {}.", w.care_ask),
    }
}

fn list_unachieved(unachieved: &[UnachievedOutcome], voice: Voice) -> String {
    unachieved
        .iter()
        .map(|u| {
            let why: Vec<&str> = u.reasons.iter().map(|r| r.plain(voice)).collect();
            format!("{} ({})", u.label, why.join("; "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn explain_2(
    c2: Option<bool>,
    health: Option<bool>,
    unachieved: &[UnachievedOutcome],
    unanswered: &[Outcome],
    answered: usize,
    voice: Voice,
) -> String {
    let w = words(voice);
    let outcomes_sentence = || {
        format!(
            "{} {} of the outcomes the regulations list: {}",
            w.unable,
            in_words(unachieved.len()),
            list_unachieved(unachieved, voice)
        )
    };
    match c2 {
        Some(true) if health == Some(true) && !unachieved.is_empty() => {
            format!("{}, and {}.", capitalise(w.health), outcomes_sentence())
        }
        Some(true) if health == Some(true) => {
            if unanswered.is_empty() {
                format!("{}. That is enough on its own, even though {}.", capitalise(w.health), w.able_all)
            } else {
                format!("{}. That is enough on its own.", capitalise(w.health))
            }
        }
        Some(true) => format!("{}. One is enough.", capitalise(&outcomes_sentence())),
        Some(false) => format!("{}, and {}, {}.", w.health_not, w.able_all, w.not_met),
        None => {
            let mut known = String::new();
            if health == Some(false) {
                known.push_str(&format!("{}. ", w.health_not));
            }
            if answered > 0 {
                known.push_str(&format!(
                    "{} {} answered so far. ",
                    w.able_so_far,
                    if answered == 1 {
                        "the one outcome".to_string()
                    } else {
                        format!("the {} outcomes", in_words(answered))
                    }
                ));
            }
            let mut asks = Vec::new();
            if health.is_none() {
                asks.push(w.health_ask.to_string());
            }
            if !unanswered.is_empty() {
                asks.push(format!(
                    "whether you {} {}: {}",
                    if voice == Voice::Now { "can achieve" } else { "could achieve" },
                    if unanswered.len() == 1 { "this outcome" } else { "these outcomes" },
                    unanswered.iter().map(|o| o.label()).collect::<Vec<_>>().join("; ")
                ));
            }
            format!("{known}Not answered yet: {}.", asks.join("; and "))
        }
    }
}

fn explain_3(c3: Option<bool>, areas: &[WellbeingArea], reasoning: Option<&str>, voice: Voice) -> String {
    let w = words(voice);
    let areas = if areas.is_empty() {
        String::new()
    } else {
        format!(" (in particular {})", areas.iter().map(|a| a.label()).collect::<Vec<_>>().join("; "))
    };
    let reasoning = match reasoning {
        Some(r) if r.ends_with(['.', '!', '?']) => format!(": {r}"),
        Some(r) => format!(": {r}."),
        None => ".".to_string(),
    };
    match c3 {
        Some(true) => format!("{}{areas}{reasoning}", w.impact_yes),
        Some(false) => format!("{}, {}{reasoning}", w.impact_no, w.not_met),
        None => format!("Not answered yet: {}.", w.impact_ask),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every list in this module, by name, in the form of [`crate::choices::all_options`].
pub fn options() -> serde_json::Map<String, serde_json::Value> {
    choice_lists!(Outcome, UnableReason, WellbeingArea)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EligibilityResult::*;

    fn answer(achieved: Option<bool>, reasons: &[UnableReason]) -> OutcomeAnswer {
        OutcomeAnswer { achieved, reasons: reasons.iter().map(|r| r.code().to_string()).collect(), note: None }
    }

    /// Every outcome answered "achieved"; the three conditions as given.
    fn input(c1: Option<bool>, health: Option<bool>, c3: Option<bool>) -> EligibilityInput {
        EligibilityInput {
            needs_from_necessary_care: c1,
            health_deteriorating_or_at_risk: health,
            outcomes: Outcome::ALL.iter().map(|o| (o.code().to_string(), answer(Some(true), &[]))).collect(),
            significant_impact_on_wellbeing: c3,
            impact_reasoning: Some("Caring every night leaves you exhausted".into()),
            wellbeing_areas_affected: vec!["health".into()],
        }
    }

    fn failing(mut i: EligibilityInput, outcome: Outcome, reasons: &[UnableReason]) -> EligibilityInput {
        i.outcomes.insert(outcome.code().to_string(), answer(Some(false), reasons));
        i
    }

    fn holds(d: &Determination) -> Vec<Option<bool>> {
        d.conditions.iter().map(|c| c.holds).collect()
    }

    fn fields(e: Error) -> Vec<(String, String)> {
        match e {
            Error::Validation(es) => es.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn the_lists_are_the_regulations() {
        assert_eq!(Outcome::ALL.len(), 8, "reg 3(2)(b) lists eight outcomes");
        assert_eq!(UnableReason::ALL.len(), 3, "reg 3(3) gives three ways of being unable");
        assert_eq!(WellbeingArea::ALL.len(), 9, "Care Act s1(2) lists nine areas");
        assert_eq!(
            UnableReason::from_code("takes_significantly_longer"),
            None,
            "no 'significantly longer' limb in reg 3"
        );
        let codes: [Vec<&str>; 3] = [
            Outcome::ALL.iter().map(|o| o.code()).collect(),
            UnableReason::ALL.iter().map(|r| r.code()).collect(),
            WellbeingArea::ALL.iter().map(|a| a.code()).collect(),
        ];
        for list in codes {
            let unique: std::collections::BTreeSet<_> = list.iter().collect();
            assert_eq!(unique.len(), list.len(), "{list:?}");
        }
        for &o in Outcome::ALL {
            assert_eq!(Outcome::from_code(o.code()), Some(o));
        }
        let opts = options();
        assert_eq!(opts["eligibility_outcome"].as_array().unwrap().len(), 8);
        assert_eq!(opts["unable_reason"][0]["label"], "unable without assistance");
    }

    #[test]
    fn each_condition_failing_alone_means_not_eligible() {
        let t = Some(true);
        let f = Some(false);
        // (condition 1, health, one outcome failed, condition 3) -> which conditions hold
        let table = [
            // reg 3(1)(a) fails: needs do not arise from providing necessary care.
            (input(f, t, t), vec![f, t, t], "condition 1 is not"),
            // reg 3(1)(b) fails: health not at risk and every outcome achieved.
            (input(t, f, t), vec![t, f, t], "condition 2 is not"),
            // reg 3(1)(c) fails: no significant impact on wellbeing.
            (input(t, t, f), vec![t, t, f], "condition 3 is not"),
            (input(f, f, f), vec![f, f, f], "conditions 1, 2 and 3 are not"),
            (input(f, t, f), vec![f, t, f], "conditions 1 and 3 are not"),
        ];
        for (i, expected, says) in table {
            let d = determine(&i).unwrap();
            assert_eq!(d.result, NotEligible, "{i:?}");
            assert_eq!(holds(&d), expected);
            assert!(d.missing.is_empty());
            assert!(d.explanation.starts_with("Your needs are not eligible"), "{}", d.explanation);
            assert!(d.explanation.contains(says), "{}", d.explanation);
            for c in d.conditions.iter().filter(|c| c.holds == Some(false)) {
                assert!(c.explanation.contains("not met"), "{}", c.explanation);
            }
        }
    }

    #[test]
    fn each_outcome_alone_with_each_reason_is_enough_for_condition_2() {
        for &outcome in Outcome::ALL {
            for &reason in UnableReason::ALL {
                let i = failing(input(Some(true), Some(false), Some(true)), outcome, &[reason]);
                let d = determine(&i).unwrap();
                assert_eq!(d.result, Eligible, "{outcome:?} {reason:?}");
                assert_eq!(holds(&d), [Some(true); 3]);
                assert_eq!(d.unachieved_outcomes.len(), 1);
                assert_eq!(d.unachieved_outcomes[0].outcome, outcome);
                assert_eq!(d.unachieved_outcomes[0].reasons, [reason]);
                assert_eq!(d.unachieved_outcomes[0].reason_labels, [reason.label()]);
                let c2 = &d.conditions[1].explanation;
                assert!(c2.starts_with("You are unable to achieve one of the outcomes"), "{c2}");
                assert!(c2.contains(&format!("{} ({})", outcome.label(), reason.plain(Voice::Now))), "{c2}");
                assert!(d.explanation.starts_with("Your needs are eligible"), "{}", d.explanation);
            }
        }
    }

    #[test]
    fn only_health_at_risk_and_no_outcome_failed_is_eligible_when_1_and_3_hold() {
        let d = determine(&input(Some(true), Some(true), Some(true))).unwrap();
        assert_eq!(d.result, Eligible);
        assert!(d.unachieved_outcomes.is_empty());
        assert_eq!(
            d.conditions[1].explanation,
            "Your physical or mental health is deteriorating or at risk of deteriorating. That is enough on its own, \
             even though you are able to achieve all eight outcomes the regulations list."
        );
        // ... even with the outcomes not yet asked about.
        let mut i = input(Some(true), Some(true), Some(true));
        i.outcomes.clear();
        let d = determine(&i).unwrap();
        assert_eq!(d.result, Eligible);
        assert_eq!(d.missing.len(), 8, "the unanswered outcomes are still listed: {:?}", d.missing);
        assert!(d.conditions[1].explanation.ends_with("That is enough on its own."));
    }

    #[test]
    fn outcome_failed_but_no_significant_impact_is_not_eligible() {
        let i =
            failing(input(Some(true), Some(false), Some(false)), Outcome::Recreation, &[UnableReason::NeedsAssistance]);
        let d = determine(&i).unwrap();
        assert_eq!(d.result, NotEligible);
        assert_eq!(holds(&d), [Some(true), Some(true), Some(false)]);
        assert_eq!(d.unachieved_outcomes.len(), 1, "the failed outcome is still reported");
        assert!(d.explanation.contains("condition 3 is not"));
    }

    #[test]
    fn needs_not_arising_from_necessary_care_is_not_eligible() {
        let mut i = input(Some(false), Some(true), Some(true));
        for &o in Outcome::ALL {
            i = failing(i, o, UnableReason::ALL);
        }
        let d = determine(&i).unwrap();
        assert_eq!(d.result, NotEligible);
        assert_eq!(holds(&d), [Some(false), Some(true), Some(true)]);
        assert_eq!(
            d.conditions[0].explanation,
            "Your needs do not arise because you provide necessary care for an adult, so this condition is not met."
        );
    }

    #[test]
    fn missing_answers_give_cannot_decide_yet_listing_them() {
        let everything: Vec<String> = [FIELD_NECESSARY_CARE.to_string(), FIELD_HEALTH.to_string()]
            .into_iter()
            .chain(Outcome::ALL.iter().map(|o| format!("outcomes.{}.achieved", o.code())))
            .chain([FIELD_IMPACT.to_string()])
            .collect();
        let mut one_unanswered = input(Some(true), Some(false), Some(true));
        one_unanswered.outcomes.remove("nutrition");
        let table: Vec<(EligibilityInput, Vec<Option<bool>>, Vec<String>)> = vec![
            (EligibilityInput::default(), vec![None, None, None], everything),
            (
                input(None, Some(true), Some(true)),
                vec![None, Some(true), Some(true)],
                vec![FIELD_NECESSARY_CARE.into()],
            ),
            (input(Some(true), Some(true), None), vec![Some(true), Some(true), None], vec![FIELD_IMPACT.into()]),
            // Every outcome achieved but health not answered: condition 2 is open.
            (input(Some(true), None, Some(true)), vec![Some(true), None, Some(true)], vec![FIELD_HEALTH.into()]),
            // Health "no" and seven outcomes achieved: the eighth could still fail.
            (one_unanswered, vec![Some(true), None, Some(true)], vec!["outcomes.nutrition.achieved".into()]),
        ];
        for (i, expected, missing) in table {
            let d = determine(&i).unwrap();
            assert_eq!(d.result, CannotDecideYet, "{i:?}");
            assert_eq!(holds(&d), expected);
            assert_eq!(d.missing, missing);
            assert!(d.explanation.starts_with("It cannot be decided yet"), "{}", d.explanation);
            for c in d.conditions.iter().filter(|c| c.holds.is_none()) {
                assert!(c.explanation.contains("Not answered yet"), "{}", c.explanation);
            }
        }
    }

    #[test]
    fn condition_2_holds_on_one_failed_outcome_even_with_others_unanswered() {
        let mut i = EligibilityInput {
            needs_from_necessary_care: Some(true),
            significant_impact_on_wellbeing: Some(true),
            ..Default::default()
        };
        i = failing(i, Outcome::Nutrition, &[UnableReason::EndangersHealthSafety]);
        let d = determine(&i).unwrap();
        assert_eq!(d.result, Eligible);
        assert_eq!(d.missing.len(), 8, "health and seven outcomes: {:?}", d.missing);
        assert_eq!(d.missing[0], FIELD_HEALTH);
    }

    #[test]
    fn a_failed_condition_decides_even_with_answers_missing_and_says_what_is_unanswered() {
        let i = EligibilityInput { significant_impact_on_wellbeing: Some(false), ..Default::default() };
        let d = determine(&i).unwrap();
        assert_eq!(d.result, NotEligible);
        assert_eq!(holds(&d), [None, None, Some(false)]);
        assert_eq!(d.missing.len(), 10);
        assert!(d.explanation.contains("\n1. Not answered yet: whether your needs arise"), "{}", d.explanation);
    }

    #[test]
    fn the_explanation_reads_as_plain_english() {
        let mut i = input(Some(true), Some(false), Some(true));
        i = failing(i, Outcome::Nutrition, &[UnableReason::NeedsAssistance]);
        i = failing(i, Outcome::HabitableHome, &[UnableReason::SignificantPainDistressAnxiety]);
        i.wellbeing_areas_affected = vec!["relationships".into(), "health".into()];
        let d = determine(&i).unwrap();
        assert_eq!(
            d.explanation,
            "Your needs are eligible under the Care and Support (Eligibility Criteria) Regulations 2015, because all \
             three conditions are met:\n\
             1. Your needs arise because you provide necessary care for an adult.\n\
             2. You are unable to achieve two of the outcomes the regulations list: maintaining a habitable home \
             environment in your home (only with significant pain, distress or anxiety); managing and maintaining \
             nutrition (not without help). One is enough.\n\
             3. There is, or is likely to be, a significant impact on your wellbeing (in particular physical and \
             mental health and emotional wellbeing; domestic, family and personal relationships): Caring every night \
             leaves you exhausted."
        );
        let mut i = input(None, Some(false), Some(true));
        i.outcomes.remove("recreation");
        i.outcomes.remove("child_care");
        let d = determine(&i).unwrap();
        assert_eq!(
            d.conditions[1].explanation,
            "Your physical or mental health is not deteriorating or at risk of deteriorating. You are able to achieve \
             the six outcomes answered so far. Not answered yet: whether you can achieve these outcomes: carrying out \
             any caring responsibilities you have for a child; engaging in recreational activities."
        );
        i.health_deteriorating_or_at_risk = None;
        let d = determine(&i).unwrap();
        assert!(d.conditions[1].explanation.contains(
            "Not answered yet: whether your physical or mental health is deteriorating or at risk of deteriorating; \
             and whether you can achieve these outcomes"
        ));
    }

    #[test]
    fn outcomes_speak_to_the_carer_and_reason_c_is_the_regulations() {
        // Reg 3(2)(b) addressed to the carer: no "the carer", no "persons for whom".
        for o in Outcome::ALL {
            let l = o.label();
            assert!(!l.contains("the carer") && !l.contains("for whom"), "{l}");
        }
        assert_eq!(Outcome::CareForOthers.label(), "providing care to other people you care for");
        assert_eq!(Outcome::ChildCare.label(), "carrying out any caring responsibilities you have for a child");
        // Reg 3(3)(c): "the health or safety of the carer, or any adults or children for whom the
        // carer provides care", in the carer's terms.
        let mut i = input(Some(true), Some(false), Some(true));
        i = failing(i, Outcome::Nutrition, &[UnableReason::EndangersHealthSafety]);
        let c2 = determine(&i).unwrap().conditions[1].explanation.clone();
        assert!(
            c2.contains(
                "managing and maintaining nutrition (doing so endangers, or is likely to endanger, your health or \
                 safety or that of any adults or children you care for)"
            ),
            "{c2}"
        );
    }

    #[test]
    fn small_numbers_are_words_and_eight_only_when_all_eight_are_answered() {
        // (outcomes failed, outcomes answered "achieved", health) → words in condition 2.
        let table: &[(usize, usize, Option<bool>, &str)] = &[
            (1, 7, Some(false), "unable to achieve one of the outcomes"),
            (2, 6, Some(false), "unable to achieve two of the outcomes"),
            (3, 0, None, "unable to achieve three of the outcomes"),
            (8, 0, Some(false), "unable to achieve eight of the outcomes"),
            (0, 1, None, "You are able to achieve the one outcome answered so far."),
            (0, 5, None, "You are able to achieve the five outcomes answered so far."),
            (0, 8, Some(false), "you are able to achieve all eight outcomes the regulations list"),
            (0, 8, Some(true), "even though you are able to achieve all eight outcomes the regulations list"),
        ];
        for &(failed, achieved, health, words) in table {
            let mut i = EligibilityInput {
                needs_from_necessary_care: Some(true),
                health_deteriorating_or_at_risk: health,
                significant_impact_on_wellbeing: Some(true),
                ..Default::default()
            };
            for (n, o) in Outcome::ALL.iter().enumerate() {
                if n < failed {
                    i = failing(i, *o, &[UnableReason::NeedsAssistance]);
                } else if n < failed + achieved {
                    i.outcomes.insert(o.code().into(), answer(Some(true), &[]));
                }
            }
            let d = determine(&i).unwrap();
            let c2 = &d.conditions[1].explanation;
            assert!(c2.contains(words), "{failed} {achieved} {health:?}: {c2}");
            assert!(!c2.chars().any(|c| c.is_ascii_digit()), "numbers in words: {c2}");
            // "eight" only when all eight outcomes were answered.
            assert!(!c2.contains("eight") || failed + achieved == 8, "{c2}");
        }
    }

    #[test]
    fn a_decided_result_says_so_before_listing_what_is_blank() {
        let i = EligibilityInput { significant_impact_on_wellbeing: Some(false), ..Default::default() };
        let d = determine(&i).unwrap();
        let first = d.explanation.lines().next().unwrap();
        assert_eq!(
            first,
            "Your needs are not eligible under the Care and Support (Eligibility Criteria) Regulations 2015: all three \
             conditions must be met, and condition 3 is not. The answers still blank would not change this."
        );
        // Nothing blank: nothing said about blanks.
        let d = determine(&input(Some(true), Some(false), Some(false))).unwrap();
        assert!(!d.explanation.contains("blank"), "{}", d.explanation);
        let d = indicate(&i).unwrap();
        assert!(
            d.explanation.starts_with(
                "Not likely to be eligible at 18: all three conditions must be met, and condition 3 is not likely to \
                 be. The answers still blank would not change this."
            ),
            "{}",
            d.explanation
        );
    }

    #[test]
    fn the_indication_looks_ahead_to_after_18() {
        let mut i = input(Some(true), Some(false), Some(true));
        i = failing(i, Outcome::WorkEducationVolunteering, &[UnableReason::SignificantPainDistressAnxiety]);
        let d = indicate(&i).unwrap();
        assert_eq!(d.result, Eligible);
        assert!(d.indication);
        let lines: Vec<&str> = d.explanation.lines().collect();
        assert!(lines[0].starts_with("Likely to be eligible at 18"), "{}", lines[0]);
        assert_eq!(lines[1], "1. After 18, your needs would arise because you provide necessary care for an adult.");
        assert_eq!(
            lines[2],
            "2. After 18 you would be unable to achieve one of the outcomes the regulations list: engaging in work, \
             training, education or volunteering (only with significant pain, distress or anxiety). One is enough."
        );
        assert!(lines[3].starts_with("3. After 18 there would be, or would be likely to be, a significant impact"));
        // Not one present-tense condition in an indication.
        for line in &lines[1..] {
            assert!(!line.contains("You are") && !line.contains("There is,"), "{line}");
        }
        let d = indicate(&input(Some(false), Some(false), Some(false))).unwrap();
        assert!(d.explanation.contains("so this condition would not be met"), "{}", d.explanation);
        // The same result, conditions and missing answers as a determination.
        let (now, later) = (determine(&i).unwrap(), indicate(&i).unwrap());
        assert_eq!((now.result, holds(&now), &now.missing), (later.result, holds(&later), &later.missing));
    }

    #[test]
    fn several_reasons_are_listed_in_the_regulations_order_once_each() {
        let mut i = input(Some(true), Some(false), Some(true));
        i.outcomes.insert(
            "recreation".into(),
            OutcomeAnswer {
                achieved: Some(false),
                reasons: vec!["endangers_health_safety".into(), " needs_assistance ".into(), "needs_assistance".into()],
                note: Some("  no time at all  ".into()),
            },
        );
        let d = determine(&i).unwrap();
        let u = &d.unachieved_outcomes[0];
        assert_eq!(u.reasons, [UnableReason::NeedsAssistance, UnableReason::EndangersHealthSafety]);
        assert_eq!(u.note.as_deref(), Some("no time at all"));
    }

    #[test]
    fn bad_answers_are_errors_naming_the_field() {
        let mut i = input(Some(true), Some(false), Some(true));
        i.outcomes.insert("sleep".into(), answer(Some(false), &[UnableReason::NeedsAssistance]));
        i.outcomes.insert(
            "nutrition".into(),
            OutcomeAnswer { achieved: Some(false), reasons: vec!["takes_significantly_longer".into()], note: None },
        );
        i.outcomes.insert("recreation".into(), answer(Some(false), &[]));
        i.outcomes.insert("child_care".into(), answer(Some(true), &[UnableReason::NeedsAssistance]));
        i.outcomes.insert("relationships".into(), answer(None, &[UnableReason::NeedsAssistance]));
        i.wellbeing_areas_affected.push("happiness".into());
        let errors = fields(determine(&i).unwrap_err());
        let at = |f: &str| {
            errors
                .iter()
                .find(|(field, _)| field == f)
                .map(|(_, m)| m.clone())
                .unwrap_or_else(|| panic!("{f}: {errors:?}"))
        };
        assert_eq!(errors.len(), 6, "{errors:?}");
        assert!(at("outcomes.sleep")
            .starts_with("use one of the outcomes in the regulations ('sleep' is not one): child_care"));
        assert_eq!(
            at("outcomes.nutrition.reasons"),
            "choose why the carer cannot achieve this from the listed reasons ('takes_significantly_longer' is not one of them)"
        );
        assert_eq!(
            at("outcomes.recreation.reasons"),
            "choose why the carer cannot achieve this: unable without assistance; or able without assistance but only \
             with significant pain, distress or anxiety; or able without assistance but doing so endangers or is likely \
             to endanger the health or safety of the carer, or any adults or children for whom the carer provides care"
        );
        assert!(
            at("outcomes.child_care.reasons").starts_with("the carer can achieve this outcome, so remove the reasons")
        );
        assert!(at("outcomes.relationships.achieved").starts_with("answer whether the carer can achieve this outcome"));
        assert!(at("wellbeing_areas_affected").contains("'happiness'"));
        let api = crate::ApiError::from(determine(&i).unwrap_err());
        assert_eq!(api.code, "validation");
    }

    #[test]
    fn too_long_text_is_an_error() {
        let mut i = input(Some(true), Some(true), Some(true));
        i.impact_reasoning = Some("x".repeat(LONG_TEXT_MAX + 1));
        assert_eq!(fields(determine(&i).unwrap_err())[0].0, "impact_reasoning");
    }

    #[test]
    fn reads_and_writes_json_with_stable_codes() {
        let i: EligibilityInput = serde_json::from_value(serde_json::json!({
            "needs_from_necessary_care": true,
            "health_deteriorating_or_at_risk": null,
            "outcomes": { "habitable_home": { "achieved": false, "reasons": ["significant_pain_distress_anxiety"] } },
            "significant_impact_on_wellbeing": true,
            "impact_reasoning": "You have had to give up work.",
            "wellbeing_areas_affected": ["work_education_recreation"]
        }))
        .unwrap();
        let determination = determine(&i).unwrap();
        let d = serde_json::to_value(&determination).unwrap();
        assert_eq!(serde_json::from_value::<Determination>(d.clone()).unwrap(), determination, "reads back as written");
        assert_eq!(d["result"], "eligible");
        assert_eq!(d["unachieved_outcomes"][0]["outcome"], "habitable_home");
        assert_eq!(d["unachieved_outcomes"][0]["reasons"][0], "significant_pain_distress_anxiety");
        assert_eq!(d["wellbeing_areas_affected"][0], "work_education_recreation");
        assert_eq!(d["conditions"][1]["holds"], true);
        assert!(serde_json::from_value::<Outcome>(serde_json::json!("sleep")).is_err());
        assert_eq!(serde_json::to_value(NotEligible).unwrap(), "not_eligible");
        assert_eq!(serde_json::to_value(CannotDecideYet).unwrap(), "cannot_decide_yet");
        assert!(serde_json::from_value::<EligibilityInput>(serde_json::json!({"takes_longer": true})).is_err());
        let schema = serde_json::to_value(schemars::schema_for!(Determination)).unwrap();
        assert!(schema.to_string().contains("unachieved_outcomes"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        type Answer = (bool, Vec<UnableReason>);

        fn full_answer() -> impl Strategy<Value = Answer> {
            (any::<bool>(), proptest::sample::subsequence(UnableReason::ALL.to_vec(), 1..=3))
        }

        fn build(
            c1: Option<bool>,
            health: Option<bool>,
            outcomes: &[Option<Answer>],
            c3: Option<bool>,
        ) -> EligibilityInput {
            EligibilityInput {
                needs_from_necessary_care: c1,
                health_deteriorating_or_at_risk: health,
                outcomes: Outcome::ALL
                    .iter()
                    .zip(outcomes)
                    .filter_map(|(o, a)| {
                        let (achieved, reasons) = a.as_ref()?;
                        let reasons: &[UnableReason] = if *achieved { &[] } else { reasons };
                        Some((o.code().to_string(), answer(Some(*achieved), reasons)))
                    })
                    .collect(),
                significant_impact_on_wellbeing: c3,
                impact_reasoning: None,
                wellbeing_areas_affected: vec![],
            }
        }

        proptest! {
            /// Reg 3 over every fully-answered form: eligible iff (1) and ((2)(a) or any (2)(b)
            /// outcome not achieved) and (3); never "cannot decide yet".
            #[test]
            fn eligible_iff_all_three_conditions(
                c1 in any::<bool>(), health in any::<bool>(), c3 in any::<bool>(),
                outcomes in proptest::collection::vec(full_answer(), 8),
            ) {
                let answers: Vec<Option<Answer>> = outcomes.iter().cloned().map(Some).collect();
                let d = determine(&build(Some(c1), Some(health), &answers, Some(c3))).unwrap();
                let any_failed = outcomes.iter().any(|(achieved, _)| !achieved);
                let eligible = c1 && (health || any_failed) && c3;
                prop_assert_eq!(d.result, if eligible { Eligible } else { NotEligible });
                prop_assert_eq!(holds(&d), vec![Some(c1), Some(health || any_failed), Some(c3)]);
                prop_assert!(d.missing.is_empty());
                prop_assert_eq!(d.unachieved_outcomes.len(), outcomes.iter().filter(|(a, _)| !a).count());
            }

            /// With answers missing, a decided result never changes however the rest is answered,
            /// and "cannot decide yet" always says what is missing.
            #[test]
            fn a_decided_result_survives_any_completion(
                c1 in proptest::option::of(any::<bool>()),
                health in proptest::option::of(any::<bool>()),
                c3 in proptest::option::of(any::<bool>()),
                outcomes in proptest::collection::vec(proptest::option::of(full_answer()), 8),
                fill in (any::<bool>(), any::<bool>(), any::<bool>(), proptest::collection::vec(full_answer(), 8)),
            ) {
                let partial = determine(&build(c1, health, &outcomes, c3)).unwrap();
                let completed: Vec<Option<Answer>> =
                    outcomes.iter().zip(&fill.3).map(|(a, f)| Some(a.clone().unwrap_or_else(|| f.clone()))).collect();
                let full = determine(&build(
                    Some(c1.unwrap_or(fill.0)),
                    Some(health.unwrap_or(fill.1)),
                    &completed,
                    Some(c3.unwrap_or(fill.2)),
                ))
                .unwrap();
                match partial.result {
                    CannotDecideYet => {
                        prop_assert!(!partial.missing.is_empty());
                        prop_assert!(!holds(&partial).contains(&Some(false)));
                    }
                    decided => prop_assert_eq!(full.result, decided),
                }
            }
        }
    }
}
