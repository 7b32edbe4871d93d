//! Lookup and export for the privacy team, behind the bearer token (and
//! the token rules erasure shares, `erase.rs`).
//!
//! The token goes in `Authorization: Bearer ...` only. A request that puts
//! it (or anything named like it) in the query string is refused even when
//! its header is right: URLs end up in proxy logs, shell history and
//! browser history, so such a token must be treated as leaked.

use super::{read_failed, retry_later, text, App};
use crate::auth;
use crate::db::Stored;
use crate::receipt::{is_consent_id, parse_instant};
use crate::time::{iso8601, MAX_MS};
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::Arc;
use tokio::sync::mpsc;

const TOKEN_NAMES: [&str; 8] = [
    "token",
    "access_token",
    "bearer",
    "auth",
    "authorization",
    "key",
    "api_key",
    "apikey",
];

/// The answer to a path that is not a consent id.
pub(super) const NOT_A_CONSENT_ID: &str =
    "not a consent id: 8 to 64 characters of A-Z a-z 0-9 - _, as the preference tool shows it";

/// `GET /receipts/{id}`: every receipt of one consent id in the order they
/// arrived (the last is the decision in force).
pub async fn lookup(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match query_params(&app, query.as_deref(), &[]) {
        Ok(params) => params,
        Err(response) => return response,
    };
    debug_assert!(params.is_empty());
    if let Err(response) = authorize(&app, &headers) {
        return response;
    }
    if !is_consent_id(&id) {
        return text(StatusCode::BAD_REQUEST, NOT_A_CONSENT_ID);
    }
    match app.db.history(&id).await {
        Ok(history) if history.is_empty() => text(
            StatusCode::NOT_FOUND,
            format!("no receipt for consent id {id}"),
        ),
        Ok(history) => {
            let receipts: Vec<String> = history
                .iter()
                .map(|s| s.receipt.to_json(Some(s.received_at_ms)))
                .collect();
            let body = format!(
                "{{\"id\":\"{id}\",\"receipts\":[{}]}}\n",
                receipts.join(",")
            );
            json_response(StatusCode::OK, "application/json", Body::from(body))
        }
        Err(e) => read_failed(&e),
    }
}

