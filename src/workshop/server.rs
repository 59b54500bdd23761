//! The workshop's HTTP server: the participants' and trainer's pages and the JSON API, on tokio in a
//! thread of its own so the game window never waits on the network. It answers only the local network,
//! limits bodies and text, rate-limits wrong room codes, and answers every bad request with a status
//! and a sentence, never a crash.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::live::{Join, Live};
use super::report;
use super::room::{JudgementBody, Refusal};

/// The largest request body taken.
pub const BODY_LIMIT: usize = 16 * 1024;
/// Wrong room codes one address may try in a minute.
const WRONG_CODES_PER_ADDRESS: u32 = 10;
/// Wrong room codes the whole network may try in a minute (many addresses, one attacker).
const WRONG_CODES_IN_ALL: u32 = 60;

/// A running server. Dropping it stops it.
pub struct Server {
    pub addr: SocketAddr,
    pub join: Join,
    /// The trainer's page with the facilitator token after `#`.
    pub facilitator_url: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Counts wrong room codes in the current minute, per address and in all.
#[derive(Default)]
struct Limiter {
    window: Option<Instant>,
    by_address: HashMap<IpAddr, u32>,
    total: u32,
}

impl Limiter {
    fn roll(&mut self) {
        let now = Instant::now();
        if self
            .window
            .is_none_or(|w| now.duration_since(w) >= Duration::from_secs(60))
        {
            self.window = Some(now);
            self.by_address.clear();
            self.total = 0;
        }
    }

    fn is_blocked(&mut self, ip: IpAddr) -> bool {
        self.roll();
        self.total >= WRONG_CODES_IN_ALL
            || self.by_address.get(&ip).copied().unwrap_or(0) >= WRONG_CODES_PER_ADDRESS
    }

