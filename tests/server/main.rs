//! The organisation server (`carers-desk-server`, docs/server.md), started for real on
//! 127.0.0.1 on a free port, and called as the window and the CLI call it
//! (`carers_desk::remote::Client`), or byte by byte where a test needs a bad client.
//!
//! One register with demo data is made per test (a few seconds: four accounts, each with an
//! Argon2id key slot); the server is stopped when the test ends.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use carers_desk::remote::{self, Client, ServerUrl};
use carers_desk::Desk;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Server {
    child: Child,
    address: SocketAddr,
    fingerprint: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A demo register (admin `demo`, support worker `support`, school staff `school` at the
/// first school, `reports`) served on 127.0.0.1.
fn start(extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("register.sqlite3");
    {
        let desk = Desk::open(&db).unwrap();
        desk.setup_demo(chrono::Local::now().date_naive(), Some(12), Some(3)).unwrap();
        desk.close().unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_carers-desk-server"))
        .args(["--db", db.to_str().unwrap(), "--listen", "127.0.0.1:0", "--user", "demo"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "demo passphrase").unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut address, mut fingerprint) = (None, None);
    while fingerprint.is_none() {
        let line = lines.next().expect("the server printed its address and fingerprint").unwrap();
        if let Some(at) = line.split("on https://").nth(1) {
            address = Some(at.parse().unwrap());
        }
        if let Some(fp) = line.strip_prefix("certificate fingerprint (SHA-256): ") {
            fingerprint = Some(fp.to_string());
        }
    }
    // The rest of standard output is not read: keep the pipe drained so the server never blocks.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, address: address.unwrap(), fingerprint: fingerprint.unwrap(), _dir: dir }
}

impl Server {
    fn client(&self) -> Client {
        let url = ServerUrl::parse(&format!("https://{}", self.address)).unwrap();
        Client::new(url, &self.fingerprint).unwrap()
    }

    fn signed_in(&self, user: &str) -> Client {
        let client = self.client();
        let status = client
            .call("session_unlock", json!({ "username": user, "passphrase": format!("{user} passphrase") }))
            .unwrap();
        assert_eq!(status["state"], "open");
        assert!(status.get("token").is_none(), "the token stays inside the client");
        client
    }

    /// Sends `request` as it is, from `from` (an address on this computer), over TLS or not;
    /// returns the HTTP status and the body.
    fn raw(&self, from: &str, tls: bool, request: Vec<u8>) -> (u16, String) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let address = self.address;
        let fingerprint = self.fingerprint.clone();
        runtime.block_on(async move {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
            let tcp = socket.connect(address).await.unwrap();
            let mut answer = Vec::new();
            if tls {
                let config = remote::pinned_tls_config(&fingerprint).unwrap();
                let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
                let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
                let mut stream = connector.connect(name, tcp).await.unwrap();
                stream.write_all(&request).await.unwrap();
                stream.flush().await.unwrap();
                let _ = stream.read_to_end(&mut answer).await;
            } else {
                let mut tcp = tcp;
                tcp.write_all(&request).await.unwrap();
                let _ = tcp.read_to_end(&mut answer).await;
            }
            let text = String::from_utf8_lossy(&answer).into_owned();
            let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
            (status, body)
        })
    }
}

fn post(token: Option<&str>, body: &[u8], length: Option<usize>) -> Vec<u8> {
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n",
        remote::CALL_PATH,
        length.unwrap_or(body.len())
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

fn code(result: Result<Value, carers_desk::ApiError>) -> String {
    match result {
        Ok(v) => panic!("should have been refused, but gave {v}"),
        Err(e) => e.code,
    }
}

#[test]
fn a_carer_added_on_one_computer_is_found_on_another_and_the_audit_names_the_computer() {
    let server = start(&[]);
    let worker = server.signed_in("support");
    let created = worker
        .call(
            "carer_create",
            json!({ "first_name": "Zainab", "last_name": "Quayle", "date_of_birth": "02/04/1970", "postcode": "rm10 7bs" }),
        )
        .unwrap();
    let id = created["id"].as_i64().expect("the new carer's id");

    let admin = server.signed_in("demo");
    let found = admin.call("carer_search", json!({ "query": "quayle" })).unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["results"][0]["id"], id);

    // The errors are the core's own, field and all.
    let e = worker
        .call(
            "carer_create",
            json!({ "first_name": "Sam", "last_name": "Lee", "date_of_birth": "01/01/1990", "postcode": "SW1A 1A" }),
        )
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("validation", Some("postcode")));

    let trail = admin.call("audit_list", json!({ "carer_id": id })).unwrap();
    let entries = trail["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    for e in entries {
        assert_eq!(e["computer"], "127.0.0.1", "{e}");
    }
    let verified = admin.call("audit_verify", json!({})).unwrap();
    assert_eq!(verified["ok"], true, "{verified}");

    // Signing out ends the session on the server: the token no longer works.
    let token = worker.session_token().unwrap();
    worker.call("session_sign_out", json!({})).unwrap();
    worker.set_session_token(Some(token));
    assert_eq!(code(worker.call("carer_search", json!({}))), "signed_out");
}

#[test]
fn wrong_copied_and_expired_sessions_are_refused() {
    let server = start(&[]);
    let client = server.client();
    assert_eq!(code(client.call("carer_search", json!({}))), "signed_out");
    client.set_session_token(Some("0".repeat(64)));
    assert_eq!(code(client.call("carer_search", json!({}))), "signed_out");

    // A token copied to another computer: refused there, and ended for its owner too.
    let worker = server.signed_in("support");
    let token = worker.session_token().unwrap();
    let (status, body) = server.raw("127.0.0.2", true, post(Some(&token), br#"{"command": "carer_search"}"#, None));
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("another computer"), "{body}");
    assert_eq!(code(worker.call("carer_search", json!({}))), "signed_out");

    // A session not used for longer than the idle limit is ended.
    let short = start(&["--idle-timeout", "1"]);
    let worker = short.signed_in("support");
    worker.call("carer_search", json!({})).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let e = worker.call("carer_search", json!({})).unwrap_err();
    assert_eq!(e.code, "session_expired", "{e:?}");
    assert!(e.message.contains("sign in again"));
}

#[test]
fn bad_requests_get_clear_errors_and_the_server_keeps_serving() {
    let server = start(&[]);
    let worker = server.signed_in("support");
    let token = worker.session_token().unwrap();

    let (status, body) = server.raw("127.0.0.1", true, post(Some(&token), &[b'x'; 4096], Some(64 * 1024 * 1024)));
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("\"too_large\""), "{body}");

    let (status, body) = server.raw("127.0.0.1", true, post(Some(&token), b"{\"command\": ", None));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"bad_request\"") && body.contains("not a Carers Desk command"), "{body}");

    let (status, body) =
        server.raw("127.0.0.1", true, post(Some(&token), br#"{"command": "carer_search", "extra": 1}"#, None));
    assert_eq!(status, 400, "{body}");

    let (status, body) = server.raw("127.0.0.1", false, post(None, br#"{"command": "session_status"}"#, None));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"tls_required\"") && body.contains("https://"), "{body}");

    // A path would be on the server's disk: not through the server.
    let e = worker.call("backup_now", json!({ "folder": "/tmp" })).unwrap_err();
    assert_eq!(e.code, "not_on_server");

    // Still serving, and the same session still works.
    assert!(worker.call("carer_search", json!({})).unwrap()["total"].as_u64().unwrap() > 0);
}

#[test]
fn a_school_account_sees_only_its_school() {
    let server = start(&[]);
    let admin = server.signed_in("demo");
    let all = admin.call("school_list", json!({})).unwrap();
    assert!(all.as_array().unwrap().len() > 1, "{all}");

    let school = server.signed_in("school");
    let status = school.call("session_status", json!({})).unwrap();
    assert_eq!(status["user"]["role"], "school_staff");
    let mine = school.call("school_list", json!({})).unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["id"], status["user"]["school_id"]);
    assert_eq!(code(school.call("carer_search", json!({}))), "not_permitted");
    assert_eq!(code(school.call("staff_list", json!({}))), "not_permitted");
}

#[test]
fn sign_in_attempts_are_limited_per_account_and_per_address() {
    let server = start(&[]);
    let client = server.client();
    let attempt =
        |user: &str| client.call("session_unlock", json!({ "username": user, "passphrase": "not it at all" }));
    for _ in 0..5 {
        assert_ne!(code(attempt("support")), "too_many_attempts");
    }
    // The right passphrase is not even tried now.
    let e = client
        .call("session_unlock", json!({ "username": "support", "passphrase": "support passphrase" }))
        .unwrap_err();
    assert_eq!(e.code, "too_many_attempts");
    assert!(e.message.contains("for this account"), "{}", e.message);

    for user in ["nobody1", "nobody2", "nobody3", "nobody4", "nobody5"] {
        assert_ne!(code(attempt(user)), "too_many_attempts");
    }
    let e = attempt("reports").unwrap_err();
    assert_eq!(e.code, "too_many_attempts");
    assert!(e.message.contains("from this computer"), "{}", e.message);

    // Another computer is not held back by this one's guesses.
    let (_, body) = server.raw(
        "127.0.0.2",
        true,
        post(None, br#"{"command": "session_unlock", "args": {"username": "reports", "passphrase": "x"}}"#, None),
    );
    assert!(!body.contains("too_many_attempts"), "{body}");
}

/// `carers-desk-cli --server`: built beside the server by the core's tests (`cargo test` at
/// the root, which .ci/test runs first).
fn cli(server: &Server, config: &std::path::Path, args: &[&str]) -> std::process::Output {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_carers-desk-server"))
        .with_file_name(format!("carers-desk-cli{}", std::env::consts::EXE_SUFFIX));
    assert!(exe.exists(), "{} is missing: build it first with cargo build --bin carers-desk-cli", exe.display());
    Command::new(exe)
        .args(["--server", &format!("https://{}", server.address), "--user", "support"])
        .args(args)
        .env("CARERS_DESK_PASSPHRASE", "support passphrase")
        .env("CARERS_DESK_CONFIG_DIR", config)
        .env_remove("CARERS_DESK_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_cli_trusts_the_server_on_first_use_and_then_only_that_certificate() {
    let server = start(&[]);
    let config = tempfile::tempdir().unwrap();

    // First connection, nobody to ask: the fingerprint is shown, nothing is sent.
    let o = cli(&server, config.path(), &["call", "carer_search", "{}"]);
    assert_eq!(o.status.code(), Some(2));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains(&server.fingerprint) && said.contains("--fingerprint"), "{said}");

    let o = cli(
        &server,
        config.path(),
        &["--fingerprint", &server.fingerprint.to_lowercase(), "call", "carer_search", "{}"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let found: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(found["total"].as_u64().unwrap() > 0);

    // Pinned now: no --fingerprint needed, and the core's errors come back as they are.
    let o = cli(&server, config.path(), &["call", "carer_get", r#"{"id": 999999}"#]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(serde_json::from_slice::<Value>(&o.stdout).unwrap()["code"], "not_found");

    // Another certificate at the same address is refused.
    let pins = config.path().join("servers.json");
    let mut pinned: Value = serde_json::from_str(&std::fs::read_to_string(&pins).unwrap()).unwrap();
    pinned[server.address.to_string()] = json!(remote::fingerprint(b"another certificate"));
    std::fs::write(&pins, pinned.to_string()).unwrap();
    let o = cli(&server, config.path(), &["call", "carer_search", "{}"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(serde_json::from_slice::<Value>(&o.stdout).unwrap()["code"], "certificate_changed");
}
