//! `POST /receipts`: one receipt from the widget.
//!
//! Checks run cheapest first: origin, rate limit, content type, size, the
//! body itself; only a receipt that passes all of them reaches the database,
//! and the answer waits for its commit. `sendBeacon` ignores the answer,
//! but a `fetch` client, a proxy log and the tests read it: 201 stored, 200
//! already stored, 4xx with the reason, 503 when the database is down.

use super::{retry_later, text, App};
use crate::config;
use crate::db::Outcome;
use crate::receipt::{self, MAX_BODY_BYTES};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Longest a request waits for its commit before answering 503 (the commit
/// may still happen; a resend is then answered 200, stored once).
const STORE_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest a client may take to send its (at most 4 KB) body: a trickling
/// client must not hold a connection and a task for ever.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn ingest(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    app.metrics.received.inc();
    let response = match handle(&app, peer, &headers, body).await {
        Ok(response) => response,
        Err((reason, response)) => {
            app.metrics.reject(reason);
            response
        }
    };
    app.metrics.latency.observe(started.elapsed().as_secs_f64());
    with_cors(&app, &headers, response)
}

/// A metric reason and the answer. Large for a `Result` error, but built
/// only on the refusal path, once per request.
type Refusal = (&'static str, Response);

async fn handle(
    app: &App,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    // A refusal answered before the body is read closes the connection: the
    // unread body would otherwise be taken for the next request, and a
    // client reusing the connection would race its closing.
    let close = |(reason, response): Refusal| (reason, closing(response));
    check_before_body(app, peer, headers).map_err(close)?;
    let bytes = read_body(headers, body).await.map_err(close)?;
    store(app, headers, &bytes).await
}

/// `Connection: close` on a response.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[allow(clippy::result_large_err)]
fn check_before_body(app: &App, peer: SocketAddr, headers: &HeaderMap) -> Result<(), Refusal> {
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("(not ASCII)"));
    if !origin_allowed(app, origin) {
        // Named as sent, up to a length a person reads (the header may be
        // as long as the server takes headers).
        let named = shortened(origin.unwrap_or("(none)"));
        let message = format!("origin {named} may not send receipts here (see --allowed-origin)");
        let mut response = text(StatusCode::FORBIDDEN, message);
        // The refused page may read this answer, which tells it nothing
        // but the refusal: a browser hides an answer without CORS headers
        // from `fetch`, and the widget would take the refusal for an
        // outage and send the receipt again on every page load.
        if let Some(sent) = headers.get(header::ORIGIN) {
            let h = response.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, sent.clone());
            h.insert(header::VARY, HeaderValue::from_static("origin"));
        }
        return Err(("origin", response));
    }
    if let Err(wait) = app
        .limiter
        .check(client_ip(app, peer, headers), Instant::now())
    {
        let mut response = text(
            StatusCode::TOO_MANY_REQUESTS,
            "too many receipts from this client; slow down",
        );
        // Rounded up: a client that waits what it is told must be let in.
        let seconds = wait.as_secs_f64().ceil().max(1.0).to_string();
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(&seconds).expect("digits"),
        );
        return Err(("rate_limited", response));
    }
    if !content_type_ok(headers) {
        let message = "send the receipt as text/plain;charset=UTF-8 (as navigator.sendBeacon does) or application/json";
        return Err((
            "content_type",
            text(StatusCode::UNSUPPORTED_MEDIA_TYPE, message),
        ));
    }
    Ok(())
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Refusal> {
    let too_large = || {
        let message = format!("the body is larger than {MAX_BODY_BYTES} bytes");
        (
            receipt::Problem::TooLarge.label(),
            text(StatusCode::PAYLOAD_TOO_LARGE, message),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    // Read by hand rather than with `to_bytes(body, limit)`, whose one error
    // cannot tell a body over the limit from one cut short or badly framed.
    let read = async {
        let mut stream = body.into_data_stream();
        let mut bytes = Vec::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
            let Ok(chunk) = chunk else {
                let message =
                    "the body ended before its declared length, or its chunked framing is broken";
                return Err(("body_incomplete", text(StatusCode::BAD_REQUEST, message)));
            };
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(axum::body::Bytes::from(bytes))
    };
    match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(read) => read,
        Err(_) => {
            let message = "the body did not arrive within 10 s";
            Err(("timeout", text(StatusCode::REQUEST_TIMEOUT, message)))
        }
    }
}

async fn store(app: &App, headers: &HeaderMap, bytes: &[u8]) -> Result<Response, Refusal> {
    let now = now_ms();
    let receipt = receipt::parse(bytes, now)
        .map_err(|e| (e.problem.label(), text(StatusCode::BAD_REQUEST, e.message)))?;
    check_url_origin(headers, &receipt.url)?;
    let id = receipt.id.clone();
    match tokio::time::timeout(STORE_TIMEOUT, app.writer.store(receipt, now)).await {
        Ok(Ok(Outcome::Stored)) => {
            app.metrics.stored.inc();
            app.metrics.database_up.set(1);
            Ok(text(
                StatusCode::CREATED,
                format!("stored receipt for consent id {id}"),
            ))
        }
        Ok(Ok(Outcome::Duplicate)) => {
            app.metrics.duplicates.inc();
            Ok(text(
                StatusCode::OK,
                format!("already stored: receipt for consent id {id}"),
            ))
        }
        Ok(Ok(Outcome::ConflictUnreadable)) => Err((
            "conflict",
            text(
                StatusCode::CONFLICT,
                format!(
                    "the stored receipt for consent id {id} with this decidedAt cannot be read (edited by hand?); it stands until it is mended, and the service's log names it"
                ),
            ),
        )),
        Ok(Ok(Outcome::Conflict)) => Err((
            "conflict",
            text(
                StatusCode::CONFLICT,
                format!(
                    "a different receipt for consent id {id} with this decidedAt is already stored"
                ),
            ),
        )),
        Ok(Err(e)) if e.maybe_stored => {
            app.metrics.database_up.set(0);
            Err(("database_unavailable", not_confirmed(e.summary())))
        }
        Ok(Err(e)) => {
            app.metrics.database_up.set(0);
            // The detail (paths, the database's words) is the writer's to
            // log; anyone may send a receipt.
            let message = format!(
                "database unavailable, the receipt was not stored: {}",
                e.summary()
            );
            Err(("database_unavailable", retry_later(message)))
        }
        // The writer goes on: the commit may still land after this answer.
        Err(_) => Err((
            "timeout",
            not_confirmed("the database did not confirm the commit within 10 s"),
        )),
    }
}

/// A page files receipts for its own site only: the receipt's `url` must
/// be on the `Origin` its browser sent. Without this, any page (with no
/// `--allowed-origin`, any site at all) could fill a site's consent log
/// with decisions said to be made on that site's pages. A request without
/// an `Origin` (not a browser: a script, a migration) or with `null` (an
/// opaque origin, such as a sandboxed frame) has none to compare with.
#[allow(clippy::result_large_err)]
fn check_url_origin(headers: &HeaderMap, url: &str) -> Result<(), Refusal> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("(not ASCII)");
    if origin == "null" || url_on_origin(url, origin) {
        return Ok(());
    }
    let (url, origin) = (shortened(url), shortened(origin));
    let message = format!(
        "the receipt's url {url} is not on the origin that sent it ({origin}): a page may send receipts only for its own site"
    );
    Err(("url_origin", text(StatusCode::BAD_REQUEST, message)))
}

