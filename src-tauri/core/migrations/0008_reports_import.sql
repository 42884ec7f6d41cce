-- Part 7: monitoring reports, importing from spreadsheets, exporting the register.

-- What happened to a referral or contact: registered for support ('accepted'), or given
-- information and signposted elsewhere only ('signposted'). Records made before this part were
-- all registered for support.
ALTER TABLE carers ADD COLUMN referral_outcome TEXT NOT NULL DEFAULT 'accepted'
    CHECK (referral_outcome IN ('accepted', 'signposted'));

-- Exported reports show counts under 5 as "<5" so a shared report cannot identify anyone.
ALTER TABLE settings ADD COLUMN report_suppress_small INTEGER NOT NULL DEFAULT 1
    CHECK (report_suppress_small IN (0, 1));

-- Saved column mappings for importing spreadsheets (the mapping is JSON, checked by the core).
CREATE TABLE import_mappings (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    mapping    TEXT NOT NULL CHECK (json_valid(mapping) AND json_type(mapping) = 'object'),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- Reports count by the day a referral arrived and the day a record closed.
CREATE INDEX carers_by_identified ON carers (date_first_identified);
CREATE INDEX carers_by_closed ON carers (closed_date) WHERE closed_date IS NOT NULL;
