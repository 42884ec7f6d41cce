//! Keys: how the database is encrypted and who can open it (docs/security.md).
//!
//! - The database is SQLCipher, opened with a random 256-bit **database key** given raw
//!   (`PRAGMA key = "x'…'"`), so opening costs no key derivation.
//! - The database key is never stored in the clear. The **key file** (`<database>.keys`, JSON,
//!   beside the database) holds it wrapped (XChaCha20-Poly1305) once per staff account, by a key
//!   derived from that person's passphrase with Argon2id (64 MiB, 3 passes), and once by the
//!   **recovery key** shown at setup.
//! - A wrong passphrase fails the wrapped key's authentication tag: we can say "wrong
//!   passphrase" before SQLCipher is asked anything. Repeated failures are recorded in the key
//!   file and sign-in waits longer after each ([`wait_seconds`]).
//! - Since key files of version 2, each account (and the recovery key) holds an X25519 key
//!   pair ([`Holder`]): its secret half is what the passphrase wraps, and the database key is
//!   *sealed* to its public half. Public keys are also kept in the encrypted database
//!   (`staff.public_key`, `settings.recovery_public_key`), where they are trusted from. So
//!   whoever holds the database key can seal a **new** database key to every remaining account
//!   without knowing their passphrases: re-keying ([`crate::rekey`]) when an account is
//!   switched off or its passphrase is reset. Older files (one copy of the database key wrapped
//!   per account, [`AccountKey::wrapped`]) still open; each account's copy becomes a holder at
//!   its next sign-in.
//! - Changing a passphrase gives the account a new key pair wrapped by the new passphrase; the
//!   database itself is untouched.
//! - Every change to the key file is made under an OS file lock on `<database>.keys.lock`
//!   ([`KeyFile::update`]): the file is read again under the lock, changed, and written through
//!   a unique temporary file, so no change is lost however many processes sign in, reset
//!   passphrases or create accounts at once.
//! - The Argon2id settings a key file asks for are bounded ([`Kdf::check`]): a damaged or
//!   tampered file cannot make a sign-in hang; new copies are always wrapped at least at
//!   [`Kdf::STANDARD`], and each copy records its own settings.
//!
//! Invariants: the key file is only ever replaced whole (write, sync, rename) and only by the
//! holder of its lock; nothing here reads a clock except [`unix_now`], used for the sign-in
//! delay only.

use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A raw 256-bit key, wiped from memory when dropped.
pub type Key = Zeroizing<[u8; 32]>;

/// What a command handler may need of the keys (backups, staff accounts). `None` for
/// in-memory desks.
#[derive(Clone)]
pub struct VaultInfo {
    pub db_path: PathBuf,
    pub keys_path: PathBuf,
    pub key: Key,
}

impl std::fmt::Debug for VaultInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultInfo").field("db_path", &self.db_path).finish_non_exhaustive()
    }
}

/// The key file's name for a database: `carers-desk.sqlite3` → `carers-desk.sqlite3.keys`.
pub fn keys_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".keys");
    PathBuf::from(name)
}

/// A fresh random key.
pub fn random_key() -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(key.as_mut());
    key
}

/// The SQL literal SQLCipher takes for a raw key: `"x'<64 hex digits>'"`.
pub fn key_pragma(key: &[u8; 32]) -> Zeroizing<String> {
    Zeroizing::new(format!("\"x'{}'\"", hex::encode(key)))
}

/// Gives an open connection its key. Must be the first statement on the connection.
pub fn apply_key(conn: &Connection, key: &[u8; 32]) -> Result<()> {
    // A wrong key is reported to the caller as an error; SQLCipher need not also log it.
    conn.execute_batch(&format!("PRAGMA cipher_log_level = NONE; PRAGMA key = {};", key_pragma(key).as_str()))?;
    Ok(())
}

/// Opens an encrypted database file with `key` (no migrations, no settings): for backups,
/// checks and tests. A wrong key is an error saying so.
pub fn open_encrypted(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    let conn = Connection::open(path)?;
    apply_key(&conn, key)?;
    readable(&conn).map_err(|_| Error::Key {
        code: "wrong_key",
        field: None,
        message: format!(
            "{} cannot be opened with this organisation's key: it belongs to another Carers Desk database or is damaged",
            path.display()
        ),
    })?;
    Ok(conn)
}

/// Whether the connection can read its schema (false for a wrong key or not a database).
pub fn readable(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map(|_| ())
}

/// Argon2id settings, stored with the wrapped keys so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Kdf {
    /// About 64 MiB and 3 passes: OWASP's Argon2id guidance; about 0.1–0.3 s on an office PC.
    pub const STANDARD: Kdf = Kdf { m_kib: 64 * 1024, t: 3, p: 1 };
    /// The most memory a key file may ask for: 256 MiB (four times the standard).
    pub const MAX_M_KIB: u32 = 256 * 1024;
    /// The most passes a key file may ask for.
    pub const MAX_T: u32 = 10;
    /// The most lanes a key file may ask for.
    pub const MAX_P: u32 = 4;

    /// Refuses settings outside sane limits (at most 256 MiB, 10 passes and 4 lanes; at least
    /// Argon2's own minimum), so a damaged or tampered key file cannot make signing in hang or
    /// run out of memory.
    pub fn check(&self) -> Result<()> {
        let ok = (1..=Self::MAX_P).contains(&self.p)
            && (1..=Self::MAX_T).contains(&self.t)
            && (8 * self.p..=Self::MAX_M_KIB).contains(&self.m_kib);
        if ok {
            return Ok(());
        }
        Err(key_file_error(&format!(
            "it asks for key settings outside what Carers Desk accepts ({} MiB of memory, {} passes, {} lanes; at most {} MiB, {} passes and {} lanes), so it may have been damaged or changed",
            self.m_kib / 1024,
            self.t,
            self.p,
            Self::MAX_M_KIB / 1024,
            Self::MAX_T,
            Self::MAX_P
        )))
    }

    /// The settings for a new wrapped copy: the file's, but never weaker than the standard
    /// (an edited key file cannot make later passphrases cheap to guess).
    pub fn for_new(self) -> Kdf {
        Kdf {
            m_kib: self.m_kib.clamp(Self::STANDARD.m_kib, Self::MAX_M_KIB),
            t: self.t.clamp(Self::STANDARD.t, Self::MAX_T),
            p: self.p.clamp(1, Self::MAX_P),
        }
    }

    fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<Key> {
        self.check()?;
        let params = Params::new(self.m_kib, self.t, self.p, Some(32)).map_err(|e| key_file_error(&e.to_string()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret, salt, out.as_mut())
            .map_err(|e| key_file_error(&e.to_string()))?;
        Ok(out)
    }
}