    fn wrong(&mut self, ip: IpAddr) {
        self.roll();
        *self.by_address.entry(ip).or_default() += 1;
        self.total += 1;
    }
}

#[derive(Clone)]
struct App {
    live: Arc<Live>,
    limiter: Arc<Mutex<Limiter>>,
}

/// Whether an address is on this machine or the local network: loopback, private or link-local.
pub fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_local(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// This machine's address on the local network, as phones would reach it (no packet is sent).
pub fn lan_address() -> IpAddr {
    let found = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .and_then(|s| s.connect((Ipv4Addr::new(10, 254, 254, 254), 9)).map(|_| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip());
    match found {
        Ok(ip) if !ip.is_unspecified() => ip,
        _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

impl Server {
    /// Listens on `bind:port` (port 0: any free port) and serves `live` until stopped.
    pub fn start(live: Arc<Live>, bind: IpAddr, port: u16) -> Result<Server, String> {
        let listener = TcpListener::bind((bind, port))
            .map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot listen: {e}"))?;
        let host = if bind.is_unspecified() {
            lan_address()
        } else {
            bind
        };
        let base = match host {
            IpAddr::V6(v6) => format!("http://[{v6}]:{}", addr.port()),
            IpAddr::V4(v4) => format!("http://{v4}:{}", addr.port()),
        };
        let (code, token) = {
            let room = live.room();
            (room.code.clone(), room.facilitator.clone())
        };
        let join = Join {
            url: format!("{base}/?room={code}"),
            base: base.clone(),
        };
        live.set_join(join.clone());
        let app = router(App {
            live,
            limiter: Arc::default(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("workshop-server")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let thread = std::thread::Builder::new()
            .name("workshop".into())
            .spawn(move || serve(runtime, listener, app, stopped))
            .map_err(|e| format!("cannot start the server: {e}"))?;
        Ok(Server {
            addr,
            join,
            facilitator_url: format!("{base}/facilitator#{token}"),
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Blocks until the server stops (for `--headless`, where it runs until interrupted).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    app: Router,
    stopped: oneshot::Receiver<()>,
) {
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
            eprintln!("workshop: cannot hand the socket to the server");
            return;
        };
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = result {
            eprintln!("workshop: the server stopped: {e}");
        }
    });
}

fn router(app: App) -> Router {
    Router::new()
        .route(
            "/",
            get(|| page("text/html", include_str!("pages/join.html"))),
        )
        .route(
            "/participant.js",
            get(|| page("text/javascript", include_str!("pages/participant.js"))),
        )
        .route(
            "/facilitator",
            get(|| page("text/html", include_str!("pages/facilitator.html"))),
        )
        .route(
            "/facilitator.js",
            get(|| page("text/javascript", include_str!("pages/facilitator.js"))),
        )
        .route(
            "/common.js",
            get(|| page("text/javascript", include_str!("pages/common.js"))),
        )
        .route(
            "/style.css",
            get(|| page("text/css", include_str!("pages/style.css"))),
        )
        .route("/api/room", post(check_room))
        .route("/api/join", post(join))
        .route("/api/state", get(participant_state))
        .route("/api/judgement", post(judgement))
        .route("/api/share", post(share))
        .route("/api/facilitator/state", get(facilitator_state))
        .route("/api/facilitator/action", post(take_action))
        .route("/api/facilitator/sharing", post(sharing))
        .route("/api/facilitator/open-checkpoint", post(open_checkpoint))
        .route("/api/facilitator/close-checkpoint", post(close_checkpoint))
        .route("/api/facilitator/reveal", post(reveal))
        .route("/api/facilitator/results", get(results))
        .route("/api/facilitator/devils-advocate", post(devils_advocate))
        .route("/api/facilitator/group-judgement", post(group_judgement))
        .route("/api/facilitator/decide", post(decide))
        .route("/api/facilitator/report", get(report_page))
        .route("/api/facilitator/briefs", get(briefs_page))
        .fallback(|| async { refuse(404, "there is nothing at this address") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(local_only))
        .layer(middleware::from_fn(safe_headers))
        .with_state(app)
}

async fn page(kind: &'static str, body: &'static str) -> Response {
    let kind = HeaderValue::from_str(&format!("{kind}; charset=utf-8"))
        .unwrap_or(HeaderValue::from_static("text/plain"));
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

/// Refuses anyone outside the local network.
async fn local_only(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if !is_local(peer.ip()) {
        return refuse(403, "this workshop answers only the local network");
    }
    next.run(req).await
}

/// Pages may run only their own scripts (inline styles are allowed, so a printed report opened from
/// the trainer's page keeps its layout), are never framed or cached, and send no referrer.
async fn safe_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refuse(status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(json!({ "error": message }))).into_response()
}

fn refused(r: Refusal) -> Response {
    refuse(r.status, &r.message)
}

/// A refusal with this status.
fn no(status: u16, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
    }
}

/// A JSON body of the expected shape, or the response that says what is wrong with it.
fn parse<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, Refusal> {
    let bytes = body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            no(
                413,
                format!("the request is larger than {} KiB", BODY_LIMIT / 1024),
            )
        } else {
            no(status.as_u16(), rejection.body_text())
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        no(
            400,
            format!("the request is not valid JSON of the expected shape: {e}"),
        )
    })
}

fn bearer(headers: &HeaderMap) -> Result<String, Refusal> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            no(
                401,
                "this needs your token (Authorization: Bearer …): join the room first",
            )
        })
}

fn as_participant(app: &App, headers: &HeaderMap) -> Result<String, Refusal> {
    let token = bearer(headers)?;
    if app.live.room().participant(&token).is_none() {
        return Err(no(403, "that token is not one of this room's: join again"));
    }
    Ok(token)
}

fn as_facilitator(app: &App, headers: &HeaderMap) -> Result<(), Refusal> {
    let token = bearer(headers)?;
    if !app.live.room().is_facilitator(&token) {
        return Err(no(403, "only the trainer can do this"));
    }
    Ok(())
}

/// Runs `f`: its JSON, or the refusal as a status and a sentence.
fn answer(f: impl FnOnce() -> Result<Value, Refusal>) -> Response {
    match f() {
        Ok(value) => axum::Json(value).into_response(),
        Err(r) => refused(r),
    }
}

/// Runs `f`: its page, or the refusal.
fn answer_page(f: impl FnOnce() -> Result<String, Refusal>) -> Response {
    match f() {
        Ok(page) => html(page),
        Err(r) => refused(r),
    }
}

#[derive(Deserialize)]
struct RoomBody {
    room: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    agency: Option<String>,
    /// The joining form's own id: a join sent again with it gets the same place back.
    #[serde(default)]
    client: Option<String>,
}

/// Checks the room code, counting wrong ones against the address that sent them.
fn check_code(app: &App, ip: IpAddr, code: &str) -> Result<(), Refusal> {
    let mut limiter = app.limiter.lock().unwrap_or_else(|e| e.into_inner());
    if limiter.is_blocked(ip) {
        return Err(no(
            429,
            "too many wrong room codes: wait a minute and try again",
        ));
    }
    if !app.live.room().is_code(code) {
        limiter.wrong(ip);
        return Err(no(403, "that is not this room's code: check the screen"));
    }
    Ok(())
}

async fn check_room(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        let body: RoomBody = parse(body)?;
        check_code(&app, peer.ip(), &body.room)?;
        let room = app.live.room();
        let agencies: Vec<Value> = room
            .agencies
            .iter()
            .map(|&a| json!({"id": room.case.agencies[a], "label": room.agency_label(a)}))
            .collect();
        Ok(json!({"title": room.case.case.title, "agencies": agencies}))
    })
}

async fn join(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        let body: RoomBody = parse(body)?;
        check_code(&app, peer.ip(), &body.room)?;
        let p = app.live.join_once(
            body.client.as_deref(),
            body.name.as_deref(),
            body.agency.as_deref(),
        )?;
        Ok(json!({"participant": p.token, "name": p.name, "agency": p.agency}))
    })
}

