//! Timestamps: Unix milliseconds in memory and in the database, ISO 8601 UTC
//! on the wire (`2026-11-28T12:00:00.000Z`, what JavaScript's
//! `Date.prototype.toISOString` prints and the widget sends).
//!
//! The widget's own reading and writing (crates/domain, `time`: one spelling
//! only, no offsets, no leap seconds), so the service and the widget cannot
//! disagree on a timestamp.

pub use kloudconsent_domain::time::{iso8601, parse_iso8601, DAY_MS, MAX_MS};

/// Whether `ms` is an instant a receipt can hold (1970 to 9999, what
/// [`iso8601`] prints as itself): a stored time outside it was edited by
/// hand, and is reported as such instead of printed as another.
pub fn in_range(ms: i64) -> bool {
    (0..=MAX_MS).contains(&ms)
}

/// Parses a plain date `YYYY-MM-DD` (years 1970..=9999) to its UTC midnight
/// in Unix ms; an impossible date such as `2026-11-31` is `None`. Read as
/// that day's midnight through the widget's own parser (which checks the
/// date), rather than a second copy of the calendar rules: those add bytes to
/// the core when they live beside it.
pub fn parse_date(b: &[u8]) -> Option<i64> {
    let date = std::str::from_utf8(b).ok().filter(|d| d.len() == 10)?;
    parse_iso8601(&format!("{date}T00:00:00.000Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_round_trip() {
        for (ms, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_795_867_200_000, "2026-11-28T12:00:00.000Z"),
            (MAX_MS, "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(iso8601(ms), text);
            assert_eq!(parse_iso8601(text), Some(ms));
        }
    }

    #[test]
    fn every_other_spelling_is_refused() {
        for s in [
            "",
            "2026-11-28T12:00:00Z",
            "2026-11-28T12:00:00.000+00:00",
            "2026-11-28 12:00:00.000Z",
            "2026-02-29T00:00:00.000Z",
            "2026-11-28T24:00:00.000Z",
            "2016-12-31T23:59:60.000Z",
            "1969-12-31T23:59:59.999Z",
            "+026-11-28T12:00:00.000Z",
            "2026-11-28T12:00:00.000Z ",
        ] {
            assert_eq!(parse_iso8601(s), None, "{s:?}");
        }
        assert_eq!(parse_date(b"2026-11-28"), Some(1_795_824_000_000));
        assert_eq!(parse_date(b"2026-11-31"), None);
    }

    #[test]
    fn every_day_for_a_century_round_trips() {
        let start = parse_iso8601("1999-01-01T00:00:00.000Z").unwrap();
        for d in 0..(103 * 366) {
            let ms = start + d * DAY_MS + 12_345;
            assert_eq!(parse_iso8601(&iso8601(ms)), Some(ms));
        }
    }
}
