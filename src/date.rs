//! Calendar dates as they appear in deals, parameter tables and reports.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 8601 calendar date (`2023-09-25`), strictly in the `YYYY-MM-DD` form.
///
/// Deals, parameter periods, in-force windows and reports all use this one type, so a
/// date that is valid anywhere is valid everywhere, and `2023-02-30` is rejected everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

/// A string that is not a valid `YYYY-MM-DD` calendar date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a calendar date in the form YYYY-MM-DD")]
pub struct DateError {
    input: String,
}

impl Date {
    /// Builds a date from its parts; `None` when the parts name no calendar day.
    pub fn from_ymd(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }

    /// The year, e.g. `2024`.
    pub fn year(self) -> i16 {
        self.0.year()
    }

    /// The day before this one (saturating at the calendar's start).
    pub fn previous_day(self) -> Date {
        self.0.yesterday().map(Date).unwrap_or(self)
    }

    /// The underlying calendar date, for date arithmetic.
    pub fn civil(self) -> jiff::civil::Date {
        self.0
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DateError {
            input: s.to_string(),
        };
        // jiff accepts more spellings (e.g. `20230925`); the deal format allows exactly one.
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(err());
        }
        jiff::civil::Date::from_str(s).map(Date).map_err(|_| err())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "ISO 8601 calendar date, YYYY-MM-DD"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d: Date = "2023-09-25".parse().unwrap();
        assert_eq!(d.to_string(), "2023-09-25");
        assert_eq!(d.previous_day().to_string(), "2023-09-24");
    }

    #[test]
    fn rejects_impossible_and_other_spellings() {
        for bad in [
            "2023-02-30",
            "09/25/2023",
            "20230925",
            "2023-9-25",
            "",
            "2023-09-25T00:00",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn orders_chronologically() {
        let a: Date = "2024-03-05".parse().unwrap();
        let b: Date = "2024-03-06".parse().unwrap();
        assert!(a < b);
    }
}
