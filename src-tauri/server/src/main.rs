//! `carers-desk-server`: one register served to the whole team over HTTPS (docs/server.md).
//!
//! ```text
//! carers-desk-server --db /var/lib/carers-desk/carers.sqlite3 --user amy [--listen 0.0.0.0:8443]
//! ```
//!
//! At start an administrator signs in (the passphrase typed at the prompt, or the first line
//! of standard input, or `--passphrase-file`, e.g. a systemd credential): the server checks
//! the register opens, is sound and is theirs to serve, then signs them out again. From then on
//! the database key is in memory only inside the sessions of people signed in, each opened
//! with their own passphrase (see `sessions`). The certificate's SHA-256 fingerprint is
//! printed at every start, for staff to compare on first connection.

mod api;
mod sessions;
mod tls;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use carers_desk::{Context, Desk};
use clap::Parser;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[derive(Parser)]
#[command(
    name = "carers-desk-server",
    version,
    about = "Serve one Carers Desk register to the organisation's staff over HTTPS"
)]
struct Args {
    /// The register (the encrypted database file; its .keys file beside it).
    #[arg(long, env = "CARERS_DESK_DB")]
    db: PathBuf,
    /// The address and port to listen on. 0.0.0.0:8443 is every network of this computer;
    /// 127.0.0.1:0 is this computer only, on a free port (tests).
    #[arg(long, default_value = "0.0.0.0:8443")]
    listen: SocketAddr,
    /// The administrator who unlocks the register at start.
    #[arg(long, env = "CARERS_DESK_USER")]
    user: String,
    /// A file holding the administrator's passphrase (a systemd credential); otherwise it is
    /// asked for at the terminal, or read as the first line of standard input.
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// The organisation's own certificate (PEM, with its chain); with --key. Without them a
    /// self-signed certificate is made beside the register on first start.
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,
    /// The private key of --cert (PEM).
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// Sign a person out after this many seconds without use. Defaults to the register's
    /// auto-lock setting (Settings, "Lock after").
    #[arg(long)]
    idle_timeout: Option<u64>,
}

/// How long a client has to finish the TLS handshake, and to send a request's headers.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 512;
/// Failed sign-ins allowed in the window: per account, and per client address.
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
const FAILURES_PER_ACCOUNT: usize = 5;
const FAILURES_PER_ADDRESS: usize = 10;

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("carers-desk-server: {message}");
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(format!("could not start: {e}")),
    };
    runtime.block_on(run(args))
}

