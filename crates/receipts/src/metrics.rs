//! Prometheus metrics (`GET /metrics`, OpenMetrics text): receipts received,
//! stored, refused by reason, and how long answering took. No label ever
//! carries a client address, an origin or a consent id: labels are a fixed
//! small set.

use crate::receipt::Problem;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, &'static str)>;

/// Reasons a receipt is refused besides its body's [`Problem`]s.
pub const OTHER_REASONS: [&str; 8] = [
    "body_incomplete",
    "origin",
    "url_origin",
    "rate_limited",
    "content_type",
    "conflict",
    "database_unavailable",
    "timeout",
];

/// The service's Prometheus metrics.
pub struct Metrics {
    registry: Registry,
    /// Receipt bodies received.
    pub received: Counter,
    /// Receipts stored.
    pub stored: Counter,
    /// Receipts already stored (the same id and time sent again).
    pub duplicates: Counter,
    rejected: Family<Labels, Counter>,
    /// Seconds from request to answer, for POST /receipts.
    pub latency: Histogram,
    /// Receipts deleted by the retention purge.
    pub purged: Counter,
    /// Receipts deleted by erasure requests (`DELETE /receipts/{id}`).
    pub erased: Counter,
    /// 1 while the last health check or write found the database working.
    pub database_up: Gauge,
}

impl Metrics {
    /// The metrics, registered and at zero.
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("kloudconsent_receipts"),
            received: Counter::default(),
            stored: Counter::default(),
            duplicates: Counter::default(),
            rejected: Family::default(),
            // 0.5 ms to ~4 s.
            latency: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            purged: Counter::default(),
            erased: Counter::default(),
            database_up: Gauge::default(),
        };
        let r = &mut m.registry;
        r.register("received", "Receipt POSTs received", m.received.clone());
        r.register("stored", "Receipts newly stored", m.stored.clone());
        r.register(
            "duplicates",
            "Receipts already stored, sent again (answered 200, stored once)",
            m.duplicates.clone(),
        );
        r.register(
            "rejected",
            "Receipts refused, by reason",
            m.rejected.clone(),
        );
        r.register(
            "ingest_seconds",
            "Time from a receipt POST to its answer",
            m.latency.clone(),
        );
        r.register(
            "purged",
            "Receipts deleted by the retention purge",
            m.purged.clone(),
        );
        r.register(
            "erased",
            "Receipts deleted by erasure requests",
            m.erased.clone(),
        );
        r.register(
            "database_up",
            "Whether the database answered the last check or write",
            m.database_up.clone(),
        );
        // Every reason shows from the start (at 0), so a dashboard can plot
        // it before it first happens.
        for reason in Problem::ALL.iter().map(|p| p.label()).chain(OTHER_REASONS) {
            let _ = m.rejected.get_or_create(&vec![("reason", reason)]);
        }
        m
    }

    /// Counts one refused body under its `reason` label.
    pub fn reject(&self, reason: &'static str) {
        self.rejected.get_or_create(&vec![("reason", reason)]).inc();
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_reasons() {
        let m = Metrics::new();
        m.received.inc();
        m.reject("origin");
        m.latency.observe(0.002);
        let text = m.render();
        assert!(
            text.contains("kloudconsent_receipts_received_total 1"),
            "{text}"
        );
        assert!(
            text.contains(r#"kloudconsent_receipts_rejected_total{reason="origin"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"kloudconsent_receipts_rejected_total{reason="not_json"} 0"#),
            "{text}"
        );
        assert!(
            text.contains("kloudconsent_receipts_ingest_seconds_bucket"),
            "{text}"
        );
    }
}
