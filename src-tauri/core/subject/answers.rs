//! Assessment answers, determinations and scores in words, by the assessment form's questions.

use std::collections::HashSet;

use serde_json::Value;

use super::labels::{capitalise, humanise, in_list_order, label, show, F};
use crate::assessments::forms::{self, Kind as AnswerKind, Question};
use crate::assessments::AssessmentType;
use crate::pdf::{Block, Column};

// Long: one arm per kind of question on an assessment form.
fn answer_text(q: &Question, v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    let lines = |list: Vec<String>| (!list.is_empty()).then(|| list.join("\n"));
    match q.kind {
        AnswerKind::Text | AnswerKind::LongText | AnswerKind::Number => show(v, F::Text),
        AnswerKind::YesNo => show(v, F::YesNo),
        AnswerKind::Date | AnswerKind::PartialDate => show(v, F::Date),
        AnswerKind::Choice | AnswerKind::MultiChoice => {
            let one = |code: &str| {
                q.choices.iter().find(|c| c.code == code).map(|c| c.label.clone()).unwrap_or_else(|| code.to_string())
            };
            match v {
                Value::String(code) => Some(one(code)),
                Value::Array(codes) => lines(codes.iter().filter_map(Value::as_str).map(one).collect()),
                other => show(other, F::Text),
            }
        }
        AnswerKind::Outcomes => {
            let map = v.as_object()?;
            lines(
                in_list_order("eligibility_outcome", map)
                    .into_iter()
                    .map(|(code, a)| {
                        let mut line = capitalise(&label("eligibility_outcome", code));
                        match a.get("achieved").and_then(Value::as_bool) {
                            Some(true) => line.push_str(": achieved"),
                            Some(false) => line.push_str(": not achieved"),
                            None => line.push_str(": not answered"),
                        }
                        let reasons: Vec<String> = a
                            .get("reasons")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(Value::as_str).map(|c| label("unable_reason", c)).collect())
                            .unwrap_or_default();
                        if !reasons.is_empty() {
                            line.push_str(&format!(" ({})", reasons.join("; ")));
                        }
                        if let Some(note) = a.get("note").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) {
                            line.push_str(&format!(". {note}"));
                        }
                        line
                    })
                    .collect(),
            )
        }
        AnswerKind::Wellbeing => {
            let map = v.as_object()?;
            lines(
                in_list_order("wellbeing_area", map)
                    .into_iter()
                    .map(|(code, a)| {
                        let mut line = capitalise(&label("wellbeing_area", code));
                        if let Some(impact) = a.get("impact").and_then(Value::as_str) {
                            line.push_str(&format!(": {}", label("wellbeing_impact", impact).to_lowercase()));
                        }
                        if let Some(note) = a.get("note").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) {
                            line.push_str(&format!(". {note}"));
                        }
                        line
                    })
                    .collect(),
            )
        }
        AnswerKind::Instrument => {
            let map = v.as_object()?;
            let def = crate::instruments::find(q.instrument.as_deref().unwrap_or(&q.code));
            let mut items: Vec<(u32, String)> = map
                .iter()
                .filter_map(|(n, a)| {
                    let number: u32 = n.parse().ok()?;
                    let code = a.as_str()?;
                    let (item, answer) = match def {
                        Some(d) => (
                            d.items.iter().find(|i| i.number == number).map(|i| i.label.clone()).unwrap_or_default(),
                            d.scale.iter().find(|s| s.code == code).map(|s| s.label.clone()).unwrap_or(code.into()),
                        ),
                        None => (String::new(), code.to_string()),
                    };
                    Some((number, format!("{number}. {item}: {answer}")))
                })
                .collect();
            items.sort();
            lines(items.into_iter().map(|(_, l)| l).collect())
        }
    }
}

/// An assessment's answers: one two-column table per section of its form, then any answer
/// the form does not know under a plain name.
pub(super) fn answer_blocks(kind: &str, answers: &Value) -> Vec<Block> {
    let Some(map) = answers.as_object().filter(|m| !m.is_empty()) else {
        return vec![Block::Paragraph("No answers recorded.".into())];
    };
    let mut blocks = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    if let Some(t) = AssessmentType::from_code(kind) {
        let form = forms::form(t);
        for section in &form.sections {
            let rows: Vec<Vec<String>> = section
                .questions
                .iter()
                .filter_map(|q| {
                    let v = map.get(&q.code)?;
                    seen.insert(q.code.as_str());
                    answer_text(q, v).map(|a| vec![q.label.clone(), a])
                })
                .collect();
            if !rows.is_empty() {
                blocks.push(Block::Table {
                    columns: vec![Column::new(section.title.clone(), 4.0), Column::new("Answer", 6.0)],
                    rows,
                });
            }
        }
    }
    let rest: Vec<Vec<String>> = map
        .iter()
        .filter(|(k, _)| !seen.contains(k.as_str()))
        .filter_map(|(k, v)| show(v, F::Text).map(|s| vec![humanise(k), s]))
        .collect();
    if !rest.is_empty() {
        blocks.push(Block::Table {
            columns: vec![Column::new("Other answers", 4.0), Column::new("Answer", 6.0)],
            rows: rest,
        });
    }
    blocks
}

pub(super) fn determination_blocks(d: &Value, copied: bool) -> Vec<Block> {
    let Some(explanation) = d.get("explanation").and_then(Value::as_str) else { return vec![] };
    let indication = d.get("indication").and_then(Value::as_bool).unwrap_or(false);
    let title = match (indication, copied) {
        (true, _) => "Indication of eligibility at 18",
        (false, true) => "Eligibility determination (from the assessment)",
        (false, false) => "Eligibility determination",
    };
    vec![Block::Table { columns: vec![Column::new(title, 1.0)], rows: vec![vec![explanation.to_string()]] }]
}

pub(super) fn score_blocks(scores: &Value) -> Vec<Block> {
    let Some(map) = scores.as_object().filter(|m| !m.is_empty()) else { return vec![] };
    let mut rows = Vec::new();
    for (code, s) in map {
        let name = crate::instruments::find(code).map(|d| d.name.clone()).unwrap_or_else(|| code.clone());
        let score = |v: &Value, max: &Value| match (v.as_u64(), max.as_u64()) {
            (Some(v), Some(m)) => format!("{v} out of {m}"),
            (Some(v), None) => v.to_string(),
            _ => "Not complete".to_string(),
        };
        let band = |b: &Value| b.get("label").and_then(Value::as_str).unwrap_or_default().to_string();
        if s.get("total_max").is_some_and(|m| !m.is_null()) {
            rows.push(vec![name.clone(), score(&s["total"], &s["total_max"]), band(&s["total_band"])]);
        }
        for sub in s.get("subscales").and_then(Value::as_array).into_iter().flatten() {
            let l = sub.get("label").and_then(Value::as_str).unwrap_or_default();
            rows.push(vec![format!("{name}: {l}"), score(&sub["score"], &sub["max"]), band(&sub["band"])]);
        }
    }
    if rows.is_empty() {
        return vec![];
    }
    vec![Block::Table {
        columns: vec![Column::new("Questionnaire score", 5.0), Column::new("Score", 2.0), Column::new("Band", 3.0)],
        rows,
    }]
}
