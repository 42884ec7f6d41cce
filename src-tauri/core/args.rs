//! Argument types many commands share: none at all, one record's id, one carer's id. They live
//! here, below every domain module, so a module that takes "an id" needs no other module for it.
//!
//! A command's own arguments (what only it takes) live beside the command.

use serde::Deserialize;

/// No arguments: `{}` (or nothing).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// Arguments naming one record by its id: which kind of record is the command's (a carer for
/// `carer_get`, a plan for `plan_get`).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdArgs {
    pub id: i64,
}

/// Arguments naming one carer.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CarerArgs {
    pub carer_id: i64,
}