fn passphrase(args: &Args) -> Result<String, String> {
    if let Some(file) = &args.passphrase_file {
        let text = std::fs::read_to_string(file).map_err(|e| format!("could not read {}: {e}", file.display()))?;
        return Ok(text.lines().next().unwrap_or_default().to_string());
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return rpassword::prompt_password(format!("passphrase for {} (to unlock the register): ", args.user))
            .map_err(|e| format!("could not read the passphrase: {e}"));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("could not read the passphrase from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The administrator's check at start: the register opens with their passphrase and they are
/// an administrator. Returns the register's auto-lock minutes.
fn unlock_check(args: &Args, passphrase: String) -> Result<u64, String> {
    let desk = Desk::open(&args.db).map_err(|e| e.message)?;
    let ctx = Context::desktop(chrono::Local::now().date_naive()).from_computer("the server, at start");
    let status = desk
        .call(&ctx, "session_unlock", serde_json::json!({ "username": args.user, "passphrase": passphrase }))
        .map_err(|e| format!("could not unlock the register: {}", e.message))?;
    let role = status["user"]["role"].as_str().unwrap_or_default().to_string();
    let minutes = status["auto_lock_minutes"].as_u64().unwrap_or(10);
    desk.close().map_err(|e| e.message)?;
    if role != "administrator" {
        return Err(format!("{} is not an administrator: an administrator starts the server", args.user));
    }
    Ok(minutes)
}

/// Each command's arguments that name a file or folder (see [`api::Server::file_args`]).
fn file_args() -> std::collections::HashMap<String, Vec<String>> {
    const FILE_ARGS: &[&str] = &["path", "folder", "files", "json_path", "pdf_path"];
    let described = carers_desk::commands::describe();
    let mut out = std::collections::HashMap::new();
    for c in described.as_array().into_iter().flatten() {
        let props = &c["args"]["properties"];
        let named: Vec<String> = FILE_ARGS.iter().filter(|a| !props[**a].is_null()).map(|a| a.to_string()).collect();
        if !named.is_empty() {
            out.insert(c["name"].as_str().unwrap_or_default().to_string(), named);
        }
    }
    out
}

async fn run(args: Args) -> ExitCode {
    if !args.db.exists() {
        return fail(format!(
            "there is no register at {}: set one up first with carers-desk-cli --db {} init",
            args.db.display(),
            args.db.display()
        ));
    }
    let passphrase = match passphrase(&args) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let minutes = match unlock_check(&args, passphrase) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let idle = Duration::from_secs(args.idle_timeout.unwrap_or(if minutes == 0 { 30 * 60 } else { minutes * 60 }));
    let (cert_path, key_path) = match (&args.cert, &args.key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => tls::default_paths(&args.db),
    };
    let mut names = vec!["localhost".to_string()];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname").or_else(|_| std::env::var("COMPUTERNAME")) {
        names.insert(0, host.trim().to_string());
    }
    names.retain(|n| !n.is_empty());
    let cert = match tls::load_or_make(&cert_path, &key_path, names) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let fingerprint = carers_desk::remote::fingerprint(cert.chain[0].as_ref());
    if let Some(made) = &cert.made {
        println!("made a self-signed certificate: {}", made.display());
    }
    let config = match tls::server_config(cert) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let listener = match TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => return fail(format!("could not listen on {}: {e}", args.listen)),
    };
    let local = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.listen.to_string());
    println!("serving {} on https://{local}", args.db.display());
    println!("certificate fingerprint (SHA-256): {fingerprint}");
    let _ = std::io::stdout().flush();

    let server = Arc::new(api::Server {
        db: args.db.clone(),
        sessions: sessions::Table::new(idle),
        limiter: sessions::Limiter::new(FAILURE_WINDOW, FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS),
        file_args: file_args(),
    });
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));

    let sweeper = {
        let server = server.clone();
        tokio::spawn(async move {
            let mut tick =
                tokio::time::interval(Duration::from_secs(15).min(server.sessions.idle).max(Duration::from_secs(1)));
            loop {
                tick.tick().await;
                for s in server.sessions.expired() {
                    api::close(s);
                }
            }
        })
    };

    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        eprintln!("carers-desk-server: could not accept a connection: {e}");
                        continue;
                    }
                };
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                let acceptor = acceptor.clone();
                let server = server.clone();
                tokio::spawn(async move {
                    connection(stream, peer, acceptor, server).await;
                    drop(slot);
                });
            }
            _ = stop_signal() => break,
        }
    }
    sweeper.abort();
    let open = server.sessions.drain();
    let n = open.len();
    let _ = tokio::task::spawn_blocking(move || {
        for s in open {
            let _ = s.desk.close();
        }
    })
    .await;
    println!("stopped; {n} session{} signed out", if n == 1 { "" } else { "s" });
    ExitCode::SUCCESS
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One client connection: TLS (a plain-HTTP request gets a plain answer saying to use
/// https), then HTTP/1.1 requests until the client closes or is too slow.
async fn connection(
    mut stream: tokio::net::TcpStream,
    peer: SocketAddr,
    acceptor: tokio_rustls::TlsAcceptor,
    server: Arc<api::Server>,
) {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
        Ok(Ok(1)) => {}
        _ => return,
    }
    // Every TLS connection opens with a handshake record (22); a letter is plain HTTP.
    if first[0] != 22 {
        if first[0].is_ascii_alphabetic() {
            let body = serde_json::to_string(&carers_desk::ApiError::new(
                "tls_required",
                "this Carers Desk server takes only encrypted connections: use https:// in the address",
            ))
            .expect("errors serialise");
            let reply = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.write_all(reply.as_bytes())).await;
            let _ = stream.shutdown().await;
        }
        return;
    }
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        _ => return,
    };
    let address = peer.ip();
    let service = hyper::service::service_fn(move |request| api::handle(server.clone(), address, request));
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE_TIMEOUT)
        .max_buf_size(64 * 1024)
        .serve_connection(TokioIo::new(tls), service)
        .await;
}
