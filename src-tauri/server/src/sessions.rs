//! Who is signed in to the server, and how often sign-in has failed.
//!
//! Each signed-in person has their own [`Desk`]: the core's own session (opened by the core's
//! `session_unlock` with that person's passphrase, from that person's key slot), so the role
//! and school scope come from the register exactly as on a desktop, every rule stays in the
//! core, and each person has their own SQLite connection (reads in parallel, writes one at a
//! time in SQLite). The server adds only what a network needs: a random token naming the
//! session, the client address it belongs to, and the time it was last used.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carers_desk::Desk;
use rand::RngCore;

pub struct Session {
    pub desk: Arc<Desk>,
    pub address: IpAddr,
    pub username: String,
    last_used: Mutex<Instant>,
}

/// Why a token was not accepted.
pub enum Refused {
    /// Unknown, or ended (signed out, locked, or ended for being used from another address).
    Unknown,
    /// Not used for longer than the idle limit; the session has been ended (now, with the
    /// session to close, or earlier by the sweeper).
    Expired(Option<Arc<Session>>),
    /// Sent from another address than the one that signed in: the session has been ended, as
    /// its token has been copied.
    OtherAddress(Arc<Session>),
}

pub struct Table {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    /// Tokens of sessions ended for being idle, and when: so the person is told why they
    /// must sign in again. Forgotten after a day.
    idled: Mutex<HashMap<String, Instant>>,
    pub idle: Duration,
}

const REMEMBER_IDLED: Duration = Duration::from_secs(24 * 60 * 60);

impl Table {
    pub fn new(idle: Duration) -> Table {
        Table { sessions: Mutex::new(HashMap::new()), idled: Mutex::new(HashMap::new()), idle }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session; returns its token (32 random bytes, hex).
    pub fn insert(&self, desk: Arc<Desk>, address: IpAddr, username: String) -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let session = Session { desk, address, username, last_used: Mutex::new(Instant::now()) };
        self.map().insert(token.clone(), Arc::new(session));
        token
    }

    /// The session named by `token`, used now from `address`.
    pub fn take_turn(&self, token: &str, address: IpAddr) -> Result<Arc<Session>, Refused> {
        let mut map = self.map();
        let Some(session) = map.get(token).cloned() else {
            let idled = self.idled.lock().unwrap_or_else(|p| p.into_inner()).remove(token);
            return Err(if idled.is_some() { Refused::Expired(None) } else { Refused::Unknown });
        };
        if session.address != address {
            map.remove(token);
            return Err(Refused::OtherAddress(session));
        }
        let mut last = session.last_used.lock().unwrap_or_else(|p| p.into_inner());
        if last.elapsed() > self.idle {
            drop(last);
            map.remove(token);
            return Err(Refused::Expired(Some(session)));
        }
        *last = Instant::now();
        drop(last);
        Ok(session)
    }

    pub fn remove(&self, token: &str) -> Option<Arc<Session>> {
        self.map().remove(token)
    }

    /// Ends the sessions not used for longer than the idle limit; returns them to close.
    pub fn expired(&self) -> Vec<Arc<Session>> {
        let mut map = self.map();
        let idle = self.idle;
        let gone: Vec<String> = map
            .iter()
            .filter(|(_, s)| s.last_used.lock().unwrap_or_else(|p| p.into_inner()).elapsed() > idle)
            .map(|(t, _)| t.clone())
            .collect();
        let mut idled = self.idled.lock().unwrap_or_else(|p| p.into_inner());
        idled.retain(|_, at| at.elapsed() < REMEMBER_IDLED);
        let now = Instant::now();
        gone.iter()
            .filter_map(|t| {
                idled.insert(t.clone(), now);
                map.remove(t)
            })
            .collect()
    }

    /// Every session, removed (the server is stopping).
    pub fn drain(&self) -> Vec<Arc<Session>> {
        self.map().drain().map(|(_, s)| s).collect()
    }
}

/// Failed sign-ins kept per account and per client address, over a sliding window. The core
/// adds its own growing pause after wrong passphrases (docs/security.md); these limits stop
/// one computer from guessing at many accounts, or many computers at one.
pub struct Limiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<Failures>,
}

/// When sign-ins failed: per account (lower case), per client address.
type Failures = (HashMap<String, Vec<Instant>>, HashMap<IpAddr, Vec<Instant>>);

/// A sign-in refused before the passphrase was tried: what to tell the person.
pub struct Limited {
    pub message: String,
}

impl Limiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Limiter {
        Limiter { window, per_account, per_address, failures: Mutex::new((HashMap::new(), HashMap::new())) }
    }

    fn account_key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    pub fn check(&self, username: &str, address: IpAddr) -> Result<(), Limited> {
        let mut guard = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (accounts, addresses) = &mut *guard;
        let window = self.window;
        let recent = |list: &mut Vec<Instant>| {
            list.retain(|t| t.elapsed() < window);
            list.first().map(|first| window.saturating_sub(first.elapsed()))
        };
        let minutes = |wait: Duration| wait.as_secs().div_ceil(60).max(1);
        if let Some(list) = addresses.get_mut(&address) {
            let wait = recent(list);
            if list.len() >= self.per_address {
                let wait = minutes(wait.unwrap_or(window));
                return Err(Limited {
                    message: format!(
                        "too many failed sign-ins from this computer: wait {wait} minute{}, then try again, or ask an administrator",
                        if wait == 1 { "" } else { "s" }
                    ),
                });
            }
        }
        if let Some(list) = accounts.get_mut(&Self::account_key(username)) {
            let wait = recent(list);
            if list.len() >= self.per_account {
                let wait = minutes(wait.unwrap_or(window));
                return Err(Limited {
                    message: format!(
                        "too many failed sign-ins for this account: wait {wait} minute{}, then try again, or ask an administrator",
                        if wait == 1 { "" } else { "s" }
                    ),
                });
            }
        }
        Ok(())
    }

    pub fn failed(&self, username: &str, address: IpAddr) {
        let mut guard = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        guard.0.entry(Self::account_key(username)).or_default().push(now);
        guard.1.entry(address).or_default().push(now);
    }

    /// A right passphrase clears the account's failures (not the address's: one good account
    /// does not license guessing at others).
    pub fn succeeded(&self, username: &str) {
        let mut guard = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.remove(&Self::account_key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_per_account_and_per_address() {
        let limiter = Limiter::new(Duration::from_secs(900), 2, 3);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        limiter.failed("Sam", a);
        assert!(limiter.check("sam", a).is_ok());
        limiter.failed("sam ", b);
        assert!(limiter.check("SAM", a).unwrap_err().message.contains("for this account"));
        assert!(limiter.check("pat", b).is_ok());
        limiter.failed("pat", a);
        limiter.failed("lee", a);
        assert!(limiter.check("kim", a).unwrap_err().message.contains("from this computer"));
        assert!(limiter.check("kim", b).is_ok());
        limiter.succeeded("sam");
        assert!(limiter.check("sam", b).is_ok());
    }
}
