//! What holders may ask for: each type's list, as the organisation keeps it (`passport_kinds`,
//! `passport_asks_save`).

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::number::Kind;
use super::ASK_MAX;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::settings::{self, Settings};
use crate::validate::Check;

/// One entry of the list a type's "may ask for" is chosen from.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ask {
    /// Absent for a new entry.
    pub id: Option<i64>,
    pub label: String,
    /// No longer offered (passports issued with it keep it).
    #[serde(default)]
    pub retired: bool,
}

/// A passport type, with its list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KindInfo {
    pub kind: &'static str,
    pub label: &'static str,
    pub card_title: &'static str,
    pub prefix: &'static str,
    /// How the valid-until date is worked out when none is given.
    pub default_valid_until_rule: String,
    pub asks: Vec<Ask>,
}

pub(super) fn asks_for(conn: &Connection, kind: Kind) -> Result<Vec<Ask>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, label, retired FROM passport_asks WHERE kind = ?1 ORDER BY position, id")?;
    let out = stmt
        .query_map([kind.code()], |r| Ok(Ask { id: r.get(0)?, label: r.get(1)?, retired: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

fn kind_info(conn: &Connection, kind: Kind, s: &Settings) -> Result<KindInfo> {
    Ok(KindInfo {
        kind: kind.code(),
        label: kind.label(),
        card_title: kind.card_title(),
        prefix: kind.prefix(),
        default_valid_until_rule: match kind {
            Kind::YoungCarer => "until the 18th birthday".into(),
            _ => format!("{} months from the issue date (Settings)", s.passport_months),
        },
        asks: asks_for(conn, kind)?,
    })
}

/// `passport_kinds`: the four types and what each one's holders may ask for.
pub fn kinds(ctx: &mut Ctx<'_>, _: crate::args::NoArgs) -> Result<Vec<KindInfo>> {
    let s = settings::load(ctx.tx)?;
    Kind::ALL.into_iter().map(|k| kind_info(ctx.tx, k, &s)).collect()
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AsksSaveArgs {
    /// A passport type code.
    pub kind: String,
    /// The whole list in order: entries with an `id` are renamed, retired or moved; entries
    /// without one are added. An entry left out is retired (passports issued with it keep it).
    pub asks: Vec<Ask>,
}

/// `passport_asks_save`: changes one type's list.
pub fn asks_save(ctx: &mut Ctx<'_>, args: AsksSaveArgs) -> Result<KindInfo> {
    let kind = Kind::from_code(&args.kind).ok_or_else(|| Error::field("kind", "choose one of the passport types"))?;
    let existing = asks_for(ctx.tx, kind)?;
    let mut c = Check::new("");
    let mut seen: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (i, a) in args.asks.iter().enumerate() {
        let field = format!("asks.{i}.label");
        let label = c.required(&field, "Entry", &Some(a.label.clone()), ASK_MAX);
        if label.is_empty() {
            continue;
        }
        if seen.iter().any(|s| s.eq_ignore_ascii_case(&label)) {
            c.fail(&field, format!("'{label}' is in the list twice: remove one"));
        }
        if let Some(id) = a.id {
            if !existing.iter().any(|e| e.id == Some(id)) {
                c.fail(&field, "this entry is not in the list any more: reload the page");
            }
        }
        seen.push(label.clone());
        rows.push((a.id, label, a.retired, i as i64 + 1));
    }
    if !rows.iter().any(|r| !r.2) {
        c.fail("asks", "keep at least one thing holders may ask for");
    }
    c.finish()?;
    // Entries left out are retired and moved to the end, in their old order.
    let kept: Vec<i64> = rows.iter().filter_map(|r| r.0).collect();
    let left_out = existing.iter().filter(|e| !kept.contains(&e.id.unwrap_or(0)));
    for (position, e) in (rows.len() as i64 + 1..).zip(left_out) {
        ctx.tx.execute("UPDATE passport_asks SET retired = 1, position = ?2 WHERE id = ?1", params![e.id, position])?;
    }
    // Two passes keep the unique (kind, label) index happy when labels swap.
    for (id, _, _, _) in &rows {
        if let Some(id) = id {
            ctx.tx.execute("UPDATE passport_asks SET label = '~' || id WHERE id = ?1", [id])?;
        }
    }
    for (id, label, retired, position) in &rows {
        match id {
            Some(id) => ctx.tx.execute(
                "UPDATE passport_asks SET label = ?2, retired = ?3, position = ?4 WHERE id = ?1",
                params![id, label, retired, position],
            )?,
            None => ctx.tx.execute(
                "INSERT INTO passport_asks (kind, label, position, retired) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET retired = excluded.retired, position = excluded.position",
                params![kind.code(), label, position, retired],
            )?,
        };
    }
    let s = settings::load(ctx.tx)?;
    kind_info(ctx.tx, kind, &s)
}
