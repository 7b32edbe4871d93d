//! `DELETE /receipts/{id}`: a visitor's erasure request, carried out by the
//! privacy team. The same token and the same rules as a lookup (`privacy.rs`):
//! whoever may read a visitor's receipts may erase them, and nobody else.
//! The consent id is never logged, here or anywhere: a log line saying that
//! a given id was erased would itself keep it.

use super::privacy::{authorize, json_response, query_params, NOT_A_CONSENT_ID};
use super::{text, App};
use crate::receipt::is_consent_id;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::Arc;

/// Deletes every receipt of one consent id: 200 with
/// `{"id":"…","deleted":N}` once the deletion is committed, 404 when there
/// was none.
pub async fn erase(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = query_params(&app, query.as_deref(), &[]) {
        return response;
    }
    if let Err(response) = authorize(&app, &headers) {
        return response;
    }
    if !is_consent_id(&id) {
        return text(StatusCode::BAD_REQUEST, NOT_A_CONSENT_ID);
    }
    match app.db.erase(&id).await {
        Ok(0) => text(
            StatusCode::NOT_FOUND,
            format!("no receipt for consent id {id}"),
        ),
        Ok(deleted) => {
            app.metrics.erased.inc_by(deleted);
            tracing::info!(deleted, "erasure request carried out");
            let body = format!("{{\"id\":\"{id}\",\"deleted\":{deleted}}}\n");
            json_response(StatusCode::OK, "application/json", Body::from(body))
        }
        Err(e) => {
            super::log_outage(&e);
            // Possibly committed into a file that was moved away: only a
            // successful answer says the receipts are gone.
            let mut response = text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "database unavailable, the receipts may not be erased; erase again later: {}",
                    e.summary()
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            response
        }
    }
}
