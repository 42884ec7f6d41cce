-- The home screen's counts with 100,000 carers in a few milliseconds: carers by status and date
-- of birth (the categories are date-of-birth ranges) are read from this index alone, never from
-- the register's rows.
CREATE INDEX carers_by_status_dob ON carers (status, date_of_birth);
