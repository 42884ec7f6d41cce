//! Labels and formats for the PDF: what each stored column is called, how its value reads
//! (codes as their labels, dates as DD/MM/YYYY), and which columns are never shown.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::rows::Rec;
use crate::assessments::forms::{self};
use crate::dates;
use crate::pdf::Block;

/// Every choice list: list name → `(code, label)` in the list's order.
pub(super) fn lists() -> &'static HashMap<String, Vec<(String, String)>> {
    static LISTS: OnceLock<HashMap<String, Vec<(String, String)>>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut all = crate::choices::all_options();
        all.extend(crate::plans::options());
        all.extend(crate::passports::options());
        all.extend(forms::lists());
        all.into_iter()
            .map(|(list, choices)| {
                let codes = choices
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| Some((c["code"].as_str()?.to_string(), c["label"].as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                (list, codes)
            })
            .collect()
    })
}

/// Every code of a choice list with its label, in the list's order (the register export's
/// data dictionary).
pub(crate) fn list_choices(list: &str) -> Option<&'static [(String, String)]> {
    lists().get(list).map(Vec::as_slice)
}

/// How a stored column reads to people: its label and, for a code, the choice list it comes
/// from. Columns the subject access PDF labels use the same words; others read as their name.
pub(crate) fn column_meaning(table: &str, column: &str) -> (String, Option<&'static str>) {
    let spec: Spec = match table {
        "carers" => CARER,
        "cared_for" => CARED_FOR,
        "caring_links" => LINK,
        "assessments" => ASSESSMENT,
        "support_plans" => PLAN,
        "plan_reviews" => REVIEW,
        "passports" => PASSPORT,
        "school_links" => SCHOOL_LINK,
        "handovers" => HANDOVER,
        "young_carer_cards" => CARD,
        _ => &[],
    };
    match spec.iter().find(|(c, _, _)| *c == column) {
        Some((_, label, F::List(list))) => (label.to_string(), Some(*list)),
        Some((_, label, _)) => (label.to_string(), None),
        None => (humanise(column), None),
    }
}

/// A code's label in a list (the code itself if the list does not have it).
pub(super) fn label(list: &str, code: &str) -> String {
    lists()
        .get(list)
        .and_then(|l| l.iter().find(|(c, _)| c == code))
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| code.to_string())
}

/// Where a code comes in its list (unknown codes last), to print answers in the list's order.
pub(super) fn position(list: &str, code: &str) -> usize {
    lists().get(list).and_then(|l| l.iter().position(|(c, _)| c == code)).unwrap_or(usize::MAX)
}

/// The entries of an answer keyed by code (outcomes, wellbeing areas), in the list's order.
pub(super) fn in_list_order<'a>(list: &str, map: &'a Map<String, Value>) -> Vec<(&'a String, &'a Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !v.is_null()).collect();
    entries.sort_by_key(|(code, _)| (position(list, code), code.to_string()));
    entries
}

pub(super) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `closed_reason` → "Closed reason".
pub(super) fn humanise(column: &str) -> String {
    capitalise(&column.replace('_', " "))
}

/// How a column prints.
#[derive(Clone, Copy)]
pub(super) enum F {
    Text,
    Date,
    /// A stored UTC timestamp: DD/MM/YYYY HH:MM.
    Time,
    YesNo,
    /// A code from a choice list.
    List(&'static str),
    Pence,
    /// Text with its first letter capitalised (`completed` → "Completed").
    Capital,
    /// Shown elsewhere (or an internal number): not in the fields.
    Skip,
}

/// Columns that are internal numbers, or shown another way, in every table.
const NEVER_SHOWN: &[&str] = &[
    "id",
    "carer_id",
    "cared_for_id",
    "plan_id",
    "new_plan_id",
    "assessment_id",
    "previous_id",
    "passport_id",
    "link_id",
    "school_id",
    "replaces_id",
    "action_key",
    "need_position",
    "serial",
    "prev_hash",
    "hash",
];

fn timestamp(text: &str) -> String {
    let t = text.trim();
    match (t.get(..10).and_then(dates::from_iso), t.get(11..16)) {
        (Some(d), Some(hm)) if hm.as_bytes().get(2) == Some(&b':') => format!("{} {hm}", dates::uk(d)),
        _ => dates::uk_text(t),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty() && s != "0",
        _ => false,
    }
}

/// Any value as plain text: lists one item a line, objects `key: value` a line.
pub(super) fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "Yes" } else { "No" }.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n"),
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", humanise(k), plain(v)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A value as printed; `None` for nothing recorded.
pub(super) fn show(v: &Value, f: F) -> Option<String> {
    match v {
        Value::Null => return None,
        Value::String(s) if s.trim().is_empty() => return None,
        Value::Array(a) if a.is_empty() => return None,
        _ => {}
    }
    Some(match f {
        F::Text => plain(v),
        F::Date => v.as_str().map(dates::uk_text).unwrap_or_else(|| plain(v)),
        F::Time => v.as_str().map(timestamp).unwrap_or_else(|| plain(v)),
        F::YesNo => if truthy(v) { "Yes" } else { "No" }.to_string(),
        F::List(list) => match v {
            Value::String(code) => label(list, code),
            Value::Array(codes) => {
                codes.iter().filter_map(Value::as_str).map(|c| label(list, c)).collect::<Vec<_>>().join(", ")
            }
            other => plain(other),
        },
        F::Pence => v.as_i64().map(crate::plans::money_uk).unwrap_or_else(|| plain(v)),
        F::Capital => capitalise(&plain(v)),
        F::Skip => return None,
    })
}

