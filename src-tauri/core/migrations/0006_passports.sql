-- Carers Desk schema, version 6: carer passports and young carer cards, what their holders may
-- ask for (a list the organisation keeps per type), and the card printing settings.
-- Shipped: never edit; add a new file.

-- What a passport's holder may ask for, per type. Retired entries stay for the passports that
-- were issued with them but are no longer offered.
CREATE TABLE passport_asks (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('community', 'hospital', 'workplace', 'young_carer')),
    label    TEXT NOT NULL,
    position INTEGER NOT NULL,
    retired  INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX passport_asks_once ON passport_asks (kind, label COLLATE NOCASE);

INSERT INTO passport_asks (kind, label, position) VALUES
    ('community', 'Recognition as a carer by local services', 1),
    ('community', 'Carers'' discounts at local shops and leisure centres', 2),
    ('community', 'Priority appointments at the GP practice where offered', 3),
    ('community', 'Being kept informed, with the cared-for person''s consent', 4),
    ('hospital', 'Open visiting outside normal visiting hours', 1),
    ('hospital', 'Involvement in discharge planning', 2),
    ('hospital', 'Free or reduced-cost parking', 3),
    ('hospital', 'Meals or drinks from the ward when staying with the patient', 4),
    ('hospital', 'Being told about changes in care, with the patient''s consent', 5),
    ('workplace', 'Agreed flexible working (start and finish times)', 1),
    ('workplace', 'Time off at short notice for emergencies', 2),
    ('workplace', 'Keeping a phone on at work for calls about the person cared for', 3),
    ('workplace', 'Not having to explain their caring again to each new manager', 4),
    ('young_carer', 'Keeping a phone on in school to check on home', 1),
    ('young_carer', 'Understanding about homework deadlines', 2),
    ('young_carer', 'Understanding about lateness', 3),
    ('young_carer', 'A quiet word with a trusted adult when needed', 4),
    ('young_carer', 'Someone checking on home if the card holder is hurt: a vulnerable person may be alone', 5);

CREATE TABLE passports (
    id                             INTEGER PRIMARY KEY,
    -- CP-004217-F: the serial is unique in the organisation, whatever the type.
    number                         TEXT NOT NULL UNIQUE,
    serial                         INTEGER NOT NULL UNIQUE CHECK (serial BETWEEN 1 AND 999999),
    kind                           TEXT NOT NULL CHECK (kind IN ('community', 'hospital', 'workplace', 'young_carer')),
    carer_id                       INTEGER NOT NULL REFERENCES carers (id),
    issued_on                      TEXT NOT NULL,
    valid_until                    TEXT NOT NULL,
    -- 'expired' is not stored: an active passport past its valid-until date is expired.
    status                         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'replaced')),
    revoked_on                     TEXT,
    revoked_reason                 TEXT,
    replaces_id                    INTEGER REFERENCES passports (id),
    replace_reason                 TEXT CHECK (replace_reason IN ('lost', 'damaged')),
    setting                        TEXT,
    -- What the holder may ask for, as printed: a JSON array of text.
    asks                           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(asks) AND json_type(asks) = 'array'),
    cared_for_id                   INTEGER REFERENCES cared_for (id),
    show_cared_for_name            INTEGER NOT NULL DEFAULT 0 CHECK (show_cared_for_name IN (0, 1)),
    emergency_contact_name         TEXT,
    emergency_contact_relationship TEXT,
    emergency_contact_phone        TEXT,
    emergency_contact_consent      INTEGER NOT NULL DEFAULT 0 CHECK (emergency_contact_consent IN (0, 1)),
    photo                          BLOB,
    created_at                     TEXT NOT NULL,
    created_by                     TEXT NOT NULL,
    updated_at                     TEXT NOT NULL,
    updated_by                     TEXT NOT NULL,
    CHECK (valid_until >= issued_on),
    CHECK ((status = 'revoked') = (revoked_on IS NOT NULL AND revoked_reason IS NOT NULL)),
    CHECK ((replaces_id IS NULL) = (replace_reason IS NULL)),
    CHECK (show_cared_for_name = 0 OR cared_for_id IS NOT NULL)
) STRICT;
CREATE INDEX passports_by_carer ON passports (carer_id);
CREATE INDEX passports_by_issue ON passports (issued_on);
CREATE INDEX passports_active_by_expiry ON passports (valid_until) WHERE status = 'active';
CREATE UNIQUE INDEX passports_replaced_once ON passports (replaces_id) WHERE replaces_id IS NOT NULL;

-- A passport's history: issued, renewed, reissued (on the old passport), revoked.
CREATE TABLE passport_events (
    id          INTEGER PRIMARY KEY,
    passport_id INTEGER NOT NULL REFERENCES passports (id),
    event       TEXT NOT NULL CHECK (event IN ('issued', 'renewed', 'reissued', 'revoked')),
    happened_on TEXT NOT NULL,
    note        TEXT,
    at          TEXT NOT NULL,
    by          TEXT NOT NULL
) STRICT;
CREATE INDEX passport_events_by_passport ON passport_events (passport_id);

ALTER TABLE settings ADD COLUMN card_logo BLOB;
ALTER TABLE settings ADD COLUMN card_stock TEXT NOT NULL DEFAULT 'c32011';
ALTER TABLE settings ADD COLUMN printer_offset_x_mm REAL NOT NULL DEFAULT 0 CHECK (printer_offset_x_mm BETWEEN -10 AND 10);
ALTER TABLE settings ADD COLUMN printer_offset_y_mm REAL NOT NULL DEFAULT 0 CHECK (printer_offset_y_mm BETWEEN -10 AND 10);
ALTER TABLE settings ADD COLUMN card_crop_marks INTEGER NOT NULL DEFAULT 1 CHECK (card_crop_marks IN (0, 1));
ALTER TABLE settings ADD COLUMN card_if_found TEXT;
ALTER TABLE settings ADD COLUMN passport_months INTEGER NOT NULL DEFAULT 12 CHECK (passport_months BETWEEN 1 AND 60);
