//! Errors. Inside the core every failure is an [`Error`] (thiserror); at the boundary it becomes
//! an [`ApiError`] `{code, message, field, errors}` that the window shows beside the right field
//! and the CLI prints as JSON. Messages are lower-case and tell the user what to do.

use serde::Serialize;

/// One problem with one argument. `field` is the JSON path of the argument (`postcode`,
/// `person.first_name`), exactly the `name` of the input in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    #[error("the database could not be used ({0}); nothing was changed: try again, and if it keeps happening restore from a backup")]
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

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [one] => one.message.clone(),
        many => format!("{} answers need attention before this can be saved", many.len()),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, message)])
    }
}

/// What crosses the boundary to the window and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ApiError {
    /// `validation`, `invalid_arguments`, `not_found`, `conflict`, `unknown_command`,
    /// `not_permitted`, `database_location`, `locked`, `wrong_passphrase`, `wait`,
    /// `wrong_recovery_key`, `key_file`, `storage`, `pdf`, or a warning to confirm
    /// (`age_warning`).
    pub code: String,
    pub message: String,
    /// The JSON path of the argument at fault, if one is.
    pub field: Option<String>,
    /// Every problem found, for forms that show them all at once.
    pub errors: Vec<FieldError>,
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
