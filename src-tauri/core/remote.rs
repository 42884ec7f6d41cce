//! Calling an organisation's Carers Desk server (`carers-desk-server`, docs/server.md): the
//! same commands as [`crate::Desk::call`], sent as `{command, args}` over HTTPS, with the same
//! `{code, message, field?}` errors back. Used by `carers-desk-cli --server URL`.
//!
//! The server's certificate is self-signed by default, so it is trusted the way SSH trusts a
//! host: by its SHA-256 fingerprint, shown on the server when it starts and by the client on
//! first connection for the user to compare, then pinned ([`Pins`]). A pinned connection
//! accepts that certificate and no other, whoever signed it, so a certificate from the
//! organisation's own CA is pinned the same way.
//!
//! The signed-in session is a token the server gives at `session_unlock`; it stays in the
//! [`Client`] (never printed) and ends at `session_sign_out` or `session_lock`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::ApiError;

/// The one endpoint: `POST` `{command, args}` with `Authorization: Bearer <token>`.
pub const CALL_PATH: &str = "/v1/call";

/// How long a command may take over the network before the client gives up (printing a
/// large batch of passports takes longest).
const CALL_TIMEOUT: Duration = Duration::from_secs(300);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The SHA-256 fingerprint of a certificate (DER), as colon-separated pairs of upper-case hex
/// digits: the form `openssl x509 -fingerprint -sha256` prints, to compare by eye.
pub fn fingerprint(cert_der: &[u8]) -> String {
    let digest = Sha256::digest(cert_der);
    digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// A fingerprint as typed (any case, with or without colons or spaces, `SHA256:` in front).
pub fn normalise_fingerprint(typed: &str) -> String {
    let t = typed.trim();
    let t = t.strip_prefix("SHA256:").or_else(|| t.strip_prefix("sha256:")).unwrap_or(t);
    let hex: String = t.chars().filter(char::is_ascii_hexdigit).map(|c| c.to_ascii_uppercase()).collect();
    hex.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(":")
}

/// The crypto used on both sides: `ring`, which builds everywhere the app does (the Windows
/// cross-build included) with a C compiler alone. rustls marks it deprecated for lacking
/// post-quantum key exchange, which needs `aws-lc-rs` (CMake and NASM on Windows): a change
/// to make with the Windows packaging, on both sides at once.
#[allow(deprecated)]
pub fn crypto() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts exactly the certificate with the pinned fingerprint (or, with no pin, any
/// certificate, only to learn its fingerprint: [`probe`]). The handshake's signatures are
/// checked as usual, so the server must hold the certificate's private key.
#[derive(Debug)]
struct Pinned {
    want: Option<String>,
    seen: Mutex<Option<String>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity.as_ref());
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen.clone());
        match &self.want {
            Some(want) if *want != seen => {
                Err(rustls::Error::General("the server's certificate is not the one pinned".into()))
            }
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

fn tls_config(verifier: Arc<Pinned>) -> Result<rustls::ClientConfig, ApiError> {
    let provider = verifier.provider.clone();
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ApiError::new("tls", format!("could not set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// A TLS client configuration that trusts only the certificate with this fingerprint.
pub fn pinned_tls_config(fingerprint: &str) -> Result<rustls::ClientConfig, ApiError> {
    tls_config(Arc::new(Pinned {
        want: Some(normalise_fingerprint(fingerprint)),
        seen: Mutex::new(None),
        provider: crypto(),
    }))
}

/// A server address: `https://host:port` (the port defaults to 8443, the server's default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    pub host: String,
    pub port: u16,
}

impl ServerUrl {
    pub fn parse(url: &str) -> Result<ServerUrl, ApiError> {
        let bad = |why: &str| ApiError {
            field: Some("server".into()),
            ..ApiError::new(
                "server_address",
                format!("{why}: write the server's address as https://name-or-address:port, as the server printed it"),
            )
        };
        let rest = match url.trim().split_once("://") {
            Some(("https", rest)) => rest,
            Some((scheme, _)) => {
                return Err(bad(&format!(
                    "'{scheme}://' is not allowed: Carers Desk talks to its server only over https"
                )))
            }
            None => url.trim(),
        };
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(bad("there is no server name in it"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => {
                (h, p.parse::<u16>().map_err(|_| bad("the port is not a number from 1 to 65535"))?)
            }
            _ => (authority, 8443),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        Ok(ServerUrl { host, port })
    }

    /// `host:port`, the key the pinned fingerprint is kept under.
    pub fn key(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn base(&self) -> String {
        format!("https://{}", self.key())
    }
}

fn unreachable(url: &ServerUrl, why: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        "server_unreachable",
        format!(
            "could not reach the Carers Desk server at {} ({why}): check the address, that the server is running and that this computer is on the organisation's network, then try again",
            url.key()
        ),
    )
}

/// The fingerprint of the certificate the server at `url` shows now: a TLS handshake and
/// nothing more (no command is sent to a server not yet trusted).
pub fn probe(url: &ServerUrl) -> Result<String, ApiError> {
    let verifier = Arc::new(Pinned { want: None, seen: Mutex::new(None), provider: crypto() });
    let config = Arc::new(tls_config(verifier.clone())?);
    let name = ServerName::try_from(url.host.clone()).map_err(|e| unreachable(url, e))?;
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&(url.host.as_str(), url.port))
        .map_err(|e| unreachable(url, e))?
        .next()
        .ok_or_else(|| unreachable(url, "the name has no address"))?;
    let mut tcp = std::net::TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|e| unreachable(url, e))?;
    tcp.set_read_timeout(Some(CONNECT_TIMEOUT)).map_err(|e| unreachable(url, e))?;
    let mut conn = rustls::ClientConnection::new(config, name).map_err(|e| unreachable(url, e))?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).map_err(|e| unreachable(url, e))?;
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut tcp);
    let seen = verifier.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    seen.ok_or_else(|| unreachable(url, "it sent no certificate"))
}

/// Fingerprints pinned on this computer, per server (`host:port`): `servers.json` in the
/// user's configuration folder (`$CARERS_DESK_CONFIG_DIR`, or the system's, in `carers-desk`).
pub struct Pins {
    path: PathBuf,
}

impl Pins {
    pub fn for_user() -> Result<Pins, ApiError> {
        let dir = match std::env::var_os("CARERS_DESK_CONFIG_DIR") {
            Some(d) => PathBuf::from(d),
            None => dirs::config_dir()
                .ok_or_else(|| {
                    ApiError::new("config", "this computer has no folder for settings: set CARERS_DESK_CONFIG_DIR")
                })?
                .join("carers-desk"),
        };
        Ok(Pins { path: dir.join("servers.json") })
    }

    fn load(&self) -> BTreeMap<String, String> {
        std::fs::read_to_string(&self.path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    pub fn get(&self, url: &ServerUrl) -> Option<String> {
        self.load().remove(&url.key())
    }

    pub fn put(&self, url: &ServerUrl, fingerprint: &str) -> Result<(), ApiError> {
        let mut all = self.load();
        all.insert(url.key(), normalise_fingerprint(fingerprint));
        let text = serde_json::to_string_pretty(&all).expect("pins serialise");
        let saved = (|| {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = self.path.with_extension("json.tmp");
            std::fs::File::create(&tmp)?.write_all(text.as_bytes())?;
            std::fs::rename(&tmp, &self.path)
        })();
        saved.map_err(|e| {
            ApiError::new("config", format!("could not keep the server's fingerprint in {} ({e})", self.path.display()))
        })
    }
}

/// A connection to one server, trusting only the pinned certificate.
pub struct Client {
    agent: ureq::Agent,
    url: ServerUrl,
    token: Mutex<Option<String>>,
}

impl Client {
    pub fn new(url: ServerUrl, fingerprint: &str) -> Result<Client, ApiError> {
        let config = pinned_tls_config(fingerprint)?;
        let agent = ureq::AgentBuilder::new()
            .tls_config(Arc::new(config))
            .timeout_connect(CONNECT_TIMEOUT)
            .timeout(CALL_TIMEOUT)
            .build();
        Ok(Client { agent, url, token: Mutex::new(None) })
    }

    pub fn url(&self) -> &ServerUrl {
        &self.url
    }

    fn token(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.token.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs one command on the server, as [`crate::Desk::call`] runs it here.
    pub fn call(&self, command: &str, args: Value) -> Result<Value, ApiError> {
        let body = serde_json::json!({ "command": command, "args": args }).to_string();
        let mut request =
            self.agent.post(&format!("{}{CALL_PATH}", self.url.base())).set("Content-Type", "application/json");
        if let Some(token) = self.token().as_deref() {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let text = match request.send_bytes(body.as_bytes()) {
            Ok(response) => read_body(response).map_err(|e| unreachable(&self.url, e))?,
            Err(ureq::Error::Status(_, response)) => {
                let text = read_body(response).map_err(|e| unreachable(&self.url, e))?;
                let error = serde_json::from_str::<ApiError>(&text).unwrap_or_else(|_| {
                    ApiError::new(
                        "server",
                        format!(
                            "the server answered with something that is not Carers Desk's: {}",
                            text.chars().take(200).collect::<String>()
                        ),
                    )
                });
                if matches!(error.code.as_str(), "session_expired" | "signed_out") {
                    *self.token() = None;
                }
                return Err(error);
            }
            Err(ureq::Error::Transport(t)) => {
                let why = t.to_string();
                if why.contains("not the one pinned") {
                    return Err(ApiError::new(
                        "certificate_changed",
                        format!(
                            "the server at {} showed a different certificate from the one this computer trusts: do not sign in; ask whoever runs the server whether its certificate was replaced, and compare the new fingerprint before trusting it",
                            self.url.key()
                        ),
                    ));
                }
                return Err(unreachable(&self.url, why));
            }
        };
        let mut value: Value = serde_json::from_str(&text).map_err(|e| unreachable(&self.url, e))?;
        if let Some(token) =
            value.as_object_mut().and_then(|o| o.remove("token")).and_then(|t| t.as_str().map(str::to_string))
        {
            *self.token() = Some(token);
        }
        if matches!(command, "session_sign_out" | "session_lock") {
            *self.token() = None;
        }
        Ok(value)
    }

    /// The session token, for a front end that keeps it between runs.
    pub fn session_token(&self) -> Option<String> {
        self.token().clone()
    }

    pub fn set_session_token(&self, token: Option<String>) {
        *self.token() = token;
    }
}

/// Answers are small JSON documents; a report may be larger, never unbounded.
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

fn read_body(response: ureq::Response) -> std::io::Result<String> {
    let mut text = String::new();
    response.into_reader().take(MAX_ANSWER).read_to_string(&mut text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_https_with_a_default_port() {
        let cases = [
            ("https://desk.example.org:9443", Some(("desk.example.org", 9443))),
            ("https://192.168.1.20", Some(("192.168.1.20", 8443))),
            ("desk.local:8443/", Some(("desk.local", 8443))),
            ("https://[::1]:8443", Some(("::1", 8443))),
            ("http://desk.local:8443", None),
            ("https://", None),
            ("https://desk:99999", None),
        ];
        for (typed, want) in cases {
            let got = ServerUrl::parse(typed).ok().map(|u| (u.host, u.port));
            assert_eq!(got, want.map(|(h, p)| (h.to_string(), p)), "{typed}");
        }
        assert_eq!(ServerUrl::parse("https://[::1]:8443").unwrap().key(), "[::1]:8443");
    }

    #[test]
    fn fingerprints_compare_however_they_are_typed() {
        let fp = fingerprint(b"certificate");
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert_eq!(normalise_fingerprint(&fp.to_lowercase().replace(':', " ")), fp);
        assert_eq!(normalise_fingerprint(&format!("SHA256:{}", fp.replace(':', ""))), fp);
    }
}
