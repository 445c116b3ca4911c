//! Number formatting for explanations: one host-side formatter, so every rule and every
//! platform writes `$1,250,000,000` and `10%` the same way.

use std::fmt;

/// Formats an amount with thousands separators and at most two decimals
/// (`1250000000` → `1,250,000,000`; `0.5` → `0.50`).
pub fn grouped(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let negative = value < 0.0;
    let abs = value.abs();
    let rounded_cents = (abs * 100.0).round();
    let whole = (rounded_cents / 100.0).trunc();
    let cents = rounded_cents - whole * 100.0;
    let digits = whole_digits(whole);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    if negative && rounded_cents > 0.0 {
        out.push('-');
    }
    let first = digits.len() % 3;
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if cents > 0.0 {
        out.push('.');
        out.push_str(&two_digits(cents));
    }
    out
}

/// `{:.0}` of a whole, non-negative float. Float formatting with a precision falls back to
/// exact big-number arithmetic, a visible share of screening time in amount-heavy rules;
/// below 2^64 the value is an integer and prints the same digits as one.
fn whole_digits(whole: f64) -> String {
    if whole < 18_446_744_073_709_551_616.0 {
        (whole as u64).to_string()
    } else {
        format!("{whole:.0}")
    }
}

/// `{:02.0}` of a whole number of cents (0 to 99, or more only through rounding at the
/// edge of float precision), by the same route as [`whole_digits`].
fn two_digits(cents: f64) -> String {
    if cents < 18_446_744_073_709_551_616.0 {
        format!("{:02}", cents as u64)
    } else {
        format!("{cents:02.0}")
    }
}

/// A US-dollar amount: `$1,250,000,000`.
pub fn usd(value: f64) -> String {
    currency("$", value)
}

/// A euro amount: `€2,500,000,000`.
pub fn eur(value: f64) -> String {
    currency("€", value)
}

/// A pound-sterling amount: `£70,000,000`.
pub fn gbp(value: f64) -> String {
    currency("£", value)
}

/// An amount in an ISO 4217 currency: `$105,000`, `€400,000,000`, or `1,000 CHF` for a
/// currency without a symbol here.
pub fn money(value: f64, iso: &str) -> String {
    match iso {
        "USD" => usd(value),
        "EUR" => eur(value),
        "GBP" => gbp(value),
        other => format!("{} {other}", grouped(value)),
    }
}

fn currency(symbol: &str, value: f64) -> String {
    // Cents on large amounts (often the result of a currency conversion) claim a precision
    // the inputs do not have.
    let shown = if value.abs() >= 1000.0 {
        value.round()
    } else {
        value
    };
    if shown < 0.0 {
        format!("-{symbol}{}", grouped(-shown))
    } else {
        format!("{symbol}{}", grouped(shown))
    }
}

/// A number for prose: thousands separators for whole numbers (`1,234`), otherwise
/// without trailing zeros (`12.5`).
pub fn number(value: f64) -> String {
    let g = grouped(value);
    match g.split_once('.') {
        Some((whole, cents)) => {
            let cents = cents.trim_end_matches('0');
            if cents.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{cents}")
            }
        }
        None => g,
    }
}

