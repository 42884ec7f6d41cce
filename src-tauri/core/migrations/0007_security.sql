-- Part 6: data safety. Staff accounts, the audit trail, backup and retention settings, and
-- the marks anonymisation leaves.

-- Staff accounts. The passphrase is never stored: each account's copy of the database key is
-- wrapped by a key derived from its passphrase, in the key file beside the database
-- (docs/security.md). The role lives here, inside the encrypted database, so editing the key
-- file cannot raise anyone's role.
CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    username   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('administrator', 'support_worker', 'school_staff', 'reporting')),
    school_id  INTEGER REFERENCES schools (id),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((role = 'school_staff') = (school_id IS NOT NULL))
) STRICT;

-- The audit trail: one row per access to a person's record (view, create, change, close,
-- delete, print, export, ...), written in the same transaction as the access. Append-only:
-- the triggers below refuse UPDATE and DELETE. Each row's hash covers its content and the
-- previous row's hash, so a changed or removed row breaks the chain (`audit verify`).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    role         TEXT NOT NULL,
    action       TEXT NOT NULL,
    command      TEXT NOT NULL,
    record_type  TEXT,
    record_id    INTEGER,
    carer_id     INTEGER,
    cared_for_id INTEGER,
    fields       TEXT,
    detail       TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_by_time ON audit_log (at);
CREATE INDEX audit_by_carer ON audit_log (carer_id) WHERE carer_id IS NOT NULL;
CREATE INDEX audit_by_cared_for ON audit_log (cared_for_id) WHERE cared_for_id IS NOT NULL;
CREATE INDEX audit_by_actor ON audit_log (actor_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be deleted');
END;

-- Auto-lock, backups and retention.
ALTER TABLE settings ADD COLUMN auto_lock_minutes INTEGER NOT NULL DEFAULT 10 CHECK (auto_lock_minutes BETWEEN 1 AND 120);
ALTER TABLE settings ADD COLUMN backup_folder TEXT;
ALTER TABLE settings ADD COLUMN backup_keep INTEGER NOT NULL DEFAULT 14 CHECK (backup_keep BETWEEN 1 AND 365);
ALTER TABLE settings ADD COLUMN last_backup_at TEXT;
ALTER TABLE settings ADD COLUMN retention_carer_years INTEGER NOT NULL DEFAULT 6 CHECK (retention_carer_years BETWEEN 1 AND 100);
ALTER TABLE settings ADD COLUMN retention_cared_for_years INTEGER NOT NULL DEFAULT 6 CHECK (retention_cared_for_years BETWEEN 1 AND 100);

-- Erasure keeps the row (reports still count it) with the personal details replaced.
ALTER TABLE carers ADD COLUMN anonymised_on TEXT;
ALTER TABLE cared_for ADD COLUMN anonymised_on TEXT;
