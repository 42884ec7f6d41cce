//! The one endpoint: `POST /v1/call` with `{command, args}` and, once signed in,
//! `Authorization: Bearer <token>`. Answers the command's JSON result (200), or the core's
//! `{code, message, field, errors}` with an HTTP status that says the same.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use carers_desk::{ApiError, Context, Desk};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::sessions::{Limiter, Refused, Table};

/// The largest request taken: commands are small JSON documents (a photo for a card, sent
/// inline, is the largest).
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// How long a client may take to send its request once it has begun.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Server {
    pub db: std::path::PathBuf,
    pub sessions: Table,
    pub limiter: Limiter,
    /// The arguments that name a file or folder, per command (printing to a PDF, a backup
    /// folder, imports, exports): such a path would be on the server's disk, not the caller's,
    /// so a call that gives one is refused. Without one (a backup to the server's own backup
    /// folder, verifying the audit trail against its own anchors) the command runs.
    pub file_args: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Call {
    command: String,
    #[serde(default = "empty_args")]
    args: Value,
}

fn empty_args() -> Value {
    Value::Object(Default::default())
}

type Answer = Response<Full<Bytes>>;

fn answer(status: StatusCode, body: &Value) -> Answer {
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a response with valid headers")
}

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Answer {
    let error = ApiError::new(code, message);
    answer(status, &serde_json::to_value(error).expect("errors serialise"))
}

/// The HTTP status for a core error.
fn status_for(e: &ApiError) -> StatusCode {
    match e.code.as_str() {
        "not_found" | "unknown_command" => StatusCode::NOT_FOUND,
        "not_permitted" => StatusCode::FORBIDDEN,
        "locked" | "wrong_passphrase" | "wrong_recovery_key" => StatusCode::UNAUTHORIZED,
        "conflict" => StatusCode::CONFLICT,
        "wait" => StatusCode::TOO_MANY_REQUESTS,
        "storage" | "database_location" | "key_file" | "pdf" | "server" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn from_core(result: Result<Value, ApiError>) -> Answer {
    match result {
        Ok(v) => answer(StatusCode::OK, &v),
        Err(e) => answer(status_for(&e), &serde_json::to_value(&e).expect("errors serialise")),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The context of a call from `address`: the core replaces the actor with the signed-in
/// account; the server gives the day and the computer.
fn context(address: IpAddr) -> Context {
    Context::desktop(today()).from_computer(address.to_string())
}

/// Runs blocking core work off the network threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Answer> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        eprintln!("carers-desk-server: a command stopped unexpectedly: {e}");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, "server", "the server could not finish that command: try again, and if it keeps happening tell whoever runs the server")
    })
}

pub async fn handle(
    server: Arc<Server>,
    address: IpAddr,
    request: Request<Incoming>,
) -> Result<Answer, std::convert::Infallible> {
    Ok(match serve(server, address, request).await {
        Ok(a) | Err(a) => a,
    })
}

fn names_a_file(server: &Server, command: &str, args: &Value) -> bool {
    let given = |v: &Value| match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    };
    server.file_args.get(command).is_some_and(|names| names.iter().any(|n| args.get(n).is_some_and(given)))
}

fn too_large() -> Answer {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "the request is larger than the server takes ({} MB at most): send less at once",
            MAX_BODY / 1024 / 1024
        ),
    )
}