/// The database key wrapped by a key derived from a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    /// Hex: Argon2id salt (16 bytes).
    pub salt: String,
    /// Hex: XChaCha20-Poly1305 nonce (24 bytes).
    pub nonce: String,
    /// Hex: the wrapped key and its tag.
    pub ciphertext: String,
    /// The Argon2id settings this copy was wrapped with (older key files: the file's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<Kdf>,
}

impl Wrapped {
    /// Wraps `key` under `secret`. `label` (the account, or "recovery") is bound in as
    /// associated data, so a wrapped key cannot be moved to another account's entry.
    pub fn new(key: &[u8; 32], secret: &[u8], kdf: Kdf, label: &str) -> Result<Wrapped> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut salt);
        rand::rng().fill_bytes(&mut nonce);
        let kek = kdf.derive(secret, &salt)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key, aad: label.as_bytes() })
            .map_err(|_| key_file_error("the key could not be wrapped"))?;
        Ok(Wrapped {
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ciphertext),
            kdf: Some(kdf),
        })
    }

    /// The database key, or `None` when `secret` is wrong (the tag does not verify). `kdf`
    /// is the key file's setting, used when the copy does not record its own.
    pub fn open(&self, secret: &[u8], kdf: Kdf, label: &str) -> Result<Option<Key>> {
        let kdf = self.kdf.unwrap_or(kdf);
        let bad = || key_file_error("a wrapped key is damaged");
        let salt = hex::decode(&self.salt).map_err(|_| bad())?;
        let nonce = hex::decode(&self.nonce).map_err(|_| bad())?;
        let ciphertext = hex::decode(&self.ciphertext).map_err(|_| bad())?;
        if nonce.len() != 24 {
            return Err(bad());
        }
        let kek = kdf.derive(secret, &salt)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let Ok(plain) = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: label.as_bytes() })
        else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let mut key = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(bad());
        }
        key.copy_from_slice(&plain);
        Ok(Some(key))
    }
}

/// An X25519 key pair's secret half as 32 bytes (wiped when dropped), and its public half in
/// hex.
pub struct KeyPair {
    pub secret: Key,
    pub public_key: String,
}

impl KeyPair {
    pub fn generate() -> KeyPair {
        let secret = random_key();
        let public_key = hex::encode(crypto_box::SecretKey::from_bytes(*secret).public_key().as_bytes());
        KeyPair { secret, public_key }
    }

    /// The pair of a secret held (unwrapped from a key file).
    pub fn from_secret(secret: Key) -> KeyPair {
        let public_key = hex::encode(crypto_box::SecretKey::from_bytes(*secret).public_key().as_bytes());
        KeyPair { secret, public_key }
    }

    /// Opens a key sealed to this pair's public half; `None` when it was sealed to another.
    pub fn unseal(&self, sealed_hex: &str) -> Option<Key> {
        let sealed = hex::decode(sealed_hex).ok()?;
        let plain = Zeroizing::new(crypto_box::SecretKey::from_bytes(*self.secret).unseal(&sealed).ok()?);
        let mut key = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return None;
        }
        key.copy_from_slice(&plain);
        Some(key)
    }
}

/// Seals `key` to a public key (hex): only the holder of its secret half can open it.
pub fn seal(key: &[u8; 32], public_key_hex: &str) -> Result<String> {
    let bytes: [u8; 32] = hex::decode(public_key_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| key_file_error("a public key is damaged"))?;
    let sealed = crypto_box::PublicKey::from_bytes(bytes)
        .seal(&mut crypto_box::aead::OsRng, key)
        .map_err(|_| key_file_error("the key could not be sealed"))?;
    Ok(hex::encode(sealed))
}

/// One holder of the database key (an account, or the recovery key): an X25519 key pair whose
/// secret half is wrapped by the passphrase (or recovery key), and the database key sealed to
/// its public half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// Hex: the X25519 public key.
    pub public_key: String,
    /// The secret key, wrapped by a key derived from the passphrase.
    pub secret: Wrapped,
    /// Hex: the database key sealed to `public_key`.
    pub sealed: String,
}

impl Holder {
    /// A holder for `pair`, its secret wrapped under `passphrase` (Argon2id: slow) and `key`
    /// sealed to it.
    pub fn new(key: &[u8; 32], pair: &KeyPair, passphrase: &[u8], kdf: Kdf, label: &str) -> Result<Holder> {
        Ok(Holder {
            public_key: pair.public_key.clone(),
            secret: Wrapped::new(&pair.secret, passphrase, kdf, label)?,
            sealed: seal(key, &pair.public_key)?,
        })
    }

