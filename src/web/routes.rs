//! The routes: joining, the group's page and its saves, the facilitator's
//! dashboard, projector page and actions, the event streams, the assets,
//! and the watcher that notices changes made by other processes.
//!
//! Every store call runs on a blocking thread while the store is held, so
//! that a save is committed before its response is sent.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::guard::{self, FACILITATOR_COOKIE, GROUP_COOKIE, MAX_BODY};
use super::pages::{self, Now};
use super::words::Words;
use super::{App, WebError};
use crate::input::Place;
use crate::session::{self, join, runner};
use crate::store::{Store, StoreError};

type Shared = State<Arc<App>>;

/// Every route of the server.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(join_page))
        .route("/join", post(join_post))
        .route("/group", get(group_page))
        .route("/group/answer", post(group_answer))
        .route("/group/events", get(group_events))
        .route("/f/{token}", get(facilitator_login))
        .route("/dashboard", get(dashboard))
        .route("/dashboard/grid", get(dashboard_grid))
        .route("/dashboard/events", get(dashboard_events))
        .route("/dashboard/{action}", post(dashboard_action))
        .route("/projector", get(projector))
        .route("/assets/{name}", get(asset))
        .fallback(not_found)
        .layer(axum::middleware::map_response(headers))
        .with_state(app)
}

/// Headers on every response: no framing, no sniffing, no referrer to
/// another site (with none at all, browsers send `Origin: null`), and
/// nothing from any other origin.
async fn headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Runs `work` with the store on a blocking thread.
async fn with_store<T: Send + 'static>(
    app: &Arc<App>,
    work: impl FnOnce(&App, &mut Store) -> T + Send + 'static,
) -> T {
    let app = app.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let mut store = app.store();
        work(&app, &mut store)
    });
    match handle.await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

fn message(app: &App, w: &'static Words, status: StatusCode, text: &str, detail: &str) -> Response {
    let html = pages::render(
        &app.env,
        "message.html",
        &json!({
            "w": w, "heading": w.join_title, "message": text, "detail": detail,
            "back": "/", "back_label": w.join_button,
        }),
    );
    page(status, html)
}

/// A failure of a request: its status and what the page or script shows.
struct Refusal {
    status: StatusCode,
    text: String,
}

impl Refusal {
    fn new(status: StatusCode, text: impl Into<String>) -> Refusal {
        Refusal {
            status,
            text: text.into(),
        }
    }

    fn internal(e: impl std::fmt::Display) -> Refusal {
        Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        Refusal::internal(e)
    }
}

/// The body of a request, at most [`MAX_BODY`] bytes, as form pairs.
async fn form(body: Body, w: &Words) -> Result<Vec<(String, String)>, Refusal> {
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| Refusal::new(StatusCode::PAYLOAD_TOO_LARGE, w.body_too_large))?;
    Ok(form_urlencoded::parse(&bytes).into_owned().collect())
}

fn field<'f>(pairs: &'f [(String, String)], name: &str) -> Option<&'f str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The group a request's cookie names: (session, group, code).
fn group_of(app: &App, store: &Store, headers: &HeaderMap) -> Option<(String, String, String)> {
    let code = join::normalize(guard::cookie(headers, GROUP_COOKIE)?)?;
    let (session, group) = store.group_by_join_code(&code).ok()??;
    app.sessions
        .contains_key(&session)
        .then_some((session, group, code))
}

fn is_facilitator(app: &App, headers: &HeaderMap) -> bool {
    guard::cookie(headers, FACILITATOR_COOKIE).is_some_and(|t| guard::same(t, &app.token))
}

/// A served session as it is now in the store.
fn now<'a>(app: &'a App, store: &Store, id: &str) -> Result<Now<'a>, StoreError> {
    Ok(Now {
        session: &app.sessions[id],
        assignments: store.assignments(id)?,
        locks: store.locks(id)?,
        responses: store.responses(id)?,
        closed: store.session(id)?.closed_at.is_some(),
    })
}

// Joining.

async fn join_page(State(app): Shared, headers: HeaderMap) -> Response {
    let known = with_store(&app, move |app, store| {
        group_of(app, store, &headers).is_some()
    })
    .await;
    if known {
        return see_other("/group");
    }
    let w = app.default_words();
    page(
        StatusCode::OK,
        pages::render(&app.env, "join.html", &json!({ "w": w, "error": "" })),
    )
}

