-- Register listing by status in name order without walking every carer (closed records are
-- few; listing them must not scan the whole register).
CREATE INDEX carers_by_status_name ON carers (status, last_name COLLATE NOCASE, first_name COLLATE NOCASE);
