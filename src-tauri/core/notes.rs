//! Case notes: a dated timeline per carer, newest first. Notes are kept as written (no edit or
//! delete): a correction is a new note.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::choices::NoteKind;
use crate::context::{Ctx, Touched};
use crate::error::Result;
use crate::validate::{Check, LONG_TEXT_MAX, NAME_MAX};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Note {
    pub id: i64,
    pub carer_id: i64,
    /// The date of the contact, `YYYY-MM-DD`.
    pub date: String,
    pub kind: String,
    pub kind_label: String,
    pub author: String,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddArgs {
    pub carer_id: i64,
    /// DD/MM/YYYY or YYYY-MM-DD; not in the future.
    pub date: Option<String>,
    /// A `note_kind` code.
    pub kind: Option<String>,
    pub text: Option<String>,
    /// Who wrote it; defaults to the signed-in person.
    pub author: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    pub carer_id: i64,
}

pub fn list_for(conn: &Connection, carer_id: i64) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, carer_id, date, kind, author, text, created_at FROM notes
         WHERE carer_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([carer_id], |r| {
        let kind: NoteKind = r.get(3)?;
        Ok(Note {
            id: r.get(0)?,
            carer_id: r.get(1)?,
            date: r.get(2)?,
            kind: kind.code().into(),
            kind_label: kind.label().into(),
            author: r.get(4)?,
            text: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn add(ctx: &mut Ctx<'_>, args: AddArgs) -> Result<Note> {
    crate::carers::ensure_exists(ctx.tx, args.carer_id)?;
    let mut c = Check::new("");
    let date = c.required_past_date(
        "date",
        "Date",
        &args.date,
        ctx.today(),
        "enter the date of the contact, for example 23/11/2026",
    );
    let kind = c.required_choice("kind", &args.kind, NoteKind::parse, "choose what kind of contact this was");
    let text = c.required("text", "Note", &args.text, LONG_TEXT_MAX);
    let author = c.text("author", "Author", &args.author, NAME_MAX).unwrap_or_else(|| ctx.actor().name.clone());
    c.finish()?;
    ctx.tx.execute(
        "INSERT INTO notes (carer_id, date, kind, author, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![args.carer_id, date.map(|d| d.to_string()), kind, author, text, ctx.now()],
    )?;
    let id = ctx.tx.last_insert_rowid();
    ctx.touch(Touched::ChangedCarer(args.carer_id));
    let note =
        list_for(ctx.tx, args.carer_id)?.into_iter().find(|n| n.id == id).expect("the note just written is there");
    Ok(note)
}

pub fn list(ctx: &mut Ctx<'_>, args: ListArgs) -> Result<Vec<Note>> {
    crate::carers::ensure_exists(ctx.tx, args.carer_id)?;
    ctx.touch(Touched::ViewedCarer(args.carer_id));
    list_for(ctx.tx, args.carer_id)
}
