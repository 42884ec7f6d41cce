-- Carers Desk schema, version 4: support plans (Care Act s25) with their contingency plans,
-- versions and reviews (s27), and the organisation's support catalogue. Shipped: never edit;
-- add a new file.

-- The kinds of support plan actions are chosen from. Seeded from the catalogue shipped with
-- the app the first time the database is opened; the organisation adds, renames and retires
-- entries. Codes are stored with actions, so an entry is retired, never deleted.
CREATE TABLE support_catalogue (
    code          TEXT PRIMARY KEY,
    label         TEXT NOT NULL,
    support_group TEXT NOT NULL,
    suits         TEXT NOT NULL CHECK (suits IN ('all', 'adult', 'young_carer')),
    position      INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE support_plans (
    id            INTEGER PRIMARY KEY,
    -- Shared by every version of one plan: SP-000001.
    reference     TEXT NOT NULL,
    carer_id      INTEGER NOT NULL REFERENCES carers (id),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The version this one replaces (version 1 has none).
    previous_id   INTEGER REFERENCES support_plans (id),
    -- superseded: an agreed version a newer agreed version replaced (readable, never changed).
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'agreed', 'under_review', 'ended', 'superseded')),
    -- The completed assessment the plan was made from; NULL for light-touch support.
    assessment_id INTEGER REFERENCES assessments (id),
    light_touch   INTEGER NOT NULL CHECK (light_touch IN (0, 1)),
    -- The assessment's eligibility determination (JSON), copied when the plan was made.
    determination TEXT CHECK (determination IS NULL OR json_valid(determination)),
    -- When this version of the plan starts (version 1: the plan's start; later versions: the
    -- day the updated plan took effect).
    start_date    TEXT,
    -- Money, in pence.
    personal_budget_pence INTEGER CHECK (personal_budget_pence IS NULL OR personal_budget_pence >= 0),
    direct_payment        INTEGER NOT NULL DEFAULT 0 CHECK (direct_payment IN (0, 1)),
    dp_amount_pence       INTEGER CHECK (dp_amount_pence IS NULL OR dp_amount_pence >= 0),
    dp_frequency          TEXT,
    -- The needs the direct payment covers: JSON array of need positions.
    dp_needs              TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(dp_needs)),
    advice_given          TEXT,
    -- Who was involved besides the carer.
    cared_for_involved    INTEGER NOT NULL DEFAULT 0 CHECK (cared_for_involved IN (0, 1)),
    others_involved       TEXT,
    -- The carer's agreement and the worker.
    agreed_on             TEXT,
    agreement_method      TEXT,
    worker_name           TEXT,
    -- Contingency / emergency plan.
    cont_if_cannot_care   TEXT,
    -- JSON array of {name, relationship, phone, notes}.
    cont_contacts         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(cont_contacts)),
    cont_essential_needs  TEXT,
    cont_medication       TEXT,
    cont_routines         TEXT,
    cont_gp               TEXT,
    cont_access           TEXT,
    cont_copies_held_by   TEXT,
    -- Live versions (agreed, under review): when the next review is due, kept by the core.
    review_due            TEXT,
    ended_on              TEXT,
    end_reason            TEXT,
    end_note              TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    CHECK ((version = 1) = (previous_id IS NULL)),
    CHECK ((status = 'ended') = (ended_on IS NOT NULL AND end_reason IS NOT NULL)),
    CHECK (light_touch = 0 OR assessment_id IS NULL),
    UNIQUE (reference, version)
) STRICT;
CREATE INDEX support_plans_by_carer ON support_plans (carer_id, id);
CREATE UNIQUE INDEX support_plans_by_previous ON support_plans (previous_id) WHERE previous_id IS NOT NULL;
-- The home screen's review lists.
CREATE INDEX support_plans_review_due ON support_plans (review_due) WHERE status IN ('agreed', 'under_review');

-- The needs in the plan: from the assessment, with whether and how far each is eligible and
-- whether and how it will be met.
CREATE TABLE plan_needs (
    plan_id        INTEGER NOT NULL REFERENCES support_plans (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL CHECK (position >= 1),
    description    TEXT NOT NULL,
    outcome        TEXT,
    wellbeing_area TEXT,
    eligibility    TEXT NOT NULL CHECK (eligibility IN ('eligible', 'partly_eligible', 'not_eligible', 'not_applicable')),
    eligibility_note TEXT,
    will_meet      TEXT CHECK (will_meet IS NULL OR will_meet IN ('yes', 'partly', 'no')),
    how_met        TEXT,
    PRIMARY KEY (plan_id, position)
) STRICT;

-- The carer's outcomes in their own words ("I statements").
CREATE TABLE plan_outcomes (
    plan_id  INTEGER NOT NULL REFERENCES support_plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),
    text     TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
) STRICT;

CREATE TABLE plan_actions (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES support_plans (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 1),
    -- The same action keeps its key in every version of the plan, so a review can follow it.
    action_key  INTEGER NOT NULL,
    support     TEXT REFERENCES support_catalogue (code),
    description TEXT NOT NULL,
    who         TEXT,
    due_on      TEXT,
    status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'declined')),
    notes       TEXT,
    -- The need (position) the action meets, if one.
    need_position INTEGER,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    UNIQUE (plan_id, position),
    UNIQUE (plan_id, action_key)
) STRICT;
-- Actions overdue.
CREATE INDEX plan_actions_due ON plan_actions (due_on) WHERE status IN ('planned', 'in_progress');

CREATE TABLE plan_reviews (
    id            INTEGER PRIMARY KEY,
    -- The version reviewed, and the updated plan the review produces (a draft until completed).
    plan_id       INTEGER NOT NULL REFERENCES support_plans (id),
    new_plan_id   INTEGER NOT NULL REFERENCES support_plans (id),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed')),
    planned       INTEGER NOT NULL CHECK (planned IN (0, 1)),
    -- Unplanned reviews: why (carer_request, change_of_circumstances, other).
    reason        TEXT,
    review_date   TEXT,
    -- JSON arrays: [{position, text, progress, note}] and [{key, description, status, note}].
    outcome_progress TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(outcome_progress)),
    action_progress  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(action_progress)),
    caring_changes   TEXT,
    new_assessment_needed INTEGER CHECK (new_assessment_needed IS NULL OR new_assessment_needed IN (0, 1)),
    new_assessment_note   TEXT,
    -- When the next review is due, as decided at this review.
    next_review_due  TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    completed_at  TEXT,
    completed_by  TEXT,
    CHECK ((status = 'completed') = (completed_at IS NOT NULL AND review_date IS NOT NULL)),
    CHECK (planned = 1 OR reason IS NOT NULL)
) STRICT;
CREATE INDEX plan_reviews_by_plan ON plan_reviews (plan_id);
CREATE UNIQUE INDEX plan_reviews_one_draft ON plan_reviews (new_plan_id);
