//! Health and metrics, for load balancers and Prometheus. Neither needs the
//! token: they reveal no receipt.

use super::{log_outage, outage_over, retry_later, text, App};
use crate::db::WRITES_FAIL;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// 200 when the database answers (and, on SQLite, its file is in place)
/// and writes work (see `Database::health`); 503 with the kind of failure
/// otherwise (the detail, with paths and the database's own words, goes to
/// the log: anyone may ask here). Its own wording, not a read's "nothing
/// was stored or read": the reason may well be that reads work and writes
/// do not.
pub async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.db.health().await {
        Ok(()) => {
            app.metrics.database_up.set(1);
            outage_over();
            text(StatusCode::OK, "ok")
        }
        Err(e) => {
            app.metrics.database_up.set(0);
            log_outage(&e);
            let what = if e.reason.starts_with(WRITES_FAIL) {
                WRITES_FAIL
            } else {
                "database unavailable"
            };
            retry_later(format!("unhealthy: {what}: {}", e.summary()))
        }
    }
}

pub async fn metrics(State(app): State<Arc<App>>) -> Response {
    let mut response = app.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}