type Spec = &'static [(&'static str, &'static str, F)];

/// The label/value pairs of a row: the columns in `spec` in its order, then any other column
/// with a value under a plain name (so a column added later still prints).
pub(super) fn pairs(rec: &Rec, spec: Spec) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        spec.iter().filter_map(|(col, lbl, f)| show(rec.get(col), *f).map(|s| (lbl.to_string(), s))).collect();
    for (col, v) in rec.values() {
        if NEVER_SHOWN.contains(&col) || spec.iter().any(|(c, _, _)| *c == col) {
            continue;
        }
        if let Some(s) = show(v, F::Text) {
            out.push((humanise(col), s));
        }
    }
    out
}

pub(super) fn fields(rec: &Rec, spec: Spec) -> Block {
    let p = pairs(rec, spec);
    if p.is_empty() {
        Block::Paragraph("Nothing recorded.".into())
    } else {
        Block::Fields(p)
    }
}

pub(super) fn uk_opt(v: &Value) -> String {
    show(v, F::Date).unwrap_or_default()
}

pub(super) fn or_blank(v: &Value) -> String {
    show(v, F::Text).unwrap_or_default()
}

pub(super) fn none_held(what: &str) -> Block {
    Block::Paragraph(format!("No {what} held."))
}

pub(super) const CARER: Spec = &[
    ("reference", "Reference", F::Text),
    ("title", "Title", F::Text),
    ("first_name", "First name", F::Text),
    ("last_name", "Last name", F::Text),
    ("preferred_name", "Preferred name", F::Text),
    ("date_of_birth", "Date of birth", F::Date),
    ("gender", "Gender", F::List("gender")),
    ("ethnicity", "Ethnicity", F::List("ethnicity")),
    ("main_language", "Main language", F::Text),
    ("interpreter_needed", "Interpreter needed", F::YesNo),
    ("address_line1", "Address line 1", F::Text),
    ("address_line2", "Address line 2", F::Text),
    ("town", "Town or city", F::Text),
    ("postcode", "Postcode", F::Text),
    ("phone", "Phone", F::Text),
    ("email", "Email", F::Text),
    ("preferred_contact", "Preferred contact", F::List("contact_method")),
    ("gp_practice", "GP practice", F::Text),
    ("nhs_number", "NHS number", F::Text),
    ("date_first_identified", "Date first identified as a carer", F::Date),
    ("referral_source", "Referred by", F::List("referral_source")),
    ("referral_outcome", "Outcome of the referral", F::List("referral_outcome")),
    ("referrer_name", "Referrer's name", F::Text),
    ("how_heard", "How they heard about us", F::Text),
    ("consent_given", "Consent to keep this record", F::YesNo),
    ("consent_date", "Consent date", F::Date),
    ("consent_recorded_by", "Consent recorded by", F::Text),
    ("consent_share_gp", "May share with their GP", F::YesNo),
    ("consent_share_school", "May share with their school", F::YesNo),
    ("consent_share_adult_services", "May share with adult services", F::YesNo),
    ("employment_status", "Work", F::List("employment")),
    ("disability", "Own disability or condition", F::List("disability")),
    ("parent_carer", "Parent carer", F::YesNo),
    ("status", "Record", F::List("status")),
    ("closed_reason", "Why closed", F::List("close_reason")),
    ("closed_date", "Date closed", F::Date),
    ("closed_note", "Note on closing", F::Text),
    ("anonymised_on", "Anonymised on", F::Date),
    ("created_at", "Record created", F::Time),
    ("created_by", "Created by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
];

pub(super) const CARED_FOR: Spec = &[
    ("reference", "Reference", F::Text),
    ("first_name", "First name", F::Text),
    ("last_name", "Last name", F::Text),
    ("date_of_birth", "Date of birth", F::Date),
    ("approximate_age", "Approximate age", F::Text),
    ("age_recorded_on", "Age recorded on", F::Date),
    ("conditions", "Conditions", F::List("condition")),
    ("notes", "Notes", F::Text),
    ("anonymised_on", "Anonymised on", F::Date),
    ("created_at", "Record created", F::Time),
    ("updated_at", "Last changed", F::Time),
];

pub(super) const LINK: Spec = &[
    ("relationship", "Who they are to the carer", F::List("relationship")),
    ("lives_together", "Lives with the carer", F::YesNo),
    ("hours_band", "Hours of care a week", F::List("hours_band")),
    ("kinds_of_care", "Kinds of care", F::List("care_kind")),
    ("since", "Caring since", F::Date),
    ("created_at", "Link recorded", F::Time),
    ("updated_at", "Link last changed", F::Time),
    ("carer_reference", "Carer's reference", F::Skip),
    ("carer_name", "Carer", F::Skip),
];

pub(super) const ASSESSMENT: Spec = &[
    ("reference", "Reference", F::Text),
    ("type", "Type", F::List("assessment_type")),
    ("version", "Version", F::Text),
    ("status", "Status", F::Capital),
    ("assessed_on", "Assessed on", F::Date),
    ("age_warning", "Age warning confirmed", F::Text),
    ("created_at", "Started", F::Time),
    ("created_by", "Started by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
    ("completed_at", "Completed", F::Time),
    ("completed_by", "Completed by", F::Text),
    ("answers", "", F::Skip),
    ("determination", "", F::Skip),
    ("scores", "", F::Skip),
];

pub(super) const PLAN: Spec = &[
    ("reference", "Reference", F::Text),
    ("version", "Version", F::Text),
    ("status", "Status", F::List("plan_status")),
    ("light_touch", "Light-touch support (no assessment)", F::YesNo),
    ("start_date", "Starts", F::Date),
    ("personal_budget_pence", "Personal budget", F::Pence),
    ("direct_payment", "Direct payment", F::YesNo),
    ("dp_amount_pence", "Direct payment amount", F::Pence),
    ("dp_frequency", "Direct payment frequency", F::List("dp_frequency")),
    ("dp_needs", "Needs the direct payment covers (need numbers)", F::Text),
    ("advice_given", "Advice and information given", F::Text),
    ("cared_for_involved", "Cared-for person involved", F::YesNo),
    ("others_involved", "Others involved", F::Text),
    ("agreed_on", "Agreed on", F::Date),
    ("agreement_method", "How it was agreed", F::List("agreement_method")),
    ("worker_name", "Worker", F::Text),
    ("review_due", "Next review due", F::Date),
    ("ended_on", "Ended on", F::Date),
    ("end_reason", "Why it ended", F::List("plan_end_reason")),
    ("end_note", "Note on ending", F::Text),
    ("cont_if_cannot_care", "Contingency: if the carer suddenly cannot care", F::Text),
    ("cont_essential_needs", "Contingency: essential needs", F::Text),
    ("cont_medication", "Contingency: medication", F::Text),
    ("cont_routines", "Contingency: routines", F::Text),
    ("cont_gp", "Contingency: GP", F::Text),
    ("cont_access", "Contingency: getting into the home", F::Text),
    ("cont_copies_held_by", "Contingency: copies held by", F::Text),
    ("created_at", "Created", F::Time),
    ("created_by", "Created by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
    ("determination", "", F::Skip),
    ("cont_contacts", "", F::Skip),
];

pub(super) const REVIEW: Spec = &[
    ("status", "Status", F::Capital),
    ("planned", "Planned review", F::YesNo),
    ("reason", "Why (unplanned)", F::List("unplanned_reason")),
    ("review_date", "Review date", F::Date),
    ("caring_changes", "Changes in caring", F::Text),
    ("new_assessment_needed", "New assessment needed", F::YesNo),
    ("new_assessment_note", "About a new assessment", F::Text),
    ("next_review_due", "Next review due", F::Date),
    ("created_at", "Started", F::Time),
    ("created_by", "Started by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
    ("completed_at", "Completed", F::Time),
    ("completed_by", "Completed by", F::Text),
    ("outcome_progress", "", F::Skip),
    ("action_progress", "", F::Skip),
];

pub(super) const PASSPORT: Spec = &[
    ("number", "Number", F::Text),
    ("kind", "Type", F::List("passport_kinds")),
    ("status", "Status", F::List("passport_statuses")),
    ("issued_on", "Issued on", F::Date),
    ("valid_until", "Valid until", F::Date),
    ("revoked_on", "Revoked on", F::Date),
    ("revoked_reason", "Why revoked", F::Text),
    ("replaces_number", "Replaces", F::Text),
    ("replace_reason", "Why replaced", F::List("passport_reissue_reasons")),
    ("setting", "Where it is used", F::Text),
    ("asks", "What the holder may ask for", F::Text),
    ("cared_for_reference", "Cared-for person on the card", F::Text),
    ("show_cared_for_name", "Shows the cared-for person's first name", F::YesNo),
    ("emergency_contact_name", "Emergency contact", F::Text),
    ("emergency_contact_relationship", "Emergency contact's relationship", F::Text),
    ("emergency_contact_phone", "Emergency contact's phone", F::Text),
    ("emergency_contact_consent", "Emergency contact agreed to be on the card", F::YesNo),
    ("photo", "", F::Skip),
    ("created_at", "Created", F::Time),
    ("created_by", "Created by", F::Text),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
];

pub(super) const SCHOOL_LINK: Spec = &[
    ("school_name", "School", F::Text),
    ("year_group", "Year group", F::List("year_group")),
    ("tutor_group", "Tutor group", F::Text),
    ("census_code", "School census young carer code", F::List("census_code")),
    ("identified_on", "Identified on", F::Date),
    ("staff_contact", "Staff contact", F::Text),
    ("created_at", "Linked", F::Time),
    ("updated_at", "Last changed", F::Time),
];

pub(super) const HANDOVER: Spec = &[
    ("receiving_service", "Receiving service", F::Text),
    ("worker", "Worker there", F::Text),
    ("handover_on", "Handover date", F::Date),
    ("consent_to_share", "Consent to share", F::YesNo),
    ("notes", "Notes", F::Text),
    ("recorded_at", "Recorded", F::Time),
    ("recorded_by", "Recorded by", F::Text),
];

pub(super) const CARD: Spec = &[
    ("valid_until", "Valid until", F::Date),
    ("adjustments_summary", "Adjustments on the card", F::Text),
    ("emergency_contact_name", "Emergency contact", F::Text),
    ("emergency_contact_relationship", "Emergency contact's relationship", F::Text),
    ("emergency_contact_phone", "Emergency contact's phone", F::Text),
    ("show_cared_for_name", "Shows the cared-for person's first name", F::YesNo),
    ("updated_at", "Last changed", F::Time),
    ("updated_by", "Changed by", F::Text),
];

pub(super) fn person_name(rec: &Rec) -> String {
    let first = rec.text("first_name").unwrap_or_default();
    let last = rec.text("last_name").unwrap_or_default();
    format!("{first} {last}").trim().to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn timestamps_and_values_print_for_people() {
        assert_eq!(timestamp("2026-11-23T09:05:01.123Z"), "23/11/2026 09:05");
        assert_eq!(timestamp("2026-11-23"), "23/11/2026");
        assert_eq!(show(&json!(1), F::YesNo).as_deref(), Some("Yes"));
        assert_eq!(show(&json!(0), F::YesNo).as_deref(), Some("No"));
        assert_eq!(show(&json!("h20_34"), F::List("hours_band")).as_deref(), Some("20 to 34 hours a week"));
        assert_eq!(show(&json!(12345), F::Pence).as_deref(), Some(crate::plans::money_uk(12345).as_str()));
        assert_eq!(show(&Value::Null, F::Text), None);
        assert_eq!(humanise("closed_reason"), "Closed reason");
    }
}
