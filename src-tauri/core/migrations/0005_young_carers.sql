-- Carers Desk schema, version 5: young carers in school (schools, a young carer's link to
-- their school, agreed adjustments), transition to adulthood (milestones recorded as done,
-- handover to the adult carers service), the young carer card's record, the transition
-- assessment type and the transition settings. Shipped: never edit; add a new file.
--
-- Runs with foreign keys off (db.rs turns them off for migrations and checks them after), as
-- SQLite's documented way to rebuild a table another table refers to.

ALTER TABLE settings ADD COLUMN prepare_age INTEGER NOT NULL DEFAULT 14;
ALTER TABLE settings ADD COLUMN transition_offer_age INTEGER NOT NULL DEFAULT 16;
-- Completed before 17 years 6 months, in months from birth.
ALTER TABLE settings ADD COLUMN transition_complete_months INTEGER NOT NULL DEFAULT 210;
ALTER TABLE settings ADD COLUMN transition_review_months INTEGER NOT NULL DEFAULT 210;
ALTER TABLE settings ADD COLUMN handover_age INTEGER NOT NULL DEFAULT 18;

CREATE TABLE schools (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    -- Unique Reference Number (Get Information about Schools): six digits.
    urn           TEXT UNIQUE CHECK (urn IS NULL OR (length(urn) = 6 AND urn NOT GLOB '*[^0-9]*')),
    address_line1 TEXT,
    address_line2 TEXT,
    town          TEXT,
    postcode      TEXT,
    phone         TEXT,
    email         TEXT,
    -- The school's named young carers lead.
    lead_name     TEXT,
    lead_email    TEXT,
    lead_phone    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX schools_by_name ON schools (name COLLATE NOCASE);

-- A young carer's current school (one per carer).
CREATE TABLE school_links (
    carer_id      INTEGER PRIMARY KEY REFERENCES carers (id),
    school_id     INTEGER NOT NULL REFERENCES schools (id),
    year_group    TEXT CHECK (year_group IS NULL OR year_group IN ('R', '1', '2', '3', '4', '5', '6', '7', '8',
                      '9', '10', '11', '12', '13')),
    tutor_group   TEXT,
    -- DfE school census young carer code: N not declared, P identified by parent, S by school.
    census_code   TEXT CHECK (census_code IS NULL OR census_code IN ('N', 'P', 'S')),
    identified_on TEXT,
    staff_contact TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX school_links_by_school ON school_links (school_id);

-- Agreed adjustments; ended ones stay as history.
CREATE TABLE adjustments (
    id         INTEGER PRIMARY KEY,
    carer_id   INTEGER NOT NULL REFERENCES carers (id),
    kind       TEXT NOT NULL CHECK (kind IN ('homework', 'phone', 'lateness', 'quiet_space', 'time_out',
                   'trips_costs', 'other')),
    note       TEXT,
    agreed_on  TEXT NOT NULL,
    review_on  TEXT,
    ended_on   TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    CHECK (kind <> 'other' OR note IS NOT NULL)
) STRICT;
CREATE INDEX adjustments_by_carer ON adjustments (carer_id, agreed_on);
CREATE INDEX adjustments_review ON adjustments (review_on) WHERE ended_on IS NULL;

-- Transition milestones a worker recorded as done (the others are worked out from
-- assessments and handovers).
CREATE TABLE milestones_done (
    carer_id    INTEGER NOT NULL REFERENCES carers (id),
    milestone   TEXT NOT NULL CHECK (milestone IN ('prepare', 'offer', 'assessment', 'review', 'handover',
                    'young_adult_end')),
    done_on     TEXT NOT NULL,
    note        TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (carer_id, milestone)
) STRICT, WITHOUT ROWID;

-- Handover to the adult carers service (one per young carer; saved again to change it).
CREATE TABLE handovers (
    carer_id          INTEGER PRIMARY KEY REFERENCES carers (id),
    receiving_service TEXT NOT NULL,
    worker            TEXT,
    handover_on       TEXT NOT NULL,
    consent_to_share  INTEGER NOT NULL CHECK (consent_to_share IN (0, 1)),
    notes             TEXT,
    recorded_at       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL
) STRICT;

-- What a young carer card would say, for printing (carer passports, part 5).
CREATE TABLE young_carer_cards (
    carer_id                       INTEGER PRIMARY KEY REFERENCES carers (id),
    valid_until                    TEXT NOT NULL,
    adjustments_summary            TEXT,
    emergency_contact_name         TEXT,
    emergency_contact_relationship TEXT,
    emergency_contact_phone        TEXT,
    show_cared_for_name            INTEGER NOT NULL DEFAULT 0 CHECK (show_cared_for_name IN (0, 1)),
    updated_at                     TEXT NOT NULL,
    updated_by                     TEXT NOT NULL
) STRICT;

-- The free-text school on a carer becomes a school record and a link.
INSERT INTO schools (name, created_at, updated_at)
    SELECT school, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM carers WHERE school IS NOT NULL GROUP BY school COLLATE NOCASE ORDER BY school COLLATE NOCASE;
INSERT INTO school_links (carer_id, school_id, created_at, updated_at)
    SELECT c.id, s.id, c.updated_at, c.updated_at
    FROM carers c JOIN schools s ON s.name = c.school COLLATE NOCASE
    WHERE c.school IS NOT NULL;
DROP INDEX carers_by_school;
ALTER TABLE carers DROP COLUMN school;

-- The assessments table again, allowing the transition assessment (Care Act s63).
CREATE TABLE assessments_new (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL,
    carer_id      INTEGER NOT NULL REFERENCES carers (id),
    type          TEXT NOT NULL CHECK (type IN ('adult', 'young_carer', 'parent_carer', 'transition')),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed')),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    previous_id   INTEGER REFERENCES assessments (id),
    answers       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    -- Adult: the eligibility determination; transition: the indication of needs likely to be
    -- eligible at 18 (same shape). Young carer: questionnaire scores. JSON.
    determination TEXT CHECK (determination IS NULL OR json_valid(determination)),
    scores        TEXT CHECK (scores IS NULL OR json_valid(scores)),
    assessed_on   TEXT,
    age_warning   TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    completed_at  TEXT,
    completed_by  TEXT,
    CHECK ((status = 'completed') = (completed_at IS NOT NULL AND completed_by IS NOT NULL)),
    CHECK ((version = 1) = (previous_id IS NULL)),
    UNIQUE (reference, version)
) STRICT;
INSERT INTO assessments_new SELECT id, reference, carer_id, type, status, version, previous_id, answers,
    determination, scores, assessed_on, age_warning, created_at, created_by, updated_at, updated_by,
    completed_at, completed_by FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_new RENAME TO assessments;
CREATE INDEX assessments_by_carer ON assessments (carer_id, assessed_on, id);
CREATE UNIQUE INDEX assessments_by_previous ON assessments (previous_id) WHERE previous_id IS NOT NULL;
CREATE INDEX assessments_transition ON assessments (carer_id, status) WHERE type = 'transition';