async fn join_post(
    State(app): Shared,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let w = app.default_words();
    let refuse = |status: StatusCode, error: &str| {
        page(
            status,
            pages::render(&app.env, "join.html", &json!({ "w": w, "error": error })),
        )
    };
    if !guard::same_origin(&headers) {
        return refuse(StatusCode::FORBIDDEN, w.forbidden);
    }
    if !app.guard.may_try(client.ip()) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, w.too_many_tries);
    }
    let pairs = match form(body, w).await {
        Ok(pairs) => pairs,
        Err(r) => return refuse(r.status, &r.text),
    };
    let typed = field(&pairs, "code").unwrap_or_default().to_string();
    let found = with_store(&app, move |app, store| {
        let code = join::normalize(&typed)?;
        let (session, _) = store.group_by_join_code(&code).ok()??;
        app.sessions.contains_key(&session).then_some(code)
    })
    .await;
    match found {
        Some(code) => {
            let mut response = see_other("/group");
            if let Ok(value) = HeaderValue::from_str(&guard::set_cookie(GROUP_COOKIE, &code)) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        None => {
            app.guard.wrong_code(client.ip());
            refuse(StatusCode::UNAUTHORIZED, w.wrong_code)
        }
    }
}

// The group's page.

#[derive(serde::Deserialize, Default)]
struct GroupQuery {
    saved: Option<String>,
}

async fn group_page(
    State(app): Shared,
    headers: HeaderMap,
    Query(query): Query<GroupQuery>,
) -> Response {
    with_store(&app, move |app, store| {
        let Some((session, group, code)) = group_of(app, store, &headers) else {
            return see_other("/");
        };
        let w = app.words(&session);
        let now = match now(app, store, &session) {
            Ok(now) => now,
            Err(e) => {
                return message(
                    app,
                    w,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &e.to_string(),
                    "",
                );
            }
        };
        let notice = if query.saved.is_some() { w.saved } else { "" };
        group_html(app, &now, &group, &code, w, notice, "", StatusCode::OK)
    })
    .await
}

#[allow(clippy::too_many_arguments)]
fn group_html(
    app: &App,
    now: &Now<'_>,
    group: &str,
    code: &str,
    w: &'static Words,
    notice: &str,
    error: &str,
    status: StatusCode,
) -> Response {
    let context = json!({
        "w": w,
        "group": group,
        "site": now.session.record.site,
        "csrf": guard::form_token(guard::GROUP_KEY, code),
        "closed": now.closed,
        "notice": notice,
        "error": error,
        "vignettes": pages::group_context(now, group, w),
    });
    page(status, pages::render(&app.env, "group.html", &context))
}

async fn group_answer(State(app): Shared, headers: HeaderMap, body: Body) -> Response {
    let w = app.default_words();
    let pairs = match form(body, w).await {
        Ok(pairs) => pairs,
        Err(r) => return message(&app, w, r.status, &r.text, ""),
    };
    let script = field(&pairs, "js") == Some("1");
    with_store(&app, move |app, store| {
        let outcome = save(app, store, &headers, &pairs);
        match (outcome, script) {
            (Ok((_, saved)), true) => {
                (StatusCode::OK, axum::Json(json!({ "saved": saved }))).into_response()
            }
            (Err(r), true) => (r.status, axum::Json(json!({ "error": r.text }))).into_response(),
            (Ok((anchor, _)), false) => see_other(&format!("/group?saved=1#{anchor}")),
            (Err(r), false) => match group_of(app, store, &headers) {
                Some((session, group, code)) if r.status != StatusCode::FORBIDDEN => {
                    let w = app.words(&session);
                    match now(app, store, &session) {
                        Ok(now) => group_html(app, &now, &group, &code, w, "", &r.text, r.status),
                        Err(e) => Refusal::internal(e).into_page(app),
                    }
                }
                _ => message(app, w, r.status, &r.text, w.login_again),
            },
        }
    })
    .await
}

