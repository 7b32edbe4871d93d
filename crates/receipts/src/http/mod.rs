//! The HTTP API (axum):
//!
//! | route | who | what |
//! |---|---|---|
//! | `POST /receipts` | the widget (`sendBeacon`) | store one receipt |
//! | `OPTIONS /receipts` | browsers, for `fetch` with JSON | CORS preflight |
//! | `GET /receipts/{id}` | privacy team, bearer token | one consent id's history |
//! | `DELETE /receipts/{id}` | privacy team, bearer token | erase one consent id's receipts |
//! | `GET /export?from=&to=&format=` | privacy team, bearer token | NDJSON or CSV, streamed |
//! | `GET /healthz` | load balancer | database reachable, last write worked? |
//! | `GET /metrics` | Prometheus | counters and latency |

mod erase;
mod ingest;
pub use ingest::now_ms;
mod ops;
mod privacy;

use crate::auth::Token;
use crate::db::Database;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::writer::Writer;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// Everything a request may need, shared by all of them.
pub struct App {
    /// Where receipts are stored.
    pub db: Arc<Database>,
    /// The batching writer in front of the database.
    pub writer: Writer,
    /// The Prometheus counters served at /metrics.
    pub metrics: Arc<Metrics>,
    /// Per-client request limits.
    pub limiter: Arc<RateLimiter>,
    /// Normalized origins; empty means any origin.
    pub allowed_origins: Vec<String>,
    /// Trust `X-Forwarded-For` for the client's address (only behind a proxy that sets it).
    pub forwarded_for: bool,
    /// The token for the read and erase endpoints; `None` leaves them closed.
    pub token: Option<Token>,
    /// One permit per export under way, at most [`Database::export_slots`].
    pub exports: Arc<tokio::sync::Semaphore>,
}

/// The service's routes over the shared `app`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/receipts", post(ingest::ingest).options(ingest::preflight))
        .route("/receipts/{id}", get(privacy::lookup).delete(erase::erase))
        .route("/export", get(privacy::export))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .fallback(not_found)
        // The `Allow` header axum adds stays; the body says it in words.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(catch_panic))
        .with_state(app)
}

/// 404, readable by a page on an allowed origin: a site whose receiptUrl
/// is wrong (`/receipts/` with a slash, say) then sees this answer in its
/// console, not a bare "Failed to fetch" from a missing CORS header.
async fn not_found(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let answer = text(
        StatusCode::NOT_FOUND,
        "not found (receipts go to POST /receipts, with no trailing slash)",
    );
    ingest::with_cors(&app, &headers, answer)
}

/// 405, readable by a page on an allowed origin, as [`not_found`] is.
async fn method_not_allowed(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let answer = text(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed here (the Allow header lists the ones that are)",
    );
    ingest::with_cors(&app, &headers, answer)
}

/// A bug in one request's handling answers 500 to that request and leaves
/// the service running.
async fn catch_panic(request: Request, next: Next) -> Response {
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!("a request handler panicked; answered 500");
            text(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// A plain-text answer that no browser will sniff or cache.
pub fn text(status: StatusCode, message: impl Into<String>) -> Response {
    let mut body = message.into();
    body.push('\n');
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A lookup or export that failed: 500 for a stored row that cannot be read
/// (retrying cannot help; the reason names the row for whoever mends it),
/// 503 with a hint to retry otherwise.
pub fn read_failed(e: &crate::db::Unavailable) -> Response {
    if e.unreadable_row {
        tracing::error!(reason = %e.reason, "a stored receipt cannot be read");
        return text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "a stored receipt cannot be read, nothing was changed: {}",
                e.reason
            ),
        );
    }
    unavailable(e)
}

/// 503 for a read that the database could not answer: the kind of
/// failure in the answer, the detail in the log (see [`log_outage`]).
pub fn unavailable(e: &crate::db::Unavailable) -> Response {
    log_outage(e);
    retry_later(format!(
        "database unavailable, nothing was stored or read: {}",
        e.summary()
    ))
}

/// The reason last logged by [`log_outage`], while the outage lasts.
static OUTAGE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Logs why the database is unavailable, the full detail (paths, the
/// database's own words) that answers leave out: once per outage and
/// reason, not once per request (a load balancer asks every few seconds).
pub fn log_outage(e: &crate::db::Unavailable) {
    let mut last = OUTAGE.lock().unwrap_or_else(|e| e.into_inner());
    // `/healthz` words the same reason with a prefix: one outage, one line.
    let reason = e.reason.trim_start_matches("database unavailable: ");
    if last
        .as_deref()
        .map(|l| l.trim_start_matches("database unavailable: "))
        != Some(reason)
    {
        // A warning: a failed write is the writer's error already.
        tracing::warn!(reason = %e.reason, "database unavailable");
        *last = Some(e.reason.clone());
    }
}

/// The database works again: the next outage is logged anew.
pub fn outage_over() {
    if OUTAGE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .is_some()
    {
        tracing::info!("database available again");
    }
}

/// 503 with `message` and `Retry-After: 5`.
pub fn retry_later(message: String) -> Response {
    let mut response = text(StatusCode::SERVICE_UNAVAILABLE, message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}
