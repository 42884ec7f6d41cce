//! Rows as read from the tables: every column, in order, as JSON (a picture as its type, size
//! and base64), kept in the shape the export writes.

use base64::Engine;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::error::Result;

/// One row (or a group of rows) in column order, serialised as a JSON object in that order.
#[derive(Debug, Clone, Default)]
pub struct Rec(pub(super) Vec<(String, Node)>);

#[derive(Debug, Clone)]
pub(super) enum Node {
    Value(Value),
    One(Option<Rec>),
    Many(Vec<Rec>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Node::Value(v) => v.serialize(s),
            Node::One(Some(r)) => r.serialize(s),
            Node::One(None) => s.serialize_none(),
            Node::Many(rows) => rows.serialize(s),
        }
    }
}

impl Serialize for Rec {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

pub(super) static NULL: Value = Value::Null;

impl Rec {
    fn node(&mut self, key: &str, node: Node) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n = node,
            None => self.0.push((key.to_string(), node)),
        }
    }

    pub(super) fn set(&mut self, key: &str, value: impl Into<Value>) -> &mut Rec {
        self.node(key, Node::Value(value.into()));
        self
    }

    pub(super) fn one(&mut self, key: &str, rec: Option<Rec>) -> &mut Rec {
        self.node(key, Node::One(rec));
        self
    }

    pub(super) fn many(&mut self, key: &str, rows: Vec<Rec>) -> &mut Rec {
        self.node(key, Node::Many(rows));
        self
    }

    /// A column's value (`null` if there is no such column).
    pub fn get(&self, key: &str) -> &Value {
        self.0
            .iter()
            .find_map(|(k, n)| match n {
                Node::Value(v) if k == key => Some(v),
                _ => None,
            })
            .unwrap_or(&NULL)
    }

    pub(super) fn text(&self, key: &str) -> Option<&str> {
        self.get(key).as_str()
    }

    pub(super) fn int(&self, key: &str) -> Option<i64> {
        self.get(key).as_i64()
    }

    pub(super) fn rows(&self, key: &str) -> &[Rec] {
        self.0
            .iter()
            .find_map(|(k, n)| match n {
                Node::Many(rows) if k == key => Some(rows.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    pub(super) fn child(&self, key: &str) -> Option<&Rec> {
        self.0.iter().find_map(|(k, n)| match n {
            Node::One(r) if k == key => r.as_ref(),
            _ => None,
        })
    }

    pub(super) fn values(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().filter_map(|(k, n)| match n {
            Node::Value(v) => Some((k.as_str(), v)),
            _ => None,
        })
    }
}

/// Columns holding JSON text: exported as JSON, not as a string of JSON.
pub(crate) const JSON_COLUMNS: &[&str] = &[
    "answers",
    "determination",
    "scores",
    "dp_needs",
    "cont_contacts",
    "outcome_progress",
    "action_progress",
    "asks",
    "fields",
];

/// A picture (a passport photo): whether one is held, its type and size, and the picture
/// itself as base64 (a subject access copy includes it; the PDF says only "held").
fn blob(bytes: &[u8]) -> Value {
    let kind = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else {
        "application/octet-stream"
    };
    json!({
        "held": true,
        "media_type": kind,
        "bytes": bytes.len(),
        "base64": base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Every row `sql` gives, every column, in order.
pub(super) fn rows<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Vec<Rec>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut out = Vec::new();
    let mut q = stmt.query(params)?;
    while let Some(r) = q.next()? {
        let mut rec = Rec::default();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => json!(n),
                ValueRef::Real(f) => json!(f),
                ValueRef::Text(t) => {
                    let s = String::from_utf8_lossy(t).into_owned();
                    if JSON_COLUMNS.contains(&name.as_str()) {
                        serde_json::from_str(&s).unwrap_or(Value::String(s))
                    } else {
                        Value::String(s)
                    }
                }
                ValueRef::Blob(b) => blob(b),
            };
            rec.set(name, v);
        }
        out.push(rec);
    }
    Ok(out)
}

pub(super) fn row<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Option<Rec>> {
    Ok(rows(conn, sql, params)?.into_iter().next())
}

pub(super) fn strings<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let list = stmt.query_map(params, |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(list)
}
