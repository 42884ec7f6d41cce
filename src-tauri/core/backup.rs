//! Backups: made, verified, listed, pruned and restored (owned by the backups work; this is
//! the interface the session commands call).

use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::vault::VaultInfo;

/// Checks a backup can replace the database: it opens with this database's key and passes
/// its checks. Nothing is changed.
pub fn check_restorable(vault: &VaultInfo, from: &Path) -> Result<()> {
    let _ = (vault, from);
    Err(Error::Conflict("restoring is not available in this build".into()))
}

/// Replaces the database file with the backup, keeping the replaced file aside. The database
/// is closed when this is called.
pub fn restore_files(vault: &VaultInfo, from: &Path, today: NaiveDate) -> Result<Value> {
    let _ = (vault, from, today);
    Err(Error::Conflict("restoring is not available in this build".into()))
}
