//! Errors. Inside the core every failure is an [`Error`] (thiserror); at the boundary it becomes
//! an [`ApiError`] `{code, message, field, errors}` that the window shows beside the right field
//! and the CLI prints as JSON. Messages are lower-case and tell the user what to do.

use serde::Serialize;

/// One problem with one argument. `field` is the JSON path of the argument (`postcode`,
/// `person.first_name`), exactly the `name` of the input in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more arguments are not acceptable; nothing was changed.
    #[error("{}", summary(.0))]
    Validation(Vec<FieldError>),
    /// Like `Validation`, for a command that finishes something (`action`: "completed"): the
    /// summary says what cannot happen yet.
    #[error("{}", summary_for(errors, action))]
    NotReady { action: &'static str, errors: Vec<FieldError> },
    /// The arguments could not be read as the command's argument type.
    #[error("{message}")]
    InvalidArguments { message: String, field: Option<String> },
    #[error("{what} was not found: it may have been removed; go back and search again")]
    NotFound { what: &'static str },
    #[error("{0}")]
    Conflict(String),
    /// The command would do something unusual; it runs if called again with `field` set to
    /// `true` (for example `confirm_age_warning`). `code` says which warning it is.
    #[error("{message}")]
    NeedsConfirmation { code: &'static str, field: &'static str, message: String },
    #[error("there is no command called '{0}': run `carers-desk-cli commands` for the list")]
    UnknownCommand(String),
    #[error("{0}")]
    NotPermitted(String),
    #[error("{0}")]
    DatabaseLocation(String),
    /// The desk is locked (or not set up): nothing but signing in can run.
    #[error("carers desk is locked: sign in to go on")]
    Locked,
    /// Signing in and keys: `wrong_passphrase`, `wait`, `wrong_recovery_key`, `key_file`, ...
    #[error("{message}")]
    Key { code: &'static str, field: Option<&'static str>, message: String },
    #[error("{}", storage_message(.0))]
    Storage(#[from] rusqlite::Error),
    #[error("the database could not be brought up to date ({0}); nothing was changed")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the document could not be produced ({0}): try again, and if it keeps happening report it")]
    Pdf(String),
    /// Text to print has characters no vendored font can draw: nothing was printed.
    #[error("{0}")]
    Unprintable(String),
}

/// What a storage error means for the person at the screen, and what to do: a colleague
/// saving at the same moment is not damage, and damage is not "out of memory".
fn storage_message(e: &rusqlite::Error) -> String {
    use rusqlite::ffi::ErrorCode;
    let code = match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "the register is busy: someone else (another Carers Desk window or a script) is saving to it. Nothing was changed: wait a moment and try again".into()
        }
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase | ErrorCode::OutOfMemory) => {
            "the register file could not be read: it looks damaged. Nothing was changed. Close Carers Desk and ask your administrator to check it (`carers-desk-cli audit verify`) and, if it is damaged, restore the newest backup".into()
        }
        Some(ErrorCode::DiskFull) => {
            "the disk is full, so nothing was saved: free some space (or ask IT), then try again".into()
        }
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            "the register file could not be written (its folder is read-only or its permissions changed): nothing was saved; ask IT to check the folder".into()
        }
        Some(ErrorCode::SystemIoFailure) => {
            "the disk could not be read or written (a removed drive, a network or disk fault): nothing was saved; check the drive and try again".into()
        }
        _ => format!(
            "the register could not be used ({e}); nothing was changed: try again, and if it keeps happening ask your administrator"
        ),
    }
}

fn summary(errors: &[FieldError]) -> String {
    summary_for(errors, "saved")
}

fn summary_for(errors: &[FieldError], action: &str) -> String {
    match errors {
        [one] => one.message.clone(),
        many => format!("{} answers need attention before this can be {action}", many.len()),
    }
}

/// A message from the JSON reader in words for people: the program's own names for its types
/// ("expected struct NeedInput", "expected u32") become what to send ("an object", "a whole
/// number").
pub fn plain_json_error(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("expected ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "expected ".len()..];
        let end = after.find([',', ' ', ')', ';']).map_or(after.len(), |i| i);
        let (word, tail) = after.split_at(end);
        let (word, tail) = match word {
            "struct" | "enum" | "map" => {
                // "struct NeedInput": drop the type's name too.
                let tail = tail.trim_start();
                let name_end = tail.find([',', ' ', ')', ';']).map_or(tail.len(), |i| i);
                (if word == "enum" { "one of the listed codes" } else { "an object" }, &tail[name_end..])
            }
            "a" | "an" => {
                let tail_words = tail.trim_start();
                let kind_end = tail_words.find([',', ' ', ')', ';']).map_or(tail_words.len(), |i| i);
                let kind = &tail_words[..kind_end];
                let plain = match kind {
                    "sequence" => "a list",
                    "map" => "an object",
                    "string" => "text",
                    "boolean" => "true or false",
                    "integer" => "a whole number",
                    other => other,
                };
                if plain == kind {
                    out.push_str("expected ");
                    out.push_str(word);
                    rest = tail;
                    continue;
                }
                (plain, &tail_words[kind_end..])
            }
            "u8" | "u16" | "u32" | "u64" | "usize" => ("a whole number, 0 or more", tail),
            "i8" | "i16" | "i32" | "i64" | "isize" => ("a whole number", tail),
            "f32" | "f64" => ("a number", tail),
            "bool" => ("true or false", tail),
            other => {
                out.push_str("expected ");
                out.push_str(other);
                rest = tail;
                continue;
            }
        };
        out.push_str("expected ");
        out.push_str(word);
        rest = tail;
    }
    out.push_str(rest);
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, message)])
    }
}