    /// Opens the holder with its passphrase: `Ok(None)` when the passphrase is wrong.
    fn open(&self, passphrase: &[u8], kdf: Kdf, label: &str) -> Result<Option<(KeyPair, Key)>> {
        let Some(secret) = self.secret.open(passphrase, kdf, label)? else { return Ok(None) };
        let pair = KeyPair::from_secret(secret);
        if pair.public_key != self.public_key {
            return Err(key_file_error("a key pair does not match its public key"));
        }
        let key = pair.unseal(&self.sealed).ok_or_else(|| key_file_error("a sealed key is damaged"))?;
        Ok(Some((pair, key)))
    }
}

/// One staff account's copy of the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountKey {
    pub staff_id: i64,
    pub username: String,
    /// Key files before version 2: the database key wrapped directly by the passphrase.
    /// Replaced by a [`Holder`] at the account's next sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<Wrapped>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
}

impl AccountKey {
    /// The account's entry for a new key pair (made now), its secret wrapped by the
    /// passphrase with `file_kdf` raised to at least the standard ([`Kdf::for_new`]).
    pub fn wrap(key: &[u8; 32], staff_id: i64, username: &str, passphrase: &str, file_kdf: Kdf) -> Result<AccountKey> {
        AccountKey::with_pair(key, &KeyPair::generate(), staff_id, username, passphrase, file_kdf)
    }

    /// The account's entry for `pair` (made beforehand, its public half already stored in the
    /// database).
    pub fn with_pair(
        key: &[u8; 32],
        pair: &KeyPair,
        staff_id: i64,
        username: &str,
        passphrase: &str,
        file_kdf: Kdf,
    ) -> Result<AccountKey> {
        let holder = Holder::new(key, pair, passphrase.as_bytes(), file_kdf.for_new(), &account_label(staff_id))?;
        Ok(AccountKey { staff_id, username: username.to_string(), wrapped: None, holder: Some(holder) })
    }

    /// The account's public key (`None` for an entry from before version 2).
    pub fn public_key(&self) -> Option<&str> {
        self.holder.as_ref().map(|h| h.public_key.as_str())
    }
}

/// What a passphrase (or the recovery key) opened.
pub struct Opened {
    /// The database key.
    pub key: Key,
    /// The next database key, while a re-key is under way ([`KeyFile::rekey`]) and this holder
    /// was given it.
    pub next: Option<Key>,
    /// The holder's key pair (`None` for an entry from before version 2).
    pub pair: Option<KeyPair>,
}

/// A re-key under way: the new database key sealed to every holder that keeps access. Written
/// before the register is copied under the new key; made the current key once the copy is in
/// place ([`KeyFile::finish_rekey`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rekey {
    /// Staff id → the new key sealed to the account's public key.
    pub accounts: BTreeMap<i64, String>,
    /// The new key sealed to the recovery key's public key.
    pub recovery: Option<String>,
}

/// A demo database's accounts, shown on its sign-in screen (made-up data only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DemoAccount {
    pub username: String,
    pub passphrase: String,
    pub role: String,
}

/// The key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub version: u32,
    pub kdf: Kdf,
    pub accounts: Vec<AccountKey>,
    /// Key files before version 2: the database key wrapped by the recovery key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<Wrapped>,
    /// The recovery key's holder (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_holder: Option<Holder>,
    /// A re-key under way, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rekey: Option<Rekey>,
    /// Wrong passphrases for any account since the last successful sign-in, and when the last
    /// one was (Unix seconds): the register's own sign-in delay, which starts only after
    /// [`REGISTER_FREE_TRIES`] (someone trying a few passphrases on each of many accounts).
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub last_failure_at: Option<i64>,
    /// Wrong passphrases in a row for each account (`staff:ID`) and for the recovery key
    /// (`recovery`): the delay per account. It is kept here, beside the register, so guesses
    /// at one account from every window and script that opens this register add up; one
    /// person's slips hold up no one else, and never the recovery key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failed: BTreeMap<String, Failures>,
    /// Tries refused during a wait, for each account and the recovery key, not yet in the
    /// audit trail. They are not checked (no passphrase is tried while waiting) and do not
    /// lengthen the wait: pressing Sign in again cannot keep anyone out for longer, and a
    /// guess that is never checked tells nobody anything; but they are recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waited: BTreeMap<String, u32>,
    /// Accounts that were switched on but left out of a change of the database key (their
    /// entry was from before key pairs, so the new key could not be given to them): their
    /// usernames, so that signing in tells them what happened and what to do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    #[serde(default)]
    pub last_username: Option<String>,
    /// Present only for demo databases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demo_accounts: Vec<DemoAccount>,
}

pub const RECOVERY_LABEL: &str = "recovery";

/// The name an account goes by in the key file (its holder's label, its sign-in delay).
pub fn account_label(staff_id: i64) -> String {
    format!("staff:{staff_id}")
}

/// The key file is there but what it holds cannot be used (damaged, edited, or settings out of
/// bounds). Never a race: every writer replaces the file whole under its lock, so a reader sees
/// the old file or the new one.
fn key_file_error(detail: &str) -> Error {
    Error::Key {
        code: "key_file",
        field: None,
        message: format!(
            "the key file beside the register cannot be used: {detail}. Nothing was changed. It has been damaged or edited: ask your administrator to put back the copy of the .keys file kept beside the newest backup (the register itself is not affected)"
        ),
    }
}

/// The key file could not be read at all (missing, no permission, a disk fault).
fn key_file_unreadable(path: &Path, e: &std::io::Error) -> Error {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => {
            "it is not there: if it was moved, put it back beside the register (every backup has a copy beside it)"
                .to_string()
        }
        std::io::ErrorKind::PermissionDenied => {
            "your account may not read it: ask IT to give the file back to your account".to_string()
        }
        _ => format!("{e}: try again, and if it keeps happening check the disk"),
    };
    Error::Key {
        code: "key_file",
        field: None,
        message: format!("the key file {} could not be read: {what}. Nothing was changed", path.display()),
    }
}

