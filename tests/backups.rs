//! Backups: made, verified, listed, pruned and restored.