/// What crosses the boundary to the window and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ApiError {
    /// `validation`, `invalid_arguments`, `not_found`, `conflict`, `unknown_command`,
    /// `not_permitted`, `database_location`, `locked`, `wrong_passphrase`, `wait`,
    /// `wrong_recovery_key`, `key_file`, `storage`, `pdf`, or a warning to confirm
    /// (`age_warning`).
    pub code: String,
    pub message: String,
    /// The JSON path of the argument at fault, if one is.
    #[serde(default)]
    pub field: Option<String>,
    /// Every problem found, for forms that show them all at once.
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    /// An error that is not about any one argument.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { code: code.into(), message: message.into(), field: None, errors: Vec::new() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        let (code, field, errors) = match e {
            Error::Validation(errors) => {
                let field = errors.first().map(|e| e.field.clone());
                ("validation", field, errors)
            }
            Error::NotReady { errors, .. } => {
                let field = errors.first().map(|e| e.field.clone());
                ("validation", field, errors)
            }
            Error::InvalidArguments { field, .. } => ("invalid_arguments", field, vec![]),
            Error::NotFound { .. } => ("not_found", None, vec![]),
            Error::Conflict(_) => ("conflict", None, vec![]),
            Error::NeedsConfirmation { code, field, .. } => (code, Some(field.to_string()), vec![]),
            Error::UnknownCommand(_) => ("unknown_command", None, vec![]),
            Error::NotPermitted(_) => ("not_permitted", None, vec![]),
            Error::DatabaseLocation(_) => ("database_location", None, vec![]),
            Error::Locked => ("locked", None, vec![]),
            Error::Key { code, field, .. } => (code, field.map(str::to_string), vec![]),
            Error::Storage(_) | Error::Migration(_) | Error::Io(_) => ("storage", None, vec![]),
            Error::Pdf(_) => ("pdf", None, vec![]),
            Error::Unprintable(_) => ("unprintable", None, vec![]),
        };
        ApiError { code: code.to_string(), message, field, errors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_errors_say_what_happened_and_what_to_do() {
        use rusqlite::ffi;
        let failure = |code: i32, text: &str| {
            ApiError::from(Error::Storage(rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(text.into()))))
        };
        let table = [
            (ffi::SQLITE_BUSY, "database is locked", "someone else"),
            (ffi::SQLITE_LOCKED, "database table is locked", "someone else"),
            (ffi::SQLITE_CORRUPT, "database disk image is malformed", "looks damaged"),
            (ffi::SQLITE_NOMEM, "out of memory", "looks damaged"),
            (ffi::SQLITE_NOTADB, "file is not a database", "looks damaged"),
            (ffi::SQLITE_FULL, "database or disk is full", "disk is full"),
            (ffi::SQLITE_READONLY, "attempt to write a readonly database", "could not be written"),
            (ffi::SQLITE_IOERR, "disk I/O error", "could not be read or written"),
        ];
        for (code, text, says) in table {
            let e = failure(code, text);
            assert_eq!(e.code, "storage");
            assert!(e.message.contains(says), "{text}: {}", e.message);
            assert!(!e.message.contains(text), "{text}: the engine's words are not shown: {}", e.message);
        }
        // A colleague's lock never sends anyone to their backups.
        assert!(!failure(ffi::SQLITE_BUSY, "database is locked").message.contains("restore"));
    }

    #[test]
    fn json_errors_name_no_rust_types() {
        let table = [
            (
                "invalid type: string \"x\", expected struct OutcomeAnswer",
                "invalid type: string \"x\", expected an object",
            ),
            ("invalid type: integer `3`, expected a sequence", "invalid type: integer `3`, expected a list"),
            (
                "invalid type: string \"a\", expected u32",
                "invalid type: string \"a\", expected a whole number, 0 or more",
            ),
            ("invalid type: map, expected a string", "invalid type: map, expected text"),
            ("unknown variant `x`, expected one of `a`, `b`", "unknown variant `x`, expected one of `a`, `b`"),
            (
                "invalid type: null, expected enum Kind at line 1",
                "invalid type: null, expected one of the listed codes at line 1",
            ),
            ("missing field `id`", "missing field `id`"),
        ];
        for (raw, plain) in table {
            assert_eq!(plain_json_error(raw), plain, "{raw}");
        }
    }

    #[test]
    fn a_command_that_completes_says_so() {
        let e = Error::NotReady {
            action: "completed",
            errors: vec![FieldError::new("answers.a", "answer a"), FieldError::new("answers.b", "answer b")],
        };
        assert_eq!(e.to_string(), "2 answers need attention before this can be completed");
        let api = ApiError::from(e);
        assert_eq!((api.code.as_str(), api.field.as_deref(), api.errors.len()), ("validation", Some("answers.a"), 2));
    }
}
