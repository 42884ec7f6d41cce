-- Which computer a command came from: the client's network address when the register is
-- served by carers-desk-server (docs/server.md); NULL for the computer the register is on.
-- Part of the entry's hash only when set, so the entries written before it keep their hashes.
ALTER TABLE audit_log ADD COLUMN computer TEXT;
