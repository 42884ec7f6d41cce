-- Carers Desk schema, version 3: carers' assessments (adult s10, young carer s17ZA, parent carer
-- s17ZD), their versions, and the needs each identifies. Shipped: never edit; add a new file.

CREATE TABLE assessments (
    id            INTEGER PRIMARY KEY,
    -- Shared by every version of one assessment: A-000001 (version 1), A-000001 (version 2) ...
    reference     TEXT NOT NULL,
    carer_id      INTEGER NOT NULL REFERENCES carers (id),
    type          TEXT NOT NULL CHECK (type IN ('adult', 'young_carer', 'parent_carer')),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed')),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The completed version this one revises (version 1 has none).
    previous_id   INTEGER REFERENCES assessments (id),
    -- The answers, keyed by question code (JSON object), as checked by the core.
    answers       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    -- Set when completed: the eligibility determination with its explanation (adult), and the
    -- questionnaire scores (young carer). JSON.
    determination TEXT CHECK (determination IS NULL OR json_valid(determination)),
    scores        TEXT CHECK (scores IS NULL OR json_valid(scores)),
    assessed_on   TEXT,
    -- When the type did not fit the carer's age and the user chose to continue: the warning
    -- they confirmed.
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
-- A carer's history, newest first.
CREATE INDEX assessments_by_carer ON assessments (carer_id, assessed_on, id);
-- A completed version is revised at most once (versions form a line, not a tree).
CREATE UNIQUE INDEX assessments_by_previous ON assessments (previous_id) WHERE previous_id IS NOT NULL;

-- The needs an assessment identified, in order, each with the outcome (reg 3(2)(b)) or the
-- wellbeing area (Care Act s1(2)) it relates to, for the support plan to take over.
CREATE TABLE assessment_needs (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL CHECK (position >= 1),
    description   TEXT NOT NULL,
    outcome       TEXT CHECK (outcome IS NULL OR outcome IN ('child_care', 'care_for_others', 'habitable_home',
                      'nutrition', 'relationships', 'work_education_volunteering', 'community_facilities',
                      'recreation')),
    wellbeing_area TEXT CHECK (wellbeing_area IS NULL OR wellbeing_area IN ('dignity', 'health', 'protection',
                      'control', 'work_education_recreation', 'social_economic', 'relationships',
                      'accommodation', 'contribution')),
    PRIMARY KEY (assessment_id, position)
) STRICT;
