//! The `X-Amz-Date` format (`yyyymmddThhmmssZ`, UTC) to and from Unix epoch seconds, with
//! the core's integer calendar arithmetic (`wharf_core::civil`: proleptic Gregorian, no leap
//! seconds).

use crate::SigV4Error;

use wharf_core::civil::{SECS_PER_DAY, days_from_civil, utc_fields};

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
    let (year, month, day, hour, minute, second) = utc_fields(epoch_secs);
    format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
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
    Ok(
        days_from_civil(year, month as u32, day as u32) * SECS_PER_DAY
            + hour * 3600
            + minute * 60
            + second,
    )
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
