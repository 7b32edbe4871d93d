//! Timestamps: Unix milliseconds in memory, ISO 8601 UTC on the wire.
//!
//! The contract's `decidedAt`/`expiresAt` are strings like
//! `"2026-11-28T12:00:00.000Z"` (what JavaScript's `Date.prototype.toISOString`
//! prints). A stored record must round-trip exactly, so [`parse_iso8601`] is the
//! strict inverse of [`iso8601`]: it accepts that one spelling and nothing else
//! (no offsets, no missing milliseconds, no leap seconds). Calendar maths uses
//! Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms, which
//! keeps `chrono` (and its size) out of the wasm.

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// The earliest representable instant: 1970-01-01T00:00:00.000Z.
pub const MIN_MS: i64 = 0;

/// The latest representable instant: 9999-12-31T23:59:59.999Z. Beyond it the
/// year no longer fits the four digits of the wire format.
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Formats `ms` (Unix milliseconds) as `YYYY-MM-DDTHH:MM:SS.sssZ`.
///
/// Values outside [`MIN_MS`]..=[`MAX_MS`] are clamped into it, so the output is
/// always something [`parse_iso8601`] accepts; inside the range the two are
/// exact inverses.
pub fn iso8601(ms: i64) -> String {
    let ms = ms.clamp(MIN_MS, MAX_MS);
    let days = ms.div_euclid(DAY_MS);
    let in_day = ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(24);
    let fields = [
        (year, 4, '-'),
        (month, 2, '-'),
        (day, 2, 'T'),
        (in_day / 3_600_000, 2, ':'),
        (in_day / 60_000 % 60, 2, ':'),
        (in_day / 1000 % 60, 2, '.'),
        (in_day % 1000, 3, 'Z'),
    ];
    for (value, width, after) in fields {
        push_padded(&mut out, value, width);
        out.push(after);
    }
    out
}

/// `value` (0 to 9999) in exactly `width` digits, zero-padded.
fn push_padded(out: &mut String, value: i64, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10_i64.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Parses exactly `YYYY-MM-DDTHH:MM:SS.sssZ` (years 1970..=9999) back to Unix
/// milliseconds; anything else, including impossible dates such as
/// `2026-02-30`, is `None`.
///
/// It reads the digits where they should be without checking them, then
/// keeps the result only if [`iso8601`] prints it back as the same text.
/// That one comparison refuses every other spelling (a non-digit, a wrong
/// separator, month 13, February 30th, hour 24, a leap second, a year
/// before 1970), so no calendar or range rules are needed here: a page's
/// wasm ships one copy of them, in [`iso8601`].
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24 {
        return None;
    }
    // Each byte as a digit; a non-digit gives a wrong number, which the
    // round trip then refuses (bytes are at most 255, so nothing overflows).
    let n = |from: usize, to: usize| {
        let mut value = 0i64;
        for &c in &b[from..to] {
            value = value * 10 + i64::from(c.wrapping_sub(b'0'));
        }
        value
    };
    let seconds = (n(11, 13) * 60 + n(14, 16)) * 60 + n(17, 19);
    let ms = days_from_civil(n(0, 4), n(5, 7), n(8, 10)) * DAY_MS + seconds * 1000 + n(20, 23);
    (iso8601(ms) == s).then_some(ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
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
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_instants() {
        let table = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1, "1970-01-01T00:00:00.001Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_795_867_200_000, "2026-11-28T12:00:00.000Z"),
            (1_811_592_000_000, "2027-05-29T12:00:00.000Z"),
            (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
            (MAX_MS, "9999-12-31T23:59:59.999Z"),
        ];
        for (ms, text) in table {
            assert_eq!(iso8601(ms), text, "iso8601({ms})");
            assert_eq!(parse_iso8601(text), Some(ms), "parse_iso8601({text})");
        }
    }

    #[test]
    fn out_of_range_is_clamped_to_a_parseable_instant() {
        assert_eq!(iso8601(-1), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(i64::MIN), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(i64::MAX), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn parse_rejects_every_other_spelling() {
        let bad = [
            "",
            "garbage",
            "2026-11-28T12:00:00Z",          // no milliseconds
            "2026-11-28T12:00:00.000",       // no Z
            "2026-11-28T12:00:00.000+00:00", // offset
            "2026-11-28 12:00:00.000Z",      // space
            "2026-11-28t12:00:00.000Z",      // lower-case t
            "2026-11-28T12:00:00.0000Z",     // four fraction digits
            "2026-13-01T00:00:00.000Z",      // month 13
            "2026-00-01T00:00:00.000Z",      // month 0
            "2026-02-29T00:00:00.000Z",      // not a leap year
            "2100-02-29T00:00:00.000Z",      // century, not a leap year
            "2026-04-31T00:00:00.000Z",      // April has 30 days
            "2026-11-00T00:00:00.000Z",      // day 0
            "2026-11-28T24:00:00.000Z",      // hour 24
            "2026-11-28T12:60:00.000Z",      // minute 60
            "2016-12-31T23:59:60.000Z",      // leap second
            "1969-12-31T23:59:59.999Z",      // before 1970
            "+2026-11-28T12:00:00.000Z",     // sign
            "-026-11-28T12:00:00.000Z",
            "2026-1a-28T12:00:00.000Z",
            "２026-11-28T12:00:00.000Z", // full-width digit
            "2026-11-28T12:00:00.000Z ", // trailing space
        ];
        for s in bad {
            assert_eq!(parse_iso8601(s), None, "{s:?} must be rejected");
        }
        assert_eq!(
            parse_iso8601("2000-02-29T00:00:00.000Z"),
            Some(951_782_400_000)
        );
    }

    #[test]
    fn every_day_boundary_round_trips_across_leap_rules() {
        // Every midnight from 1999 to 2101, and a sample of days to 9999.
        let start = parse_iso8601("1999-01-01T00:00:00.000Z").unwrap();
        for d in 0..(103 * 366) {
            let ms = start + d * DAY_MS;
            assert_eq!(parse_iso8601(&iso8601(ms)), Some(ms));
        }
        let mut ms = 0;
        while ms <= MAX_MS {
            assert_eq!(parse_iso8601(&iso8601(ms)), Some(ms));
            ms += 997 * DAY_MS + 12_345;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn iso_round_trips_every_millisecond(ms in MIN_MS..=MAX_MS) {
            let text = iso8601(ms);
            prop_assert_eq!(text.len(), 24);
            prop_assert_eq!(parse_iso8601(&text), Some(ms));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = parse_iso8601(&s);
        }

        #[test]
        fn parse_never_panics_on_near_misses(
            ms in MIN_MS..=MAX_MS, at in 0usize..24, c in proptest::char::any()
        ) {
            let mut chars: Vec<char> = iso8601(ms).chars().collect();
            chars[at] = c;
            let s: String = chars.into_iter().collect();
            if let Some(back) = parse_iso8601(&s) {
                prop_assert_eq!(iso8601(back), s);
            }
        }
    }
}