async fn serve(server: Arc<Server>, address: IpAddr, request: Request<Incoming>) -> Result<Answer, Answer> {
    if request.uri().path() != carers_desk::remote::CALL_PATH {
        return Err(refuse(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("this is a Carers Desk server: send commands to {}", carers_desk::remote::CALL_PATH),
        ));
    }
    if request.method() != hyper::Method::POST {
        return Err(refuse(StatusCode::METHOD_NOT_ALLOWED, "bad_request", "send commands with POST"));
    }
    let token = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let body = match tokio::time::timeout(BODY_TIMEOUT, Limited::new(request.into_body(), MAX_BODY).collect()).await {
        Err(_) => {
            return Err(refuse(
                StatusCode::REQUEST_TIMEOUT,
                "too_slow",
                "the request took too long to arrive: check the network and try again",
            ))
        }
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => return Err(too_large()),
        Ok(Err(e)) => {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("the request could not be read ({e}): try again"),
            ))
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let call: Call = serde_json::from_slice(&body).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the request is not a Carers Desk command ({e}): send {{\"command\": \"name\", \"args\": {{...}}}} as JSON"),
        )
    })?;
    let command = call.command.as_str();
    if matches!(command, "session_setup_begin" | "session_setup_finish" | "session_recover" | "backup_restore")
        || names_a_file(&server, command, &call.args)
    {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "not_on_server",
            match command {
                "session_setup_begin" | "session_setup_finish" => "set up a register on the server computer itself, with carers-desk-cli init, before serving it".to_string(),
                "session_recover" | "backup_restore" => format!("{command} is done by an administrator on the server computer itself, with carers-desk-cli (docs/server.md)"),
                _ => format!("{command} reads or writes a file, which over the server would be on the server's disk: it is not available through the server yet"),
            },
        ));
    }
    match (command, token) {
        ("session_unlock", _) => sign_in(server, address, call.args).await,
        ("session_status", None) => {
            let db = server.db.clone();
            let status = blocking(move || {
                Desk::open(&db).and_then(|desk| desk.call(&context(address), "session_status", empty_args()))
            })
            .await?;
            // Who signed in last is this server's business, not every caller's.
            Ok(from_core(status.map(|mut s| {
                s["last_username"] = Value::Null;
                s
            })))
        }
        (_, None) => {
            Err(refuse(StatusCode::UNAUTHORIZED, "signed_out", "you are not signed in to the server: sign in first"))
        }
        (_, Some(token)) => {
            let session = server.sessions.take_turn(&token, address).map_err(|refused| match refused {
                Refused::Unknown => refuse(
                    StatusCode::UNAUTHORIZED,
                    "signed_out",
                    "your session on the server has ended: sign in again",
                ),
                Refused::Expired(s) => {
                    if let Some(s) = s {
                        close(s);
                    }
                    let minutes = server.sessions.idle.as_secs().div_ceil(60);
                    refuse(
                        StatusCode::UNAUTHORIZED,
                        "session_expired",
                        format!(
                            "you were signed out after {minutes} minute{} without use: sign in again",
                            if minutes == 1 { "" } else { "s" }
                        ),
                    )
                }
                Refused::OtherAddress(s) => {
                    eprintln!(
                        "carers-desk-server: {}'s session was sent from {address}, not {}: ended",
                        s.username, s.address
                    );
                    close(s);
                    refuse(
                        StatusCode::UNAUTHORIZED,
                        "signed_out",
                        "that session belongs to another computer and has been ended: sign in on this one",
                    )
                }
            })?;
            let desk = session.desk.clone();
            let name = call.command.clone();
            let result = blocking(move || desk.call(&context(address), &name, call.args)).await?;
            if result.is_ok() && matches!(command, "session_sign_out" | "session_lock") {
                server.sessions.remove(&token);
            }
            Ok(from_core(result))
        }
    }
}

/// Ends a session whose person is not there: signed out in the core (audited), in the
/// background.
pub fn close(session: Arc<crate::sessions::Session>) {
    tokio::task::spawn_blocking(move || {
        let _ = session.desk.close();
    });
}

async fn sign_in(server: Arc<Server>, address: IpAddr, args: Value) -> Result<Answer, Answer> {
    let username = args.get("username").and_then(Value::as_str).unwrap_or_default().to_string();
    if let Err(limited) = server.limiter.check(&username, address) {
        return Err(refuse(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", limited.message));
    }
    let db = server.db.clone();
    let opened = blocking(move || {
        let desk = Desk::open(&db)?;
        let status = desk.call(&context(address), "session_unlock", args)?;
        Ok::<_, ApiError>((desk, status))
    })
    .await?;
    match opened {
        Ok((desk, mut status)) => {
            server.limiter.succeeded(&username);
            let token = server.sessions.insert(Arc::new(desk), address, username);
            status["token"] = Value::String(token);
            status["last_username"] = Value::Null;
            Ok(answer(StatusCode::OK, &status))
        }
        Err(e) => {
            if matches!(e.code.as_str(), "wrong_passphrase" | "wait" | "validation" | "not_permitted") {
                server.limiter.failed(&username, address);
            }
            Err(answer(status_for(&e), &serde_json::to_value(&e).expect("errors serialise")))
        }
    }
}