/// `GET /export?from=2026-11-01&to=2026-12-01&format=ndjson|csv`: receipts
/// that *arrived* in `[from, to)` (server time, so a daily export misses
/// none, whatever the visitors' clocks said), streamed from the database.
#[allow(clippy::result_large_err)] // a Response in Err is the early answer
pub async fn export(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match query_params(&app, query.as_deref(), &["from", "to", "format"]) {
        Ok(params) => params,
        Err(response) => return response,
    };
    if let Err(response) = authorize(&app, &headers) {
        return response;
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let instant = |name: &str, default: i64| {
        match get(name) {
        None => Ok(default),
        Some(v) => parse_instant(v).ok_or_else(|| {
            text(
                StatusCode::BAD_REQUEST,
                format!("`{name}` must be a date like 2026-11-01 or a time like 2026-11-01T00:00:00.000Z"),
            )
        }),
    }
    };
    let (from, to) = match (instant("from", 0), instant("to", MAX_MS)) {
        (Ok(from), Ok(to)) if from < to => (from, to),
        (Ok(_), Ok(_)) => return text(StatusCode::BAD_REQUEST, "`from` must be before `to`"),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let format = match get("format").unwrap_or("ndjson") {
        "ndjson" => Format::Ndjson,
        "csv" => Format::Csv,
        _ => return text(StatusCode::BAD_REQUEST, "`format` must be ndjson or csv"),
    };
    // Before the database is asked: each export holds a reading connection.
    let Ok(slot) = app.exports.clone().try_acquire_owned() else {
        let message = format!(
            "too many exports under way (at most {} at once); try again when one has finished",
            app.db.export_slots()
        );
        return retry_later(message);
    };
    let mut rows = match app.db.export(from, to, slot).await {
        Ok(rows) => rows,
        Err(e) => return read_failed(&e),
    };
    // The status line goes out before the rows: read the first row now, so
    // a database that cannot be read is a 503, not a 200 with a cut body.
    let first = match rows.recv().await {
        Some(Err(e)) => return read_failed(&e),
        first => first,
    };
    let (content_type, extension) = match format {
        Format::Ndjson => ("application/x-ndjson", "ndjson"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    let mut response = json_response(StatusCode::OK, content_type, stream(format, first, rows));
    let name = format!(
        "attachment; filename=\"kloudconsent-receipts-{}-{}.{extension}\"",
        file_name_part(get("from"), from),
        file_name_part(get("to"), to)
    );
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).expect("ASCII"),
    );
    response
}

/// `from` or `to` in the download's name: the date when it was given as a
/// date (or not given), the time too when it was given as one, so that two
/// exports of the same day do not download under one name. Without `:`,
/// which some file systems refuse: `2026-12-04T100000Z`, with `.250` before
/// the `Z` only when the time has milliseconds.
fn file_name_part(given: Option<&str>, ms: i64) -> String {
    let full = iso8601(ms); // 2026-12-04T10:00:00.000Z
    let date = &full[..10];
    if given.is_none_or(|g| g.len() == date.len()) {
        return date.to_owned();
    }
    let time = full[11..19].replace(':', "");
    match &full[20..23] {
        "000" => format!("{date}T{time}Z"),
        millis => format!("{date}T{time}.{millis}Z"),
    }
}

#[derive(Clone, Copy)]
enum Format {
    Ndjson,
    Csv,
}

const CSV_HEADER: &str =
    "id,decidedAt,expiresAt,receivedAt,revision,method,url,language,categories,services,via,signal\n";

/// The rows as a body, in chunks of up to 32 KB. A read error midway ends
/// the body with an error, which the client sees as a cut transfer (never
/// as a complete but short export).
fn stream(
    format: Format,
    first: Option<Result<Stored, crate::db::Unavailable>>,
    rows: mpsc::Receiver<Result<Stored, crate::db::Unavailable>>,
) -> Body {
    let mut chunk = String::new();
    if let Format::Csv = format {
        chunk.push_str(CSV_HEADER);
    }
    let state = (rows, first, chunk, false);
    let body = futures_util::stream::unfold(
        state,
        move |(mut rows, mut next, mut chunk, done)| async move {
            if done {
                return None;
            }
            loop {
                match next.take() {
                    Some(Ok(stored)) => write_row(format, &stored, &mut chunk),
                    Some(Err(e)) => {
                        tracing::error!(error = %e, "export cut short");
                        let error = std::io::Error::other(e.reason);
                        return Some((Err(error), (rows, None, String::new(), true)));
                    }
                    None if chunk.is_empty() => return None,
                    None => {
                        return Some((Ok(Bytes::from(chunk)), (rows, None, String::new(), true)))
                    }
                }
                if chunk.len() >= 32 * 1024 {
                    let next = rows.recv().await;
                    return Some((
                        Ok(Bytes::from(std::mem::take(&mut chunk))),
                        (rows, next, String::new(), false),
                    ));
                }
                next = rows.recv().await;
            }
        },
    );
    Body::from_stream(body)
}

fn write_row(format: Format, stored: &Stored, out: &mut String) {
    let r = &stored.receipt;
    match format {
        Format::Ndjson => {
            out.push_str(&r.to_json(Some(stored.received_at_ms)));
            out.push('\n');
        }
        Format::Csv => {
            let fields = [
                r.id.clone(),
                iso8601(r.decided_at_ms),
                iso8601(r.expires_at_ms),
                iso8601(stored.received_at_ms),
                r.revision.to_string(),
                r.method.as_str().to_owned(),
                r.url.clone(),
                r.language.clone().unwrap_or_default(),
                crate::receipt::choices_json(&r.categories),
                r.services
                    .as_deref()
                    .map(crate::receipt::choices_json)
                    .unwrap_or_default(),
                r.via.map(|v| v.as_str()).unwrap_or_default().to_owned(),
                r.signal.map(|s| s.as_str()).unwrap_or_default().to_owned(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
}

/// RFC 4180 quoting, and a cell a spreadsheet would read as a formula
/// (starting with `=`, `+`, `-` or `@`) prefixed with `'` (OWASP's advice).
/// Of the stored fields only a consent id can: the widget's are base64url,
/// so 1 in 64 starts with `-`, which Excel shows as `#NAME?`.
fn csv_field(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@']) {
        return csv_field(&format!("'{field}"));
    }
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

pub(super) fn json_response(
    status: StatusCode,
    content_type: &'static str,
    body: Body,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A query parameter's name as an answer may repeat it: only a short,
/// plain one. A longer one may be (or hold) the token, sent as a name
/// (`?<token>`), and an answer must not carry it back (into a proxy's or
/// a browser's log). Shorter than the shortest token, so none fits.
fn shown(name: &str) -> String {
    let plain = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain && name.len() < crate::auth::MIN_TOKEN_LEN.min(20) {
        format!("{name:?}")
    } else {
        "(a long or unusual name, not repeated here; the token goes in the Authorization header)"
            .to_owned()
    }
}

/// The query's parameters, refusing a token in the URL first, then any
/// name not in `allowed` or given twice.
#[allow(clippy::result_large_err)]
pub(super) fn query_params(
    app: &App,
    query: Option<&str>,
    allowed: &[&str],
) -> Result<Vec<(String, String)>, Response> {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Ok(Vec::new());
    };
    let params: Vec<(String, String)> = form_urlencoded(query);
    let leaked = app
        .token
        .as_ref()
        .is_some_and(|t| params.iter().any(|(k, v)| t.matches(k) || t.matches(v)));
    if leaked {
        tracing::warn!(
            "a request carried the lookup token in its URL: it may be in logs now; rotate it"
        );
    }
    if leaked
        || params
            .iter()
            .any(|(k, _)| TOKEN_NAMES.contains(&k.to_ascii_lowercase().as_str()))
    {
        return Err(text(
            StatusCode::BAD_REQUEST,
            "refused: never put the token in the URL (it ends up in logs and history); \
             send it as `Authorization: Bearer <token>`, and rotate a token that was in a URL",
        ));
    }
    for (i, (name, _)) in params.iter().enumerate() {
        if !allowed.contains(&name.as_str()) {
            let expected = if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed.join(", ")
            };
            return Err(text(
                StatusCode::BAD_REQUEST,
                format!(
                    "unknown query parameter {} (expected: {expected})",
                    shown(name)
                ),
            ));
        }
        if params[..i].iter().any(|(k, _)| k == name) {
            return Err(text(
                StatusCode::BAD_REQUEST,
                format!("query parameter {} given twice", shown(name)),
            ));
        }
    }
    Ok(params)
}

/// `application/x-www-form-urlencoded` pairs (`+` is a space, `%XX` a byte).
fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || {
            let digits = bytes.get(i + 1..i + 3)?;
            digits
                .iter()
                .all(u8::is_ascii_hexdigit)
                .then(|| u8::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok())?
        };
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if hex().is_some() => {
                out.extend(hex());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the bearer token. 401 without a valid one; 403 when no token is
/// configured at all (lookup, export and erasure are then off).
#[allow(clippy::result_large_err)]
pub(super) fn authorize(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let Some(token) = &app.token else {
        return Err(text(
            StatusCode::FORBIDDEN,
            "lookup, export and erasure are off: start the service with KLOUDCONSENT_RECEIPTS_TOKEN or --token-file",
        ));
    };
    // Exactly one Authorization header: with two, which one a proxy on the
    // way checked or logged is anyone's guess, so neither is trusted.
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let presented = match (values.next(), values.next()) {
        (Some(v), None) => v.to_str().ok().and_then(auth::bearer),
        _ => None,
    };
    match presented {
        Some(p) if token.matches(p) => Ok(()),
        _ => {
            let mut response = text(
                StatusCode::UNAUTHORIZED,
                "a valid `Authorization: Bearer <token>` header is required",
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            Err(response)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode() {
        assert_eq!(
            form_urlencoded("from=2026-11-01T00%3A00%3A00.000Z&to=a+b&x&%zz=%4"),
            [
                ("from".into(), "2026-11-01T00:00:00.000Z".into()),
                ("to".into(), "a b".into()),
                ("x".into(), String::new()),
                ("%zz".into(), "%4".into())
            ]
        );
    }

    #[test]
    fn file_names_keep_a_given_time() {
        let ms = crate::time::parse_iso8601("2026-12-04T10:00:00.000Z").unwrap();
        assert_eq!(file_name_part(None, ms), "2026-12-04");
        assert_eq!(
            file_name_part(Some("2026-12-04T10:00:00.000Z"), ms),
            "2026-12-04T100000Z"
        );
        assert_eq!(
            file_name_part(Some("2026-12-04T10:00:00.250Z"), ms + 250),
            "2026-12-04T100000.250Z"
        );
        let midnight = crate::time::parse_iso8601("2026-12-04T00:00:00.000Z").unwrap();
        assert_eq!(file_name_part(Some("2026-12-04"), midnight), "2026-12-04");
        assert_eq!(
            file_name_part(Some("2026-12-04T00:00:00.000Z"), midnight),
            "2026-12-04T000000Z"
        );
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("-2-3-4-5-6"), "'-2-3-4-5-6");
        assert_eq!(csv_field("=1+1,x"), "\"'=1+1,x\"");
        assert_eq!(
            csv_field(r#"{"a":true,"b":false}"#),
            r#""{""a"":true,""b"":false}""#
        );
    }
}