impl KeyFile {
    /// A new key file (version 2) for database key `key`: the recovery key's holder with a new
    /// key pair ([`KeyFile::recovery_public_key`] gives its public half, for the database).
    pub fn new(key: &[u8; 32], recovery: &str, kdf: Kdf) -> Result<KeyFile> {
        let pair = KeyPair::generate();
        Ok(KeyFile {
            version: 2,
            kdf,
            accounts: Vec::new(),
            recovery: None,
            recovery_holder: Some(Holder::new(
                key,
                &pair,
                normalise_recovery(recovery).as_bytes(),
                kdf.for_new(),
                RECOVERY_LABEL,
            )?),
            rekey: None,
            failures: 0,
            last_failure_at: None,
            failed: BTreeMap::new(),
            waited: BTreeMap::new(),
            left_out: Vec::new(),
            last_username: None,
            demo_accounts: Vec::new(),
        })
    }

    /// The recovery key's public key (`None` in a key file from before version 2).
    pub fn recovery_public_key(&self) -> Option<&str> {
        self.recovery_holder.as_ref().map(|h| h.public_key.as_str())
    }

    /// Reads the key file. Its Argon2id settings (the file's and each copy's) must be within
    /// [`Kdf::check`]'s limits.
    pub fn load(path: &Path) -> Result<KeyFile> {
        let text = std::fs::read_to_string(path).map_err(|e| key_file_unreadable(path, &e))?;
        let file: KeyFile = serde_json::from_str(&text)
            .map_err(|e| key_file_error(&format!("{} is not a key file Carers Desk can read ({e})", path.display())))?;
        file.kdf.check()?;
        let holders = file.accounts.iter().filter_map(|a| a.holder.as_ref()).chain(file.recovery_holder.as_ref());
        let wrapped = file.accounts.iter().filter_map(|a| a.wrapped.as_ref()).chain(file.recovery.as_ref());
        for w in holders.map(|h| &h.secret).chain(wrapped) {
            if let Some(kdf) = w.kdf {
                kdf.check()?;
            }
        }
        Ok(file)
    }

    /// Writes a new key file (setup), under the key file's lock.
    pub fn save(&self, path: &Path) -> Result<()> {
        let _lock = KeyFileLock::take(path)?;
        self.write(path)
    }