/// Checks and stores the answers of one form (one stage, or only the prompt
/// named by `only`); returns the page anchor and the prompts saved.
fn save(
    app: &App,
    store: &mut Store,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<(String, Vec<String>), Refusal> {
    let Some((session_id, group, code)) = group_of(app, store, headers) else {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            app.default_words().login_again,
        ));
    };
    let w = app.words(&session_id);
    let token = field(pairs, "csrf").unwrap_or_default();
    if !guard::same_origin(headers)
        || !guard::same(token, &guard::form_token(guard::GROUP_KEY, &code))
    {
        return Err(Refusal::new(StatusCode::FORBIDDEN, w.forbidden));
    }
    let session = &app.sessions[&session_id];
    let vignette = field(pairs, "vignette").unwrap_or_default();
    let Ok(assignment) = session.assignment(&group, vignette) else {
        return Err(Refusal::new(StatusCode::NOT_FOUND, w.not_found));
    };
    let stage: usize = field(pairs, "stage")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let pinned = session.vignette(assignment);
    let Some(prompts) = stage
        .checked_sub(1)
        .and_then(|s| pinned.stages.get(s))
        .map(|s| &s.prompts)
    else {
        return Err(Refusal::new(StatusCode::NOT_FOUND, w.not_found));
    };
    if store.session(&session_id)?.closed_at.is_some() {
        return Err(Refusal::new(StatusCode::CONFLICT, w.closed));
    }
    let revealed = store
        .assignments(&session_id)?
        .into_iter()
        .find(|a| a.group == group && a.vignette == vignette)
        .map_or(0, |a| a.revealed);
    if stage as u32 > revealed {
        return Err(Refusal::new(StatusCode::CONFLICT, w.not_shown));
    }
    let locked = store
        .locks(&session_id)?
        .get(&(group.clone(), vignette.to_string()))
        .copied()
        .unwrap_or(0);
    if stage as u32 <= locked {
        return Err(Refusal::new(StatusCode::CONFLICT, w.locked));
    }
    let only = field(pairs, "only");
    let mut answers = Vec::new();
    for prompt in prompts.iter().filter(|p| only.is_none_or(|o| o == p.id)) {
        if let Some(value) = value_of(prompt, pairs, only.is_some(), w)? {
            let place = Place {
                file: "web".to_string(),
                line: None,
                pointer: format!("/{}", prompt.id),
            };
            answers.push((place, prompt.id.clone(), value));
        }
    }
    let records = session
        .check_answers(&group, vignette, &answers, "web")
        .map_err(|problems| {
            let said: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{} {}", w.not_valid, said.join("; ")),
            )
        })?;
    let saved: Vec<String> = records.iter().map(|r| r.prompt.clone()).collect();
    store
        .save_answers(&session_id, &records)
        .map_err(|e| match e {
            StoreError::Closed(_) => Refusal::new(StatusCode::CONFLICT, w.closed),
            e => Refusal::internal(e),
        })?;
    app.changed(&session_id);
    Ok((format!("st-{vignette}-{stage}"), saved))
}

/// The value a form gives one prompt: `None` when the form leaves it
/// unanswered (and `required` is false: the whole stage was sent).
fn value_of(
    prompt: &crate::bank::Prompt,
    pairs: &[(String, String)],
    required: bool,
    w: &Words,
) -> Result<Option<Value>, Refusal> {
    use crate::bank::PromptKind;
    let invalid = |text: String| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, text);
    let id = prompt.id.as_str();
    let one = field(pairs, id).unwrap_or_default();
    let value = match &prompt.kind {
        PromptKind::Text { max_length } => {
            let text = one.replace("\r\n", "\n");
            if text.trim().is_empty() {
                return if required {
                    Err(invalid(w.empty.to_string()))
                } else {
                    Ok(None)
                };
            }
            let n = text.chars().count();
            if n > *max_length as usize {
                return Err(invalid(
                    w.too_long
                        .replace("{n}", &n.to_string())
                        .replace("{max}", &max_length.to_string()),
                ));
            }
            Value::String(text)
        }
        PromptKind::Single { .. } => {
            if one.is_empty() {
                return Ok(None);
            }
            Value::String(one.to_string())
        }
        PromptKind::Likert { .. } => {
            if one.is_empty() {
                return Ok(None);
            }
            one.parse::<i64>()
                .map_or_else(|_| Value::String(one.to_string()), Value::from)
        }
        PromptKind::Multi { .. } => {
            let chosen: Vec<Value> = pairs
                .iter()
                .filter(|(k, _)| k == id)
                .map(|(_, v)| Value::String(v.clone()))
                .collect();
            if chosen.is_empty() && !required {
                return Ok(None);
            }
            Value::Array(chosen)
        }
        PromptKind::Rank {
            options,
            min_ranked,
        } => {
            let mut places = Vec::new();
            for option in options {
                let key = format!("{id}@{}", option.id);
                match field(pairs, &key).and_then(|v| v.parse::<usize>().ok()) {
                    Some(place) => places.push((place, option.id.clone())),
                    None if field(pairs, &key).unwrap_or_default().is_empty() => {}
                    None => return Err(invalid(w.rank_distinct.to_string())),
                }
            }
            if places.is_empty() && !required {
                return Ok(None);
            }
            places.sort();
            // Places 1, 2, 3, …: every option's, or the first ones' where a
            // partial ranking is allowed (the check says how many it needs).
            let complete = min_ranked.is_some() || places.len() == options.len();
            let distinct = complete && places.iter().enumerate().all(|(i, (p, _))| *p == i + 1);
            if !distinct {
                return Err(invalid(w.rank_distinct.to_string()));
            }
            Value::Array(
                places
                    .into_iter()
                    .map(|(_, id)| Value::String(id))
                    .collect(),
            )
        }
    };
    Ok(Some(value))
}

