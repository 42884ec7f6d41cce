-- Re-keying (docs/security.md): each account and the recovery key hold an X25519 key pair;
-- the database key is sealed to their public keys in the key file. The public keys, and the
-- secret keys as wrapped by each passphrase (JSON, the same as in the key file: useless without
-- the passphrase), are kept here too, inside the encrypted database, and trusted from here:
-- a new database key is sealed only to these public keys, and the key file's entries are put
-- right from these whenever someone signs in (so a key file change lost to a crash, or an edit
-- to the key file, does not last).
ALTER TABLE staff ADD COLUMN public_key TEXT;
ALTER TABLE staff ADD COLUMN key_secret TEXT;
ALTER TABLE settings ADD COLUMN recovery_public_key TEXT;
ALTER TABLE settings ADD COLUMN recovery_key_secret TEXT;
-- Why the database key must be changed (an account switched off, a passphrase reset), set in
-- the same transaction as the change and cleared in the re-keyed copy; NULL when it need not.
ALTER TABLE settings ADD COLUMN rekey_due TEXT;
