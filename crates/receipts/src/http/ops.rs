//! Health and metrics, for load balancers and Prometheus. Neither needs the
//! token: they reveal no receipt.

use super::{retry_later, text, App};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// 200 when the database answers (and, on SQLite, its file is in place)
/// and writes work (see `Database::health`); 503 with the reason otherwise.
/// Its own wording, not a read's "nothing was stored or read": the reason
/// may well be that reads work and writes do not.
pub async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.db.health().await {
        Ok(()) => {
            app.metrics.database_up.set(1);
            text(StatusCode::OK, "ok")
        }
        Err(e) => {
            app.metrics.database_up.set(0);
            retry_later(format!("unhealthy: {}", e.reason))
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
