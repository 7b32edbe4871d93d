//! Timestamps: Unix milliseconds in memory and in the database, ISO 8601 UTC
//! on the wire (`2026-11-28T12:00:00.000Z`, what JavaScript's
//! `Date.prototype.toISOString` prints and the widget sends).
//!
//! The same strict reading as the widget's `src/domain/time.rs` (one
//! spelling only, no offsets, no leap seconds), kept here so the service does
//! not depend on the wasm crate; Howard Hinnant's civil-date algorithms.

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// The latest instant the four-digit year can hold: 9999-12-31T23:59:59.999Z.
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Formats `ms` (Unix milliseconds, clamped to 1970..=9999) as
/// `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn iso8601(ms: i64) -> String {
    let ms = ms.clamp(0, MAX_MS);
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    let in_day = ms.rem_euclid(DAY_MS);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    )
}

/// Parses exactly `YYYY-MM-DDTHH:MM:SS.sssZ` (years 1970..=9999); anything
/// else, including impossible dates such as `2026-02-30`, is `None`.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let punctuation = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (23, b'Z'),
    ];
    if b.len() != 24 || !punctuation.iter().all(|&(i, c)| b[i] == c) {
        return None;
    }
    let day_ms = parse_date(&b[..10])?;
    let (hour, minute) = (digits(&b[11..13])?, digits(&b[14..16])?);
    let (second, milli) = (digits(&b[17..19])?, digits(&b[20..23])?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(day_ms + ((hour * 60 + minute) * 60 + second) * 1000 + milli)
}

/// Parses a plain date `YYYY-MM-DD` to its UTC midnight in Unix ms.
pub fn parse_date(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day);
    valid.then(|| days_from_civil(year, month, day) * DAY_MS)
}

/// An unsigned decimal of ASCII digits only (no sign, no spaces).
fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
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