    /// Replaces the file whole through a unique temporary file; the caller holds the lock.
    fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("the key file serialises");
        write_atomically(path, text.as_bytes())
    }

    /// Changes the key file: under its OS lock, reads it again (whatever another process
    /// wrote a moment ago), lets `change` change it, and writes it back whole. `change`
    /// returning an error writes nothing. The lock is held only while the file is read,
    /// changed and written: never during a slow Argon2id derivation unless `change` does one.
    pub fn update<T>(path: &Path, change: impl FnOnce(&mut KeyFile) -> Result<T>) -> Result<T> {
        let _lock = KeyFileLock::take(path)?;
        let mut file = KeyFile::load(path)?;
        let out = change(&mut file)?;
        file.write(path)?;
        Ok(out)
    }

    /// Adds or replaces the account's entry, with a new key pair. Returns its public key.
    pub fn set_account(&mut self, key: &[u8; 32], staff_id: i64, username: &str, passphrase: &str) -> Result<String> {
        let entry = AccountKey::wrap(key, staff_id, username, passphrase, self.kdf)?;
        let public_key = entry.public_key().unwrap_or_default().to_string();
        self.put_account(entry);
        Ok(public_key)
    }

    /// Adds or replaces an account's entry wrapped beforehand ([`AccountKey::wrap`]), so the
    /// slow derivation happens outside the key file's lock. (No re-key is under way while
    /// anyone is signed in: see [`crate::rekey`].)
    pub fn put_account(&mut self, entry: AccountKey) {
        self.accounts.retain(|a| a.staff_id != entry.staff_id);
        self.left_out.retain(|u| !u.eq_ignore_ascii_case(&entry.username));
        self.accounts.push(entry);
    }

    pub fn remove_account(&mut self, staff_id: i64) {
        self.accounts.retain(|a| a.staff_id != staff_id);
        self.failed.remove(&account_label(staff_id));
        if let Some(rekey) = self.rekey.as_mut() {
            rekey.accounts.remove(&staff_id);
        }
    }

    pub fn account(&self, username: &str) -> Option<&AccountKey> {
        self.accounts.iter().find(|a| a.username.eq_ignore_ascii_case(username.trim()))
    }

    /// Unwraps with a passphrase: the database key, or `Ok(None)` when it is wrong.
    pub fn unlock(&self, account: &AccountKey, passphrase: &str) -> Result<Option<Key>> {
        Ok(self.open_account(account, passphrase)?.map(|o| o.key))
    }

    /// Opens an account's entry with its passphrase (`Ok(None)` when it is wrong): the
    /// database key, the next one if a re-key is under way, and the account's key pair.
    pub fn open_account(&self, account: &AccountKey, passphrase: &str) -> Result<Option<Opened>> {
        let label = account_label(account.staff_id);
        if let Some(holder) = &account.holder {
            let Some((pair, key)) = holder.open(passphrase.as_bytes(), self.kdf, &label)? else { return Ok(None) };
            let next = self.rekey.as_ref().and_then(|r| r.accounts.get(&account.staff_id)).and_then(|s| pair.unseal(s));
            return Ok(Some(Opened { key, next, pair: Some(pair) }));
        }
        let Some(wrapped) = &account.wrapped else { return Err(key_file_error("an account's entry is empty")) };
        Ok(wrapped.open(passphrase.as_bytes(), self.kdf, &label)?.map(|key| Opened { key, next: None, pair: None }))
    }

    /// Unwraps with the recovery key: the database key, or `Ok(None)` when it is wrong.
    pub fn recover(&self, recovery: &str) -> Result<Option<Key>> {
        Ok(self.open_recovery(recovery)?.map(|o| o.key))
    }

    /// Opens the recovery entry with the recovery key (`Ok(None)` when it is wrong).
    pub fn open_recovery(&self, recovery: &str) -> Result<Option<Opened>> {
        let secret = normalise_recovery(recovery);
        if let Some(holder) = &self.recovery_holder {
            let Some((pair, key)) = holder.open(secret.as_bytes(), self.kdf, RECOVERY_LABEL)? else {
                return Ok(None);
            };
            let next = self.rekey.as_ref().and_then(|r| r.recovery.as_deref()).and_then(|s| pair.unseal(s));
            return Ok(Some(Opened { key, next, pair: Some(pair) }));
        }
        let Some(wrapped) = &self.recovery else { return Err(key_file_error("it has no recovery entry")) };
        Ok(wrapped.open(secret.as_bytes(), self.kdf, RECOVERY_LABEL)?.map(|key| Opened { key, next: None, pair: None }))
    }

    /// The re-key under way is done (the register is under the new key): each holder's sealed
    /// key becomes the new one; an account the new key was not sealed to (switched off, or
    /// not signed in since key files became version 2) loses its entry, as does a recovery
    /// entry from before version 2.
    pub fn finish_rekey(&mut self) {
        let Some(rekey) = self.rekey.take() else { return };
        let mut left_out = Vec::new();
        self.accounts.retain_mut(|a| match (rekey.accounts.get(&a.staff_id), a.holder.as_mut()) {
            (Some(sealed), Some(holder)) => {
                holder.sealed = sealed.clone();
                true
            }
            _ => {
                left_out.push(a.username.clone());
                false
            }
        });
        for u in left_out {
            if !self.left_out.iter().any(|l| l.eq_ignore_ascii_case(&u)) {
                self.left_out.push(u);
            }
        }
        self.recovery = None;
        match (rekey.recovery, self.recovery_holder.as_mut()) {
            (Some(sealed), Some(holder)) => holder.sealed = sealed,
            _ => self.recovery_holder = None,
        }
        self.version = 2;
    }

    /// Seconds `who` (an [`account_label`] or [`RECOVERY_LABEL`]) must wait, at `now`, before
    /// the next try: its own wait, and for an account also the register's
    /// ([`KeyFile::register_retry_after`]). The recovery key waits only for its own wrong tries.
    pub fn retry_after(&self, who: &str, now: i64) -> u64 {
        let own = self.failed.get(who).map_or(0, |f| f.retry_after(now, wait_seconds));
        if who == RECOVERY_LABEL {
            own
        } else {
            own.max(self.register_retry_after(now))
        }
    }

    /// Seconds every account must wait after many wrong passphrases in a row across accounts.
    pub fn register_retry_after(&self, now: i64) -> u64 {
        Failures { count: self.failures, last_at: self.last_failure_at, recorded: 0 }
            .retry_after(now, register_wait_seconds)
    }

    /// Records a wrong passphrase (or recovery key) for `who` at `now`; returns the wait it
    /// starts. Call inside [`KeyFile::update`], so tries made at once from several places all count.
    pub fn count_failure(&mut self, who: &str, now: i64) -> u64 {
        let mine = self.failed.entry(who.to_string()).or_default();
        mine.count = mine.count.saturating_add(1);
        mine.last_at = Some(now);
        if who != RECOVERY_LABEL {
            self.failures = self.failures.saturating_add(1);
            self.last_failure_at = Some(now);
        }
        self.retry_after(who, now)
    }

    /// Records a try at `who` refused because it had to wait ([`KeyFile::waited`]): counted for
    /// the audit trail only. Call inside [`KeyFile::update`].
    pub fn count_waiting_try(&mut self, who: &str) {
        let n = self.waited.entry(who.to_string()).or_default();
        *n = n.saturating_add(1);
    }

    /// Wrong tries and tries during a wait not yet in the audit trail, for every account and
    /// the recovery key; they count as recorded from now (the caller writes them in the trail
    /// of the register someone has just opened).
    pub fn take_unrecorded(&mut self) -> Vec<Unrecorded> {
        let mut out: BTreeMap<String, Unrecorded> = BTreeMap::new();
        for (who, f) in &mut self.failed {
            if f.count > f.recorded {
                let u = out.entry(who.clone()).or_insert_with(|| Unrecorded::new(who));
                u.wrong = f.count - f.recorded;
                u.last_at = f.last_at;
                f.recorded = f.count;
            }
        }
        for (who, n) in std::mem::take(&mut self.waited) {
            out.entry(who.clone()).or_insert_with(|| Unrecorded::new(&who)).while_waiting = n;
        }
        out.into_values().collect()
    }

    /// `who` got in: its count, and the register's, start again. Returns how many wrong tries
    /// `who` had made (for the audit trail).
    pub fn clear_failures(&mut self, who: &str) -> u32 {
        self.failures = 0;
        self.last_failure_at = None;
        self.failed.remove(who).map_or(0, |f| f.count)
    }
}

/// Refused tries at one account (or the recovery key) not yet in the audit trail
/// ([`KeyFile::take_unrecorded`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecorded {
    /// An [`account_label`] or [`RECOVERY_LABEL`].
    pub who: String,
    /// Wrong passphrases (or recovery keys).
    pub wrong: u32,
    /// When the last wrong one was (Unix seconds).
    pub last_at: Option<i64>,
    /// Tries refused, unchecked, while it had to wait.
    pub while_waiting: u32,
}