// Event streams.

/// Server-sent events for one session (`None`: every session): an event
/// `change` whenever what its pages show may have changed.
fn events(app: &Arc<App>, session: Option<String>) -> Response {
    let changes = app.changes.subscribe();
    let stopping = app.stopping.clone();
    let stream = futures_util::stream::unfold(
        (changes, stopping, session),
        |(mut changes, mut stopping, session)| async move {
            loop {
                if *stopping.borrow() {
                    return None;
                }
                tokio::select! {
                    _ = stopping.changed() => return None,
                    change = changes.recv() => match change {
                        Ok(changed) if session.as_ref().is_none_or(|s| *s == changed) => {
                            let event = Event::default().event("change").data(changed);
                            return Some((Ok::<_, Infallible>(event), (changes, stopping, session)));
                        }
                        Ok(_) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            let event = Event::default().event("change").data("");
                            return Some((Ok(event), (changes, stopping, session)));
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

async fn group_events(State(app): Shared, headers: HeaderMap) -> Response {
    let found = with_store(&app, move |app, store| group_of(app, store, &headers)).await;
    match found {
        Some((session, _, _)) => events(&app, Some(session)),
        None => StatusCode::FORBIDDEN.into_response(),
    }
}

/// Notices changes made by other processes (the terminal runner revealing
/// a stage, `session answer`, `session close`) once a second.
pub async fn watch(app: Arc<App>) {
    let mut seen: BTreeMap<String, crate::store::PaceStamp> = BTreeMap::new();
    let mut stopping = app.stopping.clone();
    loop {
        let stamps = with_store(&app, |app, store| {
            app.sessions
                .keys()
                .filter_map(|id| store.pace_stamp(id).ok().map(|s| (id.clone(), s)))
                .collect::<Vec<_>>()
        })
        .await;
        for (id, stamp) in stamps {
            if seen.get(&id).is_some_and(|old| *old != stamp) {
                app.changed(&id);
            }
            seen.insert(id, stamp);
        }
        tokio::select! {
            _ = stopping.changed() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

// The facilitator.

async fn facilitator_login(
    State(app): Shared,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> Response {
    if !app.guard.may_try(client.ip()) {
        let w = app.default_words();
        return message(&app, w, StatusCode::TOO_MANY_REQUESTS, w.too_many_tries, "");
    }
    if !guard::same(&token, &app.token) {
        app.guard.wrong_code(client.ip());
        return not_found(State(app)).await;
    }
    let mut response = see_other("/dashboard");
    if let Ok(value) = HeaderValue::from_str(&guard::set_cookie(FACILITATOR_COOKIE, &app.token)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Every served session as the dashboard's grid shows it.
fn grid_context(app: &App, store: &Store) -> Result<Value, StoreError> {
    let mut sessions = Vec::new();
    for id in app.sessions.keys() {
        let codes: BTreeMap<String, String> = store
            .join_codes(id)?
            .into_iter()
            .map(|c| (c.group, join::display(&c.code)))
            .collect();
        sessions.push(pages::session_grid(&now(app, store, id)?, &codes));
    }
    Ok(json!({
        "w": app.default_words(),
        "csrf": guard::form_token(&app.secret, &app.token),
        "address": app.address,
        "sessions": sessions,
    }))
}

async fn dashboard(State(app): Shared, headers: HeaderMap) -> Response {
    facilitator_page(app, headers, "dashboard.html").await
}

async fn dashboard_grid(State(app): Shared, headers: HeaderMap) -> Response {
    facilitator_page(app, headers, "grid.html").await
}

async fn facilitator_page(app: Arc<App>, headers: HeaderMap, template: &'static str) -> Response {
    if !is_facilitator(&app, &headers) {
        return forbidden(&app);
    }
    with_store(&app, move |app, store| match grid_context(app, store) {
        Ok(context) => page(StatusCode::OK, pages::render(&app.env, template, &context)),
        Err(e) => Refusal::internal(e).into_page(app),
    })
    .await
}

async fn dashboard_events(State(app): Shared, headers: HeaderMap) -> Response {
    if !is_facilitator(&app, &headers) {
        return forbidden(&app);
    }
    events(&app, None)
}

#[derive(serde::Deserialize, Default)]
struct ProjectorQuery {
    codes: Option<String>,
}

async fn projector(
    State(app): Shared,
    headers: HeaderMap,
    Query(query): Query<ProjectorQuery>,
) -> Response {
    if !is_facilitator(&app, &headers) {
        return forbidden(&app);
    }
    with_store(&app, move |app, store| {
        let grid = match grid_context(app, store) {
            Ok(grid) => grid,
            Err(e) => return Refusal::internal(e).into_page(app),
        };
        let context = json!({
            "w": app.default_words(),
            "address": app.address,
            "qr": pages::qr_svg(&app.address),
            "show_codes": query.codes.is_some(),
            "sessions": grid["sessions"],
        });
        page(
            StatusCode::OK,
            pages::render(&app.env, "projector.html", &context),
        )
    })
    .await
}

async fn dashboard_action(
    State(app): Shared,
    headers: HeaderMap,
    Path(action): Path<String>,
    body: Body,
) -> Response {
    let w = app.default_words();
    if !is_facilitator(&app, &headers) || !guard::same_origin(&headers) {
        return forbidden(&app);
    }
    let pairs = match form(body, w).await {
        Ok(pairs) => pairs,
        Err(r) => return r.into_page(&app),
    };
    let token = field(&pairs, "csrf").unwrap_or_default();
    if !guard::same(token, &guard::form_token(&app.secret, &app.token)) {
        return forbidden(&app);
    }
    let script = field(&pairs, "js") == Some("1");
    let outcome = with_store(&app, move |app, store| act(app, store, &action, &pairs)).await;
    match (outcome, script) {
        (Ok(()), true) => StatusCode::NO_CONTENT.into_response(),
        (Ok(()), false) => see_other("/dashboard"),
        (Err(r), _) => r.into_page(&app),
    }
}

/// Carries out a facilitator's action on a served session.
fn act(
    app: &App,
    store: &mut Store,
    action: &str,
    pairs: &[(String, String)],
) -> Result<(), Refusal> {
    let w = app.default_words();
    let id = field(pairs, "session").unwrap_or_default();
    if !app.sessions.contains_key(id) {
        return Err(Refusal::new(StatusCode::NOT_FOUND, w.not_found));
    }
    let group = field(pairs, "group");
    let closed = |e: StoreError| match e {
        StoreError::Closed(_) => Refusal::new(StatusCode::CONFLICT, w.closed),
        e => Refusal::internal(e),
    };
    match action {
        "reveal" => {
            // The terminal runner's own steps, so both faces pace alike.
            let session = session::load(store, id).map_err(Refusal::internal)?;
            let responses = store.responses(id)?;
            for g in session
                .groups
                .iter()
                .filter(|g| group.is_none_or(|only| only == g.label))
            {
                if let Some(step) = runner::position(&session, &responses, &g.label) {
                    runner::advance(store, &session, &step).map_err(closed)?;
                }
            }
        }
        "lock" => {
            for a in store.assignments(id)? {
                if a.revealed > 0 && group.is_none_or(|only| only == a.group) {
                    store
                        .lock(id, &a.group, &a.vignette, a.revealed)
                        .map_err(closed)?;
                }
            }
        }
        "close" => store.close(id).map_err(closed)?,
        "code" => {
            let Some(group) = group else {
                return Err(Refusal::new(StatusCode::NOT_FOUND, w.not_found));
            };
            join::new_code(store, id, group).map_err(Refusal::internal)?;
        }
        _ => return Err(Refusal::new(StatusCode::NOT_FOUND, w.not_found)),
    }
    app.changed(id);
    Ok(())
}

impl Refusal {
    fn into_page(self, app: &App) -> Response {
        message(app, app.default_words(), self.status, &self.text, "")
    }
}

fn forbidden(app: &App) -> Response {
    let w = app.default_words();
    message(app, w, StatusCode::FORBIDDEN, w.forbidden, "")
}

// Assets and the rest.

async fn asset(Path(name): Path<String>) -> Response {
    match pages::asset(&name) {
        Some((kind, text)) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            text,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn not_found(State(app): Shared) -> Response {
    let w = app.default_words();
    message(&app, w, StatusCode::NOT_FOUND, w.not_found, "")
}

impl From<WebError> for Refusal {
    fn from(e: WebError) -> Refusal {
        Refusal::internal(e)
    }
}
