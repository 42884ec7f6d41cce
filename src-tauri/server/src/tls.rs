//! The server's certificate: the organisation's own (`--cert`, `--key`), or one made on first
//! start and kept beside the register (`<register>.server-cert.pem`, `.server-key.pem`,
//! readable by the server's account only). Clients trust it by its SHA-256 fingerprint, which
//! the server prints at every start (docs/server.md).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub struct Certificate {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    /// Made now (first start), not loaded.
    pub made: Option<PathBuf>,
}

fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub fn default_paths(db: &Path) -> (PathBuf, PathBuf) {
    (beside(db, ".server-cert.pem"), beside(db, ".server-key.pem"))
}

/// Loads the certificate and key, making a self-signed pair first when neither exists.
pub fn load_or_make(cert: &Path, key: &Path, names: Vec<String>) -> Result<Certificate, String> {
    let mut made = None;
    if !cert.exists() && !key.exists() {
        let pair = rcgen::generate_simple_self_signed(names)
            .map_err(|e| format!("could not make a certificate for the server: {e}"))?;
        write_private(key, pair.key_pair.serialize_pem().as_bytes())
            .map_err(|e| format!("could not write the server's private key {}: {e}", key.display()))?;
        std::fs::write(cert, pair.cert.pem())
            .map_err(|e| format!("could not write the server's certificate {}: {e}", cert.display()))?;
        made = Some(cert.to_path_buf());
    }
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("could not read the certificate {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{} holds no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("could not read the private key {}: {e}", key.display()))?;
    Ok(Certificate { chain, key, made })
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // The register's folder is the server account's own (docs/server.md: Windows).
    std::fs::write(path, bytes)
}

pub fn server_config(cert: Certificate) -> Result<Arc<rustls::ServerConfig>, String> {
    let mut config = rustls::ServerConfig::builder_with_provider(carers_desk::remote::crypto())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(cert.chain, cert.key)
        .map_err(|e| format!("the certificate and private key do not go together: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