/// A plain number without trailing zeros: `10`, `12.5`, `0.25`.
pub fn plain(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let s = format!("{value:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A percentage given on the 0–100 scale: `10%`, `12.5%`.
pub fn pct(value: f64) -> String {
    format!("{}%", plain(value))
}

/// A count of operations as regulations write it: `10^26`, `3.5 × 10^25`. The mantissa
/// keeps as many digits as the value needs, up to 6 (comparisons also state the margin, so
/// a count just over a figure is never shown as equal to it).
pub fn ops(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return plain(value);
    }
    let mut exp = value.abs().log10().floor() as i32;
    let mut mantissa = value / 10f64.powi(exp);
    if mantissa.abs() >= 9.9999995 {
        mantissa /= 10.0;
        exp += 1;
    }
    let digits = (0..=6)
        .find(|d| {
            let scale = 10f64.powi(*d);
            let shown = (mantissa * scale).round() / scale;
            ((shown - mantissa) / mantissa).abs() < 1e-9
        })
        .unwrap_or(6);
    let m = format!("{mantissa:.digits$}", digits = digits as usize);
    if m == "1" {
        format!("10^{exp}")
    } else {
        format!("{m} × 10^{exp}")
    }
}

/// Formats a value in the given unit (`usd`, `eur`, `gbp`, `pct`, `ops`, `ops_per_s`,
/// `gbps`, `days`, `count`, …); an unknown unit prints the plain number.
pub fn in_unit(unit: &str, value: f64) -> String {
    match unit {
        "usd" => usd(value),
        "eur" => eur(value),
        "gbp" => gbp(value),
        "pct" => pct(value),
        "ops" => format!("{} operations", ops(value)),
        "ops_per_s" => format!("{} operations per second", ops(value)),
        "gbps" => format!("{} Gbit/s", plain(value)),
        "days" => format!("{} days", plain(value)),
        "hhi" | "count" => number(value),
        _ => plain(value),
    }
}

/// A difference in the given unit, as a margin: `$3,600,000`, `2.5 percentage points`.
pub fn margin_in_unit(unit: &str, value: f64) -> String {
    match unit {
        "pct" => {
            let v = plain(value);
            if v == "1" {
                "1 percentage point".to_string()
            } else {
                format!("{v} percentage points")
            }
        }
        _ => in_unit(unit, value),
    }
}

/// The text with its first letter in upper case, to start a sentence with a phrase.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// A count with its noun: `1 month`, `5 months`.
pub fn count<N: fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_digit_routes_match_float_formatting() {
        let mut x = 0.123_456_789_f64;
        let mut values = vec![0.0, 1.0, 99.0, 100.0, 2f64.powi(53), 2f64.powi(64), 1e300];
        while x < 1e22 {
            values.extend([x, x.trunc(), (x * 100.0).round()]);
            x *= 1.37;
        }
        for v in values {
            let v = v.trunc();
            assert_eq!(whole_digits(v), format!("{v:.0}"), "{v}");
            if v < 100.0 {
                assert_eq!(two_digits(v), format!("{v:02.0}"), "{v}");
            }
        }
    }

    #[test]
    fn money_has_separators_and_no_float_noise() {
        assert_eq!(usd(1.25e9), "$1,250,000,000");
        assert_eq!(usd(111_400_000.0), "$111,400,000");
        assert_eq!(usd(999.0), "$999");
        assert_eq!(usd(1000.0), "$1,000");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(234.5), "$234.50");
        assert_eq!(eur(871_559_633.03), "€871,559,633");
        assert_eq!(usd(-3_600_000.0), "-$3,600,000");
        assert_eq!(eur(2.5e9), "€2,500,000,000");
        assert_eq!(gbp(7e7), "£70,000,000");
    }

    #[test]
    fn numbers_for_prose_group_and_trim() {
        assert_eq!(number(2674.88), "2,674.88");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(1_000_000.0), "1,000,000");
        assert_eq!(number(3.0), "3");
    }

    #[test]
    fn percentages_and_plain_numbers_drop_trailing_zeros() {
        assert_eq!(pct(10.0), "10%");
        assert_eq!(pct(12.5), "12.5%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(plain(0.25), "0.25");
    }

    #[test]
    fn operations_as_powers_of_ten() {
        assert_eq!(ops(1e26), "10^26");
        assert_eq!(ops(3.5e25), "3.5 × 10^25");
        assert_eq!(ops(1.0004e26), "1.0004 × 10^26");
        assert_eq!(ops(9.994e25), "9.994 × 10^25");
        assert_eq!(ops(1e23), "10^23");
    }

    #[test]
    fn margins_name_their_unit() {
        assert_eq!(margin_in_unit("pct", 2.5), "2.5 percentage points");
        assert_eq!(margin_in_unit("pct", 1.0), "1 percentage point");
        assert_eq!(margin_in_unit("usd", 3_600_000.0), "$3,600,000");
        assert_eq!(margin_in_unit("hhi", 1234.0), "1,234");
    }
}
