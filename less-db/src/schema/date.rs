//! ISO-8601 date-times as records hold them, and their epoch-millisecond form (what the
//! CRDT stores). One parser serves validation and the CRDT mapping, so a string that
//! validates always converts.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Parses the ISO-8601 date-time forms records accept: `YYYY-MM-DDTHH:MM:SS`, an
/// optional fraction of 1 to 9 digits, then `Z`, `±HH:MM` or nothing (UTC).
pub fn parse_iso_date(s: &str) -> Option<DateTime<Utc>> {
    if let Some(ms) = canonical_millis(s.as_bytes()) {
        return DateTime::from_timestamp_millis(ms);
    }
    parse_general(s)
}

/// Epoch milliseconds of an accepted ISO-8601 date-time (sub-millisecond digits are
/// dropped, as a JS `Date` drops them).
pub fn iso_to_millis(s: &str) -> Option<i64> {
    canonical_millis(s.as_bytes()).or_else(|| parse_general(s).map(|d| d.timestamp_millis()))
}

/// True for a string [`parse_iso_date`] accepts.
pub fn is_valid_iso_date(s: &str) -> bool {
    canonical_millis(s.as_bytes()).is_some() || parse_general(s).is_some()
}

fn parse_general(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    // Shape check first: chrono alone accepts forms (years past 9999, `t`, spaces)
    // that other platforms reading the record would not.
    if b.len() < 19
        || !b[..4].iter().all(u8::is_ascii_digit)
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let rest = &s[19..];
    let zone = match rest.strip_prefix('.') {
        Some(r) => {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            &r[digits..]
        }
        None => rest,
    };
    match zone {
        "" => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|n| n.and_utc()),
        "Z" => NaiveDateTime::parse_from_str(&s[..s.len() - 1], "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|n| n.and_utc()),
        z if z.len() == 6
            && (z.starts_with('+') || z.starts_with('-'))
            && z.as_bytes()[3] == b':' =>
        {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.with_timezone(&Utc))
        }
        _ => None,
    }
}

/// Fast path for the form every writer of this library produces,
/// `YYYY-MM-DDTHH:MM:SS.sssZ` (JS `Date.prototype.toISOString`).
fn canonical_millis(b: &[u8]) -> Option<i64> {
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        b[from..from + len].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second, milli) = (num(11, 2)?, num(14, 2)?, num(17, 2)?, num(20, 3)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_general_parsers_agree() {
        let cases = [
            "2024-01-15T10:30:00.000Z",
            "2024-02-29T23:59:59.999Z",
            "1969-12-31T23:59:59.999Z",
            "0001-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
        ];
        for s in cases {
            let fast = canonical_millis(s.as_bytes());
            let slow = parse_general(s).map(|d| d.timestamp_millis());
            assert_eq!(fast, slow, "{s}");
            assert!(fast.is_some(), "{s}");
        }
    }

    #[test]
    fn impossible_dates_fail_both_ways() {
        for s in [
            "2023-02-29T00:00:00.000Z",
            "2024-13-01T00:00:00.000Z",
            "2024-01-01T24:00:00.000Z",
        ] {
            assert_eq!(canonical_millis(s.as_bytes()), None, "{s}");
            assert!(!is_valid_iso_date(s), "{s}");
        }
    }

    #[test]
    fn every_accepted_form_converts_to_millis() {
        let base = 1_705_314_600_000;
        assert_eq!(iso_to_millis("2024-01-15T10:30:00Z"), Some(base));
        assert_eq!(iso_to_millis("2024-01-15T10:30:00"), Some(base));
        assert_eq!(iso_to_millis("2024-01-15T12:30:00.000+02:00"), Some(base));
        assert_eq!(iso_to_millis("2024-01-15T10:30:00.000123Z"), Some(base));
        assert_eq!(iso_to_millis("2024-01-15 10:30:00Z"), None);
    }
}
