-- The home screen in milliseconds with 100,000 carers (docs/benchmarks.md): its figures are
-- either kept current on every write or read from indexes alone, never from the rows of the
-- register, plans or passports (reading those rows, page by encrypted page, was most of the
-- 0.7 s the home screen took).

-- Figures that do not depend on the day, kept current by the triggers below instead of
-- counted on each visit (counting 100,000 carers, 130,000 people cared for or every caring
-- link took 10 to 100 ms each): open and closed records (`open`, `closed`: the codes are the
-- statuses), people cared for, and open carers with two or more caring links. Tests compare
-- each with a plain count after every kind of change.
CREATE TABLE register_totals (
    code  TEXT PRIMARY KEY CHECK (code IN ('open', 'closed', 'cared_for', 'caring_for_several')),
    count INTEGER NOT NULL CHECK (count >= 0)
) STRICT, WITHOUT ROWID;
INSERT INTO register_totals (code, count)
SELECT 'open', count(*) FROM carers WHERE status = 'open'
UNION ALL SELECT 'closed', count(*) FROM carers WHERE status = 'closed'
UNION ALL SELECT 'cared_for', count(*) FROM cared_for
UNION ALL SELECT 'caring_for_several', count(*) FROM carers c
    WHERE c.status = 'open' AND (SELECT count(*) FROM caring_links l WHERE l.carer_id = c.id) > 1;

CREATE TRIGGER register_totals_carer_in AFTER INSERT ON carers
BEGIN
    UPDATE register_totals SET count = count + 1 WHERE code = NEW.status;
END;

CREATE TRIGGER register_totals_carer_out AFTER DELETE ON carers
BEGIN
    UPDATE register_totals SET count = count - 1 WHERE code = OLD.status;
END;

CREATE TRIGGER register_totals_carer_closed_or_reopened AFTER UPDATE OF status ON carers
WHEN OLD.status IS NOT NEW.status
BEGIN
    UPDATE register_totals SET count = count + 1 WHERE code = NEW.status;
    UPDATE register_totals SET count = count - 1 WHERE code = OLD.status;
END;

CREATE TRIGGER register_totals_cared_for_in AFTER INSERT ON cared_for
BEGIN
    UPDATE register_totals SET count = count + 1 WHERE code = 'cared_for';
END;

CREATE TRIGGER register_totals_cared_for_out AFTER DELETE ON cared_for
BEGIN
    UPDATE register_totals SET count = count - 1 WHERE code = 'cared_for';
END;

-- A link that is a carer's second adds them; one that leaves them with one removes them. A
-- carer written after their links (a bulk load writes the links first) is counted when added.
CREATE TRIGGER register_totals_link_added AFTER INSERT ON caring_links
WHEN (SELECT count(*) FROM caring_links WHERE carer_id = NEW.carer_id) = 2
    AND EXISTS (SELECT 1 FROM carers WHERE id = NEW.carer_id AND status = 'open')
BEGIN
    UPDATE register_totals SET count = count + 1 WHERE code = 'caring_for_several';
END;

CREATE TRIGGER register_totals_link_removed AFTER DELETE ON caring_links
WHEN (SELECT count(*) FROM caring_links WHERE carer_id = OLD.carer_id) = 1
    AND EXISTS (SELECT 1 FROM carers WHERE id = OLD.carer_id AND status = 'open')
BEGIN
    UPDATE register_totals SET count = count - 1 WHERE code = 'caring_for_several';
END;

CREATE TRIGGER register_totals_link_moved AFTER UPDATE OF carer_id ON caring_links
WHEN OLD.carer_id IS NOT NEW.carer_id
BEGIN
    UPDATE register_totals SET count = count
        + ((SELECT count(*) FROM caring_links WHERE carer_id = NEW.carer_id) = 2
           AND EXISTS (SELECT 1 FROM carers WHERE id = NEW.carer_id AND status = 'open'))
        - ((SELECT count(*) FROM caring_links WHERE carer_id = OLD.carer_id) = 1
           AND EXISTS (SELECT 1 FROM carers WHERE id = OLD.carer_id AND status = 'open'))
    WHERE code = 'caring_for_several';
END;

CREATE TRIGGER register_totals_carer_added AFTER INSERT ON carers
WHEN NEW.status = 'open' AND (SELECT count(*) FROM caring_links WHERE carer_id = NEW.id) > 1
BEGIN
    UPDATE register_totals SET count = count + 1 WHERE code = 'caring_for_several';
END;

CREATE TRIGGER register_totals_carer_status AFTER UPDATE OF status ON carers
WHEN OLD.status IS NOT NEW.status AND (SELECT count(*) FROM caring_links WHERE carer_id = NEW.id) > 1
BEGIN
    UPDATE register_totals SET count = count + (NEW.status = 'open') - (OLD.status = 'open')
    WHERE code = 'caring_for_several';
END;

CREATE TRIGGER register_totals_carer_removed AFTER DELETE ON carers
WHEN OLD.status = 'open' AND (SELECT count(*) FROM caring_links WHERE carer_id = OLD.id) > 1
BEGIN
    UPDATE register_totals SET count = count - 1 WHERE code = 'caring_for_several';
END;

-- The transition figures pass over every open carer aged 13 to 25 (about 20,000 of 100,000)
-- and need of each only the date of birth and the day the service first knew them: both are
-- in this index, so the pass reads no carer's row (`transition::view`).
CREATE INDEX carers_open_by_dob_known
    ON carers (status, date_of_birth, coalesce(date_first_identified, substr(created_at, 1, 10)));

-- Plan work, passports: each count reads one of these partial indexes (the status is in them
-- so that SQLite need not read the row to check it) and the closed records (a carer is open
-- unless closed), never a plan's, action's or passport's row. They replace the indexes of the
-- same conditions that held the date only.
DROP INDEX support_plans_review_due;
CREATE INDEX support_plans_review_due ON support_plans (review_due, carer_id, status)
    WHERE status IN ('agreed', 'under_review');
CREATE INDEX support_plans_live ON support_plans (id, carer_id, status) WHERE status IN ('agreed', 'under_review');
DROP INDEX plan_actions_due;
CREATE INDEX plan_actions_due ON plan_actions (due_on, plan_id, status) WHERE status IN ('planned', 'in_progress');
DROP INDEX passports_active_by_expiry;
CREATE INDEX passports_active_by_expiry ON passports (valid_until, carer_id, status) WHERE status = 'active';