async fn participant_state(State(app): State<App>, headers: HeaderMap) -> Response {
    answer(|| {
        let token = bearer(&headers)?;
        app.live.participant_view(&token)
    })
}

async fn judgement(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        let token = as_participant(&app, &headers)?;
        let body: JudgementBody = parse(body)?;
        if body.checkpoint.is_none() {
            return Err(no(
                400,
                "say which checkpoint the judgement is for (\"checkpoint\")",
            ));
        }
        let replaced = app.live.submit(&token, &body)?;
        Ok(json!({ "replaced": replaced }))
    })
}

#[derive(Deserialize)]
struct ShareBody {
    finding: String,
}

async fn share(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        let token = as_participant(&app, &headers)?;
        let body: ShareBody = parse(body)?;
        let shared = app.live.share(&token, &body.finding)?;
        Ok(json!({ "shared": shared.finding }))
    })
}

async fn facilitator_state(State(app): State<App>, headers: HeaderMap) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        Ok(app.live.facilitator_view())
    })
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
}

async fn take_action(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let body: ActionBody = parse(body)?;
        app.live.change(|room| room.take_action(&body.action))?;
        Ok(json!({ "taken": body.action }))
    })
}

#[derive(Deserialize)]
struct SharingBody {
    open: bool,
}

async fn sharing(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let body: SharingBody = parse(body)?;
        app.live.change(|room| {
            room.set_sharing(body.open);
            Ok(())
        })?;
        Ok(json!({ "sharing_open": body.open }))
    })
}

#[derive(Deserialize, Default)]
struct CheckpointBody {
    #[serde(default)]
    checkpoint: Option<String>,
}

/// An empty body counts as `{}`.
fn parse_or_empty<T: DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, Refusal> {
    match &body {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(T::default()),
        _ => parse(body),
    }
}

async fn open_checkpoint(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let body: CheckpointBody = parse_or_empty(body)?;
        let value = app.live.change(|room| {
            room.open_round(body.checkpoint.as_deref())?;
            Ok(room.facilitator_view(Value::Null)["checkpoint"].clone())
        })?;
        Ok(json!({
            "checkpoint": value["id"],
            "prompt": value["prompt"],
            "hypotheses": value["hypotheses"],
        }))
    })
}

async fn close_checkpoint(State(app): State<App>, headers: HeaderMap) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let (checkpoint, n) = app.live.change(|room| room.close_round())?;
        Ok(json!({"checkpoint": checkpoint, "submissions": n}))
    })
}

async fn reveal(State(app): State<App>, headers: HeaderMap) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let checkpoint = app.live.change(|room| room.reveal())?;
        Ok(json!({ "revealed": checkpoint }))
    })
}

#[derive(Deserialize)]
struct ResultsQuery {
    checkpoint: Option<String>,
}

async fn results(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<ResultsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let Ok(Query(q)) = query else {
            return Err(no(400, "the query is not valid: use ?checkpoint=ID"));
        };
        let room = app.live.room();
        let checkpoint = q
            .checkpoint
            .or_else(|| room.active.map(|i| room.rounds[i].checkpoint.clone()))
            .ok_or_else(|| no(400, "say which checkpoint: ?checkpoint=ID"))?;
        room.results(&checkpoint)
    })
}

async fn devils_advocate(State(app): State<App>, headers: HeaderMap) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let p = app.live.change(|room| room.next_devils_advocate())?;
        Ok(json!({"name": p.name, "agency": p.agency}))
    })
}

async fn group_judgement(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let body: JudgementBody = parse(body)?;
        let group = app.live.record_group(&body)?;
        Ok(json!({
            "polarisation": {"verdict": group.verdict, "text": group.polarisation},
        }))
    })
}

#[derive(Deserialize)]
struct DecideBody {
    decision: String,
    #[serde(default)]
    rationale: String,
}

async fn decide(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(|| {
        as_facilitator(&app, &headers)?;
        let body: DecideBody = parse(body)?;
        app.live
            .change(|room| room.decide(&body.decision, &body.rationale))?;
        let outcome = app.live.room().play.outcome().map(str::to_string);
        let (report, briefs) = app.live.finish().map_err(|e| no(500, &e))?;
        Ok(json!({
            "outcome": outcome,
            "report": report.display().to_string(),
            "briefs": briefs.display().to_string(),
        }))
    })
}

fn html(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

async fn report_page(State(app): State<App>, headers: HeaderMap) -> Response {
    answer_page(|| {
        as_facilitator(&app, &headers)?;
        let join = app.live.join_info();
        Ok(report::workshop(&app.live.room(), join.as_ref()))
    })
}

async fn briefs_page(State(app): State<App>, headers: HeaderMap) -> Response {
    answer_page(|| {
        as_facilitator(&app, &headers)?;
        Ok(report::briefs(&app.live.room()))
    })
}