impl Unrecorded {
    fn new(who: &str) -> Unrecorded {
        Unrecorded { who: who.to_string(), wrong: 0, last_at: None, while_waiting: 0 }
    }
}

/// Wrong tries in a row at one account, the recovery key or the whole register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failures {
    pub count: u32,
    /// Unix seconds.
    pub last_at: Option<i64>,
    /// How many of `count` are already in the audit trail ([`KeyFile::take_unrecorded`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub recorded: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Failures {
    /// Seconds left of the pause `wait` gives for this many failures, by the real time passed
    /// since the last one. Never more than the full pause from `now`; and a last failure
    /// further in the future than the pause (a clock put right after running fast, a key file
    /// edited by hand) cannot be when it says, so it holds no one up: the next wrong try
    /// records the real time.
    fn retry_after(&self, now: i64, wait: fn(u32) -> u64) -> u64 {
        let Some(last) = self.last_at else { return 0 };
        let pause = wait(self.count) as i64;
        if last > now.saturating_add(pause) {
            return 0;
        }
        (last.min(now).saturating_add(pause) - now).max(0) as u64
    }
}

/// The pause after `failures` wrong passphrases in a row for one account: none for the first
/// three (typing slips), then 2, 4, 8, … seconds, at most 5 minutes.
pub fn wait_seconds(failures: u32) -> u64 {
    if failures < 3 {
        0
    } else {
        (1u64 << (failures - 2).min(20)).min(300)
    }
}

/// Wrong passphrases in a row, across all accounts, before every account waits.
pub const REGISTER_FREE_TRIES: u32 = 10;

/// The pause for every account after `failures` wrong passphrases in a row across accounts:
/// none for the first [`REGISTER_FREE_TRIES`], then 2, 4, 8, … seconds, at most 5 minutes.
pub fn register_wait_seconds(failures: u32) -> u64 {
    if failures < REGISTER_FREE_TRIES {
        0
    } else {
        wait_seconds(failures - REGISTER_FREE_TRIES + 3)
    }
}

/// Seconds since 1970, for the sign-in delay only.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one: a
/// private temporary file with a unique name beside it, synced, renamed over it
/// ([`crate::files::write_replace`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::files::write_replace(path, bytes).map_err(|e| {
        Error::Key {
            code: "key_file",
            field: None,
            message: format!(
                "the key file {} could not be saved ({e}): check there is space on the disk and that you can write to its folder, then try again",
                path.display()
            ),
        }
    })
}

/// The key file's lock: `<database>.keys.lock`, beside it. It is never replaced or removed
/// (the key file itself is replaced by a rename, so it cannot carry the lock).
pub fn lock_path(keys: &Path) -> PathBuf {
    let mut name = keys.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// An exclusive OS lock on the key file (`flock` on Unix, `LockFileEx` on Windows), released
/// when dropped, or by the OS when the process ends however it ends.
pub struct KeyFileLock {
    _file: std::fs::File,
}

impl KeyFileLock {
    /// Waits for the key file's lock. Other holders keep it only while they read, change and
    /// write the file (milliseconds).
    pub fn take(keys: &Path) -> Result<KeyFileLock> {
        let path = lock_path(keys);
        let fail = |e: std::io::Error| {
            Error::Key {
            code: "key_file",
            field: None,
            message: format!(
                "the key file's lock {} could not be taken ({e}): check you can write to the register's folder, then try again",
                path.display()
            ),
        }
        };
        let file = match crate::files::create_private(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::OpenOptions::new().read(true).write(true).open(&path).map_err(fail)?
            }
            Err(e) => return Err(fail(e)),
        };
        file.lock().map_err(fail)?;
        // Temporary files of a writer that stopped part-way: nobody else writes while we hold
        // the lock, so any left are stale.
        remove_stale_temporaries(keys);
        Ok(KeyFileLock { _file: file })
    }
}

/// Removes `.<keys name>.*.tmp` files left by a writer that was stopped mid-write.
fn remove_stale_temporaries(keys: &Path) {
    let (Some(dir), Some(name)) = (keys.parent(), keys.file_name()) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let start = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.filter_map(|e| e.ok()) {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.starts_with(&start) && n.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Overwrites a file with zeros, syncs, then deletes it. On SSDs and copy-on-write file
/// systems the old blocks may survive; docs/security.md says so.
pub fn shred(path: &Path) -> std::io::Result<()> {
    let Ok(meta) = std::fs::metadata(path) else { return Ok(()) };
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        let zeros = vec![0u8; 1 << 16];
        let mut left = meta.len();
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()?;
    }
    std::fs::remove_file(path)?;
    crate::files::sync_dir(path);
    Ok(())
}

/// A new recovery key: 160 random bits as 8 groups of 4 Crockford base32 characters.
pub fn new_recovery_key() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 20]);
    rand::rng().fill_bytes(bytes.as_mut());
    let plain = Zeroizing::new(base32::encode(base32::Alphabet::Crockford, bytes.as_ref()));
    Zeroizing::new(
        plain
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
            .collect::<Vec<_>>()
            .join("-"),
    )
}

/// The recovery key as typed → its canonical form: upper case, no spaces or dashes, and the
/// letters Crockford base32 reads as digits (O → 0, I and L → 1).
pub fn normalise_recovery(typed: &str) -> Zeroizing<String> {
    Zeroizing::new(
        typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect(),
    )
}

