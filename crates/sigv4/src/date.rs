//! The `X-Amz-Date` format (`yyyymmddThhmmssZ`, UTC) to and from Unix epoch seconds, with
//! plain integer calendar arithmetic (proleptic Gregorian calendar, no leap seconds).

use crate::SigV4Error;

const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Formats Unix epoch seconds as an amz-date, e.g. `1705320000` → `20240115T120000Z`.
///
/// Meaningful for years 0000..=9999 (epoch seconds `-62167219200..=253402300799`), the range
/// that [`parse_amz_date`] accepts; outside it the year is printed with more digits or a sign.
pub fn format_amz_date(epoch_secs: i64) -> String {
    let days = epoch_secs.div_euclid(SECS_PER_DAY);
    let secs = epoch_secs.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses an amz-date (`yyyymmddThhmmssZ`, exactly 16 ASCII characters) into Unix epoch
/// seconds. Rejects anything else, including impossible dates such as `20230229` or hour `24`,
/// with [`SigV4Error::MalformedAmzDate`].
pub fn parse_amz_date(s: &str) -> Result<i64, SigV4Error> {
    let bad = || SigV4Error::MalformedAmzDate(s.to_owned());
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, SigV4Error> {
        b[range].iter().try_fold(0i64, |acc, &c| {
            if c.is_ascii_digit() {
                Ok(acc * 10 + i64::from(c - b'0'))
            } else {
                Err(bad())
            }
        })
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(bad());
    }
    Ok(days_from_civil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        let cases = [
            (0, "19700101T000000Z"),
            (1_705_320_000, "20240115T120000Z"),
            (951_782_400, "20000229T000000Z"),
            (1_709_164_799, "20240228T235959Z"),
            (1_709_251_199, "20240229T235959Z"),
            (4_107_542_400, "21000301T000000Z"),
            (-1, "19691231T235959Z"),
            (-62_167_219_200, "00000101T000000Z"),
            (253_402_300_799, "99991231T235959Z"),
        ];
        for (secs, text) in cases {
            assert_eq!(format_amz_date(secs), text);
            assert_eq!(parse_amz_date(text), Ok(secs), "{text}");
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "20240115T120000",
            "20240115T120000z",
            "20240115 120000Z",
            "2024-01-15T12:00:00Z",
            "20240115T120000ZZ",
            "2024011aT120000Z",
            "+2024115T120000Z",
            "20241315T120000Z",
            "20240015T120000Z",
            "20240100T120000Z",
            "20230229T120000Z",
            "21000229T120000Z",
            "20240431T120000Z",
            "20240115T240000Z",
            "20240115T126000Z",
            "20240115T120060Z",
            "２０２４0115T12000Z",
        ] {
            assert_eq!(
                parse_amz_date(s),
                Err(SigV4Error::MalformedAmzDate(s.into())),
                "{s}"
            );
        }
        assert_eq!(parse_amz_date("20000229T000000Z"), Ok(951_782_400));
    }

    proptest! {
        #[test]
        fn round_trip(secs in -62_167_219_200i64..=253_402_300_799) {
            let text = format_amz_date(secs);
            prop_assert_eq!(text.len(), 16);
            prop_assert_eq!(parse_amz_date(&text), Ok(secs));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = parse_amz_date(&s);
        }
    }
}
