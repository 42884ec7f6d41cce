//! Encryption, sessions, staff accounts, roles and the audit trail.
