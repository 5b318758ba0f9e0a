//! Where the store's timestamps come from: the system clock, or one fixed
//! time so that output with times in it is the same on every run (tests).
//!
//! Timestamps are UTC, ISO 8601 with milliseconds and a `Z`, as in
//! `2026-03-01T09:30:00.000Z`: the text SQLite's
//! `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` gives, which older databases
//! hold. Not for: time zones, calendars or durations.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time, to the millisecond, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    millis: i64,
}

/// Where the store takes the time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system's clock: the time of each write.
    #[default]
    System,
    /// Always this time.
    Fixed(Timestamp),
}

impl Clock {
    /// The time now by this clock.
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::system_now(),
            Clock::Fixed(at) => *at,
        }
    }
}

/// A text that is not a time this module reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a time in RFC 3339, such as 2026-03-01T09:30:00Z or 2026-03-01T09:30:00.000Z"
)]
pub struct TimestampError(pub String);

impl Timestamp {
    /// The time `millis` milliseconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_millis(millis: i64) -> Timestamp {
        Timestamp { millis }
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn unix_millis(self) -> i64 {
        self.millis
    }

    fn system_now() -> Timestamp {
        let millis = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
        };
        Timestamp { millis }
    }
}

const MILLIS_PER_DAY: i64 = 86_400_000;

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS.sssZ`, as the store writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.millis.div_euclid(MILLIS_PER_DAY);
        let in_day = self.millis.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let (seconds, millis) = (in_day / 1000, in_day % 1000);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// An RFC 3339 time: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of a
    /// second (kept to the millisecond), then `Z` or an offset `±HH:MM`.
    fn from_str(text: &str) -> Result<Timestamp, TimestampError> {
        parse(text).ok_or_else(|| TimestampError(text.to_string()))
    }
}

fn parse(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = bytes.get(from..from + len)?;
        digits.iter().try_fold(0i64, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
        })
    };
    let at = |i: usize, allowed: &[u8]| bytes.get(i).is_some_and(|b| allowed.contains(b));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if at(i, b".") {
        i += 1;
        let start = i;
        while at(i, b"0123456789") {
            if i - start < 3 {
                millis = millis * 10 + i64::from(bytes[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match bytes.get(i)? {
        b'Z' | b'z' if i + 1 == bytes.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == bytes.len() && at(i + 3, b":") => {
            let (hours, minutes) = (number(i + 1, 2)?, number(i + 4, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = hours * 60 + minutes;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_minutes * 60;
    Some(Timestamp::from_unix_millis(seconds * 1000 + millis))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar
/// (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_fixed_clock_always_gives_its_time() {
        let clock = Clock::Fixed(at("2026-03-01T09:30:00Z"));
        assert_eq!(clock.now().to_string(), "2026-03-01T09:30:00.000Z");
        assert_eq!(clock.now(), clock.now());
    }

    #[test]
    fn times_print_as_sqlite_strftime_does() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for (millis, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_772_357_400_123, "2026-03-01T09:30:00.123Z"),
            (4_102_444_799_999, "2099-12-31T23:59:59.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ] {
            let sqlite: String = conn
                .query_row(
                    "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?1 / 1000.0, 'unixepoch')",
                    [millis],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(sqlite, text);
            assert_eq!(Timestamp::from_unix_millis(millis).to_string(), text);
            assert_eq!(at(text).unix_millis(), millis);
        }
    }

    #[test]
    fn the_system_clock_matches_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let before = Clock::System.now();
        let sqlite: String = conn
            .query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", [], |r| {
                r.get(0)
            })
            .unwrap();
        let after = Clock::System.now();
        let sqlite = at(&sqlite);
        assert!(
            before <= sqlite && sqlite <= after,
            "{before} {sqlite} {after}"
        );
        assert_eq!(sqlite.to_string().len(), "2026-03-01T09:30:00.000Z".len());
    }

    #[test]
    fn rfc_3339_fractions_and_offsets_are_read() {
        assert_eq!(
            at("2026-03-01T09:30:00.5Z").to_string(),
            "2026-03-01T09:30:00.500Z"
        );
        assert_eq!(
            at("2026-03-01T09:30:00.123456Z").to_string(),
            "2026-03-01T09:30:00.123Z"
        );
        assert_eq!(
            at("2026-03-01T10:30:00+01:00").to_string(),
            "2026-03-01T09:30:00.000Z"
        );
        assert_eq!(
            at("2026-03-01 00:15:00-00:30").to_string(),
            "2026-03-01T00:45:00.000Z"
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "2026-03-01",
            "2026-03-01T09:30:00",
            "2026-02-29T09:30:00Z",
            "2026-13-01T09:30:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T09:30:60Z",
            "2026-03-01T09:30:00.Z",
            "2026-03-01T09:30:00Zx",
            "2026-03-01T09:30:00+0100",
            "2026-03-01T09:30:00+24:00",
            "+026-03-01T09:30:00Z",
            "tomorrow",
        ] {
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }
}