/// Group `n` (1-based) of a recovery key.
pub fn recovery_group(key: &str, n: usize) -> Option<String> {
    key.split('-').nth(n.checked_sub(1)?).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Kdf = Kdf { m_kib: 64, t: 1, p: 1 };

    #[test]
    fn a_key_file_that_cannot_be_used_says_what_happened_and_sends_nobody_to_a_backup_for_a_slip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("carers.sqlite3.keys");
        let message = |path: &Path| crate::ApiError::from(KeyFile::load(path).unwrap_err()).message;
        // Not there: put it back; nothing about damage.
        let gone = message(&path);
        assert!(gone.contains("could not be read: it is not there") && !gone.contains("damaged"), "{gone}");
        // Cut short (a disk fault, an edit): damaged, nothing was changed, the copy beside a backup.
        KeyFile::new(&random_key(), "AAAA", FAST).unwrap().save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        let damaged = message(&path);
        assert!(damaged.contains("Nothing was changed") && damaged.contains("damaged or edited"), "{damaged}");
        assert!(damaged.contains("beside the newest backup"), "{damaged}");
    }

    #[test]
    fn a_wrapped_key_opens_only_with_its_secret_and_label() {
        let key = random_key();
        let w = Wrapped::new(&key, b"correct horse battery", FAST, "staff:1").unwrap();
        assert_eq!(w.open(b"correct horse battery", FAST, "staff:1").unwrap().as_deref(), Some(&*key));
        assert!(w.open(b"correct horse batterY", FAST, "staff:1").unwrap().is_none());
        assert!(w.open(b"correct horse battery", FAST, "staff:2").unwrap().is_none());
        let mut bad = w.clone();
        bad.nonce = "zz".into();
        assert_eq!(crate::ApiError::from(bad.open(b"x", FAST, "staff:1").unwrap_err()).code, "key_file");
    }

    #[test]
    fn recovery_keys_read_back_however_they_are_typed() {
        let key = new_recovery_key();
        assert_eq!(key.len(), 8 * 4 + 7);
        assert_eq!(key.split('-').count(), 8);
        let typed = key.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(normalise_recovery(&typed), normalise_recovery(&key));
        assert_eq!(recovery_group(&key, 1).unwrap().len(), 4);
        assert_eq!(recovery_group(&key, 9), None);
        assert_eq!(recovery_group(&key, 0), None);
        let db = random_key();
        let file = KeyFile::new(&db, &key, FAST).unwrap();
        assert_eq!(file.recover(&typed).unwrap().as_deref(), Some(&*db));
        assert!(file.recover("AAAA-AAAA").unwrap().is_none());
    }

    #[test]
    fn the_wait_grows_after_three_wrong_passphrases_and_is_capped() {
        let table = [(0, 0), (1, 0), (2, 0), (3, 2), (4, 4), (5, 8), (6, 16), (10, 256), (11, 300), (40, 300)];
        for (failures, wait) in table {
            assert_eq!(wait_seconds(failures), wait, "{failures}");
        }
        let mut file = KeyFile::new(&random_key(), "AAAA", FAST).unwrap();
        let amy = account_label(1);
        for (n, now) in (1..=4).zip(996..) {
            assert_eq!(file.count_failure(&amy, now), wait_seconds(n));
        }
        assert_eq!(file.retry_after(&amy, 999), 4);
        assert_eq!(file.retry_after(&amy, 1_002), 1);
        assert_eq!(file.retry_after(&amy, 1_003), 0);
    }

    #[test]
    fn the_wait_is_per_account_and_the_recovery_key_is_never_held_up_by_it() {
        let mut file = KeyFile::new(&random_key(), "AAAA", FAST).unwrap();
        let (amy, sam) = (account_label(1), account_label(2));
        for now in 1_000..1_006 {
            file.count_failure(&amy, now);
        }
        assert_eq!(file.retry_after(&amy, 1_005), wait_seconds(6));
        assert_eq!(file.retry_after(&sam, 1_005), 0, "another account is not held up");
        assert_eq!(file.retry_after(RECOVERY_LABEL, 1_005), 0, "the recovery key is not held up");
        // Wrong recovery keys have their own count, which holds up no account.
        for now in 1_000..1_004 {
            file.count_failure(RECOVERY_LABEL, now);
        }
        assert_eq!(file.retry_after(RECOVERY_LABEL, 1_003), wait_seconds(4));
        assert_eq!(file.retry_after(&sam, 1_003), 0);
        // Sam signing in starts the register's count again, not Amy's.
        assert_eq!(file.clear_failures(&sam), 0);
        assert_eq!(file.retry_after(&amy, 1_005), wait_seconds(6));
        assert_eq!(file.clear_failures(&amy), 6);
        assert_eq!(file.retry_after(&amy, 1_005), 0);
    }

    #[test]
    fn many_wrong_passphrases_across_accounts_hold_up_every_account() {
        let mut file = KeyFile::new(&random_key(), "AAAA", FAST).unwrap();
        // Two tries at each of five accounts: no account reaches its own wait.
        for (i, now) in (0..REGISTER_FREE_TRIES as i64).zip(2_000..) {
            file.count_failure(&account_label(i / 2 + 1), now);
        }
        let last = 2_000 + REGISTER_FREE_TRIES as i64 - 1;
        assert_eq!(file.retry_after(&account_label(1), last), 2);
        assert_eq!(file.retry_after(&account_label(9), last), 2, "an account never tried waits too");
        assert_eq!(file.retry_after(RECOVERY_LABEL, last), 0);
        assert_eq!(file.retry_after(&account_label(9), last + 2), 0);
        let table = [(0, 0), (9, 0), (10, 2), (11, 4), (12, 8), (40, 300)];
        for (failures, wait) in table {
            assert_eq!(register_wait_seconds(failures), wait, "{failures}");
        }
    }

    #[test]
    fn a_last_failure_in_the_future_waits_no_longer_than_the_pause_itself() {
        let mut file = KeyFile::new(&random_key(), "AAAA", FAST).unwrap();
        let amy = account_label(1);
        let now = 1_700_000_000;
        // Far ahead ("wait 8203474697 seconds" before): no one is held up.
        file.failed.insert(amy.clone(), Failures { count: 4, last_at: Some(now + 8_203_474_697), recorded: 0 });
        file.failures = 40;
        file.last_failure_at = Some(i64::MAX);
        assert_eq!(file.retry_after(&amy, now), 0);
        // A little ahead (clocks a second or two apart): at most the pause, ended by real time.
        file.failed.insert(amy.clone(), Failures { count: 4, last_at: Some(now + 2), recorded: 0 });
        file.last_failure_at = Some(now + 200);
        assert_eq!(file.retry_after(&amy, now), 300);
        file.failures = 0;
        assert_eq!(file.retry_after(&amy, now), wait_seconds(4));
        assert_eq!(file.retry_after(&amy, now + 4), 2);
        assert_eq!(file.retry_after(&amy, now + 6), 0, "the real time passing ends it");
        // The next wrong try starts from the real time.
        file.failed.insert(amy.clone(), Failures { count: 4, last_at: Some(now + 8_203_474_697), recorded: 0 });
        assert_eq!(file.count_failure(&amy, now), wait_seconds(5));
    }

    #[test]
    fn the_key_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3.keys");
        let db = random_key();
        let mut file = KeyFile::new(&db, "ABCD", FAST).unwrap();
        file.set_account(&db, 1, "amy", "passphrase one").unwrap();
        file.save(&path).unwrap();
        file.set_account(&db, 1, "amy", "passphrase two").unwrap();
        file.save(&path).unwrap();
        let back = KeyFile::load(&path).unwrap();
        assert_eq!(back, file);
        let amy = back.account("AMY ").unwrap();
        assert!(back.unlock(amy, "passphrase one").unwrap().is_none());
        assert_eq!(back.unlock(amy, "passphrase two").unwrap().as_deref(), Some(&*db));
        assert!(!dir.path().join("db.sqlite3.keys.new").exists());
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(crate::ApiError::from(KeyFile::load(&path).unwrap_err()).code, "key_file");
    }

    #[test]
    fn key_settings_outside_sane_limits_are_refused_and_new_copies_are_never_weaker() {
        for (kdf, ok) in [
            (Kdf::STANDARD, true),
            (FAST, true),
            (Kdf { m_kib: Kdf::MAX_M_KIB, t: Kdf::MAX_T, p: Kdf::MAX_P }, true),
            (Kdf { m_kib: 4 * 1024 * 1024, t: 3, p: 1 }, false),
            (Kdf { m_kib: 64 * 1024, t: 1000, p: 1 }, false),
            (Kdf { m_kib: 64 * 1024, t: 0, p: 1 }, false),
            (Kdf { m_kib: 64 * 1024, t: 3, p: 0 }, false),
            (Kdf { m_kib: 64 * 1024, t: 3, p: 64 }, false),
            (Kdf { m_kib: 4, t: 3, p: 1 }, false),
        ] {
            assert_eq!(kdf.check().is_ok(), ok, "{kdf:?}");
        }
        let e = crate::ApiError::from(Kdf { m_kib: 4 * 1024 * 1024, t: 1000, p: 1 }.check().unwrap_err());
        assert_eq!(e.code, "key_file");
        assert!(e.message.contains("4096 MiB of memory, 1000 passes"), "{}", e.message);
        assert_eq!(FAST.for_new(), Kdf::STANDARD);
        assert_eq!(Kdf { m_kib: 128 * 1024, t: 4, p: 2 }.for_new(), Kdf { m_kib: 128 * 1024, t: 4, p: 2 });
        // A copy wrapped with its own settings opens with them, whatever the file's setting.
        let key = random_key();
        let w = Wrapped::new(&key, b"secret words", FAST, "staff:1").unwrap();
        assert_eq!(w.open(b"secret words", Kdf::STANDARD, "staff:1").unwrap().as_deref(), Some(&*key));
    }

    #[test]
    fn changes_under_the_lock_read_the_file_again_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3.keys");
        let db = random_key();
        let file = KeyFile::new(&db, "ABCD", FAST).unwrap();
        file.save(&path).unwrap();
        // A stale copy held in memory is not what gets written: the file is read again.
        let stale = KeyFile::load(&path).unwrap();
        KeyFile::update(&path, |f| {
            f.last_username = Some("amy".into());
            Ok(())
        })
        .unwrap();
        KeyFile::update(&path, |f| {
            f.failures += 1;
            Ok(())
        })
        .unwrap();
        let back = KeyFile::load(&path).unwrap();
        assert_eq!((back.last_username.as_deref(), back.failures), (Some("amy"), 1));
        assert_eq!(stale.last_username, None);
        // A change that fails writes nothing.
        let e = KeyFile::update(&path, |f| -> Result<()> {
            f.failures = 99;
            Err(Error::Conflict("no".into()))
        });
        assert!(e.is_err());
        assert_eq!(KeyFile::load(&path).unwrap().failures, 1);
        // A temporary file left by a writer killed mid-write is cleared by the next writer.
        std::fs::write(dir.path().join(".db.sqlite3.keys.0123456789ab.tmp"), b"half").unwrap();
        KeyFile::update(&path, |_| Ok(())).unwrap();
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, ["db.sqlite3.keys", "db.sqlite3.keys.lock"]);
    }

    #[test]
    fn shredding_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        std::fs::write(&path, vec![7u8; 200_000]).unwrap();
        shred(&path).unwrap();
        assert!(!path.exists());
        shred(&path).unwrap();
    }
}