/// Whether a receipt's `url` lies on `origin`, the `Origin` header a
/// browser sent with it: the same scheme, host and port. Both are read as
/// an allow-list entry is (`config::normalize_origin`), so case and a
/// written-out default port, which a receipt made by hand may have, are no
/// difference; anything that is not `scheme://host[:port]` is not on it.
fn url_on_origin(url: &str, origin: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let url_origin = &url[..scheme.len() + "://".len() + rest.find('/').unwrap_or(rest.len())];
    match (
        config::normalize_origin(url_origin),
        config::normalize_origin(origin),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// At most 200 characters of what a client sent, for a line a person reads.
fn shortened(s: &str) -> &str {
    s.get(..200).unwrap_or(s)
}

/// 503 for a receipt whose commit may have landed unseen: the widget keeps
/// it and sends it again, and a receipt already stored is answered 200, so
/// the truthful answer is "not confirmed", never "not stored".
fn not_confirmed(reason: &str) -> Response {
    retry_later(format!(
        "receipt not confirmed, it may have been stored; send it again (a stored one is answered 200): {reason}"
    ))
}

/// `OPTIONS /receipts`. A beacon with `text/plain` never needs one; a page
/// that POSTs JSON with `fetch` does.
pub async fn preflight(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin.is_none() || !origin_allowed(&app, origin) {
        return text(StatusCode::FORBIDDEN, "origin not allowed");
    }
    // No body at all: a 204 carries neither one nor a Content-Length.
    let mut response = with_cors(&app, &headers, StatusCode::NO_CONTENT.into_response());
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

fn origin_allowed(app: &App, origin: Option<&str>) -> bool {
    app.allowed_origins.is_empty()
        || origin.is_some_and(|o| app.allowed_origins.iter().any(|a| a == o))
}

/// Lets a page that used `fetch` read the answer; harmless for beacons.
pub(super) fn with_cors(app: &App, headers: &HeaderMap, mut response: Response) -> Response {
    let origin = headers.get(header::ORIGIN);
    if let Some(origin) = origin.filter(|o| origin_allowed(app, o.to_str().ok())) {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(header::VARY, HeaderValue::from_static("origin"));
        // So that a page's `fetch` can read when to try again (429, 503).
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("retry-after"),
        );
    }
    response
}

/// The client for the rate limit: the connection's address, or with
/// `--forwarded-for` the last X-Forwarded-For entry (added by our proxy).
fn client_ip(app: &App, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if app.forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .next_back()
            .and_then(|v| v.rsplit(',').next())
            .and_then(forwarded_ip);
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.ip()
}

/// The address in one X-Forwarded-For entry: `IP`, `IP:port` (Azure
/// Application Gateway writes the client's port), `[IPv6]` or
/// `[IPv6]:port`. An entry that does not parse would put every visitor
/// in the proxy's one rate-limit bucket.
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            let inside = entry.strip_prefix('[')?.strip_suffix(']')?;
            inside.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
        })
}

