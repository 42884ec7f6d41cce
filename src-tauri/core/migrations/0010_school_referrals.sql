-- A school's referral of a young carer to the carers service: what the school knows, the
-- consents, and what the carers service decided (registered for support, or signposted).
-- The school sees its own referrals and their outcomes; the carers service sees them all.
CREATE TABLE school_referrals (
    id                    INTEGER PRIMARY KEY,
    school_id             INTEGER NOT NULL REFERENCES schools (id),
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    preferred_name        TEXT,
    date_of_birth         TEXT NOT NULL,
    year_group            TEXT,
    tutor_group           TEXT,
    -- Who they care for, in the school's words (relationship and what is wrong).
    cares_for             TEXT NOT NULL,
    -- What they do for them.
    caring_tasks          TEXT NOT NULL,
    -- How the school knows: a census_code ('S' identified by the school, 'P' by a parent).
    identified_by         TEXT NOT NULL CHECK (identified_by IN ('S', 'P')),
    how_known             TEXT,
    young_person_consent  INTEGER NOT NULL CHECK (young_person_consent IN (0, 1)),
    -- 'given', 'not_needed' (the young person can consent for themself) or 'not_asked' (with
    -- the reason: for example, a safeguarding concern about the family).
    parent_consent        TEXT NOT NULL CHECK (parent_consent IN ('given', 'not_needed', 'not_asked')),
    parent_consent_note   TEXT,
    staff_contact         TEXT,
    referred_on           TEXT NOT NULL,
    referred_by           TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'accepted', 'signposted')),
    decided_on            TEXT,
    decided_by            TEXT,
    -- Signposted: where to, and why; accepted: anything the school should know.
    outcome_note          TEXT,
    carer_id              INTEGER REFERENCES carers (id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;
CREATE INDEX school_referrals_by_school ON school_referrals (school_id, status, referred_on);
CREATE INDEX school_referrals_by_status ON school_referrals (status, referred_on);
