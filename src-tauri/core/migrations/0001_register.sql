-- Carers Desk schema, version 1: settings, the carers register, cared-for people, caring links,
-- case notes, recently viewed, and the search index. Shipped: never edit; add a new file.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    id                     INTEGER PRIMARY KEY CHECK (id = 1),
    organisation_name      TEXT,
    address                TEXT,
    phone                  TEXT,
    email                  TEXT,
    first_review_weeks     INTEGER NOT NULL DEFAULT 8,
    review_interval_months INTEGER NOT NULL DEFAULT 12,
    young_adult_min_age    INTEGER NOT NULL DEFAULT 18,
    young_adult_max_age    INTEGER NOT NULL DEFAULT 25,
    CHECK (young_adult_min_age <= young_adult_max_age)
) STRICT;
INSERT INTO settings (id) VALUES (1);

CREATE TABLE carers (
    id                           INTEGER PRIMARY KEY,
    reference                    TEXT UNIQUE,
    title                        TEXT,
    first_name                   TEXT NOT NULL,
    last_name                    TEXT NOT NULL,
    preferred_name               TEXT,
    date_of_birth                TEXT NOT NULL,
    gender                       TEXT,
    ethnicity                    TEXT,
    main_language                TEXT,
    interpreter_needed           INTEGER NOT NULL DEFAULT 0,
    address_line1                TEXT,
    address_line2                TEXT,
    town                         TEXT,
    postcode                     TEXT,
    phone                        TEXT,
    email                        TEXT,
    preferred_contact            TEXT,
    gp_practice                  TEXT,
    school                       TEXT,
    nhs_number                   TEXT,
    date_first_identified        TEXT,
    referral_source              TEXT,
    referrer_name                TEXT,
    how_heard                    TEXT,
    consent_given                INTEGER NOT NULL DEFAULT 0,
    consent_date                 TEXT,
    consent_recorded_by          TEXT,
    consent_share_gp             INTEGER NOT NULL DEFAULT 0,
    consent_share_school         INTEGER NOT NULL DEFAULT 0,
    consent_share_adult_services INTEGER NOT NULL DEFAULT 0,
    employment_status            TEXT,
    disability                   TEXT,
    parent_carer                 INTEGER NOT NULL DEFAULT 0,
    status                       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_reason                TEXT,
    closed_date                  TEXT,
    closed_note                  TEXT,
    created_at                   TEXT NOT NULL,
    created_by                   TEXT NOT NULL,
    updated_at                   TEXT NOT NULL,
    updated_by                   TEXT NOT NULL,
    CHECK ((status = 'closed') = (closed_reason IS NOT NULL AND closed_date IS NOT NULL))
) STRICT;
CREATE INDEX carers_by_name ON carers (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX carers_by_dob ON carers (date_of_birth);
CREATE INDEX carers_by_school ON carers (school) WHERE school IS NOT NULL;

CREATE TABLE cared_for (
    id              INTEGER PRIMARY KEY,
    reference       TEXT UNIQUE,
    first_name      TEXT NOT NULL,
    last_name       TEXT,
    date_of_birth   TEXT,
    approximate_age INTEGER,
    age_recorded_on TEXT,
    notes           TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX cared_for_by_name ON cared_for (last_name COLLATE NOCASE, first_name COLLATE NOCASE);

CREATE TABLE cared_for_conditions (
    cared_for_id INTEGER NOT NULL REFERENCES cared_for (id) ON DELETE CASCADE,
    condition    TEXT NOT NULL,
    PRIMARY KEY (cared_for_id, condition)
) STRICT, WITHOUT ROWID;

CREATE TABLE caring_links (
    id             INTEGER PRIMARY KEY,
    carer_id       INTEGER NOT NULL REFERENCES carers (id),
    cared_for_id   INTEGER NOT NULL REFERENCES cared_for (id),
    relationship   TEXT NOT NULL,
    lives_together INTEGER NOT NULL DEFAULT 0,
    hours_band     TEXT NOT NULL,
    since          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (carer_id, cared_for_id)
) STRICT;
CREATE INDEX caring_links_by_cared_for ON caring_links (cared_for_id);

CREATE TABLE caring_link_kinds (
    link_id INTEGER NOT NULL REFERENCES caring_links (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (link_id, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    carer_id   INTEGER NOT NULL REFERENCES carers (id),
    date       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    author     TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX notes_by_carer ON notes (carer_id, date DESC, id DESC);

CREATE TABLE recent_views (
    actor     TEXT NOT NULL,
    carer_id  INTEGER NOT NULL REFERENCES carers (id) ON DELETE CASCADE,
    viewed_at TEXT NOT NULL,
    PRIMARY KEY (actor, carer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX recent_views_by_time ON recent_views (actor, viewed_at DESC);

-- Search index: one row per carer (rowid = carers.id), kept in step by triggers so no code
-- path can forget it. Holds the name, preferred name, reference (with and without leading
-- zeros) and postcode (with and without the space), with punctuation-free forms of names so
-- "obrien" finds O'Brien.
CREATE VIRTUAL TABLE carer_search USING fts5 (
    terms,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER carers_search_insert AFTER INSERT ON carers BEGIN
    INSERT INTO carer_search (rowid, terms) VALUES (new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.preferred_name, '') || ' ' ||
        replace(replace(new.first_name || ' ' || new.last_name, '''', ''), '-', '') || ' ' ||
        coalesce(new.reference, '') || ' ' || coalesce(replace(new.reference, '-', ''), '') || ' ' ||
        coalesce(ltrim(substr(new.reference, 3), '0'), '') || ' ' ||
        coalesce(new.postcode, '') || ' ' || coalesce(replace(new.postcode, ' ', ''), ''));
END;

CREATE TRIGGER carers_search_update AFTER UPDATE OF first_name, last_name, preferred_name, reference, postcode ON carers BEGIN
    DELETE FROM carer_search WHERE rowid = old.id;
    INSERT INTO carer_search (rowid, terms) VALUES (new.id,
        new.first_name || ' ' || new.last_name || ' ' || coalesce(new.preferred_name, '') || ' ' ||
        replace(replace(new.first_name || ' ' || new.last_name, '''', ''), '-', '') || ' ' ||
        coalesce(new.reference, '') || ' ' || coalesce(replace(new.reference, '-', ''), '') || ' ' ||
        coalesce(ltrim(substr(new.reference, 3), '0'), '') || ' ' ||
        coalesce(new.postcode, '') || ' ' || coalesce(replace(new.postcode, ' ', ''), ''));
END;

CREATE TRIGGER carers_search_delete AFTER DELETE ON carers BEGIN
    DELETE FROM carer_search WHERE rowid = old.id;
END;