/// `text/plain` or `application/json`, with no charset or UTF-8.
fn content_type_ok(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
    (essence == "text/plain" || essence == "application/json")
        && parts.all(|p| match p.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
                v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            _ => p.is_empty(),
        })
}

/// The current time in ms since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(t: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(t).unwrap());
        h
    }

    #[test]
    fn forwarded_entries_with_ports_and_brackets() {
        for (entry, ip) in [
            (" 198.51.100.7", "198.51.100.7"),
            ("198.51.100.7:4711", "198.51.100.7"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
        ] {
            assert_eq!(forwarded_ip(entry), Some(ip.parse().unwrap()), "{entry}");
        }
        for bad in [
            "",
            "unknown",
            "198.51.100.7:x",
            "[198.51.100.7]",
            "[2001:db8::1",
        ] {
            assert_eq!(forwarded_ip(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        for ok in [
            "text/plain;charset=UTF-8",
            "text/plain",
            "application/json; charset=utf-8",
            "TEXT/PLAIN; charset=\"utf-8\"",
        ] {
            assert!(content_type_ok(&with_type(ok)), "{ok}");
        }
        for bad in [
            "text/html",
            "text/plain;charset=latin1",
            "multipart/form-data",
            "text/plain;x=1",
        ] {
            assert!(!content_type_ok(&with_type(bad)), "{bad}");
        }
        assert!(!content_type_ok(&HeaderMap::new()));
    }

    #[test]
    fn a_url_is_on_its_own_origin_only() {
        let on = |url, origin| url_on_origin(url, origin);
        assert!(on("https://kloudstack.com.au", "https://kloudstack.com.au"));
        assert!(on(
            "https://kloudstack.com.au/pricing",
            "https://kloudstack.com.au"
        ));
        assert!(on(
            "https://kloudstack.com.au:8443/a",
            "https://kloudstack.com.au:8443"
        ));
        assert!(on("http://127.0.0.1:8080", "http://127.0.0.1:8080"));
        assert!(on("http://[::1]:8080/x", "http://[::1]:8080"));
        // Written by hand: a default port, upper case.
        assert!(on(
            "https://kloudstack.com.au:443/pricing",
            "https://kloudstack.com.au"
        ));
        assert!(on("https://KloudStack.com.au", "https://kloudstack.com.au"));
        assert!(on("http://a.example:80", "http://a.example"));
        for (url, origin) in [
            ("https://kloudstack.com.au", "https://evil.example"),
            (
                "https://kloudstack.com.au",
                "https://shop.kloudstack.com.au",
            ),
            (
                "https://kloudstack.com.au.evil.example",
                "https://kloudstack.com.au",
            ),
            (
                "https://kloudstack.com.au",
                "https://kloudstack.com.au.evil.example",
            ),
            ("https://kloudstack.com.au", "http://kloudstack.com.au"),
            (
                "https://kloudstack.com.au",
                "https://kloudstack.com.au:8443",
            ),
            ("https://kloudstack.com.au:80", "https://kloudstack.com.au"),
            ("https://kloudstack.com.au", "null"),
            ("https://kloudstack.com.au", "(not ASCII)"),
            ("https://kloudstack.com.au", "https://"),
            ("https://kloudstack.com.au", "ftp://kloudstack.com.au"),
        ] {
            assert!(!on(url, origin), "{url} on {origin}");
        }
    }
}
